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

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::marker::PhantomData;

use andel_consent::{MemberId, NameError};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::board::{
    Board, ImportPlan, MAX_NAME, MAX_TEXT, MAX_THINGS, MAX_TITLE, Origin, PlannedAttachment,
    PlannedCard, PlannedChecklist, PlannedComment, PlannedItem, PlannedLabel, PlannedList,
};

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

fn json_error(error: serde_json::Error) -> TrelloError {
    let (line, column) = (error.line(), error.column());
    let text = error.to_string();
    let place = format!(" at line {line} column {column}");
    let message = text.strip_suffix(&place).unwrap_or(&text).to_owned();
    // The reader counts columns of what it has read: before the first character, 0.
    let column = column.max(1);
    match error.classify() {
        serde_json::error::Category::Data => TrelloError::NotABoard {
            message,
            line,
            column,
        },
        _ => TrelloError::NotJson {
            message,
            line,
            column,
        },
    }
}

/// The line and column (from 1) of a byte offset in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.as_bytes().get(..offset).unwrap_or(text.as_bytes());
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|b| **b != b'\n').count() + 1;
    (line, column)
}

/// A Trello board export's top level: a JSON object, and nothing else.
struct TopLevel<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for TopLevel<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ObjectOnly::<T>(PhantomData))
    }
}

struct ObjectOnly<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectOnly<T> {
    type Value = TopLevel<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Trello board export (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TopLevel<T>, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(TopLevel)
    }
}

// ---------------------------------------------------------------------------------
// The first pass: how many entries the export holds.

/// How many entries an export holds, with checklist items and card attachments.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a Trello board export")]
struct Census {
    labels: Counted<IgnoredAny>,
    lists: Counted<IgnoredAny>,
    cards: Counted<CardCensus>,
    checklists: Counted<ChecklistCensus>,
    actions: Counted<IgnoredAny>,
    members: Counted<IgnoredAny>,
}

impl Census {
    fn total(&self) -> usize {
        [
            self.labels.0,
            self.lists.0,
            self.cards.0,
            self.checklists.0,
            self.actions.0,
            self.members.0,
        ]
        .into_iter()
        .fold(0, usize::saturating_add)
    }
}

#[derive(Deserialize)]
#[serde(expecting = "a Trello card")]
struct CardCensus {
    #[serde(default)]
    attachments: Counted<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a Trello checklist")]
struct ChecklistCensus {
    #[serde(default)]
    check_items: Counted<IgnoredAny>,
}

/// How many entries something stands for.
trait Weight {
    fn weight(&self) -> usize;
}

impl Weight for IgnoredAny {
    fn weight(&self) -> usize {
        1
    }
}

impl Weight for CardCensus {
    fn weight(&self) -> usize {
        self.attachments.0.saturating_add(1)
    }
}

impl Weight for ChecklistCensus {
    fn weight(&self) -> usize {
        self.check_items.0.saturating_add(1)
    }
}

/// The total weight of a JSON array's entries, read without keeping them; anything
/// but an array weighs nothing.
struct Counted<T>(usize, PhantomData<T>);

impl<T> Default for Counted<T> {
    fn default() -> Self {
        Counted(0, PhantomData)
    }
}

impl<'de, T: Deserialize<'de> + Weight> Deserialize<'de> for Counted<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(Tally::<T>(PhantomData))
            .map(|total| Counted(total, PhantomData))
    }
}

struct Tally<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de> + Weight> Visitor<'de> for Tally<T> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut total = 0_usize;
        while let Some(entry) = seq.next_element::<T>()? {
            total = total.saturating_add(entry.weight());
        }
        Ok(total)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(0)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_none<E>(self) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_unit<E>(self) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_bool<E>(self, _: bool) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_i64<E>(self, _: i64) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_u64<E>(self, _: u64) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_f64<E>(self, _: f64) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_str<E>(self, _: &str) -> Result<usize, E> {
        Ok(0)
    }
}

/// How many entries a JSON array holds (anything else: none), for what is counted in
/// the report and not imported.
#[derive(Default)]
struct Many(usize);

impl<'de> Deserialize<'de> for Many {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Counted::<IgnoredAny>::deserialize(deserializer).map(|counted| Many(counted.0))
    }
}

// ---------------------------------------------------------------------------------
// The second pass: the fields an import takes, and no others.

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a Trello board export")]
struct Export {
    id: String,
    #[serde(default, deserialize_with = "nullable")]
    name: String,
    #[serde(default, deserialize_with = "nullable")]
    closed: bool,
    #[serde(default, deserialize_with = "nullable")]
    labels: Vec<TrelloLabel>,
    #[serde(deserialize_with = "nullable")]
    lists: Vec<TrelloList>,
    #[serde(deserialize_with = "nullable")]
    cards: Vec<TrelloCard>,
    #[serde(default, deserialize_with = "nullable")]
    checklists: Vec<TrelloChecklist>,
    #[serde(default, deserialize_with = "nullable")]
    actions: Vec<TrelloAction>,
    #[serde(default, deserialize_with = "nullable")]
    members: Vec<TrelloMember>,
    #[serde(default)]
    custom_fields: Many,
    #[serde(default)]
    power_ups: Many,
    #[serde(default)]
    plugin_data: Many,
}

#[derive(Deserialize)]
#[serde(expecting = "a Trello label")]
struct TrelloLabel {
    id: String,
    #[serde(default, deserialize_with = "nullable")]
    name: String,
    #[serde(default)]
    color: Option<String>,
}

#[derive(Deserialize)]
#[serde(expecting = "a Trello list")]
struct TrelloList {
    id: String,
    #[serde(default, deserialize_with = "nullable")]
    name: String,
    #[serde(default, deserialize_with = "nullable")]
    closed: bool,
    #[serde(default, deserialize_with = "position")]
    pos: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a Trello card")]
struct TrelloCard {
    id: String,
    #[serde(default, deserialize_with = "nullable")]
    id_list: String,
    #[serde(default, deserialize_with = "nullable")]
    name: String,
    #[serde(default, deserialize_with = "nullable")]
    desc: String,
    #[serde(default, deserialize_with = "nullable")]
    closed: bool,
    #[serde(default, deserialize_with = "position")]
    pos: f64,
    #[serde(default, deserialize_with = "loose_text")]
    due: String,
    #[serde(default, deserialize_with = "nullable")]
    id_labels: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    id_members: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    attachments: Vec<TrelloAttachment>,
    #[serde(default)]
    stickers: Many,
    #[serde(default)]
    id_members_voted: Many,
    #[serde(default)]
    custom_field_items: Many,
    #[serde(default)]
    plugin_data: Many,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a Trello attachment")]
struct TrelloAttachment {
    id: String,
    #[serde(default, deserialize_with = "nullable")]
    name: String,
    #[serde(default, deserialize_with = "nullable")]
    url: String,
    #[serde(default, deserialize_with = "position")]
    pos: f64,
    #[serde(default, deserialize_with = "loose_text")]
    id_member: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a Trello checklist")]
struct TrelloChecklist {
    id: String,
    #[serde(default, deserialize_with = "nullable")]
    id_card: String,
    #[serde(default, deserialize_with = "nullable")]
    name: String,
    #[serde(default, deserialize_with = "position")]
    pos: f64,
    #[serde(default, deserialize_with = "nullable")]
    check_items: Vec<TrelloItem>,
}

#[derive(Deserialize)]
#[serde(expecting = "a Trello checklist item")]
struct TrelloItem {
    id: String,
    #[serde(default, deserialize_with = "nullable")]
    name: String,
    #[serde(default, deserialize_with = "loose_text")]
    state: String,
    #[serde(default, deserialize_with = "position")]
    pos: f64,
}

/// An action: Trello's history. Read loosely (a field of an unexpected type is taken
/// as missing), since actions come in many kinds and only two are used.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a Trello action")]
struct TrelloAction {
    #[serde(default, deserialize_with = "loose_text")]
    id: String,
    #[serde(rename = "type", default, deserialize_with = "loose_text")]
    kind: String,
    #[serde(default, deserialize_with = "loose_text")]
    date: String,
    #[serde(default, deserialize_with = "loose_text")]
    id_member_creator: String,
    #[serde(default, deserialize_with = "loose")]
    data: ActionData,
    #[serde(default, deserialize_with = "loose")]
    member_creator: TrelloMember,
}

#[derive(Default, Deserialize)]
#[serde(expecting = "an action's data")]
struct ActionData {
    #[serde(default, deserialize_with = "loose")]
    card: CardRef,
    #[serde(default, deserialize_with = "loose_text")]
    text: String,
}

#[derive(Default, Deserialize)]
#[serde(expecting = "a card")]
struct CardRef {
    #[serde(default, deserialize_with = "loose_text")]
    id: String,
}

#[derive(Default, Deserialize)]
#[serde(expecting = "a Trello member")]
struct TrelloMember {
    #[serde(default, deserialize_with = "loose_text")]
    id: String,
    #[serde(default, deserialize_with = "loose_text")]
    username: String,
}

/// A value taken as its default when it is `null`.
fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// An object taken as its default when it is anything but an object.
fn loose<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    deserializer.deserialize_any(Loose::<T>(PhantomData))
}

/// Text, or empty when it is anything else.
fn loose_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(match Scalar::deserialize(deserializer)? {
        Scalar::Text(text) => text,
        _ => String::new(),
    })
}

/// A position: a number, or a number in text; anything else (or not finite) is 0.
fn position<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    let pos = match Scalar::deserialize(deserializer)? {
        Scalar::Number(pos) => pos,
        Scalar::Text(text) => text.trim().parse().unwrap_or(0.0),
        _ => 0.0,
    };
    Ok(if pos.is_finite() { pos } else { 0.0 })
}

/// A JSON value as the loose readers take it.
enum Scalar {
    Text(String),
    Number(f64),
    Other,
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_str<E>(self, text: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(text.to_owned()))
    }

    fn visit_string<E>(self, text: String) -> Result<Scalar, E> {
        Ok(Scalar::Text(text))
    }

    fn visit_f64<E>(self, number: f64) -> Result<Scalar, E> {
        Ok(Scalar::Number(number))
    }

    fn visit_i64<E>(self, number: i64) -> Result<Scalar, E> {
        Ok(Scalar::Number(number as f64))
    }

    fn visit_u64<E>(self, number: u64) -> Result<Scalar, E> {
        Ok(Scalar::Number(number as f64))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }

    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }

    fn visit_none<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Scalar, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
}

/// Reads an object as `T`, and anything else as `T`'s default.
struct Loose<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de> + Default> Visitor<'de> for Loose<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(T::default())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_none<E>(self) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_unit<E>(self) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_bool<E>(self, _: bool) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_i64<E>(self, _: i64) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_u64<E>(self, _: u64) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_f64<E>(self, _: f64) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_str<E>(self, _: &str) -> Result<T, E> {
        Ok(T::default())
    }
}

// ---------------------------------------------------------------------------------
// From the export to the plan.

/// What the report says, one line a thing, up to [`MAX_REPORT_LINES`].
#[derive(Default)]
struct Notes {
    lines: Vec<String>,
    more: usize,
}

impl Notes {
    fn add(&mut self, line: String) {
        if self.lines.len() < MAX_REPORT_LINES {
            self.lines.push(line);
        } else {
            self.more = self.more.saturating_add(1);
        }
    }
}

struct Planner<'a> {
    map: &'a MemberMap,
    importer: &'a MemberId,
    /// Trello member ids to usernames, from the members and the actions' authors.
    usernames: HashMap<&'a str, &'a str>,
    notes: Notes,
}

/// What the plan holds of a card, for what refers to it.
struct CardNote<'a> {
    index: usize,
    title: String,
    author: MemberId,
    trello: &'a TrelloCard,
}

impl<'a> Planner<'a> {
    fn new(export: &'a Export, map: &'a MemberMap, importer: &'a MemberId) -> Self {
        let mut usernames = HashMap::new();
        let people = export
            .members
            .iter()
            .chain(export.actions.iter().map(|action| &action.member_creator));
        for person in people {
            if !person.id.is_empty() && !person.username.is_empty() {
                usernames
                    .entry(person.id.as_str())
                    .or_insert(person.username.as_str());
            }
        }
        Planner {
            map,
            importer,
            usernames,
            notes: Notes::default(),
        }
    }

    fn plan(mut self, export: &'a Export) -> (ImportPlan, ImportReport) {
        let title = match export.name.trim() {
            "" => UNNAMED_BOARD.to_owned(),
            name => self.title("board", name),
        };
        if export.closed {
            self.notes
                .add("the board is closed (archived) on Trello; it is imported open".to_owned());
        }
        let members = self.board_members(export);
        let (labels, label_ids) = self.labels(export);
        let (lists, list_index) = self.lists(export);
        let mut summary = Vec::new();
        let (cards, card_notes) = self.cards(export, &list_index, &label_ids, &mut summary);
        let checklists = self.checklists(export, &card_notes);
        let comments = self.comments(export, &card_notes);
        let attachments = self.attachments(&card_notes);
        match attachments.len() {
            0 => {}
            1 => summary.push(
                "1 attachment stays a link: only its name and address were imported, not its file"
                    .to_owned(),
            ),
            n => summary.push(format!(
                "{n} attachments stay links: only their names and addresses were imported, not their files"
            )),
        }
        if let Some(line) = not_imported(export) {
            summary.push(line);
        }

        let items = checklists.iter().map(|c| c.items.len()).sum();
        let mut skipped = self.notes.lines;
        match self.notes.more {
            0 => {}
            1 => skipped.push("and 1 more line like these, left out of this report".to_owned()),
            more => skipped.push(format!(
                "and {more} more lines like these, left out of this report"
            )),
        }
        skipped.extend(summary);
        let report = ImportReport {
            lists: lists.len(),
            cards: cards.len(),
            checklists: checklists.len(),
            items,
            comments: comments.len(),
            attachments: attachments.len(),
            labels: labels.len(),
            skipped,
        };
        let plan = ImportPlan {
            origin: origin("board", &export.id),
            title,
            owner: self.importer.clone(),
            members,
            labels,
            lists,
            cards,
            checklists,
            comments,
            attachments,
        };
        (plan, report)
    }

    /// The member a Trello member maps to.
    fn member(&self, trello: &str) -> Option<MemberId> {
        if trello.is_empty() {
            return None;
        }
        self.map
            .find(trello, self.usernames.get(trello).copied())
            .cloned()
    }

    /// A Trello member as the report names them: by username when known.
    fn who(&self, trello: &'a str) -> String {
        if trello.is_empty() {
            return "(no id)".to_owned();
        }
        short(self.usernames.get(trello).copied().unwrap_or(trello))
    }

    /// Whether a thing's id is usable and not seen before; says why not, if not.
    fn fresh(&mut self, seen: &mut HashSet<&'a str>, what: &str, id: &'a str, name: &str) -> bool {
        if !usable_id(id) {
            self.notes.add(format!(
                "{what} {name} was left out: its Trello id is empty, too long or not printable"
            ));
            return false;
        }
        if !seen.insert(id) {
            self.notes.add(format!(
                "{what} {name} was left out: its Trello id `{}` is that of another {what} in the export",
                short(id)
            ));
            return false;
        }
        true
    }

    /// A title the board takes: trimmed, named when empty, cut when too long.
    fn title(&mut self, what: &str, name: &str) -> String {
        let name = name.trim();
        if name.is_empty() {
            self.notes.add(format!(
                "a {what} without a name was imported as `{UNTITLED}`"
            ));
            return UNTITLED.to_owned();
        }
        match cut_chars(name, MAX_TITLE) {
            Some(cut) => {
                self.notes.add(format!(
                    "the {what} `{}` was cut to {MAX_TITLE} characters",
                    short(name)
                ));
                cut
            }
            None => name.to_owned(),
        }
    }

    /// Text the board takes, cut to `max` bytes when longer.
    fn text(&mut self, what: impl FnOnce() -> String, text: &str, max: usize) -> String {
        match cut_bytes(text, max) {
            Some(cut) => {
                self.notes.add(format!("{} was cut to {max} bytes", what()));
                cut
            }
            None => text.to_owned(),
        }
    }

    fn board_members(&mut self, export: &'a Export) -> Vec<MemberId> {
        let mut members = Vec::new();
        let mut seen = BTreeSet::new();
        let mut unmapped = BTreeSet::new();
        for person in &export.members {
            match self.member(&person.id) {
                Some(member) => {
                    if member != *self.importer && seen.insert(member.clone()) {
                        members.push(member);
                    }
                }
                None => {
                    unmapped.insert(self.who(&person.id));
                }
            }
        }
        for who in unmapped {
            self.notes.add(format!(
                "Trello user `{who}` is not in the member map, so the board is not shared with them"
            ));
        }
        members
    }

    fn labels(&mut self, export: &'a Export) -> (Vec<PlannedLabel>, HashSet<&'a str>) {
        let mut labels = Vec::new();
        let mut seen = HashSet::new();
        for label in &export.labels {
            let name = label.name.trim();
            let shown = format!("`{}`", short(name));
            if !self.fresh(&mut seen, "label", &label.id, &shown) {
                continue;
            }
            let name = self.text(|| format!("the name of label {shown}"), name, MAX_NAME);
            let color = match label.color.as_deref().map(str::trim) {
                None | Some("") => "none",
                Some(color) => color,
            };
            let color = self.text(|| format!("the colour of label {shown}"), color, MAX_NAME);
            labels.push(PlannedLabel {
                origin: origin("label", &label.id),
                name,
                color,
            });
        }
        (labels, seen)
    }

    fn lists(&mut self, export: &'a Export) -> (Vec<PlannedList>, HashMap<&'a str, usize>) {
        let mut seen = HashSet::new();
        let mut taken = Vec::new();
        for list in &export.lists {
            let shown = format!("`{}`", short(&list.name));
            if self.fresh(&mut seen, "list", &list.id, &shown) {
                taken.push(list);
            }
        }
        // Stable: lists at the same place keep the export's order.
        taken.sort_by(|a, b| a.pos.total_cmp(&b.pos));
        let mut index = HashMap::new();
        let mut lists = Vec::new();
        for list in taken {
            index.insert(list.id.as_str(), lists.len());
            lists.push(PlannedList {
                origin: origin("list", &list.id),
                title: self.title("list", &list.name),
                archived: list.closed,
            });
        }
        (lists, index)
    }

    fn cards(
        &mut self,
        export: &'a Export,
        lists: &HashMap<&'a str, usize>,
        labels: &HashSet<&'a str>,
        summary: &mut Vec<String>,
    ) -> (Vec<PlannedCard>, HashMap<&'a str, CardNote<'a>>) {
        // Who created each card, from its `createCard` action; the oldest one counts
        // (Trello lists actions newest first).
        let mut creators = HashMap::new();
        for action in &export.actions {
            if action.kind == "createCard" && !action.data.card.id.is_empty() {
                creators.insert(
                    action.data.card.id.as_str(),
                    action.id_member_creator.as_str(),
                );
            }
        }
        let mut seen = HashSet::new();
        let mut taken = Vec::new();
        for card in &export.cards {
            let shown = format!("`{}`", short(&card.name));
            if !self.fresh(&mut seen, "card", &card.id, &shown) {
                continue;
            }
            match lists.get(card.id_list.as_str()) {
                Some(list) => taken.push((*list, card)),
                None => self.notes.add(format!(
                    "card {shown} was left out: its list (Trello id `{}`) is not in the export",
                    short(&card.id_list)
                )),
            }
        }
        taken.sort_by(|(a_list, a), (b_list, b)| a_list.cmp(b_list).then(a.pos.total_cmp(&b.pos)));

        let mut cards = Vec::new();
        let mut notes = HashMap::new();
        let mut ownerless = 0_usize;
        let mut left_off: BTreeMap<String, usize> = BTreeMap::new();
        for (_, card) in taken {
            let title = self.title("card", &card.name);
            let shown = short(&title);
            let description = self.text(
                || format!("the description of card `{shown}`"),
                &card.desc,
                MAX_TEXT,
            );
            let due = match card.due.trim() {
                "" => None,
                due => {
                    let date = parse_date(due);
                    if date.is_none() {
                        self.notes.add(format!(
                            "card `{shown}` has a due date `{}` that is not a date; it was imported without one",
                            short(due)
                        ));
                    }
                    date
                }
            };
            let mut card_labels = Vec::new();
            let mut on = HashSet::new();
            for label in &card.id_labels {
                if !labels.contains(label.as_str()) {
                    self.notes.add(format!(
                        "card `{shown}` has a label (Trello id `{}`) that is not in the export; the card was imported without it",
                        short(label)
                    ));
                } else if on.insert(label.as_str()) {
                    card_labels.push(origin("label", label));
                }
            }
            let mut card_members = Vec::new();
            for trello in &card.id_members {
                match self.member(trello) {
                    Some(member) => {
                        if !card_members.contains(&member) {
                            card_members.push(member);
                        }
                    }
                    None => *left_off.entry(self.who(trello)).or_default() += 1,
                }
            }
            let author = match creators.get(card.id.as_str()).and_then(|c| self.member(c)) {
                Some(author) => author,
                None => {
                    ownerless += 1;
                    self.importer.clone()
                }
            };
            notes.insert(
                card.id.as_str(),
                CardNote {
                    index: cards.len(),
                    title: title.clone(),
                    author: author.clone(),
                    trello: card,
                },
            );
            cards.push(PlannedCard {
                origin: origin("card", &card.id),
                list: origin("list", &card.id_list),
                title,
                description,
                due,
                author,
                archived: card.closed,
                labels: card_labels,
                members: card_members,
            });
        }
        if ownerless > 0 {
            summary.push(if ownerless == 1 {
                "1 card whose creator is not in the member map is owned by the importing member"
                    .to_owned()
            } else {
                format!(
                    "{ownerless} cards whose creator is not in the member map are owned by the importing member"
                )
            });
        }
        for (who, count) in left_off {
            summary.push(format!(
                "Trello user `{who}` was left off {}: they are not in the member map",
                plural(count, "card", "cards")
            ));
        }
        (cards, notes)
    }

    fn checklists(
        &mut self,
        export: &'a Export,
        cards: &HashMap<&'a str, CardNote<'a>>,
    ) -> Vec<PlannedChecklist> {
        let mut seen = HashSet::new();
        let mut taken = Vec::new();
        for checklist in &export.checklists {
            let shown = format!("`{}`", short(&checklist.name));
            if !self.fresh(&mut seen, "checklist", &checklist.id, &shown) {
                continue;
            }
            match cards.get(checklist.id_card.as_str()) {
                Some(card) => taken.push((card.index, checklist)),
                None => self.notes.add(format!(
                    "checklist {shown} was left out: its card (Trello id `{}`) is not in the export or was left out",
                    short(&checklist.id_card)
                )),
            }
        }
        taken.sort_by(|(a_card, a), (b_card, b)| a_card.cmp(b_card).then(a.pos.total_cmp(&b.pos)));
        let mut seen_items = HashSet::new();
        let mut checklists = Vec::new();
        for (_, checklist) in taken {
            let title = self.title("checklist", &checklist.name);
            let mut items = Vec::new();
            for item in &checklist.check_items {
                let shown = format!("`{}`", short(&item.name));
                if self.fresh(&mut seen_items, "checklist item", &item.id, &shown) {
                    items.push(item);
                }
            }
            items.sort_by(|a, b| a.pos.total_cmp(&b.pos));
            let items = items
                .into_iter()
                .map(|item| {
                    let text = match item.name.trim() {
                        "" => {
                            self.notes.add(format!(
                                "an empty item of checklist `{}` was imported as `{UNTITLED}`",
                                short(&title)
                            ));
                            UNTITLED.to_owned()
                        }
                        text => self.text(
                            || format!("checklist item `{}`", short(text)),
                            text,
                            MAX_TEXT,
                        ),
                    };
                    PlannedItem {
                        origin: origin("item", &item.id),
                        text,
                        done: item.state == "complete",
                    }
                })
                .collect();
            checklists.push(PlannedChecklist {
                origin: origin("checklist", &checklist.id),
                card: origin("card", &checklist.id_card),
                title,
                items,
            });
        }
        checklists
    }

    fn comments(
        &mut self,
        export: &'a Export,
        cards: &HashMap<&'a str, CardNote<'a>>,
    ) -> Vec<PlannedComment> {
        let mut seen = HashSet::new();
        let mut taken = Vec::new();
        for (index, action) in export.actions.iter().enumerate() {
            if action.kind != "commentCard" {
                continue;
            }
            let card_id = action.data.card.id.as_str();
            let Some(card) = cards.get(card_id) else {
                self.notes.add(format!(
                    "a comment was left out: its card (Trello id `{}`) is not in the export or was left out",
                    short(card_id)
                ));
                continue;
            };
            let on = format!("on card `{}`", short(&card.title));
            if !self.fresh(&mut seen, "comment", &action.id, &on) {
                continue;
            }
            if action.id_member_creator.is_empty() {
                self.notes.add(format!(
                    "a comment {on} was left out: it does not say who wrote it"
                ));
                continue;
            }
            let Some(author) = self.member(&action.id_member_creator) else {
                let who = self.who(&action.id_member_creator);
                self.notes.add(format!(
                    "a comment by Trello user `{who}` {on} was not imported: the co-op cannot tell \
                     whose words they are; add `{who}` to the member map and import again to bring it in"
                ));
                continue;
            };
            let Some(at) = parse_time(&action.date) else {
                self.notes.add(format!(
                    "a comment {on} was left out: its date `{}` is not a date",
                    short(&action.date)
                ));
                continue;
            };
            // The board takes no blank comment; cut, a long one may be blank too.
            let kept = cut_bytes(&action.data.text, MAX_TEXT);
            if kept
                .as_deref()
                .unwrap_or(&action.data.text)
                .trim()
                .is_empty()
            {
                self.notes
                    .add(format!("an empty comment {on} was left out"));
                continue;
            }
            let text = self.text(|| format!("a comment {on}"), &action.data.text, MAX_TEXT);
            // Trello lists actions newest first: of two at the same time, the later in
            // the list is the older.
            taken.push((
                at,
                Reverse(index),
                PlannedComment {
                    origin: origin("comment", &action.id),
                    card: origin("card", card_id),
                    author,
                    text,
                    at,
                },
            ));
        }
        taken.sort_by_key(|(at, place, _)| (*at, *place));
        taken.into_iter().map(|(_, _, comment)| comment).collect()
    }

    fn attachments(&mut self, cards: &HashMap<&'a str, CardNote<'a>>) -> Vec<PlannedAttachment> {
        let mut in_order: Vec<&CardNote<'a>> = cards.values().collect();
        in_order.sort_by_key(|card| card.index);
        let mut seen = HashSet::new();
        let mut attachments = Vec::new();
        for card in in_order {
            let on = short(&card.title);
            let mut taken = Vec::new();
            for attachment in &card.trello.attachments {
                let shown = format!("`{}` on card `{on}`", short(&attachment.name));
                if self.fresh(&mut seen, "attachment", &attachment.id, &shown) {
                    taken.push(attachment);
                }
            }
            taken.sort_by(|a, b| a.pos.total_cmp(&b.pos));
            for attachment in taken {
                let url = attachment.url.trim();
                if !web_address(url) {
                    self.notes.add(format!(
                        "attachment `{}` on card `{on}` was left out: `{}` is not a web address \
                         (http:// or https://, at most {MAX_NAME} bytes)",
                        short(&attachment.name),
                        short(url)
                    ));
                    continue;
                }
                let name = self.title("attachment", &attachment.name);
                let author = self
                    .member(&attachment.id_member)
                    .unwrap_or_else(|| card.author.clone());
                attachments.push(PlannedAttachment {
                    origin: origin("attachment", &attachment.id),
                    card: origin("card", &card.trello.id),
                    name,
                    url: url.to_owned(),
                    author,
                });
            }
        }
        attachments
    }
}

/// The line saying what the export holds that no board here holds.
fn not_imported(export: &Export) -> Option<String> {
    let cards = |count: fn(&TrelloCard) -> usize| export.cards.iter().map(count).sum::<usize>();
    let other_actions = export
        .actions
        .iter()
        .filter(|action| action.kind != "commentCard" && action.kind != "createCard")
        .count();
    let counts = [
        (export.custom_fields.0, "custom field", "custom fields"),
        (
            cards(|card| card.custom_field_items.0),
            "custom field value",
            "custom field values",
        ),
        (export.power_ups.0, "power-up", "power-ups"),
        (
            export
                .plugin_data
                .0
                .saturating_add(cards(|card| card.plugin_data.0)),
            "power-up setting",
            "power-up settings",
        ),
        (cards(|card| card.stickers.0), "sticker", "stickers"),
        (cards(|card| card.id_members_voted.0), "vote", "votes"),
        (
            other_actions,
            "other action (Trello's history of moves and edits)",
            "other actions (Trello's history of moves and edits)",
        ),
    ];
    let parts: Vec<String> = counts
        .iter()
        .filter(|(count, _, _)| *count > 0)
        .map(|(count, one, many)| plural(*count, one, many))
        .collect();
    match parts.as_slice() {
        [] => None,
        [one] => Some(format!("not imported: {one}")),
        [first @ .., last] => Some(format!("not imported: {} and {last}", first.join(", "))),
    }
}

fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

fn origin(kind: &str, id: &str) -> Origin {
    Origin(format!("trello:{kind}:{id}"))
}

fn usable_id(id: &str) -> bool {
    (1..=MAX_ID).contains(&id.len()) && !id.chars().any(char::is_control)
}

fn web_address(url: &str) -> bool {
    (1..=MAX_NAME).contains(&url.len())
        && (url.starts_with("https://") || url.starts_with("http://"))
        && !url.chars().any(char::is_control)
}

/// A date from Trello's ISO date and time (its UTC date), or a plain date.
fn parse_date(text: &str) -> Option<NaiveDate> {
    parse_time(text)
        .map(|at| at.date_naive())
        .or_else(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|at| at.with_timezone(&Utc))
}

/// The first `max` characters, when there are more.
fn cut_chars(text: &str, max: usize) -> Option<String> {
    let (end, _) = text.char_indices().nth(max)?;
    text.get(..end).map(str::to_owned)
}

/// The first `max` bytes (fewer, to end on a whole character), when there are more.
fn cut_bytes(text: &str, max: usize) -> Option<String> {
    if text.len() <= max {
        return None;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).map(str::to_owned)
}

/// Text as a report line shows it: at most 60 characters, on one line.
fn short(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(60)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(60).is_some() {
        out.push('…');
    }
    out
}

// ---------------------------------------------------------------------------------
// Export.

/// The board as Trello exports a board: the JSON that Trello's "Export as JSON" gives
/// and that Trello importers elsewhere read (`id`, `name`, `desc`, `closed`, `labels`,
/// `lists`, `cards`, `checklists`, `actions`, `members`).
///
/// `id` is the board's id in the service. Everything else gets the board's own id
/// with its kind before it (`list-2`, `card-4`), `pos` is `65536` times its place from
/// 1, and archived lists and cards come with `closed: true`. Members are named by
/// their member ids, as `id` and `username` both. Comments are `commentCard` actions,
/// newest first as Trello has them, followed by a `createCard` action a card naming its
/// author (with a `null` date: the board does not record when a card was written).
/// Due dates are given at noon UTC. Attachments are their names and addresses.
///
/// [`plan_import`] reads it back, with a member map taking each member id to itself,
/// into a board like this one.
pub fn export_board(board: &Board, id: &str) -> Value {
    let Some(view) = board.view(id, true) else {
        return json!({
            "id": id, "name": "", "desc": "", "closed": false, "labels": [], "lists": [],
            "cards": [], "checklists": [], "actions": [], "members": [],
        });
    };
    let board_ref = json!({ "id": id, "name": view.title });
    let labels: Vec<Value> = view
        .labels
        .iter()
        .map(|label| {
            json!({
                "id": format!("label-{}", label.id),
                "idBoard": id,
                "name": label.name,
                "color": label.color,
            })
        })
        .collect();
    let mut lists = Vec::new();
    let mut cards = Vec::new();
    let mut checklists = Vec::new();
    let mut comments = Vec::new();
    let mut created = Vec::new();
    for (list_at, list) in view.lists.iter().enumerate() {
        let list_id = format!("list-{}", list.id);
        lists.push(json!({
            "id": list_id,
            "name": list.title,
            "closed": list.archived,
            "pos": pos(list_at),
            "idBoard": id,
        }));
        for (card_at, card) in list.cards.iter().enumerate() {
            let card_id = format!("card-{}", card.id);
            let card_ref = json!({ "id": card_id, "name": card.title });
            let mut checklist_ids = Vec::new();
            for (checklist_at, checklist) in card.checklists.iter().enumerate() {
                let checklist_id = format!("checklist-{}", checklist.id);
                let items: Vec<Value> = checklist
                    .items
                    .iter()
                    .enumerate()
                    .map(|(item_at, item)| {
                        json!({
                            "id": format!("item-{}", item.id),
                            "name": item.text,
                            "state": if item.done { "complete" } else { "incomplete" },
                            "pos": pos(item_at),
                            "idChecklist": checklist_id,
                        })
                    })
                    .collect();
                checklists.push(json!({
                    "id": checklist_id,
                    "idCard": card_id,
                    "idBoard": id,
                    "name": checklist.title,
                    "pos": pos(checklist_at),
                    "checkItems": items,
                }));
                checklist_ids.push(checklist_id);
            }
            for comment in &card.comments {
                comments.push((
                    comment.id,
                    json!({
                        "id": format!("comment-{}", comment.id),
                        "type": "commentCard",
                        "date": trello_time(comment.at),
                        "idMemberCreator": comment.author.as_str(),
                        "memberCreator": person(comment.author.as_str()),
                        "data": { "text": comment.text, "card": card_ref, "board": board_ref },
                    }),
                ));
            }
            created.push((
                card.id,
                json!({
                    "id": format!("card-{}-created", card.id),
                    "type": "createCard",
                    "date": null,
                    "idMemberCreator": card.author.as_str(),
                    "memberCreator": person(card.author.as_str()),
                    "data": {
                        "card": card_ref,
                        "list": { "id": list_id, "name": list.title },
                        "board": board_ref,
                    },
                }),
            ));
            let attachments: Vec<Value> = card
                .attachments
                .iter()
                .enumerate()
                .map(|(attachment_at, attachment)| {
                    json!({
                        "id": format!("attachment-{}", attachment.id),
                        "name": attachment.name,
                        "url": attachment.url,
                        "pos": pos(attachment_at),
                        "idMember": attachment.author.as_str(),
                    })
                })
                .collect();
            cards.push(json!({
                "id": card_id,
                "name": card.title,
                "desc": card.description,
                "closed": card.archived,
                "idList": list_id,
                "idBoard": id,
                "pos": pos(card_at),
                "due": card.due.map(|due| format!("{due}T12:00:00.000Z")),
                "idLabels": card.labels.iter().map(|label| format!("label-{label}")).collect::<Vec<_>>(),
                "idMembers": card.members.iter().map(MemberId::as_str).collect::<Vec<_>>(),
                "idChecklists": checklist_ids,
                "attachments": attachments,
            }));
        }
    }
    comments.sort_by_key(|(id, _)| Reverse(*id));
    created.sort_by_key(|(id, _)| Reverse(*id));
    let actions: Vec<Value> = comments
        .into_iter()
        .map(|(_, action)| action)
        .chain(created.into_iter().map(|(_, action)| action))
        .collect();
    let members: Vec<Value> = std::iter::once(&view.owner)
        .chain(&view.members)
        .map(|member| person(member.as_str()))
        .collect();
    json!({
        "id": id,
        "name": view.title,
        "desc": "",
        "closed": view.archived,
        "labels": labels,
        "lists": lists,
        "cards": cards,
        "checklists": checklists,
        "actions": actions,
        "members": members,
    })
}

/// Trello's `pos` for the thing at `index`.
fn pos(index: usize) -> u64 {
    (index as u64).saturating_add(1).saturating_mul(65_536)
}

fn person(member: &str) -> Value {
    json!({ "id": member, "username": member, "fullName": member })
}

/// A time as Trello writes it (`2019-04-04T23:41:28.951Z`), with more digits only when
/// it has them, so that nothing is lost.
fn trello_time(at: DateTime<Utc>) -> String {
    let digits = if at.timestamp_subsec_nanos().is_multiple_of(1_000_000) {
        SecondsFormat::Millis
    } else {
        SecondsFormat::AutoSi
    };
    at.to_rfc3339_opts(digits, true)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use std::collections::{BTreeMap, HashMap};
    use std::path::PathBuf;

    use andel_journal::Aggregate;
    use chrono::{DateTime, Duration, NaiveDate, Utc};
    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::*;
    use crate::board::{
        AttachmentId, BoardCommand, BoardView, CardId, ChecklistId, CommentId, ItemId, LabelId,
        ListId, Refusal,
    };

    fn member(id: &str) -> MemberId {
        id.parse().unwrap()
    }

    fn at(tick: i64) -> DateTime<Utc> {
        "2027-03-01T09:00:00Z".parse::<DateTime<Utc>>().unwrap()
            + Duration::milliseconds(tick * 1001)
    }

    fn members(pairs: &[(&str, &str)]) -> MemberMap {
        pairs
            .iter()
            .map(|(trello, id)| ((*trello).to_owned(), member(id)))
            .collect()
    }

    /// Decides a command and applies its events: how many there were.
    fn run(board: &mut Board, command: BoardCommand, at: DateTime<Utc>) -> Result<usize, Refusal> {
        let events = board.decide(command, at)?;
        for event in &events {
            board.apply(event).expect("a decided event applies");
        }
        Ok(events.len())
    }

    fn import(board: &mut Board, plan: ImportPlan) -> Result<usize, Refusal> {
        run(board, BoardCommand::Import(Box::new(plan)), at(0))
    }

    fn imported(plan: ImportPlan) -> Board {
        let mut board = Board::default();
        import(&mut board, plan).unwrap();
        board
    }

    /// The real Trello export of the shared fixtures, or `None` (after saying so once,
    /// past the test harness's capture) when they are not beside this repository.
    /// `ANDEL_REQUIRE_ALL=1`, or an `ANDEL_FIXTURES` naming a folder without it, makes
    /// its absence a failure.
    fn real_export() -> Option<Vec<u8>> {
        let given = std::env::var_os("ANDEL_FIXTURES");
        let root = given.clone().map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"),
            PathBuf::from,
        );
        let path = root.join("trello/test-board-export.json");
        if let Ok(bytes) = std::fs::read(&path) {
            return Some(bytes);
        }
        let required = std::env::var("ANDEL_REQUIRE_ALL").is_ok_and(|v| v == "1");
        assert!(
            given.is_none() && !required,
            "the real Trello export is not found at {} (ANDEL_FIXTURES or ANDEL_REQUIRE_ALL asks for it)",
            path.display()
        );
        static SAID: std::sync::Once = std::sync::Once::new();
        SAID.call_once(|| {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "skipped: the Trello import tests on a real export: {} not found (set ANDEL_FIXTURES to the fixtures folder)",
                path.display()
            );
        });
        None
    }

    /// A view with its ids taken out: every id 0, and each card's labels as the places
    /// of those labels among the board's.
    fn shape(mut view: BoardView) -> BoardView {
        let places: HashMap<LabelId, u32> = view
            .labels
            .iter()
            .zip(0..)
            .map(|(label, place)| (label.id, place))
            .collect();
        for label in &mut view.labels {
            label.id = LabelId(places[&label.id]);
        }
        for list in &mut view.lists {
            list.id = ListId(0);
            for card in &mut list.cards {
                card.id = CardId(0);
                card.labels = card.labels.iter().map(|l| LabelId(places[l])).collect();
                card.labels.sort();
                for checklist in &mut card.checklists {
                    checklist.id = ChecklistId(0);
                    for item in &mut checklist.items {
                        item.id = ItemId(0);
                    }
                }
                for comment in &mut card.comments {
                    comment.id = CommentId(0);
                }
                for attachment in &mut card.attachments {
                    attachment.id = AttachmentId(0);
                }
            }
        }
        view
    }

    /// Exports `board`, imports the export into an empty board as its owner with each
    /// member mapped to themselves, and checks the two look the same.
    fn assert_round_trip(board: &Board) -> ImportReport {
        let export = serde_json::to_vec(&export_board(board, "b")).unwrap();
        let owner = board.owner().unwrap().clone();
        let mut everyone = board.contributors();
        everyone.extend(
            board
                .cards()
                .flat_map(|(_, card)| card.members.iter().cloned()),
        );
        let identity: MemberMap = everyone
            .into_iter()
            .map(|member| (member.to_string(), member))
            .collect();
        let (plan, report) = plan_import(&export, &identity, &owner).unwrap();
        let again = imported(plan);
        assert_eq!(
            shape(again.view("b", true).unwrap()),
            shape(board.view("b", true).unwrap())
        );
        assert!(
            report.skipped.iter().all(|line| line.contains("stay")),
            "{:?}",
            report.skipped
        );
        report
    }

    fn titles(view: &BoardView) -> Vec<(&str, Vec<&str>)> {
        view.lists
            .iter()
            .map(|list| {
                let cards = list.cards.iter().map(|card| card.title.as_str()).collect();
                (list.title.as_str(), cards)
            })
            .collect()
    }

    fn label_names<'v>(view: &'v BoardView, labels: &[LabelId]) -> Vec<&'v str> {
        labels
            .iter()
            .map(|id| {
                let label = view.labels.iter().find(|l| l.id == *id).unwrap();
                label.name.as_str()
            })
            .collect()
    }

    #[test]
    fn real_export_imports_lists_cards_labels_checklists_and_comments() {
        let Some(export) = real_export() else { return };
        let map = members(&[("ryanhimmelwright", "2")]);
        let (plan, report) = plan_import(&export, &map, &member("1")).unwrap();
        let counts = (
            report.lists,
            report.cards,
            report.labels,
            report.checklists,
            report.items,
            report.comments,
            report.attachments,
        );
        assert_eq!(counts, (2, 4, 3, 1, 2, 2, 0));
        assert_eq!(
            report.skipped,
            ["not imported: 10 other actions (Trello's history of moves and edits)"]
        );

        let mut board = imported(plan.clone());
        let view = board.view("b", true).unwrap();
        assert_eq!(view.title, "test-board");
        assert_eq!(view.owner, member("1"));
        assert_eq!(view.members, [member("2")]);
        assert_eq!(
            titles(&view),
            [
                ("List A", vec!["Foo Card", "Bar Card"]),
                ("List B", vec!["Foobar Card", "empty card"]),
            ]
        );
        let labels: Vec<(&str, &str)> = view
            .labels
            .iter()
            .map(|l| (l.name.as_str(), l.color.as_str()))
            .collect();
        assert_eq!(
            labels,
            [
                ("Red Label", "red"),
                ("Green Label", "green"),
                ("Orange Label", "orange")
            ]
        );

        let [foo, bar] = &view.lists[0].cards[..] else {
            panic!("two cards in List A")
        };
        let [foobar, empty] = &view.lists[1].cards[..] else {
            panic!("two cards in List B")
        };
        for card in [foo, bar, foobar, empty] {
            assert_eq!(card.author, member("2"), "{}", card.title);
            assert!(!card.archived);
        }
        assert_eq!(foo.description, "This is the foo card's description.");
        assert_eq!(label_names(&view, &foo.labels), ["Green Label"]);
        assert_eq!(foo.members, [member("2")]);
        assert_eq!(
            label_names(&view, &bar.labels),
            ["Red Label", "Orange Label"]
        );
        assert_eq!(label_names(&view, &foobar.labels), ["Red Label"]);
        assert!(empty.labels.is_empty() && empty.description.is_empty());

        let dues: Vec<Option<NaiveDate>> =
            [foo, bar, foobar, empty].iter().map(|c| c.due).collect();
        assert_eq!(
            dues,
            [None, None, NaiveDate::from_ymd_opt(2025, 4, 5), None]
        );

        let [checklist] = &foobar.checklists[..] else {
            panic!("one checklist")
        };
        assert_eq!(checklist.title, "Checklist");
        let items: Vec<(&str, bool)> = checklist
            .items
            .iter()
            .map(|i| (i.text.as_str(), i.done))
            .collect();
        assert_eq!(items, [("item1", true), ("item2", false)]);

        let comments: Vec<(&str, &str, &str, String)> = [foo, bar]
            .iter()
            .flat_map(|card| {
                card.comments.iter().map(move |c| {
                    (
                        card.title.as_str(),
                        c.author.as_str(),
                        c.text.as_str(),
                        c.at.to_rfc3339(),
                    )
                })
            })
            .collect();
        assert_eq!(
            comments,
            [
                (
                    "Foo Card",
                    "2",
                    "I made a comment\n",
                    String::from("2019-04-04T23:41:28.951+00:00")
                ),
                (
                    "Bar Card",
                    "2",
                    "another comment",
                    String::from("2019-04-04T23:43:41.662+00:00")
                ),
            ]
        );
        assert!(foobar.comments.is_empty() && empty.comments.is_empty());

        // Importing the same export again adds nothing.
        assert_eq!(import(&mut board, plan).unwrap(), 0);
    }

    #[test]
    fn without_a_member_map_comments_stay_out_and_the_report_says_why() {
        let Some(export) = real_export() else { return };
        let (plan, report) = plan_import(&export, &MemberMap::default(), &member("1")).unwrap();
        assert!(plan.comments.is_empty());
        assert_eq!(report.comments, 0);
        assert_eq!(
            report.skipped,
            [
                "Trello user `ryanhimmelwright` is not in the member map, so the board is not shared with them",
                "a comment by Trello user `ryanhimmelwright` on card `Bar Card` was not imported: \
                 the co-op cannot tell whose words they are; add `ryanhimmelwright` to the member \
                 map and import again to bring it in",
                "a comment by Trello user `ryanhimmelwright` on card `Foo Card` was not imported: \
                 the co-op cannot tell whose words they are; add `ryanhimmelwright` to the member \
                 map and import again to bring it in",
                "4 cards whose creator is not in the member map are owned by the importing member",
                "Trello user `ryanhimmelwright` was left off 1 card: they are not in the member map",
                "not imported: 10 other actions (Trello's history of moves and edits)",
            ]
        );
        let mut board = imported(plan);
        let view = board.view("b", true).unwrap();
        assert!(view.members.is_empty());
        let cards = view.lists.iter().flat_map(|list| &list.cards);
        for card in cards {
            assert_eq!(card.author, member("1"));
            assert!(card.members.is_empty() && card.comments.is_empty());
        }

        // Once the map names them, importing again brings their words, and only those.
        let map = members(&[("ryanhimmelwright", "2")]);
        let (plan, _) = plan_import(&export, &map, &member("1")).unwrap();
        assert_eq!(
            import(&mut board, plan).unwrap(),
            3,
            "sharing, and the two comments"
        );
        let view = board.view("b", false).unwrap();
        assert_eq!(view.members, [member("2")]);
        assert_eq!(view.lists[0].cards[0].comments[0].author, member("2"));
    }

    #[test]
    fn real_export_goes_out_and_comes_back_the_same() {
        let Some(export) = real_export() else { return };
        let map = members(&[("ryanhimmelwright", "2")]);
        let (plan, _) = plan_import(&export, &map, &member("1")).unwrap();
        let board = imported(plan);
        let report = assert_round_trip(&board);
        assert_eq!((report.cards, report.comments, report.items), (4, 2, 2));
    }

    /// A small export with one of everything, and a few things that cannot come in.
    const SMALL: &str = r#"{
      "id": "b1", "name": "Small", "closed": false,
      "labels": [
        {"id": "l1", "name": "Urgent", "color": "red"},
        {"id": "l2", "name": "", "color": null}
      ],
      "lists": [
        {"id": "L2", "name": "Done", "closed": false, "pos": 2},
        {"id": "L1", "name": "To do", "closed": false, "pos": 1},
        {"id": "L3", "name": "Old", "closed": true, "pos": 3}
      ],
      "cards": [
        {"id": "c2", "idList": "L1", "name": "Second", "desc": "", "closed": false, "pos": 20,
         "due": null, "idLabels": ["l2"], "idMembers": ["m2"],
         "attachments": [{"id": "a1", "name": "Plan.pdf", "url": "https://example.org/plan.pdf", "pos": 1}]},
        {"id": "c1", "idList": "L1", "name": "First", "desc": "Write it", "closed": false, "pos": 10,
         "due": "2027-03-01T23:30:00.000Z", "idLabels": ["l1"], "idMembers": ["m1"]},
        {"id": "c3", "idList": "L2", "name": "Done one", "closed": true, "pos": 1}
      ],
      "checklists": [
        {"id": "k1", "idCard": "c1", "name": "Steps", "pos": 1, "checkItems": [
          {"id": "i2", "name": "two", "state": "incomplete", "pos": 2},
          {"id": "i1", "name": "one", "state": "complete", "pos": 1}
        ]}
      ],
      "actions": [
        {"id": "x2", "type": "commentCard", "date": "2027-03-02T10:00:00.000Z", "idMemberCreator": "m2",
         "data": {"text": "by bea", "card": {"id": "c1", "name": "First"}}},
        {"id": "x1", "type": "commentCard", "date": "2027-03-01T10:00:00.000Z", "idMemberCreator": "m1",
         "data": {"text": "by alva", "card": {"id": "c1", "name": "First"}}},
        {"id": "x0", "type": "createCard", "date": "2027-03-01T09:00:00.000Z", "idMemberCreator": "m1",
         "data": {"card": {"id": "c1"}}}
      ],
      "members": [
        {"id": "m1", "username": "alva", "fullName": "Alva"},
        {"id": "m2", "username": "bea", "fullName": "Bea"}
      ]
    }"#;

    fn small(json: &str) -> Result<(ImportPlan, ImportReport), TrelloError> {
        plan_import(json.as_bytes(), &members(&[("alva", "1")]), &member("1"))
    }

    #[test]
    fn a_small_export_brings_each_kind_of_thing_in_order() {
        let (plan, report) = small(SMALL).unwrap();
        let counts = (
            report.lists,
            report.cards,
            report.labels,
            report.checklists,
            report.items,
            report.comments,
            report.attachments,
        );
        assert_eq!(counts, (3, 3, 2, 1, 2, 1, 1));
        assert_eq!(
            report.skipped,
            [
                "Trello user `bea` is not in the member map, so the board is not shared with them",
                "a comment by Trello user `bea` on card `First` was not imported: the co-op cannot \
                 tell whose words they are; add `bea` to the member map and import again to bring it in",
                "2 cards whose creator is not in the member map are owned by the importing member",
                "Trello user `bea` was left off 1 card: they are not in the member map",
                "1 attachment stays a link: only its name and address were imported, not its file",
            ]
        );
        assert_eq!(plan.origin, Origin("trello:board:b1".into()));
        assert_eq!(plan.cards[0].origin, Origin("trello:card:c1".into()));
        assert_eq!(
            plan.checklists[0].items[0].origin,
            Origin("trello:item:i1".into())
        );
        assert_eq!(plan.comments[0].origin, Origin("trello:comment:x1".into()));

        let board = imported(plan);
        let view = board.view("b", true).unwrap();
        assert_eq!(
            titles(&view),
            [
                ("To do", vec!["First", "Second"]),
                ("Done", vec!["Done one"]),
                ("Old", vec![]),
            ]
        );
        let archived: Vec<bool> = view.lists.iter().map(|l| l.archived).collect();
        assert_eq!(archived, [false, false, true]);
        assert!(view.lists[1].cards[0].archived);
        let colors: Vec<&str> = view.labels.iter().map(|l| l.color.as_str()).collect();
        assert_eq!(colors, ["red", "none"]);
        let first = &view.lists[0].cards[0];
        assert_eq!(
            first.due,
            NaiveDate::from_ymd_opt(2027, 3, 1),
            "its UTC date"
        );
        assert_eq!(first.members, [member("1")]);
        let items: Vec<(&str, bool)> = first.checklists[0]
            .items
            .iter()
            .map(|i| (i.text.as_str(), i.done))
            .collect();
        assert_eq!(items, [("one", true), ("two", false)]);
        assert_eq!(first.comments.len(), 1);
        assert_eq!(first.comments[0].text, "by alva");
        let second = &view.lists[0].cards[1];
        assert!(second.members.is_empty());
        assert_eq!(label_names(&view, &second.labels), [""]);
        let [attachment] = &second.attachments[..] else {
            panic!("one attachment")
        };
        assert_eq!(
            (
                attachment.name.as_str(),
                attachment.url.as_str(),
                attachment.author.as_str()
            ),
            ("Plan.pdf", "https://example.org/plan.pdf", "1")
        );
    }

    #[test]
    fn member_maps_read_toml_and_json() {
        let map = MemberMap::from_toml(
            "# who is who\n[members]\nryanhimmelwright = \"2\"\n\"599d995a97a48d942e3cf4f2\" = \"3\"\n",
        )
        .unwrap();
        assert_eq!(map.len(), 2);
        assert_eq!(map.get("ryanhimmelwright"), Some(&member("2")));
        // By Trello id first, then by username.
        assert_eq!(
            map.find("599d995a97a48d942e3cf4f2", Some("ryanhimmelwright")),
            Some(&member("3"))
        );
        assert_eq!(
            map.find("unknown", Some("ryanhimmelwright")),
            Some(&member("2"))
        );
        assert_eq!(map.find("unknown", None), None);
        assert!(MemberMap::from_toml("").unwrap().is_empty());

        let json: MemberMap = serde_json::from_str(r#"{"ryanhimmelwright": "2"}"#).unwrap();
        assert_eq!(json, members(&[("ryanhimmelwright", "2")]));
        assert!(serde_json::from_str::<MemberMap>(r#"{"x": ""}"#).is_err());
        let from: MemberMap = BTreeMap::from([("x".to_owned(), member("7"))]).into();
        assert_eq!(from.iter().collect::<Vec<_>>(), [("x", &member("7"))]);
    }

    #[test]
    fn member_maps_that_do_not_fit_are_refused_naming_why() {
        let error = MemberMap::from_toml("[members\nx = \"1\"\n").unwrap_err();
        assert!(
            matches!(error, TrelloError::MemberMap { line: 1, .. }),
            "{error:?}"
        );
        assert!(
            error
                .to_string()
                .starts_with("the member map cannot be read: "),
            "{error}"
        );

        let error = MemberMap::from_toml("[members]\nx = 2\n").unwrap_err();
        assert!(
            matches!(error, TrelloError::MemberMap { line: 2, .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("expected a string"), "{error}");

        let error = MemberMap::from_toml("[member]\nx = \"2\"\n").unwrap_err();
        assert!(
            error.to_string().contains("unknown field `member`"),
            "{error}"
        );

        let error = MemberMap::from_toml("[members]\nx = \"\"\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "the member map maps `x` to an invalid member: member id `` is not valid: 1 to 64 bytes, no control characters"
        );

        let huge = " ".repeat(MAX_MEMBER_MAP_BYTES + 1);
        let error = MemberMap::from_toml(&huge).unwrap_err();
        assert!(matches!(
            error,
            TrelloError::TooLarge {
                what: "member map",
                ..
            }
        ));
    }

    #[test]
    fn what_is_not_json_is_refused_naming_the_place() {
        let error = small("{\"id\": \"b\",\n  \"lists\": [}").unwrap_err();
        assert_eq!(
            error,
            TrelloError::NotJson {
                message: "expected value".into(),
                line: 2,
                column: 13
            }
        );
        assert_eq!(
            error.to_string(),
            "the export cannot be read as JSON: expected value (line 2, column 13)"
        );
        for input in [
            "",
            "not json",
            "{",
            "\u{0}",
            "{\"id\": \"b\"} trailing",
            "\u{feff}{}",
        ] {
            let error = small(input).unwrap_err();
            assert!(
                matches!(error, TrelloError::NotJson { .. }),
                "{input:?}: {error:?}"
            );
        }
    }

    #[test]
    fn json_that_is_not_a_board_export_is_refused() {
        let error = small("[1, 2]").unwrap_err();
        assert_eq!(
            error.to_string(),
            "the export is not a Trello board export: invalid type: sequence, expected a \
             Trello board export (a JSON object) (line 1, column 1)"
        );
        for input in ["null", "42", "\"board\"", "true", "[[[[]]]]"] {
            let error = small(input).unwrap_err();
            assert!(
                matches!(error, TrelloError::NotABoard { .. }),
                "{input}: {error:?}"
            );
        }
        let missing = small("{}").unwrap_err();
        assert!(
            missing.to_string().contains("missing field `id`"),
            "{missing}"
        );
        let missing = small(r#"{"id": "b", "cards": []}"#).unwrap_err();
        assert!(
            missing.to_string().contains("missing field `lists`"),
            "{missing}"
        );
        let wrong = small(r#"{"id": "b", "lists": 5, "cards": []}"#).unwrap_err();
        assert!(
            matches!(wrong, TrelloError::NotABoard { line: 1, .. }),
            "{wrong:?}"
        );
        let wrong = small(r#"{"id": "b", "lists": [], "cards": [{"id": 7}]}"#).unwrap_err();
        assert!(wrong.to_string().contains("expected a string"), "{wrong}");

        let blank = small(r#"{"id": "", "lists": [], "cards": []}"#).unwrap_err();
        assert_eq!(blank, TrelloError::BoardId { id: String::new() });
        let long = format!(
            r#"{{"id": "{}", "lists": [], "cards": []}}"#,
            "x".repeat(200)
        );
        assert!(matches!(small(&long), Err(TrelloError::BoardId { .. })));
        // null where Trello may write null is taken as empty.
        let nulls = r#"{"id": "b", "name": null, "lists": null, "cards": null, "labels": null}"#;
        let (plan, _) = small(nulls).unwrap();
        assert_eq!(plan.title, "Imported board");
    }

    #[test]
    fn too_large_an_export_is_refused_unread() {
        let export = vec![b' '; MAX_EXPORT_BYTES + 1];
        let error = plan_import(&export, &MemberMap::default(), &member("1")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the export is 67108865 bytes; at most 67108864 bytes are read"
        );
        let limits = Limits {
            bytes: 100,
            things: MAX_THINGS as usize,
        };
        let error = plan_within(
            SMALL.as_bytes(),
            &MemberMap::default(),
            &member("1"),
            limits,
        )
        .unwrap_err();
        assert_eq!(
            error,
            TrelloError::TooLarge {
                what: "export",
                size: SMALL.len(),
                max: 100
            }
        );
    }

    #[test]
    fn too_many_entries_are_refused_once_counted() {
        // 2 labels, 3 lists, 3 cards with 1 attachment, 1 checklist with 2 items,
        // 3 actions and 2 members.
        let within = |things| {
            plan_within(
                SMALL.as_bytes(),
                &MemberMap::default(),
                &member("1"),
                Limits {
                    bytes: MAX_EXPORT_BYTES,
                    things,
                },
            )
        };
        assert!(within(17).is_ok());
        assert_eq!(
            within(16).unwrap_err(),
            TrelloError::TooMany { count: 17, max: 16 }
        );
        // A flood of empty cards is refused before any is kept.
        let flood = format!(
            r#"{{"id": "b", "lists": [], "cards": [{}{{}}]}}"#,
            "{},".repeat(MAX_THINGS as usize)
        );
        let error = small(&flood).unwrap_err();
        assert!(
            matches!(error, TrelloError::TooMany { count: 200_001, .. }),
            "{error:?}"
        );
    }

    #[test]
    fn broken_references_duplicates_and_odd_values_are_reported_and_the_rest_imports() {
        let long_title = "x".repeat(600);
        let long_text = "é".repeat(10_000);
        let export = json!({
            "id": "b", "name": "  ",
            "labels": [
                {"id": "l1", "name": "a", "color": "red"},
                {"id": "l1", "name": "dup", "color": "blue"},
                {"id": "", "name": "noid"}
            ],
            "lists": [
                {"id": "L1", "name": "", "pos": -1e308},
                {"id": "L2", "name": "Big", "pos": 1e308},
                {"id": "L1", "name": "Dup list", "pos": 0},
                {"id": "L3", "name": "Mid", "pos": "12"}
            ],
            "cards": [
                {"id": "c1", "idList": "nowhere", "name": "Lost"},
                {"id": "c2", "idList": "L2", "name": long_title, "desc": long_text,
                 "idLabels": ["l1", "l1", "zz"], "due": "tomorrow", "pos": -0.0},
                {"id": "c2", "idList": "L2", "name": "Twin"},
                {"id": "c3", "idList": "L3", "name": "Links", "attachments": [
                    {"id": "a1", "name": "", "url": "javascript:alert(1)"},
                    {"id": "a2", "name": "ok", "url": " https://example.org/x "},
                    {"id": "a2", "name": "again", "url": "https://example.org/y"}
                ]}
            ],
            "checklists": [
                {"id": "k1", "idCard": "c1", "name": "Orphan", "checkItems": []},
                {"id": "k2", "idCard": "c3", "name": "", "checkItems": [
                    {"id": "i1", "name": "  ", "state": "complete"},
                    {"id": "i1", "name": "dup"}
                ]}
            ],
            "actions": [
                {"id": "x1", "type": "commentCard", "date": "2027-01-01T00:00:00Z",
                 "idMemberCreator": "m1", "data": {"text": "   ", "card": {"id": "c3"}}},
                {"id": "x2", "type": "commentCard", "date": "yesterday",
                 "idMemberCreator": "m1", "data": {"text": "hi", "card": {"id": "c3"}}},
                {"id": "x3", "type": "commentCard", "date": "2027-01-01T00:00:00Z",
                 "idMemberCreator": "m1", "data": {"text": "on lost", "card": {"id": "c1"}}},
                {"id": "x5", "type": "commentCard", "date": "2027-01-01T00:00:00Z",
                 "data": {"text": "who?", "card": {"id": "c3"}}},
                {"type": 5, "data": [1, 2], "memberCreator": "nobody"},
                {"id": "x4", "type": "updateCard", "data": {"card": {"id": {"deep": [[[[1]]]]}}}}
            ],
            "members": [{"id": "m1", "username": "alva"}],
            "customFields": [{}, {}], "powerUps": 0, "pluginData": [{}]
        });
        let (plan, report) = small(&export.to_string()).unwrap();
        let cut = format!("{}…", "x".repeat(60));
        let expected = [
            "label `dup` was left out: its Trello id `l1` is that of another label in the export".to_owned(),
            "label `noid` was left out: its Trello id is empty, too long or not printable".into(),
            "list `Dup list` was left out: its Trello id `L1` is that of another list in the export".into(),
            "a list without a name was imported as `(untitled)`".into(),
            "card `Lost` was left out: its list (Trello id `nowhere`) is not in the export".into(),
            "card `Twin` was left out: its Trello id `c2` is that of another card in the export".into(),
            format!("the card `{cut}` was cut to 512 characters"),
            format!("the description of card `{cut}` was cut to 16384 bytes"),
            format!("card `{cut}` has a due date `tomorrow` that is not a date; it was imported without one"),
            format!("card `{cut}` has a label (Trello id `zz`) that is not in the export; the card was imported without it"),
            "checklist `Orphan` was left out: its card (Trello id `c1`) is not in the export or was left out".into(),
            "a checklist without a name was imported as `(untitled)`".into(),
            "checklist item `dup` was left out: its Trello id `i1` is that of another checklist item in the export".into(),
            "an empty item of checklist `(untitled)` was imported as `(untitled)`".into(),
            "an empty comment on card `Links` was left out".into(),
            "a comment on card `Links` was left out: its date `yesterday` is not a date".into(),
            "a comment was left out: its card (Trello id `c1`) is not in the export or was left out".into(),
            "a comment on card `Links` was left out: it does not say who wrote it".into(),
            "attachment `again` on card `Links` was left out: its Trello id `a2` is that of another attachment in the export".into(),
            "attachment `` on card `Links` was left out: `javascript:alert(1)` is not a web address (http:// or https://, at most 2048 bytes)".into(),
            "2 cards whose creator is not in the member map are owned by the importing member".into(),
            "1 attachment stays a link: only its name and address were imported, not its file".into(),
            "not imported: 2 custom fields, 1 power-up setting and 2 other actions (Trello's history of moves and edits)".into(),
        ];
        assert_eq!(report.skipped, expected);
        assert_eq!(plan.title, "Imported board");

        let board = imported(plan);
        let view = board.view("b", true).unwrap();
        let lists: Vec<&str> = view.lists.iter().map(|l| l.title.as_str()).collect();
        assert_eq!(lists, ["(untitled)", "Mid", "Big"]);
        let big = &view.lists[2].cards[0];
        assert_eq!(big.title.chars().count(), MAX_TITLE);
        assert!(big.description.len() <= MAX_TEXT && big.description.chars().all(|c| c == 'é'));
        assert_eq!(big.due, None);
        assert_eq!(label_names(&view, &big.labels), ["a"]);
        let links = &view.lists[1].cards[0];
        assert_eq!(links.checklists[0].title, "(untitled)");
        assert_eq!(links.checklists[0].items[0].text, "(untitled)");
        assert!(links.checklists[0].items[0].done);
        let urls: Vec<&str> = links.attachments.iter().map(|a| a.url.as_str()).collect();
        assert_eq!(urls, ["https://example.org/x"]);
        assert!(links.comments.is_empty());
    }

    #[test]
    fn huge_negative_and_textual_positions_order_without_panicking() {
        let export = json!({
            "id": "b",
            "lists": [
                {"id": "a", "name": "a", "pos": 1e308},
                {"id": "b", "name": "b", "pos": -1e308},
                {"id": "c", "name": "c", "pos": 5e-324},
                {"id": "d", "name": "d", "pos": -0.0},
                {"id": "e", "name": "e", "pos": 0},
                {"id": "f", "name": "f", "pos": "NaN"},
                {"id": "g", "name": "g", "pos": "inf"},
                {"id": "h", "name": "h", "pos": [1]},
                {"id": "i", "name": "i", "pos": 18446744073709551615_u64},
                {"id": "j", "name": "j", "pos": -9223372036854775808_i64}
            ],
            "cards": []
        });
        let (plan, _) = small(&export.to_string()).unwrap();
        let order: Vec<&str> = plan.lists.iter().map(|l| l.title.as_str()).collect();
        assert_eq!(order, ["b", "j", "d", "e", "f", "g", "h", "c", "i", "a"]);
        // Numbers JSON cannot hold as a double are not JSON we read.
        let error = small(r#"{"id": "b", "lists": [{"id": "a", "pos": 1e400}], "cards": []}"#);
        assert!(
            matches!(error, Err(TrelloError::NotJson { .. })),
            "{error:?}"
        );
    }

    #[test]
    fn deep_nesting_is_refused_or_ignored_never_a_panic() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let deep_object = format!("{}1{}", r#"{"a":"#.repeat(100_000), "}".repeat(100_000));
        for nested in [&deep, &deep_object] {
            // Where nothing is read, it is passed over.
            let ignored = format!(r#"{{"id": "b", "lists": [], "cards": [], "prefs": {nested}}}"#);
            assert!(small(&ignored).is_ok());
            let in_action = format!(
                r#"{{"id": "b", "lists": [], "cards": [], "actions": [{{"type": "x", "data": {nested}}}]}}"#
            );
            assert!(small(&in_action).is_ok());
            let as_pos =
                format!(r#"{{"id": "b", "lists": [{{"id": "l", "pos": {nested}}}], "cards": []}}"#);
            assert!(small(&as_pos).is_ok());
            // Where a value is read, it is refused.
            for place in [
                format!(r#"{{"id": {nested}, "lists": [], "cards": []}}"#),
                format!(r#"{{"id": "b", "lists": [{nested}], "cards": []}}"#),
                format!(
                    r#"{{"id": "b", "lists": [], "cards": [{{"id": "c", "idLabels": {nested}}}]}}"#
                ),
                nested.clone(),
            ] {
                assert!(small(&place).is_err());
            }
        }
    }

    #[test]
    fn things_trello_has_and_boards_here_do_not_are_counted() {
        let export = json!({
            "id": "b", "lists": [{"id": "l", "name": "l"}],
            "cards": [{"id": "c", "idList": "l", "name": "c", "stickers": [{}, {}],
                       "idMembersVoted": ["m1", "m2", "m3"], "customFieldItems": [{}],
                       "pluginData": [{}]}],
            "customFields": [{}], "powerUps": ["calendar"], "pluginData": [],
            "actions": [{"id": "a", "type": "updateCard"}], "closed": true
        });
        let (_, report) = small(&export.to_string()).unwrap();
        assert_eq!(
            report.skipped,
            [
                "the board is closed (archived) on Trello; it is imported open",
                "1 card whose creator is not in the member map is owned by the importing member",
                "not imported: 1 custom field, 1 custom field value, 1 power-up, 1 power-up \
                 setting, 2 stickers, 3 votes and 1 other action (Trello's history of moves and edits)",
            ]
        );
    }

    #[test]
    fn long_reports_say_how_much_they_leave_out() {
        let cards: Vec<Value> = (0..600)
            .map(|n| json!({"id": format!("c{n}"), "idList": "gone", "name": "Lost"}))
            .collect();
        let export = json!({"id": "b", "lists": [], "cards": cards});
        let (_, report) = small(&export.to_string()).unwrap();
        assert_eq!(report.skipped.len(), MAX_REPORT_LINES + 1);
        assert_eq!(
            report.skipped[MAX_REPORT_LINES],
            "and 100 more lines like these, left out of this report"
        );
    }

    #[test]
    fn an_export_has_trello_shape() {
        let mut board = Board::default();
        let alva = member("1");
        let commands = [
            BoardCommand::Create {
                title: "Fair".into(),
                by: alva.clone(),
            },
            BoardCommand::AddLabel {
                name: "urgent".into(),
                color: "red".into(),
            },
            BoardCommand::AddList {
                title: "To do".into(),
            },
            BoardCommand::AddCard {
                list: ListId(2),
                title: "Hall".into(),
                description: "Book it".into(),
                due: NaiveDate::from_ymd_opt(2027, 4, 1),
                by: alva.clone(),
            },
            BoardCommand::LabelCard {
                card: CardId(3),
                label: LabelId(1),
                on: true,
            },
            BoardCommand::AddChecklist {
                card: CardId(3),
                title: "Steps".into(),
            },
            BoardCommand::AddItem {
                checklist: ChecklistId(4),
                text: "Call".into(),
            },
            BoardCommand::Comment {
                card: CardId(3),
                text: "Done soon".into(),
                by: alva.clone(),
            },
            BoardCommand::Attach {
                card: CardId(3),
                name: "Map".into(),
                url: "https://example.org/map".into(),
                by: alva,
            },
        ];
        for command in commands {
            run(&mut board, command, at(1)).unwrap();
        }
        let export = export_board(&board, "b7");
        assert_eq!(
            export,
            json!({
                "id": "b7", "name": "Fair", "desc": "", "closed": false,
                "labels": [{"id": "label-1", "idBoard": "b7", "name": "urgent", "color": "red"}],
                "lists": [{"id": "list-2", "name": "To do", "closed": false, "pos": 65536, "idBoard": "b7"}],
                "cards": [{
                    "id": "card-3", "name": "Hall", "desc": "Book it", "closed": false,
                    "idList": "list-2", "idBoard": "b7", "pos": 65536,
                    "due": "2027-04-01T12:00:00.000Z", "idLabels": ["label-1"], "idMembers": [],
                    "idChecklists": ["checklist-4"],
                    "attachments": [{"id": "attachment-7", "name": "Map",
                                     "url": "https://example.org/map", "pos": 65536, "idMember": "1"}]
                }],
                "checklists": [{
                    "id": "checklist-4", "idCard": "card-3", "idBoard": "b7", "name": "Steps",
                    "pos": 65536,
                    "checkItems": [{"id": "item-5", "name": "Call", "state": "incomplete",
                                    "pos": 65536, "idChecklist": "checklist-4"}]
                }],
                "actions": [
                    {"id": "comment-6", "type": "commentCard", "date": "2027-03-01T09:00:01.001Z",
                     "idMemberCreator": "1",
                     "memberCreator": {"id": "1", "username": "1", "fullName": "1"},
                     "data": {"text": "Done soon", "card": {"id": "card-3", "name": "Hall"},
                              "board": {"id": "b7", "name": "Fair"}}},
                    {"id": "card-3-created", "type": "createCard", "date": null,
                     "idMemberCreator": "1",
                     "memberCreator": {"id": "1", "username": "1", "fullName": "1"},
                     "data": {"card": {"id": "card-3", "name": "Hall"},
                              "list": {"id": "list-2", "name": "To do"},
                              "board": {"id": "b7", "name": "Fair"}}}
                ],
                "members": [{"id": "1", "username": "1", "fullName": "1"}]
            })
        );
        assert_eq!(export_board(&Board::default(), "b")["cards"], json!([]));
        assert_round_trip(&board);
    }

    #[test]
    fn times_keep_their_digits() {
        let at = |text: &str| text.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            trello_time(at("2019-04-04T23:41:28Z")),
            "2019-04-04T23:41:28.000Z"
        );
        assert_eq!(
            trello_time(at("2019-04-04T23:41:28.951Z")),
            "2019-04-04T23:41:28.951Z"
        );
        assert_eq!(
            trello_time(at("2019-04-04T23:41:28.951000001Z")),
            "2019-04-04T23:41:28.951000001Z"
        );
    }

    #[test]
    fn the_module_example_runs() {
        let export = br#"{
          "id": "b1", "name": "Fair",
          "lists": [{ "id": "l1", "name": "To do", "pos": 1 }],
          "cards": [{ "id": "c1", "idList": "l1", "name": "Book the hall", "pos": 1 }],
          "members": [{ "id": "m1", "username": "alva" }]
        }"#;
        let members = MemberMap::from_toml("[members]\nalva = \"1\"\n").unwrap();
        let importer: MemberId = "1".parse().unwrap();
        let (plan, report) = plan_import(export, &members, &importer).unwrap();
        assert_eq!((report.lists, report.cards), (1, 1));
        let mut board = Board::default();
        let at = "2027-03-01T09:00:00Z".parse().unwrap();
        for event in board
            .decide(BoardCommand::Import(Box::new(plan)), at)
            .unwrap()
        {
            board.apply(&event).unwrap();
        }
        assert_eq!(board.title(), "Fair");
    }

    // Property tests.

    const MEMBERS: [&str; 4] = ["1", "2", "3", "4"];

    /// One step of a generated board's life: `kind` picks the command, the numbers
    /// pick what it acts on among what the board holds.
    #[derive(Debug, Clone)]
    struct Step {
        kind: u8,
        a: u8,
        b: u8,
        c: u8,
        flag: bool,
        title: String,
        text: String,
        due: Option<u16>,
    }

    fn step() -> impl Strategy<Value = Step> {
        (
            any::<u8>(),
            any::<u8>(),
            any::<u8>(),
            any::<u8>(),
            any::<bool>(),
            "[A-Za-z0-9 é中]{0,10}",
            "[A-Za-z0-9 \n é中]{0,24}",
            proptest::option::of(0_u16..2000),
        )
            .prop_map(|(kind, a, b, c, flag, title, text, due)| Step {
                kind,
                a,
                b,
                c,
                flag,
                title,
                text,
                due,
            })
    }

    fn pick<T: Copy>(things: &[T], at: u8) -> Option<T> {
        if things.is_empty() {
            return None;
        }
        things.get(usize::from(at) % things.len()).copied()
    }

    fn command(board: &Board, step: &Step) -> Option<BoardCommand> {
        let lists: Vec<ListId> = board.lists().map(|(id, _)| id).collect();
        let cards: Vec<CardId> = board.cards().map(|(id, _)| id).collect();
        let labels: Vec<LabelId> = board.labels().map(|(id, _)| id).collect();
        let checklists: Vec<ChecklistId> = board
            .cards()
            .flat_map(|(_, card)| card.checklists.iter().copied())
            .collect();
        let items: Vec<ItemId> = checklists
            .iter()
            .filter_map(|id| board.checklist(*id))
            .flat_map(|checklist| checklist.items.iter().copied())
            .collect();
        let who = |at: u8| member(MEMBERS[usize::from(at) % MEMBERS.len()]);
        let due = step
            .due
            .map(|days| NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::days(days.into()));
        let (a, b, c) = (step.a, step.b, step.c);
        Some(match step.kind % 20 {
            0 | 1 => BoardCommand::AddList {
                title: step.title.clone(),
            },
            2 => BoardCommand::RenameList {
                list: pick(&lists, a)?,
                title: step.title.clone(),
            },
            3 => BoardCommand::MoveList {
                list: pick(&lists, a)?,
                index: u32::from(b % 4),
            },
            4 => BoardCommand::ArchiveList {
                list: pick(&lists, a)?,
                archived: step.flag,
            },
            5 => BoardCommand::AddLabel {
                name: step.title.clone(),
                color: step.text.clone(),
            },
            6 => BoardCommand::AddMember { member: who(a) },
            7..=9 => BoardCommand::AddCard {
                list: pick(&lists, a)?,
                title: step.title.clone(),
                description: step.text.clone(),
                due,
                by: who(b),
            },
            10 => BoardCommand::EditCard {
                card: pick(&cards, a)?,
                title: step.title.clone(),
                description: step.text.clone(),
                due,
            },
            11 => BoardCommand::MoveCard {
                card: pick(&cards, a)?,
                list: pick(&lists, b)?,
                index: u32::from(c % 4),
            },
            12 => BoardCommand::ArchiveCard {
                card: pick(&cards, a)?,
                archived: step.flag,
            },
            13 => BoardCommand::LabelCard {
                card: pick(&cards, a)?,
                label: pick(&labels, b)?,
                on: step.flag,
            },
            14 => BoardCommand::AssignCard {
                card: pick(&cards, a)?,
                member: who(b),
                on: step.flag,
            },
            15 => BoardCommand::AddChecklist {
                card: pick(&cards, a)?,
                title: step.title.clone(),
            },
            16 => BoardCommand::AddItem {
                checklist: pick(&checklists, a)?,
                text: step.title.clone(),
            },
            17 => BoardCommand::TickItem {
                item: pick(&items, a)?,
                done: step.flag,
            },
            18 => BoardCommand::Comment {
                card: pick(&cards, a)?,
                text: step.text.clone(),
                by: who(b),
            },
            _ => BoardCommand::Attach {
                card: pick(&cards, a)?,
                name: step.title.clone(),
                url: format!(
                    "https://example.org/{}",
                    step.title.trim().replace(' ', "-")
                ),
                by: who(b),
            },
        })
    }

    /// A board built by `steps`, each decided and applied in turn a second apart (what
    /// the board refuses is passed over).
    fn board_of(steps: &[Step]) -> Board {
        let mut board = Board::default();
        let create = BoardCommand::Create {
            title: "Generated".into(),
            by: member("1"),
        };
        run(&mut board, create, at(0)).unwrap();
        for (tick, step) in (1..).zip(steps) {
            if let Some(command) = command(&board, step) {
                let _ = run(&mut board, command, at(tick));
            }
        }
        board
    }

    /// Any JSON, with strings and numbers of the kinds a Trello export holds.
    fn json_value() -> impl Strategy<Value = Value> {
        let words = prop::sample::select(vec![
            "",
            " ",
            "b1",
            "c1",
            "c2",
            "c3",
            "L1",
            "L2",
            "L3",
            "l1",
            "l2",
            "k1",
            "i1",
            "i2",
            "x1",
            "m1",
            "m2",
            "alva",
            "bea",
            "complete",
            "commentCard",
            "createCard",
            "https://example.org/a",
            "2027-01-01T00:00:00Z",
            "none",
        ]);
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            prop_oneof![
                Just(1e308),
                Just(-1e308),
                Just(-0.0),
                Just(5e-324),
                -1e6..1e6_f64
            ]
            .prop_map(Value::from),
            words.prop_map(Value::from),
            "\\PC{0,12}".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(key(), inner, 0..4)
                    .prop_map(|fields| Value::Object(fields.into_iter().collect())),
            ]
        })
    }

    fn key() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "id",
            "name",
            "idList",
            "idCard",
            "pos",
            "closed",
            "due",
            "desc",
            "idLabels",
            "idMembers",
            "checkItems",
            "state",
            "type",
            "date",
            "idMemberCreator",
            "data",
            "text",
            "card",
            "url",
            "attachments",
            "color",
            "username",
            "members",
            "labels",
            "lists",
            "cards",
            "checklists",
            "actions",
            "idMember",
            "memberCreator",
        ])
        .prop_map(str::to_owned)
    }

    /// Replaces, adds to or takes from the value that `path` leads to.
    fn mutate(value: &mut Value, path: &[u8], new: Value, key: String, how: u8) {
        match (path.split_first(), value) {
            (Some((step, rest)), Value::Array(items)) if !items.is_empty() => {
                let at = usize::from(*step) % items.len();
                mutate(&mut items[at], rest, new, key, how);
            }
            (Some((step, rest)), Value::Object(fields)) if !fields.is_empty() => {
                let at = usize::from(*step) % fields.len();
                if let Some((_, field)) = fields.iter_mut().nth(at) {
                    mutate(field, rest, new, key, how);
                }
            }
            (_, here) => match (how % 3, here) {
                (1, Value::Array(items)) => items.push(new),
                (1, Value::Object(fields)) => {
                    fields.insert(key, new);
                }
                (2, Value::Array(items)) => {
                    items.pop();
                }
                (2, Value::Object(fields)) => {
                    fields.remove(&key);
                }
                (_, here) => *here = new,
            },
        }
    }

    /// A plan that was made imports into an empty board, whole, and its report counts
    /// what it brings.
    fn assert_imports(plan: ImportPlan, report: &ImportReport) -> Result<(), TestCaseError> {
        prop_assert_eq!(report.lists, plan.lists.len());
        prop_assert_eq!(report.cards, plan.cards.len());
        prop_assert_eq!(report.comments, plan.comments.len());
        let mut board = Board::default();
        let events = board.decide(BoardCommand::Import(Box::new(plan.clone())), at(0));
        prop_assert!(events.is_ok(), "{:?} for {:?}", events, plan);
        for event in events.unwrap() {
            prop_assert!(board.apply(&event).is_ok());
        }
        prop_assert_eq!(
            board
                .decide(BoardCommand::Import(Box::new(plan)), at(1))
                .map(|e| e.len()),
            Ok(0)
        );
        Ok(())
    }

    fn both() -> MemberMap {
        members(&[("alva", "1"), ("m2", "2")])
    }

    proptest! {
        #[test]
        fn any_bytes_are_refused_or_read_never_a_panic(
            bytes in prop::collection::vec(any::<u8>(), 0..512),
        ) {
            if let Ok((plan, report)) = plan_import(&bytes, &both(), &member("1")) {
                assert_imports(plan, &report)?;
            }
        }

        #[test]
        fn exports_with_bytes_changed_are_refused_or_read_never_a_panic(
            changes in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        ) {
            let mut bytes = SMALL.as_bytes().to_vec();
            for (at, byte) in changes {
                let at = at.index(bytes.len());
                bytes[at] = byte;
            }
            if let Ok((plan, report)) = plan_import(&bytes, &both(), &member("1")) {
                assert_imports(plan, &report)?;
            }
        }

        #[test]
        fn exports_with_values_changed_give_plans_that_import(
            changes in prop::collection::vec(
                (prop::collection::vec(any::<u8>(), 1..7), json_value(), key(), any::<u8>()),
                1..6,
            ),
        ) {
            let mut export: Value = serde_json::from_str(SMALL).unwrap();
            for (path, new, key, how) in changes {
                mutate(&mut export, &path, new, key, how);
            }
            let bytes = serde_json::to_vec(&export).unwrap();
            if let Ok((plan, report)) = plan_import(&bytes, &both(), &member("1")) {
                assert_imports(plan, &report)?;
            }
        }

        #[test]
        fn a_board_exported_and_imported_again_is_the_same(
            steps in prop::collection::vec(step(), 0..100),
        ) {
            let board = board_of(&steps);
            assert_round_trip(&board);
        }
    }
}
