//! The member's own pages in a browser, for every service that mounts this crate: their
//! data, consents, the report of who used their data, their statement, the archive,
//! leaving, and their part in the co-op's decisions (proposals, ballots and receipts,
//! delegations). One HTML page, one script and one style sheet of the project's own,
//! built into the binary: no build step, nothing fetched from elsewhere.
//!
//! Beside them, the groundwork every page of a service shares, served for the service's
//! own pages too: `/me/common.js` (the JSON API with its problem details and CSRF token,
//! signing in and out, restoring a session, errors) and `/me/common.css` (colours, type,
//! header, forms, buttons, panels). A service's page loads them before its own files.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

const PAGE: &str = include_str!("../static/me.html");
const SCRIPT: &str = include_str!("../static/me.js");
const STYLE: &str = include_str!("../static/me.css");
const COMMON_SCRIPT: &str = include_str!("../static/common.js");
const COMMON_STYLE: &str = include_str!("../static/common.css");

/// What a page served by this crate, or by a service through [`page_file`], may load
/// and run: its own files, nothing else.
pub const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; form-action 'self'; \
    frame-ancestors 'none'; base-uri 'none'";

/// One of a page's own files, `body` of MIME type `kind`, answered with
/// [`PAGE_POLICY`] and `nosniff`: how a service serves its page beside these. The page
/// builds on `/me/common.js` and `/me/common.css`, which this crate's router serves.
///
/// ```
/// use andel_http::axum::{Router, routing::get};
/// use andel_http::page_file;
///
/// const BOARD_PAGE: &str = "<!doctype html><title>Boards</title>\
///     <script src=/me/common.js defer></script><script src=/app.js defer></script>";
/// // Builds on common.js: `state`, `api`, `startPage` and the rest.
/// const BOARD_SCRIPT: &str = "function route() { document.title = 'Our boards'; } startPage();";
///
/// let pages: Router = Router::new()
///     .route("/", get(|| async { page_file(BOARD_PAGE, "text/html; charset=utf-8") }))
///     .route("/app.js", get(|| async { page_file(BOARD_SCRIPT, "text/javascript") }));
/// # let _ = pages;
/// ```
pub fn page_file(body: &'static str, kind: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(PAGE_POLICY),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        body,
    )
        .into_response()
}

/// `GET /me`: the member's pages.
pub(crate) async fn page() -> Response {
    page_file(PAGE, "text/html; charset=utf-8")
}

/// `GET /me/me.js`.
pub(crate) async fn script() -> Response {
    page_file(SCRIPT, "text/javascript; charset=utf-8")
}

/// `GET /me/me.css`.
pub(crate) async fn style() -> Response {
    page_file(STYLE, "text/css; charset=utf-8")
}

/// `GET /me/common.js`: what every page's script builds on.
pub(crate) async fn common_script() -> Response {
    page_file(COMMON_SCRIPT, "text/javascript; charset=utf-8")
}

/// `GET /me/common.css`: what every page's style sheet builds on.
pub(crate) async fn common_style() -> Response {
    page_file(COMMON_STYLE, "text/css; charset=utf-8")
}
