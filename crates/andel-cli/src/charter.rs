//! `andel charter`: check a charter file, amend the charter by the citation of the
//! decision that passed it, and show the versions adopted.

use std::path::PathBuf;

use andel::consent::{AmendedCharter, Charter, CharterBook};
use andel::journal::{AuthorId, Timestamp};
use andel::service::CharterChange;
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};

use crate::Exit;
use crate::policy::{ByDecision, time};
use crate::source::{Create, StoreArg};

/// The charter: validate, amend, show, history.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    store: StoreArg,
    /// Who records it (kept with each entry).
    #[arg(long, value_name = "NAME", global = true)]
    by: Option<AuthorId>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Check a charter file; exit 1 listing every problem with its line.
    Validate {
        /// The charter file (TOML).
        charter: PathBuf,
    },
    /// Amend the charter by the decision that passed it: the proposal must enact this
    /// file (`andel decide create --enacts data-charter=FILE`), have passed at the
    /// threshold the charter in force sets for its own change, and be this co-op's.
    Amend {
        #[command(flatten)]
        decision: ByDecision,
        /// The charter file (TOML), byte for byte the one members voted on.
        charter: PathBuf,
    },
    /// The charter in force at --at (the default one until the members amend it), and
    /// the decision that adopted it.
    Show {
        /// The moment, RFC 3339 [default: now].
        #[arg(long, value_name = "TIME", value_parser = crate::args::time)]
        at: Option<DateTime<Utc>>,
        /// Print JSON (the charter, and its text, decision and citation once amended).
        #[arg(long)]
        json: bool,
    },
    /// Every version adopted, with the decision behind it.
    History {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

pub(crate) fn run(args: Args) -> Result<Exit> {
    match args.command {
        Command::Validate { charter } => {
            let text = crate::files::read_input(&charter)
                .with_context(|| format!("cannot read the charter {}", charter.display()))?;
            match Charter::from_toml(&charter.display().to_string(), &text) {
                Ok(read) => {
                    crate::print(&format!("ok: {}: {}\n", charter.display(), describe(&read)))?;
                    Ok(Exit::Ok)
                }
                Err(problems) => {
                    eprintln!("{problems}");
                    Ok(Exit::Invalid)
                }
            }
        }
        Command::Amend { decision, charter } => {
            let text = crate::files::read_input(&charter)
                .with_context(|| format!("cannot read the charter {}", charter.display()))?;
            let (citation, at, effective) = decision.read()?;
            let change = CharterChange {
                source: charter.display().to_string(),
                text,
                citation,
                effective,
            };
            let recorded_at = Timestamp::new(Utc::now()).context("the clock is off")?;
            let journal = args.store.open("andel charter amend", Create::Refused)?;
            let amended = journal.run(journal.coop().amend_charter(
                change,
                at,
                recorded_at,
                args.by,
            ))?;
            crate::print(&format!("amended: {}\n", summary(&amended)))?;
            Ok(Exit::Ok)
        }
        Command::Show { at, json } => {
            let at = at.unwrap_or_else(Utc::now);
            let book = charters(args.store, "andel charter show")?;
            match (book.in_force(at), json) {
                (Some(amended), true) => crate::json(amended),
                (None, true) => crate::json(book.charter_at(at)),
                (Some(amended), false) => {
                    crate::print(&format!("in force at {}: {}\n", time(at), summary(amended)))?;
                    Ok(Exit::Ok)
                }
                (None, false) => {
                    let charter = book.charter_at(at);
                    crate::print(&format!(
                        "in force at {}: the default charter (version 0), {}\n",
                        time(at),
                        describe(charter)
                    ))?;
                    Ok(Exit::Ok)
                }
            }
        }
        Command::History { json } => {
            let book = charters(args.store, "andel charter history")?;
            if json {
                return crate::json(&book.history());
            }
            let lines: String = book
                .history()
                .iter()
                .map(|amended| format!("{}\n", summary(amended)))
                .collect();
            let none = "the charter has not been amended: the default charter is in force\n";
            crate::print(if lines.is_empty() { none } else { &lines })?;
            Ok(Exit::Ok)
        }
    }
}

fn charters(store: StoreArg, command: &str) -> Result<CharterBook> {
    let journal = store.open(command, Create::Refused)?;
    Ok(journal.run(journal.coop().charters())?)
}

/// What a charter forbids and what changing it takes.
fn describe(charter: &Charter) -> String {
    let forbidden: Vec<String> = charter.forbidden().map(|p| p.to_string()).collect();
    let amendment = charter.amendment();
    format!(
        "version {} forbids {}; changing it takes a motion passed by {}{}",
        charter.version(),
        forbidden.join(", "),
        amendment.threshold,
        if amendment.by_consent {
            ", or a consent decision"
        } else {
            ""
        }
    )
}

/// One line about an adopted version.
fn summary(amended: &AmendedCharter) -> String {
    format!(
        "{} (sha256 {}), in force from {}, adopted by {}",
        describe(&amended.charter),
        amended.sha256,
        time(amended.effective),
        amended.decision
    )
}
