//! Times the Condorcet methods once on a large seeded election, for cases too slow to
//! benchmark: `cargo run --release -p andel-tally --example condorcet_scale -- 1000 schulze`
//! (then optionally `lot` to settle ties by lot, and a number of seats).
//! The ballots are those of the `condorcet_*` group of `benches/benches/tally.rs`.

// An example at the edge: a bad argument stops it loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use andel_tally::{
    CandidateId, Candidates, Method, Options, Pairwise, Profile, Ranking, TieBreak, count,
};
use rust_decimal::Decimal;

/// xorshift64*, as `andel_benches::Rng`.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n as u64) as usize
    }
}

/// `voters` ballots over `n` candidates: one in ten ranks every candidate, one in ten
/// ranks them two to a rank, the others rank 1 to 15 candidates, drawn uniformly.
fn profile(n: usize, voters: usize, seed: u64) -> Profile {
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
        // A partial Fisher–Yates shuffle: the first `len` of a random order.
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

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args
        .first()
        .map_or(1000, |a| a.parse().expect("a number of candidates"));
    let what = args.get(1).map_or("schulze", String::as_str);
    let p = profile(n, 2000, 0xC0DE + n as u64);
    let start = Instant::now();
    if what == "pairwise" {
        let table = Pairwise::of(&p);
        println!(
            "{n} candidates, pairwise table: {:?} (smith set of {})",
            start.elapsed(),
            table.smith_set.len()
        );
        return;
    }
    let method: Method = what.parse().expect("a method");
    // A third argument `lot` settles ties by lot, so every tie is tried and settled.
    let options = Options {
        tie_break: match args.get(2).map(String::as_str) {
            Some("lot") => TieBreak::Lot { seed: 7 },
            _ => TieBreak::Report,
        },
        seats: args
            .get(3)
            .map_or(1, |s| s.parse().expect("a number of seats")),
    };
    let outcome = count(&p, method, options).unwrap();
    println!(
        "{n} candidates, {method}: {:?}; elected {:?}, {} ties",
        start.elapsed(),
        outcome.elected,
        outcome.ties.len()
    );
}
