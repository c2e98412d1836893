//! The in-memory store: the trait's promises, as the conformance suite will check them.

use std::sync::Arc;

use andel_journal::{
    AppendError, AuthorId, Draft, JournalStore, Kind, MemoryStore, Payload, RedactProblem,
    Redaction, StoreError, verify,
};

use crate::build::{at, stream};

fn draft(n: u32) -> Draft {
    Draft::new(
        Kind::new("test.event").unwrap(),
        Payload::new(&n).unwrap(),
        at(i64::from(n)),
    )
}

#[tokio::test]
async fn append_read_head_round_trip() {
    let store: Arc<dyn JournalStore> = Arc::new(MemoryStore::new());
    let s = stream("members");
    assert_eq!(store.head(&s).await.unwrap().next_seq(), 0);
    let written = store
        .append(&s, 0, (0..5).map(draft).collect())
        .await
        .unwrap();
    assert_eq!(written.len(), 5);
    assert_eq!(store.read(&s, 0..100).await.unwrap(), written);
    assert_eq!(store.read(&s, 1..3).await.unwrap(), written[1..3]);
    assert_eq!(store.read(&s, 7..9).await.unwrap(), []);
    #[allow(clippy::reversed_empty_ranges)] // a caller's backwards range reads nothing
    let backwards = 4..2;
    assert_eq!(store.read(&s, backwards).await.unwrap(), []);
    assert_eq!(store.read(&stream("other"), 0..9).await.unwrap(), []);
    let head = store.head(&s).await.unwrap();
    assert_eq!((head.next_seq(), head.last_hash()), (5, written[4].hash()));
    assert_eq!(store.streams().await.unwrap(), [s]);
}

#[tokio::test]
async fn stale_appends_conflict_and_batches_are_all_or_nothing() {
    let store = MemoryStore::new();
    let s = stream("members");
    store.append(&s, 0, vec![draft(0)]).await.unwrap();
    let err = store.append(&s, 0, vec![draft(1)]).await.unwrap_err();
    assert!(err.is_conflict());
    assert_eq!(
        err.to_string(),
        "stream `members` expected next seq 0 but is at 1"
    );
    // A batch whose last draft is refused leaves nothing behind.
    let bad = Draft::new(Kind::REDACTION, Payload::new(&0).unwrap(), at(0));
    let err = store.append(&s, 1, vec![draft(1), bad]).await.unwrap_err();
    assert!(matches!(
        err,
        StoreError::Append(AppendError::ReservedKind { .. })
    ));
    assert_eq!(store.head(&s).await.unwrap().next_seq(), 1);
    assert_eq!(store.append(&s, 1, vec![]).await.unwrap(), []);
}

#[tokio::test]
async fn concurrent_writers_never_fork() {
    let store = Arc::new(MemoryStore::new());
    let s = stream("members");
    let mut tasks = Vec::new();
    for writer in 0..8u32 {
        let (store, s) = (store.clone(), s.clone());
        tasks.push(tokio::spawn(async move {
            let mut written = 0;
            while written < 25 {
                let seq = store.head(&s).await.unwrap().next_seq();
                match store
                    .append(&s, seq, vec![draft(writer * 100 + written)])
                    .await
                {
                    Ok(_) => written += 1,
                    Err(err) if err.is_conflict() => tokio::task::yield_now().await,
                    Err(err) => panic!("{err}"),
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let entries = store.read(&s, 0..u64::MAX).await.unwrap();
    assert_eq!(entries.len(), 200);
    assert_eq!(verify(&entries).unwrap().entries(), 200);
    let mut payloads: Vec<String> = entries
        .iter()
        .map(|e| e.payload().unwrap().to_string())
        .collect();
    payloads.sort();
    payloads.dedup();
    assert_eq!(payloads.len(), 200, "an append was lost or duplicated");
}

#[tokio::test]
async fn redaction_through_the_store() {
    let store = MemoryStore::new();
    let s = stream("members");
    store
        .append(&s, 0, (0..3).map(draft).collect())
        .await
        .unwrap();
    let redaction = || Redaction::new("erasure request", at(100)).by(AuthorId::new("dpo").unwrap());
    let record = store.redact(&s, 1, redaction()).await.unwrap();
    assert_eq!((record.seq(), record.kind()), (3, &Kind::REDACTION));
    let entries = store.read(&s, 0..10).await.unwrap();
    assert!(entries[1].is_redacted());
    assert_eq!(verify(&entries).unwrap().redacted(), 1);

    let problem = |err: StoreError| match err {
        StoreError::Redact(err) => err.problem,
        other => panic!("{other}"),
    };
    assert_eq!(
        problem(store.redact(&s, 1, redaction()).await.unwrap_err()),
        RedactProblem::AlreadyRedacted
    );
    assert_eq!(
        problem(store.redact(&s, 3, redaction()).await.unwrap_err()),
        RedactProblem::JournalRecord
    );
    assert_eq!(
        problem(store.redact(&s, 9, redaction()).await.unwrap_err()),
        RedactProblem::NotFound
    );
    assert_eq!(
        problem(
            store
                .redact(&stream("none"), 0, redaction())
                .await
                .unwrap_err()
        ),
        RedactProblem::NotFound
    );
}
