//! Where a journal is: a journal file, or one tenant's journal in a database.

use std::fmt;
use std::path::PathBuf;

use andel::journal::file::FileError;
use andel::journal::{
    Draft, Entry, JournalStore, REPLAY_PAGE, Redaction, StreamId, Summary, TenantId, Verifier,
    VerifyError,
};
use andel::service::{Access, Coop};
use andel::store::Location;
use anyhow::{Context, Result};

use crate::files;

/// The tenant a database journal belongs to when `--tenant` is not given.
const DEFAULT_TENANT: &str = "default";

/// How often an append that lost a race to another writer is tried again: each round
/// at least one writer wins, so this outlasts far more concurrent writers than a co-op
/// has.
const CONFLICT_RETRIES: u32 = 64;

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
    coop: Coop,
}

impl StoreJournal {
    /// Opens `tenant`'s journal at `location`. Unless `create` allows it, the database
    /// must exist and the tenant must hold entries: a mistyped path or tenant is an
    /// error that names it (and the tenants there are), never an empty journal.
    pub(crate) fn open(location: Location, tenant: TenantId, create: Create) -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        let access = match create {
            Create::Allowed => Access::Start,
            Create::Refused => Access::Existing,
        };
        let coop = runtime.block_on(Coop::open(&location, tenant, access))?;
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

    /// Runs one store call to completion.
    pub(crate) fn run<T>(&self, call: impl Future<Output = T>) -> T {
        self.runtime.block_on(call)
    }

    pub(crate) fn store(&self) -> &dyn JournalStore {
        &**self.coop().journal()
    }

    /// Appends `draft` at the stream's head. An append does not depend on what the
    /// head is, so when another writer was first it reads the head again and retries,
    /// rather than failing the command.
    pub(crate) fn append(&self, stream: &StreamId, draft: Draft) -> Result<Entry> {
        let mut sealed = self.run(async {
            let mut attempt = 1;
            loop {
                let head = self.store().head(stream).await?;
                match self
                    .store()
                    .append(stream, head.next_seq(), vec![draft.clone()])
                    .await
                {
                    Err(err) if err.is_conflict() && attempt < CONFLICT_RETRIES => {
                        attempt += 1;
                    }
                    done => return done,
                }
            }
        })?;
        sealed.pop().context("the store appended nothing")
    }

    pub(crate) fn redact(
        &self,
        stream: &StreamId,
        seq: u64,
        redaction: Redaction,
    ) -> Result<Entry> {
        Ok(self.run(self.store().redact(stream, seq, redaction))?)
    }

    /// Hands every entry of every stream to `visit`, a page at a time, stream by
    /// stream in name order.
    pub(crate) fn for_each(&self, mut visit: impl FnMut(&Entry) -> Result<()>) -> Result<()> {
        let streams = self.run(self.store().streams())?;
        for stream in &streams {
            let mut next = 0;
            loop {
                let page = self.run(
                    self.store()
                        .read(stream, next..next.saturating_add(REPLAY_PAGE)),
                )?;
                for entry in &page {
                    visit(entry)?;
                }
                match page.last() {
                    Some(last) if page.len() as u64 == REPLAY_PAGE => next = last.seq() + 1,
                    _ => break,
                }
            }
        }
        Ok(())
    }

    /// Verifies every stream, handing each verified entry to `visit`.
    fn scan(
        &self,
        mut visit: impl FnMut(&Entry) -> Result<()>,
    ) -> Result<Result<Summary, VerifyError>> {
        let mut verifier = Verifier::new();
        let mut invalid = None;
        self.for_each(|entry| {
            if invalid.is_none() {
                match verifier.check(entry) {
                    Ok(()) => visit(entry)?,
                    Err(err) => invalid = Some(err),
                }
            }
            Ok(())
        })?;
        Ok(match invalid {
            Some(err) => Err(err),
            None => verifier.finish(),
        })
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

/// Why a journal does not verify.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Invalid {
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Store(#[from] VerifyError),
}

impl Journal {
    /// Reads and verifies the whole journal, handing every verified entry to `visit`.
    /// The outer error: the journal cannot be read at all; the inner one: it does not
    /// verify, at the entry it names.
    pub(crate) fn scan(
        &self,
        visit: impl FnMut(&Entry) -> Result<()>,
    ) -> Result<Result<Summary, Invalid>> {
        Ok(match self {
            Journal::File(path) => files::scan(path, visit)?.map_err(Invalid::from),
            Journal::Store(store) => store.scan(visit)?.map_err(Invalid::from),
        })
    }
}

impl fmt::Display for Journal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Journal::File(path) => write!(f, "{}", path.display()),
            Journal::Store(store) => store.fmt(f),
        }
    }
}
