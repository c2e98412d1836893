//! Bulk reads from SQLite through rusqlite, on a blocking thread.
//!
//! sqlx hands SQLite rows from its worker thread to the caller one message at a time,
//! which caps a read at about 200k rows/s on the CI machine; rusqlite steps the same
//! statement in place at over 1M rows/s. Replaying a long stream is where that shows,
//! so reads of entries go through here. Both drivers use the same compiled-in SQLite;
//! writes, migrations and snapshots stay with sqlx, and a redaction reads its target
//! inside its own sqlx transaction.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use andel_journal::{Entry, StoreError, StreamId, TenantId};
use rusqlite::{Connection, OpenFlags};

use crate::rows::{EntryRow, backend, seq_column};
use crate::sql::statements::READ;

/// Idle connections kept for reuse.
const MAX_IDLE: usize = 4;

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
        let rows = select(&conn, tenant, stream, &range).map_err(backend(reading))?;
        self.give_back(conn);
        rows.into_iter()
            .map(|row| Ok(row.into_entry(tenant, stream)?))
            .collect()
    }
}

fn select(
    conn: &Connection,
    tenant: &TenantId,
    stream: &StreamId,
    range: &Range<u64>,
) -> rusqlite::Result<Vec<EntryRow>> {
    let mut statement = conn.prepare_cached(READ)?;
    let rows = statement.query_map(
        (
            tenant.as_str(),
            stream.as_str(),
            seq_column(range.start),
            seq_column(range.end),
        ),
        |row| {
            Ok(EntryRow {
                seq: row.get(0)?,
                recorded_at: row.get(1)?,
                author: row.get(2)?,
                kind: row.get(3)?,
                payload: row.get(4)?,
                salt: row.get(5)?,
                commitment: row.get(6)?,
                prev: row.get(7)?,
                hash: row.get(8)?,
            })
        },
    )?;
    rows.collect()
}
