//! A co-op's channels written out in the layout of a Slack workspace export, for a co-op
//! that moves: what [`read_folder`](super::read_folder) reads, and what other chat
//! services' Slack importers read (Mattermost, Rocket.Chat, Zulip).
//!
//! Members are users whose id is their member id; each channel's folder holds its
//! messages by day (UTC), each with a `ts` of its time (moved on by a microsecond where
//! two would share one, since a `ts` names a message in its channel), its thread
//! (`thread_ts`), reactions, files' metadata and last edit. A deleted message whose
//! thread has replies is a `tombstone`, as Slack writes it; other deleted messages are
//! left out. Two channels of one name are told apart by a number (`general-2`).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Ts;
use crate::ChannelId;
use crate::channel::{Channel, ChannelKind, MessageId};

/// The files of a Slack workspace export of `channels`: each path in the export, and
/// its JSON.
pub fn export_workspace(channels: &[(ChannelId, Channel)]) -> Vec<(String, Vec<u8>)> {
    let mut users = std::collections::BTreeSet::new();
    let mut lists: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    let mut files = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    for (id, channel) in channels {
        let (Some(name), Some(kind), Some(opener)) =
            (channel.name(), channel.kind(), channel.opened_by())
        else {
            continue;
        };
        let members: Vec<String> = channel.members().map(ToString::to_string).collect();
        users.extend(members.iter().cloned());
        let conversation_id = id.as_str().to_uppercase();
        // A channel's folder is its name, which must be the only one of its kind.
        let name = (1..)
            .map(|n| {
                if n == 1 {
                    name.to_owned()
                } else {
                    format!("{name}-{n}")
                }
            })
            .find(|name| names.insert(name.clone()))
            .unwrap_or_default();
        let (list, folder) = match kind {
            ChannelKind::Public => ("channels.json", name.clone()),
            ChannelKind::Private => ("groups.json", name.clone()),
            ChannelKind::Direct if members.len() == 2 => ("dms.json", conversation_id.clone()),
            ChannelKind::Direct => ("mpims.json", conversation_id.clone()),
        };
        let stamps = stamps(channel);
        let created = stamps.values().next().map_or(0, |ts| ts.secs());
        lists.entry(list).or_default().push(json!({
            "id": conversation_id,
            "name": if kind == ChannelKind::Direct { Value::Null } else { json!(name) },
            "created": created,
            "creator": opener.to_string(),
            "is_archived": false,
            "members": members,
            "topic": {"value": channel.topic(), "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }));
        let mut days: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for (message_id, _) in channel.messages() {
            let Some(ts) = stamps.get(&message_id) else {
                continue;
            };
            let Some(entry) = message_json(channel, message_id, &stamps, &mut users) else {
                continue;
            };
            let day = ts.to_utc().map_or_else(
                || "1970-01-01".to_owned(),
                |at| at.format("%Y-%m-%d").to_string(),
            );
            days.entry(day).or_default().push(entry);
        }
        for (day, messages) in days {
            files.push((
                format!("{folder}/{day}.json"),
                pretty(&Value::Array(messages)),
            ));
        }
    }
    let users: Vec<Value> = users
        .into_iter()
        .map(|member| json!({"id": member, "name": member, "real_name": "", "deleted": false, "is_bot": false}))
        .collect();
    files.push(("users.json".into(), pretty(&Value::Array(users))));
    for list in ["channels.json", "groups.json", "dms.json", "mpims.json"] {
        files.push((
            list.into(),
            pretty(&Value::Array(lists.remove(list).unwrap_or_default())),
        ));
    }
    files.sort();
    files
}

fn pretty(value: &Value) -> Vec<u8> {
    serde_json::to_vec_pretty(value).unwrap_or_default()
}

/// Each message's `ts`: its time, moved on by a microsecond past the one before it
/// where two would share one. A deleted message has no time of its own; it takes the
/// one after the message before it (or, first in its channel, the one before the next).
fn stamps(channel: &Channel) -> BTreeMap<MessageId, Ts> {
    let times: Vec<(MessageId, Option<(u64, u32)>)> = channel
        .messages()
        .map(|(id, message)| {
            let at = message.content.as_ref().map(|c| c.at);
            let time = at.map(|at| {
                let secs = u64::try_from(at.timestamp()).unwrap_or(0);
                (secs, at.timestamp_subsec_micros().min(999_999))
            });
            (id, time)
        })
        .collect();
    let first_known = times.iter().find_map(|(_, time)| *time);
    let mut stamps = BTreeMap::new();
    let mut last: Option<(u64, u32)> = None;
    for (id, wanted) in times {
        let after = match last {
            Some((secs, micros)) if micros >= 999_999 => Some((secs + 1, 0)),
            Some((secs, micros)) => Some((secs, micros + 1)),
            None => None,
        };
        let before_first = first_known.map(|(secs, micros)| match micros {
            0 => (secs.saturating_sub(1), 999_999),
            micros => (secs, micros - 1),
        });
        let stamp = match (wanted, after) {
            (Some(wanted), Some(after)) => wanted.max(after),
            (Some(wanted), None) => wanted,
            (None, Some(after)) => after,
            (None, None) => before_first.unwrap_or((0, 0)),
        };
        if let Some(ts) = Ts::new(stamp.0, stamp.1) {
            stamps.insert(id, ts);
            last = Some(stamp);
        }
    }
    stamps
}

/// One message as Slack writes it, or `None` for a deleted one nothing hangs on.
fn message_json(
    channel: &Channel,
    id: MessageId,
    stamps: &BTreeMap<MessageId, Ts>,
    users: &mut std::collections::BTreeSet<String>,
) -> Option<Value> {
    let message = channel.message(id)?;
    let ts = stamps.get(&id)?.to_string();
    let thread_ts = match message.thread {
        Some(root) => Some(stamps.get(&root)?.to_string()),
        None if !message.replies.is_empty() => Some(ts.clone()),
        None => None,
    };
    let Some(content) = &message.content else {
        if message.replies.is_empty() {
            return None;
        }
        return Some(json!({
            "type": "message", "subtype": "tombstone", "user": "USLACKBOT",
            "text": "This message was deleted.", "ts": ts, "thread_ts": thread_ts,
            "reply_count": message.replies.len(),
        }));
    };
    users.insert(content.author.to_string());
    let mut entry = json!({
        "type": "message",
        "user": content.author.to_string(),
        "text": content.text,
        "ts": ts,
    });
    if let Some(thread_ts) = thread_ts {
        entry["thread_ts"] = json!(thread_ts);
    }
    if message.thread.is_none() && !message.replies.is_empty() {
        entry["reply_count"] = json!(message.replies.len());
    }
    if content.broadcast {
        entry["subtype"] = json!("thread_broadcast");
    }
    if let Some((_, edited)) = content.history.last() {
        let secs = u64::try_from(edited.timestamp()).unwrap_or(0);
        if let Some(edited) = Ts::new(secs, edited.timestamp_subsec_micros().min(999_999)) {
            entry["edited"] = json!({"user": content.author.to_string(), "ts": edited.to_string()});
        }
    }
    if !message.reactions.is_empty() {
        entry["reactions"] = message
            .reactions
            .iter()
            .map(|(name, who)| {
                users.extend(who.iter().map(ToString::to_string));
                json!({"name": name, "users": who.iter().map(ToString::to_string).collect::<Vec<_>>(), "count": who.len()})
            })
            .collect();
    }
    if !content.files.is_empty() {
        entry["files"] = content
            .files
            .iter()
            .enumerate()
            .map(|(n, f)| {
                json!({
                    "id": format!("F{}{n}", ts.replace('.', "")),
                    "name": f.name, "title": f.name, "mimetype": f.media_type,
                    "size": f.size, "url_private": f.url,
                })
            })
            .collect();
    }
    Some(entry)
}
