//! The member's own pages: consents given and withdrawn in one request each, the
//! transparency report, the archive (which verifies), and leaving.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

use andel_http::CSRF_HEADER;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use support::{ada, assert_problem, coop, coop_with, get, send};

fn change(
    method: Method,
    path: &str,
    cookie: &str,
    csrf: Option<&str>,
    body: &str,
) -> Request<Body> {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/json");
    let request = match csrf {
        Some(csrf) => request.header(CSRF_HEADER, csrf),
        None => request,
    };
    request.body(Body::from(body.to_owned())).unwrap()
}

#[tokio::test]
async fn consents_are_given_and_withdrawn_in_one_request_each() {
    let dir = tempfile::tempdir().unwrap();
    let app = coop(dir.path(), "solrosen").await;
    let (cookie, csrf) = ada(&app).await;
    let path = "/api/me/consents/research";

    let (response, body) = send(&app, change(Method::PUT, path, &cookie, None, "{}")).await;
    assert_problem(&response, &body, 403, "csrf");
    let (response, given) = send(&app, change(Method::PUT, path, &cookie, Some(&csrf), "{}")).await;
    assert_eq!(response.status(), StatusCode::OK, "{given}");
    assert_eq!(given["purpose"], "research");
    assert_eq!(given["in_force"], true);

    let (response, all) = send(&app, get("/api/me/consents", Some(&cookie))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(all.as_array().unwrap().len(), 1);
    assert_eq!(all[0]["in_force"], true);

    let (response, withdrawn) =
        send(&app, change(Method::DELETE, path, &cookie, Some(&csrf), "")).await;
    assert_eq!(response.status(), StatusCode::OK, "{withdrawn}");
    assert_eq!(withdrawn["in_force"], false);
    assert_eq!(withdrawn["history"].as_array().unwrap().len(), 2);
    let (response, body) = send(&app, change(Method::DELETE, path, &cookie, Some(&csrf), "")).await;
    assert_problem(&response, &body, 422, "refused");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("no consent for research in force"),
        "{body}"
    );

    let (response, body) = send(
        &app,
        change(
            Method::PUT,
            "/api/me/consents/spying",
            &cookie,
            Some(&csrf),
            "{}",
        ),
    )
    .await;
    assert_problem(&response, &body, 404, "not-found");
    assert!(
        body["detail"].as_str().unwrap().contains("research"),
        "{body}"
    );
    let (response, body) = send(
        &app,
        change(
            Method::PUT,
            path,
            &cookie,
            Some(&csrf),
            r#"{"expires": "soon"}"#,
        ),
    )
    .await;
    assert_problem(&response, &body, 422, "invalid-body");
}

#[tokio::test]
async fn the_report_and_the_archive_are_the_members_own() {
    let dir = tempfile::tempdir().unwrap();
    let app = coop(dir.path(), "solrosen").await;
    let (cookie, csrf) = ada(&app).await;
    let given = change(
        Method::PUT,
        "/api/me/consents/research",
        &cookie,
        Some(&csrf),
        "{}",
    );
    assert_eq!(send(&app, given).await.0.status(), StatusCode::OK);

    let (response, report) = send(&app, get("/api/me/report", Some(&cookie))).await;
    assert_eq!(response.status(), StatusCode::OK, "{report}");
    assert_eq!(report["member"], "1");

    let response = app
        .clone()
        .oneshot(get("/api/me/archive", Some(&cookie)))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/zip");
    let disposition = response.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap();
    assert_eq!(
        disposition,
        "attachment; filename=\"member-1-2027-02-01.zip\""
    );
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let file = dir.path().join("ada.zip");
    std::fs::write(&file, &bytes).unwrap();
    let checked = andel_service::verify_archive(&file).unwrap();
    assert!(checked.is_ok(), "{:?}", checked.failures);
    assert!(checked.member_journal.is_some(), "a member's archive");

    let unnamed = coop_with(dir.path(), "granen", None).await;
    let (cookie, _) = ada(&unnamed).await;
    let (response, body) = send(&unnamed, get("/api/me/archive", Some(&cookie))).await;
    assert_problem(&response, &body, 503, "no-controller");
}

#[tokio::test]
async fn a_member_gives_notice_once() {
    let dir = tempfile::tempdir().unwrap();
    let app = coop(dir.path(), "solrosen").await;
    let (cookie, csrf) = ada(&app).await;
    let path = "/api/me/resignation";
    let (response, body) = send(&app, change(Method::POST, path, &cookie, None, "")).await;
    assert_problem(&response, &body, 403, "csrf");
    let (response, notice) = send(&app, change(Method::POST, path, &cookie, Some(&csrf), "")).await;
    assert_eq!(response.status(), StatusCode::OK, "{notice}");
    assert_eq!(notice["member"], 1);
    assert!(
        !notice["recorded"].as_array().unwrap().is_empty(),
        "{notice}"
    );
    let (response, body) = send(&app, change(Method::POST, path, &cookie, Some(&csrf), "")).await;
    assert_problem(&response, &body, 422, "refused");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("member 1 already gave notice on 2027-02-01"),
        "{body}"
    );
}
