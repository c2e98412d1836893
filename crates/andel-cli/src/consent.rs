//! `andel consent`: members give, refuse and withdraw consent for a purpose, list what
//! they gave, and take a receipt away. Each subcommand calls one use case of
//! `andel-service` and prints what it answered.

use std::path::{Path, PathBuf};

use andel::consent::{
    ConsentBook, ConsentCommand, ConsentEvent, ConsentLookup, Controller, MemberId, Purpose,
    Standing,
};
use andel::journal::{AuthorId, Timestamp};
use anyhow::{Context, Result, bail};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::Exit;
use crate::source::{Create, StoreArg};

/// Members' consents: give, refuse, withdraw, list, receipt.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Sub,
    #[command(flatten)]
    store: StoreArg,
    /// The time of the act, or of the question, RFC 3339 [default: now].
    #[arg(long, value_name = "TIME", global = true, value_parser = crate::args::time)]
    at: Option<DateTime<Utc>>,
    /// Who records it (kept with each entry).
    #[arg(long, value_name = "NAME", global = true)]
    by: Option<AuthorId>,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Give consent for a purpose, until --expires if given.
    Give {
        /// The member.
        #[arg(long)]
        member: MemberId,
        /// The purpose, such as `research` or `aggregate-statistics`.
        #[arg(long)]
        purpose: Purpose,
        /// When the consent lapses on its own, RFC 3339.
        #[arg(long, value_name = "TIME", value_parser = crate::args::time)]
        expires: Option<DateTime<Utc>>,
    },
    /// Refuse consent for a purpose.
    Refuse {
        /// The member.
        #[arg(long)]
        member: MemberId,
        /// The purpose.
        #[arg(long)]
        purpose: Purpose,
    },
    /// Withdraw consent: one step, as easy as giving it. Not retroactive.
    Withdraw {
        /// The member.
        #[arg(long)]
        member: MemberId,
        /// The purpose.
        #[arg(long)]
        purpose: Purpose,
    },
    /// A member's consents as of --at, with their history.
    List {
        /// The member.
        #[arg(long)]
        member: MemberId,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The receipt for a consent in force at --at, as JSON: Kantara Consent Receipt
    /// v1.1, or a DPV consent record.
    Receipt {
        /// The member.
        #[arg(long)]
        member: MemberId,
        /// The purpose.
        #[arg(long)]
        purpose: Purpose,
        /// The co-op as controller: a TOML file with name, contact, address, email,
        /// jurisdiction and policy_url.
        #[arg(long, value_name = "FILE")]
        controller: PathBuf,
        /// The receipt's shape.
        #[arg(long, value_enum, default_value = "kantara")]
        format: ReceiptFormat,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ReceiptFormat {
    /// Kantara Initiative Consent Receipt v1.1.
    Kantara,
    /// A consent record in the W3C Data Privacy Vocabulary, as JSON-LD.
    Dpv,
}

pub(crate) fn run(args: Args) -> Result<Exit> {
    // Files are read before the database is opened.
    let controller = match &args.command {
        Sub::Receipt { controller, .. } => Some(read_controller(controller)?),
        _ => None,
    };
    let journal = args.store.open("andel consent", Create::Refused)?;
    let at = args.at.unwrap_or_else(Utc::now);
    let coop = journal.coop();
    let command = match args.command {
        Sub::Give {
            member,
            purpose,
            expires,
        } => ConsentCommand::Give {
            member,
            purpose,
            expires,
        },
        Sub::Refuse { member, purpose } => ConsentCommand::Refuse { member, purpose },
        Sub::Withdraw { member, purpose } => ConsentCommand::Withdraw { member, purpose },
        Sub::List { member, json } => {
            let book = journal.run(coop.consents())?;
            return list(&book, &member, at, json);
        }
        Sub::Receipt {
            member,
            purpose,
            format,
            ..
        } => {
            let book = journal.run(coop.consents())?;
            let controller = controller.context("the controller was read before opening")?;
            let Some(receipt) = book.receipt(&member, purpose, at, &controller) else {
                bail!(
                    "`{member}` has no consent for {purpose} in force at {}, so there is no receipt",
                    rfc3339(at)
                );
            };
            let json = match format {
                ReceiptFormat::Kantara => receipt.to_kantara(),
                ReceiptFormat::Dpv => receipt.to_dpv(),
            };
            return crate::json(&json);
        }
    };
    let recorded_at = Timestamp::new(Utc::now()).context("the clock is off")?;
    let events = journal.run(coop.record_consent(command.clone(), at, recorded_at, args.by))?;
    crate::print(&recorded(&command, &events))?;
    Ok(Exit::Ok)
}

pub(crate) fn read_controller(path: &Path) -> Result<Controller> {
    toml::from_str(&crate::files::read_input(path)?).with_context(|| {
        format!(
            "{} does not describe the co-op as controller",
            path.display()
        )
    })
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// What a give, refuse or withdraw recorded, a line each.
fn recorded(command: &ConsentCommand, events: &[ConsentEvent]) -> String {
    if events.is_empty() {
        let (ConsentCommand::Give {
            member, purpose, ..
        }
        | ConsentCommand::Refuse { member, purpose }
        | ConsentCommand::Withdraw { member, purpose }) = command;
        return format!("nothing to record: `{member}`'s standing on {purpose} is already that\n");
    }
    let mut text = String::new();
    for event in events {
        let line = match event {
            ConsentEvent::Given {
                member,
                purpose,
                at,
                expires,
            } => {
                let until = expires
                    .map(|e| format!(" until {}", rfc3339(e)))
                    .unwrap_or_default();
                format!(
                    "`{member}` gives consent for {purpose} at {}{until}",
                    rfc3339(*at)
                )
            }
            ConsentEvent::Refused {
                member,
                purpose,
                at,
            } => {
                format!(
                    "`{member}` refuses consent for {purpose} at {}",
                    rfc3339(*at)
                )
            }
            ConsentEvent::Withdrawn {
                member,
                purpose,
                at,
            } => {
                format!(
                    "`{member}` withdraws consent for {purpose} at {}",
                    rfc3339(*at)
                )
            }
        };
        text.push_str(&line);
        text.push('\n');
    }
    text
}

#[derive(Serialize)]
struct Listed<'a> {
    member: &'a MemberId,
    as_of: DateTime<Utc>,
    purposes: Vec<PurposeListed<'a>>,
}

#[derive(Serialize)]
struct PurposeListed<'a> {
    purpose: Purpose,
    in_force: bool,
    history: &'a [andel::consent::ConsentStep],
}

/// A member's consents as of `at`.
fn list(book: &ConsentBook, member: &MemberId, at: DateTime<Utc>, json: bool) -> Result<Exit> {
    let purposes: Vec<PurposeListed<'_>> = book
        .of_member(member)
        .map(|(purpose, history)| PurposeListed {
            purpose,
            in_force: book.consent_in_force(member, purpose, at).is_some(),
            history,
        })
        .collect();
    if json {
        return crate::json(&Listed {
            member,
            as_of: at,
            purposes,
        });
    }
    if purposes.is_empty() {
        crate::print(&format!("`{member}` has no consent records\n"))?;
        return Ok(Exit::Ok);
    }
    let mut text = String::new();
    for listed in &purposes {
        let standing = if listed.in_force {
            "in force"
        } else {
            "not in force"
        };
        text.push_str(&format!(
            "{}: {standing} at {}\n",
            listed.purpose,
            rfc3339(at)
        ));
        for step in listed.history {
            let what = match step.standing {
                Standing::Given {
                    expires: Some(expires),
                } => {
                    format!("given, until {}", rfc3339(expires))
                }
                Standing::Given { expires: None } => "given".to_owned(),
                Standing::Refused => "refused".to_owned(),
                Standing::Withdrawn => "withdrawn".to_owned(),
            };
            text.push_str(&format!("  {} {what}\n", rfc3339(step.at)));
        }
    }
    crate::print(&text)?;
    Ok(Exit::Ok)
}
