//! Boards written out as Trello exports them, and read back the same.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::{assert_round_trip, at, imported, member, members, real_export, run};
use crate::board::{Board, BoardCommand, CardId, ChecklistId, LabelId, ListId};
use crate::trello::export::trello_time;
use crate::trello::{export_board, plan_import};

#[test]
fn real_export_goes_out_and_comes_back_the_same() {
    let Some(export) = real_export() else { return };
    let map = members(&[("ryanhimmelwright", "2")]);
    let (plan, _) = plan_import(&export, &map, &member("1")).unwrap();
    let board = imported(plan);
    let report = assert_round_trip(&board);
    assert_eq!((report.cards, report.comments, report.items), (4, 2, 2));
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
