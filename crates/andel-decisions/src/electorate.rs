//! Who may vote, with what weight and in which class: the electorate a proposal
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
    /// Their class or college, for quorums per class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
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
    /// voter's `member` number (or an `id` string), `weight` and `college`.
    ///
    /// # Errors
    ///
    /// Text that is not a roll, or whose voters do not form an electorate.
    pub fn from_roll_json(text: &str) -> Result<Self, ElectorateError> {
        #[derive(Deserialize)]
        struct Roll {
            voters: Vec<RollVoter>,
        }
        #[derive(Deserialize)]
        struct RollVoter {
            #[serde(alias = "id")]
            member: RollId,
            weight: Decimal,
            #[serde(default)]
            college: Option<String>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum RollId {
            Number(u64),
            Text(String),
        }
        if text.len() > MAX_ROLL_BYTES {
            return Err(ElectorateError::Roll {
                reason: format!("{} bytes, more than the {MAX_ROLL_BYTES} read", text.len()),
            });
        }
        let roll: Roll = serde_json::from_str(text).map_err(|err| ElectorateError::Roll {
            reason: err.to_string(),
        })?;
        let mut voters = Vec::with_capacity(roll.voters.len());
        for voter in roll.voters {
            let id = match voter.member {
                RollId::Number(n) => VoterId::new(&n.to_string())?,
                RollId::Text(text) => VoterId::new(&text)?,
            };
            voters.push(Voter {
                id,
                weight: voter.weight,
                class: voter.college,
            });
        }
        Electorate::new(voters)
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
    /// Not a voting roll.
    #[error("not a voting roll: {reason}")]
    Roll {
        /// What the parser said.
        reason: String,
    },
}
