//! Exports read into plans: what comes in, in what order, and what the report says.

use andel_consent::MemberId;
use andel_journal::Aggregate;
use chrono::NaiveDate;
use serde_json::{Value, json};

use super::{SMALL, import, imported, label_names, member, members, real_export, small, titles};
use crate::board::{Board, BoardCommand, MAX_TEXT, MAX_TITLE, Origin};
use crate::trello::{MAX_REPORT_LINES, MemberMap, TrelloError, plan_import};

#[test]
fn real_export_imports_lists_cards_labels_checklists_and_comments() {
    let Some(export) = real_export() else { return };
    let map = members(&[("ryanhimmelwright", "2")]);
    let (plan, report) = plan_import(&export, &map, &member("1")).unwrap();
    let counts = (
        report.lists,
        report.cards,
        report.labels,
        report.checklists,
        report.items,
        report.comments,
        report.attachments,
    );
    assert_eq!(counts, (2, 4, 3, 1, 2, 2, 0));
    assert_eq!(
        report.skipped,
        ["not imported: 10 other actions (Trello's history of moves and edits)"]
    );

    let mut board = imported(plan.clone());
    let view = board.view("b", true).unwrap();
    assert_eq!(view.title, "test-board");
    assert_eq!(view.owner, member("1"));
    assert_eq!(view.members, [member("2")]);
    assert_eq!(
        titles(&view),
        [
            ("List A", vec!["Foo Card", "Bar Card"]),
            ("List B", vec!["Foobar Card", "empty card"]),
        ]
    );
    let labels: Vec<(&str, &str)> = view
        .labels
        .iter()
        .map(|l| (l.name.as_str(), l.color.as_str()))
        .collect();
    assert_eq!(
        labels,
        [
            ("Red Label", "red"),
            ("Green Label", "green"),
            ("Orange Label", "orange")
        ]
    );

    let [foo, bar] = &view.lists[0].cards[..] else {
        panic!("two cards in List A")
    };
    let [foobar, empty] = &view.lists[1].cards[..] else {
        panic!("two cards in List B")
    };
    for card in [foo, bar, foobar, empty] {
        assert_eq!(card.author, member("2"), "{}", card.title);
        assert!(!card.archived);
    }
    assert_eq!(foo.description, "This is the foo card's description.");
    assert_eq!(label_names(&view, &foo.labels), ["Green Label"]);
    assert_eq!(foo.members, [member("2")]);
    assert_eq!(
        label_names(&view, &bar.labels),
        ["Red Label", "Orange Label"]
    );
    assert_eq!(label_names(&view, &foobar.labels), ["Red Label"]);
    assert!(empty.labels.is_empty() && empty.description.is_empty());

    let dues: Vec<Option<NaiveDate>> = [foo, bar, foobar, empty].iter().map(|c| c.due).collect();
    assert_eq!(
        dues,
        [None, None, NaiveDate::from_ymd_opt(2025, 4, 5), None]
    );

    let [checklist] = &foobar.checklists[..] else {
        panic!("one checklist")
    };
    assert_eq!(checklist.title, "Checklist");
    let items: Vec<(&str, bool)> = checklist
        .items
        .iter()
        .map(|i| (i.text.as_str(), i.done))
        .collect();
    assert_eq!(items, [("item1", true), ("item2", false)]);

    let comments: Vec<(&str, &str, &str, String)> = [foo, bar]
        .iter()
        .flat_map(|card| {
            card.comments.iter().map(move |c| {
                (
                    card.title.as_str(),
                    c.author.as_str(),
                    c.text.as_str(),
                    c.at.to_rfc3339(),
                )
            })
        })
        .collect();
    assert_eq!(
        comments,
        [
            (
                "Foo Card",
                "2",
                "I made a comment\n",
                String::from("2019-04-04T23:41:28.951+00:00")
            ),
            (
                "Bar Card",
                "2",
                "another comment",
                String::from("2019-04-04T23:43:41.662+00:00")
            ),
        ]
    );
    assert!(foobar.comments.is_empty() && empty.comments.is_empty());

    // Importing the same export again adds nothing.
    assert_eq!(import(&mut board, plan).unwrap(), 0);
}

#[test]
fn without_a_member_map_comments_stay_out_and_the_report_says_why() {
    let Some(export) = real_export() else { return };
    let (plan, report) = plan_import(&export, &MemberMap::default(), &member("1")).unwrap();
    assert!(plan.comments.is_empty());
    assert_eq!(report.comments, 0);
    assert_eq!(
        report.skipped,
        [
            "Trello user `ryanhimmelwright` is not in the member map, so the board is not shared with them",
            "a comment by Trello user `ryanhimmelwright` on card `Bar Card` was not imported: \
             the co-op cannot tell whose words they are; add `ryanhimmelwright` to the member \
             map and import again to bring it in",
            "a comment by Trello user `ryanhimmelwright` on card `Foo Card` was not imported: \
             the co-op cannot tell whose words they are; add `ryanhimmelwright` to the member \
             map and import again to bring it in",
            "4 cards whose creator is not in the member map are owned by the importing member",
            "Trello user `ryanhimmelwright` was left off 1 card: they are not in the member map",
            "not imported: 10 other actions (Trello's history of moves and edits)",
        ]
    );
    let mut board = imported(plan);
    let view = board.view("b", true).unwrap();
    assert!(view.members.is_empty());
    let cards = view.lists.iter().flat_map(|list| &list.cards);
    for card in cards {
        assert_eq!(card.author, member("1"));
        assert!(card.members.is_empty() && card.comments.is_empty());
    }

    // Once the map names them, importing again brings their words, and only those.
    let map = members(&[("ryanhimmelwright", "2")]);
    let (plan, _) = plan_import(&export, &map, &member("1")).unwrap();
    assert_eq!(
        import(&mut board, plan).unwrap(),
        3,
        "sharing, and the two comments"
    );
    let view = board.view("b", false).unwrap();
    assert_eq!(view.members, [member("2")]);
    assert_eq!(view.lists[0].cards[0].comments[0].author, member("2"));
}

#[test]
fn a_small_export_brings_each_kind_of_thing_in_order() {
    let (plan, report) = small(SMALL).unwrap();
    let counts = (
        report.lists,
        report.cards,
        report.labels,
        report.checklists,
        report.items,
        report.comments,
        report.attachments,
    );
    assert_eq!(counts, (3, 3, 2, 1, 2, 1, 1));
    assert_eq!(
        report.skipped,
        [
            "Trello user `bea` is not in the member map, so the board is not shared with them",
            "a comment by Trello user `bea` on card `First` was not imported: the co-op cannot \
             tell whose words they are; add `bea` to the member map and import again to bring it in",
            "2 cards whose creator is not in the member map are owned by the importing member",
            "Trello user `bea` was left off 1 card: they are not in the member map",
            "1 attachment stays a link: only its name and address were imported, not its file",
        ]
    );
    assert_eq!(plan.origin, Origin("trello:board:b1".into()));
    assert_eq!(plan.cards[0].origin, Origin("trello:card:c1".into()));
    assert_eq!(
        plan.checklists[0].items[0].origin,
        Origin("trello:item:i1".into())
    );
    assert_eq!(plan.comments[0].origin, Origin("trello:comment:x1".into()));

    let board = imported(plan);
    let view = board.view("b", true).unwrap();
    assert_eq!(
        titles(&view),
        [
            ("To do", vec!["First", "Second"]),
            ("Done", vec!["Done one"]),
            ("Old", vec![]),
        ]
    );
    let archived: Vec<bool> = view.lists.iter().map(|l| l.archived).collect();
    assert_eq!(archived, [false, false, true]);
    assert!(view.lists[1].cards[0].archived);
    let colors: Vec<&str> = view.labels.iter().map(|l| l.color.as_str()).collect();
    assert_eq!(colors, ["red", "none"]);
    let first = &view.lists[0].cards[0];
    assert_eq!(
        first.due,
        NaiveDate::from_ymd_opt(2027, 3, 1),
        "its UTC date"
    );
    assert_eq!(first.members, [member("1")]);
    let items: Vec<(&str, bool)> = first.checklists[0]
        .items
        .iter()
        .map(|i| (i.text.as_str(), i.done))
        .collect();
    assert_eq!(items, [("one", true), ("two", false)]);
    assert_eq!(first.comments.len(), 1);
    assert_eq!(first.comments[0].text, "by alva");
    let second = &view.lists[0].cards[1];
    assert!(second.members.is_empty());
    assert_eq!(label_names(&view, &second.labels), [""]);
    let [attachment] = &second.attachments[..] else {
        panic!("one attachment")
    };
    assert_eq!(
        (
            attachment.name.as_str(),
            attachment.url.as_str(),
            attachment.author.as_str()
        ),
        ("Plan.pdf", "https://example.org/plan.pdf", "1")
    );
}

#[test]
fn broken_references_duplicates_and_odd_values_are_reported_and_the_rest_imports() {
    let long_title = "x".repeat(600);
    let long_text = "é".repeat(10_000);
    let export = json!({
        "id": "b", "name": "  ",
        "labels": [
            {"id": "l1", "name": "a", "color": "red"},
            {"id": "l1", "name": "dup", "color": "blue"},
            {"id": "", "name": "noid"}
        ],
        "lists": [
            {"id": "L1", "name": "", "pos": -1e308},
            {"id": "L2", "name": "Big", "pos": 1e308},
            {"id": "L1", "name": "Dup list", "pos": 0},
            {"id": "L3", "name": "Mid", "pos": "12"}
        ],
        "cards": [
            {"id": "c1", "idList": "nowhere", "name": "Lost"},
            {"id": "c2", "idList": "L2", "name": long_title, "desc": long_text,
             "idLabels": ["l1", "l1", "zz"], "due": "tomorrow", "pos": -0.0},
            {"id": "c2", "idList": "L2", "name": "Twin"},
            {"id": "c3", "idList": "L3", "name": "Links", "attachments": [
                {"id": "a1", "name": "", "url": "javascript:alert(1)"},
                {"id": "a2", "name": "ok", "url": " https://example.org/x "},
                {"id": "a2", "name": "again", "url": "https://example.org/y"}
            ]}
        ],
        "checklists": [
            {"id": "k1", "idCard": "c1", "name": "Orphan", "checkItems": []},
            {"id": "k2", "idCard": "c3", "name": "", "checkItems": [
                {"id": "i1", "name": "  ", "state": "complete"},
                {"id": "i1", "name": "dup"}
            ]}
        ],
        "actions": [
            {"id": "x1", "type": "commentCard", "date": "2027-01-01T00:00:00Z",
             "idMemberCreator": "m1", "data": {"text": "   ", "card": {"id": "c3"}}},
            {"id": "x2", "type": "commentCard", "date": "yesterday",
             "idMemberCreator": "m1", "data": {"text": "hi", "card": {"id": "c3"}}},
            {"id": "x3", "type": "commentCard", "date": "2027-01-01T00:00:00Z",
             "idMemberCreator": "m1", "data": {"text": "on lost", "card": {"id": "c1"}}},
            {"id": "x5", "type": "commentCard", "date": "2027-01-01T00:00:00Z",
             "data": {"text": "who?", "card": {"id": "c3"}}},
            {"type": 5, "data": [1, 2], "memberCreator": "nobody"},
            {"id": "x4", "type": "updateCard", "data": {"card": {"id": {"deep": [[[[1]]]]}}}}
        ],
        "members": [{"id": "m1", "username": "alva"}],
        "customFields": [{}, {}], "powerUps": 0, "pluginData": [{}]
    });
    let (plan, report) = small(&export.to_string()).unwrap();
    let cut = format!("{}…", "x".repeat(60));
    let expected = [
        "label `dup` was left out: its Trello id `l1` is that of another label in the export".to_owned(),
        "label `noid` was left out: its Trello id is empty, too long or not printable".into(),
        "list `Dup list` was left out: its Trello id `L1` is that of another list in the export".into(),
        "a list without a name was imported as `(untitled)`".into(),
        "card `Lost` was left out: its list (Trello id `nowhere`) is not in the export".into(),
        "card `Twin` was left out: its Trello id `c2` is that of another card in the export".into(),
        format!("the card `{cut}` was cut to 512 characters"),
        format!("the description of card `{cut}` was cut to 16384 bytes"),
        format!("card `{cut}` has a due date `tomorrow` that is not a date; it was imported without one"),
        format!("card `{cut}` has a label (Trello id `zz`) that is not in the export; the card was imported without it"),
        "checklist `Orphan` was left out: its card (Trello id `c1`) is not in the export or was left out".into(),
        "a checklist without a name was imported as `(untitled)`".into(),
        "checklist item `dup` was left out: its Trello id `i1` is that of another checklist item in the export".into(),
        "an empty item of checklist `(untitled)` was imported as `(untitled)`".into(),
        "an empty comment on card `Links` was left out".into(),
        "a comment on card `Links` was left out: its date `yesterday` is not a date".into(),
        "a comment was left out: its card (Trello id `c1`) is not in the export or was left out".into(),
        "a comment on card `Links` was left out: it does not say who wrote it".into(),
        "attachment `again` on card `Links` was left out: its Trello id `a2` is that of another attachment in the export".into(),
        "attachment `` on card `Links` was left out: `javascript:alert(1)` is not a web address (http:// or https://, at most 2048 bytes)".into(),
        "2 cards whose creator is not in the member map are owned by the importing member".into(),
        "1 attachment stays a link: only its name and address were imported, not its file".into(),
        "not imported: 2 custom fields, 1 power-up setting and 2 other actions (Trello's history of moves and edits)".into(),
    ];
    assert_eq!(report.skipped, expected);
    assert_eq!(plan.title, "Imported board");

    let board = imported(plan);
    let view = board.view("b", true).unwrap();
    let lists: Vec<&str> = view.lists.iter().map(|l| l.title.as_str()).collect();
    assert_eq!(lists, ["(untitled)", "Mid", "Big"]);
    let big = &view.lists[2].cards[0];
    assert_eq!(big.title.chars().count(), MAX_TITLE);
    assert!(big.description.len() <= MAX_TEXT && big.description.chars().all(|c| c == 'é'));
    assert_eq!(big.due, None);
    assert_eq!(label_names(&view, &big.labels), ["a"]);
    let links = &view.lists[1].cards[0];
    assert_eq!(links.checklists[0].title, "(untitled)");
    assert_eq!(links.checklists[0].items[0].text, "(untitled)");
    assert!(links.checklists[0].items[0].done);
    let urls: Vec<&str> = links.attachments.iter().map(|a| a.url.as_str()).collect();
    assert_eq!(urls, ["https://example.org/x"]);
    assert!(links.comments.is_empty());
}

#[test]
fn huge_negative_and_textual_positions_order_without_panicking() {
    let export = json!({
        "id": "b",
        "lists": [
            {"id": "a", "name": "a", "pos": 1e308},
            {"id": "b", "name": "b", "pos": -1e308},
            {"id": "c", "name": "c", "pos": 5e-324},
            {"id": "d", "name": "d", "pos": -0.0},
            {"id": "e", "name": "e", "pos": 0},
            {"id": "f", "name": "f", "pos": "NaN"},
            {"id": "g", "name": "g", "pos": "inf"},
            {"id": "h", "name": "h", "pos": [1]},
            {"id": "i", "name": "i", "pos": 18446744073709551615_u64},
            {"id": "j", "name": "j", "pos": -9223372036854775808_i64}
        ],
        "cards": []
    });
    let (plan, _) = small(&export.to_string()).unwrap();
    let order: Vec<&str> = plan.lists.iter().map(|l| l.title.as_str()).collect();
    assert_eq!(order, ["b", "j", "d", "e", "f", "g", "h", "c", "i", "a"]);
    // Numbers JSON cannot hold as a double are not JSON we read.
    let error = small(r#"{"id": "b", "lists": [{"id": "a", "pos": 1e400}], "cards": []}"#);
    assert!(
        matches!(error, Err(TrelloError::NotJson { .. })),
        "{error:?}"
    );
}

#[test]
fn things_trello_has_and_boards_here_do_not_are_counted() {
    let export = json!({
        "id": "b", "lists": [{"id": "l", "name": "l"}],
        "cards": [{"id": "c", "idList": "l", "name": "c", "stickers": [{}, {}],
                   "idMembersVoted": ["m1", "m2", "m3"], "customFieldItems": [{}],
                   "pluginData": [{}]}],
        "customFields": [{}], "powerUps": ["calendar"], "pluginData": [],
        "actions": [{"id": "a", "type": "updateCard"}], "closed": true
    });
    let (_, report) = small(&export.to_string()).unwrap();
    assert_eq!(
        report.skipped,
        [
            "the board is closed (archived) on Trello; it is imported open",
            "1 card whose creator is not in the member map is owned by the importing member",
            "not imported: 1 custom field, 1 custom field value, 1 power-up, 1 power-up \
             setting, 2 stickers, 3 votes and 1 other action (Trello's history of moves and edits)",
        ]
    );
}

#[test]
fn long_reports_say_how_much_they_leave_out() {
    let cards: Vec<Value> = (0..600)
        .map(|n| json!({"id": format!("c{n}"), "idList": "gone", "name": "Lost"}))
        .collect();
    let export = json!({"id": "b", "lists": [], "cards": cards});
    let (_, report) = small(&export.to_string()).unwrap();
    assert_eq!(report.skipped.len(), MAX_REPORT_LINES + 1);
    assert_eq!(
        report.skipped[MAX_REPORT_LINES],
        "and 100 more lines like these, left out of this report"
    );
}

#[test]
fn the_module_example_runs() {
    let export = br#"{
          "id": "b1", "name": "Fair",
          "lists": [{ "id": "l1", "name": "To do", "pos": 1 }],
          "cards": [{ "id": "c1", "idList": "l1", "name": "Book the hall", "pos": 1 }],
          "members": [{ "id": "m1", "username": "alva" }]
        }"#;
    let members = MemberMap::from_toml("[members]\nalva = \"1\"\n").unwrap();
    let importer: MemberId = "1".parse().unwrap();
    let (plan, report) = plan_import(export, &members, &importer).unwrap();
    assert_eq!((report.lists, report.cards), (1, 1));
    let mut board = Board::default();
    let at = "2027-03-01T09:00:00Z".parse().unwrap();
    for event in board
        .decide(BoardCommand::Import(Box::new(plan)), at)
        .unwrap()
    {
        board.apply(&event).unwrap();
    }
    assert_eq!(board.title(), "Fair");
}
