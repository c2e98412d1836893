//! A co-op's ledger opens from its saved snapshot in the database, and checking the
//! ledger holds that snapshot against a full replay of its events.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use andel_journal::{ProjectionId, Snapshotted, StateSnapshot, StreamHead, StreamId, Timestamp};
use andel_ledger::{
    Command, LEDGER_STREAM, Ledger, SNAPSHOT_AFTER, Statutes, event::Person, open_ledger,
};
use andel_service::{Access, Coop};

const STATUTES: &str = r#"
name = "Solrosen"
currency = { code = "SEK", scale = 2 }
[[classes]]
id = "members"
name = "Members"
nominal = "100.00"
min_shares = 1
"#;

fn now() -> Timestamp {
    Timestamp::new("2027-01-01T00:00:00Z".parse().unwrap()).unwrap()
}

/// A co-op whose ledger holds `applicants` applications after its statutes, all
/// recorded in one append.
async fn coop(dir: &std::path::Path, applicants: u64) -> Coop {
    let location = format!("sqlite:{}", dir.join("coop.db").display())
        .parse()
        .unwrap();
    let coop = Coop::open(&location, "solrosen".parse().unwrap(), Access::Start)
        .await
        .unwrap();
    let mut ledger = open_ledger(coop.journal().clone()).await.unwrap();
    let on = "2027-01-01".parse().unwrap();
    let statutes = Box::new(Statutes::from_toml(STATUTES).unwrap());
    let mut commands = vec![(Command::AdoptStatutes { statutes }, on)];
    commands.extend((0..applicants).map(|i| {
        let apply = Command::ApplyForMembership {
            name: format!("Member {i}"),
            person: Person::Natural,
            class: "members".parse().unwrap(),
        };
        (apply, on)
    }));
    ledger.execute_all(&commands, now(), None).await.unwrap();
    coop
}

#[tokio::test]
async fn the_ledger_opens_from_its_snapshot_once_one_is_worth_saving() {
    let dir = tempfile::tempdir().unwrap();

    // A short ledger is replayed whole each time, and nothing is saved.
    let small = coop(dir.path(), 10).await;
    let opened = small.membership().await.unwrap();
    assert_eq!(opened.opened().resumed_from, None);
    assert_eq!(opened.opened().saved_at, None);
    small.close().await;

    let dir = tempfile::tempdir().unwrap();
    let coop = coop(dir.path(), SNAPSHOT_AFTER).await;
    let events = SNAPSHOT_AFTER + 1;
    let first = coop.membership().await.unwrap();
    assert_eq!(
        first.opened().saved_at,
        Some(events),
        "a long replay saves a snapshot"
    );
    let second = coop.membership().await.unwrap();
    assert_eq!(second.opened().resumed_from, Some(events));
    assert_eq!(second.ledger(), first.ledger());
    assert_eq!(second.ledger().event_count(), events);

    let check = coop.check_ledger().await.unwrap();
    assert!(check.broken.is_none());
    assert_eq!(check.snapshot, None, "the snapshot is what a replay gives");
    coop.close().await;
}

#[tokio::test]
async fn a_changed_snapshot_is_found_by_the_ledger_check() {
    let dir = tempfile::tempdir().unwrap();
    let coop = coop(dir.path(), SNAPSHOT_AFTER).await;
    let saved = coop.membership().await.unwrap();
    let at = saved.opened().saved_at.unwrap();

    // Someone with the database rewrites the saved state: one applicant fewer, at the
    // same place in the stream.
    let stream = StreamId::new(LEDGER_STREAM).unwrap();
    let last = coop.journal().read(&stream, at - 1..at).await.unwrap();
    let head = StreamHead::at(stream.clone(), at, *last[0].hash());
    let shorter = open_shorter(&coop, at - 1).await;
    let format = ProjectionId::new(<Ledger as Snapshotted>::FORMAT).unwrap();
    coop.snapshots()
        .save_state(&format, &StateSnapshot::new(&head, shorter.encode_state()))
        .await
        .unwrap();

    let trusted = coop.membership().await.unwrap();
    assert_eq!(trusted.opened().resumed_from, Some(at));
    let check = coop.check_ledger().await.unwrap();
    let why = check
        .snapshot
        .expect("the check finds the changed snapshot");
    assert!(why.contains("differs from a replay"), "{why}");
    assert!(check.broken.is_none(), "the journal itself is intact");
    coop.close().await;
}

/// The ledger as it stood after its first `entries` entries.
async fn open_shorter(coop: &Coop, entries: u64) -> Ledger {
    let stream = StreamId::new(LEDGER_STREAM).unwrap();
    let store = andel_journal::MemoryStore::new();
    let copied = coop.journal().read(&stream, 0..entries).await.unwrap();
    andel_journal::JournalStore::import(&store, &stream, copied)
        .await
        .unwrap();
    open_ledger(std::sync::Arc::new(store))
        .await
        .unwrap()
        .state()
        .clone()
}
