//! A closed secret ballot's published list in the formats `andel tally` counts.

use std::fmt::Write as _;

use andel::decisions::{BallotList, Kind, Mark, Spec};
use anyhow::{Result, bail};

use super::ListFormat;

/// The published list in `format`.
pub(super) fn ballots(list: &BallotList, spec: &Spec, format: ListFormat) -> Result<String> {
    let mut out = String::new();
    match (format, &spec.kind) {
        (ListFormat::List, _) => return Ok(list.to_text()),
        (ListFormat::Csv, Kind::Motion { .. }) => {
            out.push_str("candidates,yes,no,abstain\n");
            for (_, ballot) in list.iter() {
                let _ = writeln!(out, "{},{}", ballot.weight(), ballot.mark());
            }
        }
        (ListFormat::Csv, Kind::Election { candidates, .. }) => {
            let header: Vec<String> = candidates.iter().map(|c| csv_field(c)).collect();
            let _ = writeln!(out, "candidates,{}", header.join(","));
            for (_, ballot) in list.iter() {
                let Mark::Ranking(ranking) = ballot.mark() else {
                    continue;
                };
                let _ = write!(out, "{}", ballot.weight());
                for i in ranking {
                    let name = candidates.get(usize::from(*i)).map_or("", String::as_str);
                    let _ = write!(out, ",{}", csv_field(name));
                }
                out.push('\n');
            }
        }
        (
            ListFormat::Pabulib,
            Kind::Budget {
                projects, limit, ..
            },
        ) => {
            let _ = write!(
                out,
                "META\nkey;value\nbudget;{limit}\nvote_type;approval\nPROJECTS\nproject_id;cost;name\n"
            );
            for (i, project) in projects.iter().enumerate() {
                let name = project.name.replace([';', '\n'], " ");
                let _ = writeln!(out, "{i};{};{name}", project.cost);
            }
            out.push_str("VOTES\nvoter_id;vote;weight\n");
            for (receipt, ballot) in list.iter() {
                let Mark::Approvals(approved) = ballot.mark() else {
                    continue;
                };
                let approved: Vec<String> = approved.iter().map(u16::to_string).collect();
                let _ = writeln!(out, "{receipt};{};{}", approved.join(","), ballot.weight());
            }
        }
        (ListFormat::Csv, Kind::Budget { .. }) => {
            bail!("a participatory budget's ballots go to `andel tally` as --format pabulib")
        }
        (ListFormat::Pabulib, _) => bail!("only a participatory budget is written as pabulib"),
        (ListFormat::Csv, _) => bail!("this kind of proposal has no CSV of ballots"),
    }
    Ok(out)
}

/// A CSV field, quoted when it must be.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '=']) || text.trim() != text {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}
