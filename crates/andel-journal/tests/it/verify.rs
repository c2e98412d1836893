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
