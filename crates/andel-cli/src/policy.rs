//! `andel policy`: check a data policy file against the service's schema and the
//! charter, and show what a proposed version changes, before members vote on it.

use std::path::{Path, PathBuf};

use andel::consent::{Charter, Policy, Schema, permission_diff};
use anyhow::{Context, Result};

use crate::Exit;

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// Check a policy file; exit 1 listing every problem with its line.
    Validate {
        /// The service's schema: its resource kinds and the actions each allows (TOML).
        #[arg(long, value_name = "FILE")]
        schema: PathBuf,
        /// The policy file (TOML).
        policy: PathBuf,
    },
    /// What a proposed version changes against the one in force: every combination of
    /// principal, action, resource and purpose whose access differs.
    Diff {
        /// The service's schema (TOML).
        #[arg(long, value_name = "FILE")]
        schema: PathBuf,
        /// The version in force.
        in_force: PathBuf,
        /// The proposed version.
        proposed: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

pub(crate) fn run(command: Command) -> Result<Exit> {
    let charter = Charter::default();
    match command {
        Command::Validate { schema, policy } => {
            let schema = read_schema(&schema)?;
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
            in_force,
            proposed,
            json,
        } => {
            let schema = read_schema(&schema)?;
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
    }
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
