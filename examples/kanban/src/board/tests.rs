//! The board's rules, unit by unit, and property tests over random histories.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use andel_journal::Aggregate;
use chrono::{DateTime, Utc};
use proptest::prelude::*;

use super::*;

fn at() -> DateTime<Utc> {
    "2027-03-01T09:00:00Z".parse().unwrap()
}

fn member(n: u32) -> MemberId {
    n.to_string().parse().unwrap()
}

/// Decides and applies `command`, returning the events.
fn run(board: &mut Board, command: BoardCommand) -> Result<Vec<BoardEvent>, Refusal> {
    let events = board.decide(command, at())?;
    for event in &events {
        board.apply(event).unwrap();
    }
    Ok(events)
}

/// A board with lists 1 "To do" and 2 "Done", and cards 3, 4, 5 in "To do".
fn board() -> Board {
    let mut board = Board::default();
    run(
        &mut board,
        BoardCommand::Create {
            title: "Fair".into(),
            by: member(1),
        },
    )
    .unwrap();
    run(
        &mut board,
        BoardCommand::AddList {
            title: "To do".into(),
        },
    )
    .unwrap();
    run(
        &mut board,
        BoardCommand::AddList {
            title: "Done".into(),
        },
    )
    .unwrap();
    for title in ["a", "b", "c"] {
        let add = BoardCommand::AddCard {
            list: ListId(1),
            title: title.into(),
            description: String::new(),
            due: None,
            by: member(1),
        };
        run(&mut board, add).unwrap();
    }
    board
}

fn order(board: &Board, list: u32) -> Vec<u32> {
    board
        .list(ListId(list))
        .unwrap()
        .cards
        .iter()
        .map(|c| c.0)
        .collect()
}

#[test]
fn nothing_happens_to_a_board_before_it_is_created() {
    let board = Board::default();
    let err = board
        .decide(BoardCommand::AddList { title: "x".into() }, at())
        .unwrap_err();
    assert_eq!(err, Refusal::NotCreated);
    assert!(board.view("b", false).is_none());
}

#[test]
fn a_board_is_created_once() {
    let mut board = board();
    let again = BoardCommand::Create {
        title: "Again".into(),
        by: member(2),
    };
    assert_eq!(run(&mut board, again).unwrap_err(), Refusal::AlreadyCreated);
    assert_eq!(board.owner(), Some(&member(1)));
}

#[test]
fn cards_move_within_and_across_lists() {
    let mut board = board();
    run(
        &mut board,
        BoardCommand::MoveCard {
            card: CardId(5),
            list: ListId(1),
            index: 0,
        },
    )
    .unwrap();
    assert_eq!(order(&board, 1), [5, 3, 4]);
    run(
        &mut board,
        BoardCommand::MoveCard {
            card: CardId(3),
            list: ListId(2),
            index: 0,
        },
    )
    .unwrap();
    assert_eq!(order(&board, 1), [5, 4]);
    assert_eq!(order(&board, 2), [3]);
    assert_eq!(board.card(CardId(3)).unwrap().list, ListId(2));
}

#[test]
fn a_move_to_where_the_card_is_records_nothing() {
    let mut board = board();
    let events = run(
        &mut board,
        BoardCommand::MoveCard {
            card: CardId(4),
            list: ListId(1),
            index: 1,
        },
    )
    .unwrap();
    assert!(events.is_empty());
}

#[test]
fn a_place_past_the_end_is_refused_naming_the_places() {
    let mut board = board();
    let err = run(
        &mut board,
        BoardCommand::MoveCard {
            card: CardId(3),
            list: ListId(2),
            index: 1,
        },
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "there is no place 1 in list 2: it has places 0 to 0"
    );
    let err = run(
        &mut board,
        BoardCommand::MoveCard {
            card: CardId(3),
            list: ListId(1),
            index: 3,
        },
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "there is no place 3 in list 1: it has places 0 to 2"
    );
}

#[test]
fn unknown_ids_are_refused_by_kind_and_id() {
    let mut board = board();
    let err = run(
        &mut board,
        BoardCommand::MoveCard {
            card: CardId(1),
            list: ListId(2),
            index: 0,
        },
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "there is no card 1 on this board");
    let err = run(
        &mut board,
        BoardCommand::MoveCard {
            card: CardId(3),
            list: ListId(9),
            index: 0,
        },
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "there is no list 9 on this board");
}

#[test]
fn archived_cards_leave_the_list_and_come_back_at_its_end() {
    let mut board = board();
    run(
        &mut board,
        BoardCommand::ArchiveCard {
            card: CardId(3),
            archived: true,
        },
    )
    .unwrap();
    assert_eq!(order(&board, 1), [4, 5]);
    let err = run(
        &mut board,
        BoardCommand::Comment {
            card: CardId(3),
            text: "hi".into(),
            by: member(1),
        },
    )
    .unwrap_err();
    assert_eq!(err, Refusal::CardArchived { card: CardId(3) });
    let view = board.view("b", true).unwrap();
    assert_eq!(
        view.lists[0]
            .cards
            .iter()
            .map(|c| c.id.0)
            .collect::<Vec<_>>(),
        [4, 5, 3]
    );
    run(
        &mut board,
        BoardCommand::ArchiveCard {
            card: CardId(3),
            archived: false,
        },
    )
    .unwrap();
    assert_eq!(order(&board, 1), [4, 5, 3]);
}

#[test]
fn an_archived_board_is_read_only_until_restored() {
    let mut board = board();
    run(&mut board, BoardCommand::ArchiveBoard { archived: true }).unwrap();
    let err = run(&mut board, BoardCommand::AddList { title: "x".into() }).unwrap_err();
    assert_eq!(err, Refusal::BoardArchived);
    run(&mut board, BoardCommand::ArchiveBoard { archived: false }).unwrap();
    run(&mut board, BoardCommand::AddList { title: "x".into() }).unwrap();
}

#[test]
fn checklists_comments_and_attachments_sit_on_their_card() {
    let mut board = board();
    run(
        &mut board,
        BoardCommand::AddChecklist {
            card: CardId(3),
            title: "Steps".into(),
        },
    )
    .unwrap();
    run(
        &mut board,
        BoardCommand::AddItem {
            checklist: ChecklistId(6),
            text: "Call".into(),
        },
    )
    .unwrap();
    run(
        &mut board,
        BoardCommand::TickItem {
            item: ItemId(7),
            done: true,
        },
    )
    .unwrap();
    run(
        &mut board,
        BoardCommand::Comment {
            card: CardId(3),
            text: "Booked".into(),
            by: member(2),
        },
    )
    .unwrap();
    let attach = BoardCommand::Attach {
        card: CardId(3),
        name: "Plan".into(),
        url: "https://example.org/plan.pdf".into(),
        by: member(2),
    };
    run(&mut board, attach).unwrap();
    let card = board.card_view(CardId(3)).unwrap();
    assert_eq!(card.checklists[0].items[0].text, "Call");
    assert!(card.checklists[0].items[0].done);
    assert_eq!(card.comments[0].author, member(2));
    assert_eq!(card.attachments[0].url, "https://example.org/plan.pdf");
    assert_eq!(board.contributors().len(), 2);
}

#[test]
fn attachments_are_kept_at_web_addresses_only() {
    let mut board = board();
    for url in ["javascript:alert(1)", "file:///etc/passwd", "https://a\nb"] {
        let attach = BoardCommand::Attach {
            card: CardId(3),
            name: "x".into(),
            url: url.into(),
            by: member(1),
        };
        assert!(
            matches!(run(&mut board, attach), Err(Refusal::Address { .. })),
            "{url}"
        );
    }
}

#[test]
fn empty_and_long_titles_are_refused() {
    let mut board = board();
    assert_eq!(
        run(&mut board, BoardCommand::AddList { title: "  ".into() }).unwrap_err(),
        Refusal::Empty { what: "list title" }
    );
    let long = "x".repeat(MAX_TITLE + 1);
    assert!(matches!(
        run(&mut board, BoardCommand::Rename { title: long }),
        Err(Refusal::TooLong {
            what: "board title",
            ..
        })
    ));
}

#[test]
fn only_members_of_the_board_are_put_on_cards_and_the_owner_stays() {
    let mut board = board();
    let assign = BoardCommand::AssignCard {
        card: CardId(3),
        member: member(2),
        on: true,
    };
    assert_eq!(
        run(&mut board, assign.clone()).unwrap_err(),
        Refusal::NotAMember { member: member(2) }
    );
    run(&mut board, BoardCommand::AddMember { member: member(2) }).unwrap();
    run(&mut board, assign).unwrap();
    assert_eq!(
        run(&mut board, BoardCommand::RemoveMember { member: member(1) }).unwrap_err(),
        Refusal::OwnerStays { member: member(1) }
    );
}

#[test]
fn only_keeps_what_the_members_wrote() {
    let mut board = board();
    run(&mut board, BoardCommand::AddMember { member: member(2) }).unwrap();
    let add = BoardCommand::AddCard {
        list: ListId(2),
        title: "Bo's".into(),
        description: String::new(),
        due: None,
        by: member(2),
    };
    run(&mut board, add).unwrap();
    run(
        &mut board,
        BoardCommand::Comment {
            card: CardId(3),
            text: "by Bo".into(),
            by: member(2),
        },
    )
    .unwrap();
    let alvas = board.only(&[member(1)].into());
    assert!(alvas.card(CardId(6)).is_none());
    assert!(alvas.list(ListId(2)).unwrap().cards.is_empty());
    assert!(alvas.card_view(CardId(3)).unwrap().comments.is_empty());
    assert_eq!(board.only(&[member(1), member(2)].into()), board);
}

#[test]
fn an_event_that_does_not_fit_is_invalid() {
    let mut board = board();
    assert!(
        board
            .apply(&BoardEvent::CardMoved {
                card: CardId(99),
                list: ListId(1),
                index: 0
            })
            .is_err()
    );
    let skipped_id = BoardEvent::ListAdded {
        list: ListId(42),
        title: "x".into(),
        origin: None,
    };
    assert!(board.apply(&skipped_id).is_err());
    assert!(Board::default().apply(&BoardEvent::Archived).is_err());
}

#[test]
fn an_import_adds_only_what_the_board_lacks() {
    let origin = |s: &str| Origin(s.to_owned());
    let plan = ImportPlan {
        origin: origin("t:board"),
        title: "From Trello".into(),
        owner: member(1),
        members: vec![member(2)],
        labels: vec![PlannedLabel {
            origin: origin("t:l1"),
            name: "urgent".into(),
            color: "red".into(),
        }],
        lists: vec![PlannedList {
            origin: origin("t:list"),
            title: "A".into(),
            archived: false,
        }],
        cards: vec![PlannedCard {
            origin: origin("t:c1"),
            list: origin("t:list"),
            title: "Card".into(),
            description: "d".into(),
            due: None,
            author: member(2),
            archived: true,
            labels: vec![origin("t:l1")],
            members: vec![member(2)],
        }],
        checklists: vec![PlannedChecklist {
            origin: origin("t:cl"),
            card: origin("t:c1"),
            title: "Steps".into(),
            items: vec![PlannedItem {
                origin: origin("t:i1"),
                text: "one".into(),
                done: true,
            }],
        }],
        comments: vec![PlannedComment {
            origin: origin("t:co"),
            card: origin("t:c1"),
            author: member(2),
            text: "hi".into(),
            at: at(),
        }],
        attachments: vec![],
    };
    let mut board = Board::default();
    let first = run(&mut board, BoardCommand::Import(Box::new(plan.clone()))).unwrap();
    assert!(!first.is_empty());
    let view = board.view("b", true).unwrap();
    assert_eq!(view.lists[0].cards[0].title, "Card");
    assert!(view.lists[0].cards[0].archived);
    assert_eq!(view.lists[0].cards[0].comments[0].text, "hi");
    assert!(
        run(&mut board, BoardCommand::Import(Box::new(plan.clone())))
            .unwrap()
            .is_empty()
    );

    let mut broken = plan;
    broken.cards[0].origin = origin("t:c2");
    broken.cards[0].list = origin("t:nowhere");
    assert_eq!(
        board
            .decide(BoardCommand::Import(Box::new(broken)), at())
            .unwrap_err(),
        Refusal::UnknownOrigin {
            origin: origin("t:nowhere")
        }
    );
}

/// A command over a small board's ids, to drive random histories.
fn command() -> impl Strategy<Value = BoardCommand> {
    let id = 0u32..14;
    let who = (1u32..4).prop_map(member);
    prop_oneof![
        "[a-z ]{0,6}".prop_map(|title| BoardCommand::AddList { title }),
        (id.clone(), "[a-z]{0,5}", who.clone()).prop_map(|(list, title, by)| {
            BoardCommand::AddCard {
                list: ListId(list),
                title,
                description: String::new(),
                due: None,
                by,
            }
        }),
        (id.clone(), id.clone(), 0u32..5).prop_map(|(card, list, index)| BoardCommand::MoveCard {
            card: CardId(card),
            list: ListId(list),
            index
        }),
        (id.clone(), 0u32..4).prop_map(|(list, index)| BoardCommand::MoveList {
            list: ListId(list),
            index
        }),
        (id.clone(), any::<bool>()).prop_map(|(card, archived)| BoardCommand::ArchiveCard {
            card: CardId(card),
            archived
        }),
        (id.clone(), any::<bool>()).prop_map(|(list, archived)| BoardCommand::ArchiveList {
            list: ListId(list),
            archived
        }),
        (id.clone(), "[a-z]{0,5}", who.clone()).prop_map(|(card, text, by)| {
            BoardCommand::Comment {
                card: CardId(card),
                text,
                by,
            }
        }),
        (id.clone(), "[a-z]{1,5}").prop_map(|(card, title)| BoardCommand::AddChecklist {
            card: CardId(card),
            title
        }),
        (id.clone(), "[a-z]{1,5}").prop_map(|(checklist, text)| BoardCommand::AddItem {
            checklist: ChecklistId(checklist),
            text
        }),
        (id.clone(), any::<bool>()).prop_map(|(item, done)| BoardCommand::TickItem {
            item: ItemId(item),
            done
        }),
        who.clone()
            .prop_map(|member| BoardCommand::AddMember { member }),
        (id, who, any::<bool>()).prop_map(|(card, member, on)| BoardCommand::AssignCard {
            card: CardId(card),
            member,
            on
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever members ask, in any order: every card sits in exactly one place (its
    /// list's order when in sight, none when archived), lists keep each id once, and
    /// replaying the recorded events (through their JSON, as the journal keeps them)
    /// gives the same board.
    #[test]
    fn any_history_keeps_every_card_in_one_place_and_replays_alike(
        commands in proptest::collection::vec(command(), 0..60)
    ) {
        let mut board = board();
        let mut log: Vec<BoardEvent> = Vec::new();
        for command in commands {
            if let Ok(events) = board.decide(command, at()) {
                for event in events {
                    board.apply(&event).unwrap();
                    log.push(event);
                }
            }
        }
        for (id, card) in board.cards() {
            let places: usize = board.lists().map(|(_, l)| l.cards.iter().filter(|c| **c == id).count()).sum();
            prop_assert_eq!(places, usize::from(!card.archived), "card {}", id);
            if !card.archived {
                prop_assert!(board.list(card.list).unwrap().cards.contains(&id));
            }
        }
        let mut lists: Vec<ListId> = board.lists().map(|(id, _)| id).collect();
        let count = lists.len();
        lists.dedup();
        lists.sort();
        lists.dedup();
        prop_assert_eq!(lists.len(), count);

        let mut replayed = self::board();
        for event in &log {
            let json = serde_json::to_string(event).unwrap();
            let back: BoardEvent = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, event);
            replayed.apply(&back).unwrap();
        }
        prop_assert_eq!(replayed, board);
    }

    /// What a reader who may see only some members' contributions is shown: with every
    /// contributor, the whole view; with none, the lists without a card; and taking
    /// two sets of members in turn is taking the members in both.
    #[test]
    fn a_view_of_some_members_keeps_exactly_their_contributions(
        commands in proptest::collection::vec(command(), 0..60),
        first in proptest::collection::btree_set((1u32..4).prop_map(member), 0..4),
        second in proptest::collection::btree_set((1u32..4).prop_map(member), 0..4),
    ) {
        let mut board = board();
        for command in commands {
            let _ = run(&mut board, command);
        }
        let view = board.view("b", true).unwrap();
        prop_assert_eq!(&view.only(&board.contributors()), &view);
        let none = view.only(&BTreeSet::new());
        prop_assert_eq!(none.lists.len(), view.lists.len());
        prop_assert!(none.lists.iter().all(|list| list.cards.is_empty()));
        let both: BTreeSet<MemberId> = first.intersection(&second).cloned().collect();
        prop_assert_eq!(view.only(&first).only(&second), view.only(&both));
        for card in view.only(&first).lists.iter().flat_map(|l| &l.cards) {
            prop_assert!(first.contains(&card.author));
            prop_assert!(card.comments.iter().all(|c| first.contains(&c.author)));
        }
    }

    /// A move puts the card exactly at the place asked for, and keeps the others in
    /// their order.
    #[test]
    fn a_move_lands_where_asked(card in 3u32..6, to in 1u32..3, index in 0u32..3) {
        let mut board = board();
        let before: Vec<u32> = order(&board, to).into_iter().filter(|c| *c != card).collect();
        match run(&mut board, BoardCommand::MoveCard { card: CardId(card), list: ListId(to), index }) {
            Ok(_) => {
                let mut expected = before;
                expected.insert(index as usize, card);
                prop_assert_eq!(order(&board, to), expected);
            }
            Err(Refusal::Index { .. }) => prop_assert!(index as usize > before.len()),
            Err(other) => prop_assert!(false, "unexpected refusal {other}"),
        }
    }
}
