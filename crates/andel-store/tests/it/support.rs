//! Harnesses: a fresh SQLite file or PostgreSQL schema per test.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Once};

use andel_journal::TenantId;
use andel_store::{PostgresDatabase, SqliteDatabase};
use andel_testkit::{Harness, TestStore};

/// The variable that points the PostgreSQL tests at a server.
pub(crate) const POSTGRES_VAR: &str = "ANDEL_TEST_POSTGRES";

/// A fresh SQLite file in a temporary folder; each `open` is a new pool on it.
pub(crate) struct SqliteHarness {
    pub(crate) dir: tempfile::TempDir,
}

impl SqliteHarness {
    pub(crate) fn new() -> Self {
        SqliteHarness {
            dir: tempfile::tempdir().expect("temporary folder"),
        }
    }

    pub(crate) fn path(&self) -> PathBuf {
        self.dir.path().join("andel.db")
    }

    pub(crate) async fn database(&self) -> SqliteDatabase {
        SqliteDatabase::open(self.path())
            .await
            .expect("open SQLite")
    }
}

#[async_trait::async_trait]
impl Harness for SqliteHarness {
    async fn open(&self, tenant: &TenantId) -> Arc<dyn TestStore> {
        Arc::new(self.database().await.store(tenant.clone()))
    }
}

/// A fresh schema on the server named by `ANDEL_TEST_POSTGRES`, dropped by `finish`.
pub(crate) struct PostgresHarness {
    pub(crate) url: String,
    pub(crate) schema: String,
}

impl PostgresHarness {
    /// `None`, after saying so once per test binary, when the variable is not set.
    pub(crate) fn new() -> Option<Self> {
        let Ok(url) = std::env::var(POSTGRES_VAR) else {
            static SAID: Once = Once::new();
            SAID.call_once(|| {
                // Straight to stderr, past the test harness's capture, so that a plain
                // `cargo test` shows that these tests did not run.
                let _ = writeln!(
                    std::io::stderr(),
                    "note: skipping the PostgreSQL tests of andel-store: set {POSTGRES_VAR}=postgres://USER@HOST/DATABASE to run them"
                );
            });
            return None;
        };
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let schema = format!(
            "andel_test_{}_{}_{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        Some(PostgresHarness { url, schema })
    }

    pub(crate) async fn database(&self) -> PostgresDatabase {
        PostgresDatabase::open_in_schema(&self.url, &self.schema)
            .await
            .unwrap_or_else(|err| panic!("{POSTGRES_VAR} is set but: {err}"))
    }
}

#[async_trait::async_trait]
impl Harness for PostgresHarness {
    async fn open(&self, tenant: &TenantId) -> Arc<dyn TestStore> {
        Arc::new(self.database().await.store(tenant.clone()))
    }

    async fn finish(&self) {
        let pool = sqlx::PgPool::connect(&self.url).await.expect("connect");
        sqlx::query(&format!("DROP SCHEMA {} CASCADE", self.schema))
            .execute(&pool)
            .await
            .expect("drop the test schema");
        pool.close().await;
    }
}

#[async_trait::async_trait]
impl andel_testkit::BallotBoxHarness for SqliteHarness {
    async fn open_box(&self, tenant: &TenantId) -> Arc<dyn andel_decisions::secret::BallotBox> {
        Arc::new(self.database().await.store(tenant.clone()))
    }
}

#[async_trait::async_trait]
impl andel_testkit::BallotBoxHarness for PostgresHarness {
    async fn open_box(&self, tenant: &TenantId) -> Arc<dyn andel_decisions::secret::BallotBox> {
        Arc::new(self.database().await.store(tenant.clone()))
    }

    async fn finish_box(&self) {
        Harness::finish(self).await;
    }
}

/// Raw SQL on a test database, bypassing the store: what someone with database access
/// could do.
pub(crate) enum Raw {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Raw {
    /// Runs `sql` with `$1` bound to `bytes`, if given; returns the rows affected.
    pub(crate) async fn exec(&self, sql: &str, bytes: Option<Vec<u8>>) -> u64 {
        let outcome = match self {
            Raw::Sqlite(pool) => {
                let query = sqlx::query(sql);
                let query = match bytes {
                    Some(b) => query.bind(b),
                    None => query,
                };
                query.execute(pool).await.map(|r| r.rows_affected())
            }
            Raw::Postgres(pool) => {
                let query = sqlx::query(sql);
                let query = match bytes {
                    Some(b) => query.bind(b),
                    None => query,
                };
                query.execute(pool).await.map(|r| r.rows_affected())
            }
        };
        outcome.unwrap_or_else(|err| panic!("{sql}: {err}"))
    }
}
