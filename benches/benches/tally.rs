//! Tally benchmarks: 1M ranked ballots over 10 candidates (IRV, Schulze, Copeland,
//! Borda), and 100k ballots over 30 candidates for 5 seats (Scottish STV), plus the cost
//! of grouping the ballots into a profile. Figures go to the book's performance page.

// A failed unwrap in a benchmark is a broken benchmark input: stop loudly.
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use andel::tally::{CandidateId, Candidates, Method, Options, Profile, Ranking, count};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rust_decimal::Decimal;

/// A deterministic generator (xorshift64*), so every run counts the same ballots.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Rankings as voters write them: candidates drawn with a bias towards a few popular
/// ones, most ballots ranking 1 to 5 of them.
fn ballots(voters: usize, candidates: usize, seed: u64) -> Vec<Vec<u16>> {
    let mut rng = Rng(seed);
    (0..voters)
        .map(|_| {
            let longest = rng.below(candidates).clamp(1, 5);
            let len = 1 + rng.below(longest);
            let mut order: Vec<u16> = Vec::with_capacity(len);
            while order.len() < len {
                // Popularity: candidate k drawn about twice as often as k + 3.
                let (x, y) = (rng.below(candidates), rng.below(candidates));
                let c = (x * y / candidates) as u16;
                if !order.contains(&c) {
                    order.push(c);
                }
            }
            order
        })
        .collect()
}

fn profile(rankings: &[Vec<u16>], n: usize) -> Profile {
    let candidates = Candidates::new((0..n).map(|i| format!("Candidate {i}"))).unwrap();
    let mut profile = Profile::builder(candidates.clone());
    for order in rankings {
        let ranking = Ranking::strict(order.iter().map(|&c| CandidateId(c)), &candidates).unwrap();
        profile.add(ranking, Decimal::ONE).unwrap();
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
    group.bench_function("stv-scottish", |b| {
        b.iter(|| {
            black_box(
                count(
                    &p,
                    Method::StvScottish,
                    Options {
                        seats: 5,
                        ..Options::default()
                    },
                )
                .unwrap(),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, million_over_ten, stv_100k_over_30);
criterion_main!(benches);
