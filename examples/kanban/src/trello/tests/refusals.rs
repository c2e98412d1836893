//! What is refused, and how it is named: member maps that do not fit, and exports that
//! are not JSON, not a board, too large, too many or too deep.

use std::collections::BTreeMap;

use super::{SMALL, member, members, small};
use crate::board::MAX_THINGS;
use crate::trello::{
    Limits, MAX_EXPORT_BYTES, MAX_MEMBER_MAP_BYTES, MemberMap, TrelloError, plan_import,
    plan_within,
};

#[test]
fn member_maps_read_toml_and_json() {
    let map = MemberMap::from_toml(
        "# who is who\n[members]\nryanhimmelwright = \"2\"\n\"599d995a97a48d942e3cf4f2\" = \"3\"\n",
    )
    .unwrap();
    assert_eq!(map.len(), 2);
    assert_eq!(map.get("ryanhimmelwright"), Some(&member("2")));
    // By Trello id first, then by username.
    assert_eq!(
        map.find("599d995a97a48d942e3cf4f2", Some("ryanhimmelwright")),
        Some(&member("3"))
    );
    assert_eq!(
        map.find("unknown", Some("ryanhimmelwright")),
        Some(&member("2"))
    );
    assert_eq!(map.find("unknown", None), None);
    assert!(MemberMap::from_toml("").unwrap().is_empty());

    let json: MemberMap = serde_json::from_str(r#"{"ryanhimmelwright": "2"}"#).unwrap();
    assert_eq!(json, members(&[("ryanhimmelwright", "2")]));
    assert!(serde_json::from_str::<MemberMap>(r#"{"x": ""}"#).is_err());
    let from: MemberMap = BTreeMap::from([("x".to_owned(), member("7"))]).into();
    assert_eq!(from.iter().collect::<Vec<_>>(), [("x", &member("7"))]);
}

#[test]
fn member_maps_that_do_not_fit_are_refused_naming_why() {
    let error = MemberMap::from_toml("[members\nx = \"1\"\n").unwrap_err();
    assert!(
        matches!(error, TrelloError::MemberMap { line: 1, .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("the member map cannot be read: "),
        "{error}"
    );

    let error = MemberMap::from_toml("[members]\nx = 2\n").unwrap_err();
    assert!(
        matches!(error, TrelloError::MemberMap { line: 2, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("expected a string"), "{error}");

    let error = MemberMap::from_toml("[member]\nx = \"2\"\n").unwrap_err();
    assert!(
        error.to_string().contains("unknown field `member`"),
        "{error}"
    );

    let error = MemberMap::from_toml("[members]\nx = \"\"\n").unwrap_err();
    assert_eq!(
        error.to_string(),
        "the member map maps `x` to an invalid member: member id `` is not valid: 1 to 64 bytes, no control characters"
    );

    let huge = " ".repeat(MAX_MEMBER_MAP_BYTES + 1);
    let error = MemberMap::from_toml(&huge).unwrap_err();
    assert!(matches!(
        error,
        TrelloError::TooLarge {
            what: "member map",
            ..
        }
    ));
}

#[test]
fn what_is_not_json_is_refused_naming_the_place() {
    let error = small("{\"id\": \"b\",\n  \"lists\": [}").unwrap_err();
    assert_eq!(
        error,
        TrelloError::NotJson {
            message: "expected value".into(),
            line: 2,
            column: 13
        }
    );
    assert_eq!(
        error.to_string(),
        "the export cannot be read as JSON: expected value (line 2, column 13)"
    );
    for input in [
        "",
        "not json",
        "{",
        "\u{0}",
        "{\"id\": \"b\"} trailing",
        "\u{feff}{}",
    ] {
        let error = small(input).unwrap_err();
        assert!(
            matches!(error, TrelloError::NotJson { .. }),
            "{input:?}: {error:?}"
        );
    }
}

#[test]
fn json_that_is_not_a_board_export_is_refused() {
    let error = small("[1, 2]").unwrap_err();
    assert_eq!(
        error.to_string(),
        "the export is not a Trello board export: invalid type: sequence, expected a \
         Trello board export (a JSON object) (line 1, column 1)"
    );
    for input in ["null", "42", "\"board\"", "true", "[[[[]]]]"] {
        let error = small(input).unwrap_err();
        assert!(
            matches!(error, TrelloError::NotABoard { .. }),
            "{input}: {error:?}"
        );
    }
    let missing = small("{}").unwrap_err();
    assert!(
        missing.to_string().contains("missing field `id`"),
        "{missing}"
    );
    let missing = small(r#"{"id": "b", "cards": []}"#).unwrap_err();
    assert!(
        missing.to_string().contains("missing field `lists`"),
        "{missing}"
    );
    let wrong = small(r#"{"id": "b", "lists": 5, "cards": []}"#).unwrap_err();
    assert!(
        matches!(wrong, TrelloError::NotABoard { line: 1, .. }),
        "{wrong:?}"
    );
    let wrong = small(r#"{"id": "b", "lists": [], "cards": [{"id": 7}]}"#).unwrap_err();
    assert!(wrong.to_string().contains("expected a string"), "{wrong}");

    let blank = small(r#"{"id": "", "lists": [], "cards": []}"#).unwrap_err();
    assert_eq!(blank, TrelloError::BoardId { id: String::new() });
    let long = format!(
        r#"{{"id": "{}", "lists": [], "cards": []}}"#,
        "x".repeat(200)
    );
    assert!(matches!(small(&long), Err(TrelloError::BoardId { .. })));
    // null where Trello may write null is taken as empty.
    let nulls = r#"{"id": "b", "name": null, "lists": null, "cards": null, "labels": null}"#;
    let (plan, _) = small(nulls).unwrap();
    assert_eq!(plan.title, "Imported board");
}

#[test]
fn too_large_an_export_is_refused_unread() {
    let export = vec![b' '; MAX_EXPORT_BYTES + 1];
    let error = plan_import(&export, &MemberMap::default(), &member("1")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the export is 67108865 bytes; at most 67108864 bytes are read"
    );
    let limits = Limits {
        bytes: 100,
        things: MAX_THINGS as usize,
    };
    let error = plan_within(
        SMALL.as_bytes(),
        &MemberMap::default(),
        &member("1"),
        limits,
    )
    .unwrap_err();
    assert_eq!(
        error,
        TrelloError::TooLarge {
            what: "export",
            size: SMALL.len(),
            max: 100
        }
    );
}

#[test]
fn too_many_entries_are_refused_once_counted() {
    // 2 labels, 3 lists, 3 cards with 1 attachment, 1 checklist with 2 items,
    // 3 actions and 2 members.
    let within = |things| {
        plan_within(
            SMALL.as_bytes(),
            &MemberMap::default(),
            &member("1"),
            Limits {
                bytes: MAX_EXPORT_BYTES,
                things,
            },
        )
    };
    assert!(within(17).is_ok());
    assert_eq!(
        within(16).unwrap_err(),
        TrelloError::TooMany { count: 17, max: 16 }
    );
    // A flood of empty cards is refused before any is kept.
    let flood = format!(
        r#"{{"id": "b", "lists": [], "cards": [{}{{}}]}}"#,
        "{},".repeat(MAX_THINGS as usize)
    );
    let error = small(&flood).unwrap_err();
    assert!(
        matches!(error, TrelloError::TooMany { count: 200_001, .. }),
        "{error:?}"
    );
}

#[test]
fn deep_nesting_is_refused_or_ignored_never_a_panic() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_object = format!("{}1{}", r#"{"a":"#.repeat(100_000), "}".repeat(100_000));
    for nested in [&deep, &deep_object] {
        // Where nothing is read, it is passed over.
        let ignored = format!(r#"{{"id": "b", "lists": [], "cards": [], "prefs": {nested}}}"#);
        assert!(small(&ignored).is_ok());
        let in_action = format!(
            r#"{{"id": "b", "lists": [], "cards": [], "actions": [{{"type": "x", "data": {nested}}}]}}"#
        );
        assert!(small(&in_action).is_ok());
        let as_pos =
            format!(r#"{{"id": "b", "lists": [{{"id": "l", "pos": {nested}}}], "cards": []}}"#);
        assert!(small(&as_pos).is_ok());
        // Where a value is read, it is refused.
        for place in [
            format!(r#"{{"id": {nested}, "lists": [], "cards": []}}"#),
            format!(r#"{{"id": "b", "lists": [{nested}], "cards": []}}"#),
            format!(
                r#"{{"id": "b", "lists": [], "cards": [{{"id": "c", "idLabels": {nested}}}]}}"#
            ),
            nested.clone(),
        ] {
            assert!(small(&place).is_err());
        }
    }
}
