//! Entries and snapshots as table rows, the same for every backend, and the errors of
//! rows that cannot be read back.

use std::borrow::Cow;

use andel_journal::{
    AuthorId, Content, Digest, Entry, EntryBody, EntryParts, Kind, Payload, Salt, Snapshot,
    StateSnapshot, StoreError, StreamHead, StreamId, TenantId,
};

/// A journal row as read: columns decoded by the driver, not yet checked.
pub(crate) struct EntryRow {
    pub(crate) seq: i64,
    pub(crate) recorded_at: String,
    pub(crate) author: Option<String>,
    pub(crate) kind: String,
    pub(crate) payload: Option<String>,
    pub(crate) salt: Option<Vec<u8>>,
    pub(crate) commitment: Vec<u8>,
    pub(crate) prev: Vec<u8>,
    pub(crate) hash: Vec<u8>,
}

/// A row that does not hold a well-formed entry: edited by hand, or written by
/// something other than Andel. Tampering that keeps rows well-formed is what
/// [`andel_journal::verify`] reports.
#[derive(Debug, thiserror::Error)]
#[error("row {seq} of stream `{stream}` (tenant `{tenant}`) is not a well-formed entry: {problem}")]
pub struct CorruptRow {
    /// The tenant.
    pub tenant: TenantId,
    /// The row's `stream` column.
    pub stream: String,
    /// The row's `seq` column.
    pub seq: i64,
    /// What is wrong with it.
    pub problem: String,
}

impl EntryRow {
    /// Checks the row's columns and builds the entry it holds.
    pub(crate) fn into_entry(
        self,
        tenant: &TenantId,
        stream: &StreamId,
    ) -> Result<Entry, CorruptRow> {
        RowRef {
            seq: self.seq,
            recorded_at: &self.recorded_at,
            author: self.author.as_deref(),
            kind: &self.kind,
            payload: self.payload.map(Cow::Owned),
            salt: self.salt.as_deref(),
            commitment: &self.commitment,
            prev: &self.prev,
            hash: &self.hash,
        }
        .into_entry(tenant, stream, &mut Names::default())
    }
}

/// A journal row's columns borrowed from the driver's buffers, for readers that step
/// through many rows: only the payload is copied out.
pub(crate) struct RowRef<'r> {
    pub(crate) seq: i64,
    pub(crate) recorded_at: &'r str,
    pub(crate) author: Option<&'r str>,
    pub(crate) kind: &'r str,
    pub(crate) payload: Option<Cow<'r, str>>,
    pub(crate) salt: Option<&'r [u8]>,
    pub(crate) commitment: &'r [u8],
    pub(crate) prev: &'r [u8],
    pub(crate) hash: &'r [u8],
}

/// The author and kind names already checked in a read, reused for the rows that
/// repeat them (most rows of a stream share a handful of kinds and authors).
#[derive(Default)]
pub(crate) struct Names {
    author: Option<AuthorId>,
    kinds: Vec<Kind>,
}

/// How many distinct kinds a read remembers; rarer ones are checked each time.
const KINDS_KEPT: usize = 64;

impl Names {
    fn author(&mut self, name: &str) -> Result<AuthorId, String> {
        match &self.author {
            Some(author) if author.as_str() == name => Ok(author.clone()),
            _ => {
                let author = AuthorId::new(name).map_err(|err| err.to_string())?;
                self.author = Some(author.clone());
                Ok(author)
            }
        }
    }

    fn kind(&mut self, name: &str) -> Result<Kind, String> {
        if let Some(kind) = self.kinds.iter().find(|kind| kind.as_str() == name) {
            return Ok(kind.clone());
        }
        let kind = Kind::new(name).map_err(|err| err.to_string())?;
        if self.kinds.len() < KINDS_KEPT {
            self.kinds.push(kind.clone());
        }
        Ok(kind)
    }
}

impl RowRef<'_> {
    /// Checks the row's columns and builds the entry it holds, reusing the names in
    /// `names`.
    pub(crate) fn into_entry(
        self,
        tenant: &TenantId,
        stream: &StreamId,
        names: &mut Names,
    ) -> Result<Entry, CorruptRow> {
        let seq = self.seq;
        let corrupt = |problem: String| CorruptRow {
            tenant: tenant.clone(),
            stream: stream.to_string(),
            seq,
            problem,
        };
        let content = match (self.payload, self.salt) {
            (Some(text), Some(salt)) => Content::Present {
                payload: Payload::from_stored(text.into_owned())
                    .map_err(|err| corrupt(format!("payload: {err}")))?,
                salt: Salt::from_bytes(bytes32("salt", salt).map_err(corrupt)?),
            },
            (None, None) => Content::Redacted,
            _ => {
                return Err(corrupt(UNPAIRED.into()));
            }
        };
        Ok(Entry::from_parts(EntryParts {
            stream: stream.clone(),
            seq: u64::try_from(seq).map_err(|_| corrupt("negative seq".into()))?,
            recorded_at: self
                .recorded_at
                .parse()
                .map_err(|err| corrupt(format!("recorded_at: {err}")))?,
            author: self
                .author
                .map(|name| names.author(name))
                .transpose()
                .map_err(corrupt)?,
            kind: names.kind(self.kind).map_err(corrupt)?,
            content,
            commitment: digest("commitment", self.commitment).map_err(corrupt)?,
            prev: digest("prev", self.prev).map_err(corrupt)?,
            hash: digest("hash", self.hash).map_err(corrupt)?,
        }))
    }
}

/// The columns of a journal row that replay reads, borrowed from the driver's buffers.
pub(crate) struct BodyRef<'r> {
    pub(crate) seq: i64,
    pub(crate) kind: &'r str,
    pub(crate) payload: Option<&'r str>,
    pub(crate) salt_erased: bool,
}

impl BodyRef<'_> {
    /// Checks the row's columns and builds the body it holds, reusing the names in
    /// `names`.
    pub(crate) fn into_body(
        self,
        tenant: &TenantId,
        stream: &StreamId,
        names: &mut Names,
    ) -> Result<EntryBody, CorruptRow> {
        let corrupt = |problem: String| CorruptRow {
            tenant: tenant.clone(),
            stream: stream.to_string(),
            seq: self.seq,
            problem,
        };
        let payload = match (self.payload, self.salt_erased) {
            (Some(text), false) => Some(
                Payload::from_stored(text.to_owned())
                    .map_err(|err| corrupt(format!("payload: {err}")))?,
            ),
            (None, true) => None,
            _ => return Err(corrupt(UNPAIRED.into())),
        };
        let seq = u64::try_from(self.seq).map_err(|_| corrupt("negative seq".into()))?;
        let kind = names.kind(self.kind).map_err(corrupt)?;
        Ok(EntryBody::new(seq, kind, payload))
    }
}

/// What a row whose payload and salt disagree is told.
const UNPAIRED: &str = "payload and salt must be both present or both erased";

/// A snapshot row as read.
pub(crate) struct SnapshotRow {
    pub(crate) next_seq: i64,
    pub(crate) last_hash: Vec<u8>,
    pub(crate) state: String,
}

impl SnapshotRow {
    pub(crate) fn into_snapshot(
        self,
        tenant: &TenantId,
        stream: &StreamId,
    ) -> Result<Snapshot, CorruptRow> {
        let corrupt = |problem: String| CorruptRow {
            tenant: tenant.clone(),
            stream: stream.to_string(),
            seq: self.next_seq,
            problem: format!("snapshot: {problem}"),
        };
        let next_seq = u64::try_from(self.next_seq).map_err(|_| corrupt("negative seq".into()))?;
        let last_hash = digest("last_hash", &self.last_hash).map_err(corrupt)?;
        let state = canonical_payload(&self.state).map_err(corrupt)?;
        Ok(Snapshot::new(
            &StreamHead::at(stream.clone(), next_seq, last_hash),
            state,
        ))
    }
}

/// A row of `andel_states`.
pub(crate) struct StateRow {
    pub(crate) next_seq: i64,
    pub(crate) last_hash: Vec<u8>,
    pub(crate) state: Vec<u8>,
}

impl StateRow {
    pub(crate) fn into_state(
        self,
        tenant: &TenantId,
        stream: &StreamId,
    ) -> Result<StateSnapshot, CorruptRow> {
        let corrupt = |problem: String| CorruptRow {
            tenant: tenant.clone(),
            stream: stream.to_string(),
            seq: self.next_seq,
            problem: format!("saved state: {problem}"),
        };
        let next_seq = u64::try_from(self.next_seq).map_err(|_| corrupt("negative seq".into()))?;
        let last_hash = digest("last_hash", &self.last_hash).map_err(corrupt)?;
        Ok(StateSnapshot::new(
            &StreamHead::at(stream.clone(), next_seq, last_hash),
            self.state,
        ))
    }
}

/// A snapshot's state, stored as text, must be canonical JSON as it was saved: nothing
/// else (no commitment) would notice it changed shape.
fn canonical_payload(text: &str) -> Result<Payload, String> {
    let payload = Payload::from_json_str(text).map_err(|err| format!("payload: {err}"))?;
    if payload.as_str() != text {
        return Err("payload is not in canonical form".into());
    }
    Ok(payload)
}

fn bytes32(column: &str, bytes: &[u8]) -> Result<[u8; 32], String> {
    bytes
        .try_into()
        .map_err(|_| format!("{column} holds {} bytes, not 32", bytes.len()))
}

fn digest(column: &str, bytes: &[u8]) -> Result<Digest, String> {
    bytes32(column, bytes).map(Digest::from_bytes)
}

/// A sequence number as the `BIGINT` both backends store.
pub(crate) fn seq_column(seq: u64) -> i64 {
    // Sequence numbers start at 0 and grow by one; 2^63 appends are out of reach.
    i64::try_from(seq).unwrap_or(i64::MAX)
}

/// A database error, with what Andel was doing when it happened.
#[derive(Debug, thiserror::Error)]
#[error("{doing}: {source}")]
pub struct DatabaseError {
    /// What Andel was doing, naming the tenant and stream.
    pub doing: String,
    /// What the driver said.
    #[source]
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

/// Wraps a driver error as a store error that says what failed.
pub(crate) fn backend<E>(doing: impl FnOnce() -> String) -> impl FnOnce(E) -> StoreError
where
    E: std::error::Error + Send + Sync + 'static,
{
    move |source| {
        StoreError::Backend(Box::new(DatabaseError {
            doing: doing(),
            source: Box::new(source),
        }))
    }
}

impl From<CorruptRow> for StoreError {
    fn from(err: CorruptRow) -> Self {
        StoreError::Backend(Box::new(err))
    }
}

/// Whether the driver error is a unique-key violation: another writer took the seq.
pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .is_some_and(|db| db.is_unique_violation())
}

/// Tenant names read from the journal table, checked.
pub(crate) fn tenant_ids(names: Vec<String>) -> Result<Vec<TenantId>, StoreError> {
    names
        .into_iter()
        .map(|name| {
            TenantId::new(name.clone()).map_err(|err| {
                StoreError::Backend(Box::new(DatabaseError {
                    doing: format!("listing tenants: `{name}` is not a tenant name ({err})"),
                    source: Box::new(err),
                }))
            })
        })
        .collect()
}
