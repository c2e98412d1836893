//! `andel access`: decide one access and say why (recording the decision in the audit
//! journal), and a member's transparency report.

use std::collections::BTreeSet;
use std::path::PathBuf;

use andel::consent::{
    Action, ErasureDue, ErasureReason, MemberId, Owners, Principal, Purpose, Request, Resource,
    ResourceId, ResourceKind, Role, ServiceName,
};
use andel::journal::{AuthorId, Timestamp};
use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};

use crate::Exit;
use crate::source::{Create, StoreArg};

/// Decide an access and say why; a member's transparency report.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Sub,
    #[command(flatten)]
    store: StoreArg,
    /// Who records it (kept with each entry).
    #[arg(long, value_name = "NAME", global = true)]
    by: Option<AuthorId>,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Decide one access under the data policy in force (adopted by decision) and the
    /// consents in force, print why, and record the decision; exit 1 if it is refused.
    /// With --policy, say what that file would answer, and record nothing.
    Check {
        /// The service's schema (TOML), to read --policy.
        #[arg(long, value_name = "FILE", requires = "policy")]
        schema: Option<PathBuf>,
        /// A policy file not adopted (yet): what would it answer?
        #[arg(long, value_name = "FILE", requires = "schema")]
        policy: Option<PathBuf>,
        /// Who asks: `member:ID` or `service:NAME`.
        #[arg(long)]
        principal: String,
        /// A role the member holds (repeat for several).
        #[arg(long)]
        role: Vec<Role>,
        /// The member a service acts for.
        #[arg(long, value_name = "MEMBER")]
        acting_for: Option<MemberId>,
        /// The action.
        #[arg(long)]
        action: Action,
        /// The resource's kind.
        #[arg(long)]
        kind: ResourceKind,
        /// The resource's id.
        #[arg(long)]
        id: ResourceId,
        /// Its owner (repeat for joint owners).
        #[arg(long, required = true)]
        owner: Vec<MemberId>,
        /// A member it is shared with (repeat for several).
        #[arg(long)]
        shared_with: Vec<MemberId>,
        /// The purpose.
        #[arg(long)]
        purpose: Purpose,
        /// For an aggregate: over how many members' data.
        #[arg(long, value_name = "N")]
        aggregate: Option<u32>,
        /// When, RFC 3339 [default: now].
        #[arg(long, value_name = "TIME", value_parser = crate::args::time)]
        at: Option<DateTime<Utc>>,
        /// Print the decision as JSON.
        #[arg(long)]
        json: bool,
    },
    /// What is due for erasure at --at: the retention the policy's duties set, and data
    /// whose only basis was a consent since withdrawn or expired.
    ErasuresDue {
        /// The moment, RFC 3339 [default: now].
        #[arg(long, value_name = "TIME", value_parser = crate::args::time)]
        at: Option<DateTime<Utc>>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The erasures carried out, with the journal entries redacted for each.
    Erased {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Every access decided about a member's data over a period (GDPR art. 15).
    Report {
        /// The member.
        #[arg(long)]
        member: MemberId,
        /// From (inclusive), RFC 3339.
        #[arg(long, value_name = "TIME", value_parser = crate::args::time)]
        from: DateTime<Utc>,
        /// Until (exclusive), RFC 3339.
        #[arg(long, value_name = "TIME", value_parser = crate::args::time)]
        to: DateTime<Utc>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

pub(crate) fn run(args: Args) -> Result<Exit> {
    match args.command {
        Sub::ErasuresDue { at, json } => {
            let at = at.unwrap_or_else(Utc::now);
            let journal = args.store.open("andel access", Create::Refused)?;
            let due = journal.run(journal.coop().erasures_due(at))?;
            if json {
                return crate::json(&due);
            }
            crate::print(&erasures_text(&due, at))?;
            Ok(Exit::Ok)
        }
        Sub::Erased { json } => {
            let journal = args.store.open("andel access", Create::Refused)?;
            let book = journal.run(journal.coop().erasures())?;
            if json {
                return crate::json(&book.history());
            }
            crate::print(&erased_text(book.history()))?;
            Ok(Exit::Ok)
        }
        Sub::Report {
            member,
            from,
            to,
            json,
        } => {
            if to <= from {
                bail!("--to ({to}) must come after --from ({from})");
            }
            let journal = args.store.open("andel access", Create::Refused)?;
            let report = journal.run(journal.coop().transparency_report(&member, from, to))?;
            if json {
                return crate::json(&report);
            }
            crate::print(&report.to_text())?;
            Ok(Exit::Ok)
        }
        Sub::Check {
            schema,
            policy,
            principal,
            role,
            acting_for,
            action,
            kind,
            id,
            owner,
            shared_with,
            purpose,
            aggregate,
            at,
            json,
        } => {
            let principal = principal_of(&principal, role, acting_for)?;
            let owners = Owners::jointly(owner)?;
            let resource = shared_with
                .into_iter()
                .fold(Resource::new(kind, id, owners), Resource::shared_with);
            let request = Request {
                principal,
                action,
                resource,
                purpose,
                at: at.unwrap_or_else(Utc::now),
                aggregate_of: aggregate,
            };
            let journal = args.store.open("andel access", Create::Refused)?;
            let coop = journal.coop();
            let trial = match (&schema, &policy) {
                (Some(schema), Some(policy)) => {
                    let schema = crate::policy::read_schema(schema)?;
                    let charters = journal.run(coop.charters())?;
                    let charter = charters.charter_at(request.at).clone();
                    let policy = crate::policy::read_policy(policy, &schema, &charter)??;
                    Some((policy, charter))
                }
                _ => None,
            };
            let decision = match &trial {
                Some((policy, charter)) => {
                    journal.run(coop.try_access_under(&request, policy, charter))?
                }
                None => {
                    let recorded_at = Timestamp::new(Utc::now()).context("the clock is off")?;
                    journal.run(coop.decide_access(&request, recorded_at, args.by))?
                }
            };
            if trial.is_some() && !json {
                eprintln!("not recorded: a trial under a policy file not adopted");
            }
            if json {
                crate::json(&decision)?;
            } else {
                crate::print(&format!("{}\n", decision.explanation))?;
            }
            Ok(if decision.allowed {
                Exit::Ok
            } else {
                Exit::Invalid
            })
        }
    }
}

/// `member:ID` with its roles, or `service:NAME` acting for a member or no one.
fn principal_of(text: &str, roles: Vec<Role>, acting_for: Option<MemberId>) -> Result<Principal> {
    match text.split_once(':') {
        Some(("member", id)) if acting_for.is_none() => Ok(Principal::Member {
            id: id.parse()?,
            roles: roles.into_iter().collect::<BTreeSet<_>>(),
        }),
        Some(("service", name)) if roles.is_empty() => Ok(Principal::Service {
            name: name.parse::<ServiceName>()?,
            acting_for,
        }),
        Some(("member", _)) => bail!("--acting-for is for a service, not a member"),
        Some(("service", _)) => bail!("--role is for a member, not a service"),
        _ => bail!("--principal `{text}` is neither `member:ID` nor `service:NAME`"),
    }
}

/// A line per resource and purpose due for erasure.
fn erased_text(erased: &[andel::consent::Erased]) -> String {
    if erased.is_empty() {
        return "no erasure has been carried out\n".to_owned();
    }
    let time = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    erased
        .iter()
        .map(|erasure| {
            let entries: Vec<String> = erasure
                .entries
                .iter()
                .map(|entry| format!("entry {} of `{}`", entry.seq, entry.stream))
                .collect();
            format!(
                "{} `{}` for {}: erased at {} (due since {}): {}\n",
                erasure.due.kind,
                erasure.due.id,
                erasure.due.purpose,
                time(erasure.at),
                time(erasure.due.due),
                if entries.is_empty() {
                    "nothing was kept".to_owned()
                } else {
                    entries.join(", ")
                }
            )
        })
        .collect()
}

fn erasures_text(due: &[ErasureDue], at: DateTime<Utc>) -> String {
    let time = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    if due.is_empty() {
        return format!("nothing is due for erasure at {}\n", time(at));
    }
    let mut text = String::new();
    for erasure in due {
        let why = match &erasure.reason {
            ErasureReason::Retention { days } => {
                format!(
                    "kept {days} days after its use on {}",
                    time(erasure.accessed)
                )
            }
            ErasureReason::ConsentEnded { member } => {
                format!("`{member}`'s consent it rested on ended")
            }
        };
        text.push_str(&format!(
            "{} `{}` for {}: due since {} ({why})\n",
            erasure.kind,
            erasure.id,
            erasure.purpose,
            time(erasure.due)
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use andel::consent::{EntryRef, Erased, ErasureDue, ErasureReason, Purpose};

    use super::erased_text;

    #[test]
    fn erasures_carried_out_name_their_entries() {
        let due = ErasureDue {
            kind: "card".parse().unwrap(),
            id: "c1".parse().unwrap(),
            purpose: Purpose::AggregateStatistics,
            accessed: "2027-05-12T10:00:00Z".parse().unwrap(),
            due: "2027-08-10T10:00:00Z".parse().unwrap(),
            reason: ErasureReason::Retention { days: 90 },
        };
        let erased = |entries| Erased {
            due: due.clone(),
            at: "2027-09-01T00:00:00Z".parse().unwrap(),
            entries,
        };
        let two = vec![
            EntryRef {
                stream: "stats".into(),
                seq: 4,
            },
            EntryRef {
                stream: "stats".into(),
                seq: 9,
            },
        ];
        assert_eq!(
            erased_text(&[erased(two), erased(Vec::new())]),
            "card `c1` for aggregate-statistics: erased at 2027-09-01T00:00:00Z (due since \
             2027-08-10T10:00:00Z): entry 4 of `stats`, entry 9 of `stats`\n\
             card `c1` for aggregate-statistics: erased at 2027-09-01T00:00:00Z (due since \
             2027-08-10T10:00:00Z): nothing was kept\n"
        );
        assert_eq!(erased_text(&[]), "no erasure has been carried out\n");
    }
}
