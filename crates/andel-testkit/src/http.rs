//! A member signed in to a service's routes, in process (feature `http`): the API tests
//! of the kanban and chat services call their routes through it with
//! `tower::ServiceExt::oneshot`, as a browser would, cookie and CSRF token included.
//!
//! ```no_run
//! # async fn test(app: axum::Router) {
//! use andel_testkit::http::sign_in;
//!
//! let alva = sign_in(&app, 1, "correct horse battery staple").await;
//! let (status, boards) = alva.get(&app, "/api/boards").await;
//! assert_eq!(status, axum::http::StatusCode::OK, "{boards}");
//! # }
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// A signed-in member: their session cookie and CSRF token.
#[derive(Debug, Clone)]
pub struct Member {
    /// `andel_session=…`, as a `Cookie` header sends it.
    pub cookie: String,
    /// The session's CSRF token.
    pub csrf: String,
}

/// Signs member number `member` in with `password`.
///
/// # Panics
///
/// When the sign-in is refused.
pub async fn sign_in(app: &Router, member: u32, password: &str) -> Member {
    let request = Request::post("/api/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"member": member, "password": password}).to_string(),
        ))
        .unwrap();
    let (response, body) = send(app, request).await;
    assert_eq!(response.status(), StatusCode::OK, "{body}");
    let set = response.headers()[header::SET_COOKIE].to_str().unwrap();
    Member {
        cookie: set.split(';').next().unwrap().to_owned(),
        csrf: body["csrf"].as_str().unwrap().to_owned(),
    }
}

/// Sends `request` to `app`: the response (its body taken out) and the body as JSON
/// (`null` when it is not JSON).
///
/// # Panics
///
/// When the body does not read.
pub async fn send(app: &Router, request: Request<Body>) -> (Response<Body>, Value) {
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (Response::from_parts(parts, Body::empty()), json)
}

impl Member {
    /// `method` on `path` with a JSON `body`, as this member: the status and the JSON
    /// answered.
    pub async fn call(
        &self,
        app: &Router,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::COOKIE, &self.cookie)
            .header("x-csrf-token", &self.csrf);
        let body = match body {
            Some(body) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(body.to_string())
            }
            None => Body::empty(),
        };
        let (response, json) = send(app, request.body(body).unwrap()).await;
        (response.status(), json)
    }

    /// `GET path`.
    pub async fn get(&self, app: &Router, path: &str) -> (StatusCode, Value) {
        self.call(app, Method::GET, path, None).await
    }

    /// `POST path` with `body`.
    pub async fn post(&self, app: &Router, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(app, Method::POST, path, Some(body)).await
    }
}
