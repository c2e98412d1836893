//! The SQLite store: the embedded default, one file, nothing to install.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use andel_journal::{
    AppendError, AuthorId, Digest, Draft, Entry, EntryBody, JournalStore, Payload, ProjectionId,
    RedactError, RedactProblem, Redaction, Snapshot, SnapshotStore, StateSnapshot, StoreError,
    StreamHead, StreamId, SubjectId, SubjectIndex, TenantId,
};
use sqlx::Row;
use sqlx::sqlite::{
    Sqlite, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};

use crate::OpenError;
use crate::migrate::{Embedded, SQLITE_MIGRATIONS};
use crate::sql::HeadCache;
use crate::sqlite_read::Readers;

/// How long a writer waits for another writer's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// An SQLite database file holding the journals and snapshots of any number of tenants.
///
/// Opened in WAL mode with `synchronous = FULL`: an append that returned `Ok` survives a
/// crash of the process or the machine. Readers never block the writer; writers take
/// turns, waiting up to 30 s for one another. Bulk reads go through rusqlite on a
/// blocking thread (see the book's Architecture chapter for why). A redaction leaves no
/// copy of the erased payload in the file or its log (`secure_delete`, and a checkpoint
/// after each redaction).
///
/// ```
/// use andel_journal::{Draft, JournalStore, Kind, Payload, StreamId, TenantId};
/// use andel_store::SqliteDatabase;
///
/// # tokio::runtime::Runtime::new()?.block_on(async {
/// let dir = tempfile::tempdir()?;
/// let db = SqliteDatabase::open(dir.path().join("coop.db")).await?;
/// let journal = db.store(TenantId::new("coop-7")?);
///
/// let members = StreamId::new("members")?;
/// let draft = Draft::new(Kind::new("member.admitted")?, Payload::new(&1)?, "2026-11-27T08:00:00Z".parse()?);
/// journal.append(&members, 0, vec![draft]).await?;
/// assert_eq!(journal.head(&members).await?.next_seq(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct SqliteDatabase {
    pool: SqlitePool,
    readers: Arc<Readers>,
    path: PathBuf,
}

impl SqliteDatabase {
    /// Opens the database at `path`, creating the file if it does not exist, and brings
    /// its tables up to date.
    ///
    /// # Errors
    ///
    /// When the file cannot be opened or created (a missing folder, no permission, not
    /// an SQLite file), or its tables cannot be brought up to date.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, OpenError> {
        let path = path.as_ref().to_path_buf();
        let location = format!("sqlite:{}", path.display());
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT)
            // Erased payloads are overwritten with zeros, not left in free space.
            .pragma("secure_delete", "ON");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(|source| OpenError::Connect {
                location: location.clone(),
                source,
            })?;
        migrate(&pool, &location).await?;
        Ok(SqliteDatabase {
            pool,
            readers: Arc::new(Readers::new(&path)),
            path,
        })
    }

    /// The journal and snapshot store of one tenant. Stores of different tenants never
    /// see each other's streams.
    pub fn store(&self, tenant: TenantId) -> SqliteStore {
        SqliteStore {
            pool: self.pool.clone(),
            readers: Arc::clone(&self.readers),
            tenant,
            heads: Arc::default(),
        }
    }

    /// The tenants with at least one journal entry, in name order: to tell a mistyped
    /// tenant from a new one.
    ///
    /// # Errors
    ///
    /// When the database cannot be read, or holds a tenant name that is not valid.
    pub async fn tenants(&self) -> Result<Vec<TenantId>, StoreError> {
        let names: Vec<String> = sqlx::query_scalar(crate::sql::statements::TENANTS)
            .fetch_all(&self.pool)
            .await
            .map_err(crate::rows::backend(|| "listing tenants".to_owned()))?;
        crate::rows::tenant_ids(names)
    }

    /// The file the database lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection pool, for backups (`VACUUM INTO`) and for tools of your own.
    /// Writing to Andel's tables through it bypasses every check: `verify` will say so.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes every connection, waiting for running queries to finish.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// One tenant's journal and snapshots in an [`SqliteDatabase`]; cheap to clone.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    readers: Arc<Readers>,
    tenant: TenantId,
    heads: Arc<HeadCache>,
}

impl SqliteStore {
    /// The tenant whose data this store reads and writes.
    pub fn tenant(&self) -> &TenantId {
        &self.tenant
    }

    async fn read_entries(
        &self,
        stream: &StreamId,
        range: std::ops::Range<u64>,
    ) -> Result<Vec<Entry>, StoreError> {
        self.on_reader(stream, move |readers, tenant, stream| {
            readers.read(tenant, stream, range)
        })
        .await
    }

    async fn read_entry_bodies(
        &self,
        stream: &StreamId,
        range: std::ops::Range<u64>,
    ) -> Result<Vec<EntryBody>, StoreError> {
        self.on_reader(stream, move |readers, tenant, stream| {
            readers.read_bodies(tenant, stream, range)
        })
        .await
    }

    /// Runs `read` over this tenant's `stream` with the rusqlite readers, on a blocking
    /// thread.
    async fn on_reader<T: Send + 'static>(
        &self,
        stream: &StreamId,
        read: impl FnOnce(&Readers, &TenantId, &StreamId) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (readers, tenant, stream) = (
            Arc::clone(&self.readers),
            self.tenant.clone(),
            stream.clone(),
        );
        tokio::task::spawn_blocking(move || read(&readers, &tenant, &stream))
            .await
            .map_err(|err| StoreError::Backend(Box::new(err)))?
    }

    /// After a redaction, copies the write-ahead log into the database and truncates it,
    /// so that the erased payload is gone from the log as well as from the table (whose
    /// freed bytes `secure_delete` zeroes). If readers hold old snapshots open the log
    /// cannot be truncated yet; a later checkpoint overwrites it.
    async fn after_erasure(&self, stream: &StreamId) -> Result<(), StoreError> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await
            .map_err(self.doing(format_args!(
                "checkpointing after an erasure in stream `{stream}`"
            )))?;
        Ok(())
    }
}

impl SqliteStore {
    /// SQLite has no notices between processes: a service on it runs as one process,
    /// which tells its own followers.
    #[allow(clippy::unused_async)]
    async fn listen_appends(
        &self,
    ) -> Result<Option<Box<dyn andel_journal::AppendListener>>, StoreError> {
        Ok(None)
    }

    /// Seals a closed ballot box so that no byte of the file orders its ballots by the
    /// time they were cast. The table's rows are in receipt order, but a row's place
    /// in its page is where it landed when it was written: the order of casting. So
    /// the whole database is rebuilt (`VACUUM`, which writes every table afresh in key
    /// order, leaving no free pages) and the write-ahead log, which still holds pages
    /// as they were written, is checkpointed and truncated. A backup taken after the
    /// close copies the rebuilt file. This costs a rewrite of the file, once per closed
    /// secret ballot.
    async fn seal_box(&self, _proposal: &StreamId) -> Result<(), sqlx::Error> {
        truncate_log(&self.pool).await?;
        sqlx::query("VACUUM").execute(&self.pool).await?;
        truncate_log(&self.pool).await
    }
}

/// Brings the tables up to date, one process at a time: the migrations run inside one
/// `BEGIN IMMEDIATE` transaction (each migration a savepoint within it), which holds
/// SQLite's write lock from the start. Another process opening the same new file waits
/// for it (up to the busy timeout), then finds the tables made, instead of failing on a
/// table that appeared under it.
async fn migrate(pool: &SqlitePool, location: &str) -> Result<(), OpenError> {
    let failed = |source| OpenError::Migrate {
        location: location.to_owned(),
        source,
    };
    let migrator = Embedded::migrator(SQLITE_MIGRATIONS).await?;
    let mut conn = pool
        .acquire()
        .await
        .map_err(|err| failed(sqlx::migrate::MigrateError::Execute(err)))?;
    let mut tx = sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE")
        .await
        .map_err(|err| failed(sqlx::migrate::MigrateError::Execute(err)))?;
    migrator.run_direct(&mut *tx).await.map_err(failed)?;
    tx.commit()
        .await
        .map_err(|err| failed(sqlx::migrate::MigrateError::Execute(err)))
}

/// Checkpoints the write-ahead log into the file and truncates it. A reader holding an
/// old snapshot keeps the checkpoint from finishing, so it is tried again for a while.
async fn truncate_log(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    const ATTEMPTS: u32 = 50;
    for attempt in 1..=ATTEMPTS {
        let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(pool)
            .await?;
        if busy == 0 {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(u64::from(attempt) * 10)).await;
    }
    Err(sqlx::Error::Protocol(
        "the write-ahead log could not be truncated: readers kept it busy".into(),
    ))
}

crate::sql::sql_store!(SqliteStore, Sqlite, "BEGIN IMMEDIATE");
crate::ballots::sql_ballot_box!(SqliteStore, Sqlite);
crate::accounts::sql_account_store!(SqliteStore, Sqlite);
