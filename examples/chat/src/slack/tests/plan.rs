//! Plans from read exports: what a channel gets, what is said about what it does not,
//! and that every plan imports, again and again, adding nothing the second time.

use std::collections::BTreeMap;

use andel_journal::Aggregate;
use proptest::prelude::*;

use super::{read_ok, real_export};
use crate::channel::{Channel, ChannelCommand, ChannelKind, ImportPlan, MessageId, Origin};
use crate::slack::{MemberMap, MemberMapError, plan_import, read_folder};

fn member(id: &str) -> andel_consent::MemberId {
    id.parse().unwrap()
}

fn map(text: &str) -> MemberMap {
    MemberMap::from_toml(text).unwrap()
}

/// Imports `plan` into `channel`, giving how many events it recorded.
fn import(channel: &mut Channel, plan: &ImportPlan) -> usize {
    let at = "2027-03-01T09:00:00Z".parse().unwrap();
    let events = channel
        .decide(ChannelCommand::Import(Box::new(plan.clone())), at)
        .unwrap();
    for event in &events {
        channel.apply(event).unwrap();
    }
    events.len()
}

const USERS: &str = r#"[
  {"id": "U1", "name": "alva"}, {"id": "U2", "name": "bo"}, {"id": "U3", "name": "stranger"},
  {"id": "UB", "name": "robot", "is_bot": true}
]"#;

#[test]
fn a_conversation_becomes_a_channel_with_its_threads_mentions_and_reactions() {
    let (export, _) = read_ok(&[
        ("users.json", USERS),
        (
            "channels.json",
            r#"[{"id": "C1", "name": "general", "members": ["U1", "U2", "U3"], "topic": {"value": "Fair"}}]"#,
        ),
        (
            "general/2025-01-10.json",
            r#"[
              {"ts": "1.000001", "user": "U1", "text": "hi <@U2> and <@U3|stranger>\r\nbye",
               "reactions": [{"name": "tada", "users": ["U2", "U3"]}]},
              {"ts": "2.000001", "user": "U2", "text": "reply", "thread_ts": "1.000001"},
              {"ts": "3.000001", "user": "U2", "text": "shown too", "thread_ts": "1.000001", "subtype": "thread_broadcast"},
              {"ts": "4.000001", "user": "U3", "text": "a stranger's root", "thread_ts": "4.000001"},
              {"ts": "5.000001", "user": "U1", "text": "under it", "thread_ts": "4.000001"},
              {"ts": "6.000001", "user": "U3", "text": "a stranger's words"},
              {"ts": "7.000001", "user": "U1", "text": "orphan", "thread_ts": "0.500000"},
              {"ts": "8.000001", "subtype": "bot_message", "bot_id": "B1", "username": "robot", "text": "beep"},
              {"ts": "9.000001", "user": "U2", "subtype": "channel_join", "text": "<@U2> joined"},
              {"ts": "9.500001", "user": "U1", "text": "edited", "edited": {"user": "U1", "ts": "9.600000"}}
            ]"#,
        ),
    ]);
    let members = map("[members]\nU1 = \"1\"\nbo = \"2\"\n");
    let (plans, report) = plan_import(&export, &members, &member("1"));
    let [plan] = plans.as_slice() else {
        panic!("{plans:?}")
    };
    assert_eq!(
        (plan.name.as_str(), plan.kind, plan.topic.as_str()),
        ("general", ChannelKind::Public, "Fair")
    );
    assert_eq!(plan.origin, Origin("slack:C1".into()));
    assert_eq!(plan.members, [member("1"), member("2")].into());
    let texts: Vec<_> = plan.messages.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "hi <@2> and @stranger\nbye",
            "reply",
            "shown too",
            "",
            "under it",
            "orphan",
            "edited"
        ]
    );
    assert_eq!(
        plan.messages[0].reactions,
        [("tada".to_string(), member("2"))]
    );
    assert!(plan.messages[2].broadcast);
    assert_eq!(
        plan.messages[3].author, None,
        "a stranger's root stays as a place"
    );
    assert_eq!(
        plan.messages[4].thread,
        Some(Origin("slack:C1:4.000001".into()))
    );
    assert_eq!(
        plan.messages[5].thread, None,
        "a reply without its root comes into the channel"
    );
    assert_eq!(
        (
            report.channels,
            report.messages,
            report.replies,
            report.vanished,
            report.reactions,
            report.edited,
            report.messages_skipped
        ),
        (1, 7, 3, 1, 1, 1, 2)
    );
    let notes = report.notes.join("\n");
    for said in [
        "slack:C1:6.000001: not brought: user U3 (stranger) is not a member in the map",
        "slack:C1:8.000001: not brought: bot B1 is not a member in the map",
        "slack:C1:7.000001: a reply whose thread's first message (0.500000) is not in the export",
        "slack:C1:1.000001: 1 reactions by users not in the map",
    ] {
        assert!(notes.contains(said), "{said}\nnot in\n{notes}");
    }
    let mut channel = Channel::default();
    assert!(import(&mut channel, plan) > 0);
    assert_eq!(
        import(&mut channel, plan),
        0,
        "importing again adds nothing"
    );
    assert_eq!(channel.replies(MessageId(1)), [MessageId(2), MessageId(3)]);
    assert_eq!(channel.replies(MessageId(4)), [MessageId(5)]);
}

#[test]
fn direct_conversations_need_two_members_and_bots_come_by_the_map() {
    let (export, _) = read_ok(&[
        ("users.json", USERS),
        (
            "dms.json",
            r#"[{"id": "D1", "members": ["U1", "U3"]}, {"id": "D2", "members": ["U2", "U3"]}]"#,
        ),
        (
            "D1/2025-01-10.json",
            r#"[{"ts": "1.000000", "user": "U1", "text": "psst"}]"#,
        ),
        (
            "D2/2025-01-10.json",
            r#"[{"ts": "1.000000", "subtype": "bot_message", "bot_id": "B1", "text": "ping"}]"#,
        ),
    ]);
    // Importing as member 2: D1 has only Alva of the map besides.
    let members = map("[members]\nU1 = \"1\"\nB1 = \"9\"\n");
    let (plans, report) = plan_import(&export, &members, &member("2"));
    assert_eq!(plans.len(), 2);
    assert_eq!(plans[0].members, [member("1"), member("2")].into());
    assert_eq!(plans[1].messages[0].author, Some(member("9")));
    let (plans, report_alone) = plan_import(&export, &members, &member("1"));
    assert_eq!(plans.len(), 1, "{report_alone:?}");
    assert!(
        report_alone
            .notes
            .iter()
            .any(|n| n.contains("conversation D1 not brought"))
    );
    assert_eq!(report.messages_skipped, 0);
}

#[test]
fn a_member_map_that_does_not_read_says_why() {
    assert!(matches!(
        MemberMap::from_toml("[members]\nU1 = 3\n"),
        Err(MemberMapError::Shape { .. })
    ));
    assert!(matches!(
        MemberMap::from_toml("[people]\n"),
        Err(MemberMapError::Shape { .. })
    ));
    let err = MemberMap::from_toml("[members]\nU1 = \"\"\n").unwrap_err();
    assert!(
        err.to_string().contains("gives `U1` the member id ``"),
        "{err}"
    );
    let big = "#".repeat(crate::slack::MAX_MEMBER_MAP_BYTES + 1);
    assert!(matches!(
        MemberMap::from_toml(&big),
        Err(MemberMapError::TooLarge { .. })
    ));
}

#[test]
fn the_real_export_imports_with_its_threads_and_nothing_doubled() {
    let Some(path) = real_export("export-dir") else {
        return;
    };
    let (export, _) = read_folder(&path).unwrap();
    let members = map("[members]\nUOF82F39AE = \"1\"\nUOB5F987BF17 = \"2\"\n");
    let (plans, report) = plan_import(&export, &members, &member("1"));
    // 16 messages: a join (a member, not a message) and a bot's not brought.
    assert_eq!(
        (
            report.channels,
            report.messages,
            report.replies,
            report.vanished,
            report.messages_skipped
        ),
        (1, 14, 4, 1, 1)
    );
    let mut channel = Channel::default();
    import(&mut channel, &plans[0]);
    assert_eq!(import(&mut channel, &plans[0]), 0);
    let threads: Vec<usize> = channel
        .timeline()
        .map(|id| channel.replies(id).len())
        .filter(|n| *n > 0)
        .collect();
    assert_eq!(threads, [2, 1, 1]);
    let files: usize = channel
        .messages()
        .filter_map(|(_, m)| m.content.as_ref())
        .map(|c| c.files.len())
        .sum();
    assert_eq!(files, 2);
}

/// A small export: `people` users, one channel, messages by any of them or a bot, in
/// threads or not, with reactions.
fn export() -> impl Strategy<Value = String> {
    let message = (
        0..6_u8,
        proptest::option::of(0..12_usize),
        any::<bool>(),
        "[a-z <>@|\r\n]{0,12}",
        0..3_u8,
    );
    proptest::collection::vec(message, 0..16).prop_map(|messages| {
        let entries: Vec<String> = messages
            .iter()
            .enumerate()
            .map(|(i, (who, root, tomb, text, reactions))| {
                let user = match who {
                    0..=3 => format!(r#""user": "U{who}""#),
                    _ => r#""bot_id": "B1", "subtype": "bot_message""#.to_owned(),
                };
                let thread = root
                    .map(|r| format!(r#", "thread_ts": "{}.000000""#, (r % (i + 1)) + 1))
                    .unwrap_or_default();
                let subtype = if *tomb && root.is_none() { r#", "subtype": "tombstone""# } else { "" };
                let reactions: Vec<String> = (0..*reactions).map(|r| format!(r#"{{"name": "e{r}", "users": ["U{r}"]}}"#)).collect();
                format!(
                    r#"{{"ts": "{}.000000", {user}, "text": {}{thread}{subtype}, "reactions": [{}]}}"#,
                    i + 1,
                    serde_json::to_string(text).unwrap(),
                    reactions.join(", ")
                )
            })
            .collect();
        format!("[{}]", entries.join(",\n"))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever an export holds, its plans import whole (the planner leaves out or
    /// mends what a channel would refuse), and importing them again adds nothing.
    #[test]
    fn every_plan_imports_and_again_adds_nothing(day in export(), mapped in proptest::collection::btree_set(0..4_u8, 0..4)) {
        let (export, _) = read_ok(&[
            ("users.json", r#"[{"id": "U0", "name": "a"}, {"id": "U1", "name": "b"}, {"id": "U2", "name": "c"}, {"id": "U3", "name": "d"}]"#),
            ("channels.json", r#"[{"id": "C1", "name": "general", "members": ["U0", "U1"]}]"#),
            ("general/2025-01-10.json", &day),
        ]);
        let members = MemberMap::new(mapped.iter().map(|u| (format!("U{u}"), member(&format!("{}", u + 1)))).collect::<BTreeMap<_, _>>());
        let (plans, report) = plan_import(&export, &members, &member("1"));
        let mut channel = Channel::default();
        for plan in &plans {
            let at = "2027-03-01T09:00:00Z".parse().unwrap();
            let events = channel.decide(ChannelCommand::Import(Box::new(plan.clone())), at);
            prop_assert!(events.is_ok(), "{:?} for {plan:?}", events);
            for event in events.unwrap() {
                channel.apply(&event).unwrap();
            }
            prop_assert_eq!(import(&mut channel, plan), 0);
        }
        let posted = channel.messages().count();
        prop_assert_eq!(posted, report.messages);
    }
}
