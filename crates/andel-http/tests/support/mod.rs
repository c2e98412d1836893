//! What the API tests share: a co-op with members, requests, and answers read back.

#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;

use andel_consent::Controller;
use andel_http::{App, PROBLEM_JSON, router};
use andel_journal::Timestamp;
use andel_ledger::{Command, MemberNumber, Statutes, event::Person};
use andel_service::{Access, Coop};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

pub const STATUTES: &str = r#"
name = "Solrosen"
currency = { code = "SEK", scale = 2 }
[[classes]]
id = "members"
name = "Members"
nominal = "100.00"
min_shares = 1
admission = "automatic"
"#;

pub const PASSWORD: &str = "correct horse battery staple";
pub const NOW: &str = "2027-02-01T10:00:00Z";

/// A co-op with Ada (member 1, who has a password) and Bo (2, who has none), served
/// on a clock stopped at NOW.
pub async fn coop(dir: &std::path::Path, tenant: &str) -> Router {
    coop_with(dir, tenant, Some(controller())).await
}

/// Who controls Solrosen's data, for archives.
pub fn controller() -> Controller {
    Controller {
        name: "Solrosen".into(),
        contact: "Styrelsen".into(),
        address: "Storgatan 1, Umeå".into(),
        email: "styrelsen@solrosen.example".into(),
        jurisdiction: "SE".into(),
        policy_url: "https://solrosen.example/data".into(),
    }
}

/// As [`coop`], naming the data controller or not.
pub async fn coop_with(
    dir: &std::path::Path,
    tenant: &str,
    controller: Option<Controller>,
) -> Router {
    let location = format!("sqlite:{}", dir.join("coops.db").display())
        .parse()
        .unwrap();
    let coop = Coop::open(&location, tenant.parse().unwrap(), Access::Start)
        .await
        .unwrap();
    let mut ledger = coop.membership().await.unwrap();
    let statutes = Box::new(Statutes::from_toml(STATUTES).unwrap());
    let on = "2027-01-01".parse().unwrap();
    let at: Timestamp = "2027-01-01T09:00:00Z".parse().unwrap();
    ledger
        .record(Command::AdoptStatutes { statutes }, on, at, None)
        .await
        .unwrap();
    for name in ["Ada", "Bo"] {
        let apply = Command::ApplyForMembership {
            name: name.into(),
            person: Person::Natural,
            class: "members".parse().unwrap(),
        };
        ledger.record(apply, on, at, None).await.unwrap();
    }
    let ada = MemberNumber::new(1).unwrap();
    coop.set_password(ada, PASSWORD, at).await.unwrap();
    let now: Timestamp = NOW.parse().unwrap();
    let app = App::new(Arc::new(coop)).with_clock(Arc::new(move || now.as_datetime()));
    let app = match controller {
        Some(controller) => app.with_controller(controller),
        None => app,
    };
    router(app)
}

pub async fn send(app: &Router, request: Request<Body>) -> (Response<Body>, Value) {
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (Response::from_parts(parts, Body::empty()), json)
}

pub fn sign_in_request(body: &Value) -> Request<Body> {
    Request::post("/api/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

pub fn get(path: &str, cookie: Option<&str>) -> Request<Body> {
    let request = Request::get(path);
    let request = match cookie {
        Some(cookie) => request.header(header::COOKIE, cookie),
        None => request,
    };
    request.body(Body::empty()).unwrap()
}

/// Signs Ada in: the cookie to send back and the CSRF token.
pub async fn ada(app: &Router) -> (String, String) {
    let (response, body) = send(
        app,
        sign_in_request(&json!({"member": 1, "password": PASSWORD})),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "{body}");
    let set = response.headers()[header::SET_COOKIE].to_str().unwrap();
    let cookie = set.split(';').next().unwrap().to_owned();
    (cookie, body["csrf"].as_str().unwrap().to_owned())
}

pub fn assert_problem(response: &Response<Body>, body: &Value, status: u16, kind: &str) {
    assert_eq!(response.status().as_u16(), status, "{body}");
    assert_eq!(response.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
    assert_eq!(body["type"], format!("urn:andel:problem:{kind}"), "{body}");
    assert_eq!(body["status"], status);
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{body}"
    );
}
