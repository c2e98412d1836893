//! What must be erased, and by when: the retention a policy's duties set, and the data
//! whose only basis was a consent since withdrawn or expired (GDPR art. 17(1)(b)).

use std::collections::BTreeMap;

use andel_journal::Aggregate;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::audit::AccessRecord;
use crate::evaluate::ConsentRef;
use crate::{ConsentBook, Duty, MemberId, Purpose, ResourceId, ResourceKind, Standing};

/// Why something is due for erasure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "because")]
pub enum ErasureReason {
    /// The policy's duty: what an access derived is kept this many days.
    Retention {
        /// The days.
        days: u32,
    },
    /// The consent the access relied on is no longer in force.
    ConsentEnded {
        /// Whose consent.
        member: MemberId,
    },
}

/// What the service derived for a purpose from a resource, due for erasure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureDue {
    /// The resource's kind.
    pub kind: ResourceKind,
    /// The resource's id.
    pub id: ResourceId,
    /// The purpose it was used for.
    pub purpose: Purpose,
    /// The access that derived it.
    pub accessed: DateTime<Utc>,
    /// Since when erasing it is due.
    pub due: DateTime<Utc>,
    /// Why.
    pub reason: ErasureReason,
}

/// What is due for erasure at `at`, from the audit journal's `records` and the consent
/// book: for each resource and purpose, the earliest reason, in the order of the
/// resources and purposes. Only allowed accesses derived anything.
///
/// An access that relied on a consent derived data whose only basis was that consent:
/// it is due from the moment the consent was withdrawn or expired, even if the member
/// gave consent again later.
///
/// ```
/// use andel_consent::*;
/// use andel_journal::Aggregate;
///
/// let at = |s: &str| -> chrono::DateTime<chrono::Utc> { s.parse().unwrap() };
/// let ada: MemberId = "ada".parse()?;
/// let mut book = ConsentBook::default();
/// for (command, when) in [
///     (ConsentCommand::Give { member: ada.clone(), purpose: Purpose::Research, expires: None }, "2027-01-01T00:00:00Z"),
///     (ConsentCommand::Withdraw { member: ada.clone(), purpose: Purpose::Research }, "2027-03-01T00:00:00Z"),
/// ] {
///     for event in book.decide(command, at(when))? {
///         book.apply(&event)?;
///     }
/// }
/// let schema = Schema::new().kind("card".parse()?, Action::ALL);
/// let policy = Policy::from_toml("p", r#"
///     version = 1
///     [[rule]]
///     id = "research"
///     effect = "permit"
///     principal = "service:lab"
///     actions = ["process"]
///     resource = { relation = "any" }
///     purposes = ["research"]
///     conditions = { consent = true }
/// "#, &schema, &Charter::default())?;
/// let request = Request {
///     principal: Principal::Service { name: "lab".parse()?, acting_for: None },
///     action: Action::Process,
///     resource: Resource::new("card".parse()?, "c1".parse()?, Owners::one(ada.clone())),
///     purpose: Purpose::Research,
///     at: at("2027-02-01T00:00:00Z"),
///     aggregate_of: None,
/// };
/// let record = AccessRecord::of(&request, &evaluate(&request, &policy, &Charter::default(), &book));
/// assert!(erasures_due(&[record.clone()], &book, at("2027-02-15T00:00:00Z")).is_empty());
/// let due = erasures_due(&[record], &book, at("2027-04-01T00:00:00Z"));
/// assert_eq!(due[0].due, at("2027-03-01T00:00:00Z"));
/// assert_eq!(due[0].reason, ErasureReason::ConsentEnded { member: ada });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn erasures_due(
    records: &[AccessRecord],
    consents: &ConsentBook,
    at: DateTime<Utc>,
) -> Vec<ErasureDue> {
    let mut due: BTreeMap<(ResourceKind, ResourceId, Purpose), ErasureDue> = BTreeMap::new();
    for record in records.iter().filter(|record| record.allowed) {
        let mut keep = |when: DateTime<Utc>, reason: ErasureReason| {
            if when > at {
                return;
            }
            let key = (record.kind.clone(), record.id.clone(), record.purpose);
            let candidate = ErasureDue {
                kind: record.kind.clone(),
                id: record.id.clone(),
                purpose: record.purpose,
                accessed: record.at,
                due: when,
                reason,
            };
            match due.get(&key) {
                Some(kept) if kept.due <= candidate.due => {}
                _ => {
                    due.insert(key, candidate);
                }
            }
        };
        for duty in &record.duties {
            if let Duty::EraseAfterDays(days) = duty {
                keep(
                    record.at + Duration::days(i64::from(*days)),
                    ErasureReason::Retention { days: *days },
                );
            }
        }
        for consent in &record.consents {
            if let Some(ended) = ended(consents, consent) {
                keep(
                    ended,
                    ErasureReason::ConsentEnded {
                        member: consent.member.clone(),
                    },
                );
            }
        }
    }
    due.into_values().collect()
}

/// When the consent given at `consent.given_at` ended: its expiry, or the next record
/// for the same member and purpose, whichever came first; `None` while it runs on.
fn ended(book: &ConsentBook, consent: &ConsentRef) -> Option<DateTime<Utc>> {
    let history = book.history(&consent.member, consent.purpose);
    let given = history.iter().find(|step| step.at == consent.given_at)?;
    let expires = match given.standing {
        Standing::Given { expires } => expires,
        Standing::Refused | Standing::Withdrawn => None,
    };
    let next = history
        .iter()
        .find(|step| step.at > consent.given_at && !matches!(step.standing, Standing::Given { .. }))
        .map(|step| step.at);
    match (expires, next) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The stream the erasures carried out are recorded in.
pub const ERASURE_STREAM: &str = "erasures";

/// One journal entry, by its stream and seq.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryRef {
    /// The stream.
    pub stream: String,
    /// The entry's seq.
    pub seq: u64,
}

/// An erasure carried out: what was due, and the journal entries redacted for it (the
/// data the service derived from the resource for the purpose). It covers every access
/// up to `at`: what a later access derives is due again on its own terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Erased {
    /// What was due.
    pub due: ErasureDue,
    /// When it was carried out.
    pub at: DateTime<Utc>,
    /// The entries redacted for it, in order (none when the service held nothing).
    pub entries: Vec<EntryRef>,
}

/// What happened, as the erasure journal records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case", deny_unknown_fields)]
pub enum ErasureEvent {
    /// An erasure was carried out.
    Erased {
        /// What, and the entries redacted.
        erased: Box<Erased>,
    },
}

/// An erasure that cannot be recorded, or an erasure journal that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErasureError {
    /// It was carried out before it was due.
    #[error("{kind} `{id}` ({purpose}) is due for erasure from {due}, not at {at}")]
    NotDue {
        /// The resource's kind.
        kind: ResourceKind,
        /// Its id.
        id: ResourceId,
        /// The purpose.
        purpose: Purpose,
        /// When it is due.
        due: DateTime<Utc>,
        /// When it was said to be carried out.
        at: DateTime<Utc>,
    },
    /// It is recorded as carried out before the last erasure of the same data.
    #[error("{kind} `{id}` ({purpose}) was already erased at {last}, after {at}")]
    OutOfOrder {
        /// The resource's kind.
        kind: ResourceKind,
        /// Its id.
        id: ResourceId,
        /// The purpose.
        purpose: Purpose,
        /// The last erasure.
        last: DateTime<Utc>,
        /// The time given.
        at: DateTime<Utc>,
    },
}

/// Every erasure carried out: the aggregate of the [`ERASURE_STREAM`] stream, and what
/// is still outstanding.
///
/// ```
/// use andel_consent::*;
/// use andel_journal::Aggregate;
///
/// let at = |s: &str| -> chrono::DateTime<chrono::Utc> { s.parse().unwrap() };
/// let due = ErasureDue {
///     kind: "card".parse()?,
///     id: "c1".parse()?,
///     purpose: Purpose::AggregateStatistics,
///     accessed: at("2027-05-12T10:00:00Z"),
///     due: at("2027-08-10T10:00:00Z"),
///     reason: ErasureReason::Retention { days: 90 },
/// };
/// let mut book = ErasureBook::default();
/// let erased = Erased {
///     due,
///     at: at("2027-09-01T00:00:00Z"),
///     entries: vec![EntryRef { stream: "stats".into(), seq: 4 }],
/// };
/// for event in book.decide(erased, at("2027-09-01T00:00:00Z"))? {
///     book.apply(&event)?;
/// }
/// let card = ("card".parse()?, "c1".parse()?, Purpose::AggregateStatistics);
/// assert_eq!(book.erased_until(&card.0, &card.1, card.2), Some(at("2027-09-01T00:00:00Z")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErasureBook {
    history: Vec<Erased>,
    last: BTreeMap<(ResourceKind, ResourceId, Purpose), DateTime<Utc>>,
}

impl ErasureBook {
    /// Every erasure carried out, in order.
    pub fn history(&self) -> &[Erased] {
        &self.history
    }

    /// When what the service derived from `kind` `id` for `purpose` was last erased.
    pub fn erased_until(
        &self,
        kind: &ResourceKind,
        id: &ResourceId,
        purpose: Purpose,
    ) -> Option<DateTime<Utc>> {
        self.last.get(&(kind.clone(), id.clone(), purpose)).copied()
    }

    /// What is due for erasure at `at` and not yet carried out: [`erasures_due`] over the
    /// accesses made after the last erasure of their resource and purpose.
    pub fn outstanding(
        &self,
        records: &[AccessRecord],
        consents: &ConsentBook,
        at: DateTime<Utc>,
    ) -> Vec<ErasureDue> {
        let after: Vec<AccessRecord> = records
            .iter()
            .filter(|record| {
                self.erased_until(&record.kind, &record.id, record.purpose)
                    .is_none_or(|erased| record.at > erased)
            })
            .cloned()
            .collect();
        erasures_due(&after, consents, at)
    }

    fn check(&self, erased: &Erased) -> Result<(), ErasureError> {
        let due = &erased.due;
        if erased.at < due.due {
            return Err(ErasureError::NotDue {
                kind: due.kind.clone(),
                id: due.id.clone(),
                purpose: due.purpose,
                due: due.due,
                at: erased.at,
            });
        }
        match self.erased_until(&due.kind, &due.id, due.purpose) {
            Some(last) if last > erased.at => Err(ErasureError::OutOfOrder {
                kind: due.kind.clone(),
                id: due.id.clone(),
                purpose: due.purpose,
                last,
                at: erased.at,
            }),
            _ => Ok(()),
        }
    }
}

impl Aggregate for ErasureBook {
    type Command = Erased;
    type Event = ErasureEvent;
    type At = DateTime<Utc>;
    type Rejection = ErasureError;
    type Invalid = ErasureError;

    fn decide(
        &self,
        erased: Erased,
        _at: DateTime<Utc>,
    ) -> Result<Vec<ErasureEvent>, ErasureError> {
        self.check(&erased)?;
        Ok(vec![ErasureEvent::Erased {
            erased: Box::new(erased),
        }])
    }

    fn apply(&mut self, event: &ErasureEvent) -> Result<(), ErasureError> {
        let ErasureEvent::Erased { erased } = event;
        self.check(erased)?;
        let due = &erased.due;
        self.last
            .insert((due.kind.clone(), due.id.clone(), due.purpose), erased.at);
        self.history.push((**erased).clone());
        Ok(())
    }

    fn kind(event: &ErasureEvent) -> &'static str {
        match event {
            ErasureEvent::Erased { .. } => "erasure.carried-out",
        }
    }
}
