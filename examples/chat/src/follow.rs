//! Following channels live, at scale: each channel followed here is read once for all
//! its followers (its tail), each entry made JSON once, and handed to every follower,
//! who checks only whether its author's words are theirs to see. A follower that falls
//! behind, or finds a gap, reads what it missed from the store, so nothing is lost or
//! sent twice whatever the timing.

use std::collections::HashMap;
use std::sync::{Arc, Weak};

use andel_consent::MemberId;
use andel_http::axum::body::Bytes;
use andel_journal::{EntryBody, StreamId};
use andel_service::ServiceError;
use tokio::sync::{Mutex, broadcast};

use crate::channel::ChannelEvent;
use crate::{ChannelId, Channels, ChatError, Delivered, MAX_ENTRIES, Reader};

/// How many entries a channel's tail keeps for followers who are a little behind; one
/// further behind reads the store.
const TAIL_BUFFER: usize = 4096;

/// An entry of a channel, read once for all its followers here.
#[derive(Debug)]
struct Told {
    seq: u64,
    /// Whose words it carries, if anyone's.
    author: Option<MemberId>,
    /// Whether it is a member leaving, and who.
    leaving: Option<MemberId>,
    delivered: Delivered,
    json: Bytes,
}

impl Told {
    fn of(reader_channel: &ChannelId, body: &EntryBody) -> Result<Told, ChatError> {
        let delivered = crate::channels::decode_body(reader_channel, body)?;
        let event = delivered.event.as_ref();
        let author = match event {
            Some(ChannelEvent::Posted { author, .. }) => Some(author.clone()),
            _ => None,
        };
        let leaving = match event {
            Some(ChannelEvent::Left { member }) => Some(member.clone()),
            _ => None,
        };
        let json = serde_json::to_vec(&delivered).map_err(|err| ChatError::Broken {
            channel: reader_channel.clone(),
            reason: format!("entry {} cannot be written as JSON: {err}", body.seq()),
        })?;
        Ok(Told {
            seq: delivered.seq,
            author,
            leaving,
            delivered,
            json: Bytes::from(json),
        })
    }
}

/// One entry for one follower: its JSON, ready to send.
#[derive(Debug, Clone)]
pub struct Sent {
    /// Its place in the stream.
    pub seq: u64,
    /// The `Delivered` as JSON.
    pub json: Bytes,
    /// Whether it is the follower leaving the channel: they follow it no more.
    pub leaves: bool,
}

/// The tails of the channels followed in this process.
#[derive(Debug, Default)]
pub(crate) struct Tails {
    open: Mutex<HashMap<ChannelId, broadcast::Sender<Arc<Told>>>>,
}

/// A member following a channel ([`Channels::follow`]).
#[derive(Debug)]
pub struct Following {
    channels: Arc<Channels>,
    reader: Reader,
    next: u64,
    told: broadcast::Receiver<Arc<Told>>,
    /// Whether the store holds nothing after `next` that the tail will not tell.
    caught_up: bool,
}

impl Channels {
    /// Follows the channel `reader` reads, from seq `after`: [`Following::next`] gives
    /// each entry from there on once, in order, as it is recorded.
    ///
    /// # Errors
    ///
    /// A store failure.
    pub async fn follow(
        self: &Arc<Self>,
        reader: Reader,
        after: u64,
    ) -> Result<Following, ChatError> {
        let told = self.tail(reader.channel()).await?;
        Ok(Following {
            channels: Arc::clone(self),
            reader,
            next: after,
            told,
            caught_up: false,
        })
    }

    /// A receiver of channel `id`'s tail, started if need be.
    async fn tail(
        self: &Arc<Self>,
        id: &ChannelId,
    ) -> Result<broadcast::Receiver<Arc<Told>>, ChatError> {
        let mut open = self.tails.open.lock().await;
        if let Some(sender) = open.get(id) {
            return Ok(sender.subscribe());
        }
        let stream = id.stream()?;
        let next = self
            .coop()
            .journal()
            .head(&stream)
            .await
            .map_err(ServiceError::from)?
            .next_seq();
        let (sender, receiver) = broadcast::channel(TAIL_BUFFER);
        open.insert(id.clone(), sender.clone());
        let changes = self.changes();
        tokio::spawn(tail(
            Arc::downgrade(self),
            id.clone(),
            stream,
            sender,
            next,
            changes,
        ));
        Ok(receiver)
    }
}

/// Reads channel `id` as it grows, telling `sender`'s receivers each entry, until none
/// is left.
async fn tail(
    channels: Weak<Channels>,
    id: ChannelId,
    stream: StreamId,
    sender: broadcast::Sender<Arc<Told>>,
    mut next: u64,
    mut changes: broadcast::Receiver<ChannelId>,
) {
    loop {
        let Some(strong) = channels.upgrade() else {
            return;
        };
        loop {
            let end = next.saturating_add(MAX_ENTRIES);
            let bodies = match strong
                .coop()
                .journal()
                .read_bodies(&stream, next..end)
                .await
            {
                Ok(bodies) => bodies,
                Err(err) => {
                    tracing::warn!(%err, channel = %id, "a channel's tail could not read; its followers read for themselves");
                    break;
                }
            };
            let Some(last) = bodies.last() else { break };
            next = last.seq() + 1;
            for body in &bodies {
                match Told::of(&id, body) {
                    Ok(told) => {
                        let _ = sender.send(Arc::new(told));
                    }
                    // Followers find the gap and read the store, which says what is wrong.
                    Err(err) => {
                        tracing::warn!(%err, channel = %id, "a channel's tail skips an entry")
                    }
                }
            }
        }
        {
            // No one follows: the tail ends (under the lock, so no one joins meanwhile).
            let mut open = strong.tails.open.lock().await;
            if sender.receiver_count() == 0 {
                open.remove(&id);
                return;
            }
        }
        drop(strong);
        loop {
            match changes.recv().await {
                Ok(changed) if changed == id => break,
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(_)) => break,
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }
}

impl Following {
    /// The channel's reader.
    pub fn reader(&self) -> &Reader {
        &self.reader
    }

    /// The next entries, in order, each once; waits until there is one.
    ///
    /// Cancel-safe: dropped before it answers, nothing is lost (the next call finds
    /// the gap and reads it from the store).
    ///
    /// # Errors
    ///
    /// A store failure, or an entry that is not a channel event.
    pub async fn next(&mut self) -> Result<Vec<Sent>, ChatError> {
        loop {
            if !self.caught_up {
                let entries = self.channels.entries(&mut self.reader, self.next).await?;
                if let Some(last) = entries.last() {
                    self.next = last.seq + 1;
                    return entries.iter().map(|d| self.sent(d, None)).collect();
                }
                self.caught_up = true;
            }
            match self.told.recv().await {
                Ok(told) if told.seq < self.next => {}
                // Something between was not told here: read it from the store.
                Ok(told) if told.seq > self.next => self.caught_up = false,
                Ok(told) => {
                    let sent = self.sent_told(&told).await?;
                    self.next = told.seq + 1;
                    return Ok(vec![sent]);
                }
                Err(broadcast::error::RecvError::Lagged(_)) => self.caught_up = false,
                Err(broadcast::error::RecvError::Closed) => {
                    self.told = self.channels.tail(self.reader.channel()).await?;
                    self.caught_up = false;
                }
            }
        }
    }

    /// A told entry as this follower may see it.
    async fn sent_told(&mut self, told: &Told) -> Result<Sent, ChatError> {
        if let Some(author) = &told.author {
            if !self.reader.has_decided(author) {
                let author = [author.clone()].into();
                self.channels
                    .decide_new_authors(&mut self.reader, author)
                    .await?;
            }
            if !self.reader.may_read(author) {
                let withheld = Delivered {
                    event: None,
                    ..told.delivered.clone()
                };
                return self.sent(&withheld, told.leaving.as_ref());
            }
        }
        Ok(Sent {
            seq: told.seq,
            json: told.json.clone(),
            leaves: told.leaving.as_ref() == Some(self.reader.member()),
        })
    }

    fn sent(&self, delivered: &Delivered, leaving: Option<&MemberId>) -> Result<Sent, ChatError> {
        let leaving = leaving.or(match &delivered.event {
            Some(ChannelEvent::Left { member }) => Some(member),
            _ => None,
        });
        let json = serde_json::to_vec(delivered).map_err(|err| ChatError::Broken {
            channel: self.reader.channel().clone(),
            reason: format!("entry {} cannot be written as JSON: {err}", delivered.seq),
        })?;
        Ok(Sent {
            seq: delivered.seq,
            json: Bytes::from(json),
            leaves: leaving == Some(self.reader.member()),
        })
    }
}
