//! A journal as a whole, in a journal file or in a co-op's database: append, redact,
//! verify, the root of a stream and proofs against it, and moving a journal between a
//! database and a journal file with every hash unchanged.

use std::collections::HashMap;
use std::fmt;
use std::io::Write;
use std::path::Path;

use andel_journal::file::{FileError, JournalWriter};
use andel_journal::merkle::{ConsistencyDocument, Frontier, InclusionDocument, MerkleTree};
use andel_journal::{
    Digest, Draft, Entry, JournalStore, REPLAY_PAGE, Redaction, StreamHead, StreamId, Summary,
    Verifier, VerifyError,
};
use andel_store::file::JournalFile;

use crate::{Coop, ServiceError};

/// How often an append that lost a race to another writer is tried again: each round
/// at least one writer wins, so this outlasts far more concurrent writers than a co-op
/// has.
const CONFLICT_RETRIES: u32 = 64;

/// How many entries one import call carries: one transaction each.
const IMPORT_BATCH: usize = 1000;

/// Where a journal is: a journal file, or a co-op's database. Every use case here
/// answers the same whichever it is.
///
/// ```
/// use andel_journal::{Draft, Kind, Payload, StreamId};
/// use andel_service::Journal;
///
/// # tokio::runtime::Runtime::new()?.block_on(async {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("journal.ndjson");
/// let journal = Journal::File(&path);
/// let members = StreamId::new("members")?;
/// let admitted = Draft::new(Kind::new("member.admitted")?, Payload::new(&7)?, "2027-01-01T09:00:00Z".parse()?);
/// journal.append(&members, admitted).await?;
///
/// let root = journal.root(None, None).await?; // the only stream
/// let (proof, at) = journal.prove(&members, 0, None).await?;
/// assert_eq!((root.size, at), (1, root.root));
/// proof.check(&root.root, Some(1))?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub enum Journal<'a> {
    /// A journal file.
    File(&'a Path),
    /// One tenant's journal in a database.
    Store(&'a Coop),
}

/// Why a journal does not verify.
#[derive(Debug, thiserror::Error)]
pub enum Invalid {
    /// A journal file, at the line it names.
    #[error(transparent)]
    File(#[from] FileError),
    /// A database journal, at the entry it names.
    #[error(transparent)]
    Store(#[from] VerifyError),
}

/// A stream's size and Merkle root.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Root {
    /// The stream.
    pub stream: StreamId,
    /// How many of its entries the root covers.
    pub size: u64,
    /// The root.
    pub root: Digest,
}

/// What an export wrote.
#[derive(Debug)]
pub struct Exported {
    /// How many entries.
    pub entries: u64,
    /// Where the journal first fails to verify, if it does (it is exported in full
    /// anyway: it is the members' data).
    pub invalid: Option<VerifyError>,
}

/// What an import added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    /// Entries written.
    pub imported: u64,
    /// Entries the database held already.
    pub already: u64,
    /// Streams in the file.
    pub streams: usize,
}

/// Stops a file scan: the visitor's error, or the file's.
enum Stop<E> {
    Visit(E),
    File(andel_store::file::FileStoreError),
}

impl<E> From<andel_store::file::FileStoreError> for Stop<E> {
    fn from(err: andel_store::file::FileStoreError) -> Self {
        Stop::File(err)
    }
}

impl Journal<'_> {
    /// Reads and verifies the whole journal, handing every verified entry to `visit`.
    /// The outer error: the journal cannot be read, or `visit` stopped; the inner one:
    /// it does not verify, at the entry it names.
    ///
    /// # Errors
    ///
    /// A store or file that cannot be read, or `visit`'s error.
    pub async fn scan<E: From<ServiceError>>(
        &self,
        mut visit: impl FnMut(&Entry) -> Result<(), E>,
    ) -> Result<Result<Summary, Invalid>, E> {
        match self {
            Journal::File(path) => {
                match JournalFile::new(*path).scan(|entry| visit(entry).map_err(Stop::Visit)) {
                    Ok(result) => Ok(result.map_err(Invalid::from)),
                    Err(Stop::Visit(err)) => Err(err),
                    Err(Stop::File(err)) => Err(E::from(ServiceError::from(err))),
                }
            }
            Journal::Store(coop) => {
                let mut verifier = Verifier::new();
                let mut invalid = None;
                coop.for_each_entry::<E>(|entry| {
                    if invalid.is_none() {
                        match verifier.check(entry) {
                            Ok(()) => visit(entry)?,
                            Err(err) => invalid = Some(err),
                        }
                    }
                    Ok(())
                })
                .await?;
                Ok(match invalid {
                    Some(err) => Err(Invalid::Store(err)),
                    None => verifier.finish().map_err(Invalid::Store),
                })
            }
        }
    }

    /// Verifies the whole journal: the summary, or where it first fails.
    ///
    /// # Errors
    ///
    /// A store or file that cannot be read.
    pub async fn verify(&self) -> Result<Result<Summary, Invalid>, ServiceError> {
        self.scan(|_| Ok::<(), ServiceError>(())).await
    }

    /// Appends `draft` to `stream`, creating the file if needed. In a database an
    /// append does not depend on what the head is, so when another writer was first it
    /// reads the head again and retries, rather than failing.
    ///
    /// # Errors
    ///
    /// A file that does not verify, a store failure, or a draft the journal refuses.
    pub async fn append(&self, stream: &StreamId, draft: Draft) -> Result<Entry, ServiceError> {
        let store = match self {
            Journal::File(path) => return Ok(JournalFile::new(*path).append(stream, draft)?),
            Journal::Store(coop) => coop.journal(),
        };
        append_retrying(store.as_ref(), stream, vec![draft])
            .await?
            .pop()
            .ok_or_else(|| ServiceError::Refused("the store appended nothing".into()))
    }

    /// Erases the payload of `stream` seq `seq` and appends the redaction record.
    ///
    /// # Errors
    ///
    /// A missing or already erased entry, a file that does not verify, a store failure.
    pub async fn redact(
        &self,
        stream: &StreamId,
        seq: u64,
        redaction: Redaction,
    ) -> Result<Entry, ServiceError> {
        match self {
            Journal::File(path) => Ok(JournalFile::new(*path).redact(stream, seq, redaction)?),
            Journal::Store(coop) => Ok(coop.journal().redact(stream, seq, redaction).await?),
        }
    }

    /// The root of the first `size` entries of `stream` (all if `None`), or of the only
    /// stream when `stream` is `None`.
    ///
    /// # Errors
    ///
    /// A journal that does not verify, no such stream, a stream shorter than `size`.
    pub async fn root(
        &self,
        stream: Option<&StreamId>,
        size: Option<u64>,
    ) -> Result<Root, ServiceError> {
        let mut frontiers: HashMap<StreamId, Frontier> = HashMap::new();
        let summary = self
            .scan(|entry| {
                if stream.is_none_or(|s| s == entry.stream()) {
                    let frontier = frontiers.entry(entry.stream().clone()).or_default();
                    if size.is_none_or(|size| frontier.size() < size) {
                        frontier.push(entry.hash());
                    }
                }
                Ok::<(), ServiceError>(())
            })
            .await?
            .map_err(|err| self.unverified(err, "root"))?;
        let stream = pick_stream(stream, &summary)?;
        let frontier = frontiers.remove(&stream).unwrap_or_default();
        if let Some(size) = size
            && frontier.size() < size
        {
            return Err(ServiceError::TooShort {
                stream,
                entries: frontier.size(),
                size,
            });
        }
        Ok(Root {
            size: frontier.size(),
            root: frontier.root(),
            stream,
        })
    }

    /// Proves that `stream` seq `seq` is in the stream's tree of `size` entries (all if
    /// `None`); answers the proof and that tree's root.
    ///
    /// # Errors
    ///
    /// A journal that does not verify, no such entry, a size the stream does not reach.
    pub async fn prove(
        &self,
        stream: &StreamId,
        seq: u64,
        size: Option<u64>,
    ) -> Result<(InclusionDocument, Digest), ServiceError> {
        let mut tree = MerkleTree::default();
        let mut entry_hash = None;
        self.scan(|entry| {
            if entry.stream() == stream {
                tree.push(entry.hash());
                if entry.seq() == seq {
                    entry_hash = Some(*entry.hash());
                }
            }
            Ok::<(), ServiceError>(())
        })
        .await?
        .map_err(|err| self.unverified(err, "proof"))?;
        let entry_hash = entry_hash.ok_or_else(|| ServiceError::NoEntry {
            stream: stream.clone(),
            seq,
        })?;
        let size = size.unwrap_or(tree.size());
        let proof = tree.inclusion_proof(seq, size)?;
        let root = tree.root_at(size)?;
        Ok((
            InclusionDocument::new(stream.clone(), seq, entry_hash, proof),
            root,
        ))
    }

    /// Proves that `stream` (or the only stream) at `new_size` (all if `None`) only
    /// appended to its first `old_size` entries; answers the proof and both roots.
    ///
    /// # Errors
    ///
    /// A journal that does not verify, no such stream, sizes the stream does not reach.
    pub async fn consistency(
        &self,
        stream: Option<&StreamId>,
        old_size: u64,
        new_size: Option<u64>,
    ) -> Result<(ConsistencyDocument, Digest, Digest), ServiceError> {
        let mut trees: HashMap<StreamId, MerkleTree> = HashMap::new();
        let summary = self
            .scan(|entry| {
                if stream.is_none_or(|s| s == entry.stream()) {
                    let tree = trees.entry(entry.stream().clone()).or_default();
                    tree.push(entry.hash());
                }
                Ok::<(), ServiceError>(())
            })
            .await?
            .map_err(|err| self.unverified(err, "proof"))?;
        let stream = pick_stream(stream, &summary)?;
        let tree = trees.remove(&stream).unwrap_or_default();
        let new_size = new_size.unwrap_or(tree.size());
        let proof = tree.consistency_proof(old_size, new_size)?;
        let old_root = tree.root_at(old_size)?;
        let new_root = tree.root_at(new_size)?;
        Ok((ConsistencyDocument::new(stream, proof), old_root, new_root))
    }

    /// The refusal of a use case that only reads: nothing was going to change.
    fn unverified(&self, source: Invalid, what: &'static str) -> ServiceError {
        ServiceError::Unverified {
            journal: self.to_string(),
            what,
            source: Box::new(source),
        }
    }
}

impl fmt::Display for Journal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Journal::File(path) => write!(f, "{}", path.display()),
            Journal::Store(coop) => coop.fmt(f),
        }
    }
}

fn pick_stream(stream: Option<&StreamId>, summary: &Summary) -> Result<StreamId, ServiceError> {
    match (stream, summary.streams.as_slice()) {
        (Some(stream), _) if summary.stream(stream).is_none() => Err(ServiceError::NoStream {
            stream: stream.clone(),
        }),
        (Some(stream), _) => Ok(stream.clone()),
        (None, [only]) => Ok(only.stream.clone()),
        (None, []) => Err(ServiceError::EmptyJournal),
        (None, many) => Err(ServiceError::ChooseStream {
            streams: many.iter().map(|s| s.stream.clone()).collect(),
        }),
    }
}

impl Coop {
    /// Hands every entry of every stream to `visit`, a page at a time, stream by stream
    /// in name order.
    ///
    /// # Errors
    ///
    /// A store failure, or `visit`'s error.
    pub async fn for_each_entry<E: From<ServiceError>>(
        &self,
        mut visit: impl FnMut(&Entry) -> Result<(), E>,
    ) -> Result<(), E> {
        let store = self.journal();
        let streams = store.streams().await.map_err(ServiceError::from)?;
        for stream in &streams {
            let mut next = 0;
            loop {
                let page = store
                    .read(stream, next..next.saturating_add(REPLAY_PAGE))
                    .await
                    .map_err(ServiceError::from)?;
                for entry in &page {
                    visit(entry)?;
                }
                match page.last() {
                    Some(last) if page.len() as u64 == REPLAY_PAGE => next = last.seq() + 1,
                    _ => break,
                }
            }
        }
        Ok(())
    }

    /// Writes every stream of the tenant's journal to `out` as a journal file,
    /// verifying it on the way. A journal that does not verify is still written in
    /// full; [`Exported::invalid`] says where it first fails.
    ///
    /// # Errors
    ///
    /// A store failure, or `out` refusing a write.
    pub async fn export(&self, out: impl Write) -> Result<Exported, ServiceError> {
        let mut writer = JournalWriter::new(out);
        let mut verifier = Verifier::new();
        let mut invalid = None;
        let mut entries = 0u64;
        self.for_each_entry(|entry| {
            if invalid.is_none() {
                invalid = verifier.check(entry).err();
            }
            entries += 1;
            writer.write(entry).map_err(ServiceError::Write)
        })
        .await?;
        writer.get_mut().flush().map_err(ServiceError::Write)?;
        let invalid = match invalid {
            Some(err) => Some(err),
            None => verifier.finish().err(),
        };
        Ok(Exported { entries, invalid })
    }

    /// The database's heads, after checking that the file at `path` verifies and that
    /// each stream the database holds is a prefix of the file's; and the file's summary.
    pub(crate) async fn check_import(
        &self,
        path: &Path,
    ) -> Result<(HashMap<StreamId, StreamHead>, Summary), ServiceError> {
        let heads = self.heads().await?;
        let file = JournalFile::new(path);
        let refuse = |problem: String| ServiceError::Refused(problem);
        let summary = file
            .scan(|entry| {
                let Some(head) = heads.get(entry.stream()) else {
                    return Ok(());
                };
                if entry.seq() + 1 == head.next_seq() && entry.hash() != head.last_hash() {
                    return Err(refuse(format!(
                        "stream `{}` in {self} holds other entries than `{}`: entry {} differs; nothing was imported",
                        entry.stream(),
                        path.display(),
                        entry.seq()
                    )));
                }
                Ok(())
            })?
            .map_err(|err| {
                refuse(format!(
                    "`{}` does not verify, so nothing was imported: {err}",
                    path.display()
                ))
            })?;
        // A stream the file holds at least as far as the database was checked entry by
        // entry above; one it holds less of, or not at all, is refused here.
        for (stream, head) in &heads {
            let in_file = summary.stream(stream).map_or(0, |s| s.entries);
            if head.next_seq() > in_file {
                return Err(refuse(format!(
                    "stream `{stream}` in {self} holds more entries ({}) than in `{}` ({in_file}): nothing was imported",
                    head.next_seq(),
                    path.display()
                )));
            }
        }
        Ok((heads, summary))
    }

    /// Loads the journal file at `path` into the tenant's journal.
    ///
    /// The whole file is verified, and checked against what the database already holds,
    /// before anything is written: a stream the database already has must be a prefix
    /// of the file's (the same entries, by hash), and only the rest is imported. So
    /// importing twice changes nothing, and running an interrupted import again
    /// finishes it.
    ///
    /// # Errors
    ///
    /// A file that does not verify or holds other entries than the database (nothing
    /// imported), or a store failure part way (run it again to finish).
    pub async fn import_file(&self, path: &Path) -> Result<Imported, ServiceError> {
        let (heads, summary) = self.check_import(path).await?;
        self.import_checked(path, heads, &summary, &mut |_| {})
            .await
    }

    /// Writes what the database lacks of the file at `path`, which
    /// [`Coop::check_import`] checked against `heads` and summarised in `summary`,
    /// telling `progress` how many entries were written after each batch.
    pub(crate) async fn import_checked(
        &self,
        path: &Path,
        heads: HashMap<StreamId, StreamHead>,
        summary: &Summary,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<Imported, ServiceError> {
        let refuse = |problem: String| ServiceError::Refused(problem);
        // The file is read on a blocking thread and handed over a batch at a time, so
        // memory holds a few batches, never the file.
        let (batches, mut received) = tokio::sync::mpsc::channel::<(StreamId, Vec<Entry>)>(2);
        let reader = {
            let path = path.to_path_buf();
            tokio::task::spawn_blocking(move || read_batches(&path, &heads, &batches))
        };
        let mut imported = 0u64;
        while let Some((stream, batch)) = received.recv().await {
            let count = batch.len() as u64;
            self.journal().import(&stream, batch).await.map_err(|err| {
                refuse(format!(
                    "importing stream `{stream}` stopped after {imported} entries; run the import again to finish it: {err}"
                ))
            })?;
            imported += count;
            progress(imported);
        }
        let read = reader
            .await
            .map_err(|err| refuse(format!("reading `{}` failed: {err}", path.display())))??;
        read.map_err(|err| {
            refuse(format!(
                "`{}` changed while it was imported: {err}",
                path.display()
            ))
        })?;
        Ok(Imported {
            imported,
            already: summary.entries() - imported,
            streams: summary.streams.len(),
        })
    }

    /// The head of every stream the tenant already has (streams with entries only).
    async fn heads(&self) -> Result<HashMap<StreamId, StreamHead>, ServiceError> {
        let journal = self.journal();
        let mut heads = HashMap::new();
        for stream in journal.streams().await? {
            let head = journal.head(&stream).await?;
            if head.last_hash() != &Digest::ZERO {
                heads.insert(stream, head);
            }
        }
        Ok(heads)
    }
}

/// Reads the journal file at `path` and sends the entries each stream lacks beyond its
/// head in `heads`, in batches of [`IMPORT_BATCH`], in file order.
fn read_batches(
    path: &Path,
    heads: &HashMap<StreamId, StreamHead>,
    out: &tokio::sync::mpsc::Sender<(StreamId, Vec<Entry>)>,
) -> Result<Result<Summary, FileError>, ServiceError> {
    let stopped = || ServiceError::Refused("the import stopped".into());
    let mut batches: HashMap<StreamId, Vec<Entry>> = HashMap::new();
    let read = JournalFile::new(path).scan(|entry| {
        let skip = heads
            .get(entry.stream())
            .is_some_and(|head| entry.seq() < head.next_seq());
        if skip {
            return Ok(());
        }
        let batch = batches.entry(entry.stream().clone()).or_default();
        batch.push(entry.clone());
        if batch.len() >= IMPORT_BATCH {
            let full = std::mem::take(batch);
            out.blocking_send((entry.stream().clone(), full))
                .map_err(|_| stopped())?;
        }
        Ok::<(), ServiceError>(())
    })?;
    for (stream, batch) in batches {
        if !batch.is_empty() {
            out.blocking_send((stream, batch)).map_err(|_| stopped())?;
        }
    }
    Ok(read)
}

/// Appends `drafts` to `stream` in one batch (one transaction in a database), reading
/// the head again and retrying when another writer was first.
pub(crate) async fn append_retrying(
    store: &dyn JournalStore,
    stream: &StreamId,
    drafts: Vec<Draft>,
) -> Result<Vec<Entry>, ServiceError> {
    let mut attempt = 1;
    loop {
        let head = store.head(stream).await?;
        match store.append(stream, head.next_seq(), drafts.clone()).await {
            Err(err) if err.is_conflict() && attempt < CONFLICT_RETRIES => attempt += 1,
            done => return Ok(done?),
        }
    }
}
