//! PrefLib's ordinal formats (2022 onwards): `.soc`, `.soi`, `.toc`, `.toi`.
//!
//! ```text
//! # DATA TYPE: toi
//! # NUMBER ALTERNATIVES: 3
//! # ALTERNATIVE NAME 1: Ada
//! # ALTERNATIVE NAME 2: Bo
//! # ALTERNATIVE NAME 3: Cy
//! 12: 1,2,3
//! 3: 2,{1,3}        braces rank alternatives equal (toc, toi)
//! 5: 3              incomplete orders (soi, toi)
//! ```
//!
//! `soc` and `toc` orders must rank every alternative; `soc` and `soi` allow no ties.

use std::io::BufRead;

use super::{Election, Lines, ParseError, Tally, weight};

use crate::Ballots;
use crate::{Candidates, MAX_CANDIDATES};

/// Which PrefLib data type a file declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DataType {
    Soc,
    Soi,
    Toc,
    Toi,
}

impl DataType {
    fn ties(self) -> bool {
        matches!(self, DataType::Toc | DataType::Toi)
    }

    fn complete(self) -> bool {
        matches!(self, DataType::Soc | DataType::Toc)
    }
}

/// Reads a PrefLib ordinal file.
///
/// # Errors
///
/// The first malformed line: a missing or bad header, an alternative out of range or
/// ranked twice, a tie or an incomplete order the data type forbids, a bad count.
pub fn parse(input: impl BufRead) -> Result<Election, ParseError> {
    let mut lines = Lines::new(input);
    let mut data_type = None;
    let mut count: Option<usize> = None;
    let mut names: Vec<Option<String>> = Vec::new();
    let mut title = None;
    let mut tally = Tally::default();
    // What the header declares, with its line; and what the orders add up to.
    let mut declared_voters: Option<(rust_decimal::Decimal, usize)> = None;
    let mut declared_orders: Option<(usize, usize)> = None;
    let (mut voters, mut orders) = (rust_decimal::Decimal::ZERO, 0usize);
    while let Some(line) = lines.next_line()? {
        let line = line.trim().to_owned();
        if line.is_empty() {
            continue;
        }
        if let Some(meta) = line.strip_prefix('#') {
            let Some((key, value)) = meta.split_once(':') else {
                continue;
            };
            let (key, value) = (key.trim(), value.trim());
            match key {
                "DATA TYPE" => {
                    data_type =
                        Some(match value {
                            "soc" => DataType::Soc,
                            "soi" => DataType::Soi,
                            "toc" => DataType::Toc,
                            "toi" => DataType::Toi,
                            other => return Err(lines.error(format!(
                                "data type `{other}` is not an ordinal type (soc, soi, toc, toi)"
                            ))),
                        });
                }
                "NUMBER ALTERNATIVES" => {
                    let n: usize = value.parse().map_err(|_| {
                        lines.error(format!("`{value}` is not a number of alternatives"))
                    })?;
                    if n == 0 || n > MAX_CANDIDATES {
                        return Err(lines.error(format!(
                            "{n} alternatives: between 1 and {MAX_CANDIDATES} are supported"
                        )));
                    }
                    count = Some(n);
                    names = vec![None; n];
                }
                "TITLE" if !value.is_empty() => title = Some(value.to_owned()),
                "NUMBER VOTERS" => {
                    let n = weight(value).map_err(|p| lines.error(p))?;
                    declared_voters = Some((n, lines.line()));
                }
                "NUMBER UNIQUE ORDERS" => {
                    let n: usize = value.parse().map_err(|_| {
                        lines.error(format!("`{value}` is not a number of unique orders"))
                    })?;
                    declared_orders = Some((n, lines.line()));
                }
                _ => {
                    if let Some(number) = key.strip_prefix("ALTERNATIVE NAME ") {
                        let n = count.ok_or_else(|| {
                            lines.error("an alternative is named before NUMBER ALTERNATIVES")
                        })?;
                        let i: usize = number.trim().parse().map_err(|_| {
                            lines.error(format!("`{number}` is not an alternative number"))
                        })?;
                        if i == 0 || i > n {
                            return Err(lines.error(format!(
                                "alternative {i} is out of range (there are {n})"
                            )));
                        }
                        names[i - 1] = Some(value.to_owned());
                    }
                }
            }
            continue;
        }
        let n = count
            .ok_or_else(|| lines.error("an order comes before the NUMBER ALTERNATIVES header"))?;
        let kind =
            data_type.ok_or_else(|| lines.error("an order comes before the DATA TYPE header"))?;
        let (ranking, w) = order(&line, n, kind).map_err(|p| lines.error(p))?;
        let at = lines.line();
        voters = voters
            .checked_add(w)
            .ok_or_else(|| lines.error("the voters' count overflows"))?;
        orders += 1;
        tally.add(ranking, w, at)?;
    }
    // A file cut short is refused: it must hold orders, and as many voters and orders
    // as its header declares; a file that declares them must end its last line (a cut
    // inside the last order would otherwise keep the counts).
    let end = lines.line();
    let cut = |problem: String| ParseError { line: end, problem };
    let declares = declared_voters.is_some() || declared_orders.is_some();
    if declares && !lines.ended_cleanly() {
        return Err(cut(
            "the last line has no line ending: the file may be cut short".into(),
        ));
    }
    if orders == 0 {
        return Err(cut("the file holds no orders".into()));
    }
    if let Some((declared, at)) = declared_voters
        && declared != voters
    {
        return Err(cut(format!(
            "line {at} declares {declared} voters, but the orders count {voters}"
        )));
    }
    if let Some((declared, at)) = declared_orders
        && declared != orders
    {
        return Err(cut(format!(
            "line {at} declares {declared} unique orders, but the file has {orders}"
        )));
    }
    let n = count.ok_or_else(|| lines.error("no NUMBER ALTERNATIVES header"))?;
    let names: Vec<String> = names
        .into_iter()
        .enumerate()
        .map(|(i, name)| name.unwrap_or_else(|| format!("Alternative {}", i + 1)))
        .collect();
    debug_assert_eq!(names.len(), n);
    let candidates = Candidates::new(names).map_err(|err| ParseError {
        line: 0,
        problem: err.to_string(),
    })?;
    Ok(Election {
        ballots: Ballots::Ranked(tally.build(candidates)?),
        seats: None,
        title,
    })
}

/// `COUNT: a,b,{c,d}`.
fn order(
    line: &str,
    n: usize,
    kind: DataType,
) -> Result<(Vec<Vec<u16>>, rust_decimal::Decimal), String> {
    let (count, rest) = line
        .split_once(':')
        .ok_or_else(|| format!("expected `COUNT: ORDER`, found `{line}`"))?;
    let w = weight(count.trim())?;
    let mut ranking: Vec<Vec<u16>> = Vec::new();
    let mut group: Option<Vec<u16>> = None;
    for raw in rest.split(',') {
        let mut token = raw.trim();
        let opens = token.starts_with('{');
        if opens {
            if group.is_some() || !kind.ties() {
                return Err(format!(
                    "`{{` is not allowed here (data type {kind:?} {})",
                    if kind.ties() {
                        "does not nest braces"
                    } else {
                        "has no ties"
                    }
                ));
            }
            token = token[1..].trim_start();
            group = Some(Vec::new());
        }
        let closes = token.ends_with('}');
        if closes {
            token = token[..token.len() - 1].trim_end();
        }
        let i: usize = token
            .parse()
            .map_err(|_| format!("`{}` is not an alternative number", raw.trim()))?;
        if i == 0 || i > n {
            return Err(format!("alternative {i} is out of range (there are {n})"));
        }
        let id = (i - 1) as u16;
        match group.as_mut() {
            Some(g) => g.push(id),
            None if closes => return Err("`}` without `{`".into()),
            None => ranking.push(vec![id]),
        }
        if closes {
            let g = group.take().ok_or("`}` without `{`")?;
            ranking.push(g);
        }
    }
    if group.is_some() {
        return Err("`{` is not closed".into());
    }
    let ranked: usize = ranking.iter().map(Vec::len).sum();
    if kind.complete() && ranked != n {
        return Err(format!(
            "a complete order ranks all {n} alternatives; this one ranks {ranked}"
        ));
    }
    Ok((ranking, w))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "# DATA TYPE: toi\n# NUMBER ALTERNATIVES: 3\n# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n# ALTERNATIVE NAME 3: C\n";

    #[test]
    fn ties_and_incomplete_orders() {
        let text = format!("{HEAD}4: 1,{{2,3}}\n2: 3\n1: 1, {{2, 3}}\n");
        let election = parse(text.as_bytes()).unwrap();
        assert_eq!(election.profile().unwrap().ballots().len(), 2);
        assert_eq!(
            election.profile().unwrap().total_weight(),
            rust_decimal::Decimal::from(7)
        );
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            (
                format!("{HEAD}1: 4\n"),
                "line 6: alternative 4 is out of range",
            ),
            (format!("{HEAD}1: 1,1\n"), "line 6: `A` appears twice"),
            (format!("{HEAD}1: {{1,2\n"), "line 6: `{` is not closed"),
            (
                format!("{HEAD}x: 1\n"),
                "line 6: `x` is not a ballot weight",
            ),
            (format!("{HEAD}1 1\n"), "line 6: expected `COUNT: ORDER`"),
            (
                HEAD.replace("toi", "soc") + "1: 1,2\n",
                "line 6: a complete order ranks all 3",
            ),
            (
                HEAD.replace("toi", "soi") + "1: {1,2}\n",
                "line 6: `{` is not allowed",
            ),
            ("1: 1\n".to_owned(), "line 1: an order comes before"),
        ];
        for (text, expected) in cases {
            let err = parse(text.as_bytes()).unwrap_err().to_string();
            assert!(err.contains(expected), "{text:?}: {err}");
        }
    }
}
