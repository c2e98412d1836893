//! Voting methods that match official counts and explain every step.
//!
//! `andel-tally` counts ranked ballots with the methods co-ops and public elections use,
//! and reports everything a returning officer or a sceptical member needs to check the
//! result: every stage of a staged count, the pairwise comparison behind a Condorcet
//! method, and every tie with how it was settled. It does no I/O and has no clock; the
//! [`formats`] module parses ballot files handed to it.
//!
//! - Ballots are [`Ranking`]s, approvals or scores, each with a weight (an integer count
//!   of voters, or a decimal weight); a [`Profile`] groups identical rankings,
//!   [`Approvals`] and [`Scores`] the others, [`Ballots`] holds any kind.
//! - [`count`] (rankings) and [`count_ballots`] (any kind) run a [`Method`] with [`Options`] (seats, [`TieBreak`] policy) and returns
//!   an [`Outcome`]; [`report::Report`] turns it into names and decimal strings, as JSON
//!   or text.
//! - Scottish STV matches the official stage reports of real council elections to five
//!   decimals at every stage (see the tests).
//!
//! # Examples
//!
//! ```
//! use andel_tally::{count_ballots, formats, Method, Options};
//!
//! let blt = "3 1\n4 1 2 0\n3 2 0\n2 3 2 0\n0\n\"Ada\"\n\"Bo\"\n\"Cy\"\n\"Chair\"\n";
//! let election = formats::blt::parse(blt.as_bytes())?;
//! let outcome = count_ballots(&election.ballots, Method::Irv, Options::default())?;
//! let names: Vec<&str> = outcome.elected.iter().map(|c| election.ballots.candidates().name(*c)).collect();
//! assert_eq!(names, ["Bo"]); // Cy's 2 votes go to Bo: 5 of 9
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod ballots;
mod error;
pub mod formats;
mod fxhash;
mod marks;
mod methods;
mod outcome;
mod profile;
pub mod report;

pub use ballots::{Approvals, ApprovalsBuilder, Ballots, MAX_SCORE, Scores, ScoresBuilder};
pub use error::TallyError;
pub use marks::MarkTally;
pub use methods::{
    Budget, MAX_BUDGET_AMOUNT, MAX_COMMITTEES, MAX_SETTLEMENT_COUNTS, MAX_TOTAL_WEIGHT, Method,
    Options, Pairwise, Spending, count, count_ballots,
};
pub use outcome::{Outcome, Resolution, Round, Tie, TieBreak, TieKind};
pub use profile::{CandidateId, Candidates, MAX_CANDIDATES, Profile, ProfileBuilder, Ranking};
