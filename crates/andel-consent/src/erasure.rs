//! What must be erased, and by when: the retention a policy's duties set, and the data
//! whose only basis was a consent since withdrawn or expired (GDPR art. 17(1)(b)).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::audit::AccessRecord;
use crate::evaluate::ConsentRef;
use crate::{ConsentBook, Duty, MemberId, Purpose, ResourceId, ResourceKind, Standing};

/// Why something is due for erasure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
