//! What verify reports for each kind of damage, and where.

use andel_journal::{Content, Digest, Entry, Payload, Problem, StreamHead, verify};

use crate::build::{Journal, stream};

/// A journal of two interleaved streams: members 0..4 at even positions, capital 0..4 at odd.
fn journal() -> Journal {
    let mut j = Journal::default();
    for n in 0..4 {
        j.append(
            "members",
            Payload::new(&n).unwrap(),
            Some("board"),
            Some([n as u8; 32]),
        );
        j.append("capital", Payload::new(&(n * 10)).unwrap(), None, None);
    }
    j
}

#[track_caller]
fn check(entries: &[Entry], position: u64, stream_name: &str, seq: u64, problem: Problem) {
    let err = verify(entries).unwrap_err();
    assert_eq!(
        (err.position, err.stream.as_str(), err.seq, &err.problem),
        (position, stream_name, seq, &problem),
        "{err}"
    );
}

#[test]
fn payload_altered() {
    let mut entries = journal().entries;
    let mut parts = entries[4].clone().into_parts();
    let Content::Present { salt, .. } = parts.content else {
        unreachable!()
    };
    parts.content = Content::Present {
        payload: Payload::new(&99).unwrap(),
        salt,
    };
    entries[4] = Entry::from_parts(parts);
    check(&entries, 4, "members", 2, Problem::PayloadAltered);
}

#[test]
fn entry_altered() {
    let mut entries = journal().entries;
    let mut parts = entries[3].clone().into_parts();
    let recorded = parts.hash;
    parts.recorded_at = crate::build::at(-1);
    let altered = Entry::from_parts(parts);
    let computed = altered.computed_hash();
    entries[3] = altered;
    check(
        &entries,
        3,
        "capital",
        1,
        Problem::EntryAltered { recorded, computed },
    );
}

#[test]
fn broken_link_after_a_consistent_rewrite() {
    // Someone rewrites members seq 1 and recomputes its commitment and hash: the entry
    // is consistent in itself, but seq 2 no longer links to it.
    let mut entries = journal().entries;
    let original = entries[2].clone();
    let head = StreamHead::at(stream("members"), 1, *original.prev());
    let forged = head
        .seal(
            1,
            andel_journal::Draft::new(
                original.kind().clone(),
                Payload::new(&1000).unwrap(),
                original.recorded_at(),
            ),
        )
        .unwrap();
    entries[2] = forged.clone();
    check(
        &entries,
        4,
        "members",
        2,
        Problem::BrokenLink {
            expected: *forged.hash(),
            found: *original.hash(),
        },
    );
}

#[test]
fn gap_reordering_and_duplicate() {
    let entries = journal().entries;
    // members seq 1 (position 2) deleted: found at members seq 2, now position 3.
    let mut deleted = entries.clone();
    deleted.remove(2);
    check(&deleted, 3, "members", 2, Problem::Gap { expected: 1 });

    // members seq 1 and 2 swapped.
    let mut swapped = entries.clone();
    swapped.swap(2, 4);
    check(
        &swapped,
        2,
        "members",
        2,
        Problem::Reordered { expected: 1 },
    );

    // capital seq 1 written twice.
    let mut twice = entries.clone();
    twice.insert(4, entries[3].clone());
    check(
        &twice,
        4,
        "capital",
        1,
        Problem::Duplicate {
            found: 1,
            expected: 2,
        },
    );

    // A stream that does not start at 0.
    check(&entries[2..], 0, "members", 1, Problem::Gap { expected: 0 });
}

#[test]
fn redaction_must_be_recorded() {
    let mut j = journal();
    assert!(j.redact(2, "erasure request"));
    let entries = j.entries.clone();
    assert_eq!(verify(&entries).unwrap().redacted(), 1);

    // The payload erased, the record dropped: found at the erased entry.
    let mut unrecorded = entries.clone();
    unrecorded.pop();
    check(&unrecorded, 2, "members", 1, Problem::UnrecordedRedaction);

    // An erased entry quietly stripped without going through redaction.
    let mut stripped = journal().entries;
    stripped[5] = stripped[5].clone().redacted();
    check(&stripped, 5, "capital", 2, Problem::UnrecordedRedaction);
}

#[test]
fn redaction_records_must_match() {
    let mut j = journal();
    assert!(j.redact(2, "erasure request"));
    // Redacting the record itself is refused by the API…
    let last = j.entries.len() - 1;
    assert!(!j.redact(last, "again"));
    // …and found by verify when done by hand.
    let mut entries = j.entries.clone();
    entries[last] = entries[last].clone().redacted();
    let err = verify(&entries).unwrap_err();
    assert_eq!(err.position, last as u64);
    assert!(
        matches!(err.problem, Problem::BadRedactionRecord { .. }),
        "{err}"
    );
    // A record with no erased entry behind it (the payload was restored).
    let mut restored = j.entries.clone();
    restored[2] = journal().entries[2].clone();
    let err = verify(&restored).unwrap_err();
    assert_eq!(err.position, last as u64);
    assert!(
        err.to_string().contains("seq 1 is not an erased entry"),
        "{err}"
    );
}

#[test]
fn summary_reports_heads_and_roots() {
    let entries = journal().entries;
    let summary = verify(&entries).unwrap();
    assert_eq!(summary.to_string(), "8 entries in 2 streams (0 redacted)");
    let members = summary.stream(&stream("members")).unwrap();
    assert_eq!((members.entries, members.head), (4, *entries[6].hash()));
    let hashes: Vec<Digest> = entries
        .iter()
        .filter(|e| e.stream().as_str() == "members")
        .map(|e| *e.hash())
        .collect();
    assert_eq!(members.root, andel_journal::merkle::root(&hashes));
    assert_eq!(
        verify([]).unwrap().to_string(),
        "0 entries in 0 streams (0 redacted)"
    );
}

/// An entry sealed by hand, as anyone may write one into a file: any kind, any payload.
fn by_hand(after: &Entry, stream_name: &str, kind: &str, payload: &str) -> Entry {
    let payload = Payload::from_json_str(payload).unwrap();
    let salt = andel_journal::Salt::from_bytes([7; 32]);
    let same_stream = after.stream().as_str() == stream_name;
    let parts = andel_journal::EntryParts {
        stream: stream(stream_name),
        seq: if same_stream { after.seq() + 1 } else { 0 },
        recorded_at: crate::build::at(1000),
        author: None,
        kind: andel_journal::Kind::new(kind).unwrap(),
        commitment: andel_journal::commitment(&salt, &payload),
        content: Content::Present { payload, salt },
        prev: if same_stream {
            *after.hash()
        } else {
            Digest::ZERO
        },
        hash: Digest::ZERO,
    };
    let hash = Entry::from_parts(parts.clone()).computed_hash();
    Entry::from_parts(andel_journal::EntryParts { hash, ..parts })
}

/// The journal with `members` seq 1 (position 2) erased, and `record` (its `HASH`
/// standing for the erased entry's hash) appended to `members` as seq 4, position 8.
fn with_record(record: &str) -> Vec<Entry> {
    let mut entries = journal().entries;
    let hash = entries[2].hash().to_string();
    entries[2] = entries[2].clone().redacted();
    let last = entries[6].clone();
    let payload = record.replace("HASH", &hash);
    entries.push(by_hand(&last, "members", "andel.redaction", &payload));
    entries
}

#[track_caller]
fn bad_record(entries: &[Entry], position: u64, needle: &str) {
    let err = verify(entries).unwrap_err();
    assert_eq!(err.position, position, "{err}");
    let Problem::BadRedactionRecord { reason } = &err.problem else {
        panic!("{err}");
    };
    assert!(
        reason.contains(needle),
        "`{reason}` does not say `{needle}`"
    );
}

#[test]
fn a_redaction_record_names_an_erased_entry_before_it_by_seq_and_hash() {
    let valid = r#"{"entry_hash":"HASH","reason":"erasure request","seq":1}"#;
    assert_eq!(verify(&with_record(valid)).unwrap().redacted(), 1);
    // The reason is any string, the empty one included.
    let empty_reason = r#"{"entry_hash":"HASH","reason":"","seq":1}"#;
    assert_eq!(verify(&with_record(empty_reason)).unwrap().redacted(), 1);

    // The wrong hash for the seq.
    let other = journal().entries[0].hash().to_string();
    let wrong_hash = format!(r#"{{"entry_hash":"{other}","reason":"r","seq":1}}"#);
    bad_record(&with_record(&wrong_hash), 8, "but seq 1 has hash");
    // An entry that was not erased (seq 0 is whole), by its right hash.
    let whole = format!(r#"{{"entry_hash":"{other}","reason":"r","seq":0}}"#);
    bad_record(
        &with_record(&whole),
        8,
        "seq 0 is not an erased entry before it",
    );
    // Itself, or an entry after it.
    for seq in [4, 5] {
        let later = format!(r#"{{"entry_hash":"HASH","reason":"r","seq":{seq}}}"#);
        bad_record(&with_record(&later), 8, "is not an erased entry before it");
    }
    // Members other than the three, or one missing, or of the wrong type.
    for payload in [
        r#"{"entry_hash":"HASH","reason":"r","seq":1,"ticket":7}"#,
        r#"{"entry_hash":"HASH","seq":1}"#,
        r#"{"entry_hash":"HASH","reason":null,"seq":1}"#,
        r#"{"entry_hash":"HASH","reason":"r","seq":"1"}"#,
        r#"{"entry_hash":"HASH","reason":"r","seq":-1}"#,
        r#"[1,"HASH"]"#,
        "null",
    ] {
        bad_record(
            &with_record(payload),
            8,
            "payload is not a redaction record",
        );
    }
    // The hash in uppercase is not a hash.
    let upper = with_record(valid);
    let hash = journal().entries[2].hash().to_string().to_uppercase();
    let mut entries = upper[..8].to_vec();
    let payload = format!(r#"{{"entry_hash":"{hash}","reason":"r","seq":1}}"#);
    entries.push(by_hand(
        &entries[6].clone(),
        "members",
        "andel.redaction",
        &payload,
    ));
    bad_record(&entries, 8, "payload is not a redaction record");
}

#[test]
fn a_redaction_record_accounts_for_one_entry_of_its_own_stream_once() {
    let valid = r#"{"entry_hash":"HASH","reason":"erasure request","seq":1}"#;
    // A second record for the same entry.
    let mut twice = with_record(valid);
    let first = twice[8].clone();
    let payload = first.payload().unwrap().as_str().to_owned();
    twice.push(by_hand(&first, "members", "andel.redaction", &payload));
    bad_record(&twice, 9, "or was already accounted for");
    // A record in another stream, naming the right seq and hash: a new stream `other`
    // whose seq 1 is the record; its seq 0 is a plain entry.
    let mut elsewhere = journal().entries;
    let hash = elsewhere[2].hash().to_string();
    elsewhere[2] = elsewhere[2].clone().redacted();
    let first = by_hand(&elsewhere[0], "other", "test.event", "1");
    let payload = format!(r#"{{"entry_hash":"{hash}","reason":"r","seq":1}}"#);
    let record = by_hand(
        &first,
        "other",
        "andel.redaction",
        &payload.replace(":1}", ":0}"),
    );
    elsewhere.extend([first.clone(), record]);
    bad_record(&elsewhere, 9, "seq 0 is not an erased entry");
    let record = by_hand(&first, "other", "andel.redaction", &payload);
    elsewhere[9] = record;
    bad_record(&elsewhere, 9, "seq 1 is not an erased entry");
    // A record that is itself erased.
    let mut erased = with_record(valid);
    erased[8] = erased[8].clone().redacted();
    bad_record(&erased, 8, "the record itself is erased");
}

#[test]
fn the_first_erased_entry_still_waiting_at_the_end_is_reported() {
    // Erased without records: members seq 2 (position 4) and capital seq 1 (position 3),
    // and members seq 1 (position 2) whose record comes later: position 3 is reported.
    let valid = r#"{"entry_hash":"HASH","reason":"erasure request","seq":1}"#;
    let mut entries = with_record(valid);
    entries[3] = entries[3].clone().redacted();
    entries[4] = entries[4].clone().redacted();
    check(&entries, 3, "capital", 1, Problem::UnrecordedRedaction);
    // In a file, that is the erased entry's line, not the last one.
    let text: String = entries
        .iter()
        .map(|e| format!("{}\n", andel_journal::file::to_line(e)))
        .collect();
    let err = andel_journal::file::verify_file(text.as_bytes()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("line 4: `capital` seq 1: payload erased without a redaction record"),
        "{err}"
    );
}

#[test]
fn kinds_starting_with_andel_are_the_formats_own() {
    let entries = journal().entries;
    for kind in ["andel.note", "andel.redaction.v2", "andel.snapshot"] {
        let mut with = entries.clone();
        with.push(by_hand(&entries[6], "members", kind, "{}"));
        check(
            &with,
            8,
            "members",
            4,
            Problem::UnknownJournalKind {
                kind: andel_journal::Kind::new(kind).unwrap(),
            },
        );
        // Nor can such an entry be imported into a store.
        let mut head = StreamHead::new(stream("members"));
        for e in entries.iter().filter(|e| e.stream().as_str() == "members") {
            head.advance(e);
        }
        let last = with.last().unwrap().clone();
        assert!(head.admit(&[last]).is_err());
    }
    // A kind that merely contains `andel` is anyone's.
    let mut with = entries.clone();
    with.push(by_hand(&entries[6], "members", "coop.andel.note", "{}"));
    assert!(verify(&with).is_ok());
}
