//! What a count returns: the elected, the ranking, every tie and how it was settled, and
//! the stages of staged methods.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{CandidateId, Method};

/// How ties are settled when a method's own rules leave a choice.
///
/// Ties are never broken silently: every one is listed in [`Outcome::ties`] with how it
/// was settled, or that it was not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "policy")]
pub enum TieBreak {
    /// Settle nothing: the count stops at the first tie it must settle, and the outcome
    /// says so (`complete` is false). A tie that does not change who is elected need
    /// not be settled (see [`Resolution::Immaterial`]).
    Report,
    /// Look back at earlier stages (the most recent stage at which the tied candidates
    /// had unequal votes decides); stop if they were equal at every stage, unless the
    /// tie does not change who is elected (see [`Resolution::Immaterial`]). The rule of
    /// Scottish STV and of most IRV laws, and the default.
    #[default]
    EarlierStages,
    /// Look back at earlier stages, then draw lots with a pseudo-random generator seeded
    /// with `seed`: the same seed always draws the same way, and the seed is part of the
    /// outcome, so anyone can repeat the draw.
    Lot {
        /// The seed.
        seed: u64,
    },
}

/// What a tie was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TieKind {
    /// Who is excluded (lowest votes).
    Exclusion,
    /// Whose surplus is transferred first (highest surplus).
    SurplusOrder,
    /// Who wins, or who is elected to the last seat.
    Winner,
    /// Ranked pairs: equal pairs whose locking order decides the result.
    PairOrder,
}

/// How a tie was settled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "by")]
pub enum Resolution {
    /// By the votes at an earlier stage (1-based).
    EarlierStage {
        /// The stage that decided.
        stage: usize,
        /// Who it chose.
        chosen: CandidateId,
    },
    /// By lot.
    Lot {
        /// The seed of the draw.
        seed: u64,
        /// Who was drawn.
        chosen: CandidateId,
    },
    /// Not settled: the count stopped here, or the ranking keeps the tie.
    Unresolved,
    /// Not settled by the policy, and it need not be: every way of settling it (each
    /// candidate the policy left tied, and every way of settling the ties met after
    /// it) elects the same candidates, so the tie does not affect the outcome. The
    /// count follows one settlement, `followed` (the first of them in ballot-paper
    /// order), only to show its stages. The same notion as ranked pairs, where an
    /// order of equal pairs that changes nobody's election is no tie.
    ///
    /// IRV finds this out by counting every settlement, at most
    /// [`MAX_SETTLEMENT_COUNTS`](crate::MAX_SETTLEMENT_COUNTS) counts in all; beyond
    /// that, the tie is left [`Resolution::Unresolved`] and the count stops, as it
    /// would without this rule.
    Immaterial {
        /// The settlement whose stages the outcome shows.
        followed: CandidateId,
    },
}

/// One tie the count met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tie {
    /// The stage (1-based) of a staged method, if any.
    pub stage: Option<usize>,
    /// What it was about.
    pub kind: TieKind,
    /// The tied candidates.
    pub between: Vec<CandidateId>,
    /// How it was settled.
    pub resolution: Resolution,
}

/// One stage of a staged count (IRV, STV).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    /// Every candidate's votes at the end of the stage, in candidate order (withdrawn and
    /// excluded candidates have 0).
    pub votes: Vec<Decimal>,
    /// Votes that went to nobody: exhausted ballots and, in STV, fractions lost to
    /// rounding. The candidates' votes plus this equal the valid votes, at every stage.
    pub non_transferable: Decimal,
    /// Candidates elected at this stage, in order of election.
    pub elected: Vec<CandidateId>,
    /// The candidate excluded at this stage, if any.
    pub excluded: Vec<CandidateId>,
    /// The candidate whose surplus this stage transferred, if any.
    pub surplus: Option<CandidateId>,
    /// The quota at this stage, for STV (Meek's changes from stage to stage).
    pub quota: Option<Decimal>,
}

/// The result of a count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The method that counted.
    pub method: Method,
    /// Seats to fill (1 for single-winner methods).
    pub seats: usize,
    /// The total weight of valid ballots.
    pub valid_votes: Decimal,
    /// The total weight of ballots rejected as invalid, not in `valid_votes`: in STV and
    /// IRV, blank papers (no preference for a standing candidate, see
    /// [`Profile::blank_weight`](crate::Profile::blank_weight)); zero for the other
    /// methods, which count a blank ballot as a valid vote for nobody.
    #[serde(default)]
    pub rejected: Decimal,
    /// The quota, for STV.
    pub quota: Option<Decimal>,
    /// The elected, in order of election.
    pub elected: Vec<CandidateId>,
    /// Every standing candidate in order, equal ones grouped, where the method defines
    /// a full ranking.
    pub ranking: Option<Vec<Vec<CandidateId>>>,
    /// Each candidate's score, where the method has one (plurality, approval, Borda,
    /// Copeland, minimax), in candidate order.
    pub scores: Option<Vec<Decimal>>,
    /// Every tie met, and how it was settled.
    pub ties: Vec<Tie>,
    /// False when the count stopped at a tie the policy did not settle: `elected` then
    /// holds fewer than `seats` candidates.
    pub complete: bool,
    /// The stages, for staged methods.
    pub rounds: Vec<Round>,
    /// The pairwise comparison, for Condorcet methods.
    pub pairwise: Option<crate::Pairwise>,
    /// The money, for participatory budgeting.
    pub spending: Option<crate::Spending>,
}

/// A small, well-known generator (SplitMix64) for seeded lots: the same seed gives the
/// same draws on every platform and in every version.
#[derive(Debug, Clone)]
pub(crate) struct Lot {
    state: u64,
}

impl Lot {
    pub(crate) fn new(seed: u64) -> Self {
        Lot { state: seed }
    }

    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Draws one of `n` (n > 0) without bias.
    pub(crate) fn draw(&mut self, n: usize) -> usize {
        let n = n as u64;
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next();
            if x < zone {
                return (x % n) as usize;
            }
        }
    }
}

/// Settles a tie that no earlier stage can: by lot under a `Lot` policy, otherwise not
/// at all. Records the tie (about who wins) and returns who was chosen, if anyone.
pub(crate) fn draw_lot(
    tied: Vec<CandidateId>,
    stage: Option<usize>,
    policy: TieBreak,
    lot: &mut Option<Lot>,
    ties: &mut Vec<Tie>,
) -> Option<CandidateId> {
    let resolution = match policy {
        TieBreak::Lot { seed } => {
            let lot = lot.get_or_insert_with(|| Lot::new(seed));
            Resolution::Lot {
                seed,
                chosen: tied[lot.draw(tied.len())],
            }
        }
        _ => Resolution::Unresolved,
    };
    let chosen = resolution.chosen();
    ties.push(Tie {
        stage,
        kind: TieKind::Winner,
        between: tied,
        resolution,
    });
    chosen
}

/// The candidate among `among` with the most (`Want::Highest`) or fewest votes. A tie
/// is settled by `policy`, looking back through the stages already in `rounds`, and
/// recorded in `ties` as a tie at the next stage. `None`: an unsettled tie (or nobody
/// to pick).
#[allow(clippy::too_many_arguments)]
pub(crate) fn pick_extreme<V: Ord + Copy>(
    among: &[CandidateId],
    votes: impl Fn(CandidateId) -> V,
    want: Want,
    kind: TieKind,
    rounds: &[Round],
    policy: TieBreak,
    lot: &mut Option<Lot>,
    ties: &mut Vec<Tie>,
) -> Option<CandidateId> {
    pick_or_tied(among, votes, want, kind, rounds, policy, lot, ties).ok()
}

/// [`pick_extreme`], and when the policy does not settle the tie, the candidates it
/// leaves tied (`Err`; empty when there is nobody to pick).
#[allow(clippy::too_many_arguments)]
pub(crate) fn pick_or_tied<V: Ord + Copy>(
    among: &[CandidateId],
    votes: impl Fn(CandidateId) -> V,
    want: Want,
    kind: TieKind,
    rounds: &[Round],
    policy: TieBreak,
    lot: &mut Option<Lot>,
    ties: &mut Vec<Tie>,
) -> Result<CandidateId, Vec<CandidateId>> {
    let extreme = match want {
        Want::Highest => among.iter().map(|c| votes(*c)).max(),
        Want::Lowest => among.iter().map(|c| votes(*c)).min(),
    }
    .ok_or_else(Vec::new)?;
    let tied: Vec<CandidateId> = among
        .iter()
        .copied()
        .filter(|c| votes(*c) == extreme)
        .collect();
    if let [only] = tied[..] {
        return Ok(only);
    }
    let history: Vec<Vec<Decimal>> = rounds.iter().map(|r| r.votes.clone()).collect();
    let (resolution, left) = settle_among(&tied, want, &history, policy, lot);
    let chosen = resolution.chosen();
    ties.push(Tie {
        stage: Some(rounds.len() + 1),
        kind,
        between: tied,
        resolution,
    });
    chosen.ok_or(left)
}

/// Which end of a tie a rule wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    Highest,
    Lowest,
}

/// Settles a tie among `tied` (sorted by id) by `policy`, looking back through
/// `history` (each stage's votes, oldest first; the current stage is not in it).
pub(crate) fn settle(
    tied: &[CandidateId],
    want: Want,
    history: &[Vec<Decimal>],
    policy: TieBreak,
    lot: &mut Option<Lot>,
) -> Resolution {
    settle_among(tied, want, history, policy, lot).0
}

/// [`settle`], with the candidates still tied once earlier stages have been looked at:
/// those a lot draws from, so every way the tie can be settled.
fn settle_among(
    tied: &[CandidateId],
    want: Want,
    history: &[Vec<Decimal>],
    policy: TieBreak,
    lot: &mut Option<Lot>,
) -> (Resolution, Vec<CandidateId>) {
    if matches!(policy, TieBreak::Report) {
        return (Resolution::Unresolved, tied.to_vec());
    }
    let mut left: Vec<CandidateId> = tied.to_vec();
    for (i, votes) in history.iter().enumerate().rev() {
        let values: Vec<Decimal> = left.iter().map(|c| votes[c.index()]).collect();
        let extreme = match want {
            Want::Highest => values.iter().max(),
            Want::Lowest => values.iter().min(),
        };
        let Some(&extreme) = extreme else { break };
        if values.iter().all(|v| *v == extreme) {
            continue;
        }
        left = left
            .iter()
            .zip(&values)
            .filter(|(_, v)| **v == extreme)
            .map(|(c, _)| *c)
            .collect();
        if let [chosen] = left[..] {
            let resolution = Resolution::EarlierStage {
                stage: i + 1,
                chosen,
            };
            return (resolution, left);
        }
    }
    let resolution = match policy {
        TieBreak::Lot { seed } => {
            let lot = lot.get_or_insert_with(|| Lot::new(seed));
            let chosen = left[lot.draw(left.len())];
            Resolution::Lot { seed, chosen }
        }
        _ => Resolution::Unresolved,
    };
    (resolution, left)
}

impl Resolution {
    /// The candidate chosen, if the tie was settled; for an immaterial tie, the one the
    /// count followed.
    pub fn chosen(&self) -> Option<CandidateId> {
        match self {
            Resolution::EarlierStage { chosen, .. }
            | Resolution::Lot { chosen, .. }
            | Resolution::Immaterial {
                followed: chosen, ..
            } => Some(*chosen),
            Resolution::Unresolved => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(v: i64) -> Decimal {
        Decimal::from(v)
    }

    #[test]
    fn earlier_stages_decide_most_recent_first() {
        let (a, b, c) = (CandidateId(0), CandidateId(1), CandidateId(2));
        // Stage 1: a < b = c; stage 2: a = b < c.
        let history = vec![vec![d(1), d(5), d(5)], vec![d(3), d(3), d(9)]];
        let r = settle(
            &[a, b],
            Want::Lowest,
            &history,
            TieBreak::EarlierStages,
            &mut None,
        );
        assert_eq!(
            r,
            Resolution::EarlierStage {
                stage: 1,
                chosen: a
            }
        );
        let r = settle(
            &[a, b, c],
            Want::Lowest,
            &history,
            TieBreak::EarlierStages,
            &mut None,
        );
        assert_eq!(
            r,
            Resolution::EarlierStage {
                stage: 1,
                chosen: a
            },
            "stage 2 narrows to a, b; stage 1 picks a"
        );
        let r = settle(
            &[b, c],
            Want::Highest,
            &history,
            TieBreak::EarlierStages,
            &mut None,
        );
        assert_eq!(
            r,
            Resolution::EarlierStage {
                stage: 2,
                chosen: c
            }
        );
        let r = settle(
            &[b, c],
            Want::Lowest,
            &history[..1],
            TieBreak::EarlierStages,
            &mut None,
        );
        assert_eq!(r, Resolution::Unresolved);
        assert_eq!(
            settle(&[a, b], Want::Lowest, &history, TieBreak::Report, &mut None),
            Resolution::Unresolved
        );
    }

    #[test]
    fn lots_repeat_with_the_seed_and_spread() {
        let tied: Vec<CandidateId> = (0..4).map(CandidateId).collect();
        let draw = |seed| settle(&tied, Want::Lowest, &[], TieBreak::Lot { seed }, &mut None);
        assert_eq!(draw(7), draw(7));
        let chosen: std::collections::BTreeSet<_> = (0..64).map(|s| draw(s).chosen()).collect();
        assert_eq!(
            chosen.len(),
            4,
            "64 seeds must draw every candidate at least once"
        );
    }
}
