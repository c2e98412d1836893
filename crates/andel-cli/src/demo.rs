//! `andel demo`: a guided tour of the journal, on files in a folder of its own.

use std::path::{Path, PathBuf};

use andel::journal::{AuthorId, Draft, Kind, Payload, Redaction, StreamId, Timestamp};
use anyhow::{Context, Result, bail};

use crate::{Outcome, journal};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Where to write the demo's files (a new temporary folder if not given; it is kept
    /// so you can look at the files afterwards).
    #[arg(long)]
    dir: Option<PathBuf>,
}

/// The events of a small co-op's first days: (stream, kind, author, time, payload).
const EVENTS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "members",
        "member.admitted",
        "board",
        "2026-03-01T09:00:00Z",
        r#"{"member":1,"name":"Astrid Lind","class":"worker"}"#,
    ),
    (
        "members",
        "member.admitted",
        "board",
        "2026-03-01T09:05:00Z",
        r#"{"member":2,"name":"Bashir Khan","class":"user"}"#,
    ),
    (
        "capital",
        "shares.paid",
        "treasurer",
        "2026-03-02T14:00:00Z",
        r#"{"member":1,"shares":2,"amount":"500.00","currency":"SEK"}"#,
    ),
    (
        "capital",
        "shares.paid",
        "treasurer",
        "2026-03-03T10:30:00Z",
        r#"{"member":2,"shares":1,"amount":"250.00","currency":"SEK"}"#,
    ),
    (
        "members",
        "member.admitted",
        "board",
        "2026-03-10T18:00:00Z",
        r#"{"member":3,"name":"Carmen Ruiz","class":"user"}"#,
    ),
];

pub(crate) fn run(args: &Args) -> Result<Outcome> {
    let dir = match &args.dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create `{}`", dir.display()))?;
            dir.clone()
        }
        None => tempfile::Builder::new()
            .prefix("andel-demo-")
            .tempdir()
            .context("cannot create a temporary folder")?
            .keep(),
    };
    let journal = dir.join("coop.journal.ndjson");
    if journal.exists() {
        std::fs::remove_file(&journal)
            .with_context(|| format!("cannot start afresh at `{}`", journal.display()))?;
    }

    step(1, "Record a small co-op's first days in a journal");
    for (stream, kind, author, at, payload) in EVENTS {
        let draft = Draft::new(
            Kind::new(*kind)?,
            Payload::from_json_str(payload)?,
            at.parse()?,
        )
        .by(AuthorId::new(*author)?);
        let entry = journal::append(&journal, &StreamId::new(*stream)?, draft)?;
        println!(
            "  {:<8} seq {}  {:<16} {payload}",
            entry.stream().as_str(),
            entry.seq(),
            entry.kind().as_str()
        );
    }
    println!("  -> {}", journal.display());

    step(
        2,
        "Verify it: every hash and link is recomputed from the first entry",
    );
    expect_valid(&journal)?;
    let members = StreamId::new("members")?;
    let root = journal::root(&journal, Some(&members), None)?;
    println!("  `members` root over {} entries: {}", root.size, root.root);

    step(
        3,
        "Tamper with a copy: raise Bashir's payment from 250.00 to 2500.00",
    );
    let tampered = dir.join("tampered.journal.ndjson");
    let text = std::fs::read_to_string(&journal).context("cannot read the journal back")?;
    let forged = text.replacen(r#""amount":"250.00""#, r#""amount":"2500.00""#, 1);
    std::fs::write(&tampered, forged)
        .with_context(|| format!("cannot write `{}`", tampered.display()))?;
    expect_invalid(&tampered)?;

    step(
        4,
        "Tamper again: delete Bashir's admission from the register",
    );
    let lines: Vec<&str> = text.lines().collect();
    let without: String = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    std::fs::write(&tampered, without)
        .with_context(|| format!("cannot write `{}`", tampered.display()))?;
    expect_invalid(&tampered)?;

    step(
        5,
        "Bashir leaves and asks to be forgotten: redact his admission",
    );
    let redaction = Redaction::new(
        "erasure request under GDPR art. 17, ticket 2026-04",
        "2026-04-02T08:00:00Z".parse::<Timestamp>()?,
    )
    .by(AuthorId::new("secretary")?);
    let record = journal::redact(&journal, &members, 1, redaction)?;
    let after = std::fs::read_to_string(&journal).context("cannot read the journal back")?;
    println!(
        "  payload and salt of `members` seq 1 erased; the redaction is recorded as seq {}",
        record.seq()
    );
    println!(
        "  \"Bashir Khan\" still in the file: {}",
        after.contains("Bashir Khan")
    );
    expect_valid(&journal)?;

    step(
        6,
        "Prove that Astrid's admission is in the register, to anyone holding the root",
    );
    let (proof, root) = journal::prove(&journal, &members, 0, None)?;
    println!(
        "  inclusion proof: entry 0 of {} with {} sibling hashes",
        proof.proof.tree_size(),
        proof.proof.path().len()
    );
    journal::check_inclusion(&proof, &root, None)?;
    println!("  checked against root {root}: it holds");

    println!("\nDone. The files are in {}; try:", dir.display());
    println!(
        "  cargo run -p andel-cli -- journal verify {}",
        journal.display()
    );
    println!(
        "  cargo run -p andel-cli -- journal verify {}",
        tampered.display()
    );
    Ok(Outcome::Ok)
}

fn step(n: u32, title: &str) {
    println!("\n{n}. {title}");
}

fn expect_valid(path: &Path) -> Result<()> {
    match journal::verify(path)? {
        Ok(summary) => {
            println!("  ok: {summary}");
            Ok(())
        }
        Err(err) => bail!("the demo journal should verify, but: {err}"),
    }
}

fn expect_invalid(path: &Path) -> Result<()> {
    match journal::verify(path)? {
        Ok(_) => bail!("the tampered copy should not verify"),
        Err(err) => {
            println!("  detected: {err}");
            Ok(())
        }
    }
}
