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
//! - Papers with no first preference are invalid: HWW count only valid papers, and ERS97
//!   (whose rules the reference implementation follows around the Meek core) removes
//!   invalid papers, those whose first preference is not clearly indicated, before the
//!   total of valid votes is found (section 4.1). A blank ranking (no standing candidate
//!   ranked) is therefore rejected: reported in
//!   [`Outcome::rejected`](crate::Outcome::rejected), not in the valid votes nor in
//!   the non-transferable ones. (Meek's quota is computed from the votes candidates
//!   hold, so a blank paper never changed who is elected, only what the report said.)
//!
//! Each stage of the outcome is one such iteration to a steady state, ending in an
//! election or an exclusion.
//!
//! Strict rankings are read through a prefix tree ([`Trie`]): what reaches the k-th
//! candidate of a ranking depends only on the candidates before it, so ballots that
//! share a prefix share its arithmetic, and each node credits its candidate with its
//! share times the weight of every ballot through it. The sums are the same integers
//! as reading ballot by ballot.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::outcome::{Lot, Want, pick_extreme, settle};
use crate::{CandidateId, Method, Options, Outcome, Profile, Round, TallyError, Tie, TieKind};

/// Nine decimal places (HWW 1987).
const PLACES: u32 = 9;
/// A keep factor of 1, and a whole ballot, in units of 10⁻⁹.
const ONE: i128 = 1_000_000_000;
/// A guard against a count that does not settle (it always does in practice).
const MAX_ITERATIONS: usize = 10_000;

/// The integers a count runs in: `i64` where every total fits, `i128` otherwise.
trait Units: Copy + std::ops::AddAssign + std::ops::Mul<Output = Self> + From<i64> {}

impl Units for i64 {}
impl Units for i128 {}

/// The strict rankings as a prefix tree, its nodes in preorder: a node is a candidate
/// at a depth, with the weight of every ballot whose ranking begins with the path to it.
#[derive(Debug, Default)]
struct Trie {
    nodes: Vec<Node>,
    weight: Vec<i128>,
    /// The same weights in `i64`, when all the trie's votes fit in it.
    narrow: Option<Vec<i64>>,
    /// The longest ranking.
    height: usize,
}

/// A node of the [`Trie`]: its candidate, its depth, and the index after its last
/// descendant.
#[derive(Debug, Clone, Copy)]
struct Node {
    candidate: u16,
    depth: u16,
    end: u32,
}

impl Trie {
    /// The tree of `rankings` (candidate indexes, each with its weight).
    fn new(mut rankings: Vec<(&[u16], i128)>) -> Trie {
        rankings.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut trie = Trie::default();
        // The nodes of the previous ranking's path, by depth.
        let mut path: Vec<usize> = Vec::new();
        let mut previous: &[u16] = &[];
        for (ranking, weight) in rankings {
            let shared = ranking
                .iter()
                .zip(previous)
                .take_while(|(a, b)| a == b)
                .count();
            for &open in &path[shared..] {
                trie.nodes[open].end = trie.nodes.len() as u32;
            }
            path.truncate(shared);
            for (depth, &candidate) in ranking.iter().enumerate().skip(shared) {
                path.push(trie.nodes.len());
                trie.nodes.push(Node {
                    candidate,
                    depth: depth as u16,
                    end: 0,
                });
                trie.weight.push(0);
            }
            for &node in &path {
                trie.weight[node] += weight;
            }
            trie.height = trie.height.max(ranking.len());
            previous = ranking;
        }
        for &open in &path {
            trie.nodes[open].end = trie.nodes.len() as u32;
        }
        // Every ballot passes a node at depth 0 once: their weights sum to the total.
        let total: i128 = trie
            .nodes
            .iter()
            .zip(&trie.weight)
            .filter(|(node, _)| node.depth == 0)
            .map(|(_, weight)| weight)
            .sum();
        if total
            .checked_mul(ONE)
            .is_some_and(|units| units <= i128::from(i64::MAX))
        {
            trie.narrow = trie.weight.iter().map(|w| i64::try_from(*w).ok()).collect();
        }
        trie
    }

    /// Reads, once per stage, what does not change within it, into `votes`; returns the
    /// roots of what does. Keep factors change within a stage only for the elected: a
    /// node with no elected candidate on its path gets all of a ballot (the excluded
    /// before it pass everything on) and, if hopeful, keeps it. So the part that moves is
    /// the subtrees of elected candidates reached through excluded ones only.
    fn prepare_stage(&self, status: &[Status], votes: &mut [i128], roots: &mut Vec<usize>) {
        roots.clear();
        let mut i = 0;
        while let Some(node) = self.nodes.get(i) {
            let c = usize::from(node.candidate);
            match status[c] {
                Status::Excluded => i += 1,
                Status::Hopeful => {
                    votes[c] += ONE * self.weight[i];
                    i = node.end as usize;
                }
                Status::Elected => {
                    roots.push(i);
                    i = node.end as usize;
                }
            }
        }
    }

    /// Reads the subtrees at `roots` with the keep factors `keep`, adding to `votes`, with
    /// `weights` (the trie's, in `U`). Keep factors and the fraction of a ballot left
    /// are at most 10⁹, so their product fits in `u64`.
    fn distribute<U: Units>(
        &self,
        weights: &[U],
        roots: &[usize],
        keep: &[u64],
        votes: &mut [U],
        left_at: &mut Vec<u64>,
    ) {
        const WHOLE: u64 = ONE as u64;
        left_at.clear();
        left_at.resize(self.height + 1, WHOLE);
        for &root in roots {
            // Only the excluded come before a root: all of each ballot reaches it.
            left_at[usize::from(self.nodes[root].depth)] = WHOLE;
            let mut i = root;
            let end = self.nodes[root].end as usize;
            while i < end {
                let node = self.nodes[i];
                let c = usize::from(node.candidate);
                let depth = usize::from(node.depth);
                let mut left = left_at[depth];
                let k = keep[c];
                if k != 0 {
                    let share = (left * k).div_ceil(WHOLE).min(left);
                    votes[c] += U::from(share as i64) * weights[i];
                    left -= share;
                }
                if left == 0 {
                    // Nothing of these ballots reaches further down.
                    i = node.end as usize;
                } else {
                    left_at[depth + 1] = left;
                    i += 1;
                }
            }
        }
    }
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
    /// The strict rankings.
    trie: Trie,
    /// This stage: the subtrees of the trie read at every iteration, and the votes the
    /// rest gives.
    roots: Vec<usize>,
    fixed_votes: Vec<i128>,
    /// The votes in `i64`, while the trie is read in it.
    narrow_votes: Vec<i64>,
    /// The keep factors in `u64`, as the trie is read.
    keep_narrow: Vec<u64>,
    /// What reaches each depth of the trie, reused between iterations.
    left_at: Vec<u64>,
    /// The ballots with equal ranks, read one by one.
    unequal: Vec<usize>,
}

impl Meek<'_> {
    /// Reads every ballot with the current keep factors; returns the votes held by
    /// candidates in all.
    fn distribute(&mut self) -> i128 {
        for (narrow, keep) in self.keep_narrow.iter_mut().zip(&self.keep) {
            *narrow = *keep as u64; // from 0 to 10⁹
        }
        let trie = &self.trie;
        match &trie.narrow {
            Some(weights) => {
                // The fixed votes are the trie's too, so they fit.
                for (narrow, fixed) in self.narrow_votes.iter_mut().zip(&self.fixed_votes) {
                    *narrow = *fixed as i64;
                }
                let votes = &mut self.narrow_votes;
                trie.distribute(
                    weights,
                    &self.roots,
                    &self.keep_narrow,
                    votes,
                    &mut self.left_at,
                );
                for (vote, narrow) in self.votes.iter_mut().zip(&self.narrow_votes) {
                    *vote = i128::from(*narrow);
                }
            }
            None => {
                self.votes.copy_from_slice(&self.fixed_votes);
                let votes = &mut self.votes;
                trie.distribute(
                    &trie.weight,
                    &self.roots,
                    &self.keep_narrow,
                    votes,
                    &mut self.left_at,
                );
            }
        }
        for i in 0..self.unequal.len() {
            self.distribute_unequal(self.unequal[i]);
        }
        self.votes.iter().sum()
    }

    /// Sets aside what the stage's iterations cannot change (see [`Trie::prepare_stage`]).
    fn prepare_stage(&mut self) {
        self.fixed_votes.iter_mut().for_each(|v| *v = 0);
        self.trie
            .prepare_stage(&self.status, &mut self.fixed_votes, &mut self.roots);
    }

    /// Reads one ballot group with equal ranks, adding to `votes`.
    fn distribute_unequal(&mut self, b: usize) {
        let weight = self.weights[b];
        let mut left = ONE;
        for group in self.profile.ballots()[b].0.ranks() {
            let mut live = group.iter().filter(|c| self.keep[c.index()] > 0);
            let Some(&c) = live.next() else { continue };
            if live.next().is_some() {
                // Equal preferences cannot be followed: the rest is not transferable.
                break;
            }
            let share = ceil_div(left * self.keep[c.index()], ONE).min(left);
            self.votes[c.index()] += share * weight;
            left -= share;
            if left == 0 {
                break;
            }
        }
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

/// The most decimal places of a weight Meek counts (more are truncated).
const MAX_WEIGHT_PLACES: u32 = 18;

/// The decimal places the weights are scaled by to whole numbers.
fn weight_places(profile: &Profile) -> u32 {
    profile
        .ballots()
        .iter()
        .map(|(_, w)| w.normalize().scale())
        .max()
        .unwrap_or(0)
        .min(MAX_WEIGHT_PLACES)
}

/// The largest total weight Meek counts: 10¹⁹ ÷ 10^(decimal places of the weights).
/// Votes are integers of 10⁻⁹ of a weight unit, at most 10²⁸ (a decimal's mantissa
/// holds 7.9 × 10²⁸), and their products with a keep factor (at most 10⁹) stay below
/// 10³⁷, within `i128`.
pub(super) fn max_total_weight(profile: &Profile) -> Decimal {
    Decimal::from_i128_with_scale(10i128.pow(19), weight_places(profile))
}

/// Counts `profile` by Meek's method: each stage settles the keep factors, then elects
/// those over the quota or excludes the weakest hopeful.
pub(super) fn count(profile: &Profile, options: Options) -> Result<Outcome, TallyError> {
    let max = max_total_weight(profile);
    if profile.total_weight() > max {
        return Err(TallyError::TooHeavy {
            method: Method::StvMeek,
            total: profile.total_weight(),
            max,
        });
    }
    let mut meek = Meek::new(profile, options.seats);
    let mut record = Record::default();
    let mut complete = true;
    let rejected = profile.blank_weight();
    let valid = profile.total_weight() - rejected;
    while record.elected.len() < options.seats {
        let held = settle_round(&mut meek);
        let mut round = meek.round(held, valid);
        let decided = decide_stage(&mut meek, held, &mut round, &mut record, options);
        record.rounds.push(round);
        if !decided {
            complete = false;
            break;
        }
    }
    Ok(Outcome {
        method: Method::StvMeek,
        seats: options.seats,
        valid_votes: valid,
        rejected,
        quota: record.rounds.last().and_then(|r| r.quota),
        elected: record.elected,
        ranking: None,
        scores: None,
        ties: record.ties,
        complete,
        rounds: record.rounds,
        pairwise: None,
        spending: None,
    })
}

impl<'p> Meek<'p> {
    /// The count's state before the first stage: weights scaled to whole numbers, the
    /// strict rankings in their trie, the withdrawn excluded.
    fn new(profile: &'p Profile, seats: usize) -> Meek<'p> {
        let candidates = profile.candidates();
        let n = candidates.len();
        let weight_places = weight_places(profile);
        let weights = scaled_weights(profile, weight_places);
        let (trie, unequal) = strict_trie(profile, &weights);
        Meek {
            profile,
            trie,
            roots: Vec::new(),
            fixed_votes: vec![0; n],
            narrow_votes: vec![0; n],
            keep_narrow: vec![0; n],
            left_at: Vec::new(),
            unequal,
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
            seats,
        }
    }

    /// The stage's report once its votes settled (`held` in all): the votes shown to
    /// nine places, what they leave unaccounted, and the quota.
    fn round(&self, held: i128, valid: Decimal) -> Round {
        let votes: Vec<Decimal> = self.votes.iter().map(|v| self.decimal(*v)).collect();
        // What the shown votes do not account for: exhausted, and rounding.
        let mut non_transferable = valid - votes.iter().copied().sum::<Decimal>();
        non_transferable.rescale(PLACES);
        let quota = self.decimal(ceil_div(
            held * 10i128.pow(PLACES),
            (self.seats as i128 + 1) * 10i128.pow(PLACES),
        ));
        Round {
            votes,
            non_transferable,
            elected: Vec::new(),
            excluded: Vec::new(),
            surplus: None,
            quota: Some(quota),
        }
    }
}

/// Each ballot group's weight scaled by `10^places` to a whole number: a weight of 1.5
/// counts as 15 tenths. Below [`max_total_weight`], each fits (at most 10¹⁹ units).
fn scaled_weights(profile: &Profile, places: u32) -> Vec<i128> {
    let scale = Decimal::from(10i64.pow(places));
    profile
        .ballots()
        .iter()
        .map(|(_, w)| {
            w.checked_mul(scale)
                .map_or(i128::MAX, |units| units.trunc().mantissa())
        })
        .collect()
}

/// The strict rankings' trie, and the ballot groups with equal ranks (read one by one).
fn strict_trie(profile: &Profile, weights: &[i128]) -> (Trie, Vec<usize>) {
    // The strict rankings' candidates laid end to end, then each one's slice.
    let mut flat: Vec<u16> = Vec::new();
    let mut spans = Vec::new();
    let mut unequal = Vec::new();
    for (b, (ranking, _)) in profile.ballots().iter().enumerate() {
        if ranking.is_strict() {
            let start = flat.len();
            flat.extend(ranking.ranks().iter().map(|g| g[0].0));
            spans.push((start, flat.len(), weights[b]));
        } else {
            unequal.push(b);
        }
    }
    let trie = Trie::new(
        spans
            .iter()
            .map(|&(start, end, weight)| (&flat[start..end], weight))
            .collect(),
    );
    (trie, unequal)
}

/// What the count has decided so far.
#[derive(Default)]
struct Record {
    rounds: Vec<Round>,
    ties: Vec<Tie>,
    elected: Vec<CandidateId>,
    lot: Option<Lot>,
}

/// Ends a settled stage: elects the hopeful over the quota (or all of them, if no more
/// remain than seats), else excludes the hopeful with the fewest votes. False when a
/// tie could not be broken: the count stops there, incomplete.
fn decide_stage(
    meek: &mut Meek<'_>,
    held: i128,
    round: &mut Round,
    record: &mut Record,
    options: Options,
) -> bool {
    let hopeful = meek.with(Status::Hopeful);
    let left = options.seats - record.elected.len();
    let mut reached: Vec<CandidateId> = hopeful
        .iter()
        .copied()
        .filter(|c| meek.above_quota(meek.votes[c.index()], held))
        .collect();
    if hopeful.len() <= left {
        reached = hopeful.clone();
    }
    if reached.is_empty() {
        exclude_weakest(meek, &hopeful, round, record, options)
    } else {
        elect(meek, reached, left, held, round, record, options)
    }
}

/// Elects `reached`, most votes first, at most `left` of them; more than `left` is only
/// possible at an exact tie, broken by [`settle`].
fn elect(
    meek: &mut Meek<'_>,
    mut reached: Vec<CandidateId>,
    left: usize,
    held: i128,
    round: &mut Round,
    record: &mut Record,
    options: Options,
) -> bool {
    reached.sort_by(|a, b| {
        meek.votes[b.index()]
            .cmp(&meek.votes[a.index()])
            .then(a.cmp(b))
    });
    if reached.len() > left {
        let history: Vec<Vec<Decimal>> = record.rounds.iter().map(|r| r.votes.clone()).collect();
        let resolution = settle(
            &reached,
            Want::Highest,
            &history,
            options.tie_break,
            &mut record.lot,
        );
        record.ties.push(Tie {
            stage: Some(record.rounds.len() + 1),
            kind: TieKind::Winner,
            between: reached.clone(),
            resolution: resolution.clone(),
        });
        match resolution.chosen() {
            Some(c) => reached = vec![c],
            None => return false,
        }
    }
    for c in reached.into_iter().take(left) {
        meek.status[c.index()] = Status::Elected;
        if meek.above_quota(meek.votes[c.index()], held) {
            meek.rescale_keep(c, held);
        }
        record.elected.push(c);
        round.elected.push(c);
    }
    true
}

/// Excludes the hopeful candidate with the fewest votes (ties broken by
/// [`pick_extreme`]); their keep factor drops to 0.
fn exclude_weakest(
    meek: &mut Meek<'_>,
    hopeful: &[CandidateId],
    round: &mut Round,
    record: &mut Record,
    options: Options,
) -> bool {
    let votes = &meek.votes;
    let loser = pick_extreme(
        hopeful,
        |c| votes[c.index()],
        Want::Lowest,
        TieKind::Exclusion,
        &record.rounds,
        options.tie_break,
        &mut record.lot,
        &mut record.ties,
    );
    let Some(loser) = loser else {
        return false;
    };
    meek.status[loser.index()] = Status::Excluded;
    meek.keep[loser.index()] = 0;
    round.excluded.push(loser);
    true
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;

    use super::*;

    /// Reads `rankings` ballot by ballot, as HWW describe it.
    fn ballot_by_ballot(rankings: &[(Vec<u16>, i128)], keep: &[i128], n: usize) -> Vec<i128> {
        let mut votes = vec![0; n];
        for (ranking, weight) in rankings {
            let mut left = ONE;
            for &c in ranking {
                let k = keep[usize::from(c)];
                if k == 0 {
                    continue;
                }
                let share = ceil_div(left * k, ONE).min(left);
                votes[usize::from(c)] += share * weight;
                left -= share;
                if left == 0 {
                    break;
                }
            }
        }
        votes
    }

    fn rankings(n: u16) -> impl Strategy<Value = Vec<(Vec<u16>, i128)>> {
        let ranking = Just((0..n).collect::<Vec<u16>>())
            .prop_shuffle()
            .prop_flat_map(move |order| (1..=order.len()).prop_map(move |k| order[..k].to_vec()));
        proptest::collection::vec((ranking, 1i128..1_000), 0..40)
    }

    proptest! {
        /// The trie gives the same integers as reading ballot by ballot, whatever the
        /// keep factors, in `i64` and in `i128`; and the stage's fixed part plus its
        /// moving subtrees is the whole.
        #[test]
        fn the_trie_reads_as_the_ballots_do(
            rankings in rankings(6),
            keep in proptest::collection::vec(prop_oneof![Just(0i128), Just(ONE), 0..=ONE], 6),
        ) {
            let n = 6;
            let expected = ballot_by_ballot(&rankings, &keep, n);
            let trie = Trie::new(rankings.iter().map(|(r, w)| (r.as_slice(), *w)).collect());
            let status: Vec<Status> = keep
                .iter()
                .map(|k| match *k {
                    0 => Status::Excluded,
                    ONE => Status::Hopeful,
                    _ => Status::Elected,
                })
                .collect();
            let keep_narrow: Vec<u64> = keep.iter().map(|k| *k as u64).collect();
            let (mut roots, mut left_at) = (Vec::new(), Vec::new());
            let mut wide = vec![0i128; n];
            trie.prepare_stage(&status, &mut wide, &mut roots);
            let fixed = wide.clone();
            trie.distribute(&trie.weight, &roots, &keep_narrow, &mut wide, &mut left_at);
            prop_assert_eq!(&wide, &expected);
            let weights = trie.narrow.as_ref().unwrap();
            let mut narrow: Vec<i64> = fixed.iter().map(|v| *v as i64).collect();
            trie.distribute(weights, &roots, &keep_narrow, &mut narrow, &mut left_at);
            prop_assert_eq!(narrow.iter().map(|v| i128::from(*v)).collect::<Vec<_>>(), expected);
        }
    }
}
