//! What happens in a channel: the payloads of the entries of its journal stream.

use std::collections::BTreeSet;

use andel_consent::MemberId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{ChannelKind, FileMeta, MessageId, Origin};

/// One change to a channel, as its journal stream records it. Message ids are handed
/// out by the channel when it decides a post, in order, so replaying the events gives
/// the same channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum ChannelEvent {
    /// The channel was opened by a member, with its first members.
    Opened {
        /// Its name (a direct conversation's is its members').
        name: String,
        /// Public, private or direct.
        kind: ChannelKind,
        /// Who opened it.
        #[schema(value_type = String)]
        by: MemberId,
        /// Its members from the start, `by` among them.
        #[schema(value_type = Vec<String>)]
        members: BTreeSet<MemberId>,
        /// Where it came from, when imported.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        origin: Option<Origin>,
    },
    /// A member joined.
    Joined {
        /// The member.
        #[schema(value_type = String)]
        member: MemberId,
    },
    /// A member left.
    Left {
        /// The member.
        #[schema(value_type = String)]
        member: MemberId,
    },
    /// The topic changed.
    TopicSet {
        /// The topic now (empty: none).
        topic: String,
        /// Who set it.
        #[schema(value_type = String)]
        by: MemberId,
    },
    /// A message was posted: to the channel, or in the thread of `thread`.
    Posted {
        /// Its id.
        message: MessageId,
        /// Who wrote it, and owns it.
        #[schema(value_type = String)]
        author: MemberId,
        /// Its words.
        text: String,
        /// The message whose thread it replies in.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        thread: Option<MessageId>,
        /// Whether a reply is shown in the channel too.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        broadcast: bool,
        /// The members it mentions (`<@member>` in its words).
        #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
        #[schema(value_type = Vec<String>)]
        mentions: BTreeSet<MemberId>,
        /// The files it carries, by their metadata.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        files: Vec<FileMeta>,
        /// When it was written.
        #[schema(value_type = String)]
        at: DateTime<Utc>,
        /// Where it came from, when imported.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        origin: Option<Origin>,
    },
    /// A post an import found deleted already (Slack's tombstone of a thread's first
    /// message): its place, and nothing else, so that its thread keeps its shape.
    Vanished {
        /// Its id.
        message: MessageId,
        /// Where it came from.
        origin: Origin,
    },
    /// Its author changed a message's words.
    Edited {
        /// The message.
        message: MessageId,
        /// Its author, who changed them.
        #[schema(value_type = String)]
        by: MemberId,
        /// Its words now.
        text: String,
        /// The members it mentions now.
        #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
        #[schema(value_type = Vec<String>)]
        mentions: BTreeSet<MemberId>,
        /// When.
        #[schema(value_type = String)]
        at: DateTime<Utc>,
    },
    /// Its author deleted a message. Its words are erased from the journal (the
    /// entries of its post and edits redacted) right after this is recorded; this
    /// tells readers and keeps where an imported message came from, so that importing
    /// it again does not bring it back.
    Deleted {
        /// The message.
        message: MessageId,
        /// Its author, who deleted it.
        #[schema(value_type = String)]
        by: MemberId,
        /// Where it came from, when imported.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        origin: Option<Origin>,
    },
    /// A member reacted to a message.
    Reacted {
        /// The message.
        message: MessageId,
        /// Who reacted.
        #[schema(value_type = String)]
        member: MemberId,
        /// With which emoji, by its name (`tada`).
        emoji: String,
    },
    /// A member took a reaction back.
    Unreacted {
        /// The message.
        message: MessageId,
        /// Who.
        #[schema(value_type = String)]
        member: MemberId,
        /// Which emoji.
        emoji: String,
    },
    /// A member read the channel up to a message.
    Read {
        /// The member.
        #[schema(value_type = String)]
        member: MemberId,
        /// The last message they have seen.
        up_to: MessageId,
    },
    /// What is left of an erased post: its place. Never written; the channel reads it
    /// where its journal holds a post whose payload was redacted.
    #[serde(skip)]
    PostErased,
    /// What is left of another erased entry (an edit, a reaction, a topic, a read
    /// mark): nothing. Never written.
    #[serde(skip)]
    Forgotten,
}

impl ChannelEvent {
    /// The kind of journal entry that records it.
    pub fn kind(&self) -> &'static str {
        match self {
            ChannelEvent::Opened { .. } => "chat.opened",
            ChannelEvent::Joined { .. } => "chat.joined",
            ChannelEvent::Left { .. } => "chat.left",
            ChannelEvent::TopicSet { .. } => "chat.topic-set",
            ChannelEvent::Posted { .. } | ChannelEvent::PostErased => POSTED,
            ChannelEvent::Vanished { .. } => "chat.vanished",
            ChannelEvent::Edited { .. } => "chat.edited",
            ChannelEvent::Deleted { .. } => "chat.deleted",
            ChannelEvent::Reacted { .. } => "chat.reacted",
            ChannelEvent::Unreacted { .. } => "chat.unreacted",
            ChannelEvent::Read { .. } => "chat.read",
            ChannelEvent::Forgotten => "chat.forgotten",
        }
    }

    /// What is left of an erased entry of kind `kind`: a post keeps its place, and
    /// edits, reactions, topics and read marks are forgotten; the opening and who
    /// joined and left are what the channel stands on, and are not erased.
    pub fn erased(kind: &str) -> Option<ChannelEvent> {
        match kind {
            POSTED => Some(ChannelEvent::PostErased),
            "chat.edited" | "chat.reacted" | "chat.unreacted" | "chat.topic-set" | "chat.read" => {
                Some(ChannelEvent::Forgotten)
            }
            _ => None,
        }
    }
}

/// The kind of the entry of a post.
pub const POSTED: &str = "chat.posted";
