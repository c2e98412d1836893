//! Bulk reads from SQLite through rusqlite, on a blocking thread.
//!
//! sqlx hands SQLite rows from its worker thread to the caller one message at a time,
//! which caps a read at about 200k rows/s on the CI machine; rusqlite steps the same
//! statement in place at over 1M rows/s. Replaying a long stream is where that shows,
//! so reads of entries go through here. Both drivers use the same compiled-in SQLite;
//! writes, migrations and snapshots stay with sqlx, and a redaction reads its target
//! inside its own sqlx transaction.

use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use andel_journal::{Entry, EntryBody, StoreError, StreamId, TenantId};
use rusqlite::types::Type;
use rusqlite::{Connection, OpenFlags, Row};

use crate::rows::{BodyRef, CorruptRow, Names, RowRef, backend, seq_column};
use crate::sql::statements::{READ, READ_BODIES};

/// Idle connections kept for reuse.
const MAX_IDLE: usize = 4;

/// The most entries a read reserves room for up front (a replay page).
const CAPACITY_KEPT: usize = 4096;

/// Read connections to one database file.
#[derive(Debug)]
pub(crate) struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Readers {
    pub(crate) fn new(path: &Path) -> Self {
        Readers {
            path: path.to_path_buf(),
            idle: Mutex::new(Vec::new()),
        }
    }

    fn connect(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(30))?;
        // This connection only reads; say so to SQLite too.
        conn.pragma_update(None, "query_only", "ON")?;
        Ok(conn)
    }

    fn take(&self) -> rusqlite::Result<Connection> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        match idle {
            Some(conn) => Ok(conn),
            None => self.connect(),
        }
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
    }

    /// The entries of `stream` with seq in `range`, in order.
    pub(crate) fn read(
        &self,
        tenant: &TenantId,
        stream: &StreamId,
        range: Range<u64>,
    ) -> Result<Vec<Entry>, StoreError> {
        self.select(READ, tenant, stream, range, |row, names| {
            Ok(row_ref(row)?.into_entry(tenant, stream, names))
        })
    }

    /// The bodies of the entries of `stream` with seq in `range`, in order: four
    /// columns instead of nine, and no timestamps or digests to check.
    pub(crate) fn read_bodies(
        &self,
        tenant: &TenantId,
        stream: &StreamId,
        range: Range<u64>,
    ) -> Result<Vec<EntryBody>, StoreError> {
        self.select(READ_BODIES, tenant, stream, range, |row, names| {
            Ok(body_ref(row)?.into_body(tenant, stream, names))
        })
    }

    /// Runs `sql` over the rows of `stream` with seq in `range` and builds an item of
    /// each row in place with `build`.
    fn select<T>(
        &self,
        sql: &str,
        tenant: &TenantId,
        stream: &StreamId,
        range: Range<u64>,
        build: impl FnMut(&Row<'_>, &mut Names) -> rusqlite::Result<Result<T, CorruptRow>>,
    ) -> Result<Vec<T>, StoreError> {
        let reading = || format!("reading stream `{stream}` (tenant `{tenant}`)");
        if range.start >= range.end {
            return Ok(Vec::new());
        }
        let conn = self.take().map_err(backend(reading))?;
        let items = select(&conn, sql, (tenant, stream, &range), reading, build)?;
        self.give_back(conn);
        Ok(items)
    }
}

/// Steps through the rows in place, building each item from the driver's buffers: no
/// intermediate row, and author and kind names checked once per read, not per row.
fn select<T>(
    conn: &Connection,
    sql: &str,
    (tenant, stream, range): (&TenantId, &StreamId, &Range<u64>),
    reading: impl Fn() -> String + Copy,
    mut build: impl FnMut(&Row<'_>, &mut Names) -> rusqlite::Result<Result<T, CorruptRow>>,
) -> Result<Vec<T>, StoreError> {
    let mut statement = conn.prepare_cached(sql).map_err(backend(reading))?;
    let mut rows = statement
        .query((
            tenant.as_str(),
            stream.as_str(),
            seq_column(range.start),
            seq_column(range.end),
        ))
        .map_err(backend(reading))?;
    let expected = usize::try_from(range.end - range.start).unwrap_or(usize::MAX);
    let mut items = Vec::with_capacity(expected.min(CAPACITY_KEPT));
    let mut names = Names::default();
    while let Some(row) = rows.next().map_err(backend(reading))? {
        items.push(build(row, &mut names).map_err(backend(reading))??);
    }
    Ok(items)
}

/// Column `i` as text, borrowed from the driver; `None` for NULL.
fn text<'r>(row: &'r Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
    let value = row.get_ref(i)?;
    value
        .as_str_or_null()
        .map_err(|err| rusqlite::Error::FromSqlConversionFailure(i, value.data_type(), err.into()))
}

/// The error for a NULL in column `i`, which must hold a value.
fn null(i: usize) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(i, "NULL".into(), Type::Null)
}

fn body_ref<'r>(row: &'r Row<'_>) -> rusqlite::Result<BodyRef<'r>> {
    let text = |i: usize| text(row, i);
    Ok(BodyRef {
        seq: row.get(0)?,
        kind: text(1)?.ok_or_else(|| null(1))?,
        payload: text(2)?,
        salt_erased: row.get(3)?,
    })
}

fn row_ref<'r>(row: &'r Row<'_>) -> rusqlite::Result<RowRef<'r>> {
    let text = |i: usize| text(row, i);
    let blob = |i: usize| -> rusqlite::Result<Option<&'r [u8]>> {
        let value = row.get_ref(i)?;
        value.as_blob_or_null().map_err(|err| {
            rusqlite::Error::FromSqlConversionFailure(i, value.data_type(), err.into())
        })
    };
    Ok(RowRef {
        seq: row.get(0)?,
        recorded_at: text(1)?.ok_or_else(|| null(1))?,
        author: text(2)?,
        kind: text(3)?.ok_or_else(|| null(3))?,
        payload: text(4)?.map(Cow::Borrowed),
        salt: blob(5)?,
        commitment: blob(6)?.ok_or_else(|| null(6))?,
        prev: blob(7)?.ok_or_else(|| null(7))?,
        hash: blob(8)?.ok_or_else(|| null(8))?,
    })
}
