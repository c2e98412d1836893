//! Notices of appends between processes (`JournalStore::listen`): on PostgreSQL every
//! commit that appends to a tenant's stream is heard by every listener of that tenant,
//! on any connection, and no other tenant's; SQLite has none to give.

use std::time::Duration;

use andel_journal::{Appended, Draft, JournalStore, Kind, Payload, StreamId, TenantId};

use crate::support::{PostgresHarness, SqliteHarness};

fn draft(n: u32) -> Draft {
    Draft::new(
        Kind::new("note.written").unwrap(),
        Payload::new(&n).unwrap(),
        "2027-03-01T09:00:00Z".parse().unwrap(),
    )
}

async fn append(store: &dyn JournalStore, stream: &str, count: u32) {
    let stream = StreamId::new(stream).unwrap();
    let head = store.head(&stream).await.unwrap();
    store
        .append(&stream, head.next_seq(), (0..count).map(draft).collect())
        .await
        .unwrap();
}

/// The next notice, within 10 seconds.
async fn heard(listener: &mut dyn andel_journal::AppendListener) -> Appended {
    tokio::time::timeout(Duration::from_secs(10), listener.next())
        .await
        .expect("a notice within 10 s")
        .unwrap()
}

#[tokio::test]
async fn sqlite_has_no_notices_to_give() {
    let harness = SqliteHarness::new();
    let store = harness.database().await.store(TenantId::new("a").unwrap());
    assert!(store.listen().await.unwrap().is_none());
}

#[tokio::test]
async fn postgresql_tells_every_listener_of_its_tenants_commits() {
    let Some(harness) = PostgresHarness::new() else {
        return;
    };
    let (here, there) = (harness.database().await, harness.database().await);
    let tenant = TenantId::new("a").unwrap();
    let mut listener = here.store(tenant.clone()).listen().await.unwrap().unwrap();
    let writer = there.store(tenant.clone());
    let other = there.store(TenantId::new("b").unwrap());
    // Three entries in one commit: one notice.
    append(&writer, "notes", 3).await;
    assert_eq!(
        heard(&mut *listener).await,
        Appended::Stream(StreamId::new("notes").unwrap())
    );
    // Another tenant's commit is not heard; the next one of this tenant's is.
    append(&other, "notes", 1).await;
    append(&writer, "letters", 1).await;
    assert_eq!(
        heard(&mut *listener).await,
        Appended::Stream(StreamId::new("letters").unwrap())
    );
    // An erasure appends its record, and is heard.
    let notes = StreamId::new("notes").unwrap();
    writer
        .redact(
            &notes,
            1,
            andel_journal::Redaction::new("asked", "2027-03-02T09:00:00Z".parse().unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(heard(&mut *listener).await, Appended::Stream(notes));
    // Nothing else is waiting.
    assert!(
        tokio::time::timeout(Duration::from_millis(300), listener.next())
            .await
            .is_err()
    );
    drop(listener);
    andel_testkit::Harness::finish(&harness).await;
}
