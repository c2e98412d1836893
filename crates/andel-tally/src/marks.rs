//! Plurality and approval counted straight from the ballots, as they arrive: the
//! methods that need only each ballot's marks, not its whole ranking.

use rust_decimal::Decimal;

use crate::methods::{Better, from_scores};
use crate::{CandidateId, Candidates, Method, Options, Outcome, TallyError};

/// Counts plurality (each ballot's first standing candidate) or approval (every standing
/// candidate a ballot ranks) one ballot at a time, without grouping the ballots into a
/// [`Profile`](crate::Profile): a counter per candidate, bumped as each ballot is read.
///
/// Every ballot is still checked in full, as a profile checks it: a ballot naming an
/// unknown candidate, or one candidate twice, is refused with an error and counts for
/// nobody. [`MarkTally::count`] gives the same [`Outcome`] as
/// [`count`](crate::count) on the profile of the same ballots.
///
/// ```
/// use andel_tally::{CandidateId, Candidates, MarkTally, Method, Options};
///
/// let candidates = Candidates::new(["Ada", "Bo", "Cy"])?;
/// let mut tally = MarkTally::new(candidates, Method::Plurality)?;
/// for ballot in [[0, 1], [1, 2], [1, 0]] {
///     tally.add(ballot.map(CandidateId))?;
/// }
/// let err = tally.add([CandidateId(2), CandidateId(2)]).unwrap_err();
/// assert_eq!(err.to_string(), "`Cy` appears twice on one ballot");
/// let outcome = tally.count(Options::default())?;
/// assert_eq!(outcome.elected, [CandidateId(1)]); // Bo: two first choices of three
/// # Ok::<(), andel_tally::TallyError>(())
/// ```
#[derive(Debug, Clone)]
pub struct MarkTally {
    candidates: Candidates,
    method: Method,
    /// Standing candidates, a bit each, when there are at most 64 candidates.
    standing: u64,
    /// Marks from ballots of weight 1, per candidate.
    units: Vec<u64>,
    /// Ballots of weight 1.
    ballots: u64,
    /// Marks from other ballots, per candidate, and their total weight.
    weighted: Vec<Decimal>,
    weighted_total: Decimal,
    /// The general way: the candidates a ballot credits, and those it names.
    credited: Vec<CandidateId>,
    seen: Vec<u64>,
}

impl MarkTally {
    /// A tally of `method` (plurality or approval) over these candidates.
    ///
    /// # Errors
    ///
    /// When the method needs more than each ballot's marks.
    pub fn new(candidates: Candidates, method: Method) -> Result<MarkTally, TallyError> {
        if !matches!(method, Method::Plurality | Method::Approval) {
            return Err(TallyError::NotSingleMark { method });
        }
        let n = candidates.len();
        let standing = candidates
            .standing()
            .filter(|c| c.index() < 64)
            .fold(0u64, |mask, c| mask | 1 << c.index());
        Ok(MarkTally {
            method,
            standing,
            units: vec![0; n],
            ballots: 0,
            weighted: vec![Decimal::ZERO; n],
            weighted_total: Decimal::ZERO,
            credited: Vec::new(),
            seen: vec![0; n.div_ceil(64)],
            candidates,
        })
    }

    /// The candidates.
    pub fn candidates(&self) -> &Candidates {
        &self.candidates
    }

    /// Counts a ballot of weight 1 ranking `order`, most preferred first. With at most 64
    /// candidates this reads the ballot once, without allocating.
    ///
    /// # Errors
    ///
    /// When a candidate is unknown or ranked twice; the ballot then counts for nobody.
    #[inline]
    pub fn add(&mut self, order: impl IntoIterator<Item = CandidateId>) -> Result<(), TallyError> {
        let n = self.units.len();
        if n > 64 {
            self.read(order)?;
            for i in 0..self.credited.len() {
                self.units[self.credited[i].index()] += 1;
            }
            self.ballots += 1;
            return Ok(());
        }
        let mut seen = 0u64;
        let mut first = usize::MAX;
        for c in order {
            let i = c.index();
            if i >= n {
                return Err(TallyError::UnknownCandidate { number: i + 1 });
            }
            let bit = 1u64 << i;
            if seen & bit != 0 {
                return Err(self.twice(c));
            }
            seen |= bit;
            if first == usize::MAX && self.standing & bit != 0 {
                first = i;
            }
        }
        match self.method {
            Method::Plurality => {
                if let Some(count) = self.units.get_mut(first) {
                    *count += 1;
                }
            }
            _ => {
                let mut marks = seen & self.standing;
                while marks != 0 {
                    self.units[marks.trailing_zeros() as usize] += 1;
                    marks &= marks - 1;
                }
            }
        }
        self.ballots += 1;
        Ok(())
    }

    /// Counts a ballot of weight `weight` ranking `order`.
    ///
    /// # Errors
    ///
    /// As [`MarkTally::add`], and when the weight is not positive or the weights
    /// overflow.
    pub fn add_weighted(
        &mut self,
        order: impl IntoIterator<Item = CandidateId>,
        weight: Decimal,
    ) -> Result<(), TallyError> {
        if weight <= Decimal::ZERO {
            return Err(TallyError::Weight { weight });
        }
        self.read(order)?;
        let total = self
            .weighted_total
            .checked_add(weight)
            .ok_or(TallyError::Overflow)?;
        for c in &self.credited {
            let score = &mut self.weighted[c.index()];
            *score = score.checked_add(weight).ok_or(TallyError::Overflow)?;
        }
        self.weighted_total = total;
        Ok(())
    }

    /// Checks `order` and puts the candidates it credits in `self.credited`.
    fn read(&mut self, order: impl IntoIterator<Item = CandidateId>) -> Result<(), TallyError> {
        self.credited.clear();
        self.seen.iter_mut().for_each(|w| *w = 0);
        let mut any = false;
        for c in order {
            let i = c.index();
            if i >= self.units.len() {
                return Err(TallyError::UnknownCandidate { number: i + 1 });
            }
            let (word, bit) = (i / 64, 1u64 << (i % 64));
            if self.seen[word] & bit != 0 {
                return Err(self.twice(c));
            }
            self.seen[word] |= bit;
            let credit = match self.method {
                Method::Plurality => !any,
                _ => true,
            };
            if credit && !self.candidates.is_withdrawn(c) {
                self.credited.push(c);
                any = true;
            }
        }
        Ok(())
    }

    #[cold]
    fn twice(&self, c: CandidateId) -> TallyError {
        TallyError::RankedTwice {
            candidate: self.candidates.name(c).to_owned(),
        }
    }

    /// The count: each standing candidate's first choices (plurality) or approvals, the
    /// top `options.seats` elected, ties settled as [`count`](crate::count) settles them.
    ///
    /// # Errors
    ///
    /// When `seats` is 0 or more than the standing candidates, or the total weight
    /// overflows.
    pub fn count(&self, options: Options) -> Result<Outcome, TallyError> {
        let standing = self.candidates.standing().count();
        if options.seats == 0 || options.seats > standing {
            return Err(TallyError::Seats {
                seats: options.seats,
                standing,
            });
        }
        let units = |n: u64| Decimal::from(n);
        let total = self
            .weighted_total
            .checked_add(units(self.ballots))
            .ok_or(TallyError::Overflow)?;
        let mut scores = Vec::with_capacity(self.units.len());
        for (c, (count, weighted)) in self.units.iter().zip(&self.weighted).enumerate() {
            let score = if self.candidates.is_withdrawn(CandidateId(c as u16)) {
                Decimal::ZERO
            } else {
                weighted
                    .checked_add(units(*count))
                    .ok_or(TallyError::Overflow)?
            };
            scores.push(score);
        }
        Ok(from_scores(
            &self.candidates,
            total,
            self.method,
            options,
            scores,
            Better::Higher,
            None,
        ))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;

    use super::*;
    use crate::{Profile, TieBreak, count};

    /// Strict ballots over `n` candidates (some withdrawn), each with a weight (1 most
    /// often) and sometimes a mistake.
    type Election = (usize, Vec<u16>, Vec<(Vec<u16>, u32)>);

    /// Candidates, the withdrawn ones, and the ballots.
    fn election() -> impl Strategy<Value = Election> {
        (1usize..=70).prop_flat_map(|n| {
            let ballot = (
                proptest::collection::vec(0..n as u16 + 1, 0..6),
                prop_oneof![3 => Just(1u32), 1 => 1u32..5],
            );
            (
                Just(n),
                proptest::collection::vec(0..n as u16, 0..3),
                proptest::collection::vec(ballot, 0..30),
            )
        })
    }

    proptest! {
        /// The tally gives what counting the profile of the accepted ballots gives, and
        /// refuses what the profile refuses.
        #[test]
        fn marks_count_as_the_profile_does((n, withdrawn, ballots) in election(), seed in any::<u64>()) {
            let mut candidates = Candidates::new((0..n).map(|i| format!("c{i}"))).unwrap();
            for w in withdrawn {
                candidates.withdraw(CandidateId(w)).unwrap();
            }
            let standing = candidates.standing().count();
            for method in [Method::Plurality, Method::Approval] {
                let mut tally = MarkTally::new(candidates.clone(), method).unwrap();
                let mut profile = Profile::builder(candidates.clone());
                for (order, weight) in &ballots {
                    let order: Vec<CandidateId> = order.iter().map(|&c| CandidateId(c)).collect();
                    let weight_d = Decimal::from(*weight);
                    let expected = profile.add_order(&order, weight_d);
                    let got = if *weight == 1 {
                        tally.add(order.iter().copied())
                    } else {
                        tally.add_weighted(order.iter().copied(), weight_d)
                    };
                    // Both refuse the same ballots (which error comes first may differ).
                    prop_assert_eq!(got.is_ok(), expected.is_ok(), "{:?} {:?}", got, expected);
                }
                let profile = profile.build();
                for seats in 1..=standing.min(3) {
                    let options = Options { seats, tie_break: TieBreak::Lot { seed } };
                    prop_assert_eq!(tally.count(options), count(&profile, method, options), "{}", method);
                }
            }
        }
    }

    #[test]
    fn only_single_mark_methods() {
        let candidates = Candidates::new(["A"]).unwrap();
        let err = MarkTally::new(candidates, Method::Borda).unwrap_err();
        assert_eq!(
            err.to_string(),
            "borda needs whole rankings: only plurality and approval count ballots as single marks"
        );
    }
}
