//! The voting methods, and the one entry point that runs any of them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{Approvals, Ballots, Outcome, Profile, TallyError, TieBreak};

mod budget;
mod committee;
mod condorcet;
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
/// method (IRV) is asked for several seats.
pub fn count(profile: &Profile, method: Method, options: Options) -> Result<Outcome, TallyError> {
    let standing = profile.candidates().standing().count();
    if options.seats == 0 || options.seats > standing {
        return Err(TallyError::Seats {
            seats: options.seats,
            standing,
        });
    }
    match method {
        Method::Plurality | Method::Approval | Method::Borda => {
            Ok(scored::count(profile, method, options))
        }
        Method::Irv => irv::count(profile, options),
        Method::StvScottish => Ok(stv_scottish::count(profile, options)),
        Method::StvMeek => Ok(meek::count(profile, options)),
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
