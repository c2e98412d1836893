//! The journal file chapter is complete enough to verify from: the Python verifier written
//! from it alone (`book/src/formats/verify_journal.py`) agrees with Andel on every root,
//! catches tampering, and refuses what the chapter forbids at the line Andel names.

use std::path::{Path, PathBuf};
use std::process::Command;

use andel::journal::file::{self, FileError, JournalWriter};
use andel::journal::{
    AuthorId, Content, Digest, Draft, Entry, EntryParts, Kind, Payload, Redaction, Salt,
    StreamHead, StreamId, commitment, verify,
};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Runs the Python verifier; `None` (and a note) when python3 is not installed.
fn python_verify(file: &Path) -> Option<(bool, String)> {
    let script = root().join("book/src/formats/verify_journal.py");
    match Command::new("python3").arg(script).arg(file).output() {
        Ok(out) => Some((out.status.success(), String::from_utf8(out.stdout).unwrap())),
        Err(err) => {
            eprintln!("skipping the Python verifier check: cannot run python3 ({err})");
            None
        }
    }
}

/// A journal with payloads that exercise canonical JSON: floats, escapes, non-ASCII
/// keys that sort differently in UTF-16, nesting; and a few redactions.
fn varied_journal() -> Vec<andel::journal::Entry> {
    let mut heads = [
        StreamHead::new(StreamId::new("a").unwrap()),
        StreamHead::new(StreamId::new("b/c").unwrap()),
    ];
    let mut entries = Vec::new();
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for i in 0..300u64 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let float = f64::from_bits((x >> 12) | 0x3ff0_0000_0000_0000) - 1.0; // [0, 1)
        let scaled = float * 10f64.powi((x % 40) as i32 - 20);
        let payload = serde_json::json!({
            "i": i,
            "f": if scaled.fract() == 0.0 { 0.5 } else { scaled },
            "neg": -((x % 1000) as i64),
            "text": format!("line\n\t\"{}\"\u{1} é € 😀 \u{7f}", x % 97),
            "\u{fb01}": [true, null, { "z": 1, "a": [] }],
            "\u{1f600}": "astral key",
        });
        let head = &mut heads[(x % 2) as usize];
        let mut draft = Draft::new(
            Kind::new("test.varied").unwrap(),
            Payload::new(&payload).unwrap(),
            format!(
                "2026-0{}-1{}T0{}:00:00.{:09}Z",
                1 + x % 9,
                x % 10,
                x % 10,
                x % 1_000_000_000
            )
            .parse()
            .unwrap(),
        );
        if x.is_multiple_of(3) {
            draft = draft.by(AuthorId::new(format!("member-{}", x % 50)).unwrap());
        }
        let entry = head.seal(head.next_seq(), draft).unwrap();
        head.advance(&entry);
        entries.push(entry);
        if i % 50 == 49 {
            let position = entries.len() - 3;
            let target = entries[position].clone();
            let head = heads
                .iter_mut()
                .find(|h| h.stream() == target.stream())
                .unwrap();
            if let Ok(record) = head.seal_redaction(
                &target,
                Redaction::new("erasure request", "2026-12-01T00:00:00Z".parse().unwrap()),
            ) {
                head.advance(&record);
                entries[position] = target.redacted();
                entries.push(record);
            }
        }
    }
    entries
}

fn write(entries: &[andel::journal::Entry], path: &Path) {
    let mut writer = JournalWriter::new(Vec::new());
    for e in entries {
        writer.write(e).unwrap();
    }
    std::fs::write(path, writer.into_inner()).unwrap();
}

#[test]
fn python_verifier_agrees_on_the_golden_file() {
    let golden = root().join("crates/andel-journal/tests/golden");
    let Some((ok, out)) = python_verify(&golden.join("journal.ndjson")) else {
        return;
    };
    assert!(ok, "{out}");
    let expected: String = std::fs::read_to_string(golden.join("hashes.txt"))
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("root "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(out, expected);
}

#[test]
fn python_verifier_agrees_on_varied_payloads_and_catches_tampering() {
    let entries = varied_journal();
    let summary = verify(&entries).unwrap();
    assert!(summary.redacted() >= 5);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("varied.ndjson");
    write(&entries, &path);
    let Some((ok, out)) = python_verify(&path) else {
        return;
    };
    assert!(ok, "{out}");
    let expected: String = summary
        .streams
        .iter()
        .map(|s| format!("{} {} {}\n", s.stream, s.entries, s.root))
        .collect();
    assert_eq!(out, expected);

    let text = std::fs::read_to_string(&path).unwrap();
    let tampered = text.replacen("\"i\":7,", "\"i\":8,", 1);
    assert_ne!(tampered, text);
    std::fs::write(&path, tampered).unwrap();
    let (ok, out) = python_verify(&path).unwrap();
    assert!(!ok);
    assert!(out.contains("payload altered"), "{out}");
}

/// A journal written by hand, entry by entry: any kind, payload, time or author, each
/// entry sealed (hashed and linked) as a writer would, so that only the rule under test
/// is broken.
#[derive(Default, Clone)]
struct Hand {
    entries: Vec<Entry>,
}

impl Hand {
    fn push(
        &mut self,
        stream: &str,
        kind: &str,
        payload: &str,
        at: &str,
        author: Option<&str>,
    ) -> &mut Self {
        let last = self
            .entries
            .iter()
            .rev()
            .find(|e| e.stream().as_str() == stream);
        let payload = Payload::from_json_str(payload).unwrap();
        let salt = Salt::from_bytes([self.entries.len() as u8; 32]);
        let parts = EntryParts {
            stream: StreamId::new(stream).unwrap(),
            seq: last.map_or(0, |e| e.seq() + 1),
            recorded_at: at.parse().unwrap(),
            author: author.map(|a| AuthorId::new(a).unwrap()),
            kind: Kind::new(kind).unwrap(),
            commitment: commitment(&salt, &payload),
            content: Content::Present { payload, salt },
            prev: last.map_or(Digest::ZERO, |e| *e.hash()),
            hash: Digest::ZERO,
        };
        let hash = Entry::from_parts(parts.clone()).computed_hash();
        self.entries
            .push(Entry::from_parts(EntryParts { hash, ..parts }));
        self
    }

    fn event(&mut self, stream: &str) -> &mut Self {
        let n = self.entries.len();
        self.push(
            stream,
            "test.event",
            &format!(r#"{{"n":{n}}}"#),
            AT,
            Some("board"),
        )
    }

    fn erase(&mut self, position: usize) -> &mut Self {
        self.entries[position] = self.entries[position].clone().redacted();
        self
    }

    fn hash(&self, position: usize) -> String {
        self.entries[position].hash().to_string()
    }

    /// Appends a redaction record to `stream` with `payload`, where `HASH(i)` stands for
    /// the hash of the entry at position `i` (0 to 9).
    fn record(&mut self, stream: &str, payload: &str) -> &mut Self {
        let mut payload = payload.to_owned();
        for i in 0..self.entries.len().min(10) {
            payload = payload.replace(&format!("HASH({i})"), &self.hash(i));
        }
        self.push(stream, "andel.redaction", &payload, AT, Some("dpo"))
    }

    fn text(&self) -> String {
        self.entries
            .iter()
            .map(|e| format!("{}\n", file::to_line(e)))
            .collect()
    }
}

const AT: &str = "2026-03-01T09:00:00Z";

/// The base of most cases: `a` seq 0..2 at positions 0, 1, 3 and `b` seq 0 at 2.
fn base() -> Hand {
    let mut hand = Hand::default();
    hand.event("a").event("a").event("b").event("a");
    hand
}

/// What a verifier says of a file: `None` when it verifies, else the line it names.
fn andel_says(text: &str) -> (Option<u64>, String) {
    match file::verify_file(text.as_bytes()) {
        Ok(summary) => (
            None,
            summary
                .streams
                .iter()
                .map(|s| format!("{} {} {}\n", s.stream, s.entries, s.root))
                .collect(),
        ),
        Err(FileError::Read(err)) => (Some(err.line), err.to_string()),
        Err(FileError::Verify { line, error }) => (Some(line), error.to_string()),
        Err(err) => panic!("{err}"),
    }
}

#[test]
fn python_verifier_enforces_every_rule_the_chapter_states() {
    let replace = |hand: &Hand, from: &str, to: &str| {
        let text = hand.text();
        assert!(text.contains(from), "{from}");
        text.replacen(from, to, 1)
    };
    let mut cases: Vec<(&str, String, Option<u64>)> = Vec::new();
    let mut case = |name, text, line| cases.push((name, text, line));

    case("the base journal", base().text(), None);
    // Lines.
    case(
        "a \\r before the newline",
        base().text().replacen("}\n", "}\r\n", 1),
        Some(1),
    );
    case(
        "an empty line",
        base().text().replacen("\n", "\n\n", 1),
        Some(2),
    );
    let text = base().text();
    case(
        "a last line cut off",
        text[..text.len() - 1].to_owned(),
        Some(4),
    );
    case("version 2", replace(&base(), "\"v\":1", "\"v\":2"), Some(1));
    case(
        "seq true",
        replace(&base(), "\"seq\":1", "\"seq\":true"),
        Some(2),
    );
    let huge = format!("{}{}\n", base().text(), "x".repeat(16 * 1024 * 1024 + 1));
    case("a line over 16 MiB", huge, Some(5));

    // Names.
    let mut long = base();
    long.push("a", &"k".repeat(64), "1", AT, Some(&"x".repeat(128)));
    case("a 128-byte author and a 64-byte kind", long.text(), None);
    case(
        "a 129-byte author",
        replace(&long, &"x".repeat(128), &"x".repeat(129)),
        Some(5),
    );
    case(
        "a 65-byte kind",
        replace(&long, &"k".repeat(64), &"k".repeat(65)),
        Some(5),
    );
    case(
        "a 129-byte stream",
        replace(
            &base(),
            "\"stream\":\"b\"",
            &format!("\"stream\":\"{}\"", "b".repeat(129)),
        ),
        Some(3),
    );
    case(
        "a stream with a space",
        replace(&base(), "\"stream\":\"b\"", "\"stream\":\"b c\""),
        Some(3),
    );
    let mut kinds = base();
    kinds.push("a", "andel.note", "1", AT, None);
    case("an unknown andel. kind", kinds.text(), Some(5));
    let mut kinds = base();
    kinds.push("a", "coop.andel.note", "1", AT, None);
    case("andel inside a kind", kinds.text(), None);

    // seq.
    case(
        "seq 2^64 - 1 first",
        replace(&base(), "\"seq\":0", "\"seq\":18446744073709551615"),
        Some(1),
    );
    case(
        "seq 2^64",
        replace(&base(), "\"seq\":0", "\"seq\":18446744073709551616"),
        Some(1),
    );

    // Times.
    for (at, ok) in [
        ("0000-01-01T00:00:00Z", true),
        ("0000-02-29T12:00:00Z", true),
        ("1582-10-10T00:00:00Z", true),
        ("1969-12-31T23:59:59.999999999Z", true),
        ("9999-12-31T23:59:59.999999999Z", true),
    ] {
        let mut hand = base();
        hand.push("a", "test.event", "1", at, None);
        case(at, hand.text(), (!ok).then_some(5));
    }
    for bad in [
        "1900-02-29T00:00:00Z",
        "2016-12-31T23:59:60Z",
        "2026-03-01T09:00:00.5Z",
        "2026-03-01T09:00:00.500000Z",
        "2026-03-01T09:00:00.000Z",
        "2026-03-01T09:00:00.1234567891Z",
        "2026-03-01T09:00:00+00:00",
    ] {
        case(bad, replace(&base(), AT, bad), Some(1));
    }

    // Payloads.
    let max = andel::journal::MAX_PAYLOAD_BYTES;
    let mut big = base();
    big.push(
        "a",
        "test.event",
        &format!("\"{}\"", "x".repeat(max - 2)),
        AT,
        None,
    );
    case("a payload of 4 MiB", big.text(), None);
    case(
        "a payload over 4 MiB",
        replace(&big, "\"payload\":\"x", "\"payload\":\"xx"),
        Some(5),
    );
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let mut deep = base();
    deep.push("a", "test.event", &nested(126), AT, None);
    case("a payload 126 deep", deep.text(), None);
    case(
        "a payload 127 deep",
        replace(&deep, &nested(126), &nested(127)),
        Some(5),
    );
    case(
        "a number past 2^53",
        replace(&base(), "\"n\":0", "\"n\":9007199254740993"),
        Some(1),
    );

    // Redaction records.
    let record = |payload: &str| {
        let mut hand = base();
        hand.erase(1).record("a", payload);
        hand.text()
    };
    case(
        "a redaction record",
        record(r#"{"entry_hash":"HASH(1)","reason":"erasure request","seq":1}"#),
        None,
    );
    case(
        "an empty reason",
        record(r#"{"entry_hash":"HASH(1)","reason":"","seq":1}"#),
        None,
    );
    case(
        "the wrong hash",
        record(r#"{"entry_hash":"HASH(0)","reason":"r","seq":1}"#),
        Some(5),
    );
    case(
        "an entry not erased",
        record(r#"{"entry_hash":"HASH(0)","reason":"r","seq":0}"#),
        Some(5),
    );
    case(
        "a later seq",
        record(r#"{"entry_hash":"HASH(1)","reason":"r","seq":4}"#),
        Some(5),
    );
    case(
        "another member",
        record(r#"{"entry_hash":"HASH(1)","reason":"r","seq":1,"x":1}"#),
        Some(5),
    );
    case(
        "no reason",
        record(r#"{"entry_hash":"HASH(1)","seq":1}"#),
        Some(5),
    );
    case(
        "a reason of null",
        record(r#"{"entry_hash":"HASH(1)","reason":null,"seq":1}"#),
        Some(5),
    );
    case(
        "a seq as text",
        record(r#"{"entry_hash":"HASH(1)","reason":"r","seq":"1"}"#),
        Some(5),
    );
    let mut upper = base();
    upper.erase(1);
    let hash = upper.hash(1).to_uppercase();
    upper.record(
        "a",
        &format!(r#"{{"entry_hash":"{hash}","reason":"r","seq":1}}"#),
    );
    case("an uppercase hash", upper.text(), Some(5));
    let mut twice = base();
    let valid = r#"{"entry_hash":"HASH(1)","reason":"r","seq":1}"#;
    twice.erase(1).record("a", valid).record("a", valid);
    case("a second record", twice.text(), Some(6));
    let mut elsewhere = base();
    elsewhere.erase(1).record("b", valid).record("a", valid);
    case("a record in another stream", elsewhere.text(), Some(5));
    let mut erased = base();
    erased.erase(1).record("a", valid).erase(4);
    case("an erased record", erased.text(), Some(5));
    let mut later = base();
    later
        .record("a", r#"{"entry_hash":"HASH(0)","reason":"r","seq":4}"#)
        .event("a")
        .erase(5);
    case("a record before its entry", later.text(), Some(5));
    let mut waiting = base();
    waiting
        .erase(1)
        .erase(2)
        .erase(3)
        .record("a", r#"{"entry_hash":"HASH(1)","reason":"r","seq":1}"#);
    case("erasures waiting at the end", waiting.text(), Some(3));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("case.ndjson");
    for (name, text, line) in cases {
        let (andel_line, andel_out) = andel_says(&text);
        assert_eq!(andel_line, line, "{name}: andel says {andel_out}");
        std::fs::write(&path, &text).unwrap();
        let Some((ok, out)) = python_verify(&path) else {
            return;
        };
        match line {
            None => {
                assert!(ok, "{name}: python says {out}");
                assert_eq!(out, andel_out, "{name}");
            }
            Some(line) => {
                assert!(!ok, "{name}: python accepts it, andel says {andel_out}");
                assert!(
                    out.starts_with(&format!("line {line}: ")),
                    "{name}: python says {out}, andel says {andel_out}"
                );
            }
        }
    }
}
