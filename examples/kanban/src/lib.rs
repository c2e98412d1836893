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

pub mod board;
