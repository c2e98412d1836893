//! Instant-runoff voting.
//!
//! A blank ballot (no standing candidate ranked) is rejected, as in STV: it is not a
//! valid vote and is reported in [`Outcome::rejected`](crate::Outcome::rejected). IRV
//! needs a majority of the votes still in the count, so this changes no result, only
//! what the report says.
//!
//! A tie the policy does not settle stops the count only if it matters. When it meets
//! one, the count is run again for every way of settling it, and of settling every tie
//! met after it (each candidate the policy leaves tied, as a lot could draw); if every
//! such count elects the same candidate, the tie does not affect the outcome: it is
//! reported as [`Resolution::Immaterial`](crate::Resolution::Immaterial), and the count
//! elects that candidate, showing the stages of the first settlement. Counts that reach
//! the same state (the same candidates excluded, the same votes at every stage) are run
//! once, and at most [`MAX_SETTLEMENT_COUNTS`] are run in all: beyond that, the count
//! stops at the tie, unsettled, as it would without this rule.

use std::collections::HashSet;

use crate::outcome::Want;
use crate::{CandidateId, Method, Options, Outcome, Profile, TallyError, TieBreak, TieKind};

use super::staged::Staged;

/// The most counts IRV runs to find out whether a tie its policy does not settle
/// affects who is elected (see [`Resolution::Immaterial`](crate::Resolution::Immaterial)).
/// Ties can follow ties, so the ways of settling them all multiply; past this bound the
/// count stops at the tie, as it would if the tie mattered.
pub const MAX_SETTLEMENT_COUNTS: usize = 256;

pub(super) fn count(profile: &Profile, options: Options) -> Result<Outcome, TallyError> {
    if options.seats != 1 {
        return Err(TallyError::SingleWinner {
            method: Method::Irv,
            seats: options.seats,
        });
    }
    let policy = options.tie_break;
    let (count, end) = run(profile, policy, &[], Unsettled::Stop);
    if let End::Elected = end {
        return Ok(count.into_outcome(Method::Irv, 1, true));
    }
    if every_settlement_elects_one(profile, policy).is_some() {
        let (count, _) = run(profile, policy, &[], Unsettled::FollowFirst);
        return Ok(count.into_outcome(Method::Irv, 1, true));
    }
    Ok(count.into_outcome(Method::Irv, 1, false))
}

/// What a count does at a tie its policy does not settle, once its script is used up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unsettled {
    /// Stop there.
    Stop,
    /// Follow the first candidate left tied, recording the tie as immaterial.
    FollowFirst,
}

/// How a count ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum End {
    /// A winner was elected.
    Elected,
    /// At a tie its policy does not settle: the candidates left tied.
    Tied(Vec<CandidateId>),
}

/// Counts, settling the ties the policy does not settle with `script`'s candidates in
/// turn, then as `unsettled` says.
fn run<'p>(
    profile: &'p Profile,
    policy: TieBreak,
    script: &[CandidateId],
    unsettled: Unsettled,
) -> (Staged<'p>, End) {
    let mut count = Staged::first_stage(profile, policy, None);
    let mut script = script.iter().copied();
    // Settles what the policy did not, or says who is left tied.
    let mut settle = |count: &mut Staged<'_>, picked: Result<CandidateId, Vec<CandidateId>>| {
        picked.or_else(|left| {
            let next = match unsettled {
                Unsettled::Stop => script.next(),
                Unsettled::FollowFirst => script.next().or(left.first().copied()),
            };
            match next {
                Some(c) => {
                    count.follow_last_tie(c);
                    Ok(c)
                }
                None => Err(left),
            }
        })
    };
    loop {
        let hopeful = count.hopeful();
        let held: rust_decimal::Decimal = hopeful.iter().map(|c| count.votes[c.index()]).sum();
        let leader = count.by_votes_desc(hopeful.clone())[0];
        let lead = count.votes[leader.index()];
        // A majority: `lead > held − lead`, which cannot overflow as `2 × lead` can.
        if hopeful.len() == 1 || lead > held - lead {
            count.elect(leader);
            count.close_stage();
            return (count, End::Elected);
        }
        if hopeful.len() == 2 && count.votes[hopeful[0].index()] == count.votes[hopeful[1].index()]
        {
            // Two left, equal: the last seat is a tie.
            let picked = count.pick_or_tied(&hopeful, Want::Highest, TieKind::Winner);
            count.close_stage();
            return match settle(&mut count, picked) {
                Ok(winner) => {
                    count.elect_after_last_stage(&[winner]);
                    (count, End::Elected)
                }
                Err(left) => (count, End::Tied(left)),
            };
        }
        count.close_stage();
        let picked = count.pick_or_tied(&hopeful, Want::Lowest, TieKind::Exclusion);
        match settle(&mut count, picked) {
            Ok(lowest) => count.exclude(lowest),
            Err(left) => return (count, End::Tied(left)),
        }
    }
}

/// The candidate every way of settling the policy's unsettled ties elects, if they all
/// elect the same one and at most [`MAX_SETTLEMENT_COUNTS`] counts find it out.
fn every_settlement_elects_one(profile: &Profile, policy: TieBreak) -> Option<CandidateId> {
    let mut winner = None;
    let mut scripts: Vec<Vec<CandidateId>> = vec![Vec::new()];
    let mut seen = HashSet::new();
    let mut counts = 0;
    while let Some(script) = scripts.pop() {
        counts += 1;
        if counts > MAX_SETTLEMENT_COUNTS {
            return None;
        }
        let (count, end) = run(profile, policy, &script, Unsettled::Stop);
        match end {
            End::Elected => {
                let elected = count.elected.first().copied();
                if winner.is_some() && winner != elected {
                    return None;
                }
                winner = elected;
            }
            End::Tied(left) => {
                // The same state has the same future: count it once.
                if !seen.insert(count.state()) {
                    continue;
                }
                for c in left.into_iter().rev() {
                    let mut next = script.clone();
                    next.push(c);
                    scripts.push(next);
                }
            }
        }
    }
    winner
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use rust_decimal::Decimal;

    use super::*;
    use crate::{Candidates, Resolution};

    /// A profile from `(weight, "A B")` lines over candidates named by letters.
    fn profile(names: &[&str], ballots: &[(u32, &str)]) -> Profile {
        let candidates = Candidates::new(names.iter().copied()).unwrap();
        let mut profile = Profile::builder(candidates.clone());
        for (weight, order) in ballots {
            let order: Vec<CandidateId> = order
                .split_whitespace()
                .map(|n| candidates.find(n).unwrap())
                .collect();
            profile.add_order(&order, Decimal::from(*weight)).unwrap();
        }
        profile.build()
    }

    #[track_caller]
    fn check(p: &Profile, policy: TieBreak, expect: (&[&str], bool, &[&str])) {
        let options = Options {
            seats: 1,
            tie_break: policy,
        };
        let outcome = count(p, options).unwrap();
        let elected: Vec<&str> = outcome
            .elected
            .iter()
            .map(|c| p.candidates().name(*c))
            .collect();
        let ties: Vec<&str> = outcome
            .ties
            .iter()
            .map(|t| match t.resolution {
                Resolution::EarlierStage { .. } => "earlier-stage",
                Resolution::Lot { .. } => "lot",
                Resolution::Unresolved => "unresolved",
                Resolution::Immaterial { .. } => "immaterial",
            })
            .collect();
        assert_eq!(
            (elected.as_slice(), outcome.complete, ties.as_slice()),
            expect
        );
    }

    #[test]
    fn a_tie_that_does_not_change_the_winner_is_immaterial() {
        // B and C tie for exclusion at the first stage (no earlier stage to look at);
        // either way their ballot goes to A, who then holds 6 of 10.
        let p = profile(
            &["A", "B", "C", "D"],
            &[(5, "A"), (1, "B A"), (1, "C A"), (3, "D")],
        );
        for policy in [TieBreak::EarlierStages, TieBreak::Report] {
            check(&p, policy, (&["A"], true, &["immaterial"]));
        }
        let outcome = count(&p, Options::default()).unwrap();
        assert_eq!(
            outcome.ties[0].resolution,
            Resolution::Immaterial {
                followed: CandidateId(1)
            }
        );
        assert_eq!(outcome.rounds[1].excluded, [CandidateId(1)]);
        let text = crate::report::Report::new(&outcome, p.candidates()).to_text();
        assert!(
            text.contains(
                "tie at stage 2 (Exclusion) between B, C: not settled, and it does not matter: \
                 every way of settling it elects A; the stages follow B"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_tie_that_changes_the_winner_still_stops_the_count() {
        // Excluding B elects C (B's ballot goes to C); excluding C elects B.
        let p = profile(&["A", "B", "C"], &[(3, "A"), (2, "B C"), (2, "C B")]);
        check(&p, TieBreak::EarlierStages, (&[], false, &["unresolved"]));
        // Two left, equal: always a tie that matters.
        let p = profile(&["A", "B"], &[(1, "A"), (1, "B")]);
        check(&p, TieBreak::EarlierStages, (&[], false, &["unresolved"]));
    }

    #[test]
    fn ties_that_follow_ties_are_all_explored() {
        // D, E, F and G have no votes: they tie at every stage until all are excluded
        // (4! orders, 2^4 states). Then B and C tie, equal at every stage; their
        // ballots go nowhere. None of it changes A's win.
        let p = profile(
            &["A", "B", "C", "D", "E", "F", "G"],
            &[(3, "A"), (2, "B"), (2, "C")],
        );
        check(
            &p,
            TieBreak::EarlierStages,
            (&["A"], true, &["immaterial"; 4][..]),
        );
    }

    #[test]
    fn beyond_the_bound_the_count_stops_as_before() {
        // Nine candidates with no votes: more ways to exclude them than the bound allows.
        let names = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"];
        let p = profile(&names, &[(3, "A"), (2, "B"), (2, "C")]);
        check(&p, TieBreak::EarlierStages, (&[], false, &["unresolved"]));
    }
}
