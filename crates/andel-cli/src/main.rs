//! The `andel` command: the guided demo, and journal files from a shell.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod demo;
mod files;
mod journal;
mod source;
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
}

/// What a command found, beyond "it ran": `Invalid` exits with status 1.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Done; the journal or proof is valid.
    Ok,
    /// The journal or proof is not valid (already explained on stderr).
    Invalid,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(args) => demo::run(&args),
        Command::Journal(command) => journal::run(command),
    };
    match result {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Invalid) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
