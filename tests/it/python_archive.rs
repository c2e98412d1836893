//! The member archive chapter is complete enough to verify from: the Python verifier
//! written from it (`book/src/formats/verify_archive.py`, standard library only) agrees
//! with Andel's on a real archive, its roots included, and refuses what Andel refuses;
//! on a member's archive, it checks every entry's proof as Andel does.

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use andel::export::{
    Archive, ArchiveWriter, Header, JournalSection, Limits, MemberEntry, Roots, Scope, StreamRoot,
    journal_module, write_member_journal, write_roots,
};
use andel::journal::merkle::{InclusionDocument, MerkleTree};
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
    both_refuse(dir.path(), cases);
}

/// Both verifiers refuse each of the tampered archives `cases`.
fn both_refuse(dir: &Path, cases: Vec<(&str, Vec<u8>)>) {
    for (what, tampered) in cases {
        let path = dir.join("tampered.zip");
        std::fs::write(&path, &tampered).unwrap();
        let (ok, said) = python_verify(&path).unwrap();
        assert!(!ok, "Python passed {what}: {said}");
        let rust = Archive::open(Cursor::new(tampered), Limits::default())
            .map(|mut archive| archive.verify().is_ok());
        assert!(!matches!(rust, Ok(true)), "Andel passed {what}");
    }
}

/// A member's archive: their entries of two streams (one erased) and, in a proposal's
/// stream, another member's ballot as a placeholder; each with its proof.
fn member_archive() -> Vec<u8> {
    let at = "2027-01-10T09:00:00Z".parse().unwrap();
    let mut items = Vec::new();
    let mut roots = Vec::new();
    for (stream, n) in [("decision.shop", 5u64), ("ledger", 9)] {
        let head = StreamHead::new(StreamId::new(stream).unwrap());
        let drafts: Vec<Draft> = (0..n)
            .map(|i| {
                let payload =
                    serde_json::json!({ "n": i, "who": if i % 2 == 0 { "Åsa" } else { "Bo" } });
                Draft::new(
                    Kind::new("test.recorded").unwrap(),
                    Payload::new(&payload).unwrap(),
                    at,
                )
            })
            .collect();
        let sealed = head.seal_all(0, drafts).unwrap();
        let tree = MerkleTree::from_entry_hashes(sealed.iter().map(|e| *e.hash()));
        roots.push(StreamRoot {
            stream: stream.into(),
            entries: tree.size(),
            root: tree.root(),
        });
        let proposal = stream == "decision.shop";
        for entry in sealed {
            if !proposal && entry.seq() % 2 == 1 {
                continue;
            }
            let seq = entry.seq();
            let proof = tree.inclusion_proof(seq, tree.size()).unwrap();
            items.push(MemberEntry {
                proof: InclusionDocument::new(entry.stream().clone(), seq, *entry.hash(), proof),
                entry: if !proposal && seq == 4 {
                    entry.redacted()
                } else {
                    entry
                },
                withheld: (proposal && seq % 2 == 1).then(|| "Bo's ballot".to_owned()),
            });
        }
    }
    let header = Header {
        producer: "andel tests".into(),
        created_at: "2027-06-01T12:00:00Z".parse().unwrap(),
        scope: Scope::Member {
            tenant: "fyrklovern".into(),
            member: "1".into(),
        },
        modules: vec![journal_module()],
    };
    let mut writer = ArchiveWriter::new(Cursor::new(Vec::new()), header);
    write_member_journal(&mut writer, &items, &Roots { streams: roots }).unwrap();
    writer.finish().unwrap().0.into_inner()
}

/// The archive with `name` changed, and the manifest and its SHA-256 rewritten to match.
fn resealed(archive: &[u8], name: &str, change: impl Fn(Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    let changed = with_file(archive, name, change);
    let mut zip = zip::ZipArchive::new(Cursor::new(&changed)).unwrap();
    let mut data = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        data.insert(entry.name().unwrap().to_string(), bytes);
    }
    let mut manifest: serde_json::Value = serde_json::from_slice(&data["manifest.json"]).unwrap();
    for file in manifest["files"].as_array_mut().unwrap() {
        let bytes = &data[file["path"].as_str().unwrap()];
        file["size"] = bytes.len().into();
        file["sha256"] = andel::journal::Digest::of(bytes).to_string().into();
    }
    let manifest = serde_json::to_vec_pretty(&manifest).unwrap();
    let sum = format!("{}  manifest.json\n", andel::journal::Digest::of(&manifest));
    let with_manifest = with_file(&changed, "manifest.json", |_| manifest.clone());
    with_file(&with_manifest, "manifest.sha256", |_| {
        sum.clone().into_bytes()
    })
}

#[test]
fn python_archive_verifier_checks_a_members_proofs() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = member_archive();
    let path = dir.path().join("member.zip");
    std::fs::write(&path, &bytes).unwrap();
    let Some((ok, said)) = python_verify(&path) else {
        return;
    };
    assert!(ok, "{said}");
    let report = Archive::open(Cursor::new(bytes.clone()), Limits::default())
        .unwrap()
        .verify();
    assert!(report.is_ok(), "{:?}", report.failures);
    let found = report.member_journal.unwrap();
    let mut expected = format!(
        "the member's {} entries ({} withheld) are proved\nok\n",
        found.entries, found.withheld
    );
    for stream in &found.streams {
        expected.push_str(&format!(
            "{} {} {}\n",
            stream.stream, stream.entries, stream.root
        ));
    }
    assert_eq!(
        said, expected,
        "the same entries and roots from both verifiers"
    );
    assert_eq!((found.entries, found.withheld), (10, 2));

    // Changes covered by a rewritten manifest: the proofs still catch them, in both.
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "a changed entry",
            resealed(&bytes, "journal/entries.ndjson", |b| {
                String::from_utf8(b)
                    .unwrap()
                    .replacen("Åsa", "Åse", 1)
                    .into_bytes()
            }),
        ),
        (
            "another root",
            resealed(&bytes, "journal/roots.json", |b| {
                let text = String::from_utf8(b).unwrap();
                let root = text.split('"').nth(11).unwrap().to_owned();
                text.replace(&root, &"0".repeat(64)).into_bytes()
            }),
        ),
        (
            "a placeholder with content",
            resealed(&bytes, "journal/withheld.json", |_| {
                br#"{"entries":[{"stream":"ledger","seq":0,"why":"x"}]}"#.to_vec()
            }),
        ),
    ];
    both_refuse(dir.path(), cases);
}
