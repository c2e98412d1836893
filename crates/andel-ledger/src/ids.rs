//! Names of the things a ledger keeps: members, classes, money transactions and payments.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A member's number in the register, given in order from 1 when someone applies and
/// never given to anyone else, even after they leave or are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MemberNumber(u32);

impl MemberNumber {
    /// Member number `n` (from 1).
    pub fn new(n: u32) -> Option<Self> {
        (n > 0).then_some(MemberNumber(n))
    }

    /// The number.
    pub fn get(self) -> u32 {
        self.0
    }

    pub(crate) fn index(self) -> usize {
        self.0 as usize - 1
    }

    /// The number at position `index` (from 0) of the register.
    pub(crate) fn from_index(index: usize) -> Self {
        MemberNumber(u32::try_from(index + 1).unwrap_or(u32::MAX))
    }
}

impl fmt::Display for MemberNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for MemberNumber {
    type Err = IdError;
    fn from_str(text: &str) -> Result<Self, IdError> {
        text.trim_start_matches('#')
            .parse::<u32>()
            .ok()
            .and_then(MemberNumber::new)
            .ok_or_else(|| IdError::Member {
                text: text.to_owned(),
            })
    }
}

/// A member class named by the statutes, such as `workers`: lower-case ASCII letters,
/// digits, `-` and `_`, 1 to 32 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClassId(Arc<str>);

impl ClassId {
    /// A class name.
    ///
    /// # Errors
    ///
    /// A name that is empty, too long or has other characters.
    pub fn new(name: &str) -> Result<Self, IdError> {
        let valid = (1..=32).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if valid {
            Ok(ClassId(Arc::from(name)))
        } else {
            Err(IdError::Class {
                text: name.to_owned(),
            })
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ClassId {
    type Error = IdError;
    fn try_from(text: String) -> Result<Self, IdError> {
        ClassId::new(&text)
    }
}

impl From<ClassId> for String {
    fn from(id: ClassId) -> String {
        id.0.to_string()
    }
}

impl FromStr for ClassId {
    type Err = IdError;
    fn from_str(text: &str) -> Result<Self, IdError> {
        ClassId::new(text)
    }
}

impl fmt::Display for ClassId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A money transaction's number in the ledger, given in order from 1. Reversals and
/// refunds name the transaction they correct by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TxnId(u64);

impl TxnId {
    /// Transaction `n` (from 1).
    pub fn new(n: u64) -> Option<Self> {
        (n > 0).then_some(TxnId(n))
    }

    /// The number.
    pub fn get(self) -> u64 {
        self.0
    }

    pub(crate) fn index(self) -> usize {
        usize::try_from(self.0 - 1).unwrap_or(usize::MAX)
    }

    /// The transaction at position `index` (from 0).
    pub(crate) fn from_index(index: usize) -> Self {
        TxnId(index as u64 + 1)
    }
}

impl fmt::Display for TxnId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "T{}", self.0)
    }
}

impl FromStr for TxnId {
    type Err = IdError;
    fn from_str(text: &str) -> Result<Self, IdError> {
        text.trim_start_matches('T')
            .parse::<u64>()
            .ok()
            .and_then(TxnId::new)
            .ok_or_else(|| IdError::Txn {
                text: text.to_owned(),
            })
    }
}

/// The caller's key for a payment, such as a bank transaction reference: recording a
/// payment again under the same key changes nothing, so a retried import never posts
/// twice. 1 to 128 printable characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PaymentKey(Arc<str>);

impl PaymentKey {
    /// A payment key.
    ///
    /// # Errors
    ///
    /// A key that is empty, longer than 128 bytes, or holds control characters.
    pub fn new(key: &str) -> Result<Self, IdError> {
        if (1..=128).contains(&key.len()) && !key.chars().any(char::is_control) {
            Ok(PaymentKey(Arc::from(key)))
        } else {
            Err(IdError::PaymentKey {
                text: key.to_owned(),
            })
        }
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PaymentKey {
    type Error = IdError;
    fn try_from(text: String) -> Result<Self, IdError> {
        PaymentKey::new(&text)
    }
}

impl From<PaymentKey> for String {
    fn from(key: PaymentKey) -> String {
        key.0.to_string()
    }
}

impl FromStr for PaymentKey {
    type Err = IdError;
    fn from_str(text: &str) -> Result<Self, IdError> {
        PaymentKey::new(text)
    }
}

impl fmt::Display for PaymentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A name that is not a valid identifier of its kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// Not a member number.
    #[error("`{text}` is not a member number (1 or more)")]
    Member {
        /// The text.
        text: String,
    },
    /// Not a class name.
    #[error("`{text}` is not a class name: use 1 to 32 lower-case letters, digits, `-` or `_`")]
    Class {
        /// The text.
        text: String,
    },
    /// Not a transaction number.
    #[error("`{text}` is not a transaction number such as `T12`")]
    Txn {
        /// The text.
        text: String,
    },
    /// Not a payment key.
    #[error("`{text}` is not a payment key: use 1 to 128 printable characters")]
    PaymentKey {
        /// The text.
        text: String,
    },
}

/// A [`TxnId`] in JSON as it is written everywhere else, `T1`, for reports read by
/// people and spreadsheets. Events keep the plain number: that is the journal's format.
pub(crate) mod txn_text {
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    use super::TxnId;

    pub(crate) fn serialize<S: Serializer>(txn: &TxnId, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(txn)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<TxnId, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.parse().map_err(D::Error::custom)
    }
}
