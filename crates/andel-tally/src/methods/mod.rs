//! The voting methods, and the one entry point that runs any of them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use rust_decimal::Decimal;

use crate::{Approvals, Ballots, Outcome, Profile, TallyError, TieBreak};

mod budget;
mod committee;
mod condorcet;
#[cfg(test)]
mod condorcet_reference;
mod irv;
mod meek;
mod scored;
mod staged;
mod star;
mod stv_scottish;

pub use budget::{Budget, Spending};
pub use committee::MAX_COMMITTEES;
pub use condorcet::Pairwise;
pub use irv::MAX_SETTLEMENT_COUNTS;
pub(crate) use scored::{Better, from_scores};

/// A counting method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Method {
    /// Most first preferences wins (with several seats: the most-voted candidates).
    Plurality,
    /// Most approvals wins; a ranking approves every candidate it ranks.
    Approval,
    /// Borda count: with `n` standing candidates, a ranking gives `n − 1` points to its
    /// first, `n − 2` to its second, and so on; unranked candidates get 0; candidates
    /// ranked equal share the points of the places they span.
    Borda,
    /// Instant-runoff voting: exclude the candidate with the fewest votes until one holds a
    /// majority of the votes still in the count.
    Irv,
    /// Single transferable vote under the Scottish Local Government Elections Order 2007.
    StvScottish,
    /// Meek's single transferable vote (Hill, Wichmann and Woodall 1987), nine decimals.
    StvMeek,
    /// Schulze's beatpath method, with winning votes.
    Schulze,
    /// Tideman's ranked pairs, with winning votes.
    RankedPairs,
    /// Copeland: one point per pairwise win, half a point per pairwise tie.
    Copeland,
    /// Minimax (winning votes): the winner's worst pairwise defeat is the least bad.
    Minimax,
    /// Score (range) voting: the highest total score wins.
    Score,
    /// STAR: score, then an automatic runoff between the two highest-scoring candidates.
    Star,
    /// Proportional approval voting: the committee that maximises the voters' summed
    /// satisfaction 1 + 1/2 + … + 1/k (exact, over every committee).
    Pav,
    /// Sequential Phragmén: seats as loads shared by approvers, balanced greedily.
    Phragmen,
    /// Participatory budgeting by the Method of Equal Shares (cost utilities), completed
    /// by raising the voters' shares, then greedily.
    EqualShares,
    /// Participatory budgeting greedily: projects by approvals, each funded if it fits.
    GreedyBudget,
}

impl Method {
    /// Every method, in the order the book lists them.
    pub const ALL: &'static [Method] = &[
        Method::Plurality,
        Method::Approval,
        Method::Borda,
        Method::Irv,
        Method::StvScottish,
        Method::StvMeek,
        Method::Schulze,
        Method::RankedPairs,
        Method::Copeland,
        Method::Minimax,
        Method::Score,
        Method::Star,
        Method::Pav,
        Method::Phragmen,
        Method::EqualShares,
        Method::GreedyBudget,
    ];

    /// Whether the method can count rankings (all but score and STAR, which need
    /// scores, and the budget methods, which need projects' costs).
    pub fn counts_rankings(self) -> bool {
        !matches!(
            self,
            Method::Score | Method::Star | Method::EqualShares | Method::GreedyBudget
        )
    }

    /// The method's name, as the command line and JSON spell it.
    pub fn name(self) -> &'static str {
        match self {
            Method::Plurality => "plurality",
            Method::Approval => "approval",
            Method::Borda => "borda",
            Method::Irv => "irv",
            Method::StvScottish => "stv-scottish",
            Method::StvMeek => "stv-meek",
            Method::Schulze => "schulze",
            Method::RankedPairs => "ranked-pairs",
            Method::Copeland => "copeland",
            Method::Minimax => "minimax",
            Method::Score => "score",
            Method::Star => "star",
            Method::Pav => "pav",
            Method::Phragmen => "phragmen",
            Method::EqualShares => "equal-shares",
            Method::GreedyBudget => "greedy-budget",
        }
    }

    /// Whether the method fills several seats proportionally (otherwise `seats` above 1
    /// takes the top of its ranking).
    ///
    /// The ballots each method counts: score and STAR need score ballots; approval, PAV
    /// and Phragmén count approvals (a ranking approves every candidate it ranks); the
    /// others count rankings.
    pub fn is_multi_winner(self) -> bool {
        matches!(
            self,
            Method::StvScottish | Method::StvMeek | Method::Pav | Method::Phragmen
        )
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Method {
    type Err = TallyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Method::ALL
            .iter()
            .copied()
            .find(|m| m.name() == s)
            .ok_or_else(|| TallyError::UnknownMethod {
                name: s.to_owned(),
                known: Method::ALL
                    .iter()
                    .map(|m| m.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

/// The largest total weight any method counts, 10²⁸; some count less (see
/// [`Method::max_total_weight`]).
pub const MAX_TOTAL_WEIGHT: Decimal =
    Decimal::from_parts(268_435_456, 1_042_612_833, 542_101_086, false, 0);

/// The largest total weight a budget method counts, and the most money (the limit, and
/// the projects' costs together) it spends: 10²⁰, so that every share, price and payment
/// of Equal Shares stays within a decimal's 28 digits.
pub const MAX_BUDGET_AMOUNT: Decimal =
    Decimal::from_parts(1_661_992_960, 1_808_227_885, 5, false, 0);

impl Method {
    /// The largest total weight of ballots this method counts, for `ballots` and
    /// `seats`: a method counts in exact decimals (28 digits) or integers, so it refuses
    /// ([`TallyError::TooHeavy`]) ballots whose arithmetic would not fit, before it
    /// starts. The bounds:
    ///
    /// - plurality, approval, IRV, Scottish STV, the Condorcet methods, Phragmén:
    ///   [`MAX_TOTAL_WEIGHT`], 10²⁸ (a decimal holds up to about 7.9 × 10²⁸; the margin
    ///   absorbs the rounding of transfers in the last of 28 digits);
    /// - Borda: that ÷ the number of standing candidates (a candidate's score is at most
    ///   the total weight × (candidates − 1));
    /// - score and STAR: that ÷ 1,001 (a score is at most [`MAX_SCORE`](crate::MAX_SCORE));
    /// - PAV: that ÷ (1 + lcm(1..seats) × (1 + ½ + … + 1/seats)), its exact integer scale;
    /// - Meek STV: 10²⁰ ÷ 10^d, where d is the most decimal places of a ballot's weight
    ///   (at most 18): Meek counts in integers of 10⁻⁹ of a vote, whose products with a
    ///   keep factor must fit in 128 bits;
    /// - equal shares and greedy budget: [`MAX_BUDGET_AMOUNT`] (10²⁰).
    ///
    /// # Errors
    ///
    /// PAV asked for more seats than its exact arithmetic can fill
    /// ([`TallyError::TooManySeats`]).
    pub fn max_total_weight(self, ballots: &Ballots, seats: usize) -> Result<Decimal, TallyError> {
        let profile = match ballots {
            Ballots::Ranked(profile) => Some(profile),
            _ => None,
        };
        max_weight(self, ballots.candidates(), profile, seats)
    }
}

/// [`Method::max_total_weight`], with the rankings when there are some.
fn max_weight(
    method: Method,
    candidates: &crate::Candidates,
    profile: Option<&Profile>,
    seats: usize,
) -> Result<Decimal, TallyError> {
    let standing = candidates.standing().count().max(1);
    Ok(match method {
        Method::Borda => Decimal::MAX / Decimal::from(standing),
        Method::Score | Method::Star => Decimal::MAX / Decimal::from(crate::MAX_SCORE + 1),
        Method::Pav => {
            let top = committee::harmonic(seats)?
                .last()
                .copied()
                .unwrap_or(Decimal::ONE);
            (Decimal::MAX / (top + Decimal::ONE)).floor()
        }
        Method::StvMeek => profile.map_or(MAX_TOTAL_WEIGHT, meek::max_total_weight),
        Method::EqualShares | Method::GreedyBudget => MAX_BUDGET_AMOUNT,
        _ => MAX_TOTAL_WEIGHT,
    }
    .min(MAX_TOTAL_WEIGHT))
}

/// Refuses ballots too heavy for `method` (see [`Method::max_total_weight`]).
fn check_weight(
    method: Method,
    candidates: &crate::Candidates,
    profile: Option<&Profile>,
    total: Decimal,
    seats: usize,
) -> Result<(), TallyError> {
    let max = max_weight(method, candidates, profile, seats)?;
    if total > max {
        return Err(TallyError::TooHeavy { method, total, max });
    }
    Ok(())
}

/// How to count: seats and the tie-break policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Options {
    /// Seats to fill.
    pub seats: usize,
    /// How ties are settled.
    pub tie_break: TieBreak,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seats: 1,
            tie_break: TieBreak::default(),
        }
    }
}

/// Counts `profile` with `method`.
///
/// ```
/// use andel_tally::{count, Candidates, Method, Options, Profile, Ranking};
/// use rust_decimal::Decimal;
///
/// let candidates = Candidates::new(["Memphis", "Nashville", "Chattanooga", "Knoxville"])?;
/// let id = |n: &str| candidates.find(n).unwrap();
/// let mut profile = Profile::builder(candidates.clone());
/// for (weight, order) in [
///     (42, ["Memphis", "Nashville", "Chattanooga", "Knoxville"]),
///     (26, ["Nashville", "Chattanooga", "Knoxville", "Memphis"]),
///     (15, ["Chattanooga", "Knoxville", "Nashville", "Memphis"]),
///     (17, ["Knoxville", "Chattanooga", "Nashville", "Memphis"]),
/// ] {
///     profile.add(Ranking::strict(order.map(id), &candidates)?, Decimal::from(weight))?;
/// }
/// let profile = profile.build();
///
/// let schulze = count(&profile, Method::Schulze, Options::default())?;
/// assert_eq!(schulze.elected, vec![id("Nashville")]);
/// let irv = count(&profile, Method::Irv, Options::default())?;
/// assert_eq!(irv.elected, vec![id("Knoxville")]);
/// # Ok::<(), andel_tally::TallyError>(())
/// ```
///
/// # Errors
///
/// When `seats` is 0 or more than the standing candidates, or a single-winner staged
/// method (IRV) is asked for several seats; and when the ballots weigh more than the
/// method counts ([`Method::max_total_weight`]).
pub fn count(profile: &Profile, method: Method, options: Options) -> Result<Outcome, TallyError> {
    let standing = profile.candidates().standing().count();
    if options.seats == 0 || options.seats > standing {
        return Err(TallyError::Seats {
            seats: options.seats,
            standing,
        });
    }
    if method.counts_rankings() {
        check_weight(
            method,
            profile.candidates(),
            Some(profile),
            profile.total_weight(),
            options.seats,
        )?;
    }
    match method {
        Method::Plurality | Method::Approval | Method::Borda => {
            scored::count(profile, method, options)
        }
        Method::Irv => irv::count(profile, options),
        Method::StvScottish => Ok(stv_scottish::count(profile, options)),
        Method::StvMeek => meek::count(profile, options),
        Method::Schulze | Method::RankedPairs | Method::Copeland | Method::Minimax => {
            Ok(condorcet::count(profile, method, options))
        }
        Method::Pav | Method::Phragmen => {
            committee::count(&Approvals::from_rankings(profile), method, options)
        }
        Method::Score | Method::Star => Err(TallyError::WrongBallots {
            method,
            kind: "ranked",
            needs: "score ballots",
        }),
        Method::EqualShares | Method::GreedyBudget => Err(TallyError::WrongBallots {
            method,
            kind: "ranked",
            needs: "approvals of projects with costs",
        }),
    }
}

/// Counts ballots of any kind with `method`: rankings as [`count`] does, approvals with
/// approval, PAV or Phragmén, scores with score or STAR.
///
/// ```
/// use andel_tally::{count_ballots, Ballots, Candidates, CandidateId, Method, Options, Scores};
/// use rust_decimal::Decimal;
///
/// let candidates = Candidates::new(["Ada", "Bo", "Cy"])?;
/// let mut scores = Scores::builder(candidates);
/// scores.add(vec![5, 4, 0], Decimal::from(4))?;
/// scores.add(vec![0, 3, 5], Decimal::from(5))?;
/// let ballots = Ballots::Score(scores.build());
/// // Totals: Ada 20, Bo 31, Cy 25. Runoff Bo–Cy: 4 prefer Bo, 5 prefer Cy.
/// let star = count_ballots(&ballots, Method::Star, Options::default())?;
/// assert_eq!(star.elected, vec![CandidateId(2)]);
/// let score = count_ballots(&ballots, Method::Score, Options::default())?;
/// assert_eq!(score.elected, vec![CandidateId(1)]);
/// # Ok::<(), andel_tally::TallyError>(())
/// ```
///
/// # Errors
///
/// As [`count`], and when the method cannot count this kind of ballot.
pub fn count_ballots(
    ballots: &Ballots,
    method: Method,
    options: Options,
) -> Result<Outcome, TallyError> {
    let standing = ballots.candidates().standing().count();
    if options.seats == 0 || options.seats > standing {
        return Err(TallyError::Seats {
            seats: options.seats,
            standing,
        });
    }
    let total = match ballots {
        Ballots::Ranked(p) => p.total_weight(),
        Ballots::Approval(a) | Ballots::Budget { approvals: a, .. } => a.total_weight(),
        Ballots::Score(s) => s.total_weight(),
    };
    if !matches!(ballots, Ballots::Ranked(_)) {
        check_weight(method, ballots.candidates(), None, total, options.seats)?;
    }
    let wrong = |needs| TallyError::WrongBallots {
        method,
        kind: ballots.kind(),
        needs,
    };
    match ballots {
        Ballots::Ranked(profile) => count(profile, method, options),
        Ballots::Approval(approvals) => match method {
            Method::Approval | Method::Pav | Method::Phragmen => {
                committee::count(approvals, method, options)
            }
            Method::Score | Method::Star => Err(wrong("score ballots")),
            Method::EqualShares | Method::GreedyBudget => {
                Err(wrong("approvals of projects with costs"))
            }
            _ => Err(wrong("ranked ballots")),
        },
        Ballots::Budget {
            approvals,
            budget: limits,
        } => match method {
            Method::EqualShares | Method::GreedyBudget => {
                budget::count(approvals, limits, method, options)
            }
            Method::Approval | Method::Pav | Method::Phragmen => {
                committee::count(approvals, method, options)
            }
            Method::Score | Method::Star => Err(wrong("score ballots")),
            _ => Err(wrong("ranked ballots")),
        },
        Ballots::Score(scores) => match method {
            Method::Score | Method::Star => star::count(scores, method, options),
            Method::Approval | Method::Pav | Method::Phragmen => {
                Err(wrong("approval or ranked ballots"))
            }
            _ => Err(wrong("ranked ballots")),
        },
    }
}
