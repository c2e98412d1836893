//! Rows edited directly with SQL are reported by `verify` (or by the read itself, for a
//! row too mangled to be an entry) as exactly the entry that was touched.

use std::sync::Arc;

use andel_journal::{Draft, Kind, Payload, Problem, StreamId, TenantId, VerifyError, verify};
use andel_testkit::TestStore;

use crate::support::{PostgresHarness, Raw, SqliteHarness};

const TAMPERED: u64 = 4;

/// One way to tamper: the statement (with `$1` bound to 32 bytes, if it uses `$1`) and
/// the problem `verify` must then report.
struct Tampering {
    what: &'static str,
    sql: &'static str,
    expect: fn(&VerifyError) -> bool,
}

const TAMPERINGS: &[Tampering] = &[
    Tampering {
        what: "payload",
        sql: r#"UPDATE andel_journal SET payload = '{"amount":"9999.00"}' WHERE seq = 4"#,
        expect: |e| e.seq == TAMPERED && e.problem == Problem::PayloadAltered,
    },
    Tampering {
        what: "payload respelled (same JSON value, other bytes)",
        sql: r#"UPDATE andel_journal SET payload = '{ "member": 4, "amount": "100.00" }' WHERE seq = 4"#,
        expect: |e| e.seq == TAMPERED && e.problem == Problem::PayloadAltered,
    },
    Tampering {
        what: "hash",
        sql: "UPDATE andel_journal SET hash = $1 WHERE seq = 4",
        expect: |e| e.seq == TAMPERED && matches!(e.problem, Problem::EntryAltered { .. }),
    },
    Tampering {
        what: "recorded time",
        sql: "UPDATE andel_journal SET recorded_at = '2020-01-01T00:00:00Z' WHERE seq = 4",
        expect: |e| e.seq == TAMPERED && matches!(e.problem, Problem::EntryAltered { .. }),
    },
    Tampering {
        what: "sequence number",
        sql: "UPDATE andel_journal SET seq = 1000 WHERE seq = 4",
        expect: |e| e.problem == Problem::Gap { expected: TAMPERED },
    },
    Tampering {
        what: "deletion of a middle row",
        sql: "DELETE FROM andel_journal WHERE seq = 4",
        expect: |e| e.problem == Problem::Gap { expected: TAMPERED },
    },
    Tampering {
        what: "erasure without a redaction record",
        sql: "UPDATE andel_journal SET payload = NULL, salt = NULL WHERE seq = 4",
        expect: |e| e.seq == TAMPERED && e.problem == Problem::UnrecordedRedaction,
    },
];

async fn fill(store: &dyn TestStore) -> StreamId {
    let stream = StreamId::new("register").unwrap();
    let drafts = (0..10)
        .map(|n| {
            Draft::new(
                Kind::new("member.admitted").unwrap(),
                Payload::from_json_str(&format!(r#"{{"member":{n},"amount":"100.00"}}"#)).unwrap(),
                "2026-11-27T08:00:00Z".parse().unwrap(),
            )
        })
        .collect();
    store.append(&stream, 0, drafts).await.unwrap();
    let entries = store.read(&stream, 0..u64::MAX).await.unwrap();
    verify(&entries).expect("untouched rows verify");
    stream
}

async fn check(tampering: &Tampering, store: Arc<dyn TestStore>, raw: &Raw) {
    let stream = fill(&*store).await;
    let bytes = tampering.sql.contains("$1").then(|| vec![0xAB; 32]);
    assert_eq!(
        raw.exec(tampering.sql, bytes).await,
        1,
        "{}",
        tampering.what
    );
    let entries = store.read(&stream, 0..u64::MAX).await.unwrap();
    match verify(&entries) {
        Err(err) if (tampering.expect)(&err) => {}
        other => panic!(
            "tampering with the {}: verify said {other:?}",
            tampering.what
        ),
    }
}

/// A payload that is no longer JSON cannot be read back as an entry or a body: the read
/// names the row. (One respelled but still JSON is read, and `verify` reports it altered.)
async fn check_mangled_row(store: Arc<dyn TestStore>, raw: &Raw) {
    let stream = fill(&*store).await;
    let sql = r#"UPDATE andel_journal SET payload = '{"member":4' WHERE seq = 4"#;
    assert_eq!(raw.exec(sql, None).await, 1);
    let whole = store.read(&stream, 0..u64::MAX).await.unwrap_err();
    let bodies = store.read_bodies(&stream, 0..u64::MAX).await.unwrap_err();
    for message in [whole.to_string(), bodies.to_string()] {
        assert!(
            message.contains("row 4 of stream `register`") && message.contains("payload"),
            "{message}"
        );
    }
}

fn tenant() -> TenantId {
    TenantId::new("tampered").unwrap()
}

#[tokio::test]
async fn sqlite_tampering_is_reported_at_the_entry() {
    for tampering in TAMPERINGS {
        let harness = SqliteHarness::new();
        let db = harness.database().await;
        check(
            tampering,
            Arc::new(db.store(tenant())),
            &Raw::Sqlite(db.pool().clone()),
        )
        .await;
    }
    let harness = SqliteHarness::new();
    let db = harness.database().await;
    check_mangled_row(
        Arc::new(db.store(tenant())),
        &Raw::Sqlite(db.pool().clone()),
    )
    .await;
}

#[tokio::test]
async fn postgres_tampering_is_reported_at_the_entry() {
    for tampering in TAMPERINGS {
        let Some(harness) = PostgresHarness::new() else {
            return;
        };
        let db = harness.database().await;
        check(
            tampering,
            Arc::new(db.store(tenant())),
            &Raw::Postgres(db.pool().clone()),
        )
        .await;
        andel_testkit::Harness::finish(&harness).await;
    }
    let Some(harness) = PostgresHarness::new() else {
        return;
    };
    let db = harness.database().await;
    check_mangled_row(
        Arc::new(db.store(tenant())),
        &Raw::Postgres(db.pool().clone()),
    )
    .await;
    andel_testkit::Harness::finish(&harness).await;
}

/// After a redaction, the erased payload is in neither the SQLite file nor its
/// write-ahead log: erasure is physical, not only logical.
#[tokio::test]
async fn sqlite_redaction_leaves_no_copy_on_disk() {
    let harness = SqliteHarness::new();
    let db = harness.database().await;
    let store = db.store(tenant());
    let stream = StreamId::new("members").unwrap();
    let marker = "Zygmunt Erasable-Name 4711";
    let drafts = (0..50)
        .map(|n| {
            let name = if n == 20 {
                marker.to_owned()
            } else {
                format!("member {n}")
            };
            Draft::new(
                Kind::new("member.admitted").unwrap(),
                Payload::new(&serde_json::json!({ "member": n, "name": name })).unwrap(),
                "2026-11-27T08:00:00Z".parse().unwrap(),
            )
        })
        .collect();
    andel_journal::JournalStore::append(&store, &stream, 0, drafts)
        .await
        .unwrap();
    let on_disk = || {
        ["andel.db", "andel.db-wal"]
            .iter()
            .filter_map(|name| std::fs::read(harness.dir.path().join(name)).ok())
            .any(|bytes| bytes.windows(marker.len()).any(|w| w == marker.as_bytes()))
    };
    assert!(on_disk(), "the marker must be on disk before the redaction");
    let redaction =
        andel_journal::Redaction::new("erasure", "2026-11-28T08:00:00Z".parse().unwrap());
    andel_journal::JournalStore::redact(&store, &stream, 20, redaction)
        .await
        .unwrap();
    assert!(
        !on_disk(),
        "the erased payload is still in the database file or its log"
    );
    db.close().await;
}
