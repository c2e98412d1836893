//! The book's API reference (`book/src/reference/http-api.md`) is the OpenAPI document
//! the kanban service serves, rendered as a page: this test renders it again and fails
//! when the page in the book is not what the code says. `ANDEL_BLESS=1 cargo test -p
//! kanban --test api_reference` writes the page anew after a change to the API.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use andel_http::App;
use andel_http::axum::body::Body;
use andel_http::axum::http::{Request, StatusCode};
use andel_service::{Access, Coop};
use http_body_util::BodyExt;
use kanban::{Boards, Kanban};
use serde_json::{Map, Value};
use tower::ServiceExt;

const PAGE: &str = "book/src/reference/http-api.md";

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

#[tokio::test]
async fn the_books_api_reference_is_the_served_openapi_document() {
    let document = served_document().await;
    let rendered = render(&document);
    let path = workspace().join(PAGE);
    if std::env::var_os("ANDEL_BLESS").is_some() {
        std::fs::write(&path, &rendered).unwrap();
        return;
    }
    let in_book = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        in_book == rendered,
        "{PAGE} is not the served OpenAPI document; run \
         `ANDEL_BLESS=1 cargo test -p kanban --test api_reference` and commit the page"
    );
}

#[tokio::test]
async fn the_reference_names_every_operation_and_schema_once() {
    let document = served_document().await;
    let rendered = render(&document);
    for (path, item) in object(&document["paths"]) {
        for method in METHODS.iter().filter(|m| item.get(**m).is_some()) {
            let heading = format!("\n### `{} {path}`\n", method.to_uppercase());
            assert_eq!(rendered.matches(&heading).count(), 1, "{heading}");
        }
    }
    for name in object(&document["components"]["schemas"]).keys() {
        let heading = format!("\n### {name}\n");
        assert_eq!(rendered.matches(&heading).count(), 1, "{heading}");
    }
}

/// `GET /api/openapi.json` of a kanban service on a new, empty co-op.
async fn served_document() -> Value {
    let dir = tempfile::tempdir().unwrap();
    let location = format!("sqlite:{}", dir.path().join("coops.db").display())
        .parse()
        .unwrap();
    let coop = Arc::new(
        Coop::open(&location, "demo".parse().unwrap(), Access::Start)
            .await
            .unwrap(),
    );
    let boards = Arc::new(Boards::new(Arc::clone(&coop)));
    let app = kanban::app(Kanban {
        http: App::new(coop),
        boards,
    });
    let request = Request::get("/api/openapi.json")
        .body(Body::empty())
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&bytes).unwrap()
}

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn object(value: &Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

/// The page: a preface, the operations grouped by tag in the document's order, then the
/// schemas they refer to.
fn render(document: &Value) -> String {
    let mut page = String::new();
    let title = document["info"]["title"].as_str().unwrap_or("API");
    let version = document["info"]["version"].as_str().unwrap_or("");
    writeln!(page, "# HTTP API reference\n").unwrap();
    writeln!(
        page,
        "<!-- Rendered from the OpenAPI document the kanban service serves at \
         `/api/openapi.json`; do not edit by hand. A test in \
         `examples/kanban/tests/api_reference.rs` fails when this page and the code \
         disagree, and `ANDEL_BLESS=1 cargo test -p kanban --test api_reference` writes it \
         anew. -->\n"
    )
    .unwrap();
    writeln!(
        page,
        "This is {title} {version} as the kanban example serves it at \
         `GET /api/openapi.json` (OpenAPI {}): the routes every service gets from \
         `andel-http` (signing in, the member's own data, consents, proposals, the \
         archive, leaving) and the kanban service's own boards. The chapter [Members on \
         the web](../guides/web-services.md) explains them; this page lists them. Every \
         refusal is an [RFC 9457](https://www.rfc-editor.org/rfc/rfc9457) problem \
         document (`application/problem+json`). Requests that change something carry the \
         session cookie and the `x-csrf-token` header.\n",
        document["openapi"].as_str().unwrap_or("3.1")
    )
    .unwrap();
    for (tag, operations) in by_tag(document) {
        writeln!(page, "## {tag}\n").unwrap();
        for (method, path, operation) in operations {
            render_operation(&mut page, &method, &path, &operation);
        }
    }
    let schemas = object(&document["components"]["schemas"]);
    if !schemas.is_empty() {
        writeln!(page, "## Schemas\n").unwrap();
        for (name, schema) in &schemas {
            render_schema(&mut page, name, schema);
        }
    }
    page.truncate(page.trim_end().len());
    page.push('\n');
    page
}

type Operation = (String, String, Value);

/// The operations under each tag, tags in the order they first appear.
fn by_tag(document: &Value) -> Vec<(String, Vec<Operation>)> {
    let mut tags: Vec<(String, Vec<Operation>)> = Vec::new();
    for (path, item) in object(&document["paths"]) {
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let tag = operation["tags"][0].as_str().unwrap_or("other").to_owned();
            let entry = (method.to_uppercase(), path.clone(), operation.clone());
            match tags.iter_mut().find(|(name, _)| *name == tag) {
                Some((_, operations)) => operations.push(entry),
                None => tags.push((tag, vec![entry])),
            }
        }
    }
    tags
}

fn render_operation(page: &mut String, method: &str, path: &str, operation: &Value) {
    writeln!(page, "### `{method} {path}`\n").unwrap();
    if let Some(summary) = operation["summary"].as_str() {
        writeln!(page, "{}\n", one_paragraph(summary)).unwrap();
    }
    if let Some(description) = operation["description"].as_str() {
        writeln!(page, "{}\n", description.trim()).unwrap();
    }
    let parameters = operation["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if !parameters.is_empty() {
        writeln!(page, "| Parameter | In | Type | Required | Meaning |").unwrap();
        writeln!(page, "|---|---|---|---|---|").unwrap();
        for parameter in &parameters {
            writeln!(
                page,
                "| `{}` | {} | {} | {} | {} |",
                parameter["name"].as_str().unwrap_or(""),
                parameter["in"].as_str().unwrap_or(""),
                type_of(&parameter["schema"]),
                if parameter["required"].as_bool() == Some(true) {
                    "yes"
                } else {
                    "no"
                },
                cell(parameter["description"].as_str().unwrap_or("")),
            )
            .unwrap();
        }
        writeln!(page).unwrap();
    }
    if let Some(content) = operation["requestBody"]["content"].as_object() {
        for (kind, body) in content {
            writeln!(
                page,
                "Request body ({kind}): {}\n",
                type_of(&body["schema"])
            )
            .unwrap();
        }
    }
    let responses = object(&operation["responses"]);
    if !responses.is_empty() {
        writeln!(page, "| Status | Meaning | Body |").unwrap();
        writeln!(page, "|---|---|---|").unwrap();
        for (status, response) in &responses {
            let body = object(&response["content"])
                .iter()
                .map(|(kind, content)| match content.get("schema") {
                    Some(schema) => format!("{} ({kind})", type_of(schema)),
                    None => kind.clone(),
                })
                .collect::<Vec<_>>()
                .join(", ");
            writeln!(
                page,
                "| {status} | {} | {body} |",
                cell(response["description"].as_str().unwrap_or(""))
            )
            .unwrap();
        }
        writeln!(page).unwrap();
    }
}

fn render_schema(page: &mut String, name: &str, schema: &Value) {
    writeln!(page, "### {name}\n").unwrap();
    if let Some(description) = schema["description"].as_str() {
        writeln!(page, "{}\n", description.trim()).unwrap();
    }
    let properties = object(&schema["properties"]);
    if properties.is_empty() {
        writeln!(page, "Type: {}\n", type_of(schema)).unwrap();
        return;
    }
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    writeln!(page, "| Field | Type | Required | Meaning |").unwrap();
    writeln!(page, "|---|---|---|---|").unwrap();
    for (field, property) in &properties {
        writeln!(
            page,
            "| `{field}` | {} | {} | {} |",
            type_of(property),
            if required.contains(&field.as_str()) {
                "yes"
            } else {
                "no"
            },
            cell(property["description"].as_str().unwrap_or("")),
        )
        .unwrap();
    }
    writeln!(page).unwrap();
}

/// A schema's type in a few words, a reference as a link to its section.
fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return format!("[{name}](#{})", name.to_lowercase());
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        if let Some(choices) = schema[combinator].as_array() {
            let parts: Vec<String> = choices.iter().map(type_of).collect();
            return parts.join(if combinator == "allOf" {
                " and "
            } else {
                " or "
            });
        }
    }
    if let Some(choices) = schema["enum"].as_array() {
        let names: Vec<String> = choices.iter().map(|c| format!("`{c}`")).collect();
        return format!("one of {}", names.join(", "));
    }
    let kind = match &schema["type"] {
        Value::String(kind) => kind.clone(),
        Value::Array(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => return "any".to_owned(),
    };
    match kind.as_str() {
        "array" => format!("array of {}", type_of(&schema["items"])),
        _ => match schema["format"].as_str() {
            Some(format) => format!("{kind} ({format})"),
            None => kind,
        },
    }
}

/// Text fit for one table cell.
fn cell(text: &str) -> String {
    one_paragraph(text).replace('|', "\\|")
}

fn one_paragraph(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
