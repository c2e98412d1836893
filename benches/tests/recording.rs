//! Deciding and recording many accesses at once: `Coop::decide_accesses` decides as
//! `decide_access` does one by one, and records every decision in one append.

#![allow(clippy::unwrap_used, missing_docs)]

use andel::consent::AUDIT_STREAM;
use andel::journal::{StreamId, Timestamp, verify};
use andel_benches::Rng;
use andel_benches::kanban::{kanban_coop, kanban_requests};

#[tokio::test]
async fn a_batch_decides_as_one_by_one_and_records_each_decision() {
    let dir = tempfile::tempdir().unwrap();
    let coop = kanban_coop(dir.path()).await;
    let requests = kanban_requests(&mut Rng(11), 300);
    let now: Timestamp = "2027-02-01T12:00:00Z".parse().unwrap();
    let batch = coop.decide_accesses(&requests, now, None).await.unwrap();
    let later: Timestamp = "2027-02-01T12:05:00Z".parse().unwrap();
    let mut one_by_one = Vec::new();
    for request in &requests {
        one_by_one.push(coop.decide_access(request, later, None).await.unwrap());
    }
    assert_eq!(batch, one_by_one);
    let allowed = batch.iter().filter(|d| d.allowed).count();
    assert!((30..290).contains(&allowed), "{allowed} of 300 allowed");
    assert!(batch.iter().all(|d| d.adopted_by.is_some()));

    let audit = coop
        .journal()
        .read(&StreamId::new(AUDIT_STREAM).unwrap(), 0..u64::MAX)
        .await
        .unwrap();
    assert_eq!(
        audit.len(),
        600,
        "each decision recorded, the batch's and the single ones"
    );
    verify(&audit).unwrap();
    // The batch's records come first, in the order of the requests.
    assert!(audit[..300].iter().all(|e| e.recorded_at() == now));
    assert!(audit[300..].iter().all(|e| e.recorded_at() == later));
    for (entry, request) in audit.iter().zip(&requests) {
        let record: andel::consent::AccessRecord = entry.payload().unwrap().decode().unwrap();
        assert_eq!(&record.id, request.resource.id());
    }

    // Nothing asked, nothing recorded.
    assert!(
        coop.decide_accesses(&[], now, None)
            .await
            .unwrap()
            .is_empty()
    );
    coop.close().await;
}
