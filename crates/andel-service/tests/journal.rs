//! A journal as a whole, in a file and in a database: the same roots and proofs
//! whichever it is, and moving it between the two with every hash unchanged.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::Path;

use andel_journal::merkle::MerkleTree;
use andel_journal::{Draft, Kind, Payload, Redaction, StreamId};
use andel_service::{Access, Coop, Journal, ServiceError};
use proptest::prelude::*;

fn draft(n: u64) -> Draft {
    Draft::new(
        Kind::new("test.recorded").unwrap(),
        Payload::new(&n).unwrap(),
        "2027-01-01T00:00:00Z".parse().unwrap(),
    )
}

fn stream(name: &str) -> StreamId {
    StreamId::new(name).unwrap()
}

async fn coop(dir: &Path, name: &str) -> Coop {
    let location = format!("sqlite:{}", dir.join(format!("{name}.db")).display())
        .parse()
        .unwrap();
    Coop::open(&location, "coop".parse().unwrap(), Access::Start)
        .await
        .unwrap()
}

/// `sizes[i]` entries in stream `s{i}`, appended through `journal`.
async fn fill(journal: Journal<'_>, sizes: &[u64]) {
    for (i, size) in sizes.iter().enumerate() {
        for n in 0..*size {
            journal
                .append(&stream(&format!("s{i}")), draft(n))
                .await
                .unwrap();
        }
    }
}

#[tokio::test]
async fn roots_and_proofs_are_the_same_in_a_file_and_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("journal.ndjson");
    let coop = coop(dir.path(), "a").await;
    let (in_file, in_db) = (Journal::File(&file), Journal::Store(&coop));
    let at = "2027-02-01T00:00:00Z".parse().unwrap();
    for journal in [in_file, in_db] {
        fill(journal, &[5, 3]).await;
        let redaction = Redaction::new("erasure request", at);
        journal.redact(&stream("s0"), 1, redaction).await.unwrap();
    }
    let s0 = stream("s0");
    let file_root = in_file.root(Some(&s0), None).await.unwrap();
    let db_root = in_db.root(Some(&s0), None).await.unwrap();
    assert_eq!(file_root.size, 6, "five entries and the redaction record");
    assert_eq!(file_root.size, db_root.size);
    let (proof, root) = in_db.prove(&s0, 2, Some(4)).await.unwrap();
    assert_eq!(root, in_db.root(Some(&s0), Some(4)).await.unwrap().root);
    proof.check(&root, Some(4)).unwrap();
    let (consistency, old, new) = in_file.consistency(Some(&s0), 2, None).await.unwrap();
    consistency.check(&old, &new).unwrap();
    assert_eq!(new, file_root.root);

    let summary = in_db.verify().await.unwrap().unwrap();
    assert_eq!((summary.entries(), summary.redacted()), (9, 1));
}

#[tokio::test]
async fn what_does_not_exist_is_an_error_that_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let coop = coop(dir.path(), "a").await;
    let journal = Journal::Store(&coop);
    assert!(matches!(
        journal.root(None, None).await,
        Err(ServiceError::EmptyJournal)
    ));
    fill(journal, &[3, 1]).await;
    let message = |err: ServiceError| err.to_string();
    assert_eq!(
        message(journal.root(None, None).await.unwrap_err()),
        "the journal holds 2 streams; choose one with --stream: `s0`, `s1`"
    );
    assert_eq!(
        message(journal.root(Some(&stream("s9")), None).await.unwrap_err()),
        "the journal has no stream `s9`"
    );
    assert_eq!(
        message(
            journal
                .root(Some(&stream("s0")), Some(9))
                .await
                .unwrap_err()
        ),
        "`s0` has 3 entries; cannot take the root of 9"
    );
    assert_eq!(
        message(journal.prove(&stream("s0"), 7, None).await.unwrap_err()),
        "`s0` has no entry with seq 7"
    );
    assert!(matches!(
        journal.consistency(Some(&stream("s0")), 4, None).await,
        Err(ServiceError::Merkle(_))
    ));
}

#[tokio::test]
async fn an_export_imports_elsewhere_with_every_root_and_only_once() {
    let dir = tempfile::tempdir().unwrap();
    let from = coop(dir.path(), "from").await;
    let to = coop(dir.path(), "to").await;
    fill(Journal::Store(&from), &[1200, 7]).await;
    let file = dir.path().join("export.ndjson");
    let out = std::fs::File::create(&file).unwrap();
    let exported = from.export(out).await.unwrap();
    assert_eq!(exported.entries, 1207);
    assert!(exported.invalid.is_none());

    let first = to.import_file(&file).await.unwrap();
    assert_eq!((first.imported, first.already, first.streams), (1207, 0, 2));
    for name in ["s0", "s1"] {
        let s = stream(name);
        assert_eq!(
            Journal::Store(&to).root(Some(&s), None).await.unwrap(),
            Journal::Store(&from).root(Some(&s), None).await.unwrap(),
        );
    }
    let again = to.import_file(&file).await.unwrap();
    assert_eq!((again.imported, again.already), (0, 1207), "nothing twice");

    // A database whose stream holds other entries than the file refuses, whole.
    let other = coop(dir.path(), "other").await;
    Journal::Store(&other)
        .append(&stream("s1"), draft(99))
        .await
        .unwrap();
    let err = other.import_file(&file).await.unwrap_err().to_string();
    assert!(err.contains("holds other entries than"), "{err}");
    assert!(err.ends_with("nothing was imported"), "{err}");
    let summary = Journal::Store(&other).verify().await.unwrap().unwrap();
    assert_eq!(summary.entries(), 1, "nothing was imported");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Whatever the streams' lengths, a stream's root is the Merkle root of its entry
    /// hashes, in a file as in a database.
    #[test]
    fn the_root_is_the_merkle_root_of_the_stream(sizes in prop::collection::vec(1u64..40, 1..4)) {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("j.ndjson");
            let coop = coop(dir.path(), "p").await;
            fill(Journal::File(&file), &sizes).await;
            fill(Journal::Store(&coop), &sizes).await;
            for (i, size) in sizes.iter().enumerate() {
                let s = stream(&format!("s{i}"));
                let mut tree = MerkleTree::default();
                Journal::File(&file).scan(|entry| {
                    if entry.stream() == &s {
                        tree.push(entry.hash());
                    }
                    Ok::<(), Box<ServiceError>>(())
                }).await.unwrap().unwrap();
                let from_file = Journal::File(&file).root(Some(&s), None).await.unwrap();
                let from_db = Journal::Store(&coop).root(Some(&s), None).await.unwrap();
                assert_eq!(from_file.size, *size);
                assert_eq!(from_file.root, tree.root());
                assert_eq!(from_db.size, *size);
            }
        });
    }
}
