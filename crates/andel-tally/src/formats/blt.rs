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

use rust_decimal::Decimal;

use super::{Election, MAX_DISTINCT_RANKINGS, MAX_LINE_BYTES, ParseError, weight};
use crate::{Ballots, CandidateId, Candidates, MAX_CANDIDATES, Profile, ProfileBuilder, Ranking};

/// Reads a BLT file: all of `input`, then [`parse_bytes`].
///
/// # Errors
///
/// As [`parse_bytes`], and when `input` cannot be read.
pub fn parse(mut input: impl BufRead) -> Result<Election, ParseError> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes).map_err(|err| ParseError {
        line: 0,
        problem: format!("cannot read: {err}"),
    })?;
    parse_bytes(&bytes)
}

/// Reads a BLT file held in memory.
///
/// Ballot lines are read byte by byte, without allocating: each ballot goes straight
/// into the grouped profile ([`ProfileBuilder::add_order`]), so a file of a million
/// ballots costs little more than reading its bytes. A line the fast reader does not
/// expect (equal ranks, a decimal weight, anything not ASCII, any error) is read again
/// the general way, which gives the same result and the same error messages.
///
/// # Errors
///
/// The first malformed line: a bad header, a candidate number out of range or ranked
/// twice, a bad weight, a missing candidate name, or a line that is too long or not
/// UTF-8.
pub fn parse_bytes(bytes: &[u8]) -> Result<Election, ParseError> {
    let mut lines = ByteLines {
        rest: bytes,
        line: 0,
    };
    let (count, seats) = loop {
        let Some(line) = lines.next_str()? else {
            return Err(lines.error("the file is empty: expected `CANDIDATES SEATS`"));
        };
        if let Some(header) = header_line(line).map_err(|p| lines.error(p))? {
            break header;
        }
    };
    // The names come after the ballots: count under stand-in names, renamed at the end.
    let stand_ins =
        Candidates::new((1..=count).map(|i| i.to_string())).map_err(|err| ParseError {
            line: lines.line,
            problem: err.to_string(),
        })?;
    let mut ballots = Reader {
        profile: Profile::builder(stand_ins),
        count,
        order: Vec::new(),
        seen: vec![0; count.div_ceil(64)],
        twice: None,
    };
    let mut withdrawn: Vec<u16> = Vec::new();
    let mut first = true;
    loop {
        let Some(raw) = lines.next_line()? else {
            return Err(lines.error("the file ends before the `0` that closes the ballots"));
        };
        let line = raw.trim_ascii_start();
        match line.first() {
            None => continue,
            Some(b'#') => {
                if std::str::from_utf8(line).is_err() {
                    return Err(lines.error("line is not UTF-8"));
                }
                continue;
            }
            Some(b'0') if line.trim_ascii_end() == b"0" => break,
            Some(b'-') if first => {
                let text =
                    std::str::from_utf8(line).map_err(|_| lines.error("line is not UTF-8"))?;
                withdrawn = withdrawn_line(text.trim(), count).map_err(|p| lines.error(p))?;
                first = false;
                continue;
            }
            _ => {}
        }
        let first_line = std::mem::replace(&mut first, false);
        if !ballots.fast(line, lines.line)? {
            let text = std::str::from_utf8(raw).map_err(|_| lines.error("line is not UTF-8"))?;
            let text = text.trim();
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            if text == "0" {
                break;
            }
            if first_line && text.starts_with('-') {
                withdrawn = withdrawn_line(text, count).map_err(|p| lines.error(p))?;
                continue;
            }
            let (ranking, w) = ballot(text, count).map_err(|p| lines.error(p))?;
            ballots.add_groups(ranking, w, lines.line)?;
        }
    }
    let mut names = Vec::with_capacity(count);
    while names.len() < count {
        let Some(line) = lines.next_str()? else {
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
    while let Some(line) = lines.next_str()? {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if title.is_some() {
            return Err(lines.error("unexpected text after the title"));
        }
        title = Some(quoted(line).map_err(|p| lines.error(p))?);
    }
    let at_zero = |err: crate::TallyError| ParseError {
        line: 0,
        problem: err.to_string(),
    };
    let mut candidates = Candidates::new(names).map_err(at_zero)?;
    for w in withdrawn {
        candidates.withdraw(CandidateId(w)).map_err(at_zero)?;
    }
    if let Some((line, c)) = ballots.twice {
        return Err(ParseError {
            line,
            problem: crate::TallyError::RankedTwice {
                candidate: candidates.name(c).to_owned(),
            }
            .to_string(),
        });
    }
    let mut profile = ballots.profile;
    profile.rename(candidates);
    Ok(Election {
        ballots: Ballots::Ranked(profile.build()),
        seats: Some(seats),
        title,
    })
}

/// The lines of a file in memory, counted, each at most [`MAX_LINE_BYTES`] long.
struct ByteLines<'a> {
    rest: &'a [u8],
    line: usize,
}

impl<'a> ByteLines<'a> {
    fn error(&self, problem: impl Into<String>) -> ParseError {
        ParseError {
            line: self.line,
            problem: problem.into(),
        }
    }

    /// The next line without its line ending, or `None` at the end.
    #[inline]
    fn next_line(&mut self) -> Result<Option<&'a [u8]>, ParseError> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        let (mut line, rest) = match self.rest.iter().position(|&b| b == b'\n') {
            Some(end) => (&self.rest[..end], &self.rest[end + 1..]),
            None => (self.rest, &[][..]),
        };
        self.rest = rest;
        self.line += 1;
        if line.len() > MAX_LINE_BYTES {
            return Err(self.error(format!("line is longer than {MAX_LINE_BYTES} bytes")));
        }
        while let [head @ .., b'\r'] = line {
            line = head;
        }
        Ok(Some(line))
    }

    /// The next line as text.
    fn next_str(&mut self) -> Result<Option<&'a str>, ParseError> {
        match self.next_line()? {
            Some(line) => std::str::from_utf8(line)
                .map(Some)
                .map_err(|_| self.error("line is not UTF-8")),
            None => Ok(None),
        }
    }
}

/// Ballots read into a profile.
struct Reader {
    profile: ProfileBuilder,
    count: usize,
    /// The ballot being read, reused.
    order: Vec<CandidateId>,
    /// The candidates on it, a bit each.
    seen: Vec<u64>,
    /// The first ballot that ranks a candidate twice, and the candidate: reported once
    /// the names are known.
    twice: Option<(usize, CandidateId)>,
}

impl Reader {
    /// Reads a ballot line of plain `WEIGHT N N … 0` (whole weight, one candidate per
    /// rank) into the profile; `false` when the line is anything else (including
    /// wrong), for the general reader.
    #[inline]
    fn fast(&mut self, line: &[u8], at: usize) -> Result<bool, ParseError> {
        let mut i = 0;
        let weight = match digits(line, &mut i) {
            Some(w) if w > 0 => w,
            _ => return Ok(false),
        };
        self.order.clear();
        let mut ended = false;
        loop {
            let start = i;
            while let Some(b' ' | b'\t') = line.get(i) {
                i += 1;
            }
            match line.get(i) {
                None => break,
                Some(_) if i == start || ended => return Ok(false),
                Some(b'-') if matches!(line.get(i + 1), None | Some(b' ' | b'\t')) => {
                    i += 1;
                    continue;
                }
                _ => {}
            }
            let token = i;
            let Some(n) = digits(line, &mut i) else {
                return Ok(false);
            };
            if !matches!(line.get(i), None | Some(b' ' | b'\t')) {
                return Ok(false);
            }
            if &line[token..i] == b"0" {
                ended = true;
                continue;
            }
            if n == 0 || n > self.count as u64 {
                return Ok(false);
            }
            self.order.push(CandidateId((n - 1) as u16));
        }
        let weight = if weight == 1 {
            Decimal::ONE
        } else {
            Decimal::from(weight)
        };
        self.add_order(weight, at)?;
        Ok(true)
    }

    /// Adds `self.order`, unless it ranks a candidate twice.
    #[inline]
    fn add_order(&mut self, weight: Decimal, at: usize) -> Result<(), ParseError> {
        let mut twice = None;
        for c in &self.order {
            let (word, bit) = (c.index() / 64, 1u64 << (c.index() % 64));
            if self.seen[word] & bit != 0 {
                twice = twice.or(Some(*c));
            }
            self.seen[word] |= bit;
        }
        for c in &self.order {
            self.seen[c.index() / 64] = 0;
        }
        if let Some(c) = twice {
            self.twice = self.twice.or(Some((at, c)));
            return Ok(());
        }
        self.profile
            .add_order(&self.order, weight)
            .map_err(|err| ParseError {
                line: at,
                problem: err.to_string(),
            })?;
        self.check_distinct(at)
    }

    /// Adds a ballot read the general way.
    fn add_groups(
        &mut self,
        groups: Vec<Vec<u16>>,
        weight: Decimal,
        at: usize,
    ) -> Result<(), ParseError> {
        if groups.iter().all(|g| g.len() == 1) {
            self.order.clear();
            self.order.extend(groups.iter().map(|g| CandidateId(g[0])));
            return self.add_order(weight, at);
        }
        let groups: Vec<Vec<CandidateId>> = groups
            .into_iter()
            .map(|g| g.into_iter().map(CandidateId).collect())
            .collect();
        let mut seen = vec![false; self.count];
        if let Some(c) = groups.iter().flatten().find(|c| {
            let again = seen[c.index()];
            seen[c.index()] = true;
            again
        }) {
            self.twice = self.twice.or(Some((at, *c)));
            return Ok(());
        }
        let at_line = |err: crate::TallyError| ParseError {
            line: at,
            problem: err.to_string(),
        };
        let ranking = Ranking::with_ties(groups, self.profile.candidates()).map_err(at_line)?;
        self.profile.add(ranking, weight).map_err(at_line)?;
        self.check_distinct(at)
    }

    fn check_distinct(&self, at: usize) -> Result<(), ParseError> {
        if self.profile.distinct() > MAX_DISTINCT_RANKINGS {
            return Err(ParseError {
                line: at,
                problem: format!("more than {MAX_DISTINCT_RANKINGS} different rankings"),
            });
        }
        Ok(())
    }
}

/// The number written in ASCII digits at `line[*i..]` (at most 18 of them), moving `i`
/// past it; `None` if there is none or it is longer.
#[inline]
fn digits(line: &[u8], i: &mut usize) -> Option<u64> {
    let start = *i;
    let mut n = 0u64;
    while let Some(&b) = line.get(*i) {
        if !b.is_ascii_digit() {
            break;
        }
        n = n * 10 + u64::from(b - b'0');
        *i += 1;
        if *i - start > 18 {
            return None;
        }
    }
    (*i > start).then_some(n)
}

/// The header `CANDIDATES SEATS`; `None` for a blank or comment line.
fn header_line(line: &str) -> Result<Option<(usize, usize)>, String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let numbers: Vec<&str> = line.split_whitespace().collect();
    let [c, s] = numbers[..] else {
        return Err(format!("expected `CANDIDATES SEATS`, found `{line}`"));
    };
    let parse = |t: &str, what: &str| {
        t.parse::<usize>()
            .map_err(|_| format!("`{t}` is not a number of {what}"))
    };
    let (count, seats) = (parse(c, "candidates")?, parse(s, "seats")?);
    if count == 0 || count > MAX_CANDIDATES {
        return Err(format!(
            "{count} candidates: between 1 and {MAX_CANDIDATES} are supported"
        ));
    }
    if seats == 0 || seats > count {
        return Err(format!("{seats} seats for {count} candidates"));
    }
    Ok(Some((count, seats)))
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
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// The line-by-line reader this module had before [`parse_bytes`]: the reference
    /// it must agree with.
    mod old {
        use std::io::BufRead;

        use super::super::{ballot, quoted, withdrawn_line};
        use crate::formats::{Election, Lines, ParseError, Tally};
        use crate::{Ballots, CandidateId, Candidates, MAX_CANDIDATES};

        /// Reads a BLT file.
        ///
        /// # Errors
        ///
        /// The first malformed line: a bad header, a candidate number out of range or ranked
        /// twice, a bad weight, a missing candidate name, or a line that is too long or not
        /// UTF-8.
        pub(super) fn reference(input: impl BufRead) -> Result<Election, ParseError> {
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
    }

    /// BLT-like files: mostly well formed, with odd spacing, equal ranks, decimal
    /// weights, withdrawn candidates, repeated and unknown candidates, and junk.
    fn blt_like() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        (1usize..=5, 1usize..=3, any::<bool>(), any::<bool>()).prop_flat_map(
            |(n, seats, withdrawn, crlf)| {
                let ballot = prop_oneof![
                    4 => "[1-3]( [1-6]){0,5}( 0)?",
                    1 => "[ \t]{0,2}[0-9]{1,2}([ \t]{1,2}[-0-6=]{1,3}){0,4}( 0)?[ \t]{0,2}",
                    1 => "[0-9]\\.[05]( [1-5]){0,3} 0",
                    1 => "(#.{0,5}|)",
                    1 => "[ -~\u{a0}é\u{b}]{0,10}",
                ];
                (
                    proptest::collection::vec(ballot, 0..10),
                    proptest::collection::vec("\"[A-E]{1,2}\"( \"p\")?", n..=n + 1),
                    proptest::option::of("\"[a-z ]{0,6}\""),
                )
                    .prop_map(move |(ballots, names, title)| {
                        let mut lines = vec![format!("{n} {seats}")];
                        if withdrawn {
                            lines.push(format!("-{n}"));
                        }
                        lines.extend(ballots);
                        lines.push("0".into());
                        lines.extend(names);
                        lines.extend(title);
                        lines.join(if crlf { "\r\n" } else { "\n" })
                    })
            },
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]

        /// The byte reader gives what the line reader gave: the same election (ballots
        /// grouped in the same order) or the same error on the same line.
        #[test]
        fn the_byte_reader_reads_as_the_line_reader_did(text in blt_like()) {
            proptest::prop_assert_eq!(parse(text.as_bytes()), old::reference(text.as_bytes()), "{:?}", text);
        }

        #[test]
        fn the_byte_reader_agrees_on_any_bytes(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            let mut text = b"3 1\n".to_vec();
            text.extend(bytes);
            proptest::prop_assert_eq!(parse(&text[..]), old::reference(&text[..]));
        }
    }

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
