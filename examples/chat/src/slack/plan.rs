//! From a read export to import plans: each conversation as a [`ImportPlan`] for one
//! channel, every author mapped to a member, and a report of what was not brought and
//! why.

use std::collections::{BTreeMap, BTreeSet};

use andel_consent::MemberId;
use serde::Deserialize;

use super::{Conversation, ConversationKind, Export, Message, Ts};
use crate::channel::{
    ChannelKind, FileMeta, ImportPlan, MAX_FILES, MAX_NAME, MAX_TEXT, Origin, PlannedMessage,
};

/// The largest member map read, in bytes.
pub const MAX_MEMBER_MAP_BYTES: usize = 1024 * 1024;
/// The most lines a report gives about single things; the counts come besides.
const MAX_REPORT_LINES: usize = 500;

/// How a Slack workspace's users map to the co-op's members: each Slack user (or bot),
/// by id or by handle, to a [`MemberId`]. Read from TOML:
///
/// ```toml
/// [members]
/// U012AB3CD = "1"
/// alva = "2"
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberMap(BTreeMap<String, MemberId>);

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a member map: a [members] table")]
struct MemberMapFile {
    #[serde(default)]
    members: BTreeMap<String, String>,
}

/// A member map that does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MemberMapError {
    /// Larger than [`MAX_MEMBER_MAP_BYTES`].
    #[error("the member map is {len} bytes; at most {MAX_MEMBER_MAP_BYTES} are read")]
    TooLarge {
        /// Its size.
        len: usize,
    },
    /// Not a `[members]` table of strings.
    #[error(
        "the member map is not a [members] table of \"<slack id or handle>\" = \"<member>\": {reason}"
    )]
    Shape {
        /// What the TOML reader said.
        reason: String,
    },
    /// A member id that is not valid.
    #[error(
        "the member map gives `{slack}` the member id `{member}`, which is not valid: {reason}"
    )]
    Member {
        /// The Slack id or handle.
        slack: String,
        /// The member id given.
        member: String,
        /// Why it is not valid.
        reason: String,
    },
}

impl MemberMap {
    /// A map from Slack ids or handles to members.
    pub fn new(members: BTreeMap<String, MemberId>) -> Self {
        MemberMap(members)
    }

    /// Reads a map from TOML: a `[members]` table of `"<slack id or handle>" = "<member>"`.
    ///
    /// # Errors
    ///
    /// A text too large, not such a table, or naming a member id that is not valid.
    pub fn from_toml(text: &str) -> Result<Self, MemberMapError> {
        if text.len() > MAX_MEMBER_MAP_BYTES {
            return Err(MemberMapError::TooLarge { len: text.len() });
        }
        let file: MemberMapFile = toml::from_str(text).map_err(|err| MemberMapError::Shape {
            reason: err.message().to_owned(),
        })?;
        let mut members = BTreeMap::new();
        for (slack, member) in file.members {
            let id =
                member
                    .parse()
                    .map_err(|err: andel_consent::NameError| MemberMapError::Member {
                        slack: slack.clone(),
                        member: member.clone(),
                        reason: err.rule.to_owned(),
                    })?;
            members.insert(slack, id);
        }
        Ok(MemberMap(members))
    }

    /// The member a Slack user is, by id first, then by handle.
    fn member(&self, export: &Export, user: &str) -> Option<MemberId> {
        if let Some(member) = self.0.get(user) {
            return Some(member.clone());
        }
        let name = &export.user(user)?.name;
        self.0.get(name).cloned()
    }
}

/// What an import brought, and what it did not and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    /// Conversations planned as channels.
    pub channels: usize,
    /// Messages planned (replies among them).
    pub messages: usize,
    /// Of those, replies in threads.
    pub replies: usize,
    /// Messages the export holds only as deleted, kept as places in their threads.
    pub vanished: usize,
    /// Reactions planned.
    pub reactions: usize,
    /// Messages edited in Slack: their last words are brought (an export holds no
    /// earlier ones).
    pub edited: usize,
    /// Messages not brought.
    pub messages_skipped: usize,
    /// Everything not brought or changed, one line each (at most 500, then a count).
    pub notes: Vec<String>,
}

impl ImportReport {
    fn note(&mut self, line: String) {
        if self.notes.len() < MAX_REPORT_LINES {
            self.notes.push(line);
        } else if self.notes.len() == MAX_REPORT_LINES {
            self.notes
                .push("… and more; the counts above cover them all".into());
        }
    }
}

/// Plans the import of every conversation of `export` that has at least one mapped
/// member, as channels opened by `importer`.
///
/// - Public and private channels stay so; direct and group conversations become
///   direct channels (skipped when fewer than two of their people are members).
/// - Messages keep Slack's `ts` order and threads (`thread_ts`); a reply whose thread's
///   first message is not in the export comes into the channel itself.
/// - `thread_broadcast` replies are shown in the channel too; `channel_join` brings the
///   member in; `tombstone` (a deleted first message of a thread) keeps its place.
/// - Messages of users (and bots) the map does not name are not brought, except a
///   thread's first message, kept as a place so the thread keeps its shape.
/// - `<@U012AB3CD>` mentions become `<@member>`, or `@handle` for users not mapped.
///
/// Everything left out is counted and said in the [`ImportReport`].
pub fn plan_import(
    export: &Export,
    members: &MemberMap,
    importer: &MemberId,
) -> (Vec<ImportPlan>, ImportReport) {
    let mut report = ImportReport::default();
    let mut plans = Vec::new();
    for conversation in &export.conversations {
        let planner = Planner {
            export,
            members,
            conversation,
        };
        if let Some(plan) = planner.plan(importer, &mut report) {
            report.channels += 1;
            plans.push(plan);
        }
    }
    (plans, report)
}

/// What becomes of one Slack message.
enum Fate {
    /// A post by a member.
    Post(MemberId),
    /// A member's joining, and nothing else.
    Joined(MemberId),
    /// A place without words.
    Vanished,
    /// Nothing, for the reason given.
    Skipped(String),
}

struct Planner<'a> {
    export: &'a Export,
    members: &'a MemberMap,
    conversation: &'a Conversation,
}

impl Planner<'_> {
    fn plan(&self, importer: &MemberId, report: &mut ImportReport) -> Option<ImportPlan> {
        let conversation = self.conversation;
        let mut people: BTreeSet<MemberId> = conversation
            .members
            .iter()
            .filter_map(|user| self.members.member(self.export, user))
            .collect();
        let roots: BTreeSet<Ts> = conversation
            .messages
            .iter()
            .filter(|m| m.thread_ts.is_some_and(|root| root != m.ts))
            .filter_map(|m| m.thread_ts)
            .collect();
        let mut planned: Vec<PlannedMessage> = Vec::new();
        // Each message brought, by its ts: the ts of the first message of its thread.
        let mut seen: BTreeMap<Ts, Ts> = BTreeMap::new();
        let mut edited = 0;
        for message in &conversation.messages {
            let fate = self.fate(message, roots.contains(&message.ts));
            let at = message.ts.to_utc();
            let (author, at) = match (fate, at) {
                (_, None) => {
                    self.skip(report, message, "its time is out of range".into());
                    continue;
                }
                (Fate::Skipped(why), _) => {
                    self.skip(report, message, why);
                    continue;
                }
                (Fate::Joined(member), _) => {
                    people.insert(member);
                    continue;
                }
                (Fate::Vanished, Some(at)) => (None, at),
                (Fate::Post(member), Some(at)) => (Some(member), at),
            };
            let Some(text) = self.text(message, report, author.is_some()) else {
                continue;
            };
            let thread = self.thread(message, &seen, report);
            let top = thread.as_ref().map_or(message.ts, |(root, _)| *root);
            let thread = thread.map(|(_, origin)| origin);
            if let Some(author) = &author {
                people.insert(author.clone());
                edited += usize::from(message.edited.is_some());
            }
            seen.insert(message.ts, top);
            let reactions = match author {
                Some(_) => self.reactions(message, &mut people, report),
                None => Vec::new(),
            };
            planned.push(PlannedMessage {
                origin: self.origin(message.ts),
                author,
                text,
                thread,
                broadcast: message.subtype.as_deref() == Some("thread_broadcast"),
                files: self.files(message, report),
                at,
                reactions,
            });
        }
        let kind = match conversation.kind {
            ConversationKind::Public => ChannelKind::Public,
            ConversationKind::Private => ChannelKind::Private,
            ConversationKind::Direct | ConversationKind::Group => ChannelKind::Direct,
        };
        people.insert(importer.clone());
        if kind == ChannelKind::Direct && people.len() < 2 {
            report.messages_skipped += planned.len();
            report.note(format!(
                "conversation {} not brought: fewer than two of its people are members in the map",
                conversation.id
            ));
            return None;
        }
        report.messages += planned.len();
        report.replies += planned.iter().filter(|m| m.thread.is_some()).count();
        report.vanished += planned.iter().filter(|m| m.author.is_none()).count();
        report.reactions += planned.iter().map(|m| m.reactions.len()).sum::<usize>();
        report.edited += edited;
        let topic = clip(&conversation.topic, MAX_NAME);
        if topic != conversation.topic.trim() {
            report.note(format!(
                "slack:{}: its topic was cut to {MAX_NAME} bytes, without control characters",
                conversation.id
            ));
        }
        Some(ImportPlan {
            origin: Origin(format!("slack:{}", conversation.id)),
            name: self.name(),
            kind,
            by: importer.clone(),
            members: people,
            topic,
            messages: planned,
        })
    }

    /// What becomes of a message, by its subtype and author.
    fn fate(&self, message: &Message, has_replies: bool) -> Fate {
        let subtype = message.subtype.as_deref();
        let author = self.author(message);
        match subtype {
            None | Some("thread_broadcast" | "file_share" | "me_message" | "bot_message") => {
                match author {
                    Some(member) => Fate::Post(member),
                    None if has_replies => Fate::Vanished,
                    None => {
                        Fate::Skipped(format!("{} is not a member in the map", self.who(message)))
                    }
                }
            }
            Some("channel_join" | "group_join") => match author {
                Some(member) => Fate::Joined(member),
                None => Fate::Skipped(format!(
                    "a join of {}, not a member in the map",
                    self.who(message)
                )),
            },
            Some("tombstone") => Fate::Vanished,
            Some(other) if has_replies => {
                let _ = other;
                Fate::Vanished
            }
            Some(other) => {
                Fate::Skipped(format!("a `{other}` notice is not a message members wrote"))
            }
        }
    }

    /// The member who wrote a message: its user, or the bot by id or name.
    fn author(&self, message: &Message) -> Option<MemberId> {
        let export = self.export;
        message
            .user
            .as_deref()
            .and_then(|user| self.members.member(export, user))
            .or_else(|| {
                message
                    .bot_id
                    .as_deref()
                    .and_then(|bot| self.members.0.get(bot).cloned())
            })
            .or_else(|| {
                message
                    .username
                    .as_deref()
                    .and_then(|name| self.members.0.get(name).cloned())
            })
    }

    fn who(&self, message: &Message) -> String {
        match (&message.user, &message.bot_id, &message.username) {
            (Some(user), _, _) => match self.export.user(user) {
                Some(found) if found.is_bot => format!("bot {user} ({})", found.name),
                Some(found) => format!("user {user} ({})", found.name),
                None => format!("user {user}"),
            },
            (None, Some(bot), _) => format!("bot {bot}"),
            (None, None, Some(name)) => format!("`{name}`"),
            (None, None, None) => "an unnamed sender".into(),
        }
    }

    /// The message's words with its mentions mapped, or `None` (said in the report)
    /// when they cannot be brought.
    fn text(&self, message: &Message, report: &mut ImportReport, words: bool) -> Option<String> {
        if !words {
            return Some(String::new());
        }
        let text = self.mentions(&message.text.replace("\r\n", "\n").replace('\r', "\n"));
        let controls = text
            .chars()
            .filter(|c| c.is_control() && *c != '\n' && *c != '\t')
            .count();
        let text: String = match controls {
            0 => text,
            _ => {
                report.note(format!(
                    "{}: {controls} control characters replaced with U+FFFD",
                    self.origin(message.ts)
                ));
                text.chars()
                    .map(|c| {
                        if c.is_control() && c != '\n' && c != '\t' {
                            '\u{FFFD}'
                        } else {
                            c
                        }
                    })
                    .collect()
            }
        };
        if text.len() > MAX_TEXT {
            self.skip(
                report,
                message,
                format!(
                    "its words are {} bytes; at most {MAX_TEXT} are kept",
                    text.len()
                ),
            );
            return None;
        }
        if text.trim().is_empty() && message.files.is_empty() {
            self.skip(report, message, "it holds no words and no files".into());
            return None;
        }
        Some(text)
    }

    /// `<@U012AB3CD>` (or `<@U012AB3CD|name>`) as `<@member>`, or as `@handle` when the
    /// user is not mapped.
    fn mentions(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("<@") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('>') else {
                out.push_str(&rest[start..]);
                return out;
            };
            let user = after[..end].split('|').next().unwrap_or_default();
            match self.members.member(self.export, user) {
                Some(member) => out.push_str(&format!("<@{member}>")),
                None => {
                    let name = self
                        .export
                        .user(user)
                        .map_or(user, |found| found.name.as_str());
                    out.push('@');
                    out.push_str(name);
                }
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }

    /// The thread a reply is in (its first message's ts and origin), when that message
    /// was brought before. A reply to a reply (which Slack does not make) goes into the
    /// thread the replied-to reply is in.
    fn thread(
        &self,
        message: &Message,
        seen: &BTreeMap<Ts, Ts>,
        report: &mut ImportReport,
    ) -> Option<(Ts, Origin)> {
        let root = message.thread_ts.filter(|root| *root != message.ts)?;
        match seen.get(&root) {
            Some(top) => {
                if *top != root {
                    report.note(format!(
                        "{}: a reply to a reply ({root}); brought into the thread of {top}",
                        self.origin(message.ts)
                    ));
                }
                Some((*top, self.origin(*top)))
            }
            None => {
                report.note(format!(
                    "{}: a reply whose thread's first message ({root}) is not in the export; brought into the channel",
                    self.origin(message.ts)
                ));
                None
            }
        }
    }

    fn reactions(
        &self,
        message: &Message,
        people: &mut BTreeSet<MemberId>,
        report: &mut ImportReport,
    ) -> Vec<(String, MemberId)> {
        let mut found = Vec::new();
        let mut unmapped = 0;
        for reaction in &message.reactions {
            let name_ok = (1..=64).contains(&reaction.name.len())
                && !reaction
                    .name
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || c == ':');
            if !name_ok {
                report.note(format!(
                    "{}: reaction `{}` is not an emoji name; not brought",
                    self.origin(message.ts),
                    reaction.name
                ));
                continue;
            }
            for user in &reaction.users {
                match self.members.member(self.export, user) {
                    Some(member) => {
                        people.insert(member.clone());
                        found.push((reaction.name.clone(), member));
                    }
                    None => unmapped += 1,
                }
            }
        }
        if unmapped > 0 {
            report.note(format!(
                "{}: {unmapped} reactions by users not in the map; not brought",
                self.origin(message.ts)
            ));
        }
        found
    }

    fn files(&self, message: &Message, report: &mut ImportReport) -> Vec<FileMeta> {
        if message.files.len() > MAX_FILES {
            report.note(format!(
                "{}: {} files; the first {MAX_FILES} are brought",
                self.origin(message.ts),
                message.files.len()
            ));
        }
        message
            .files
            .iter()
            .take(MAX_FILES)
            .map(|file| FileMeta {
                name: clip(
                    [&file.name, &file.title, &file.id]
                        .into_iter()
                        .find(|name| !name.trim().is_empty())
                        .map_or("(file)", |name| name.as_str()),
                    MAX_NAME,
                ),
                media_type: clip(&file.mimetype, MAX_NAME),
                size: file.size,
                url: file
                    .url
                    .as_deref()
                    .filter(|url| url.len() <= MAX_NAME)
                    .map(str::to_owned),
            })
            .collect()
    }

    fn name(&self) -> String {
        let conversation = self.conversation;
        let name = if conversation.name.trim().is_empty() {
            &conversation.id
        } else {
            &conversation.name
        };
        clip(name, MAX_NAME)
    }

    fn origin(&self, ts: Ts) -> Origin {
        Origin(format!("slack:{}:{ts}", self.conversation.id))
    }

    fn skip(&self, report: &mut ImportReport, message: &Message, why: String) {
        report.messages_skipped += 1;
        report.note(format!("{}: not brought: {why}", self.origin(message.ts)));
    }
}

/// `text` without control characters, cut at a character boundary to `max` bytes.
fn clip(text: &str, max: usize) -> String {
    let mut out: String = text.chars().filter(|c| !c.is_control()).collect();
    if out.len() > max {
        let mut end = max;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
    }
    out.trim().to_owned()
}
