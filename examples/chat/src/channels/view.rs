//! Channels and their messages as a member may see them, and entries as a follower
//! receives them.

#[allow(clippy::wildcard_imports)]
use super::*;

/// A channel in the list of a member's channels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ChannelSummary {
    /// Its id.
    #[schema(value_type = String)]
    pub id: ChannelId,
    /// Its name.
    pub name: String,
    /// Public, private or direct.
    pub kind: ChannelKind,
    /// Its topic.
    pub topic: String,
    /// Whether the member is in it (a public channel is listed to everyone).
    pub joined: bool,
    /// How many messages in it the member has not read.
    pub unread: usize,
}

/// A channel as a member may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ChannelView {
    /// Its id.
    #[schema(value_type = String)]
    pub id: ChannelId,
    /// Its name.
    pub name: String,
    /// Public, private or direct.
    pub kind: ChannelKind,
    /// Its topic.
    pub topic: String,
    /// Its members.
    #[schema(value_type = Vec<String>)]
    pub members: Vec<MemberId>,
    /// The messages in the channel itself, in order.
    pub timeline: Vec<MessageId>,
    /// Every message, in order.
    pub messages: Vec<MessageView>,
    /// The last message the reader read.
    pub read_up_to: Option<MessageId>,
    /// The seq of the next entry of its stream: where to follow it from.
    pub next_seq: u64,
}

/// A message as a member may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MessageView {
    /// Its id.
    pub id: MessageId,
    /// The message whose thread it is in.
    pub thread: Option<MessageId>,
    /// What it says and who wrote it: `None` once deleted, or when its author's words
    /// are not the reader's to see under the policy (`withheld`).
    pub content: Option<ContentView>,
    /// Whether its author's words are withheld from this reader.
    pub withheld: bool,
    /// The replies in its thread.
    pub replies: Vec<MessageId>,
    /// Its reactions: each emoji and who reacted with it.
    #[schema(value_type = BTreeMap<String, Vec<String>>)]
    pub reactions: BTreeMap<String, Vec<MemberId>>,
}

/// What a message says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ContentView {
    /// Its author.
    #[schema(value_type = String)]
    pub author: MemberId,
    /// Its words.
    pub text: String,
    /// When it was written.
    #[schema(value_type = String)]
    pub at: DateTime<Utc>,
    /// When it was last changed, if it was.
    #[schema(value_type = Option<String>)]
    pub edited: Option<DateTime<Utc>>,
    /// The members it mentions.
    #[schema(value_type = Vec<String>)]
    pub mentions: Vec<MemberId>,
    /// Its files.
    pub files: Vec<FileMeta>,
    /// Whether a reply is shown in the channel too.
    pub broadcast: bool,
}

/// One entry of a channel's stream, as a follower receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Delivered {
    /// Its place in the stream.
    pub seq: u64,
    /// Its kind (`chat.posted`, or `andel.redaction` for the journal's record of an
    /// erasure).
    pub kind: String,
    /// The event; `None` when its payload was erased, for the journal's own records,
    /// and when its author's words are withheld from this reader.
    pub event: Option<ChannelEvent>,
}

/// The channel as `reader` may see it.
pub(super) fn view(
    id: &ChannelId,
    channel: &Channel,
    next_seq: u64,
    reader: &Reader,
) -> ChannelView {
    let messages = channel
        .messages()
        .map(|(message_id, message)| {
            let shown = message
                .content
                .as_ref()
                .filter(|c| reader.may_read(&c.author));
            MessageView {
                id: message_id,
                thread: message.thread,
                withheld: message.content.is_some() && shown.is_none(),
                content: shown.map(|c| ContentView {
                    author: c.author.clone(),
                    text: c.text.clone(),
                    at: c.at,
                    edited: c.history.last().map(|(_, at)| *at),
                    mentions: c.mentions.iter().cloned().collect(),
                    files: c.files.clone(),
                    broadcast: c.broadcast,
                }),
                replies: message.replies.clone(),
                reactions: message
                    .reactions
                    .iter()
                    .map(|(emoji, who)| (emoji.clone(), who.iter().cloned().collect()))
                    .collect(),
            }
        })
        .collect();
    ChannelView {
        id: id.clone(),
        name: channel.name().unwrap_or_default().to_owned(),
        kind: channel.kind().unwrap_or(ChannelKind::Private),
        topic: channel.topic().to_owned(),
        members: channel.members().cloned().collect(),
        timeline: channel.timeline().collect(),
        messages,
        read_up_to: channel.read_up_to(reader.member()),
        next_seq,
    }
}
