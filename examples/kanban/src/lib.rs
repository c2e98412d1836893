//! A kanban board service its members own, built on the Andel SDK.
//!
//! Boards, lists and cards (with labels, members, due dates, checklists, comments and
//! attachment metadata) live each in its board's journal stream
//! (`kanban.board.<id>`): every change is an entry, hash-chained and verifiable. Each
//! card, comment and attachment belongs to the member who wrote it. Who may see or
//! change a board is decided by the consent engine under the data policy the co-op's
//! members adopted, and every decision is recorded in the co-op's audit journal, so a
//! member's transparency report shows who read their cards.

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
