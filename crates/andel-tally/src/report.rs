//! An [`Outcome`] in names and decimal strings: the JSON the `andel tally` command
//! prints, and a plain-text explanation.
//!
//! The JSON schema is documented in the book's Voting methods chapter.

use std::fmt::Write as _;

use rust_decimal::Decimal;
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::{CandidateId, Candidates, Outcome, Resolution, TieKind};

/// Name → value, serialised as a JSON object in candidate order.
#[derive(Debug, Clone, PartialEq)]
pub struct ByName<T>(pub Vec<(String, T)>);

impl<T: Serialize> Serialize for ByName<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// One stage, by name.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RoundReport {
    /// Every standing candidate's votes at the end of the stage.
    pub votes: ByName<Decimal>,
    /// Votes that went to nobody (exhausted, and STV rounding).
    pub non_transferable: Decimal,
    /// Elected at this stage.
    pub elected: Vec<String>,
    /// Excluded at this stage.
    pub excluded: Vec<String>,
    /// Whose surplus this stage transferred.
    pub surplus: Option<String>,
    /// The quota at this stage (STV).
    pub quota: Option<Decimal>,
    /// What each candidate gained (positive) or passed on (negative) at this stage:
    /// the change from the stage before. Empty at the first stage, and for STAR.
    pub transfers: ByName<Decimal>,
}

/// One tie, by name.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TieReport {
    /// The stage (1-based), for staged methods.
    pub stage: Option<usize>,
    /// What it was about.
    pub kind: TieKind,
    /// The tied candidates.
    pub between: Vec<String>,
    /// `earlier-stage`, `lot`, `unresolved`, or `immaterial` (not settled, and every
    /// way of settling it elects the same: see
    /// [`crate::Resolution::Immaterial`]).
    pub settled_by: &'static str,
    /// The stage that decided, for `earlier-stage`.
    pub decided_at_stage: Option<usize>,
    /// The seed, for `lot`.
    pub seed: Option<u64>,
    /// Who was chosen, if anyone; for `immaterial`, the settlement the stages follow.
    pub chosen: Option<String>,
}

/// The pairwise comparison, by name.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PairwiseReport {
    /// `wins[a][b]`: the weight of ballots ranking `a` above `b`.
    pub wins: ByName<ByName<Decimal>>,
    /// The Condorcet winner, if any.
    pub condorcet_winner: Option<String>,
    /// The Smith set.
    pub smith_set: Vec<String>,
    /// Schulze's strongest paths.
    pub strongest_paths: Option<ByName<ByName<Decimal>>>,
    /// Ranked pairs' locked pairs, in order: `[winner, loser]`.
    pub locked: Option<Vec<[String; 2]>>,
}

/// An outcome in names: what `andel tally --json` prints.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Report {
    /// The method's name.
    pub method: String,
    /// Seats filled.
    pub seats: usize,
    /// Total weight of valid ballots.
    pub valid_votes: Decimal,
    /// Total weight of rejected ballots: blank papers, in STV and IRV.
    pub rejected: Decimal,
    /// The STV quota.
    pub quota: Option<Decimal>,
    /// False when the count stopped at an unsettled tie.
    pub complete: bool,
    /// The elected, in order of election.
    pub elected: Vec<String>,
    /// The full ranking, equal candidates grouped, where the method defines one.
    pub ranking: Option<Vec<Vec<String>>>,
    /// Each candidate's score, where the method has one.
    pub scores: Option<ByName<Decimal>>,
    /// Every tie and how it was settled.
    pub ties: Vec<TieReport>,
    /// The stages of a staged method.
    pub rounds: Vec<RoundReport>,
    /// The pairwise comparison of a Condorcet method.
    pub pairwise: Option<PairwiseReport>,
    /// The money, for participatory budgeting.
    pub budget: Option<BudgetReport>,
}

/// How a participatory budget was spent, by name.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BudgetReport {
    /// The money available.
    pub limit: Decimal,
    /// The money spent.
    pub spent: Decimal,
    /// Each project's cost.
    pub costs: ByName<Decimal>,
    /// Equal Shares: each voter's share in the run that was kept.
    pub share: Option<Decimal>,
}

impl Report {
    /// Names everything in `outcome` with the candidates' names.
    pub fn new(outcome: &Outcome, candidates: &Candidates) -> Report {
        let name = |c: &CandidateId| candidates.name(*c).to_owned();
        let names = |cs: &[CandidateId]| cs.iter().map(name).collect::<Vec<_>>();
        let standing: Vec<CandidateId> = candidates.standing().collect();
        let by_name = |values: &[Decimal]| {
            ByName(
                standing
                    .iter()
                    .map(|c| (name(c), values[c.index()]))
                    .collect(),
            )
        };
        let matrix = |m: &[Vec<Decimal>]| {
            ByName(
                standing
                    .iter()
                    .map(|a| (name(a), by_name(&m[a.index()])))
                    .collect(),
            )
        };
        Report {
            method: outcome.method.name().to_owned(),
            seats: outcome.seats,
            valid_votes: outcome.valid_votes,
            rejected: outcome.rejected,
            quota: outcome.quota,
            complete: outcome.complete,
            elected: names(&outcome.elected),
            ranking: outcome
                .ranking
                .as_ref()
                .map(|r| r.iter().map(|g| names(g)).collect()),
            scores: outcome.scores.as_deref().map(by_name),
            ties: outcome
                .ties
                .iter()
                .map(|t| {
                    let (settled_by, decided_at_stage, seed) = match t.resolution {
                        Resolution::EarlierStage { stage, .. } => {
                            ("earlier-stage", Some(stage), None)
                        }
                        Resolution::Lot { seed, .. } => ("lot", None, Some(seed)),
                        Resolution::Unresolved => ("unresolved", None, None),
                        Resolution::Immaterial { .. } => ("immaterial", None, None),
                    };
                    TieReport {
                        stage: t.stage,
                        kind: t.kind,
                        between: names(&t.between),
                        settled_by,
                        decided_at_stage,
                        seed,
                        chosen: t.resolution.chosen().as_ref().map(name),
                    }
                })
                .collect(),
            rounds: outcome
                .rounds
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let before = i.checked_sub(1).map(|j| &outcome.rounds[j]);
                    let transfers = match before {
                        Some(before) if outcome.method != crate::Method::Star => ByName(
                            standing
                                .iter()
                                .map(|c| (name(c), r.votes[c.index()] - before.votes[c.index()]))
                                .filter(|(_, change)| !change.is_zero())
                                .collect(),
                        ),
                        _ => ByName(Vec::new()),
                    };
                    RoundReport {
                        votes: by_name(&r.votes),
                        non_transferable: r.non_transferable,
                        elected: names(&r.elected),
                        excluded: names(&r.excluded),
                        surplus: r.surplus.as_ref().map(name),
                        quota: r.quota,
                        transfers,
                    }
                })
                .collect(),
            pairwise: outcome.pairwise.as_ref().map(|p| PairwiseReport {
                wins: matrix(&p.wins),
                condorcet_winner: p.condorcet_winner.as_ref().map(name),
                smith_set: names(&p.smith_set),
                strongest_paths: p.strongest_paths.as_deref().map(matrix),
                locked: p
                    .locked
                    .as_ref()
                    .map(|l| l.iter().map(|(a, b)| [name(a), name(b)]).collect()),
            }),
            budget: outcome.spending.as_ref().map(|s| BudgetReport {
                limit: s.limit,
                spent: s.spent,
                costs: by_name(&s.costs),
                share: s.share,
            }),
        }
    }

    /// A plain-text explanation: the result, every stage, the pairwise table, the ties.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = write!(
            out,
            "{} · {} seat(s) · {} valid votes",
            self.method, self.seats, self.valid_votes
        );
        if self.rejected.is_zero() {
            out.push('\n');
        } else {
            let _ = writeln!(out, " · {} rejected (blank)", self.rejected);
        }
        if let Some(quota) = self.quota {
            let _ = writeln!(out, "quota {quota}");
        }
        let _ = writeln!(
            out,
            "elected: {}",
            if self.elected.is_empty() {
                "nobody".into()
            } else {
                self.elected.join(", ")
            }
        );
        if !self.complete {
            let _ = writeln!(
                out,
                "INCOMPLETE: the count stopped at a tie the policy does not settle (see ties)"
            );
        }
        if let Some(ranking) = &self.ranking {
            let line: Vec<String> = ranking.iter().map(|g| g.join(" = ")).collect();
            let _ = writeln!(out, "ranking: {}", line.join(" > "));
        }
        if let Some(scores) = &self.scores {
            let _ = writeln!(out, "scores:");
            for (name, score) in &scores.0 {
                let _ = writeln!(out, "  {name:<28} {score:>14}");
            }
        }
        for (i, round) in self.rounds.iter().enumerate() {
            let what = match (&round.surplus, round.excluded.as_slice()) {
                (Some(s), _) => format!("surplus of {s} transferred"),
                (None, [e, ..]) => format!("{e} excluded, their ballots transferred"),
                _ if i == 0 => "first preferences".to_owned(),
                _ => String::new(),
            };
            let _ = writeln!(out, "\nstage {}: {what}", i + 1);
            for (name, votes) in &round.votes.0 {
                let change = round
                    .transfers
                    .0
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, c)| format!("{c:+}"))
                    .unwrap_or_default();
                let _ = writeln!(out, "  {name:<28} {votes:>14} {change:>14}");
            }
            let _ = writeln!(
                out,
                "  {:<28} {:>14}",
                "non-transferable", round.non_transferable
            );
            for name in &round.excluded {
                let _ = writeln!(
                    out,
                    "  excluded: {name}, with the fewest votes of those continuing"
                );
            }
            if !round.elected.is_empty() {
                let why = match (self.method.as_str(), round.quota) {
                    ("star", _) if i == 1 => "preferred on more ballots in the runoff".to_owned(),
                    ("irv", _) => {
                        "a majority of the votes still in the count, or the last one standing"
                            .to_owned()
                    }
                    (_, Some(quota)) => {
                        format!("reached the quota of {quota}, or filled the last seats")
                    }
                    _ => String::new(),
                };
                let _ = writeln!(out, "  elected: {} ({why})", round.elected.join(", "));
            }
        }
        if let Some(p) = &self.pairwise {
            let header: Vec<&str> = p.wins.0.iter().map(|(n, _)| n.as_str()).collect();
            let _ = writeln!(
                out,
                "\npairwise: ballots ranking the row above the column ({})",
                header.join(", ")
            );
            for (a, row) in &p.wins.0 {
                let cells: Vec<String> = row
                    .0
                    .iter()
                    .map(|(b, w)| if a == b { "-".into() } else { w.to_string() })
                    .collect();
                let _ = writeln!(out, "  {a:<28} {}", cells.join("  "));
            }
            let _ = writeln!(
                out,
                "Condorcet winner: {}",
                p.condorcet_winner.as_deref().unwrap_or("none")
            );
            let _ = writeln!(out, "Smith set: {}", p.smith_set.join(", "));
            if let Some(paths) = &p.strongest_paths {
                let _ = writeln!(out, "strongest paths (row to column):");
                for (a, row) in &paths.0 {
                    let cells: Vec<String> = row
                        .0
                        .iter()
                        .map(|(b, w)| if a == b { "-".into() } else { w.to_string() })
                        .collect();
                    let _ = writeln!(out, "  {a:<28} {}", cells.join("  "));
                }
            }
            if let Some(locked) = &p.locked {
                let pairs: Vec<String> = locked.iter().map(|[a, b]| format!("{a} > {b}")).collect();
                let _ = writeln!(out, "locked, in order: {}", pairs.join("; "));
            }
        }
        if let Some(budget) = &self.budget {
            let _ = writeln!(out, "\nbudget {} · spent {}", budget.limit, budget.spent);
            if let Some(share) = budget.share {
                let _ = writeln!(out, "each voter's share in the counted run: {share}");
            }
        }
        for tie in &self.ties {
            let at = tie
                .stage
                .map(|s| format!(" at stage {s}"))
                .unwrap_or_default();
            let how = match (tie.settled_by, &tie.chosen) {
                ("earlier-stage", Some(c)) => format!(
                    "settled by stage {}: {c}",
                    tie.decided_at_stage.unwrap_or_default()
                ),
                ("lot", Some(c)) => format!(
                    "settled by lot (seed {}): {c}",
                    tie.seed.unwrap_or_default()
                ),
                ("immaterial", Some(c)) => format!(
                    "not settled, and it does not matter: every way of settling it elects {}; the stages follow {c}",
                    self.elected.join(", ")
                ),
                _ => "not settled".to_owned(),
            };
            let _ = writeln!(
                out,
                "tie{at} ({:?}) between {}: {how}",
                tie.kind,
                tie.between.join(", ")
            );
        }
        out
    }
}
