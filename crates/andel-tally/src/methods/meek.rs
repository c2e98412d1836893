//! Meek's STV, as Hill, Wichmann and Woodall specified it (Algorithm 123, The Computer
//! Journal 30(3), 1987), in fixed-point arithmetic with nine decimal places.
//!
//! - Every candidate has a keep factor: 1 while hopeful, 0 once excluded, and for the
//!   elected the share of each vote reaching them that they keep, so that they hold
//!   exactly a quota.
//! - Every ballot is read in full at every iteration: each candidate on it keeps its keep
//!   factor of what reaches it (rounded up to nine decimals) and passes the rest on, so
//!   that excluded candidates are skipped and surpluses flow to later preferences at
//!   once, including to candidates elected earlier.
//! - The quota is the votes still held by candidates divided by seats + 1. The keep
//!   factors of the elected are scaled by quota ÷ votes (rounded up) until their
//!   surpluses total less than 0.00001 of a vote. Then every hopeful candidate holding
//!   more than the quota is elected, most votes first; if nobody is, the hopeful
//!   candidate with the fewest votes is excluded.
//!
//! Each stage of the outcome is one such iteration to a steady state, ending in an
//! election or an exclusion.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::outcome::{Lot, Want, settle};
use crate::{CandidateId, Method, Options, Outcome, Profile, Round, Tie, TieKind};

/// Nine decimal places (HWW 1987).
const PLACES: u32 = 9;
/// Iteration stops when the elected's surpluses total less than this.
const OMEGA: Decimal = Decimal::from_parts(1, 0, 0, false, 5);
/// A guard against a count that does not settle (it always does in practice).
const MAX_ITERATIONS: usize = 10_000;

fn up(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(PLACES, RoundingStrategy::AwayFromZero)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Hopeful,
    Elected,
    Excluded,
}

struct Meek<'p> {
    profile: &'p Profile,
    status: Vec<Status>,
    keep: Vec<Decimal>,
    votes: Vec<Decimal>,
    seats: usize,
}

impl Meek<'_> {
    /// Reads every ballot with the current keep factors; returns the votes held by
    /// candidates in all.
    fn distribute(&mut self) -> Decimal {
        self.votes.iter_mut().for_each(|v| *v = Decimal::ZERO);
        let mut held = Decimal::ZERO;
        for (ranking, weight) in self.profile.ballots() {
            let mut left = Decimal::ONE;
            for group in ranking.ranks() {
                let mut live = group.iter().filter(|c| {
                    self.status[c.index()] != Status::Excluded && !self.keep[c.index()].is_zero()
                });
                let Some(&c) = live.next() else { continue };
                if live.next().is_some() {
                    // Equal preferences cannot be followed: the rest is not transferable.
                    break;
                }
                let share = up(left * self.keep[c.index()]).min(left);
                let credited = share * *weight;
                self.votes[c.index()] += credited;
                held += credited;
                left -= share;
                if left.is_zero() {
                    break;
                }
            }
        }
        held
    }

    fn quota(&self, held: Decimal) -> Decimal {
        held / Decimal::from(self.seats + 1)
    }

    fn with(&self, status: Status) -> Vec<CandidateId> {
        self.profile
            .candidates()
            .ids()
            .filter(|c| self.status[c.index()] == status)
            .collect()
    }
}

pub(super) fn count(profile: &Profile, options: Options) -> Outcome {
    let candidates = profile.candidates();
    let n = candidates.len();
    let mut meek = Meek {
        profile,
        status: candidates
            .ids()
            .map(|c| {
                if candidates.is_withdrawn(c) {
                    Status::Excluded
                } else {
                    Status::Hopeful
                }
            })
            .collect(),
        keep: candidates
            .ids()
            .map(|c| {
                if candidates.is_withdrawn(c) {
                    Decimal::ZERO
                } else {
                    Decimal::ONE
                }
            })
            .collect(),
        votes: vec![Decimal::ZERO; n],
        seats: options.seats,
    };
    let mut rounds: Vec<Round> = Vec::new();
    let mut ties: Vec<Tie> = Vec::new();
    let mut elected: Vec<CandidateId> = Vec::new();
    let mut lot: Option<Lot> = None;
    let mut complete = true;
    while elected.len() < options.seats {
        let quota = settle_round(&mut meek);
        let votes: Vec<Decimal> = meek.votes.iter().map(|v| shown(*v)).collect();
        // What the shown votes do not account for: exhausted, and rounding.
        let mut non_transferable = profile.total_weight() - votes.iter().copied().sum::<Decimal>();
        non_transferable.rescale(PLACES);
        let mut round = Round {
            votes,
            non_transferable,
            elected: Vec::new(),
            excluded: Vec::new(),
            surplus: None,
            quota: Some(shown(up(quota))),
        };
        let hopeful = meek.with(Status::Hopeful);
        let left = options.seats - elected.len();
        let mut reached: Vec<CandidateId> = hopeful
            .iter()
            .copied()
            .filter(|c| meek.votes[c.index()] > quota)
            .collect();
        if hopeful.len() <= left {
            reached = hopeful.clone();
        }
        if !reached.is_empty() {
            reached.sort_by(|a, b| {
                meek.votes[b.index()]
                    .cmp(&meek.votes[a.index()])
                    .then(a.cmp(b))
            });
            if reached.len() > left {
                // More reach the quota than seats remain: only possible at an exact tie.
                let history: Vec<Vec<Decimal>> = rounds.iter().map(|r| r.votes.clone()).collect();
                let resolution = settle(
                    &reached,
                    Want::Highest,
                    &history,
                    options.tie_break,
                    &mut lot,
                );
                ties.push(Tie {
                    stage: Some(rounds.len() + 1),
                    kind: TieKind::Winner,
                    between: reached.clone(),
                    resolution: resolution.clone(),
                });
                match resolution.chosen() {
                    Some(c) => reached = vec![c],
                    None => {
                        complete = false;
                        rounds.push(round);
                        break;
                    }
                }
            }
            for c in reached.into_iter().take(left) {
                meek.status[c.index()] = Status::Elected;
                let votes = meek.votes[c.index()];
                if votes > quota {
                    meek.keep[c.index()] = up(meek.keep[c.index()] * quota / votes);
                }
                elected.push(c);
                round.elected.push(c);
            }
            rounds.push(round);
            continue;
        }
        let lowest = hopeful
            .iter()
            .map(|c| meek.votes[c.index()])
            .min()
            .unwrap_or_default();
        let tied: Vec<CandidateId> = hopeful
            .iter()
            .copied()
            .filter(|c| meek.votes[c.index()] == lowest)
            .collect();
        let loser = if let [only] = tied[..] {
            Some(only)
        } else {
            let history: Vec<Vec<Decimal>> = rounds.iter().map(|r| r.votes.clone()).collect();
            let resolution = settle(&tied, Want::Lowest, &history, options.tie_break, &mut lot);
            ties.push(Tie {
                stage: Some(rounds.len() + 1),
                kind: TieKind::Exclusion,
                between: tied,
                resolution: resolution.clone(),
            });
            resolution.chosen()
        };
        let Some(loser) = loser else {
            complete = false;
            rounds.push(round);
            break;
        };
        meek.status[loser.index()] = Status::Excluded;
        meek.keep[loser.index()] = Decimal::ZERO;
        round.excluded.push(loser);
        rounds.push(round);
    }
    Outcome {
        method: Method::StvMeek,
        seats: options.seats,
        valid_votes: profile.total_weight(),
        quota: rounds.last().and_then(|r| r.quota),
        elected,
        ranking: None,
        scores: None,
        ties,
        complete,
        rounds,
        pairwise: None,
        spending: None,
    }
}

/// Iterates until the elected candidates' surpluses settle (total under 0.00001, or no
/// longer shrinking); returns the votes held and the quota. Hopeful candidates who pass
/// the quota meanwhile are elected after the iteration, all at once, as the reference
/// count does.
fn settle_round(meek: &mut Meek<'_>) -> Decimal {
    let mut last_surplus: Option<Decimal> = None;
    for _ in 0..MAX_ITERATIONS {
        let held = meek.distribute();
        let quota = meek.quota(held);
        let elected = meek.with(Status::Elected);
        let surplus: Decimal = elected
            .iter()
            .map(|c| (meek.votes[c.index()] - quota).max(Decimal::ZERO))
            .sum();
        let stalled = last_surplus.is_some_and(|last| surplus >= last);
        if surplus < OMEGA || stalled {
            return quota;
        }
        last_surplus = Some(surplus);
        for c in elected {
            let votes = meek.votes[c.index()];
            if !votes.is_zero() {
                meek.keep[c.index()] = up(meek.keep[c.index()] * quota / votes);
            }
        }
    }
    let held = meek.distribute();
    meek.quota(held)
}

/// A value as the report shows it: nine decimals.
fn shown(value: Decimal) -> Decimal {
    let mut v = value.round_dp_with_strategy(PLACES, RoundingStrategy::ToZero);
    v.rescale(PLACES);
    v
}
