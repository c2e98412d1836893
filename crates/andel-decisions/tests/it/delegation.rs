//! Delegation: weight conserved, cycles never counted, direct votes override.

use std::collections::{BTreeMap, BTreeSet};

use andel_decisions::{
    Electorate, Voter, VoterId,
    delegation::{Delegation, Route, in_force, resolve},
};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn id(n: usize) -> VoterId {
    VoterId::new(&format!("m{n}")).unwrap()
}

fn electorate(weights: &[u32]) -> Electorate {
    Electorate::new(weights.iter().enumerate().map(|(i, w)| Voter {
        id: id(i),
        weight: Decimal::from(*w),
        college: None,
    }))
    .unwrap()
}

#[test]
fn a_cycle_is_void_and_so_is_whoever_runs_into_it() {
    let e = electorate(&[1, 1, 1, 1, 1]);
    // 0 → 1 → 2 → 0 is a loop; 3 → 0 runs into it; 4 votes.
    let d = BTreeMap::from([
        (id(0), id(1)),
        (id(1), id(2)),
        (id(2), id(0)),
        (id(3), id(0)),
    ]);
    let r = resolve(&e, &d, &BTreeSet::from([id(4)]));
    for m in 0..4 {
        assert_eq!(r.routes[&id(m)], Route::Cycle, "m{m}");
    }
    assert_eq!(r.counted_weight(), Decimal::ONE);
    // If 2 votes, the loop is broken there: 0 → 1 → 2 and 3 → 0 → 1 → 2.
    let r = resolve(&e, &d, &BTreeSet::from([id(2), id(4)]));
    assert_eq!(
        r.routes[&id(3)],
        Route::Delegated {
            voter: id(2),
            steps: 3
        }
    );
    assert_eq!(r.carried[&id(2)], Decimal::from(4));
}

#[test]
fn topic_delegations_beat_general_ones_and_expire() {
    let t = |s: &str| -> chrono::DateTime<chrono::Utc> { s.parse().unwrap() };
    let delegation = |to: usize, topics: &[&str], since: &str, until: Option<&str>| Delegation {
        from: id(0),
        to: id(to),
        topics: topics.iter().map(|s| s.to_string()).collect(),
        since: t(since),
        until: until.map(t),
    };
    let all = [
        delegation(1, &[], "2027-01-01T00:00:00Z", None),
        delegation(
            2,
            &["budget"],
            "2026-01-01T00:00:00Z",
            Some("2027-06-01T00:00:00Z"),
        ),
    ];
    let budget = BTreeSet::from(["budget".to_owned()]);
    let at = t("2027-05-01T00:00:00Z");
    assert_eq!(in_force(&all, &budget, at)[&id(0)], id(2));
    assert_eq!(in_force(&all, &BTreeSet::new(), at)[&id(0)], id(1));
    assert_eq!(
        in_force(&all, &budget, t("2027-06-01T00:00:00Z"))[&id(0)],
        id(1),
        "expired"
    );
    assert!(in_force(&all, &budget, t("2025-01-01T00:00:00Z")).is_empty());
}

fn case() -> impl Strategy<Value = (Vec<u32>, BTreeMap<usize, usize>, BTreeSet<usize>)> {
    (2usize..40).prop_flat_map(|n| {
        (
            proptest::collection::vec(1u32..5, n),
            proptest::collection::btree_map(0..n, 0..n + 2, 0..n), // may point outside
            proptest::collection::btree_set(0..n, 0..n),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Counted weight is exactly the weight of members whose chain ends at a voter; no
    /// member in or behind a cycle is counted; a direct voter is always counted as
    /// themselves, whatever their own delegation says.
    #[test]
    fn delegation_conserves_weight_and_never_counts_a_cycle((weights, edges, voted) in case()) {
        let e = electorate(&weights);
        let d: BTreeMap<VoterId, VoterId> = edges.iter().map(|(a, b)| (id(*a), id(*b))).collect();
        let voted: BTreeSet<VoterId> = voted.iter().map(|v| id(*v)).collect();
        let r = resolve(&e, &d, &voted);
        prop_assert_eq!(r.routes.len(), weights.len());
        let mut ends_at_voter = Decimal::ZERO;
        for (i, w) in weights.iter().enumerate() {
            // Follow the chain by hand, the slow way.
            let mut at = id(i);
            let mut seen = BTreeSet::new();
            let end = loop {
                if voted.contains(&at) { break Some(at); }
                if !seen.insert(at.clone()) { break None; }
                match d.get(&at) {
                    Some(next) if e.contains(next) => at = next.clone(),
                    _ => break None,
                }
            };
            match (&r.routes[&id(i)], end) {
                (Route::Direct, Some(v)) => prop_assert_eq!(v, id(i)),
                (Route::Delegated { voter, .. }, Some(v)) => prop_assert_eq!(voter, &v),
                (Route::Cycle | Route::NotVoting, None) => {}
                (route, end) => prop_assert!(false, "m{i}: {route:?} but the chain ends at {end:?}"),
            }
            if matches!(r.routes[&id(i)], Route::Direct | Route::Delegated { .. }) {
                ends_at_voter += Decimal::from(*w);
            }
            if voted.contains(&id(i)) {
                prop_assert_eq!(&r.routes[&id(i)], &Route::Direct);
            }
        }
        prop_assert_eq!(r.counted_weight(), ends_at_voter);
        prop_assert!(r.carried.keys().all(|v| voted.contains(v)));
    }
}

#[test]
fn delegations_are_given_and_revoked_by_events() {
    use andel_decisions::delegation::{DelegationCommand, DelegationError, Delegations};
    let t = |s: &str| -> chrono::DateTime<chrono::Utc> { s.parse().unwrap() };
    let mut book = Delegations::default();
    let run = |book: &mut Delegations, command, at: &str| -> Result<(), DelegationError> {
        for event in book.decide(command, t(at))? {
            book.apply(&event);
        }
        Ok(())
    };
    let give = |to: usize, topics: &[&str]| {
        DelegationCommand::Delegate(Delegation {
            from: id(0),
            to: id(to),
            topics: topics.iter().map(|s| s.to_string()).collect(),
            since: t("2027-01-01T00:00:00Z"),
            until: None,
        })
    };
    run(&mut book, give(1, &[]), "2027-01-01T00:00:00Z").unwrap();
    run(&mut book, give(2, &["budget"]), "2027-01-01T00:00:00Z").unwrap();
    assert_eq!(
        run(&mut book, give(0, &[]), "2027-01-02T00:00:00Z"),
        Err(DelegationError::ToSelf { from: id(0) })
    );
    let budget = BTreeSet::from(["budget".to_owned()]);
    assert_eq!(
        book.in_force(&budget, t("2027-03-01T00:00:00Z"))[&id(0)],
        id(2)
    );
    // Revoking the budget delegation leaves the general one.
    run(
        &mut book,
        DelegationCommand::Revoke {
            from: id(0),
            topics: budget.clone(),
        },
        "2027-04-01T00:00:00Z",
    )
    .unwrap();
    assert_eq!(
        book.in_force(&budget, t("2027-05-01T00:00:00Z"))[&id(0)],
        id(1)
    );
    // Before the revocation, the past still reads as it was.
    assert_eq!(
        book.in_force(&budget, t("2027-03-01T00:00:00Z"))[&id(0)],
        id(2)
    );
    run(
        &mut book,
        DelegationCommand::Revoke {
            from: id(0),
            topics: BTreeSet::new(),
        },
        "2027-06-01T00:00:00Z",
    )
    .unwrap();
    assert!(book.in_force(&budget, t("2027-07-01T00:00:00Z")).is_empty());
    assert_eq!(
        run(
            &mut book,
            DelegationCommand::Revoke {
                from: id(0),
                topics: BTreeSet::new()
            },
            "2027-07-01T00:00:00Z"
        ),
        Err(DelegationError::NothingToRevoke { from: id(0) })
    );
}
