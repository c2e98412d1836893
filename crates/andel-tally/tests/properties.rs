//! The properties each method has in theory, checked on random elections.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use andel_tally::{
    CandidateId, Candidates, Method, Options, Outcome, Pairwise, Profile, Ranking, TieBreak, count,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

const CONDORCET: [Method; 4] = [
    Method::Schulze,
    Method::RankedPairs,
    Method::Copeland,
    Method::Minimax,
];

/// Ballots as (order of candidate indices, how many of them are ranked, weight).
type Ballots = (usize, Vec<(Vec<u16>, usize, u32)>);

fn ballots() -> impl Strategy<Value = Ballots> {
    (2usize..=5).prop_flat_map(|n| {
        let order = Just((0..n as u16).collect::<Vec<_>>()).prop_shuffle();
        (
            Just(n),
            proptest::collection::vec((order, 1..=n, 1u32..5), 1..14),
        )
    })
}

fn build(n: usize, ballots: &[(Vec<u16>, usize, u32)]) -> Profile {
    let candidates = Candidates::new((0..n).map(|i| format!("c{i}"))).unwrap();
    let mut profile = Profile::builder(candidates.clone());
    for (order, len, weight) in ballots {
        let ranking =
            Ranking::strict(order[..*len].iter().map(|&i| CandidateId(i)), &candidates).unwrap();
        profile.add(ranking, Decimal::from(*weight)).unwrap();
    }
    profile.build()
}

fn run(profile: &Profile, method: Method) -> Outcome {
    count(profile, method, Options::default()).unwrap()
}

/// The sole winner of a complete count without ties.
fn clear_winner(outcome: &Outcome) -> Option<CandidateId> {
    (outcome.complete && outcome.ties.is_empty()).then(|| outcome.elected[0])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// A Condorcet winner wins by every Condorcet method, and is in the Smith set alone.
    #[test]
    fn condorcet_winner_wins((n, b) in ballots()) {
        let p = build(n, &b);
        if let Some(w) = Pairwise::of(&p).condorcet_winner {
            for method in CONDORCET {
                let outcome = run(&p, method);
                prop_assert_eq!(&outcome.elected, &vec![w], "{}", method);
            }
            prop_assert_eq!(Pairwise::of(&p).smith_set, vec![w]);
        }
    }

    /// A candidate who loses to every other never wins by IRV, Schulze, ranked pairs or
    /// Copeland (minimax does not promise this).
    #[test]
    fn condorcet_loser_never_wins((n, b) in ballots()) {
        let p = build(n, &b);
        let pairwise = Pairwise::of(&p);
        let standing: Vec<CandidateId> = p.candidates().standing().collect();
        let beats = |i: CandidateId, j: CandidateId| pairwise.wins[i.index()][j.index()] > pairwise.wins[j.index()][i.index()];
        let loser = standing.iter().copied().find(|&l| standing.iter().all(|&o| o == l || beats(o, l)));
        if let Some(loser) = loser {
            for method in [Method::Irv, Method::Schulze, Method::RankedPairs, Method::Copeland] {
                prop_assert!(!run(&p, method).elected.contains(&loser), "{}", method);
            }
        }
    }

    /// Schulze and ranked pairs always elect from the Smith set.
    #[test]
    fn winners_are_in_the_smith_set((n, b) in ballots()) {
        let p = build(n, &b);
        let smith = Pairwise::of(&p).smith_set;
        for method in [Method::Schulze, Method::RankedPairs] {
            for w in run(&p, method).elected {
                prop_assert!(smith.contains(&w), "{}", method);
            }
        }
    }

    /// A candidate first on more than half of the ballots wins by plurality, IRV and every
    /// Condorcet method.
    #[test]
    fn majority_winner_wins((n, b) in ballots()) {
        let p = build(n, &b);
        let total: Decimal = p.total_weight();
        for c in p.candidates().standing() {
            let first: Decimal = p.ballots().iter().filter(|(r, _)| r.ranks()[0] == vec![c]).map(|(_, w)| *w).sum();
            if first + first > total {
                for method in [Method::Plurality, Method::Irv].into_iter().chain(CONDORCET) {
                    prop_assert_eq!(run(&p, method).elected, vec![c], "{}", method);
                }
            }
        }
    }

    /// If every ballot ranks `a` above `b`, `b` does not win (Condorcet methods, Borda).
    #[test]
    fn pareto((n, b) in ballots()) {
        let p = build(n, &b);
        let candidates: Vec<CandidateId> = p.candidates().standing().collect();
        for &a in &candidates {
            for &dominated in &candidates {
                let always = a != dominated && p.ballots().iter().all(|(r, _)| {
                    let pos = r.positions(n);
                    matches!((pos[a.index()], pos[dominated.index()]), (Some(x), Some(y)) if x < y) || (pos[a.index()].is_some() && pos[dominated.index()].is_none())
                });
                if always {
                    for method in CONDORCET.into_iter().chain([Method::Borda]) {
                        prop_assert!(!run(&p, method).elected.contains(&dominated), "{}", method);
                    }
                }
            }
        }
    }

    /// The order ballots come in never matters.
    #[test]
    fn anonymity((n, b) in ballots(), seed in any::<u64>()) {
        let p = build(n, &b);
        let mut reversed = b.clone();
        reversed.reverse();
        let q = build(n, &reversed);
        for &method in Method::ALL {
            let seats = if method.is_multi_winner() { 1 + (seed as usize % n) } else { 1 };
            let options = Options { seats, tie_break: TieBreak::Lot { seed } };
            let (x, y) = (count(&p, method, options).unwrap(), count(&q, method, options).unwrap());
            prop_assert_eq!(&x.elected, &y.elected, "{}", method);
            prop_assert_eq!(&x.rounds, &y.rounds, "{}", method);
        }
    }

    /// Renaming candidates renames the result, when no tie had to be settled.
    #[test]
    fn neutrality((n, b) in ballots()) {
        let p = build(n, &b);
        let flip = |c: u16| (n as u16) - 1 - c;
        let flipped: Vec<(Vec<u16>, usize, u32)> = b.iter().map(|(o, l, w)| (o.iter().map(|&c| flip(c)).collect(), *l, *w)).collect();
        let q = build(n, &flipped);
        for &method in Method::ALL {
            let (x, y) = (run(&p, method), run(&q, method));
            if x.ties.is_empty() && y.ties.is_empty() {
                let renamed: Vec<CandidateId> = y.elected.iter().map(|c| CandidateId(flip(c.0))).collect();
                prop_assert_eq!(&x.elected, &renamed, "{}", method);
            }
        }
    }

    /// A ballot of weight w counts as w ballots of weight 1; counting two halves of the
    /// ballots merged counts as counting them all.
    #[test]
    fn weights_and_merging((n, b) in ballots(), cut in any::<prop::sample::Index>()) {
        let p = build(n, &b);
        let copies: Vec<(Vec<u16>, usize, u32)> = b.iter().flat_map(|(o, l, w)| std::iter::repeat_n((o.clone(), *l, 1), *w as usize)).collect();
        prop_assert_eq!(&build(n, &copies), &p);
        let at = cut.index(b.len() + 1);
        let merged = build(n, &b[..at.min(b.len())]);
        if at > 0 && at < b.len() {
            let merged = merged.merged(&build(n, &b[at..])).unwrap();
            for &method in Method::ALL {
                prop_assert_eq!(run(&merged, method), run(&p, method), "{}", method);
            }
        }
    }

    /// At every stage of IRV and STV, the candidates' votes plus the non-transferable
    /// votes are the valid votes, and non-transferable votes never shrink; STV fills
    /// every seat, each once.
    #[test]
    fn staged_counts_conserve_votes((n, b) in ballots(), seats in 1usize..4) {
        let p = build(n, &b);
        let seats = seats.min(n);
        let options = Options { seats, tie_break: TieBreak::Lot { seed: 1 } };
        for (method, seats) in [(Method::Irv, 1), (Method::StvScottish, seats), (Method::StvMeek, seats)] {
            let outcome = count(&p, method, Options { seats, ..options }).unwrap();
            let mut last = Decimal::ZERO;
            for round in &outcome.rounds {
                let held: Decimal = round.votes.iter().copied().sum();
                prop_assert_eq!(held + round.non_transferable, p.total_weight(), "{}", method);
                prop_assert!(round.non_transferable >= last, "{}", method);
                last = round.non_transferable;
            }
            prop_assert!(outcome.complete);
            let mut elected = outcome.elected.clone();
            elected.sort();
            elected.dedup();
            prop_assert_eq!(elected.len(), seats, "{}", method);
        }
    }

    /// Raising the winner on one ballot keeps them the winner (methods that are
    /// monotonic; IRV is not).
    #[test]
    fn monotonicity((n, b) in ballots(), pick in any::<prop::sample::Index>()) {
        let p = build(n, &b);
        for method in [Method::Plurality, Method::Borda, Method::Schulze, Method::RankedPairs, Method::Copeland, Method::Minimax] {
            let Some(w) = clear_winner(&run(&p, method)) else { continue };
            let mut raised = b.clone();
            let i = pick.index(raised.len());
            let (order, len, _) = &mut raised[i];
            if let Some(at) = order[..*len].iter().position(|&c| c == w.0) {
                if at > 0 {
                    order.swap(at, at - 1);
                }
            }
            let outcome = run(&build(n, &raised), method);
            prop_assert_eq!(outcome.elected, vec![w], "{}", method);
        }
    }
}
