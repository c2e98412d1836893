//! The consent engine's access decisions beside Cedar's, on the same policy set and the
//! same requests, in the same run.
//!
//! `cargo bench -p andel-benches --bench consent`. Goal (issue 15): at least 10× Cedar
//! per decision with 1,000 rules and 100k members. Both engines answer every request
//! first, and the run stops if any answer differs. Cedar is timed on its own
//! `is_authorized` with its requests and entities built beforehand; Andel on
//! `evaluate` with its consent lookup.

// A bench stops on a broken fixture: that is a bug, not a result.
#![allow(clippy::expect_used, missing_docs)]

use andel::consent::{Charter, evaluate};
use andel_benches::Rng;
use andel_benches::cedar::{Coop, cedar_allows, cedar_request, policy_set};
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
}

criterion_group!(consent, benches);
criterion_main!(consent);
