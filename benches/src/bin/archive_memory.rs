//! How much memory writing and verifying an archive takes, by its size: run with a size
//! in MiB, once per size, each in a fresh process (peak memory is per process).
//!
//! `cargo run --release -p andel-benches --bin archive_memory -- 1024`
//!
//! Prints the peak resident memory after generating the files (the baseline), after
//! writing the archive with `ArchiveWriter`, and after opening and verifying it.

// A measurement stops on a broken fixture: that is a bug, not a result.
#![allow(clippy::expect_used, missing_docs)]

use std::io::{BufReader, BufWriter};

use andel::export::{Archive, ArchiveWriter, Header, Limits, Scope};
use andel_benches::archive::{journal_files, peak_memory};

fn mib(bytes: Option<u64>) -> String {
    bytes.map_or_else(
        || "unknown".to_owned(),
        |b| format!("{:.1} MiB", b as f64 / 1048576.0),
    )
}

fn main() {
    let size: u64 = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .expect("the size in MiB");
    let dir = tempfile::tempdir().expect("a folder");
    let files = journal_files(dir.path(), size << 20, 16);
    println!(
        "files: {size} MiB in 16 files; peak memory so far {}",
        mib(peak_memory())
    );

    let out = dir.path().join("archive.zip");
    let header = Header {
        producer: "archive_memory".into(),
        created_at: "2027-06-01T12:00:00Z".parse().expect("a time"),
        scope: Scope::Coop {
            tenant: "bench".into(),
        },
        modules: Vec::new(),
    };
    let output = BufWriter::new(std::fs::File::create(&out).expect("the archive"));
    let mut writer = ArchiveWriter::new(output, header);
    for path in &files {
        let mut file = writer.file(path.to_str().expect("UTF-8")).expect("a file");
        let mut input = std::fs::File::open(dir.path().join(path)).expect("the input");
        std::io::copy(&mut input, &mut file).expect("copied");
        file.finish().expect("finished");
    }
    writer.finish().expect("written");
    let written = std::fs::metadata(&out).expect("the archive").len();
    println!(
        "wrote {:.1} MiB of archive; peak memory so far {}",
        written as f64 / 1048576.0,
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
}
