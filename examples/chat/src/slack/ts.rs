//! Slack's message timestamp, `1736478514.897649`: the name of a message within its
//! conversation, and the moment it was sent.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::bounds::shown;

/// Slack's message timestamp, `"1736478514.897649"`: whole seconds since 1970 and a
/// fraction in micro-seconds. Within a conversation it names a message (threads and
/// edits point at it), so it is compared exactly, never as a float.
///
/// Parsed strictly: 1 to 10 digits of seconds, a dot, and 1 to 6 digits of fraction
/// (a shorter fraction is padded: `"5.25"` is 5 seconds and 250,000 micro-seconds), no
/// sign, space or exponent. It displays in the canonical form Slack writes, six digits
/// of fraction, which parses back to the same timestamp; serialized, it is that
/// string.
///
/// ```
/// use chat::slack::Ts;
///
/// let ts: Ts = "1736478514.897649".parse()?;
/// assert_eq!((ts.secs(), ts.micros()), (1_736_478_514, 897_649));
/// assert_eq!(ts.to_string(), "1736478514.897649");
/// assert_eq!("5.25".parse::<Ts>()?.to_string(), "5.250000");
/// assert!("5.25".parse::<Ts>()? < "5.3".parse::<Ts>()?);
/// assert!("1736478514".parse::<Ts>().is_err());
/// assert_eq!(ts.to_utc().map(|at| at.to_rfc3339()).as_deref(), Some("2025-01-10T03:08:34.897649+00:00"));
/// # Ok::<(), chat::slack::TsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ts {
    secs: u64,
    micros: u32,
}

/// The most seconds a [`Ts`] holds: ten digits, in the year 2286.
const MAX_SECS: u64 = 9_999_999_999;

impl Ts {
    /// A timestamp of `secs` seconds and `micros` micro-seconds, or `None` past ten
    /// digits of seconds or a million micro-seconds.
    pub fn new(secs: u64, micros: u32) -> Option<Ts> {
        (secs <= MAX_SECS && micros < 1_000_000).then_some(Ts { secs, micros })
    }

    /// The whole seconds since 1970-01-01 UTC.
    pub fn secs(self) -> u64 {
        self.secs
    }

    /// The fraction, in micro-seconds (below 1,000,000).
    pub fn micros(self) -> u32 {
        self.micros
    }

    /// The moment, in UTC (`None` only if the calendar cannot hold it, which for ten
    /// digits of seconds it always can).
    pub fn to_utc(self) -> Option<DateTime<Utc>> {
        let secs = i64::try_from(self.secs).ok()?;
        DateTime::from_timestamp(secs, self.micros.saturating_mul(1_000))
    }
}

/// Text that is not a Slack timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{text}` is not a Slack timestamp (1 to 10 digits, a dot and 1 to 6 digits, as `1736478514.897649`)"
)]
pub struct TsError {
    /// The text (its start, when long, with control characters escaped).
    pub text: String,
}

impl FromStr for Ts {
    type Err = TsError;

    fn from_str(text: &str) -> Result<Ts, TsError> {
        let refuse = || TsError { text: shown(text) };
        let (secs, fraction) = text.split_once('.').ok_or_else(refuse)?;
        let digits = |part: &str, max: usize| {
            (1..=max).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit())
        };
        if !digits(secs, 10) || !digits(fraction, 6) {
            return Err(refuse());
        }
        let secs: u64 = secs.parse().map_err(|_| refuse())?;
        // Padded on the right: ".25" is 250,000 micro-seconds.
        let padded = format!("{fraction:0<6}");
        let micros: u32 = padded.parse().map_err(|_| refuse())?;
        Ts::new(secs, micros).ok_or_else(refuse)
    }
}

impl fmt::Display for Ts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:06}", self.secs, self.micros)
    }
}

impl Serialize for Ts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Ts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
