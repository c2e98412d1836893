//! The web page: one HTML file, one script and one style sheet of the project's own,
//! built into the binary, so nothing is fetched from anywhere else and there is no
//! build step. The member's own pages (their data, consents, proposals) are
//! `andel-http`'s, at `/me`.

use andel_http::axum::Router;
use andel_http::axum::routing::get;
use andel_http::page_file as file;

const INDEX: &str = include_str!("../static/index.html");
const SCRIPT: &str = include_str!("../static/app.js");
const STYLE: &str = include_str!("../static/style.css");

/// `/`, `/app.js` and `/style.css`.
pub(crate) fn routes() -> Router {
    Router::new()
        .route(
            "/",
            get(|| async { file(INDEX, "text/html; charset=utf-8") }),
        )
        .route(
            "/app.js",
            get(|| async { file(SCRIPT, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/style.css",
            get(|| async { file(STYLE, "text/css; charset=utf-8") }),
        )
}
