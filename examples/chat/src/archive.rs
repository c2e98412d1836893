//! The chat service's share of a member's archive: the member's entries of every
//! channel's stream (with proofs, written by the application layer), and a module in an
//! open format: each channel they are in or wrote in, as an ActivityStreams 2.0
//! `OrderedCollection`, the format the fediverse speaks.
//!
//! Their own messages go in whole, as `Create` activities of `Note`s, replies by
//! `inReplyTo`, with their mentions, files and edits (`updated`), and their reactions as
//! `Like`s. Another member's message goes in only where the co-op's policy lets the
//! member export it (GDPR art. 20(4): taking one's data must not take others' without
//! their leave), asked of the consent engine once per author and recorded; otherwise,
//! and for deleted messages, a `Tombstone` keeps its place, so each thread keeps its
//! shape.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use andel_consent::{Action, MemberId, Principal, Purpose, Request};
use andel_export::{ExportModule, Files, Module, WriteError};
use andel_journal::{EntryBody, StreamId, SubjectId, Timestamp};
use andel_service::{ServiceData, ServiceError};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::channel::{Channel, ChannelEvent};
use crate::{CHANNEL_PREFIX, ChannelId, Channels};

/// The id of the chat module in a member's archive, and the folder of its files.
pub const MODULE: &str = "chat";

/// The chat service as [`ServiceData`]: mount it with
/// `andel_http::App::with_service_data` so that `GET /api/me/archive` holds it.
#[derive(Debug, Clone)]
pub struct ChatData {
    channels: Arc<Channels>,
}

impl ChatData {
    /// The share of `channels`.
    pub fn new(channels: Arc<Channels>) -> Self {
        ChatData { channels }
    }
}

#[async_trait::async_trait]
impl ServiceData for ChatData {
    fn holds(&self, stream: &StreamId) -> bool {
        stream.as_str().starts_with(CHANNEL_PREFIX)
    }

    fn subjects(&self, body: &EntryBody) -> Result<Vec<SubjectId>, String> {
        let Some(payload) = body.payload().filter(|_| !body.kind().is_reserved()) else {
            return Ok(Vec::new());
        };
        let event: ChannelEvent = payload
            .decode()
            .map_err(|err| format!("not a channel event: {err}"))?;
        let member = match &event {
            ChannelEvent::Opened { by, .. }
            | ChannelEvent::TopicSet { by, .. }
            | ChannelEvent::Edited { by, .. }
            | ChannelEvent::Deleted { by, .. } => Some(by.to_string()),
            ChannelEvent::Joined { member }
            | ChannelEvent::Left { member }
            | ChannelEvent::Reacted { member, .. }
            | ChannelEvent::Unreacted { member, .. }
            | ChannelEvent::Read { member, .. } => Some(member.to_string()),
            ChannelEvent::Posted { author, .. } => Some(author.to_string()),
            ChannelEvent::Vanished { .. } | ChannelEvent::PostErased | ChannelEvent::Forgotten => {
                None
            }
        };
        member
            .into_iter()
            .map(|member| SubjectId::new(member).map_err(|err| err.to_string()))
            .collect()
    }

    async fn module(
        &self,
        member: &MemberId,
        created_at: DateTime<Utc>,
    ) -> Result<Option<Box<dyn ExportModule + Send + Sync>>, ServiceError> {
        let refused = |err: crate::ChatError| ServiceError::Refused(err.to_string());
        let mut files = Vec::new();
        for (id, channel) in self.channels.taken_part_in(member).await.map_err(refused)? {
            let others: BTreeSet<MemberId> = channel
                .messages()
                .filter_map(|(_, m)| Some(m.content.as_ref()?.author.clone()))
                .filter(|author| author != member)
                .collect();
            let allowed = self
                .exportable(member, &id, &channel, others, created_at)
                .await?;
            let collection = collection(&id, &channel, member, &allowed);
            let json = serde_json::to_vec_pretty(&collection)
                .map_err(|err| ServiceError::Refused(err.to_string()))?;
            files.push((id.to_string(), json));
        }
        if files.is_empty() {
            return Ok(None);
        }
        Ok(Some(Box::new(ChatModule { files })))
    }
}

impl ChatData {
    /// The authors among `others` whose messages in `channel` the policy lets `member`
    /// export, each asked once and recorded.
    async fn exportable(
        &self,
        member: &MemberId,
        id: &ChannelId,
        channel: &Channel,
        others: BTreeSet<MemberId>,
        at: DateTime<Utc>,
    ) -> Result<BTreeSet<MemberId>, ServiceError> {
        if others.is_empty() {
            return Ok(others);
        }
        let kind = channel
            .kind()
            .unwrap_or(crate::channel::ChannelKind::Private);
        let mut requests = Vec::new();
        for author in &others {
            let resource = crate::channels::messages_resource(id, kind, author, channel.members())
                .map_err(|err| ServiceError::Refused(err.to_string()))?;
            requests.push(Request {
                principal: Principal::member(member.clone()),
                action: Action::Export,
                resource,
                purpose: Purpose::ServiceProvision,
                at,
                aggregate_of: None,
            });
        }
        let recorded_at =
            Timestamp::new(at).map_err(|err| ServiceError::Refused(err.to_string()))?;
        let decisions = self
            .channels
            .coop()
            .decide_accesses(&requests, recorded_at, None)
            .await?;
        Ok(others
            .into_iter()
            .zip(decisions)
            .filter(|(_, decision)| decision.allowed)
            .map(|(author, _)| author)
            .collect())
    }
}

fn urn_member(member: &MemberId) -> String {
    format!("urn:andel:member:{member}")
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The channel as `member` may take it: an ActivityStreams 2.0 `OrderedCollection`.
fn collection(
    id: &ChannelId,
    channel: &Channel,
    member: &MemberId,
    allowed: &BTreeSet<MemberId>,
) -> Value {
    let base = format!("urn:andel:chat:{id}");
    let note_id = |message: crate::channel::MessageId| format!("{base}:{message}");
    let mut items = Vec::new();
    for (message_id, message) in channel.messages() {
        let reply_to = message.thread.map(note_id);
        let shown = message
            .content
            .as_ref()
            .filter(|c| &c.author == member || allowed.contains(&c.author));
        let Some(content) = shown else {
            // Deleted, or another's not to take: the place, without the words.
            let mut tombstone =
                json!({"type": "Tombstone", "id": note_id(message_id), "formerType": "Note"});
            if let Some(reply_to) = &reply_to {
                tombstone["inReplyTo"] = json!(reply_to);
            }
            items.push(tombstone);
            continue;
        };
        let mut note = json!({
            "type": "Note",
            "id": note_id(message_id),
            "attributedTo": urn_member(&content.author),
            "content": content.text,
            "mediaType": "text/plain",
            "published": time(content.at),
        });
        if let Some(reply_to) = &reply_to {
            note["inReplyTo"] = json!(reply_to);
        }
        if let Some((_, edited)) = content.history.last() {
            note["updated"] = json!(time(*edited));
        }
        if !content.mentions.is_empty() {
            note["tag"] = content
                .mentions
                .iter()
                .map(|m| json!({"type": "Mention", "href": urn_member(m)}))
                .collect();
        }
        if !content.files.is_empty() {
            note["attachment"] = content
                .files
                .iter()
                .map(|f| {
                    let mut doc = json!({"type": "Document", "name": f.name});
                    if !f.media_type.is_empty() {
                        doc["mediaType"] = json!(f.media_type);
                    }
                    if let Some(url) = &f.url {
                        doc["url"] = json!(url);
                    }
                    doc
                })
                .collect();
        }
        items.push(json!({
            "type": "Create",
            "id": format!("{}#create", note_id(message_id)),
            "actor": urn_member(&content.author),
            "published": time(content.at),
            "object": note,
        }));
    }
    // The member's own reactions, on any message.
    for (message_id, message) in channel.messages() {
        let mine: BTreeMap<&String, ()> = message
            .reactions
            .iter()
            .filter(|(_, who)| who.contains(member))
            .map(|(emoji, _)| (emoji, ()))
            .collect();
        for emoji in mine.keys() {
            items.push(json!({
                "type": "Like",
                "actor": urn_member(member),
                "object": note_id(message_id),
                "content": emoji,
            }));
        }
    }
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "OrderedCollection",
        "id": base,
        "name": channel.name().unwrap_or_default(),
        "summary": channel.topic(),
        "totalItems": items.len(),
        "orderedItems": items,
    })
}

/// `chat/channels/<id>.activities.json` for each channel the member is in or wrote in.
struct ChatModule {
    files: Vec<(String, Vec<u8>)>,
}

impl ExportModule for ChatModule {
    fn module(&self) -> Module {
        Module {
            id: MODULE.into(),
            version: 1,
        }
    }

    fn size_hint(&self) -> u64 {
        self.files.iter().map(|(_, json)| json.len() as u64).sum()
    }

    fn export(&self, files: &mut dyn Files) -> Result<(), WriteError> {
        for (id, json) in &self.files {
            files.write_file(&format!("{MODULE}/channels/{id}.activities.json"), json)?;
        }
        Ok(())
    }
}
