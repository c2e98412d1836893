//! The membership ledger: replaying events, opening a ledger from its store, and the
//! register and roll of a large co-op.
//!
//! `cargo bench -p andel-benches --bench ledger`. Goals (issue 5): replay at least 1M
//! events per second in memory; the roll for 100k members in under 50 ms. Goal (issue
//! 12): open a co-op's ledger from its store at at least 1M events per second (from its
//! latest snapshot and the events after it).

// A bench stops on a refusal: that is a bug in the fixture, not a result.
#![allow(clippy::expect_used, missing_docs)]

use std::sync::Arc;

use andel::journal::{
    Aggregate, Draft, Entry, JournalStore, Kind, MemoryStore, Payload, Salt, Snapshotted,
    StreamHead, StreamId, TenantId,
};
use andel::ledger::{Event, LEDGER_STREAM, Ledger, SNAPSHOT_AFTER, open_ledger, open_ledger_from};
use andel::store::SqliteDatabase;
use andel_benches::{AT, college_statutes, ledger_events, ledger_events_under};
use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn replay(events: &[Event]) -> Ledger {
    let mut ledger = Ledger::new();
    for event in events {
        ledger.apply(event).expect("the events apply");
    }
    ledger
}

/// The entries of a ledger stream holding `events`, as `Stored` appends them.
fn ledger_entries(events: &[Event]) -> Vec<Entry> {
    let head = StreamHead::new(StreamId::new(LEDGER_STREAM).expect("a name"));
    let at = AT.parse().expect("a time");
    let drafts = events.iter().map(|event| {
        let payload = Payload::new(event).expect("events are JSON");
        Draft::new(Kind::new(event.kind()).expect("a kind"), payload, at)
            .with_salt(Salt::from_bytes([7; 32]))
    });
    head.seal_all(0, drafts).expect("the entries seal")
}

fn benches(c: &mut Criterion) {
    // About 1.1M events for replay; a 100k-member ledger for the register and roll.
    let events = ledger_events(200_000);
    let ledger = replay(&ledger_events(100_000));
    eprintln!(
        "ledger bench: replay of {} events; register and roll of {} members",
        events.len(),
        ledger.register(NaiveDate::MAX).rows.len()
    );
    let payloads: Vec<Payload> = events
        .iter()
        .map(|e| Payload::new(e).expect("events are JSON"))
        .collect();

    let mut group = c.benchmark_group("ledger");
    group.sample_size(10);
    group.throughput(Throughput::Elements(events.len() as u64));
    group.bench_function("replay decoded events", |b| {
        b.iter_with_large_drop(|| replay(&events))
    });
    group.bench_function("replay from journal payloads (JSON decode + apply)", |b| {
        b.iter_with_large_drop(|| {
            let mut ledger = Ledger::new();
            for payload in &payloads {
                let event: Event = payload.decode().expect("an event");
                ledger.apply(&event).expect("the events apply");
            }
            ledger
        })
    });
    let entries = ledger_entries(&events);
    group.bench_function(
        "replay from journal entries (decode by kind + apply)",
        |b| {
            b.iter_with_large_drop(|| {
                let mut ledger = Ledger::new();
                for entry in &entries {
                    let payload = entry.payload().expect("a payload");
                    let event = <Ledger as Aggregate>::decode(entry.kind().as_str(), payload)
                        .expect("an event");
                    ledger.apply(&event).expect("the events apply");
                }
                ledger
            })
        },
    );
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let memory: Arc<dyn JournalStore> = Arc::new(MemoryStore::new());
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = rt
        .block_on(SqliteDatabase::open(dir.path().join("ledger.db")))
        .expect("an SQLite database");
    let snapshots = Arc::new(db.store(TenantId::new("bench").expect("a name")));
    let sqlite: Arc<dyn JournalStore> = snapshots.clone();
    let stream = StreamId::new(LEDGER_STREAM).expect("a name");
    // The snapshot is saved where all but the last SNAPSHOT_AFTER events were in: the
    // longest tail `open_ledger_from` replays without saving a new one.
    let (before, tail) = entries.split_at(entries.len() - SNAPSHOT_AFTER as usize);
    for (part, snapshot_after) in [(before, true), (tail, false)] {
        for chunk in part.chunks(50_000) {
            for store in [&memory, &sqlite] {
                rt.block_on(store.import(&stream, chunk.to_vec()))
                    .expect("the entries import");
            }
        }
        if snapshot_after {
            let ledger = rt
                .block_on(open_ledger(Arc::clone(&sqlite)))
                .expect("it opens");
            rt.block_on(ledger.save_snapshot(&*snapshots))
                .expect("the snapshot saves");
        }
    }
    drop(entries);
    let state = replay(&events).encode_state();
    eprintln!(
        "ledger bench: the state of {} events is {} bytes",
        events.len(),
        state.len()
    );
    for (name, store) in [
        ("open_ledger from a MemoryStore", &memory),
        ("open_ledger from SQLite", &sqlite),
    ] {
        group.bench_function(name, |b| {
            b.iter_with_large_drop(|| {
                let ledger = rt
                    .block_on(open_ledger(Arc::clone(store)))
                    .expect("it opens");
                assert_eq!(ledger.state().event_count(), events.len() as u64);
                ledger
            })
        });
    }
    group.bench_function(
        format!("open_ledger_from SQLite (snapshot + {SNAPSHOT_AFTER}-event tail)"),
        |b| {
            b.iter_with_large_drop(|| {
                let ledger = rt
                    .block_on(open_ledger_from(Arc::clone(&sqlite), &*snapshots))
                    .expect("it opens");
                assert_eq!(ledger.state().event_count(), events.len() as u64);
                assert_eq!(ledger.opened().saved_at, None);
                ledger
            })
        },
    );
    group.bench_function("snapshot: encode the state", |b| {
        let ledger = replay(&events);
        b.iter(|| ledger.encode_state())
    });
    group.bench_function("snapshot: decode the state", |b| {
        b.iter_with_large_drop(|| Ledger::decode_state(&state).expect("it decodes"))
    });
    group.throughput(Throughput::Elements(100_000));
    let record_date = NaiveDate::from_ymd_opt(2027, 6, 1).expect("a date");
    group.bench_function("roll, 100k members", |b| {
        b.iter(|| ledger.roll(record_date))
    });
    let colleges = replay(&ledger_events_under(&college_statutes(), 100_000));
    group.bench_function("roll, 100k members, colleges 60/40", |b| {
        b.iter(|| colleges.roll(record_date))
    });
    group.bench_function("register, 100k members", |b| {
        b.iter(|| ledger.register(record_date))
    });
    group.finish();
}

criterion_group!(ledger, benches);
criterion_main!(ledger);
