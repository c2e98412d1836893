//! Property tests: any bytes and any changed export are refused or give a plan that
//! imports, never a panic; and any board goes out and comes back the same.

use andel_journal::Aggregate;
use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use serde_json::Value;

use super::{SMALL, assert_round_trip, at, member, members, run};
use crate::board::{Board, BoardCommand, CardId, ChecklistId, ImportPlan, ItemId, LabelId, ListId};
use crate::trello::{ImportReport, MemberMap, plan_import};

const MEMBERS: [&str; 4] = ["1", "2", "3", "4"];

/// One step of a generated board's life: `kind` picks the command, the numbers
/// pick what it acts on among what the board holds.
#[derive(Debug, Clone)]
struct Step {
    kind: u8,
    a: u8,
    b: u8,
    c: u8,
    flag: bool,
    title: String,
    text: String,
    due: Option<u16>,
}

fn step() -> impl Strategy<Value = Step> {
    (
        any::<u8>(),
        any::<u8>(),
        any::<u8>(),
        any::<u8>(),
        any::<bool>(),
        "[A-Za-z0-9 é中]{0,10}",
        "[A-Za-z0-9 \n é中]{0,24}",
        proptest::option::of(0_u16..2000),
    )
        .prop_map(|(kind, a, b, c, flag, title, text, due)| Step {
            kind,
            a,
            b,
            c,
            flag,
            title,
            text,
            due,
        })
}

fn pick<T: Copy>(things: &[T], at: u8) -> Option<T> {
    if things.is_empty() {
        return None;
    }
    things.get(usize::from(at) % things.len()).copied()
}

fn command(board: &Board, step: &Step) -> Option<BoardCommand> {
    let lists: Vec<ListId> = board.lists().map(|(id, _)| id).collect();
    let cards: Vec<CardId> = board.cards().map(|(id, _)| id).collect();
    let labels: Vec<LabelId> = board.labels().map(|(id, _)| id).collect();
    let checklists: Vec<ChecklistId> = board
        .cards()
        .flat_map(|(_, card)| card.checklists.iter().copied())
        .collect();
    let items: Vec<ItemId> = checklists
        .iter()
        .filter_map(|id| board.checklist(*id))
        .flat_map(|checklist| checklist.items.iter().copied())
        .collect();
    let who = |at: u8| member(MEMBERS[usize::from(at) % MEMBERS.len()]);
    let due = step
        .due
        .map(|days| NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::days(days.into()));
    let (a, b, c) = (step.a, step.b, step.c);
    Some(match step.kind % 20 {
        0 | 1 => BoardCommand::AddList {
            title: step.title.clone(),
        },
        2 => BoardCommand::RenameList {
            list: pick(&lists, a)?,
            title: step.title.clone(),
        },
        3 => BoardCommand::MoveList {
            list: pick(&lists, a)?,
            index: u32::from(b % 4),
        },
        4 => BoardCommand::ArchiveList {
            list: pick(&lists, a)?,
            archived: step.flag,
        },
        5 => BoardCommand::AddLabel {
            name: step.title.clone(),
            color: step.text.clone(),
        },
        6 => BoardCommand::AddMember { member: who(a) },
        7..=9 => BoardCommand::AddCard {
            list: pick(&lists, a)?,
            title: step.title.clone(),
            description: step.text.clone(),
            due,
            by: who(b),
        },
        10 => BoardCommand::EditCard {
            card: pick(&cards, a)?,
            title: step.title.clone(),
            description: step.text.clone(),
            due,
        },
        11 => BoardCommand::MoveCard {
            card: pick(&cards, a)?,
            list: pick(&lists, b)?,
            index: u32::from(c % 4),
        },
        12 => BoardCommand::ArchiveCard {
            card: pick(&cards, a)?,
            archived: step.flag,
        },
        13 => BoardCommand::LabelCard {
            card: pick(&cards, a)?,
            label: pick(&labels, b)?,
            on: step.flag,
        },
        14 => BoardCommand::AssignCard {
            card: pick(&cards, a)?,
            member: who(b),
            on: step.flag,
        },
        15 => BoardCommand::AddChecklist {
            card: pick(&cards, a)?,
            title: step.title.clone(),
        },
        16 => BoardCommand::AddItem {
            checklist: pick(&checklists, a)?,
            text: step.title.clone(),
        },
        17 => BoardCommand::TickItem {
            item: pick(&items, a)?,
            done: step.flag,
        },
        18 => BoardCommand::Comment {
            card: pick(&cards, a)?,
            text: step.text.clone(),
            by: who(b),
        },
        _ => BoardCommand::Attach {
            card: pick(&cards, a)?,
            name: step.title.clone(),
            url: format!(
                "https://example.org/{}",
                step.title.trim().replace(' ', "-")
            ),
            by: who(b),
        },
    })
}

/// A board built by `steps`, each decided and applied in turn a second apart (what
/// the board refuses is passed over).
fn board_of(steps: &[Step]) -> Board {
    let mut board = Board::default();
    let create = BoardCommand::Create {
        title: "Generated".into(),
        by: member("1"),
    };
    run(&mut board, create, at(0)).unwrap();
    for (tick, step) in (1..).zip(steps) {
        if let Some(command) = command(&board, step) {
            let _ = run(&mut board, command, at(tick));
        }
    }
    board
}

/// Any JSON, with strings and numbers of the kinds a Trello export holds.
fn json_value() -> impl Strategy<Value = Value> {
    let words = prop::sample::select(vec![
        "",
        " ",
        "b1",
        "c1",
        "c2",
        "c3",
        "L1",
        "L2",
        "L3",
        "l1",
        "l2",
        "k1",
        "i1",
        "i2",
        "x1",
        "m1",
        "m2",
        "alva",
        "bea",
        "complete",
        "commentCard",
        "createCard",
        "https://example.org/a",
        "2027-01-01T00:00:00Z",
        "none",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        prop_oneof![
            Just(1e308),
            Just(-1e308),
            Just(-0.0),
            Just(5e-324),
            -1e6..1e6_f64
        ]
        .prop_map(Value::from),
        words.prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..4)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

fn key() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "id",
        "name",
        "idList",
        "idCard",
        "pos",
        "closed",
        "due",
        "desc",
        "idLabels",
        "idMembers",
        "checkItems",
        "state",
        "type",
        "date",
        "idMemberCreator",
        "data",
        "text",
        "card",
        "url",
        "attachments",
        "color",
        "username",
        "members",
        "labels",
        "lists",
        "cards",
        "checklists",
        "actions",
        "idMember",
        "memberCreator",
    ])
    .prop_map(str::to_owned)
}

/// Replaces, adds to or takes from the value that `path` leads to.
fn mutate(value: &mut Value, path: &[u8], new: Value, key: String, how: u8) {
    match (path.split_first(), value) {
        (Some((step, rest)), Value::Array(items)) if !items.is_empty() => {
            let at = usize::from(*step) % items.len();
            mutate(&mut items[at], rest, new, key, how);
        }
        (Some((step, rest)), Value::Object(fields)) if !fields.is_empty() => {
            let at = usize::from(*step) % fields.len();
            if let Some((_, field)) = fields.iter_mut().nth(at) {
                mutate(field, rest, new, key, how);
            }
        }
        (_, here) => match (how % 3, here) {
            (1, Value::Array(items)) => items.push(new),
            (1, Value::Object(fields)) => {
                fields.insert(key, new);
            }
            (2, Value::Array(items)) => {
                items.pop();
            }
            (2, Value::Object(fields)) => {
                fields.remove(&key);
            }
            (_, here) => *here = new,
        },
    }
}

/// A plan that was made imports into an empty board, whole, and its report counts
/// what it brings.
fn assert_imports(plan: ImportPlan, report: &ImportReport) -> Result<(), TestCaseError> {
    prop_assert_eq!(report.lists, plan.lists.len());
    prop_assert_eq!(report.cards, plan.cards.len());
    prop_assert_eq!(report.comments, plan.comments.len());
    let mut board = Board::default();
    let events = board.decide(BoardCommand::Import(Box::new(plan.clone())), at(0));
    prop_assert!(events.is_ok(), "{:?} for {:?}", events, plan);
    for event in events.unwrap() {
        prop_assert!(board.apply(&event).is_ok());
    }
    prop_assert_eq!(
        board
            .decide(BoardCommand::Import(Box::new(plan)), at(1))
            .map(|e| e.len()),
        Ok(0)
    );
    Ok(())
}

fn both() -> MemberMap {
    members(&[("alva", "1"), ("m2", "2")])
}

proptest! {
    #[test]
    fn any_bytes_are_refused_or_read_never_a_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        if let Ok((plan, report)) = plan_import(&bytes, &both(), &member("1")) {
            assert_imports(plan, &report)?;
        }
    }

    #[test]
    fn exports_with_bytes_changed_are_refused_or_read_never_a_panic(
        changes in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut bytes = SMALL.as_bytes().to_vec();
        for (at, byte) in changes {
            let at = at.index(bytes.len());
            bytes[at] = byte;
        }
        if let Ok((plan, report)) = plan_import(&bytes, &both(), &member("1")) {
            assert_imports(plan, &report)?;
        }
    }

    #[test]
    fn exports_with_values_changed_give_plans_that_import(
        changes in prop::collection::vec(
            (prop::collection::vec(any::<u8>(), 1..7), json_value(), key(), any::<u8>()),
            1..6,
        ),
    ) {
        let mut export: Value = serde_json::from_str(SMALL).unwrap();
        for (path, new, key, how) in changes {
            mutate(&mut export, &path, new, key, how);
        }
        let bytes = serde_json::to_vec(&export).unwrap();
        if let Ok((plan, report)) = plan_import(&bytes, &both(), &member("1")) {
            assert_imports(plan, &report)?;
        }
    }

    #[test]
    fn a_board_exported_and_imported_again_is_the_same(
        steps in prop::collection::vec(step(), 0..100),
    ) {
        let board = board_of(&steps);
        assert_round_trip(&board);
    }
}
