//! `recorded_at`: a UTC instant with one canonical spelling.

use std::fmt;

use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// When an entry was recorded: a UTC instant, passed in by the caller (the journal has
/// no clock).
///
/// Years 0000 to 9999 of the proleptic Gregorian calendar, with nanosecond precision;
/// leap seconds are refused, as RFC 3339 text and the hashed encoding (seconds since the
/// Unix epoch plus nanoseconds) must say the same thing. The text form is RFC 3339 in UTC
/// with `Z`, and 0, 3, 6 or 9 fraction digits, the fewest that are exact. Parsing refuses
/// more than 9 fraction digits rather than cut them off.
///
/// ```
/// use andel_journal::Timestamp;
///
/// let t: Timestamp = "2026-11-27T09:30:00.250+01:00".parse().unwrap();
/// assert_eq!(t.to_string(), "2026-11-27T08:30:00.250Z");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(DateTime<Utc>);

/// An instant that a journal cannot record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimestampError {
    /// The text is not an RFC 3339 date-time.
    #[error("`{text}` is not an RFC 3339 date-time such as `2026-11-27T08:30:00Z`: {reason}")]
    Syntax {
        /// The text.
        text: String,
        /// What the parser said.
        reason: String,
    },
    /// The year is outside 0000 to 9999.
    #[error("`{instant}` is outside the years 0000 to 9999")]
    OutOfRange {
        /// The instant, as chrono writes it.
        instant: String,
    },
    /// The text has more fraction digits than the nanoseconds a journal records.
    #[error("`{text}` has {digits} fraction digits; at most 9 (nanoseconds) are allowed")]
    TooPrecise {
        /// The text.
        text: String,
        /// How many fraction digits it has.
        digits: usize,
    },
    /// The instant falls in a leap second.
    #[error("`{instant}` falls in a leap second, which a journal cannot record")]
    LeapSecond {
        /// The instant, as chrono writes it.
        instant: String,
    },
}

impl Timestamp {
    /// Checks and wraps a UTC instant.
    ///
    /// # Errors
    ///
    /// When the year is outside 0000–9999 or the instant falls in a leap second.
    pub fn new(instant: DateTime<Utc>) -> Result<Self, TimestampError> {
        if !(0..=9999).contains(&instant.year()) {
            return Err(TimestampError::OutOfRange {
                instant: instant.to_string(),
            });
        }
        if instant.nanosecond() >= 1_000_000_000 {
            return Err(TimestampError::LeapSecond {
                instant: instant.to_string(),
            });
        }
        Ok(Timestamp(instant))
    }

    /// The instant.
    pub fn as_datetime(&self) -> DateTime<Utc> {
        self.0
    }

    /// Seconds since 1970-01-01T00:00:00Z (negative before it), as hashed.
    pub fn unix_seconds(&self) -> i64 {
        self.0.timestamp()
    }

    /// Nanoseconds within the second, 0 to 999 999 999, as hashed.
    pub fn subsec_nanos(&self) -> u32 {
        self.0.timestamp_subsec_nanos()
    }
}

impl TryFrom<DateTime<Utc>> for Timestamp {
    type Error = TimestampError;

    fn try_from(instant: DateTime<Utc>) -> Result<Self, Self::Error> {
        Timestamp::new(instant)
    }
}

impl std::str::FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if let Some(instant) = canonical(text.as_bytes()) {
            return Ok(Timestamp(instant));
        }
        let instant = DateTime::parse_from_rfc3339(text).map_err(|err| TimestampError::Syntax {
            text: text.to_owned(),
            reason: err.to_string(),
        })?;
        // chrono reads any number of fraction digits and drops those past the ninth: an
        // instant that cannot be recorded as written is refused, not silently changed.
        let digits = text.split_once('.').map_or(0, |(_, fraction)| {
            fraction.bytes().take_while(u8::is_ascii_digit).count()
        });
        if digits > 9 {
            return Err(TimestampError::TooPrecise {
                text: text.to_owned(),
                digits,
            });
        }
        Timestamp::new(instant.with_timezone(&Utc))
    }
}

/// The spelling stores write, `YYYY-MM-DDTHH:MM:SS` with 0 to 9 fraction digits and `Z`,
/// read without chrono's general parser: every read entry has a time, and a long replay
/// parsed them at a few hundred nanoseconds each. Anything else (an offset, a lowercase
/// `t` or `z`, a leap second, an impossible day) is left to the full parser, which gives
/// the same instant or the error.
fn canonical(text: &[u8]) -> Option<DateTime<Utc>> {
    let (head, fraction) = match text {
        [head @ .., b'Z'] if head.len() == 19 => (head, &[][..]),
        [head @ .., b'Z'] if head.len() > 20 && head[19] == b'.' => head.split_at(19),
        _ => return None,
    };
    let [
        y1,
        y2,
        y3,
        y4,
        b'-',
        m1,
        m2,
        b'-',
        d1,
        d2,
        b'T',
        h1,
        h2,
        b':',
        n1,
        n2,
        b':',
        s1,
        s2,
    ] = *head
    else {
        return None;
    };
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |value, d| {
            d.is_ascii_digit().then(|| value * 10 + u32::from(d - b'0'))
        })
    };
    let digits = fraction.get(1..).unwrap_or_default();
    if digits.len() > 9 {
        return None;
    }
    let nanos = number(digits)? * 10u32.pow(9 - digits.len() as u32);
    let second = number(&[s1, s2])?;
    if second > 59 {
        return None;
    }
    let year = i32::try_from(number(&[y1, y2, y3, y4])?).ok()?;
    let date = chrono::NaiveDate::from_ymd_opt(year, number(&[m1, m2])?, number(&[d1, d2])?)?;
    let time = date.and_hms_nano_opt(number(&[h1, h2])?, number(&[n1, n2])?, second, nanos)?;
    Some(time.and_utc())
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn text_form_is_canonical_utc() {
        let cases = [
            ("2026-11-27T08:30:00Z", "2026-11-27T08:30:00Z"),
            ("2026-11-27T08:30:00.5Z", "2026-11-27T08:30:00.500Z"),
            ("2026-11-27T08:30:00.000001z", "2026-11-27T08:30:00.000001Z"),
            (
                "2026-11-27T10:30:00.123456789+02:00",
                "2026-11-27T08:30:00.123456789Z",
            ),
            ("0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"),
        ];
        for (input, canonical) in cases {
            let t: Timestamp = input.parse().unwrap();
            assert_eq!(t.to_string(), canonical, "{input}");
            assert_eq!(canonical.parse::<Timestamp>().unwrap(), t);
        }
    }

    #[test]
    fn refuses_what_cannot_round_trip() {
        assert!(matches!(
            "yesterday".parse::<Timestamp>(),
            Err(TimestampError::Syntax { .. })
        ));
        let far = Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap();
        assert!(matches!(
            Timestamp::new(far),
            Err(TimestampError::OutOfRange { .. })
        ));
        let leap = Utc
            .with_ymd_and_hms(2016, 12, 31, 23, 59, 59)
            .unwrap()
            .with_nanosecond(1_500_000_000)
            .unwrap();
        assert!(matches!(
            Timestamp::new(leap),
            Err(TimestampError::LeapSecond { .. })
        ));
    }

    #[test]
    fn more_than_nanoseconds_is_refused_not_cut() {
        let err = "2026-03-01T09:00:00.1234567891Z"
            .parse::<Timestamp>()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`2026-03-01T09:00:00.1234567891Z` has 10 fraction digits; at most 9 (nanoseconds) are allowed"
        );
        assert!(
            "2026-03-01T09:00:00.1234567890+01:00"
                .parse::<Timestamp>()
                .is_err()
        );
        assert!(
            "2026-03-01T09:00:00.123456789Z"
                .parse::<Timestamp>()
                .is_ok()
        );
        // A leap second is RFC 3339 but not a journal's.
        assert!(matches!(
            "2016-12-31T23:59:60Z".parse::<Timestamp>(),
            Err(TimestampError::LeapSecond { .. })
        ));
    }

    #[test]
    fn early_years_are_proleptic_gregorian() {
        // 0000-03-01 is 719 468 days before 1970-01-01 in the proleptic Gregorian
        // calendar (year 0 is a leap year); the Julian calendar would say otherwise.
        let t: Timestamp = "0000-03-01T00:00:00Z".parse().unwrap();
        assert_eq!(t.unix_seconds(), -719_468 * 86_400);
        let t: Timestamp = "0000-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(t.unix_seconds(), -62_167_219_200);
        let t: Timestamp = "9999-12-31T23:59:59.999999999Z".parse().unwrap();
        assert_eq!(
            (t.unix_seconds(), t.subsec_nanos()),
            (253_402_300_799, 999_999_999)
        );
    }

    #[test]
    fn hashed_parts_split_seconds_and_nanos() {
        let t: Timestamp = "1969-12-31T23:59:59.5Z".parse().unwrap();
        assert_eq!((t.unix_seconds(), t.subsec_nanos()), (-1, 500_000_000));
    }

    /// The reading without chrono's parser, the reference.
    fn by_chrono(text: &str) -> Option<DateTime<Utc>> {
        let instant = DateTime::parse_from_rfc3339(text).ok()?;
        Timestamp::new(instant.with_timezone(&Utc))
            .ok()
            .map(|t| t.as_datetime())
    }

    #[test]
    fn canonical_spelling_reads_as_chrono_reads_it() {
        let base = "2024-02-29T23:59:59.123456789Z";
        let mut cases: Vec<String> = [
            "2026-11-27T08:30:00Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z",
            "2026-11-27T08:30:00.5Z",
            "2026-11-27T08:30:00.Z",
            "2026-11-27T08:30:00.1234567891Z",
            "2026-11-27t08:30:00Z",
            "2026-11-27T08:30:00z",
            "2026-11-27T08:30:00+00:00",
            "2016-12-31T23:59:60Z",
            "2025-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-11-27T24:00:00Z",
            "2026-11-27T08:60:00Z",
            "+2026-11-27T08:30:00Z",
            "2026-11-27 08:30:00Z",
        ]
        .map(String::from)
        .to_vec();
        // Every byte of a canonical time replaced by each byte that could matter.
        for at in 0..base.len() {
            for byte in b"0123456789:-.TZtz+ a/".iter() {
                let mut bytes = base.as_bytes().to_vec();
                bytes[at] = *byte;
                cases.extend(String::from_utf8(bytes).ok());
            }
            cases.push(format!("{}{}", &base[..at], &base[at + 1..]));
        }
        for digits in 0..=10 {
            cases.push(format!("2026-11-27T08:30:00.{}Z", "7".repeat(digits)));
        }
        for text in &cases {
            let fast = canonical(text.as_bytes());
            if let Some(instant) = fast {
                assert_eq!(Some(instant), by_chrono(text), "{text}");
            }
            assert_eq!(
                text.parse::<Timestamp>().ok().map(|t| t.as_datetime()),
                by_chrono(text).filter(|_| {
                    let digits = text
                        .split_once('.')
                        .map_or(0, |(_, f)| f.bytes().take_while(u8::is_ascii_digit).count());
                    digits <= 9
                }),
                "{text}"
            );
        }
        assert!(canonical(base.as_bytes()).is_some());
        assert!(canonical(b"2026-11-27T08:30:00Z").is_some());
    }
}
