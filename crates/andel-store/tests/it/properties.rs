//! Properties of the SQL stores, for random inputs, on SQLite (fast to create; the
//! conformance suite runs the same code on PostgreSQL).

use std::sync::atomic::{AtomicU64, Ordering};

use andel_journal::{
    AppendError, Draft, JournalStore, Kind, Payload, StoreError, StreamId, TenantId, verify,
};
use andel_store::SqliteStore;
use proptest::prelude::*;

use crate::support::SqliteHarness;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A fresh stream name per proptest case, so that cases share one database.
fn fresh_stream() -> StreamId {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    StreamId::new(format!("case-{}", NEXT.fetch_add(1, Ordering::Relaxed))).unwrap()
}

/// JSON values with every kind of text a payload may hold: escapes, control
/// characters, non-ASCII and astral-plane characters, and exact numbers.
fn json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        (-(1i64 << 53) + 1..(1i64 << 53)).prop_map(serde_json::Value::from),
        (-1e12f64..1e12).prop_map(serde_json::Value::from),
        "[\\x00-\\x1f \"\\\\/a-zé€😀\u{2028}]{0,16}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            proptest::collection::btree_map("[a-zé😀\"]{0,6}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn draft(value: &serde_json::Value) -> Draft {
    Draft::new(
        Kind::new("test.value").unwrap(),
        Payload::from_value(value).unwrap(),
        "2026-11-27T08:00:00Z".parse().unwrap(),
    )
}

/// What one of two handles tries: append `len` entries expecting the stream to be at
/// the true head minus `stale` (0: an up-to-date caller).
#[derive(Debug, Clone)]
struct Attempt {
    handle: usize,
    stale: u64,
    len: usize,
}

fn attempts() -> impl Strategy<Value = Vec<Attempt>> {
    proptest::collection::vec(
        (
            0usize..2,
            prop_oneof![3 => Just(0u64), 1 => 1u64..4],
            1usize..4,
        )
            .prop_map(|(handle, stale, len)| Attempt { handle, stale, len }),
        1..20,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any payload reads back from SQLite byte for byte, and the stream verifies.
    #[test]
    fn payloads_round_trip(values in proptest::collection::vec(json(), 1..8)) {
        thread_local! {
            static DB: (tokio::runtime::Runtime, SqliteHarness, SqliteStore) = {
                let rt = runtime();
                let harness = SqliteHarness::new();
                let store = rt.block_on(harness.database()).store(TenantId::new("props").unwrap());
                (rt, harness, store)
            };
        }
        DB.with(|(rt, _harness, store)| {
            let stream = fresh_stream();
            let drafts: Vec<Draft> = values.iter().map(draft).collect();
            let written = rt.block_on(store.append(&stream, 0, drafts)).unwrap();
            let read = rt.block_on(store.read(&stream, 0..u64::MAX)).unwrap();
            prop_assert_eq!(&read, &written);
            for (entry, value) in read.iter().zip(&values) {
                prop_assert_eq!(&entry.payload().unwrap().to_value(), value);
            }
            verify(&read).unwrap();
            Ok(())
        })?;
    }

    /// Two handles (each remembering heads of its own) take turns with up-to-date and
    /// stale expectations: an append lands exactly when it expects the true head,
    /// otherwise it is a conflict naming the true head; the stream stays gapless and
    /// verifiable.
    #[test]
    fn two_handles_agree_with_a_model(attempts in attempts()) {
        let rt = runtime();
        let harness = SqliteHarness::new();
        let tenant = TenantId::new("model").unwrap();
        let handles = [
            rt.block_on(harness.database()).store(tenant.clone()),
            rt.block_on(harness.database()).store(tenant),
        ];
        let stream = fresh_stream();
        let mut truth = 0u64;
        for attempt in &attempts {
            let expected = truth.saturating_sub(attempt.stale);
            let drafts = (0..attempt.len).map(|i| draft(&serde_json::json!(i))).collect();
            match rt.block_on(handles[attempt.handle].append(&stream, expected, drafts)) {
                Ok(written) => {
                    prop_assert_eq!(expected, truth, "an append at a stale seq landed");
                    truth += written.len() as u64;
                }
                Err(StoreError::Append(AppendError::Conflict { actual, .. })) => {
                    prop_assert_ne!(expected, truth, "an up-to-date append was refused");
                    prop_assert_eq!(actual, truth);
                }
                Err(err) => prop_assert!(false, "unexpected error {}", err),
            }
        }
        for handle in &handles {
            let read = rt.block_on(handle.read(&stream, 0..u64::MAX)).unwrap();
            prop_assert_eq!(read.len() as u64, truth);
            verify(&read).unwrap();
        }
    }
}
