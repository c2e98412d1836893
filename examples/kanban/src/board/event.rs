//! What happens to a board: the payloads of the entries of its journal stream.

use andel_consent::MemberId;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{AttachmentId, CardId, ChecklistId, CommentId, ItemId, LabelId, ListId, Origin};

/// One change to a board, as its journal stream records it. Ids are handed out by the
/// board when it decides a command, so replaying the events gives the same board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum BoardEvent {
    /// The board was created by its owner.
    Created {
        /// Its title.
        title: String,
        /// Who created it, and owns it.
        owner: MemberId,
        /// Where it came from, when imported.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        origin: Option<Origin>,
    },
    /// Its title changed.
    Renamed {
        /// The new title.
        title: String,
    },
    /// It was shared with a member, who may now work on it.
    MemberAdded {
        /// The member.
        member: MemberId,
    },
    /// It is no longer shared with a member.
    MemberRemoved {
        /// The member.
        member: MemberId,
    },
    /// A label was added.
    LabelAdded {
        /// Its id.
        label: LabelId,
        /// Its name (may be empty: a colour alone).
        name: String,
        /// Its colour.
        color: String,
        /// Where it came from, when imported.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        origin: Option<Origin>,
    },
    /// A list was added at the end of the board.
    ListAdded {
        /// Its id.
        list: ListId,
        /// Its title.
        title: String,
        /// Where it came from, when imported.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        origin: Option<Origin>,
    },
    /// A list's title changed.
    ListRenamed {
        /// The list.
        list: ListId,
        /// The new title.
        title: String,
    },
    /// A list moved to `index` among the board's lists.
    ListMoved {
        /// The list.
        list: ListId,
        /// Its place, from 0.
        index: u32,
    },
    /// A list was archived: kept, out of sight.
    ListArchived {
        /// The list.
        list: ListId,
    },
    /// An archived list came back.
    ListRestored {
        /// The list.
        list: ListId,
    },
    /// A card was added at the end of a list.
    CardAdded {
        /// Its id.
        card: CardId,
        /// The list.
        list: ListId,
        /// Its title.
        title: String,
        /// Its description.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        description: String,
        /// When it is due.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<NaiveDate>,
        /// Who wrote it, and owns it.
        author: MemberId,
        /// Where it came from, when imported.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        origin: Option<Origin>,
    },
    /// A card's title, description or due date changed.
    CardEdited {
        /// The card.
        card: CardId,
        /// Its title now.
        title: String,
        /// Its description now.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        description: String,
        /// When it is due now.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<NaiveDate>,
    },
    /// A card moved to `index` in `list` (the same list or another).
    CardMoved {
        /// The card.
        card: CardId,
        /// The list it is in now.
        list: ListId,
        /// Its place in that list, from 0.
        index: u32,
    },
    /// A card was archived.
    CardArchived {
        /// The card.
        card: CardId,
    },
    /// An archived card came back.
    CardRestored {
        /// The card.
        card: CardId,
    },
    /// A card got a label.
    CardLabelled {
        /// The card.
        card: CardId,
        /// The label.
        label: LabelId,
    },
    /// A card lost a label.
    CardUnlabelled {
        /// The card.
        card: CardId,
        /// The label.
        label: LabelId,
    },
    /// A member was put on a card.
    CardAssigned {
        /// The card.
        card: CardId,
        /// The member.
        member: MemberId,
    },
    /// A member was taken off a card.
    CardUnassigned {
        /// The card.
        card: CardId,
        /// The member.
        member: MemberId,
    },
    /// A checklist was added to a card.
    ChecklistAdded {
        /// Its id.
        checklist: ChecklistId,
        /// The card.
        card: CardId,
        /// Its title.
        title: String,
        /// Where it came from, when imported.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        origin: Option<Origin>,
    },
    /// An item was added to a checklist.
    ItemAdded {
        /// Its id.
        item: ItemId,
        /// The checklist.
        checklist: ChecklistId,
        /// What is to be done.
        text: String,
        /// Whether it is done already.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        done: bool,
        /// Where it came from, when imported.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        origin: Option<Origin>,
    },
    /// An item was ticked or unticked.
    ItemTicked {
        /// The item.
        item: ItemId,
        /// Whether it is done.
        done: bool,
    },
    /// A member commented on a card.
    Commented {
        /// Its id.
        comment: CommentId,
        /// The card.
        card: CardId,
        /// Who wrote it, and owns it.
        author: MemberId,
        /// What they wrote.
        text: String,
        /// When they wrote it.
        at: DateTime<Utc>,
        /// Where it came from, when imported.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        origin: Option<Origin>,
    },
    /// A file was attached to a card: its metadata and where it is kept, never its
    /// bytes.
    Attached {
        /// Its id.
        attachment: AttachmentId,
        /// The card.
        card: CardId,
        /// Its name.
        name: String,
        /// Where it is.
        url: String,
        /// Who attached it, and owns it.
        author: MemberId,
        /// Where it came from, when imported.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        origin: Option<Origin>,
    },
    /// The board was archived: kept, read-only, out of the list of boards.
    Archived,
    /// An archived board came back.
    Restored,
}

impl BoardEvent {
    /// The journal entry kind: `kanban.card-moved`.
    pub fn kind(&self) -> &'static str {
        match self {
            BoardEvent::Created { .. } => "kanban.created",
            BoardEvent::Renamed { .. } => "kanban.renamed",
            BoardEvent::MemberAdded { .. } => "kanban.member-added",
            BoardEvent::MemberRemoved { .. } => "kanban.member-removed",
            BoardEvent::LabelAdded { .. } => "kanban.label-added",
            BoardEvent::ListAdded { .. } => "kanban.list-added",
            BoardEvent::ListRenamed { .. } => "kanban.list-renamed",
            BoardEvent::ListMoved { .. } => "kanban.list-moved",
            BoardEvent::ListArchived { .. } => "kanban.list-archived",
            BoardEvent::ListRestored { .. } => "kanban.list-restored",
            BoardEvent::CardAdded { .. } => "kanban.card-added",
            BoardEvent::CardEdited { .. } => "kanban.card-edited",
            BoardEvent::CardMoved { .. } => "kanban.card-moved",
            BoardEvent::CardArchived { .. } => "kanban.card-archived",
            BoardEvent::CardRestored { .. } => "kanban.card-restored",
            BoardEvent::CardLabelled { .. } => "kanban.card-labelled",
            BoardEvent::CardUnlabelled { .. } => "kanban.card-unlabelled",
            BoardEvent::CardAssigned { .. } => "kanban.card-assigned",
            BoardEvent::CardUnassigned { .. } => "kanban.card-unassigned",
            BoardEvent::ChecklistAdded { .. } => "kanban.checklist-added",
            BoardEvent::ItemAdded { .. } => "kanban.item-added",
            BoardEvent::ItemTicked { .. } => "kanban.item-ticked",
            BoardEvent::Commented { .. } => "kanban.commented",
            BoardEvent::Attached { .. } => "kanban.attached",
            BoardEvent::Archived => "kanban.archived",
            BoardEvent::Restored => "kanban.restored",
        }
    }

    /// The members whose data this entry is: the author of what it adds, the member
    /// it shares the board with or puts on a card. The member archive takes each
    /// member's entries by these.
    pub fn subjects(&self) -> Vec<&MemberId> {
        match self {
            BoardEvent::Created { owner, .. } => vec![owner],
            BoardEvent::MemberAdded { member }
            | BoardEvent::MemberRemoved { member }
            | BoardEvent::CardAssigned { member, .. }
            | BoardEvent::CardUnassigned { member, .. } => vec![member],
            BoardEvent::CardAdded { author, .. }
            | BoardEvent::Commented { author, .. }
            | BoardEvent::Attached { author, .. } => vec![author],
            _ => Vec::new(),
        }
    }
}
