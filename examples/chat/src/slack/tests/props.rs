//! Property tests: any bytes as a zip and any JSON-ish day file are read or refused,
//! never a panic; any small export reads the same from a folder and a zip; timestamps
//! show and parse back.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::{Shape, read_all, zip_with};
use crate::slack::{Ts, read_zip};

/// JSON values of the shapes Slack messages have, and of others.
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        "[a-z0-9 .\u{0}é]{0,12}".prop_map(Value::String),
        (0_u64..2_000_000_000, 0_u32..1_000_000)
            .prop_map(|(s, m)| Value::String(format!("{s}.{m:06}"))),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("ts".to_owned()),
                    Just("user".to_owned()),
                    Just("text".to_owned()),
                    Just("thread_ts".to_owned()),
                    Just("edited".to_owned()),
                    Just("reactions".to_owned()),
                    Just("users".to_owned()),
                    Just("name".to_owned()),
                    Just("files".to_owned()),
                    Just("id".to_owned()),
                    "[a-z_]{1,6}",
                ],
                inner,
                0..6
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// A small export: users, one channel and a direct conversation, and day files of
/// generated messages, some of them wrong.
fn export() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    let message = (
        prop_oneof![
            (0_u64..50, 0_u32..3).prop_map(|(s, m)| Value::String(format!("{s}.{m}"))),
            Just(Value::Null),
            Just(json!("nope")),
        ],
        "[a-zé ]{0,8}",
        prop::option::of(0_u8..4),
        prop::option::of(0_u64..50),
    )
        .prop_map(|(ts, text, user, thread)| {
            let mut message = json!({"type": "message", "ts": ts, "text": text});
            if let Some(user) = user {
                message["user"] = json!(format!("U{user}"));
            }
            if let Some(thread) = thread {
                message["thread_ts"] = json!(format!("{thread}.0"));
            }
            message
        });
    let day = (0_u8..4, 1_u8..28, prop::collection::vec(message, 0..6));
    (
        prop::collection::vec((0_u8..6, any::<bool>(), any::<bool>()), 0..5),
        prop::collection::vec(day, 0..5),
        prop::collection::vec("[a-z]{1,3}", 0..3),
    )
        .prop_map(|(users, days, stray)| {
            let users: Vec<Value> = users
                .into_iter()
                .map(|(id, deleted, is_bot)| {
                    json!({"id": format!("U{id}"), "name": format!("user{id}"), "deleted": deleted, "is_bot": is_bot})
                })
                .collect();
            let mut files = vec![
                ("users.json".to_owned(), serde_json::to_vec(&users).unwrap()),
                (
                    "channels.json".to_owned(),
                    br#"[{"id": "C1", "name": "general", "members": ["U1", "U2"]}]"#.to_vec(),
                ),
                ("dms.json".to_owned(), br#"[{"id": "D1", "members": ["U1"]}]"#.to_vec()),
            ];
            let mut seen = std::collections::BTreeSet::new();
            for (folder, day, messages) in days {
                let folder = ["general", "C1", "D1", "elsewhere"][usize::from(folder)];
                let path = format!("{folder}/2025-01-{day:02}.json");
                if seen.insert(path.clone()) {
                    files.push((path, serde_json::to_vec(&messages).unwrap()));
                }
            }
            for name in stray {
                if seen.insert(format!("general/{name}.txt")) {
                    files.push((format!("general/{name}.txt"), b"x".to_vec()));
                }
            }
            files
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_bytes_as_a_zip_are_read_or_refused(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read_zip(&bytes);
    }

    #[test]
    fn a_damaged_zip_is_read_or_refused(
        export in export(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut bytes = zip_with(&export, Shape::default());
        for (at, byte) in flips {
            let at = at.index(bytes.len());
            bytes[at] = byte;
        }
        let _ = read_zip(&bytes);
    }

    #[test]
    fn any_json_as_a_day_file_is_read_or_refused(messages in prop::collection::vec(value(), 0..8)) {
        let day = serde_json::to_string(&messages).unwrap();
        let files = [
            ("channels.json", r#"[{"id": "C1", "name": "general"}]"#),
            ("general/2025-01-10.json", day.as_str()),
        ];
        let (export, report) = read_all(&files).unwrap();
        let kept = export.conversations[0].messages.len();
        prop_assert_eq!(kept, report.messages);
        prop_assert!(kept <= messages.len());
        prop_assert!(export.conversations[0].messages.windows(2).all(|m| m[0].ts < m[1].ts));
    }

    #[test]
    fn any_json_as_a_list_is_read_or_refused(entries in value()) {
        let text = serde_json::to_string(&entries).unwrap();
        for list in ["users.json", "channels.json", "dms.json"] {
            let _ = read_all(&[(list, text.as_str())]);
        }
    }

    #[test]
    fn a_folder_and_a_zip_read_the_same(export in export()) {
        let files: Vec<(&str, &str)> = export
            .iter()
            .map(|(path, bytes)| (path.as_str(), std::str::from_utf8(bytes).unwrap()))
            .collect();
        // `read_all` checks the folder and every shape of zip read the same.
        let (read, report) = read_all(&files).unwrap();
        for conversation in &read.conversations {
            prop_assert!(conversation.messages.windows(2).all(|m| m[0].ts < m[1].ts));
        }
        prop_assert_eq!(report.day_files + 3, report.files_read);
    }

    #[test]
    fn timestamps_show_and_parse_back(secs in 0_u64..=9_999_999_999, micros in 0_u32..1_000_000) {
        let ts = Ts::new(secs, micros).unwrap();
        let shown = ts.to_string();
        prop_assert_eq!(shown.parse::<Ts>(), Ok(ts));
        prop_assert_eq!(serde_json::from_str::<Ts>(&serde_json::to_string(&ts).unwrap()).unwrap(), ts);
        prop_assert!(ts.to_utc().is_some());
    }

    #[test]
    fn any_text_parses_or_is_refused(text in "[0-9.]{0,20}|\\PC{0,20}") {
        if let Ok(ts) = text.parse::<Ts>() {
            // What parses keeps its order as a number of micro-seconds.
            let (secs, fraction) = text.split_once('.').unwrap();
            prop_assert_eq!(ts.secs(), secs.parse::<u64>().unwrap());
            prop_assert_eq!(u64::from(ts.micros()), format!("{fraction:0<6}").parse::<u64>().unwrap());
        }
    }
}
