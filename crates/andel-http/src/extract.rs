//! Extractors whose every refusal is a problem document, for the routes of this crate
//! and of the services that mount it: a JSON body ([`Body`]), path parameters
//! ([`PathParams`]) and a query string ([`QueryParams`]). axum's own answer plain text.
//! And the refusals every operation may give, added to the OpenAPI document once.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use serde::de::DeserializeOwned;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, ResponseBuilder};

use crate::{PROBLEM_JSON, Problem};

/// The most a JSON body may weigh, unless a route says otherwise (axum's default).
const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// A JSON object as the request body, read into `T`: `415` when the body is not JSON,
/// `400` when it does not parse or is not an object (an array is not read as a
/// struct's fields), `422` when it does not fit `T`. Use it in a service's own handlers
/// instead of axum's `Json`, so that every refusal reads alike.
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        if !is_json(req.headers()) {
            return Err(Problem::new(
                415,
                "unsupported-media-type",
                "The body is not JSON",
                "send the body as JSON, with `Content-Type: application/json`",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|rejection| Problem::bad_request(rejection.body_text()))?;
        let bytes = &bytes[..bytes.len().min(BODY_LIMIT)];
        match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => {}
            _ => {
                return Err(Problem::bad_request(
                    "the body is not a JSON object (`{…}`)",
                ));
            }
        }
        serde_json::from_slice(bytes).map(Body).map_err(|err| {
            if err.is_data() {
                Problem::new(
                    422,
                    "invalid-body",
                    "The body does not fit",
                    err.to_string(),
                )
            } else {
                Problem::bad_request(format!("the body is not JSON: {err}"))
            }
        })
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(str::trim)
        .is_some_and(|mime| {
            mime.eq_ignore_ascii_case("application/json")
                || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
}

/// Path parameters read into `T`: `400`, naming the part, when one does not read
/// (`/cards/abc` where a number belongs).
#[derive(Debug)]
pub struct PathParams<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PathParams<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| PathParams(value))
            .map_err(|rejection| Problem::bad_request(rejection.body_text()))
    }
}

/// A query string read into `T`: `400`, naming the parameter, when it does not read.
#[derive(Debug)]
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| QueryParams(value))
            .map_err(|rejection| Problem::bad_request(rejection.body_text()))
    }
}

/// Adds to every operation of `doc` the refusals any of them may give, where the
/// operation does not describe them itself: `400` (a path, query or body that does
/// not read), and for operations that change something `403` (no CSRF token); with a
/// body, `415` and `422`; with path parameters, `404` and `422` (what they name is not
/// there, or refuses).
pub(crate) fn add_common_refusals(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        for (operation, changes) in operations(item) {
            let has_body = operation.request_body.is_some();
            let has_path = operation
                .parameters
                .iter()
                .flatten()
                .any(|p| matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Path));
            let mut add = |status: &str, description: &str| {
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| problem_response(description).into());
            };
            add("400", "A path, query or body that does not read");
            if changes {
                add("403", "No CSRF token, or a refusal");
            }
            if has_body {
                add("415", "The body is not JSON");
                add("422", "The body does not fit, or is refused");
            }
            if has_path {
                add("404", "What the path names is not there");
                add("422", "Refused");
            }
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = (&mut Operation, bool)> {
    [
        (item.get.as_mut(), false),
        (item.head.as_mut(), false),
        (item.post.as_mut(), true),
        (item.put.as_mut(), true),
        (item.patch.as_mut(), true),
        (item.delete.as_mut(), true),
    ]
    .into_iter()
    .filter_map(|(operation, changes)| operation.map(|op| (op, changes)))
}

fn problem_response(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}
