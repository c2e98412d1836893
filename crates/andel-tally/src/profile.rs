//! Candidates and ranked ballots, grouped: identical rankings are counted once with
//! their weights added.

use std::collections::HashMap;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::TallyError;
use crate::fxhash::FxBuild;

/// The most candidates an election may have.
pub const MAX_CANDIDATES: usize = 1000;

/// A candidate, by position in the election's candidate list (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CandidateId(pub u16);

impl CandidateId {
    /// The position in the candidate list.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// The candidates of an election, in ballot-paper order, with those withdrawn before the
/// count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidates {
    names: Vec<String>,
    withdrawn: Vec<bool>,
}

impl Candidates {
    /// Candidates with these names, none withdrawn.
    ///
    /// # Errors
    ///
    /// When there are none, more than [`MAX_CANDIDATES`], or two share a name.
    pub fn new<S: Into<String>>(names: impl IntoIterator<Item = S>) -> Result<Self, TallyError> {
        let names: Vec<String> = names.into_iter().map(Into::into).collect();
        if names.is_empty() {
            return Err(TallyError::NoCandidates);
        }
        if names.len() > MAX_CANDIDATES {
            return Err(TallyError::TooManyCandidates {
                count: names.len(),
                max: MAX_CANDIDATES,
            });
        }
        let mut seen = HashMap::new();
        for (i, name) in names.iter().enumerate() {
            if let Some(first) = seen.insert(name.as_str(), i) {
                return Err(TallyError::DuplicateCandidate {
                    name: name.clone(),
                    first: first + 1,
                    second: i + 1,
                });
            }
        }
        let withdrawn = vec![false; names.len()];
        Ok(Candidates { names, withdrawn })
    }

    /// Marks a candidate as withdrawn: never counted, skipped on every ballot.
    ///
    /// # Errors
    ///
    /// When the id is not a candidate's.
    pub fn withdraw(&mut self, id: CandidateId) -> Result<(), TallyError> {
        let slot = self
            .withdrawn
            .get_mut(id.index())
            .ok_or(TallyError::UnknownCandidate {
                number: id.index() + 1,
            })?;
        *slot = true;
        Ok(())
    }

    /// How many candidates there are, withdrawn ones included.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Never true: an election has at least one candidate.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// A candidate's name.
    pub fn name(&self, id: CandidateId) -> &str {
        &self.names[id.index()]
    }

    /// Whether a candidate was withdrawn.
    pub fn is_withdrawn(&self, id: CandidateId) -> bool {
        self.withdrawn[id.index()]
    }

    /// Every candidate, withdrawn ones included.
    pub fn ids(&self) -> impl Iterator<Item = CandidateId> + '_ {
        (0..self.names.len()).map(|i| CandidateId(i as u16))
    }

    /// The candidates standing: not withdrawn.
    pub fn standing(&self) -> impl Iterator<Item = CandidateId> + '_ {
        self.ids().filter(|id| !self.is_withdrawn(*id))
    }

    /// The candidate with this name.
    pub fn find(&self, name: &str) -> Option<CandidateId> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| CandidateId(i as u16))
    }
}

/// One voter's order of preference: groups of candidates, most preferred first;
/// candidates in one group are ranked equal. A ranking may stop early (truncated):
/// unranked candidates come after every ranked one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Ranking(Vec<Vec<CandidateId>>);

impl Ranking {
    /// A ranking of one candidate per rank.
    ///
    /// # Errors
    ///
    /// As [`Ranking::with_ties`].
    pub fn strict(
        order: impl IntoIterator<Item = CandidateId>,
        candidates: &Candidates,
    ) -> Result<Self, TallyError> {
        Self::with_ties(order.into_iter().map(|c| vec![c]), candidates)
    }

    /// A ranking whose ranks may hold several candidates (ranked equal).
    ///
    /// # Errors
    ///
    /// When a candidate is unknown or ranked twice, or a rank is empty.
    pub fn with_ties(
        ranks: impl IntoIterator<Item = Vec<CandidateId>>,
        candidates: &Candidates,
    ) -> Result<Self, TallyError> {
        let mut seen = vec![false; candidates.len()];
        let mut groups = Vec::new();
        for group in ranks {
            if group.is_empty() {
                return Err(TallyError::EmptyRank);
            }
            for id in &group {
                let slot = seen
                    .get_mut(id.index())
                    .ok_or(TallyError::UnknownCandidate {
                        number: id.index() + 1,
                    })?;
                if *slot {
                    return Err(TallyError::RankedTwice {
                        candidate: candidates.name(*id).to_owned(),
                    });
                }
                *slot = true;
            }
            groups.push(group);
        }
        Ok(Ranking(groups))
    }

    /// The ranks, most preferred first.
    pub fn ranks(&self) -> &[Vec<CandidateId>] {
        &self.0
    }

    /// Whether every rank holds one candidate.
    pub fn is_strict(&self) -> bool {
        self.0.iter().all(|g| g.len() == 1)
    }

    /// Each ranked candidate's rank (0 = first); `None` for unranked ones.
    pub fn positions(&self, candidates: usize) -> Vec<Option<usize>> {
        let mut positions = vec![None; candidates];
        for (rank, group) in self.0.iter().enumerate() {
            for id in group {
                positions[id.index()] = Some(rank);
            }
        }
        positions
    }
}

/// An election's ranked ballots: identical rankings grouped, each with its total weight.
///
/// Weights are the number of voters casting the ranking, or a decimal weight (a member
/// with 1.5 shares' worth of vote). A ballot of weight `w` counts exactly as `w` copies
/// of weight 1.
///
/// ```
/// use andel_tally::{Candidates, Profile, Ranking};
/// use rust_decimal::Decimal;
///
/// let candidates = Candidates::new(["Ada", "Bo", "Cy"])?;
/// let ada_bo = Ranking::strict([candidates.find("Ada").unwrap(), candidates.find("Bo").unwrap()], &candidates)?;
/// let mut profile = Profile::builder(candidates);
/// profile.add(ada_bo.clone(), Decimal::from(2))?;
/// profile.add(ada_bo, Decimal::from(3))?;
/// let profile = profile.build();
/// assert_eq!(profile.ballots().len(), 1); // grouped
/// assert_eq!(profile.total_weight(), Decimal::from(5));
/// # Ok::<(), andel_tally::TallyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    candidates: Candidates,
    ballots: Vec<(Ranking, Decimal)>,
    total: Decimal,
}

/// Builds a [`Profile`], grouping identical rankings as they are added.
#[derive(Debug, Clone)]
pub struct ProfileBuilder {
    candidates: Candidates,
    /// Short rankings with one candidate per rank, packed into a word (see [`pack`]).
    packed: PackedTable,
    /// Other rankings with one candidate per rank, by their order of candidates.
    strict: HashMap<Box<[CandidateId]>, Slot, FxBuild>,
    /// Rankings with equal ranks.
    index: HashMap<Ranking, usize, FxBuild>,
    ballots: Vec<(Ranking, Decimal)>,
    /// Ballots of weight 1 not yet added into `ballots`' weights (each ranking's count is
    /// in its [`Slot`]): counted as integers, a third of the cost of grouping.
    unit_total: u64,
    /// Whether `total` is low enough for ballots of weight 1 to be counted as integers.
    units_fit: bool,
    total: Decimal,
}

/// Where a strict ranking's ballots go: its place in `ballots`, and how many ballots of
/// weight 1 it has had since, kept beside the key so that counting one touches one
/// cache line.
#[derive(Debug, Clone, Copy)]
struct Slot {
    index: usize,
    units: u64,
}

/// Packed rankings and their slots: open addressing with linear probing over a table
/// at most half full, indexed by the high bits of the key times a 64-bit odd constant
/// (Fibonacci hashing). A packed key never has all bits set, so that marks a free cell.
/// Counting a ballot is one multiply, one shift and usually one comparison.
#[derive(Debug, Clone, Default)]
struct PackedTable {
    cells: Vec<(u64, Slot)>,
    len: usize,
    /// 64 minus log2 of the table's size.
    shift: u32,
}

impl PackedTable {
    const FREE: u64 = u64::MAX;

    #[inline]
    fn cell(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// The slot of `key`, if it has one.
    #[inline]
    fn get_mut(&mut self, key: u64) -> Option<&mut Slot> {
        if self.cells.is_empty() {
            return None;
        }
        let mask = self.cells.len() - 1;
        let mut i = self.cell(key);
        loop {
            let cell = &self.cells[i];
            if cell.0 == key {
                return Some(&mut self.cells[i].1);
            }
            if cell.0 == Self::FREE {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds `key`, which has no slot yet.
    fn insert(&mut self, key: u64, slot: Slot) {
        if (self.len + 1) * 2 > self.cells.len() {
            self.grow();
        }
        let mask = self.cells.len() - 1;
        let mut i = self.cell(key);
        while self.cells[i].0 != Self::FREE {
            i = (i + 1) & mask;
        }
        self.cells[i] = (key, slot);
        self.len += 1;
    }

    fn grow(&mut self) {
        let size = (self.cells.len() * 2).max(64);
        let old = std::mem::replace(
            &mut self.cells,
            vec![(Self::FREE, Slot { index: 0, units: 0 }); size],
        );
        self.shift = 64 - size.trailing_zeros();
        self.len = 0;
        for (key, slot) in old {
            if key != Self::FREE {
                self.insert(key, slot);
            }
        }
    }

    fn values(&self) -> impl Iterator<Item = &Slot> {
        self.cells
            .iter()
            .filter(|(key, _)| *key != Self::FREE)
            .map(|(_, slot)| slot)
    }
}

/// A valid strict ranking of at most 8 candidates, in an election of at most 64, as one
/// word: a byte per rank holding the candidate's index plus one, so that shorter
/// rankings (zero bytes past their end) never collide with longer ones. One pass checks
/// the candidates (known, none twice) and builds the key; `None` means "not packable or
/// not valid", and the caller checks the long way. Most ballots are short, and a word
/// hashes and compares without following a pointer.
#[inline]
fn pack(order: &[CandidateId], candidates: usize) -> Option<u64> {
    if order.len() > 8 || candidates > 64 {
        return None;
    }
    let (mut key, mut seen) = (0u64, 0u64);
    for c in order {
        let i = usize::from(c.0);
        if i >= candidates || seen & (1 << i) != 0 {
            return None;
        }
        seen |= 1 << i;
        key = key << 8 | (i as u64 + 1);
    }
    Some(key)
}

/// Below this total, any number of pending ballots of weight 1 still fits in a decimal.
fn unit_headroom() -> Decimal {
    Decimal::MAX - Decimal::from(u64::MAX)
}

impl Profile {
    /// Starts a profile over these candidates.
    pub fn builder(candidates: Candidates) -> ProfileBuilder {
        ProfileBuilder {
            candidates,
            packed: PackedTable::default(),
            strict: HashMap::default(),
            index: HashMap::default(),
            ballots: Vec::new(),
            unit_total: 0,
            units_fit: true,
            total: Decimal::ZERO,
        }
    }

    /// The candidates.
    pub fn candidates(&self) -> &Candidates {
        &self.candidates
    }

    /// The distinct rankings, each with its total weight, in order of first appearance.
    pub fn ballots(&self) -> &[(Ranking, Decimal)] {
        &self.ballots
    }

    /// The total weight of all ballots: the number of valid votes, blank ones included
    /// (see [`Profile::blank_weight`]).
    pub fn total_weight(&self) -> Decimal {
        self.total
    }

    /// The total weight of blank ballots: those that rank no standing candidate, so hold
    /// no first preference. STV and IRV reject them (the outcome reports them in
    /// [`Outcome::rejected`](crate::Outcome::rejected), apart from the valid votes); the
    /// other methods count them as valid votes for nobody.
    ///
    /// ```
    /// use andel_tally::{Candidates, Profile, Ranking};
    /// use rust_decimal::Decimal;
    ///
    /// let candidates = Candidates::new(["Ada", "Bo"])?;
    /// let mut profile = Profile::builder(candidates.clone());
    /// profile.add(Ranking::strict([], &candidates)?, Decimal::from(2))?;
    /// profile.add_order(&[candidates.find("Ada").unwrap()], Decimal::ONE)?;
    /// let profile = profile.build();
    /// assert_eq!(profile.blank_weight(), Decimal::from(2));
    /// assert_eq!(profile.total_weight(), Decimal::from(3));
    /// # Ok::<(), andel_tally::TallyError>(())
    /// ```
    pub fn blank_weight(&self) -> Decimal {
        self.ballots
            .iter()
            .filter(|(ranking, _)| {
                ranking
                    .ranks()
                    .iter()
                    .flatten()
                    .all(|c| self.candidates.is_withdrawn(*c))
            })
            .map(|(_, weight)| *weight)
            .sum()
    }

    /// The ballots of `self` and `other` together, as if counted in one pile: for
    /// ballots counted at several polling stations, or in batches.
    ///
    /// # Errors
    ///
    /// When the two profiles have different candidates.
    pub fn merged(&self, other: &Profile) -> Result<Profile, TallyError> {
        if self.candidates != other.candidates {
            return Err(TallyError::DifferentCandidates);
        }
        let mut merged = Profile::builder(self.candidates.clone());
        for (ranking, weight) in self.ballots.iter().chain(&other.ballots) {
            merged.add(ranking.clone(), *weight)?;
        }
        Ok(merged.build())
    }
}

impl ProfileBuilder {
    /// Adds a ballot of weight `weight`. An empty ranking is a blank ballot: it counts in
    /// the total, and [`Profile::blank_weight`] tells the methods that reject it.
    ///
    /// # Errors
    ///
    /// When the weight is not positive.
    pub fn add(&mut self, ranking: Ranking, weight: Decimal) -> Result<(), TallyError> {
        if ranking.is_strict() {
            let order: Vec<CandidateId> = ranking.0.iter().map(|g| g[0]).collect();
            return self.add_order(&order, weight);
        }
        self.count_weight(weight)?;
        match self.index.get(&ranking) {
            Some(&i) => self.ballots[i].1 += weight,
            None => {
                self.index.insert(ranking.clone(), self.ballots.len());
                self.ballots.push((ranking, weight));
            }
        }
        Ok(())
    }

    /// Adds a ballot ranking `order`, one candidate per rank, most preferred first: the
    /// fast way to add many ballots, allocating only for a ranking not seen before.
    ///
    /// # Errors
    ///
    /// When a candidate is unknown or ranked twice, or the weight is not positive.
    #[inline]
    pub fn add_order(&mut self, order: &[CandidateId], weight: Decimal) -> Result<(), TallyError> {
        // The common case, inlined into the caller's loop: a short ranking seen before,
        // of weight 1 written as `1` (the same bytes as `Decimal::ONE`).
        if self.units_fit
            && weight.serialize() == Decimal::ONE.serialize()
            && let Some(slot) =
                pack(order, self.candidates.len()).and_then(|key| self.packed.get_mut(key))
        {
            slot.units += 1;
            self.unit_total += 1;
            return Ok(());
        }
        self.add_order_slowly(order, weight)
    }

    /// [`ProfileBuilder::add_order`] for any ranking and weight.
    fn add_order_slowly(
        &mut self,
        order: &[CandidateId],
        weight: Decimal,
    ) -> Result<(), TallyError> {
        // `pack` checks what it packs; anything else (or anything wrong) the long way.
        let packed = pack(order, self.candidates.len());
        if packed.is_none() {
            self.check_order(order)?;
        }
        // Weight 1 written as `1` (not `1.0`): counted as an integer in the slot. (The
        // same bytes as `Decimal::ONE`: scale 0, positive, mantissa 1.)
        let unit = self.units_fit && weight.serialize() == Decimal::ONE.serialize();
        let slot = match packed {
            Some(key) => self.packed.get_mut(key),
            None => self.strict.get_mut(order),
        };
        if let Some(slot) = slot {
            if unit {
                slot.units += 1;
                self.unit_total += 1;
                return Ok(());
            }
            let index = slot.index;
            self.count_weight(weight)?;
            self.ballots[index].1 += weight;
            return Ok(());
        }
        self.count_weight(weight)?;
        let slot = Slot {
            index: self.ballots.len(),
            units: 0,
        };
        match packed {
            Some(key) => self.packed.insert(key, slot),
            None => {
                self.strict.insert(order.into(), slot);
            }
        };
        let ranking = Ranking(order.iter().map(|c| vec![*c]).collect());
        self.ballots.push((ranking, weight));
        Ok(())
    }

    /// Checks that every candidate of `order` exists and appears once.
    fn check_order(&self, order: &[CandidateId]) -> Result<(), TallyError> {
        let n = self.candidates.len();
        if let Some(bad) = order.iter().find(|c| c.index() >= n) {
            return Err(TallyError::UnknownCandidate {
                number: bad.index() + 1,
            });
        }
        let twice = if order.len() <= 16 {
            // Short rankings, the usual case: comparing pairs beats clearing a bitset.
            order
                .iter()
                .enumerate()
                .find(|(i, c)| order[..*i].contains(c))
                .map(|(_, c)| *c)
        } else {
            let mut seen = [0u64; MAX_CANDIDATES.div_ceil(64)];
            order.iter().copied().find(|c| {
                let (word, bit) = (c.index() / 64, 1u64 << (c.index() % 64));
                let again = seen[word] & bit != 0;
                seen[word] |= bit;
                again
            })
        };
        match twice {
            Some(c) => Err(TallyError::RankedTwice {
                candidate: self.candidates.name(c).to_owned(),
            }),
            None => Ok(()),
        }
    }

    fn count_weight(&mut self, weight: Decimal) -> Result<(), TallyError> {
        if weight <= Decimal::ZERO {
            return Err(TallyError::Weight { weight });
        }
        let total = self.total.checked_add(weight).ok_or(TallyError::Overflow)?;
        // Pending ballots of weight 1 must still fit when `build` adds them.
        total
            .checked_add(Decimal::from(self.unit_total))
            .ok_or(TallyError::Overflow)?;
        self.total = total;
        self.units_fit = total <= unit_headroom();
        Ok(())
    }

    /// The candidates, to build rankings against.
    pub fn candidates(&self) -> &Candidates {
        &self.candidates
    }

    /// How many different rankings have been added.
    pub(crate) fn distinct(&self) -> usize {
        self.ballots.len()
    }

    /// Replaces the candidates with others of the same number: for a file that names
    /// them only after its ballots.
    pub(crate) fn rename(&mut self, candidates: Candidates) {
        debug_assert_eq!(candidates.len(), self.candidates.len());
        self.candidates = candidates;
    }

    /// Marks a candidate withdrawn.
    ///
    /// # Errors
    ///
    /// When the id is not a candidate's.
    pub fn withdraw(&mut self, id: CandidateId) -> Result<(), TallyError> {
        self.candidates.withdraw(id)
    }

    /// The finished profile.
    pub fn build(mut self) -> Profile {
        // `count_weight` keeps the total plus every pending unit within a decimal's
        // range, and the fast path is taken only below `unit_headroom`, so these sums
        // cannot overflow.
        for slot in self.packed.values().chain(self.strict.values()) {
            if let Some((_, weight)) = self.ballots.get_mut(slot.index) {
                *weight = weight.saturating_add(Decimal::from(slot.units));
            }
        }
        Profile {
            candidates: self.candidates,
            ballots: self.ballots,
            total: self.total.saturating_add(Decimal::from(self.unit_total)),
        }
    }
}

impl fmt::Display for CandidateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0 + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The packed table finds every key it was given, with its slot, and nothing
        /// else, through any number of growths.
        #[test]
        fn the_packed_table_is_a_map(keys in proptest::collection::vec(0u64..5_000, 0..3_000)) {
            let mut table = PackedTable::default();
            let mut model = std::collections::HashMap::new();
            for (n, key) in keys.into_iter().enumerate() {
                let key = key.wrapping_mul(0x0101_0101); // spread over several bytes
                match table.get_mut(key) {
                    Some(slot) => slot.units += 1,
                    None => table.insert(key, Slot { index: n, units: 0 }),
                }
                let entry = model.entry(key).or_insert((n, 0u64));
                if entry.0 != n {
                    entry.1 += 1;
                }
            }
            for (key, (index, units)) in &model {
                let slot = table.get_mut(*key).unwrap();
                proptest::prop_assert_eq!((slot.index, slot.units), (*index, *units));
            }
            proptest::prop_assert_eq!(table.values().count(), model.len());
            proptest::prop_assert!(table.get_mut(u64::MAX - 1).is_none());
        }
    }

    #[test]
    fn weights_near_the_limit_are_refused_not_wrapped() {
        let candidates = Candidates::new(["A", "B"]).unwrap();
        let a = [CandidateId(0)];
        let mut builder = Profile::builder(candidates.clone());
        builder.add_order(&a, Decimal::ONE).unwrap();
        builder.add_order(&a, Decimal::ONE).unwrap();
        // Two ballots of weight 1 are pending; this brings the total to the maximum.
        builder
            .add_order(&[CandidateId(1)], Decimal::MAX - Decimal::TWO)
            .unwrap();
        assert_eq!(
            builder.add_order(&a, Decimal::ONE),
            Err(TallyError::Overflow)
        );
        assert_eq!(builder.build().total_weight(), Decimal::MAX);
    }

    #[test]
    fn unit_and_weighted_ballots_group_alike() {
        let candidates = Candidates::new(["A", "B"]).unwrap();
        let order = [CandidateId(1), CandidateId(0)];
        let mut units = Profile::builder(candidates.clone());
        for _ in 0..3 {
            units.add_order(&order, Decimal::ONE).unwrap();
        }
        let mut weighted = Profile::builder(candidates.clone());
        weighted
            .add(
                Ranking::strict(order, &candidates).unwrap(),
                Decimal::from(3),
            )
            .unwrap();
        assert_eq!(units.build(), weighted.build());
        let mut twice = Profile::builder(candidates);
        let err = twice
            .add_order(&[CandidateId(0), CandidateId(0)], Decimal::ONE)
            .unwrap_err();
        assert_eq!(err.to_string(), "`A` appears twice on one ballot");
    }

    #[test]
    fn packed_rankings_group_apart_from_their_prefixes_and_errors_still_name_the_candidate() {
        let candidates = Candidates::new((0..12).map(|i| format!("C{i}"))).unwrap();
        let mut builder = Profile::builder(candidates);
        let ids = |v: &[u16]| v.iter().map(|&c| CandidateId(c)).collect::<Vec<_>>();
        for order in [
            &[0][..],
            &[0, 1],
            &[0],
            &[1, 0],
            &[0, 1, 2, 3, 4, 5, 6, 7, 8],
            &[0, 1],
        ] {
            builder.add_order(&ids(order), Decimal::ONE).unwrap();
        }
        // Nine ranks do not pack; they are grouped the long way, beside the packed ones.
        builder
            .add_order(&ids(&[0, 1, 2, 3, 4, 5, 6, 7, 8]), Decimal::TWO)
            .unwrap();
        assert!(matches!(
            builder.add_order(&ids(&[3, 3]), Decimal::ONE),
            Err(TallyError::RankedTwice { .. })
        ));
        assert!(matches!(
            builder.add_order(&ids(&[12]), Decimal::ONE),
            Err(TallyError::UnknownCandidate { number: 13 })
        ));
        let profile = builder.build();
        let weights: Vec<String> = profile
            .ballots()
            .iter()
            .map(|(_, w)| w.to_string())
            .collect();
        assert_eq!(weights, ["2", "2", "1", "3"]);
        assert_eq!(profile.total_weight(), Decimal::from(8));
    }
}
