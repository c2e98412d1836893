//! The consent engine's access decisions beside Cedar's, on the same policy set and the
//! same requests, in the same run.
//!
//! `cargo bench -p andel-benches --bench consent`. Goal (issue 15): at least 10× Cedar
//! per decision with 1,000 rules and 100k members. Both engines answer every request
//! first, and the run stops if any answer differs. Cedar is timed on its own
//! `is_authorized` with its requests and entities built beforehand; Andel on
//! `evaluate` with its consent lookup.
//!
//! Recording: `Coop::decide_accesses` (read the consents and policies, decide 1,000
//! requests under the adopted kanban policy, append their 1,000 access records in one
//! transaction) beside the store appending the same 1,000 records in one batch, on
//! SQLite. Goal (issue 15): at least 0.7× the store's own rate.

// A bench stops on a broken fixture: that is a bug, not a result.
#![allow(clippy::expect_used, missing_docs)]

use andel::consent::{ACCESS_KIND, AccessRecord, Charter, evaluate};
use andel::journal::{Draft, Kind, Payload, StreamId, Timestamp};
use andel_benches::Rng;
use andel_benches::cedar::{Coop, cedar_allows, cedar_request, policy_set};
use andel_benches::kanban::{kanban_coop, kanban_requests};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn benches(c: &mut Criterion) {
    let mut rng = Rng(0x5eed_c0de);
    let coop = Coop::new(&mut rng, 100_000, 50, 20);
    let policy = coop.policy(&mut rng, 1_000);
    let charter = Charter::default();
    let requests: Vec<_> = (0..2_000).map(|_| coop.request(&mut rng)).collect();
    let policies = policy_set(&policy, &charter).expect("the policy translates");
    let cedar: Vec<_> = requests
        .iter()
        .map(|r| cedar_request(r, &coop).expect("the request translates"))
        .collect();
    let mut allowed = 0;
    for (request, theirs) in requests.iter().zip(&cedar) {
        let ours = evaluate(request, &policy, &charter, &coop).allowed;
        assert_eq!(ours, cedar_allows(&policies, theirs), "{request:?}");
        allowed += usize::from(ours);
    }
    eprintln!(
        "consent bench: 1,000 rules, 100,000 members, {} requests, {allowed} allowed, identical decisions",
        requests.len()
    );

    let mut group = c.benchmark_group("consent");
    group.sample_size(20);
    group.throughput(Throughput::Elements(requests.len() as u64));
    group.bench_function("andel evaluate, 1000 rules", |b| {
        b.iter(|| {
            requests
                .iter()
                .filter(|r| evaluate(r, &policy, &charter, &coop).allowed)
                .count()
        })
    });
    group.bench_function("cedar is_authorized, 1000 rules", |b| {
        b.iter(|| cedar.iter().filter(|r| cedar_allows(&policies, r)).count())
    });
    group.finish();
    recording(c);
}

fn recording(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let coop = rt.block_on(kanban_coop(dir.path()));
    let requests = kanban_requests(&mut Rng(7), 1_000);
    let now: Timestamp = "2027-02-01T12:00:00Z".parse().expect("a time");
    let decisions = rt
        .block_on(coop.decide_accesses(&requests, now, None))
        .expect("decided");
    let allowed = decisions.iter().filter(|d| d.allowed).count();
    eprintln!("consent bench: recording 1,000 decisions a batch, {allowed} allowed");
    let kind = Kind::new(ACCESS_KIND).expect("a kind");
    let drafts: Vec<Draft> = requests
        .iter()
        .zip(&decisions)
        .map(|(r, d)| {
            Draft::new(
                kind.clone(),
                Payload::new(&AccessRecord::of(r, d)).expect("JSON"),
                now,
            )
        })
        .collect();
    let baseline = StreamId::new("baseline").expect("a name");
    let store = coop.journal().clone();

    let mut group = c.benchmark_group("consent recording (SQLite)");
    group.sample_size(10);
    group.throughput(Throughput::Elements(requests.len() as u64));
    group.bench_function("store: append 1000 access records in one batch", |b| {
        b.iter(|| {
            rt.block_on(async {
                let head = store.head(&baseline).await.expect("a head");
                store
                    .append(&baseline, head.next_seq(), drafts.clone())
                    .await
                    .expect("appended")
            })
        })
    });
    group.bench_function("decide_accesses: decide and record 1000 requests", |b| {
        b.iter(|| {
            rt.block_on(coop.decide_accesses(&requests, now, None))
                .expect("decided")
        })
    });
    group.finish();
    rt.block_on(coop.close());
}

criterion_group!(consent, benches);
criterion_main!(consent);
