//! Why a channel refuses a command, and why an event cannot be applied.

use andel_consent::MemberId;

use super::MessageId;

/// Why a channel refuses a command: each names what was wrong, and with which id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The channel has not been opened.
    #[error("there is no such channel; open it first")]
    NotOpened,
    /// The channel is open already.
    #[error("the channel is open already")]
    AlreadyOpened,
    /// No such message in the channel.
    #[error("there is no message {message} in this channel")]
    UnknownMessage {
        /// The id asked for.
        message: MessageId,
    },
    /// The message was deleted.
    #[error("message {message} was deleted")]
    Deleted {
        /// The message.
        message: MessageId,
    },
    /// A reply to a reply: threads are one level deep.
    #[error("message {message} is a reply in the thread of message {root}; reply in that thread")]
    NestedThread {
        /// The reply replied to.
        message: MessageId,
        /// Its thread.
        root: MessageId,
    },
    /// Only a channel's members post, react and read in it.
    #[error("member {member} is not in this channel; join it first")]
    NotAMember {
        /// The member.
        member: MemberId,
    },
    /// Only its author edits a message.
    #[error("member {member} did not write message {message}; only its author changes it")]
    NotTheAuthor {
        /// The message.
        message: MessageId,
        /// Who asked.
        member: MemberId,
    },
    /// A direct conversation keeps the members it was opened with.
    #[error("a direct conversation keeps the members it was opened with")]
    DirectIsClosed,
    /// A direct conversation is between at least two members.
    #[error("a direct conversation needs another member besides {by}")]
    DirectAlone {
        /// Who opened it.
        by: MemberId,
    },
    /// Something that must be written was left empty.
    #[error("the {what} is empty")]
    Empty {
        /// What.
        what: &'static str,
    },
    /// Something too long.
    #[error("the {what} is {len} bytes long; at most {max} are allowed")]
    TooLong {
        /// What.
        what: &'static str,
        /// Its length.
        len: usize,
        /// The most allowed.
        max: usize,
    },
    /// Control characters (other than line breaks and tabs) in a text.
    #[error("the {what} holds control characters")]
    Control {
        /// What.
        what: &'static str,
    },
    /// Too many of something.
    #[error("{count} {what} is too many; at most {max} are allowed")]
    TooMany {
        /// What.
        what: &'static str,
        /// How many were given.
        count: usize,
        /// The most allowed.
        max: usize,
    },
    /// An emoji name with spaces, colons or control characters.
    #[error("`{emoji}` is not an emoji name (as `tada` or `+1`)")]
    Emoji {
        /// The name given.
        emoji: String,
    },
    /// An import plan that does not fit the channel.
    #[error("the import does not fit the channel: {reason}")]
    Plan {
        /// What does not fit.
        reason: String,
    },
    /// The channel holds as many messages as it may.
    #[error("the channel holds {max} messages already, the most it may")]
    Full {
        /// The most.
        max: u32,
    },
}

/// An event that does not fit the channel it is applied to: a journal edited by hand,
/// or one from another program.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);
