//! A member's transparency report found through the store's subject index: the same
//! report as one drawn from every record of the audit journal, kept up to date as
//! accesses are recorded and erased.

#![allow(clippy::unwrap_used, missing_docs)]

use andel::consent::{
    AUDIT_STREAM, AccessRecord, MemberId, Owners, Request, Resource, TransparencyReport,
};
use andel::journal::{Redaction, StreamId, Timestamp};
use andel::service::Coop;
use andel_benches::Rng;
use andel_benches::kanban::{kanban_coop, kanban_requests, on_postgres};
use chrono::{DateTime, Utc};

fn t(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn member(name: &str) -> MemberId {
    name.parse().unwrap()
}

/// Every access record of the audit journal, read whole: what the index must agree with.
async fn every_record(coop: &Coop) -> Vec<AccessRecord> {
    let audit = StreamId::new(AUDIT_STREAM).unwrap();
    let entries = coop.journal().read(&audit, 0..u64::MAX).await.unwrap();
    entries
        .iter()
        .filter(|entry| !entry.kind().is_reserved())
        .filter_map(|entry| entry.payload())
        .map(|payload| payload.decode().unwrap())
        .collect()
}

async fn assert_reports_agree(coop: &Coop, members: &[MemberId], when: &str) {
    let (from, to) = (t("2027-01-01T00:00:00Z"), t("2028-01-01T00:00:00Z"));
    let all = every_record(coop).await;
    for member in members {
        let report = coop.transparency_report(member, from, to).await.unwrap();
        assert_eq!(
            report,
            TransparencyReport::of(member, from, to, &all),
            "{when}: the report of `{member}`"
        );
    }
}

/// A card two members own together, read by its first owner.
fn joint(request: &Request, with: &str) -> Request {
    let first = request.resource.owners().iter().next().unwrap().clone();
    let owners = Owners::jointly([first, member(with)]).unwrap();
    Request {
        resource: Resource::new(
            request.resource.kind().clone(),
            request.resource.id().clone(),
            owners,
        ),
        ..request.clone()
    }
}

#[tokio::test]
async fn a_report_through_the_index_is_the_report_of_every_record_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    reports_on(kanban_coop(dir.path()).await).await;
}

#[tokio::test]
async fn a_report_through_the_index_is_the_report_of_every_record_on_postgres() {
    on_postgres("reports", reports_on).await;
}

async fn reports_on(coop: Coop) {
    let audit = StreamId::new(AUDIT_STREAM).unwrap();
    let mut requests = kanban_requests(&mut Rng(5), 400);
    for request in requests.iter_mut().step_by(7) {
        *request = joint(request, "m3");
    }
    let now: Timestamp = "2027-02-01T12:00:00Z".parse().unwrap();
    coop.decide_accesses(&requests, now, None).await.unwrap();
    let members: Vec<MemberId> = ["m3", "m7", "m42", "m999", "nobody"]
        .into_iter()
        .map(member)
        .collect();
    assert_reports_agree(&coop, &members, "after the first batch").await;
    let head = coop.journal().head(&audit).await.unwrap().next_seq();
    assert_eq!(coop.subjects().indexed_to(&audit).await.unwrap(), head);

    // m3's first record is erased: it leaves the report, the journal still verifies.
    let m3 = member("m3");
    let first = every_record(&coop)
        .await
        .iter()
        .position(|record| record.owners.contains(&m3))
        .unwrap();
    coop.journal()
        .redact(&audit, first as u64, Redaction::new("erasure request", now))
        .await
        .unwrap();
    let before =
        coop.transparency_report(&m3, t("2027-01-01T00:00:00Z"), t("2028-01-01T00:00:00Z"));
    let accesses = before.await.unwrap().accesses.len();
    assert_reports_agree(&coop, &members, "after an erasure").await;

    // Later accesses are indexed when the next report is asked for.
    let later = kanban_requests(&mut Rng(6), 300);
    coop.decide_accesses(&later, now, None).await.unwrap();
    assert_reports_agree(&coop, &members, "after a second batch").await;
    let after = coop
        .transparency_report(&m3, t("2027-01-01T00:00:00Z"), t("2028-01-01T00:00:00Z"))
        .await
        .unwrap();
    assert!(after.accesses.len() >= accesses, "records are only added");
    assert!(
        accesses > 50,
        "m3 owns every seventh card jointly: {accesses}"
    );
    coop.close().await;
}
