//! Small exports read: the model each part of an export gives, and what is reported
//! and why, the same from a folder and from a zip.

use super::read_ok;
use crate::slack::{
    ConversationKind, Edited, File, MAX_NAME_CHARS, MAX_REPORT_LINES, MAX_TEXT_CHARS, Reaction, Ts,
    User,
};

fn ts(text: &str) -> Ts {
    text.parse().unwrap()
}

const USERS: &str = r#"[
  {"id": "U1", "name": "alva", "real_name": "Alva Berg", "deleted": false, "is_bot": false,
   "profile": {"real_name": "Alva B", "image_72": "x"}, "tz": "Europe/Oslo"},
  {"id": "U2", "name": "bot", "profile": {"real_name": "Bot Profile"}, "is_bot": true},
  {"id": "U3", "name": "gone", "deleted": true, "real_name": null}
]"#;

const CHANNELS: &str = r#"[
  {"id": "C1", "name": "general", "created": 1555493778, "creator": "U1", "is_archived": false,
   "members": ["U1", "U2", "U1"], "topic": {"value": "Hello", "creator": "U1", "last_set": 1},
   "purpose": {"value": "All of us"}, "is_general": true},
  {"id": "C2", "name": "old", "created": 0, "is_archived": true, "members": null, "topic": "plain"}
]"#;

#[test]
fn an_export_reads_into_its_model() {
    let (export, report) = read_ok(&[
        ("users.json", USERS),
        ("channels.json", CHANNELS),
        (
            "groups.json",
            r#"[{"id": "G1", "name": "secret", "members": ["U1"]}]"#,
        ),
        (
            "dms.json",
            r#"[{"id": "D1", "created": 1, "members": ["U1", "U2"]}]"#,
        ),
        (
            "mpims.json",
            r#"[{"id": "M1", "name": "mpdm-alva--bot-1", "members": ["U1", "U2", "U3"]}]"#,
        ),
        ("general/2025-01-10.json", "[]"),
    ]);
    assert_eq!(
        export.users,
        [
            User {
                id: "U1".into(),
                name: "alva".into(),
                real_name: "Alva Berg".into(),
                deleted: false,
                is_bot: false
            },
            User {
                id: "U2".into(),
                name: "bot".into(),
                real_name: "Bot Profile".into(),
                deleted: false,
                is_bot: true
            },
            User {
                id: "U3".into(),
                name: "gone".into(),
                real_name: String::new(),
                deleted: true,
                is_bot: false
            },
        ]
    );
    let summary: Vec<_> = export
        .conversations
        .iter()
        .map(|c| (c.id.as_str(), c.name.as_str(), c.kind, c.members.len()))
        .collect();
    assert_eq!(
        summary,
        [
            ("C1", "general", ConversationKind::Public, 2),
            ("C2", "old", ConversationKind::Public, 0),
            ("G1", "secret", ConversationKind::Private, 1),
            ("D1", "D1", ConversationKind::Direct, 2),
            ("M1", "mpdm-alva--bot-1", ConversationKind::Group, 3),
        ]
    );
    let general = export.conversation("C1").unwrap();
    assert_eq!(general.members, ["U1", "U2"]);
    assert_eq!(general.created, Some(ts("1555493778.0")));
    assert_eq!(general.creator.as_deref(), Some("U1"));
    assert_eq!(
        (general.topic.as_str(), general.purpose.as_str()),
        ("Hello", "All of us")
    );
    let old = export.conversation("C2").unwrap();
    assert_eq!((old.created, old.archived), (None, true));
    assert_eq!((old.topic.as_str(), old.purpose.as_str()), ("plain", ""));
    assert_eq!(export.user("U2").map(|u| u.is_bot), Some(true));
    assert_eq!(report.skipped, Vec::<String>::new());
    assert_eq!(
        (report.files_read, report.day_files, report.messages),
        (6, 1, 0)
    );
}

#[test]
fn messages_read_with_their_threads_edits_reactions_and_files() {
    let day = r#"[
      {"type": "message", "ts": "1736478630.905399", "user": "U1", "text": "Parent",
       "thread_ts": "1736478630.905399", "reply_count": 1,
       "reactions": [{"name": "+1", "users": ["U2", "U2", "U1"], "count": 3},
                     {"name": "+1", "users": ["U3"]}, {"name": "", "users": []}, 7],
       "edited": {"user": "U1", "ts": "1736478700.000000"}},
      {"type": "message", "subtype": "bot_message", "ts": "1736478631.000100",
       "bot_id": "B1", "username": "deploys", "text": "Shipped", "thread_ts": "1736478630.905399",
       "files": [{"id": "F1", "name": "a.png", "title": "A", "mimetype": "image/png",
                  "size": 42, "url_private": "https://files.slack.com/a.png", "thumb_64": "…"},
                 {"id": "F2", "mode": "tombstone"}, {"name": "no id"}]}
    ]"#;
    let (export, report) = read_ok(&[
        ("channels.json", r#"[{"id": "C1", "name": "general"}]"#),
        ("general/2025-01-10.json", day),
    ]);
    let messages = &export.conversation("C1").unwrap().messages;
    let [parent, reply] = messages.as_slice() else {
        panic!("{messages:?}")
    };
    assert!(parent.is_thread_parent() && !parent.is_reply());
    assert!(reply.is_reply() && !reply.is_thread_parent());
    assert_eq!(parent.user.as_deref(), Some("U1"));
    assert_eq!(
        parent.edited,
        Some(Edited {
            user: Some("U1".into()),
            ts: ts("1736478700.0")
        })
    );
    assert_eq!(
        parent.reactions,
        [Reaction {
            name: "+1".into(),
            users: vec!["U2".into(), "U1".into(), "U3".into()]
        }]
    );
    assert_eq!(
        (
            reply.subtype.as_deref(),
            reply.bot_id.as_deref(),
            reply.username.as_deref(),
            reply.user.as_deref()
        ),
        (Some("bot_message"), Some("B1"), Some("deploys"), None)
    );
    assert_eq!(
        reply.files,
        [
            File {
                id: "F1".into(),
                name: "a.png".into(),
                title: "A".into(),
                mimetype: "image/png".into(),
                size: Some(42),
                url: Some("https://files.slack.com/a.png".into())
            },
            File {
                id: "F2".into(),
                name: String::new(),
                title: String::new(),
                mimetype: String::new(),
                size: None,
                url: None
            }
        ]
    );
    let place = "`general/2025-01-10.json` message";
    assert_eq!(
        report.skipped,
        [
            format!("{place} 1 (ts 1736478630.905399) reaction 3 skipped: it has no `name`"),
            format!("{place} 1 (ts 1736478630.905399) reaction 4 skipped: it is not an object"),
            format!("{place} 2 (ts 1736478631.000100) file 3 skipped: it has no `id` (as text)"),
        ]
    );
    assert_eq!((report.entries_skipped, report.messages), (3, 2));
}

#[test]
fn messages_come_in_timestamp_order_each_timestamp_once() {
    let (export, report) = read_ok(&[
        ("channels.json", r#"[{"id": "C1", "name": "general"}]"#),
        (
            "general/2025-01-11.json",
            r#"[{"ts": "30.0", "text": "c"}, {"ts": "10.0", "text": "dup, later file"}]"#,
        ),
        (
            "general/2025-01-10.json",
            r#"[{"ts": "20.0", "text": "b"}, {"ts": "10.0", "text": "a"}, {"ts": "20.000000", "text": "dup"}]"#,
        ),
    ]);
    let texts: Vec<_> = export.conversations[0]
        .messages
        .iter()
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(texts, ["a", "b", "c"]);
    assert_eq!(
        report.skipped,
        [
            "`general/2025-01-11.json` message 2 (ts 10.000000) skipped: a message with this ts came first (in `general/2025-01-10.json`)",
            "`general/2025-01-10.json` message 3 (ts 20.000000) skipped: a message with this ts came first (in `general/2025-01-10.json`)",
        ]
    );
    assert_eq!((report.messages, report.entries_skipped), (3, 2));
}

#[test]
fn day_files_are_found_by_name_or_id_for_every_kind() {
    let (export, report) = read_ok(&[
        ("channels.json", r#"[{"id": "C1", "name": "general"}]"#),
        ("groups.json", r#"[{"id": "G1", "name": "secret"}]"#),
        ("dms.json", r#"[{"id": "D1"}]"#),
        ("mpims.json", r#"[{"id": "M1", "name": "mpdm-a--b-1"}]"#),
        ("C1/2025-01-01.json", r#"[{"ts": "1.0"}]"#),
        ("general/2025-01-02.json", r#"[{"ts": "2.0"}]"#),
        ("secret/2025-01-01.json", r#"[{"ts": "3.0"}]"#),
        ("D1/2025-01-01.json", r#"[{"ts": "4.0"}]"#),
        ("mpdm-a--b-1/2025-01-01.json", r#"[{"ts": "5.0"}]"#),
        ("M1/2025-01-02.json", r#"[{"ts": "6.0"}]"#),
    ]);
    let counts: Vec<_> = export
        .conversations
        .iter()
        .map(|c| (c.id.as_str(), c.messages.len()))
        .collect();
    assert_eq!(counts, [("C1", 2), ("G1", 1), ("D1", 1), ("M1", 2)]);
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert_eq!(report.day_files, 6);
}

#[test]
fn what_is_not_part_of_an_export_is_passed_over_and_reported() {
    let (export, report) = read_ok(&[
        ("channels.json", r#"[{"id": "C1", "name": "general"}]"#),
        ("integration_logs.json", "not even json"),
        ("general/2025-01-10.json", r#"[{"ts": "1.0"}]"#),
        ("general/notes.txt", "hello"),
        ("general/2025-13-45.json", "[]"),
        ("general/attachments/F1.png", "png"),
        ("random/2025-01-10.json", "[broken"),
        ("2025-01-10.json", "[]"),
    ]);
    assert_eq!(export.conversations[0].messages.len(), 1);
    assert_eq!(
        report.skipped,
        [
            "`2025-01-10.json` skipped: not part of a Slack export (lists at its root, and `<conversation>/YYYY-MM-DD.json`)",
            "`general/2025-13-45.json` skipped: not part of a Slack export (lists at its root, and `<conversation>/YYYY-MM-DD.json`)",
            "`general/attachments/F1.png` skipped: not part of a Slack export (lists at its root, and `<conversation>/YYYY-MM-DD.json`)",
            "`general/notes.txt` skipped: not part of a Slack export (lists at its root, and `<conversation>/YYYY-MM-DD.json`)",
            "`integration_logs.json` skipped: not part of a Slack export (lists at its root, and `<conversation>/YYYY-MM-DD.json`)",
            "`random/2025-01-10.json` skipped: no conversation has the name or id `random`",
        ]
    );
    assert_eq!((report.files_skipped, report.files_read), (6, 2));
}

#[test]
fn an_empty_export_is_empty() {
    let (export, report) = read_ok(&[]);
    assert_eq!(export, Default::default());
    assert_eq!(report, Default::default());
}

#[test]
fn entries_that_cannot_be_taken_are_skipped_and_reported() {
    let (export, report) = read_ok(&[
        (
            "users.json",
            r#"[{"id": "U1", "name": "a"}, {"id": "U1", "name": "again"}, {"name": "no id"},
                {"id": 7}, "text", null, {"id": ""}, {"id": "U\u0000"}]"#,
        ),
        (
            "channels.json",
            r#"[{"id": "C1", "name": "general"}, {"id": "C1", "name": "twice"}, [1]]"#,
        ),
        (
            "groups.json",
            r#"[{"id": "C1", "name": "same id as a channel"}]"#,
        ),
        (
            "general/2025-01-10.json",
            r#"[{"ts": "1.0", "user": "U1"}, {"text": "no ts"}, {"ts": 1.5}, {"ts": "yesterday"},
                {"ts": "2.0", "user": 5, "thread_ts": "nope", "edited": {"ts": "later"},
                 "reactions": "many", "files": {"id": "F"}}, 42]"#,
        ),
    ]);
    assert_eq!(export.users.len(), 1);
    assert_eq!(export.users[0].name, "a");
    assert_eq!(export.conversations.len(), 1);
    let messages = &export.conversations[0].messages;
    assert_eq!(messages.len(), 2);
    let second = &messages[1];
    assert_eq!(
        (second.user.clone(), second.thread_ts, second.edited.clone()),
        (None, None, None)
    );
    assert!(second.reactions.is_empty() && second.files.is_empty());
    let day = "`general/2025-01-10.json` message";
    assert_eq!(
        report.skipped,
        [
            "`users.json` user 2 (`U1`) skipped: a user with this id came first".to_owned(),
            "`users.json` user 3 skipped: it has no `id` (as text)".into(),
            "`users.json` user 4 skipped: it has no `id` (as text)".into(),
            "`users.json` user 5 skipped: it is not an object".into(),
            "`users.json` user 6 skipped: it is not an object".into(),
            "`users.json` user 7 skipped: its `id` `` is not an id (1 to 256 bytes, no control characters)".into(),
            "`users.json` user 8 skipped: its `id` `U\\u{0}` is not an id (1 to 256 bytes, no control characters)".into(),
            "`channels.json` conversation 2 (`C1`) skipped: a conversation with this id came first".into(),
            "`channels.json` conversation 3 skipped: it is not an object".into(),
            "`groups.json` conversation 1 (`C1`) skipped: a conversation with this id came first".into(),
            format!("{day} 2 skipped: it has no `ts` (as text)"),
            format!("{day} 3 skipped: it has no `ts` (as text)"),
            format!("{day} 4 skipped: `yesterday` is not a Slack timestamp (1 to 10 digits, a dot and 1 to 6 digits, as `1736478514.897649`)"),
            format!("{day} 5 (ts 2.000000): its `edited.ts` is left out: `later` is not a Slack timestamp (1 to 10 digits, a dot and 1 to 6 digits, as `1736478514.897649`)"),
            format!("{day} 5 (ts 2.000000): its `user` is not text; left out"),
            format!("{day} 5 (ts 2.000000): its `thread_ts` is left out: `nope` is not a Slack timestamp (1 to 10 digits, a dot and 1 to 6 digits, as `1736478514.897649`)"),
            format!("{day} 6 skipped: it is not an object"),
        ]
    );
    assert_eq!((report.entries_skipped, report.values_changed), (14, 3));
}

#[test]
fn long_text_is_cut_and_reported_long_ids_left_out() {
    let long_text = "é".repeat(MAX_TEXT_CHARS + 5);
    let long_name = "n".repeat(MAX_NAME_CHARS + 1);
    let long_id = "U".repeat(257);
    let day = format!(
        r#"[{{"ts": "1.0", "text": "{long_text}", "user": "{long_id}", "username": "{long_name}"}}]"#
    );
    let users = format!(r#"[{{"id": "{long_id}"}}, {{"id": "U1", "real_name": "{long_name}"}}]"#);
    let (export, report) = read_ok(&[
        ("users.json", &users),
        ("channels.json", r#"[{"id": "C1", "name": "general"}]"#),
        ("general/2025-01-10.json", &day),
    ]);
    let message = &export.conversations[0].messages[0];
    assert_eq!(message.text.chars().count(), MAX_TEXT_CHARS);
    assert!(long_text.starts_with(&message.text));
    assert_eq!(message.user, None);
    assert_eq!(
        message.username.as_ref().map(|n| n.len()),
        Some(MAX_NAME_CHARS)
    );
    assert_eq!(export.users[0].real_name.len(), MAX_NAME_CHARS);
    let lines: Vec<&str> = report.skipped.iter().map(String::as_str).collect();
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert!(
        lines[0].starts_with("`users.json` user 1 skipped: its `id` `UUUU"),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("…` is not an id"), "{}", lines[0]);
    assert_eq!(
        lines[1],
        "`users.json` user 2 (`U1`): its `real_name` of 1001 characters is cut to the first 1000"
    );
    assert_eq!(
        lines[2],
        "`general/2025-01-10.json` message 1 (ts 1.000000): its text of 40005 characters is cut to the first 40000"
    );
    assert!(lines[3].contains("its `user` `UUU"), "{}", lines[3]);
    assert!(lines[4].ends_with("its `username` of 1001 characters is cut to the first 1000"));
    assert_eq!((report.entries_skipped, report.values_changed), (1, 4));
}

#[test]
fn reports_are_capped_and_say_how_much_more() {
    let day = format!("[{}{{}}]", "{},".repeat(MAX_REPORT_LINES + 9));
    let (_, report) = read_ok(&[
        ("channels.json", r#"[{"id": "C1", "name": "general"}]"#),
        ("general/2025-01-10.json", &day),
    ]);
    assert_eq!(report.skipped.len(), MAX_REPORT_LINES + 1);
    assert_eq!(report.entries_skipped, MAX_REPORT_LINES + 10);
    assert_eq!(
        report.skipped.last().map(String::as_str),
        Some("… and 10 more lines like these, not listed")
    );
}

#[test]
fn a_folder_two_conversations_claim_goes_to_the_first() {
    let (export, report) = read_ok(&[
        ("channels.json", r#"[{"id": "C1", "name": "D1"}]"#),
        ("dms.json", r#"[{"id": "D1"}]"#),
        ("D1/2025-01-10.json", r#"[{"ts": "1.0"}]"#),
    ]);
    assert_eq!(export.conversations[0].messages.len(), 1);
    assert!(export.conversations[1].messages.is_empty());
    assert_eq!(
        report.skipped,
        ["conversation `D1`: the folder `D1` is taken as conversation `C1`'s, which came first"]
    );
}
