//! Ballot files: BLT (as OpenSTV and Droop write it), PrefLib (`.soi`, `.toi`, `.soc`,
//! `.toc`), Pabulib (`.pb`, participatory budgets) and a simple CSV of rankings,
//! approvals or scores.
//!
//! Every parser reads from any [`BufRead`] (PrefLib, Pabulib and CSV line by line; BLT
//! all of it, then its bytes in memory: see [`blt::parse_bytes`]), refuses lines longer
//! than [`MAX_LINE_BYTES`] and files with more than [`MAX_DISTINCT_RANKINGS`] different
//! rankings, groups identical rankings as it goes, and reports the first problem with
//! its 1-based line number. Malformed or hostile input gets an error, never a panic.

use std::collections::HashMap;
use std::io::BufRead;

use rust_decimal::Decimal;

use crate::{Ballots, CandidateId, Candidates, Profile, Ranking, TallyError};

pub mod blt;
pub mod csv;
pub mod pabulib;
pub mod preflib;

/// The longest line a parser accepts, in bytes.
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// The most different rankings a file may hold (identical ones are grouped).
pub const MAX_DISTINCT_RANKINGS: usize = 10_000_000;

/// An election read from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Election {
    /// The ballots.
    pub ballots: Ballots,
    /// Seats, if the file says.
    pub seats: Option<usize>,
    /// The title, if the file has one.
    pub title: Option<String>,
}

impl Election {
    /// The rankings, if the file holds ranked ballots.
    pub fn profile(&self) -> Option<&Profile> {
        match &self.ballots {
            Ballots::Ranked(profile) => Some(profile),
            _ => None,
        }
    }
}

/// What is wrong with a ballot file, and on which line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct ParseError {
    /// The 1-based line (0 when the file could not be read at all, or ends early).
    pub line: usize,
    /// What is wrong.
    pub problem: String,
}

/// Reads lines with a length limit, counting them.
pub(crate) struct Lines<R> {
    input: R,
    line: usize,
    buf: Vec<u8>,
    ended: bool,
}

impl<R: BufRead> Lines<R> {
    pub(crate) fn new(input: R) -> Self {
        Lines {
            input,
            line: 0,
            buf: Vec::new(),
            ended: true,
        }
    }

    pub(crate) fn line(&self) -> usize {
        self.line
    }

    /// Whether the last line read ended with a line ending (or nothing was read): a file
    /// cut in the middle of a line does not.
    pub(crate) fn ended_cleanly(&self) -> bool {
        self.ended
    }

    pub(crate) fn error(&self, problem: impl Into<String>) -> ParseError {
        ParseError {
            line: self.line,
            problem: problem.into(),
        }
    }

    /// The next line without its line ending, or `None` at the end.
    pub(crate) fn next_line(&mut self) -> Result<Option<&str>, ParseError> {
        self.buf.clear();
        let limit = (MAX_LINE_BYTES + 2) as u64;
        let read = std::io::Read::take(self.input.by_ref(), limit)
            .read_until(b'\n', &mut self.buf)
            .map_err(|err| ParseError {
                line: self.line + 1,
                problem: format!("cannot read: {err}"),
            })?;
        if read == 0 {
            return Ok(None);
        }
        self.line += 1;
        self.ended = self.buf.ends_with(b"\n");
        if self.buf.len() > MAX_LINE_BYTES && !self.buf.ends_with(b"\n") {
            return Err(self.error(format!("line is longer than {MAX_LINE_BYTES} bytes")));
        }
        while matches!(self.buf.last(), Some(b'\n' | b'\r')) {
            self.buf.pop();
        }
        std::str::from_utf8(&self.buf)
            .map(Some)
            .map_err(|_| ParseError {
                line: self.line,
                problem: "line is not UTF-8".into(),
            })
    }
}

/// Rankings by candidate index, grouped as they are read, checked once candidates are
/// known.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    index: HashMap<Vec<Vec<u16>>, usize>,
    rankings: Vec<(Vec<Vec<u16>>, Decimal, usize)>,
}

impl Tally {
    /// Adds a ranking read on `line`.
    pub(crate) fn add(
        &mut self,
        ranking: Vec<Vec<u16>>,
        weight: Decimal,
        line: usize,
    ) -> Result<(), ParseError> {
        if weight <= Decimal::ZERO {
            return Err(ParseError {
                line,
                problem: format!("ballot weight {weight} is not positive"),
            });
        }
        match self.index.get(&ranking) {
            Some(&i) => {
                let slot = &mut self.rankings[i].1;
                *slot = slot.checked_add(weight).ok_or(ParseError {
                    line,
                    problem: "ballot weights overflow".into(),
                })?;
            }
            None => {
                if self.rankings.len() >= MAX_DISTINCT_RANKINGS {
                    return Err(ParseError {
                        line,
                        problem: format!("more than {MAX_DISTINCT_RANKINGS} different rankings"),
                    });
                }
                self.index.insert(ranking.clone(), self.rankings.len());
                self.rankings.push((ranking, weight, line));
            }
        }
        Ok(())
    }

    /// The profile over `candidates`, naming the line of any ranking that does not fit.
    pub(crate) fn build(self, candidates: Candidates) -> Result<Profile, ParseError> {
        let mut profile = Profile::builder(candidates);
        for (groups, weight, line) in self.rankings {
            let at = |err: TallyError| ParseError {
                line,
                problem: err.to_string(),
            };
            let groups: Vec<Vec<CandidateId>> = groups
                .into_iter()
                .map(|g| g.into_iter().map(CandidateId).collect())
                .collect();
            let ranking = Ranking::with_ties(groups, profile.candidates()).map_err(at)?;
            profile.add(ranking, weight).map_err(at)?;
        }
        Ok(profile.build())
    }
}

/// Parses a ballot weight: a positive integer or decimal.
pub(crate) fn weight(token: &str) -> Result<Decimal, String> {
    let value: Decimal = token
        .parse()
        .map_err(|_| format!("`{token}` is not a ballot weight (a positive number)"))?;
    if value <= Decimal::ZERO {
        return Err(format!("ballot weight `{token}` is not positive"));
    }
    Ok(value)
}
