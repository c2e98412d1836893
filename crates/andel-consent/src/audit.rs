//! The audit journal's records of access decisions, and a member's transparency report
//! drawn from them.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::evaluate::{Basis, ConsentRef, Decision, Principal, Request};
use crate::{Action, Duty, LegalBasis, MemberId, Purpose, ResourceId, ResourceKind, RuleId};

/// The stream access decisions are recorded in.
pub const AUDIT_STREAM: &str = "access";

/// The journal entry kind of an [`AccessRecord`].
pub const ACCESS_KIND: &str = "access.decided";

/// One access decision about member data, as the audit journal records it: who, what,
/// whose, why, the answer, and what it rested on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessRecord {
    /// When the access was asked for.
    pub at: DateTime<Utc>,
    /// Who asked.
    pub principal: Principal,
    /// To do what.
    pub action: Action,
    /// The resource's kind.
    pub kind: ResourceKind,
    /// The resource's id.
    pub id: ResourceId,
    /// Whose it is.
    pub owners: Vec<MemberId>,
    /// Why.
    pub purpose: Purpose,
    /// Whether it was allowed.
    pub allowed: bool,
    /// The rules that decided (none for the charter or default deny).
    pub rules: Vec<RuleId>,
    /// The policy version in force.
    pub policy_version: u32,
    /// The decision that adopted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adopted_by: Option<crate::DecisionRef>,
    /// The organisation owner whose own policy refused it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restricted_by: Option<MemberId>,
    /// The consents relied on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consents: Vec<ConsentRef>,
    /// What the access obliges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub duties: Vec<Duty>,
    /// The decision in a sentence.
    pub explanation: String,
}

impl AccessRecord {
    /// The record of `decision` on `request`.
    pub fn of(request: &Request, decision: &Decision) -> Self {
        let rules = match &decision.basis {
            Basis::Forbidden { rules } | Basis::Permitted { rules } => rules.clone(),
            Basis::Charter | Basis::NoRule => Vec::new(),
        };
        AccessRecord {
            at: request.at,
            principal: request.principal.clone(),
            action: request.action,
            kind: request.resource.kind().clone(),
            id: request.resource.id().clone(),
            owners: request.resource.owners().iter().cloned().collect(),
            purpose: request.purpose,
            allowed: decision.allowed,
            rules,
            policy_version: decision.policy_version,
            adopted_by: decision.adopted_by.clone(),
            restricted_by: decision.restricted_by.clone(),
            consents: decision.consents.clone(),
            duties: decision.duties.clone(),
            explanation: decision.explanation.clone(),
        }
    }
}

/// What a member may know about the use of their data over a period (GDPR art. 15):
/// every access decided about data they own, the purposes and their legal bases, who
/// asked (the recipients), and what each access obliged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransparencyReport {
    /// Whose data.
    pub member: MemberId,
    /// From (inclusive).
    pub from: DateTime<Utc>,
    /// Until (exclusive).
    pub to: DateTime<Utc>,
    /// The purposes their data was asked for, with the legal basis of each.
    pub purposes: Vec<(Purpose, LegalBasis)>,
    /// Who asked for it.
    pub recipients: Vec<String>,
    /// How many accesses were allowed, and how many refused.
    pub allowed: usize,
    /// How many were refused.
    pub refused: usize,
    /// Every decision, in the order recorded.
    pub accesses: Vec<AccessRecord>,
}

impl TransparencyReport {
    /// The report for `member` over `from..to`, from the audit journal's `records`.
    ///
    /// ```
    /// use andel_consent::*;
    ///
    /// let schema = Schema::new().kind("card".parse()?, Action::ALL);
    /// let policy = Policy::from_toml("p", r#"
    ///     version = 1
    ///     [[rule]]
    ///     id = "own"
    ///     effect = "permit"
    ///     principal = "member"
    ///     actions = ["read"]
    ///     resource = { relation = "own" }
    ///     purposes = ["service-provision"]
    /// "#, &schema, &Charter::default())?;
    /// let ada: MemberId = "ada".parse()?;
    /// let request = Request {
    ///     principal: Principal::member(ada.clone()),
    ///     action: Action::Read,
    ///     resource: Resource::new("card".parse()?, "c1".parse()?, Owners::one(ada.clone())),
    ///     purpose: Purpose::ServiceProvision,
    ///     at: "2027-03-01T10:00:00Z".parse()?,
    ///     aggregate_of: None,
    /// };
    /// let decision = evaluate(&request, &policy, &Charter::default(), &ConsentBook::default());
    /// let records = [AccessRecord::of(&request, &decision)];
    /// let march = TransparencyReport::of(&ada, "2027-03-01T00:00:00Z".parse()?, "2027-04-01T00:00:00Z".parse()?, &records);
    /// assert_eq!((march.allowed, march.refused), (1, 0));
    /// assert_eq!(march.recipients, ["member `ada`"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of<'a>(
        member: &MemberId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        records: impl IntoIterator<Item = &'a AccessRecord>,
    ) -> Self {
        let accesses: Vec<AccessRecord> = records
            .into_iter()
            .filter(|record| record.owners.contains(member) && from <= record.at && record.at < to)
            .cloned()
            .collect();
        let purposes: BTreeSet<Purpose> = accesses.iter().map(|r| r.purpose).collect();
        let recipients: BTreeSet<String> =
            accesses.iter().map(|r| r.principal.to_string()).collect();
        let allowed = accesses.iter().filter(|r| r.allowed).count();
        TransparencyReport {
            member: member.clone(),
            from,
            to,
            purposes: purposes.into_iter().map(|p| (p, p.legal_basis())).collect(),
            recipients: recipients.into_iter().collect(),
            allowed,
            refused: accesses.len() - allowed,
            accesses,
        }
    }

    /// The report as text a member can read.
    pub fn to_text(&self) -> String {
        let accesses = |n: usize| format!("{n} access{}", if n == 1 { "" } else { "es" });
        let mut text = format!(
            "Use of the data of `{}` from {} to {}: {} allowed, {} refused.\n",
            self.member,
            self.from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            self.to.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            accesses(self.allowed),
            accesses(self.refused)
        );
        for (purpose, basis) in &self.purposes {
            text.push_str(&format!(
                "purpose: {} ({})\n",
                purpose.phrase(),
                basis.article()
            ));
        }
        for recipient in &self.recipients {
            text.push_str(&format!("asked by: {recipient}\n"));
        }
        for record in &self.accesses {
            let at = record.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            text.push_str(&format!("{at} {}\n", record.explanation));
        }
        text
    }
}
