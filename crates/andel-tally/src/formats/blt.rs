//! BLT, the ballot format of OpenSTV, Droop and many election offices.
//!
//! ```text
//! # comment lines may come first
//! 4 2            candidates, seats
//! -3             (optional) withdrawn candidates, negated
//! 12 1 2 0       weight, then preferences by candidate number, then 0
//! 3 2=3 1 0      `=` ranks candidates equal
//! 5 4            the closing 0 may be missing
//! 0              end of ballots
//! "Ada"          one line per candidate: a quoted name (more quoted fields, such as
//! "Bo" "Green"   a party, are allowed and ignored)
//! "Cy"
//! "Di"
//! "Chair 2026"   the title (optional)
//! ```

use std::io::BufRead;

use super::{Election, Lines, ParseError, Tally, weight};
use crate::Ballots;
use crate::{CandidateId, Candidates, MAX_CANDIDATES};

/// Reads a BLT file.
///
/// # Errors
///
/// The first malformed line: a bad header, a candidate number out of range or ranked
/// twice, a bad weight, a missing candidate name, or a line that is too long or not
/// UTF-8.
pub fn parse(input: impl BufRead) -> Result<Election, ParseError> {
    let mut lines = Lines::new(input);
    let (count, seats) = header(&mut lines)?;
    let mut tally = Tally::default();
    let mut withdrawn: Vec<u16> = Vec::new();
    let mut first = true;
    loop {
        let Some(line) = lines.next_line()? else {
            return Err(lines.error("the file ends before the `0` that closes the ballots"));
        };
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "0" {
            break;
        }
        if first && line.starts_with('-') {
            withdrawn = withdrawn_line(line, count).map_err(|p| lines.error(p))?;
            first = false;
            continue;
        }
        first = false;
        let (ranking, w) = ballot(line, count).map_err(|p| lines.error(p))?;
        let at = lines.line();
        tally.add(ranking, w, at)?;
    }
    let mut names = Vec::with_capacity(count);
    while names.len() < count {
        let Some(line) = lines.next_line()? else {
            return Err(lines.error(format!(
                "the file ends after {} of {count} candidate names",
                names.len()
            )));
        };
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let name = quoted(line).map_err(|p| lines.error(p))?;
        names.push(name);
    }
    let mut title = None;
    while let Some(line) = lines.next_line()? {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if title.is_some() {
            return Err(lines.error("unexpected text after the title"));
        }
        title = Some(quoted(line).map_err(|p| lines.error(p))?);
    }
    let mut candidates = Candidates::new(names).map_err(|err| ParseError {
        line: 0,
        problem: err.to_string(),
    })?;
    for w in withdrawn {
        candidates
            .withdraw(CandidateId(w))
            .map_err(|err| ParseError {
                line: 0,
                problem: err.to_string(),
            })?;
    }
    Ok(Election {
        ballots: Ballots::Ranked(tally.build(candidates)?),
        seats: Some(seats),
        title,
    })
}

fn header<R: BufRead>(lines: &mut Lines<R>) -> Result<(usize, usize), ParseError> {
    loop {
        let Some(line) = lines.next_line()? else {
            return Err(lines.error("the file is empty: expected `CANDIDATES SEATS`"));
        };
        let line = line.trim().to_owned();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let numbers: Vec<&str> = line.split_whitespace().collect();
        let [c, s] = numbers[..] else {
            return Err(lines.error(format!("expected `CANDIDATES SEATS`, found `{line}`")));
        };
        let parse = |t: &str, what: &str| {
            t.parse::<usize>()
                .map_err(|_| lines.error(format!("`{t}` is not a number of {what}")))
        };
        let (count, seats) = (parse(c, "candidates")?, parse(s, "seats")?);
        if count == 0 || count > MAX_CANDIDATES {
            return Err(lines.error(format!(
                "{count} candidates: between 1 and {MAX_CANDIDATES} are supported"
            )));
        }
        if seats == 0 || seats > count {
            return Err(lines.error(format!("{seats} seats for {count} candidates")));
        }
        return Ok((count, seats));
    }
}

fn candidate(token: &str, count: usize) -> Result<u16, String> {
    let n: usize = token
        .parse()
        .map_err(|_| format!("`{token}` is not a candidate number"))?;
    if n == 0 || n > count {
        return Err(format!("candidate {n} is out of range (there are {count})"));
    }
    Ok((n - 1) as u16)
}

fn withdrawn_line(line: &str, count: usize) -> Result<Vec<u16>, String> {
    line.split_whitespace()
        .map(|t| match t.strip_prefix('-') {
            Some(n) => candidate(n, count),
            None => Err(format!(
                "`{t}` on the withdrawn line is not a negated candidate number"
            )),
        })
        .collect()
}

/// `WEIGHT PREF PREF … 0`, preferences `N` or `N=M=…`.
fn ballot(line: &str, count: usize) -> Result<(Vec<Vec<u16>>, rust_decimal::Decimal), String> {
    let mut tokens = line.split_whitespace().peekable();
    if tokens.peek().is_some_and(|t| t.starts_with('(')) {
        return Err("ballot ids `(…)` are not supported".into());
    }
    let w = weight(tokens.next().unwrap_or_default())?;
    let mut ranking = Vec::new();
    let mut ended = false;
    for token in tokens {
        if ended {
            return Err(format!("`{token}` after the `0` that ends the ballot"));
        }
        if token == "0" {
            ended = true;
            continue;
        }
        if token == "-" {
            // A skipped rank: nothing is ranked there.
            continue;
        }
        let group = token
            .split('=')
            .map(|t| candidate(t, count))
            .collect::<Result<Vec<u16>, String>>()?;
        ranking.push(group);
    }
    Ok((ranking, w))
}

/// The first double-quoted field of a line.
fn quoted(line: &str) -> Result<String, String> {
    let rest = line
        .strip_prefix('"')
        .ok_or_else(|| format!("expected a quoted name, found `{line}`"))?;
    let end = rest
        .find('"')
        .ok_or_else(|| format!("the quoted name in `{line}` is not closed"))?;
    Ok(rest[..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("", "line 0: the file is empty"),
            ("3\n", "line 1: expected `CANDIDATES SEATS`"),
            ("3 4\n", "line 1: 4 seats for 3 candidates"),
            ("2 1\n1 3 0\n", "line 2: candidate 3 is out of range"),
            ("2 1\nx 1 0\n", "line 2: `x` is not a ballot weight"),
            ("2 1\n0 1 0\n", "line 2: ballot weight `0` is not positive"),
            ("2 1\n1 1 0 2\n", "line 2: `2` after the `0`"),
            (
                "2 1\n1 1 1 0\n0\n\"A\"\n\"B\"\n",
                "line 2: `A` appears twice",
            ),
            ("2 1\n1 1 0\n", "before the `0` that closes the ballots"),
            ("2 1\n1 1 0\n0\n\"A\"\n", "after 1 of 2 candidate names"),
            ("2 1\n1 1 0\n0\nA\n", "line 4: expected a quoted name"),
            ("2 1\n-3\n0\n", "line 2: candidate 3 is out of range"),
        ];
        for (text, expected) in cases {
            let err = parse(text.as_bytes()).unwrap_err().to_string();
            assert!(
                err.starts_with(expected) || err.contains(expected),
                "{text:?}: {err}"
            );
        }
    }

    #[test]
    fn withdrawn_equal_ranks_and_missing_zero() {
        let text = "# c\n3 1\n-2\n2 1=3 0\n1 2 3\n0\n\"A\" \"Party\"\n\"B\"\n\"C\"\n\"T\"\n";
        let election = parse(text.as_bytes()).unwrap();
        let c = election.profile().unwrap().candidates();
        assert!(c.is_withdrawn(CandidateId(1)));
        assert_eq!(election.title.as_deref(), Some("T"));
        assert_eq!(election.profile().unwrap().ballots().len(), 2);
        assert_eq!(
            election.profile().unwrap().ballots()[0].0.ranks(),
            &[vec![CandidateId(0), CandidateId(2)]]
        );
    }
}
