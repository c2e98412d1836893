//! What members ask of a board.

use andel_consent::MemberId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ids::{CardId, ChecklistId, ItemId, LabelId, ListId};
use super::plan::ImportPlan;

/// A change a member asks for. The board decides it into events, or refuses it with a
/// [`Refusal`](super::Refusal) naming what was wrong.
///
/// Who may ask is not the board's question: the service asks the consent engine first
/// (see [`crate::Boards`]). The board keeps its own rules: what exists, what is
/// archived, who is on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum BoardCommand {
    /// Create the board, owned by `by`.
    Create {
        /// Its title.
        title: String,
        /// Who creates it.
        by: MemberId,
    },
    /// Give it another title.
    Rename {
        /// The new title.
        title: String,
    },
    /// Share it with a member.
    AddMember {
        /// The member.
        member: MemberId,
    },
    /// Stop sharing it with a member (never its owner).
    RemoveMember {
        /// The member.
        member: MemberId,
    },
    /// Add a label.
    AddLabel {
        /// Its name.
        name: String,
        /// Its colour.
        color: String,
    },
    /// Add a list at the end.
    AddList {
        /// Its title.
        title: String,
    },
    /// Give a list another title.
    RenameList {
        /// The list.
        list: ListId,
        /// The new title.
        title: String,
    },
    /// Move a list to `index` among the lists.
    MoveList {
        /// The list.
        list: ListId,
        /// Its new place, from 0.
        index: u32,
    },
    /// Archive a list, or restore it.
    ArchiveList {
        /// The list.
        list: ListId,
        /// `true` to archive, `false` to restore.
        archived: bool,
    },
    /// Add a card at the end of a list, written by `by`.
    AddCard {
        /// The list.
        list: ListId,
        /// Its title.
        title: String,
        /// Its description.
        #[serde(default)]
        description: String,
        /// When it is due.
        #[serde(default)]
        due: Option<NaiveDate>,
        /// Who writes it.
        by: MemberId,
    },
    /// Change a card's title, description and due date (all three given, as they
    /// should be after the change).
    EditCard {
        /// The card.
        card: CardId,
        /// Its title.
        title: String,
        /// Its description.
        #[serde(default)]
        description: String,
        /// When it is due.
        #[serde(default)]
        due: Option<NaiveDate>,
    },
    /// Move a card to `index` in `list`.
    MoveCard {
        /// The card.
        card: CardId,
        /// The list it goes to (its own, or another).
        list: ListId,
        /// Its place there, from 0.
        index: u32,
    },
    /// Archive a card, or restore it.
    ArchiveCard {
        /// The card.
        card: CardId,
        /// `true` to archive, `false` to restore.
        archived: bool,
    },
    /// Put a label on a card, or take it off.
    LabelCard {
        /// The card.
        card: CardId,
        /// The label.
        label: LabelId,
        /// `true` to put it on.
        on: bool,
    },
    /// Put a member of the board on a card, or take them off.
    AssignCard {
        /// The card.
        card: CardId,
        /// The member.
        member: MemberId,
        /// `true` to put them on.
        on: bool,
    },
    /// Add a checklist to a card.
    AddChecklist {
        /// The card.
        card: CardId,
        /// Its title.
        title: String,
    },
    /// Add an item to a checklist.
    AddItem {
        /// The checklist.
        checklist: ChecklistId,
        /// What is to be done.
        text: String,
    },
    /// Tick an item, or untick it.
    TickItem {
        /// The item.
        item: ItemId,
        /// Whether it is done.
        done: bool,
    },
    /// Comment on a card, as `by`.
    Comment {
        /// The card.
        card: CardId,
        /// What they write.
        text: String,
        /// Who writes it.
        by: MemberId,
    },
    /// Attach a file's metadata to a card, as `by`.
    Attach {
        /// The card.
        card: CardId,
        /// Its name.
        name: String,
        /// Where it is kept.
        url: String,
        /// Who attaches it.
        by: MemberId,
    },
    /// Archive the board, or restore it.
    ArchiveBoard {
        /// `true` to archive, `false` to restore.
        archived: bool,
    },
    /// Bring in what `plan` holds that the board does not have yet (by origin): how
    /// an export from elsewhere arrives, in one step, all or nothing.
    Import(Box<ImportPlan>),
}
