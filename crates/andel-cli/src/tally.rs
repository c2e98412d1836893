//! `andel tally`: count a ballot file with any method, and explain the count.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use andel::tally::formats::{self, Election};
use andel::tally::report::Report;
use andel::tally::{Method, Options, TieBreak, count_ballots};
use anyhow::{Context, Result, bail};

use crate::Exit;

/// Count a ballot file (BLT, PrefLib .soc/.soi/.toc/.toi, Pabulib .pb, or CSV of
/// rankings, approvals or scores).
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The method: plurality, approval, borda, irv, stv-scottish, stv-meek, schulze,
    /// ranked-pairs, copeland, minimax (ranked ballots); approval, pav, phragmen
    /// (approvals, or rankings as approvals); score, star (score ballots); equal-shares,
    /// greedy-budget (participatory budgets, Pabulib .pb files).
    #[arg(long, value_parser = parse_method)]
    method: Method,
    /// Seats to fill (default: the file's, or 1).
    #[arg(long)]
    seats: Option<usize>,
    /// How ties are settled: `report`, `earlier-stages` (the default) or `lot:SEED`.
    #[arg(long, value_parser = parse_tie_break, default_value = "earlier-stages")]
    tie_break: TieBreak,
    /// The file's format, if its extension does not say (`blt`, `preflib`, `pabulib`,
    /// `csv`).
    #[arg(long)]
    format: Option<Format>,
    /// Print the result as JSON (the schema is in the book's Voting methods chapter).
    #[arg(long)]
    json: bool,
    /// The ballot file.
    file: PathBuf,
}

/// A ballot file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Blt,
    Preflib,
    Pabulib,
    Csv,
}

fn parse_method(s: &str) -> Result<Method, String> {
    Method::from_str(s).map_err(|err| err.to_string())
}

fn parse_tie_break(s: &str) -> Result<TieBreak, String> {
    match s {
        "report" => Ok(TieBreak::Report),
        "earlier-stages" => Ok(TieBreak::EarlierStages),
        _ => match s.strip_prefix("lot:") {
            Some(seed) => seed
                .parse()
                .map(|seed| TieBreak::Lot { seed })
                .map_err(|_| format!("`{seed}` is not a seed (a whole number up to 2^64 − 1)")),
            None => Err(format!(
                "`{s}` is not a tie-break policy: use report, earlier-stages or lot:SEED"
            )),
        },
    }
}

fn detect(path: &Path) -> Result<Format> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    Ok(match extension.to_ascii_lowercase().as_str() {
        "blt" => Format::Blt,
        "soc" | "soi" | "toc" | "toi" => Format::Preflib,
        "pb" => Format::Pabulib,
        "csv" => Format::Csv,
        _ => bail!(
            "cannot tell the format of `{}` from its extension; give --format blt, preflib, pabulib or csv",
            path.display()
        ),
    })
}

fn read(path: &Path, format: Format) -> Result<Election> {
    let parsed = if format == Format::Blt {
        // Read in one go: the BLT reader parses bytes in memory, the fastest way.
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot open `{}`", path.display()))?;
        formats::blt::parse_bytes(&bytes)
    } else {
        read_lines(path, format)?
    };
    parsed.with_context(|| format!("`{}` is not a valid ballot file", path.display()))
}

fn read_lines(path: &Path, format: Format) -> Result<Result<Election, formats::ParseError>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open `{}`", path.display()))?;
    let input = std::io::BufReader::new(file);
    Ok(match format {
        Format::Blt => formats::blt::parse(input),
        Format::Preflib => formats::preflib::parse(input),
        Format::Pabulib => formats::pabulib::parse(input),
        Format::Csv => formats::csv::parse(input),
    })
}

pub(crate) fn run(args: &Args) -> Result<Exit> {
    let format = match args.format {
        Some(format) => format,
        None => detect(&args.file)?,
    };
    let election = read(&args.file, format)?;
    let seats = args.seats.or(election.seats).unwrap_or(1);
    let options = Options {
        seats,
        tie_break: args.tie_break,
    };
    let outcome = count_ballots(&election.ballots, args.method, options)?;
    let report = Report::new(&outcome, election.ballots.candidates());
    if args.json {
        crate::print(&format!("{}\n", serde_json::to_string_pretty(&report)?))?;
    } else {
        let title = election
            .title
            .as_ref()
            .map(|t| format!("{t}\n"))
            .unwrap_or_default();
        crate::print(&format!("{title}{}", report.to_text()))?;
    }
    if report.complete {
        Ok(Exit::Ok)
    } else {
        eprintln!(
            "the count stopped at a tie that --tie-break {} does not settle",
            match args.tie_break {
                TieBreak::Report => "report",
                _ => "earlier-stages",
            }
        );
        Ok(Exit::Invalid)
    }
}
