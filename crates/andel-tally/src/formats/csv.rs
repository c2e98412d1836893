//! A simple CSV of ballots, for votes collected in a spreadsheet or a form. The first
//! row names the kind of ballot and the candidates:
//!
//! ```text
//! candidates,Ada,Bo,"Cy, Jr."      rankings: WEIGHT, then names in order of preference
//! 3,Ada,Bo,"Cy, Jr."               (`=` joins names ranked equal)
//! 2,"Cy, Jr.",Ada=Bo
//!
//! approvals,Ada,Bo,Cy              approvals: WEIGHT, then the names approved
//! 4,Ada,Cy
//!
//! scores,Ada,Bo,Cy                 scores: WEIGHT, then one whole-number score per
//! 5,5,3,0                          candidate, in header order (blank is 0)
//! ```
//!
//! Fields may be double-quoted (a quote inside is doubled); blank lines and lines
//! starting with `#` are skipped.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::BufRead;

use rust_decimal::Decimal;

use super::{Election, Lines, ParseError, Tally, weight};
use crate::{
    Approvals, ApprovalsBuilder, Ballots, CandidateId, Candidates, MAX_SCORE, Scores, ScoresBuilder,
};

/// The kind of ballot a CSV file holds, from its first row.
enum Kind {
    /// Rankings group through the parsers' shared, bounded tally.
    Rankings(Tally),
    Approvals(ApprovalsBuilder),
    Scores(ScoresBuilder),
}

/// Reads a CSV of rankings, approvals or scores.
///
/// # Errors
///
/// The first malformed line: a missing header row, an unknown or repeated name, a bad
/// weight or score, or a badly quoted field.
pub fn parse(input: impl BufRead) -> Result<Election, ParseError> {
    let mut lines = Lines::new(input);
    let mut header: Option<(Candidates, Kind)> = None;
    while let Some(line) = lines.next_line()? {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields = split(line).map_err(|p| lines.error(p))?;
        let Some((known, kind)) = &mut header else {
            let names = fields[1..].iter().map(|f| f.name().to_owned());
            let candidates = Candidates::new(names).map_err(|err| lines.error(err.to_string()))?;
            let kind = match fields[0].name() {
                "candidates" => Kind::Rankings(Tally::default()),
                "approvals" => Kind::Approvals(Approvals::builder(candidates.clone())),
                "scores" => Kind::Scores(Scores::builder(candidates.clone())),
                _ => return Err(lines.error("the first row must be `candidates,NAME,…` (rankings), `approvals,NAME,…` or `scores,NAME,…`")),
            };
            header = Some((candidates, kind));
            continue;
        };
        let w = weight(fields[0].name()).map_err(|p| lines.error(p))?;
        let at = lines.line();
        let find = |name: &str| {
            known
                .find(name)
                .ok_or_else(|| format!("`{name}` is not a candidate"))
        };
        match kind {
            Kind::Rankings(tally) => {
                let mut ranking = Vec::new();
                for field in fields[1..].iter().filter(|f| !f.is_blank()) {
                    // `=` joins names ranked equal; a quoted name is taken as it is.
                    let group = if field.quoted {
                        vec![find(&field.text).map_err(|p| lines.error(p))?.0]
                    } else {
                        field
                            .text
                            .split('=')
                            .map(|name| find(name.trim()).map(|c| c.0))
                            .collect::<Result<Vec<u16>, String>>()
                            .map_err(|p| lines.error(p))?
                    };
                    ranking.push(group);
                }
                tally.add(ranking, w, at)?;
            }
            Kind::Approvals(builder) => {
                let approved = fields[1..]
                    .iter()
                    .filter(|f| !f.is_blank())
                    .map(|f| find(f.name()))
                    .collect::<Result<Vec<CandidateId>, String>>()
                    .map_err(|p| lines.error(p))?;
                builder
                    .add(approved, w)
                    .map_err(|err| lines.error(err.to_string()))?;
            }
            Kind::Scores(builder) => {
                if fields.len() - 1 > known.len() {
                    return Err(lines.error(format!(
                        "{} scores for {} candidates",
                        fields.len() - 1,
                        known.len()
                    )));
                }
                let mut sheet = vec![0u32; known.len()];
                for (i, field) in fields[1..].iter().enumerate() {
                    let text = field.name();
                    if text.is_empty() {
                        continue;
                    }
                    sheet[i] = text
                        .parse::<u32>()
                        .ok()
                        .filter(|s| *s <= MAX_SCORE)
                        .ok_or_else(|| {
                            lines.error(format!(
                                "`{text}` is not a score (a whole number from 0 to {MAX_SCORE})"
                            ))
                        })?;
                }
                builder
                    .add(sheet, w)
                    .map_err(|err| lines.error(err.to_string()))?;
            }
        }
    }
    let (candidates, kind) = header.ok_or_else(|| lines.error("the file has no header row"))?;
    let ballots = match kind {
        Kind::Rankings(tally) => Ballots::Ranked(tally.build(candidates)?),
        Kind::Approvals(builder) => Ballots::Approval(builder.build()),
        Kind::Scores(builder) => Ballots::Score(builder.build()),
    };
    Ok(Election {
        ballots,
        seats: None,
        title: None,
    })
}

/// One field of a line: its text, and whether it was quoted (a quoted field is taken as
/// it is; an unquoted one is trimmed, and in a ranking `=` joins names).
struct Field {
    text: String,
    quoted: bool,
}

impl Field {
    fn name(&self) -> &str {
        if self.quoted {
            &self.text
        } else {
            self.text.trim()
        }
    }

    fn is_blank(&self) -> bool {
        !self.quoted && self.text.trim().is_empty()
    }
}

/// Splits one CSV line into fields (RFC 4180 quoting, within the line).
fn split(line: &str) -> Result<Vec<Field>, String> {
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
                fields.push(Field {
                    text: std::mem::take(&mut field),
                    quoted: was_quoted,
                });
                was_quoted = false;
            }
            // Space after a closing quote is not part of the name.
            (false, c) if was_quoted => {
                if !c.is_whitespace() {
                    return Err("text after a closing quote".into());
                }
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed".into());
    }
    fields.push(Field {
        text: field,
        quoted: was_quoted,
    });
    Ok(fields)
}

/// A field of a CSV line, quoted when it must be for [`parse`] (and any CSV reader) to
/// read back the same text: a comma, a quote, a line break, an `=` (which joins names
/// ranked equal), or space at either end.
///
/// ```
/// use andel_tally::formats::csv::field;
///
/// assert_eq!(field("Ada"), "Ada");
/// assert_eq!(field("Bo, Jr."), "\"Bo, Jr.\"");
/// assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
/// ```
pub fn field(text: &str) -> Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r', '=']) || text.trim() != text {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(text)
    }
}

/// A field of a CSV meant to be opened in a spreadsheet: as [`field`], and a text a
/// spreadsheet would take for a formula (one starting with `=`, `+`, `-`, `@`, a tab or
/// a carriage return) starts with a `'`, which spreadsheets show as text. A member who
/// names themselves `=HYPERLINK(…)` is then a name, not a link.
///
/// ```
/// use andel_tally::formats::csv::spreadsheet_field;
///
/// assert_eq!(spreadsheet_field("Ada"), "Ada");
/// assert_eq!(spreadsheet_field("=1+1"), "\"'=1+1\"");
/// assert_eq!(spreadsheet_field("@SUM(A1)"), "'@SUM(A1)");
/// ```
pub fn spreadsheet_field(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(field(&format!("'{text}")).into_owned())
    } else {
        field(text)
    }
}

/// Writes weighted rankings as the CSV [`parse`] reads: a `candidates` header row, then
/// a row a ballot, its weight and the names it ranks, most preferred first. A ranking
/// is indexes into `candidates`; an index past them is left out.
///
/// ```
/// use andel_tally::formats::csv::{parse, write_rankings};
///
/// let text = write_rankings(&["Ada", "Bo, Jr."], [(2.into(), &[1u16, 0][..]), (1.into(), &[0u16][..])]);
/// assert_eq!(text, "candidates,Ada,\"Bo, Jr.\"\n2,\"Bo, Jr.\",Ada\n1,Ada\n");
/// let election = parse(text.as_bytes())?;
/// assert_eq!(election.ballots.candidates().len(), 2);
/// # Ok::<(), andel_tally::formats::ParseError>(())
/// ```
pub fn write_rankings<'a>(
    candidates: &[&str],
    ballots: impl IntoIterator<Item = (Decimal, &'a [u16])>,
) -> String {
    let mut out = String::from("candidates");
    for name in candidates {
        let _ = write!(out, ",{}", field(name));
    }
    out.push('\n');
    for (weight, ranking) in ballots {
        let _ = write!(out, "{weight}");
        for name in ranking
            .iter()
            .filter_map(|i| candidates.get(usize::from(*i)))
        {
            let _ = write!(out, ",{}", field(name));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;

    proptest::proptest! {
        /// Whatever the names (commas, quotes, `=`, spaces at the ends, formula
        /// starts), rankings written by `write_rankings` read back as the same ballots.
        #[test]
        fn written_rankings_read_back_the_same(
            names in proptest::collection::btree_set("[ -~]{1,12}", 2..6),
            ballots in proptest::collection::vec(
                (1u32..1000, proptest::collection::vec(0u16..6, 0..6)),
                1..20,
            ),
        ) {
            let names: Vec<String> = names.into_iter().collect();
            proptest::prop_assume!(names.len() >= 2);
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let rankings: Vec<(Decimal, Vec<u16>)> = ballots
                .into_iter()
                .map(|(w, r)| {
                    let mut seen = std::collections::BTreeSet::new();
                    let r = r.into_iter().filter(|i| usize::from(*i) < refs.len() && seen.insert(*i)).collect();
                    (Decimal::from(w), r)
                })
                .filter(|(_, r): &(Decimal, Vec<u16>)| !r.is_empty())
                .collect();
            proptest::prop_assume!(!rankings.is_empty());
            let text = write_rankings(&refs, rankings.iter().map(|(w, r)| (*w, &r[..])));
            let election = parse(text.as_bytes()).unwrap();
            let profile = election.profile().unwrap();
            let read: Vec<&str> = (0..profile.candidates().len())
                .map(|i| profile.candidates().name(CandidateId(i as u16)))
                .collect();
            proptest::prop_assert_eq!(&read, &refs);
            let total: Decimal = rankings.iter().map(|(w, _)| *w).sum();
            let read_total: Decimal = profile.ballots().iter().map(|(_, w)| *w).sum();
            proptest::prop_assert_eq!(read_total, total);
        }
    }

    #[test]
    fn quoted_names_and_equal_ranks() {
        let text =
            "candidates,Ada,Bo,\"Cy, Jr.\"\n3,Ada,Bo,\"Cy, Jr.\"\n\n# note\n2,\"Cy, Jr.\",Ada=Bo\n";
        let election = parse(text.as_bytes()).unwrap();
        assert_eq!(
            election
                .profile()
                .unwrap()
                .candidates()
                .name(crate::CandidateId(2)),
            "Cy, Jr."
        );
        assert_eq!(election.profile().unwrap().ballots()[1].0.ranks().len(), 2);
    }

    #[test]
    fn approvals_and_scores() {
        let election = parse("approvals,A,B,C\n2,A,C\n1,\n3,C,A\n".as_bytes()).unwrap();
        let Ballots::Approval(approvals) = election.ballots else {
            panic!("approvals expected")
        };
        assert_eq!(
            approvals.ballots().len(),
            2,
            "A,C and C,A are one set; an empty approval is a ballot"
        );
        assert_eq!(approvals.total_weight(), Decimal::from(6));
        let election = parse("scores,A,B,C\n1,5,,2\n".as_bytes()).unwrap();
        let Ballots::Score(scores) = election.ballots else {
            panic!("scores expected")
        };
        assert_eq!(scores.ballots()[0].0, vec![5, 0, 2]);
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("Ada,Bo\n", "line 1: the first row must be"),
            ("scores,A,B\n1,1,2,3\n", "line 2: 3 scores for 2 candidates"),
            ("scores,A,B\n1,x\n", "line 2: `x` is not a score"),
            ("approvals,A,B\n1,A,A\n", "line 2: `A` appears twice"),
            ("scores,A,B\n1,1,2,3\n", "line 2: 3 scores for 2 candidates"),
            ("scores,A,B\n1,x\n", "line 2: `x` is not a score"),
            ("approvals,A,B\n1,A,A\n", "line 2: `A` appears twice"),
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
            ("", "no header row"),
        ];
        for (text, expected) in cases {
            let err = parse(text.as_bytes()).unwrap_err().to_string();
            assert!(err.contains(expected), "{text:?}: {err}");
        }
    }
}
