//! The `andel` command: the guided demo, and journal files from a shell.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod access;
mod args;
mod charter;
mod consent;
mod decide;
mod demo;
mod export;
mod files;
mod journal;
mod ledger;
mod policy;
mod source;
mod tally;
mod transfer;

/// Andel: tools for cooperatives whose members own their data.
#[derive(Debug, Parser)]
#[command(name = "andel", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Walk through a journal: record, verify, catch tampering, redact, prove.
    Demo(demo::Args),
    /// Append to, verify, redact, prove, export and import journals, in files or databases.
    #[command(subcommand)]
    Journal(journal::Command),
    /// Decide proposals: motions, consent, elections, with delegation and proxies.
    Decide(decide::Args),
    /// Keep the membership ledger: statutes, members, capital, dues, exits, surplus, roll.
    Ledger(ledger::Args),
    /// Count a ballot file with a voting method, and explain the count.
    Tally(tally::Args),
    /// Members' consents: give, refuse, withdraw, list, and receipts.
    Consent(consent::Args),
    /// Decide an access and say why; a member's transparency report.
    Access(access::Args),
    /// Data policies: check a file, show what a new version changes, adopt a version by
    /// the decision that passed it, show the one in force and the history.
    Policy(policy::Args),
    /// Archives: a co-op's journals with their roots, to take away; check one.
    #[command(subcommand)]
    Export(export::Args),
    /// Import an archive into a co-op's database: verified first, nothing doubled.
    Import(export::ImportArgs),
    /// The charter, the purposes no data policy may permit: check a file, amend it by
    /// the decision that passed it, show the one in force and the history.
    Charter(charter::Args),
}

/// How a command ends, beyond "it ran": `Invalid` exits with status 1. (Not a
/// decision's or a count's outcome: those are the domain crates'.)
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Done; the journal or proof is valid.
    Ok,
    /// The journal or proof is not valid (already explained on stderr).
    Invalid,
}

/// Writes `text` to stdout. A reader that went away (`andel … | head`) is not an error:
/// the rest of the output is simply not wanted.
pub(crate) fn print(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::new(err).context("cannot write to stdout"))
        }
        _ => Ok(()),
    }
}

/// Writes `value` as pretty JSON, with a final newline.
pub(crate) fn json<T: serde::Serialize>(value: &T) -> anyhow::Result<Exit> {
    print(&(serde_json::to_string_pretty(value)? + "\n"))?;
    Ok(Exit::Ok)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(args) => demo::run(&args),
        Command::Journal(command) => journal::run(command),
        Command::Decide(args) => decide::run(args),
        Command::Ledger(args) => ledger::run(args),
        Command::Tally(args) => tally::run(&args),
        Command::Consent(args) => consent::run(args),
        Command::Policy(args) => policy::run(args),
        Command::Charter(args) => charter::run(args),
        Command::Export(args) => export::run(args),
        Command::Import(args) => export::import(args),
        Command::Access(args) => access::run(args),
    };
    match result {
        Ok(Exit::Ok) => ExitCode::SUCCESS,
        Ok(Exit::Invalid) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
