//! Who may vote, with what weight and in which college: the electorate a proposal
//! snapshots when it opens.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A voter's identifier: a member number, or any name of 1 to 64 printable characters
/// the embedding service uses.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VoterId(Arc<str>);

impl VoterId {
    /// A voter id.
    ///
    /// # Errors
    ///
    /// An id that is empty, longer than 64 bytes or holds control characters.
    pub fn new(id: &str) -> Result<Self, ElectorateError> {
        if (1..=64).contains(&id.len()) && !id.chars().any(char::is_control) {
            Ok(VoterId(Arc::from(id)))
        } else {
            Err(ElectorateError::Id { id: id.to_owned() })
        }
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for VoterId {
    type Error = ElectorateError;
    fn try_from(id: String) -> Result<Self, ElectorateError> {
        VoterId::new(&id)
    }
}

impl From<VoterId> for String {
    fn from(id: VoterId) -> String {
        id.0.to_string()
    }
}

impl std::str::FromStr for VoterId {
    type Err = ElectorateError;
    fn from_str(id: &str) -> Result<Self, ElectorateError> {
        VoterId::new(id)
    }
}

impl fmt::Display for VoterId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One voter of an electorate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voter {
    /// Who.
    pub id: VoterId,
    /// Their vote's weight: 1 for one member one vote.
    pub weight: Decimal,
    /// Their voting college (the ledger's roll calls it so too), for quorums per
    /// college. Read also as `class`, as electorates recorded before were written.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "class")]
    pub college: Option<String>,
}

/// The voters of a decision, each once, with positive weights. Anyone can build one; the
/// membership ledger's voting roll reads straight in ([`Electorate::from_roll_json`]).
///
/// ```
/// use andel_decisions::Electorate;
///
/// let roll = r#"{"as_of":"2027-05-01","rule":"colleges","total_weight":"100","voters":[
///     {"member":1,"name":"Ada","college":"workers","weight":"60"},
///     {"member":2,"name":"Bo","college":"users","weight":"40"}]}"#;
/// let electorate = Electorate::from_roll_json(roll)?;
/// assert_eq!(electorate.len(), 2);
/// assert_eq!(electorate.weight_of(&"1".parse()?), Some("60".parse()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Voter>", into = "Vec<Voter>")]
pub struct Electorate {
    voters: BTreeMap<VoterId, Voter>,
    total: Decimal,
}

/// The largest roll file read.
pub const MAX_ROLL_BYTES: usize = 256 << 20;

/// The most bytes an electorate takes serialized: what a journal payload holds
/// ([`andel_journal::MAX_PAYLOAD_BYTES`], 4 MiB) less 64 KiB for the rest of the event
/// that records it. About 150,000 voters of one member one vote.
pub const MAX_ELECTORATE_BYTES: usize = andel_journal::MAX_PAYLOAD_BYTES - (64 << 10);

impl Electorate {
    /// An electorate of `voters`.
    ///
    /// # Errors
    ///
    /// A voter listed twice, or a weight that is not positive.
    pub fn new(voters: impl IntoIterator<Item = Voter>) -> Result<Self, ElectorateError> {
        let mut map = BTreeMap::new();
        let mut total = Decimal::ZERO;
        for voter in voters {
            if voter.weight <= Decimal::ZERO {
                return Err(ElectorateError::Weight {
                    id: voter.id,
                    weight: voter.weight,
                });
            }
            total = total
                .checked_add(voter.weight)
                .ok_or(ElectorateError::Overflow)?;
            let id = voter.id.clone();
            if map.insert(id.clone(), voter).is_some() {
                return Err(ElectorateError::Twice { id });
            }
        }
        Ok(Electorate { voters: map, total })
    }

    /// Reads the JSON voting roll of `andel-ledger` (`andel ledger roll --json`): each
    /// voter's `member` number (or an `id` string), `weight` and `college` (a `name` and
    /// `representative` are read past).
    ///
    /// The roll's head is checked when present: `as_of` must be a date, `rule` one the
    /// ledger writes (`one-member-one-vote`, `colleges`), and `total_weight` the sum of
    /// the voters' weights. Unknown fields are refused, at the top and in a voter. The
    /// voters are read one at a time into the electorate (no copy of the whole roll),
    /// and reading stops as soon as the electorate would be too large to record: its
    /// serialized form must fit a journal payload ([`MAX_ELECTORATE_BYTES`]).
    ///
    /// # Errors
    ///
    /// Text that is not a roll, a roll of no voters, a head that disagrees with the
    /// voters, or voters that do not form an electorate or are too many to record.
    pub fn from_roll_json(text: &str) -> Result<Self, ElectorateError> {
        if text.len() > MAX_ROLL_BYTES {
            return Err(ElectorateError::Roll {
                reason: format!("{} bytes, more than the {MAX_ROLL_BYTES} read", text.len()),
            });
        }
        let mut reader = roll::Reader::default();
        let mut de = serde_json::Deserializer::from_str(text);
        let read =
            serde::de::DeserializeSeed::deserialize(&mut reader, &mut de).and_then(|()| de.end());
        if let Some(err) = reader.failed.take() {
            return Err(err);
        }
        read.map_err(|err| ElectorateError::Roll {
            reason: err.to_string(),
        })?;
        reader.finish()
    }

    /// The voters, by id.
    pub fn voters(&self) -> impl Iterator<Item = &Voter> {
        self.voters.values()
    }

    /// The voter `id`, if in the electorate.
    pub fn voter(&self, id: &VoterId) -> Option<&Voter> {
        self.voters.get(id)
    }

    /// Voter `id`'s weight, if in the electorate.
    pub fn weight_of(&self, id: &VoterId) -> Option<Decimal> {
        self.voters.get(id).map(|v| v.weight)
    }

    /// Whether `id` may vote.
    pub fn contains(&self, id: &VoterId) -> bool {
        self.voters.contains_key(id)
    }

    /// The number of voters.
    pub fn len(&self) -> usize {
        self.voters.len()
    }

    /// Whether nobody may vote.
    pub fn is_empty(&self) -> bool {
        self.voters.is_empty()
    }

    /// The sum of all weights.
    pub fn total_weight(&self) -> Decimal {
        self.total
    }
}

impl TryFrom<Vec<Voter>> for Electorate {
    type Error = ElectorateError;
    fn try_from(voters: Vec<Voter>) -> Result<Self, ElectorateError> {
        Electorate::new(voters)
    }
}

impl From<Electorate> for Vec<Voter> {
    fn from(electorate: Electorate) -> Vec<Voter> {
        electorate.voters.into_values().collect()
    }
}

/// An electorate that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ElectorateError {
    /// Not a voter id.
    #[error("`{id}` is not a voter id: use 1 to 64 printable characters")]
    Id {
        /// The text.
        id: String,
    },
    /// A voter listed twice.
    #[error("voter `{id}` is listed twice")]
    Twice {
        /// The voter.
        id: VoterId,
    },
    /// A weight that is not positive.
    #[error("voter `{id}` has weight `{weight}`; weights are positive")]
    Weight {
        /// The voter.
        id: VoterId,
        /// The weight.
        weight: Decimal,
    },
    /// Weights too large to add exactly.
    #[error("the weights are too large to add exactly")]
    Overflow,
    /// A roll whose electorate could not be recorded.
    #[error(
        "the roll's electorate would take more than {max} bytes to record (a journal payload's limit), passed at voter {voters}: split the vote or record fewer voters"
    )]
    TooLarge {
        /// The voters read when the limit was passed.
        voters: usize,
        /// The limit.
        max: usize,
    },
    /// A roll with no voters.
    #[error("the roll lists no voters")]
    NoVoters,
    /// A roll whose stated total is not the sum of its voters' weights.
    #[error("the roll's total_weight `{stated}` is not the sum of the voters' weights, {sum}")]
    TotalWeight {
        /// The `total_weight` the roll states.
        stated: Decimal,
        /// The sum of the voters' weights.
        sum: Decimal,
    },
    /// Not a voting roll.
    #[error("not a voting roll: {reason}")]
    Roll {
        /// What the parser said.
        reason: String,
    },
}

/// Reading a roll one voter at a time, straight into the electorate.
mod roll {
    use std::collections::BTreeMap;
    use std::fmt;

    use rust_decimal::Decimal;
    use serde::Deserialize;
    use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

    use super::{Electorate, ElectorateError, MAX_ELECTORATE_BYTES, Voter, VoterId};

    /// The rules a roll's `rule` may name, as the ledger writes them (and the older
    /// spelling of the first).
    const RULES: [&str; 3] = ["one-member-one-vote", "one_member_one_vote", "colleges"];

    /// The voters read so far, the head's claims, and the first error that is not the
    /// parser's (kept apart so its variant reaches the caller).
    #[derive(Default)]
    pub(super) struct Reader {
        voters: BTreeMap<VoterId, Voter>,
        total: Decimal,
        /// The bytes the electorate takes serialized, so far.
        bytes: usize,
        stated_total: Option<Decimal>,
        saw_voters: bool,
        pub(super) failed: Option<ElectorateError>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RollVoter {
        #[serde(alias = "id")]
        member: RollId,
        weight: Decimal,
        #[serde(default)]
        college: Option<String>,
        #[serde(default)]
        #[allow(dead_code)]
        name: Option<IgnoredAny>,
        #[serde(default)]
        #[allow(dead_code)]
        representative: Option<IgnoredAny>,
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum RollId {
        Number(u64),
        Text(String),
    }

    impl Reader {
        /// Fails the read with `err`, kept for the caller.
        fn fail<E: de::Error>(&mut self, err: ElectorateError) -> E {
            let said = E::custom(&err);
            self.failed = Some(err);
            said
        }

        fn add<E: de::Error>(&mut self, voter: RollVoter) -> Result<(), E> {
            let id = match voter.member {
                RollId::Number(n) => VoterId::new(&n.to_string()),
                RollId::Text(text) => VoterId::new(&text),
            }
            .map_err(|err| self.fail(err))?;
            if voter.weight <= Decimal::ZERO {
                return Err(self.fail(ElectorateError::Weight {
                    id,
                    weight: voter.weight,
                }));
            }
            self.total = match self.total.checked_add(voter.weight) {
                Some(total) => total,
                None => return Err(self.fail(ElectorateError::Overflow)),
            };
            // `{"id":"…","weight":"…","college":"…"},` as the electorate is recorded.
            let escaped = |text: &str| text.len() + text.matches(['"', '\\']).count();
            let mut digits = DigitCount(0);
            let _ = fmt::Write::write_fmt(&mut digits, format_args!("{}", voter.weight));
            self.bytes += 22
                + escaped(id.as_str())
                + digits.0
                + voter.college.as_deref().map_or(0, |c| 13 + escaped(c));
            if self.bytes > MAX_ELECTORATE_BYTES {
                let voters = self.voters.len() + 1;
                return Err(self.fail(ElectorateError::TooLarge {
                    voters,
                    max: MAX_ELECTORATE_BYTES,
                }));
            }
            let entry = Voter {
                id: id.clone(),
                weight: voter.weight,
                college: voter.college,
            };
            if self.voters.insert(id.clone(), entry).is_some() {
                return Err(self.fail(ElectorateError::Twice { id }));
            }
            Ok(())
        }

        pub(super) fn finish(self) -> Result<Electorate, ElectorateError> {
            if !self.saw_voters {
                return Err(ElectorateError::Roll {
                    reason: "missing field `voters`".to_owned(),
                });
            }
            if self.voters.is_empty() {
                return Err(ElectorateError::NoVoters);
            }
            if let Some(stated) = self.stated_total
                && stated != self.total
            {
                return Err(ElectorateError::TotalWeight {
                    stated,
                    sum: self.total,
                });
            }
            Ok(Electorate {
                voters: self.voters,
                total: self.total,
            })
        }
    }

    impl<'de> DeserializeSeed<'de> for &mut Reader {
        type Value = ();

        fn deserialize<D: de::Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
            de.deserialize_map(self)
        }
    }

    impl<'de> Visitor<'de> for &mut Reader {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a voting roll: an object with `voters`")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                match &*key {
                    "voters" => {
                        self.saw_voters = true;
                        map.next_value_seed(Voters(&mut *self))?;
                    }
                    "as_of" => {
                        let text: std::borrow::Cow<'de, str> = map.next_value()?;
                        if text.parse::<chrono::NaiveDate>().is_err() {
                            return Err(de::Error::custom(format!(
                                "`as_of` is `{text}`, not a date such as `2027-04-30`"
                            )));
                        }
                    }
                    "rule" => {
                        let rule: std::borrow::Cow<'de, str> = map.next_value()?;
                        if !RULES.contains(&&*rule) {
                            return Err(de::Error::unknown_variant(&rule, &RULES));
                        }
                    }
                    "total_weight" => {
                        let stated: Decimal = map.next_value()?;
                        if stated <= Decimal::ZERO {
                            return Err(de::Error::custom(format!(
                                "the roll's total_weight `{stated}` is not positive"
                            )));
                        }
                        self.stated_total = Some(stated);
                    }
                    other => {
                        return Err(de::Error::unknown_field(
                            other,
                            &["as_of", "rule", "total_weight", "voters"],
                        ));
                    }
                }
            }
            Ok(())
        }
    }

    /// Counts what is written to it, to size a weight without allocating.
    struct DigitCount(usize);

    impl fmt::Write for DigitCount {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.0 += s.len();
            Ok(())
        }
    }

    /// The `voters` array, read one voter at a time.
    struct Voters<'r>(&'r mut Reader);

    impl<'de> DeserializeSeed<'de> for Voters<'_> {
        type Value = ();

        fn deserialize<D: de::Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
            de.deserialize_seq(self)
        }
    }

    impl<'de> Visitor<'de> for Voters<'_> {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of voters")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while let Some(voter) = seq.next_element::<RollVoter>()? {
                self.0.add(voter)?;
            }
            Ok(())
        }
    }
}
