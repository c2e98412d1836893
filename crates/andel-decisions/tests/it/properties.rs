//! Recounting a closed proposal's recorded ballots always gives its recorded outcome, and
//! replaying its events (through their JSON) gives the same proposal.

use std::collections::BTreeMap;

use andel_decisions::{
    Choice, Electorate, Kind, Mark, Proposal, ProposalCommand, Reasons, Spec, Voter, VoterId,
    rules::{Basis, Fraction, Quorum, Threshold},
    secret::{Ballot, BallotList, Receipt},
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
            college: None,
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
                per_college: false,
            }),
            vote_changes: false,
            reasons: Reasons::Optional,
            tags: Default::default(),
            proxies_per_holder: 0,
            visibility: andel_decisions::Visibility::AfterClose,
            secrecy: andel_decisions::Secrecy::Open,
            enacts: None,
        };
        let mut live = Proposal::default();
        let mut events = Vec::new();
        let mut commands = vec![
            (ProposalCommand::Draft { spec: Box::new(spec) }, t(0)),
            (ProposalCommand::Schedule, t(0)),
            (ProposalCommand::Open { electorate }, t(1)),
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
                commands.push((ProposalCommand::Vote { voter: id(i), choice, reason }, t(2)));
            }
        }
        let delegations: BTreeMap<VoterId, VoterId> = edges.iter().map(|(a, b)| (id(*a), id(*b))).collect();
        commands.push((ProposalCommand::Close { delegations }, t(10)));
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

/// Three voters for each weight, so that a secret ballot may open.
fn secret_electorate(weights: &[u32]) -> Electorate {
    Electorate::new(
        weights
            .iter()
            .flat_map(|w| [*w; 3])
            .enumerate()
            .map(|(i, w)| Voter {
                id: id(i),
                weight: Decimal::from(w) / Decimal::from(4),
                college: None,
            }),
    )
    .unwrap()
}

fn secret_kind(which: u8) -> Kind {
    let names = || ["A", "B", "C", "D"].map(String::from).to_vec();
    match which {
        0 => Kind::Motion {
            threshold: Threshold::at_least(Fraction::HALF),
        },
        1 => Kind::Election {
            method: andel_tally::Method::StvMeek,
            candidates: names(),
            seats: 2,
            tie_break: Default::default(),
        },
        _ => Kind::Budget {
            method: andel_tally::Method::EqualShares,
            projects: names()
                .into_iter()
                .zip([30, 50, 20, 40])
                .map(|(name, cost)| andel_decisions::Project {
                    name,
                    cost: cost.into(),
                })
                .collect(),
            limit: 100.into(),
        },
    }
}

fn secret_mark(kind: &Kind, pick: &[u16]) -> Mark {
    match kind {
        Kind::Motion { .. } => Mark::Choice(match pick.first().map(|p| p % 3) {
            Some(0) => Choice::Yes,
            Some(1) => Choice::No,
            _ => Choice::Abstain,
        }),
        Kind::Election { .. } => Mark::Ranking(pick.to_vec()),
        _ => Mark::Approvals(pick.to_vec()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Whatever the votes and the order they were cast in, the published list (read back
    /// from its text) recounts to the recorded outcome, its seal matches, and each
    /// receipt finds its voter's ballot.
    #[test]
    fn recounting_the_published_ballots_reproduces_the_outcome(
        weights in proptest::collection::vec(1u32..6, 1..5),
        picks in proptest::collection::vec(
            proptest::option::of(Just(vec![0u16, 1, 2, 3]).prop_shuffle().prop_flat_map(|p| (Just(p), 0usize..=4))),
            15,
        ),
        which in 0u8..3,
        order in Just((0..15).collect::<Vec<usize>>()).prop_shuffle(),
    ) {
        let electorate = secret_electorate(&weights);
        let n = electorate.len();
        let kind = secret_kind(which);
        let spec = Spec {
            title: "Secret property".into(),
            body: String::new(),
            author: id(0),
            kind: kind.clone(),
            opens_at: t(1),
            closes_at: t(10),
            quorum: Some(Quorum { share: Fraction::HALF, basis: Basis::Weight, per_college: false }),
            vote_changes: false,
            reasons: Reasons::Optional,
            tags: Default::default(),
            proxies_per_holder: 0,
            visibility: andel_decisions::Visibility::AfterClose,
            secrecy: andel_decisions::Secrecy::Secret,
            enacts: None,
        };
        let mut proposal = Proposal::default();
        let apply = |proposal: &mut Proposal, command, at| {
            for event in proposal.decide(command, at).unwrap() {
                proposal.apply(&event).unwrap();
            }
        };
        apply(&mut proposal, ProposalCommand::Draft { spec: Box::new(spec) }, t(0));
        apply(&mut proposal, ProposalCommand::Schedule, t(0));
        apply(&mut proposal, ProposalCommand::Open { electorate: electorate.clone() }, t(1));
        let mut cast = Vec::new();
        for i in order.into_iter().filter(|i| *i < n) {
            let Some((pick, len)) = &picks[i] else { continue };
            let mark = secret_mark(&kind, &pick[..*len]);
            apply(&mut proposal, ProposalCommand::CastSecret { voter: id(i), by: None, mark: mark.clone() }, t(2));
            let receipt = Receipt::random().unwrap();
            cast.push((receipt, Ballot::new(electorate.weight_of(&id(i)).unwrap(), mark)));
        }
        let list = BallotList::new(cast.clone()).unwrap();
        apply(&mut proposal, ProposalCommand::CloseSecret { ballots: Box::new(list.clone()) }, t(10));
        let outcome = proposal.outcome().unwrap();
        let published = BallotList::parse(&list.to_text()).unwrap();
        prop_assert_eq!(&published, &list);
        prop_assert_eq!(proposal.recount_published(&published).unwrap(), outcome.clone());
        prop_assert_eq!(outcome.ballots.unwrap().sha256, published.digest());
        prop_assert_eq!(outcome.ballots.unwrap().counted, cast.len() as u64);
        for (receipt, ballot) in &cast {
            prop_assert_eq!(published.find(receipt), Some(ballot));
        }
        // The list is a function of the ballots, not of the order they came in.
        cast.reverse();
        prop_assert_eq!(BallotList::new(cast).unwrap(), list);
    }
}
