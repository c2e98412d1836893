//! The membership ledger: replaying events, and the register and roll of a large co-op.
//!
//! `cargo bench -p andel-benches --bench ledger`. Goals (issue 5): replay at least 1M
//! events per second in memory; the roll for 100k members in under 50 ms.

// A bench stops on a refusal: that is a bug in the fixture, not a result.
#![allow(clippy::expect_used, missing_docs)]

use andel::journal::Payload;
use andel::ledger::{Event, Ledger};
use andel_benches::{college_statutes, ledger_events, ledger_events_under};
use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn replay(events: &[Event]) -> Ledger {
    let mut ledger = Ledger::new();
    for event in events {
        ledger.apply(event).expect("the events apply");
    }
    ledger
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
