//! The journal and snapshot stores over SQL, written once for both backends.
//!
//! The two backends run the same statements (SQLite accepts PostgreSQL's `$1`
//! placeholders) and differ only in the driver types, which is what the macro fills in.
//! Everything a store decides (sealing, admitting imported entries, redaction) is
//! `andel-journal`'s; this code only moves rows.

use andel_journal::{StreamHead, StreamId};

/// Statements shared by both backends.
pub(crate) mod statements {
    pub(crate) const HEAD: &str = "SELECT seq, hash FROM andel_journal \
         WHERE tenant = $1 AND stream = $2 ORDER BY seq DESC LIMIT 1";
    pub(crate) const READ: &str = "SELECT seq, recorded_at, author, kind, payload, salt, \
         commitment, prev, hash FROM andel_journal \
         WHERE tenant = $1 AND stream = $2 AND seq >= $3 AND seq < $4 ORDER BY seq";
    /// What replay reads: the entry's body, and whether its salt was erased (the
    /// salt and payload go together).
    pub(crate) const READ_BODIES: &str = "SELECT seq, kind, payload, salt IS NULL \
         FROM andel_journal \
         WHERE tenant = $1 AND stream = $2 AND seq >= $3 AND seq < $4 ORDER BY seq";
    pub(crate) const INSERT: &str = "INSERT INTO andel_journal \
         (tenant, stream, seq, recorded_at, author, kind, payload, salt, commitment, prev, hash) ";
    pub(crate) const ERASE: &str = "UPDATE andel_journal SET payload = NULL, salt = NULL \
         WHERE tenant = $1 AND stream = $2 AND seq = $3";
    /// A skip scan over the `(tenant, stream, seq)` index: one index seek per stream,
    /// where `SELECT DISTINCT` would read every entry of the tenant (the audit journal
    /// alone holds one per access decided).
    pub(crate) const STREAMS: &str = "WITH RECURSIVE streams(stream) AS ( \
         SELECT MIN(stream) FROM andel_journal WHERE tenant = $1 \
         UNION ALL \
         SELECT (SELECT MIN(stream) FROM andel_journal WHERE tenant = $1 AND stream > streams.stream) \
         FROM streams WHERE streams.stream IS NOT NULL) \
         SELECT stream FROM streams WHERE stream IS NOT NULL ORDER BY stream";
    pub(crate) const TENANTS: &str = "SELECT DISTINCT tenant FROM andel_journal ORDER BY tenant";
    pub(crate) const SAVE_SNAPSHOT: &str = "INSERT INTO andel_snapshots \
         (tenant, projection, stream, next_seq, last_hash, state) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (tenant, projection, stream) DO UPDATE SET \
         next_seq = excluded.next_seq, last_hash = excluded.last_hash, state = excluded.state \
         WHERE andel_snapshots.next_seq <= excluded.next_seq";
    pub(crate) const INDEXED_TO: &str = "SELECT next_seq FROM andel_subject_marks \
         WHERE tenant = $1 AND stream = $2";
    pub(crate) const INSERT_SUBJECTS: &str =
        "INSERT INTO andel_subjects (tenant, stream, subject, seq) ";
    pub(crate) const SUBJECTS_CONFLICT: &str = " ON CONFLICT DO NOTHING";
    pub(crate) const MARK_INDEXED: &str = "INSERT INTO andel_subject_marks \
         (tenant, stream, next_seq) VALUES ($1, $2, $3) \
         ON CONFLICT (tenant, stream) DO UPDATE SET next_seq = excluded.next_seq \
         WHERE andel_subject_marks.next_seq < excluded.next_seq";
    /// The entries about one subject: a range of the subject index's key, each joined
    /// to its entry by the journal's key; redacted entries are left out.
    pub(crate) const READ_ABOUT: &str = "SELECT j.seq, j.recorded_at, j.author, j.kind, \
         j.payload, j.salt, j.commitment, j.prev, j.hash \
         FROM andel_subjects s JOIN andel_journal j \
         ON j.tenant = s.tenant AND j.stream = s.stream AND j.seq = s.seq \
         WHERE s.tenant = $1 AND s.stream = $2 AND s.subject = $3 \
         AND s.seq >= $4 AND s.seq < $5 AND j.payload IS NOT NULL ORDER BY s.seq";
    pub(crate) const UNINDEX: &str = "DELETE FROM andel_subjects \
         WHERE tenant = $1 AND stream = $2 AND seq = $3";
    /// Caches of a replay over a stream, which may hold what an erasure erased.
    pub(crate) const FORGET_SNAPSHOTS: &str = "DELETE FROM andel_snapshots \
         WHERE tenant = $1 AND stream = $2";
    pub(crate) const FORGET_STATES: &str = "DELETE FROM andel_states \
         WHERE tenant = $1 AND stream = $2";
    pub(crate) const SAVE_STATE: &str = "INSERT INTO andel_states \
         (tenant, format, stream, next_seq, last_hash, state) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (tenant, format, stream) DO UPDATE SET \
         next_seq = excluded.next_seq, last_hash = excluded.last_hash, state = excluded.state \
         WHERE andel_states.next_seq <= excluded.next_seq";
    pub(crate) const LOAD_STATE: &str = "SELECT next_seq, last_hash, state FROM andel_states \
         WHERE tenant = $1 AND format = $2 AND stream = $3";
    pub(crate) const LOAD_SNAPSHOT: &str = "SELECT next_seq, last_hash, state FROM andel_snapshots \
         WHERE tenant = $1 AND projection = $2 AND stream = $3";
}

/// How many rows one INSERT statement carries (11 parameters each: well under both
/// backends' parameter limits).
pub(crate) const INSERT_CHUNK: usize = 500;

/// How many subject rows one INSERT statement carries (4 parameters each).
pub(crate) const SUBJECT_CHUNK: usize = 2_000;

/// How often a redaction is retried when another writer appended to the stream between
/// reading its head and writing the record.
pub(crate) const REDACT_ATTEMPTS: usize = 16;

/// The head of each stream as one store handle last wrote or read it: a hint that
/// saves reading the head before each append, never trusted past the unique key.
#[derive(Debug, Default)]
pub(crate) struct HeadCache(std::sync::Mutex<std::collections::HashMap<StreamId, StreamHead>>);

impl HeadCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<StreamId, StreamHead>> {
        // The map holds hints only; one left mid-update by a panic is still a map of hints.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn get(&self, stream: &StreamId) -> Option<StreamHead> {
        self.lock().get(stream).cloned()
    }

    /// Keeps `head` unless a later one is already known (heads only move forward).
    pub(crate) fn remember(&self, head: &StreamHead) {
        let mut heads = self.lock();
        let known = heads.get(head.stream()).map_or(0, StreamHead::next_seq);
        if head.next_seq() >= known {
            heads.insert(head.stream().clone(), head.clone());
        }
    }

    pub(crate) fn forget(&self, stream: &StreamId) {
        self.lock().remove(stream);
    }
}

/// Implements `JournalStore`, `SubjectIndex` and `SnapshotStore` for `$store`, a struct with fields
/// `pool: sqlx::Pool<$db>`, `tenant: TenantId` and `heads: Arc<HeadCache>`, and methods
/// `read_entries` and `read_entry_bodies` (the backend's fastest ways to read a range of
/// rows, whole or for replay) and
/// `after_erasure` (removes what the backend keeps of erased rows); `$begin` opens a
/// transaction that reads, then writes.
///
/// Appends need no transaction: the handle remembers each stream's head as it last
/// wrote or read it, seals against it, and writes the batch in one INSERT. If another
/// writer got there first, the unique key on `(tenant, stream, seq)` refuses the INSERT
/// and the append is a conflict, as it would be had the head been read first. So an
/// append costs one statement, as a raw INSERT does.
macro_rules! sql_store {
    ($store:ident, $db:ty, $begin:literal) => {
        impl $store {
            fn doing(
                &self,
                what: std::fmt::Arguments<'_>,
            ) -> impl FnOnce(sqlx::Error) -> StoreError + use<> {
                let doing = format!("{what} (tenant `{}`)", self.tenant);
                $crate::rows::backend(move || doing)
            }

            async fn begin(
                &self,
                stream: &StreamId,
            ) -> Result<sqlx::Transaction<'static, $db>, StoreError> {
                self.pool
                    .begin_with($begin)
                    .await
                    .map_err(self.doing(format_args!("starting a write to stream `{stream}`")))
            }

            async fn head_in(
                &self,
                conn: &mut <$db as sqlx::Database>::Connection,
                stream: &StreamId,
            ) -> Result<StreamHead, StoreError> {
                let row = sqlx::query($crate::sql::statements::HEAD)
                    .bind(self.tenant.as_str())
                    .bind(stream.as_str())
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(self.doing(format_args!("reading the head of stream `{stream}`")))?;
                let Some(row) = row else {
                    return Ok(StreamHead::new(stream.clone()));
                };
                let (seq, hash): (i64, Vec<u8>) = (|| Ok((row.try_get(0)?, row.try_get(1)?)))()
                    .map_err(self.doing(format_args!("reading the head of stream `{stream}`")))?;
                let corrupt = |problem: String| $crate::rows::CorruptRow {
                    tenant: self.tenant.clone(),
                    stream: stream.to_string(),
                    seq,
                    problem,
                };
                let hash = <[u8; 32]>::try_from(hash.as_slice())
                    .map_err(|_| corrupt(format!("hash holds {} bytes, not 32", hash.len())))?;
                let next = u64::try_from(seq)
                    .map_err(|_| corrupt("negative seq".into()))?
                    .saturating_add(1);
                Ok(StreamHead::at(
                    stream.clone(),
                    next,
                    Digest::from_bytes(hash),
                ))
            }

            async fn insert_in(
                &self,
                conn: &mut <$db as sqlx::Database>::Connection,
                entries: &[Entry],
            ) -> Result<(), sqlx::Error> {
                for chunk in entries.chunks($crate::sql::INSERT_CHUNK) {
                    let mut insert =
                        sqlx::QueryBuilder::<$db>::new($crate::sql::statements::INSERT);
                    insert.push_values(chunk, |mut row, entry| {
                        row.push_bind(self.tenant.as_str())
                            .push_bind(entry.stream().as_str())
                            .push_bind($crate::rows::seq_column(entry.seq()))
                            .push_bind(entry.recorded_at().to_string())
                            .push_bind(entry.author().map(AuthorId::as_str))
                            .push_bind(entry.kind().as_str())
                            .push_bind(entry.payload().map(Payload::as_str))
                            .push_bind(entry.salt().map(|salt| salt.as_bytes().as_slice()))
                            .push_bind(entry.commitment().as_bytes().as_slice())
                            .push_bind(entry.prev().as_bytes().as_slice())
                            .push_bind(entry.hash().as_bytes().as_slice());
                    });
                    insert.build().execute(&mut *conn).await?;
                }
                Ok(())
            }

            /// The head to seal against: the one this handle last wrote or read, if it
            /// is where the caller expects the stream to be; otherwise read afresh.
            async fn head_for(
                &self,
                stream: &StreamId,
                expected_seq: u64,
            ) -> Result<StreamHead, StoreError> {
                match self.heads.get(stream) {
                    Some(head) if head.next_seq() == expected_seq => Ok(head),
                    _ => self.fresh_head(stream).await,
                }
            }

            async fn fresh_head(&self, stream: &StreamId) -> Result<StreamHead, StoreError> {
                let head = JournalStore::head(self, stream).await?;
                self.heads.remember(&head);
                Ok(head)
            }

            /// Writes entries sealed against `head`: one statement (atomic on its own)
            /// for a batch that fits in one, a transaction otherwise.
            async fn write(
                &self,
                stream: &StreamId,
                head: &StreamHead,
                entries: &[Entry],
            ) -> Result<(), StoreError> {
                let written = if entries.len() <= $crate::sql::INSERT_CHUNK {
                    match self.pool.acquire().await {
                        Ok(mut conn) => self.insert_in(&mut conn, entries).await,
                        Err(err) => Err(err),
                    }
                } else {
                    match self.pool.begin().await {
                        Ok(mut tx) => match self.insert_in(&mut tx, entries).await {
                            Ok(()) => tx.commit().await,
                            Err(err) => Err(err),
                        },
                        Err(err) => Err(err),
                    }
                };
                self.settle(stream, head, entries, written).await
            }

            /// Writes entries checked against `head` inside `tx` and commits.
            async fn commit_entries(
                &self,
                mut tx: sqlx::Transaction<'static, $db>,
                stream: &StreamId,
                head: &StreamHead,
                entries: &[Entry],
            ) -> Result<(), StoreError> {
                let written = match self.insert_in(&mut tx, entries).await {
                    Ok(()) => tx.commit().await,
                    Err(err) => Err(err),
                };
                self.settle(stream, head, entries, written).await
            }

            /// After a write: moves the cached head, or turns a unique-key violation
            /// (another writer took a seq first) into a conflict that says where the
            /// stream really is.
            async fn settle(
                &self,
                stream: &StreamId,
                head: &StreamHead,
                entries: &[Entry],
                written: Result<(), sqlx::Error>,
            ) -> Result<(), StoreError> {
                match written {
                    Ok(()) => {
                        if let Some(last) = entries.last() {
                            let mut moved = head.clone();
                            moved.advance(last);
                            self.heads.remember(&moved);
                        }
                        Ok(())
                    }
                    Err(err) if $crate::rows::is_unique_violation(&err) => {
                        let actual = self.fresh_head(stream).await?.next_seq();
                        Err(StoreError::Append(AppendError::Conflict {
                            stream: stream.clone(),
                            expected: head.next_seq(),
                            actual,
                        }))
                    }
                    Err(err) => {
                        self.heads.forget(stream);
                        Err(self.doing(format_args!("writing to stream `{stream}`"))(
                            err,
                        ))
                    }
                }
            }

            async fn read_in(
                &self,
                conn: &mut <$db as sqlx::Database>::Connection,
                stream: &StreamId,
                range: std::ops::Range<u64>,
            ) -> Result<Vec<Entry>, StoreError> {
                let reading = || format!("reading stream `{stream}` (tenant `{}`)", self.tenant);
                if range.start >= range.end {
                    return Ok(Vec::new());
                }
                let rows = sqlx::query($crate::sql::statements::READ)
                    .bind(self.tenant.as_str())
                    .bind(stream.as_str())
                    .bind($crate::rows::seq_column(range.start))
                    .bind($crate::rows::seq_column(range.end))
                    .fetch_all(&mut *conn)
                    .await
                    .map_err($crate::rows::backend(reading))?;
                self.entries_from(&rows, stream, reading)
            }

            /// Entries from rows of the columns `statements::READ` selects.
            fn entries_from(
                &self,
                rows: &[<$db as sqlx::Database>::Row],
                stream: &StreamId,
                reading: impl Fn() -> String + Copy,
            ) -> Result<Vec<Entry>, StoreError> {
                rows.iter()
                    .map(|row| {
                        let row = $crate::rows::EntryRow {
                            seq: row.try_get(0)?,
                            recorded_at: row.try_get(1)?,
                            author: row.try_get(2)?,
                            kind: row.try_get(3)?,
                            payload: row.try_get(4)?,
                            salt: row.try_get(5)?,
                            commitment: row.try_get(6)?,
                            prev: row.try_get(7)?,
                            hash: row.try_get(8)?,
                        };
                        Ok(row)
                    })
                    .map(|row: Result<_, sqlx::Error>| {
                        let row = row.map_err($crate::rows::backend(reading))?;
                        Ok(row.into_entry(&self.tenant, stream)?)
                    })
                    .collect()
            }

            async fn index_in(
                &self,
                conn: &mut <$db as sqlx::Database>::Connection,
                stream: &StreamId,
                rows: &[(SubjectId, u64)],
                indexed_to: u64,
            ) -> Result<(), sqlx::Error> {
                for chunk in rows.chunks($crate::sql::SUBJECT_CHUNK) {
                    let mut insert =
                        sqlx::QueryBuilder::<$db>::new($crate::sql::statements::INSERT_SUBJECTS);
                    insert.push_values(chunk, |mut row, (subject, seq)| {
                        row.push_bind(self.tenant.as_str())
                            .push_bind(stream.as_str())
                            .push_bind(subject.as_str())
                            .push_bind($crate::rows::seq_column(*seq));
                    });
                    insert.push($crate::sql::statements::SUBJECTS_CONFLICT);
                    insert.build().execute(&mut *conn).await?;
                }
                sqlx::query($crate::sql::statements::MARK_INDEXED)
                    .bind(self.tenant.as_str())
                    .bind(stream.as_str())
                    .bind($crate::rows::seq_column(indexed_to))
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            }

            async fn try_redact(
                &self,
                stream: &StreamId,
                seq: u64,
                redaction: Redaction,
            ) -> Result<Entry, StoreError> {
                let mut tx = self.begin(stream).await?;
                let not_found = || RedactError {
                    stream: stream.clone(),
                    seq,
                    problem: RedactProblem::NotFound,
                };
                let target = self
                    .read_in(&mut tx, stream, seq..seq.saturating_add(1))
                    .await?
                    .pop()
                    .ok_or_else(not_found)?;
                let head = self.head_in(&mut tx, stream).await?;
                let record = head.seal_redaction(&target, redaction)?;
                sqlx::query($crate::sql::statements::ERASE)
                    .bind(self.tenant.as_str())
                    .bind(stream.as_str())
                    .bind($crate::rows::seq_column(seq))
                    .execute(&mut *tx)
                    .await
                    .map_err(
                        self.doing(format_args!("erasing entry {seq} of stream `{stream}`")),
                    )?;
                sqlx::query($crate::sql::statements::UNINDEX)
                    .bind(self.tenant.as_str())
                    .bind(stream.as_str())
                    .bind($crate::rows::seq_column(seq))
                    .execute(&mut *tx)
                    .await
                    .map_err(self.doing(format_args!(
                        "dropping entry {seq} of stream `{stream}` from the subject index"
                    )))?;
                for forget in [
                    $crate::sql::statements::FORGET_SNAPSHOTS,
                    $crate::sql::statements::FORGET_STATES,
                ] {
                    sqlx::query(forget)
                        .bind(self.tenant.as_str())
                        .bind(stream.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(self.doing(format_args!(
                            "dropping the snapshots over stream `{stream}` after an erasure"
                        )))?;
                }
                self.commit_entries(tx, stream, &head, std::slice::from_ref(&record))
                    .await?;
                Ok(record)
            }
        }

        #[async_trait::async_trait]
        impl JournalStore for $store {
            async fn append(
                &self,
                stream: &StreamId,
                expected_seq: u64,
                drafts: Vec<Draft>,
            ) -> Result<Vec<Entry>, StoreError> {
                let head = self.head_for(stream, expected_seq).await?;
                let sealed = head.seal_all(expected_seq, drafts)?;
                self.write(stream, &head, &sealed).await?;
                Ok(sealed)
            }

            async fn read(
                &self,
                stream: &StreamId,
                range: std::ops::Range<u64>,
            ) -> Result<Vec<Entry>, StoreError> {
                self.read_entries(stream, range).await
            }

            async fn read_bodies(
                &self,
                stream: &StreamId,
                range: std::ops::Range<u64>,
            ) -> Result<Vec<andel_journal::EntryBody>, StoreError> {
                self.read_entry_bodies(stream, range).await
            }

            async fn head(&self, stream: &StreamId) -> Result<StreamHead, StoreError> {
                let mut conn =
                    self.pool.acquire().await.map_err(
                        self.doing(format_args!("reading the head of stream `{stream}`")),
                    )?;
                self.head_in(&mut conn, stream).await
            }

            async fn redact(
                &self,
                stream: &StreamId,
                seq: u64,
                redaction: Redaction,
            ) -> Result<Entry, StoreError> {
                let mut attempts = 1;
                loop {
                    match self.try_redact(stream, seq, redaction.clone()).await {
                        Err(err)
                            if err.is_conflict() && attempts < $crate::sql::REDACT_ATTEMPTS =>
                        {
                            attempts += 1;
                        }
                        Ok(record) => {
                            self.after_erasure(stream).await?;
                            return Ok(record);
                        }
                        Err(err) => return Err(err),
                    }
                }
            }

            async fn import(
                &self,
                stream: &StreamId,
                entries: Vec<Entry>,
            ) -> Result<(), StoreError> {
                let first = entries.first().map_or(0, Entry::seq);
                let head = self.head_for(stream, first).await?;
                head.admit(&entries)?;
                self.write(stream, &head, &entries).await
            }

            async fn streams(&self) -> Result<Vec<StreamId>, StoreError> {
                let listing = || format!("listing streams (tenant `{}`)", self.tenant);
                let names: Vec<String> = sqlx::query_scalar($crate::sql::statements::STREAMS)
                    .bind(self.tenant.as_str())
                    .fetch_all(&self.pool)
                    .await
                    .map_err($crate::rows::backend(listing))?;
                names
                    .into_iter()
                    .map(|name| {
                        StreamId::new(name.clone()).map_err(|err| {
                            StoreError::from($crate::rows::CorruptRow {
                                tenant: self.tenant.clone(),
                                stream: name,
                                seq: 0,
                                problem: err.to_string(),
                            })
                        })
                    })
                    .collect()
            }

            async fn listen(
                &self,
            ) -> Result<Option<Box<dyn andel_journal::AppendListener>>, StoreError> {
                self.listen_appends().await
            }
        }

        #[async_trait::async_trait]
        impl SubjectIndex for $store {
            async fn indexed_to(&self, stream: &StreamId) -> Result<u64, StoreError> {
                let mark: Option<i64> = sqlx::query_scalar($crate::sql::statements::INDEXED_TO)
                    .bind(self.tenant.as_str())
                    .bind(stream.as_str())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(
                        self.doing(format_args!("reading how far stream `{stream}` is indexed")),
                    )?;
                Ok(mark.map_or(0, |seq| u64::try_from(seq).unwrap_or(0)))
            }

            async fn index(
                &self,
                stream: &StreamId,
                rows: Vec<(SubjectId, u64)>,
                indexed_to: u64,
            ) -> Result<(), StoreError> {
                let indexing = self.doing(format_args!("indexing stream `{stream}` by subject"));
                let written = match self.pool.begin().await {
                    Ok(mut tx) => match self.index_in(&mut tx, stream, &rows, indexed_to).await {
                        Ok(()) => tx.commit().await,
                        Err(err) => Err(err),
                    },
                    Err(err) => Err(err),
                };
                written.map_err(indexing)
            }

            async fn read_about(
                &self,
                stream: &StreamId,
                subject: &SubjectId,
                range: std::ops::Range<u64>,
            ) -> Result<Vec<Entry>, StoreError> {
                let reading = || {
                    format!(
                        "reading stream `{stream}` by subject (tenant `{}`)",
                        self.tenant
                    )
                };
                if range.start >= range.end {
                    return Ok(Vec::new());
                }
                let rows = sqlx::query($crate::sql::statements::READ_ABOUT)
                    .bind(self.tenant.as_str())
                    .bind(stream.as_str())
                    .bind(subject.as_str())
                    .bind($crate::rows::seq_column(range.start))
                    .bind($crate::rows::seq_column(range.end))
                    .fetch_all(&self.pool)
                    .await
                    .map_err($crate::rows::backend(reading))?;
                self.entries_from(&rows, stream, reading)
            }
        }

        #[async_trait::async_trait]
        impl SnapshotStore for $store {
            async fn save_snapshot(
                &self,
                projection: &ProjectionId,
                snapshot: &Snapshot,
            ) -> Result<(), StoreError> {
                sqlx::query($crate::sql::statements::SAVE_SNAPSHOT)
                    .bind(self.tenant.as_str())
                    .bind(projection.as_str())
                    .bind(snapshot.stream().as_str())
                    .bind($crate::rows::seq_column(snapshot.next_seq()))
                    .bind(snapshot.last_hash().as_bytes().as_slice())
                    .bind(snapshot.state().as_str())
                    .execute(&self.pool)
                    .await
                    .map_err(self.doing(format_args!(
                        "saving snapshot `{projection}` of stream `{}`",
                        snapshot.stream()
                    )))?;
                Ok(())
            }

            async fn latest_snapshot(
                &self,
                projection: &ProjectionId,
                stream: &StreamId,
            ) -> Result<Option<Snapshot>, StoreError> {
                let loading = self.doing(format_args!(
                    "loading snapshot `{projection}` of stream `{stream}`"
                ));
                let row = sqlx::query($crate::sql::statements::LOAD_SNAPSHOT)
                    .bind(self.tenant.as_str())
                    .bind(projection.as_str())
                    .bind(stream.as_str())
                    .fetch_optional(&self.pool)
                    .await;
                let row = match row {
                    Ok(Some(row)) => row,
                    Ok(None) => return Ok(None),
                    Err(err) => return Err(loading(err)),
                };
                let decoded = (|| {
                    Ok::<_, sqlx::Error>($crate::rows::SnapshotRow {
                        next_seq: row.try_get(0)?,
                        last_hash: row.try_get(1)?,
                        state: row.try_get(2)?,
                    })
                })();
                match decoded {
                    Ok(decoded) => Ok(Some(decoded.into_snapshot(&self.tenant, stream)?)),
                    Err(err) => Err(loading(err)),
                }
            }

            async fn save_state(
                &self,
                format: &ProjectionId,
                snapshot: &StateSnapshot,
            ) -> Result<(), StoreError> {
                sqlx::query($crate::sql::statements::SAVE_STATE)
                    .bind(self.tenant.as_str())
                    .bind(format.as_str())
                    .bind(snapshot.stream().as_str())
                    .bind($crate::rows::seq_column(snapshot.next_seq()))
                    .bind(snapshot.last_hash().as_bytes().as_slice())
                    .bind(snapshot.state())
                    .execute(&self.pool)
                    .await
                    .map_err(self.doing(format_args!(
                        "saving state `{format}` of stream `{}`",
                        snapshot.stream()
                    )))?;
                Ok(())
            }

            async fn latest_state(
                &self,
                format: &ProjectionId,
                stream: &StreamId,
            ) -> Result<Option<StateSnapshot>, StoreError> {
                let loading = self.doing(format_args!(
                    "loading state `{format}` of stream `{stream}`"
                ));
                let row = sqlx::query($crate::sql::statements::LOAD_STATE)
                    .bind(self.tenant.as_str())
                    .bind(format.as_str())
                    .bind(stream.as_str())
                    .fetch_optional(&self.pool)
                    .await;
                let row = match row {
                    Ok(Some(row)) => row,
                    Ok(None) => return Ok(None),
                    Err(err) => return Err(loading(err)),
                };
                let decoded = (|| {
                    Ok::<_, sqlx::Error>($crate::rows::StateRow {
                        next_seq: row.try_get(0)?,
                        last_hash: row.try_get(1)?,
                        state: row.try_get(2)?,
                    })
                })();
                match decoded {
                    Ok(decoded) => Ok(Some(decoded.into_state(&self.tenant, stream)?)),
                    Err(err) => Err(loading(err)),
                }
            }
        }
    };
}

pub(crate) use sql_store;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use andel_journal::{Digest, StreamHead, StreamId};

    use super::HeadCache;

    #[test]
    fn cached_heads_only_move_forward() {
        let stream = StreamId::new("s").unwrap();
        let at = |seq, byte| StreamHead::at(stream.clone(), seq, Digest::from_bytes([byte; 32]));
        let cache = HeadCache::default();
        assert_eq!(cache.get(&stream), None);
        cache.remember(&at(5, 5));
        cache.remember(&at(3, 3));
        assert_eq!(
            cache.get(&stream),
            Some(at(5, 5)),
            "an older head must not replace a newer one"
        );
        cache.remember(&at(7, 7));
        assert_eq!(cache.get(&stream), Some(at(7, 7)));
        cache.forget(&stream);
        assert_eq!(cache.get(&stream), None);
    }
}
