//! Where a journal is: a journal file, or one tenant's journal in a database.

use std::fmt;
use std::path::PathBuf;

use andel::journal::TenantId;
use andel::service::{Access, Coop};
use andel::store::Location;
use anyhow::{Context, Result};

/// The tenant a database journal belongs to when `--tenant` is not given.
const DEFAULT_TENANT: &str = "default";

/// `--store` and `--tenant`: one co-op's data in a database. Every command that works
/// on a database takes these two, before or after its subcommand.
#[derive(Debug, clap::Args)]
pub(crate) struct StoreArg {
    /// The database: `sqlite:PATH` or `postgres://USER@HOST/DATABASE`.
    #[arg(long, value_name = "LOCATION", global = true)]
    store: Option<Location>,
    /// The tenant (organisation) whose data to use [default: default].
    #[arg(long, value_name = "NAME", global = true, requires = "store")]
    tenant: Option<TenantId>,
}

/// Whether a command may start what it opens: only commands that write a co-op's first
/// entries may create a database file or a tenant. Reading a mistyped path or tenant must
/// say so, not create an empty one and report on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Create {
    Allowed,
    Refused,
}

impl StoreArg {
    /// Opens the co-op's database for `command` (named in the error when `--store` is
    /// missing).
    pub(crate) fn open(self, command: &str, create: Create) -> Result<StoreJournal> {
        let Some(location) = self.store else {
            anyhow::bail!("`{command}` needs --store sqlite:PATH or --store postgres://…");
        };
        let tenant = match self.tenant {
            Some(tenant) => tenant,
            None => TenantId::new(DEFAULT_TENANT)?,
        };
        StoreJournal::open(location, tenant, create)
    }
}

/// The journal a command works on: a file (the positional argument) or `--store`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("journal").required(true).args(["file", "store"])))]
#[command(group(clap::ArgGroup::new("file-only").args(["file"]).conflicts_with("tenant")))]
pub(crate) struct JournalArg {
    /// The journal file (or use --store).
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    #[command(flatten)]
    store: StoreArg,
}

impl JournalArg {
    pub(crate) fn open(self, command: &str, create: Create) -> Result<Journal> {
        match self.file {
            Some(path) => Ok(Journal::File(path)),
            None => self.store.open(command, create).map(Journal::Store),
        }
    }
}

/// One tenant's data in an open database ([`Coop`]), with the runtime its calls run on.
pub(crate) struct StoreJournal {
    runtime: tokio::runtime::Runtime,
    coop: Box<Coop>,
}

/// The runtime a command's calls into the application layer run on: one thread, the
/// command's own.
fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

impl StoreJournal {
    /// Opens `tenant`'s journal at `location`. Unless `create` allows it, the database
    /// must exist and the tenant must hold entries: a mistyped path or tenant is an
    /// error that names it (and the tenants there are), never an empty journal.
    pub(crate) fn open(location: Location, tenant: TenantId, create: Create) -> Result<Self> {
        let runtime = runtime()?;
        let access = match create {
            Create::Allowed => Access::Start,
            Create::Refused => Access::Existing,
        };
        let coop = Box::new(runtime.block_on(Coop::open(&location, tenant, access))?);
        Ok(StoreJournal { runtime, coop })
    }

    /// The co-op's data, for the use cases of `andel-service`.
    pub(crate) fn coop(&self) -> &Coop {
        &self.coop
    }

    /// Hands back `result`; if it is an error and this command created the database
    /// file, removes the file first, so that a refused command leaves nothing behind.
    pub(crate) fn finish<T>(self, result: Result<T>) -> Result<T> {
        if result.is_err() {
            self.runtime.block_on(self.coop.abandon());
        }
        result
    }

    /// Runs one call to completion.
    pub(crate) fn run<T>(&self, call: impl Future<Output = T>) -> T {
        self.runtime.block_on(call)
    }
}

impl Drop for StoreJournal {
    fn drop(&mut self) {
        self.runtime.block_on(self.coop.close());
    }
}

impl fmt::Display for StoreJournal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.coop().fmt(f)
    }
}

/// A journal file or a database journal.
pub(crate) enum Journal {
    File(PathBuf),
    Store(StoreJournal),
}

impl Journal {
    /// The journal, for the use cases of `andel-service`.
    pub(crate) fn source(&self) -> andel::service::Journal<'_> {
        match self {
            Journal::File(path) => andel::service::Journal::File(path),
            Journal::Store(store) => andel::service::Journal::Store(store.coop()),
        }
    }

    /// Runs one call to completion.
    pub(crate) fn run<T>(&self, call: impl Future<Output = T>) -> Result<T> {
        match self {
            Journal::Store(store) => Ok(store.run(call)),
            Journal::File(_) => Ok(runtime()?.block_on(call)),
        }
    }
}

impl fmt::Display for Journal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.source().fmt(f)
    }
}
