//! Consent records: given, refused, withdrawn and expired, per member and purpose, kept
//! as the events of a journal stream.

use std::collections::BTreeMap;

use andel_journal::{Aggregate, Digest};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::evaluate::{ConsentLookup, ConsentRef};
use crate::{LegalBasis, MemberId, Purpose};

/// The stream the consent book lives in.
pub const CONSENT_STREAM: &str = "consents";

/// What a member does about a purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsentCommand {
    /// Give consent, until `expires` if given.
    Give {
        /// Whose consent.
        member: MemberId,
        /// For what.
        purpose: Purpose,
        /// When it lapses on its own.
        expires: Option<DateTime<Utc>>,
    },
    /// Say no, without having said yes.
    Refuse {
        /// Whose refusal.
        member: MemberId,
        /// For what.
        purpose: Purpose,
    },
    /// Take consent back: one step, as easy as giving it (GDPR art. 7(3)).
    Withdraw {
        /// Whose consent.
        member: MemberId,
        /// For what.
        purpose: Purpose,
    },
}

/// What happened, as the consent journal records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case", deny_unknown_fields)]
pub enum ConsentEvent {
    /// Consent given.
    Given {
        /// Whose.
        member: MemberId,
        /// For what.
        purpose: Purpose,
        /// When.
        at: DateTime<Utc>,
        /// When it lapses, if it does.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expires: Option<DateTime<Utc>>,
    },
    /// Consent refused.
    Refused {
        /// Whose.
        member: MemberId,
        /// For what.
        purpose: Purpose,
        /// When.
        at: DateTime<Utc>,
    },
    /// Consent withdrawn.
    Withdrawn {
        /// Whose.
        member: MemberId,
        /// For what.
        purpose: Purpose,
        /// When.
        at: DateTime<Utc>,
    },
}

impl ConsentEvent {
    /// Whose consent it records.
    pub fn member(&self) -> &MemberId {
        self.key().0
    }

    fn key(&self) -> (&MemberId, Purpose, DateTime<Utc>) {
        match self {
            ConsentEvent::Given {
                member,
                purpose,
                at,
                ..
            }
            | ConsentEvent::Refused {
                member,
                purpose,
                at,
            }
            | ConsentEvent::Withdrawn {
                member,
                purpose,
                at,
            } => (member, *purpose, *at),
        }
    }
}

/// A member's standing on a purpose from a moment on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "status")]
pub enum Standing {
    /// Consent given (and lapsing at `expires`, if set).
    Given {
        /// When it lapses.
        expires: Option<DateTime<Utc>>,
    },
    /// Consent refused.
    Refused,
    /// Consent withdrawn.
    Withdrawn,
}

/// One step in a member's consent history for a purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ConsentStep {
    /// When.
    pub at: DateTime<Utc>,
    /// What it became.
    #[serde(flatten)]
    pub standing: Standing,
}

/// A consent command the book refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConsentError {
    /// Nothing in force to withdraw.
    #[error("`{member}` has no consent for {purpose} in force to withdraw")]
    NothingToWithdraw {
        /// Whose.
        member: MemberId,
        /// For what.
        purpose: Purpose,
    },
    /// A refusal while consent is in force: withdraw it instead.
    #[error("`{member}` has consent for {purpose} in force; withdraw it instead of refusing")]
    InForce {
        /// Whose.
        member: MemberId,
        /// For what.
        purpose: Purpose,
    },
    /// An expiry at or before the moment of giving.
    #[error("consent cannot expire ({expires}) at or before it is given ({at})")]
    ExpiresBeforeGiven {
        /// When given.
        at: DateTime<Utc>,
        /// The expiry asked for.
        expires: DateTime<Utc>,
    },
    /// A command dated before the last record for the same member and purpose.
    #[error("`{member}`'s consent for {purpose} was last recorded at {last}; {at} is earlier")]
    Earlier {
        /// Whose.
        member: MemberId,
        /// For what.
        purpose: Purpose,
        /// The last record's time.
        last: DateTime<Utc>,
        /// The command's time.
        at: DateTime<Utc>,
    },
}

/// Every member's consents, as recorded: the state of the consent journal.
///
/// ```
/// use andel_consent::{ConsentBook, ConsentCommand, ConsentLookup, Purpose};
/// use andel_journal::Aggregate;
///
/// let mut book = ConsentBook::default();
/// let ada: andel_consent::MemberId = "ada".parse()?;
/// let at = |s: &str| -> chrono::DateTime<chrono::Utc> { s.parse().unwrap() };
/// let give = ConsentCommand::Give { member: ada.clone(), purpose: Purpose::Research, expires: None };
/// for event in book.decide(give, at("2027-01-10T09:00:00Z"))? {
///     book.apply(&event)?;
/// }
/// let withdraw = ConsentCommand::Withdraw { member: ada.clone(), purpose: Purpose::Research };
/// for event in book.decide(withdraw, at("2027-03-01T09:00:00Z"))? {
///     book.apply(&event)?;
/// }
/// // Withdrawal is not retroactive: in February the consent was in force.
/// assert!(book.consent_in_force(&ada, Purpose::Research, at("2027-02-01T00:00:00Z")).is_some());
/// assert!(book.consent_in_force(&ada, Purpose::Research, at("2027-03-02T00:00:00Z")).is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsentBook {
    history: BTreeMap<(MemberId, Purpose), Vec<ConsentStep>>,
}

impl ConsentBook {
    /// `member`'s history for `purpose`, oldest first.
    pub fn history(&self, member: &MemberId, purpose: Purpose) -> &[ConsentStep] {
        self.history
            .get(&(member.clone(), purpose))
            .map_or(&[], Vec::as_slice)
    }

    /// Every purpose `member` has a record for, with its history.
    pub fn of_member<'a>(
        &'a self,
        member: &'a MemberId,
    ) -> impl Iterator<Item = (Purpose, &'a [ConsentStep])> + 'a {
        self.history
            .iter()
            .filter(move |((m, _), _)| m == member)
            .map(|((_, purpose), steps)| (*purpose, steps.as_slice()))
    }

    /// The step in force at `at`: the last one at or before it.
    fn step_at(
        &self,
        member: &MemberId,
        purpose: Purpose,
        at: DateTime<Utc>,
    ) -> Option<&ConsentStep> {
        self.history(member, purpose)
            .iter()
            .rev()
            .find(|step| step.at <= at)
    }

    /// A receipt for `member`'s consent for `purpose` in force at `at`, in the shape of
    /// the Kantara Initiative's Consent Receipt Specification v1.1, issued by
    /// `controller`. `None` when no consent is in force then.
    pub fn receipt(
        &self,
        member: &MemberId,
        purpose: Purpose,
        at: DateTime<Utc>,
        controller: &Controller,
    ) -> Option<Receipt> {
        let consent = self.consent_in_force(member, purpose, at)?;
        let expires = match self.step_at(member, purpose, at)?.standing {
            Standing::Given { expires } => expires,
            Standing::Refused | Standing::Withdrawn => None,
        };
        Some(Receipt {
            id: receipt_id(&consent),
            consent,
            expires,
            controller: controller.clone(),
        })
    }
}

/// The stable id of the receipt for one act of consent.
fn receipt_id(consent: &ConsentRef) -> String {
    let key = format!(
        "{}\n{}\n{}",
        consent.member,
        consent.purpose,
        consent
            .given_at
            .to_rfc3339_opts(SecondsFormat::AutoSi, true)
    );
    let hex = Digest::of(key.as_bytes()).to_string();
    format!("urn:andel:consent:{}", hex.get(..32).unwrap_or(&hex))
}

/// Who keeps the data and answers for it: the co-op, as controller on its members'
/// behalf.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Controller {
    /// The co-op's name.
    pub name: String,
    /// Who to ask.
    pub contact: String,
    /// Its postal address.
    pub address: String,
    /// Its e-mail.
    pub email: String,
    /// Its jurisdiction (a country code, `SE`).
    pub jurisdiction: String,
    /// Where its data policy is published.
    pub policy_url: String,
}

/// Proof of one act of consent, for the member to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The receipt's id, the same each time it is issued.
    pub id: String,
    /// The consent.
    pub consent: ConsentRef,
    /// When it lapses, if it does.
    pub expires: Option<DateTime<Utc>>,
    /// Who issued it.
    pub controller: Controller,
}

impl Receipt {
    /// The receipt as Kantara Consent Receipt v1.1 JSON.
    pub fn to_kantara(&self) -> Value {
        let purpose = self.consent.purpose;
        let categories: Vec<_> = purpose.categories().iter().map(|c| json!(c)).collect();
        let termination = match self.expires {
            Some(expires) => format!(
                "expires {}, or when withdrawn",
                expires.to_rfc3339_opts(SecondsFormat::Secs, true)
            ),
            None => "when withdrawn".into(),
        };
        let controller = &self.controller;
        json!({
            "version": "KI-CR-v1.1.0",
            "jurisdiction": controller.jurisdiction,
            "consentTimestamp": self.consent.given_at.timestamp(),
            "collectionMethod": "given by the member in the co-op's service",
            "consentReceiptID": self.id,
            "language": "en",
            "piiPrincipalId": self.consent.member,
            "piiControllers": [{
                "piiController": controller.name,
                "contact": controller.contact,
                "address": controller.address,
                "email": controller.email,
                "onBehalf": true,
            }],
            "policyUrl": controller.policy_url,
            "services": [{
                "service": controller.name,
                "purposes": [{
                    "purpose": purpose.phrase(),
                    "purposeCategory": [purpose.dpv()],
                    "consentType": "EXPLICIT",
                    "piiCategory": categories,
                    "primaryPurpose": false,
                    "termination": termination,
                    "thirdPartyDisclosure": false,
                }],
            }],
            "sensitive": false,
            "spiCat": [],
        })
    }

    /// The receipt as a consent record in the W3C Data Privacy Vocabulary, as JSON-LD.
    pub fn to_dpv(&self) -> Value {
        let mut record = json!({
            "@context": { "dpv": "https://w3id.org/dpv#" },
            "@id": self.id,
            "@type": "dpv:ConsentRecord",
            "dpv:hasDataSubject": { "@id": format!("urn:andel:member:{}", self.consent.member) },
            "dpv:hasDataController": { "dpv:hasName": self.controller.name },
            "dpv:hasPurpose": { "@type": self.consent.purpose.dpv() },
            "dpv:hasLegalBasis": { "@type": "dpv:Consent", "dpv:hasJustification": LegalBasis::Consent.article() },
            "dpv:hasConsentStatus": { "@type": "dpv:ConsentGiven" },
            "dpv:isIndicatedAtTime": self.consent.given_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        });
        if let (Some(expires), Value::Object(fields)) = (self.expires, &mut record) {
            fields.insert(
                "dpv:hasExpiry".into(),
                json!({ "dpv:hasEnd": expires.to_rfc3339_opts(SecondsFormat::Secs, true) }),
            );
        }
        record
    }
}

impl ConsentLookup for ConsentBook {
    fn consent_in_force(
        &self,
        member: &MemberId,
        purpose: Purpose,
        at: DateTime<Utc>,
    ) -> Option<ConsentRef> {
        let step = self.step_at(member, purpose, at)?;
        match step.standing {
            Standing::Given { expires } if expires.is_none_or(|expires| at < expires) => {
                Some(ConsentRef {
                    member: member.clone(),
                    purpose,
                    given_at: step.at,
                })
            }
            _ => None,
        }
    }
}

/// An event the book cannot apply: the journal was edited or is not a consent journal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("consent event at {at} for `{member}` ({purpose}) is earlier than the last one recorded")]
pub struct OutOfOrder {
    /// Whose.
    pub member: MemberId,
    /// For what.
    pub purpose: Purpose,
    /// The event's time.
    pub at: DateTime<Utc>,
}

impl Aggregate for ConsentBook {
    type Command = ConsentCommand;
    type Event = ConsentEvent;
    type At = DateTime<Utc>;
    type Rejection = ConsentError;
    type Invalid = OutOfOrder;

    fn decide(
        &self,
        command: ConsentCommand,
        at: DateTime<Utc>,
    ) -> Result<Vec<ConsentEvent>, ConsentError> {
        let (member, purpose) = match &command {
            ConsentCommand::Give {
                member, purpose, ..
            }
            | ConsentCommand::Refuse { member, purpose }
            | ConsentCommand::Withdraw { member, purpose } => (member.clone(), *purpose),
        };
        if let Some(last) = self.history(&member, purpose).last()
            && at < last.at
        {
            return Err(ConsentError::Earlier {
                member,
                purpose,
                last: last.at,
                at,
            });
        }
        let in_force = self.consent_in_force(&member, purpose, at).is_some();
        let current = self.step_at(&member, purpose, at).map(|step| step.standing);
        match command {
            ConsentCommand::Give { expires, .. } => {
                if let Some(expires) = expires
                    && expires <= at
                {
                    return Err(ConsentError::ExpiresBeforeGiven { at, expires });
                }
                if in_force && current == Some(Standing::Given { expires }) {
                    return Ok(Vec::new());
                }
                Ok(vec![ConsentEvent::Given {
                    member,
                    purpose,
                    at,
                    expires,
                }])
            }
            ConsentCommand::Refuse { .. } if in_force => {
                Err(ConsentError::InForce { member, purpose })
            }
            ConsentCommand::Refuse { .. } if current == Some(Standing::Refused) => Ok(Vec::new()),
            ConsentCommand::Refuse { .. } => Ok(vec![ConsentEvent::Refused {
                member,
                purpose,
                at,
            }]),
            ConsentCommand::Withdraw { .. } if !in_force => {
                Err(ConsentError::NothingToWithdraw { member, purpose })
            }
            ConsentCommand::Withdraw { .. } => Ok(vec![ConsentEvent::Withdrawn {
                member,
                purpose,
                at,
            }]),
        }
    }

    fn apply(&mut self, event: &ConsentEvent) -> Result<(), OutOfOrder> {
        let (member, purpose, at) = event.key();
        let steps = self.history.entry((member.clone(), purpose)).or_default();
        if steps.last().is_some_and(|last| at < last.at) {
            return Err(OutOfOrder {
                member: member.clone(),
                purpose,
                at,
            });
        }
        let standing = match event {
            ConsentEvent::Given { expires, .. } => Standing::Given { expires: *expires },
            ConsentEvent::Refused { .. } => Standing::Refused,
            ConsentEvent::Withdrawn { .. } => Standing::Withdrawn,
        };
        steps.push(ConsentStep { at, standing });
        Ok(())
    }

    fn kind(event: &ConsentEvent) -> &'static str {
        match event {
            ConsentEvent::Given { .. } => "consent.given",
            ConsentEvent::Refused { .. } => "consent.refused",
            ConsentEvent::Withdrawn { .. } => "consent.withdrawn",
        }
    }
}
