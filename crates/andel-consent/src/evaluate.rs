//! Access decisions: a request, the policy in force, the charter and the consents in
//! force, and a decision that says why.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::policy::{Effect, Policy, Principals, Rule};
use crate::{Action, Charter, Duty, MemberId, Purpose, Resource, Role, RuleId, ServiceName};

/// Who asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum Principal {
    /// A member, with the roles they hold.
    Member {
        /// The member.
        id: MemberId,
        /// Their roles in the co-op.
        roles: BTreeSet<Role>,
    },
    /// A service or app, acting for a member or for no one in particular.
    Service {
        /// The service.
        name: ServiceName,
        /// The member it acts for, if any.
        acting_for: Option<MemberId>,
    },
}

impl Principal {
    /// A member with no roles.
    pub fn member(id: MemberId) -> Self {
        Principal::Member {
            id,
            roles: BTreeSet::new(),
        }
    }

    /// The member whose relation to a resource counts: the member, or the one a service
    /// acts for.
    pub fn on_behalf_of(&self) -> Option<&MemberId> {
        match self {
            Principal::Member { id, .. } => Some(id),
            Principal::Service { acting_for, .. } => acting_for.as_ref(),
        }
    }

    fn is(&self, principals: &Principals) -> bool {
        match (principals, self) {
            (Principals::Members, Principal::Member { .. })
            | (Principals::Services, Principal::Service { .. }) => true,
            (Principals::Role(role), Principal::Member { roles, .. }) => roles.contains(role),
            (Principals::Service(wanted), Principal::Service { name, .. }) => wanted == name,
            _ => false,
        }
    }
}

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Principal::Member { id, .. } => write!(f, "member `{id}`"),
            Principal::Service {
                name,
                acting_for: Some(member),
            } => write!(f, "service `{name}` acting for `{member}`"),
            Principal::Service { name, .. } => write!(f, "service `{name}`"),
        }
    }
}

/// One access to decide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Request {
    /// Who asks.
    pub principal: Principal,
    /// To do what.
    pub action: Action,
    /// With which resource.
    pub resource: Resource,
    /// Why.
    pub purpose: Purpose,
    /// When.
    pub at: DateTime<Utc>,
    /// For an aggregate: over how many members' data.
    pub aggregate_of: Option<u32>,
}

/// A consent relied on: whose, for what, given when.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ConsentRef {
    /// Whose consent.
    pub member: MemberId,
    /// For which purpose.
    pub purpose: Purpose,
    /// When it was given.
    pub given_at: DateTime<Utc>,
}

/// Where evaluation looks up consents: the consent book, or anything that answers the
/// same question.
pub trait ConsentLookup {
    /// `member`'s consent for `purpose` in force at `at`, if any.
    fn consent_in_force(
        &self,
        member: &MemberId,
        purpose: Purpose,
        at: DateTime<Utc>,
    ) -> Option<ConsentRef>;
}

/// Why a permit rule that matched the request did not apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "unmet")]
pub enum Unmet {
    /// An owner has no consent in force for the purpose.
    Consent {
        /// The owner.
        member: MemberId,
    },
    /// The aggregate is smaller than the rule allows (or the request is about one
    /// resource, not an aggregate).
    Aggregate {
        /// The rule's minimum.
        min: u32,
        /// The request's size, if it was an aggregate.
        of: Option<u32>,
    },
    /// The time is outside the rule's days.
    Window,
}

/// What decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "by")]
pub enum Basis {
    /// The charter forbids the purpose; no policy can permit it.
    Charter,
    /// Forbid rules matched (forbid beats permit).
    Forbidden {
        /// The rules.
        rules: Vec<RuleId>,
    },
    /// Permit rules matched and nothing forbade.
    Permitted {
        /// The rules.
        rules: Vec<RuleId>,
    },
    /// No rule permits it (default deny).
    NoRule,
}

/// An access decision and its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// Whether the access may happen.
    pub allowed: bool,
    /// What decided.
    pub basis: Basis,
    /// The policy version that decided.
    pub policy_version: u32,
    /// The decision that adopted that version, when the policy came from the policy
    /// book ([`PolicyBook::evaluate`](crate::PolicyBook::evaluate)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adopted_by: Option<crate::DecisionRef>,
    /// The organisation owner whose own policy refused what the co-op's allows
    /// ([`PolicyBooks`](crate::PolicyBooks)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restricted_by: Option<crate::MemberId>,
    /// The consents the decision relied on (for permits that require consent).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub consents: Vec<ConsentRef>,
    /// What a permitted access obliges.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub duties: Vec<Duty>,
    /// Permit rules that matched the request but whose conditions did not hold.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmet: Vec<(RuleId, Unmet)>,
    /// The decision in a sentence a member can read.
    pub explanation: String,
}

/// Decides `request` under `policy` and `charter`, looking consents up in `consents`.
///
/// The charter beats every rule; a matching forbid beats every permit; without a
/// matching permit whose conditions hold, the answer is no.
///
/// ```
/// use andel_consent::*;
///
/// let schema = Schema::new().kind("card".parse()?, Action::ALL);
/// let policy = Policy::from_toml("p", r#"
///     version = 1
///     [[rule]]
///     id = "own-cards"
///     effect = "permit"
///     principal = "member"
///     actions = ["read"]
///     resource = { kind = "card", relation = "own" }
///     purposes = ["service-provision"]
/// "#, &schema, &Charter::default())?;
/// let ada: MemberId = "ada".parse()?;
/// let card = Resource::new("card".parse()?, "c1".parse()?, Owners::one(ada.clone()));
/// let mut request = Request {
///     principal: Principal::member(ada),
///     action: Action::Read,
///     resource: card,
///     purpose: Purpose::ServiceProvision,
///     at: "2027-03-01T10:00:00Z".parse()?,
///     aggregate_of: None,
/// };
/// let decision = evaluate(&request, &policy, &Charter::default(), &ConsentBook::default());
/// assert!(decision.allowed);
/// assert_eq!(decision.explanation, "Allowed: rule `own-cards` of policy version 1 permits \
///     member `ada` to read card `c1` (owned by `ada`) for running the service.");
///
/// request.purpose = Purpose::Advertising;
/// let decision = evaluate(&request, &policy, &Charter::default(), &ConsentBook::default());
/// assert!(!decision.allowed);
/// assert_eq!(decision.basis, Basis::Charter);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn evaluate(
    request: &Request,
    policy: &Policy,
    charter: &Charter,
    consents: &dyn ConsentLookup,
) -> Decision {
    let decision = |allowed, basis, consents, duties, unmet| {
        let mut decision = Decision {
            allowed,
            basis,
            policy_version: policy.version,
            adopted_by: None,
            restricted_by: None,
            consents,
            duties,
            unmet,
            explanation: String::new(),
        };
        decision.explanation = explain(request, &decision, charter);
        decision
    };
    if charter.forbids(request.purpose) {
        return decision(false, Basis::Charter, Vec::new(), Vec::new(), Vec::new());
    }
    let in_scope = |rule: &&Rule| matches_scope(rule, request);
    let forbidding: Vec<RuleId> = policy
        .rules
        .iter()
        .filter(|rule| rule.effect == Effect::Forbid)
        .filter(in_scope)
        .filter(|rule| conditions(rule, request, consents).is_ok())
        .map(|rule| rule.id.clone())
        .collect();
    if !forbidding.is_empty() {
        let basis = Basis::Forbidden { rules: forbidding };
        return decision(false, basis, Vec::new(), Vec::new(), Vec::new());
    }
    let (mut permitting, mut relied, mut duties, mut unmet) = (vec![], vec![], vec![], vec![]);
    for rule in policy
        .rules
        .iter()
        .filter(|r| r.effect == Effect::Permit)
        .filter(in_scope)
    {
        match conditions(rule, request, consents) {
            Ok(consents) => {
                permitting.push(rule.id.clone());
                relied.extend(consents);
                duties.extend(rule.duties.iter().copied());
            }
            Err(why) => unmet.push((rule.id.clone(), why)),
        }
    }
    if permitting.is_empty() {
        return decision(false, Basis::NoRule, Vec::new(), Vec::new(), unmet);
    }
    relied.sort();
    relied.dedup();
    duties.sort();
    duties.dedup();
    let basis = Basis::Permitted { rules: permitting };
    decision(true, basis, relied, duties, unmet)
}

/// Whether `rule` speaks of this principal, action, resource and purpose.
fn matches_scope(rule: &Rule, request: &Request) -> bool {
    let relation = match request.principal.on_behalf_of() {
        Some(member) => request.resource.relation_of(member),
        None => crate::Relation::Any,
    };
    request.principal.is(&rule.principal)
        && rule.actions.contains(&request.action)
        && rule
            .resource
            .kind
            .as_ref()
            .is_none_or(|kind| kind == request.resource.kind())
        && rule.resource.relation.covers(relation)
        && rule.purposes.contains(&request.purpose)
}

/// Whether `rule`'s conditions hold; the consents relied on if so.
fn conditions(
    rule: &Rule,
    request: &Request,
    consents: &dyn ConsentLookup,
) -> Result<Vec<ConsentRef>, Unmet> {
    let conditions = &rule.conditions;
    let day = request.at.date_naive();
    if conditions.from.is_some_and(|from| day < from)
        || conditions.until.is_some_and(|until| day > until)
    {
        return Err(Unmet::Window);
    }
    if let Some(min) = conditions.min_aggregate
        && request.aggregate_of.is_none_or(|of| of < min)
    {
        return Err(Unmet::Aggregate {
            min,
            of: request.aggregate_of,
        });
    }
    if !conditions.consent {
        return Ok(Vec::new());
    }
    request
        .resource
        .owners()
        .iter()
        .map(|owner| {
            consents
                .consent_in_force(owner, request.purpose, request.at)
                .ok_or_else(|| Unmet::Consent {
                    member: owner.clone(),
                })
        })
        .collect()
}

fn explain(request: &Request, decision: &Decision, charter: &Charter) -> String {
    let resource = &request.resource;
    let owners: Vec<String> = resource.owners().iter().map(|m| format!("`{m}`")).collect();
    let what = format!(
        "{} to {} {} `{}` (owned by {}) for {}",
        request.principal,
        request.action,
        resource.kind(),
        resource.id(),
        owners.join(" and "),
        request.purpose.phrase()
    );
    let version = decision.policy_version;
    let rules = |rules: &[RuleId]| {
        let names: Vec<String> = rules.iter().map(|r| format!("`{r}`")).collect();
        let s = if rules.len() == 1 { "" } else { "s" };
        format!("rule{s} {} of policy version {version}", names.join(", "))
    };
    match &decision.basis {
        Basis::Charter => format!(
            "Refused: the charter{} forbids {} whatever a policy says; {what} is not allowed.",
            match charter.version() {
                0 => String::new(),
                version => format!(" (version {version})"),
            },
            request.purpose.phrase()
        ),
        Basis::Forbidden { rules: ids } => format!(
            "Refused: {} forbid{} {what}.",
            rules(ids),
            if ids.len() == 1 { "s" } else { "" }
        ),
        Basis::NoRule if decision.unmet.is_empty() => {
            format!("Refused: no rule of policy version {version} permits {what}.")
        }
        Basis::NoRule => {
            let reasons: Vec<String> = decision
                .unmet
                .iter()
                .map(|(rule, unmet)| format!("rule `{rule}` {}", unmet_phrase(unmet)))
                .collect();
            format!("Refused: {what} is not permitted: {}.", reasons.join("; "))
        }
        Basis::Permitted { rules: ids } => {
            let mut text = format!(
                "Allowed: {} permit{} {what}",
                rules(ids),
                if ids.len() == 1 { "s" } else { "" }
            );
            if !decision.consents.is_empty() {
                let given: Vec<String> = decision
                    .consents
                    .iter()
                    .map(|c| {
                        format!(
                            "`{}`'s consent given {}",
                            c.member,
                            c.given_at.format("%Y-%m-%d %H:%M UTC")
                        )
                    })
                    .collect();
                text.push_str(&format!(", relying on {}", given.join(" and ")));
            }
            text.push('.');
            text
        }
    }
}

fn unmet_phrase(unmet: &Unmet) -> String {
    match unmet {
        Unmet::Consent { member } => format!("needs `{member}`'s consent, which is not in force"),
        Unmet::Aggregate { min, of: Some(of) } => {
            format!("applies to aggregates of at least {min} members, not {of}")
        }
        Unmet::Aggregate { min, of: None } => {
            format!("applies to aggregates of at least {min} members only")
        }
        Unmet::Window => "does not apply on this day".into(),
    }
}
