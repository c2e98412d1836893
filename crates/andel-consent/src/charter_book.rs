//! Amending the charter: only with the citation of a decision that passed at the
//! charter's own, higher threshold, for exactly the text members voted on; the versions
//! kept as the events of a journal stream, as the policy book keeps the policies'.

use andel_decisions::Citation;
use andel_journal::{Aggregate, Digest};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::adoption::ByDecision;
use crate::{AdoptionError, Charter, DecisionRef, NotInSequence};

/// The stream the charter book lives in.
pub const CHARTER_STREAM: &str = "charter";

/// What a proposal that amends the charter names in its spec's `enacts.document`.
pub const CHARTER_DOCUMENT: &str = "data-charter";

/// A charter version to adopt, with the decision that adopts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharterAmendment {
    /// The charter file's name, for its error messages.
    pub source: String,
    /// The charter file's text, byte for byte what the proposal's hash covers.
    pub text: String,
    /// The citation of the decision that passed it.
    pub citation: Citation,
    /// The root of the decision's stream that the co-op published, or that its store
    /// gives at the citation's size: the citation must be under it.
    pub published_root: Digest,
    /// When the version takes effect: at or after the decision closed, and not before
    /// the version in force took effect.
    pub effective: DateTime<Utc>,
}

/// One adopted charter version, as the charter journal records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmendedCharter {
    /// The charter.
    pub charter: Charter,
    /// Its file's text, as voted on.
    pub text: String,
    /// The SHA-256 of `text`, which the proposal carried.
    pub sha256: Digest,
    /// The decision's stream and the seq of its `Closed` entry.
    pub decision: DecisionRef,
    /// The citation, which anyone holding the decision stream's root checks again.
    pub citation: Citation,
    /// When it takes effect.
    pub effective: DateTime<Utc>,
    /// When it was adopted (recorded).
    pub adopted_at: DateTime<Utc>,
}

/// What happened, as the charter journal records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case", deny_unknown_fields)]
pub enum CharterEvent {
    /// A version was adopted.
    Amended {
        /// The version and the decision behind it.
        amended: Box<AmendedCharter>,
    },
}

/// Every charter version the members adopted, with the decision behind each: the
/// aggregate of the [`CHARTER_STREAM`] stream. Before the first, the
/// [default charter](Charter::default) is in force.
///
/// ```
/// use andel_consent::{CharterBook, Purpose};
///
/// let book = CharterBook::default();
/// let charter = book.charter_at("2027-01-01T00:00:00Z".parse()?);
/// assert_eq!(charter.version(), 0);
/// assert!(charter.forbids(Purpose::SaleToThirdParties));
/// assert_eq!(book.amendment().threshold.to_string(), "at least 2/3 of the votes cast");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CharterBook {
    versions: Vec<AmendedCharter>,
    default: Charter,
}

impl CharterBook {
    /// Every version adopted, in order.
    pub fn history(&self) -> &[AmendedCharter] {
        &self.versions
    }

    /// The latest version adopted, whether in force yet or not.
    pub fn latest(&self) -> Option<&AmendedCharter> {
        self.versions.last()
    }

    /// The version adopted and in force at `at`, if any.
    pub fn in_force(&self, at: DateTime<Utc>) -> Option<&AmendedCharter> {
        self.versions.iter().rev().find(|v| v.effective <= at)
    }

    /// The charter in force at `at`: the latest adopted whose effective time has come,
    /// or the default charter before the first.
    pub fn charter_at(&self, at: DateTime<Utc>) -> &Charter {
        self.in_force(at).map_or(&self.default, |v| &v.charter)
    }

    /// The rule the next version must be adopted under: the latest version's, or the
    /// default charter's (at least two thirds of the votes cast, or a consent decision).
    pub fn amendment(&self) -> crate::Amendment {
        self.latest()
            .map_or(&self.default, |v| &v.charter)
            .amendment()
    }

    fn check(&self, amendment: &CharterAmendment) -> Result<(Charter, DecisionRef), AdoptionError> {
        let charter = Charter::from_toml(&amendment.source, &amendment.text)?;
        let decision = ByDecision {
            change: "amending the charter",
            document: CHARTER_DOCUMENT,
            text: &amendment.text,
            citation: &amendment.citation,
            published_root: amendment.published_root,
            effective: amendment.effective,
        }
        .check(
            &self.amendment(),
            |decision| {
                self.versions
                    .iter()
                    .find(|v| &v.decision == decision)
                    .map(|v| v.charter.version())
            },
            charter.version(),
            self.latest().map(|v| (v.charter.version(), v.effective)),
        )?;
        Ok((charter, decision))
    }
}

impl Aggregate for CharterBook {
    type Command = CharterAmendment;
    type Event = CharterEvent;
    type At = DateTime<Utc>;
    type Rejection = AdoptionError;
    type Invalid = NotInSequence;

    fn decide(
        &self,
        amendment: CharterAmendment,
        at: DateTime<Utc>,
    ) -> Result<Vec<CharterEvent>, AdoptionError> {
        let (charter, decision) = self.check(&amendment)?;
        let amended = AmendedCharter {
            charter,
            sha256: Digest::of(amendment.text.as_bytes()),
            text: amendment.text,
            decision,
            citation: amendment.citation,
            effective: amendment.effective,
            adopted_at: at,
        };
        Ok(vec![CharterEvent::Amended {
            amended: Box::new(amended),
        }])
    }

    fn apply(&mut self, event: &CharterEvent) -> Result<(), NotInSequence> {
        let CharterEvent::Amended { amended } = event;
        let latest = self.latest().map_or(0, |v| v.charter.version());
        let version = amended.charter.version();
        let keeps_floor = crate::SURVEILLANCE
            .iter()
            .all(|purpose| amended.charter.forbids(*purpose));
        if version <= latest
            || !keeps_floor
            || Digest::of(amended.text.as_bytes()) != amended.sha256
        {
            return Err(NotInSequence { version, latest });
        }
        self.versions.push((**amended).clone());
        Ok(())
    }

    fn kind(event: &CharterEvent) -> &'static str {
        match event {
            CharterEvent::Amended { .. } => "charter.amended",
        }
    }
}
