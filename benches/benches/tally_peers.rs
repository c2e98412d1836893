//! Andel's tally beside peer crates on the same ballots, in the same run: `tallystick`
//! (the methods it builds on stable Rust: plurality, approval, Condorcet) on 1M ballots
//! over 10 candidates, and `stv-rs` (Meek STV) on 100k ballots over 30 candidates for 5
//! seats. Before timing, each pair is checked to elect the same candidates.
//!
//! The peers take ballots one at a time, so Andel's side includes grouping the raw
//! ballots into a profile; for Meek both sides get the same grouped ballots.

// A failed unwrap in a benchmark is a broken benchmark setup: stop loudly.
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use andel::tally::{Method, Options, Pairwise, count};
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

fn against_tallystick(c: &mut Criterion) {
    let n = 10;
    let rankings = ballots(1_000_000, n, 0x5EED);
    let grouped = ranked_profile(&rankings, n);
    let ours = |method| count(&grouped, method, Options::default()).unwrap();
    assert_eq!(
        winner(&ours(Method::Plurality)),
        tallystick_plurality(&rankings)
    );
    assert_eq!(
        winner(&ours(Method::Approval)),
        tallystick_approval(&rankings)
    );
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
    for method in [Method::Plurality, Method::Approval] {
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
