//! Folding events into a board.

use std::collections::BTreeSet;

use super::{
    Attachment, Board, BoardEvent, Card, Checklist, Comment, Head, Invalid, Item, Label, List,
    ListId, Origin,
};

fn missing(what: &str, id: u32) -> Invalid {
    Invalid(format!(
        "the event refers to {what} {id}, which the board does not hold"
    ))
}

impl Board {
    pub(super) fn apply_event(&mut self, event: &BoardEvent) -> Result<(), Invalid> {
        use BoardEvent as E;
        if !matches!(event, E::Created { .. }) && self.head.is_none() {
            return Err(Invalid("an event before the board was created".into()));
        }
        match event {
            E::Created {
                title,
                owner,
                origin,
            } => {
                if self.head.is_some() {
                    return Err(Invalid("the board was created twice".into()));
                }
                self.head = Some(Head {
                    title: title.clone(),
                    owner: owner.clone(),
                    members: BTreeSet::new(),
                    archived: false,
                });
                self.remember(origin.as_ref(), 0);
            }
            E::Renamed { title } => self.head_mut()?.title.clone_from(title),
            E::MemberAdded { member } => {
                self.head_mut()?.members.insert(member.clone());
            }
            E::MemberRemoved { member } => {
                self.head_mut()?.members.remove(member);
            }
            E::LabelAdded {
                label,
                name,
                color,
                origin,
            } => {
                self.take_id(label.0)?;
                self.labels.insert(
                    *label,
                    Label {
                        name: name.clone(),
                        color: color.clone(),
                        origin: origin.clone(),
                    },
                );
                self.remember(origin.as_ref(), label.0);
            }
            E::ListAdded {
                list,
                title,
                origin,
            } => {
                self.take_id(list.0)?;
                self.lists.insert(
                    *list,
                    List {
                        title: title.clone(),
                        archived: false,
                        cards: Vec::new(),
                        origin: origin.clone(),
                    },
                );
                self.order.push(*list);
                self.remember(origin.as_ref(), list.0);
            }
            E::ListRenamed { list, title } => self.list_mut(*list)?.title.clone_from(title),
            E::ListMoved { list, index } => {
                let at = self
                    .order
                    .iter()
                    .position(|l| l == list)
                    .ok_or_else(|| missing("list", list.0))?;
                self.order.remove(at);
                let index = (*index as usize).min(self.order.len());
                self.order.insert(index, *list);
            }
            E::ListArchived { list } => self.list_mut(*list)?.archived = true,
            E::ListRestored { list } => self.list_mut(*list)?.archived = false,
            E::CardAdded {
                card,
                list,
                title,
                description,
                due,
                author,
                origin,
            } => {
                self.list_mut(*list)?;
                self.take_id(card.0)?;
                self.list_mut(*list)?.cards.push(*card);
                self.cards.insert(
                    *card,
                    Card {
                        list: *list,
                        title: title.clone(),
                        description: description.clone(),
                        due: *due,
                        author: author.clone(),
                        archived: false,
                        labels: BTreeSet::new(),
                        members: BTreeSet::new(),
                        checklists: Vec::new(),
                        comments: Vec::new(),
                        attachments: Vec::new(),
                        origin: origin.clone(),
                    },
                );
                self.remember(origin.as_ref(), card.0);
            }
            E::CardEdited {
                card,
                title,
                description,
                due,
            } => {
                let found = self.card_mut(card.0)?;
                found.title.clone_from(title);
                found.description.clone_from(description);
                found.due = *due;
            }
            E::CardMoved { card, list, index } => {
                let from = self.card_mut(card.0)?.list;
                self.list_mut(*list)?;
                self.unplace(from, card.0)?;
                let cards = &mut self.list_mut(*list)?.cards;
                let index = (*index as usize).min(cards.len());
                cards.insert(index, *card);
                self.card_mut(card.0)?.list = *list;
            }
            E::CardArchived { card } => {
                let found = self.card_mut(card.0)?;
                found.archived = true;
                let list = found.list;
                self.unplace(list, card.0)?;
            }
            E::CardRestored { card } => {
                let found = self.card_mut(card.0)?;
                found.archived = false;
                let list = found.list;
                self.list_mut(list)?.cards.push(*card);
            }
            E::CardLabelled { card, label } => {
                if !self.labels.contains_key(label) {
                    return Err(missing("label", label.0));
                }
                self.card_mut(card.0)?.labels.insert(*label);
            }
            E::CardUnlabelled { card, label } => {
                self.card_mut(card.0)?.labels.remove(label);
            }
            E::CardAssigned { card, member } => {
                self.card_mut(card.0)?.members.insert(member.clone());
            }
            E::CardUnassigned { card, member } => {
                self.card_mut(card.0)?.members.remove(member);
            }
            E::ChecklistAdded {
                checklist,
                card,
                title,
                origin,
            } => {
                self.card_mut(card.0)?;
                self.take_id(checklist.0)?;
                self.card_mut(card.0)?.checklists.push(*checklist);
                self.checklists.insert(
                    *checklist,
                    Checklist {
                        card: *card,
                        title: title.clone(),
                        items: Vec::new(),
                    },
                );
                self.remember(origin.as_ref(), checklist.0);
            }
            E::ItemAdded {
                item,
                checklist,
                text,
                done,
                origin,
            } => {
                if !self.checklists.contains_key(checklist) {
                    return Err(missing("checklist", checklist.0));
                }
                self.take_id(item.0)?;
                if let Some(found) = self.checklists.get_mut(checklist) {
                    found.items.push(*item);
                }
                self.items.insert(
                    *item,
                    Item {
                        checklist: *checklist,
                        text: text.clone(),
                        done: *done,
                    },
                );
                self.remember(origin.as_ref(), item.0);
            }
            E::ItemTicked { item, done } => {
                self.items
                    .get_mut(item)
                    .ok_or_else(|| missing("checklist item", item.0))?
                    .done = *done;
            }
            E::Commented {
                comment,
                card,
                author,
                text,
                at,
                origin,
            } => {
                self.card_mut(card.0)?;
                self.take_id(comment.0)?;
                self.card_mut(card.0)?.comments.push(*comment);
                self.comments.insert(
                    *comment,
                    Comment {
                        card: *card,
                        author: author.clone(),
                        text: text.clone(),
                        at: *at,
                    },
                );
                self.remember(origin.as_ref(), comment.0);
            }
            E::Attached {
                attachment,
                card,
                name,
                url,
                author,
                origin,
            } => {
                self.card_mut(card.0)?;
                self.take_id(attachment.0)?;
                self.card_mut(card.0)?.attachments.push(*attachment);
                self.attachments.insert(
                    *attachment,
                    Attachment {
                        card: *card,
                        name: name.clone(),
                        url: url.clone(),
                        author: author.clone(),
                    },
                );
                self.remember(origin.as_ref(), attachment.0);
            }
            E::Archived => self.head_mut()?.archived = true,
            E::Restored => self.head_mut()?.archived = false,
        }
        Ok(())
    }

    fn head_mut(&mut self) -> Result<&mut Head, Invalid> {
        self.head
            .as_mut()
            .ok_or_else(|| Invalid("an event before the board was created".into()))
    }

    fn list_mut(&mut self, list: ListId) -> Result<&mut List, Invalid> {
        self.lists
            .get_mut(&list)
            .ok_or_else(|| missing("list", list.0))
    }

    fn card_mut(&mut self, card: u32) -> Result<&mut Card, Invalid> {
        self.cards
            .get_mut(&super::CardId(card))
            .ok_or_else(|| missing("card", card))
    }

    /// Takes a card out of its list's order (it stays on the board).
    fn unplace(&mut self, list: ListId, card: u32) -> Result<(), Invalid> {
        let cards = &mut self.list_mut(list)?.cards;
        cards.retain(|c| c.0 != card);
        Ok(())
    }

    /// Ids are handed out in order: the next one, and only it, is taken.
    fn take_id(&mut self, id: u32) -> Result<(), Invalid> {
        if id != self.next_id.saturating_add(1) {
            return Err(Invalid(format!(
                "the event adds id {id}, but the board's next id is {}",
                self.next_id.saturating_add(1)
            )));
        }
        self.next_id = id;
        Ok(())
    }

    fn remember(&mut self, origin: Option<&Origin>, id: u32) {
        if let Some(origin) = origin {
            self.origins.insert(origin.clone(), id);
        }
    }
}
