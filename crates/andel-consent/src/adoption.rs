//! Adopting a data policy: only with the citation of a decision that passed under the
//! rules the version in force sets, for exactly the text members voted on; the versions
//! and their citations kept as the events of a journal stream.

use andel_decisions::rules::{Threshold, Verdict};
use andel_decisions::{Citation, CiteError, Kind};
use andel_journal::{Aggregate, Digest};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::evaluate::ConsentLookup;
use crate::{Charter, Decision, Policy, PolicyErrors, Request, Schema, evaluate};

/// The stream the policy book lives in.
pub const POLICY_STREAM: &str = "policies";

/// What a proposal that adopts a data policy names in its spec's `enacts.document`.
pub const POLICY_DOCUMENT: &str = "data-policy";

/// What it takes to replace a data policy: the decision the version in force asks of the
/// next (its `[amendment]` table). Before any version is adopted, and where a version
/// says nothing, a motion passed by more than half of the votes cast, or a consent
/// decision.
///
/// ```toml
/// [amendment]
/// threshold = { share = "2/3", inclusive = true }
/// by_consent = false
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amendment {
    /// The least threshold a motion must pass at: a motion passed at a threshold that
    /// [implies](Threshold::implies) it will do.
    #[serde(default = "simple_majority")]
    pub threshold: Threshold,
    /// Whether a consent decision (passing unless someone blocks) may adopt the next
    /// version.
    #[serde(default = "yes")]
    pub by_consent: bool,
}

fn simple_majority() -> Threshold {
    Threshold::SIMPLE_MAJORITY
}

fn yes() -> bool {
    true
}

impl Default for Amendment {
    fn default() -> Self {
        Amendment {
            threshold: Threshold::SIMPLE_MAJORITY,
            by_consent: true,
        }
    }
}

impl Amendment {
    /// Whether a decision of `kind` may make `change` (`adopting a data policy`,
    /// `amending the charter`) under this rule.
    ///
    /// # Errors
    ///
    /// Why not: another kind of decision, a consent decision where only motions may, or
    /// a threshold below this rule's.
    pub fn admits(&self, kind: &Kind, change: &'static str) -> Result<(), AdoptionError> {
        let wrong = |kind| AdoptionError::WrongKind {
            kind,
            change,
            required: format!("a motion passed by {}", self.threshold),
        };
        match kind {
            Kind::Motion { threshold } if threshold.implies(&self.threshold) => Ok(()),
            Kind::Motion { threshold } => Err(AdoptionError::TooWeak {
                cited: threshold.to_string(),
                change,
                required: self.threshold.to_string(),
            }),
            Kind::Consent if self.by_consent => Ok(()),
            Kind::Consent => Err(wrong("a consent decision")),
            Kind::Election { .. } => Err(wrong("an election")),
            Kind::Budget { .. } => Err(wrong("a participatory budget")),
        }
    }
}

/// A policy version to adopt, with the decision that adopts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adoption {
    /// What the proposal must say it enacts: [`POLICY_DOCUMENT`] for the co-op's
    /// policy, [`organisation_policy_document`](crate::organisation_policy_document)
    /// for an organisation member's own.
    pub document: String,
    /// The policy file's name, for its error messages.
    pub source: String,
    /// The policy file's text, byte for byte what the proposal's hash covers.
    pub text: String,
    /// The service's resource kinds and actions, which the policy must fit.
    pub schema: Schema,
    /// The charter, which the policy must not contradict.
    pub charter: Charter,
    /// The citation of the decision that passed it.
    pub citation: Citation,
    /// The root of the decision's stream that the co-op published, or that its store
    /// gives at the citation's size: the citation must be under it.
    pub published_root: Digest,
    /// When the version takes effect: at or after the decision closed, and not before
    /// the version in force took effect.
    pub effective: DateTime<Utc>,
}

/// One adopted version, as the policy journal records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdoptedPolicy {
    /// The policy.
    pub policy: Policy,
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

/// A decision, by its stream and the seq of its `Closed` entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionRef {
    /// The proposal's stream (`decision.<id>`).
    pub stream: String,
    /// The `Closed` entry's seq.
    pub seq: u64,
}

impl std::fmt::Display for DecisionRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "entry {} of `{}`", self.seq, self.stream)
    }
}

/// What happened, as the policy journal records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case", deny_unknown_fields)]
pub enum PolicyEvent {
    /// A version was adopted.
    Adopted {
        /// The version and the decision behind it.
        adopted: Box<AdoptedPolicy>,
    },
}

/// A policy adoption refused, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AdoptionError {
    /// The policy file does not check.
    #[error(transparent)]
    Invalid(Box<PolicyErrors>),
    /// The citation does not check (altered, or its proof fails).
    #[error("the citation does not hold: {0}")]
    Citation(#[from] CiteError),
    /// The citation is under another root than the published one.
    #[error("the citation is under root {cited}, not the published root {published}")]
    WrongRoot {
        /// The citation's root.
        cited: Digest,
        /// The published root.
        published: Digest,
    },
    /// The citation does not carry the proposal's draft, so what was decided is unknown.
    #[error(
        "the citation carries no draft of the proposal, so what was decided is not known; \
         cite it again with a current `andel decide cite`"
    )]
    NoDraft,
    /// The decision did not pass.
    #[error("the cited decision did not pass: its outcome is {verdict:?}")]
    NotPassed {
        /// Its outcome.
        verdict: Verdict,
    },
    /// The proposal adopted something else, or nothing.
    #[error("the cited proposal {what}, not `{expected}`")]
    NotAPolicy {
        /// What it enacts instead.
        what: String,
        /// What it should enact.
        expected: String,
    },
    /// The text is not the one members voted on.
    #[error(
        "the policy text has SHA-256 {text}, but the members voted on {voted}: \
         it is not the text the decision adopted"
    )]
    HashMismatch {
        /// The SHA-256 the proposal carried.
        voted: Digest,
        /// The SHA-256 of the text given.
        text: Digest,
    },
    /// Another kind of decision than the rule asks for.
    #[error("the cited proposal is {kind}; {change} takes {required}")]
    WrongKind {
        /// What it was.
        kind: &'static str,
        /// What it was cited for: `adopting a data policy`, `amending the charter`.
        change: &'static str,
        /// What the rule asks.
        required: String,
    },
    /// A motion passed at a lower threshold than the rule asks.
    #[error("the cited motion needed {cited}; {change} takes a motion passed by {required}")]
    TooWeak {
        /// The motion's threshold.
        cited: String,
        /// What it was cited for.
        change: &'static str,
        /// The rule's.
        required: String,
    },
    /// The version would take effect before the decision closed.
    #[error(
        "version {version} cannot take effect at {effective}, before the decision closed at {closed}"
    )]
    BeforeClose {
        /// The version to adopt.
        version: u32,
        /// The effective time asked.
        effective: DateTime<Utc>,
        /// The close.
        closed: DateTime<Utc>,
    },
    /// The version would take effect before the one in force did.
    #[error(
        "version {version} cannot take effect at {effective}, before version {latest} in force since {since}"
    )]
    BeforeInForce {
        /// The version to adopt.
        version: u32,
        /// The effective time asked.
        effective: DateTime<Utc>,
        /// The latest version.
        latest: u32,
        /// When it took effect.
        since: DateTime<Utc>,
    },
    /// The version number does not follow the latest.
    #[error("this is version {version}; the next version must be above {latest}")]
    Version {
        /// The version given.
        version: u32,
        /// The latest adopted.
        latest: u32,
    },
    /// The decision already adopted a version.
    #[error("{decision} already adopted version {version}")]
    AlreadyCited {
        /// The decision.
        decision: DecisionRef,
        /// The version it adopted.
        version: u32,
    },
}

impl From<PolicyErrors> for AdoptionError {
    fn from(errors: PolicyErrors) -> Self {
        AdoptionError::Invalid(Box::new(errors))
    }
}

/// An event the book cannot apply: the journal was edited or is not a policy journal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("version {version} does not follow version {latest}, or its text does not match its hash")]
pub struct NotInSequence {
    /// The version recorded.
    pub version: u32,
    /// The latest before it.
    pub latest: u32,
}

/// Every data policy version the members adopted, with the decision behind each: the
/// aggregate of the [`POLICY_STREAM`] stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyBook {
    versions: Vec<AdoptedPolicy>,
}

impl PolicyBook {
    /// Every version adopted, in order.
    pub fn history(&self) -> &[AdoptedPolicy] {
        &self.versions
    }

    /// The latest version adopted, whether in force yet or not.
    pub fn latest(&self) -> Option<&AdoptedPolicy> {
        self.versions.last()
    }

    /// The version in force at `at`: the latest adopted whose effective time has come.
    /// `None` before the first takes effect, when nothing is permitted.
    pub fn in_force(&self, at: DateTime<Utc>) -> Option<&AdoptedPolicy> {
        self.versions.iter().rev().find(|v| v.effective <= at)
    }

    /// The rule the next version must be adopted under: the latest version's.
    pub fn amendment(&self) -> Amendment {
        self.latest()
            .map_or_else(Amendment::default, |v| v.policy.amendment)
    }

    /// Decides `request` under the version in force at the request's time, as
    /// [`evaluate`](crate::evaluate) does, naming the decision that adopted it. Before
    /// any version is in force nothing is permitted.
    pub fn evaluate(
        &self,
        request: &Request,
        charter: &Charter,
        consents: &dyn ConsentLookup,
    ) -> Decision {
        let Some(adopted) = self.in_force(request.at) else {
            let none = Policy {
                version: 0,
                rules: Vec::new(),
                amendment: Amendment::default(),
            };
            let mut decision = evaluate(request, &none, charter, consents);
            if !matches!(decision.basis, crate::Basis::Charter) {
                decision.explanation = format!(
                    "Refused: no data policy is in force at {}; {} is not allowed until \
                     the members adopt one.",
                    request.at,
                    request.purpose.phrase()
                );
            }
            return decision;
        };
        let mut decision = evaluate(request, &adopted.policy, charter, consents);
        decision.explanation.push_str(&format!(
            " Policy version {} was adopted by {}.",
            adopted.policy.version, adopted.decision
        ));
        decision.adopted_by = Some(adopted.decision.clone());
        decision
    }

    fn check(&self, adoption: &Adoption) -> Result<(Policy, DecisionRef), AdoptionError> {
        let policy = Policy::from_toml(
            &adoption.source,
            &adoption.text,
            &adoption.schema,
            &adoption.charter,
        )?;
        let decision = ByDecision {
            change: "adopting a data policy",
            document: &adoption.document,
            text: &adoption.text,
            citation: &adoption.citation,
            published_root: adoption.published_root,
            effective: adoption.effective,
        }
        .check(
            &self.amendment(),
            |decision| {
                self.versions
                    .iter()
                    .find(|v| &v.decision == decision)
                    .map(|v| v.policy.version)
            },
            policy.version,
            self.latest().map(|v| (v.policy.version, v.effective)),
        )?;
        Ok((policy, decision))
    }
}

/// A document changed by decision: what adopting a policy and amending the charter
/// both check of the citation and the text.
pub(crate) struct ByDecision<'a> {
    /// What is done, for messages: `adopting a data policy`.
    pub(crate) change: &'static str,
    /// What the proposal must say it enacts.
    pub(crate) document: &'a str,
    /// The text, byte for byte what the proposal's hash covers.
    pub(crate) text: &'a str,
    /// The citation of the decision.
    pub(crate) citation: &'a Citation,
    /// The root the citation must be under.
    pub(crate) published_root: Digest,
    /// When the new version takes effect.
    pub(crate) effective: DateTime<Utc>,
}

impl ByDecision<'_> {
    /// The decision, if the citation holds under the published root, names a proposal
    /// that passed as `rule` asks, enacting exactly this text as `document`, closed by
    /// the effective time, and not already cited (`cited_for` gives the version a
    /// decision adopted before); and `version` follows `latest` (version, effective).
    pub(crate) fn check(
        &self,
        rule: &Amendment,
        cited_for: impl Fn(&DecisionRef) -> Option<u32>,
        version: u32,
        latest: Option<(u32, DateTime<Utc>)>,
    ) -> Result<DecisionRef, AdoptionError> {
        let cited = self.citation.check()?;
        if self.citation.root != self.published_root {
            return Err(AdoptionError::WrongRoot {
                cited: self.citation.root,
                published: self.published_root,
            });
        }
        let decision = DecisionRef {
            stream: cited.stream,
            seq: cited.seq,
        };
        if let Some(version) = cited_for(&decision) {
            return Err(AdoptionError::AlreadyCited { decision, version });
        }
        let spec = cited.spec.ok_or(AdoptionError::NoDraft)?;
        rule.admits(&spec.kind, self.change)?;
        if cited.outcome.verdict != Verdict::Passed {
            return Err(AdoptionError::NotPassed {
                verdict: cited.outcome.verdict,
            });
        }
        let voted = match spec.enacts {
            Some(enacts) if enacts.document == self.document => enacts.sha256,
            other => {
                return Err(AdoptionError::NotAPolicy {
                    what: other.map_or_else(
                        || "enacts no document".to_owned(),
                        |e| format!("enacts `{}`", e.document),
                    ),
                    expected: self.document.to_owned(),
                });
            }
        };
        let text = Digest::of(self.text.as_bytes());
        if voted != text {
            return Err(AdoptionError::HashMismatch { voted, text });
        }
        if self.effective < cited.closed_at {
            return Err(AdoptionError::BeforeClose {
                version,
                effective: self.effective,
                closed: cited.closed_at,
            });
        }
        if let Some((latest, since)) = latest {
            if version <= latest {
                return Err(AdoptionError::Version { version, latest });
            }
            if self.effective < since {
                return Err(AdoptionError::BeforeInForce {
                    version,
                    effective: self.effective,
                    latest,
                    since,
                });
            }
        }
        Ok(decision)
    }
}

impl Aggregate for PolicyBook {
    type Command = Adoption;
    type Event = PolicyEvent;
    type At = DateTime<Utc>;
    type Rejection = AdoptionError;
    type Invalid = NotInSequence;

    fn decide(
        &self,
        adoption: Adoption,
        at: DateTime<Utc>,
    ) -> Result<Vec<PolicyEvent>, AdoptionError> {
        let (policy, decision) = self.check(&adoption)?;
        let adopted = AdoptedPolicy {
            policy,
            sha256: Digest::of(adoption.text.as_bytes()),
            text: adoption.text,
            decision,
            citation: adoption.citation,
            effective: adoption.effective,
            adopted_at: at,
        };
        Ok(vec![PolicyEvent::Adopted {
            adopted: Box::new(adopted),
        }])
    }

    fn apply(&mut self, event: &PolicyEvent) -> Result<(), NotInSequence> {
        let PolicyEvent::Adopted { adopted } = event;
        let latest = self.latest().map_or(0, |v| v.policy.version);
        if adopted.policy.version <= latest || Digest::of(adopted.text.as_bytes()) != adopted.sha256
        {
            return Err(NotInSequence {
                version: adopted.policy.version,
                latest,
            });
        }
        self.versions.push((**adopted).clone());
        Ok(())
    }

    fn kind(event: &PolicyEvent) -> &'static str {
        match event {
            PolicyEvent::Adopted { .. } => "policy.adopted",
        }
    }
}
