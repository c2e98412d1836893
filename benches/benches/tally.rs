//! Tally benchmarks: 1M ranked ballots over 10 candidates (IRV, Schulze, Copeland,
//! Borda), and 100k ballots over 30 candidates for 5 seats (Scottish STV), plus the cost
//! of grouping the ballots into a profile; and the Condorcet methods on 2,000 ballots over
//! 400 and 1,000 candidates. Figures go to the book's performance page.

// A failed unwrap in a benchmark is a broken benchmark input: stop loudly.
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use andel::tally::{CandidateId, Candidates, Method, Options, Pairwise, Profile, Ranking, count};
use andel_benches::{Rng, ballots, ranked_profile};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rust_decimal::Decimal;

fn million_over_ten(c: &mut Criterion) {
    let rankings = ballots(1_000_000, 10, 0x5EED);
    let mut group = c.benchmark_group("tally_1M_ballots_10_candidates");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Elements(1_000_000));
    group.bench_function("group into a profile", |b| {
        b.iter(|| black_box(ranked_profile(&rankings, 10)))
    });
    let p = ranked_profile(&rankings, 10);
    eprintln!(
        "1M ballots over 10 candidates: {} distinct rankings",
        p.ballots().len()
    );
    // The four, then every other method that counts rankings (multi-winner
    // methods for 3 seats).
    for method in Method::ALL.iter().copied().filter(|m| m.counts_rankings()) {
        let seats = if method.is_multi_winner() { 3 } else { 1 };
        let options = Options {
            seats,
            ..Options::default()
        };
        group.bench_function(method.name(), |b| {
            b.iter(|| black_box(count(&p, method, options).unwrap()))
        });
    }
    group.finish();
}

/// Score, STAR and the budget methods on ballots derived from the same rankings: a
/// ranking scores its candidates 5, 4, 3, … and approves all it ranks; projects cost
/// 10 to 100 of a budget of 150.
fn other_ballots(c: &mut Criterion) {
    use andel::tally::{Approvals, Ballots, Budget, Scores, count_ballots};
    let n = 10;
    let rankings = ballots(1_000_000, n, 0x5EED);
    let candidates = Candidates::new((0..n).map(|i| format!("Candidate {i}"))).unwrap();
    let mut scores = Scores::builder(candidates.clone());
    let mut approvals = Approvals::builder(candidates);
    for order in &rankings {
        let mut sheet = vec![0u32; n];
        for (rank, &c) in order.iter().enumerate() {
            sheet[usize::from(c)] = 5u32.saturating_sub(rank as u32);
        }
        scores.add(sheet, Decimal::ONE).unwrap();
        approvals
            .add(order.iter().map(|&c| CandidateId(c)), Decimal::ONE)
            .unwrap();
    }
    let scores = Ballots::Score(scores.build());
    let budget = Ballots::Budget {
        approvals: approvals.build(),
        budget: Budget {
            limit: Decimal::from(150),
            costs: (1..=n as i64).map(|i| Decimal::from(10 * i)).collect(),
        },
    };
    let mut group = c.benchmark_group("tally_1M_score_and_budget_ballots_10_candidates");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    for (ballots, method) in [
        (&scores, Method::Score),
        (&scores, Method::Star),
        (&budget, Method::EqualShares),
        (&budget, Method::GreedyBudget),
    ] {
        group.bench_function(method.name(), |b| {
            b.iter(|| black_box(count_ballots(ballots, method, Options::default()).unwrap()))
        });
    }
    group.finish();
}

fn stv_100k_over_30(c: &mut Criterion) {
    let rankings = ballots(100_000, 30, 0xBA11075);
    let p = ranked_profile(&rankings, 30);
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

/// The BLT reader on the file `benches/cli/tally_vs_stv_rs.sh` times end to end: 500k
/// ballots over 12 candidates, one line each.
fn blt_500k(c: &mut Criterion) {
    use std::fmt::Write as _;
    let (voters, n) = (500_000, 12);
    let mut blt = format!("{n} 3\n");
    for ranking in ballots(voters, n, 0xB17) {
        blt.push('1');
        for c in ranking {
            let _ = write!(blt, " {}", c + 1);
        }
        blt.push_str(" 0\n");
    }
    blt.push_str("0\n");
    for c in 1..=n {
        let _ = writeln!(blt, "\"Candidate {c}\"");
    }
    let bytes = blt.into_bytes();
    let mut group = c.benchmark_group("blt_500k_ballots_12_candidates");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("parse_bytes", |b| {
        b.iter(|| black_box(andel::tally::formats::blt::parse_bytes(&bytes).unwrap()))
    });
    group.bench_function("parse (a BufRead)", |b| {
        b.iter(|| black_box(andel::tally::formats::blt::parse(&bytes[..]).unwrap()))
    });
    group.finish();
}

/// `voters` ballots over `n` candidates: one in ten ranks every candidate, one in ten
/// ranks them two to a rank, the others rank 1 to 15 candidates, drawn uniformly. The
/// same ballots as `crates/andel-tally/examples/condorcet_scale.rs`, which times once
/// what is too slow to benchmark.
fn condorcet_profile(n: usize, voters: usize, seed: u64) -> Profile {
    let candidates = Candidates::new((0..n).map(|i| format!("Candidate {i}"))).unwrap();
    let mut rng = Rng(seed);
    let mut builder = Profile::builder(candidates.clone());
    for _ in 0..voters {
        let kind = rng.below(10);
        let len = if kind == 0 {
            n
        } else {
            (1 + rng.below(15)).min(n)
        };
        let mut order: Vec<u16> = (0..n as u16).collect();
        for i in 0..len {
            let j = i + rng.below(n - i);
            order.swap(i, j);
        }
        let ids = order[..len].iter().map(|&c| CandidateId(c));
        if kind == 1 {
            let ranks: Vec<Vec<CandidateId>> = ids
                .collect::<Vec<_>>()
                .chunks(2)
                .map(<[CandidateId]>::to_vec)
                .collect();
            let ranking = Ranking::with_ties(ranks, &candidates).unwrap();
            builder.add(ranking, Decimal::ONE).unwrap();
        } else {
            builder
                .add_order(&ids.collect::<Vec<_>>(), Decimal::ONE)
                .unwrap();
        }
    }
    builder.build()
}

/// Schulze, ranked pairs and the pairwise table behind them, at 400 and 1,000
/// candidates (the most an election may have).
fn condorcet_at_scale(c: &mut Criterion) {
    for n in [400, 1000] {
        let p = condorcet_profile(n, 2000, 0xC0DE + n as u64);
        let mut group = c.benchmark_group(format!("condorcet_2000_ballots_{n}_candidates"));
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(5));
        group.bench_function("pairwise table", |b| b.iter(|| black_box(Pairwise::of(&p))));
        for method in [Method::Schulze, Method::RankedPairs] {
            group.bench_function(method.name(), |b| {
                b.iter(|| black_box(count(&p, method, Options::default()).unwrap()))
            });
        }
        group.finish();
    }
}

criterion_group!(
    benches,
    condorcet_at_scale,
    million_over_ten,
    stv_100k_over_30,
    other_ballots,
    blt_500k
);
criterion_main!(benches);
