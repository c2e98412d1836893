//! Trello import and export: a Trello board export read, as hostile input, into an
//! [`ImportPlan`] and a report of what it could not bring and why; and a board written
//! out in the shape Trello exports, which other boards' Trello importers read too.
//!
//! Reading is pure and bounded: an export larger than [`MAX_EXPORT_BYTES`] is refused
//! before it is parsed, one holding more than [`MAX_THINGS`] entries is refused after a
//! first pass that counts them without keeping them, and no input makes it panic.
//! Whatever the board would refuse (an empty name, a card in a list the export does
//! not hold, a comment by someone the co-op cannot name) is left out or mended here and
//! said so in the [`ImportReport`], so that the plan always imports.
//!
//! ```
//! use andel_journal::Aggregate;
//! use kanban::board::{Board, BoardCommand};
//! use kanban::trello::{MemberMap, plan_import};
//!
//! let export = br#"{
//!   "id": "b1", "name": "Fair",
//!   "lists": [{ "id": "l1", "name": "To do", "pos": 1 }],
//!   "cards": [{ "id": "c1", "idList": "l1", "name": "Book the hall", "pos": 1 }],
//!   "members": [{ "id": "m1", "username": "alva" }]
//! }"#;
//! let members = MemberMap::from_toml("[members]\nalva = \"1\"\n")?;
//! let importer: andel_consent::MemberId = "1".parse()?;
//! let (plan, report) = plan_import(export, &members, &importer)?;
//! assert_eq!((report.lists, report.cards), (1, 1));
//!
//! let mut board = Board::default();
//! for event in board.decide(BoardCommand::Import(Box::new(plan)), "2027-03-01T09:00:00Z".parse()?)? {
//!     board.apply(&event)?;
//! }
//! assert_eq!(board.title(), "Fair");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod bounds;
mod export;
mod format;
mod plan;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;

use std::collections::BTreeMap;

use andel_consent::{MemberId, NameError};
use serde::{Deserialize, Serialize};

use crate::board::{ImportPlan, MAX_THINGS};
use bounds::{Census, TopLevel, json_error, line_column};
use format::Export;
use plan::{Planner, short, usable_id};

pub use export::export_board;

/// The largest export read, in bytes: 64 MiB. Larger ones are refused unread.
pub const MAX_EXPORT_BYTES: usize = 64 * 1024 * 1024;
/// The largest member map read, in bytes.
pub const MAX_MEMBER_MAP_BYTES: usize = 1024 * 1024;

/// What a thing without a name is called on the board.
const UNTITLED: &str = "(untitled)";
/// What a board without a name is called.
const UNNAMED_BOARD: &str = "Imported board";
/// The longest Trello id taken, in bytes (Trello's own are 24).
const MAX_ID: usize = 128;
/// The most lines a report gives about single things; the summaries come besides.
const MAX_REPORT_LINES: usize = 500;

/// How the members of a Trello board map to the co-op's members: each Trello member,
/// by id or by username, to a [`MemberId`].
///
/// Read from a small TOML file,
///
/// ```toml
/// [members]
/// ryanhimmelwright = "2"
/// "599d995a97a48d942e3cf4f2" = "3"
/// ```
///
/// or, as JSON, from the table alone: `{"ryanhimmelwright": "2"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MemberMap(BTreeMap<String, MemberId>);

/// The TOML file a member map is read from.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a member map")]
struct MemberMapFile {
    #[serde(default)]
    members: BTreeMap<String, String>,
}

impl MemberMap {
    /// A map from Trello member ids or usernames to members.
    pub fn new(members: BTreeMap<String, MemberId>) -> Self {
        MemberMap(members)
    }

    /// Reads a map from TOML: a `[members]` table of `"<trello id or username>" =
    /// "<member>"`.
    ///
    /// # Errors
    ///
    /// [`TrelloError::TooLarge`] past [`MAX_MEMBER_MAP_BYTES`],
    /// [`TrelloError::MemberMap`] when the text is not such a table, and
    /// [`TrelloError::MemberMapMember`] when it names a member id that is not valid.
    pub fn from_toml(text: &str) -> Result<Self, TrelloError> {
        if text.len() > MAX_MEMBER_MAP_BYTES {
            return Err(TrelloError::TooLarge {
                what: "member map",
                size: text.len(),
                max: MAX_MEMBER_MAP_BYTES,
            });
        }
        let file: MemberMapFile = toml::from_str(text).map_err(|error| {
            let (line, column) = error
                .span()
                .map_or((0, 0), |span| line_column(text, span.start));
            TrelloError::MemberMap {
                message: error.message().trim().to_owned(),
                line,
                column,
            }
        })?;
        file.members
            .into_iter()
            .map(|(trello, member)| match MemberId::new(&member) {
                Ok(member) => Ok((trello, member)),
                Err(source) => Err(TrelloError::MemberMapMember { trello, source }),
            })
            .collect::<Result<_, _>>()
            .map(MemberMap)
    }

    /// The member a Trello member id or username maps to.
    pub fn get(&self, trello: &str) -> Option<&MemberId> {
        self.0.get(trello)
    }

    /// How many Trello members it maps.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it maps no one.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Each Trello member id or username and the member it maps to.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &MemberId)> {
        self.0
            .iter()
            .map(|(trello, member)| (trello.as_str(), member))
    }

    /// The member for a Trello member: by id first, then by username.
    fn find(&self, id: &str, username: Option<&str>) -> Option<&MemberId> {
        self.0
            .get(id)
            .or_else(|| username.and_then(|name| self.0.get(name)))
    }
}

impl From<BTreeMap<String, MemberId>> for MemberMap {
    fn from(members: BTreeMap<String, MemberId>) -> Self {
        MemberMap(members)
    }
}

impl FromIterator<(String, MemberId)> for MemberMap {
    fn from_iter<I: IntoIterator<Item = (String, MemberId)>>(iter: I) -> Self {
        MemberMap(iter.into_iter().collect())
    }
}

/// Why a Trello export or a member map cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrelloError {
    /// Larger than is read.
    #[error("the {what} is {size} bytes; at most {max} bytes are read")]
    TooLarge {
        /// What: `export` or `member map`.
        what: &'static str,
        /// Its size in bytes.
        size: usize,
        /// The most read.
        max: usize,
    },
    /// Not JSON (or JSON nested deeper than is read).
    #[error("the export cannot be read as JSON: {message} (line {line}, column {column})")]
    NotJson {
        /// What the JSON reader found wrong.
        message: String,
        /// The line, from 1.
        line: usize,
        /// The column, from 1.
        column: usize,
    },
    /// JSON, but not a Trello board export.
    #[error("the export is not a Trello board export: {message} (line {line}, column {column})")]
    NotABoard {
        /// What was not as a Trello board export has it.
        message: String,
        /// The line, from 1.
        line: usize,
        /// The column, from 1.
        column: usize,
    },
    /// More entries than a board may hold.
    #[error(
        "the export holds {count} entries (labels, lists, cards, attachments, checklists, \
         checklist items, actions and members); at most {max} are read"
    )]
    TooMany {
        /// How many it holds.
        count: usize,
        /// The most read.
        max: usize,
    },
    /// The board's own id cannot be used.
    #[error(
        "the export's board id `{id}` cannot be used: an id is 1 to 128 bytes without control characters"
    )]
    BoardId {
        /// The id (its start, when long).
        id: String,
    },
    /// A member map that is not a TOML `[members]` table of names to member ids.
    #[error("the member map cannot be read: {message} (line {line}, column {column})")]
    MemberMap {
        /// What the TOML reader found wrong.
        message: String,
        /// The line, from 1 (0 when unknown).
        line: usize,
        /// The column, from 1 (0 when unknown).
        column: usize,
    },
    /// A member map naming an invalid member id.
    #[error("the member map maps `{trello}` to an invalid member: {source}")]
    MemberMapMember {
        /// The Trello id or username it maps.
        trello: String,
        /// Why the member id is not valid.
        source: NameError,
    },
}

/// What an import brings, counted, and what it could not bring, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Lists the plan brings.
    pub lists: usize,
    /// Cards the plan brings.
    pub cards: usize,
    /// Checklists the plan brings.
    pub checklists: usize,
    /// Checklist items the plan brings.
    pub items: usize,
    /// Comments the plan brings.
    pub comments: usize,
    /// Attachments (their names and addresses) the plan brings.
    pub attachments: usize,
    /// Labels the plan brings.
    pub labels: usize,
    /// Plain-English lines, one per thing left out or changed on the way, then
    /// summaries of what was not imported at all.
    pub skipped: Vec<String>,
}

/// Reads a Trello board export (the JSON of Trello's "Export as JSON") into a plan for
/// [`BoardCommand::Import`](crate::board::BoardCommand::Import), owned by `importer`,
/// with `members` saying who on Trello is who in the co-op.
///
/// Everything comes with an [`Origin`] of `trello:<kind>:<Trello id>`, so importing
/// the same export again adds only what the board lacks. Cards, comments and
/// attachments belong to their Trello authors when the member map names them. A card
/// whose creator it does not name belongs to the importer; a comment whose author it
/// does not name is not imported (they are someone else's words, and the co-op cannot
/// say whose), and the report says so and who wrote it.
///
/// # Errors
///
/// [`TrelloError::TooLarge`] past [`MAX_EXPORT_BYTES`], [`TrelloError::NotJson`],
/// [`TrelloError::NotABoard`], [`TrelloError::TooMany`] past [`MAX_THINGS`] entries,
/// and [`TrelloError::BoardId`]. What is wrong with single things is reported, not an
/// error.
///
/// [`Origin`]: crate::board::Origin
pub fn plan_import(
    export: &[u8],
    members: &MemberMap,
    importer: &MemberId,
) -> Result<(ImportPlan, ImportReport), TrelloError> {
    plan_within(
        export,
        members,
        importer,
        Limits {
            bytes: MAX_EXPORT_BYTES,
            things: MAX_THINGS as usize,
        },
    )
}

/// How much an export may hold.
#[derive(Debug, Clone, Copy)]
struct Limits {
    bytes: usize,
    things: usize,
}

fn plan_within(
    export: &[u8],
    members: &MemberMap,
    importer: &MemberId,
    limits: Limits,
) -> Result<(ImportPlan, ImportReport), TrelloError> {
    if export.len() > limits.bytes {
        return Err(TrelloError::TooLarge {
            what: "export",
            size: export.len(),
            max: limits.bytes,
        });
    }
    // Counted first, keeping nothing, so that a flood of tiny entries is refused
    // before it is held in memory.
    let census: TopLevel<Census> = serde_json::from_slice(export).map_err(json_error)?;
    let count = census.0.total();
    if count > limits.things {
        return Err(TrelloError::TooMany {
            count,
            max: limits.things,
        });
    }
    let TopLevel(export): TopLevel<Export> = serde_json::from_slice(export).map_err(json_error)?;
    if !usable_id(&export.id) {
        return Err(TrelloError::BoardId {
            id: short(&export.id),
        });
    }
    Ok(Planner::new(&export, members, importer).plan(&export))
}
