//! Names: members, rules, resource kinds and ids, roles and services.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A name that does not follow its rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} `{name}` is not valid: {rule}")]
pub struct NameError {
    /// What kind of name it is (`member id`, `rule id`, …).
    pub what: &'static str,
    /// The name as given.
    pub name: String,
    /// The rule it breaks.
    pub rule: &'static str,
}

/// Printable text of 1 to `max` bytes, without control characters.
fn text(what: &'static str, name: &str, max: usize) -> Result<(), NameError> {
    let fits = (1..=max).contains(&name.len()) && !name.chars().any(char::is_control);
    fits.then_some(()).ok_or_else(|| NameError {
        what,
        name: name.to_owned(),
        rule: if max == 64 {
            "1 to 64 bytes, no control characters"
        } else {
            "1 to 128 bytes, no control characters"
        },
    })
}

/// Lowercase words of `a-z`, `0-9` and `-`, at most 64 bytes: `card`, `stats-aggregate`.
fn word(what: &'static str, name: &str) -> Result<(), NameError> {
    let ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    ok.then_some(()).ok_or_else(|| NameError {
        what,
        name: name.to_owned(),
        rule: "lowercase a-z, 0-9 and `-`, 1 to 64 bytes, not starting or ending with `-`",
    })
}

macro_rules! name {
    ($(#[$doc:meta])* $name:ident, $what:literal, $check:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(Arc<str>);

        impl $name {
            /// Checks `name` and wraps it.
            ///
            /// # Errors
            ///
            /// When the name breaks its rules; the error says which.
            pub fn new(name: &str) -> Result<Self, NameError> {
                let check: fn(&'static str, &str) -> Result<(), NameError> = $check;
                check($what, name)?;
                Ok($name(Arc::from(name)))
            }

            /// The name as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = NameError;
            fn try_from(name: String) -> Result<Self, NameError> {
                $name::new(&name)
            }
        }

        impl From<$name> for String {
            fn from(name: $name) -> String {
                name.0.to_string()
            }
        }

        impl std::str::FromStr for $name {
            type Err = NameError;
            fn from_str(name: &str) -> Result<Self, NameError> {
                $name::new(name)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{:?}", &*self.0)
            }
        }
    };
}

name!(
    /// A member of the co-op (a person or an organisation), as the embedding service
    /// names its users: the ledger's member number, a login name.
    MemberId,
    "member id",
    |what, name| text(what, name, 64)
);
name!(
    /// A rule's name within its policy: `members-read-own`.
    RuleId,
    "rule id",
    word
);
name!(
    /// A kind of resource a service keeps: `board`, `card`, `message`.
    ResourceKind,
    "resource kind",
    word
);
name!(
    /// One resource's id within its kind.
    ResourceId,
    "resource id",
    |what, name| text(what, name, 128)
);
name!(
    /// A role a member holds in the co-op: `treasurer`, `moderator`.
    Role,
    "role",
    word
);
name!(
    /// A service or app that acts for members: `kanban`, `chat`.
    ServiceName,
    "service name",
    word
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_their_rules() {
        assert!(MemberId::new("ada@example.org").is_ok());
        assert!(MemberId::new("").is_err());
        assert!(MemberId::new("a\nb").is_err());
        assert!(RuleId::new("members-read-own").is_ok());
        for bad in ["", "-a", "a-", "A", "a b", "a_b", "a.b"] {
            let err = RuleId::new(bad).unwrap_err();
            assert_eq!(err.what, "rule id", "{bad:?}");
        }
        let err = ResourceKind::new("Card").unwrap_err();
        assert_eq!(
            err.to_string(),
            "resource kind `Card` is not valid: lowercase a-z, 0-9 and `-`, 1 to 64 bytes, not starting or ending with `-`"
        );
        assert!(serde_json::from_str::<Role>("\"treasurer\"").is_ok());
        assert!(serde_json::from_str::<Role>("\"Treasurer\"").is_err());
    }
}
