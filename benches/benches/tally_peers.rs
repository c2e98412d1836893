//! Andel's tally beside peer crates on the same ballots, in the same run: `tallystick`
//! (the methods it builds on stable Rust: plurality, approval, Condorcet) on 1M ballots
//! over 10 candidates, and `stv-rs` (Meek STV) on 100k ballots over 30 candidates for 5
//! seats. Before timing, each pair is checked to elect the same candidates.
//!
//! The peers take ballots one at a time, so Andel's side includes reading the raw
//! ballots: grouping them into a profile, or, for plurality and approval, checking and
//! counting each one with a `MarkTally`. For Meek both sides get the same grouped
//! ballots. Two floors bound what any count of the raw ballots can do: reading every
//! ballot's first choice, and reading every ballot in full.

// A failed unwrap in a benchmark is a broken benchmark setup: stop loudly.
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use andel::tally::{CandidateId, Candidates, MarkTally, Method, Options, Pairwise, count};
use andel_benches::{ballots, ranked_profile};
use criterion::{Criterion, criterion_group, criterion_main};

#[path = "../peers/mod.rs"]
mod peers;

use peers::{
    stv_rs_election, stv_rs_meek, tallystick_approval, tallystick_condorcet, tallystick_plurality,
};

fn winner(outcome: &andel::tally::Outcome) -> u16 {
    outcome.elected[0].0
}

/// Plurality or approval straight from the raw ballots: each checked and counted.
fn marks(rankings: &[Vec<u16>], candidates: &Candidates, method: Method) -> andel::tally::Outcome {
    let mut tally = MarkTally::new(candidates.clone(), method).unwrap();
    for r in rankings {
        tally.add(r.iter().map(|&c| CandidateId(c))).unwrap();
    }
    tally.count(Options::default()).unwrap()
}

fn against_tallystick(c: &mut Criterion) {
    let n = 10;
    let rankings = ballots(1_000_000, n, 0x5EED);
    let grouped = ranked_profile(&rankings, n);
    let candidates = grouped.candidates().clone();
    let ours = |method| count(&grouped, method, Options::default()).unwrap();
    for (method, theirs) in [
        (Method::Plurality, tallystick_plurality(&rankings)),
        (Method::Approval, tallystick_approval(&rankings)),
    ] {
        assert_eq!(winner(&ours(method)), theirs, "{method}");
        assert_eq!(marks(&rankings, &candidates, method), ours(method));
    }
    let condorcet = Pairwise::of(&grouped).condorcet_winner.map(|c| vec![c.0]);
    assert_eq!(
        condorcet,
        Some(tallystick_condorcet(&rankings, n)),
        "the same Condorcet winner"
    );

    let mut group = c.benchmark_group("peers_1M_ballots_10_candidates");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5))
        .warm_up_time(Duration::from_secs(1));
    // A plurality ballot is one mark: what tallystick is given (`r[0]`). The same
    // single marks, each checked, counted by the mark tally.
    let first_choices: Vec<Vec<u16>> = rankings.iter().map(|r| vec![r[0]]).collect();
    assert_eq!(
        winner(&marks(&first_choices, &candidates, Method::Plurality)),
        tallystick_plurality(&rankings)
    );
    group.bench_function(
        "andel plurality (mark tally on one mark a ballot, as tallystick is given)",
        |b| {
            b.iter(|| {
                let mut tally = MarkTally::new(candidates.clone(), Method::Plurality).unwrap();
                for r in &rankings {
                    tally.add([CandidateId(r[0])]).unwrap();
                }
                black_box(tally.count(Options::default()).unwrap())
            })
        },
    );
    for method in [Method::Plurality, Method::Approval] {
        group.bench_function(format!("andel {method} (mark tally: check + count)"), |b| {
            b.iter(|| black_box(marks(&rankings, &candidates, method)))
        });
        group.bench_function(format!("andel {method} (group + count)"), |b| {
            b.iter(|| {
                black_box(count(&ranked_profile(&rankings, n), method, Options::default()).unwrap())
            })
        });
    }
    group.bench_function(
        "andel condorcet winner (group + pairwise + Smith set)",
        |b| b.iter(|| black_box(Pairwise::of(&ranked_profile(&rankings, n)))),
    );
    // The floor under any count that reads each raw ballot once: touch every ballot's
    // first choice and sum it. No method that takes these ballots can be faster.
    group.bench_function("floor: read every ballot's first choice", |b| {
        b.iter(|| {
            black_box(
                rankings
                    .iter()
                    .map(|r| u64::from(r[0]))
                    .fold(0u64, u64::wrapping_add),
            )
        })
    });
    group.bench_function("floor: read every ballot in full", |b| {
        b.iter(|| {
            black_box(
                rankings
                    .iter()
                    .flat_map(|r| r.iter().map(|&c| u64::from(c)))
                    .fold(0u64, u64::wrapping_add),
            )
        })
    });
    group.bench_function("tallystick plurality", |b| {
        b.iter(|| black_box(tallystick_plurality(&rankings)))
    });
    group.bench_function("tallystick approval", |b| {
        b.iter(|| black_box(tallystick_approval(&rankings)))
    });
    group.bench_function("tallystick condorcet", |b| {
        b.iter(|| black_box(tallystick_condorcet(&rankings, n)))
    });
    group.finish();
}

fn against_stv_rs(c: &mut Criterion) {
    let (n, seats) = (30, 5);
    let grouped = ranked_profile(&ballots(100_000, n, 0xBA11075), n);
    let election = stv_rs_election(&grouped, seats);
    let options = Options {
        seats,
        ..Options::default()
    };
    let mut ours: Vec<usize> = count(&grouped, Method::StvMeek, options)
        .unwrap()
        .elected
        .iter()
        .map(|c| c.index())
        .collect();
    let mut theirs = stv_rs_meek(&election);
    ours.sort();
    theirs.sort();
    assert_eq!(ours, theirs, "andel and stv-rs elect the same candidates");

    let mut group = c.benchmark_group("peers_100k_ballots_30_candidates_5_seats");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5))
        .warm_up_time(Duration::from_secs(1));
    group.bench_function("andel stv-meek", |b| {
        b.iter(|| black_box(count(&grouped, Method::StvMeek, options).unwrap()))
    });
    group.bench_function("stv-rs meek (fixed 9 decimals, one thread)", |b| {
        b.iter(|| black_box(stv_rs_meek(&election)))
    });
    group.finish();
}

criterion_group!(benches, against_tallystick, against_stv_rs);
criterion_main!(benches);
