//! A closed secret ballot's published list in the formats `andel tally` counts, written
//! by `andel-tally`'s own writers beside its readers.

use andel::decisions::{Kind, Mark, Spec, secret::BallotList};
use andel::tally::formats::{csv, pabulib};
use anyhow::{Result, bail};

use super::ListFormat;

/// The published list in `format`.
pub(super) fn ballots(list: &BallotList, spec: &Spec, format: ListFormat) -> Result<String> {
    Ok(match (format, &spec.kind) {
        (ListFormat::List, _) => list.to_text(),
        (ListFormat::Csv, Kind::Motion { .. }) => {
            // A motion's choices are the candidates of a one-mark ranking.
            const CHOICES: [&str; 3] = ["yes", "no", "abstain"];
            let marks: Vec<(rust_decimal::Decimal, [u16; 1])> = list
                .iter()
                .filter_map(|(_, ballot)| match ballot.mark() {
                    Mark::Choice(choice) => CHOICES
                        .iter()
                        .position(|c| *c == choice.to_string())
                        .map(|i| (ballot.weight(), [i as u16])),
                    _ => None,
                })
                .collect();
            csv::write_rankings(&CHOICES, marks.iter().map(|(w, r)| (*w, &r[..])))
        }
        (ListFormat::Csv, Kind::Election { candidates, .. }) => {
            let names: Vec<&str> = candidates.iter().map(String::as_str).collect();
            let rankings = list.iter().filter_map(|(_, ballot)| match ballot.mark() {
                Mark::Ranking(ranking) => Some((ballot.weight(), &ranking[..])),
                _ => None,
            });
            csv::write_rankings(&names, rankings)
        }
        (
            ListFormat::Pabulib,
            Kind::Budget {
                projects, limit, ..
            },
        ) => {
            let projects: Vec<(&str, rust_decimal::Decimal)> =
                projects.iter().map(|p| (p.name.as_str(), p.cost)).collect();
            let votes: Vec<pabulib::Vote<'_>> = list
                .iter()
                .filter_map(|(receipt, ballot)| match ballot.mark() {
                    Mark::Approvals(approved) => Some(pabulib::Vote {
                        voter: receipt.to_string(),
                        approved,
                        weight: ballot.weight(),
                    }),
                    _ => None,
                })
                .collect();
            pabulib::write(*limit, &projects, &votes)
        }
        (ListFormat::Csv, Kind::Budget { .. }) => {
            bail!("a participatory budget's ballots go to `andel tally` as --format pabulib")
        }
        (ListFormat::Pabulib, _) => bail!("only a participatory budget is written as pabulib"),
        (ListFormat::Csv, _) => bail!("this kind of proposal has no CSV of ballots"),
    })
}
