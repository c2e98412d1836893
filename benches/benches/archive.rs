//! Writing and verifying an archive beside the `zip` and `unzip` commands (Info-ZIP), on
//! the same files, in the same run.
//!
//! `cargo bench -p andel-benches --bench archive`. Goal (issue 16): throughput at least
//! 0.8× the `zip` command. 256 MiB of journal-like text in 16 files; both compress with
//! Deflate at level 6 (`zip`'s default and the `zip` crate's), and both write a file on
//! the same disk. Verifying: `Archive::open` + `verify` (every file's SHA-256 and size
//! against the manifest) beside `unzip -tq` (every file's CRC-32).

// A bench stops on a broken fixture: that is a bug, not a result.
#![allow(clippy::expect_used, missing_docs)]

use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::process::Command;

use andel::export::{Archive, ArchiveWriter, Header, Limits, Scope};
use andel_benches::archive::journal_files;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const MIB: u64 = 256;

fn write_archive(dir: &Path, files: &[PathBuf], out: &Path) {
    let header = Header {
        producer: "archive bench".into(),
        created_at: "2027-06-01T12:00:00Z".parse().expect("a time"),
        scope: Scope::Coop {
            tenant: "bench".into(),
        },
        modules: Vec::new(),
    };
    let output = BufWriter::new(std::fs::File::create(out).expect("the archive"));
    let mut writer = ArchiveWriter::new(output, header);
    for path in files {
        let mut file = writer.file(path.to_str().expect("UTF-8")).expect("a file");
        let mut input = std::fs::File::open(dir.join(path)).expect("the input");
        std::io::copy(&mut input, &mut file).expect("copied");
        file.finish().expect("finished");
    }
    writer.finish().expect("written");
}

fn zip_command(dir: &Path, out: &Path) {
    let _ = std::fs::remove_file(out);
    let status = Command::new("zip")
        .current_dir(dir)
        .args(["-q", "-r", "-6"])
        .arg(out)
        .arg("streams")
        .status()
        .expect("the zip command (Debian package zip)");
    assert!(status.success());
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a folder");
    let files = journal_files(dir.path(), MIB << 20, 16);
    let ours = dir.path().join("ours.zip");
    let theirs = dir.path().join("theirs.zip");
    write_archive(dir.path(), &files, &ours);
    zip_command(dir.path(), &theirs);
    let size = |p: &Path| std::fs::metadata(p).expect("a file").len() as f64 / 1048576.0;
    eprintln!(
        "archive bench: {MIB} MiB in 16 files; Andel's archive {:.1} MiB, zip's {:.1} MiB",
        size(&ours),
        size(&theirs)
    );

    let mut group = c.benchmark_group("archive (256 MiB of journal text)");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(MIB << 20));
    group.bench_function("andel ArchiveWriter: write", |b| {
        b.iter(|| write_archive(dir.path(), &files, &ours))
    });
    group.bench_function("zip -q -r -6: write", |b| {
        b.iter(|| zip_command(dir.path(), &theirs))
    });
    group.bench_function("andel Archive: open and verify", |b| {
        b.iter(|| {
            let input = BufReader::new(std::fs::File::open(&ours).expect("the archive"));
            let mut archive = Archive::open(input, Limits::default()).expect("opened");
            assert!(archive.verify().is_ok());
        })
    });
    group.bench_function("unzip -tq: test", |b| {
        b.iter(|| {
            let status = Command::new("unzip")
                .args(["-tq"])
                .arg(&theirs)
                .output()
                .expect("the unzip command");
            assert!(status.status.success());
        })
    });
    group.finish();
}

criterion_group!(archive, benches);
criterion_main!(archive);
