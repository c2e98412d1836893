//! A channel as an aggregate: its state is what its journal stream's events give, and
//! a command is decided into events by a pure function, so the same stream always
//! gives the same channel, on any server.
//!
//! A message is deleted by erasing its entries (the journal's redaction), not by an
//! event: its words leave the journal, and the channel reads a [`ChannelEvent::PostErased`]
//! in its place. The message keeps its id and the replies in its thread stay where they
//! were; a deleted message that has no replies drops out of sight, as in Slack.
//!
//! ```
//! use andel_journal::Aggregate;
//! use chat::channel::{Channel, ChannelCommand, ChannelKind, MessageId};
//!
//! let at = "2027-03-01T09:00:00Z".parse()?;
//! let alva: andel_consent::MemberId = "alva".parse()?;
//! let bo: andel_consent::MemberId = "bo".parse()?;
//! let mut channel = Channel::default();
//! for command in [
//!     ChannelCommand::Open {
//!         name: "fair".into(), kind: ChannelKind::Public, by: alva.clone(), members: Default::default(),
//!     },
//!     ChannelCommand::Join { member: bo.clone() },
//!     ChannelCommand::Post {
//!         text: "Who books the hall?".into(), by: alva.clone(), thread: None, broadcast: false, files: vec![],
//!     },
//!     ChannelCommand::Post {
//!         text: "I do, <@alva>".into(), by: bo.clone(), thread: Some(MessageId(1)), broadcast: false, files: vec![],
//!     },
//!     ChannelCommand::React { message: MessageId(2), emoji: "tada".into(), by: alva.clone() },
//! ] {
//!     for event in channel.decide(command, at)? {
//!         channel.apply(&event)?;
//!     }
//! }
//! assert_eq!(channel.timeline().collect::<Vec<_>>(), [MessageId(1)]);
//! assert_eq!(channel.replies(MessageId(1)), [MessageId(2)]);
//! let reply = channel.message(MessageId(2)).and_then(|m| m.content.as_ref()).ok_or("no reply")?;
//! assert!(reply.mentions.contains(&alva));
//! assert_eq!(channel.unread(&alva), 0); // a reply in a thread is not in the channel
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod apply;
mod command;
mod event;
mod import;
mod refusal;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use andel_consent::MemberId;
use andel_journal::Aggregate;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use command::ChannelCommand;
pub use event::{ChannelEvent, POSTED};
pub use import::{ImportPlan, PlannedMessage};
pub use refusal::{Invalid, Refusal};

/// The longest message, in bytes (Slack's limit is 40,000 characters).
pub const MAX_TEXT: usize = 40_000;
/// The longest channel name, topic, emoji name, file name or address, in bytes.
pub const MAX_NAME: usize = 1024;
/// The most files one message carries.
pub const MAX_FILES: usize = 100;

/// A message in a channel: a number the channel hands out in order, from 1.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(transparent)]
pub struct MessageId(pub u32);

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Where something in a channel came from, when it was imported:
/// `slack:C024BE91L:1736478514.897649`. Importing the same thing again finds it by its
/// origin and adds nothing.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(transparent)]
pub struct Origin(pub String);

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who may be in a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ChannelKind {
    /// Any member of the co-op may join.
    Public,
    /// Members join when a member of it adds them.
    Private,
    /// A conversation between the members it was opened with, and no one else.
    Direct,
}

/// A file a message carries, by its metadata; the file itself is kept elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileMeta {
    /// Its name.
    pub name: String,
    /// Its media type (`image/png`), when known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub media_type: String,
    /// Its size in bytes, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Where it is kept, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A channel: its members, its messages in order, their threads and reactions, and
/// how far each member has read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Channel {
    head: Option<Head>,
    last_id: u32,
    messages: BTreeMap<MessageId, Message>,
    /// The messages in the channel itself: posts that are not replies, replies shown in
    /// the channel too, and deleted posts whose threads have replies.
    timeline: BTreeSet<MessageId>,
    read: BTreeMap<MemberId, MessageId>,
    /// What was imported, by origin: the id it got here.
    origins: BTreeMap<Origin, MessageId>,
}

/// What a channel is, once opened.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Head {
    name: String,
    kind: ChannelKind,
    opened_by: MemberId,
    topic: String,
    members: BTreeSet<MemberId>,
    origin: Option<Origin>,
}

/// A message, its thread and its reactions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// What it says and who wrote it; `None` once it was deleted.
    pub content: Option<Content>,
    /// The message whose thread it is in (`None` in the channel itself, or deleted).
    pub thread: Option<MessageId>,
    /// The replies in its thread, in order.
    pub replies: Vec<MessageId>,
    /// Its reactions: each emoji and who reacted with it.
    pub reactions: BTreeMap<String, BTreeSet<MemberId>>,
}

/// What a message that was not deleted says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    /// Who wrote it, and owns it.
    pub author: MemberId,
    /// Its words now.
    pub text: String,
    /// When it was written.
    pub at: DateTime<Utc>,
    /// Its earlier words, oldest first, each with when it was replaced.
    pub history: Vec<(String, DateTime<Utc>)>,
    /// The members it mentions.
    pub mentions: BTreeSet<MemberId>,
    /// The files it carries.
    pub files: Vec<FileMeta>,
    /// Whether a reply is shown in the channel too.
    pub broadcast: bool,
}

impl Channel {
    /// Its name, once opened.
    pub fn name(&self) -> Option<&str> {
        self.head.as_ref().map(|head| head.name.as_str())
    }

    /// Public, private or direct, once opened.
    pub fn kind(&self) -> Option<ChannelKind> {
        self.head.as_ref().map(|head| head.kind)
    }

    /// Who opened it.
    pub fn opened_by(&self) -> Option<&MemberId> {
        self.head.as_ref().map(|head| &head.opened_by)
    }

    /// Where it came from, when imported.
    pub fn origin(&self) -> Option<&Origin> {
        self.head.as_ref()?.origin.as_ref()
    }

    /// The message imported from `origin`, if any.
    pub fn imported(&self, origin: &Origin) -> Option<MessageId> {
        self.origins.get(origin).copied()
    }

    /// Its topic (empty: none).
    pub fn topic(&self) -> &str {
        self.head.as_ref().map_or("", |head| head.topic.as_str())
    }

    /// Its members.
    pub fn members(&self) -> impl Iterator<Item = &MemberId> {
        self.head.iter().flat_map(|head| head.members.iter())
    }

    /// Whether `member` is in it.
    pub fn has_member(&self, member: &MemberId) -> bool {
        self.head
            .as_ref()
            .is_some_and(|head| head.members.contains(member))
    }

    /// A message, deleted or not.
    pub fn message(&self, id: MessageId) -> Option<&Message> {
        self.messages.get(&id)
    }

    /// Every message, in order, deleted ones included.
    pub fn messages(&self) -> impl Iterator<Item = (MessageId, &Message)> {
        self.messages.iter().map(|(id, message)| (*id, message))
    }

    /// The messages shown in the channel itself, in order.
    pub fn timeline(&self) -> impl Iterator<Item = MessageId> + '_ {
        self.timeline.iter().copied()
    }

    /// The replies in a message's thread, in order (none for a message without one).
    pub fn replies(&self, root: MessageId) -> &[MessageId] {
        self.messages
            .get(&root)
            .map_or(&[], |message| message.replies.as_slice())
    }

    /// The last message `member` has read, if any.
    pub fn read_up_to(&self, member: &MemberId) -> Option<MessageId> {
        self.read.get(member).copied()
    }

    /// How many messages in the channel itself `member` has not read: those after their
    /// read mark that others wrote and that were not deleted.
    pub fn unread(&self, member: &MemberId) -> usize {
        let after = self.read.get(member).copied().unwrap_or(MessageId(0));
        self.timeline
            .range(MessageId(after.0.saturating_add(1))..)
            .filter_map(|id| self.messages.get(id)?.content.as_ref())
            .filter(|content| &content.author != member)
            .count()
    }

    /// The id the next post gets.
    fn next_id(&self) -> Result<MessageId, Refusal> {
        self.last_id
            .checked_add(1)
            .map(MessageId)
            .ok_or(Refusal::Full { max: u32::MAX })
    }

    fn head(&self) -> Result<&Head, Refusal> {
        self.head.as_ref().ok_or(Refusal::NotOpened)
    }

    fn member(&self, member: &MemberId) -> Result<&Head, Refusal> {
        let head = self.head()?;
        match head.members.contains(member) {
            true => Ok(head),
            false => Err(Refusal::NotAMember {
                member: member.clone(),
            }),
        }
    }

    /// A message that was not deleted.
    fn live(&self, message: MessageId) -> Result<(&Message, &Content), Refusal> {
        let found = self
            .messages
            .get(&message)
            .ok_or(Refusal::UnknownMessage { message })?;
        let content = found.content.as_ref().ok_or(Refusal::Deleted { message })?;
        Ok((found, content))
    }

    /// Decides a command on an open channel: one event, or none when there is nothing
    /// to change.
    fn decide_open(
        &self,
        command: ChannelCommand,
        at: DateTime<Utc>,
    ) -> Result<Option<ChannelEvent>, Refusal> {
        use ChannelCommand as C;
        use ChannelEvent as E;
        let head = self.head()?;
        Ok(Some(match command {
            C::Open { .. } | C::Import(_) => return Err(Refusal::AlreadyOpened),
            C::Join { member } => {
                if head.kind == ChannelKind::Direct {
                    return Err(Refusal::DirectIsClosed);
                }
                if head.members.contains(&member) {
                    return Ok(None);
                }
                E::Joined { member }
            }
            C::Leave { member } => {
                self.member(&member)?;
                if head.kind == ChannelKind::Direct {
                    return Err(Refusal::DirectIsClosed);
                }
                E::Left { member }
            }
            C::SetTopic { topic, by } => {
                self.member(&by)?;
                E::TopicSet {
                    topic: text("topic", topic.trim(), MAX_NAME, true)?,
                    by,
                }
            }
            C::Post {
                text,
                by,
                thread,
                broadcast,
                files,
            } => {
                self.member(&by)?;
                if let Some(root) = thread {
                    let (message, _) = self.live(root)?;
                    if let Some(parent) = message.thread {
                        return Err(Refusal::NestedThread {
                            message: root,
                            root: parent,
                        });
                    }
                }
                let text = self::text("message", &text, MAX_TEXT, !files.is_empty())?;
                E::Posted {
                    message: self.next_id()?,
                    mentions: mentions(&text),
                    author: by,
                    text,
                    broadcast: broadcast && thread.is_some(),
                    thread,
                    files: self::files(files)?,
                    at,
                    origin: None,
                }
            }
            C::Edit { message, text, by } => {
                let (_, content) = self.live(message)?;
                if content.author != by {
                    return Err(Refusal::NotTheAuthor {
                        message,
                        member: by,
                    });
                }
                let empty_ok = !content.files.is_empty();
                let text = self::text("message", &text, MAX_TEXT, empty_ok)?;
                if text == content.text {
                    return Ok(None);
                }
                E::Edited {
                    message,
                    by: content.author.clone(),
                    mentions: mentions(&text),
                    text,
                    at,
                }
            }
            C::Delete { message, by } => {
                let found = self
                    .messages
                    .get(&message)
                    .ok_or(Refusal::UnknownMessage { message })?;
                let Some(content) = &found.content else {
                    return Ok(None);
                };
                if content.author != by {
                    return Err(Refusal::NotTheAuthor {
                        message,
                        member: by,
                    });
                }
                let origin = self
                    .origins
                    .iter()
                    .find(|(_, id)| **id == message)
                    .map(|(origin, _)| origin.clone());
                E::Deleted {
                    message,
                    by,
                    origin,
                }
            }
            C::React { message, emoji, by } => {
                self.member(&by)?;
                let (found, _) = self.live(message)?;
                let emoji = self::emoji(emoji)?;
                if found
                    .reactions
                    .get(&emoji)
                    .is_some_and(|who| who.contains(&by))
                {
                    return Ok(None);
                }
                E::Reacted {
                    message,
                    member: by,
                    emoji,
                }
            }
            C::Unreact { message, emoji, by } => {
                let found = self
                    .messages
                    .get(&message)
                    .ok_or(Refusal::UnknownMessage { message })?;
                if !found
                    .reactions
                    .get(&emoji)
                    .is_some_and(|who| who.contains(&by))
                {
                    return Ok(None);
                }
                E::Unreacted {
                    message,
                    member: by,
                    emoji,
                }
            }
            C::MarkRead { up_to, by } => {
                self.member(&by)?;
                if !self.messages.contains_key(&up_to) {
                    return Err(Refusal::UnknownMessage { message: up_to });
                }
                if self.read.get(&by).is_some_and(|read| *read >= up_to) {
                    return Ok(None);
                }
                E::Read { member: by, up_to }
            }
        }))
    }
}

impl Aggregate for Channel {
    type Command = ChannelCommand;
    type Event = ChannelEvent;
    type At = DateTime<Utc>;
    type Rejection = Refusal;
    type Invalid = Invalid;

    fn decide(
        &self,
        command: ChannelCommand,
        at: DateTime<Utc>,
    ) -> Result<Vec<ChannelEvent>, Refusal> {
        if let ChannelCommand::Open {
            name,
            kind,
            by,
            mut members,
        } = command
        {
            if self.head.is_some() {
                return Err(Refusal::AlreadyOpened);
            }
            members.insert(by.clone());
            if kind == ChannelKind::Direct && members.len() < 2 {
                return Err(Refusal::DirectAlone { by });
            }
            let name = text("channel name", name.trim(), MAX_NAME, false)?;
            return Ok(vec![ChannelEvent::Opened {
                name,
                kind,
                by,
                members,
                origin: None,
            }]);
        }
        if let ChannelCommand::Import(plan) = command {
            return self.decide_import(*plan);
        }
        Ok(self.decide_open(command, at)?.into_iter().collect())
    }

    fn apply(&mut self, event: &ChannelEvent) -> Result<(), Invalid> {
        self.apply_event(event)
    }

    fn kind(event: &ChannelEvent) -> &'static str {
        event.kind()
    }

    fn erased(kind: &str) -> Option<ChannelEvent> {
        ChannelEvent::erased(kind)
    }
}

/// Checks a text: not empty unless `empty_ok`, at most `max` bytes, no control
/// characters but line breaks and tabs.
pub(crate) fn text(
    what: &'static str,
    text: &str,
    max: usize,
    empty_ok: bool,
) -> Result<String, Refusal> {
    if text.trim().is_empty() && !empty_ok {
        return Err(Refusal::Empty { what });
    }
    if text.len() > max {
        return Err(Refusal::TooLong {
            what,
            len: text.len(),
            max,
        });
    }
    let shown = |c: char| !c.is_control() || c == '\n' || c == '\t';
    if !text.chars().all(shown) {
        return Err(Refusal::Control { what });
    }
    Ok(text.to_owned())
}

/// Checks an emoji's name: 1 to 64 bytes, no spaces, colons or control characters.
pub(crate) fn emoji(emoji: String) -> Result<String, Refusal> {
    let fits = (1..=64).contains(&emoji.len())
        && !emoji
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == ':');
    match fits {
        true => Ok(emoji),
        false => Err(Refusal::Emoji { emoji }),
    }
}

/// Checks the files a message carries.
pub(crate) fn files(files: Vec<FileMeta>) -> Result<Vec<FileMeta>, Refusal> {
    if files.len() > MAX_FILES {
        return Err(Refusal::TooMany {
            what: "files",
            count: files.len(),
            max: MAX_FILES,
        });
    }
    for file in &files {
        text("file name", &file.name, MAX_NAME, false)?;
        text("file's media type", &file.media_type, MAX_NAME, true)?;
        if let Some(url) = &file.url {
            text("file's address", url, MAX_NAME, false)?;
        }
    }
    Ok(files)
}

/// The members a message's words mention: each `<@member>` (or `<@member|label>`, as
/// Slack writes them) whose member id is valid.
pub fn mentions(text: &str) -> BTreeSet<MemberId> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find("<@") {
        rest = &rest[start + 2..];
        let Some(end) = rest.find('>') else { break };
        let inside = &rest[..end];
        let id = inside.split('|').next().unwrap_or(inside);
        if let Ok(member) = id.parse() {
            found.insert(member);
        }
        rest = &rest[end + 1..];
    }
    found
}
