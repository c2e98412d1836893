//! Store benchmarks: appends (batches of 1 and 100) and replay on SQLite and PostgreSQL,
//! each beside raw sqlx statements moving the same rows in the same run, so that the
//! ratio is the journal's own cost. Figures go to the book's performance page.
//!
//! PostgreSQL runs when `ANDEL_TEST_POSTGRES` names a server; the bench works in a
//! schema of its own and drops it at the end.

// A failed unwrap in a benchmark is a broken benchmark setup: stop loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use andel::journal::{
    AuthorId, Entry, JournalStore, MemoryStore, Payload, Projection, ProjectionId, StreamId,
    TenantId, replay,
};
use andel::store::{PostgresDatabase, SqliteDatabase};
use andel_benches::{draft, journal};
use criterion::measurement::WallTime;
use criterion::{
    BatchSize, BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main,
};
use sqlx::QueryBuilder;

/// Payload size of every benchmark entry: a small event.
const PAYLOAD_BYTES: usize = 100;
/// Entries replayed.
const REPLAY_ENTRIES: u64 = 100_000;

const RAW_TABLE_SQLITE: &str = "CREATE TABLE raw_rows (
    tenant TEXT NOT NULL, stream TEXT NOT NULL, seq INTEGER NOT NULL, recorded_at TEXT NOT NULL,
    author TEXT, kind TEXT NOT NULL, payload TEXT, salt BLOB, commitment BLOB NOT NULL,
    prev BLOB NOT NULL, hash BLOB NOT NULL, UNIQUE (tenant, stream, seq))";
const RAW_TABLE_POSTGRES: &str = "CREATE TABLE raw_rows (LIKE andel_journal INCLUDING ALL)";
const RAW_SELECT: &str = "SELECT seq, recorded_at, author, kind, payload, salt, commitment, \
    prev, hash FROM andel_journal WHERE tenant = $1 AND stream = $2 ORDER BY seq";

/// Counts entries: the cheapest projection, so that replay measures the store.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct Count(u64);

impl Projection for Count {
    type Error = std::convert::Infallible;
    fn apply(&mut self, _entry: &Entry) -> Result<(), Self::Error> {
        self.0 += 1;
        Ok(())
    }
}

/// The raw-sqlx side of each comparison, for one backend.
macro_rules! raw_side {
    ($name:ident, $db:ty) => {
        mod $name {
            use super::*;

            /// Inserts `rows` (already sealed) into `raw_rows` as one statement, with
            /// sequence numbers from `first`: the same columns the journal writes.
            pub(crate) async fn insert(pool: &sqlx::Pool<$db>, rows: &[Entry], first: u64) {
                let mut insert = QueryBuilder::<$db>::new(
                    "INSERT INTO raw_rows (tenant, stream, seq, recorded_at, author, kind, \
                     payload, salt, commitment, prev, hash) ",
                );
                insert.push_values(rows.iter().enumerate(), |mut row, (i, e)| {
                    row.push_bind("bench")
                        .push_bind(e.stream().as_str())
                        .push_bind((first + i as u64) as i64)
                        .push_bind(e.recorded_at().to_string())
                        .push_bind(e.author().map(AuthorId::as_str))
                        .push_bind(e.kind().as_str())
                        .push_bind(e.payload().map(Payload::as_str))
                        .push_bind(e.salt().map(|s| s.as_bytes().as_slice()))
                        .push_bind(e.commitment().as_bytes().as_slice())
                        .push_bind(e.prev().as_bytes().as_slice())
                        .push_bind(e.hash().as_bytes().as_slice());
                });
                insert.build().execute(pool).await.unwrap();
            }

            /// Reads the replay stream's rows into owned column values.
            pub(crate) async fn select(pool: &sqlx::Pool<$db>) -> usize {
                use sqlx::Row;
                let rows = sqlx::query(RAW_SELECT)
                    .bind("bench")
                    .bind("bench")
                    .fetch_all(pool)
                    .await
                    .unwrap();
                let mut n = 0;
                for row in &rows {
                    let columns: (i64, String, Option<String>, String, Option<String>) =
                        (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
                    let hashes: (Option<Vec<u8>>, Vec<u8>, Vec<u8>, Vec<u8>) =
                        (row.get(5), row.get(6), row.get(7), row.get(8));
                    black_box((columns, hashes));
                    n += 1;
                }
                n
            }
        }
    };
}

raw_side!(raw_sqlite, sqlx::Sqlite);
raw_side!(raw_postgres, sqlx::Postgres);

/// The pool the raw statements run on.
enum RawPool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl RawPool {
    async fn insert(&self, rows: &[Entry], first: u64) {
        match self {
            RawPool::Sqlite(pool) => raw_sqlite::insert(pool, rows, first).await,
            RawPool::Postgres(pool) => raw_postgres::insert(pool, rows, first).await,
        }
    }

    async fn select(&self) -> usize {
        match self {
            RawPool::Sqlite(pool) => raw_sqlite::select(pool).await,
            RawPool::Postgres(pool) => raw_postgres::select(pool).await,
        }
    }
}

/// The journal and raw sides of one backend.
struct Backend<'a> {
    name: &'static str,
    runtime: &'a tokio::runtime::Runtime,
    store: Arc<dyn JournalStore>,
    raw: RawPool,
}

fn group<'c>(c: &'c mut Criterion, name: String) -> BenchmarkGroup<'c, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8))
        .warm_up_time(Duration::from_secs(2));
    group
}

fn bench_backend(c: &mut Criterion, b: &Backend<'_>) {
    let rt = b.runtime;
    for batch in [1u64, 100] {
        let mut g = group(c, format!("{}/append_batch_{batch}", b.name));
        g.throughput(Throughput::Elements(batch));
        let stream = StreamId::new(format!("append-{batch}")).unwrap();
        let mut next = 0u64;
        let mut n = 0u64;
        // Drafts are built outside the timed part: a caller has its payloads already.
        g.bench_function("journal", |bench| {
            bench.iter_batched(
                || {
                    n += batch;
                    (0..batch)
                        .map(|i| draft(n + i, PAYLOAD_BYTES))
                        .collect::<Vec<_>>()
                },
                |drafts| {
                    let written = rt.block_on(b.store.append(&stream, next, drafts)).unwrap();
                    next += written.len() as u64;
                },
                BatchSize::SmallInput,
            );
        });
        let rows = journal(batch, PAYLOAD_BYTES);
        let mut first = batch * 1_000_000_000;
        g.bench_function("raw sqlx insert", |bench| {
            bench.iter(|| {
                rt.block_on(b.raw.insert(&rows, first));
                first += batch;
            });
        });
        g.finish();
    }

    // `journal` seals entries of the stream `bench`.
    let stream = StreamId::new("bench").unwrap();
    let entries = journal(REPLAY_ENTRIES, PAYLOAD_BYTES);
    for chunk in entries.chunks(10_000) {
        rt.block_on(b.store.import(&stream, chunk.to_vec()))
            .unwrap();
    }
    let mut g = group(c, format!("{}/replay_{REPLAY_ENTRIES}", b.name));
    g.throughput(Throughput::Elements(REPLAY_ENTRIES));
    g.bench_function("journal read", |bench| {
        bench.iter(|| {
            let read = rt.block_on(b.store.read(&stream, 0..u64::MAX)).unwrap();
            assert_eq!(read.len() as u64, REPLAY_ENTRIES);
            black_box(read);
        });
    });
    let snapshots = MemoryStore::new();
    let projection = ProjectionId::new("bench.count").unwrap();
    g.bench_function("journal replay (paged, projection)", |bench| {
        bench.iter(|| {
            let done = rt
                .block_on(replay::<Count, _, _>(
                    &*b.store,
                    &snapshots,
                    &projection,
                    &stream,
                ))
                .unwrap();
            assert_eq!(done.state.0, REPLAY_ENTRIES);
        });
    });
    g.bench_function("raw sqlx select", |bench| {
        bench.iter(|| assert_eq!(rt.block_on(b.raw.select()) as u64, REPLAY_ENTRIES));
    });
    g.finish();
}

fn sqlite(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = rt
        .block_on(SqliteDatabase::open(dir.path().join("bench.db")))
        .unwrap();
    rt.block_on(sqlx::query(RAW_TABLE_SQLITE).execute(db.pool()))
        .unwrap();
    let backend = Backend {
        name: "sqlite",
        runtime: &rt,
        store: Arc::new(db.store(TenantId::new("bench").unwrap())),
        raw: RawPool::Sqlite(db.pool().clone()),
    };
    bench_backend(c, &backend);
    rt.block_on(db.close());
}

fn postgres(c: &mut Criterion) {
    let Ok(url) = std::env::var("ANDEL_TEST_POSTGRES") else {
        eprintln!("skipping the PostgreSQL benchmarks: set ANDEL_TEST_POSTGRES to run them");
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let schema = format!("andel_bench_{}", std::process::id());
    let db = rt
        .block_on(PostgresDatabase::open_in_schema(&url, &schema))
        .unwrap();
    rt.block_on(sqlx::query(RAW_TABLE_POSTGRES).execute(db.pool()))
        .unwrap();
    let backend = Backend {
        name: "postgres",
        runtime: &rt,
        store: Arc::new(db.store(TenantId::new("bench").unwrap())),
        raw: RawPool::Postgres(db.pool().clone()),
    };
    bench_backend(c, &backend);
    rt.block_on(async {
        sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(db.pool())
            .await
            .unwrap();
        db.close().await;
    });
}

criterion_group!(benches, sqlite, postgres);
criterion_main!(benches);
