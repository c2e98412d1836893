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

use crate::outcome::{Lot, Want, pick_extreme, settle};
use crate::{CandidateId, Method, Options, Outcome, Profile, Round, Tie, TieKind};

/// Nine decimal places (HWW 1987).
const PLACES: u32 = 9;
/// A keep factor of 1, and a whole ballot, in units of 10⁻⁹.
const ONE: i128 = 1_000_000_000;
/// A guard against a count that does not settle (it always does in practice).
const MAX_ITERATIONS: usize = 10_000;

/// One strict ranking, read as [`Meek::distribute`] reads any, on a flat slice of
/// candidates and in `i64` where the values allow (keep factors and the ballot's
/// fraction left are at most 10⁹, so their product fits).
fn distribute_strict(order: &[u16], keep: &[i128], votes: &mut [i128], weight: i128) -> i128 {
    const WHOLE: i64 = ONE as i64;
    let mut left: i64 = WHOLE;
    let mut held = 0;
    for &c in order {
        let k = keep[usize::from(c)] as i64;
        if k == 0 {
            continue;
        }
        let share = ((left * k + WHOLE - 1) / WHOLE).min(left);
        let credited = i128::from(share) * weight;
        votes[usize::from(c)] += credited;
        held += credited;
        left -= share;
        if left == 0 {
            break;
        }
    }
    held
}

/// `ceil(a / b)` for non-negative `a` and positive `b`.
fn ceil_div(a: i128, b: i128) -> i128 {
    (a + b - 1) / b
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Hopeful,
    Elected,
    Excluded,
}

/// The count in integers: keep factors and ballots in units of 10⁻⁹, votes in units of
/// 10⁻⁹ ÷ `10^weight_places` (weights scaled to whole numbers), so every step is exact
/// and fast.
struct Meek<'p> {
    profile: &'p Profile,
    /// Each ballot group's weight, scaled to a whole number.
    weights: Vec<i128>,
    /// 10^(9 + weight decimal places): units per vote.
    per_vote: i128,
    weight_places: u32,
    status: Vec<Status>,
    keep: Vec<i128>,
    votes: Vec<i128>,
    seats: usize,
    /// Every strict ranking's candidates, laid end to end, and where each ballot's
    /// start (`None` for a ranking with equal ranks, read the slow way).
    flat: Vec<u16>,
    spans: Vec<Option<(u32, u32)>>,
    /// This stage: the ballots read at every iteration, and what the others give.
    moving: Vec<usize>,
    fixed_votes: Vec<i128>,
    fixed_held: i128,
}

impl Meek<'_> {
    /// Reads every ballot with the current keep factors; returns the votes held by
    /// candidates in all.
    fn distribute(&mut self) -> i128 {
        self.votes.copy_from_slice(&self.fixed_votes);
        let mut held = self.fixed_held;
        for i in 0..self.moving.len() {
            held += self.distribute_ballot(self.moving[i]);
        }
        held
    }

    /// Sets aside, for the stage, the ballots whose first candidate still in the count is
    /// hopeful: a hopeful candidate keeps all of a ballot, and keep factors change only
    /// for the elected, so these ballots give the same votes at every iteration of the
    /// stage. Only the others are read again at each iteration.
    fn prepare_stage(&mut self) {
        self.votes.iter_mut().for_each(|v| *v = 0);
        self.moving.clear();
        let mut held = 0;
        for b in 0..self.profile.ballots().len() {
            let first = match self.spans[b] {
                Some((start, end)) => self.flat[start as usize..end as usize]
                    .iter()
                    .map(|&c| CandidateId(c))
                    .find(|c| self.status[c.index()] != Status::Excluded),
                None => None,
            };
            match first {
                Some(c) if self.status[c.index()] == Status::Hopeful => {
                    held += self.distribute_ballot(b);
                }
                Some(_) => self.moving.push(b),
                // No candidate left on a strict ballot: exhausted for good.
                None if self.spans[b].is_some() => {}
                // Equal ranks: read the slow way at every iteration.
                None => self.moving.push(b),
            }
        }
        self.fixed_votes.copy_from_slice(&self.votes);
        self.fixed_held = held;
    }

    /// Reads one ballot group with the current keep factors, adding to `votes`; returns
    /// the votes it gave to candidates.
    fn distribute_ballot(&mut self, b: usize) -> i128 {
        let weight = self.weights[b];
        if let Some((start, end)) = self.spans[b] {
            let order = &self.flat[start as usize..end as usize];
            return distribute_strict(order, &self.keep, &mut self.votes, weight);
        }
        let mut held = 0;
        let mut left = ONE;
        for group in self.profile.ballots()[b].0.ranks() {
            let mut live = group.iter().filter(|c| self.keep[c.index()] > 0);
            let Some(&c) = live.next() else { continue };
            if live.next().is_some() {
                // Equal preferences cannot be followed: the rest is not transferable.
                break;
            }
            let share = ceil_div(left * self.keep[c.index()], ONE).min(left);
            let credited = share * weight;
            self.votes[c.index()] += credited;
            held += credited;
            left -= share;
            if left == 0 {
                break;
            }
        }
        held
    }

    /// Whether `votes` exceed the quota `held ÷ (seats + 1)`, exactly.
    fn above_quota(&self, votes: i128, held: i128) -> bool {
        votes * (self.seats as i128 + 1) > held
    }

    /// The elected candidates' surplus over the quota, times (seats + 1).
    fn surplus(&self, held: i128) -> i128 {
        let seats = self.seats as i128 + 1;
        self.with(Status::Elected)
            .iter()
            .map(|c| (self.votes[c.index()] * seats - held).max(0))
            .sum()
    }

    fn with(&self, status: Status) -> Vec<CandidateId> {
        self.profile
            .candidates()
            .ids()
            .filter(|c| self.status[c.index()] == status)
            .collect()
    }

    /// Scales the keep factor of an elected candidate so that they hold the quota:
    /// `keep × quota ÷ votes`, rounded up.
    fn rescale_keep(&mut self, c: CandidateId, held: i128) {
        let votes = self.votes[c.index()];
        if votes > 0 {
            let seats = self.seats as i128 + 1;
            self.keep[c.index()] = ceil_div(self.keep[c.index()] * held, seats * votes);
        }
    }

    /// A vote total as a decimal, truncated to nine places.
    fn decimal(&self, units: i128) -> Decimal {
        let mut value = Decimal::from_i128_with_scale(units, PLACES + self.weight_places)
            .round_dp_with_strategy(PLACES, RoundingStrategy::ToZero);
        value.rescale(PLACES);
        value
    }
}

pub(super) fn count(profile: &Profile, options: Options) -> Outcome {
    let candidates = profile.candidates();
    let n = candidates.len();
    // Weights scaled to whole numbers: a weight of 1.5 counts as 15 tenths.
    let weight_places = profile
        .ballots()
        .iter()
        .map(|(_, w)| w.scale())
        .max()
        .unwrap_or(0)
        .min(18);
    let scale = Decimal::from(10i64.pow(weight_places));
    let weights = profile
        .ballots()
        .iter()
        .map(|(_, w)| (*w * scale).trunc().mantissa())
        .collect();
    let mut flat = Vec::new();
    let spans = profile
        .ballots()
        .iter()
        .map(|(ranking, _)| {
            ranking.is_strict().then(|| {
                let start = flat.len() as u32;
                flat.extend(ranking.ranks().iter().map(|g| g[0].0));
                (start, flat.len() as u32)
            })
        })
        .collect();
    let mut meek = Meek {
        profile,
        flat,
        spans,
        weights,
        per_vote: ONE * 10i128.pow(weight_places),
        weight_places,
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
            .map(|c| if candidates.is_withdrawn(c) { 0 } else { ONE })
            .collect(),
        votes: vec![0; n],
        seats: options.seats,
        moving: Vec::new(),
        fixed_votes: vec![0; n],
        fixed_held: 0,
    };
    let mut rounds: Vec<Round> = Vec::new();
    let mut ties: Vec<Tie> = Vec::new();
    let mut elected: Vec<CandidateId> = Vec::new();
    let mut lot: Option<Lot> = None;
    let mut complete = true;
    while elected.len() < options.seats {
        let held = settle_round(&mut meek);
        let votes: Vec<Decimal> = meek.votes.iter().map(|v| meek.decimal(*v)).collect();
        // What the shown votes do not account for: exhausted, and rounding.
        let mut non_transferable = profile.total_weight() - votes.iter().copied().sum::<Decimal>();
        non_transferable.rescale(PLACES);
        let quota = meek.decimal(ceil_div(
            held * 10i128.pow(PLACES),
            (options.seats as i128 + 1) * 10i128.pow(PLACES),
        ));
        let mut round = Round {
            votes,
            non_transferable,
            elected: Vec::new(),
            excluded: Vec::new(),
            surplus: None,
            quota: Some(quota),
        };
        let hopeful = meek.with(Status::Hopeful);
        let left = options.seats - elected.len();
        let mut reached: Vec<CandidateId> = hopeful
            .iter()
            .copied()
            .filter(|c| meek.above_quota(meek.votes[c.index()], held))
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
                if meek.above_quota(meek.votes[c.index()], held) {
                    meek.rescale_keep(c, held);
                }
                elected.push(c);
                round.elected.push(c);
            }
            rounds.push(round);
            continue;
        }
        let votes = &meek.votes;
        let loser = pick_extreme(
            &hopeful,
            |c| votes[c.index()],
            Want::Lowest,
            TieKind::Exclusion,
            &rounds,
            options.tie_break,
            &mut lot,
            &mut ties,
        );
        let Some(loser) = loser else {
            complete = false;
            rounds.push(round);
            break;
        };
        meek.status[loser.index()] = Status::Excluded;
        meek.keep[loser.index()] = 0;
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

/// Iterates until the elected candidates' surpluses settle (total under 0.00001 of a
/// vote, or no longer shrinking); returns the votes held. Hopeful candidates who pass
/// the quota meanwhile are elected after the iteration, all at once, as the reference
/// count does.
fn settle_round(meek: &mut Meek<'_>) -> i128 {
    // 0.00001 of a vote, times (seats + 1) as `surplus` is.
    let omega = meek.per_vote / 100_000 * (meek.seats as i128 + 1);
    let mut last_surplus: Option<i128> = None;
    meek.prepare_stage();
    for _ in 0..MAX_ITERATIONS {
        let held = meek.distribute();
        let surplus = meek.surplus(held);
        let stalled = last_surplus.is_some_and(|last| surplus >= last);
        if surplus < omega || stalled {
            return held;
        }
        last_surplus = Some(surplus);
        for c in meek.with(Status::Elected) {
            meek.rescale_keep(c, held);
        }
    }
    meek.distribute()
}
