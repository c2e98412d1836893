//! Secret ballots a voter can check.
//!
//! Who voted and what was voted are kept apart:
//!
//! - **Participation** is an event of the proposal's journal stream
//!   ([`ProposalEvent::Participated`](crate::ProposalEvent::Participated)): who took part, when, and
//!   through which proxy. It holds no ballot and no receipt.
//! - **The ballot box** ([`BallotBox`]) holds each [`Ballot`] (its weight and its mark)
//!   under a random [`Receipt`], and nothing else: no voter, no time, no sequence
//!   number. A box lists its ballots in receipt order, and receipts are random, so the
//!   order says nothing about who voted when.
//!
//! The receipt is shown only to its voter. After the close, the box is the published
//! [`BallotList`]: every counted ballot with its receipt, in receipt order (a shuffle
//! nobody chose). Its SHA-256 is in the outcome, so a voter can find their ballot
//! ([`BallotList::find`]) and anyone can recount the list
//! ([`Proposal::recount_published`](crate::Proposal::recount_published)).
//!
//! [`cast_secret`] and [`close_secret`] do both writes for a proposal kept in a journal.

use std::fmt;
use std::str::FromStr;

use andel_journal::Digest;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::proposal::Choice;

mod ballot_box;
mod cast;

pub use ballot_box::{BallotBox, BallotBoxError, MemoryBallotBox};
pub use cast::{SecretBallotError, SecretVote, cast_secret, close_secret, published_ballots};

/// Fewer voters than this never see the list of who took part in a secret ballot
/// ([`Proposal::participation`](crate::Proposal::participation)), and a secret ballot
/// opens only if every ballot weight is carried by at least this many voters.
pub const MIN_ANONYMITY: usize = 3;

/// The largest ballot list [`BallotList::parse`] reads: 256 MiB.
pub const MAX_BALLOT_LIST_BYTES: usize = 256 << 20;

/// The first line of a ballot list file.
pub const BALLOT_LIST_HEADER: &str = "andel-ballots 1";

/// Crockford's base 32: digits and letters without I, L, O and U, in ASCII order, so a
/// receipt's text sorts as its bytes do.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RECEIPT_BYTES: usize = 15;
const RECEIPT_CHARS: usize = RECEIPT_BYTES * 8 / 5;

/// A ballot's receipt: 120 random bits, written as six groups of four characters of
/// Crockford's base 32 (`7KQ2-MF3A-…`).
///
/// Parsing forgives what people mistype: lower case, missing dashes, and `I`, `L`, `O`
/// for `1`, `1`, `0`.
///
/// ```
/// use andel_decisions::secret::Receipt;
///
/// let receipt = Receipt::random()?;
/// let typed = receipt.to_string().to_lowercase().replace('-', "");
/// assert_eq!(typed.parse::<Receipt>()?, receipt);
/// assert!("7KQ2-MF3A".parse::<Receipt>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Receipt([u8; RECEIPT_BYTES]);

impl Receipt {
    /// A fresh receipt from the operating system's random number generator.
    ///
    /// # Errors
    ///
    /// Only when the operating system has no randomness to give.
    pub fn random() -> Result<Self, getrandom::Error> {
        let mut bytes = [0; RECEIPT_BYTES];
        getrandom::fill(&mut bytes)?;
        Ok(Receipt(bytes))
    }

    /// Wraps chosen bytes: for tests, never for real ballots.
    pub const fn from_bytes(bytes: [u8; RECEIPT_BYTES]) -> Self {
        Receipt(bytes)
    }

    /// The raw bytes.
    pub const fn as_bytes(&self) -> &[u8; RECEIPT_BYTES] {
        &self.0
    }

    /// Reads raw bytes, as a store keeps them.
    ///
    /// # Errors
    ///
    /// Bytes of the wrong length.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, ReceiptError> {
        bytes.try_into().map(Receipt).map_err(|_| {
            ReceiptError(format!(
                "a receipt is {RECEIPT_BYTES} bytes, not {}",
                bytes.len()
            ))
        })
    }
}

impl fmt::Display for Receipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::with_capacity(RECEIPT_CHARS + 5);
        // 15 bytes are three groups of 40 bits, each eight characters.
        for chunk in self.0.chunks(5) {
            let bits = chunk.iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b));
            for i in (0..8).rev() {
                if !text.is_empty() && (text.len() + 1).is_multiple_of(5) {
                    text.push('-');
                }
                text.push(char::from(ALPHABET[(bits >> (i * 5) & 31) as usize]));
            }
        }
        f.write_str(&text)
    }
}

impl fmt::Debug for Receipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Receipt({self})")
    }
}

/// A receipt code that is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a ballot receipt: {0}")]
pub struct ReceiptError(String);

impl FromStr for Receipt {
    type Err = ReceiptError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut values = Vec::with_capacity(RECEIPT_CHARS);
        for c in s.chars().filter(|c| *c != '-' && !c.is_whitespace()) {
            let value = match c.to_ascii_uppercase() {
                'I' | 'L' => 1,
                'O' => 0,
                upper => ALPHABET
                    .iter()
                    .position(|a| char::from(*a) == upper)
                    .ok_or_else(|| ReceiptError(format!("`{c}` is not a receipt character")))?,
            };
            values.push(value as u64);
            if values.len() > RECEIPT_CHARS {
                break;
            }
        }
        if values.len() != RECEIPT_CHARS {
            return Err(ReceiptError(format!(
                "a receipt has {RECEIPT_CHARS} characters (besides dashes)"
            )));
        }
        let mut bytes = [0; RECEIPT_BYTES];
        for (group, chunk) in values.chunks(8).enumerate() {
            let bits = chunk.iter().fold(0u64, |acc, v| acc << 5 | v);
            for i in 0..5 {
                bytes[group * 5 + i] = (bits >> (8 * (4 - i))) as u8;
            }
        }
        Ok(Receipt(bytes))
    }
}

impl Serialize for Receipt {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Receipt {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// What a secret ballot says: a choice (motions), a ranking (elections) or approvals
/// (participatory budgets), as indexes into the proposal's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// Yes, no or abstain.
    Choice(Choice),
    /// Candidate indexes, most preferred first; empty is a blank vote.
    Ranking(Vec<u16>),
    /// Project indexes.
    Approvals(Vec<u16>),
}

impl fmt::Display for Mark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, prefix: &str, items: &[u16]| {
            f.write_str(prefix)?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(",")?;
                }
                write!(f, "{item}")?;
            }
            Ok(())
        };
        match self {
            Mark::Choice(choice) => write!(f, "{choice}"),
            Mark::Ranking(items) => list(f, "rank:", items),
            Mark::Approvals(items) => list(f, "approve:", items),
        }
    }
}

impl FromStr for Mark {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let list = |items: &str| -> Result<Vec<u16>, String> {
            if items.is_empty() {
                return Ok(Vec::new());
            }
            let parsed = items
                .split(',')
                .map(|i| {
                    i.parse::<u16>()
                        .map_err(|_| format!("`{i}` is not an index (0 to 65535)"))
                })
                .collect::<Result<Vec<u16>, String>>()?;
            for (n, item) in parsed.iter().enumerate() {
                if parsed[..n].contains(item) {
                    return Err(format!("index {item} is listed twice"));
                }
            }
            Ok(parsed)
        };
        if let Some(items) = s.strip_prefix("rank:") {
            return list(items).map(Mark::Ranking);
        }
        if let Some(items) = s.strip_prefix("approve:") {
            return list(items).map(Mark::Approvals);
        }
        [Choice::Yes, Choice::No, Choice::Abstain, Choice::Block]
            .into_iter()
            .find(|c| c.to_string() == s)
            .map(Mark::Choice)
            .ok_or_else(|| {
                format!("`{s}` is not a mark (yes, no, abstain, block, rank:… or approve:…)")
            })
    }
}

/// A ballot in the box: the weight its voter carries and their mark. It names nobody.
///
/// Written as `WEIGHT<TAB>MARK`, the weight without trailing zeros:
///
/// ```
/// use andel_decisions::{Choice, Mark, secret::Ballot};
///
/// let ballot = Ballot::new("1.50".parse()?, Mark::Ranking(vec![2, 0]));
/// assert_eq!(ballot.to_string(), "1.5\trank:2,0");
/// assert_eq!("1\tyes".parse::<Ballot>()?, Ballot::new(1.into(), Mark::Choice(Choice::Yes)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ballot {
    weight: Decimal,
    mark: Mark,
}

impl Ballot {
    /// A ballot of `weight` (kept without trailing zeros, so it has one spelling).
    pub fn new(weight: Decimal, mark: Mark) -> Self {
        Ballot {
            weight: weight.normalize(),
            mark,
        }
    }

    /// The weight it carries.
    pub fn weight(&self) -> Decimal {
        self.weight
    }

    /// What it says.
    pub fn mark(&self) -> &Mark {
        &self.mark
    }
}

impl fmt::Display for Ballot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\t{}", self.weight, self.mark)
    }
}

impl FromStr for Ballot {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (weight, mark) = s
            .split_once('\t')
            .ok_or_else(|| "a ballot is a weight, a tab and a mark".to_owned())?;
        let value: Decimal = weight
            .parse()
            .map_err(|_| format!("`{weight}` is not a weight"))?;
        if value <= Decimal::ZERO {
            return Err(format!("weight `{weight}` is not positive"));
        }
        let ballot = Ballot::new(value, mark.parse()?);
        if ballot.weight.to_string() != weight {
            return Err(format!(
                "weight `{weight}` must be written `{}`",
                ballot.weight
            ));
        }
        Ok(ballot)
    }
}

/// A secret ballot's published list: every ballot with its receipt, in receipt order.
///
/// Its text is the header line `andel-ballots 1`, then one line per ballot,
/// `RECEIPT<TAB>WEIGHT<TAB>MARK`, each ending in a newline. The outcome of a secret
/// ballot holds the SHA-256 of exactly that text ([`BallotList::digest`]), so a
/// published file can be checked with `sha256sum` alone.
///
/// ```
/// use andel_decisions::{Choice, Mark, secret::{Ballot, BallotList, Receipt}};
///
/// let yes = Ballot::new(1.into(), Mark::Choice(Choice::Yes));
/// let r1 = Receipt::from_bytes([9; 15]);
/// let r2 = Receipt::from_bytes([1; 15]);
/// let list = BallotList::new([(r1, yes.clone()), (r2, yes.clone())])?;
/// let text = list.to_text();
/// // Receipt order, not the order they were given in.
/// assert!(text.starts_with(&format!("andel-ballots 1\n{r2}\t1\tyes\n{r1}")), "{text}");
/// assert_eq!(BallotList::parse(&text)?, list);
/// assert_eq!(list.find(&r1), Some(&yes));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BallotList {
    ballots: Vec<(Receipt, Ballot)>,
}

/// A ballot list that is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ballot list, line {line}: {problem}")]
pub struct BallotListError {
    /// The 1-based line (0 for the list as a whole).
    pub line: usize,
    /// What is wrong.
    pub problem: String,
}

impl BallotList {
    /// The list of `ballots`, put in receipt order.
    ///
    /// # Errors
    ///
    /// A receipt used twice.
    pub fn new(
        ballots: impl IntoIterator<Item = (Receipt, Ballot)>,
    ) -> Result<Self, BallotListError> {
        let mut ballots: Vec<(Receipt, Ballot)> = ballots.into_iter().collect();
        ballots.sort_by_key(|(receipt, _)| *receipt);
        if let Some(pair) = ballots.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(BallotListError {
                line: 0,
                problem: format!("receipt {} is used twice", pair[0].0),
            });
        }
        Ok(BallotList { ballots })
    }

    /// The ballots with their receipts, in receipt order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &(Receipt, Ballot)> {
        self.ballots.iter()
    }

    /// How many ballots.
    pub fn len(&self) -> usize {
        self.ballots.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ballots.is_empty()
    }

    /// The ballot under `receipt`.
    pub fn find(&self, receipt: &Receipt) -> Option<&Ballot> {
        self.ballots
            .binary_search_by(|(r, _)| r.cmp(receipt))
            .ok()
            .map(|i| &self.ballots[i].1)
    }

    /// The published text.
    pub fn to_text(&self) -> String {
        use fmt::Write as _;
        let mut text = String::with_capacity(16 + self.ballots.len() * 40);
        text.push_str(BALLOT_LIST_HEADER);
        text.push('\n');
        for (receipt, ballot) in &self.ballots {
            let _ = writeln!(text, "{receipt}\t{ballot}");
        }
        text
    }

    /// SHA-256 of [`BallotList::to_text`].
    pub fn digest(&self) -> Digest {
        Digest::of(self.to_text().as_bytes())
    }

    /// Reads a published list, exactly as [`BallotList::to_text`] writes it: hostile
    /// input is refused with its line, never half read.
    ///
    /// # Errors
    ///
    /// A file over [`MAX_BALLOT_LIST_BYTES`], a wrong header, a line that is not a
    /// ballot or not in its canonical spelling, or receipts out of order or repeated.
    pub fn parse(text: &str) -> Result<Self, BallotListError> {
        let fail = |line: usize, problem: String| BallotListError { line, problem };
        if text.len() > MAX_BALLOT_LIST_BYTES {
            return Err(fail(
                0,
                format!(
                    "{} bytes is more than the {MAX_BALLOT_LIST_BYTES} a list may hold",
                    text.len()
                ),
            ));
        }
        let Some(body) = text.strip_suffix('\n').or((text.is_empty()).then_some("")) else {
            return Err(fail(0, "the last line must end in a newline".to_owned()));
        };
        let mut lines = body.split('\n');
        if lines.next() != Some(BALLOT_LIST_HEADER) {
            return Err(fail(
                1,
                format!("the first line must be `{BALLOT_LIST_HEADER}`"),
            ));
        }
        let mut ballots: Vec<(Receipt, Ballot)> = Vec::new();
        for (i, line) in lines.enumerate() {
            let number = i + 2;
            let (receipt_text, ballot) = line.split_once('\t').ok_or_else(|| {
                fail(
                    number,
                    "a line is RECEIPT, tab, WEIGHT, tab, MARK".to_owned(),
                )
            })?;
            let receipt: Receipt = receipt_text
                .parse()
                .map_err(|e: ReceiptError| fail(number, e.to_string()))?;
            if receipt.to_string() != receipt_text {
                return Err(fail(number, format!("receipt must be written `{receipt}`")));
            }
            let ballot: Ballot = ballot.parse().map_err(|p| fail(number, p))?;
            if let Some((last, _)) = ballots.last()
                && *last >= receipt
            {
                return Err(fail(
                    number,
                    format!("receipt {receipt} is out of order or repeated"),
                ));
            }
            ballots.push((receipt, ballot));
        }
        Ok(BallotList { ballots })
    }
}

impl Serialize for BallotList {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_text())
    }
}

impl<'de> Deserialize<'de> for BallotList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        BallotList::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn receipt_text_sorts_as_its_bytes() {
        let a = Receipt::from_bytes([0; 15]);
        let mut high = [0; 15];
        high[0] = 1;
        let b = Receipt::from_bytes(high);
        assert_eq!(a.to_string(), "0000-0000-0000-0000-0000-0000");
        assert!(a < b && a.to_string() < b.to_string());
        assert_eq!(
            Receipt::from_bytes([255; 15]).to_string(),
            "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"
        );
    }

    #[test]
    fn receipt_parsing_names_the_problem() {
        let err = "0000-0000-0000-0000-0000-000U"
            .parse::<Receipt>()
            .unwrap_err();
        assert!(err.to_string().contains("`U`"), "{err}");
        let err = "0000".parse::<Receipt>().unwrap_err();
        assert!(err.to_string().contains("24 characters"), "{err}");
        let confusable = "OOOO-OOOO-OOOO-OOOO-OOOO-OOOl".parse::<Receipt>().unwrap();
        let mut bytes = [0; 15];
        bytes[14] = 1;
        assert_eq!(confusable, Receipt::from_bytes(bytes));
    }

    #[test]
    fn list_parsing_refuses_what_it_would_not_write() {
        let r = Receipt::from_bytes([3; 15]);
        let good = format!("andel-ballots 1\n{r}\t1\tyes\n");
        assert!(BallotList::parse(&good).is_ok());
        for (bad, problem) in [
            (format!("andel-ballots 2\n{r}\t1\tyes\n"), "first line"),
            (
                format!("andel-ballots 1\n{r}\t1.0\tyes\n"),
                "must be written `1`",
            ),
            (format!("andel-ballots 1\n{r}\t0\tyes\n"), "not positive"),
            (format!("andel-ballots 1\n{r}\t1\tmaybe\n"), "not a mark"),
            (
                format!("andel-ballots 1\n{r}\t1\trank:1,1\n"),
                "listed twice",
            ),
            (
                format!("andel-ballots 1\n{r}\t1\tyes\n{r}\t1\tno\n"),
                "out of order",
            ),
            (format!("andel-ballots 1\n{r}\t1\tyes"), "newline"),
            (
                format!(
                    "andel-ballots 1\n{}\t1\tyes\n",
                    r.to_string().to_lowercase()
                ),
                "must be written",
            ),
        ] {
            let err = BallotList::parse(&bad).unwrap_err();
            assert!(err.to_string().contains(problem), "{bad:?}: {err}");
        }
    }
}
