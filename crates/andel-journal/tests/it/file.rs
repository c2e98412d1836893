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
