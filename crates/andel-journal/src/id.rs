//! Validated names: stream ids, author ids and entry kinds.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// The longest stream or author id, in bytes.
pub const MAX_ID_LEN: usize = 128;
/// The longest entry kind, in bytes.
pub const MAX_KIND_LEN: usize = 64;
/// Kinds that start with this prefix are recorded by the journal itself (redactions);
/// callers cannot append them.
pub const RESERVED_KIND_PREFIX: &str = "andel.";

/// A name that breaks the rules for stream ids, author ids or kinds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NameError {
    /// The name is empty.
    #[error("{what} is empty")]
    Empty {
        /// Which name: `stream id`, `author id` or `kind`.
        what: &'static str,
    },
    /// The name is longer than allowed.
    #[error("{what} `{name}` is {len} bytes long; at most {max} are allowed")]
    TooLong {
        /// Which name.
        what: &'static str,
        /// The name.
        name: String,
        /// Its length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The name holds a character outside its alphabet.
    #[error("{what} `{name}` contains {found:?}; allowed are {allowed}")]
    Character {
        /// Which name.
        what: &'static str,
        /// The name.
        name: String,
        /// The first character outside the alphabet.
        found: char,
        /// The alphabet, in words.
        allowed: &'static str,
    },
}

const ID_ALPHABET: &str = "printable ASCII except space, `\"` and `\\`";
const SUBJECT_ALPHABET: &str = "any character but control characters";
const KIND_ALPHABET: &str = "`a-z`, `0-9`, `_`, `-` and `.` between words";

fn check(
    what: &'static str,
    name: &str,
    max: usize,
    allowed: &'static str,
    ok: impl Fn(char) -> bool,
) -> Result<(), NameError> {
    if name.is_empty() {
        return Err(NameError::Empty { what });
    }
    if name.len() > max {
        return Err(NameError::TooLong {
            what,
            name: name.to_owned(),
            len: name.len(),
            max,
        });
    }
    match name.chars().find(|c| !ok(*c)) {
        Some(found) => Err(NameError::Character {
            what,
            name: name.to_owned(),
            found,
            allowed,
        }),
        None => Ok(()),
    }
}

fn id_char(c: char) -> bool {
    c.is_ascii_graphic() && c != '"' && c != '\\'
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        id_type!($(#[$doc])* $name, $what, ID_ALPHABET, id_char, "a character that is not printable ASCII (space, `\"` and `\\` are refused too)");
    };
    ($(#[$doc:meta])* $name:ident, $what:literal, $alphabet:expr, $ok:expr, $refused:literal) => {
        $(#[$doc])*
        // Shared text: entries of one stream all hold its id, and cloning it is a count.
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(std::sync::Arc<str>);

        impl $name {
            /// Checks `name` against the rules and wraps it.
            ///
            /// # Errors
            ///
            #[doc = concat!("When the name is empty, longer than [`MAX_ID_LEN`] bytes, or holds ", $refused, ".")]
            pub fn new(name: impl Into<String>) -> Result<Self, NameError> {
                let name = name.into();
                check($what, &name, MAX_ID_LEN, $alphabet, $ok)?;
                Ok(Self(name.into()))
            }

            /// The name as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{:?}", self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = NameError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                Self::new(String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
            }
        }
    };
}

id_type!(
    /// Names one stream of a journal: a sequence of entries with its own hash chain,
    /// its own gapless numbering from 0 and its own Merkle tree (`members`,
    /// `coop-7/ballots`).
    ///
    /// 1 to 128 bytes of printable ASCII, without space, `"` or `\`.
    ///
    /// ```
    /// use andel_journal::StreamId;
    ///
    /// assert!(StreamId::new("coop-7/members").is_ok());
    /// assert!(StreamId::new("has space").is_err());
    /// ```
    StreamId,
    "stream id"
);

id_type!(
    /// Names who recorded an entry: a member id, an officer, a service account.
    ///
    /// Same alphabet as [`StreamId`]. Store an opaque id here, never a person's name:
    /// the author is part of the hashed header and survives redaction.
    AuthorId,
    "author id"
);

id_type!(
    /// Names whom a journal entry is about: the member (the data subject) whose data it
    /// records, as a [`SubjectIndex`](crate::SubjectIndex) finds entries by it. An
    /// opaque member id, never a name.
    ///
    /// 1 to 128 bytes of text without control characters, so that every member id a
    /// service uses fits (`Åsa`, `ada@example.org`).
    ///
    /// ```
    /// use andel_journal::SubjectId;
    ///
    /// assert!(SubjectId::new("Åsa Lind").is_ok());
    /// assert!(SubjectId::new("a\nb").is_err());
    /// ```
    SubjectId,
    "subject id",
    SUBJECT_ALPHABET,
    |c: char| !c.is_control(),
    "a control character"
);

id_type!(
    /// Names a tenant: one organisation whose journals a store keeps apart from every
    /// other's, so that one database can serve several co-ops without their data ever
    /// mixing.
    ///
    /// Same alphabet as [`StreamId`].
    TenantId,
    "tenant id"
);

id_type!(
    /// Names a projection (`members.register`, `ledger.balances.v2`): state derived from
    /// a stream, whose snapshots a [`SnapshotStore`](crate::SnapshotStore) keeps. Give a
    /// projection a new id when its state's shape changes, so that old snapshots are not
    /// read as new ones.
    ///
    /// Same alphabet as [`StreamId`].
    ProjectionId,
    "projection id"
);

/// What an entry records, such as `member.admitted` or `ballot.cast`.
///
/// Lowercase words of `a-z`, `0-9`, `_` and `-`, joined by single dots; at most 64 bytes.
/// Kinds starting with `andel.` are the journal's own (see [`Kind::REDACTION`]).
///
/// ```
/// use andel_journal::Kind;
///
/// assert!(Kind::new("member.admitted").is_ok());
/// assert!(Kind::new("Member.Admitted").is_err());
/// assert!(Kind::new("member..admitted").is_err());
/// assert!(Kind::REDACTION.is_reserved());
/// ```
#[derive(Clone)]
pub struct Kind(KindText);

/// A kind's text: a constant, or shared by every entry of that kind read together
/// (cloning one costs no allocation).
#[derive(Clone)]
enum KindText {
    Static(&'static str),
    Shared(std::sync::Arc<str>),
}

impl Kind {
    /// The kind of the entry that records a redaction.
    pub const REDACTION: Kind = Kind(KindText::Static("andel.redaction"));

    /// Checks `kind` against the rules and wraps it.
    ///
    /// # Errors
    ///
    /// When the kind is empty, too long, holds a character outside `a-z 0-9 _ - .`,
    /// or has an empty word (a leading, trailing or doubled dot).
    pub fn new(kind: impl Into<String>) -> Result<Self, NameError> {
        let kind = kind.into();
        check("kind", &kind, MAX_KIND_LEN, KIND_ALPHABET, |c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.')
        })?;
        if kind.split('.').any(str::is_empty) {
            return Err(NameError::Character {
                what: "kind",
                name: kind,
                found: '.',
                allowed: KIND_ALPHABET,
            });
        }
        Ok(Kind(KindText::Shared(kind.into())))
    }

    /// The kind as text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            KindText::Static(text) => text,
            KindText::Shared(text) => text,
        }
    }

    /// Whether the journal reserves this kind for itself.
    pub fn is_reserved(&self) -> bool {
        self.as_str().starts_with(RESERVED_KIND_PREFIX)
    }
}

impl PartialEq for Kind {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Kind {}

impl std::hash::Hash for Kind {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for Kind {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Kind {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl std::str::FromStr for Kind {
    type Err = NameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::new(String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_their_alphabet() {
        assert!(StreamId::new("coop-7/members:2026").is_ok());
        assert_eq!(
            StreamId::new(""),
            Err(NameError::Empty { what: "stream id" })
        );
        let long = "x".repeat(MAX_ID_LEN + 1);
        assert!(matches!(
            AuthorId::new(long),
            Err(NameError::TooLong { len: 129, .. })
        ));
        for bad in ["a b", "a\"b", "a\\b", "é", "a\nb"] {
            assert!(StreamId::new(bad).is_err(), "{bad:?} accepted");
        }
        let err = StreamId::new("tab\there").unwrap_err();
        assert_eq!(
            err.to_string(),
            "stream id `tab\there` contains '\\t'; allowed are printable ASCII except space, `\"` and `\\`"
        );
    }

    #[test]
    fn kinds_are_dotted_lowercase_words() {
        for good in ["a", "member.admitted", "ballot-box.v2", "x_y.z9"] {
            assert!(Kind::new(good).is_ok(), "{good:?} refused");
        }
        for bad in [".a", "a.", "a..b", "A", "a b", "a/b"] {
            assert!(Kind::new(bad).is_err(), "{bad:?} accepted");
        }
        assert!(!Kind::new("member.admitted").unwrap().is_reserved());
        assert!(Kind::new("andel.redaction").unwrap().is_reserved());
        assert_eq!(Kind::new("andel.redaction").unwrap(), Kind::REDACTION);
    }

    #[test]
    fn deserializing_checks_the_rules() {
        assert!(serde_json::from_str::<StreamId>("\"ok\"").is_ok());
        assert!(serde_json::from_str::<StreamId>("\"not ok\"").is_err());
        assert!(serde_json::from_str::<Kind>("\"Bad\"").is_err());
    }
}
