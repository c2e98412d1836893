//! What names a channel and who acts on it, and why a use case fails.

#[allow(clippy::wildcard_imports)]
use super::*;

/// A channel's id: 1 to 32 lowercase letters, digits and dashes, chosen at random when
/// a channel is opened (`3f9c0a17d2e4b6a8`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ChannelId(String);

impl ChannelId {
    /// A new random id.
    ///
    /// # Errors
    ///
    /// When the system has no randomness to give.
    pub fn random() -> Result<Self, ChatError> {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).map_err(|err| refused(err.to_string()))?;
        Ok(ChannelId(
            bytes.iter().map(|b| format!("{b:02x}")).collect(),
        ))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The channel's journal stream.
    ///
    /// # Errors
    ///
    /// Never for a valid id; the journal's own check still runs.
    pub fn stream(&self) -> Result<StreamId, ChatError> {
        StreamId::new(format!("{CHANNEL_PREFIX}{}", self.0))
            .map_err(|err| ChatError::from(ServiceError::from(err)))
    }
}

impl FromStr for ChannelId {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let ok = !text.is_empty()
            && text.len() <= 32
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        match ok {
            true => Ok(ChannelId(text.to_owned())),
            false => Err(format!(
                "`{text}` is not a channel id: 1 to 32 lowercase letters, digits and dashes"
            )),
        }
    }
}

impl TryFrom<String> for ChannelId {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        text.parse()
    }
}

impl From<ChannelId> for String {
    fn from(id: ChannelId) -> String {
        id.0
    }
}

impl fmt::Display for ChannelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a chat use case did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    /// No channel with that id in this co-op.
    #[error("there is no channel `{channel}` in this co-op")]
    NoChannel {
        /// The id asked for.
        channel: ChannelId,
    },
    /// The co-op's data policy does not allow it; the decision is in the audit journal.
    #[error("{explanation}")]
    Denied {
        /// The decision's own sentence.
        explanation: String,
    },
    /// A member the co-op does not hold as admitted.
    #[error("there is no admitted member {member} in this co-op")]
    NotInCoop {
        /// The member asked for.
        member: MemberId,
    },
    /// The channel refused the change.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The channel's stream holds an entry that is not a channel event.
    #[error("channel `{channel}` cannot be read: {reason}")]
    Broken {
        /// The channel.
        channel: ChannelId,
        /// What is wrong.
        reason: String,
    },
    /// The application layer or the store failed.
    #[error(transparent)]
    Service(Box<ServiceError>),
}

impl From<ServiceError> for ChatError {
    fn from(err: ServiceError) -> Self {
        ChatError::Service(Box::new(err))
    }
}

impl ChatError {
    pub(super) fn stored(channel: &ChannelId, err: StoredError<Refusal, Invalid>) -> Self {
        match err {
            StoredError::Decide(refusal) => ChatError::Refused(refusal),
            StoredError::Store(err) => ChatError::from(ServiceError::from(err)),
            other => ChatError::Broken {
                channel: channel.clone(),
                reason: other.to_string(),
            },
        }
    }
}

pub(super) fn refused(reason: String) -> ChatError {
    ChatError::from(ServiceError::Refused(reason))
}

/// What a member does, and when: the member, and the time by the service's clock.
#[derive(Debug, Clone)]
pub struct Actor {
    /// Who.
    pub member: MemberId,
    /// When.
    pub at: Timestamp,
}

impl Actor {
    pub(super) fn author(&self) -> Option<AuthorId> {
        AuthorId::new(format!("member.{}", self.member)).ok()
    }

    pub(super) fn now(&self) -> DateTime<Utc> {
        self.at.as_datetime()
    }
}
