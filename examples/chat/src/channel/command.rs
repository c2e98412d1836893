//! What members ask of a channel.

use std::collections::BTreeSet;

use andel_consent::MemberId;

use super::{ChannelKind, FileMeta, ImportPlan, MessageId};

/// A request to change a channel; the channel decides it into events, or refuses it
/// with a [`Refusal`](super::Refusal) that says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelCommand {
    /// Open the channel.
    Open {
        /// Its name.
        name: String,
        /// Public, private or direct.
        kind: ChannelKind,
        /// Who opens it; a member of it from the start.
        by: MemberId,
        /// Who else is in it from the start.
        members: BTreeSet<MemberId>,
    },
    /// A member joins (nothing happens when they are in already).
    Join {
        /// The member.
        member: MemberId,
    },
    /// A member leaves.
    Leave {
        /// The member.
        member: MemberId,
    },
    /// A member sets the topic.
    SetTopic {
        /// The topic (empty: none).
        topic: String,
        /// Who.
        by: MemberId,
    },
    /// A member posts a message, to the channel or in a thread.
    Post {
        /// Its words.
        text: String,
        /// Who writes it.
        by: MemberId,
        /// The message whose thread it replies in.
        thread: Option<MessageId>,
        /// Whether a reply is shown in the channel too.
        broadcast: bool,
        /// Files it carries, by their metadata.
        files: Vec<FileMeta>,
    },
    /// The author changes a message's words.
    Edit {
        /// The message.
        message: MessageId,
        /// Its words now.
        text: String,
        /// Who asks; only the author may.
        by: MemberId,
    },
    /// The author deletes a message (nothing happens when it is deleted already).
    Delete {
        /// The message.
        message: MessageId,
        /// Who asks; only the author may.
        by: MemberId,
    },
    /// A member reacts to a message (nothing happens when they have with that emoji).
    React {
        /// The message.
        message: MessageId,
        /// The emoji's name (`tada`).
        emoji: String,
        /// Who.
        by: MemberId,
    },
    /// A member takes a reaction back (nothing happens when they had none).
    Unreact {
        /// The message.
        message: MessageId,
        /// The emoji's name.
        emoji: String,
        /// Who.
        by: MemberId,
    },
    /// A member has read up to a message (nothing happens when they had read further).
    MarkRead {
        /// The last message they have seen.
        up_to: MessageId,
        /// Who.
        by: MemberId,
    },
    /// Bring in a channel from elsewhere: open it if need be, and add the members,
    /// messages and reactions of the plan it does not hold yet.
    Import(Box<ImportPlan>),
}
