//! The archive round trip, tampering with any byte of any file, and hostile archives:
//! each refused with a clear error, nothing read past a limit.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

use std::io::{Cursor, Read, Write};

use andel_export::{
    Archive, ArchiveError, ArchiveWriter, Header, JournalSection, Limits, MANIFEST, Scope,
    journal_module, write_roots,
};
use andel_journal::{Draft, Entry, Kind, Payload, Salt, StreamHead, StreamId};
use proptest::prelude::*;
use support::{contents, damage, zip_of};
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

fn entries() -> Vec<Entry> {
    let at = "2027-01-10T09:00:00Z".parse().unwrap();
    let mut all = Vec::new();
    for (stream, n) in [("consents", 3), ("members", 5)] {
        let head = StreamHead::new(StreamId::new(stream).unwrap());
        let drafts: Vec<Draft> = (0..n)
            .map(|i| {
                let payload = Payload::from_json_str(&format!(r#"{{"n":{i},"name":"Åsa"}}"#));
                Draft::new(Kind::new("test.recorded").unwrap(), payload.unwrap(), at)
                    .with_salt(Salt::from_bytes([7; 32]))
            })
            .collect();
        all.extend(head.seal_all(0, drafts).unwrap());
    }
    all
}

fn header() -> Header {
    Header {
        producer: "andel-export tests".into(),
        created_at: "2027-06-01T12:00:00Z".parse().unwrap(),
        scope: Scope::Coop {
            tenant: "fyrklovern".into(),
        },
        modules: vec![journal_module()],
    }
}

/// An archive of [`entries`], with a note.
fn archive() -> Vec<u8> {
    let mut writer = ArchiveWriter::new(Cursor::new(Vec::new()), header());
    let mut section = JournalSection::start(&mut writer).unwrap();
    for entry in &entries() {
        section.push(entry).unwrap();
    }
    let summary = section.finish().unwrap();
    write_roots(&mut writer, &summary).unwrap();
    let mut note = writer.file("notes/a note.txt").unwrap();
    note.write_all("Fyrklövern's archive".as_bytes()).unwrap();
    note.finish().unwrap();
    writer.finish().unwrap().0.into_inner()
}

fn open(bytes: Vec<u8>) -> Result<Archive<Cursor<Vec<u8>>>, ArchiveError> {
    Archive::open(Cursor::new(bytes), Limits::default())
}

#[test]
fn an_archive_verifies_and_lists_every_file() {
    let mut archive = open(archive()).unwrap();
    let listed: Vec<&str> = archive
        .manifest()
        .files
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(
        listed,
        [
            "journal/journal.ndjson",
            "journal/roots.json",
            "notes/a note.txt",
            "README.txt",
            "index.html"
        ]
    );
    let report = archive.verify();
    assert!(report.is_ok(), "{:?}", report.failures);
    assert_eq!(report.files, 5);
    let summary = report.journal.unwrap();
    assert_eq!(summary.entries(), 8);
    let mut readme = String::new();
    archive
        .file("README.txt")
        .unwrap()
        .read_to_string(&mut readme)
        .unwrap();
    assert!(
        readme.contains("every journal of the co-op `fyrklovern`"),
        "{readme}"
    );
    let mut index = String::new();
    archive
        .file("index.html")
        .unwrap()
        .read_to_string(&mut index)
        .unwrap();
    assert!(!index.contains("<script"), "no script in the page");
    assert!(index.contains("<a href=\"notes/a note.txt\">"), "{index}");
}

#[test]
fn the_same_content_makes_the_same_archive() {
    assert_eq!(
        archive(),
        archive(),
        "archives are reproducible byte for byte"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any change to any byte of any file inside the archive, manifest included, is
    /// reported: by opening or by verifying.
    #[test]
    fn any_changed_byte_of_any_file_is_reported(file in any::<prop::sample::Index>(), at in any::<prop::sample::Index>(), flip in 1u8..=255) {
        let mut files = contents(&archive());
        let file = file.index(files.len());
        let data = &mut files[file].1;
        let at = at.index(data.len());
        data[at] ^= flip;
        let name = files[file].0.clone();
        match open(zip_of(&files)) {
            Err(_) => {}
            Ok(mut archive) => {
                let report = archive.verify();
                prop_assert!(!report.is_ok(), "a changed byte {} of `{}` went unnoticed", at, name);
            }
        }
    }
}

#[test]
fn a_manifest_that_lies_about_a_file_is_reported_with_the_file() {
    let mut files = contents(&archive());
    let note = files
        .iter()
        .position(|(name, _)| name == "notes/a note.txt")
        .unwrap();
    files[note].1.extend_from_slice(b" and more");
    let report = open(zip_of(&files)).unwrap().verify();
    assert_eq!(report.failures.len(), 1, "{:?}", report.failures);
    assert_eq!(report.failures[0].path, "notes/a note.txt");
    assert!(
        report.failures[0]
            .problem
            .contains("longer than the 21 bytes the manifest lists"),
        "{}",
        report.failures[0]
    );

    // A file nobody listed.
    let mut files = contents(&archive());
    files.push(("extra.txt".into(), b"smuggled".to_vec()));
    let report = open(zip_of(&files)).unwrap().verify();
    assert_eq!(report.failures[0].path, "extra.txt");
    assert_eq!(report.failures[0].problem, "is not in the manifest");

    // A listed file missing.
    let mut files = contents(&archive());
    files.retain(|(name, _)| name != "notes/a note.txt");
    let report = open(zip_of(&files)).unwrap().verify();
    assert_eq!(report.failures[0].path, "notes/a note.txt");
}

#[test]
fn roots_that_are_not_the_journals_are_reported() {
    let mut files = contents(&archive());
    let roots = files
        .iter()
        .position(|(name, _)| name == "journal/roots.json")
        .unwrap();
    let text = String::from_utf8(files[roots].1.clone()).unwrap();
    let edited = text.replace("\"entries\": 5", "\"entries\": 4");
    assert_ne!(edited, text);
    files[roots].1 = edited.into_bytes();
    // Re-list the edited file so that only the journal check can tell.
    let manifest = files.iter().position(|(name, _)| name == MANIFEST).unwrap();
    let mut listed: serde_json::Value = serde_json::from_slice(&files[manifest].1).unwrap();
    for file in listed["files"].as_array_mut().unwrap() {
        if file["path"] == "journal/roots.json" {
            file["size"] = files[roots].1.len().into();
            file["sha256"] = andel_journal::Digest::of(&files[roots].1)
                .to_string()
                .into();
        }
    }
    files[manifest].1 = serde_json::to_vec_pretty(&listed).unwrap();
    let sum = files
        .iter()
        .position(|(name, _)| name == "manifest.sha256")
        .unwrap();
    files[sum].1 = format!(
        "{}  manifest.json\n",
        andel_journal::Digest::of(&files[manifest].1)
    )
    .into_bytes();
    let report = open(zip_of(&files)).unwrap().verify();
    assert_eq!(report.failures.len(), 1, "{:?}", report.failures);
    assert_eq!(
        report.failures[0].to_string(),
        format!(
            "journal/roots.json: does not give stream `members` its root {} over 5 entries",
            report_root(&contents(&archive()))
        )
    );
}

fn report_root(files: &[(String, Vec<u8>)]) -> String {
    let roots = &files
        .iter()
        .find(|(n, _)| n == "journal/roots.json")
        .unwrap()
        .1;
    let roots: serde_json::Value = serde_json::from_slice(roots).unwrap();
    roots["streams"][1]["root"].as_str().unwrap().to_owned()
}

/// Renames the entry `from` to `to` (of the same length) in a zip's bytes, in its local
/// header and its central directory: what a hand-made hostile archive does.
fn rename(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let mut out = bytes.to_vec();
    let mut at = 0;
    let mut count = 0;
    while let Some(i) = out[at..].windows(from.len()).position(|w| w == from) {
        out[at + i..at + i + from.len()].copy_from_slice(to);
        at += i + from.len();
        count += 1;
    }
    assert_eq!(
        count, 2,
        "the name is in the local header and the directory"
    );
    out
}

fn refused(bytes: Vec<u8>) -> String {
    match open(bytes) {
        Err(err) => err.to_string(),
        Ok(archive) => panic!("a hostile archive was opened: {:?}", archive.names()),
    }
}

#[test]
fn hostile_names_are_refused_before_anything_is_read() {
    let base = || contents(&archive());
    for (name, expected) in [
        (
            "../../etc/cron.d/evil",
            "entry `../../etc/cron.d/evil`: the name has a `.` or `..` part",
        ),
        ("/etc/passwd", "entry `/etc/passwd`: the name is absolute"),
        (
            "C:/windows/evil",
            "entry `C:/windows/evil`: the name holds a colon (a drive or a stream on Windows)",
        ),
        (
            "notes\\..\\..\\evil",
            "entry `notes\\..\\..\\evil`: the name holds a backslash",
        ),
    ] {
        // Written under a harmless name of the same length, then renamed in the bytes:
        // zip writers will not write such names.
        let harmless = "x".repeat(name.len());
        let mut files = base();
        files.push((harmless.clone(), b"x".to_vec()));
        let bytes = rename(&zip_of(&files), harmless.as_bytes(), name.as_bytes());
        assert_eq!(refused(bytes), expected);
    }

    // Two entries named alike (made by hand: zip writers refuse to).
    let mut files = base();
    files.push(("notes/b note.txt".into(), b"other".to_vec()));
    let twice = rename(&zip_of(&files), b"notes/b note.txt", b"notes/a note.txt");
    assert_eq!(
        refused(twice),
        "the zip's directory lists two entries under one name"
    );

    // A name that is not UTF-8.
    let mut files = base();
    files.push(("notes/x.txt".into(), b"x".to_vec()));
    let bytes = rename(&zip_of(&files), b"notes/x.txt", b"notes/\xff.txt");
    assert!(open(bytes).is_err());

    // A symbolic link pointing out of the archive.
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in base() {
        zip.start_file(name.as_str(), SimpleFileOptions::default())
            .unwrap();
        zip.write_all(&data).unwrap();
    }
    zip.add_symlink("notes/link", "/etc/passwd", SimpleFileOptions::default())
        .unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    assert_eq!(
        refused(bytes),
        "entry `notes/link` is a symbolic link; an archive holds plain files only"
    );

    // A folder entry.
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.add_directory("notes/", SimpleFileOptions::default())
        .unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    assert!(refused(bytes).contains("notes/"));
}

#[test]
fn bombs_truncations_and_strangers_are_refused() {
    // 4 MiB of zeros: a ratio of about a thousand.
    let mut files = contents(&archive());
    files.push(("notes/zeros".into(), vec![0; 4 << 20]));
    let bomb = zip_of(&files);
    let err = refused(bomb.clone());
    assert!(
        err.starts_with("`notes/zeros` expands to 4194304 bytes, a ratio of: "),
        "{err}"
    );
    let tight = Limits {
        max_total_bytes: 1 << 20,
        max_ratio: 10_000,
        ..Limits::default()
    };
    let err = Archive::open(Cursor::new(bomb), tight).unwrap_err();
    assert!(err.to_string().starts_with("the files hold: "), "{err}");

    // Cut short.
    let whole = archive();
    for keep in [0, 10, whole.len() / 2, whole.len() - 1] {
        assert!(
            open(whole[..keep].to_vec()).is_err(),
            "{keep} bytes of {}",
            whole.len()
        );
    }

    // A zip, but no archive.
    let stranger = zip_of(&[("hello.txt".into(), b"hi".to_vec())]);
    assert_eq!(
        refused(stranger),
        "the manifest: the archive holds no `manifest.json`"
    );
    // Too many files for the limits.
    let few = Limits {
        max_files: 3,
        ..Limits::default()
    };
    let err = Archive::open(Cursor::new(archive()), few).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("files in the archive: 7, more than the 3"),
        "{err}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Damaged zip bytes never make the reader panic, and an archive that still
    /// verifies holds exactly the files it held: whatever changed was not content.
    #[test]
    fn damaged_bytes_never_pass_for_other_content(damage in damage()) {
        let whole = archive();
        let bytes = damage.done_to(&whole);
        if let Ok(mut archive) = open(bytes.clone())
            && archive.verify().is_ok()
        {
            prop_assert_eq!(contents(&bytes), contents(&whole));
        }
    }
}
