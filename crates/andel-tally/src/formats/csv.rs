//! A simple CSV of rankings, for ballots collected in a spreadsheet or a form.
//!
//! ```text
//! candidates,Ada,Bo,"Cy, Jr."
//! 3,Ada,Bo,"Cy, Jr."
//! 1,Bo
//! 2,"Cy, Jr.",Ada=Bo
//! ```
//!
//! The first row names the candidates after the word `candidates`. Every other row is
//! a weight, then candidate names in order of preference; `=` joins names ranked equal.
//! Fields may be double-quoted (a quote inside is doubled); blank lines and lines
//! starting with `#` are skipped.

use std::io::BufRead;

use super::{Election, Lines, ParseError, Tally, weight};
use crate::Candidates;

/// Reads a CSV of rankings.
///
/// # Errors
///
/// The first malformed line: a missing `candidates` row, an unknown or repeated name, a
/// bad weight, or a badly quoted field.
pub fn parse(input: impl BufRead) -> Result<Election, ParseError> {
    let mut lines = Lines::new(input);
    let mut candidates: Option<Candidates> = None;
    let mut tally = Tally::default();
    while let Some(line) = lines.next_line()? {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields = split(line).map_err(|p| lines.error(p))?;
        let Some(known) = &candidates else {
            if fields.first().map(|f| f.trim()) != Some("candidates") {
                return Err(lines.error("the first row must be `candidates,NAME,NAME,…`"));
            }
            let names = fields[1..].iter().map(|f| f.trim().to_owned());
            candidates = Some(Candidates::new(names).map_err(|err| lines.error(err.to_string()))?);
            continue;
        };
        let w = weight(fields[0].trim()).map_err(|p| lines.error(p))?;
        let mut ranking = Vec::new();
        for field in &fields[1..] {
            if field.trim().is_empty() {
                continue;
            }
            let group = field
                .split('=')
                .map(|name| {
                    known
                        .find(name.trim())
                        .map(|c| c.0)
                        .ok_or_else(|| lines.error(format!("`{}` is not a candidate", name.trim())))
                })
                .collect::<Result<Vec<u16>, ParseError>>()?;
            ranking.push(group);
        }
        let at = lines.line();
        tally.add(ranking, w, at)?;
    }
    let candidates = candidates.ok_or_else(|| lines.error("the file has no `candidates` row"))?;
    Ok(Election {
        profile: tally.build(candidates)?,
        seats: None,
        title: None,
    })
}

/// Splits one CSV line into fields (RFC 4180 quoting, within the line).
fn split(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.trim().is_empty() && !was_quoted => {
                field.clear();
                quoted = true;
                was_quoted = true;
            }
            (false, '"') => return Err("a quote in the middle of an unquoted field".into()),
            (false, ',') => {
                fields.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            (false, c) if was_quoted && !c.is_whitespace() => {
                return Err("text after a closing quote".into());
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed".into());
    }
    fields.push(field);
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_names_and_equal_ranks() {
        let text =
            "candidates,Ada,Bo,\"Cy, Jr.\"\n3,Ada,Bo,\"Cy, Jr.\"\n\n# note\n2,\"Cy, Jr.\",Ada=Bo\n";
        let election = parse(text.as_bytes()).unwrap();
        assert_eq!(
            election.profile.candidates().name(crate::CandidateId(2)),
            "Cy, Jr."
        );
        assert_eq!(election.profile.ballots()[1].0.ranks().len(), 2);
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("Ada,Bo\n", "line 1: the first row must be"),
            ("candidates,A,B\n1,C\n", "line 2: `C` is not a candidate"),
            (
                "candidates,A,B\n-1,A\n",
                "line 2: ballot weight `-1` is not positive",
            ),
            (
                "candidates,A,B\n1,\"A\n",
                "line 2: a quoted field is not closed",
            ),
            (
                "candidates,A,A\n",
                "line 1: candidates 1 and 2 are both named `A`",
            ),
            ("", "no `candidates` row"),
        ];
        for (text, expected) in cases {
            let err = parse(text.as_bytes()).unwrap_err().to_string();
            assert!(err.contains(expected), "{text:?}: {err}");
        }
    }
}
