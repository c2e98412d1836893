//! The PostgreSQL store: for a co-op that outgrows one machine.

use std::str::FromStr;
use std::sync::Arc;

use andel_journal::{
    AppendError, AuthorId, Digest, Draft, Entry, EntryBody, JournalStore, Payload, ProjectionId,
    RedactError, RedactProblem, Redaction, Snapshot, SnapshotStore, StateSnapshot, StoreError,
    StreamHead, StreamId, SubjectId, SubjectIndex, TenantId,
};
use sqlx::Row;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions, Postgres};

use crate::migrate::{Embedded, POSTGRES_MIGRATIONS};
use crate::sql::HeadCache;
use crate::{OpenError, redact_password};

/// A PostgreSQL database holding the journals and snapshots of any number of tenants.
///
/// An append is one INSERT; the primary key on `(tenant, stream, seq)` turns a race
/// between two writers into a conflict for the later one, never a fork. Commits are as durable as the server is configured to make
/// them (`synchronous_commit`, on by default).
///
/// ```no_run
/// use andel_journal::{JournalStore, StreamId, TenantId};
/// use andel_store::PostgresDatabase;
///
/// # tokio::runtime::Runtime::new()?.block_on(async {
/// let db = PostgresDatabase::open("postgres://andel@db.example.org/coop").await?;
/// let journal = db.store(TenantId::new("coop-7")?);
/// let head = journal.head(&StreamId::new("members")?).await?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct PostgresDatabase {
    pool: PgPool,
}

impl PostgresDatabase {
    /// Connects to the database at `url` (`postgres://user:password@host:port/name`, with
    /// any parameter libpq accepts, such as `sslmode=require`), and brings its tables up
    /// to date in the user's default schema.
    ///
    /// # Errors
    ///
    /// When the URL is malformed, the server cannot be reached or refuses the user, or
    /// the tables cannot be brought up to date.
    pub async fn open(url: &str) -> Result<Self, OpenError> {
        Self::connect(url, None).await
    }

    /// As [`PostgresDatabase::open`], with Andel's tables in `schema`, which is created
    /// if it does not exist: to share a database with other applications, or to give
    /// each test a fresh one.
    ///
    /// # Errors
    ///
    /// As [`PostgresDatabase::open`], and when `schema` is not a plain lowercase SQL
    /// identifier (`a-z`, `0-9` and `_`, starting with a letter or `_`, at most 63 bytes).
    pub async fn open_in_schema(url: &str, schema: &str) -> Result<Self, OpenError> {
        Self::connect(url, Some(schema)).await
    }

    async fn connect(url: &str, schema: Option<&str>) -> Result<Self, OpenError> {
        let location = redact_password(url);
        let connect_error = |source| OpenError::Connect {
            location: location.clone(),
            source,
        };
        let mut options = PgConnectOptions::from_str(url).map_err(connect_error)?;
        if let Some(schema) = schema {
            check_schema(schema)?;
            let admin = PgPoolOptions::new()
                .max_connections(1)
                .connect_with(options.clone())
                .await
                .map_err(connect_error)?;
            // `IF NOT EXISTS` is not safe against a concurrent CREATE SCHEMA (both
            // may insert the name): one opener at a time makes it, under a lock.
            let made: Result<(), sqlx::Error> = async {
                let mut tx = admin.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock(hashtext('andel.schema.' || $1))")
                    .bind(schema)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await
            }
            .await;
            made.map_err(connect_error)?;
            admin.close().await;
            options = options.options([("search_path", schema)]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect_with(options)
            .await
            .map_err(connect_error)?;
        Embedded::migrator(POSTGRES_MIGRATIONS)
            .await?
            .run(&pool)
            .await
            .map_err(|source| OpenError::Migrate { location, source })?;
        Ok(PostgresDatabase { pool })
    }

    /// The journal and snapshot store of one tenant. Stores of different tenants never
    /// see each other's streams.
    pub fn store(&self, tenant: TenantId) -> PostgresStore {
        PostgresStore {
            pool: self.pool.clone(),
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

    /// The connection pool, for tools of your own. Writing to Andel's tables through it
    /// bypasses every check: `verify` will say so.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes every connection, waiting for running queries to finish.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn check_schema(schema: &str) -> Result<(), OpenError> {
    let mut chars = schema.chars();
    let starts_well = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
    let rest_well = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if starts_well && rest_well && schema.len() <= 63 {
        Ok(())
    } else {
        Err(OpenError::Schema {
            schema: schema.to_owned(),
        })
    }
}

/// One tenant's journal and snapshots in a [`PostgresDatabase`]; cheap to clone.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
    tenant: TenantId,
    heads: Arc<HeadCache>,
}

impl PostgresStore {
    /// The tenant whose data this store reads and writes.
    pub fn tenant(&self) -> &TenantId {
        &self.tenant
    }

    async fn read_entries(
        &self,
        stream: &StreamId,
        range: std::ops::Range<u64>,
    ) -> Result<Vec<Entry>, StoreError> {
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(self.doing(format_args!("reading stream `{stream}`")))?;
        self.read_in(&mut conn, stream, range).await
    }

    /// Replay's read. PostgreSQL sends whole rows here; the bodies are kept of them.
    async fn read_entry_bodies(
        &self,
        stream: &StreamId,
        range: std::ops::Range<u64>,
    ) -> Result<Vec<EntryBody>, StoreError> {
        let entries = self.read_entries(stream, range).await?;
        Ok(entries.into_iter().map(EntryBody::from).collect())
    }

    /// Listens on `andel_appended`, which a trigger notifies on each commit that appends
    /// to a journal stream (migration 6), keeping this tenant's notices. The listener
    /// holds a connection of its own.
    async fn listen_appends(
        &self,
    ) -> Result<Option<Box<dyn andel_journal::AppendListener>>, StoreError> {
        let listening = || format!("listening for appends (tenant `{}`)", self.tenant);
        let mut listener = PgListener::connect_with(&self.pool)
            .await
            .map_err(crate::rows::backend(listening))?;
        listener
            .listen(APPENDED)
            .await
            .map_err(crate::rows::backend(listening))?;
        Ok(Some(Box::new(PgAppends {
            listener,
            tenant: self.tenant.clone(),
        })))
    }

    /// PostgreSQL keeps the erased row's old version until `VACUUM` reclaims it, which
    /// autovacuum does on its own schedule; the book's Storage chapter says how to
    /// hasten it. Nothing can be done inside the redaction's own connection.
    async fn after_erasure(&self, _stream: &StreamId) -> Result<(), StoreError> {
        Ok(())
    }
}

impl PostgresStore {
    /// Seals a closed ballot box. PostgreSQL keeps each row's physical place (`ctid`)
    /// and inserting transaction (`xmin`), which follow the order of casting; so the
    /// box's rows are deleted and written again in receipt order, in one transaction:
    /// afterwards every row has the same `xmin` and the rows lie in receipt order. The
    /// old row versions are dead but still on their pages, in the order of casting,
    /// until a vacuum; so the table is then rewritten (`VACUUM FULL`, which keeps only
    /// live rows, in their order, in new files, and rebuilds the index). The server's
    /// write-ahead log and its archive keep the inserts as they came: see the threat
    /// model in the book.
    async fn seal_box(&self, proposal: &StreamId) -> Result<(), sqlx::Error> {
        use crate::ballots::{REFILL_CHUNK, statements};
        let mut tx = self.pool.begin().await?;
        let rows: Vec<(Vec<u8>, String)> = sqlx::query_as(statements::LIST)
            .bind(self.tenant.as_str())
            .bind(proposal.as_str())
            .fetch_all(&mut *tx)
            .await?;
        sqlx::query(statements::EMPTY)
            .bind(self.tenant.as_str())
            .bind(proposal.as_str())
            .execute(&mut *tx)
            .await?;
        for chunk in rows.chunks(REFILL_CHUNK) {
            let mut insert = sqlx::QueryBuilder::<Postgres>::new(statements::REFILL);
            insert.push_values(chunk, |mut row, (receipt, ballot)| {
                row.push_bind(self.tenant.as_str())
                    .push_bind(proposal.as_str())
                    .push_bind(receipt)
                    .push_bind(ballot);
            });
            insert.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        // Not in a transaction: VACUUM cannot run inside one.
        sqlx::query("VACUUM (FULL) andel_ballots")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }
}

/// The channel the journal's trigger notifies (`<tenant>` TAB `<stream>`).
const APPENDED: &str = "andel_appended";

/// A tenant's notices of appends, from `LISTEN andel_appended`.
struct PgAppends {
    listener: PgListener,
    tenant: TenantId,
}

#[async_trait::async_trait]
impl andel_journal::AppendListener for PgAppends {
    async fn next(&mut self) -> Result<andel_journal::Appended, StoreError> {
        loop {
            let notice = self
                .listener
                .try_recv()
                .await
                .map_err(crate::rows::backend(|| {
                    format!("hearing of appends (tenant `{}`)", self.tenant)
                }))?;
            // The connection dropped; the next call connects again and listens anew.
            let Some(notice) = notice else {
                return Ok(andel_journal::Appended::Missed);
            };
            let Some((tenant, stream)) = notice.payload().split_once('\t') else {
                continue;
            };
            if tenant != self.tenant.as_str() {
                continue;
            }
            if let Ok(stream) = StreamId::new(stream) {
                return Ok(andel_journal::Appended::Stream(stream));
            }
        }
    }
}

crate::sql::sql_store!(PostgresStore, Postgres, "BEGIN");
crate::ballots::sql_ballot_box!(PostgresStore, Postgres);
crate::accounts::sql_account_store!(PostgresStore, Postgres);

#[cfg(test)]
mod tests {
    use super::check_schema;

    #[test]
    fn schema_names_are_plain_identifiers() {
        for ok in ["andel", "_t", "coop_7", &"a".repeat(63)] {
            assert!(check_schema(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "7coop",
            "Andel",
            "a-b",
            "a;drop table x",
            "a b",
            &"a".repeat(64),
        ] {
            assert!(check_schema(bad).is_err(), "{bad}");
        }
    }
}
