//! The properties each method has in theory, checked on random elections.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use andel_tally::{
    Approvals, Ballots, CandidateId, Candidates, Method, Options, Outcome, Pairwise, Profile,
    Ranking, Resolution, Scores, TieBreak, count, count_ballots,
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
type RankedBallots = (usize, Vec<(Vec<u16>, usize, u32)>);

fn ballots() -> impl Strategy<Value = RankedBallots> {
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
        for &method in Method::ALL.iter().filter(|m| m.counts_rankings()) {
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
        for &method in Method::ALL.iter().filter(|m| m.counts_rankings()) {
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
            for &method in Method::ALL.iter().filter(|m| m.counts_rankings()) {
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
                prop_assert_eq!(held + round.non_transferable, outcome.valid_votes, "{}", method);
                prop_assert!(round.non_transferable >= last, "{}", method);
                last = round.non_transferable;
            }
            prop_assert_eq!(outcome.valid_votes + outcome.rejected, p.total_weight(), "{}", method);
            prop_assert!(outcome.complete);
            let mut elected = outcome.elected.clone();
            elected.sort();
            elected.dedup();
            prop_assert_eq!(elected.len(), seats, "{}", method);
        }
    }

    /// Blank ballots are rejected by IRV and STV: adding some changes nothing in the
    /// count but the rejected papers it reports.
    #[test]
    fn blank_ballots_are_rejected_and_change_nothing(
        (n, b) in ballots(),
        blanks in proptest::collection::vec(1u32..4, 1..4),
        seats in 1usize..4,
    ) {
        let p = build(n, &b);
        let mut with_blanks = Profile::builder(p.candidates().clone());
        for (ranking, weight) in p.ballots() {
            with_blanks.add(ranking.clone(), *weight).unwrap();
        }
        for weight in &blanks {
            with_blanks.add_order(&[], Decimal::from(*weight)).unwrap();
        }
        let q = with_blanks.build();
        let blank = Decimal::from(blanks.iter().sum::<u32>());
        prop_assert_eq!(q.blank_weight(), blank);
        let seats = seats.min(n);
        for (method, seats) in [(Method::Irv, 1), (Method::StvScottish, seats), (Method::StvMeek, seats)] {
            let options = Options { seats, tie_break: TieBreak::Lot { seed: 3 } };
            let (x, y) = (count(&p, method, options).unwrap(), count(&q, method, options).unwrap());
            prop_assert_eq!(x.rejected, Decimal::ZERO, "{}", method);
            prop_assert_eq!(y.rejected, blank, "{}", method);
            prop_assert_eq!(Outcome { rejected: Decimal::ZERO, ..y }, x, "{}", method);
        }
    }

    /// Whenever IRV elects through a tie its policy did not settle, every settlement
    /// elects that candidate: so does every lot (which draws among the candidates the
    /// policy leaves tied). Unit weights make ties common.
    #[test]
    fn irv_elects_through_an_unsettled_tie_only_when_no_settlement_changes_the_winner(
        (n, b) in ballots(),
        units in any::<bool>(),
    ) {
        let b: Vec<(Vec<u16>, usize, u32)> = if units {
            b.into_iter().map(|(o, l, _)| (o, l, 1)).collect()
        } else {
            b
        };
        let p = build(n, &b);
        for policy in [TieBreak::EarlierStages, TieBreak::Report] {
            let outcome = count(&p, Method::Irv, Options { seats: 1, tie_break: policy }).unwrap();
            let immaterial = outcome
                .ties
                .iter()
                .any(|t| matches!(t.resolution, Resolution::Immaterial { .. }));
            if !immaterial {
                continue;
            }
            prop_assert!(outcome.complete);
            prop_assert_eq!(outcome.elected.len(), 1);
            for seed in 0..32 {
                let lot = count(&p, Method::Irv, Options { seats: 1, tie_break: TieBreak::Lot { seed } }).unwrap();
                prop_assert_eq!(&lot.elected, &outcome.elected, "seed {}", seed);
            }
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
            if let Some(at) = order[..*len].iter().position(|&c| c == w.0)
                && at > 0
            {
                order.swap(at, at - 1);
            }
            let outcome = run(&build(n, &raised), method);
            prop_assert_eq!(outcome.elected, vec![w], "{}", method);
        }
    }
}

/// Approval ballots: `n` candidates, sets of approved candidates with weights.
fn approval_ballots() -> impl Strategy<Value = (usize, Vec<(Vec<bool>, u32)>)> {
    (2usize..=6).prop_flat_map(|n| {
        (
            Just(n),
            proptest::collection::vec(
                (proptest::collection::vec(any::<bool>(), n), 1u32..5),
                1..14,
            ),
        )
    })
}

fn approvals(n: usize, ballots: &[(Vec<bool>, u32)]) -> Approvals {
    let candidates = Candidates::new((0..n).map(|i| format!("c{i}"))).unwrap();
    let mut builder = Approvals::builder(candidates);
    for (approved, weight) in ballots {
        let set = approved
            .iter()
            .enumerate()
            .filter(|(_, a)| **a)
            .map(|(i, _)| CandidateId(i as u16));
        builder.add(set, Decimal::from(*weight)).unwrap();
    }
    builder.build()
}

/// Score ballots: `n` candidates, a score 0–5 each, with weights.
fn score_ballots() -> impl Strategy<Value = (usize, Vec<(Vec<u32>, u32)>)> {
    (2usize..=5).prop_flat_map(|n| {
        (
            Just(n),
            proptest::collection::vec((proptest::collection::vec(0u32..=5, n), 1u32..5), 1..14),
        )
    })
}

fn scores(n: usize, ballots: &[(Vec<u32>, u32)]) -> Scores {
    let candidates = Candidates::new((0..n).map(|i| format!("c{i}"))).unwrap();
    let mut builder = Scores::builder(candidates);
    for (sheet, weight) in ballots {
        builder.add(sheet.clone(), Decimal::from(*weight)).unwrap();
    }
    builder.build()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Justified representation (PAV and Phragmén): if voters holding at least 1/k of the
    /// weight all approve one candidate, some of them approves an elected candidate.
    #[test]
    fn committees_give_justified_representation((n, b) in approval_ballots(), seats in 1usize..4) {
        let a = approvals(n, &b);
        let seats = seats.min(n);
        for method in [Method::Pav, Method::Phragmen] {
            let outcome = count_ballots(&Ballots::Approval(a.clone()), method, Options { seats, tie_break: TieBreak::Lot { seed: 5 } }).unwrap();
            prop_assert!(outcome.complete);
            prop_assert_eq!(outcome.elected.len(), seats);
            for c in a.candidates().ids() {
                let group: Vec<&(Vec<CandidateId>, Decimal)> = a.ballots().iter().filter(|(set, _)| set.contains(&c)).collect();
                let weight: Decimal = group.iter().map(|(_, w)| *w).sum();
                let represented = group.iter().any(|(set, _)| set.iter().any(|x| outcome.elected.contains(x)));
                if weight * Decimal::from(seats) >= a.total_weight() {
                    prop_assert!(represented, "{} leaves a cohesive group for {} unrepresented", method, c);
                }
            }
        }
    }

    /// Approval, PAV and Phragmén do not depend on ballot order, and counting two halves
    /// together counts them all.
    #[test]
    fn approval_methods_are_anonymous((n, b) in approval_ballots(), seats in 1usize..4) {
        let seats = seats.min(n);
        let mut reversed = b.clone();
        reversed.reverse();
        for method in [Method::Approval, Method::Pav, Method::Phragmen] {
            let options = Options { seats, tie_break: TieBreak::Lot { seed: 11 } };
            let x = count_ballots(&Ballots::Approval(approvals(n, &b)), method, options).unwrap();
            let y = count_ballots(&Ballots::Approval(approvals(n, &reversed)), method, options).unwrap();
            prop_assert_eq!(x.elected, y.elected, "{}", method);
        }
    }

    /// Score elects the highest total; STAR elects a finalist (top two by score) who wins
    /// the runoff, or ties it with the higher score.
    #[test]
    fn score_and_star((n, b) in score_ballots()) {
        let s = scores(n, &b);
        let ballots = Ballots::Score(s.clone());
        let options = Options { seats: 1, tie_break: TieBreak::Lot { seed: 2 } };
        let score = count_ballots(&ballots, Method::Score, options).unwrap();
        let totals = score.scores.clone().unwrap();
        let top = totals.iter().max().copied().unwrap();
        prop_assert_eq!(totals[score.elected[0].index()], top);
        let star = count_ballots(&ballots, Method::Star, options).unwrap();
        prop_assert!(star.complete);
        let winner = star.elected[0];
        let ranking = star.ranking.clone().unwrap();
        let above = ranking.iter().take_while(|g| !g.contains(&winner)).map(Vec::len).sum::<usize>();
        prop_assert!(above <= 1, "the STAR winner must be a finalist");
        let runoff = &star.rounds[1].votes;
        let other = star.rounds[1].votes.iter().enumerate().find(|(i, v)| *i != winner.index() && !v.is_zero()).map(|(i, _)| i);
        if let Some(other) = other {
            prop_assert!(runoff[winner.index()] >= runoff[other]);
        }
        let mut reversed = b.clone();
        reversed.reverse();
        let again = count_ballots(&Ballots::Score(scores(n, &reversed)), Method::Star, options).unwrap();
        prop_assert_eq!(again.elected, star.elected);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    /// Both budget methods stay within the budget and leave no unfunded project that
    /// would still fit; neither depends on the order of the ballots.
    #[test]
    fn budgets_are_kept_and_exhausted(
        (n, b) in approval_ballots(),
        costs in proptest::collection::vec(1u32..60, 6),
        limit in 20u32..150,
    ) {
        let budget = andel_tally::Budget { limit: Decimal::from(limit), costs: costs[..n].iter().map(|c| Decimal::from(*c)).collect() };
        let mut reversed = b.clone();
        reversed.reverse();
        for method in [Method::EqualShares, Method::GreedyBudget] {
            let options = Options { seats: 1, tie_break: TieBreak::Lot { seed: 8 } };
            let ballots = Ballots::Budget { approvals: approvals(n, &b), budget: budget.clone() };
            let outcome = count_ballots(&ballots, method, options).unwrap();
            prop_assert!(outcome.complete);
            let spending = outcome.spending.clone().unwrap();
            prop_assert!(spending.spent <= spending.limit, "{}", method);
            let left = spending.limit - spending.spent;
            for p in 0..n {
                let p = CandidateId(p as u16);
                if !outcome.elected.contains(&p) {
                    prop_assert!(budget.costs[p.index()] > left, "{}: {} still fits", method, p);
                }
            }
            let again = count_ballots(&Ballots::Budget { approvals: approvals(n, &reversed), budget: budget.clone() }, method, options).unwrap();
            prop_assert_eq!(again.elected, outcome.elected);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    /// Halving every weight (decimal weights) changes no result of a method that only
    /// compares proportions (not Scottish STV, whose quota rounds to whole votes).
    #[test]
    fn decimal_weights_scale((n, b) in ballots(), seats in 1usize..4) {
        let p = build(n, &b);
        let candidates = p.candidates().clone();
        let mut halved = Profile::builder(candidates);
        for (ranking, weight) in p.ballots() {
            halved.add(ranking.clone(), *weight / Decimal::from(2)).unwrap();
        }
        let halved = halved.build();
        for method in [Method::Irv, Method::StvMeek, Method::Schulze, Method::Borda, Method::Plurality] {
            let seats = if method.is_multi_winner() { seats.min(n) } else { 1 };
            let options = Options { seats, tie_break: TieBreak::Lot { seed: 4 } };
            let (x, y) = (count(&p, method, options).unwrap(), count(&halved, method, options).unwrap());
            if x.ties.is_empty() && y.ties.is_empty() {
                prop_assert_eq!(x.elected, y.elected, "{}", method);
            }
        }
    }
}
