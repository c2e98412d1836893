//! A board as an aggregate: its state is what its journal stream's events give, and a
//! command is decided into events by a pure function, so the same stream always gives
//! the same board, on any server.
//!
//! ```
//! use andel_journal::Aggregate;
//! use kanban::board::{Board, BoardCommand, ListId};
//!
//! let at = "2027-03-01T09:00:00Z".parse()?;
//! let mut board = Board::default();
//! let alva: andel_consent::MemberId = "1".parse()?;
//! for command in [
//!     BoardCommand::Create { title: "Spring fair".into(), by: alva.clone() },
//!     BoardCommand::AddList { title: "To do".into() },
//!     BoardCommand::AddList { title: "Done".into() },
//! ] {
//!     for event in board.decide(command, at)? {
//!         board.apply(&event)?;
//!     }
//! }
//! let add = BoardCommand::AddCard {
//!     list: ListId(1), title: "Book the hall".into(), description: String::new(), due: None, by: alva,
//! };
//! for event in board.decide(add, at)? {
//!     board.apply(&event)?;
//! }
//! let card = board.lists().next().ok_or("no list")?.1.cards[0];
//! let events = board.decide(BoardCommand::MoveCard { card, list: ListId(2), index: 0 }, at)?;
//! board.apply(&events[0])?;
//! assert_eq!(board.card(card).ok_or("no card")?.list, ListId(2));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod apply;
mod command;
mod event;
mod ids;
mod import;
mod plan;
mod refusal;
mod view;

use std::collections::{BTreeMap, BTreeSet};

use andel_consent::MemberId;
use andel_journal::Aggregate;
use chrono::{DateTime, NaiveDate, Utc};

pub use command::BoardCommand;
pub use event::BoardEvent;
pub use ids::{AttachmentId, CardId, ChecklistId, CommentId, ItemId, LabelId, ListId, Origin};
pub use plan::{
    ImportPlan, PlannedAttachment, PlannedCard, PlannedChecklist, PlannedComment, PlannedItem,
    PlannedLabel, PlannedList,
};
pub use refusal::{Invalid, Refusal};
pub use view::{
    AttachmentView, BoardView, CardView, ChecklistView, CommentView, ItemView, LabelView, ListView,
};

/// The longest title (of a board, list, card or checklist), in characters.
pub const MAX_TITLE: usize = 512;
/// The longest description, comment or checklist item, in bytes.
pub const MAX_TEXT: usize = 16 * 1024;
/// The longest label name, colour, attachment name or address, in bytes.
pub const MAX_NAME: usize = 2048;
/// The most things (lists, cards, labels, checklists, items, comments, attachments) a
/// board holds, archived ones included.
pub const MAX_THINGS: u32 = 200_000;

/// A board: its lists in order, their cards in order, and everything on the cards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Board {
    head: Option<Head>,
    next_id: u32,
    labels: BTreeMap<LabelId, Label>,
    lists: BTreeMap<ListId, List>,
    order: Vec<ListId>,
    cards: BTreeMap<CardId, Card>,
    checklists: BTreeMap<ChecklistId, Checklist>,
    items: BTreeMap<ItemId, Item>,
    comments: BTreeMap<CommentId, Comment>,
    attachments: BTreeMap<AttachmentId, Attachment>,
    /// What was imported, by origin: the id it got here.
    origins: BTreeMap<Origin, u32>,
}

/// What a board is, once created.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Head {
    title: String,
    owner: MemberId,
    members: BTreeSet<MemberId>,
    archived: bool,
}

/// A label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Its name.
    pub name: String,
    /// Its colour.
    pub color: String,
    /// Where it came from, when imported.
    pub origin: Option<Origin>,
}

/// A list and the cards in it, in order (archived cards are kept apart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List {
    /// Its title.
    pub title: String,
    /// Whether it is archived.
    pub archived: bool,
    /// Its cards in sight, in order.
    pub cards: Vec<CardId>,
    /// Where it came from, when imported.
    pub origin: Option<Origin>,
}

/// A card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// The list it is in.
    pub list: ListId,
    /// Its title.
    pub title: String,
    /// Its description.
    pub description: String,
    /// When it is due.
    pub due: Option<NaiveDate>,
    /// Who wrote it, and owns it.
    pub author: MemberId,
    /// Whether it is archived.
    pub archived: bool,
    /// Its labels.
    pub labels: BTreeSet<LabelId>,
    /// The members on it.
    pub members: BTreeSet<MemberId>,
    /// Its checklists, in order.
    pub checklists: Vec<ChecklistId>,
    /// Its comments, oldest first.
    pub comments: Vec<CommentId>,
    /// Its attachments, in order.
    pub attachments: Vec<AttachmentId>,
    /// Where it came from, when imported.
    pub origin: Option<Origin>,
}

/// A checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checklist {
    /// The card it is on.
    pub card: CardId,
    /// Its title.
    pub title: String,
    /// Its items, in order.
    pub items: Vec<ItemId>,
}

/// A checklist item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Its checklist.
    pub checklist: ChecklistId,
    /// What is to be done.
    pub text: String,
    /// Whether it is done.
    pub done: bool,
}

/// A comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The card.
    pub card: CardId,
    /// Who wrote it, and owns it.
    pub author: MemberId,
    /// What they wrote.
    pub text: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// An attachment's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The card.
    pub card: CardId,
    /// Its name.
    pub name: String,
    /// Where the file is.
    pub url: String,
    /// Who attached it, and owns it.
    pub author: MemberId,
}

impl Board {
    /// Whether it has been created.
    pub fn exists(&self) -> bool {
        self.head.is_some()
    }

    /// Its title (empty before it is created).
    pub fn title(&self) -> &str {
        self.head.as_ref().map_or("", |head| &head.title)
    }

    /// Who created it, and owns it.
    pub fn owner(&self) -> Option<&MemberId> {
        self.head.as_ref().map(|head| &head.owner)
    }

    /// Whether `member` works on it: its owner, or a member it is shared with.
    pub fn has_member(&self, member: &MemberId) -> bool {
        self.head
            .as_ref()
            .is_some_and(|head| head.owner == *member || head.members.contains(member))
    }

    /// The members it is shared with, besides its owner.
    pub fn members(&self) -> impl Iterator<Item = &MemberId> {
        self.head.iter().flat_map(|head| head.members.iter())
    }

    /// Whether it is archived.
    pub fn is_archived(&self) -> bool {
        self.head.as_ref().is_some_and(|head| head.archived)
    }

    /// Its lists in order, archived ones included.
    pub fn lists(&self) -> impl Iterator<Item = (ListId, &List)> {
        self.order
            .iter()
            .filter_map(|id| self.lists.get(id).map(|list| (*id, list)))
    }

    /// Its labels.
    pub fn labels(&self) -> impl Iterator<Item = (LabelId, &Label)> {
        self.labels.iter().map(|(id, label)| (*id, label))
    }

    /// A list.
    pub fn list(&self, id: ListId) -> Option<&List> {
        self.lists.get(&id)
    }

    /// A card.
    pub fn card(&self, id: CardId) -> Option<&Card> {
        self.cards.get(&id)
    }

    /// Every card, archived ones included, by id.
    pub fn cards(&self) -> impl Iterator<Item = (CardId, &Card)> {
        self.cards.iter().map(|(id, card)| (*id, card))
    }

    /// A checklist.
    pub fn checklist(&self, id: ChecklistId) -> Option<&Checklist> {
        self.checklists.get(&id)
    }

    /// A checklist item.
    pub fn item(&self, id: ItemId) -> Option<&Item> {
        self.items.get(&id)
    }

    /// A comment.
    pub fn comment(&self, id: CommentId) -> Option<&Comment> {
        self.comments.get(&id)
    }

    /// An attachment.
    pub fn attachment(&self, id: AttachmentId) -> Option<&Attachment> {
        self.attachments.get(&id)
    }

    /// Whether something with this origin was imported already.
    pub fn has_origin(&self, origin: &Origin) -> bool {
        self.origins.contains_key(origin)
    }

    /// The members whose data the board holds: its owner, its members and every
    /// author of a card, comment or attachment on it.
    pub fn contributors(&self) -> BTreeSet<MemberId> {
        let mut all: BTreeSet<MemberId> = self.owner().into_iter().cloned().collect();
        all.extend(self.members().cloned());
        all.extend(self.cards.values().map(|card| card.author.clone()));
        all.extend(self.comments.values().map(|comment| comment.author.clone()));
        all.extend(self.attachments.values().map(|a| a.author.clone()));
        all
    }

    fn head(&self) -> Result<&Head, Refusal> {
        self.head.as_ref().ok_or(Refusal::NotCreated)
    }

    /// The board, refusing when it is archived: an archived board is read-only.
    fn open(&self) -> Result<&Head, Refusal> {
        let head = self.head()?;
        if head.archived {
            return Err(Refusal::BoardArchived);
        }
        Ok(head)
    }

    fn next<T>(&self, id: fn(u32) -> T) -> Result<T, Refusal> {
        let next = self.next_id.saturating_add(1);
        if next > MAX_THINGS {
            return Err(Refusal::Full { max: MAX_THINGS });
        }
        Ok(id(next))
    }

    fn live_list(&self, list: ListId) -> Result<&List, Refusal> {
        let found = self.lists.get(&list).ok_or(Refusal::Unknown {
            what: ListId::WHAT,
            id: list.0,
        })?;
        if found.archived {
            return Err(Refusal::ListArchived { list });
        }
        Ok(found)
    }

    fn live_card(&self, card: CardId) -> Result<&Card, Refusal> {
        let found = self.cards.get(&card).ok_or(Refusal::Unknown {
            what: CardId::WHAT,
            id: card.0,
        })?;
        if found.archived {
            return Err(Refusal::CardArchived { card });
        }
        Ok(found)
    }
}

fn title(what: &'static str, text: &str) -> Result<String, Refusal> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Refusal::Empty { what });
    }
    let len = text.chars().count();
    if len > MAX_TITLE {
        return Err(Refusal::TooLong {
            what,
            len,
            max: MAX_TITLE,
        });
    }
    Ok(text.to_owned())
}

fn text(what: &'static str, text: &str, max: usize, required: bool) -> Result<String, Refusal> {
    if required && text.trim().is_empty() {
        return Err(Refusal::Empty { what });
    }
    if text.len() > max {
        return Err(Refusal::TooLong {
            what,
            len: text.len(),
            max,
        });
    }
    Ok(text.to_owned())
}

fn url(text: &str) -> Result<String, Refusal> {
    let url = self::text("attachment address", text.trim(), MAX_NAME, true)?;
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    if !scheme_ok || url.chars().any(char::is_control) {
        return Err(Refusal::Address { url });
    }
    Ok(url)
}

impl Aggregate for Board {
    type Command = BoardCommand;
    type Event = BoardEvent;
    type At = DateTime<Utc>;
    type Rejection = Refusal;
    type Invalid = Invalid;

    fn decide(&self, command: BoardCommand, at: DateTime<Utc>) -> Result<Vec<BoardEvent>, Refusal> {
        use BoardCommand as C;
        use BoardEvent as E;
        let event = match command {
            C::Create { title, by } => {
                if self.head.is_some() {
                    return Err(Refusal::AlreadyCreated);
                }
                E::Created {
                    title: self::title("board title", &title)?,
                    owner: by,
                    origin: None,
                }
            }
            C::Import(plan) => return self.decide_import(&plan),
            C::ArchiveBoard { archived } => {
                let head = self.head()?;
                match (head.archived, archived) {
                    (false, true) => E::Archived,
                    (true, false) => E::Restored,
                    _ => return Ok(Vec::new()),
                }
            }
            command => match self.decide_on_open(command, at)? {
                Some(event) => event,
                None => return Ok(Vec::new()),
            },
        };
        Ok(vec![event])
    }

    fn apply(&mut self, event: &BoardEvent) -> Result<(), Invalid> {
        self.apply_event(event)
    }

    fn kind(event: &BoardEvent) -> &'static str {
        event.kind()
    }
}

impl Board {
    /// Decides a command on a board that is created and not archived: one event, or
    /// none when there is nothing to change.
    fn decide_on_open(
        &self,
        command: BoardCommand,
        at: DateTime<Utc>,
    ) -> Result<Option<BoardEvent>, Refusal> {
        use BoardCommand as C;
        use BoardEvent as E;
        let head = self.open()?;
        Ok(Some(match command {
            C::Rename { title } => E::Renamed {
                title: self::title("board title", &title)?,
            },
            C::AddMember { member } => {
                if self.has_member(&member) {
                    return Ok(None);
                }
                E::MemberAdded { member }
            }
            C::RemoveMember { member } => {
                if head.owner == member {
                    return Err(Refusal::OwnerStays { member });
                }
                if !head.members.contains(&member) {
                    return Err(Refusal::NotAMember { member });
                }
                E::MemberRemoved { member }
            }
            C::AddLabel { name, color } => E::LabelAdded {
                label: self.next(LabelId)?,
                name: text("label name", name.trim(), MAX_NAME, false)?,
                color: text("label colour", color.trim(), MAX_NAME, true)?,
                origin: None,
            },
            C::AddList { title } => E::ListAdded {
                list: self.next(ListId)?,
                title: self::title("list title", &title)?,
                origin: None,
            },
            C::RenameList { list, title } => {
                self.live_list(list)?;
                E::ListRenamed {
                    list,
                    title: self::title("list title", &title)?,
                }
            }
            C::MoveList { list, index } => {
                self.live_list(list)?;
                let len = self.order.len();
                if index as usize >= len {
                    return Err(Refusal::Index {
                        index,
                        len,
                        place: "the board's lists".into(),
                    });
                }
                E::ListMoved { list, index }
            }
            C::ArchiveList { list, archived } => {
                let found = self.lists.get(&list).ok_or(Refusal::Unknown {
                    what: ListId::WHAT,
                    id: list.0,
                })?;
                match (found.archived, archived) {
                    (false, true) => E::ListArchived { list },
                    (true, false) => E::ListRestored { list },
                    _ => return Ok(None),
                }
            }
            C::AddCard {
                list,
                title,
                description,
                due,
                by,
            } => {
                self.live_list(list)?;
                E::CardAdded {
                    card: self.next(CardId)?,
                    list,
                    title: self::title("card title", &title)?,
                    description: text("card description", &description, MAX_TEXT, false)?,
                    due,
                    author: by,
                    origin: None,
                }
            }
            C::EditCard {
                card,
                title,
                description,
                due,
            } => {
                let found = self.live_card(card)?;
                let title = self::title("card title", &title)?;
                let description = text("card description", &description, MAX_TEXT, false)?;
                if found.title == title && found.description == description && found.due == due {
                    return Ok(None);
                }
                E::CardEdited {
                    card,
                    title,
                    description,
                    due,
                }
            }
            C::MoveCard { card, list, index } => {
                let found = self.live_card(card)?;
                let target = self.live_list(list)?;
                let len = target.cards.len() - usize::from(found.list == list);
                if index as usize > len {
                    return Err(Refusal::Index {
                        index,
                        len: len + 1,
                        place: format!("list {list}"),
                    });
                }
                let now = self
                    .lists
                    .get(&found.list)
                    .and_then(|from| from.cards.iter().position(|c| *c == card));
                if found.list == list && now == Some(index as usize) {
                    return Ok(None);
                }
                E::CardMoved { card, list, index }
            }
            C::ArchiveCard { card, archived } => {
                let found = self.cards.get(&card).ok_or(Refusal::Unknown {
                    what: CardId::WHAT,
                    id: card.0,
                })?;
                match (found.archived, archived) {
                    (false, true) => E::CardArchived { card },
                    (true, false) => {
                        self.live_list(found.list)?;
                        E::CardRestored { card }
                    }
                    _ => return Ok(None),
                }
            }
            C::LabelCard { card, label, on } => {
                let found = self.live_card(card)?;
                if !self.labels.contains_key(&label) {
                    return Err(Refusal::Unknown {
                        what: LabelId::WHAT,
                        id: label.0,
                    });
                }
                match (found.labels.contains(&label), on) {
                    (false, true) => E::CardLabelled { card, label },
                    (true, false) => E::CardUnlabelled { card, label },
                    _ => return Ok(None),
                }
            }
            C::AssignCard { card, member, on } => {
                let found = self.live_card(card)?;
                match (found.members.contains(&member), on) {
                    (false, true) => {
                        if !self.has_member(&member) {
                            return Err(Refusal::NotAMember { member });
                        }
                        E::CardAssigned { card, member }
                    }
                    (true, false) => E::CardUnassigned { card, member },
                    _ => return Ok(None),
                }
            }
            C::AddChecklist { card, title } => {
                self.live_card(card)?;
                E::ChecklistAdded {
                    checklist: self.next(ChecklistId)?,
                    card,
                    title: self::title("checklist title", &title)?,
                    origin: None,
                }
            }
            C::AddItem { checklist, text } => {
                let found = self.checklists.get(&checklist).ok_or(Refusal::Unknown {
                    what: ChecklistId::WHAT,
                    id: checklist.0,
                })?;
                self.live_card(found.card)?;
                E::ItemAdded {
                    item: self.next(ItemId)?,
                    checklist,
                    text: self::text("checklist item", text.trim(), MAX_TEXT, true)?,
                    done: false,
                    origin: None,
                }
            }
            C::TickItem { item, done } => {
                let found = self.items.get(&item).ok_or(Refusal::Unknown {
                    what: ItemId::WHAT,
                    id: item.0,
                })?;
                if found.done == done {
                    return Ok(None);
                }
                let card = self.checklists.get(&found.checklist).map(|c| c.card);
                if let Some(card) = card {
                    self.live_card(card)?;
                }
                E::ItemTicked { item, done }
            }
            C::Comment { card, text, by } => {
                self.live_card(card)?;
                E::Commented {
                    comment: self.next(CommentId)?,
                    card,
                    author: by,
                    text: self::text("comment", &text, MAX_TEXT, true)?,
                    at,
                    origin: None,
                }
            }
            C::Attach {
                card,
                name,
                url,
                by,
            } => {
                self.live_card(card)?;
                E::Attached {
                    attachment: self.next(AttachmentId)?,
                    card,
                    name: self::title("attachment name", &name)?,
                    url: self::url(&url)?,
                    author: by,
                    origin: None,
                }
            }
            C::Create { .. } | C::Import(_) | C::ArchiveBoard { .. } => return Ok(None),
        }))
    }
}

#[cfg(test)]
mod tests;
