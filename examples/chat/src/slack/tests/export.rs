//! A co-op's channels written in Slack's layout: what each message carries, and that
//! the reader reads it back into the same channel.

use andel_journal::Aggregate;

use crate::ChannelId;
use crate::channel::{Channel, ChannelCommand, ChannelKind, MessageId};
use crate::slack::{MemberMap, export_workspace, plan_import};

fn member(id: &str) -> andel_consent::MemberId {
    id.parse().unwrap()
}

fn run(channel: &mut Channel, command: ChannelCommand, at: &str) {
    for event in channel.decide(command, at.parse().unwrap()).unwrap() {
        channel.apply(&event).unwrap();
    }
}

#[test]
fn a_channel_is_written_as_slack_writes_it_and_reads_back_the_same() {
    let mut channel = Channel::default();
    let post = |text: &str, by: &str, thread: Option<u32>| ChannelCommand::Post {
        text: text.into(),
        by: member(by),
        thread: thread.map(MessageId),
        broadcast: false,
        files: Vec::new(),
    };
    run(
        &mut channel,
        ChannelCommand::Open {
            name: "fair".into(),
            kind: ChannelKind::Private,
            by: member("1"),
            members: [member("2")].into(),
        },
        "2027-03-01T09:00:00Z",
    );
    run(
        &mut channel,
        post("cake?", "1", None),
        "2027-03-01T09:00:00Z",
    );
    run(
        &mut channel,
        post("me", "2", Some(1)),
        "2027-03-01T09:00:00Z",
    );
    run(
        &mut channel,
        post("gone", "2", None),
        "2027-03-02T10:00:00Z",
    );
    run(
        &mut channel,
        ChannelCommand::Edit {
            message: MessageId(1),
            text: "cake, anyone?".into(),
            by: member("1"),
        },
        "2027-03-01T09:05:00Z",
    );
    run(
        &mut channel,
        ChannelCommand::React {
            message: MessageId(1),
            emoji: "cake".into(),
            by: member("2"),
        },
        "2027-03-01T09:06:00Z",
    );
    run(
        &mut channel,
        ChannelCommand::Delete {
            message: MessageId(3),
            by: member("2"),
        },
        "2027-03-02T11:00:00Z",
    );
    let id: ChannelId = "ab12".parse().unwrap();
    let files = export_workspace(&[(id, channel.clone())]);
    let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "channels.json",
            "dms.json",
            "fair/2027-03-01.json",
            "groups.json",
            "mpims.json",
            "users.json"
        ]
    );
    let day: serde_json::Value = serde_json::from_slice(&files[2].1).unwrap();
    // Two in the same microsecond are told apart; the deleted one without replies is gone.
    assert_eq!(day[0]["ts"], "1803891600.000000");
    assert_eq!(day[1]["ts"], "1803891600.000001");
    assert_eq!(day[0]["thread_ts"], day[0]["ts"]);
    assert_eq!(day[1]["thread_ts"], day[0]["ts"]);
    assert_eq!(day[0]["edited"]["user"], "1");
    assert_eq!(
        day[0]["reactions"][0],
        serde_json::json!({"name": "cake", "users": ["2"], "count": 1})
    );
    assert_eq!(day.as_array().unwrap().len(), 2);
    // Read back and imported, it is the same channel but for the edit's history.
    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in &files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    let (export, report) = crate::slack::read_folder(dir.path()).unwrap();
    assert_eq!(report.skipped, Vec::<String>::new());
    let members =
        MemberMap::new([("1".to_owned(), member("1")), ("2".to_owned(), member("2"))].into());
    let (plans, _) = plan_import(&export, &members, &member("1"));
    let mut again = Channel::default();
    run(
        &mut again,
        ChannelCommand::Import(Box::new(plans[0].clone())),
        "2027-03-03T09:00:00Z",
    );
    assert_eq!(again.replies(MessageId(1)), [MessageId(2)]);
    let texts: Vec<_> = again
        .messages()
        .filter_map(|(_, m)| Some(m.content.as_ref()?.text.clone()))
        .collect();
    assert_eq!(texts, ["cake, anyone?", "me"]);
    assert_eq!(again.kind(), Some(ChannelKind::Private));
}
