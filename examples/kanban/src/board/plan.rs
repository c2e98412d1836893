//! What an import brings, in the board's own terms: each thing with the id it had
//! where it came from (its [`Origin`]), referring to the others by those ids. The board
//! adds what it does not hold yet, in one step ([`BoardCommand::Import`]), so that
//! importing the same export twice adds nothing the second time.
//!
//! [`BoardCommand::Import`]: super::BoardCommand::Import

use andel_consent::MemberId;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::ids::Origin;

/// A whole board from elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPlan {
    /// The board's own origin.
    pub origin: Origin,
    /// Its title, for a board created by the import.
    pub title: String,
    /// Who imports it: the owner of a board the import creates.
    pub owner: MemberId,
    /// The members it is shared with.
    pub members: Vec<MemberId>,
    /// Its labels.
    pub labels: Vec<PlannedLabel>,
    /// Its lists, in their order.
    pub lists: Vec<PlannedList>,
    /// Its cards, in their order within each list.
    pub cards: Vec<PlannedCard>,
    /// Its checklists, in their order on each card.
    pub checklists: Vec<PlannedChecklist>,
    /// Its comments, oldest first.
    pub comments: Vec<PlannedComment>,
    /// Its attachments' metadata.
    pub attachments: Vec<PlannedAttachment>,
}

/// A label to import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedLabel {
    /// Where it came from.
    pub origin: Origin,
    /// Its name.
    pub name: String,
    /// Its colour.
    pub color: String,
}

/// A list to import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedList {
    /// Where it came from.
    pub origin: Origin,
    /// Its title.
    pub title: String,
    /// Whether it was archived (closed) there.
    pub archived: bool,
}

/// A card to import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedCard {
    /// Where it came from.
    pub origin: Origin,
    /// The origin of its list.
    pub list: Origin,
    /// Its title.
    pub title: String,
    /// Its description.
    pub description: String,
    /// When it is due.
    pub due: Option<NaiveDate>,
    /// Who wrote it.
    pub author: MemberId,
    /// Whether it was archived (closed) there.
    pub archived: bool,
    /// The origins of its labels.
    pub labels: Vec<Origin>,
    /// The members on it.
    pub members: Vec<MemberId>,
}

/// A checklist to import, with its items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedChecklist {
    /// Where it came from.
    pub origin: Origin,
    /// The origin of its card.
    pub card: Origin,
    /// Its title.
    pub title: String,
    /// Its items, in order.
    pub items: Vec<PlannedItem>,
}

/// A checklist item to import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedItem {
    /// Where it came from.
    pub origin: Origin,
    /// What is to be done.
    pub text: String,
    /// Whether it is done.
    pub done: bool,
}

/// A comment to import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedComment {
    /// Where it came from.
    pub origin: Origin,
    /// The origin of its card.
    pub card: Origin,
    /// Who wrote it.
    pub author: MemberId,
    /// What they wrote.
    pub text: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// An attachment's metadata to import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedAttachment {
    /// Where it came from.
    pub origin: Origin,
    /// The origin of its card.
    pub card: Origin,
    /// Its name.
    pub name: String,
    /// Where the file is.
    pub url: String,
    /// Who attached it.
    pub author: MemberId,
}
