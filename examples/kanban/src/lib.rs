//! A kanban board service its members own, built on the Andel SDK.
//!
//! Boards, lists and cards (with labels, members, due dates, checklists, comments and
//! attachment metadata) live each in its board's journal stream
//! (`kanban.board.<id>`): every change is an entry, hash-chained and verifiable. Each
//! card, comment and attachment belongs to the member who wrote it. Who may see or
//! change a board is decided by the consent engine under the data policy the co-op's
//! members adopted, and every decision is recorded in the co-op's audit journal, so a
//! member's transparency report shows who read their cards.
//!
//! - [`board`]: the board as an aggregate (pure: a command decides events);
//! - [`Boards`]: the use cases (ask the consent engine, decide, record);
//! - [`app`]: the routes: the kanban API beside [`andel_http::router`]'s, and the page;
//! - [`trello`]: Trello board exports in and out;
//! - [`KanbanData`]: the service's share of a member's archive;
//! - [`demo`]: the demo co-op `cargo run -p kanban` starts with.
//!
//! ```
//! use std::sync::Arc;
//! use andel_http::App;
//! use andel_service::{Access, Coop};
//! use kanban::{Boards, Kanban, KanbanData};
//!
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! # let dir = tempfile::tempdir()?;
//! # let location = format!("sqlite:{}", dir.path().join("coop.db").display()).parse()?;
//! let coop = Arc::new(Coop::open(&location, "demo".parse()?, Access::Start).await?);
//! let boards = Arc::new(Boards::new(Arc::clone(&coop)));
//! // Three members, the kanban policy adopted by their vote, a first board.
//! let members = kanban::demo::start(&coop, &boards, chrono::Utc::now()).await?;
//! assert_eq!(members.len(), 3);
//! let http = App::new(Arc::clone(&coop))
//!     .with_controller(kanban::demo::controller()?)
//!     .with_service_data(Arc::new(KanbanData::new(Arc::clone(&boards))));
//! let routes = kanban::app(Kanban { http, boards });
//! // andel_http::axum::serve(listener, routes.into_make_service_with_connect_info::<std::net::SocketAddr>())
//! # let _ = routes;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![doc(html_root_url = "https://docs.rs/kanban")]

pub mod api;
mod archive;
pub mod board;
mod boards;
pub mod demo;
mod page;
pub mod trello;

pub use api::{Kanban, KanbanApi, app};
pub use archive::{KanbanData, MODULE};
pub use boards::{Actor, BOARD_PREFIX, BoardId, BoardSummary, Boards, KanbanError, SERVICE};

/// Reads who controls the co-op's data from a TOML file (as
/// `examples/data/controller.toml`).
///
/// # Errors
///
/// A file that does not read, or is not such a TOML table, naming the file.
pub fn read_controller(path: &std::path::Path) -> Result<andel_consent::Controller, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| format!("cannot read the controller file {}: {err}", path.display()))?;
    toml::from_str(&text)
        .map_err(|err| format!("the controller file {} does not fit: {err}", path.display()))
}
