//! Differential test: the consent engine and Cedar, given the same rules (translated in
//! `andel_benches::cedar`), allow and refuse exactly the same of 100,000 random
//! requests over random co-ops, policies and consents.

#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

use andel::consent::{Charter, evaluate};
use andel_benches::Rng;
use andel_benches::cedar::{Coop, cedar_allows, cedar_request, policy_set};

#[test]
fn andel_and_cedar_decide_100k_random_requests_alike() {
    let mut rng = Rng(0x00ce_da12_0a11_0ca7);
    let charter = Charter::default();
    let (mut asked, mut allowed) = (0usize, 0usize);
    for round in 0..100 {
        // Small co-ops, so that owners, sharers, roles and consents meet often.
        let (members, roles, services) = (5 + rng.below(40), 1 + rng.below(6), 1 + rng.below(4));
        let coop = Coop::new(&mut rng, members, roles, services);
        let rules = 10 + rng.below(50);
        let policy = coop.policy(&mut rng, rules);
        let policies = policy_set(&policy, &charter).unwrap();
        for _ in 0..1_000 {
            let request = coop.request(&mut rng);
            let ours = evaluate(&request, &policy, &charter, &coop);
            let theirs = cedar_allows(&policies, &cedar_request(&request, &coop).unwrap());
            assert_eq!(
                ours.allowed, theirs,
                "round {round}: Andel says {:?}, Cedar {theirs}\nrequest: {request:#?}\npolicy: {policy:#?}",
                ours.explanation
            );
            asked += 1;
            allowed += usize::from(theirs);
        }
    }
    assert_eq!(asked, 100_000);
    // Both answers occur often enough for the comparison to mean something.
    assert!(
        (2_000..98_000).contains(&allowed),
        "{allowed} of {asked} allowed"
    );
    eprintln!("{allowed} of {asked} random requests allowed by both engines");
}
