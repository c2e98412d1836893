//! What changes between two versions of a policy, for members to read before they vote.

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;

use crate::policy::{Conditions, Effect, Policy, Principals, Rule, Schema};
use crate::{Action, Charter, Purpose, Relation, ResourceKind};

/// What a policy says of one combination of principal, action, resource and purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "access")]
pub enum Access {
    /// No rule permits it (or the charter forbids the purpose).
    Refused,
    /// A forbid rule refuses it, at least under these conditions.
    Forbidden {
        /// The forbid rules' conditions (empty: always).
        when: Vec<Conditions>,
    },
    /// Permitted, under any of these conditions (one of them empty: always).
    Permitted {
        /// The permit rules' conditions.
        when: Vec<Conditions>,
    },
}

/// One combination whose access changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Who.
    pub principal: Principals,
    /// Does what.
    pub action: Action,
    /// To which kind of resource.
    pub kind: ResourceKind,
    /// Standing how to it: every relation for which the change is the same.
    pub relations: Vec<Relation>,
    /// Why.
    pub purpose: Purpose,
    /// Under the policy in force.
    pub before: Access,
    /// Under the proposed one.
    pub after: Access,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} may {} a {} ({}) for {}: {} -> {}",
            self.principal,
            self.action,
            self.kind,
            relations_text(&self.relations),
            self.purpose.phrase(),
            AccessText(&self.before),
            AccessText(&self.after)
        )
    }
}

fn relations_text(relations: &[Relation]) -> String {
    match relations {
        [Relation::Own] => "their own".into(),
        [Relation::Own, Relation::SharedWith] => "their own or shared with them".into(),
        [Relation::Own, Relation::SharedWith, Relation::Any] => "anyone's".into(),
        _ => relations
            .iter()
            .map(|r| r.id())
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

struct AccessText<'a>(&'a Access);

impl fmt::Display for AccessText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let conditions = |when: &[Conditions]| -> String {
            when.iter()
                .map(conditions_text)
                .collect::<Vec<_>>()
                .join(" or ")
        };
        match self.0 {
            Access::Refused => f.write_str("refused"),
            Access::Forbidden { when } => write!(f, "forbidden {}", conditions(when)),
            Access::Permitted { when } => write!(f, "permitted {}", conditions(when)),
        }
    }
}

fn conditions_text(conditions: &Conditions) -> String {
    let mut parts = Vec::new();
    if conditions.consent {
        parts.push("with the owners' consent".to_owned());
    }
    if let Some(min) = conditions.min_aggregate {
        parts.push(format!("over at least {min} members"));
    }
    if let Some(from) = conditions.from {
        parts.push(format!("from {from}"));
    }
    if let Some(until) = conditions.until {
        parts.push(format!("until {until}"));
    }
    if parts.is_empty() {
        "always".into()
    } else {
        parts.join(", ")
    }
}

/// The combinations of principal, action, resource kind, relation and purpose whose
/// access differs between `before` and `after`, in a fixed order; the relations for
/// which one change is the same are reported together. Principals are every
/// member, every service, and each role and service either policy names; kinds are the
/// schema's; purposes the charter forbids are left out (both versions refuse them).
///
/// ```
/// use andel_consent::{Action, Charter, Policy, Schema, permission_diff};
///
/// let schema = Schema::new().kind("card".parse()?, Action::ALL);
/// let read = |version: u32, rules: &str| Policy::from_toml("p", &format!("version = {version}\n{rules}"), &schema, &Charter::default());
/// let before = read(1, "")?;
/// let after = read(2, r#"
///     [[rule]]
///     id = "usage-stats"
///     effect = "permit"
///     principal = "service:stats"
///     actions = ["process"]
///     resource = { kind = "card", relation = "any" }
///     purposes = ["aggregate-statistics"]
///     conditions = { consent = true, min_aggregate = 10 }
/// "#)?;
/// let changes = permission_diff(&before, &after, &schema, &Charter::default());
/// assert_eq!(changes.len(), 1);
/// assert_eq!(
///     changes[0].to_string(),
///     "service:stats may process a card (anyone's) for aggregate statistics: refused -> \
///      permitted with the owners' consent, over at least 10 members"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn permission_diff(
    before: &Policy,
    after: &Policy,
    schema: &Schema,
    charter: &Charter,
) -> Vec<Change> {
    let mut principals = BTreeSet::from([Principals::Members, Principals::Services]);
    principals.extend(
        before
            .rules
            .iter()
            .chain(&after.rules)
            .map(|rule| rule.principal.clone()),
    );
    let mut changes = Vec::new();
    for principal in &principals {
        for kind in schema.kinds() {
            for action in Action::ALL {
                for purpose in Purpose::ALL.into_iter().filter(|p| !charter.forbids(*p)) {
                    let mut by_relation: Vec<Change> = Vec::new();
                    for relation in Relation::ALL {
                        let combination = Combination {
                            principal,
                            action,
                            kind,
                            relation,
                            purpose,
                        };
                        let (was, will) = (combination.access(before), combination.access(after));
                        if was == will {
                            continue;
                        }
                        match by_relation
                            .iter_mut()
                            .find(|c| c.before == was && c.after == will)
                        {
                            Some(change) => change.relations.push(relation),
                            None => by_relation.push(Change {
                                principal: principal.clone(),
                                action,
                                kind: kind.clone(),
                                relations: vec![relation],
                                purpose,
                                before: was,
                                after: will,
                            }),
                        }
                    }
                    changes.extend(by_relation);
                }
            }
        }
    }
    changes
}

struct Combination<'a> {
    principal: &'a Principals,
    action: Action,
    kind: &'a ResourceKind,
    relation: Relation,
    purpose: Purpose,
}

impl Combination<'_> {
    /// Whether `rule` speaks of this combination: a rule for every member covers a
    /// role's holders, and one for every service covers each service.
    fn in_scope(&self, rule: &Rule) -> bool {
        let principal = match (&rule.principal, self.principal) {
            (Principals::Members, Principals::Members | Principals::Role(_))
            | (Principals::Services, Principals::Services | Principals::Service(_)) => true,
            (wanted, actual) => wanted == actual,
        };
        principal
            && rule.actions.contains(&self.action)
            && rule
                .resource
                .kind
                .as_ref()
                .is_none_or(|kind| kind == self.kind)
            && rule.resource.relation.covers(self.relation)
            && rule.purposes.contains(&self.purpose)
    }

    fn access(&self, policy: &Policy) -> Access {
        let when = |effect: Effect| -> Vec<Conditions> {
            let mut when: Vec<Conditions> = policy
                .rules
                .iter()
                .filter(|rule| rule.effect == effect && self.in_scope(rule))
                .map(|rule| rule.conditions.clone())
                .collect();
            // "Always" swallows every narrower condition.
            if when.iter().any(Conditions::is_none) {
                when = vec![Conditions::default()];
            }
            when.sort_by_key(|c| (c.consent, c.min_aggregate, c.from, c.until));
            when.dedup();
            when
        };
        let forbidden = when(Effect::Forbid);
        if !forbidden.is_empty() {
            return Access::Forbidden { when: forbidden };
        }
        let permitted = when(Effect::Permit);
        if permitted.is_empty() {
            Access::Refused
        } else {
            Access::Permitted { when: permitted }
        }
    }
}
