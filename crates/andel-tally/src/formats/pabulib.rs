//! Pabulib's `.pb` files: participatory-budgeting elections (approval votes).
//!
//! ```text
//! META
//! key;value
//! budget;110
//! vote_type;approval
//! PROJECTS
//! project_id;cost;name
//! 1;50;Park benches
//! 2;50;Bike racks
//! VOTES
//! voter_id;vote
//! v1;1,2
//! v2;2
//! ```
//!
//! Sections `META`, `PROJECTS` and `VOTES` come in that order, each with a header row
//! naming its `;`-separated columns. Only `approval` votes are read; a `weight` column
//! in `VOTES`, if present, weighs each voter.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::BufRead;

use rust_decimal::Decimal;

use super::{Election, Lines, ParseError, weight};
use crate::{Approvals, Ballots, Budget, CandidateId, Candidates, MAX_CANDIDATES};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    None,
    Meta,
    Projects,
    Votes,
}

/// Reads a Pabulib file.
///
/// # Errors
///
/// The first malformed line: a section out of order, a missing column, an unknown
/// project, a bad cost or budget, or a vote type other than approval.
pub fn parse(input: impl BufRead) -> Result<Election, ParseError> {
    let mut lines = Lines::new(input);
    let mut section = Section::None;
    let mut columns: Vec<String> = Vec::new();
    let mut meta: HashMap<String, String> = HashMap::new();
    let mut projects: Vec<(String, String, Decimal)> = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut votes: Vec<(Vec<CandidateId>, Decimal, usize)> = Vec::new();
    while let Some(line) = lines.next_line()? {
        let line = line.trim().to_owned();
        if line.is_empty() {
            continue;
        }
        let next = match line.as_str() {
            "META" => Some(Section::Meta),
            "PROJECTS" => Some(Section::Projects),
            "VOTES" => Some(Section::Votes),
            _ => None,
        };
        if let Some(next) = next {
            let order = |s: Section| s as u8;
            if order(next) != order(section) + 1 {
                return Err(lines.error(format!(
                    "section {line} is out of order (META, PROJECTS, VOTES)"
                )));
            }
            section = next;
            columns.clear();
            continue;
        }
        let fields: Vec<String> = split(&line);
        if columns.is_empty() {
            if section == Section::None {
                return Err(lines.error("expected the META section"));
            }
            columns = fields
                .iter()
                .map(|f| f.trim().to_ascii_lowercase())
                .collect();
            continue;
        }
        let column = |name: &str| columns.iter().position(|c| c == name);
        let get = |name: &str| -> Result<&str, ParseError> {
            let i = column(name).ok_or_else(|| {
                lines.error(format!("the {section:?} section has no `{name}` column"))
            })?;
            fields
                .get(i)
                .map(|f| f.trim())
                .ok_or_else(|| lines.error(format!("the row has no `{name}` field")))
        };
        match section {
            Section::Meta => {
                if let [key, value, ..] = &fields[..] {
                    meta.insert(key.trim().to_ascii_lowercase(), value.trim().to_owned());
                }
            }
            Section::Projects => {
                let id = get("project_id")?.to_owned();
                let cost: Decimal = get("cost")?.parse().map_err(|_| {
                    lines.error(format!(
                        "`{}` is not a cost",
                        get("cost").unwrap_or_default()
                    ))
                })?;
                if cost.is_sign_negative() {
                    return Err(lines.error(format!("cost {cost} is negative")));
                }
                let name = column("name")
                    .and_then(|i| fields.get(i))
                    .map(|n| n.trim().to_owned())
                    .filter(|n| !n.is_empty());
                if ids.insert(id.clone(), projects.len()).is_some() {
                    return Err(lines.error(format!("project `{id}` is listed twice")));
                }
                if projects.len() >= MAX_CANDIDATES {
                    return Err(lines.error(format!("more than {MAX_CANDIDATES} projects")));
                }
                let label = name.map_or_else(|| id.clone(), |n| format!("{n} ({id})"));
                projects.push((id, label, cost));
            }
            Section::Votes => {
                let w = match column("weight") {
                    Some(_) => weight(get("weight")?).map_err(|p| lines.error(p))?,
                    None => Decimal::ONE,
                };
                let vote = get("vote")?;
                let approved = vote
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(|p| {
                        ids.get(p)
                            .map(|&i| CandidateId(i as u16))
                            .ok_or_else(|| lines.error(format!("vote for unknown project `{p}`")))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                let at = lines.line();
                votes.push((approved, w, at));
            }
            Section::None => return Err(lines.error("a row outside any section")),
        }
    }
    // A file cut short is refused: it must reach its VOTES section, end its last line,
    // and hold as many projects and votes as META declares (`num_projects`,
    // `num_votes`).
    let end = lines.line();
    let cut = |problem: String| ParseError { line: end, problem };
    if section != Section::Votes {
        return Err(cut(
            "the file has no VOTES section: it may be cut short".into()
        ));
    }
    if !lines.ended_cleanly() {
        return Err(cut(
            "the last line has no line ending: the file may be cut short".into(),
        ));
    }
    for (key, found, what) in [
        ("num_projects", projects.len(), "projects"),
        ("num_votes", votes.len(), "votes"),
    ] {
        if let Some(value) = meta.get(key) {
            let declared: usize = value
                .parse()
                .map_err(|_| cut(format!("the META `{key}` is `{value}`, not a number")))?;
            if declared != found {
                return Err(cut(format!(
                    "META declares {declared} {what} (`{key}`), but the file has {found}"
                )));
            }
        }
    }
    match meta.get("vote_type").map(String::as_str) {
        Some("approval") | None => {}
        Some(other) => {
            return Err(ParseError {
                line: 0,
                problem: format!("vote type `{other}` is not supported (only approval)"),
            });
        }
    }
    let limit: Decimal = meta
        .get("budget")
        .ok_or(ParseError {
            line: 0,
            problem: "META has no `budget`".into(),
        })?
        .parse()
        .map_err(|_| ParseError {
            line: 0,
            problem: "the META `budget` is not a number".into(),
        })?;
    let candidates =
        Candidates::new(projects.iter().map(|(_, label, _)| label.clone())).map_err(|err| {
            ParseError {
                line: 0,
                problem: err.to_string(),
            }
        })?;
    let costs = projects.iter().map(|(_, _, cost)| *cost).collect();
    let mut approvals = Approvals::builder(candidates);
    for (approved, w, line) in votes {
        approvals.add(approved, w).map_err(|err| ParseError {
            line,
            problem: err.to_string(),
        })?;
    }
    Ok(Election {
        ballots: Ballots::Budget {
            approvals: approvals.build(),
            budget: Budget { limit, costs },
        },
        seats: None,
        title: meta.get("description").cloned(),
    })
}

/// Splits a `;`-separated row; a field in double quotes may hold `;`.
fn split(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// One vote of a participatory budget, as [`write()`] takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vote<'a> {
    /// The voter's id in the file (a receipt, for a secret ballot).
    pub voter: String,
    /// The projects approved: indexes into the projects.
    pub approved: &'a [u16],
    /// The vote's weight.
    pub weight: Decimal,
}

/// Writes a participatory budget as a Pabulib file that [`parse`] reads: `META` with the
/// budget and the numbers of projects and votes (so that a file cut short is refused),
/// `PROJECTS` numbered from 0, and `VOTES` with a weight column. Semicolons and line
/// breaks in a project's name become spaces.
///
/// ```
/// use andel_tally::formats::pabulib::{Vote, parse, write};
///
/// let text = write(80.into(), &[("Bikes", 50.into()), ("Park; benches", 30.into())], &[
///     Vote { voter: "v1".into(), approved: &[0, 1], weight: 1.into() },
/// ]);
/// assert!(text.contains("1;30;Park  benches\n"));
/// let election = parse(text.as_bytes())?;
/// assert_eq!(election.ballots.candidates().len(), 2);
/// # Ok::<(), andel_tally::formats::ParseError>(())
/// ```
pub fn write(budget: Decimal, projects: &[(&str, Decimal)], votes: &[Vote<'_>]) -> String {
    let mut out = format!(
        "META\nkey;value\nbudget;{budget}\nvote_type;approval\nnum_projects;{}\nnum_votes;{}\nPROJECTS\nproject_id;cost;name\n",
        projects.len(),
        votes.len()
    );
    for (i, (name, cost)) in projects.iter().enumerate() {
        let name = name.replace([';', '\n', '\r'], " ");
        let _ = writeln!(out, "{i};{cost};{name}");
    }
    out.push_str("VOTES\nvoter_id;vote;weight\n");
    for vote in votes {
        let approved: Vec<String> = vote.approved.iter().map(u16::to_string).collect();
        let _ = writeln!(out, "{};{};{}", vote.voter, approved.join(","), vote.weight);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "META\nkey;value\nbudget;110\nvote_type;approval\nPROJECTS\nproject_id;cost;name\n1;50;Park\n2;50;\"Bikes; racks\"\n3;50;Library\nVOTES\nvoter_id;vote\n";

    #[test]
    fn reads_projects_costs_and_votes() {
        let text = format!("{FILE}a;1,2\nb;2\nc;3\n");
        let election = parse(text.as_bytes()).unwrap();
        let Ballots::Budget { approvals, budget } = election.ballots else {
            panic!("budget ballots expected")
        };
        assert_eq!(budget.limit, Decimal::from(110));
        assert_eq!(
            approvals.candidates().name(CandidateId(1)),
            "Bikes; racks (2)"
        );
        assert_eq!(approvals.total_weight(), Decimal::from(3));
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            (
                format!("{FILE}a;4\n"),
                "line 12: vote for unknown project `4`",
            ),
            (
                FILE.replace("1;50;Park", "1;x;Park"),
                "line 7: `x` is not a cost",
            ),
            (FILE.replace("VOTES\n", ""), "line 10: `vote` is not a cost"),
            (
                "PROJECTS\n".to_owned(),
                "line 1: section PROJECTS is out of order",
            ),
            (
                FILE.replace("approval", "ordinal"),
                "vote type `ordinal` is not supported",
            ),
            (FILE.replace("budget;110\n", ""), "META has no `budget`"),
        ];
        for (text, expected) in cases {
            let err = parse(text.as_bytes()).unwrap_err().to_string();
            assert!(err.contains(expected), "{expected}: {err}");
        }
    }
}
