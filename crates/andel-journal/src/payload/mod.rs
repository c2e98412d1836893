//! Entry payloads and their canonical JSON (RFC 8785) spelling.

use std::fmt;

use serde::de::{self, DeserializeOwned};
use serde::ser;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

mod canonical;
mod check;
mod strict;

use canonical::{canonical_prefix, write_canonical};
use strict::StrictValue;

/// How deep `value` nests arrays and objects, counting no further than `stop`.
fn nesting(value: &Value, stop: usize) -> usize {
    let mut deepest = 0;
    let mut pending: Vec<(&Value, usize)> = vec![(value, 0)];
    while let Some((value, depth)) = pending.pop() {
        let depth = depth + 1;
        match value {
            Value::Array(items) => pending.extend(items.iter().map(|child| (child, depth))),
            Value::Object(members) => {
                pending.extend(members.values().map(|child| (child, depth)));
            }
            _ => continue,
        }
        deepest = deepest.max(depth);
        if deepest >= stop {
            return deepest;
        }
    }
    deepest
}

/// The largest payload, in bytes of canonical JSON.
pub const MAX_PAYLOAD_BYTES: usize = 4 * 1024 * 1024;

/// The deepest nesting of arrays and objects in a payload: `[]` is 1 deep, `[[]]` 2. A
/// journal line wraps its payload in one more object, and readers refuse JSON nested
/// beyond 127 levels; so 126 is the most a payload may have, and it is refused when
/// written, never accepted and then unreadable.
pub const MAX_PAYLOAD_DEPTH: usize = 126;

/// The largest integer that JSON numbers carry exactly (2⁵³ − 1).
pub const MAX_EXACT_INTEGER: u64 = (1 << 53) - 1;

/// What an entry records: any JSON value, kept in its canonical form.
///
/// The commitment hashes the payload's canonical JSON, as RFC 8785 (JCS) defines it:
/// object members sorted by their keys' UTF-16 code units, no whitespace, strings with
/// the fewest escapes, numbers as ECMAScript prints them. So the same value always has
/// the same bytes, whichever program wrote it.
///
/// Payloads are I-JSON (RFC 7493): no duplicate keys, and every number must be exactly
/// representable as an IEEE 754 double. Numbers beyond ±(2⁵³ − 1), however written
/// (`9007199254740993`, `1e21`), are refused rather than silently rounded: write such
/// values, and money, as strings.
///
/// ```
/// use andel_journal::Payload;
///
/// let p = Payload::from_json_str(r#"{ "b": 1.50, "a": [true, null] }"#).unwrap();
/// assert_eq!(p.as_str(), r#"{"a":[true,null],"b":1.5}"#);
///
/// assert!(Payload::from_json_str(r#"{"a":1,"a":2}"#).is_err()); // duplicate key
/// assert!(Payload::from_json_str("9007199254740993").is_err()); // not exact
/// ```
#[derive(Clone)]
pub struct Payload(Box<str>);

/// A payload that cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PayloadError {
    /// The text is not JSON, or breaks an I-JSON rule (such as a duplicate key).
    #[error("payload is not valid JSON: {reason}")]
    Syntax {
        /// What the parser said, with line and column.
        reason: String,
    },
    /// A number cannot be carried exactly.
    #[error(
        "payload number `{number}` is not exactly representable as a JSON number; write it as a string"
    )]
    InexactNumber {
        /// The number as given.
        number: String,
    },
    /// The canonical form is larger than [`MAX_PAYLOAD_BYTES`].
    #[error("payload is {len} bytes of canonical JSON; at most {max} are allowed")]
    TooLarge {
        /// Its size.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Arrays and objects nested deeper than [`MAX_PAYLOAD_DEPTH`].
    #[error("payload nests arrays and objects {depth} deep; at most {max} are allowed")]
    TooDeep {
        /// How deep it nests (at least; counting stops past the limit).
        depth: usize,
        /// The limit.
        max: usize,
    },
    /// The value could not be turned into JSON.
    #[error("payload cannot be written as JSON: {reason}")]
    NotJson {
        /// What serde_json said.
        reason: String,
    },
}

impl Payload {
    /// Parses JSON text and keeps its canonical form.
    ///
    /// # Errors
    ///
    /// When the text is not JSON, has a duplicate key, has a number that JSON cannot
    /// carry exactly, or is too large.
    pub fn from_json_str(text: &str) -> Result<Self, PayloadError> {
        let mut de = serde_json::Deserializer::from_str(text);
        let value = StrictValue::deserialize(&mut de)
            .and_then(|v| de.end().map(|()| v))
            .map_err(|err| PayloadError::Syntax {
                reason: err.to_string(),
            })?;
        Self::from_value(&value.0)
    }

    /// Wraps JSON text read back from storage as it is, checking only that it is JSON
    /// and within the size limit, not that it is canonical: for stores, which hand back
    /// the exact bytes an entry's commitment covers. Bytes that are not the committed
    /// ones (edited, respelled) fail [`verify`](crate::verify) as a payload altered, so
    /// reading need not pay for a second canonicalisation.
    ///
    /// ```
    /// use andel_journal::Payload;
    ///
    /// let stored = Payload::from_stored(r#"{"member":7}"#.to_owned())?;
    /// assert_eq!(stored, Payload::from_json_str(r#"{ "member": 7 }"#)?);
    /// assert!(Payload::from_stored(r#"{"member":"#.to_owned()).is_err());
    /// # Ok::<(), andel_journal::PayloadError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// When the text is not JSON or is too large.
    pub fn from_stored(text: String) -> Result<Self, PayloadError> {
        if text.len() > MAX_PAYLOAD_BYTES {
            return Err(PayloadError::TooLarge {
                len: text.len(),
                max: MAX_PAYLOAD_BYTES,
            });
        }
        if check::is_json(&text) {
            return Ok(Payload(text.into_boxed_str()));
        }
        // Not known to be JSON (or spelled with whitespace around it, which the
        // parser trims): serde_json decides, and says why when it is not.
        RawValue::from_string(text)
            .map(|raw| Payload(raw.into()))
            .map_err(|err| PayloadError::Syntax {
                reason: err.to_string(),
            })
    }

    /// Canonicalises a JSON value.
    ///
    /// # Errors
    ///
    /// When a number cannot be carried exactly, or the payload is too large.
    pub fn from_value(value: &Value) -> Result<Self, PayloadError> {
        let depth = nesting(value, MAX_PAYLOAD_DEPTH + 1);
        if depth > MAX_PAYLOAD_DEPTH {
            return Err(PayloadError::TooDeep {
                depth,
                max: MAX_PAYLOAD_DEPTH,
            });
        }
        let mut out = String::new();
        write_canonical(value, &mut out)?;
        if out.len() > MAX_PAYLOAD_BYTES {
            return Err(PayloadError::TooLarge {
                len: out.len(),
                max: MAX_PAYLOAD_BYTES,
            });
        }
        // The canonical writer writes JSON by construction.
        Ok(Payload(out.into_boxed_str()))
    }

    /// Serialises any value (an event type, a struct) into a payload.
    ///
    /// ```
    /// # use andel_journal::Payload;
    /// #[derive(serde::Serialize)]
    /// struct Admitted { member: u32, class: &'static str }
    ///
    /// let p = Payload::new(&Admitted { member: 7, class: "worker" }).unwrap();
    /// assert_eq!(p.as_str(), r#"{"class":"worker","member":7}"#);
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Payload::from_value`], and when the value cannot be written as JSON.
    pub fn new<T: Serialize + ?Sized>(value: &T) -> Result<Self, PayloadError> {
        let value = serde_json::to_value(value).map_err(|err| PayloadError::NotJson {
            reason: err.to_string(),
        })?;
        Self::from_value(&value)
    }

    /// Reads the payload at the start of `text` if it is spelled exactly as
    /// [`Payload::as_str`] would spell it, and answers it with the rest of `text`.
    ///
    /// `None` means "not known to be canonical": the text may be another spelling, not
    /// JSON at all, or a rare canonical form this scan leaves to the full parser (nesting
    /// deeper than `canonical::SCAN_DEPTH`). Whatever it accepts, [`Payload::from_json_str`]
    /// accepts too and spells the same way; callers fall back to it for the reason.
    pub(crate) fn scan_canonical(text: &str) -> Option<(Self, &str)> {
        let (json, rest) = text.split_at_checked(canonical_prefix(text)?)?;
        if json.len() > MAX_PAYLOAD_BYTES {
            return None;
        }
        Some((Payload(json.into()), rest))
    }

    /// The canonical JSON text: the bytes the commitment hashes.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The payload as a JSON value.
    pub fn to_value(&self) -> Value {
        // Canonical text is valid JSON by construction; `Null` is unreachable.
        serde_json::from_str(self.as_str()).unwrap_or(Value::Null)
    }

    /// Deserialises the payload into a type of the caller's.
    ///
    /// # Errors
    ///
    /// When the payload does not have the shape of `T`.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.as_str())
    }
}

impl PartialEq for Payload {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Payload {}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Payload({})", self.as_str())
    }
}

impl fmt::Display for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Payload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Written as the JSON it is, not as a string holding it: serde_json's raw value
        // carries it through, borrowed, at the cost of one more pass over the text.
        let raw: &RawValue = serde_json::from_str(self.as_str()).map_err(ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Payload {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = StrictValue::deserialize(deserializer)?;
        Payload::from_value(&value.0).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Number;

    #[track_caller]
    fn check(input: &str, canonical: &str) {
        let p = Payload::from_json_str(input).unwrap();
        assert_eq!(p.as_str(), canonical, "canonical form of {input}");
        // Canonical text is a fixed point.
        assert_eq!(Payload::from_json_str(canonical).unwrap(), p);
    }

    #[test]
    fn the_deepest_payload_accepted_is_one_every_reader_reads() {
        let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let deepest = Payload::from_json_str(&nested(MAX_PAYLOAD_DEPTH)).unwrap();
        // In an entry's line it reads back, under the reader's own nesting limit.
        let head = crate::StreamHead::new(crate::StreamId::new("s").unwrap());
        let draft = crate::Draft::new(
            crate::Kind::new("k").unwrap(),
            deepest,
            "2026-03-01T09:00:00Z".parse().unwrap(),
        );
        let entry = head.seal(0, draft).unwrap();
        let line = crate::file::to_line(&entry);
        assert_eq!(crate::file::parse_line(&line).unwrap(), entry);
        // One level deeper is refused at the door, whichever way it comes in.
        let deeper = nested(MAX_PAYLOAD_DEPTH + 1);
        assert_eq!(
            Payload::from_json_str(&deeper).unwrap_err(),
            PayloadError::TooDeep {
                depth: MAX_PAYLOAD_DEPTH + 1,
                max: MAX_PAYLOAD_DEPTH
            }
        );
        let value: Value = serde_json::from_str(&deeper).unwrap();
        assert!(matches!(
            Payload::new(&value),
            Err(PayloadError::TooDeep { .. })
        ));
        let wide = format!("[{},{}]", nested(3), nested(MAX_PAYLOAD_DEPTH - 1));
        assert!(Payload::from_json_str(&wide).is_ok());
    }

    #[test]
    fn canonical_forms_follow_rfc_8785() {
        check(" { \"b\" : 2 , \"a\" : 1 } ", r#"{"a":1,"b":2}"#);
        check(
            "[1.0, -0.0, 1e-7, 0.1, 123.456e3, 9007199254740991.0]",
            "[1,0,1e-7,0.1,123456,9007199254740991]",
        );
        check(r#""\u00e9\u20ac\ud83d\ude00""#, "\"é€😀\"");
        check(
            r#""\/\u001f\u007f\b\f\n\r\t""#,
            "\"/\\u001f\u{7f}\\b\\f\\n\\r\\t\"",
        );
        check("-9007199254740991", "-9007199254740991");
        check("[]", "[]");
        check("{}", "{}");
        // Keys sort by UTF-16 code units: U+1F600 (D83D DE00) sorts before U+FB01.
        check(
            "{\"\u{fb01}\":1,\"\u{1f600}\":2}",
            "{\"\u{1f600}\":2,\"\u{fb01}\":1}",
        );
    }

    #[test]
    fn rfc_8785_example_numbers() {
        // Values from RFC 8785 appendix B, written as ECMAScript does.
        check(
            "[4.50, 2e-3, 0.000001, 1e-7, 5e-324, 1e-27]",
            "[4.5,0.002,0.000001,1e-7,5e-324,1e-27]",
        );
        check("333333333.33333329", "333333333.3333333");
    }

    #[test]
    fn refuses_what_is_not_i_json() {
        assert!(matches!(
            Payload::from_json_str(r#"{"a":1,"a":1}"#),
            Err(PayloadError::Syntax { reason }) if reason.contains("duplicate key `a`")
        ));
        assert_eq!(
            Payload::from_json_str("9007199254740992"),
            Err(PayloadError::InexactNumber {
                number: "9007199254740992".into()
            })
        );
        // Whole numbers beyond 2^53 are refused however they are written: serde_json
        // reads long digit strings as rounded floats, indistinguishable from `1e21`.
        for big in ["123456789012345678901234567890", "1e21", "-1e30"] {
            assert!(
                matches!(
                    Payload::from_json_str(big),
                    Err(PayloadError::InexactNumber { .. })
                ),
                "{big} accepted"
            );
        }
        for bad in ["", "{", "[1,]", "nul", "1 2", "\"\\ud800\"", "NaN"] {
            assert!(
                matches!(
                    Payload::from_json_str(bad),
                    Err(PayloadError::Syntax { .. })
                ),
                "{bad:?} accepted"
            );
        }
        let deep = "[".repeat(10_000);
        assert!(Payload::from_json_str(&deep).is_err());
    }

    #[test]
    fn refuses_oversized_payloads() {
        let big = Value::String("x".repeat(MAX_PAYLOAD_BYTES));
        assert!(matches!(
            Payload::from_value(&big),
            Err(PayloadError::TooLarge { .. })
        ));
    }

    #[test]
    fn serde_round_trip_keeps_canonical_text() {
        let p = Payload::from_json_str(r#"{"z":[1,2],"a":"x"}"#).unwrap();
        let text = serde_json::to_string(&p).unwrap();
        assert_eq!(text, r#"{"a":"x","z":[1,2]}"#);
        assert_eq!(serde_json::from_str::<Payload>(&text).unwrap(), p);
        #[derive(serde::Deserialize, PartialEq, Debug)]
        struct Shape {
            a: String,
            z: Vec<u8>,
        }
        assert_eq!(
            p.decode::<Shape>().unwrap(),
            Shape {
                a: "x".into(),
                z: vec![1, 2]
            }
        );
    }

    pub(super) fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-(MAX_EXACT_INTEGER as i64)..=MAX_EXACT_INTEGER as i64)
                .prop_map(|i| Value::Number(i.into())),
            // Whole floats canonicalise to integers, which parse back as another variant.
            (-1e15f64..1e15)
                .prop_filter("not whole", |f| f.fract() != 0.0)
                .prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(any::<String>(), inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn canonical_text_parses_back_to_the_same_value(value in json()) {
            let p = Payload::from_value(&value).unwrap();
            prop_assert_eq!(p.to_value(), value);
            prop_assert_eq!(Payload::from_json_str(p.as_str()).unwrap(), p);
        }

        #[test]
        fn pretty_printing_does_not_change_the_canonical_form(value in json()) {
            let pretty = serde_json::to_string_pretty(&value).unwrap();
            prop_assert_eq!(
                Payload::from_json_str(&pretty).unwrap(),
                Payload::from_value(&value).unwrap()
            );
        }

        #[test]
        fn arbitrary_text_never_panics(text in ".{0,64}") {
            let _ = Payload::from_json_str(&text);
        }
    }
}
