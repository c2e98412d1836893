//! The chat use cases: a member asks, the consent engine decides under the co-op's
//! data policy (and the decision goes into the audit journal), the channel decides,
//! and its stream records. Whoever follows a channel hears of each change
//! ([`Channels::changes`]) and reads the new entries ([`Channels::entries`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use andel_consent::{
    Action, Decision, MemberId, Owners, Principal, Purpose, Request, Resource, ResourceId,
    ResourceKind,
};
use andel_journal::{
    Appended, AuthorId, EntryBody, JournalStore, Kind, REPLAY_PAGE, Redaction, Stored, StoredError,
    StreamId, Timestamp,
};
use andel_service::{Coop, ServiceError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::{Mutex, broadcast};

use crate::channel::{
    Channel, ChannelCommand, ChannelEvent, ChannelKind, FileMeta, ImportPlan, Invalid, MessageId,
    Refusal,
};

/// The prefix of every channel's journal stream: `chat.channel.<id>`.
pub const CHANNEL_PREFIX: &str = "chat.channel.";

/// The name the service asks the consent engine under, and records accesses as.
pub const SERVICE: &str = "chat";

/// The most entries [`Channels::entries`] gives at once.
pub const MAX_ENTRIES: u64 = 1000;

mod names;
mod view;

use names::refused;
pub use names::{Actor, ChannelId, ChatError};
use view::view;
pub use view::{ChannelSummary, ChannelView, ContentView, Delivered, MessageView};

/// Someone following one channel, with the policy's answers for it taken once: the
/// channel may be read, and whose messages in it. An author who first writes later is
/// asked about when first met.
#[derive(Debug)]
pub struct Reader {
    actor: Actor,
    channel: ChannelId,
    stream: StreamId,
    resource: Resource,
    kind: ChannelKind,
    members: BTreeSet<MemberId>,
    authors: BTreeMap<MemberId, bool>,
}

/// The co-op's channels, each kept open and caught up with its stream.
pub struct Channels {
    coop: Arc<Coop>,
    open: Mutex<HashMap<ChannelId, Arc<Mutex<Stored<Channel>>>>>,
    changes: broadcast::Sender<ChannelId>,
    pub(crate) tails: crate::follow::Tails,
}

impl fmt::Debug for Channels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Channels")
            .field("coop", &self.coop.tenant())
            .finish_non_exhaustive()
    }
}

/// How a command touches a channel: what the consent engine is asked.
enum Touches {
    /// The channel (posting, reacting, reading, joining, the topic).
    Channel(Action),
    /// One message, its author's (editing, deleting).
    Message(MessageId, Action),
}

impl Channels {
    /// The channels of `coop`.
    pub fn new(coop: Arc<Coop>) -> Self {
        Channels {
            coop,
            open: Mutex::new(HashMap::new()),
            changes: broadcast::channel(4096).0,
            tails: crate::follow::Tails::default(),
        }
    }

    /// The co-op.
    pub fn coop(&self) -> &Arc<Coop> {
        &self.coop
    }

    /// Hears of every change to a channel made through these channels: its id, once
    /// per change. A follower that lags behind misses notices, never entries: it reads
    /// them from the store ([`Channels::entries`]).
    pub fn changes(&self) -> broadcast::Receiver<ChannelId> {
        self.changes.subscribe()
    }

    /// Says that `channel` changed (by this process or, heard from the database,
    /// another).
    pub fn changed(&self, channel: &ChannelId) {
        // No one listening is no failure.
        let _ = self.changes.send(channel.clone());
    }

    /// Hears of the appends other processes make to the co-op's channels, when the
    /// store can tell (PostgreSQL: `LISTEN andel_appended`), and tells this process's
    /// followers: so that a service running as several processes on one database
    /// delivers to every client. A task does it, as long as these channels are kept;
    /// when notices may have been lost it wakes every follower, which reads what is
    /// there. Whether the store can tell.
    ///
    /// # Errors
    ///
    /// A store that cannot start listening.
    pub async fn hear_other_processes(self: &Arc<Self>) -> Result<bool, ChatError> {
        let Some(mut listener) = self
            .coop
            .journal()
            .listen()
            .await
            .map_err(ServiceError::from)?
        else {
            return Ok(false);
        };
        let channels = Arc::downgrade(self);
        tokio::spawn(async move {
            loop {
                let heard = listener.next().await;
                let Some(channels) = channels.upgrade() else {
                    return;
                };
                match heard {
                    Ok(Appended::Stream(stream)) => {
                        let id = stream.as_str().strip_prefix(CHANNEL_PREFIX);
                        if let Some(id) = id.and_then(|id| id.parse().ok()) {
                            channels.changed(&id);
                        }
                    }
                    Ok(Appended::Missed) => channels.changed_all().await,
                    Err(err) => {
                        tracing::warn!(%err, "hearing of other processes' appends failed; trying again in a second");
                        drop(channels);
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok(true)
    }

    /// Says that every channel open here may have changed.
    async fn changed_all(&self) {
        let open: Vec<ChannelId> = self.open.lock().await.keys().cloned().collect();
        for id in &open {
            self.changed(id);
        }
    }

    /// Every channel of the co-op, as it is now: for an operator's export of the whole
    /// workspace ([`crate::slack::export_workspace`]).
    ///
    /// # Errors
    ///
    /// A store failure, or a channel stream that does not read.
    pub async fn every_channel(&self) -> Result<Vec<(ChannelId, Channel)>, ChatError> {
        let mut found = Vec::new();
        for id in self.ids().await? {
            let channel = self.state(&id).await?;
            found.push((id, channel));
        }
        Ok(found)
    }

    /// Every channel `member` is in or wrote in, as it is now: their share of the
    /// service, for their archive.
    ///
    /// # Errors
    ///
    /// A store failure, or a channel stream that does not read.
    pub async fn taken_part_in(
        &self,
        member: &MemberId,
    ) -> Result<Vec<(ChannelId, Channel)>, ChatError> {
        let mut found = Vec::new();
        for id in self.ids().await? {
            let channel = self.state(&id).await?;
            let wrote = channel
                .messages()
                .any(|(_, m)| m.content.as_ref().is_some_and(|c| &c.author == member));
            if wrote || channel.has_member(member) {
                found.push((id, channel));
            }
        }
        Ok(found)
    }

    /// Opens a channel, `actor` its first member with `members`.
    ///
    /// # Errors
    ///
    /// A member the co-op does not hold, what the channel refuses (an empty name, a
    /// direct conversation alone), a policy that does not let `actor` open channels,
    /// or a store failure.
    pub async fn open_channel(
        &self,
        actor: &Actor,
        name: String,
        kind: ChannelKind,
        members: BTreeSet<MemberId>,
    ) -> Result<ChannelId, ChatError> {
        for member in &members {
            self.require_member(member).await?;
        }
        let id = ChannelId::random()?;
        let resource = Resource::new(
            resource_kind(kind)?,
            resource_id(id.as_str())?,
            Owners::one(actor.member.clone()),
        );
        self.require(actor, Action::Write, resource).await?;
        let command = ChannelCommand::Open {
            name,
            kind,
            by: actor.member.clone(),
            members,
        };
        let handle = self.handle(&id).await?;
        let mut stored = handle.lock().await;
        stored
            .execute(command, actor.now(), actor.at, actor.author())
            .await
            .map_err(|err| ChatError::stored(&id, err))?;
        drop(stored);
        self.changed(&id);
        Ok(id)
    }

    /// The channels `actor` is in, and every public one.
    ///
    /// # Errors
    ///
    /// A store failure, or a channel stream that does not read.
    pub async fn list(&self, actor: &Actor) -> Result<Vec<ChannelSummary>, ChatError> {
        let mut found = Vec::new();
        for id in self.ids().await? {
            let channel = self.state(&id).await?;
            let joined = channel.has_member(&actor.member);
            let (Some(name), Some(kind)) = (channel.name(), channel.kind()) else {
                continue;
            };
            if joined || kind == ChannelKind::Public {
                found.push(ChannelSummary {
                    id,
                    name: name.to_owned(),
                    kind,
                    topic: channel.topic().to_owned(),
                    joined,
                    unread: channel.unread(&actor.member),
                });
            }
        }
        Ok(found)
    }

    /// Carries out `command` on channel `id` for `actor`, with the policy's leave; the
    /// events recorded (none when nothing changed). Deleting a message is
    /// [`Channels::delete`].
    ///
    /// # Errors
    ///
    /// No such channel, one the policy does not let `actor` change, the channel's
    /// refusal, or a store failure.
    pub async fn execute(
        &self,
        actor: &Actor,
        id: &ChannelId,
        command: ChannelCommand,
    ) -> Result<Vec<ChannelEvent>, ChatError> {
        if let ChannelCommand::Delete { message, .. } = command {
            self.delete(actor, id, message).await?;
            return Ok(Vec::new());
        }
        if let ChannelCommand::Join { member } = &command {
            self.require_member(member).await?;
        }
        let handle = self.existing(id).await?;
        let mut stored = handle.lock().await;
        self.fresh(id, &mut stored).await?;
        let resource = self.touched(actor, id, stored.state(), &command)?;
        self.require(actor, resource.0, resource.1).await?;
        let events = stored
            .execute(command, actor.now(), actor.at, actor.author())
            .await
            .map_err(|err| ChatError::stored(id, err))?;
        drop(stored);
        if !events.is_empty() {
            self.changed(id);
        }
        Ok(events)
    }

    /// Deletes message `message` of channel `id` for its author: records the deletion,
    /// then erases the entries that hold its words (its post and its edits) with the
    /// journal's redaction. Asking again finishes an erasure a crash cut short.
    ///
    /// # Errors
    ///
    /// No such channel or message, a message `actor` did not write, a policy that does
    /// not let them delete it, or a store failure.
    pub async fn delete(
        &self,
        actor: &Actor,
        id: &ChannelId,
        message: MessageId,
    ) -> Result<usize, ChatError> {
        let handle = self.existing(id).await?;
        let mut stored = handle.lock().await;
        self.fresh(id, &mut stored).await?;
        let found = stored
            .state()
            .message(message)
            .ok_or(Refusal::UnknownMessage { message })?;
        // Deleted already: what is left is to finish erasing its words, which its
        // author asked for.
        if found.content.is_some() {
            let command = ChannelCommand::Delete {
                message,
                by: actor.member.clone(),
            };
            let (action, resource) = self.touched(actor, id, stored.state(), &command)?;
            self.require(actor, action, resource).await?;
            stored
                .execute(command, actor.now(), actor.at, actor.author())
                .await
                .map_err(|err| ChatError::stored(id, err))?;
        }
        let stream = id.stream()?;
        let journal = self.coop.journal();
        let words = entries_with_words(&**journal, &stream, message, stored.next_seq())
            .await
            .map_err(|reason| ChatError::Broken {
                channel: id.clone(),
                reason,
            })?;
        for seq in &words {
            let redaction = Redaction::new(
                format!("member {} deleted message {message}", actor.member),
                actor.at,
            );
            journal
                .redact(&stream, *seq, redaction)
                .await
                .map_err(ServiceError::from)?;
        }
        self.fresh(id, &mut stored).await?;
        drop(stored);
        self.changed(id);
        Ok(words.len())
    }

    /// Starts following channel `id` for `actor`: the policy is asked whether they may
    /// read it and whose messages in it (each decision recorded once, here).
    ///
    /// # Errors
    ///
    /// No such channel, one the policy does not let `actor` read, or a store failure.
    pub async fn reader(&self, actor: &Actor, id: &ChannelId) -> Result<Reader, ChatError> {
        let channel = self.state(id).await?;
        let (Some(opener), Some(kind)) = (channel.opened_by(), channel.kind()) else {
            return Err(ChatError::NoChannel {
                channel: id.clone(),
            });
        };
        let members: BTreeSet<MemberId> = channel.members().cloned().collect();
        let resource = channel_resource(id, opener, kind, &members)?;
        let mut reader = Reader {
            actor: actor.clone(),
            channel: id.clone(),
            stream: id.stream()?,
            resource,
            kind,
            members,
            authors: BTreeMap::new(),
        };
        let authors: BTreeSet<MemberId> = channel
            .messages()
            .filter_map(|(_, message)| Some(message.content.as_ref()?.author.clone()))
            .collect();
        self.decide_authors(&mut reader, authors, true).await?;
        Ok(reader)
    }

    /// Channel `id` as `actor` may see it: the messages of authors the policy does not
    /// let them read are there, withheld.
    ///
    /// # Errors
    ///
    /// As [`Channels::reader`].
    pub async fn view(&self, actor: &Actor, id: &ChannelId) -> Result<ChannelView, ChatError> {
        let reader = self.reader(actor, id).await?;
        let handle = self.existing(id).await?;
        let mut stored = handle.lock().await;
        self.fresh(id, &mut stored).await?;
        Ok(view(id, stored.state(), stored.next_seq(), &reader))
    }

    /// Imports channels planned from another service's export (as
    /// [`crate::slack::plan_import`] makes them): each into the channel imported from
    /// the same origin before (adding only what it lacks), or a new one. Each
    /// channel's id and how many events its import recorded.
    ///
    /// # Errors
    ///
    /// A member of a plan the co-op does not hold, a policy that does not let `actor`
    /// import, what a channel refuses in its plan, or a store failure. The channels
    /// before the failing one are imported; importing again finishes the rest.
    pub async fn import(
        &self,
        actor: &Actor,
        plans: Vec<ImportPlan>,
    ) -> Result<Vec<(ChannelId, usize)>, ChatError> {
        let mut origins = BTreeMap::new();
        for id in self.ids().await? {
            if let Some(origin) = self.state(&id).await?.origin() {
                origins.insert(origin.clone(), id);
            }
        }
        for member in plans.iter().flat_map(|plan| &plan.members) {
            self.require_member(member).await?;
        }
        let mut imported = Vec::new();
        for plan in plans {
            let id = match origins.get(&plan.origin) {
                Some(id) => id.clone(),
                None => ChannelId::random()?,
            };
            let handle = self.handle(&id).await?;
            let mut stored = handle.lock().await;
            self.fresh(&id, &mut stored).await?;
            let owner = stored
                .state()
                .opened_by()
                .cloned()
                .unwrap_or_else(|| actor.member.clone());
            let resource = Resource::new(
                resource_kind(plan.kind)?,
                resource_id(id.as_str())?,
                Owners::one(owner),
            );
            self.require(actor, Action::Write, resource).await?;
            let events = stored
                .execute(
                    ChannelCommand::Import(Box::new(plan)),
                    actor.now(),
                    actor.at,
                    actor.author(),
                )
                .await
                .map_err(|err| ChatError::stored(&id, err))?;
            drop(stored);
            if !events.is_empty() {
                self.changed(&id);
            }
            imported.push((id, events.len()));
        }
        Ok(imported)
    }

    /// Refuses a member the ledger does not hold as admitted today: only the co-op's
    /// members are in its channels.
    ///
    /// # Errors
    ///
    /// [`ChatError::NotInCoop`] naming the member, or a store failure.
    pub async fn require_member(&self, member: &MemberId) -> Result<(), ChatError> {
        let today = chrono::Utc::now().date_naive();
        match self.coop.is_admitted(member, today).await? {
            true => Ok(()),
            false => Err(ChatError::NotInCoop {
                member: member.clone(),
            }),
        }
    }

    /// The ids of every channel in the co-op, from its stream names.
    async fn ids(&self) -> Result<Vec<ChannelId>, ChatError> {
        Ok(self
            .coop
            .streams()
            .await?
            .iter()
            .filter_map(|stream| stream.as_str().strip_prefix(CHANNEL_PREFIX)?.parse().ok())
            .collect())
    }

    /// The channel as it is now.
    async fn state(&self, id: &ChannelId) -> Result<Channel, ChatError> {
        let handle = self.existing(id).await?;
        let mut stored = handle.lock().await;
        self.fresh(id, &mut stored).await?;
        Ok(stored.state().clone())
    }

    async fn fresh(&self, id: &ChannelId, stored: &mut Stored<Channel>) -> Result<(), ChatError> {
        stored
            .catch_up()
            .await
            .map_err(|err| ChatError::stored(id, err))
    }

    /// The open channel, opened if need be (a channel not opened yet is an empty one).
    async fn handle(&self, id: &ChannelId) -> Result<Arc<Mutex<Stored<Channel>>>, ChatError> {
        let mut open = self.open.lock().await;
        if let Some(handle) = open.get(id) {
            return Ok(Arc::clone(handle));
        }
        let stored = Stored::open(Arc::clone(self.coop.journal()), id.stream()?)
            .await
            .map_err(|err| ChatError::stored(id, err))?;
        let handle = Arc::new(Mutex::new(stored));
        open.insert(id.clone(), Arc::clone(&handle));
        Ok(handle)
    }

    /// The open channel, which must have been opened (here or by another process).
    async fn existing(&self, id: &ChannelId) -> Result<Arc<Mutex<Stored<Channel>>>, ChatError> {
        if let Some(handle) = self.open.lock().await.get(id) {
            return Ok(Arc::clone(handle));
        }
        let head = self
            .coop
            .journal()
            .head(&id.stream()?)
            .await
            .map_err(ServiceError::from)?;
        if head.next_seq() == 0 {
            return Err(ChatError::NoChannel {
                channel: id.clone(),
            });
        }
        self.handle(id).await
    }

    /// What the consent engine is asked about `command` on `channel`.
    fn touched(
        &self,
        actor: &Actor,
        id: &ChannelId,
        channel: &Channel,
        command: &ChannelCommand,
    ) -> Result<(Action, Resource), ChatError> {
        let (Some(opener), Some(kind)) = (channel.opened_by(), channel.kind()) else {
            return Err(ChatError::NoChannel {
                channel: id.clone(),
            });
        };
        let members: BTreeSet<MemberId> = channel.members().cloned().collect();
        let touches = match command {
            ChannelCommand::Edit { message, .. } => Touches::Message(*message, Action::Write),
            ChannelCommand::Delete { message, .. } => Touches::Message(*message, Action::Delete),
            // Taking someone else out is the opener's to do.
            ChannelCommand::Leave { member } if *member != actor.member => {
                Touches::Channel(Action::Delete)
            }
            _ => Touches::Channel(Action::Write),
        };
        let channel_resource = channel_resource(id, opener, kind, &members)?;
        Ok(match touches {
            Touches::Channel(action) => (action, channel_resource),
            Touches::Message(message, action) => {
                let found = channel
                    .message(message)
                    .ok_or(Refusal::UnknownMessage { message })?;
                let content = found.content.as_ref().ok_or(Refusal::Deleted { message })?;
                let resource = Resource::new(
                    kind_named("message")?,
                    resource_id(&format!("{id}.{message}"))?,
                    Owners::one(content.author.clone()),
                )
                .in_parent(resource_kind(kind)?, resource_id(id.as_str())?);
                (action, resource)
            }
        })
    }

    /// Asks the consent engine about `authors` (all at once, each decision recorded)
    /// and notes the answers in `reader`; with `channel`, about the channel first,
    /// refusing when it may not be read.
    async fn decide_authors(
        &self,
        reader: &mut Reader,
        authors: BTreeSet<MemberId>,
        channel: bool,
    ) -> Result<(), ChatError> {
        let mut requests = Vec::new();
        if channel {
            requests.push(request(
                &reader.actor,
                Action::Read,
                reader.resource.clone(),
            ));
        }
        for author in &authors {
            requests.push(request(
                &reader.actor,
                Action::Read,
                reader.messages_of(author)?,
            ));
        }
        if requests.is_empty() {
            return Ok(());
        }
        let decisions = self
            .coop
            .decide_accesses(&requests, reader.actor.at, reader.actor.author())
            .await?;
        let mut decisions = decisions.into_iter();
        if channel {
            let decision = decisions
                .next()
                .ok_or_else(|| refused("no decision was taken".into()))?;
            if !decision.allowed {
                return Err(denied(decision));
            }
        }
        for (author, decision) in authors.into_iter().zip(decisions) {
            reader.authors.insert(author, decision.allowed);
        }
        Ok(())
    }

    /// The entries of the channel `reader` follows from seq `after` on (at most
    /// [`MAX_ENTRIES`]), as they may see them. Asks the consent engine about authors it
    /// meets for the first time.
    ///
    /// # Errors
    ///
    /// A store failure, or an entry that is not a channel event.
    pub async fn entries(
        &self,
        reader: &mut Reader,
        after: u64,
    ) -> Result<Vec<Delivered>, ChatError> {
        let end = after.saturating_add(MAX_ENTRIES);
        let bodies = self
            .coop
            .journal()
            .read_bodies(&reader.stream, after..end)
            .await
            .map_err(ServiceError::from)?;
        let mut delivered = Vec::with_capacity(bodies.len());
        for body in &bodies {
            delivered.push(reader.decode(body)?);
        }
        let authors = delivered
            .iter()
            .filter_map(|d| author_of(d.event.as_ref()?))
            .cloned()
            .collect();
        self.decide_new_authors(reader, authors).await?;
        for entry in &mut delivered {
            let withheld = entry
                .event
                .as_ref()
                .and_then(author_of)
                .is_some_and(|author| !reader.may_read(author));
            if withheld {
                entry.event = None;
            }
        }
        Ok(delivered)
    }

    /// Asks the consent engine about those of `authors` it was not asked about for
    /// `reader` yet.
    pub(crate) async fn decide_new_authors(
        &self,
        reader: &mut Reader,
        authors: BTreeSet<MemberId>,
    ) -> Result<(), ChatError> {
        let new = authors
            .into_iter()
            .filter(|author| !reader.authors.contains_key(author))
            .collect();
        self.decide_authors(reader, new, false).await
    }

    async fn require(
        &self,
        actor: &Actor,
        action: Action,
        resource: Resource,
    ) -> Result<(), ChatError> {
        let decision = self
            .coop
            .decide_access(&request(actor, action, resource), actor.at, actor.author())
            .await?;
        match decision.allowed {
            true => Ok(()),
            false => Err(denied(decision)),
        }
    }
}

impl Reader {
    /// The channel followed.
    pub fn channel(&self) -> &ChannelId {
        &self.channel
    }

    /// The member following it.
    pub fn member(&self) -> &MemberId {
        &self.actor.member
    }

    /// Whether the policy was asked about `author` for this reader.
    pub(crate) fn has_decided(&self, author: &MemberId) -> bool {
        self.authors.contains_key(author)
    }

    /// Whether the policy lets the reader read what `author` wrote in the channel.
    pub fn may_read(&self, author: &MemberId) -> bool {
        self.authors.get(author).copied().unwrap_or(false)
    }

    /// Everything `author` wrote in the channel, as a resource: theirs, shared with the
    /// channel's members (in a public channel, with whoever reads it).
    fn messages_of(&self, author: &MemberId) -> Result<Resource, ChatError> {
        let reader = (self.kind == ChannelKind::Public).then_some(&self.actor.member);
        messages_resource(
            &self.channel,
            self.kind,
            author,
            self.members.iter().chain(reader),
        )
    }

    fn decode(&self, body: &EntryBody) -> Result<Delivered, ChatError> {
        decode_body(&self.channel, body)
    }
}

/// An entry of channel `channel`'s stream as a follower receives it, its event whole.
pub(crate) fn decode_body(channel: &ChannelId, body: &EntryBody) -> Result<Delivered, ChatError> {
    let kind = body.kind().as_str().to_owned();
    let event = match body.payload() {
        Some(payload) if body.kind() != &Kind::REDACTION => Some(
            payload
                .decode::<ChannelEvent>()
                .map_err(|err| ChatError::Broken {
                    channel: channel.clone(),
                    reason: format!("entry {} is not a channel event: {err}", body.seq()),
                })?,
        ),
        _ => None,
    };
    Ok(Delivered {
        seq: body.seq(),
        kind,
        event,
    })
}

/// Who wrote what an event carries, when it carries someone's words.
fn author_of(event: &ChannelEvent) -> Option<&MemberId> {
    match event {
        ChannelEvent::Posted { author, .. } => Some(author),
        _ => None,
    }
}

/// The entries of `stream` before `end` with the words of `message`: its post and its
/// edits, those not erased yet.
async fn entries_with_words(
    journal: &dyn JournalStore,
    stream: &StreamId,
    message: MessageId,
    end: u64,
) -> Result<Vec<u64>, String> {
    let mut found = Vec::new();
    let mut start = 0;
    while start < end {
        let page_end = start.saturating_add(REPLAY_PAGE).min(end);
        let bodies = journal
            .read_bodies(stream, start..page_end)
            .await
            .map_err(|err| err.to_string())?;
        for body in &bodies {
            let Some(payload) = body.payload() else {
                continue;
            };
            if !matches!(body.kind().as_str(), crate::channel::POSTED | "chat.edited") {
                continue;
            }
            let event: ChannelEvent = payload
                .decode()
                .map_err(|err| format!("entry {} is not a channel event: {err}", body.seq()))?;
            if let ChannelEvent::Posted { message: m, .. } | ChannelEvent::Edited { message: m, .. } =
                event
                && m == message
            {
                found.push(body.seq());
            }
        }
        start = page_end;
    }
    Ok(found)
}

fn request(actor: &Actor, action: Action, resource: Resource) -> Request {
    Request {
        principal: Principal::member(actor.member.clone()),
        action,
        resource,
        purpose: Purpose::ServiceProvision,
        at: actor.now(),
        aggregate_of: None,
    }
}

fn denied(decision: Decision) -> ChatError {
    ChatError::Denied {
        explanation: decision.explanation,
    }
}

/// The channel as a resource: its opener's, shared with its members.
fn channel_resource(
    id: &ChannelId,
    opener: &MemberId,
    kind: ChannelKind,
    members: &BTreeSet<MemberId>,
) -> Result<Resource, ChatError> {
    let resource = Resource::new(
        resource_kind(kind)?,
        resource_id(id.as_str())?,
        Owners::one(opener.clone()),
    );
    Ok(members.iter().fold(resource, |resource, member| {
        resource.shared_with(member.clone())
    }))
}

/// Everything `author` wrote in channel `id`, as a resource: theirs, in the channel, and
/// shared with `shared_with`.
pub(crate) fn messages_resource<'a>(
    id: &ChannelId,
    kind: ChannelKind,
    author: &MemberId,
    shared_with: impl IntoIterator<Item = &'a MemberId>,
) -> Result<Resource, ChatError> {
    let resource = Resource::new(
        kind_named("messages")?,
        resource_id(&format!("{id}.{author}"))?,
        Owners::one(author.clone()),
    )
    .in_parent(resource_kind(kind)?, resource_id(id.as_str())?);
    Ok(shared_with.into_iter().fold(resource, |resource, member| {
        resource.shared_with(member.clone())
    }))
}

pub(crate) fn resource_kind(kind: ChannelKind) -> Result<ResourceKind, ChatError> {
    kind_named(match kind {
        ChannelKind::Public => "public-channel",
        ChannelKind::Private | ChannelKind::Direct => "channel",
    })
}

fn kind_named(name: &str) -> Result<ResourceKind, ChatError> {
    name.parse()
        .map_err(|err: andel_consent::NameError| refused(err.to_string()))
}

fn resource_id(text: &str) -> Result<ResourceId, ChatError> {
    text.parse()
        .map_err(|err: andel_consent::NameError| refused(err.to_string()))
}
