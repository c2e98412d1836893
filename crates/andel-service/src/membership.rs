//! The membership ledger's use cases: read the ledger, record a command, import a
//! register, check the books, and take the roll as an electorate.

use andel_decisions::{Electorate, ElectorateError, Voter, VoterId};
use andel_journal::{AuthorId, Opened, StreamId, Timestamp, VerifyError, verify};
use andel_ledger::{
    Command, Event, LEDGER_STREAM, Ledger, MemberNumber, StoredLedger, import, open_ledger,
    open_ledger_from, query::VotingRoll,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::{Coop, ServiceError};

/// The co-op's ledger, replayed once from its stream: read it, or record commands.
pub struct Membership {
    stored: StoredLedger,
}

/// What checking the ledger found.
#[derive(Debug)]
pub struct LedgerCheck {
    /// Entries in the ledger's stream.
    pub entries: usize,
    /// Why the stream's hash chain does not verify, if it does not.
    pub broken: Option<VerifyError>,
    /// Debits minus credits over every account: zero in balanced books.
    pub imbalance: Decimal,
    /// Members in the register, current and former.
    pub members: usize,
    /// Why the ledger's saved snapshot is not what a replay of its events gives, if it
    /// is not: a cache that every command opening the ledger trusts.
    pub snapshot: Option<String>,
}

impl Coop {
    /// The ledger, from its latest snapshot and the events after it (every event
    /// checked under the ledger's rules when it was first applied); a new snapshot is
    /// saved when more than [`andel_ledger::SNAPSHOT_AFTER`] events had to be replayed.
    ///
    /// # Errors
    ///
    /// A store failure, or a stream that does not replay.
    pub async fn membership(&self) -> Result<Membership, ServiceError> {
        Ok(Membership {
            stored: open_ledger_from(self.journal().clone(), &**self.snapshots()).await?,
        })
    }

    /// Whether the ledger holds `member` (a member number, as the consent engine
    /// names members) as admitted on day `on`: who a service lets in and shares with.
    /// A member id that is not a member number is no member.
    ///
    /// ```
    /// use andel_service::{Access, Coop};
    ///
    /// # tokio::runtime::Runtime::new()?.block_on(async {
    /// # let dir = tempfile::tempdir()?;
    /// # let location = format!("sqlite:{}", dir.path().join("coop.db").display()).parse()?;
    /// let coop = Coop::open(&location, "solrosen".parse()?, Access::Start).await?;
    /// let today = chrono::Utc::now().date_naive();
    /// assert!(!coop.is_admitted(&"1".parse()?, today).await?);
    /// assert!(!coop.is_admitted(&"alva".parse()?, today).await?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A store failure, or a ledger stream that does not replay.
    pub async fn is_admitted(
        &self,
        member: &andel_consent::MemberId,
        on: NaiveDate,
    ) -> Result<bool, ServiceError> {
        let Ok(number) = member.as_str().parse::<MemberNumber>() else {
            return Ok(false);
        };
        self.read_ledger(|ledger| {
            ledger
                .member(number)
                .is_some_and(|view| view.status_on(on).is_admitted())
        })
        .await
    }

    /// Answers `read` on the ledger as it stands now. The ledger is opened once (from
    /// its snapshot) and kept; each call reads only the entries appended since, so a
    /// long-running service answers from memory.
    ///
    /// ```
    /// # use andel_service::{Access, Coop};
    /// # tokio::runtime::Runtime::new()?.block_on(async {
    /// # let dir = tempfile::tempdir()?;
    /// # let location = format!("sqlite:{}", dir.path().join("coop.db").display()).parse()?;
    /// let coop = Coop::open(&location, "solrosen".parse()?, Access::Start).await?;
    /// let members = coop.read_ledger(|ledger| ledger.next_member().get() - 1).await?;
    /// assert_eq!(members, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A store failure, or a stream that does not replay.
    pub async fn read_ledger<T>(&self, read: impl FnOnce(&Ledger) -> T) -> Result<T, ServiceError> {
        let asked = std::time::Instant::now();
        let mut cached = self.cached_ledger().lock().await;
        let (stored, caught_up) = match cached.take() {
            // A catch-up that began after this call saw all it must see: callers
            // queued behind one share its read of the store.
            Some((stored, caught_up)) if caught_up >= asked => (stored, caught_up),
            Some((mut stored, _)) => {
                let started = std::time::Instant::now();
                stored.catch_up().await?;
                (stored, started)
            }
            None => {
                let started = std::time::Instant::now();
                let stored = open_ledger_from(self.journal().clone(), &**self.snapshots()).await?;
                (stored, started)
            }
        };
        Ok(read(cached.insert((stored, caught_up)).0.state()))
    }

    /// Verifies the ledger stream's hash chain, replays every event under the ledger's
    /// rules, checks that the books balance, and holds the saved snapshot against the
    /// replay.
    ///
    /// # Errors
    ///
    /// A store failure, or a stream that does not replay.
    pub async fn check_ledger(&self) -> Result<LedgerCheck, ServiceError> {
        let stream = StreamId::new(LEDGER_STREAM)?;
        let entries = self.journal().read(&stream, 0..u64::MAX).await?;
        let broken = verify(&entries).err();
        let count = entries.len();
        drop(entries);
        let replayed = open_ledger(self.journal().clone()).await?;
        let ledger = replayed.state();
        Ok(LedgerCheck {
            entries: count,
            broken,
            imbalance: ledger.books().imbalance(),
            members: ledger.register(NaiveDate::MAX).rows.len(),
            snapshot: replayed.check_snapshot(&**self.snapshots()).await?,
        })
    }
}

impl Membership {
    /// The ledger as it stands.
    pub fn ledger(&self) -> &Ledger {
        self.stored.state()
    }

    /// How the ledger was opened: from which snapshot, if any, and whether one was
    /// saved.
    pub fn opened(&self) -> &Opened {
        self.stored.opened()
    }

    /// Decides `command` as of `on` and records its events (none when it was already
    /// done, such as a payment under a key already recorded). Another writer's entries
    /// are caught up with and the command decided again.
    ///
    /// # Errors
    ///
    /// The ledger's refusal, or a store failure.
    pub async fn record(
        &mut self,
        command: Command,
        on: NaiveDate,
        recorded_at: Timestamp,
        by: Option<AuthorId>,
    ) -> Result<Vec<Event>, ServiceError> {
        Ok(self.stored.execute(command, on, recorded_at, by).await?)
    }

    /// Plans an import of members from a spreadsheet (CSV) and, unless `dry_run`,
    /// records it: every row or none.
    ///
    /// # Errors
    ///
    /// A row the import refuses (naming its line), the ledger's refusal, or a store
    /// failure.
    pub async fn import(
        &mut self,
        csv: &str,
        dry_run: bool,
        recorded_at: Timestamp,
        by: Option<AuthorId>,
    ) -> Result<import::Plan, ServiceError> {
        let plan = import::plan(self.ledger(), csv)?;
        if !dry_run {
            self.stored
                .execute_all(&plan.commands, recorded_at, by)
                .await?;
        }
        Ok(plan)
    }

    /// The voting roll at `as_of` as the electorate of a decision.
    ///
    /// # Errors
    ///
    /// A roll that cannot be weighed.
    pub fn electorate(&self, as_of: NaiveDate) -> Result<Electorate, ServiceError> {
        Ok(electorate(&self.ledger().roll(as_of)?)?)
    }
}

/// The voting roll of the ledger as the electorate of a decision: each voter by member
/// number, with their weight and college. The two domain crates share no types; this is
/// the typed way between them inside one process (`andel ledger roll --json` and
/// [`Electorate::from_roll_json`] are the way between two processes).
///
/// # Errors
///
/// A roll whose voters do not form an electorate (a weight that is not positive, a
/// member listed twice): a roll from [`Ledger::roll`] never does.
pub fn electorate(roll: &VotingRoll) -> Result<Electorate, ElectorateError> {
    let voters = roll
        .voters
        .iter()
        .map(|voter| {
            Ok(Voter {
                id: VoterId::new(&voter.member.to_string())?,
                weight: voter.weight,
                college: voter.college.as_ref().map(|c| c.as_str().to_owned()),
            })
        })
        .collect::<Result<Vec<_>, ElectorateError>>()?;
    Electorate::new(voters)
}
