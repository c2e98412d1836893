//! The fast way to read a line: one pass over a line already in canonical form.
//!
//! A journal file has one spelling per entry, the one [`to_line`](super::to_line)
//! writes, so a reader need not parse a line into a generic value and write it out again
//! to compare: it can walk the line once, expecting each member's name and each value's
//! one spelling in turn. [`entry`] does that, borrowing the line's parts, and answers
//! `None` the moment the line differs from what it expects.
//!
//! `None` decides nothing: the reader then reads the same line the thorough way
//! ([`parse_line`](super::parse_line)'s reference path), which finds and names the
//! problem, with the line number and message it always gave. So this path has one duty,
//! which the property tests below hold it to: every line it accepts, the reference
//! accepts too, as the same entry.

use chrono::NaiveDate;

use crate::digest::decode_hex_32;
use crate::{
    AuthorId, Content, Digest, Entry, EntryParts, Kind, Payload, Salt, StreamId, Timestamp,
};

/// What the lines before this one named: most lines of a file repeat their stream,
/// author, kind and often time, so sharing the value read before saves an allocation
/// and a check per line.
#[derive(Default)]
pub(super) struct Seen {
    stream: Option<StreamId>,
    author: Option<AuthorId>,
    kind: Option<Kind>,
    recorded_at: Option<(TimeText, Timestamp)>,
}

/// The longest canonical time, `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`.
const TIME_TEXT: usize = 30;

/// A time's text as it was on the line, kept beside the value read from it.
#[derive(Clone, Copy)]
struct TimeText {
    bytes: [u8; TIME_TEXT],
    len: usize,
}

impl TimeText {
    fn of(text: &[u8]) -> Option<Self> {
        let mut bytes = [0; TIME_TEXT];
        bytes.get_mut(..text.len())?.copy_from_slice(text);
        Some(TimeText {
            bytes,
            len: text.len(),
        })
    }

    fn is(&self, text: &[u8]) -> bool {
        self.bytes.get(..self.len) == Some(text)
    }
}

impl Seen {
    fn stream(&mut self, text: &str) -> Option<StreamId> {
        if let Some(seen) = self.stream.as_ref().filter(|s| s.as_str() == text) {
            return Some(seen.clone());
        }
        let stream = StreamId::new(text).ok()?;
        self.stream = Some(stream.clone());
        Some(stream)
    }

    fn author(&mut self, text: &str) -> Option<AuthorId> {
        if let Some(seen) = self.author.as_ref().filter(|a| a.as_str() == text) {
            return Some(seen.clone());
        }
        let author = AuthorId::new(text).ok()?;
        self.author = Some(author.clone());
        Some(author)
    }

    fn kind(&mut self, text: &str) -> Option<Kind> {
        if let Some(seen) = self.kind.as_ref().filter(|k| k.as_str() == text) {
            return Some(seen.clone());
        }
        let kind = Kind::new(text).ok()?;
        self.kind = Some(kind.clone());
        Some(kind)
    }

    fn recorded_at(&mut self, text: &[u8]) -> Option<Timestamp> {
        if let Some((_, seen)) = self.recorded_at.as_ref().filter(|(t, _)| t.is(text)) {
            return Some(*seen);
        }
        let at = timestamp(text)?;
        self.recorded_at = Some((TimeText::of(text)?, at));
        Some(at)
    }
}

/// Reads `line` if it is exactly what [`to_line`](super::to_line) writes for its entry;
/// `None` for anything else, to be read again by the reference path.
pub(super) fn entry(line: &str, seen: &mut Seen) -> Option<Entry> {
    let mut cursor = Cursor { line, at: 0 };
    cursor.literal(r#"{"v":1,"stream":""#)?;
    let stream = seen.stream(cursor.until_quote()?)?;
    cursor.literal(r#","seq":"#)?;
    let seq = cursor.integer()?;
    cursor.literal(r#","recorded_at":""#)?;
    let recorded_at = seen.recorded_at(cursor.until_quote()?.as_bytes())?;
    let author = if cursor.literal(r#","author":""#).is_some() {
        Some(seen.author(cursor.until_quote()?)?)
    } else {
        None
    };
    cursor.literal(r#","kind":""#)?;
    let kind = seen.kind(cursor.until_quote()?)?;
    let content = if cursor.literal(r#","payload":"#).is_some() {
        let (payload, rest) = Payload::scan_canonical(cursor.rest()?)?;
        cursor.at = line.len() - rest.len();
        cursor.literal(r#","salt":""#)?;
        let salt = Salt::from_bytes(cursor.hex()?);
        Content::Present { payload, salt }
    } else {
        Content::Redacted
    };
    cursor.literal(r#","commitment":""#)?;
    let commitment = Digest::from_bytes(cursor.hex()?);
    cursor.literal(r#","prev":""#)?;
    let prev = Digest::from_bytes(cursor.hex()?);
    cursor.literal(r#","hash":""#)?;
    let hash = Digest::from_bytes(cursor.hex()?);
    cursor.literal(r#"}"#)?;
    (cursor.at == line.len()).then(|| {
        Entry::from_parts(EntryParts {
            stream,
            seq,
            recorded_at,
            author,
            kind,
            content,
            commitment,
            prev,
            hash,
        })
    })
}

struct Cursor<'a> {
    line: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> Option<&'a str> {
        self.line.get(self.at..)
    }

    fn literal(&mut self, text: &str) -> Option<()> {
        let rest = self.line.as_bytes().get(self.at..)?;
        rest.starts_with(text.as_bytes())
            .then(|| self.at += text.len())
    }

    /// The text up to the next `"`, which it steps over. Names and times have no
    /// escapes in their canonical spelling; a `\` here is refused by their checks.
    fn until_quote(&mut self) -> Option<&'a str> {
        let rest = self.rest()?;
        let end = rest.bytes().position(|b| b == b'"')?;
        self.at += end + 1;
        rest.get(..end)
    }

    /// Digits as serde_json writes a `u64`: no sign, no leading zero.
    fn integer(&mut self) -> Option<u64> {
        let digits = self.rest()?.as_bytes();
        let len = digits.iter().take_while(|b| b.is_ascii_digit()).count();
        let digits = digits.get(..len)?;
        if len == 0 || (len > 1 && digits.first() == Some(&b'0')) {
            return None;
        }
        let mut value: u64 = 0;
        for d in digits {
            value = value.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
        }
        self.at += len;
        Some(value)
    }

    /// 64 lowercase hex digits and the closing `"`.
    fn hex(&mut self) -> Option<[u8; 32]> {
        let digits = self.line.as_bytes().get(self.at..self.at + 64)?;
        let bytes = decode_hex_32(digits)?;
        self.at += 64;
        self.literal("\"")?;
        Some(bytes)
    }
}

/// A time spelled as [`Timestamp`]'s `Display` spells it:
/// `YYYY-MM-DDTHH:MM:SS` and `Z`, with 3, 6 or 9 fraction digits when (and only as many
/// as) the nanoseconds need.
fn timestamp(text: &[u8]) -> Option<Timestamp> {
    let (head, fraction) = text.split_at_checked(19)?;
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = head.get(range)?;
        digits.iter().try_fold(0u32, |value, d| {
            d.is_ascii_digit().then(|| value * 10 + u32::from(d - b'0'))
        })
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if separators.iter().any(|(at, c)| head.get(*at) != Some(c)) {
        return None;
    }
    let year = i32::try_from(number(0..4)?).ok()?;
    let (month, day) = (number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    let [fraction @ .., b'Z'] = fraction else {
        return None;
    };
    let nanos = match fraction {
        [] => 0,
        [b'.', digits @ ..] if matches!(digits.len(), 3 | 6 | 9) => {
            let value = digits.iter().try_fold(0u32, |value, d| {
                d.is_ascii_digit().then(|| value * 10 + u32::from(d - b'0'))
            })?;
            let nanos = value * 10u32.pow(9 - digits.len() as u32);
            // The fewest digits that are exact, as `Display` writes.
            let fewest = match nanos {
                0 => 0,
                n if n % 1_000_000 == 0 => 3,
                n if n % 1_000 == 0 => 6,
                _ => 9,
            };
            (digits.len() == fewest).then_some(nanos)?
        }
        _ => return None,
    };
    // A leap second (`:60`) is the reference path's to refuse, with its message.
    if second > 59 {
        return None;
    }
    let instant = NaiveDate::from_ymd_opt(year, month, day)?
        .and_hms_nano_opt(hour, minute, second, nanos)?
        .and_utc();
    Timestamp::new(instant).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file::{read_line_reference, to_line};
    use crate::{Draft, StreamHead};
    use proptest::prelude::*;
    use serde_json::{Number, Value};

    /// The fast path on its own, with nothing seen before.
    fn fast(line: &str) -> Option<Entry> {
        entry(line, &mut Seen::default())
    }

    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|i| Value::Number((i >> 10).into())),
            any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
            (-1e6f64..1e6).prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
            any::<String>().prop_map(Value::String),
            "[a-c\\\\\"\u{1}\n\u{7f}é😀\u{fb01}]{0,4}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 24, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map(
                    prop_oneof![any::<String>(), "[a-c\\\\\"\u{1}\n😀\u{fb01}\u{ff61}]{0,3}"],
                    inner,
                    0..5
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn time() -> impl Strategy<Value = Timestamp> {
        let nanos = prop_oneof![
            Just(0u32),
            (0u32..1000).prop_map(|n| n * 1_000_000),
            (0u32..1_000_000).prop_map(|n| n * 1_000),
            0u32..1_000_000_000,
        ];
        (-62_167_219_200i64..253_402_300_800, nanos).prop_map(|(secs, nanos)| {
            let instant = chrono::DateTime::from_timestamp(secs, nanos).unwrap_or_default();
            Timestamp::new(instant).unwrap_or_else(|_| "2026-01-01T00:00:00Z".parse().unwrap())
        })
    }

    /// Lines as the writer writes them: any stream, author, kind, time and payload,
    /// present or redacted.
    fn line() -> impl Strategy<Value = String> {
        (
            "[!-~]{1,8}",
            proptest::option::of("[!-~]{1,8}"),
            "[a-z0-9_-]{1,5}(\\.[a-z0-9_-]{1,5}){0,2}",
            0u64..u64::MAX,
            time(),
            json(),
            any::<[u8; 32]>(),
            any::<bool>(),
        )
            .prop_filter_map(
                "a valid name",
                |(stream, author, kind, seq, at, value, salt, redacted)| {
                    let stream = StreamId::new(stream).ok()?;
                    let author = author.map(AuthorId::new).transpose().ok()?;
                    let payload = Payload::from_value(&value).ok()?;
                    let mut draft = Draft::new(Kind::new(kind).ok()?, payload, at)
                        .with_salt(Salt::from_bytes(salt));
                    if let Some(author) = author {
                        draft = draft.by(author);
                    }
                    let entry = StreamHead::new(stream).seal(0, draft).ok()?;
                    let entry = Entry::from_parts(EntryParts {
                        seq,
                        ..entry.into_parts()
                    });
                    Some(to_line(&if redacted { entry.redacted() } else { entry }))
                },
            )
    }

    /// One edit of a line, at a character: what changes a spelling or a value.
    #[derive(Debug, Clone)]
    enum Edit {
        Insert(usize, char),
        Replace(usize, char),
        Delete(usize),
    }

    fn edit() -> impl Strategy<Value = Edit> {
        let c = prop_oneof![
            prop::sample::select(vec![
                '"', '\\', '{', '}', '[', ']', ',', ':', ' ', '0', '1', '9', '.', 'e', 'E', '-',
                '+', 'a', 'f', 'A', 'Z', 'z', 'T', 'u', 'n', '\u{1}', '\u{7f}', 'é', '😀',
            ]),
            any::<char>(),
        ];
        prop_oneof![
            (any::<usize>(), c.clone()).prop_map(|(at, c)| Edit::Insert(at, c)),
            (any::<usize>(), c).prop_map(|(at, c)| Edit::Replace(at, c)),
            any::<usize>().prop_map(Edit::Delete),
        ]
    }

    fn apply(line: &str, edit: &Edit) -> String {
        let mut chars: Vec<char> = line.chars().collect();
        let at = |i: usize, len: usize| if len == 0 { 0 } else { i % len };
        match *edit {
            Edit::Insert(i, c) => chars.insert(at(i, chars.len() + 1), c),
            Edit::Replace(i, c) if !chars.is_empty() => {
                let i = at(i, chars.len());
                chars[i] = c;
            }
            Edit::Delete(i) if !chars.is_empty() => {
                chars.remove(at(i, chars.len()));
            }
            _ => {}
        }
        chars.into_iter().collect()
    }

    #[test]
    fn reads_the_fixed_points() {
        let text = concat!(
            r#"{"v":1,"stream":"s","seq":0,"recorded_at":"2026-01-01T00:00:00.120Z","#,
            r#""kind":"k","payload":{"a":[1,-2,0.5,1e-7,"\u001f\n"],"b":null},"#,
            r#""salt":"0000000000000000000000000000000000000000000000000000000000000000","#,
            r#""commitment":"0000000000000000000000000000000000000000000000000000000000000000","#,
            r#""prev":"0000000000000000000000000000000000000000000000000000000000000000","#,
            r#""hash":"0000000000000000000000000000000000000000000000000000000000000000"}"#,
        );
        assert_eq!(fast(text), read_line_reference(text).ok());
        assert!(fast(text).is_some());
        for other in [
            text.replace("0.120Z", "0.12Z"),
            text.replace("0.5", "0.50"),
            text.replace("1e-7", "1E-7"),
            text.replace(r#""a""#, r#""c""#),
            text.replace(r#"\u001f"#, r#"\u001F"#),
            text.replace(r#"\n"#, r#"\u000a"#),
            text.replace("-2", "-0"),
        ] {
            assert_eq!(fast(&other), None, "{other}");
            assert!(read_line_reference(&other).is_err(), "{other}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// Every line the writer writes takes the fast path, as the entry the reference
        /// reads.
        #[test]
        fn writer_output_takes_the_fast_path(line in line()) {
            let reference = read_line_reference(&line);
            prop_assert!(reference.is_ok(), "{:?}", reference);
            prop_assert_eq!(fast(&line), reference.ok());
        }

        /// After any edit, the fast path accepts exactly the lines the reference accepts,
        /// as the same entries; what it refuses, the reference refuses with the error the
        /// reader reports.
        #[test]
        fn edited_lines_are_read_as_the_reference_reads_them(
            line in line(),
            edits in prop::collection::vec(edit(), 1..3),
        ) {
            let edited = edits.iter().fold(line, |line, edit| apply(&line, edit));
            let reference = read_line_reference(&edited);
            prop_assert_eq!(fast(&edited), reference.clone().ok(), "{}", edited);
            prop_assert_eq!(crate::file::parse_line(&edited), reference);
        }

        /// Names and times shared from earlier lines never stand in for different ones.
        #[test]
        fn what_was_seen_before_does_not_leak(first in line(), second in line()) {
            let mut seen = Seen::default();
            prop_assert_eq!(entry(&first, &mut seen), fast(&first));
            prop_assert_eq!(entry(&second, &mut seen), fast(&second));
        }
    }
}
