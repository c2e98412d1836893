//! Golden vectors: a small journal whose bytes, entry hashes and roots are committed, so
//! the encoding can never change silently. The book's "Journal file" chapter shows them
//! as text, and the page is checked against them here (its proofs, in the CLI's tests).
//!
//! If a change to the encoding is intended, it is a new format version; to regenerate
//! the files for a new version, run with `ANDEL_UPDATE_GOLDEN=1`.

use std::path::PathBuf;

use andel_journal::file::{self, JournalWriter};
use andel_journal::merkle::MerkleTree;
use andel_journal::{AuthorId, Draft, Kind, Payload, Redaction, Salt, StreamHead, StreamId};

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// The golden journal, built from fixed inputs (fixed salts, fixed times).
fn golden_journal() -> Vec<andel_journal::Entry> {
    let members = StreamId::new("members").unwrap();
    let capital = StreamId::new("capital").unwrap();
    let mut m = StreamHead::new(members);
    let mut c = StreamHead::new(capital);
    let draft = |kind: &str, payload: &str, at: &str, author: Option<&str>, salt: u8| {
        let mut d = Draft::new(
            Kind::new(kind).unwrap(),
            Payload::from_json_str(payload).unwrap(),
            at.parse().unwrap(),
        )
        .with_salt(Salt::from_bytes([salt; 32]));
        if let Some(a) = author {
            d = d.by(AuthorId::new(a).unwrap());
        }
        d
    };
    let mut entries = Vec::new();
    let push = |head: &mut StreamHead, d: Draft, entries: &mut Vec<_>| {
        let e = head.seal(head.next_seq(), d).unwrap();
        head.advance(&e);
        entries.push(e);
    };
    push(
        &mut m,
        draft(
            "member.admitted",
            r#"{"member":1,"name":"Astrid Lind","class":"worker"}"#,
            "2026-03-01T09:00:00Z",
            Some("board"),
            0x11,
        ),
        &mut entries,
    );
    push(
        &mut m,
        draft(
            "member.admitted",
            r#"{"member":2,"name":"Bashir Khan","class":"user"}"#,
            "2026-03-01T09:05:00.5Z",
            Some("board"),
            0x22,
        ),
        &mut entries,
    );
    push(
        &mut c,
        draft(
            "shares.paid",
            r#"{"member":1,"shares":2,"amount":"500.00","currency":"SEK"}"#,
            "2026-03-02T14:00:00Z",
            None,
            0x33,
        ),
        &mut entries,
    );
    push(
        &mut m,
        draft(
            "member.admitted",
            r#"{"é":"ü","n":-1.5e-7,"list":[true,false,null],"text":"line\nbreak \"quoted\""}"#,
            "2026-03-10T18:00:00.123456789Z",
            Some("board"),
            0x44,
        ),
        &mut entries,
    );
    // Member 2 asks to be forgotten.
    let target = entries[1].clone();
    let redaction = Redaction::new("erasure request", "2026-04-02T08:00:00Z".parse().unwrap())
        .by(AuthorId::new("secretary").unwrap())
        .with_salt(Salt::from_bytes([0x55; 32]));
    let record = m.seal_redaction(&target, redaction).unwrap();
    m.advance(&record);
    entries[1] = target.redacted();
    entries.push(record);
    entries
}

fn write(entries: &[andel_journal::Entry]) -> String {
    let mut writer = JournalWriter::new(Vec::new());
    for e in entries {
        writer.write(e).unwrap();
    }
    String::from_utf8(writer.into_inner()).unwrap()
}

/// The entry hashes, one per line as `stream seq hash`, then each stream's root.
fn hashes_and_roots(entries: &[andel_journal::Entry]) -> String {
    let mut out = String::new();
    for e in entries {
        out.push_str(&format!("entry {} {} {}\n", e.stream(), e.seq(), e.hash()));
    }
    let summary = andel_journal::verify(entries).unwrap();
    for s in &summary.streams {
        out.push_str(&format!("root {} {} {}\n", s.stream, s.entries, s.root));
    }
    out
}

#[test]
fn golden_journal_is_byte_for_byte_stable() {
    let entries = golden_journal();
    let text = write(&entries);
    let hashes = hashes_and_roots(&entries);
    if std::env::var_os("ANDEL_UPDATE_GOLDEN").is_some() {
        std::fs::write(golden("journal.ndjson"), &text).unwrap();
        std::fs::write(golden("hashes.txt"), &hashes).unwrap();
    }
    let committed = std::fs::read_to_string(golden("journal.ndjson")).unwrap();
    assert_eq!(text, committed, "the journal file encoding changed");
    let committed = std::fs::read_to_string(golden("hashes.txt")).unwrap();
    assert_eq!(hashes, committed, "entry hashes or roots changed");
}

#[test]
fn committed_golden_file_verifies_with_the_committed_roots() {
    let text = std::fs::read_to_string(golden("journal.ndjson")).unwrap();
    let summary = file::verify_file(text.as_bytes()).unwrap();
    let hashes = std::fs::read_to_string(golden("hashes.txt")).unwrap();
    for s in &summary.streams {
        assert!(hashes.contains(&format!("root {} {} {}", s.stream, s.entries, s.root)));
    }
    assert_eq!((summary.entries(), summary.redacted()), (5, 1));
    // The roots are the RFC 9162 roots of the committed entry hashes.
    let members: Vec<_> = hashes
        .lines()
        .filter(|l| l.starts_with("entry members "))
        .map(|l| l.rsplit(' ').next().unwrap().parse().unwrap())
        .collect();
    let tree = MerkleTree::from_entry_hashes(members);
    assert_eq!(
        tree.root(),
        summary
            .stream(&StreamId::new("members").unwrap())
            .unwrap()
            .root
    );
}

/// The text of the block marked `<!-- golden: name -->` in the "Journal file" chapter.
fn on_the_page(name: &str) -> String {
    let page =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../book/src/formats/journal-file.md");
    let page = std::fs::read_to_string(page).unwrap();
    let marker = format!("<!-- golden: {name} -->\n");
    let at = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no `{marker}` on the page"));
    let block = &page[at + marker.len()..];
    let body = &block[block.find('\n').unwrap() + 1..];
    body[..body.find("```").unwrap()].to_owned()
}

#[test]
fn the_page_shows_the_golden_vectors_as_the_code_makes_them() {
    let entries = golden_journal();
    assert_eq!(
        on_the_page("journal"),
        write(&entries),
        "the page's golden journal"
    );
    assert_eq!(
        on_the_page("hashes"),
        hashes_and_roots(&entries),
        "the page's hashes"
    );
    let members = MerkleTree::from_entry_hashes(
        entries
            .iter()
            .filter(|e| e.stream().as_str() == "members")
            .map(|e| *e.hash()),
    );
    let roots: String = (0..=members.size())
        .map(|n| format!("root members {n} {}\n", members.root_at(n).unwrap()))
        .collect();
    assert_eq!(on_the_page("roots"), roots, "the page's roots");
}
