//! The consent engine beside Cedar: random policies, members and requests, and their
//! translation into Cedar policies, entities and requests, so that the differential test
//! (`tests/cedar.rs`) and the benchmark (`benches/consent.rs`) ask both engines the
//! same questions.
//!
//! The translation keeps Cedar idiomatic: one Cedar policy per rule, the charter as
//! `forbid` policies, the resource's owners and sharers as entity attributes, and what
//! varies per request (the purpose, the member a principal acts for, the aggregate size,
//! the day) in the context. Cedar has no quantifier over a set, so "every owner gave
//! consent for this purpose" is computed into the resource's `consented` attribute (the
//! purposes every owner consented to at the request's time), as an application feeding
//! Cedar would.

use std::collections::{BTreeSet, HashMap, HashSet};

use andel::consent::{
    Action, Charter, ConsentLookup, ConsentRef, Effect, MemberId, Owners, Policy, Principal,
    Principals, Purpose, Relation, Request, Resource, Resources, Role, Rule, RuleId,
};
use cedar_policy::{Context, Entities, Entity, EntityUid, PolicySet, RestrictedExpression};
use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::Rng;

/// The resource kinds of the random service.
pub const KINDS: [&str; 4] = ["board", "list", "card", "comment"];

/// The day every random request is asked on.
pub const AT: &str = "2027-03-01T12:00:00Z";

/// A random co-op: its members' roles and consents.
#[derive(Debug, Clone)]
pub struct Coop {
    /// How many members (`m0`, `m1`, …).
    pub members: usize,
    /// How many roles (`r0`, `r1`, …); each member holds a few.
    pub roles: usize,
    /// How many services (`s0`, `s1`, …).
    pub services: usize,
    consents: HashSet<(usize, Purpose)>,
}

impl Coop {
    /// `members` members, a third of whom consented to each of a few purposes.
    pub fn new(rng: &mut Rng, members: usize, roles: usize, services: usize) -> Self {
        let mut consents = HashSet::new();
        for member in 0..members {
            for purpose in Purpose::ALL {
                if rng.below(3) == 0 {
                    consents.insert((member, purpose));
                }
            }
        }
        Coop {
            members,
            roles,
            services,
            consents,
        }
    }

    fn member(&self, rng: &mut Rng) -> usize {
        // A few members own and ask much more than the rest.
        if rng.below(4) == 0 {
            rng.below(self.members.min(20))
        } else {
            rng.below(self.members)
        }
    }

    /// A random request: a member (with some roles) or a service (acting for a member
    /// or no one) asks to do something to a resource owned by one or two members and
    /// maybe shared, for a purpose, sometimes over an aggregate.
    pub fn request(&self, rng: &mut Rng) -> Request {
        let principal = if rng.below(3) == 0 {
            Principal::Service {
                name: format!("s{}", rng.below(self.services))
                    .parse()
                    .unwrap_or_else(|_| unreachable!()),
                acting_for: (rng.below(2) == 0).then(|| id(self.member(rng))),
            }
        } else {
            let roles: BTreeSet<Role> = (0..rng.below(3))
                .map(|_| role(rng.below(self.roles)))
                .collect();
            Principal::Member {
                id: id(self.member(rng)),
                roles,
            }
        };
        let mut owners = vec![id(self.member(rng))];
        if rng.below(4) == 0 {
            owners.push(id(self.member(rng)));
        }
        let owners = Owners::jointly(owners).unwrap_or_else(|_| unreachable!());
        let kind = KINDS[rng.below(KINDS.len())]
            .parse()
            .unwrap_or_else(|_| unreachable!());
        let number = format!("x{}", rng.below(1000))
            .parse()
            .unwrap_or_else(|_| unreachable!());
        let mut resource = Resource::new(kind, number, owners);
        if rng.below(3) == 0 {
            resource = resource.shared_with(id(self.member(rng)));
        }
        Request {
            principal,
            action: Action::ALL[rng.below(Action::ALL.len())],
            resource,
            purpose: Purpose::ALL[rng.below(Purpose::ALL.len())],
            at: AT.parse().unwrap_or_else(|_| unreachable!()),
            aggregate_of: [None, Some(2), Some(9), Some(10), Some(40), Some(50)][rng.below(6)],
        }
    }

    /// A random policy of `rules` rules over this co-op's roles and services, about a
    /// quarter of them forbids, with conditions and day windows now and then.
    pub fn policy(&self, rng: &mut Rng, rules: usize) -> Policy {
        let rules = (0..rules).map(|index| self.rule(rng, index)).collect();
        Policy {
            version: 1,
            rules,
            amendment: Default::default(),
        }
    }

    fn rule(&self, rng: &mut Rng, index: usize) -> Rule {
        let principal = match rng.below(4) {
            0 => Principals::Members,
            1 => Principals::Role(role(rng.below(self.roles))),
            2 => Principals::Service(
                format!("s{}", rng.below(self.services))
                    .parse()
                    .unwrap_or_else(|_| unreachable!()),
            ),
            _ => Principals::Services,
        };
        let pick = |rng: &mut Rng, n: usize| {
            (0..1 + rng.below(n))
                .map(|_| rng.below(n))
                .collect::<BTreeSet<_>>()
        };
        let actions = pick(rng, Action::ALL.len())
            .into_iter()
            .map(|i| Action::ALL[i])
            .collect();
        let purposes = pick(rng, 4)
            .into_iter()
            .map(|_| Purpose::ALL[rng.below(Purpose::ALL.len())])
            .collect();
        let kind = (rng.below(2) == 0).then(|| {
            KINDS[rng.below(KINDS.len())]
                .parse()
                .unwrap_or_else(|_| unreachable!())
        });
        let day = |rng: &mut Rng| {
            let days = ["2027-01-01", "2027-03-01", "2027-06-01"];
            days[rng.below(days.len())].parse::<NaiveDate>().ok()
        };
        let mut conditions = andel::consent::Conditions {
            consent: rng.below(3) == 0,
            ..Default::default()
        };
        if rng.below(4) == 0 {
            conditions.min_aggregate = Some([2, 10, 40][rng.below(3)]);
        }
        if rng.below(5) == 0 {
            conditions.from = day(rng);
        }
        if rng.below(5) == 0 {
            conditions.until = day(rng);
        }
        Rule {
            id: RuleId::new(&format!("r{index}")).unwrap_or_else(|_| unreachable!()),
            effect: if rng.below(4) == 0 {
                Effect::Forbid
            } else {
                Effect::Permit
            },
            principal,
            actions,
            resource: Resources {
                kind,
                relation: Relation::ALL[rng.below(Relation::ALL.len())],
            },
            purposes,
            conditions,
            duties: Vec::new(),
        }
    }
}

impl ConsentLookup for Coop {
    fn consent_in_force(
        &self,
        member: &MemberId,
        purpose: Purpose,
        _at: DateTime<Utc>,
    ) -> Option<ConsentRef> {
        let index: usize = member.as_str().strip_prefix('m')?.parse().ok()?;
        self.consents
            .contains(&(index, purpose))
            .then(|| ConsentRef {
                member: member.clone(),
                purpose,
                given_at: "2027-01-01T00:00:00Z"
                    .parse()
                    .unwrap_or_else(|_| unreachable!()),
            })
    }
}

fn id(member: usize) -> MemberId {
    format!("m{member}")
        .parse()
        .unwrap_or_else(|_| unreachable!())
}

fn role(role: usize) -> Role {
    format!("r{role}")
        .parse()
        .unwrap_or_else(|_| unreachable!())
}

/// `policy` and `charter` as Cedar policies: one per rule (`r0`, `r1`, …) and one
/// `forbid` per charter purpose.
///
/// # Errors
///
/// Cedar refusing the text, which would be a bug in the translation.
pub fn policy_set(policy: &Policy, charter: &Charter) -> Result<PolicySet, String> {
    let mut text = String::new();
    for purpose in charter.forbidden() {
        text.push_str(&format!(
            "forbid (principal, action, resource) when {{ context.purpose == \"{purpose}\" }};\n"
        ));
    }
    for rule in &policy.rules {
        text.push_str(&cedar_rule(rule));
    }
    text.parse().map_err(|err| format!("{err:?}"))
}

fn cedar_rule(rule: &Rule) -> String {
    let effect = match rule.effect {
        Effect::Permit => "permit",
        Effect::Forbid => "forbid",
    };
    let actions: Vec<String> = rule
        .actions
        .iter()
        .map(|a| format!("Action::\"{a}\""))
        .collect();
    let mut when = vec![match &rule.principal {
        Principals::Members => "principal is Member".to_owned(),
        Principals::Role(role) => {
            format!("principal is Member && principal.roles.contains(\"{role}\")")
        }
        Principals::Service(name) => format!("principal == Service::\"{name}\""),
        Principals::Services => "principal is Service".to_owned(),
    }];
    if let Some(kind) = &rule.resource.kind {
        when.push(format!("resource.kind == \"{kind}\""));
    }
    match rule.resource.relation {
        Relation::Own => when.push("context has behalf && resource.owners.contains(context.behalf)".into()),
        Relation::SharedWith => when.push(
            "context has behalf && (resource.owners.contains(context.behalf) || resource.shared.contains(context.behalf))".into(),
        ),
        Relation::Any => {}
    }
    let purposes: Vec<String> = rule.purposes.iter().map(|p| format!("\"{p}\"")).collect();
    when.push(format!(
        "[{}].contains(context.purpose)",
        purposes.join(", ")
    ));
    let conditions = &rule.conditions;
    if let Some(from) = conditions.from {
        when.push(format!("context.day >= {}", from.num_days_from_ce()));
    }
    if let Some(until) = conditions.until {
        when.push(format!("context.day <= {}", until.num_days_from_ce()));
    }
    if let Some(min) = conditions.min_aggregate {
        when.push(format!(
            "context has aggregate && context.aggregate >= {min}"
        ));
    }
    if conditions.consent {
        when.push("resource.consented.contains(context.purpose)".into());
    }
    format!(
        "@id(\"{}\")\n{effect} (principal, action in [{}], resource) when {{ {} }};\n",
        rule.id,
        actions.join(", "),
        when.join(" && ")
    )
}

/// `request` for Cedar: the principal and resource as entities, the rest in the
/// context.
///
/// # Errors
///
/// Cedar refusing what was built, which would be a bug in the translation.
pub fn cedar_request(
    request: &Request,
    consents: &dyn ConsentLookup,
) -> Result<(cedar_policy::Request, Entities), String> {
    let err = |e: &dyn std::fmt::Debug| format!("{e:?}");
    let member = |m: &MemberId| uid("Member", m.as_str());
    let (principal, principal_entity) = match &request.principal {
        Principal::Member { id, roles } => {
            let roles = roles
                .iter()
                .map(|r| RestrictedExpression::new_string(r.to_string()));
            let attrs = HashMap::from([("roles".to_owned(), RestrictedExpression::new_set(roles))]);
            let uid = member(id)?;
            (
                uid.clone(),
                Entity::new(uid, attrs, HashSet::new()).map_err(|e| err(&e))?,
            )
        }
        Principal::Service { name, .. } => {
            let uid = uid("Service", name.as_str())?;
            (uid.clone(), Entity::new_no_attrs(uid, HashSet::new()))
        }
    };
    let resource = &request.resource;
    let set_of =
        |members: &mut dyn Iterator<Item = &MemberId>| -> Result<RestrictedExpression, String> {
            let uids = members
                .map(|m| member(m).map(RestrictedExpression::new_entity_uid))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(RestrictedExpression::new_set(uids))
        };
    let consented = Purpose::ALL.into_iter().filter(|purpose| {
        resource.owners().iter().all(|owner| {
            consents
                .consent_in_force(owner, *purpose, request.at)
                .is_some()
        })
    });
    let attrs = HashMap::from([
        (
            "kind".to_owned(),
            RestrictedExpression::new_string(resource.kind().to_string()),
        ),
        ("owners".to_owned(), set_of(&mut resource.owners().iter())?),
        ("shared".to_owned(), set_of(&mut resource.shared().iter())?),
        (
            "consented".to_owned(),
            RestrictedExpression::new_set(
                consented.map(|p| RestrictedExpression::new_string(p.to_string())),
            ),
        ),
    ]);
    let resource_uid = uid(
        "Resource",
        &format!("{}-{}", resource.kind(), resource.id()),
    )?;
    let resource_entity =
        Entity::new(resource_uid.clone(), attrs, HashSet::new()).map_err(|e| err(&e))?;
    let mut context = vec![
        (
            "purpose".to_owned(),
            RestrictedExpression::new_string(request.purpose.to_string()),
        ),
        (
            "day".to_owned(),
            RestrictedExpression::new_long(i64::from(request.at.date_naive().num_days_from_ce())),
        ),
    ];
    if let Some(behalf) = request.principal.on_behalf_of() {
        context.push((
            "behalf".to_owned(),
            RestrictedExpression::new_entity_uid(member(behalf)?),
        ));
    }
    if let Some(of) = request.aggregate_of {
        context.push((
            "aggregate".to_owned(),
            RestrictedExpression::new_long(i64::from(of)),
        ));
    }
    let context = Context::from_pairs(context).map_err(|e| err(&e))?;
    let action = uid("Action", request.action.id())?;
    let cedar = cedar_policy::Request::new(principal, action, resource_uid, context, None)
        .map_err(|e| err(&e))?;
    let entities =
        Entities::from_entities([principal_entity, resource_entity], None).map_err(|e| err(&e))?;
    Ok((cedar, entities))
}

fn uid(kind: &str, id: &str) -> Result<EntityUid, String> {
    format!("{kind}::\"{id}\"")
        .parse()
        .map_err(|e| format!("{e:?}"))
}

/// Cedar's answer: whether it allows.
pub fn cedar_allows(
    policies: &PolicySet,
    (request, entities): &(cedar_policy::Request, Entities),
) -> bool {
    let answer = cedar_policy::Authorizer::new().is_authorized(request, policies, entities);
    answer.decision() == cedar_policy::Decision::Allow
}
