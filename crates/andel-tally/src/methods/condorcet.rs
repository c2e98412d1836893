//! Condorcet methods: the pairwise comparison of every two candidates, the Smith set,
//! and Schulze, ranked pairs, Copeland and minimax on top of it (all with winning votes).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::scored::{Better, elect_top, from_scores};
use crate::outcome::Lot;
use crate::{CandidateId, Method, Options, Outcome, Profile, Resolution, Tie, TieBreak, TieKind};

/// The pairwise comparison of an election, and what Condorcet methods derive from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pairwise {
    /// `wins[i][j]`: the weight of ballots that rank candidate `i` above candidate `j`
    /// (a ranked candidate is above every unranked one; equal ranks prefer neither).
    pub wins: Vec<Vec<Decimal>>,
    /// The candidate who beats every other one head to head, if there is one.
    pub condorcet_winner: Option<CandidateId>,
    /// The smallest set of candidates who each beat everyone outside it.
    pub smith_set: Vec<CandidateId>,
    /// Schulze: the strength of the strongest path from `i` to `j`.
    pub strongest_paths: Option<Vec<Vec<Decimal>>>,
    /// Ranked pairs: the pairs `(winner, loser)` locked in, in the order they were.
    pub locked: Option<Vec<(CandidateId, CandidateId)>>,
}

impl Pairwise {
    /// Compares every two standing candidates over the profile's ballots.
    pub fn of(profile: &Profile) -> Pairwise {
        table(profile).0
    }

    fn beats(&self, i: CandidateId, j: CandidateId) -> bool {
        self.wins[i.index()][j.index()] > self.wins[j.index()][i.index()]
    }
}

/// Every cell of the pairwise table by its place among the table's distinct values
/// (`ranks[i * n + j]`, 0 for nothing): comparing places compares the weights, so the
/// methods compare and copy small integers instead of decimals.
struct Ranks {
    n: usize,
    cells: Vec<u32>,
}

impl Ranks {
    #[inline]
    fn get(&self, i: CandidateId, j: CandidateId) -> u32 {
        self.cells[i.index() * self.n + j.index()]
    }

    fn beats(&self, i: CandidateId, j: CandidateId) -> bool {
        self.get(i, j) > self.get(j, i)
    }
}

/// The pairwise table, and the places of its cells.
fn table(profile: &Profile) -> (Pairwise, Ranks) {
    let candidates = profile.candidates();
    let n = candidates.len();
    let standing: Vec<CandidateId> = candidates.standing().collect();
    let (wins, cells) = match integer_weights(profile) {
        Some(weights) if weights.total <= u128::from(u64::MAX) => {
            let units: Vec<u64> = weights.values.iter().map(|&w| w as u64).collect();
            let (sums, scales) = accumulate(profile, &units, weights.scales.as_deref());
            decimals(n, &sums, &scales, weights.scale)
        }
        Some(weights) => {
            let (sums, scales) = accumulate(profile, &weights.values, weights.scales.as_deref());
            decimals(n, &sums, &scales, weights.scale)
        }
        None => decimal_table(profile),
    };
    let ranks = Ranks { n, cells };
    let condorcet_winner = standing
        .iter()
        .copied()
        .find(|&i| standing.iter().all(|&j| j == i || ranks.beats(i, j)));
    let smith_set = smith_set(&standing, &ranks);
    let pairwise = Pairwise {
        wins,
        condorcet_winner,
        smith_set,
        strongest_paths: None,
        locked: None,
    };
    (pairwise, ranks)
}

/// The ballots' weights as integers of one scale, when they fit.
struct IntegerWeights {
    /// Each ballot's weight times 10^`scale`.
    values: Vec<u128>,
    /// The most decimal places of any weight.
    scale: u32,
    /// Each ballot's own decimal places, when they differ between ballots.
    scales: Option<Vec<u8>>,
    /// The sum of `values`.
    total: u128,
}

/// Weights as integers, when every sum of them fits a decimal's 96-bit mantissa at
/// the largest scale: then adding the integers gives exactly what adding the decimals
/// gives (decimal addition is exact until it overflows 96 bits).
fn integer_weights(profile: &Profile) -> Option<IntegerWeights> {
    let scale = profile
        .ballots()
        .iter()
        .map(|(_, w)| w.scale())
        .max()
        .unwrap_or(0);
    let mut values = Vec::with_capacity(profile.ballots().len());
    let mut total: u128 = 0;
    let mut mixed = false;
    for (_, weight) in profile.ballots() {
        let mantissa = u128::try_from(weight.mantissa()).ok()?;
        mixed |= weight.scale() != scale;
        let value = mantissa.checked_mul(10u128.checked_pow(scale - weight.scale())?)?;
        total = total.checked_add(value)?;
        values.push(value);
    }
    if total >= 1 << 96 {
        return None;
    }
    let scales = mixed.then(|| {
        profile
            .ballots()
            .iter()
            .map(|(_, w)| w.scale() as u8)
            .collect()
    });
    Some(IntegerWeights {
        values,
        scale,
        scales,
        total,
    })
}

/// Adds each ballot's integer weight into the cells of the pairs it decides, a row of
/// the table at a time, without branches; with `scales`, also keeps each cell's largest
/// scale among the weights added into it (the scale a decimal sum would have).
fn accumulate<T>(profile: &Profile, weights: &[T], scales: Option<&[u8]>) -> (Vec<T>, Vec<u8>)
where
    T: Copy + Default + std::ops::AddAssign,
{
    let candidates = profile.candidates();
    let n = candidates.len();
    let mut sums = vec![T::default(); n * n];
    let mut cell_scales = if scales.is_some() {
        vec![0u8; n * n]
    } else {
        Vec::new()
    };
    // Unranked: after everyone. Withdrawn: never preferred to anyone.
    let mut place: Vec<i32> = candidates
        .ids()
        .map(|c| {
            if candidates.is_withdrawn(c) {
                -1
            } else {
                i32::MAX
            }
        })
        .collect();
    let mut ranked: Vec<(i32, usize)> = Vec::new();
    for (b, (ranking, _)) in profile.ballots().iter().enumerate() {
        let weight = weights[b];
        ranked.clear();
        for (rank, group) in ranking.ranks().iter().enumerate() {
            for c in group {
                if !candidates.is_withdrawn(*c) {
                    ranked.push((rank as i32, c.index()));
                }
            }
        }
        for &(rank, c) in &ranked {
            place[c] = rank;
        }
        for &(pi, i) in &ranked {
            let row = &mut sums[i * n..][..n];
            for (cell, &pj) in row.iter_mut().zip(&place) {
                *cell += if pj > pi { weight } else { T::default() };
            }
            if let Some(scales) = scales {
                let scale = scales[b];
                let row = &mut cell_scales[i * n..][..n];
                for (cell, &pj) in row.iter_mut().zip(&place) {
                    *cell = (*cell).max(if pj > pi { scale } else { 0 });
                }
            }
        }
        for &(_, c) in &ranked {
            place[c] = i32::MAX;
        }
    }
    (sums, cell_scales)
}

/// The table as decimals, each of the scale the decimal sum of its weights has, and
/// the places of the cells.
fn decimals<T>(n: usize, sums: &[T], scales: &[u8], scale: u32) -> (Vec<Vec<Decimal>>, Vec<u32>)
where
    T: Copy + Ord + Into<u128>,
{
    let wins = sums
        .chunks(n.max(1))
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .enumerate()
                .map(|(j, &sum)| {
                    let sum: u128 = sum.into();
                    if sum == 0 {
                        return Decimal::ZERO;
                    }
                    let own = scales.get(i * n + j).map_or(scale, |&s| u32::from(s));
                    // Every weight in the sum is a multiple of 10^(scale − own), and the
                    // sum is below 2^96: exact.
                    let sum = sum / 10u128.pow(scale - own);
                    Decimal::from_i128_with_scale(sum as i128, own)
                })
                .collect()
        })
        .collect();
    let max: u128 = sums.iter().copied().max().map_or(0, Into::into);
    let cells = if max <= (n * n + 65_536) as u128 {
        // Small sums (most elections: weights of 1): place by counting.
        let mut place = vec![0u32; max as usize + 1];
        for &sum in sums {
            place[Into::<u128>::into(sum) as usize] = 1;
        }
        let mut next = 0;
        for p in &mut place {
            let present = *p;
            *p = next;
            next += present;
        }
        sums.iter()
            .map(|&s| place[Into::<u128>::into(s) as usize])
            .collect()
    } else {
        places(sums)
    };
    (wins, cells)
}

/// Each value's place among the distinct values (the smallest at 0).
fn places<T: Copy + Ord>(values: &[T]) -> Vec<u32> {
    let mut distinct = values.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    values
        .iter()
        .map(|v| distinct.partition_point(|d| d < v) as u32)
        .collect()
}

/// The table summed in decimals, for weights whose integer sums would not fit: the
/// long way, as decimal addition rounds.
fn decimal_table(profile: &Profile) -> (Vec<Vec<Decimal>>, Vec<u32>) {
    let candidates = profile.candidates();
    let n = candidates.len();
    let standing: Vec<CandidateId> = candidates.standing().collect();
    let mut wins = vec![vec![Decimal::ZERO; n]; n];
    let mut place = vec![usize::MAX; n];
    for (ranking, weight) in profile.ballots() {
        place.iter_mut().for_each(|p| *p = usize::MAX);
        for (rank, group) in ranking.ranks().iter().enumerate() {
            for id in group {
                place[id.index()] = rank;
            }
        }
        for &i in &standing {
            let pi = place[i.index()];
            if pi == usize::MAX {
                continue;
            }
            for &j in &standing {
                if pi < place[j.index()] {
                    wins[i.index()][j.index()] += *weight;
                }
            }
        }
    }
    let flat: Vec<Decimal> = wins.iter().flatten().copied().collect();
    let cells = places(&flat);
    (wins, cells)
}

/// Sets of candidates as bits, one row of `words` 64-bit words per candidate.
#[derive(Debug, Clone)]
struct Bits {
    words: usize,
    data: Vec<u64>,
}

impl Bits {
    fn new(n: usize) -> Bits {
        let words = n.div_ceil(64);
        Bits {
            words,
            data: vec![0; n * words],
        }
    }

    #[inline]
    fn has(&self, row: usize, col: usize) -> bool {
        self.data[row * self.words + col / 64] >> (col % 64) & 1 == 1
    }

    #[inline]
    fn set(&mut self, row: usize, col: usize) {
        self.data[row * self.words + col / 64] |= 1 << (col % 64);
    }

    #[inline]
    fn row(&self, row: usize) -> &[u64] {
        &self.data[row * self.words..][..self.words]
    }

    #[inline]
    fn row_mut(&mut self, row: usize) -> &mut [u64] {
        &mut self.data[row * self.words..][..self.words]
    }
}

/// The members of a bit set, in order.
fn members(set: &[u64]) -> impl Iterator<Item = usize> + '_ {
    set.iter().enumerate().flat_map(|(w, &word)| {
        let mut word = word;
        std::iter::from_fn(move || {
            (word != 0).then(|| {
                let bit = word.trailing_zeros() as usize;
                word &= word - 1;
                w * 64 + bit
            })
        })
    })
}

/// Candidates from whom every other candidate can be reached through "beats or ties":
/// the transitive closure over bit sets (n³/64 word operations).
fn smith_set(standing: &[CandidateId], ranks: &Ranks) -> Vec<CandidateId> {
    let n = ranks.n;
    let mut reach = Bits::new(n);
    let mut all = vec![0u64; reach.words];
    for &i in standing {
        all[i.index() / 64] |= 1 << (i.index() % 64);
        for &j in standing {
            if i == j || ranks.get(i, j) >= ranks.get(j, i) {
                reach.set(i.index(), j.index());
            }
        }
    }
    let mut through = vec![0u64; reach.words];
    for &k in standing {
        through.copy_from_slice(reach.row(k.index()));
        for &i in standing {
            if reach.has(i.index(), k.index()) {
                for (r, t) in reach.row_mut(i.index()).iter_mut().zip(&through) {
                    *r |= t;
                }
            }
        }
    }
    standing
        .iter()
        .copied()
        .filter(|&i| {
            reach
                .row(i.index())
                .iter()
                .zip(&all)
                .all(|(r, a)| r & a == *a)
        })
        .collect()
}

pub(super) fn count(profile: &Profile, method: Method, options: Options) -> Outcome {
    let (mut pairwise, ranks) = table(profile);
    let standing: Vec<CandidateId> = profile.candidates().standing().collect();
    let n = pairwise.wins.len();
    match method {
        Method::Schulze => {
            let paths = strongest_paths(&standing, &pairwise.wins, &ranks);
            let mut scores = vec![Decimal::ZERO; n];
            for &i in &standing {
                let beaten = standing
                    .iter()
                    .filter(|&&j| paths[i.index()][j.index()] > paths[j.index()][i.index()])
                    .count();
                scores[i.index()] = Decimal::from(beaten);
            }
            pairwise.strongest_paths = Some(paths);
            from_scores(
                profile.candidates(),
                profile.total_weight(),
                method,
                options,
                scores,
                Better::Higher,
                Some(pairwise),
            )
        }
        Method::Copeland => {
            let mut scores = vec![Decimal::ZERO; n];
            for &i in &standing {
                for &j in &standing {
                    if i != j && ranks.beats(i, j) {
                        scores[i.index()] += Decimal::ONE;
                    } else if i != j && !ranks.beats(j, i) {
                        scores[i.index()] += Decimal::new(5, 1);
                    }
                }
            }
            from_scores(
                profile.candidates(),
                profile.total_weight(),
                method,
                options,
                scores,
                Better::Higher,
                Some(pairwise),
            )
        }
        Method::Minimax => {
            let mut scores = vec![Decimal::ZERO; n];
            for &i in &standing {
                scores[i.index()] = standing
                    .iter()
                    .filter(|&&j| pairwise.beats(j, i))
                    .map(|&j| pairwise.wins[j.index()][i.index()])
                    .max()
                    .unwrap_or(Decimal::ZERO);
            }
            from_scores(
                profile.candidates(),
                profile.total_weight(),
                method,
                options,
                scores,
                Better::Lower,
                Some(pairwise),
            )
        }
        _ => ranked_pairs(profile, options, pairwise, &ranks, &standing),
    }
}

/// Floyd–Warshall over the widest paths of the defeats (winning votes), on the places
/// of the weights rather than the weights: min and max only compare, so the places give
/// the same paths, in flat rows the compiler vectorises (n³ steps at 1,000 candidates).
///
/// Equal weights may be decimals of different scales (2 and 2.0, from weights such as 1
/// and 0.5); the path keeps the one the decimal algorithm would (the first of equal
/// ones), so each place carries its scale in its low bits, which comparisons ignore.
fn strongest_paths(
    standing: &[CandidateId],
    wins: &[Vec<Decimal>],
    ranks: &Ranks,
) -> Vec<Vec<Decimal>> {
    let n = wins.len();
    // The decimal of each place, and whether some place comes in several scales.
    let mut value: Vec<Option<Decimal>> =
        vec![None; ranks.cells.iter().max().map_or(0, |&m| m as usize) + 1];
    let mut scaled = false;
    for &i in standing {
        for &j in standing {
            let w = wins[i.index()][j.index()];
            match &mut value[ranks.get(i, j) as usize] {
                Some(seen) => scaled |= seen.scale() != w.scale(),
                slot => *slot = Some(w),
            }
        }
    }
    let shift = if scaled { 5 } else { 0 };
    let key = |i: CandidateId, j: CandidateId| {
        let scale = if scaled {
            wins[i.index()][j.index()].scale() as i32
        } else {
            0
        };
        (ranks.get(i, j) as i32) << shift | scale
    };
    let mut p = vec![0i32; n * n];
    for &i in standing {
        for &j in standing {
            if i != j && ranks.beats(i, j) {
                p[i.index() * n + j.index()] = key(i, j);
            }
        }
    }
    let mut through = vec![0i32; n];
    for &k in standing {
        let k = k.index();
        through.copy_from_slice(&p[k * n..][..n]);
        for &i in standing {
            let i = i.index();
            let pik = p[i * n + k];
            if i == k || pik == 0 {
                continue;
            }
            let row = &mut p[i * n..][..n];
            if scaled {
                let high = pik >> shift;
                for (pij, &pkj) in row.iter_mut().zip(&through) {
                    let path = if pkj >> shift < high { pkj } else { pik };
                    if path >> shift > *pij >> shift {
                        *pij = path;
                    }
                }
            } else {
                for (pij, &pkj) in row.iter_mut().zip(&through) {
                    *pij = (*pij).max(pkj.min(pik));
                }
            }
            // No path leads from a candidate to themselves.
            row[i] = 0;
        }
    }
    p.chunks(n.max(1))
        .map(|row| {
            row.iter()
                .map(|&k| {
                    if k == 0 {
                        return Decimal::ZERO;
                    }
                    let mut d = value[(k >> shift) as usize].unwrap_or(Decimal::ZERO);
                    if scaled {
                        d.rescale((k & 31) as u32);
                    }
                    d
                })
                .collect()
        })
        .collect()
}

/// The most equal pairs whose locking orders are all tried, to see whether their order
/// changes who is elected (6! = 720 orders).
const MAX_PERMUTED_PAIRS: usize = 6;

type Pair = (CandidateId, CandidateId);

/// The locked graph, with its transitive closure both ways as bit sets, so that whether
/// a pair closes a cycle is one bit, and locking one updates only the rows that gain.
#[derive(Debug, Clone)]
struct Locked {
    /// `below[x]`: the candidates `x` is locked over, directly or through others.
    below: Bits,
    /// `above[x]`: the candidates locked over `x`, directly or through others.
    above: Bits,
    pairs: Vec<Pair>,
}

impl Locked {
    fn new(n: usize) -> Locked {
        Locked {
            below: Bits::new(n),
            above: Bits::new(n),
            pairs: Vec::new(),
        }
    }

    /// Locks `i` over `j` unless `j` is already over `i`; whether it did.
    fn lock(&mut self, (i, j): Pair) -> bool {
        let (i, j) = (i.index(), j.index());
        if self.below.has(j, i) {
            return false;
        }
        self.pairs
            .push((CandidateId(i as u16), CandidateId(j as u16)));
        if self.below.has(i, j) {
            return true;
        }
        // `i` and all above it come over `j` and all below it: update only the rows
        // that did not already hold that (each update adds a bit, so at most n² rows
        // change in all).
        let mut down = self.below.row(j).to_vec();
        down[j / 64] |= 1 << (j % 64);
        let mut up = self.above.row(i).to_vec();
        up[i / 64] |= 1 << (i % 64);
        let gain_down: Vec<u64> = up
            .iter()
            .zip(self.above.row(j))
            .map(|(u, a)| u & !a)
            .collect();
        let gain_up: Vec<u64> = down
            .iter()
            .zip(self.below.row(i))
            .map(|(d, b)| d & !b)
            .collect();
        for x in members(&gain_down) {
            for (r, d) in self.below.row_mut(x).iter_mut().zip(&down) {
                *r |= d;
            }
        }
        for y in members(&gain_up) {
            for (r, u) in self.above.row_mut(y).iter_mut().zip(&up) {
                *r |= u;
            }
        }
        true
    }

    /// Topological layers: first the candidates nobody is locked over, then those only
    /// they are over, and so on; stops once the layers hold `enough` candidates.
    fn layers(&self, standing: &[CandidateId], enough: usize) -> Vec<Vec<CandidateId>> {
        let mut left = vec![0u64; self.below.words];
        for c in standing {
            left[c.index() / 64] |= 1 << (c.index() % 64);
        }
        let mut remaining: Vec<CandidateId> = standing.to_vec();
        let mut layers = Vec::new();
        let mut placed = 0;
        while !remaining.is_empty() && placed < enough {
            let top: Vec<CandidateId> = remaining
                .iter()
                .copied()
                .filter(|c| {
                    self.above
                        .row(c.index())
                        .iter()
                        .zip(&left)
                        .all(|(a, l)| a & l == 0)
                })
                .collect();
            // The locked graph is acyclic, so some candidate always has nobody above.
            let top = if top.is_empty() {
                remaining.clone()
            } else {
                top
            };
            for c in &top {
                left[c.index() / 64] &= !(1 << (c.index() % 64));
            }
            remaining.retain(|c| left[c.index() / 64] >> (c.index() % 64) & 1 == 1);
            placed += top.len();
            layers.push(top);
        }
        layers
    }
}

fn ranked_pairs(
    profile: &Profile,
    options: Options,
    mut pairwise: Pairwise,
    ranks: &Ranks,
    standing: &[CandidateId],
) -> Outcome {
    let n = pairwise.wins.len();
    let w = |i: CandidateId, j: CandidateId| ranks.get(i, j);
    let mut pairs: Vec<Pair> = Vec::new();
    for &i in standing {
        for &j in standing {
            if w(i, j) > w(j, i) {
                pairs.push((i, j));
            }
        }
    }
    // Strongest victory first; among equal ones, the smaller opposition first.
    pairs.sort_unstable_by_key(|&(i, j)| (std::cmp::Reverse(w(i, j)), w(j, i), i, j));
    let mut groups: Vec<Vec<Pair>> = Vec::new();
    for pair in pairs {
        match groups.last_mut() {
            Some(g)
                if (w(g[0].0, g[0].1), w(g[0].1, g[0].0))
                    == (w(pair.0, pair.1), w(pair.1, pair.0)) =>
            {
                g.push(pair)
            }
            _ => groups.push(vec![pair]),
        }
    }
    let mut ties = Vec::new();
    let mut lot: Option<Lot> = None;
    let mut complete = true;
    let mut ranking_defined = true;
    let mut locked = Locked::new(n);
    let mut scratch = Bits::new(n);
    // Equal pairs whose order could matter: try every order; if who is elected never
    // changes, the order does not matter to the result; otherwise it is a tie. After an
    // unsettled tie the rest is locked in order, for the record.
    for g in 0..groups.len() {
        if complete && order_matters(&locked, &groups[g], &mut scratch) {
            ranking_defined = false;
            // A Condorcet winner is never beaten in the locked graph (no locked path can
            // end at a candidate who beats everyone), so for one seat no order can
            // change the result.
            let settled = options.seats == 1 && pairwise.condorcet_winner.is_some();
            let outcomes = (!settled && groups[g].len() <= MAX_PERMUTED_PAIRS)
                .then(|| results(&locked, &groups, g, standing, options.seats));
            if !settled && outcomes != Some(1) {
                let mut between: Vec<CandidateId> =
                    groups[g].iter().flat_map(|p| [p.0, p.1]).collect();
                between.sort();
                between.dedup();
                if let TieBreak::Lot { seed } = options.tie_break {
                    let lot = lot.get_or_insert_with(|| Lot::new(seed));
                    let mut group = std::mem::take(&mut groups[g]);
                    let mut ordered = Vec::new();
                    while !group.is_empty() {
                        ordered.push(group.remove(lot.draw(group.len())));
                    }
                    ties.push(Tie {
                        stage: None,
                        kind: TieKind::PairOrder,
                        between,
                        resolution: Resolution::Lot {
                            seed,
                            chosen: ordered[0].0,
                        },
                    });
                    groups[g] = ordered;
                } else {
                    ties.push(Tie {
                        stage: None,
                        kind: TieKind::PairOrder,
                        between,
                        resolution: Resolution::Unresolved,
                    });
                    complete = false;
                }
            }
        }
        for &pair in &groups[g] {
            locked.lock(pair);
        }
    }
    let ranking = locked.layers(standing, usize::MAX);
    let (elected, filled) = if complete {
        elect_top(&ranking, options.seats, options.tie_break, &mut ties)
    } else {
        (Vec::new(), false)
    };
    pairwise.locked = Some(locked.pairs);
    Outcome {
        method: Method::RankedPairs,
        seats: options.seats,
        valid_votes: profile.total_weight(),
        rejected: Decimal::ZERO,
        quota: None,
        elected,
        ranking: (complete && ranking_defined).then_some(ranking),
        scores: None,
        ties,
        complete: complete && filled,
        rounds: Vec::new(),
        pairwise: Some(pairwise),
        spending: None,
    }
}

/// How many different sets of candidates are elected when group `g` (at most
/// [`MAX_PERMUTED_PAIRS`] pairs, equal in strength) is locked in each of its orders,
/// after `locked` (the groups before it) and before the groups after it.
///
/// Orders that lock the same pairs of the group lock the same graph, so each distinct
/// set of locked pairs is counted out once; which pairs an order locks is worked out on
/// the group's own candidates (at most 12), with the paths between them already locked.
fn results(
    locked: &Locked,
    groups: &[Vec<Pair>],
    g: usize,
    standing: &[CandidateId],
    seats: usize,
) -> usize {
    let group = &groups[g];
    let mut ends: Vec<CandidateId> = group.iter().flat_map(|p| [p.0, p.1]).collect();
    ends.sort();
    ends.dedup();
    let at = |c: CandidateId| ends.iter().position(|&e| e == c).unwrap_or(0);
    // below[a]: the ends that end a is locked over, as bits.
    let below: Vec<u16> = ends
        .iter()
        .map(|&a| {
            ends.iter()
                .enumerate()
                .filter(|&(_, &b)| locked.below.has(a.index(), b.index()))
                .fold(0u16, |bits, (b, _)| bits | 1 << b)
        })
        .collect();
    let mut subsets: Vec<u8> = Vec::new();
    let indices: Vec<usize> = (0..group.len()).collect();
    for order in permutations(&indices) {
        let mut reach = below.clone();
        let mut kept = 0u8;
        for &p in &order {
            let (a, b) = (at(group[p].0), at(group[p].1));
            if reach[b] >> a & 1 == 1 {
                continue;
            }
            kept |= 1 << p;
            let gained = reach[b] | 1 << b;
            for (x, r) in reach.iter_mut().enumerate() {
                if x == a || *r >> a & 1 == 1 {
                    *r |= gained;
                }
            }
        }
        if !subsets.contains(&kept) {
            subsets.push(kept);
        }
    }
    if subsets.len() == 1 {
        return 1;
    }
    let mut seen: Vec<Vec<CandidateId>> = Vec::new();
    for kept in subsets {
        let mut trial = locked.clone();
        for (p, &pair) in group.iter().enumerate() {
            if kept >> p & 1 == 1 {
                trial.lock(pair);
            }
        }
        for &pair in groups[g + 1..].iter().flatten() {
            trial.lock(pair);
        }
        let mut elected = elect_top(
            &trial.layers(standing, seats),
            seats,
            TieBreak::Report,
            &mut Vec::new(),
        )
        .0;
        elected.sort();
        if !seen.contains(&elected) {
            seen.push(elected);
        }
    }
    seen.len()
}

/// Every order of `items` (Heap's algorithm).
fn permutations<T: Clone>(items: &[T]) -> Vec<Vec<T>> {
    let mut items = items.to_vec();
    let mut out = vec![items.clone()];
    let mut c = vec![0usize; items.len()];
    let mut i = 1;
    while i < items.len() {
        if c[i] < i {
            let swap = if i % 2 == 0 { 0 } else { c[i] };
            items.swap(swap, i);
            out.push(items.clone());
            c[i] += 1;
            i = 1;
        } else {
            c[i] = 0;
            i += 1;
        }
    }
    out
}

/// Whether locking a group of equal pairs in different orders can lock different
/// pairs: true when some pair would close a cycle through the others, that is when the
/// locked graph with the whole group added has a cycle (the locked graph has none).
///
/// A depth-first search over the group's candidates, whose edges are the group's pairs
/// and the paths already locked between them (the closure's bits): O(group · n/64).
/// `scratch` is all zeros, and is left so.
fn order_matters(locked: &Locked, group: &[Pair], scratch: &mut Bits) -> bool {
    if group.len() < 2 {
        return false;
    }
    let words = scratch.words;
    let mut ends = vec![0u64; words];
    for &(i, j) in group {
        scratch.set(i.index(), j.index());
        ends[i.index() / 64] |= 1 << (i.index() % 64);
        ends[j.index() / 64] |= 1 << (j.index() % 64);
    }
    let out = &*scratch;
    let edges = |u: usize, w: usize| locked.below.row(u)[w] | out.row(u)[w];
    let mut open = vec![0u64; words];
    let mut done = vec![0u64; words];
    let mut cycle = false;
    // Entering `u`: a cycle if it leads to a candidate still open (on the path).
    let enter = |u: usize, open: &mut [u64]| {
        open[u / 64] |= 1 << (u % 64);
        (0..words).any(|w| edges(u, w) & open[w] != 0)
    };
    'search: for start in members(&ends) {
        if (open[start / 64] | done[start / 64]) >> (start % 64) & 1 == 1 {
            continue;
        }
        if enter(start, &mut open) {
            cycle = true;
            break;
        }
        let mut stack = vec![(start, 0usize)];
        while let Some((u, w)) = stack.last_mut() {
            let u = *u;
            let mut next = None;
            while *w < words {
                let fresh = edges(u, *w) & ends[*w] & !(open[*w] | done[*w]);
                if fresh != 0 {
                    next = Some(*w * 64 + fresh.trailing_zeros() as usize);
                    break;
                }
                *w += 1;
            }
            match next {
                Some(v) => {
                    if enter(v, &mut open) {
                        cycle = true;
                        break 'search;
                    }
                    stack.push((v, 0));
                }
                None => {
                    stack.pop();
                    open[u / 64] &= !(1 << (u % 64));
                    done[u / 64] |= 1 << (u % 64);
                }
            }
        }
    }
    for &(i, _) in group {
        scratch.row_mut(i.index()).fill(0);
    }
    cycle
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::methods::condorcet_reference;
    use crate::{Candidates, Ranking};

    /// Weights of several scales (2 and 2.0 are equal and print apart); then weights
    /// whose sums pass 64 bits, and weights too fine and too heavy together for integer
    /// sums (the decimal table).
    const WEIGHTS: [&str; 8] = ["1", "2", "3", "0.5", "1.0", "1.25", "0.10", "2.50"];
    const HEAVY: [&str; 3] = [
        "100000000000000000000",
        "0.00000000000000000001",
        "12345678901234567.5",
    ];

    /// A profile over `n` candidates from seeds: each ballot ranks a random prefix of a
    /// random order, some candidates ranked equal, with a weight from `WEIGHTS` (only 1
    /// for `weights` 0, also `HEAVY` ones for `weights` 2).
    fn profile(n: usize, ballots: &[(u64, usize)], weights: u8, withdrawn: u16) -> Profile {
        let mut candidates = Candidates::new((0..n).map(|i| format!("C{i}"))).unwrap();
        for c in 0..n {
            // Keep candidate 0 standing.
            if c > 0 && withdrawn >> c & 1 == 1 {
                candidates.withdraw(CandidateId(c as u16)).unwrap();
            }
        }
        let mut builder = Profile::builder(candidates.clone());
        for &(seed, weight) in ballots {
            let mut x = seed | 1;
            let mut next = |m: usize| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x % m as u64) as usize
            };
            let mut order: Vec<u16> = (0..n as u16).collect();
            for i in 0..n {
                let j = i + next(n - i);
                order.swap(i, j);
            }
            let len = next(n + 1);
            let mut ranks: Vec<Vec<CandidateId>> = Vec::new();
            for &c in &order[..len] {
                match ranks.last_mut() {
                    Some(rank) if next(3) == 0 => rank.push(CandidateId(c)),
                    _ => ranks.push(vec![CandidateId(c)]),
                }
            }
            let weight = match weights {
                0 => "1",
                1 => WEIGHTS[weight % WEIGHTS.len()],
                _ => [&WEIGHTS[..], &HEAVY[..]].concat()[weight % 11],
            };
            let ranking = Ranking::with_ties(ranks, &candidates).unwrap();
            builder.add(ranking, weight.parse().unwrap()).unwrap();
        }
        builder.build()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// The fast counts give exactly the outcomes of the straightforward ones: the
        /// same elected, ranking, scores, ties, locked pairs, paths and table, down to
        /// the scale of every decimal.
        #[test]
        fn fast_counts_match_the_straightforward_ones(
            n in 1usize..=12,
            ballots in prop::collection::vec((any::<u64>(), 0usize..11), 0..=14),
            weights in 0u8..3,
            withdrawn in any::<u16>(),
            seats in 1usize..=3,
            lot in any::<Option<u64>>(),
        ) {
            let p = profile(n, &ballots, weights, withdrawn);
            let standing = p.candidates().standing().count();
            let options = Options {
                seats: seats.min(standing),
                tie_break: lot.map_or(TieBreak::Report, |seed| TieBreak::Lot { seed }),
            };
            let table = Pairwise::of(&p);
            let reference = condorcet_reference::pairwise_of(&p);
            prop_assert_eq!(&table, &reference);
            prop_assert_eq!(
                serde_json::to_string(&table).unwrap(),
                serde_json::to_string(&reference).unwrap()
            );
            for method in [Method::Schulze, Method::RankedPairs, Method::Copeland, Method::Minimax] {
                let fast = count(&p, method, options);
                let slow = condorcet_reference::count(&p, method, options);
                prop_assert_eq!(&fast, &slow);
                prop_assert_eq!(
                    serde_json::to_string(&fast).unwrap(),
                    serde_json::to_string(&slow).unwrap()
                );
            }
        }
    }

    #[test]
    fn permutations_are_all_there_once() {
        let pairs: Vec<Pair> = (0..5)
            .map(|i| (CandidateId(i), CandidateId(i + 1)))
            .collect();
        let mut all = permutations(&pairs);
        assert_eq!(all.len(), 120);
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 120);
    }
}
