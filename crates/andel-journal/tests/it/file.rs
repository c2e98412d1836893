//! The journal file: malformed and hostile input get a line-numbered error, never a panic.

use andel_journal::Payload;
use andel_journal::file::{self, JournalReader, LineProblem, ReadError};
use proptest::prelude::*;

use crate::build::Journal;

fn sample() -> String {
    let mut j = Journal::default();
    j.append(
        "members",
        Payload::from_json_str(r#"{"member":1}"#).unwrap(),
        Some("board"),
        Some([1; 32]),
    );
    j.append(
        "members",
        Payload::from_json_str("null").unwrap(),
        None,
        Some([2; 32]),
    );
    j.entries
        .iter()
        .map(|e| format!("{}\n", file::to_line(e)))
        .collect()
}

#[track_caller]
fn read_error(text: &str) -> ReadError {
    match JournalReader::new(text.as_bytes()).find_map(Result::err) {
        Some(err) => err,
        None => panic!("{text:?} was accepted"),
    }
}

#[test]
fn a_null_payload_is_not_a_redaction() {
    let text = sample();
    let entries: Vec<_> = JournalReader::new(text.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(entries[1].payload().unwrap().as_str(), "null");
    assert!(file::verify_file(text.as_bytes()).is_ok());
}

#[test]
fn malformed_lines_are_named() {
    let good = sample();
    let first = good.lines().next().unwrap();
    let second = good.lines().nth(1).unwrap();
    let cases: Vec<(String, u64, &str)> = vec![
        (format!("{first}\nnot json\n"), 2, "expected ident"),
        (format!("{first}\n{}", &second[..40]), 2, "truncated"),
        (format!("{first}\n{second}"), 2, "truncated"),
        (format!("{first}\n\n{second}\n"), 2, "empty"),
        (
            first.replace(r#""seq":0"#, r#""seq":"0""#) + "\n",
            1,
            "invalid type",
        ),
        (
            first.replace(r#""seq":0,"#, "") + "\n",
            1,
            "missing field `seq`",
        ),
        (
            first.replace(r#""v":1,"#, r#""v":1,"extra":1,"#) + "\n",
            1,
            "unknown field `extra`",
        ),
        (
            first.replace(r#""v":1"#, r#""v":2"#) + "\n",
            1,
            "format version 2",
        ),
        (
            first.replace(
                r#","salt":"0101010101010101010101010101010101010101010101010101010101010101""#,
                "",
            ) + "\n",
            1,
            "`salt` is missing",
        ),
        (
            first.replace(r#""stream":"members""#, r#""stream":"mem bers""#) + "\n",
            1,
            "stream id `mem bers`",
        ),
        (
            first.replace("{\"v\"", "{ \"v\"") + "\n",
            1,
            "not in canonical form from column 2",
        ),
        (
            first.replace("\"prev\":\"00", "\"prev\":\"0A") + "\n",
            1,
            "not a lowercase hex digit",
        ),
        (first.replace("T", "t") + "\n", 1, "not in canonical form"),
        (
            format!("{first}\r\n"),
            1,
            "unexpected text after the entry, from column 434",
        ),
        (format!("{first}\n\u{feff}{second}\n"), 2, "expected value"),
    ];
    for (text, line, needle) in cases {
        let err = read_error(&text);
        assert_eq!(err.line, line, "{text:?}: {err}");
        assert!(
            err.to_string().contains(needle),
            "{text:?}: `{err}` does not say `{needle}`"
        );
    }
}

#[test]
fn invalid_utf8_and_long_lines() {
    let err = read_error("\u{0}");
    assert_eq!(err.problem, LineProblem::Truncated);
    let bytes = b"{\"v\":1,\"stream\":\"\xff\"}\n";
    let err = JournalReader::new(&bytes[..]).next().unwrap().unwrap_err();
    assert_eq!((err.line, err.problem), (1, LineProblem::NotUtf8));
    let long = format!("{}\n", "x".repeat(1000));
    let err = JournalReader::new(long.as_bytes())
        .max_line_bytes(100)
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(err.problem, LineProblem::TooLong { max: 100 });
}

#[test]
fn reader_stops_after_the_first_error() {
    let text = format!("garbage\n{}", sample());
    let items: Vec<_> = JournalReader::new(text.as_bytes()).collect();
    assert_eq!(items.len(), 1);
    assert!(items[0].is_err());
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = file::verify_file(&bytes[..]);
    }

    #[test]
    fn arbitrary_lines_never_panic(text in "[ -~]{0,300}\n") {
        let _ = file::verify_file(text.as_bytes());
    }

    #[test]
    fn mutated_sample_never_panics(cut in 0usize..400, insert in "[\\x00-\\x7f]{0,8}") {
        let mut text = sample();
        let at = cut.min(text.len());
        let at = (0..=at).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        text.insert_str(at, &insert);
        let _ = file::verify_file(text.as_bytes());
    }
}

/// One entry, sealed with `author` and `payload` at `at`, as its line.
fn line_of(author: &str, kind: &str, payload: andel_journal::Payload, at: &str) -> String {
    use andel_journal::{AuthorId, Draft, Kind, Salt, StreamHead, StreamId};
    let draft = Draft::new(Kind::new(kind).unwrap(), payload, at.parse().unwrap())
        .by(AuthorId::new(author).unwrap())
        .with_salt(Salt::from_bytes([3; 32]));
    let head = StreamHead::new(StreamId::new("s".repeat(128)).unwrap());
    file::to_line(&head.seal(0, draft).unwrap())
}

#[track_caller]
fn refused(line: &str, needle: &str) {
    let err = file::parse_line(line).unwrap_err();
    assert!(
        err.to_string().contains(needle),
        "`{err}` does not say `{needle}`"
    );
}

/// Every limit the "Journal file" chapter states, at the limit and one past it.
#[test]
fn every_limit_the_chapter_states() {
    let at = "2026-03-01T09:00:00Z";
    let kind = "k".repeat(64);
    let small = || Payload::new(&1).unwrap();
    let line = line_of(&"a".repeat(128), &kind, small(), at);
    let entry = file::parse_line(&line).unwrap();
    assert_eq!(
        file::verify_file(format!("{line}\n").as_bytes())
            .unwrap()
            .entries(),
        1
    );

    // Ids: 1 to 128 bytes; kinds: 1 to 64.
    let long = |member: &str, value: &str, more: &str| {
        line.replace(
            &format!("\"{member}\":\"{value}\""),
            &format!("\"{member}\":\"{value}{more}\""),
        )
    };
    refused(
        &long("author", &"a".repeat(128), "a"),
        "129 bytes long; at most 128",
    );
    refused(
        &long("stream", &"s".repeat(128), "s"),
        "129 bytes long; at most 128",
    );
    refused(&long("kind", &kind, "k"), "65 bytes long; at most 64");
    refused(&line.replace(&"a".repeat(128), ""), "author id is empty");

    // seq: an integer from 0 to 2^64 - 1.
    let seq = |text: &str| line.replace("\"seq\":0,", &format!("\"seq\":{text},"));
    assert_eq!(
        file::parse_line(&seq("18446744073709551615"))
            .unwrap()
            .seq(),
        u64::MAX
    );
    for bad in ["18446744073709551616", "-1", "1.0", "1e2", "01"] {
        assert!(file::parse_line(&seq(bad)).is_err(), "seq {bad} accepted");
    }

    // recorded_at: years 0000 to 9999, no leap second, at most 9 fraction digits, the
    // fewest that are exact.
    let time = |text: &str| line.replace(at, text);
    for good in [
        "0000-01-01T00:00:00Z",
        "0000-02-29T00:00:00Z",
        "9999-12-31T23:59:59.999999999Z",
    ] {
        assert!(file::parse_line(&time(good)).is_ok(), "{good} refused");
    }
    refused(&time("2016-12-31T23:59:60Z"), "leap second");
    refused(
        &time("2026-03-01T09:00:00.1234567891Z"),
        "10 fraction digits",
    );
    for bad in [
        "1900-02-29T00:00:00Z",
        "10000-01-01T00:00:00Z",
        "2026-03-01T09:00:00.500000Z",
        "2026-03-01T09:00:00.000Z",
        "2026-03-01T09:00:00.5Z",
    ] {
        assert!(file::parse_line(&time(bad)).is_err(), "{bad} accepted");
    }

    // Payloads: at most 4 MiB of canonical JSON, nested at most 126 deep.
    let max = andel_journal::MAX_PAYLOAD_BYTES;
    let biggest = Payload::new(&"x".repeat(max - 2)).unwrap();
    assert_eq!(biggest.as_str().len(), max);
    let big_line = line_of("a", "k", biggest, at);
    assert!(file::parse_line(&big_line).is_ok());
    refused(
        &big_line.replace("\"payload\":\"x", "\"payload\":\"xx"),
        "4194305 bytes of canonical JSON; at most 4194304",
    );
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let deepest = Payload::from_json_str(&nested(andel_journal::MAX_PAYLOAD_DEPTH)).unwrap();
    let deep_line = line_of("a", "k", deepest, at);
    assert!(file::parse_line(&deep_line).is_ok());
    let deeper = deep_line
        .replace("\"payload\":[", "\"payload\":[[")
        .replace("]],\"salt\"", "]]],\"salt\"");
    assert!(file::parse_line(&deeper).is_err());

    // The longest valid line: every member at its longest.
    let longest = line_of(
        &"a".repeat(128),
        &kind,
        Payload::new(&"x".repeat(max - 2)).unwrap(),
        "2026-03-01T09:00:00.123456789Z",
    )
    .replace("\"seq\":0,", &format!("\"seq\":{},", u64::MAX));
    assert!(file::parse_line(&longest).is_ok());
    assert_eq!(longest.len(), max + 748);

    // The line limit does not count the newline.
    let exact = JournalReader::new(format!("{line}\n").as_bytes())
        .max_line_bytes(line.len())
        .next()
        .unwrap();
    assert_eq!(exact.unwrap(), entry);
    let over = JournalReader::new(format!("{line}\n").as_bytes())
        .max_line_bytes(line.len() - 1)
        .next()
        .unwrap();
    assert!(over.is_err());
}
