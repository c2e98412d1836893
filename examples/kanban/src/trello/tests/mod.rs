//! Tests of the Trello import and export: a real export and small ones read into plans,
//! what is refused, boards written out, and properties over generated input.

mod export;
mod plans;
mod props;
mod refusals;

use std::collections::HashMap;
use std::path::PathBuf;

use andel_consent::MemberId;
use andel_journal::Aggregate;
use chrono::{DateTime, Duration, Utc};

use super::{ImportReport, MemberMap, TrelloError, export_board, plan_import};
use crate::board::{
    AttachmentId, Board, BoardCommand, BoardView, CardId, ChecklistId, CommentId, ImportPlan,
    ItemId, LabelId, ListId, Refusal,
};

fn member(id: &str) -> MemberId {
    id.parse().unwrap()
}

fn at(tick: i64) -> DateTime<Utc> {
    "2027-03-01T09:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::milliseconds(tick * 1001)
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
