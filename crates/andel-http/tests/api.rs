//! The member API in process (`tower::ServiceExt::oneshot`): every route, signing in
//! and out, limits, CSRF, problem details, the OpenAPI document, and co-ops kept apart.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

use andel_http::CSRF_HEADER;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;

use support::{PASSWORD, ada, assert_problem, coop, get, send, sign_in_request, text};

#[tokio::test]
async fn a_member_signs_in_reads_their_data_and_signs_out() {
    let dir = tempfile::tempdir().unwrap();
    let app = coop(dir.path(), "solrosen").await;

    let (response, body) = send(
        &app,
        sign_in_request(&json!({"member": 1, "password": PASSWORD})),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let set = response.headers()[header::SET_COOKIE].to_str().unwrap();
    for flag in ["andel_session=", "HttpOnly", "Secure", "SameSite=Strict"] {
        assert!(set.contains(flag), "{set}");
    }
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    assert_eq!(body["member"], 1);
    assert_eq!(body["standing"], "member");
    assert_eq!(body["expires_at"], "2027-02-01T22:00:00Z");
    let cookie = set.split(';').next().unwrap();
    let csrf = body["csrf"].as_str().unwrap();

    let (response, me) = send(&app, get("/api/me", Some(cookie))).await;
    assert_eq!(response.status(), StatusCode::OK, "{me}");
    assert_eq!(
        me,
        json!({"member": 1, "name": "Ada", "status": "admitted", "standing": "member"})
    );
    let (response, statement) = send(&app, get("/api/me/statement", Some(cookie))).await;
    assert_eq!(response.status(), StatusCode::OK, "{statement}");
    assert_eq!(statement["member"], 1);
    assert_eq!(statement["name"], "Ada");

    // Signing out needs the CSRF token; then the cookie signs nobody in.
    let sign_out = |csrf: Option<&str>| {
        let request = Request::delete("/api/session").header(header::COOKIE, cookie);
        let request = match csrf {
            Some(csrf) => request.header(CSRF_HEADER, csrf),
            None => request,
        };
        request.body(Body::empty()).unwrap()
    };
    let (response, body) = send(&app, sign_out(None)).await;
    assert_problem(&response, &body, 403, "csrf");
    let (response, body) = send(&app, sign_out(Some("0123"))).await;
    assert_problem(&response, &body, 403, "csrf");
    let (response, _) = send(&app, sign_out(Some(csrf))).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(
        response.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let (response, body) = send(&app, get("/api/me", Some(cookie))).await;
    assert_problem(&response, &body, 401, "signed-out");
}

#[tokio::test]
async fn refusals_are_problem_documents() {
    let dir = tempfile::tempdir().unwrap();
    let app = coop(dir.path(), "solrosen").await;

    let wrong = json!({"member": 1, "password": "not the password at all"});
    let (response, body) = send(&app, sign_in_request(&wrong)).await;
    assert_problem(&response, &body, 401, "sign-in-failed");
    let (response, body) = send(
        &app,
        sign_in_request(&json!({"member": 2, "password": PASSWORD})),
    )
    .await;
    assert_problem(&response, &body, 401, "sign-in-failed");

    let (response, body) = send(&app, get("/api/me", None)).await;
    assert_problem(&response, &body, 401, "signed-out");
    let forged = format!("andel_session={}", "ab".repeat(32));
    let (response, body) = send(&app, get("/api/me/statement", Some(&forged))).await;
    assert_problem(&response, &body, 401, "signed-out");

    let (response, body) = send(
        &app,
        sign_in_request(&json!({"member": 0, "password": "x"})),
    )
    .await;
    assert_problem(&response, &body, 422, "invalid-body");
    let extra = json!({"member": 1, "password": PASSWORD, "admin": true});
    let (response, body) = send(&app, sign_in_request(&extra)).await;
    assert_problem(&response, &body, 422, "invalid-body");
    assert!(body["detail"].as_str().unwrap().contains("admin"), "{body}");
    let not_json = Request::post("/api/session")
        .body(Body::from("member=1&password=x"))
        .unwrap();
    let (response, body) = send(&app, not_json).await;
    assert_problem(&response, &body, 415, "unsupported-media-type");
    let broken = Request::post("/api/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"member\": 1,"))
        .unwrap();
    let (response, body) = send(&app, broken).await;
    assert_problem(&response, &body, 400, "bad-request");

    let (response, body) = send(&app, get("/api/nothing-here", None)).await;
    assert_problem(&response, &body, 404, "not-found");
}

#[tokio::test]
async fn guessing_is_slowed_to_five_tries_a_quarter_hour() {
    let dir = tempfile::tempdir().unwrap();
    let app = coop(dir.path(), "solrosen").await;
    let wrong = json!({"member": 1, "password": "a wrong guess, again and again"});
    for _ in 0..5 {
        let (response, body) = send(&app, sign_in_request(&wrong)).await;
        assert_problem(&response, &body, 401, "sign-in-failed");
    }
    // The sixth try is refused before the password is looked at, even the right one.
    let right = json!({"member": 1, "password": PASSWORD});
    let (response, body) = send(&app, sign_in_request(&right)).await;
    assert_problem(&response, &body, 429, "too-many-attempts");
    assert_eq!(response.headers()[header::RETRY_AFTER], "900");
    assert_eq!(body["retry_after"], 900);
}

#[tokio::test]
async fn a_session_of_one_coop_opens_nothing_in_another() {
    let dir = tempfile::tempdir().unwrap();
    let solrosen = coop(dir.path(), "solrosen").await;
    let granen = coop(dir.path(), "granen").await;
    let (cookie, _) = ada(&solrosen).await;
    let (response, _) = send(&solrosen, get("/api/me", Some(&cookie))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let (response, body) = send(&granen, get("/api/me", Some(&cookie))).await;
    assert_problem(&response, &body, 401, "signed-out");
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let dir = tempfile::tempdir().unwrap();
    let app = coop(dir.path(), "solrosen").await;
    let (response, doc) = send(&app, get("/api/openapi.json", None)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{doc}");
    for (path, method) in [
        ("/api/session", "post"),
        ("/api/session", "delete"),
        ("/api/me", "get"),
        ("/api/me/statement", "get"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{path} {method}");
    }
    assert!(doc["components"]["schemas"]["Problem"].is_object());
}

#[tokio::test]
async fn an_applicant_applies_from_the_web_and_signs_in_once_admitted() {
    let dir = tempfile::tempdir().unwrap();
    let app = coop(dir.path(), "solrosen").await;
    let apply = |body: serde_json::Value| {
        Request::post("/api/applications")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    // A refused password records nothing: the next application still gets number 3.
    let short = json!({"name": "Cy", "class": "members", "password": "short"});
    let (response, body) = send(&app, apply(short)).await;
    assert_problem(&response, &body, 422, "password-refused");
    let bad_class = json!({"name": "Cy", "class": "Members!", "password": PASSWORD});
    let (response, body) = send(&app, apply(bad_class)).await;
    assert_problem(&response, &body, 422, "invalid-body");
    let unknown_class = json!({"name": "Cy", "class": "founders", "password": PASSWORD});
    let (response, body) = send(&app, apply(unknown_class)).await;
    assert_problem(&response, &body, 422, "refused");

    let cy = json!({"name": "Cy", "class": "members", "password": PASSWORD});
    let (response, body) = send(&app, apply(cy)).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{body}");
    assert_eq!(body, json!({"member": 3, "status": "admitted"}));
    let (response, session) = send(
        &app,
        sign_in_request(&json!({"member": 3, "password": PASSWORD})),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "{session}");
    assert_eq!(session["standing"], "member");
}

#[tokio::test]
async fn the_members_pages_are_served_with_every_file_they_load_and_only_those_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let app = coop(dir.path(), "solrosen").await;
    let (_, page) = text(&app, "/me").await;
    let loaded: Vec<&str> = page.split('"').filter(|s| s.starts_with("/me/")).collect();
    for file in ["/me/common.js", "/me/common.css", "/me/me.js", "/me/me.css"] {
        assert!(loaded.contains(&file), "/me does not load {file}");
    }
    for path in std::iter::once("/me").chain(loaded) {
        let (response, _) = text(&app, path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let headers = response.headers();
        let kind = headers[header::CONTENT_TYPE].to_str().unwrap();
        let expected = match path.rsplit_once('.') {
            Some((_, "js")) => "text/javascript",
            Some((_, "css")) => "text/css",
            _ => "text/html",
        };
        assert!(kind.starts_with(expected), "{path} is served as {kind}");
        let policy = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert_eq!(policy, andel_http::PAGE_POLICY, "{path}");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
}

#[tokio::test]
async fn every_operation_documents_the_refusals_it_may_give() {
    let dir = tempfile::tempdir().unwrap();
    let app = coop(dir.path(), "solrosen").await;
    let (_, doc) = send(&app, get("/api/openapi.json", None)).await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = &operation["responses"];
            assert!(responses["400"].is_object(), "{method} {path} lists no 400");
            if method != "get" {
                assert!(responses["403"].is_object(), "{method} {path} lists no 403");
            }
            if operation["requestBody"].is_object() {
                for status in ["415", "422"] {
                    assert!(
                        responses[status].is_object(),
                        "{method} {path} lists no {status}"
                    );
                }
            }
        }
    }
}
