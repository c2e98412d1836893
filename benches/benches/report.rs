//! A member's transparency report out of ten million audit records, on SQLite.
//!
//! `cargo bench -p andel-benches --bench report`. Goal (issue 15): a member's report
//! out of 10M audit records in under 100 ms.
//!
//! The data set is a kanban co-op of 10,000 members whose service asked 10M accesses
//! over a year, decided under the adopted policy and recorded by `decide_accesses` in
//! batches of 10,000 (so each member owns about 1,000 of the records). It takes some
//! minutes to build, so it is built once and kept under the target directory
//! (`target/tmp/audit-10m`), with how long recording and indexing took.
//!
//! Beside the report, the baseline: the store reading as many entries in a row as the
//! member has records, the least that reading them can cost.

// A bench stops on a broken fixture: that is a bug, not a result.
#![allow(clippy::expect_used, missing_docs)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use andel::consent::{AUDIT_STREAM, MemberId};
use andel::journal::{StreamId, Timestamp};
use andel::service::{Access, Coop};
use andel_benches::Rng;
use andel_benches::kanban::{kanban_coop, kanban_requests_among};
use chrono::{DateTime, Duration, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const RECORDS: usize = 10_000_000;
const BATCH: usize = 10_000;
const MEMBERS: usize = 10_000;

fn t(text: &str) -> DateTime<Utc> {
    text.parse().expect("a time")
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("audit-10m")
}

/// The co-op with its 10M audit records, built and indexed unless a complete one is
/// there.
async fn data_set() -> Coop {
    let dir = data_dir();
    let complete = dir.join("complete");
    if complete.exists() {
        let location = format!("sqlite:{}", dir.join("coop.db").display())
            .parse()
            .expect("a location");
        let coop = Coop::open(
            &location,
            "bench".parse().expect("a name"),
            Access::Existing,
        )
        .await
        .expect("the data set");
        let built = std::fs::read_to_string(&complete).expect("the marker");
        eprintln!("report bench: the data set in {} ({built})", dir.display());
        return coop;
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a folder");
    let coop = kanban_coop(&dir).await;
    let mut rng = Rng(0x000a_0d17);
    let recorded_at: Timestamp = "2028-01-01T00:00:00Z".parse().expect("a time");
    let start = Instant::now();
    let batches = RECORDS / BATCH;
    for batch in 0..batches {
        // Spread over 2027: a batch every 525 minutes.
        let at = t("2027-01-01T00:00:00Z") + Duration::minutes(525 * batch as i64);
        let requests = kanban_requests_among(&mut rng, BATCH, MEMBERS, at);
        coop.decide_accesses(&requests, recorded_at, None)
            .await
            .expect("decided");
        if (batch + 1) % 100 == 0 {
            eprintln!("report bench: {} of {RECORDS} records", (batch + 1) * BATCH);
        }
    }
    let recording = start.elapsed();
    let start = Instant::now();
    let someone: MemberId = "m0".parse().expect("a member");
    coop.transparency_report(
        &someone,
        t("2027-01-01T00:00:00Z"),
        t("2028-01-01T00:00:00Z"),
    )
    .await
    .expect("the index caught up");
    let indexing = start.elapsed();
    let built = format!(
        "{RECORDS} records recorded in {:.0} s, indexed in {:.0} s",
        recording.as_secs_f64(),
        indexing.as_secs_f64()
    );
    eprintln!("report bench: {built}");
    std::fs::write(&complete, &built).expect("the marker");
    coop
}

fn report(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let coop = rt.block_on(data_set());
    let audit = StreamId::new(AUDIT_STREAM).expect("a name");
    let head = rt
        .block_on(coop.journal().head(&audit))
        .expect("a head")
        .next_seq();
    assert!(head >= RECORDS as u64, "the audit journal holds {head}");
    let member: MemberId = "m4242".parse().expect("a member");
    let (from, to) = (t("2027-01-01T00:00:00Z"), t("2028-01-01T00:00:00Z"));
    let year = rt
        .block_on(coop.transparency_report(&member, from, to))
        .expect("a report");
    let records = year.accesses.len();
    assert!(records > 500, "`{member}` has {records} records");
    let march = rt
        .block_on(coop.transparency_report(
            &member,
            t("2027-03-01T00:00:00Z"),
            t("2027-04-01T00:00:00Z"),
        ))
        .expect("a report");
    eprintln!(
        "report bench: `{member}` has {records} of {head} records ({} allowed, {} in March)",
        year.allowed,
        march.accesses.len()
    );

    let mut group = c.benchmark_group("report (10M audit records, SQLite)");
    group.sample_size(20);
    group.throughput(Throughput::Elements(records as u64));
    group.bench_function("transparency_report: one member, a year", |b| {
        b.iter(|| {
            rt.block_on(coop.transparency_report(&member, from, to))
                .expect("a report")
        })
    });
    group.bench_function("transparency_report: one member, March", |b| {
        b.iter(|| {
            rt.block_on(coop.transparency_report(
                &member,
                t("2027-03-01T00:00:00Z"),
                t("2027-04-01T00:00:00Z"),
            ))
            .expect("a report")
        })
    });
    let start = head / 2;
    group.bench_function("store: read as many entries in a row", |b| {
        b.iter(|| {
            rt.block_on(coop.journal().read(&audit, start..start + records as u64))
                .expect("entries")
        })
    });
    group.finish();
    rt.block_on(coop.close());
}

criterion_group!(benches, report);
criterion_main!(benches);
