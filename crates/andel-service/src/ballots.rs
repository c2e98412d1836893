//! A closed secret ballot's published list in the formats `andel tally` and other
//! counting programs read, written by `andel-tally`'s own writers beside its readers.

use andel_decisions::secret::BallotList;
use andel_decisions::{Kind, Mark, Spec};
use andel_tally::formats::{csv, pabulib};
use rust_decimal::Decimal;

use crate::ServiceError;

/// How a published ballot list is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BallotFormat {
    /// As published: the text whose SHA-256 the outcome holds.
    List,
    /// A CSV of weighted rankings (motions and elections). A motion's choices are the
    /// candidates `yes`, `no` and `abstain`, each ballot a one-mark ranking.
    Csv,
    /// A Pabulib file (participatory budgets), one voter per receipt.
    Pabulib,
}

/// The published `list` of a proposal with `spec`, written in `format`.
///
/// ```
/// use andel_decisions::secret::{Ballot, BallotList, Receipt};
/// use andel_decisions::{Choice, Mark, Spec};
/// use andel_service::{BallotFormat, ballots_in};
///
/// let spec: Spec = toml::from_str(r#"
///     title = "Open a second shop"
///     body = "The board proposes a second shop."
///     author = "1"
///     opens_at = "2027-05-06T09:00:00Z"
///     closes_at = "2027-05-06T17:00:00Z"
///     [kind]
///     kind = "motion"
///     threshold = { share = "2/3", inclusive = true }
/// "#)?;
/// let list = BallotList::new([
///     (Receipt::from_bytes([1; 15]), Ballot::new(1.into(), Mark::Choice(Choice::Yes))),
///     (Receipt::from_bytes([2; 15]), Ballot::new(2.into(), Mark::Choice(Choice::No))),
/// ])?;
/// let csv = ballots_in(&list, &spec, BallotFormat::Csv)?;
/// assert!(csv.contains("yes") && csv.contains("no"));
/// let err = ballots_in(&list, &spec, BallotFormat::Pabulib).unwrap_err();
/// assert_eq!(err.to_string(), "only a participatory budget is written as pabulib");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// A format the proposal's kind has no ballots in (a budget as CSV, a motion as
/// Pabulib).
pub fn ballots_in(
    list: &BallotList,
    spec: &Spec,
    format: BallotFormat,
) -> Result<String, ServiceError> {
    let refuse = |reason: &str| Err(ServiceError::Refused(reason.to_owned()));
    match (format, &spec.kind) {
        (BallotFormat::List, _) => Ok(list.to_text()),
        (BallotFormat::Csv, Kind::Motion { .. }) => {
            const CHOICES: [&str; 3] = ["yes", "no", "abstain"];
            let marks: Vec<(Decimal, [u16; 1])> = list
                .iter()
                .filter_map(|(_, ballot)| match ballot.mark() {
                    Mark::Choice(choice) => CHOICES
                        .iter()
                        .position(|c| *c == choice.to_string())
                        .and_then(|i| u16::try_from(i).ok())
                        .map(|i| (ballot.weight(), [i])),
                    _ => None,
                })
                .collect();
            Ok(csv::write_rankings(
                &CHOICES,
                marks.iter().map(|(w, r)| (*w, &r[..])),
            ))
        }
        (BallotFormat::Csv, Kind::Election { candidates, .. }) => {
            let names: Vec<&str> = candidates.iter().map(String::as_str).collect();
            let rankings = list.iter().filter_map(|(_, ballot)| match ballot.mark() {
                Mark::Ranking(ranking) => Some((ballot.weight(), &ranking[..])),
                _ => None,
            });
            Ok(csv::write_rankings(&names, rankings))
        }
        (
            BallotFormat::Pabulib,
            Kind::Budget {
                projects, limit, ..
            },
        ) => {
            let projects: Vec<(&str, Decimal)> =
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
            Ok(pabulib::write(*limit, &projects, &votes))
        }
        (BallotFormat::Csv, Kind::Budget { .. }) => {
            refuse("a participatory budget's ballots go to `andel tally` as --format pabulib")
        }
        (BallotFormat::Pabulib, _) => refuse("only a participatory budget is written as pabulib"),
        (BallotFormat::Csv, _) => refuse("this kind of proposal has no CSV of ballots"),
    }
}
