//! A board as its members see it: the JSON the service answers with.

use andel_consent::MemberId;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{AttachmentId, Board, CardId, ChecklistId, CommentId, ItemId, LabelId, ListId};

/// A board, with its lists and their cards in order. Archived lists and cards are
/// left out unless asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BoardView {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its owner.
    #[schema(value_type = String)]
    pub owner: MemberId,
    /// The members it is shared with.
    #[schema(value_type = Vec<String>)]
    pub members: Vec<MemberId>,
    /// Whether it is archived.
    pub archived: bool,
    /// Its labels.
    pub labels: Vec<LabelView>,
    /// Its lists, in order.
    pub lists: Vec<ListView>,
}

/// A label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LabelView {
    /// Its id.
    pub id: LabelId,
    /// Its name.
    pub name: String,
    /// Its colour.
    pub color: String,
}

/// A list and its cards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ListView {
    /// Its id.
    pub id: ListId,
    /// Its title.
    pub title: String,
    /// Whether it is archived.
    pub archived: bool,
    /// Its cards, in order.
    pub cards: Vec<CardView>,
}

/// A card and everything on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CardView {
    /// Its id.
    pub id: CardId,
    /// Its title.
    pub title: String,
    /// Its description.
    pub description: String,
    /// When it is due.
    #[schema(value_type = Option<String>, format = Date)]
    pub due: Option<NaiveDate>,
    /// Who wrote it, and owns it.
    #[schema(value_type = String)]
    pub author: MemberId,
    /// Whether it is archived.
    pub archived: bool,
    /// Its labels.
    pub labels: Vec<LabelId>,
    /// The members on it.
    #[schema(value_type = Vec<String>)]
    pub members: Vec<MemberId>,
    /// Its checklists.
    pub checklists: Vec<ChecklistView>,
    /// Its comments, oldest first.
    pub comments: Vec<CommentView>,
    /// Its attachments.
    pub attachments: Vec<AttachmentView>,
}

/// A checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChecklistView {
    /// Its id.
    pub id: ChecklistId,
    /// Its title.
    pub title: String,
    /// Its items, in order.
    pub items: Vec<ItemView>,
}

/// A checklist item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ItemView {
    /// Its id.
    pub id: ItemId,
    /// What is to be done.
    pub text: String,
    /// Whether it is done.
    pub done: bool,
}

/// A comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CommentView {
    /// Its id.
    pub id: CommentId,
    /// Who wrote it.
    #[schema(value_type = String)]
    pub author: MemberId,
    /// What they wrote.
    pub text: String,
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub at: DateTime<Utc>,
}

/// An attachment's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AttachmentView {
    /// Its id.
    pub id: AttachmentId,
    /// Its name.
    pub name: String,
    /// Where the file is.
    pub url: String,
    /// Who attached it.
    #[schema(value_type = String)]
    pub author: MemberId,
}

impl Board {
    /// The board as its members see it, under the id `id`; with `archived`, archived
    /// lists and cards too (archived cards after the others of their list). `None`
    /// before the board is created.
    pub fn view(&self, id: &str, archived: bool) -> Option<BoardView> {
        let owner = self.owner()?.clone();
        let lists = self
            .lists()
            .filter(|(_, list)| archived || !list.archived)
            .map(|(list_id, list)| {
                let hidden = self
                    .cards()
                    .filter(|(_, card)| archived && card.archived && card.list == list_id)
                    .map(|(card, _)| card);
                ListView {
                    id: list_id,
                    title: list.title.clone(),
                    archived: list.archived,
                    cards: list
                        .cards
                        .iter()
                        .copied()
                        .chain(hidden)
                        .filter_map(|card| self.card_view(card))
                        .collect(),
                }
            })
            .collect();
        Some(BoardView {
            id: id.to_owned(),
            title: self.title().to_owned(),
            owner,
            members: self.members().cloned().collect(),
            archived: self.is_archived(),
            labels: self
                .labels()
                .map(|(id, label)| LabelView {
                    id,
                    name: label.name.clone(),
                    color: label.color.clone(),
                })
                .collect(),
            lists,
        })
    }

    /// One card as its members see it.
    pub fn card_view(&self, id: CardId) -> Option<CardView> {
        let card = self.card(id)?;
        Some(CardView {
            id,
            title: card.title.clone(),
            description: card.description.clone(),
            due: card.due,
            author: card.author.clone(),
            archived: card.archived,
            labels: card.labels.iter().copied().collect(),
            members: card.members.iter().cloned().collect(),
            checklists: card
                .checklists
                .iter()
                .filter_map(|id| {
                    let checklist = self.checklist(*id)?;
                    Some(ChecklistView {
                        id: *id,
                        title: checklist.title.clone(),
                        items: checklist
                            .items
                            .iter()
                            .filter_map(|item| {
                                let found = self.item(*item)?;
                                Some(ItemView {
                                    id: *item,
                                    text: found.text.clone(),
                                    done: found.done,
                                })
                            })
                            .collect(),
                    })
                })
                .collect(),
            comments: card
                .comments
                .iter()
                .filter_map(|id| {
                    let comment = self.comment(*id)?;
                    Some(CommentView {
                        id: *id,
                        author: comment.author.clone(),
                        text: comment.text.clone(),
                        at: comment.at,
                    })
                })
                .collect(),
            attachments: card
                .attachments
                .iter()
                .filter_map(|id| {
                    let attachment = self.attachment(*id)?;
                    Some(AttachmentView {
                        id: *id,
                        name: attachment.name.clone(),
                        url: attachment.url.clone(),
                        author: attachment.author.clone(),
                    })
                })
                .collect(),
        })
    }
}

impl BoardView {
    /// The view with only the cards, comments and attachments `members` wrote: what a
    /// reader sees whom the policy lets read only some members' contributions.
    ///
    /// ```
    /// use std::collections::BTreeSet;
    /// use kanban::board::{Board, BoardCommand};
    /// use andel_journal::Aggregate;
    ///
    /// let at = chrono::Utc::now();
    /// let alva: andel_consent::MemberId = "1".parse().unwrap();
    /// let mut board = Board::default();
    /// for event in board.decide(BoardCommand::Create { title: "Fair".into(), by: alva.clone() }, at).unwrap() {
    ///     board.apply(&event).unwrap();
    /// }
    /// let view = board.view("fair", false).unwrap();
    /// assert_eq!(view.only(&BTreeSet::new()).lists.len(), view.lists.len());
    /// ```
    #[must_use]
    pub fn only(&self, members: &std::collections::BTreeSet<MemberId>) -> BoardView {
        let mut view = self.clone();
        for list in &mut view.lists {
            list.cards.retain(|card| members.contains(&card.author));
            for card in &mut list.cards {
                card.comments.retain(|c| members.contains(&c.author));
                card.attachments.retain(|a| members.contains(&a.author));
            }
        }
        view
    }
}

impl Board {
    /// The board with only what `members` wrote: other members' cards (with their
    /// checklists), comments and attachments left out. How a board leaves with one
    /// member's data and not other people's words they never agreed to share.
    #[must_use]
    pub fn only(&self, members: &std::collections::BTreeSet<MemberId>) -> Board {
        let mut board = self.clone();
        let gone: Vec<CardId> = board
            .cards
            .iter()
            .filter(|(_, card)| !members.contains(&card.author))
            .map(|(id, _)| *id)
            .collect();
        for card in &gone {
            if let Some(found) = board.cards.remove(card) {
                for checklist in &found.checklists {
                    if let Some(list) = board.checklists.remove(checklist) {
                        for item in &list.items {
                            board.items.remove(item);
                        }
                    }
                }
                for comment in &found.comments {
                    board.comments.remove(comment);
                }
                for attachment in &found.attachments {
                    board.attachments.remove(attachment);
                }
            }
        }
        for list in board.lists.values_mut() {
            list.cards.retain(|card| !gone.contains(card));
        }
        board
            .comments
            .retain(|_, comment| members.contains(&comment.author));
        board
            .attachments
            .retain(|_, attachment| members.contains(&attachment.author));
        for card in board.cards.values_mut() {
            card.comments.retain(|id| {
                self.comments
                    .get(id)
                    .is_some_and(|c| members.contains(&c.author))
            });
            card.attachments.retain(|id| {
                self.attachments
                    .get(id)
                    .is_some_and(|a| members.contains(&a.author))
            });
        }
        board
    }
}
