//! Ballots that are not rankings: approvals and scores, grouped like rankings; and
//! [`Ballots`], any kind of ballot an election may use.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::{CandidateId, Candidates, Profile, TallyError};

/// Approval ballots: each approves a set of candidates. Identical sets are grouped.
///
/// ```
/// use andel_tally::{Approvals, Candidates};
/// use rust_decimal::Decimal;
///
/// let candidates = Candidates::new(["Ada", "Bo", "Cy"])?;
/// let mut ballots = Approvals::builder(candidates);
/// ballots.add([andel_tally::CandidateId(0), andel_tally::CandidateId(2)], Decimal::from(3))?;
/// let ballots = ballots.build();
/// assert_eq!(ballots.total_weight(), Decimal::from(3));
/// # Ok::<(), andel_tally::TallyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approvals {
    candidates: Candidates,
    ballots: Vec<(Vec<CandidateId>, Decimal)>,
    total: Decimal,
}

/// Builds [`Approvals`].
#[derive(Debug, Clone)]
pub struct ApprovalsBuilder {
    candidates: Candidates,
    index: HashMap<Vec<CandidateId>, usize>,
    ballots: Vec<(Vec<CandidateId>, Decimal)>,
    total: Decimal,
}

impl Approvals {
    /// Starts a set of approval ballots over these candidates.
    pub fn builder(candidates: Candidates) -> ApprovalsBuilder {
        ApprovalsBuilder {
            candidates,
            index: HashMap::new(),
            ballots: Vec::new(),
            total: Decimal::ZERO,
        }
    }

    /// The approvals a set of rankings expresses: each approves every standing candidate
    /// it ranks.
    pub fn from_rankings(profile: &Profile) -> Approvals {
        let mut approvals = Approvals::builder(profile.candidates().clone());
        for (ranking, weight) in profile.ballots() {
            let approved: Vec<CandidateId> = ranking.ranks().iter().flatten().copied().collect();
            // The ranking was checked: its candidates exist and appear once.
            let _ = approvals.add(approved, *weight);
        }
        approvals.build()
    }

    /// The candidates.
    pub fn candidates(&self) -> &Candidates {
        &self.candidates
    }

    /// Each distinct set of approved candidates (sorted, standing only), with its weight.
    pub fn ballots(&self) -> &[(Vec<CandidateId>, Decimal)] {
        &self.ballots
    }

    /// The total weight of the ballots.
    pub fn total_weight(&self) -> Decimal {
        self.total
    }
}

impl ApprovalsBuilder {
    /// Adds a ballot approving `approved`, of weight `weight`. Withdrawn candidates are
    /// ignored; an empty approval is a valid ballot approving nobody.
    ///
    /// # Errors
    ///
    /// When a candidate is unknown or approved twice, or the weight is not positive.
    pub fn add(
        &mut self,
        approved: impl IntoIterator<Item = CandidateId>,
        weight: Decimal,
    ) -> Result<(), TallyError> {
        if weight <= Decimal::ZERO {
            return Err(TallyError::Weight { weight });
        }
        let mut set: Vec<CandidateId> = Vec::new();
        for c in approved {
            if c.index() >= self.candidates.len() {
                return Err(TallyError::UnknownCandidate {
                    number: c.index() + 1,
                });
            }
            if set.contains(&c) {
                return Err(TallyError::RankedTwice {
                    candidate: self.candidates.name(c).to_owned(),
                });
            }
            set.push(c);
        }
        set.retain(|c| !self.candidates.is_withdrawn(*c));
        set.sort();
        self.total = self.total.checked_add(weight).ok_or(TallyError::Overflow)?;
        match self.index.get(&set) {
            Some(&i) => self.ballots[i].1 += weight,
            None => {
                self.index.insert(set.clone(), self.ballots.len());
                self.ballots.push((set, weight));
            }
        }
        Ok(())
    }

    /// The candidates, to name approvals against.
    pub fn candidates(&self) -> &Candidates {
        &self.candidates
    }

    /// The finished ballots.
    pub fn build(self) -> Approvals {
        Approvals {
            candidates: self.candidates,
            ballots: self.ballots,
            total: self.total,
        }
    }
}

/// Score (range) ballots: each gives every candidate a whole-number score from 0 up;
/// a candidate left unscored gets 0. Identical score sheets are grouped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scores {
    candidates: Candidates,
    ballots: Vec<(Vec<u32>, Decimal)>,
    total: Decimal,
}

/// Builds [`Scores`].
#[derive(Debug, Clone)]
pub struct ScoresBuilder {
    candidates: Candidates,
    index: HashMap<Vec<u32>, usize>,
    ballots: Vec<(Vec<u32>, Decimal)>,
    total: Decimal,
}

/// The highest score a ballot may give.
pub const MAX_SCORE: u32 = 1000;

impl Scores {
    /// Starts a set of score ballots over these candidates.
    pub fn builder(candidates: Candidates) -> ScoresBuilder {
        ScoresBuilder {
            candidates,
            index: HashMap::new(),
            ballots: Vec::new(),
            total: Decimal::ZERO,
        }
    }

    /// The candidates.
    pub fn candidates(&self) -> &Candidates {
        &self.candidates
    }

    /// Each distinct score sheet (one score per candidate, in candidate order) with its
    /// weight.
    pub fn ballots(&self) -> &[(Vec<u32>, Decimal)] {
        &self.ballots
    }

    /// The total weight of the ballots.
    pub fn total_weight(&self) -> Decimal {
        self.total
    }
}

impl ScoresBuilder {
    /// Adds a score sheet (one score per candidate, in candidate order) of weight
    /// `weight`.
    ///
    /// # Errors
    ///
    /// When the sheet has the wrong length, a score is above [`MAX_SCORE`], or the
    /// weight is not positive.
    pub fn add(&mut self, mut scores: Vec<u32>, weight: Decimal) -> Result<(), TallyError> {
        if weight <= Decimal::ZERO {
            return Err(TallyError::Weight { weight });
        }
        if scores.len() != self.candidates.len() {
            return Err(TallyError::ScoreSheet {
                scores: scores.len(),
                candidates: self.candidates.len(),
            });
        }
        if let Some(&high) = scores.iter().find(|s| **s > MAX_SCORE) {
            return Err(TallyError::Score {
                score: high,
                max: MAX_SCORE,
            });
        }
        for (i, s) in scores.iter_mut().enumerate() {
            if self.candidates.is_withdrawn(CandidateId(i as u16)) {
                *s = 0;
            }
        }
        self.total = self.total.checked_add(weight).ok_or(TallyError::Overflow)?;
        match self.index.get(&scores) {
            Some(&i) => self.ballots[i].1 += weight,
            None => {
                self.index.insert(scores.clone(), self.ballots.len());
                self.ballots.push((scores, weight));
            }
        }
        Ok(())
    }

    /// The candidates.
    pub fn candidates(&self) -> &Candidates {
        &self.candidates
    }

    /// The finished ballots.
    pub fn build(self) -> Scores {
        Scores {
            candidates: self.candidates,
            ballots: self.ballots,
            total: self.total,
        }
    }
}

/// The ballots of an election, of whichever kind it used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ballots {
    /// Rankings (a single-choice ballot is a ranking of one).
    Ranked(Profile),
    /// Approvals.
    Approval(Approvals),
    /// Scores.
    Score(Scores),
    /// Approvals of projects in a participatory budget, with the projects' costs and the
    /// money to spend.
    Budget {
        /// The approvals; the candidates are the projects.
        approvals: Approvals,
        /// The costs and the limit.
        budget: crate::Budget,
    },
}

impl Ballots {
    /// The candidates.
    pub fn candidates(&self) -> &Candidates {
        match self {
            Ballots::Ranked(p) => p.candidates(),
            Ballots::Approval(a) => a.candidates(),
            Ballots::Score(s) => s.candidates(),
            Ballots::Budget { approvals, .. } => approvals.candidates(),
        }
    }

    /// The kind, as errors name it.
    pub fn kind(&self) -> &'static str {
        match self {
            Ballots::Ranked(_) => "ranked",
            Ballots::Approval(_) => "approval",
            Ballots::Score(_) => "score",
            Ballots::Budget { .. } => "budget",
        }
    }
}
