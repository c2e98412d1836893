//! The member archive chapter is complete enough to verify from: the Python verifier
//! written from it (`book/src/formats/verify_archive.py`, standard library only) agrees
//! with Andel's on a real archive, its roots included, and refuses what Andel refuses.

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use andel::export::{
    Archive, ArchiveWriter, Header, JournalSection, Limits, Scope, journal_module, write_roots,
};
use andel::journal::{Draft, Kind, Payload, Redaction, StreamHead, StreamId};

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("book/src/formats/verify_archive.py")
}

/// Runs the Python verifier; `None` (and a note) when python3 is not installed.
fn python_verify(archive: &Path) -> Option<(bool, String)> {
    match Command::new("python3").arg(script()).arg(archive).output() {
        Ok(out) => Some((
            out.status.success(),
            String::from_utf8(out.stdout).unwrap() + &String::from_utf8_lossy(&out.stderr),
        )),
        Err(err) => {
            eprintln!("skipping the Python archive verifier: cannot run python3 ({err})");
            None
        }
    }
}

/// An archive of two streams, one entry redacted, and a note with a non-ASCII name.
fn archive() -> Vec<u8> {
    let at = "2027-01-10T09:00:00Z".parse().unwrap();
    let mut entries = Vec::new();
    for (stream, n) in [("ledger", 6u64), ("consents", 4)] {
        let head = StreamHead::new(StreamId::new(stream).unwrap());
        let drafts: Vec<Draft> = (0..n)
            .map(|i| {
                let payload = serde_json::json!({ "n": i, "who": "Åsa", "share": 0.25 });
                Draft::new(
                    Kind::new("test.recorded").unwrap(),
                    Payload::new(&payload).unwrap(),
                    at,
                )
            })
            .collect();
        let mut sealed = head.seal_all(0, drafts).unwrap();
        if stream == "consents" {
            let mut head = StreamHead::new(StreamId::new(stream).unwrap());
            for entry in &sealed {
                head.advance(entry);
            }
            let record = head
                .seal_redaction(&sealed[1], Redaction::new("erasure request", at))
                .unwrap();
            sealed[1] = sealed[1].clone().redacted();
            sealed.push(record);
        }
        entries.extend(sealed);
    }
    entries.sort_by(|a, b| (a.stream(), a.seq()).cmp(&(b.stream(), b.seq())));
    let header = Header {
        producer: "andel tests".into(),
        created_at: "2027-06-01T12:00:00Z".parse().unwrap(),
        scope: Scope::Coop {
            tenant: "fyrklovern".into(),
        },
        modules: vec![journal_module()],
    };
    let mut writer = ArchiveWriter::new(Cursor::new(Vec::new()), header);
    let mut section = JournalSection::start(&mut writer).unwrap();
    for entry in &entries {
        section.push(entry).unwrap();
    }
    let summary = section.finish().unwrap();
    write_roots(&mut writer, &summary).unwrap();
    let mut note = writer.file("notes/Fyrklövern.txt").unwrap();
    note.write_all("Hej då!".as_bytes()).unwrap();
    note.finish().unwrap();
    writer.finish().unwrap().0.into_inner()
}

/// The archive with the file `name` holding `bytes` instead (the manifest unchanged).
fn with_file(archive: &[u8], name: &str, change: impl Fn(Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(archive)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let entry_name = entry.name().unwrap().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if entry_name == name {
            bytes = change(bytes);
        }
        out.start_file(
            entry_name.as_str(),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn python_archive_verifier_agrees_with_andel() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = archive();
    let path = dir.path().join("coop.zip");
    std::fs::write(&path, &bytes).unwrap();
    let Some((ok, said)) = python_verify(&path) else {
        return;
    };
    assert!(ok, "{said}");
    let report = Archive::open(Cursor::new(bytes.clone()), Limits::default())
        .unwrap()
        .verify();
    assert!(report.is_ok(), "{:?}", report.failures);
    let mut expected = String::from("ok\n");
    for stream in &report.journal.unwrap().streams {
        expected.push_str(&format!(
            "{} {} {}\n",
            stream.stream, stream.entries, stream.root
        ));
    }
    assert_eq!(said, expected, "the same roots from both verifiers");

    // Changed content, a longer file, an unlisted file, an edited manifest: both refuse.
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "a changed journal",
            with_file(&bytes, "journal/journal.ndjson", |b| {
                String::from_utf8(b)
                    .unwrap()
                    .replace("Åsa", "Åse")
                    .into_bytes()
            }),
        ),
        (
            "a longer note",
            with_file(&bytes, "notes/Fyrklövern.txt", |mut b| {
                b.push(b'!');
                b
            }),
        ),
        (
            "an edited manifest",
            with_file(&bytes, "manifest.json", |b| {
                String::from_utf8(b)
                    .unwrap()
                    .replace("andel tests", "andel tests!")
                    .into_bytes()
            }),
        ),
    ];
    for (what, tampered) in cases {
        let path = dir.path().join("tampered.zip");
        std::fs::write(&path, &tampered).unwrap();
        let (ok, said) = python_verify(&path).unwrap();
        assert!(!ok, "Python passed {what}: {said}");
        let rust = Archive::open(Cursor::new(tampered), Limits::default())
            .map(|mut archive| archive.verify().is_ok());
        assert!(!matches!(rust, Ok(true)), "Andel passed {what}");
    }
}
