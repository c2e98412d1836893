//! The engine's invariants over random policies, requests and consents.

use std::collections::BTreeSet;

use andel_consent::{
    Action, Basis, Charter, ConsentBook, ConsentCommand, ConsentLookup, ConsentRef, Effect,
    MemberId, Owners, Policy, Principal, Principals, Purpose, Relation, Request, Resource,
    Resources, Rule, RuleId, evaluate, evaluate_within,
};
use andel_consent::{Conditions, Standing};
use andel_journal::Aggregate;
use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

use crate::support::{at, kanban, member};

/// Consents as a plain set: whoever is in it has consent for the purpose, given at the
/// start of 2027.
#[derive(Debug)]
struct Given(BTreeSet<(MemberId, Purpose)>);

impl ConsentLookup for Given {
    fn consent_in_force(&self, m: &MemberId, p: Purpose, _: DateTime<Utc>) -> Option<ConsentRef> {
        self.0.contains(&(m.clone(), p)).then(|| ConsentRef {
            member: m.clone(),
            purpose: p,
            given_at: at("2027-01-01T00:00:00Z"),
        })
    }
}

fn purpose() -> impl Strategy<Value = Purpose> {
    prop::sample::select(Purpose::ALL.to_vec())
}

fn action() -> impl Strategy<Value = Action> {
    prop::sample::select(Action::ALL.to_vec())
}

fn principals() -> impl Strategy<Value = Principals> {
    prop_oneof![
        Just(Principals::Members),
        Just(Principals::Role("treasurer".parse().unwrap())),
        Just(Principals::Service("stats".parse().unwrap())),
        Just(Principals::Services),
    ]
}

fn rule(index: usize) -> impl Strategy<Value = Rule> {
    (
        prop::bool::weighted(0.3),
        principals(),
        prop::collection::btree_set(action(), 1..4),
        prop::option::of(prop::sample::select(vec!["card", "board"])),
        prop::sample::select(Relation::ALL.to_vec()),
        prop::collection::btree_set(purpose(), 1..3),
        any::<bool>(),
        prop::option::of(prop::sample::select(vec![2u32, 10])),
    )
        .prop_map(
            move |(forbid, principal, actions, kind, relation, purposes, consent, min)| Rule {
                id: RuleId::new(&format!("r{index}")).unwrap(),
                effect: if forbid {
                    Effect::Forbid
                } else {
                    Effect::Permit
                },
                principal,
                actions,
                resource: Resources {
                    kind: kind.map(|k| k.parse().unwrap()),
                    relation,
                },
                purposes,
                conditions: Conditions {
                    consent,
                    min_aggregate: min,
                    from: None,
                    until: None,
                },
                duties: Vec::new(),
            },
        )
}

fn policy() -> impl Strategy<Value = Policy> {
    (0usize..8)
        .prop_flat_map(|n| (0..n).map(rule).collect::<Vec<_>>())
        .prop_map(|rules| Policy {
            version: 1,
            rules,
            amendment: Default::default(),
        })
}

fn request() -> impl Strategy<Value = Request> {
    let principal = prop_oneof![
        (prop::sample::select(vec!["ada", "bo", "cy"]), any::<bool>()).prop_map(
            |(id, treasurer)| {
                let roles = if treasurer {
                    BTreeSet::from(["treasurer".parse().unwrap()])
                } else {
                    BTreeSet::new()
                };
                Principal::Member {
                    id: member(id),
                    roles,
                }
            }
        ),
        (
            prop::sample::select(vec!["stats", "mail"]),
            prop::option::of(Just("ada"))
        )
            .prop_map(|(name, acting)| Principal::Service {
                name: name.parse().unwrap(),
                acting_for: acting.map(member)
            }),
    ];
    (
        principal,
        action(),
        prop::sample::select(vec!["card", "board"]),
        prop::sample::select(vec![vec!["ada"], vec!["bo"], vec!["ada", "bo"]]),
        any::<bool>(),
        purpose(),
        prop::option::of(prop::sample::select(vec![1u32, 5, 40])),
    )
        .prop_map(
            |(principal, action, kind, owners, shared, purpose, aggregate_of)| {
                let owners = Owners::jointly(owners.into_iter().map(member)).unwrap();
                let mut resource =
                    Resource::new(kind.parse().unwrap(), "x1".parse().unwrap(), owners);
                if shared {
                    resource = resource.shared_with(member("cy"));
                }
                Request {
                    principal,
                    action,
                    resource,
                    purpose,
                    at: at("2027-03-01T12:00:00Z"),
                    aggregate_of,
                }
            },
        )
}

fn consents() -> impl Strategy<Value = Given> {
    prop::collection::btree_set(
        (
            prop::sample::select(vec!["ada", "bo"]).prop_map(member),
            purpose(),
        ),
        0..8,
    )
    .prop_map(Given)
}

fn permitted_by(decision: &andel_consent::Decision) -> Vec<RuleId> {
    match &decision.basis {
        Basis::Permitted { rules } => rules.clone(),
        _ => Vec::new(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// With no rules, nothing is allowed.
    #[test]
    fn default_deny(request in request(), consents in consents()) {
        let empty = Policy { version: 1, rules: Vec::new(), amendment: Default::default() };
        let decision = evaluate(&request, &empty, &Charter::default(), &consents);
        prop_assert!(!decision.allowed);
        let refused = matches!(decision.basis, Basis::NoRule | Basis::Charter);
        prop_assert!(refused);
    }

    /// A forbid that matches beats every permit: adding one that covers the request
    /// turns any answer into a refusal.
    #[test]
    fn forbid_beats_permit(policy in policy(), request in request(), consents in consents()) {
        let mut forbidding = policy.clone();
        forbidding.rules.push(Rule {
            id: RuleId::new("no").unwrap(),
            effect: Effect::Forbid,
            principal: match &request.principal {
                Principal::Member { .. } => Principals::Members,
                Principal::Service { .. } => Principals::Services,
            },
            actions: BTreeSet::from([request.action]),
            resource: Resources { kind: None, relation: Relation::Any },
            purposes: BTreeSet::from([request.purpose]),
            conditions: Conditions::default(),
            duties: Vec::new(),
        });
        let decision = evaluate(&request, &forbidding, &Charter::default(), &consents);
        prop_assert!(!decision.allowed);
    }

    /// No policy permits a charter purpose: a checked one is refused before use, and
    /// even an unchecked one never gets an access allowed.
    #[test]
    fn the_charter_beats_every_policy(policy in policy(), request in request(), consents in consents()) {
        let charter = Charter::default();
        let decision = evaluate(&request, &policy, &charter, &consents);
        if charter.forbids(request.purpose) {
            prop_assert!(!decision.allowed);
            prop_assert_eq!(decision.basis, Basis::Charter);
        }
        let permits_charter_purpose = policy.rules.iter().any(|rule| {
            rule.effect == Effect::Permit && rule.purposes.iter().any(|p| charter.forbids(*p))
        });
        if permits_charter_purpose {
            prop_assert!(policy.check(&kanban(), &charter).is_err());
        }
    }

    /// The reasons name exactly the rules that decided: each named permit rule alone
    /// permits the request, and each permit rule not named alone does not.
    #[test]
    fn reasons_name_exactly_the_deciding_rules(policy in policy(), request in request(), consents in consents()) {
        let charter = Charter::default();
        let decision = evaluate(&request, &policy, &charter, &consents);
        let named = permitted_by(&decision);
        for rule in policy.rules.iter().filter(|r| r.effect == Effect::Permit) {
            let alone = Policy { version: 1, rules: vec![rule.clone()], amendment: Default::default() };
            let alone = evaluate(&request, &alone, &charter, &consents).allowed;
            if decision.allowed {
                prop_assert_eq!(alone, named.contains(&rule.id), "rule {}", rule.id);
            }
        }
        if let Basis::Forbidden { rules } = &decision.basis {
            for id in rules {
                let rule = policy.rule(id).unwrap().clone();
                let alone = Policy { version: 1, rules: vec![rule], amendment: Default::default() };
                let basis = evaluate(&request, &alone, &charter, &consents).basis;
                let forbidden = matches!(basis, Basis::Forbidden { .. });
                prop_assert!(forbidden, "rule {} alone does not forbid", id);
            }
        }
        // Every consent relied on belongs to an owner.
        for consent in &decision.consents {
            prop_assert!(request.resource.owners().contains(&consent.member));
        }
    }

    /// An organisation's own policy never widens the co-op's: whatever it says, an
    /// access the co-op's policy refuses stays refused, an access to what the
    /// organisation owns is allowed only if its policy allows it too, and its policy
    /// changes nothing for resources it does not own.
    #[test]
    fn an_organisation_restricts_and_never_widens(
        coop in policy(),
        own in policy(),
        request in request(),
        consents in consents(),
    ) {
        let charter = Charter::default();
        let bo = member("bo");
        let within = evaluate_within(&request, &coop, &[(bo.clone(), own.clone())], &charter, &consents);
        let alone = evaluate(&request, &coop, &charter, &consents);
        if within.allowed {
            prop_assert!(alone.allowed);
        }
        if request.resource.owners().contains(&bo) {
            let theirs = evaluate(&request, &own, &charter, &consents).allowed;
            prop_assert_eq!(within.allowed, alone.allowed && theirs);
            if alone.allowed && !theirs {
                prop_assert_eq!(within.restricted_by, Some(bo));
            }
        } else {
            prop_assert_eq!(within, alone);
        }
    }

    /// A withdrawn consent is never relied on after its withdrawal, and a consent in
    /// force is the one the last act before that moment gave.
    #[test]
    fn withdrawal_is_final_and_not_retroactive(
        acts in prop::collection::vec((0u8..3, 1i64..500), 1..30),
        probes in prop::collection::vec(0i64..20_000, 1..20),
    ) {
        let ada = member("ada");
        let research = Purpose::Research;
        let start = at("2027-01-01T00:00:00Z");
        let mut book = ConsentBook::default();
        let mut when = start;
        for (act, gap) in acts {
            when += Duration::hours(gap);
            let command = match act {
                0 => ConsentCommand::Give { member: ada.clone(), purpose: research, expires: None },
                1 => ConsentCommand::Withdraw { member: ada.clone(), purpose: research },
                _ => ConsentCommand::Refuse { member: ada.clone(), purpose: research },
            };
            if let Ok(events) = book.decide(command, when) {
                for event in &events {
                    book.apply(event).unwrap();
                }
            }
        }
        let history = book.history(&ada, research).to_vec();
        for probe in probes {
            let moment = start + Duration::hours(probe);
            let last = history.iter().rev().find(|step| step.at <= moment);
            let in_force = book.consent_in_force(&ada, research, moment);
            match last {
                Some(step) if matches!(step.standing, Standing::Given { .. }) => {
                    prop_assert_eq!(in_force.map(|c| c.given_at), Some(step.at));
                }
                _ => prop_assert!(in_force.is_none()),
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A version has no changes against itself, and swapping two versions swaps every
    /// change's before and after.
    #[test]
    fn the_diff_is_empty_on_itself_and_symmetric(a in policy(), b in policy()) {
        let (schema, charter) = (kanban(), Charter::default());
        prop_assert!(andel_consent::permission_diff(&a, &a, &schema, &charter).is_empty());
        let forward = andel_consent::permission_diff(&a, &b, &schema, &charter);
        let backward = andel_consent::permission_diff(&b, &a, &schema, &charter);
        prop_assert_eq!(forward.len(), backward.len());
        for (f, b) in forward.iter().zip(&backward) {
            prop_assert_eq!(&f.before, &b.after);
            prop_assert_eq!(&f.after, &b.before);
        }
    }
}

#[test]
fn an_explanation_names_what_was_missing() {
    let policy = crate::support::policy(
        r#"
        version = 4
        [[rule]]
        id = "stats"
        effect = "permit"
        principal = "service:stats"
        actions = ["process"]
        resource = { kind = "card", relation = "any" }
        purposes = ["aggregate-statistics"]
        conditions = { consent = true, min_aggregate = 10 }
        "#,
    );
    let request = Request {
        principal: Principal::Service {
            name: "stats".parse().unwrap(),
            acting_for: None,
        },
        action: Action::Process,
        resource: Resource::new(
            "card".parse().unwrap(),
            "c1".parse().unwrap(),
            Owners::one(member("ada")),
        ),
        purpose: Purpose::AggregateStatistics,
        at: at("2027-03-01T12:00:00Z"),
        aggregate_of: Some(40),
    };
    let nobody = Given(BTreeSet::new());
    let decision = evaluate(&request, &policy, &Charter::default(), &nobody);
    assert!(!decision.allowed);
    assert_eq!(
        decision.explanation,
        "Refused: service `stats` to process card `c1` (owned by `ada`) for aggregate statistics \
         is not permitted: rule `stats` needs `ada`'s consent, which is not in force."
    );
    let json = serde_json::to_value(&decision).unwrap();
    assert_eq!(json["basis"]["by"], "no-rule");
    assert_eq!(json["unmet"][0][1]["unmet"], "consent");
    let ada = Given(BTreeSet::from([(
        member("ada"),
        Purpose::AggregateStatistics,
    )]));
    let decision = evaluate(&request, &policy, &Charter::default(), &ada);
    assert!(decision.allowed);
    assert!(
        decision
            .explanation
            .ends_with("relying on `ada`'s consent given 2027-01-01 00:00 UTC."),
        "{}",
        decision.explanation
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A member's report holds exactly the decisions about data they own within the
    /// period, in the order recorded, and every record reads back from its JSON.
    #[test]
    fn a_report_holds_exactly_the_members_accesses(
        requests in prop::collection::vec((request(), 0i64..60), 0..20),
        policy in policy(),
        from in 0i64..30,
        length in 1i64..40,
    ) {
        use andel_consent::{AccessRecord, TransparencyReport};
        let start = at("2027-03-01T00:00:00Z");
        let nobody = Given(BTreeSet::new());
        let records: Vec<AccessRecord> = requests
            .into_iter()
            .map(|(mut request, day)| {
                request.at = start + Duration::days(day);
                let decision = evaluate(&request, &policy, &Charter::default(), &nobody);
                AccessRecord::of(&request, &decision)
            })
            .collect();
        for record in &records {
            let json = serde_json::to_string(record).unwrap();
            prop_assert_eq!(&serde_json::from_str::<AccessRecord>(&json).unwrap(), record);
        }
        let (from, to) = (start + Duration::days(from), start + Duration::days(from + length));
        let ada = member("ada");
        let report = TransparencyReport::of(&ada, from, to, &records);
        let expected: Vec<&AccessRecord> = records
            .iter()
            .filter(|r| r.owners.contains(&ada) && from <= r.at && r.at < to)
            .collect();
        prop_assert_eq!(report.accesses.iter().collect::<Vec<_>>(), expected);
        prop_assert_eq!(report.allowed + report.refused, report.accesses.len());
        let text = report.to_text();
        prop_assert_eq!(text.lines().count(), 1 + report.purposes.len() + report.recipients.len() + report.accesses.len());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// What is due is due by the moment asked about, comes from an allowed access, and
    /// is listed once per resource and purpose. Once carried out, nothing is due at that
    /// moment, and later only what accesses after the erasure derived.
    #[test]
    fn erasures_are_due_once_and_only_from_allowed_accesses(
        requests in prop::collection::vec((request(), 0i64..60), 0..20),
        policy in policy(),
        days in prop::collection::vec(1u32..40, 0..3),
        moment in 0i64..120,
        later in 0i64..120,
    ) {
        use andel_consent::{AccessRecord, Duty, Erased, ErasureBook, erasures_due};
        let start = at("2027-03-01T00:00:00Z");
        let mut book = ConsentBook::default();
        for (member_id, day) in [("ada", 0), ("bo", 5)] {
            let command = ConsentCommand::Give { member: member(member_id), purpose: Purpose::Research, expires: None };
            for event in book.decide(command, start + Duration::days(day)).unwrap() {
                book.apply(&event).unwrap();
            }
        }
        let withdraw = ConsentCommand::Withdraw { member: member("ada"), purpose: Purpose::Research };
        for event in book.decide(withdraw, start + Duration::days(30)).unwrap() {
            book.apply(&event).unwrap();
        }
        let records: Vec<AccessRecord> = requests
            .into_iter()
            .map(|(mut request, day)| {
                request.at = start + Duration::days(day);
                let decision = evaluate(&request, &policy, &Charter::default(), &book);
                let mut record = AccessRecord::of(&request, &decision);
                record.duties.extend(days.iter().map(|d| Duty::EraseAfterDays(*d)));
                record
            })
            .collect();
        let now = start + Duration::days(moment);
        let due = erasures_due(&records, &book, now);
        let mut seen = BTreeSet::new();
        for erasure in &due {
            prop_assert!(erasure.due <= now);
            prop_assert!(seen.insert((erasure.kind.clone(), erasure.id.clone(), erasure.purpose)));
            prop_assert!(records.iter().any(|r| r.allowed && r.kind == erasure.kind && r.id == erasure.id && r.purpose == erasure.purpose && r.at == erasure.accessed));
        }

        let mut erasures = ErasureBook::default();
        for erasure in due {
            let erased = Erased { due: erasure, at: now, entries: Vec::new() };
            for event in erasures.decide(erased, now).unwrap() {
                erasures.apply(&event).unwrap();
            }
        }
        prop_assert!(erasures.outstanding(&records, &book, now).is_empty());
        let later = now + Duration::days(later);
        for erasure in erasures.outstanding(&records, &book, later) {
            if let Some(done) = erasures.erased_until(&erasure.kind, &erasure.id, erasure.purpose) {
                prop_assert!(erasure.accessed > done, "{:?} was erased at {}", erasure, done);
            }
        }
    }
}
