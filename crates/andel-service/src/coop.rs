//! A co-op's data in one database: its journal and its secret-ballot boxes, opened for
//! one tenant, with the checks that tell a mistyped path or tenant from a new one.

use std::fmt;
use std::sync::Arc;

use andel_decisions::secret::BallotBox;
use andel_journal::{JournalStore, SnapshotStore, StreamId, SubjectIndex, TenantId};
use andel_ledger::StoredLedger;
use andel_store::{AccountStore, Database, Location};

use crate::ServiceError;

/// Whether opening may start what it opens: only the use cases that write a co-op's
/// first entries may create a database file or a tenant. Everything else must find
/// both, so that a mistyped path or tenant is an error, never an empty co-op reported
/// on as if it were real.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// May create the database file and start the tenant.
    Start,
    /// The database and the tenant must exist.
    Existing,
}

/// One tenant's data in an open database: the journal every use case records in, and
/// the boxes of its secret ballots.
///
/// ```
/// use andel_service::{Access, Coop};
///
/// # tokio::runtime::Runtime::new()?.block_on(async {
/// let dir = tempfile::tempdir()?;
/// let location = format!("sqlite:{}", dir.path().join("coop.db").display()).parse()?;
/// // Reading a co-op that is not there is an error, and creates nothing.
/// let missing = Coop::open(&location, "solrosen".parse()?, Access::Existing).await;
/// assert!(missing.unwrap_err().to_string().starts_with("there is no database at"));
/// assert!(!dir.path().join("coop.db").exists());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Coop {
    location: Location,
    tenant: TenantId,
    database: Database,
    journal: Arc<dyn JournalStore>,
    subjects: Arc<dyn SubjectIndex>,
    snapshots: Arc<dyn SnapshotStore>,
    accounts: Arc<dyn AccountStore>,
    ballots: Arc<dyn BallotBox>,
    /// The ledger, opened by the first [`Coop::read_ledger`] and caught up by each.
    ledger: tokio::sync::Mutex<Option<(StoredLedger, std::time::Instant)>>,
    /// What access decisions are taken under, opened by the first decision.
    access: tokio::sync::Mutex<Option<crate::consents::AccessBooks>>,
    /// The audit journal's writes, grouped into shared commits.
    audit: crate::consents::AuditQueue,
    created_file: bool,
}

impl Coop {
    /// Opens `tenant`'s data at `location`, bringing the tables up to date.
    ///
    /// # Errors
    ///
    /// [`ServiceError::NoDatabase`] and [`ServiceError::NoTenant`] (naming the tenants
    /// there are) unless `access` is [`Access::Start`]; a database that cannot be
    /// opened.
    pub async fn open(
        location: &Location,
        tenant: TenantId,
        access: Access,
    ) -> Result<Coop, ServiceError> {
        let created_file = match location {
            Location::Sqlite(path) if !path.exists() => {
                if access == Access::Existing {
                    return Err(ServiceError::NoDatabase {
                        location: location.to_string(),
                    });
                }
                true
            }
            _ => false,
        };
        let database = Database::open(location).await?;
        let coop = Coop {
            location: location.clone(),
            journal: database.journal(tenant.clone()),
            subjects: database.subjects(tenant.clone()),
            snapshots: database.snapshots(tenant.clone()),
            accounts: database.accounts(tenant.clone()),
            ledger: tokio::sync::Mutex::new(None),
            access: tokio::sync::Mutex::new(None),
            audit: crate::consents::AuditQueue::default(),
            ballots: database.ballot_box(tenant.clone()),
            tenant,
            database,
            created_file,
        };
        if access == Access::Existing && coop.journal.streams().await?.is_empty() {
            let known = coop.database.tenants().await?;
            let err = ServiceError::NoTenant {
                tenant: coop.tenant.clone(),
                location: coop.location.to_string(),
                known,
            };
            coop.close().await;
            return Err(err);
        }
        Ok(coop)
    }

    /// The tenant.
    pub fn tenant(&self) -> &TenantId {
        &self.tenant
    }

    /// The journal every use case records in.
    pub fn journal(&self) -> &Arc<dyn JournalStore> {
        &self.journal
    }

    /// Where the aggregates' snapshots are kept (the ledger's, so that it opens from its
    /// latest one).
    pub fn snapshots(&self) -> &Arc<dyn SnapshotStore> {
        &self.snapshots
    }

    pub(crate) fn cached_ledger(
        &self,
    ) -> &tokio::sync::Mutex<Option<(StoredLedger, std::time::Instant)>> {
        &self.ledger
    }

    pub(crate) fn audit_queue(&self) -> &crate::consents::AuditQueue {
        &self.audit
    }

    pub(crate) fn access_books(&self) -> &tokio::sync::Mutex<Option<crate::consents::AccessBooks>> {
        &self.access
    }

    /// Members' password hashes and sessions (see [`Coop::sign_in`]).
    pub fn accounts(&self) -> &Arc<dyn AccountStore> {
        &self.accounts
    }

    /// The index of the journal's entries by the members they are about.
    pub fn subjects(&self) -> &Arc<dyn SubjectIndex> {
        &self.subjects
    }

    /// The boxes of the tenant's secret ballots.
    pub fn ballot_box(&self) -> &Arc<dyn BallotBox> {
        &self.ballots
    }

    /// The streams of the tenant's journal, in name order.
    ///
    /// # Errors
    ///
    /// A store failure.
    pub async fn streams(&self) -> Result<Vec<StreamId>, ServiceError> {
        Ok(self.journal.streams().await?)
    }

    /// Closes every connection, waiting for running queries to finish. Closing again
    /// does nothing.
    pub async fn close(&self) {
        self.database.close().await;
    }

    /// Closes the database and, if opening it created its file, removes the file: for a
    /// use case that was refused after opening, so that it leaves nothing behind.
    pub async fn abandon(&self) {
        let created = self.created_file.then(|| self.location.clone());
        self.database.close().await;
        if let Some(Location::Sqlite(path)) = created {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut name = path.clone().into_os_string();
                name.push(suffix);
                let _ = std::fs::remove_file(name);
            }
        }
    }
}

/// `tenant `NAME` in LOCATION`, for messages.
impl fmt::Display for Coop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tenant `{}` in {}", self.tenant, self.location)
    }
}

impl fmt::Debug for Coop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Coop")
            .field("tenant", &self.tenant)
            .field("location", &self.location.to_string())
            .finish_non_exhaustive()
    }
}
