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

use andel_journal::{Entry, StoreError, StreamId, TenantId};
use rusqlite::types::Type;
use rusqlite::{Connection, OpenFlags, Row};

use crate::rows::{Names, RowRef, backend, seq_column};
use crate::sql::statements::READ;

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
        let reading = || format!("reading stream `{stream}` (tenant `{tenant}`)");
        if range.start >= range.end {
            return Ok(Vec::new());
        }
        let conn = self.take().map_err(backend(reading))?;
        let entries = select(&conn, tenant, stream, &range, reading)?;
        self.give_back(conn);
        Ok(entries)
    }
}

/// Steps through the rows in place, building each entry from the driver's buffers: no
/// intermediate row, and author and kind names checked once per read, not per row.
fn select(
    conn: &Connection,
    tenant: &TenantId,
    stream: &StreamId,
    range: &Range<u64>,
    reading: impl Fn() -> String + Copy,
) -> Result<Vec<Entry>, StoreError> {
    let mut statement = conn.prepare_cached(READ).map_err(backend(reading))?;
    let mut rows = statement
        .query((
            tenant.as_str(),
            stream.as_str(),
            seq_column(range.start),
            seq_column(range.end),
        ))
        .map_err(backend(reading))?;
    let expected = usize::try_from(range.end - range.start).unwrap_or(usize::MAX);
    let mut entries = Vec::with_capacity(expected.min(CAPACITY_KEPT));
    let mut names = Names::default();
    while let Some(row) = rows.next().map_err(backend(reading))? {
        let entry = row_ref(row)
            .map_err(backend(reading))?
            .into_entry(tenant, stream, &mut names)?;
        entries.push(entry);
    }
    Ok(entries)
}

fn row_ref<'r>(row: &'r Row<'_>) -> rusqlite::Result<RowRef<'r>> {
    let text = |i: usize| -> rusqlite::Result<Option<&'r str>> {
        let value = row.get_ref(i)?;
        value.as_str_or_null().map_err(|err| {
            rusqlite::Error::FromSqlConversionFailure(i, value.data_type(), err.into())
        })
    };
    let blob = |i: usize| -> rusqlite::Result<Option<&'r [u8]>> {
        let value = row.get_ref(i)?;
        value.as_blob_or_null().map_err(|err| {
            rusqlite::Error::FromSqlConversionFailure(i, value.data_type(), err.into())
        })
    };
    let null = |i: usize| rusqlite::Error::InvalidColumnType(i, "NULL".into(), Type::Null);
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
