//! How much memory writing, verifying and importing an archive take, by its size: run
//! with a size in MiB, once per size, each in a fresh process (peak memory is per
//! process).
//!
//! `cargo run --release -p andel-benches --bin archive_memory -- 1024` writes 1 GiB of
//! journal-like files into an archive and verifies it;
//! `cargo run --release -p andel-benches --bin archive_memory -- 1024 import` writes a
//! co-op's journal of about 1 GiB (sealed entries) into an archive, verifies it, and
//! imports it into a new SQLite database with `Coop::import_archive`.
//!
//! Prints the peak resident memory (`VmHWM`) after each step.

// A measurement stops on a broken fixture: that is a bug, not a result.
#![allow(clippy::expect_used, missing_docs)]

use std::io::{BufReader, BufWriter};
use std::path::Path;

use andel::export::{
    Archive, ArchiveWriter, Header, JournalSection, Limits, Scope, journal_module, write_roots,
};
use andel::journal::{Draft, Kind, Payload, StreamHead, StreamId};
use andel::service::{Access, Coop};
use andel_benches::archive::{journal_files, peak_memory};

fn mib(bytes: Option<u64>) -> String {
    bytes.map_or_else(
        || "unknown".to_owned(),
        |b| format!("{:.1} MiB", b as f64 / 1048576.0),
    )
}

fn header(modules: Vec<andel::export::Module>) -> Header {
    Header {
        producer: "archive_memory".into(),
        created_at: "2027-06-01T12:00:00Z".parse().expect("a time"),
        scope: Scope::Coop {
            tenant: "bench".into(),
        },
        modules,
    }
}

/// 16 files of journal-like text, as they are.
fn files_archive(dir: &Path, size: u64, out: &Path) {
    let files = journal_files(dir, size << 20, 16);
    println!(
        "files: {size} MiB in 16 files; peak memory so far {}",
        mib(peak_memory())
    );
    let output = BufWriter::new(std::fs::File::create(out).expect("the archive"));
    let mut writer = ArchiveWriter::new(output, header(Vec::new()));
    for path in &files {
        let mut file = writer.file(path.to_str().expect("UTF-8")).expect("a file");
        let mut input = std::fs::File::open(dir.join(path)).expect("the input");
        std::io::copy(&mut input, &mut file).expect("copied");
        file.finish().expect("finished");
    }
    writer.finish().expect("written");
}

/// A co-op's journal of about `size` MiB (three streams of sealed entries), sealed
/// one entry at a time straight into the archive.
fn journal_archive(size: u64, out: &Path) -> u64 {
    let output = BufWriter::new(std::fs::File::create(out).expect("the archive"));
    let mut writer = ArchiveWriter::new(output, header(vec![journal_module()]));
    let at = "2027-01-10T09:00:00Z".parse().expect("a time");
    let kind = Kind::new("member.noted").expect("a kind");
    // About 600 bytes a line in the journal file.
    let per_stream = (size << 20) / 600 / 3;
    let mut section = JournalSection::start(&mut writer).expect("the journal");
    for stream in ["access", "consents", "ledger"] {
        let mut head = StreamHead::new(StreamId::new(stream).expect("a name"));
        for n in 0..per_stream {
            let payload = Payload::from_json_str(&format!(
                r#"{{"member":{},"note":"a note about member {n}, long enough to look like a record of what happened"}}"#,
                n % 10_000
            ))
            .expect("a payload");
            let entry = head
                .seal(n, Draft::new(kind.clone(), payload, at))
                .expect("sealed");
            head.advance(&entry);
            section.push(&entry).expect("written");
        }
    }
    let summary = section.finish().expect("the journal ends");
    write_roots(&mut writer, &summary).expect("the roots");
    writer.finish().expect("written");
    summary.entries()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let size: u64 = args
        .next()
        .and_then(|arg| arg.parse().ok())
        .expect("the size in MiB");
    let import = args.next().as_deref() == Some("import");
    let dir = tempfile::tempdir().expect("a folder");
    let out = dir.path().join("archive.zip");
    let entries = if import {
        Some(journal_archive(size, &out))
    } else {
        files_archive(dir.path(), size, &out);
        None
    };
    let written = std::fs::metadata(&out).expect("the archive").len();
    println!(
        "wrote {:.1} MiB of archive{}; peak memory so far {}",
        written as f64 / 1048576.0,
        entries.map_or_else(String::new, |n| format!(" ({n} entries)")),
        mib(peak_memory())
    );

    let input = BufReader::new(std::fs::File::open(&out).expect("the archive"));
    let mut archive = Archive::open(input, Limits::default()).expect("opened");
    let report = archive.verify();
    assert!(report.is_ok(), "{:?}", report.failures);
    println!(
        "verified {} files; peak memory so far {}",
        report.files,
        mib(peak_memory())
    );

    if import {
        let runtime = tokio::runtime::Runtime::new().expect("a runtime");
        let location = format!("sqlite:{}", dir.path().join("coop.db").display())
            .parse()
            .expect("a location");
        let imported = runtime.block_on(async {
            let coop = Coop::open(&location, "bench".parse().expect("a name"), Access::Start)
                .await
                .expect("a database");
            let done = coop
                .import_archive(&out, false, &mut |_| {})
                .await
                .expect("imported");
            coop.close().await;
            done
        });
        println!(
            "imported {} entries into SQLite; peak memory so far {}",
            imported.imported.map_or(0, |i| i.imported),
            mib(peak_memory())
        );
    }
}
