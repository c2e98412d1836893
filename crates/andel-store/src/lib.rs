//! Durable journals: SQLite (the embedded default) and PostgreSQL stores for Andel's
//! journals and projection snapshots.
//!
//! Both implement [`JournalStore`] and [`SnapshotStore`] from `andel-journal`, pass the
//! conformance suite in `andel-testkit`, and hash exactly as every other store does: a
//! journal exported from one and imported into another keeps every hash.
//!
//! - **Tenants.** A database holds the data of any number of tenants (organisations);
//!   a store handle is bound to one [`TenantId`] and every statement it runs is scoped
//!   to it, so two co-ops can share a server without their data ever mixing.
//! - **Concurrency.** Appends name the sequence number they expect; a unique key on
//!   `(tenant, stream, seq)` makes the loser of a race get a conflict, never a fork.
//! - **Migrations** are compiled in (one folder per backend, `migrations/sqlite` and
//!   `migrations/postgres`) and applied when a database is opened.
//! - **Journal files** ([`file::JournalFile`]) are the third store: appends and
//!   redactions on a file in the journal file format, each under the file's lock and
//!   written as a new file that replaces the old one in one rename.
//! - **Tampering** with rows is not prevented (whoever runs the database can write to
//!   it) but detected: [`andel_journal::verify`] names the first altered entry, and a
//!   row too mangled to be an entry is reported as a [`CorruptRow`].
//!
//! # Examples
//!
//! Open a store from a location string, as the `andel` command does:
//!
//! ```
//! use andel_journal::{verify, Draft, Kind, Payload, StreamId, TenantId};
//! use andel_store::{Database, Location};
//!
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! let dir = tempfile::tempdir()?;
//! let location: Location = format!("sqlite:{}", dir.path().join("coop.db").display()).parse()?;
//! let db = Database::open(&location).await?;
//! let journal = db.journal(TenantId::new("coop-7")?);
//!
//! let votes = StreamId::new("votes")?;
//! let draft = Draft::new(Kind::new("ballot.cast")?, Payload::from_json_str(r#"{"choice":"yes"}"#)?, "2026-11-27T08:00:00Z".parse()?);
//! journal.append(&votes, 0, vec![draft]).await?;
//!
//! let entries = journal.read(&votes, 0..u64::MAX).await?;
//! assert_eq!(verify(&entries)?.entries(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Feature flags
//!
//! - `sqlite` (default): [`SqliteDatabase`]. SQLite is compiled in.
//! - `postgres` (default): [`PostgresDatabase`].

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use andel_journal::{JournalStore, SnapshotStore, TenantId};

mod accounts;
mod ballots;
pub mod file;
mod migrate;
#[cfg(feature = "postgres")]
mod postgres;
mod rows;
mod sql;
#[cfg(feature = "sqlite")]
mod sqlite;
#[cfg(feature = "sqlite")]
mod sqlite_read;

pub use accounts::{AccountStore, SessionRecord};
#[cfg(feature = "postgres")]
pub use postgres::{PostgresDatabase, PostgresStore};
pub use rows::{CorruptRow, DatabaseError};
#[cfg(feature = "sqlite")]
pub use sqlite::{SqliteDatabase, SqliteStore};

/// Where a database is: `sqlite:PATH` or a PostgreSQL URL (`postgres://…`).
///
/// ```
/// use andel_store::Location;
///
/// let local: Location = "sqlite:data/coop.db".parse()?;
/// assert_eq!(local, Location::Sqlite("data/coop.db".into()));
///
/// let server: Location = "postgres://andel:secret@db.example.org/coop".parse()?;
/// assert_eq!(server.to_string(), "postgres://andel:***@db.example.org/coop"); // no password in logs
///
/// assert!("mysql://db/coop".parse::<Location>().is_err());
/// # Ok::<(), andel_store::LocationError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// An SQLite database file (created if missing).
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

/// A location string that names no known backend.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "store `{given}` is not `sqlite:PATH` or `postgres://USER@HOST/DATABASE`{hint}",
    hint = if given.starts_with("sqlite:") { " (the path is empty)" } else { "" }
)]
pub struct LocationError {
    /// The string given.
    pub given: String,
}

impl FromStr for Location {
    type Err = LocationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let refuse = || LocationError {
            given: redact_password(s),
        };
        if let Some(path) = s.strip_prefix("sqlite:") {
            // `sqlite://a.db` is how sqlx and others spell `sqlite:a.db`.
            let path = path.strip_prefix("//").unwrap_or(path);
            return if path.is_empty() {
                Err(refuse())
            } else {
                Ok(Location::Sqlite(path.into()))
            };
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(Location::Postgres(s.to_owned()));
        }
        Err(refuse())
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            Location::Postgres(url) => f.write_str(&redact_password(url)),
        }
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Location({self})")
    }
}

/// A URL with its password, if any, replaced by `***`, fit for logs and errors.
pub(crate) fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// Why a database could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The database could not be reached or created.
    #[error("cannot open {location}: {source}")]
    Connect {
        /// Where (without password).
        location: String,
        /// What the driver said.
        #[source]
        source: sqlx::Error,
    },
    /// The tables could not be brought up to date.
    #[error("cannot bring the tables of {location} up to date: {source}")]
    Migrate {
        /// Where (without password).
        location: String,
        /// What the migrator said.
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    /// The PostgreSQL schema name is not a plain identifier.
    #[error(
        "schema `{schema}` is not a plain identifier (`a-z`, `0-9`, `_`, not starting with a digit, at most 63 bytes)"
    )]
    Schema {
        /// The name given.
        schema: String,
    },
    /// This build of `andel-store` leaves out the backend.
    #[error("{location} needs the `{feature}` feature of andel-store, which this build leaves out")]
    Unsupported {
        /// Where.
        location: String,
        /// The missing feature.
        feature: &'static str,
    },
}

/// An open database of either backend, for programs that take a [`Location`] from
/// their configuration.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Database {
    /// An SQLite file.
    #[cfg(feature = "sqlite")]
    Sqlite(SqliteDatabase),
    /// A PostgreSQL database.
    #[cfg(feature = "postgres")]
    Postgres(PostgresDatabase),
}

impl Database {
    /// Opens the database at `location` and brings its tables up to date.
    ///
    /// # Errors
    ///
    /// As [`SqliteDatabase::open`] and [`PostgresDatabase::open`], and
    /// [`OpenError::Unsupported`] for a backend this build leaves out.
    pub async fn open(location: &Location) -> Result<Self, OpenError> {
        match location {
            #[cfg(feature = "sqlite")]
            Location::Sqlite(path) => Ok(Database::Sqlite(SqliteDatabase::open(path).await?)),
            #[cfg(feature = "postgres")]
            Location::Postgres(url) => Ok(Database::Postgres(PostgresDatabase::open(url).await?)),
            #[allow(unreachable_patterns)]
            other => Err(OpenError::Unsupported {
                location: other.to_string(),
                feature: match other {
                    Location::Sqlite(_) => "sqlite",
                    Location::Postgres(_) => "postgres",
                },
            }),
        }
    }

    /// The journal of one tenant.
    pub fn journal(&self, tenant: TenantId) -> Arc<dyn JournalStore> {
        match self {
            #[cfg(feature = "sqlite")]
            Database::Sqlite(db) => Arc::new(db.store(tenant)),
            #[cfg(feature = "postgres")]
            Database::Postgres(db) => Arc::new(db.store(tenant)),
        }
    }

    /// The secret-ballot boxes of one tenant.
    pub fn ballot_box(&self, tenant: TenantId) -> Arc<dyn andel_decisions::secret::BallotBox> {
        match self {
            #[cfg(feature = "sqlite")]
            Database::Sqlite(db) => Arc::new(db.store(tenant)),
            #[cfg(feature = "postgres")]
            Database::Postgres(db) => Arc::new(db.store(tenant)),
        }
    }

    /// The password hashes and sessions of one tenant's members.
    pub fn accounts(&self, tenant: TenantId) -> Arc<dyn AccountStore> {
        match self {
            #[cfg(feature = "sqlite")]
            Database::Sqlite(db) => Arc::new(db.store(tenant)),
            #[cfg(feature = "postgres")]
            Database::Postgres(db) => Arc::new(db.store(tenant)),
        }
    }

    /// The index of one tenant's entries by the members they are about.
    pub fn subjects(&self, tenant: TenantId) -> Arc<dyn andel_journal::SubjectIndex> {
        match self {
            #[cfg(feature = "sqlite")]
            Database::Sqlite(db) => Arc::new(db.store(tenant)),
            #[cfg(feature = "postgres")]
            Database::Postgres(db) => Arc::new(db.store(tenant)),
        }
    }

    /// The projection snapshots of one tenant.
    pub fn snapshots(&self, tenant: TenantId) -> Arc<dyn SnapshotStore> {
        match self {
            #[cfg(feature = "sqlite")]
            Database::Sqlite(db) => Arc::new(db.store(tenant)),
            #[cfg(feature = "postgres")]
            Database::Postgres(db) => Arc::new(db.store(tenant)),
        }
    }

    /// The tenants with at least one journal entry, in name order.
    ///
    /// ```
    /// use andel_journal::{Draft, Kind, Payload, StreamId, TenantId};
    /// use andel_store::{Database, Location};
    ///
    /// # tokio::runtime::Runtime::new()?.block_on(async {
    /// let dir = tempfile::tempdir()?;
    /// let location: Location = format!("sqlite:{}", dir.path().join("coop.db").display()).parse()?;
    /// let db = Database::open(&location).await?;
    /// assert!(db.tenants().await?.is_empty());
    /// let entry = Draft::new(
    ///     Kind::new("member.admitted")?,
    ///     Payload::from_json_str("{}")?,
    ///     "2026-03-01T09:00:00Z".parse()?,
    /// );
    /// db.journal(TenantId::new("solrosen")?)
    ///     .append(&StreamId::new("members")?, 0, vec![entry])
    ///     .await?;
    /// assert_eq!(db.tenants().await?, [TenantId::new("solrosen")?]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// When the database cannot be read.
    pub async fn tenants(&self) -> Result<Vec<TenantId>, andel_journal::StoreError> {
        match self {
            #[cfg(feature = "sqlite")]
            Database::Sqlite(db) => db.tenants().await,
            #[cfg(feature = "postgres")]
            Database::Postgres(db) => db.tenants().await,
        }
    }

    /// Closes every connection, waiting for running queries to finish.
    pub async fn close(&self) {
        match self {
            #[cfg(feature = "sqlite")]
            Database::Sqlite(db) => db.close().await,
            #[cfg(feature = "postgres")]
            Database::Postgres(db) => db.close().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse_and_hide_passwords() {
        let cases = [
            ("sqlite:coop.db", Some(Location::Sqlite("coop.db".into()))),
            (
                "sqlite:///var/lib/coop.db",
                Some(Location::Sqlite("/var/lib/coop.db".into())),
            ),
            ("sqlite:", None),
            (
                "postgresql://h/db",
                Some(Location::Postgres("postgresql://h/db".into())),
            ),
            ("coop.db", None),
        ];
        for (given, expected) in cases {
            assert_eq!(given.parse::<Location>().ok(), expected, "{given}");
        }
        let err = "mysql://root:hunter2@h/db".parse::<Location>().unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert_eq!(
            redact_password("postgres://u:p@h:5432/db?sslmode=require"),
            "postgres://u:***@h:5432/db?sslmode=require"
        );
        assert_eq!(redact_password("postgres://u@h/db"), "postgres://u@h/db");
    }
}
