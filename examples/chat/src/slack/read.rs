//! From listed files to an export: the lists of users and conversations read, day
//! files matched to their conversations, every entry checked, and the report written.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::de::{DeserializeSeed, Error as _, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::bounds::{Limits, Note, Report, cut, json_error, shown, usable_id};
use super::format::{
    LIST_FILES, List, Obj, RawConversation, RawFile, RawMessage, RawReaction, RawUser, Text, Topic,
};
use super::source::{Listing, Source};
use super::{
    Conversation, ConversationKind, Edited, Export, File, MAX_NAME_CHARS, MAX_TEXT_CHARS,
    MAX_URL_BYTES, Message, Reaction, ReadReport, SlackError, Ts, User,
};

/// What a file of an export is, by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role<'a> {
    Users,
    Conversations(ConversationKind),
    Day { folder: &'a str },
    Unknown,
}

fn role(path: &str) -> Role<'_> {
    match path.split_once('/') {
        None => match path {
            "users.json" => Role::Users,
            "channels.json" => Role::Conversations(ConversationKind::Public),
            "groups.json" => Role::Conversations(ConversationKind::Private),
            "dms.json" => Role::Conversations(ConversationKind::Direct),
            "mpims.json" => Role::Conversations(ConversationKind::Group),
            _ => Role::Unknown,
        },
        Some((folder, file)) if !file.contains('/') && is_day_file(file) => Role::Day { folder },
        Some(_) => Role::Unknown,
    }
}

/// Whether `name` is `YYYY-MM-DD.json` for a day the calendar has.
fn is_day_file(name: &str) -> bool {
    let Some(date) = name.strip_suffix(".json") else {
        return false;
    };
    let shape = date.len() == 10
        && date.bytes().enumerate().all(|(at, b)| match at {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    shape && chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok()
}

/// Reads the listed files of an export from `source`.
pub(super) fn read_export(
    source: &mut dyn Source,
    listing: Listing,
    limits: Limits,
) -> Result<(Export, ReadReport), SlackError> {
    let mut reader = Reader {
        source,
        limits,
        total: 0,
        report: Report::new(limits),
    };
    let mut passed = listing.passed;
    passed.sort();
    for (path, why) in &passed {
        reader
            .report
            .note(Note::File, format!("`{}` skipped: {why}", shown(path)));
    }
    let mut files = listing.files;
    files.sort_by(|a, b| a.path.cmp(&b.path));

    let mut export = Export::default();
    if let Some(file) = files.iter().find(|file| role(&file.path) == Role::Users) {
        let bytes = reader.read(file)?;
        export.users = reader.users(&file.path, &bytes)?;
    }
    let mut ids = HashSet::new();
    for list in LIST_FILES.iter().skip(1) {
        let Some(file) = files.iter().find(|file| file.path == *list) else {
            continue;
        };
        let Role::Conversations(kind) = role(list) else {
            continue;
        };
        let bytes = reader.read(file)?;
        let read = reader.conversations(&file.path, &bytes, kind, &mut ids)?;
        export.conversations.extend(read);
    }

    let folders = reader.folders(&export.conversations);
    let mut found: Vec<Vec<Found>> = vec![Vec::new(); export.conversations.len()];
    for (index, file) in files.iter().enumerate() {
        match role(&file.path) {
            Role::Users | Role::Conversations(_) => {}
            Role::Unknown => reader.report.note(
                Note::File,
                format!(
                    "`{}` skipped: not part of a Slack export (lists at its root, and \
                     `<conversation>/YYYY-MM-DD.json`)",
                    shown(&file.path)
                ),
            ),
            Role::Day { folder } => {
                let Some(at) = folders.get(folder).and_then(|at| found.get_mut(*at)) else {
                    reader.report.note(
                        Note::File,
                        format!(
                            "`{}` skipped: no conversation has the name or id `{}`",
                            shown(&file.path),
                            shown(folder)
                        ),
                    );
                    continue;
                };
                let bytes = reader.read(file)?;
                reader.report.report.day_files += 1;
                reader.messages(&file.path, index, &bytes, at)?;
            }
        }
    }
    for (conversation, found) in export.conversations.iter_mut().zip(found) {
        conversation.messages = reader.in_order(found, &files);
    }
    let mut report = reader.report.finish();
    report.messages = export
        .conversations
        .iter()
        .map(|conversation| conversation.messages.len())
        .sum();
    Ok((export, report))
}

/// A message as found, with where: the file (its place among the sorted files) and
/// its place in the file's list, from 1.
#[derive(Debug, Clone)]
struct Found {
    message: Message,
    file: usize,
    position: usize,
}

struct Reader<'s> {
    source: &'s mut dyn Source,
    limits: Limits,
    /// Bytes read so far.
    total: u64,
    report: Report,
}

impl Reader<'_> {
    /// Reads a listed file, within the limits for one file and for all.
    fn read(&mut self, file: &super::source::Listed) -> Result<Vec<u8>, SlackError> {
        let bytes = self.source.read(file, self.limits.file_bytes)?;
        self.total = self.total.saturating_add(bytes.len() as u64);
        if self.total > self.limits.export_bytes {
            return Err(SlackError::TotalTooLarge {
                path: shown(&file.path),
                max: self.limits.export_bytes,
            });
        }
        self.report.report.files_read += 1;
        Ok(bytes)
    }

    fn users(&mut self, path: &str, bytes: &[u8]) -> Result<Vec<User>, SlackError> {
        let mut users = Vec::new();
        let mut ids = HashSet::new();
        each_entry(path, bytes, "a list of users", |position, raw| {
            let place = format!("`{}` user {position}", shown(path));
            let Some(user) = self.entry::<RawUser>(&place, raw) else {
                return Ok(());
            };
            let Some(id) = self.required_id(&place, user.id) else {
                return Ok(());
            };
            let place = format!("{place} (`{id}`)");
            if !ids.insert(id.clone()) {
                self.skip(&place, "a user with this id came first");
                return Ok(());
            }
            self.report.keep(path, 1)?;
            let real_name = match user.real_name.0 {
                Some(name) => name,
                None => user
                    .profile
                    .0
                    .and_then(|p| p.real_name.0)
                    .unwrap_or_default(),
            };
            users.push(User {
                name: self.label(&place, "name", user.name.or_empty()),
                real_name: self.label(&place, "real_name", real_name),
                deleted: user.deleted.0,
                is_bot: user.is_bot.0,
                id,
            });
            Ok(())
        })?;
        Ok(users)
    }

    fn conversations(
        &mut self,
        path: &str,
        bytes: &[u8],
        kind: ConversationKind,
        ids: &mut HashSet<String>,
    ) -> Result<Vec<Conversation>, SlackError> {
        let mut conversations = Vec::new();
        each_entry(path, bytes, "a list of conversations", |position, raw| {
            let place = format!("`{}` conversation {position}", shown(path));
            let Some(conversation) = self.entry::<RawConversation>(&place, raw) else {
                return Ok(());
            };
            let Some(id) = self.required_id(&place, conversation.id) else {
                return Ok(());
            };
            let place = format!("{place} (`{id}`)");
            if !ids.insert(id.clone()) {
                self.skip(&place, "a conversation with this id came first");
                return Ok(());
            }
            let RawConversation {
                name,
                created,
                creator,
                is_archived,
                members,
                topic,
                purpose,
                ..
            } = conversation;
            let members = self.ids(&place, "members", members);
            self.report.keep(path, members.len().saturating_add(1))?;
            let name = self.label(&place, "name", name.or_empty());
            let created = created
                .0
                .and_then(|secs| u64::try_from(secs).ok())
                .filter(|secs| *secs > 0)
                .and_then(|secs| Ts::new(secs, 0));
            let Topic(topic) = topic;
            let Topic(purpose) = purpose;
            conversations.push(Conversation {
                name: if name.is_empty() { id.clone() } else { name },
                id,
                kind,
                created,
                creator: self.optional_id(&place, "creator", creator),
                archived: is_archived.0,
                members,
                topic: self.label(&place, "topic", topic.unwrap_or_default()),
                purpose: self.label(&place, "purpose", purpose.unwrap_or_default()),
                messages: Vec::new(),
            });
            Ok(())
        })?;
        Ok(conversations)
    }

    /// Which conversation each folder name stands for: its name, then its id, the
    /// first conversation to claim a name keeping it.
    fn folders<'c>(&mut self, conversations: &'c [Conversation]) -> HashMap<&'c str, usize> {
        let mut folders = HashMap::new();
        for (at, conversation) in conversations.iter().enumerate() {
            let mut keys = vec![conversation.name.as_str()];
            if conversation.id != conversation.name {
                keys.push(conversation.id.as_str());
            }
            for key in keys {
                let claimed = *folders.entry(key).or_insert(at);
                if claimed != at {
                    let first = conversations.get(claimed).map_or("", |c| c.id.as_str());
                    self.report.note(
                        Note::Value,
                        format!(
                            "conversation `{}`: the folder `{}` is taken as conversation `{first}`'s, which came first",
                            conversation.id,
                            shown(key),
                        ),
                    );
                }
            }
        }
        folders
    }

    fn messages(
        &mut self,
        path: &str,
        file: usize,
        bytes: &[u8],
        found: &mut Vec<Found>,
    ) -> Result<(), SlackError> {
        each_entry(path, bytes, "a list of messages", |position, raw| {
            let place = format!("`{}` message {position}", shown(path));
            let Some(message) = self.entry::<RawMessage>(&place, raw) else {
                return Ok(());
            };
            let Some(message) = self.message(path, &place, message)? else {
                return Ok(());
            };
            found.push(Found {
                message,
                file,
                position,
            });
            Ok(())
        })
    }

    fn message(
        &mut self,
        path: &str,
        place: &str,
        raw: RawMessage,
    ) -> Result<Option<Message>, SlackError> {
        let ts = match raw.ts.0 {
            None => {
                self.skip(place, "it has no `ts` (as text)");
                return Ok(None);
            }
            Some(ts) => match ts.parse::<Ts>() {
                Ok(ts) => ts,
                Err(error) => {
                    self.skip(place, &error.to_string());
                    return Ok(None);
                }
            },
        };
        let place = format!("{place} (ts {ts})");
        let place = place.as_str();
        let (text, count) = cut(raw.text.or_empty(), MAX_TEXT_CHARS);
        if let Some(count) = count {
            self.change(
                place,
                &format!("its text of {count} characters is cut to the first {MAX_TEXT_CHARS}"),
            );
        }
        let edited = raw.edited.0.and_then(|edited| {
            let ts = self.optional_ts(place, "edited.ts", edited.ts)?;
            Some(Edited {
                user: self.optional_id(place, "edited.user", edited.user),
                ts,
            })
        });
        let reactions = self.reactions(place, raw.reactions);
        let files = self.files(place, raw.files);
        let items = reactions
            .iter()
            .map(|reaction| reaction.users.len().saturating_add(1))
            .fold(files.len().saturating_add(1), usize::saturating_add);
        self.report.keep(path, items)?;
        Ok(Some(Message {
            ts,
            user: self.optional_id(place, "user", raw.user),
            bot_id: self.optional_id(place, "bot_id", raw.bot_id),
            username: self.optional_label(place, "username", raw.username),
            text,
            subtype: self.optional_label(place, "subtype", raw.subtype),
            thread_ts: self.optional_ts(place, "thread_ts", raw.thread_ts),
            edited,
            reactions,
            files,
        }))
    }

    fn reactions<const MAX: usize>(
        &mut self,
        place: &str,
        list: List<Obj<RawReaction>, MAX>,
    ) -> Vec<Reaction> {
        if list.more > 0 {
            self.change(
                place,
                &format!("{} more reactions are not kept (at most {MAX})", list.more),
            );
        }
        let mut reactions: Vec<Reaction> = Vec::new();
        for (at, reaction) in list.kept.into_iter().enumerate() {
            let here = format!("{place} reaction {}", at.saturating_add(1));
            let Some(reaction) = reaction.0 else {
                self.skip(&here, "it is not an object");
                continue;
            };
            let name = self.label(&here, "name", reaction.name.or_empty());
            if name.is_empty() {
                self.skip(&here, "it has no `name`");
                continue;
            }
            let here = format!("{place} reaction `{}`", shown(&name));
            let users = self.ids(&here, "users", reaction.users);
            match reactions.iter_mut().find(|r| r.name == name) {
                // One emoji once: the users of a repeated one join the first's.
                Some(first) => {
                    for user in users {
                        if !first.users.contains(&user) {
                            first.users.push(user);
                        }
                    }
                }
                None => reactions.push(Reaction { name, users }),
            }
        }
        reactions
    }

    fn files<const MAX: usize>(&mut self, place: &str, list: List<Obj<RawFile>, MAX>) -> Vec<File> {
        if list.more > 0 {
            self.change(
                place,
                &format!("{} more files are not kept (at most {MAX})", list.more),
            );
        }
        let mut files = Vec::new();
        for (at, file) in list.kept.into_iter().enumerate() {
            let here = format!("{place} file {}", at.saturating_add(1));
            let Some(file) = file.0 else {
                self.skip(&here, "it is not an object");
                continue;
            };
            let Some(id) = self.required_id(&here, file.id) else {
                continue;
            };
            let here = format!("{place} file `{id}`");
            let url = file.url_private.0.filter(|url| !url.is_empty());
            let url = match url {
                Some(url) if url.len() > MAX_URL_BYTES || url.chars().any(char::is_control) => {
                    self.change(
                        &here,
                        &format!(
                            "its `url_private` is left out: longer than {MAX_URL_BYTES} bytes or holding control characters"
                        ),
                    );
                    None
                }
                url => url,
            };
            files.push(File {
                name: self.label(&here, "name", file.name.or_empty()),
                title: self.label(&here, "title", file.title.or_empty()),
                mimetype: self.label(&here, "mimetype", file.mimetype.or_empty()),
                size: file.size.0.and_then(|size| u64::try_from(size).ok()),
                url,
                id,
            });
        }
        files
    }

    /// Messages in timestamp order (stable), each timestamp once: the first found
    /// kept, the others reported.
    fn in_order(&mut self, mut found: Vec<Found>, files: &[super::source::Listed]) -> Vec<Message> {
        found.sort_by_key(|found| found.message.ts);
        let mut messages: Vec<Message> = Vec::with_capacity(found.len());
        let mut first: Option<(Ts, usize)> = None;
        for found in found {
            let path = |file: usize| files.get(file).map_or("", |f| f.path.as_str());
            match first {
                Some((ts, file)) if ts == found.message.ts => {
                    self.skip(
                        &format!(
                            "`{}` message {} (ts {ts})",
                            shown(path(found.file)),
                            found.position
                        ),
                        &format!(
                            "a message with this ts came first (in `{}`)",
                            shown(path(file))
                        ),
                    );
                }
                _ => {
                    first = Some((found.message.ts, found.file));
                    messages.push(found.message);
                }
            }
        }
        messages
    }

    // -----------------------------------------------------------------------------
    // Checks of single values, reporting what they leave out or change.

    /// An entry of a list, read as `T`; `None` (reported) when it is not an object or
    /// cannot be read (nested too deeply).
    fn entry<T: serde::de::DeserializeOwned>(&mut self, place: &str, raw: &RawValue) -> Option<T> {
        match serde_json::from_str::<Obj<T>>(raw.get()) {
            Ok(Obj(Some(entry))) => Some(entry),
            Ok(Obj(None)) => {
                self.skip(place, "it is not an object");
                None
            }
            Err(error) => {
                self.skip(place, &format!("it cannot be read: {error}"));
                None
            }
        }
    }

    fn skip(&mut self, place: &str, why: &str) {
        self.report
            .note(Note::Entry, format!("{place} skipped: {why}"));
    }

    fn change(&mut self, place: &str, what: &str) {
        self.report.note(Note::Value, format!("{place}: {what}"));
    }

    /// The entry's own id; `None` (the entry skipped, and reported) when it has none
    /// that can be used.
    fn required_id(&mut self, place: &str, id: Text) -> Option<String> {
        match id.0 {
            Some(id) if usable_id(&id) => Some(id),
            Some(id) => {
                self.skip(
                    place,
                    &format!(
                        "its `id` `{}` is not an id (1 to 256 bytes, no control characters)",
                        shown(&id)
                    ),
                );
                None
            }
            None => {
                self.skip(place, "it has no `id` (as text)");
                None
            }
        }
    }

    /// An id it refers to; empty or missing is none, one that is not an id is left out
    /// and reported.
    fn optional_id(&mut self, place: &str, field: &str, id: Text) -> Option<String> {
        self.not_text(place, field, &id);
        let id = id.0.filter(|id| !id.is_empty())?;
        if usable_id(&id) {
            return Some(id);
        }
        self.change(
            place,
            &format!("its `{field}` `{}` is not an id; left out", shown(&id)),
        );
        None
    }

    /// Reports a value that should be text and is not.
    fn not_text(&mut self, place: &str, field: &str, text: &Text) {
        if text.1 {
            self.change(place, &format!("its `{field}` is not text; left out"));
        }
    }

    /// A list of ids, each once; those that are not ids, and those past the list's
    /// cap, left out and reported.
    fn ids<const MAX: usize>(
        &mut self,
        place: &str,
        field: &str,
        list: List<Text, MAX>,
    ) -> Vec<String> {
        let mut seen = HashSet::new();
        let mut ids = Vec::new();
        let mut bad = 0_usize;
        for id in list.kept {
            match id.0 {
                Some(id) if usable_id(&id) => {
                    if seen.insert(id.clone()) {
                        ids.push(id);
                    }
                }
                _ => bad = bad.saturating_add(1),
            }
        }
        if bad > 0 {
            self.change(
                place,
                &format!("{bad} of its `{field}` are not ids; left out"),
            );
        }
        if list.more > 0 {
            self.change(
                place,
                &format!(
                    "{} more of its `{field}` are not kept (at most {MAX})",
                    list.more
                ),
            );
        }
        ids
    }

    /// A name or other short text, cut to [`MAX_NAME_CHARS`] (reported).
    fn label(&mut self, place: &str, field: &str, text: String) -> String {
        let (text, count) = cut(text, MAX_NAME_CHARS);
        if let Some(count) = count {
            self.change(
                place,
                &format!(
                    "its `{field}` of {count} characters is cut to the first {MAX_NAME_CHARS}"
                ),
            );
        }
        text
    }

    fn optional_label(&mut self, place: &str, field: &str, text: Text) -> Option<String> {
        self.not_text(place, field, &text);
        let text = text.0.filter(|text| !text.is_empty())?;
        Some(self.label(place, field, text))
    }

    /// A timestamp it refers to; empty or missing is none, one that does not parse is
    /// left out and reported.
    fn optional_ts(&mut self, place: &str, field: &str, ts: Text) -> Option<Ts> {
        self.not_text(place, field, &ts);
        let ts = ts.0.filter(|ts| !ts.is_empty())?;
        match ts.parse() {
            Ok(ts) => Some(ts),
            Err(error) => {
                self.change(place, &format!("its `{field}` is left out: {error}"));
                None
            }
        }
    }
}

/// Calls `each` with every entry of the JSON array in `bytes` (its place from 1, and
/// its text), without holding them all; `what` names what the array should be.
fn each_entry<'a>(
    path: &str,
    bytes: &'a [u8],
    what: &'static str,
    each: impl FnMut(usize, &'a RawValue) -> Result<(), SlackError>,
) -> Result<(), SlackError> {
    let mut stop = None;
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let read = Entries {
        what,
        each,
        stop: &mut stop,
    }
    .deserialize(&mut deserializer)
    .and_then(|()| deserializer.end());
    match (read, stop) {
        (_, Some(error)) => Err(error),
        (Ok(()), None) => Ok(()),
        (Err(error), None) => Err(json_error(path, &error)),
    }
}

/// The visitor behind [`each_entry`]: an error of `each` is kept in `stop`, and the
/// reading stopped.
struct Entries<'s, F> {
    what: &'static str,
    each: F,
    stop: &'s mut Option<SlackError>,
}

impl<'de, F> DeserializeSeed<'de> for Entries<'_, F>
where
    F: FnMut(usize, &'de RawValue) -> Result<(), SlackError>,
{
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, F> Visitor<'de> for Entries<'_, F>
where
    F: FnMut(usize, &'de RawValue) -> Result<(), SlackError>,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.what)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let mut position = 0_usize;
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            position = position.saturating_add(1);
            if let Err(error) = (self.each)(position, raw) {
                *self.stop = Some(error);
                return Err(A::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}
