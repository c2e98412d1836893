//! The chat use cases on a demo co-op in SQLite: who may read and write what, deletion
//! by erasure, following a channel, and imports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::sync::Arc;

use andel_consent::MemberId;
use andel_journal::Timestamp;
use andel_service::{Access, Coop, Journal};
use chat::channel::{ChannelCommand, ChannelEvent, ChannelKind, MessageId};
use chat::{Actor, ChannelId, Channels, ChatError};

struct Demo {
    _dir: tempfile::TempDir,
    coop: Arc<Coop>,
    channels: Channels,
}

async fn demo() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let location = format!("sqlite:{}", dir.path().join("coop.db").display());
    demo_at(dir, &location, "demo").await
}

/// The demo co-op `tenant` in the database at `location`.
async fn demo_at(dir: tempfile::TempDir, location: &str, tenant: &str) -> Demo {
    let location = location.parse().unwrap();
    let coop = Arc::new(
        Coop::open(&location, tenant.parse().unwrap(), Access::Start)
            .await
            .unwrap(),
    );
    let channels = Channels::new(Arc::clone(&coop));
    chat::demo::start(&coop, &channels, chrono::Utc::now())
        .await
        .unwrap();
    Demo {
        _dir: dir,
        coop,
        channels,
    }
}

fn actor(member: &str) -> Actor {
    Actor {
        member: member.parse().unwrap(),
        at: Timestamp::new(chrono::Utc::now()).unwrap(),
    }
}

fn member(id: &str) -> MemberId {
    id.parse().unwrap()
}

fn post(by: &str, text: &str, thread: Option<MessageId>) -> ChannelCommand {
    ChannelCommand::Post {
        text: text.into(),
        by: member(by),
        thread,
        broadcast: false,
        files: Vec::new(),
    }
}

async fn general(demo: &Demo) -> ChannelId {
    demo.channels.list(&actor("1")).await.unwrap().remove(0).id
}

#[tokio::test]
async fn a_public_channel_is_listed_to_everyone_and_anyone_joins_it() {
    let demo = demo().await;
    let cai = actor("3");
    let listed = demo.channels.list(&cai).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].name.as_str(), listed[0].joined),
        ("general", false)
    );
    let general = listed[0].id.clone();
    // Reading it needs no joining; posting does.
    let view = demo.channels.view(&cai, &general).await.unwrap();
    assert!(
        view.messages[0]
            .content
            .as_ref()
            .unwrap()
            .text
            .starts_with("Welcome")
    );
    let refused = demo
        .channels
        .execute(&cai, &general, post("3", "hi", None))
        .await
        .unwrap_err();
    assert!(matches!(refused, ChatError::Refused(_)), "{refused}");
    demo.channels
        .execute(
            &cai,
            &general,
            ChannelCommand::Join {
                member: member("3"),
            },
        )
        .await
        .unwrap();
    demo.channels
        .execute(&cai, &general, post("3", "hi", None))
        .await
        .unwrap();
    assert!(demo.channels.list(&cai).await.unwrap()[0].joined);
}

#[tokio::test]
async fn a_private_channel_is_its_members_and_a_refusal_is_recorded_for_its_owner() {
    let demo = demo().await;
    let alva = actor("1");
    let board = demo
        .channels
        .open_channel(
            &alva,
            "board".into(),
            ChannelKind::Private,
            [member("2")].into(),
        )
        .await
        .unwrap();
    let cai = actor("3");
    assert_eq!(
        demo.channels.list(&cai).await.unwrap().len(),
        1,
        "only #general"
    );
    let from = chrono::Utc::now() - chrono::Duration::hours(1);
    let err = demo.channels.view(&cai, &board).await.unwrap_err();
    assert!(matches!(err, ChatError::Denied { .. }), "{err}");
    // Nor can she let herself in.
    let err = demo
        .channels
        .execute(
            &cai,
            &board,
            ChannelCommand::Join {
                member: member("3"),
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ChatError::Denied { .. }), "{err}");
    let to = chrono::Utc::now() + chrono::Duration::hours(1);
    let report = demo
        .coop
        .transparency_report(&member("1"), from, to)
        .await
        .unwrap();
    assert_eq!(report.refused, 2);
    // Bo, a member of it, reads it.
    demo.channels.view(&actor("2"), &board).await.unwrap();
}

#[tokio::test]
async fn what_does_not_exist_is_an_error_that_names_it() {
    let demo = demo().await;
    let alva = actor("1");
    let err = demo
        .channels
        .open_channel(
            &alva,
            "x".into(),
            ChannelKind::Private,
            [member("99")].into(),
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "there is no admitted member 99 in this co-op"
    );
    let nowhere: ChannelId = "0000".parse().unwrap();
    let err = demo.channels.view(&alva, &nowhere).await.unwrap_err();
    assert_eq!(err.to_string(), "there is no channel `0000` in this co-op");
    let general = general(&demo).await;
    let err = demo
        .channels
        .execute(
            &alva,
            &general,
            ChannelCommand::Edit {
                message: MessageId(9),
                text: "x".into(),
                by: member("1"),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "there is no message 9 in this channel");
    assert!("Not An Id".parse::<ChannelId>().is_err());
}

#[tokio::test]
async fn only_its_author_changes_or_deletes_a_message_under_the_policy() {
    let demo = demo().await;
    let general = general(&demo).await;
    let bo = actor("2");
    let edit = ChannelCommand::Edit {
        message: MessageId(1),
        text: "mine".into(),
        by: member("2"),
    };
    let err = demo
        .channels
        .execute(&bo, &general, edit)
        .await
        .unwrap_err();
    assert!(matches!(err, ChatError::Denied { .. }), "{err}");
    let err = demo
        .channels
        .delete(&bo, &general, MessageId(1))
        .await
        .unwrap_err();
    assert!(matches!(err, ChatError::Denied { .. }), "{err}");
}

#[tokio::test]
async fn deleting_a_message_erases_its_words_and_keeps_the_journal_verifying() {
    let demo = demo().await;
    let general = general(&demo).await;
    let (alva, bo) = (actor("1"), actor("2"));
    demo.channels
        .execute(&alva, &general, post("1", "my number is 555-0100", None))
        .await
        .unwrap();
    demo.channels
        .execute(&bo, &general, post("2", "noted", Some(MessageId(2))))
        .await
        .unwrap();
    demo.channels
        .execute(
            &alva,
            &general,
            ChannelCommand::Edit {
                message: MessageId(2),
                text: "call me at 555-0100".into(),
                by: member("1"),
            },
        )
        .await
        .unwrap();
    let erased = demo
        .channels
        .delete(&alva, &general, MessageId(2))
        .await
        .unwrap();
    assert_eq!(erased, 2, "its post and its edit");
    // Asking again erases nothing more.
    assert_eq!(
        demo.channels
            .delete(&alva, &general, MessageId(2))
            .await
            .unwrap(),
        0
    );
    let stream = general.stream().unwrap();
    let head = demo.coop.journal().head(&stream).await.unwrap();
    let bodies = demo
        .coop
        .journal()
        .read_bodies(&stream, 0..head.next_seq())
        .await
        .unwrap();
    assert!(
        bodies
            .iter()
            .filter_map(|body| body.payload())
            .all(|payload| !payload.as_str().contains("555-0100"))
    );
    assert!(Journal::Store(&demo.coop).verify().await.unwrap().is_ok());
    // The thread keeps its shape: the deleted post stays, wordless, for its reply.
    let view = demo.channels.view(&bo, &general).await.unwrap();
    let deleted = &view.messages[1];
    assert_eq!((deleted.content.as_ref(), deleted.withheld), (None, false));
    assert_eq!(deleted.replies, [MessageId(3)]);
    assert!(view.timeline.contains(&MessageId(2)));
    // A fresh process reads the same.
    let again = Channels::new(Arc::clone(&demo.coop));
    assert_eq!(again.view(&bo, &general).await.unwrap(), view);
}

#[tokio::test]
async fn a_follower_reads_exactly_the_entries_after_the_last_it_saw() {
    let demo = demo().await;
    let general = general(&demo).await;
    let (alva, bo) = (actor("1"), actor("2"));
    let mut changes = demo.channels.changes();
    let mut reader = demo.channels.reader(&bo, &general).await.unwrap();
    let seen = demo.channels.view(&bo, &general).await.unwrap().next_seq;
    for n in 0..3 {
        demo.channels
            .execute(&alva, &general, post("1", &format!("news {n}"), None))
            .await
            .unwrap();
        assert_eq!(changes.recv().await.unwrap(), general);
    }
    let news = demo.channels.entries(&mut reader, seen).await.unwrap();
    assert_eq!(
        news.iter().map(|d| d.seq).collect::<Vec<_>>(),
        [seen, seen + 1, seen + 2]
    );
    let texts: Vec<_> = news
        .iter()
        .map(|d| match &d.event {
            Some(ChannelEvent::Posted { text, .. }) => text.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(texts, ["news 0", "news 1", "news 2"]);
    assert!(
        demo.channels
            .entries(&mut reader, seen + 3)
            .await
            .unwrap()
            .is_empty()
    );
    // An erasure reaches followers as an entry without its words, and the record of it.
    demo.channels
        .delete(&alva, &general, MessageId(2))
        .await
        .unwrap();
    let after = demo.channels.entries(&mut reader, seen).await.unwrap();
    assert_eq!(after[0].event, None);
    assert_eq!(after[0].kind, "chat.posted");
    let kinds: BTreeSet<_> = after[3..].iter().map(|d| d.kind.as_str()).collect();
    assert_eq!(kinds, ["andel.redaction", "chat.deleted"].into());
}

#[tokio::test]
async fn the_channels_work_on_postgresql() {
    let Ok(url) = std::env::var("ANDEL_TEST_POSTGRES") else {
        let required = std::env::var("ANDEL_REQUIRE_ALL").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "ANDEL_REQUIRE_ALL=1 needs ANDEL_TEST_POSTGRES for the chat PostgreSQL test"
        );
        eprintln!("note: skipping the PostgreSQL chat test: set ANDEL_TEST_POSTGRES to run it");
        return;
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let tenant = format!("chat-{}-{nanos}", std::process::id());
    let demo = demo_at(tempfile::tempdir().unwrap(), &url, &tenant).await;
    let general = general(&demo).await;
    let (alva, bo) = (actor("1"), actor("2"));
    let mut reader = demo.channels.reader(&bo, &general).await.unwrap();
    demo.channels
        .execute(&alva, &general, post("1", "secret 555-0100", None))
        .await
        .unwrap();
    demo.channels
        .execute(&bo, &general, post("2", "got it", Some(MessageId(2))))
        .await
        .unwrap();
    assert_eq!(
        demo.channels
            .delete(&alva, &general, MessageId(2))
            .await
            .unwrap(),
        1
    );
    let entries = demo.channels.entries(&mut reader, 0).await.unwrap();
    assert_eq!(
        entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (0..6).collect::<Vec<_>>()
    );
    assert_eq!(entries[2].event, None, "the erased post");
    assert!(Journal::Store(&demo.coop).verify().await.unwrap().is_ok());
    // Channels opened afresh on the same database (as another process would) read the same.
    let other = Channels::new(Arc::clone(&demo.coop));
    let view = other.view(&bo, &general).await.unwrap();
    assert_eq!(view, demo.channels.view(&bo, &general).await.unwrap());
    assert_eq!(view.messages[1].replies, [MessageId(3)]);
}
