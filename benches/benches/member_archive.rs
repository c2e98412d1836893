//! A member's archive out of a co-op of 10,000 members and millions of audit records,
//! on SQLite, beside its floor: reading and verifying every entry of the streams it
//! proves against (a proof against today's root needs every entry's hash).
//!
//! `cargo bench -p andel-benches --bench member_archive` (1M accesses; set
//! `ANDEL_BENCH_ACCESSES=10000000` for ten million). Peak memory:
//! `cargo run --release -p andel-benches --bin member_memory`.

// A bench stops on a broken fixture: that is a bug, not a result.
#![allow(clippy::expect_used, missing_docs)]

use andel::consent::{AUDIT_STREAM, CONSENT_STREAM};
use andel::journal::{StreamId, Verifier};
use andel::ledger::LEDGER_STREAM;
use andel::service::Coop;
use andel_benches::member::{controller, created_at, member, member_coop};
use criterion::{Criterion, criterion_group, criterion_main};

/// How many accesses the data set holds.
pub fn accesses() -> usize {
    std::env::var("ANDEL_BENCH_ACCESSES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000)
}

/// Reads and verifies every entry of the streams a member's archive proves against.
async fn read_streams(coop: &Coop) -> u64 {
    let mut entries = 0;
    for name in [LEDGER_STREAM, CONSENT_STREAM, AUDIT_STREAM] {
        let stream = StreamId::new(name).expect("a name");
        let mut verifier = Verifier::new();
        let mut from = 0;
        loop {
            let page = coop
                .journal()
                .read(&stream, from..from + 4096)
                .await
                .expect("a page");
            for entry in &page {
                verifier.check(entry).expect("verifies");
            }
            entries += page.len() as u64;
            from += 4096;
            if page.len() < 4096 {
                break;
            }
        }
    }
    entries
}

fn member_archive(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let records = accesses();
    let coop = rt.block_on(member_coop(records));
    let export = || {
        rt.block_on(coop.export_member(
            member(),
            std::io::Cursor::new(Vec::new()),
            created_at(),
            &controller(),
            &mut |_| {},
        ))
        .expect("an archive")
    };
    let (bytes, manifest) = export();
    eprintln!(
        "member archive: {} files, {} bytes; {} entries read",
        manifest.files.len(),
        bytes.into_inner().len(),
        rt.block_on(read_streams(&coop))
    );
    let mut group = c.benchmark_group(format!("member archive ({records} accesses, SQLite)"));
    group.sample_size(10);
    group.bench_function("export_member: member 4242", |b| b.iter(export));
    group.bench_function("baseline: read and verify the streams", |b| {
        b.iter(|| rt.block_on(read_streams(&coop)));
    });
    group.finish();
}

criterion_group!(benches, member_archive);
criterion_main!(benches);
