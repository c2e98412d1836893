//! `andel export` and `andel import`: the archive a co-op takes away when it moves or
//! dissolves, that anyone checks, and that another database imports with nothing lost
//! and nothing doubled.

use std::path::{Path, PathBuf};

use andel::export::Manifest;
use andel::journal::Timestamp;
use andel::ledger::MemberNumber;
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};

use crate::Exit;
use crate::source::{Create, StoreArg};

/// Write and check archives.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum Args {
    /// Write every journal of a co-op (a tenant), with each stream's root, into an
    /// archive: for a co-op that moves to another host or dissolves.
    Coop {
        #[command(flatten)]
        store: StoreArg,
        /// The archive to write (a zip); it appears whole or not at all.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// The time the archive records, RFC 3339 [default: now].
        #[arg(long, value_name = "TIME", value_parser = crate::args::time)]
        at: Option<DateTime<Utc>>,
    },
    /// Write everything the co-op holds about one member into an archive: their
    /// entries with a proof of each, their statement, votes, consents, policy history
    /// and access report.
    Member {
        #[command(flatten)]
        store: StoreArg,
        /// The member's number.
        #[arg(long, value_name = "N")]
        member: MemberNumber,
        /// The co-op as controller, named on the consent receipts: a TOML file with
        /// name, contact, address, email, jurisdiction and policy_url.
        #[arg(long, value_name = "FILE")]
        controller: PathBuf,
        /// The archive to write (a zip); it appears whole or not at all.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// The time the archive records, RFC 3339 [default: now].
        #[arg(long, value_name = "TIME", value_parser = crate::args::time)]
        at: Option<DateTime<Utc>>,
    },
    /// Check an archive against its manifest and its journal against its roots; exit 1
    /// listing every failure.
    Verify {
        /// The archive.
        archive: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `andel import`: an archive into a co-op's database.
#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    /// The archive.
    archive: PathBuf,
    #[command(flatten)]
    store: StoreArg,
    /// Say what would be imported, and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// For a member's archive: who the member is here, as their id in the archive and
    /// their number in this co-op's ledger (`2=5`). Their records are kept, each still
    /// checkable, in the stream `imported.NEW`.
    #[arg(long, value_name = "OLD=NEW", value_parser = member_mapping)]
    map_member: Vec<(String, MemberNumber)>,
}

fn member_mapping(text: &str) -> Result<(String, MemberNumber), String> {
    let (old, new) = text.split_once('=').ok_or_else(|| {
        format!("`{text}` is not OLD=NEW (the member's id in the archive = their number here)")
    })?;
    let new = new
        .parse()
        .map_err(|err| format!("`{new}` is not a member number: {err}"))?;
    Ok((old.to_owned(), new))
}

pub(crate) fn run(args: Args) -> Result<Exit> {
    match args {
        Args::Coop { store, output, at } => {
            let journal = store.open("andel export coop", Create::Refused)?;
            let at = at.unwrap_or_else(Utc::now);
            let total = journal.run(journal.coop().journal_size())?;
            let bar = progress(total, "written");
            let manifest = write_whole(&output, |temp| {
                Ok(
                    journal.run(journal.coop().export_archive(temp, at, &mut |done| {
                        bar.set_position(done);
                    }))?,
                )
            })?;
            bar.finish_and_clear();
            wrote(
                &output,
                &manifest,
                &format!("tenant `{}`", journal.coop().tenant()),
            )
        }
        Args::Member {
            store,
            member,
            controller,
            output,
            at,
        } => {
            let controller = crate::consent::read_controller(&controller)?;
            let journal = store.open("andel export member", Create::Refused)?;
            let at = at.unwrap_or_else(Utc::now);
            let bar = progress(0, "read");
            let manifest = write_whole(&output, |temp| {
                Ok(journal.run(journal.coop().export_member(
                    member,
                    temp,
                    at,
                    &controller,
                    &mut |done| bar.set_position(done),
                ))?)
            })?;
            bar.finish_and_clear();
            let whose = format!("member {member} of tenant `{}`", journal.coop().tenant());
            wrote(&output, &manifest, &whose)
        }
        Args::Verify { archive, json } => verify(&archive, json),
    }
}

/// Says what an export wrote: the archive, its files and bytes, whose data.
fn wrote(output: &Path, manifest: &Manifest, whose: &str) -> Result<Exit> {
    crate::print(&format!(
        "wrote {}: {} files, {} bytes, {whose}\n",
        output.display(),
        manifest.files.len(),
        manifest.files.iter().map(|f| f.size).sum::<u64>(),
    ))?;
    Ok(Exit::Ok)
}

/// Writes an archive through `write` into a temporary file beside `output`, then moves
/// it into place: the archive appears whole or not at all.
fn write_whole(
    output: &Path,
    write: impl FnOnce(tempfile::NamedTempFile) -> Result<(tempfile::NamedTempFile, Manifest)>,
) -> Result<Manifest> {
    let folder = match output.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let temp = tempfile::NamedTempFile::new_in(&folder)
        .with_context(|| format!("cannot write in {}", folder.display()))?;
    let (file, manifest) = write(temp)?;
    file.as_file()
        .sync_all()
        .context("cannot write the archive")?;
    file.persist(output)
        .with_context(|| format!("cannot write {}", output.display()))?;
    Ok(manifest)
}

fn verify(path: &Path, json: bool) -> Result<Exit> {
    let report = andel::service::verify_archive(path)?;
    if json {
        crate::json(&report)?;
    } else if report.is_ok() {
        let journal = report.journal.as_ref().map_or_else(String::new, |summary| {
            format!(
                "; the journal verifies: {} entries in {} stream{}, every root as listed",
                summary.entries(),
                summary.streams.len(),
                if summary.streams.len() == 1 { "" } else { "s" }
            )
        });
        let member = report
            .member_journal
            .as_ref()
            .map_or_else(String::new, |found| {
                format!(
                    "; the member's {} entries ({} withheld as others' data) each proved against their stream's root, and the open formats agree with them",
                    found.entries, found.withheld
                )
            });
        crate::print(&format!(
            "ok: {}: {} files as the manifest lists them{journal}{member}\n",
            path.display(),
            report.files
        ))?;
    } else {
        for failure in &report.failures {
            eprintln!("{failure}");
        }
        eprintln!(
            "{} does not verify: {} failure{}",
            path.display(),
            report.failures.len(),
            if report.failures.len() == 1 { "" } else { "s" }
        );
    }
    Ok(if report.is_ok() {
        Exit::Ok
    } else {
        Exit::Invalid
    })
}

pub(crate) fn import(args: ImportArgs) -> Result<Exit> {
    if !args.map_member.is_empty() {
        return import_member(args);
    }
    let journal = args.store.open("andel import", Create::Allowed)?;
    let bar = progress(0, "imported");
    let result = journal.run(journal.coop().import_archive(
        &args.archive,
        args.dry_run,
        &mut |done| bar.set_position(done),
    ));
    bar.finish_and_clear();
    let done = match result {
        Ok(done) => done,
        Err(err) => return journal.finish(Err(err.into())),
    };
    let mut text = String::new();
    for stream in &done.streams {
        let adds = stream.in_archive - stream.in_database;
        text.push_str(&format!(
            "{}: {} entries in the archive, {} in the database, {adds} to import\n",
            stream.stream, stream.in_archive, stream.in_database
        ));
    }
    match done.imported {
        None => {
            // A dry run leaves no database it created behind.
            journal.run(journal.coop().abandon());
            text.push_str("dry run: nothing was written\n");
        }
        Some(imported) => text.push_str(&format!(
            "imported {} entries into {} ({} were there already); every root is the archive's\n",
            imported.imported, journal, imported.already
        )),
    }
    crate::print(&text)?;
    Ok(Exit::Ok)
}

/// `andel import --map-member`: a member's archive, kept as their history here.
fn import_member(args: ImportArgs) -> Result<Exit> {
    let journal = args.store.open("andel import", Create::Refused)?;
    let map = args.map_member.iter().cloned().collect();
    let recorded_at = Timestamp::new(Utc::now()).context("the clock is off")?;
    let done = journal.run(journal.coop().import_member_archive(
        &args.archive,
        &map,
        recorded_at,
        args.dry_run,
        &mut |_| {},
    ))?;
    let mut text = String::new();
    for module in &done.modules {
        text.push_str(&format!(
            "{}: {} records in the archive, {} here already, {} to import\n",
            module.module,
            module.records,
            module.already,
            module.records - module.already
        ));
    }
    let total: u64 = done.modules.iter().map(|m| m.records - m.already).sum();
    if done.dry_run {
        text.push_str("dry run: nothing was written\n");
    } else {
        text.push_str(&format!(
            "imported {total} records of member `{}` of `{}` for member {} into `{}` of {journal}; each entry still checks against the root it was archived with\n",
            done.origin.member, done.origin.tenant, done.member, done.stream
        ));
    }
    crate::print(&text)?;
    Ok(Exit::Ok)
}

/// A progress bar on stderr for long work, counting entries (`total` 0: unknown). It
/// draws only on a terminal: piped or in a test, nothing is printed.
fn progress(total: u64, what: &'static str) -> indicatif::ProgressBar {
    let bar = if total == 0 {
        indicatif::ProgressBar::no_length()
    } else {
        indicatif::ProgressBar::new(total)
    };
    let template = if total == 0 {
        format!("{{spinner}} {{pos}} entries {what}")
    } else {
        format!("{{bar:40}} {{pos}}/{{len}} entries {what} ({{eta}} left)")
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}
