//! Deciding an import: everything the plan brings that the board does not hold yet,
//! found by origin, as the events that add it.

use super::{
    AttachmentId, Board, BoardEvent, CardId, ChecklistId, CommentId, ImportPlan, ItemId, LabelId,
    ListId, MAX_NAME, MAX_TEXT, Origin, Refusal, text, title, url,
};

/// A scratch copy of the board the events are applied to as they are decided, so that
/// each step sees the ids the steps before it handed out.
struct Importer {
    board: Board,
    events: Vec<BoardEvent>,
}

impl Importer {
    fn emit(&mut self, event: BoardEvent) -> Result<(), Refusal> {
        // An event decided here fits the scratch board unless the plan contradicts
        // itself (a hand-made plan naming one origin for two kinds of thing).
        self.board
            .apply_event(&event)
            .map_err(|invalid| Refusal::Plan { reason: invalid.0 })?;
        self.events.push(event);
        Ok(())
    }

    fn id<T>(
        &self,
        origin: &Origin,
        make: fn(u32) -> T,
        holds: impl Fn(&Board, &T) -> bool,
    ) -> Result<T, Refusal> {
        self.board
            .origins
            .get(origin)
            .map(|id| make(*id))
            .filter(|id| holds(&self.board, id))
            .ok_or_else(|| Refusal::UnknownOrigin {
                origin: origin.clone(),
            })
    }

    fn known(&self, origin: &Origin) -> bool {
        self.board.origins.contains_key(origin)
    }
}

impl Board {
    pub(super) fn decide_import(&self, plan: &ImportPlan) -> Result<Vec<BoardEvent>, Refusal> {
        use BoardEvent as E;
        let mut run = Importer {
            board: self.clone(),
            events: Vec::new(),
        };
        if !self.exists() {
            run.emit(E::Created {
                title: title("board title", &plan.title)?,
                owner: plan.owner.clone(),
                origin: Some(plan.origin.clone()),
            })?;
        }
        run.board.open()?;
        for member in &plan.members {
            if !run.board.has_member(member) {
                run.emit(E::MemberAdded {
                    member: member.clone(),
                })?;
            }
        }
        for label in &plan.labels {
            if run.known(&label.origin) {
                continue;
            }
            run.emit(E::LabelAdded {
                label: run.board.next(LabelId)?,
                name: text("label name", label.name.trim(), MAX_NAME, false)?,
                color: text("label colour", label.color.trim(), MAX_NAME, true)?,
                origin: Some(label.origin.clone()),
            })?;
        }
        for list in &plan.lists {
            if run.known(&list.origin) {
                continue;
            }
            let id = run.board.next(ListId)?;
            run.emit(E::ListAdded {
                list: id,
                title: title("list title", &list.title)?,
                origin: Some(list.origin.clone()),
            })?;
            if list.archived {
                run.emit(E::ListArchived { list: id })?;
            }
        }
        for card in &plan.cards {
            if run.known(&card.origin) {
                continue;
            }
            let list = run.id(&card.list, ListId, |b, id| b.lists.contains_key(id))?;
            let id = run.board.next(CardId)?;
            run.emit(E::CardAdded {
                card: id,
                list,
                title: title("card title", &card.title)?,
                description: text("card description", &card.description, MAX_TEXT, false)?,
                due: card.due,
                author: card.author.clone(),
                origin: Some(card.origin.clone()),
            })?;
            for label in &card.labels {
                let label = run.id(label, LabelId, |b, id| b.labels.contains_key(id))?;
                run.emit(E::CardLabelled { card: id, label })?;
            }
            for member in &card.members {
                if !run.board.has_member(member) {
                    run.emit(E::MemberAdded {
                        member: member.clone(),
                    })?;
                }
                run.emit(E::CardAssigned {
                    card: id,
                    member: member.clone(),
                })?;
            }
            if card.archived {
                run.emit(E::CardArchived { card: id })?;
            }
        }
        for checklist in &plan.checklists {
            let id = if run.known(&checklist.origin) {
                run.id(&checklist.origin, ChecklistId, |b, id| {
                    b.checklists.contains_key(id)
                })?
            } else {
                let card = run.id(&checklist.card, CardId, |b, id| b.cards.contains_key(id))?;
                let id = run.board.next(ChecklistId)?;
                run.emit(E::ChecklistAdded {
                    checklist: id,
                    card,
                    title: title("checklist title", &checklist.title)?,
                    origin: Some(checklist.origin.clone()),
                })?;
                id
            };
            for item in &checklist.items {
                if run.known(&item.origin) {
                    continue;
                }
                run.emit(E::ItemAdded {
                    item: run.board.next(ItemId)?,
                    checklist: id,
                    text: text("checklist item", item.text.trim(), MAX_TEXT, true)?,
                    done: item.done,
                    origin: Some(item.origin.clone()),
                })?;
            }
        }
        for comment in &plan.comments {
            if run.known(&comment.origin) {
                continue;
            }
            let card = run.id(&comment.card, CardId, |b, id| b.cards.contains_key(id))?;
            run.emit(E::Commented {
                comment: run.board.next(CommentId)?,
                card,
                author: comment.author.clone(),
                text: text("comment", &comment.text, MAX_TEXT, true)?,
                at: comment.at,
                origin: Some(comment.origin.clone()),
            })?;
        }
        for attachment in &plan.attachments {
            if run.known(&attachment.origin) {
                continue;
            }
            let card = run.id(&attachment.card, CardId, |b, id| b.cards.contains_key(id))?;
            run.emit(E::Attached {
                attachment: run.board.next(AttachmentId)?,
                card,
                name: title("attachment name", &attachment.name)?,
                url: url(&attachment.url)?,
                author: attachment.author.clone(),
                origin: Some(attachment.origin.clone()),
            })?;
        }
        Ok(run.events)
    }
}
