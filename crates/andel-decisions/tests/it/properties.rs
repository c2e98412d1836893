//! Recounting a closed proposal's recorded ballots always gives its recorded outcome, and
//! replaying its events (through their JSON) gives the same proposal.

use std::collections::BTreeMap;

use andel_decisions::{
    Basis, Choice, Command, Electorate, Fraction, Kind, Proposal, Quorum, Reasons, Spec, Threshold,
    Voter, VoterId,
};
use chrono::{DateTime, Utc};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn t(hour: u32) -> DateTime<Utc> {
    format!("2027-05-01T{hour:02}:00:00Z").parse().unwrap()
}

fn id(i: usize) -> VoterId {
    VoterId::new(&format!("v{i}")).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn recounting_reproduces_the_outcome(
        weights in proptest::collection::vec(1u32..5, 1..25),
        votes in proptest::collection::vec(proptest::option::of(0u8..3), 25),
        edges in proptest::collection::btree_map(0usize..25, 0usize..25, 0..15),
        num in 1u32..=3,
        consent in any::<bool>(),
        by_weight in any::<bool>(),
    ) {
        let n = weights.len();
        let electorate = Electorate::new(weights.iter().enumerate().map(|(i, w)| Voter {
            id: id(i),
            weight: Decimal::from(*w),
            class: None,
        })).unwrap();
        let kind = if consent {
            Kind::Consent
        } else {
            Kind::Motion { threshold: Threshold::at_least(Fraction::new(num, 4).unwrap()) }
        };
        let spec = Spec {
            title: "Property".into(),
            body: String::new(),
            author: id(0),
            kind,
            opens_at: t(1),
            closes_at: t(10),
            quorum: Some(Quorum {
                share: Fraction::new(num, 4).unwrap(),
                basis: if by_weight { Basis::Weight } else { Basis::People },
                per_class: false,
            }),
            vote_changes: false,
            reasons: Reasons::Optional,
            tags: Default::default(),
            proxies_per_holder: 0,
            visibility: andel_decisions::Visibility::AfterClose,
            secrecy: andel_decisions::Secrecy::Open,
        };
        let mut live = Proposal::default();
        let mut events = Vec::new();
        let mut commands = vec![
            (Command::Draft { spec: Box::new(spec) }, t(0)),
            (Command::Schedule, t(0)),
            (Command::Open { electorate }, t(1)),
        ];
        for (i, vote) in votes.iter().take(n).enumerate() {
            if let Some(v) = vote {
                let choice = match (consent, v) {
                    (true, 2) => Choice::Block,
                    (_, 0) => Choice::Yes,
                    (false, 1) => Choice::No,
                    _ => Choice::Abstain,
                };
                let reason = (choice == Choice::Block).then(|| "no".to_owned());
                commands.push((Command::Vote { voter: id(i), choice, reason }, t(2)));
            }
        }
        let delegations: BTreeMap<VoterId, VoterId> = edges.iter().map(|(a, b)| (id(*a), id(*b))).collect();
        commands.push((Command::Close { delegations }, t(10)));
        for (command, at) in commands {
            for event in live.decide(command, at).unwrap() {
                live.apply(&event).unwrap();
                events.push(event);
            }
        }
        let outcome = live.outcome().unwrap();
        let recount = live.recount();
        prop_assert_eq!(recount.as_ref(), Some(outcome));
        // Counted people never exceed the electorate, and void members are never counted.
        prop_assert!(outcome.direct + outcome.delegated + outcome.void <= n as u64);
        let mut replayed = Proposal::default();
        for event in &events {
            let json = serde_json::to_string(event).unwrap();
            replayed.apply(&serde_json::from_str(&json).unwrap()).unwrap();
        }
        prop_assert_eq!(replayed, live);
    }
}
