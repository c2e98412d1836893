//! The voting methods, and the one entry point that runs any of them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{Outcome, Profile, TallyError, TieBreak};

mod condorcet;
mod irv;
mod meek;
mod scored;
mod staged;
mod stv_scottish;

pub use condorcet::Pairwise;

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
    ];

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
        }
    }

    /// Whether the method fills several seats proportionally (otherwise `seats` above 1
    /// takes the top of its ranking).
    pub fn is_multi_winner(self) -> bool {
        matches!(self, Method::StvScottish | Method::StvMeek)
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
    }
}
