//! What a Slack export holds once read: users, conversations and their messages, each
//! field checked and bounded, and the report of what was left out or changed.

use serde::Serialize;

use super::Ts;

/// A Slack workspace export, read and checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Export {
    /// The workspace's users (`users.json`), in file order, each id once.
    pub users: Vec<User>,
    /// Its conversations: those of `channels.json`, then `groups.json`, `dms.json` and
    /// `mpims.json`, each in file order, each id once.
    pub conversations: Vec<Conversation>,
}

impl Export {
    /// The user with this id.
    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|user| user.id == id)
    }

    /// The conversation with this id.
    pub fn conversation(&self, id: &str) -> Option<&Conversation> {
        self.conversations
            .iter()
            .find(|conversation| conversation.id == id)
    }

    /// Every message of every conversation, with its conversation.
    pub fn messages(&self) -> impl Iterator<Item = (&Conversation, &Message)> {
        self.conversations.iter().flat_map(|conversation| {
            conversation
                .messages
                .iter()
                .map(move |message| (conversation, message))
        })
    }
}

/// A member of the workspace, a bot, or someone since deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Slack's id, as `U012AB3CD`.
    pub id: String,
    /// The handle (`name`).
    pub name: String,
    /// The full name (`real_name`, or the profile's when the user has none); may be
    /// empty.
    pub real_name: String,
    /// Whether the account was deleted.
    pub deleted: bool,
    /// Whether it is a bot.
    pub is_bot: bool,
}

/// Which list a conversation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ConversationKind {
    /// A public channel (`channels.json`).
    Public,
    /// A private channel (`groups.json`).
    Private,
    /// A direct conversation between two people (`dms.json`).
    Direct,
    /// A group direct conversation (`mpims.json`).
    Group,
}

impl ConversationKind {
    /// The file listing conversations of this kind.
    pub fn file(self) -> &'static str {
        match self {
            ConversationKind::Public => "channels.json",
            ConversationKind::Private => "groups.json",
            ConversationKind::Direct => "dms.json",
            ConversationKind::Group => "mpims.json",
        }
    }
}

/// A channel or a direct conversation, with its messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conversation {
    /// Slack's id, as `C012AB3CD` (`D…` for direct conversations).
    pub id: String,
    /// Its name; for a conversation without one (direct conversations), its id.
    pub name: String,
    /// Which list it comes from.
    pub kind: ConversationKind,
    /// When it was created (whole seconds; `None` when missing or 0).
    pub created: Option<Ts>,
    /// The user who created it.
    pub creator: Option<String>,
    /// Whether it is archived.
    pub archived: bool,
    /// Its members' user ids, each once, in the export's order.
    pub members: Vec<String>,
    /// Its topic (empty when none).
    pub topic: String,
    /// Its purpose (empty when none).
    pub purpose: String,
    /// Its messages from every day file, sorted by timestamp (stable: day files in
    /// date order, then each file's order), each timestamp once.
    pub messages: Vec<Message>,
}

/// A message, a thread reply, or an event Slack writes as a message (a `subtype`
/// such as `channel_join` or `tombstone`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    /// Its timestamp, which names it within the conversation.
    pub ts: Ts,
    /// The user who wrote it.
    pub user: Option<String>,
    /// The bot that posted it.
    pub bot_id: Option<String>,
    /// The name it was posted under, for bots and integrations.
    pub username: Option<String>,
    /// Its text, in Slack's markup (empty for a file without a comment); at most
    /// [`MAX_TEXT_CHARS`](super::MAX_TEXT_CHARS) characters.
    pub text: String,
    /// What kind of event it is, when not a plain message.
    pub subtype: Option<String>,
    /// The thread it belongs to: its first message's timestamp (its own, for that
    /// first message).
    pub thread_ts: Option<Ts>,
    /// Its last edit.
    pub edited: Option<Edited>,
    /// Its reactions, each emoji once (the users of a repeated one join the first's).
    pub reactions: Vec<Reaction>,
    /// The files it shares (their descriptions; the export holds no file contents).
    pub files: Vec<File>,
}

impl Message {
    /// Whether it starts a thread: it names its own timestamp as the thread's.
    pub fn is_thread_parent(&self) -> bool {
        self.thread_ts == Some(self.ts)
    }

    /// Whether it is a reply in another message's thread.
    pub fn is_reply(&self) -> bool {
        self.thread_ts.is_some_and(|thread| thread != self.ts)
    }
}

/// A message's last edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edited {
    /// Who edited it (a user or bot id).
    pub user: Option<String>,
    /// When.
    pub ts: Ts,
}

/// An emoji reaction and who reacted with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reaction {
    /// The emoji's name, as `thumbsup` or `+1::skin-tone-2`.
    pub name: String,
    /// The users who reacted, each once.
    pub users: Vec<String>,
}

/// A file shared in a message: its description, not its contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct File {
    /// Slack's id, as `F012AB3CD`.
    pub id: String,
    /// Its file name (empty when the export does not give it, as for deleted files).
    pub name: String,
    /// Its title.
    pub title: String,
    /// Its media type, as `image/jpeg`.
    pub mimetype: String,
    /// Its size in bytes.
    pub size: Option<u64>,
    /// Where Slack keeps it (`url_private`), readable with the workspace's token.
    pub url: Option<String>,
}

/// What reading an export did not take as it was, and why, with counts of what it
/// read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReadReport {
    /// Files read: the lists of users and conversations, and day files.
    pub files_read: usize,
    /// Day files read.
    pub day_files: usize,
    /// Messages kept.
    pub messages: usize,
    /// Files passed over: not part of a Slack export, in a folder no conversation
    /// names, symbolic links and other special files.
    pub files_skipped: usize,
    /// Users, conversations, messages, reactions and files left out.
    pub entries_skipped: usize,
    /// Values cut to their limit or dropped (an id that is not one, a text too long).
    pub values_changed: usize,
    /// One plain-English line for each thing skipped or changed, naming the file, the
    /// entry (its place in the file's list, from 1, and its id or timestamp when it has
    /// one) and why; at most [`MAX_REPORT_LINES`](super::MAX_REPORT_LINES), then a
    /// line saying how many more there were.
    pub skipped: Vec<String>,
}
