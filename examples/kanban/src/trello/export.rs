//! A board written out as Trello exports a board.

use std::cmp::Reverse;

use andel_consent::MemberId;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::board::Board;

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
///
/// [`plan_import`]: super::plan_import
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
pub(super) fn trello_time(at: DateTime<Utc>) -> String {
    let digits = if at.timestamp_subsec_nanos().is_multiple_of(1_000_000) {
        SecondsFormat::Millis
    } else {
        SecondsFormat::AutoSi
    };
    at.to_rfc3339_opts(digits, true)
}
