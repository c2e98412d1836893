//! The conformance suite every ballot box must pass.

use std::sync::Arc;

use andel_decisions::{
    Choice, Mark,
    secret::{Ballot, BallotBox, BallotBoxError, Receipt},
};
use andel_journal::{StreamId, TenantId};

/// How the ballot-box suite gets at the box under test.
#[async_trait::async_trait]
pub trait BallotBoxHarness: Send + Sync {
    /// A handle on `tenant`'s ballot boxes; every call for the same tenant reaches the
    /// same data.
    async fn open_box(&self, tenant: &TenantId) -> Arc<dyn BallotBox>;

    /// Called when a check has passed: drop the database or schema it used.
    async fn finish_box(&self) {}
}

/// Writes one `#[tokio::test]` per ballot-box check, as
/// [`journal_store_tests!`](crate::journal_store_tests) does for journals.
#[macro_export]
macro_rules! ballot_box_tests {
    ($harness:expr) => {
        $crate::ballot_box_tests!(@each $harness;
            ballots_round_trip, ballot_retry_and_taken, cast_order_leaves_no_trace,
            ballot_boxes_apart);
    };
    (@each $harness:expr; $($check:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $check() {
                let Some(harness) = $harness.await else {
                    return;
                };
                $crate::$check(&harness).await;
                $crate::BallotBoxHarness::finish_box(&harness).await;
            }
        )*
    };
}

/// `n` receipts, spread over the whole range and given in an order that is not theirs.
fn receipts(n: u8) -> Vec<Receipt> {
    (0..n)
        .map(|i| {
            let mut bytes = [i; 15];
            bytes[0] = i.wrapping_mul(97); // not monotone in i
            Receipt::from_bytes(bytes)
        })
        .collect()
}

/// A ballot of every kind of mark, with weights that need their decimals.
fn ballot(i: u8) -> Ballot {
    let mark = match i % 4 {
        0 => Mark::Choice(Choice::Yes),
        1 => Mark::Ranking(vec![2, 0, u16::from(i) + 3]),
        2 => Mark::Approvals(Vec::new()),
        _ => Mark::Choice(Choice::Abstain),
    };
    Ballot::new(format!("{}.125", i + 1).parse().expect("a weight"), mark)
}

fn proposal(name: &str) -> StreamId {
    StreamId::new(name).expect("valid stream id")
}

fn tenant(name: &str) -> TenantId {
    TenantId::new(name).expect("valid tenant id")
}

async fn put_all(ballot_box: &dyn BallotBox, proposal: &StreamId, ballots: &[(Receipt, Ballot)]) {
    for (receipt, ballot) in ballots {
        ballot_box
            .put(proposal, receipt, ballot)
            .await
            .unwrap_or_else(|err| panic!("put {receipt}: {err}"));
    }
}

/// Ballots come back exactly as put, listed in receipt order, each found by its
/// receipt, before and after sealing (twice); an unknown receipt finds nothing.
pub async fn ballots_round_trip(harness: &impl BallotBoxHarness) {
    let ballot_box = harness.open_box(&tenant("coop-a")).await;
    let agm = proposal("decision.agm");
    let cast: Vec<(Receipt, Ballot)> = receipts(40).into_iter().zip((0..).map(ballot)).collect();
    put_all(&*ballot_box, &agm, &cast).await;
    let mut expected = cast.clone();
    expected.sort_by_key(|(receipt, _)| *receipt);
    let listed = ballot_box.ballots(&agm).await.expect("list");
    assert_eq!(
        listed, expected,
        "the box must list its ballots in receipt order"
    );
    for _ in 0..2 {
        ballot_box.seal(&agm).await.expect("seal");
        let sealed = ballot_box.ballots(&agm).await.expect("list");
        assert_eq!(sealed, expected, "sealing must keep every ballot as it was");
    }
    let reopened = harness.open_box(&tenant("coop-a")).await;
    for (receipt, ballot) in &cast {
        let found = reopened.find(&agm, receipt).await.expect("find");
        assert_eq!(found.as_ref(), Some(ballot), "receipt {receipt}");
    }
    let unknown = Receipt::from_bytes([255; 15]);
    assert_eq!(reopened.find(&agm, &unknown).await.expect("find"), None);
}

/// Putting the same ballot under its receipt again does nothing; a different ballot
/// under a used receipt is refused and changes nothing.
pub async fn ballot_retry_and_taken(harness: &impl BallotBoxHarness) {
    let ballot_box = harness.open_box(&tenant("coop-a")).await;
    let agm = proposal("decision.agm");
    let receipt = receipts(1)[0];
    ballot_box
        .put(&agm, &receipt, &ballot(0))
        .await
        .expect("put");
    ballot_box
        .put(&agm, &receipt, &ballot(0))
        .await
        .expect("putting the same ballot again must succeed, so a failed put can be retried");
    let refused = ballot_box.put(&agm, &receipt, &ballot(1)).await;
    assert!(
        matches!(refused, Err(BallotBoxError::Taken { receipt: r }) if r == receipt),
        "a different ballot under a used receipt must be refused as Taken: {refused:?}"
    );
    let listed = ballot_box.ballots(&agm).await.expect("list");
    assert_eq!(listed, vec![(receipt, ballot(0))]);
}

/// The same ballots put in two different orders give the same box: nothing the box
/// returns depends on the order in which ballots were cast.
pub async fn cast_order_leaves_no_trace(harness: &impl BallotBoxHarness) {
    let ballot_box = harness.open_box(&tenant("coop-a")).await;
    let cast: Vec<(Receipt, Ballot)> = receipts(30).into_iter().zip((0..).map(ballot)).collect();
    let mut reversed = cast.clone();
    reversed.reverse();
    let (first, second) = (proposal("decision.first"), proposal("decision.second"));
    put_all(&*ballot_box, &first, &cast).await;
    put_all(&*ballot_box, &second, &reversed).await;
    assert_eq!(
        ballot_box.ballots(&first).await.expect("list"),
        ballot_box.ballots(&second).await.expect("list"),
        "two boxes with the same ballots must list alike, whatever order they were cast in"
    );
}

/// Boxes of different proposals and tenants never see each other's ballots.
pub async fn ballot_boxes_apart(harness: &impl BallotBoxHarness) {
    let a = harness.open_box(&tenant("coop-a")).await;
    let b = harness.open_box(&tenant("coop-b")).await;
    let agm = proposal("decision.agm");
    let other = proposal("decision.other");
    let receipt = receipts(1)[0];
    a.put(&agm, &receipt, &ballot(0)).await.expect("put");
    b.put(&agm, &receipt, &ballot(1))
        .await
        .expect("another tenant may use the receipt");
    a.put(&other, &receipt, &ballot(2))
        .await
        .expect("another proposal may use the receipt");
    assert_eq!(
        a.ballots(&agm).await.expect("list"),
        vec![(receipt, ballot(0))]
    );
    assert_eq!(
        b.ballots(&agm).await.expect("list"),
        vec![(receipt, ballot(1))]
    );
    assert_eq!(
        a.find(&other, &receipt).await.expect("find"),
        Some(ballot(2))
    );
    assert!(b.ballots(&other).await.expect("list").is_empty());
}
