//! Voting methods that match official counts and explain every step.
//!
//! `andel-tally` counts ranked ballots with the methods co-ops and public elections use,
//! and reports everything a returning officer or a sceptical member needs to check the
//! result: every stage of a staged count, the pairwise comparison behind a Condorcet
//! method, and every tie with how it was settled. It does no I/O and has no clock; the
//! [`formats`] module parses ballot files handed to it.
//!
//! - Ballots are [`Ranking`]s with a weight (an integer count of voters, or a decimal
//!   weight); a [`Profile`] groups identical rankings.
//! - [`count`] runs a [`Method`] with [`Options`] (seats, [`TieBreak`] policy) and returns
//!   an [`Outcome`]; [`report::Report`] turns it into names and decimal strings, as JSON
//!   or text.
//! - Scottish STV matches the official stage reports of real council elections to five
//!   decimals at every stage (see the tests).
//!
//! # Examples
//!
//! ```
//! use andel_tally::{count, formats, Method, Options};
//!
//! let blt = "3 1\n4 1 2 0\n3 2 0\n2 3 2 0\n0\n\"Ada\"\n\"Bo\"\n\"Cy\"\n\"Chair\"\n";
//! let election = formats::blt::parse(blt.as_bytes())?;
//! let outcome = count(&election.profile, Method::Irv, Options::default())?;
//! let names: Vec<&str> = outcome.elected.iter().map(|c| election.profile.candidates().name(*c)).collect();
//! assert_eq!(names, ["Bo"]); // Cy's 2 votes go to Bo: 5 of 9
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
pub mod formats;
mod methods;
mod outcome;
mod profile;
pub mod report;

pub use error::TallyError;
pub use methods::{Method, Options, Pairwise, count};
pub use outcome::{Outcome, Resolution, Round, Tie, TieBreak, TieKind};
pub use profile::{CandidateId, Candidates, MAX_CANDIDATES, Profile, ProfileBuilder, Ranking};
