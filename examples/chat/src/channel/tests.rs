//! The channel alone (commands, refusals, events replayed from JSON), in a journal
//! (deleting by erasure keeps every other message and every place), and importing.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use andel_consent::MemberId;
use andel_journal::{Aggregate, JournalStore, MemoryStore, Redaction, Stored, StreamId, Timestamp};
use chrono::{DateTime, Utc};
use proptest::prelude::*;

use super::*;

fn at() -> DateTime<Utc> {
    "2027-03-01T09:00:00Z".parse().unwrap()
}

fn member(name: &str) -> MemberId {
    name.parse().unwrap()
}

fn post(by: &str, text: &str, thread: Option<u32>) -> ChannelCommand {
    ChannelCommand::Post {
        text: text.into(),
        by: member(by),
        thread: thread.map(MessageId),
        broadcast: false,
        files: Vec::new(),
    }
}

fn open(kind: ChannelKind, by: &str, others: &[&str]) -> Channel {
    let mut channel = Channel::default();
    let command = ChannelCommand::Open {
        name: "fair".into(),
        kind,
        by: member(by),
        members: others.iter().map(|m| member(m)).collect(),
    };
    run(&mut channel, command).unwrap();
    channel
}

/// Decides and applies a command, giving its events.
fn run(channel: &mut Channel, command: ChannelCommand) -> Result<Vec<ChannelEvent>, Refusal> {
    let events = channel.decide(command, at())?;
    for event in &events {
        channel.apply(event).unwrap();
    }
    Ok(events)
}

#[test]
fn posts_replies_and_broadcasts_find_their_places() {
    let mut channel = open(ChannelKind::Public, "alva", &["bo"]);
    run(&mut channel, post("alva", "hall?", None)).unwrap();
    run(&mut channel, post("bo", "I book it", Some(1))).unwrap();
    let broadcast = ChannelCommand::Post {
        text: "booked!".into(),
        by: member("bo"),
        thread: Some(MessageId(1)),
        broadcast: true,
        files: Vec::new(),
    };
    run(&mut channel, broadcast).unwrap();
    run(&mut channel, post("alva", "thanks", None)).unwrap();
    assert_eq!(
        channel.timeline().collect::<Vec<_>>(),
        [MessageId(1), MessageId(3), MessageId(4)]
    );
    assert_eq!(channel.replies(MessageId(1)), [MessageId(2), MessageId(3)]);
    assert_eq!(
        channel.message(MessageId(2)).unwrap().thread,
        Some(MessageId(1))
    );
    // A broadcast outside a thread means nothing, and is not kept.
    let lone = ChannelCommand::Post {
        text: "hi".into(),
        by: member("bo"),
        thread: None,
        broadcast: true,
        files: Vec::new(),
    };
    let events = run(&mut channel, lone).unwrap();
    assert!(matches!(
        &events[0],
        ChannelEvent::Posted {
            broadcast: false,
            ..
        }
    ));
}

#[test]
fn threads_are_one_level_deep_and_not_on_deleted_or_unknown_posts() {
    let mut channel = open(ChannelKind::Public, "alva", &[]);
    run(&mut channel, post("alva", "root", None)).unwrap();
    run(&mut channel, post("alva", "reply", Some(1))).unwrap();
    assert_eq!(
        run(&mut channel, post("alva", "deeper", Some(2))),
        Err(Refusal::NestedThread {
            message: MessageId(2),
            root: MessageId(1)
        })
    );
    assert_eq!(
        run(&mut channel, post("alva", "where?", Some(9))),
        Err(Refusal::UnknownMessage {
            message: MessageId(9)
        })
    );
    channel.apply(&ChannelEvent::PostErased).unwrap();
    assert_eq!(
        run(&mut channel, post("alva", "to the void", Some(3))),
        Err(Refusal::Deleted {
            message: MessageId(3)
        })
    );
}

#[test]
fn only_members_post_react_and_read_and_only_authors_edit() {
    let mut channel = open(ChannelKind::Private, "alva", &["bo"]);
    let cy = member("cy");
    assert_eq!(
        run(&mut channel, post("cy", "let me in", None)),
        Err(Refusal::NotAMember { member: cy.clone() })
    );
    run(&mut channel, post("alva", "plan", None)).unwrap();
    let react = ChannelCommand::React {
        message: MessageId(1),
        emoji: "eyes".into(),
        by: cy.clone(),
    };
    assert_eq!(
        run(&mut channel, react),
        Err(Refusal::NotAMember { member: cy.clone() })
    );
    let read = ChannelCommand::MarkRead {
        up_to: MessageId(1),
        by: cy.clone(),
    };
    assert_eq!(
        run(&mut channel, read),
        Err(Refusal::NotAMember { member: cy })
    );
    let edit = ChannelCommand::Edit {
        message: MessageId(1),
        text: "mine now".into(),
        by: member("bo"),
    };
    assert_eq!(
        run(&mut channel, edit),
        Err(Refusal::NotTheAuthor {
            message: MessageId(1),
            member: member("bo")
        })
    );
    run(
        &mut channel,
        ChannelCommand::Leave {
            member: member("bo"),
        },
    )
    .unwrap();
    assert!(!channel.has_member(&member("bo")));
    assert_eq!(
        run(
            &mut channel,
            ChannelCommand::Leave {
                member: member("bo")
            }
        ),
        Err(Refusal::NotAMember {
            member: member("bo")
        })
    );
}

#[test]
fn a_direct_conversation_keeps_its_members() {
    let mut channel = Channel::default();
    let alone = ChannelCommand::Open {
        name: "alva".into(),
        kind: ChannelKind::Direct,
        by: member("alva"),
        members: [member("alva")].into(),
    };
    assert_eq!(
        run(&mut channel, alone),
        Err(Refusal::DirectAlone { by: member("alva") })
    );
    let mut channel = open(ChannelKind::Direct, "alva", &["bo"]);
    assert_eq!(
        run(
            &mut channel,
            ChannelCommand::Join {
                member: member("cy")
            }
        ),
        Err(Refusal::DirectIsClosed)
    );
    assert_eq!(
        run(
            &mut channel,
            ChannelCommand::Leave {
                member: member("bo")
            }
        ),
        Err(Refusal::DirectIsClosed)
    );
    assert_eq!(
        run(
            &mut channel,
            ChannelCommand::Open {
                name: "again".into(),
                kind: ChannelKind::Public,
                by: member("bo"),
                members: BTreeSet::new(),
            }
        ),
        Err(Refusal::AlreadyOpened)
    );
}

#[test]
fn texts_are_checked_and_say_what_was_wrong() {
    let mut channel = open(ChannelKind::Public, "alva", &[]);
    assert_eq!(
        run(&mut channel, post("alva", "  \n", None)),
        Err(Refusal::Empty { what: "message" })
    );
    let long = "x".repeat(MAX_TEXT + 1);
    assert_eq!(
        run(&mut channel, post("alva", &long, None)),
        Err(Refusal::TooLong {
            what: "message",
            len: MAX_TEXT + 1,
            max: MAX_TEXT
        })
    );
    assert_eq!(
        run(&mut channel, post("alva", "bell\u{7}", None)),
        Err(Refusal::Control { what: "message" })
    );
    // Line breaks and tabs are words' company, not control.
    run(&mut channel, post("alva", "one\n\ttwo", None)).unwrap();
    // A file alone needs no words.
    let file = ChannelCommand::Post {
        text: String::new(),
        by: member("alva"),
        thread: None,
        broadcast: false,
        files: vec![FileMeta {
            name: "poster.pdf".into(),
            media_type: "application/pdf".into(),
            size: Some(1200),
            url: None,
        }],
    };
    run(&mut channel, file).unwrap();
    for bad in ["", "two words", ":tada:", "x\u{0}"] {
        let react = ChannelCommand::React {
            message: MessageId(1),
            emoji: bad.into(),
            by: member("alva"),
        };
        assert_eq!(
            run(&mut channel, react),
            Err(Refusal::Emoji { emoji: bad.into() }),
            "{bad:?}"
        );
    }
    let unopened = Channel::default();
    assert_eq!(
        unopened.decide(post("alva", "hi", None), at()),
        Err(Refusal::NotOpened)
    );
}

#[test]
fn edits_keep_their_history_and_mentions_follow_the_words() {
    let mut channel = open(ChannelKind::Public, "alva", &["bo", "cy"]);
    run(&mut channel, post("alva", "ask <@bo>", None)).unwrap();
    let edit = |text: &str| ChannelCommand::Edit {
        message: MessageId(1),
        text: text.into(),
        by: member("alva"),
    };
    run(&mut channel, edit("ask <@cy|Cy> instead")).unwrap();
    // The same words again change nothing.
    assert_eq!(run(&mut channel, edit("ask <@cy|Cy> instead")).unwrap(), []);
    let content = channel
        .message(MessageId(1))
        .unwrap()
        .content
        .clone()
        .unwrap();
    assert_eq!(content.text, "ask <@cy|Cy> instead");
    assert_eq!(content.history, [("ask <@bo>".to_string(), at())]);
    assert_eq!(content.mentions, [member("cy")].into());
}

#[test]
fn mentions_are_read_from_slack_shaped_tokens() {
    assert_eq!(
        mentions("hi <@alva> and <@bo|Bo>, <@> <@broken"),
        [member("alva"), member("bo")].into()
    );
    assert!(mentions("no one <@").is_empty());
    assert!(mentions("é<@ü>").contains(&member("ü")));
}

#[test]
fn reactions_come_and_go_once_per_member_and_emoji() {
    let mut channel = open(ChannelKind::Public, "alva", &["bo"]);
    run(&mut channel, post("alva", "cake?", None)).unwrap();
    let react = |by: &str| ChannelCommand::React {
        message: MessageId(1),
        emoji: "cake".into(),
        by: member(by),
    };
    run(&mut channel, react("alva")).unwrap();
    run(&mut channel, react("bo")).unwrap();
    assert_eq!(run(&mut channel, react("bo")).unwrap(), []);
    let who = &channel.message(MessageId(1)).unwrap().reactions["cake"];
    assert_eq!(who.len(), 2);
    let unreact = |by: &str| ChannelCommand::Unreact {
        message: MessageId(1),
        emoji: "cake".into(),
        by: member(by),
    };
    run(&mut channel, unreact("alva")).unwrap();
    run(&mut channel, unreact("bo")).unwrap();
    assert_eq!(run(&mut channel, unreact("bo")).unwrap(), []);
    assert!(channel.message(MessageId(1)).unwrap().reactions.is_empty());
}

#[test]
fn unread_counts_others_messages_in_the_channel_after_the_read_mark() {
    let mut channel = open(ChannelKind::Public, "alva", &["bo"]);
    run(&mut channel, post("alva", "one", None)).unwrap();
    run(&mut channel, post("bo", "two", None)).unwrap();
    run(&mut channel, post("bo", "in a thread", Some(1))).unwrap();
    run(&mut channel, post("bo", "three", None)).unwrap();
    assert_eq!(channel.unread(&member("alva")), 2);
    assert_eq!(channel.unread(&member("bo")), 1);
    let read = |up_to: u32| ChannelCommand::MarkRead {
        up_to: MessageId(up_to),
        by: member("alva"),
    };
    run(&mut channel, read(2)).unwrap();
    assert_eq!(channel.unread(&member("alva")), 1);
    // Reading back does not move the mark.
    assert_eq!(run(&mut channel, read(1)).unwrap(), []);
    assert_eq!(channel.read_up_to(&member("alva")), Some(MessageId(2)));
    assert_eq!(
        run(&mut channel, read(7)),
        Err(Refusal::UnknownMessage {
            message: MessageId(7)
        })
    );
}

#[test]
fn events_are_recorded_as_kebab_case_json_and_tombstones_never() {
    let mut channel = open(ChannelKind::Public, "alva", &[]);
    let events = run(&mut channel, post("alva", "hi <@alva>", None)).unwrap();
    let json = serde_json::to_value(&events[0]).unwrap();
    assert_eq!(json["type"], "posted");
    assert_eq!(json["mentions"], serde_json::json!(["alva"]));
    assert_eq!(
        serde_json::from_value::<ChannelEvent>(json).unwrap(),
        events[0]
    );
    assert!(serde_json::to_string(&ChannelEvent::PostErased).is_err());
    assert!(serde_json::from_str::<ChannelEvent>(r#"{"type":"post-erased"}"#).is_err());
    assert!(
        serde_json::from_str::<ChannelEvent>(r#"{"type":"joined","member":"x","extra":1}"#)
            .is_err()
    );
}

#[test]
fn events_that_do_not_fit_are_invalid() {
    let mut channel = Channel::default();
    let joined = ChannelEvent::Joined {
        member: member("alva"),
    };
    assert!(
        channel
            .apply(&joined)
            .unwrap_err()
            .0
            .contains("before the channel was opened")
    );
    let mut channel = open(ChannelKind::Public, "alva", &[]);
    let skipped = ChannelEvent::Posted {
        message: MessageId(5),
        author: member("alva"),
        text: "hi".into(),
        thread: None,
        broadcast: false,
        mentions: BTreeSet::new(),
        files: Vec::new(),
        at: at(),
        origin: None,
    };
    assert!(
        channel
            .apply(&skipped)
            .unwrap_err()
            .0
            .contains("message 1 comes next")
    );
    let edit = ChannelEvent::Edited {
        message: MessageId(3),
        by: member("alva"),
        text: "x".into(),
        mentions: BTreeSet::new(),
        at: at(),
    };
    assert!(channel.apply(&edit).unwrap_err().0.contains("no message 3"));
}

/// A channel in a journal, with the entries each message's words are in.
struct Journaled {
    store: Arc<MemoryStore>,
    stream: StreamId,
    stored: Stored<Channel>,
    words: BTreeMap<MessageId, Vec<u64>>,
    next_seq: u64,
}

impl Journaled {
    async fn new() -> Self {
        let store = Arc::new(MemoryStore::new());
        let stream = StreamId::new("chat.channel.1").unwrap();
        let stored = Stored::<Channel>::open(store.clone(), stream.clone())
            .await
            .unwrap();
        Journaled {
            store,
            stream,
            stored,
            words: BTreeMap::new(),
            next_seq: 0,
        }
    }

    async fn run(&mut self, command: ChannelCommand) -> bool {
        let recorded: Timestamp = "2027-03-01T09:00:00Z".parse().unwrap();
        let Ok(events) = self.stored.execute(command, at(), recorded, None).await else {
            return false;
        };
        for event in events {
            if let ChannelEvent::Posted { message, .. } | ChannelEvent::Edited { message, .. } =
                event
            {
                self.words.entry(message).or_default().push(self.next_seq);
            }
            self.next_seq += 1;
        }
        true
    }

    /// Deletes a message as the service does: records its deletion by its author, then
    /// erases every entry with its words.
    async fn delete(&mut self, message: MessageId) {
        self.mark_deleted(message).await;
        self.erase(message).await;
    }

    async fn mark_deleted(&mut self, message: MessageId) {
        let found = self.stored.state().message(message).unwrap();
        let by = found.content.as_ref().unwrap().author.clone();
        assert!(self.run(ChannelCommand::Delete { message, by }).await);
    }

    async fn erase(&mut self, message: MessageId) {
        let recorded: Timestamp = "2027-03-02T09:00:00Z".parse().unwrap();
        for seq in self.words.remove(&message).unwrap() {
            let redaction = Redaction::new("its author deleted it", recorded);
            self.store
                .redact(&self.stream, seq, redaction)
                .await
                .unwrap();
            self.next_seq += 1;
        }
    }
}

#[tokio::test]
async fn a_deleted_post_keeps_its_place_while_its_thread_has_replies() {
    let mut chat = Journaled::new().await;
    chat.run(ChannelCommand::Open {
        name: "fair".into(),
        kind: ChannelKind::Public,
        by: member("alva"),
        members: [member("bo")].into(),
    })
    .await;
    chat.run(post("alva", "my phone is 555-0100, call me", None))
        .await;
    chat.run(post("bo", "done", Some(1))).await;
    chat.run(post("bo", "lone words", None)).await;
    chat.run(ChannelCommand::Edit {
        message: MessageId(1),
        text: "call me".into(),
        by: member("alva"),
    })
    .await;
    chat.run(ChannelCommand::React {
        message: MessageId(1),
        emoji: "phone".into(),
        by: member("bo"),
    })
    .await;
    chat.delete(MessageId(1)).await;
    chat.delete(MessageId(3)).await;
    chat.stored.catch_up().await.unwrap();
    let reopened = Stored::<Channel>::open(chat.store.clone(), chat.stream.clone())
        .await
        .unwrap();
    for channel in [chat.stored.state(), reopened.state()] {
        let root = channel.message(MessageId(1)).unwrap();
        assert_eq!(root.content, None);
        assert_eq!(root.replies, [MessageId(2)]);
        assert_eq!(root.reactions["phone"], [member("bo")].into());
        assert_eq!(channel.message(MessageId(3)).unwrap().content, None);
        // The deleted root stays in sight for its thread; the lone deleted post does not.
        assert_eq!(channel.timeline().collect::<Vec<_>>(), [MessageId(1)]);
        assert_eq!(channel.unread(&member("alva")), 0);
    }
    assert_eq!(chat.stored.state(), reopened.state());
}

/// One step of a generated conversation.
#[derive(Debug, Clone)]
enum Step {
    Join(u8),
    Leave(u8),
    Post {
        by: u8,
        reply_to: Option<u8>,
        broadcast: bool,
    },
    Edit {
        by: u8,
        message: u8,
    },
    React {
        by: u8,
        message: u8,
        emoji: u8,
    },
    Unreact {
        by: u8,
        message: u8,
        emoji: u8,
    },
    Read {
        by: u8,
        message: u8,
    },
    Topic(u8),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        1 => (0..4_u8).prop_map(Step::Join),
        1 => (0..4_u8).prop_map(Step::Leave),
        4 => (0..4_u8, proptest::option::of(0..12_u8), any::<bool>())
            .prop_map(|(by, reply_to, broadcast)| Step::Post { by, reply_to, broadcast }),
        1 => (0..4_u8, 0..12_u8).prop_map(|(by, message)| Step::Edit { by, message }),
        1 => (0..4_u8, 0..12_u8, 0..3_u8).prop_map(|(by, message, emoji)| Step::React { by, message, emoji }),
        1 => (0..4_u8, 0..12_u8, 0..3_u8).prop_map(|(by, message, emoji)| Step::Unreact { by, message, emoji }),
        1 => (0..4_u8, 0..12_u8).prop_map(|(by, message)| Step::Read { by, message }),
        1 => (0..4_u8).prop_map(Step::Topic),
    ]
}

const PEOPLE: [&str; 4] = ["alva", "bo", "cy", "dee"];
const EMOJI: [&str; 3] = ["tada", "+1", "eyes"];

fn command(step: &Step, count: usize) -> ChannelCommand {
    let who = |i: &u8| member(PEOPLE[usize::from(*i) % PEOPLE.len()]);
    let id = |i: &u8| MessageId(u32::from(*i) % (count as u32 + 1) + 1);
    match step {
        Step::Join(m) => ChannelCommand::Join { member: who(m) },
        Step::Leave(m) => ChannelCommand::Leave { member: who(m) },
        Step::Post {
            by,
            reply_to,
            broadcast,
        } => ChannelCommand::Post {
            text: format!("words {count} for <@{}>", who(&by.wrapping_add(1))),
            by: who(by),
            thread: reply_to.as_ref().map(id),
            broadcast: *broadcast,
            files: Vec::new(),
        },
        Step::Edit { by, message } => ChannelCommand::Edit {
            message: id(message),
            text: format!("edited {count}"),
            by: who(by),
        },
        Step::React { by, message, emoji } => ChannelCommand::React {
            message: id(message),
            emoji: EMOJI[usize::from(*emoji)].into(),
            by: who(by),
        },
        Step::Unreact { by, message, emoji } => ChannelCommand::Unreact {
            message: id(message),
            emoji: EMOJI[usize::from(*emoji)].into(),
            by: who(by),
        },
        Step::Read { by, message } => ChannelCommand::MarkRead {
            up_to: id(message),
            by: who(by),
        },
        Step::Topic(by) => ChannelCommand::SetTopic {
            topic: format!("topic {count}"),
            by: who(by),
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever members do, the channel's events replay, from their JSON, into the same
    /// channel, and every id in them names what it did when it was decided.
    #[test]
    fn events_replay_from_json_into_the_same_channel(steps in proptest::collection::vec(step(), 0..60)) {
        let mut channel = open(ChannelKind::Public, "alva", &["bo"]);
        let mut events = Vec::new();
        for step in &steps {
            let count = channel.messages().count();
            if let Ok(decided) = run(&mut channel, command(step, count)) {
                events.extend(decided);
            }
        }
        let mut replayed = open(ChannelKind::Public, "alva", &["bo"]);
        for event in &events {
            let json = serde_json::to_string(event).unwrap();
            let back: ChannelEvent = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, event);
            replayed.apply(&back).unwrap();
        }
        prop_assert_eq!(replayed, channel);
    }

    /// Deleting any messages (erasing their entries) keeps every other message as it
    /// was, every id where it was, and each thread's surviving replies in their thread;
    /// a deleted post stays in sight exactly while its thread has replies.
    #[test]
    fn deleting_messages_keeps_every_other_message_and_every_place(
        steps in proptest::collection::vec(step(), 0..40),
        deleted in proptest::collection::btree_set(1..14_u32, 0..5),
    ) {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
            let mut chat = Journaled::new().await;
            chat.run(ChannelCommand::Open { name: "fair".into(), kind: ChannelKind::Public, by: member("alva"), members: [member("bo")].into() }).await;
            for step in &steps {
                let count = chat.stored.state().messages().count();
                chat.run(command(step, count)).await;
            }
            let before = chat.stored.state().clone();
            let deleted: BTreeSet<MessageId> = deleted.into_iter().map(MessageId).filter(|id| chat.words.contains_key(id)).collect();
            for id in &deleted {
                chat.mark_deleted(*id).await;
            }
            // What the deletions leave is what replaying after the erasures gives.
            let marked = chat.stored.state().clone();
            for id in &deleted {
                chat.erase(*id).await;
            }
            chat.stored.catch_up().await.unwrap();
            prop_assert_eq!(chat.stored.state(), &marked);
            let after = Stored::<Channel>::open(chat.store.clone(), chat.stream.clone()).await.unwrap();
            prop_assert_eq!(chat.stored.state(), after.state());
            let after = after.state();
            prop_assert_eq!(after.messages().map(|(id, _)| id).collect::<Vec<_>>(), before.messages().map(|(id, _)| id).collect::<Vec<_>>());
            for (id, was) in before.messages() {
                let now = after.message(id).unwrap();
                prop_assert_eq!(&now.reactions, &was.reactions);
                if deleted.contains(&id) {
                    prop_assert_eq!(&now.content, &None);
                } else {
                    prop_assert_eq!(&now.content, &was.content);
                    prop_assert_eq!(now.thread, was.thread);
                    let surviving: Vec<_> = was.replies.iter().copied().filter(|r| !deleted.contains(r)).collect();
                    prop_assert_eq!(&now.replies, &surviving);
                }
            }
            let expected: Vec<_> = before.timeline()
                .filter(|id| !deleted.contains(id) || !after.replies(*id).is_empty())
                .collect();
            prop_assert_eq!(after.timeline().collect::<Vec<_>>(), expected);
            Ok(())
        })?;
    }
}

fn planned(origin: &str, author: Option<&str>, thread: Option<&str>) -> PlannedMessage {
    PlannedMessage {
        origin: Origin(origin.into()),
        author: author.map(member),
        text: format!("words of {origin}"),
        thread: thread.map(|t| Origin(t.into())),
        broadcast: false,
        files: Vec::new(),
        at: at(),
        reactions: Vec::new(),
    }
}

fn plan(messages: Vec<PlannedMessage>) -> ImportPlan {
    ImportPlan {
        origin: Origin("slack:C1".into()),
        name: "general".into(),
        kind: ChannelKind::Public,
        by: member("alva"),
        members: [member("bo")].into(),
        topic: "the fair".into(),
        messages,
    }
}

#[test]
fn an_import_opens_the_channel_and_again_adds_nothing() {
    let mut with_reaction = planned("m2", Some("bo"), Some("m1"));
    with_reaction.reactions = vec![("tada".into(), member("alva"))];
    let plan = plan(vec![
        planned("m0", None, None),
        planned("m1", Some("alva"), None),
        with_reaction,
        planned("m3", Some("bo"), Some("m0")),
    ]);
    let mut channel = Channel::default();
    let events = run(&mut channel, ChannelCommand::Import(Box::new(plan.clone()))).unwrap();
    let kinds: Vec<_> = events.iter().map(ChannelEvent::kind).collect();
    assert_eq!(
        kinds,
        [
            "chat.opened",
            "chat.topic-set",
            "chat.vanished",
            POSTED,
            POSTED,
            "chat.reacted",
            POSTED
        ]
    );
    assert_eq!(channel.topic(), "the fair");
    assert_eq!(channel.imported(&Origin("slack:C1:m3".into())), None);
    assert_eq!(channel.imported(&Origin("m3".into())), Some(MessageId(4)));
    // The tombstone keeps its thread's place; the reply stays in it.
    assert_eq!(channel.replies(MessageId(1)), [MessageId(4)]);
    assert_eq!(
        channel.timeline().collect::<Vec<_>>(),
        [MessageId(1), MessageId(2)]
    );
    assert_eq!(
        run(&mut channel, ChannelCommand::Import(Box::new(plan))).unwrap(),
        []
    );
}

#[test]
fn an_import_does_not_bring_back_what_a_member_deleted() {
    let plan = plan(vec![planned("m1", Some("bo"), None)]);
    let mut channel = Channel::default();
    run(&mut channel, ChannelCommand::Import(Box::new(plan.clone()))).unwrap();
    run(
        &mut channel,
        ChannelCommand::Delete {
            message: MessageId(1),
            by: member("bo"),
        },
    )
    .unwrap();
    assert_eq!(
        run(&mut channel, ChannelCommand::Import(Box::new(plan))).unwrap(),
        []
    );
    assert_eq!(channel.message(MessageId(1)).unwrap().content, None);
}

#[test]
fn an_import_that_does_not_fit_is_refused_whole() {
    let mut channel = Channel::default();
    let orphan = plan(vec![planned("m1", Some("bo"), Some("m0"))]);
    let refused = run(&mut channel, ChannelCommand::Import(Box::new(orphan))).unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("replies in the thread of `m0`"),
        "{refused}"
    );
    assert_eq!(channel, Channel::default());
    let stranger = plan(vec![planned("m1", Some("cy"), None)]);
    let refused = run(&mut channel, ChannelCommand::Import(Box::new(stranger))).unwrap_err();
    assert!(
        refused.to_string().contains("member cy writes or reacts"),
        "{refused}"
    );
    let mut elsewhere = plan(Vec::new());
    run(
        &mut channel,
        ChannelCommand::Import(Box::new(elsewhere.clone())),
    )
    .unwrap();
    elsewhere.origin = Origin("slack:C2".into());
    let refused = run(&mut channel, ChannelCommand::Import(Box::new(elsewhere))).unwrap_err();
    assert!(
        refused.to_string().contains("not imported from `slack:C2`"),
        "{refused}"
    );
    let mut open = open(ChannelKind::Public, "alva", &[]);
    let refused = run(
        &mut open,
        ChannelCommand::Import(Box::new(plan(Vec::new()))),
    )
    .unwrap_err();
    assert!(
        refused.to_string().contains("not imported from"),
        "{refused}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Importing an export in parts, again and again, gives the channel one import of
    /// the whole gives: nothing doubled, nothing lost, the same ids.
    #[test]
    fn importing_in_parts_and_again_gives_one_import(
        shape in proptest::collection::vec((proptest::option::of(0..8_usize), any::<bool>(), 0..3_u8), 1..30),
        cut in 0..30_usize,
    ) {
        let mut messages: Vec<PlannedMessage> = Vec::new();
        for (i, (reply_to, vanished, reactions)) in shape.iter().enumerate() {
            let root = reply_to.map(|r| r % (i + 1)).filter(|r| *r < i && messages[*r].thread.is_none());
            let author = if *vanished && root.is_none() { None } else { Some(PEOPLE[i % 2]) };
            let mut message = planned(&format!("m{i}"), author, None);
            message.thread = root.map(|r| messages[r].origin.clone());
            if author.is_some() {
                message.reactions = (0..*reactions).map(|e| (EMOJI[usize::from(e)].to_string(), member(PEOPLE[usize::from(e) % 2]))).collect();
            }
            messages.push(message);
        }
        let whole = plan(messages.clone());
        let mut once = Channel::default();
        run(&mut once, ChannelCommand::Import(Box::new(whole.clone()))).unwrap();
        let mut parts = Channel::default();
        let first = plan(messages[..cut.min(messages.len())].to_vec());
        run(&mut parts, ChannelCommand::Import(Box::new(first))).unwrap();
        run(&mut parts, ChannelCommand::Import(Box::new(whole.clone()))).unwrap();
        prop_assert_eq!(run(&mut parts, ChannelCommand::Import(Box::new(whole))).unwrap(), vec![]);
        prop_assert_eq!(parts, once);
    }
}
