//! `andel policy`: check a data policy file against the service's schema and the
//! charter, show what a proposed version changes before members vote on it, adopt it by
//! the citation of the decision that passed it, and show the versions adopted.

use std::path::{Path, PathBuf};

use andel::consent::{
    AdoptedPolicy, Charter, MemberId, Policy, PolicyBook, Schema, permission_diff,
};
use andel::decisions::Citation;
use andel::journal::{AuthorId, Timestamp};
use andel::service::{PolicyAdoption, PolicyFile};
use anyhow::{Context, Result, bail};
use chrono::{DateTime, SecondsFormat, Utc};

use crate::Exit;
use crate::source::{Create, StoreArg};

/// How a document (a policy, the charter) is adopted: by citing the decision that
/// passed it, from a moment on.
#[derive(Debug, clap::Args)]
pub(crate) struct ByDecision {
    /// The citation of the decision (`andel decide cite` writes it).
    #[arg(long, value_name = "FILE")]
    citation: PathBuf,
    /// When the version takes effect, RFC 3339: at or after the decision closed
    /// [default: --at].
    #[arg(long, value_name = "TIME", value_parser = crate::args::time)]
    effective: Option<DateTime<Utc>>,
    /// When it is adopted, RFC 3339 [default: now].
    #[arg(long, value_name = "TIME", value_parser = crate::args::time)]
    at: Option<DateTime<Utc>>,
}

impl ByDecision {
    /// The citation read from its file, the moment of adoption and the one it takes
    /// effect.
    pub(crate) fn read(&self) -> Result<(Citation, DateTime<Utc>, DateTime<Utc>)> {
        let citation: Citation =
            serde_json::from_str(&crate::files::read_input(&self.citation)?)
                .with_context(|| format!("{} is not a citation", self.citation.display()))?;
        let at = self.at.unwrap_or_else(Utc::now);
        Ok((citation, at, self.effective.unwrap_or(at)))
    }
}

/// Data policies: validate, diff, adopt, show, history.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    store: StoreArg,
    /// Who records it (kept with each entry).
    #[arg(long, value_name = "NAME", global = true)]
    by: Option<AuthorId>,
    /// An organisation member's own policy, over what it owns, instead of the co-op's
    /// (adopt, show, history).
    #[arg(long, value_name = "MEMBER", global = true)]
    organisation: Option<MemberId>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Check a policy file; exit 1 listing every problem with its line.
    Validate {
        /// The service's schema: its resource kinds and the actions each allows (TOML).
        #[arg(long, value_name = "FILE")]
        schema: PathBuf,
        /// A charter file to check against [default: the default charter].
        #[arg(long, value_name = "FILE")]
        charter: Option<PathBuf>,
        /// The policy file (TOML).
        policy: PathBuf,
    },
    /// What a proposed version changes against the one in force: every combination of
    /// principal, action, resource and purpose whose access differs.
    Diff {
        /// The service's schema (TOML).
        #[arg(long, value_name = "FILE")]
        schema: PathBuf,
        /// A charter file to check against [default: the default charter].
        #[arg(long, value_name = "FILE")]
        charter: Option<PathBuf>,
        /// The version in force.
        in_force: PathBuf,
        /// The proposed version.
        proposed: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Adopt a policy version by the decision that passed it: the proposal must enact
    /// this file (`andel decide create --enacts data-policy=FILE`), have passed under
    /// the amendment rule of the version in force, and be this co-op's.
    Adopt {
        /// The service's schema (TOML).
        #[arg(long, value_name = "FILE")]
        schema: PathBuf,
        #[command(flatten)]
        decision: ByDecision,
        /// The policy file (TOML), byte for byte the one members voted on.
        policy: PathBuf,
    },
    /// The version in force at --at, and the decision that adopted it.
    Show {
        /// The moment, RFC 3339 [default: now].
        #[arg(long, value_name = "TIME", value_parser = crate::args::time)]
        at: Option<DateTime<Utc>>,
        /// Print the policy file's text after the summary.
        #[arg(long, conflicts_with = "json")]
        text: bool,
        /// Print JSON (the version, its text, the decision and its citation).
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
        Command::Validate {
            schema,
            charter,
            policy,
        } => {
            let schema = read_schema(&schema)?;
            let charter = read_charter(charter.as_deref())?;
            match read_policy(&policy, &schema, &charter)? {
                Ok(read) => {
                    let n = read.rules.len();
                    let s = if n == 1 { "" } else { "s" };
                    crate::print(&format!(
                        "ok: {}: version {}, {n} rule{s}\n",
                        policy.display(),
                        read.version
                    ))?;
                    Ok(Exit::Ok)
                }
                Err(problems) => {
                    eprintln!("{problems}");
                    Ok(Exit::Invalid)
                }
            }
        }
        Command::Diff {
            schema,
            charter,
            in_force,
            proposed,
            json,
        } => {
            let schema = read_schema(&schema)?;
            let charter = read_charter(charter.as_deref())?;
            let before = read_policy(&in_force, &schema, &charter)??;
            let after = read_policy(&proposed, &schema, &charter)??;
            let changes = permission_diff(&before, &after, &schema, &charter);
            if json {
                return crate::json(&changes);
            }
            let (from, to) = (before.version, after.version);
            let mut text = match changes.len() {
                0 => format!("no change in who may do what from version {from} to {to}\n"),
                1 => format!("1 change from version {from} to {to}:\n"),
                n => format!("{n} changes from version {from} to {to}:\n"),
            };
            for change in &changes {
                text.push_str(&format!("  {change}\n"));
            }
            crate::print(&text)?;
            Ok(Exit::Ok)
        }
        Command::Adopt {
            schema,
            decision,
            policy,
        } => {
            let file = PolicyFile {
                source: policy.display().to_string(),
                text: crate::files::read_input(&policy)
                    .with_context(|| format!("cannot read the policy {}", policy.display()))?,
                schema: read_schema(&schema)?,
            };
            let (citation, at, effective) = decision.read()?;
            let recorded_at = Timestamp::new(Utc::now()).context("the clock is off")?;
            let journal = args.store.open("andel policy adopt", Create::Refused)?;
            let adoption = PolicyAdoption {
                file,
                citation,
                effective,
                organisation: args.organisation,
            };
            let adopted = journal.run(journal.coop().adopt_policy(
                adoption,
                at,
                recorded_at,
                args.by,
            ))?;
            crate::print(&format!("adopted: {}\n", summary(&adopted)))?;
            Ok(Exit::Ok)
        }
        Command::Show { at, text, json } => {
            let at = at.unwrap_or_else(Utc::now);
            let book = policies(args.store, args.organisation.as_ref(), "andel policy show")?;
            let Some(adopted) = book.in_force(at) else {
                bail!("{}", nothing_in_force(&book, at));
            };
            if json {
                return crate::json(adopted);
            }
            let mut out = format!("in force at {}: {}\n", time(at), summary(adopted));
            if text {
                out.push('\n');
                out.push_str(&adopted.text);
            }
            crate::print(&out)?;
            Ok(Exit::Ok)
        }
        Command::History { json } => {
            let book = policies(
                args.store,
                args.organisation.as_ref(),
                "andel policy history",
            )?;
            if json {
                return crate::json(&book.history());
            }
            let lines: String = book
                .history()
                .iter()
                .map(|adopted| format!("{}\n", summary(adopted)))
                .collect();
            let none = match &args.organisation {
                None => "no data policy has been adopted\n".to_owned(),
                Some(org) => format!("organisation {org} has adopted no policy of its own\n"),
            };
            crate::print(if lines.is_empty() { &none } else { &lines })?;
            Ok(Exit::Ok)
        }
    }
}

fn policies(store: StoreArg, organisation: Option<&MemberId>, command: &str) -> Result<PolicyBook> {
    let journal = store.open(command, Create::Refused)?;
    Ok(journal.run(journal.coop().policies(organisation))?)
}

/// One line about an adopted version.
fn summary(adopted: &AdoptedPolicy) -> String {
    let n = adopted.policy.rules.len();
    format!(
        "version {} ({n} rule{}, sha256 {}), in force from {}, adopted by {}",
        adopted.policy.version,
        if n == 1 { "" } else { "s" },
        adopted.sha256,
        time(adopted.effective),
        adopted.decision
    )
}

fn nothing_in_force(book: &PolicyBook, at: DateTime<Utc>) -> String {
    match book.history().first() {
        None => "no data policy has been adopted: nothing is permitted".to_owned(),
        Some(first) => format!(
            "no data policy is in force at {}: version {} takes effect at {}",
            time(at),
            first.policy.version,
            time(first.effective)
        ),
    }
}

pub(crate) fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// The charter file at `path`, or the default charter.
pub(crate) fn read_charter(path: Option<&Path>) -> Result<Charter> {
    let Some(path) = path else {
        return Ok(Charter::default());
    };
    let text = crate::files::read_input(path)
        .with_context(|| format!("cannot read the charter {}", path.display()))?;
    Ok(Charter::from_toml(&path.display().to_string(), &text)?)
}

pub(crate) fn read_schema(path: &Path) -> Result<Schema> {
    let text = crate::files::read_input(path)?;
    Ok(Schema::from_toml(&path.display().to_string(), &text)?)
}

/// The policy at `path`; the inner error lists what is wrong with it.
pub(crate) fn read_policy(
    path: &Path,
    schema: &Schema,
    charter: &Charter,
) -> Result<Result<Policy, andel::consent::PolicyErrors>> {
    let text = crate::files::read_input(path)
        .with_context(|| format!("cannot read the policy {}", path.display()))?;
    Ok(Policy::from_toml(
        &path.display().to_string(),
        &text,
        schema,
        charter,
    ))
}
