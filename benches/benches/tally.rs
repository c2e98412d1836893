//! Tally benchmarks: 1M ranked ballots over 10 candidates (IRV, Schulze, Copeland,
//! Borda), and 100k ballots over 30 candidates for 5 seats (Scottish STV), plus the cost
//! of grouping the ballots into a profile. Figures go to the book's performance page.

// A failed unwrap in a benchmark is a broken benchmark input: stop loudly.
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use andel::tally::{CandidateId, Candidates, Method, Options, Profile, count};
use andel_benches::ballots;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rust_decimal::Decimal;

fn profile(rankings: &[Vec<u16>], n: usize) -> Profile {
    let candidates = Candidates::new((0..n).map(|i| format!("Candidate {i}"))).unwrap();
    let mut profile = Profile::builder(candidates);
    let mut order = Vec::new();
    for ranking in rankings {
        order.clear();
        order.extend(ranking.iter().map(|&c| CandidateId(c)));
        profile.add_order(&order, Decimal::ONE).unwrap();
    }
    profile.build()
}

fn million_over_ten(c: &mut Criterion) {
    let rankings = ballots(1_000_000, 10, 0x5EED);
    let mut group = c.benchmark_group("tally_1M_ballots_10_candidates");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Elements(1_000_000));
    group.bench_function("group into a profile", |b| {
        b.iter(|| black_box(profile(&rankings, 10)))
    });
    let p = profile(&rankings, 10);
    eprintln!(
        "1M ballots over 10 candidates: {} distinct rankings",
        p.ballots().len()
    );
    for method in [
        Method::Irv,
        Method::Schulze,
        Method::Copeland,
        Method::Borda,
    ] {
        group.bench_function(method.name(), |b| {
            b.iter(|| black_box(count(&p, method, Options::default()).unwrap()))
        });
    }
    group.finish();
}

fn stv_100k_over_30(c: &mut Criterion) {
    let rankings = ballots(100_000, 30, 0xBA11075);
    let p = profile(&rankings, 30);
    eprintln!(
        "100k ballots over 30 candidates: {} distinct rankings",
        p.ballots().len()
    );
    let mut group = c.benchmark_group("tally_100k_ballots_30_candidates_5_seats");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Elements(100_000));
    let options = Options {
        seats: 5,
        ..Options::default()
    };
    for method in [Method::StvScottish, Method::StvMeek] {
        group.bench_function(method.name(), |b| {
            b.iter(|| black_box(count(&p, method, options).unwrap()))
        });
    }
    group.finish();
}

criterion_group!(benches, million_over_ten, stv_100k_over_30);
criterion_main!(benches);
