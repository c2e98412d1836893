//! Members' consents (give, refuse and withdraw them, read them back) in the tenant's
//! `consents` stream, and access decisions recorded in its audit journal (`access`),
//! from which a member's transparency report is drawn.

use andel_consent::{
    ACCESS_KIND, AUDIT_STREAM, AccessRecord, CONSENT_STREAM, Charter, ConsentBook, ConsentCommand,
    ConsentEvent, Decision, ERASURE_STREAM, EntryRef, Erased, ErasureBook, ErasureDue,
    ErasureReason, MemberId, Policy, Request, TransparencyReport, evaluate,
};
use andel_journal::{
    AuthorId, Draft, Entry, EntryBody, Kind, Payload, RedactProblem, Redaction, StoreError, Stored,
    StreamId, SubjectId, Timestamp, catch_up,
};
use std::collections::BTreeMap;

use andel_consent::{CharterBook, PolicyBook, PolicyBooks};
use chrono::{DateTime, Utc};

use crate::journal::append_retrying;
use crate::{Coop, ServiceError};

impl Coop {
    /// Every member's consents, as recorded.
    ///
    /// # Errors
    ///
    /// A store failure, or a consent stream that is not one.
    pub async fn consents(&self) -> Result<ConsentBook, ServiceError> {
        Ok(self.consent_book().await?.state().clone())
    }

    /// Records a member's consent command at `at`: the events it recorded (none when
    /// there was nothing to change, as giving a consent already in force).
    ///
    /// # Errors
    ///
    /// The consent book's refusal (nothing to withdraw, a refusal while consent is in
    /// force, a time before the last record), or a store failure.
    pub async fn record_consent(
        &self,
        command: ConsentCommand,
        at: DateTime<Utc>,
        recorded_at: Timestamp,
        by: Option<AuthorId>,
    ) -> Result<Vec<ConsentEvent>, ServiceError> {
        let mut book = self.consent_book().await?;
        Ok(book.execute(command, at, recorded_at, by).await?)
    }

    pub(crate) async fn consent_book(&self) -> Result<Stored<ConsentBook>, ServiceError> {
        let stream = StreamId::new(CONSENT_STREAM)?;
        Ok(Stored::open(self.journal().clone(), stream).await?)
    }
}

impl Coop {
    /// Decides `request` under the data policy the members adopted, in force at the
    /// request's time (nothing is permitted before one is), within it under the own
    /// policy of each organisation that owns the resource, and the charter in force,
    /// with the consents in force; records the decision in the audit journal (stream
    /// `access`).
    ///
    /// # Errors
    ///
    /// A store failure; the decision itself is never an error.
    pub async fn decide_access(
        &self,
        request: &Request,
        recorded_at: Timestamp,
        by: Option<AuthorId>,
    ) -> Result<Decision, ServiceError> {
        let mut decisions = self
            .decide_accesses(std::slice::from_ref(request), recorded_at, by)
            .await?;
        decisions
            .pop()
            .ok_or_else(|| ServiceError::Refused("no decision was taken".to_owned()))
    }

    /// Decides every one of `requests` as [`Coop::decide_access`] does, reading the
    /// consents and policies once, and records all the decisions in the audit journal
    /// in one append (one transaction): how a busy service records its accesses.
    ///
    /// # Errors
    ///
    /// A store failure: then none of the decisions is recorded.
    pub async fn decide_accesses(
        &self,
        requests: &[Request],
        recorded_at: Timestamp,
        by: Option<AuthorId>,
    ) -> Result<Vec<Decision>, ServiceError> {
        let decisions = self.evaluate_all(requests).await?;
        let kind = Kind::new(ACCESS_KIND)?;
        let drafts = requests
            .iter()
            .zip(&decisions)
            .map(|(request, decision)| {
                let record = AccessRecord::of(request, decision);
                let draft = Draft::new(kind.clone(), Payload::new(&record)?, recorded_at);
                Ok(match &by {
                    Some(by) => draft.by(by.clone()),
                    None => draft,
                })
            })
            .collect::<Result<Vec<_>, ServiceError>>()?;
        if !drafts.is_empty() {
            self.audit_queue().record(self, drafts).await?;
        }
        Ok(decisions)
    }

    /// Decides `requests` on the consents, policies and charter as recorded now,
    /// kept open between calls and caught up with what was recorded since (by this
    /// process or another), so that a busy service reads only what is new.
    async fn evaluate_all(&self, requests: &[Request]) -> Result<Vec<Decision>, ServiceError> {
        let asked = std::time::Instant::now();
        let mut cached = self.access_books().lock().await;
        let books = match cached.take() {
            // A catch-up that began after this request arrived saw all it must see:
            // requests queued behind one share its read of the store.
            Some(books) if books.caught_up >= asked => cached.insert(books),
            Some(mut books) => {
                let started = std::time::Instant::now();
                books.catch_up(self).await?;
                books.caught_up = started;
                cached.insert(books)
            }
            None => {
                let started = std::time::Instant::now();
                cached.insert(AccessBooks::open(self, started).await?)
            }
        };
        let policies = PolicyBooks {
            coop: books.policies.state().clone(),
            organisations: books
                .organisations
                .iter()
                .map(|(member, book)| (member.clone(), book.state().clone()))
                .collect(),
        };
        let charters = books.charters.state();
        let consents = books.consents.state();
        Ok(requests
            .iter()
            .map(|request| policies.evaluate(request, charters.charter_at(request.at), consents))
            .collect())
    }

    /// What `policy` and `charter` would answer to `request`, with the consents in
    /// force: for a version not adopted (yet). Nothing is recorded, since no access is
    /// decided.
    ///
    /// # Errors
    ///
    /// A store failure.
    pub async fn try_access_under(
        &self,
        request: &Request,
        policy: &Policy,
        charter: &Charter,
    ) -> Result<Decision, ServiceError> {
        let consents = self.consents().await?;
        Ok(evaluate(request, policy, charter, &consents))
    }

    /// What the audit journal holds about the use of `member`'s data from `from` until
    /// `to`.
    ///
    /// The member's records are found through the store's subject index (brought up to
    /// date with the journal first), so the report reads the member's records only,
    /// never everyone's: tens of milliseconds out of ten million records.
    ///
    /// # Errors
    ///
    /// A store failure, or an audit entry that is not an access record.
    pub async fn transparency_report(
        &self,
        member: &MemberId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<TransparencyReport, ServiceError> {
        let stream = StreamId::new(AUDIT_STREAM)?;
        catch_up(
            self.journal().as_ref(),
            self.subjects().as_ref(),
            &stream,
            owners,
        )
        .await?;
        let subject = SubjectId::new(member.as_str())?;
        let entries = self
            .subjects()
            .read_about(&stream, &subject, 0..u64::MAX)
            .await?;
        let records = access_records(&entries)?;
        Ok(TransparencyReport::of(member, from, to, &records))
    }

    /// What is due for erasure at `at` and not yet carried out: the retention the
    /// policy's duties set, and the data whose only basis was a consent since withdrawn
    /// or expired.
    ///
    /// # Errors
    ///
    /// A store failure, or a consent, audit or erasure entry that is not one.
    pub async fn erasures_due(&self, at: DateTime<Utc>) -> Result<Vec<ErasureDue>, ServiceError> {
        let records = self.access_records().await?;
        let consents = self.consents().await?;
        let erasures = self.erasure_book().await?;
        Ok(erasures.state().outstanding(&records, &consents, at))
    }

    /// Every erasure carried out, with the entries redacted for each.
    ///
    /// # Errors
    ///
    /// A store failure, or an erasure stream that is not one.
    pub async fn erasures(&self) -> Result<ErasureBook, ServiceError> {
        Ok(self.erasure_book().await?.state().clone())
    }

    /// Carries out every erasure due at `at`: redacts the journal entries `locate`
    /// names as holding what the service derived from the resource for the purpose
    /// (the embedding service knows where it keeps that), then records the erasure in
    /// the stream `erasures`, so that it is no longer due. The redactions keep every
    /// journal verifiable; each names the erasure in its reason.
    ///
    /// Safe to run again after a crash: an entry already redacted counts as erased, and
    /// an erasure not yet recorded is still due, so the next run finishes it.
    ///
    /// # Errors
    ///
    /// A store failure; an entry `locate` names that does not exist or is a journal
    /// record (then nothing further is done, and what was carried out is recorded).
    pub async fn carry_out_erasures(
        &self,
        at: DateTime<Utc>,
        recorded_at: Timestamp,
        by: Option<AuthorId>,
        locate: impl Fn(&ErasureDue) -> Vec<EntryRef>,
    ) -> Result<Vec<Erased>, ServiceError> {
        let mut carried_out = Vec::new();
        let mut book = self.erasure_book().await?;
        for due in self.erasures_due(at).await? {
            let entries = locate(&due);
            let reason = format!(
                "erasure of what was derived from {} `{}` for {}, due since {} ({})",
                due.kind,
                due.id,
                due.purpose.phrase(),
                due.due.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                match &due.reason {
                    ErasureReason::Retention { days } => format!("kept {days} days"),
                    ErasureReason::ConsentEnded { member } => {
                        format!("`{member}`'s consent ended")
                    }
                }
            );
            for entry in &entries {
                let stream = StreamId::new(&entry.stream)?;
                let redaction = Redaction::new(reason.clone(), recorded_at);
                let redaction = match &by {
                    Some(by) => redaction.by(by.clone()),
                    None => redaction,
                };
                match self.journal().redact(&stream, entry.seq, redaction).await {
                    Ok(_) => {}
                    Err(StoreError::Redact(err))
                        if err.problem == RedactProblem::AlreadyRedacted => {}
                    Err(err) => return Err(err.into()),
                }
            }
            let erased = Erased { due, at, entries };
            book.execute(erased.clone(), at, recorded_at, by.clone())
                .await?;
            carried_out.push(erased);
        }
        Ok(carried_out)
    }

    async fn erasure_book(&self) -> Result<Stored<ErasureBook>, ServiceError> {
        let stream = StreamId::new(ERASURE_STREAM)?;
        Ok(Stored::open(self.journal().clone(), stream).await?)
    }

    /// Every access record of the audit journal, in order (erased ones left out).
    async fn access_records(&self) -> Result<Vec<AccessRecord>, ServiceError> {
        let stream = StreamId::new(AUDIT_STREAM)?;
        let entries = self.journal().read(&stream, 0..u64::MAX).await?;
        access_records(&entries)
    }
}

/// The access records among audit `entries`, in order: erased entries and the records
/// of their erasure left out.
fn access_records(entries: &[Entry]) -> Result<Vec<AccessRecord>, ServiceError> {
    let mut records = Vec::with_capacity(entries.len());
    for entry in entries {
        let Some(payload) = entry.payload().filter(|_| !entry.kind().is_reserved()) else {
            continue;
        };
        let record: AccessRecord = payload
            .decode()
            .map_err(|err| not_an_access_record(entry.seq(), &err))?;
        records.push(record);
    }
    Ok(records)
}

/// Whose data an audit entry is about, for the store's subject index: the owners of the
/// resource it records an access to.
pub(crate) fn owners(body: &EntryBody) -> Result<Vec<SubjectId>, ServiceError> {
    #[derive(serde::Deserialize)]
    struct Owners {
        owners: Vec<MemberId>,
    }
    let Some(payload) = body.payload().filter(|_| !body.kind().is_reserved()) else {
        return Ok(Vec::new());
    };
    let Owners { owners } = payload
        .decode()
        .map_err(|err| not_an_access_record(body.seq(), &err))?;
    owners
        .iter()
        .map(|owner| Ok(SubjectId::new(owner.as_str())?))
        .collect()
}

fn not_an_access_record(seq: u64, err: &dyn std::fmt::Display) -> ServiceError {
    ServiceError::Refused(format!(
        "entry {seq} of `{AUDIT_STREAM}` is not an access record: {err}"
    ))
}

/// What access decisions are taken under: the consents, the co-op's policy book,
/// each organisation member's own, and the charter book, kept open by the [`Coop`].
pub(crate) struct AccessBooks {
    consents: Stored<ConsentBook>,
    policies: Stored<PolicyBook>,
    organisations: BTreeMap<MemberId, Stored<PolicyBook>>,
    charters: Stored<CharterBook>,
    /// When the last catch-up (or the opening) began.
    caught_up: std::time::Instant,
}

impl AccessBooks {
    async fn open(coop: &Coop, started: std::time::Instant) -> Result<Self, ServiceError> {
        let mut books = AccessBooks {
            consents: coop.consent_book().await?,
            policies: coop.policy_book(None).await?,
            organisations: BTreeMap::new(),
            charters: coop.charter_book().await?,
            caught_up: started,
        };
        books.open_organisations(coop).await?;
        Ok(books)
    }

    /// Reads what was recorded since, and opens the policy books of organisations
    /// that adopted their first since.
    async fn catch_up(&mut self, coop: &Coop) -> Result<(), ServiceError> {
        self.consents.catch_up().await?;
        self.policies.catch_up().await?;
        self.charters.catch_up().await?;
        for book in self.organisations.values_mut() {
            book.catch_up().await?;
        }
        self.open_organisations(coop).await
    }

    async fn open_organisations(&mut self, coop: &Coop) -> Result<(), ServiceError> {
        for member in coop.organisations_with_policies().await? {
            if let std::collections::btree_map::Entry::Vacant(place) =
                self.organisations.entry(member)
            {
                let book = coop.policy_book(Some(place.key())).await?;
                place.insert(book);
            }
        }
        Ok(())
    }
}

/// The audit journal's writes, grouped: each request's decisions wait in `pending`, and
/// whoever holds `writer` appends everything waiting in one transaction, so that many
/// concurrent requests share one commit (group commit) instead of queueing for one
/// each. A request answers only once its own decisions are recorded.
#[derive(Default)]
pub(crate) struct AuditQueue {
    pending: std::sync::Mutex<Vec<Waiting>>,
    writer: tokio::sync::Mutex<()>,
}

/// One request's decisions, and where to say whether they were recorded.
struct Waiting {
    drafts: Vec<Draft>,
    done: tokio::sync::oneshot::Sender<Result<(), String>>,
}

impl AuditQueue {
    /// Records `drafts` in the audit journal, with whatever else is waiting.
    async fn record(&self, coop: &Coop, drafts: Vec<Draft>) -> Result<(), ServiceError> {
        let (done, recorded) = tokio::sync::oneshot::channel();
        self.lock_pending().push(Waiting { drafts, done });
        {
            let _writer = self.writer.lock().await;
            let batch = std::mem::take(&mut *self.lock_pending());
            if !batch.is_empty() {
                let (drafts, waiting): (Vec<_>, Vec<_>) =
                    batch.into_iter().map(|w| (w.drafts, w.done)).unzip();
                let stream = StreamId::new(AUDIT_STREAM)?;
                let result = append_retrying(coop.journal().as_ref(), &stream, drafts.concat())
                    .await
                    .map(|_| ())
                    .map_err(|err| err.to_string());
                for done in waiting {
                    // A request that gave up waiting no longer listens; nothing to tell.
                    let _ = done.send(result.clone());
                }
            }
        }
        match recorded.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(err)) => Err(ServiceError::Refused(format!(
                "the access decisions could not be recorded in the audit journal: {err}"
            ))),
            Err(_) => Err(ServiceError::Refused(
                "the access decisions were dropped before they were recorded".to_owned(),
            )),
        }
    }

    fn lock_pending(&self) -> std::sync::MutexGuard<'_, Vec<Waiting>> {
        self.pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
