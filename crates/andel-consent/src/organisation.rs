//! Organisation members' own policies. An organisation that is a member adopts, by its
//! own decision among its own people, a policy for the resources it owns. That policy
//! applies within the co-op's: an access to the organisation's resources is allowed only
//! if the co-op's policy and the organisation's both allow it, so the organisation can
//! restrict what the co-op permits and never widen it.

use std::collections::BTreeMap;

use crate::evaluate::ConsentLookup;
use crate::{Charter, Decision, DecisionRef, MemberId, Policy, PolicyBook, Request, evaluate};

/// The stream an organisation member's own policy book lives in: `policies.ID`.
pub fn organisation_policy_stream(organisation: &MemberId) -> String {
    format!("{}.{organisation}", crate::POLICY_STREAM)
}

/// What a proposal that adopts `organisation`'s own policy names in its spec's
/// `enacts.document`: `data-policy:ID`, so that a decision of the co-op, or of another
/// organisation, cannot be cited for it.
pub fn organisation_policy_document(organisation: &MemberId) -> String {
    format!("{}:{organisation}", crate::POLICY_DOCUMENT)
}

/// The co-op's policy book and its organisation members' own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyBooks {
    /// The co-op's.
    pub coop: PolicyBook,
    /// Each organisation member's own, by member.
    pub organisations: BTreeMap<MemberId, PolicyBook>,
}

impl PolicyBooks {
    /// Decides `request` under the co-op's version in force, then, if it allows, under
    /// the version in force of each organisation that owns the resource: the first of
    /// them that refuses decides, and when all allow, their duties and the consents they
    /// relied on are added to the co-op's.
    pub fn evaluate(
        &self,
        request: &Request,
        charter: &Charter,
        consents: &dyn ConsentLookup,
    ) -> Decision {
        let decision = self.coop.evaluate(request, charter, consents);
        let own = request.resource.owners().iter().filter_map(|owner| {
            let adopted = self.organisations.get(owner)?.in_force(request.at)?;
            Some((owner, &adopted.policy, Some(&adopted.decision)))
        });
        within(decision, own, request, charter, consents)
    }
}

/// Decides `request` under the co-op's `policy`, then under each organisation owner's own
/// policy in `organisations` (an owner without one is left to the co-op's), as
/// [`PolicyBooks::evaluate`] does with adopted versions.
///
/// ```
/// use andel_consent::*;
///
/// let schema = Schema::new().kind("card".parse()?, Action::ALL);
/// let read = |version: u32, purposes: &str| Policy::from_toml("p", &format!(r#"
///     version = {version}
///     [[rule]]
///     id = "read"
///     effect = "permit"
///     principal = "member"
///     actions = ["read"]
///     resource = {{ relation = "any" }}
///     purposes = [{purposes}]
/// "#), &schema, &Charter::default());
/// let coop = read(3, r#""service-provision", "security""#)?;
/// let own = read(1, r#""service-provision""#)?; // the organisation allows less
///
/// let fyrbaken: MemberId = "8".parse()?;
/// let card = Resource::new("card".parse()?, "c9".parse()?, Owners::one(fyrbaken.clone()));
/// let ask = |purpose| Request {
///     principal: Principal::Member { id: "2".parse().unwrap(), roles: Default::default() },
///     action: Action::Read,
///     resource: card.clone(),
///     purpose,
///     at: "2027-06-01T00:00:00Z".parse().unwrap(),
///     aggregate_of: None,
/// };
/// let orgs = [(fyrbaken.clone(), own)];
/// let none = ConsentBook::default();
/// let charter = Charter::default();
/// assert!(evaluate_within(&ask(Purpose::ServiceProvision), &coop, &orgs, &charter, &none).allowed);
/// let security = evaluate_within(&ask(Purpose::Security), &coop, &orgs, &charter, &none);
/// assert!(!security.allowed);
/// assert_eq!(security.restricted_by, Some(fyrbaken));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn evaluate_within(
    request: &Request,
    policy: &Policy,
    organisations: &[(MemberId, Policy)],
    charter: &Charter,
    consents: &dyn ConsentLookup,
) -> Decision {
    let decision = evaluate(request, policy, charter, consents);
    let own = request.resource.owners().iter().filter_map(|owner| {
        let (_, policy) = organisations.iter().find(|(org, _)| org == owner)?;
        Some((owner, policy, None))
    });
    within(decision, own, request, charter, consents)
}

/// The co-op's `decision`, restricted by each organisation's own policy in `own`.
fn within<'a>(
    mut decision: Decision,
    own: impl Iterator<Item = (&'a MemberId, &'a Policy, Option<&'a DecisionRef>)>,
    request: &Request,
    charter: &Charter,
    consents: &dyn ConsentLookup,
) -> Decision {
    for (organisation, policy, adopted_by) in own {
        if !decision.allowed {
            break;
        }
        let theirs = evaluate(request, policy, charter, consents);
        if !theirs.allowed {
            let adopted = adopted_by.map_or_else(String::new, |d| format!(", adopted by {d}"));
            let explanation = format!(
                "Refused by the own policy of organisation `{organisation}` (version {}{adopted}) \
                 for what it owns, though the co-op's policy allows it: {}",
                policy.version, theirs.explanation
            );
            return Decision {
                explanation,
                adopted_by: adopted_by.cloned(),
                restricted_by: Some(organisation.clone()),
                ..theirs
            };
        }
        for duty in theirs.duties {
            if !decision.duties.contains(&duty) {
                decision.duties.push(duty);
            }
        }
        for consent in theirs.consents {
            if !decision.consents.contains(&consent) {
                decision.consents.push(consent);
            }
        }
    }
    decision
}
