//! `andel demo`: a guided tour of the journal, in an SQLite database and journal files
//! in a folder of its own.

use std::path::{Path, PathBuf};

use andel::journal::{
    AuthorId, Digest, Draft, Kind, Payload, Redaction, StreamId, TenantId, Timestamp,
};
use andel::store::Location;
use andel::store::file::JournalFile;
use anyhow::{Context, Result, bail};

use crate::source::{Create, Journal, StoreJournal};
use crate::{Exit, journal, transfer};

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

pub(crate) fn run(args: &Args) -> Result<Exit> {
    let demo = Demo::start(args)?;
    demo.record()?;
    demo.verify_and_export()?;
    let tampered = demo.tamper()?;
    demo.forget()?;
    let root = demo.prove()?;
    demo.leave(&root)?;
    println!("\nDone. The files are in {}; try:", demo.dir.display());
    println!(
        "  cargo run -p andel-cli -- journal verify --store sqlite:{} --tenant solrosen",
        demo.database.display()
    );
    println!(
        "  cargo run -p andel-cli -- journal verify {}",
        tampered.display()
    );
    Ok(Exit::Ok)
}

/// The demo's files and its co-op's journal.
struct Demo {
    dir: PathBuf,
    database: PathBuf,
    export: PathBuf,
    moved: PathBuf,
    tenant: TenantId,
    journal: Journal,
    members: StreamId,
}

impl Demo {
    /// Makes the folder (or a temporary one), clears what an earlier run left, and
    /// opens the co-op's database.
    fn start(args: &Args) -> Result<Demo> {
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
        let database = dir.join("coop.db");
        let export = dir.join("coop.journal.ndjson");
        let moved = dir.join("moved.db");
        for old in [&database, &export, &moved] {
            remove_database(old)?;
        }
        let tenant = TenantId::new("solrosen")?;
        let journal = Journal::Store(StoreJournal::open(
            Location::Sqlite(database.clone()),
            tenant.clone(),
            Create::Allowed,
        )?);
        Ok(Demo {
            dir,
            database,
            export,
            moved,
            tenant,
            journal,
            members: StreamId::new("members")?,
        })
    }

    fn record(&self) -> Result<()> {
        step(
            1,
            "Record a small co-op's first days in its database (SQLite, embedded)",
        );
        for (stream, kind, author, at, payload) in EVENTS {
            let draft = Draft::new(
                Kind::new(*kind)?,
                Payload::from_json_str(payload)?,
                at.parse()?,
            )
            .by(AuthorId::new(*author)?);
            let entry = journal::append(&self.journal, &StreamId::new(*stream)?, draft)?;
            println!(
                "  {:<8} seq {}  {:<16} {payload}",
                entry.stream().as_str(),
                entry.seq(),
                entry.kind().as_str()
            );
        }
        println!("  -> {}", self.journal);
        Ok(())
    }

    /// Steps 2 and 3.
    fn verify_and_export(&self) -> Result<()> {
        step(
            2,
            "Verify it: every hash and link is recomputed from the first entry",
        );
        expect_valid(&self.journal)?;
        let root = journal::root(&self.journal, Some(&self.members), None)?;
        println!("  `members` root over {} entries: {}", root.size, root.root);

        step(3, "Export it as a journal file anyone can check");
        let file = Journal::File(self.export.clone());
        write_export(&self.journal, &self.export)?;
        expect_valid(&file)?;
        let file_root = journal::root(&file, Some(&self.members), None)?;
        println!(
            "  -> {}; `members` root {}",
            self.export.display(),
            if file_root.root == root.root {
                "unchanged"
            } else {
                "CHANGED"
            }
        );
        Ok(())
    }

    /// Steps 4 and 5: two forgeries of a copy, each caught; the copy's path.
    fn tamper(&self) -> Result<PathBuf> {
        step(
            4,
            "Tamper with a copy: raise Bashir's payment from 250.00 to 2500.00",
        );
        let tampered = self.dir.join("tampered.journal.ndjson");
        let text = std::fs::read_to_string(&self.export).context("cannot read the export back")?;
        let forged = text.replacen(r#""amount":"250.00""#, r#""amount":"2500.00""#, 1);
        std::fs::write(&tampered, forged)
            .with_context(|| format!("cannot write `{}`", tampered.display()))?;
        expect_invalid(&Journal::File(tampered.clone()))?;

        step(
            5,
            "Tamper again: delete Bashir's admission from the register",
        );
        let without: String = text
            .lines()
            .filter(|line| !line.contains("Bashir Khan"))
            .map(|line| format!("{line}\n"))
            .collect();
        std::fs::write(&tampered, without)
            .with_context(|| format!("cannot write `{}`", tampered.display()))?;
        expect_invalid(&Journal::File(tampered.clone()))?;
        Ok(tampered)
    }

    fn forget(&self) -> Result<()> {
        step(
            6,
            "Bashir leaves and asks to be forgotten: redact his admission",
        );
        let redaction = Redaction::new(
            "erasure request under GDPR art. 17, ticket 2026-04",
            "2026-04-02T08:00:00Z".parse::<Timestamp>()?,
        )
        .by(AuthorId::new("secretary")?);
        let record = journal::redact(&self.journal, &self.members, 1, redaction)?;
        println!(
            "  payload and salt of `members` seq 1 erased; the redaction is recorded as seq {}",
            record.seq()
        );
        let mut still_there = false;
        let source = self.journal.source();
        let scan = source.scan(|entry| {
            still_there |= entry
                .payload()
                .is_some_and(|p| p.as_str().contains("Bashir Khan"));
            Ok::<(), anyhow::Error>(())
        });
        self.journal.run(scan)???;
        println!("  \"Bashir Khan\" still in the database: {still_there}");
        expect_valid(&self.journal)
    }

    /// Step 7; the root the proof was checked against (after the redaction).
    fn prove(&self) -> Result<Digest> {
        step(
            7,
            "Prove that Astrid's admission is in the register, to anyone holding the root",
        );
        let (proof, root) = journal::prove(&self.journal, &self.members, 0, None)?;
        println!(
            "  inclusion proof: entry 0 of {} with {} sibling hashes",
            proof.proof().tree_size(),
            proof.proof().path().len()
        );
        proof.check(&root, None)?;
        println!("  checked against root {root}: it holds");
        Ok(root)
    }

    fn leave(&self, root: &Digest) -> Result<()> {
        step(
            8,
            "Leave with everything: export, and import into another database",
        );
        write_export(&self.journal, &self.export)?;
        let elsewhere = StoreJournal::open(
            Location::Sqlite(self.moved.clone()),
            self.tenant.clone(),
            Create::Allowed,
        )?;
        transfer::import(&self.export, &elsewhere)?;
        let moved_root = journal::root(&Journal::Store(elsewhere), Some(&self.members), None)?;
        println!(
            "  `members` root in {}: {} ({})",
            self.moved.display(),
            moved_root.root,
            if moved_root.root == *root {
                "the same"
            } else {
                "DIFFERENT"
            }
        );
        Ok(())
    }
}

/// Removes a file the demo writes, with SQLite's companions, so each run starts afresh.
fn remove_database(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let file = PathBuf::from(name);
        if file.exists() {
            std::fs::remove_file(&file)
                .with_context(|| format!("cannot start afresh at `{}`", file.display()))?;
        }
    }
    Ok(())
}

/// Exports the database journal to a journal file, as `andel journal export` does.
fn write_export(journal: &Journal, path: &Path) -> Result<()> {
    let Journal::Store(store) = journal else {
        bail!("the demo exports from its database");
    };
    JournalFile::new(path).update(true, |_, writer| {
        let exported = store.run(store.coop().export(writer.get_mut()))?;
        match exported.invalid {
            None => Ok(()),
            Some(err) => Err(anyhow::anyhow!("the demo's journal does not verify: {err}")),
        }
    })
}

fn step(n: u32, title: &str) {
    println!("\n{n}. {title}");
}

fn expect_valid(journal: &Journal) -> Result<()> {
    match journal::verify(journal)? {
        Ok(summary) => {
            println!("  ok: {summary}");
            Ok(())
        }
        Err(err) => bail!("the demo journal should verify, but: {err}"),
    }
}

fn expect_invalid(journal: &Journal) -> Result<()> {
    match journal::verify(journal)? {
        Ok(_) => bail!("the tampered copy should not verify"),
        Err(err) => {
            println!("  detected: {err}");
            Ok(())
        }
    }
}
