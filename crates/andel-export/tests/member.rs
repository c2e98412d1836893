//! A member's archive: their entries each proved against their stream's root, other
//! people's entries only as placeholders, and any change to an entry or a proof caught
//! even when the manifest is rewritten to match.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

use std::io::Cursor;

use andel_export::{
    Archive, ArchiveWriter, Header, Limits, MemberEntry, Roots, Scope, StreamRoot, journal_module,
    write_member_journal,
};
use andel_journal::merkle::{InclusionDocument, MerkleTree};
use andel_journal::{Digest, Draft, Entry, Kind, Payload, Salt, StreamHead, StreamId};
use proptest::prelude::*;
use support::{contents, damage, zip_of};

/// Two streams: the ledger (member 7's entries are seq 1 and 4) and a proposal whose
/// seq 2 is another member's ballot.
fn streams() -> Vec<Vec<Entry>> {
    let at = "2027-01-10T09:00:00Z".parse().unwrap();
    [("decision.shop", 4, "ballot"), ("ledger", 6, "ledger")]
        .iter()
        .map(|(stream, n, what)| {
            let head = StreamHead::new(StreamId::new(*stream).unwrap());
            let drafts: Vec<Draft> = (0..*n)
                .map(|i| {
                    let who = if i % 3 == 1 { 7 } else { 8 };
                    let text =
                        format!(r#"{{"member":{who},"n":{i},"what":"{what} of Bertil-{i}"}}"#);
                    Draft::new(
                        Kind::new("test.recorded").unwrap(),
                        Payload::from_json_str(&text).unwrap(),
                        at,
                    )
                    .with_salt(Salt::from_bytes([9; 32]))
                })
                .collect();
            head.seal_all(0, drafts).unwrap()
        })
        .collect()
}

/// Member 7's entries with their proofs: the whole proposal (seq 2 withheld) and ledger
/// seq 1 and 4.
fn member_entries() -> (Vec<MemberEntry>, Roots) {
    let mut entries = Vec::new();
    let mut roots = Vec::new();
    for stream in streams() {
        let tree = MerkleTree::from_entry_hashes(stream.iter().map(|e| *e.hash()));
        let name = stream[0].stream().clone();
        roots.push(StreamRoot {
            stream: name.to_string(),
            entries: tree.size(),
            root: tree.root(),
        });
        for entry in stream {
            let proposal = name.as_str() == "decision.shop";
            if !proposal && entry.seq() % 3 != 1 {
                continue;
            }
            let proof = tree.inclusion_proof(entry.seq(), tree.size()).unwrap();
            let withheld = (proposal && entry.seq() == 2).then(|| "another member's ballot".into());
            entries.push(MemberEntry {
                proof: InclusionDocument::new(name.clone(), entry.seq(), *entry.hash(), proof),
                entry,
                withheld,
            });
        }
    }
    (entries, Roots { streams: roots })
}

fn header() -> Header {
    Header {
        producer: "andel-export tests".into(),
        created_at: "2027-06-01T12:00:00Z".parse().unwrap(),
        scope: Scope::Member {
            tenant: "fyrklovern".into(),
            member: "7".into(),
        },
        modules: vec![journal_module()],
    }
}

fn archive() -> Vec<u8> {
    let (entries, roots) = member_entries();
    let mut writer = ArchiveWriter::new(Cursor::new(Vec::new()), header());
    write_member_journal(&mut writer, &entries, &roots).unwrap();
    writer.finish().unwrap().0.into_inner()
}

fn open(bytes: Vec<u8>) -> Archive<Cursor<Vec<u8>>> {
    Archive::open(Cursor::new(bytes), Limits::default()).unwrap()
}

/// A zip of `files` with the manifest rewritten to list them as they are, and its
/// SHA-256 to match: what someone who edits an archive and covers their tracks does.
fn resealed(mut files: Vec<(String, Vec<u8>)>) -> Vec<u8> {
    let manifest = files
        .iter()
        .position(|(n, _)| n == "manifest.json")
        .unwrap();
    let mut listed: serde_json::Value = serde_json::from_slice(&files[manifest].1).unwrap();
    for file in listed["files"].as_array_mut().unwrap() {
        let data = &files.iter().find(|(n, _)| *n == file["path"]).unwrap().1;
        file["size"] = data.len().into();
        file["sha256"] = Digest::of(data).to_string().into();
    }
    files[manifest].1 = serde_json::to_vec_pretty(&listed).unwrap();
    let sum = files
        .iter()
        .position(|(n, _)| n == "manifest.sha256")
        .unwrap();
    files[sum].1 = format!("{}  manifest.json\n", Digest::of(&files[manifest].1)).into_bytes();
    zip_of(&files)
}

fn file<'a>(files: &'a mut [(String, Vec<u8>)], name: &str) -> &'a mut Vec<u8> {
    &mut files.iter_mut().find(|(n, _)| n == name).unwrap().1
}

#[test]
fn every_entry_is_proved_and_others_are_placeholders() {
    let bytes = archive();
    let report = open(bytes.clone()).verify();
    assert!(report.is_ok(), "{:?}", report.failures);
    let found = report.member_journal.unwrap();
    assert_eq!((found.entries, found.withheld), (6, 1));
    let (_, roots) = member_entries();
    assert_eq!(found.streams, roots.streams);
    let files = contents(&bytes);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names[..4],
        [
            "journal/entries.ndjson",
            "journal/proofs.ndjson",
            "journal/withheld.json",
            "journal/roots.json"
        ]
    );
    for (name, data) in &files {
        let text = String::from_utf8_lossy(data);
        assert!(
            !text.contains("ballot of Bertil-2"),
            "{name} holds the withheld ballot"
        );
        assert!(
            !text.contains("ledger of Bertil-0"),
            "{name} holds another member's ledger entry"
        );
    }
    let entries = String::from_utf8_lossy(&files[0].1).into_owned();
    assert!(entries.contains("ledger of Bertil-4") && entries.contains("ballot of Bertil-3"));
}

/// A change to one file's bytes.
type Edit = fn(&mut Vec<u8>);

#[test]
fn changes_that_the_manifest_covers_are_still_caught_by_the_proofs() {
    let cases: [(&str, Edit, &str); 4] = [
        (
            "journal/entries.ndjson",
            |data| {
                let text = String::from_utf8(data.clone()).unwrap();
                *data = text.replace("\"n\":4", "\"n\":5").into_bytes();
            },
            "journal/proofs.ndjson: line 6 entry 4 of `ledger`: payload altered: it does not match the entry's commitment",
        ),
        (
            "journal/withheld.json",
            |data| *data = br#"{"entries":[]}"#.to_vec(),
            "",
        ),
        (
            "journal/withheld.json",
            |data| {
                *data = br#"{"entries":[{"stream":"ledger","seq":1,"why":"x"}]}"#.to_vec();
            },
            "journal/entries.ndjson: line 5 is listed as withheld but carries its content",
        ),
        (
            "journal/proofs.ndjson",
            |data| {
                let text = String::from_utf8(data.clone()).unwrap();
                let lines: Vec<&str> = text.lines().collect();
                *data = format!("{}\n{}\n", lines[..5].join("\n"), lines[4]).into_bytes();
            },
            "journal/proofs.ndjson: line 6 the proof of entry 4 of `ledger` is of entry 1 of `ledger` with another hash",
        ),
    ];
    for (name, change, expected) in cases {
        let mut files = contents(&archive());
        change(file(&mut files, name));
        let report = open(resealed(files)).verify();
        if expected.is_empty() {
            // Forgetting a placeholder is no forgery: the entry is still redacted.
            assert!(report.is_ok(), "{:?}", report.failures);
            assert_eq!(report.member_journal.unwrap().withheld, 0);
        } else {
            let failures: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
            assert_eq!(failures, [expected], "{name}");
        }
    }
}

#[test]
fn a_root_other_than_the_published_one_fails_every_proof_of_its_stream() {
    let mut files = contents(&archive());
    let roots = file(&mut files, "journal/roots.json");
    let mut listed: serde_json::Value = serde_json::from_slice(roots).unwrap();
    listed["streams"][1]["root"] = Digest::of(b"another root").to_string().into();
    *roots = serde_json::to_vec(&listed).unwrap();
    let report = open(resealed(files)).verify();
    assert_eq!(report.failures.len(), 1);
    assert!(
        report.failures[0]
            .to_string()
            .starts_with("journal/proofs.ndjson: line 5 entry 1 of `ledger` is not proved against the stream's root"),
        "{}",
        report.failures[0]
    );
}

#[test]
fn nothing_is_written_for_entries_that_would_not_verify() {
    let (mut entries, roots) = member_entries();
    entries.swap(0, 1);
    let mut writer = ArchiveWriter::new(Cursor::new(Vec::new()), header());
    let err = write_member_journal(&mut writer, &entries, &roots).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the member's journal is not written: entry 0 of `decision.shop` is not after the one before it"
    );
    assert!(writer.files().is_empty());

    let (mut entries, roots) = member_entries();
    let other = entries[1].proof.clone();
    entries[0].proof = other;
    let mut writer = ArchiveWriter::new(Cursor::new(Vec::new()), header());
    let err = write_member_journal(&mut writer, &entries, &roots).unwrap_err();
    assert!(
        err.to_string()
            .contains("the proof of entry 0 of `decision.shop` is of entry 1"),
        "{err}"
    );
    assert!(writer.files().is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any change to any byte of the member's entries or proofs is caught, even with
    /// the manifest rewritten to cover it: the proofs bind every entry to its stream's
    /// root, which the member compares with the root the co-op published.
    #[test]
    fn any_changed_entry_or_proof_byte_is_caught_under_a_resealed_manifest(
        proofs in any::<bool>(),
        at in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let mut files = contents(&archive());
        let name = if proofs { "journal/proofs.ndjson" } else { "journal/entries.ndjson" };
        let data = file(&mut files, name);
        let at = at.index(data.len());
        data[at] ^= flip;
        let report = open(resealed(files)).verify();
        prop_assert!(!report.is_ok(), "byte {} of {} changed unnoticed", at, name);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A damaged member's archive never makes the reader panic, and one that still
    /// verifies holds exactly the files it held.
    #[test]
    fn a_damaged_members_archive_never_passes_for_other_content(damage in damage()) {
        let whole = archive();
        let bytes = damage.done_to(&whole);
        if let Ok(mut archive) = Archive::open(Cursor::new(bytes.clone()), Limits::default())
            && archive.verify().is_ok()
        {
            prop_assert_eq!(contents(&bytes), contents(&whole));
        }
    }
}
