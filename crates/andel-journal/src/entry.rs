//! Entries, drafts of entries, and the bytes their hashes cover.

use sha2::{Digest as _, Sha256};

use crate::{AuthorId, Digest, Kind, Payload, Salt, StreamId, Timestamp};

/// The domain tag that starts every entry hash's input.
pub const ENTRY_TAG: &str = "andel-journal-entry-v1";
/// The domain tag that starts every payload commitment's input.
pub const PAYLOAD_TAG: &str = "andel-journal-payload-v1";

/// What a caller asks to record; [`StreamHead::seal`](crate::StreamHead::seal) turns it
/// into an [`Entry`] with its place in a stream and its hashes.
///
/// ```
/// use andel_journal::{AuthorId, Draft, Kind, Payload};
///
/// let draft = Draft::new(
///     Kind::new("member.admitted")?,
///     Payload::from_json_str(r#"{"member":7}"#)?,
///     "2026-11-27T08:30:00Z".parse()?,
/// )
/// .by(AuthorId::new("secretary")?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub(crate) kind: Kind,
    pub(crate) payload: Payload,
    pub(crate) recorded_at: Timestamp,
    pub(crate) author: Option<AuthorId>,
    pub(crate) salt: Option<Salt>,
}

impl Draft {
    /// A draft with no author and a random salt drawn when it is sealed.
    pub fn new(kind: Kind, payload: Payload, recorded_at: Timestamp) -> Self {
        Draft {
            kind,
            payload,
            recorded_at,
            author: None,
            salt: None,
        }
    }

    /// Names who records the entry.
    #[must_use]
    pub fn by(mut self, author: AuthorId) -> Self {
        self.author = Some(author);
        self
    }

    /// Fixes the salt instead of drawing a random one: for tests and golden vectors.
    #[must_use]
    pub fn with_salt(mut self, salt: Salt) -> Self {
        self.salt = Some(salt);
        self
    }

    /// The kind.
    pub fn kind(&self) -> &Kind {
        &self.kind
    }

    /// The payload.
    pub fn payload(&self) -> &Payload {
        &self.payload
    }

    /// When it is recorded.
    pub fn recorded_at(&self) -> Timestamp {
        self.recorded_at
    }

    /// Who records it, if named.
    pub fn author(&self) -> Option<&AuthorId> {
        self.author.as_ref()
    }
}

/// An entry's payload and salt, or nothing once they were erased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// The payload is here, with the salt that opens its commitment.
    Present {
        /// The payload.
        payload: Payload,
        /// The salt.
        salt: Salt,
    },
    /// Payload and salt were erased; the commitment remains, so the chain still verifies.
    Redacted,
}

/// One recorded entry of a stream.
///
/// The entry hash covers the header (stream, seq, time, author, kind), the payload's
/// salted commitment and the previous entry's hash, but not the payload itself: that is
/// what lets a payload be erased without breaking the chain. The book's "Journal file"
/// chapter gives the hashed bytes one by one.
///
/// An `Entry` is data as recorded or as read back: one that came from a file or a
/// database may have been tampered with, which is what [`verify`](crate::verify) finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    stream: StreamId,
    seq: u64,
    recorded_at: Timestamp,
    author: Option<AuthorId>,
    kind: Kind,
    content: Content,
    commitment: Digest,
    prev: Digest,
    hash: Digest,
}

/// What replaying an entry needs: its sequence number, kind and payload (`None` once
/// erased), without who recorded it when and without the hashes that prove it.
///
/// [`JournalStore::read_bodies`](crate::JournalStore::read_bodies) reads these;
/// rebuilding state ([`Stored`](crate::Stored)) needs nothing more, and a store that
/// reads only these columns reads faster. Checking entries needs whole [`Entry`]s.
///
/// ```
/// use andel_journal::{Draft, EntryBody, Kind, Payload, StreamHead, StreamId};
///
/// let head = StreamHead::new(StreamId::new("members")?);
/// let payload = Payload::from_json_str(r#"{"member":7}"#)?;
/// let draft = Draft::new(Kind::new("member.admitted")?, payload.clone(), "2026-03-01T09:00:00Z".parse()?);
/// let body = EntryBody::from(head.seal(0, draft)?);
/// assert_eq!((body.seq(), body.kind().as_str()), (0, "member.admitted"));
/// assert_eq!(body.payload(), Some(&payload));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryBody {
    seq: u64,
    kind: Kind,
    payload: Option<Payload>,
}

impl EntryBody {
    /// A body read from storage: entry `seq` of its stream, of `kind`, holding
    /// `payload` (`None` when erased).
    pub fn new(seq: u64, kind: Kind, payload: Option<Payload>) -> Self {
        EntryBody { seq, kind, payload }
    }

    /// Its position in its stream.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// What kind of entry it is.
    pub fn kind(&self) -> &Kind {
        &self.kind
    }

    /// Its payload, unless erased.
    pub fn payload(&self) -> Option<&Payload> {
        self.payload.as_ref()
    }
}

impl From<Entry> for EntryBody {
    fn from(entry: Entry) -> Self {
        let payload = match entry.content {
            Content::Present { payload, .. } => Some(payload),
            Content::Redacted => None,
        };
        EntryBody {
            seq: entry.seq,
            kind: entry.kind,
            payload,
        }
    }
}

/// Every field of an [`Entry`], for storage backends and readers that rebuild entries
/// from their own rows. Nothing is checked here; [`verify`](crate::verify) checks.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)] // The fields are the entry's, documented on its getters.
pub struct EntryParts {
    pub stream: StreamId,
    pub seq: u64,
    pub recorded_at: Timestamp,
    pub author: Option<AuthorId>,
    pub kind: Kind,
    pub content: Content,
    pub commitment: Digest,
    pub prev: Digest,
    pub hash: Digest,
}

impl Entry {
    /// Rebuilds an entry from stored fields, without checking them.
    pub fn from_parts(parts: EntryParts) -> Self {
        let EntryParts {
            stream,
            seq,
            recorded_at,
            author,
            kind,
            content,
            commitment,
            prev,
            hash,
        } = parts;
        Entry {
            stream,
            seq,
            recorded_at,
            author,
            kind,
            content,
            commitment,
            prev,
            hash,
        }
    }

    /// Every field, for storage.
    pub fn into_parts(self) -> EntryParts {
        EntryParts {
            stream: self.stream,
            seq: self.seq,
            recorded_at: self.recorded_at,
            author: self.author,
            kind: self.kind,
            content: self.content,
            commitment: self.commitment,
            prev: self.prev,
            hash: self.hash,
        }
    }

    /// Seals a draft at a position: computes its commitment and hash.
    pub(crate) fn seal(stream: StreamId, seq: u64, prev: Digest, draft: Draft, salt: Salt) -> Self {
        let commitment = commitment(&salt, &draft.payload);
        let mut entry = Entry {
            stream,
            seq,
            recorded_at: draft.recorded_at,
            author: draft.author,
            kind: draft.kind,
            content: Content::Present {
                payload: draft.payload,
                salt,
            },
            commitment,
            prev,
            hash: Digest::ZERO,
        };
        entry.hash = entry.computed_hash();
        entry
    }

    /// The stream the entry belongs to.
    pub fn stream(&self) -> &StreamId {
        &self.stream
    }

    /// Its sequence number in the stream, from 0 without gaps.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// When it was recorded, as the caller said.
    pub fn recorded_at(&self) -> Timestamp {
        self.recorded_at
    }

    /// Who recorded it, if named.
    pub fn author(&self) -> Option<&AuthorId> {
        self.author.as_ref()
    }

    /// What it records.
    pub fn kind(&self) -> &Kind {
        &self.kind
    }

    /// Its payload and salt, or [`Content::Redacted`].
    pub fn content(&self) -> &Content {
        &self.content
    }

    /// Its payload, unless redacted.
    pub fn payload(&self) -> Option<&Payload> {
        match &self.content {
            Content::Present { payload, .. } => Some(payload),
            Content::Redacted => None,
        }
    }

    /// Its salt, unless redacted.
    pub fn salt(&self) -> Option<&Salt> {
        match &self.content {
            Content::Present { salt, .. } => Some(salt),
            Content::Redacted => None,
        }
    }

    /// Whether payload and salt were erased.
    pub fn is_redacted(&self) -> bool {
        self.content == Content::Redacted
    }

    /// The salted commitment to the payload.
    pub fn commitment(&self) -> &Digest {
        &self.commitment
    }

    /// The previous entry's hash in the stream ([`Digest::ZERO`] for seq 0).
    pub fn prev(&self) -> &Digest {
        &self.prev
    }

    /// The entry's hash, as recorded.
    pub fn hash(&self) -> &Digest {
        &self.hash
    }

    /// The same entry with payload and salt erased. Its hash does not change.
    #[must_use]
    pub fn redacted(mut self) -> Self {
        self.content = Content::Redacted;
        self
    }

    /// The hash the entry's fields call for; equal to [`Entry::hash`] unless tampered.
    pub fn computed_hash(&self) -> Digest {
        let mut h = Sha256::new();
        put_str(&mut h, ENTRY_TAG);
        put_str(&mut h, self.stream.as_str());
        h.update(self.seq.to_be_bytes());
        h.update(self.recorded_at.unix_seconds().to_be_bytes());
        h.update(self.recorded_at.subsec_nanos().to_be_bytes());
        match &self.author {
            None => h.update([0]),
            Some(author) => {
                h.update([1]);
                put_str(&mut h, author.as_str());
            }
        }
        put_str(&mut h, self.kind.as_str());
        h.update(self.commitment.as_bytes());
        h.update(self.prev.as_bytes());
        Digest::from_bytes(h.finalize().into())
    }
}

/// The salted commitment to a payload: what an entry keeps after redaction.
///
/// SHA-256 of the length-prefixed tag [`PAYLOAD_TAG`], the 32 salt bytes, and the
/// length-prefixed canonical JSON of the payload.
pub fn commitment(salt: &Salt, payload: &Payload) -> Digest {
    let mut h = Sha256::new();
    put_str(&mut h, PAYLOAD_TAG);
    h.update(salt.as_bytes());
    put_str(&mut h, payload.as_str());
    Digest::from_bytes(h.finalize().into())
}

/// Every string is hashed as its UTF-8 length (u32, big-endian) and its bytes, so no two
/// different field lists hash the same bytes.
fn put_str(h: &mut Sha256, s: &str) {
    // Ids are at most 128 bytes and payloads at most 4 MiB: the length fits in a u32.
    let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
    h.update(len.to_be_bytes());
    h.update(s.as_bytes());
}
