//! Carrying erasures out: what the statistics service derived from cards is redacted from
//! its journal when the policy's retention runs out, or when the consent it rested on
//! ends; the erasure is recorded, is not due again, and a crashed run finishes.

#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::BTreeMap;

use andel::consent::{
    Action, ConsentCommand, EntryRef, ErasureDue, ErasureReason, MemberId, Owners, Principal,
    Purpose, Request, Resource,
};
use andel::journal::{Draft, Kind, Payload, Redaction, StreamId, Timestamp, verify};
use andel::service::Coop;
use andel_benches::kanban::{kanban_coop, on_postgres};
use chrono::{DateTime, Utc};

fn t(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn count(card: &str, owner: &str, at: &str) -> Request {
    let owner: MemberId = owner.parse().unwrap();
    Request {
        principal: Principal::Service {
            name: "stats".parse().unwrap(),
            acting_for: None,
        },
        action: Action::Process,
        resource: Resource::new(
            "card".parse().unwrap(),
            card.parse().unwrap(),
            Owners::one(owner),
        ),
        purpose: Purpose::AggregateStatistics,
        at: t(at),
        aggregate_of: Some(40),
    }
}

/// The statistics service's own journal: one entry per card it counted, and one it
/// keeps for itself (no card).
async fn derive(coop: &Coop, stats: &StreamId, cards: &[&str]) {
    let now: Timestamp = "2027-02-01T12:00:00Z".parse().unwrap();
    let head = coop.journal().head(stats).await.unwrap().next_seq();
    let mut drafts: Vec<Draft> = cards
        .iter()
        .map(|card| {
            let payload = Payload::from_json_str(&format!(r#"{{"card":"{card}","count":1}}"#));
            Draft::new(Kind::new("stats.counted").unwrap(), payload.unwrap(), now)
        })
        .collect();
    let total = Payload::from_json_str(r#"{"cards":3}"#).unwrap();
    drafts.push(Draft::new(Kind::new("stats.total").unwrap(), total, now));
    coop.journal().append(stats, head, drafts).await.unwrap();
}

/// Where the service keeps what it derived from a card: its `stats.counted` entries.
async fn where_derived(coop: &Coop, stats: &StreamId) -> BTreeMap<String, Vec<u64>> {
    let mut derived: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for entry in coop.journal().read(stats, 0..u64::MAX).await.unwrap() {
        if entry.kind().as_str() != "stats.counted" {
            continue;
        }
        let Some(payload) = entry.payload() else {
            continue;
        };
        let value: serde_json::Value = payload.decode().unwrap();
        derived
            .entry(value["card"].as_str().unwrap().to_owned())
            .or_default()
            .push(entry.seq());
    }
    derived
}

fn locator(derived: BTreeMap<String, Vec<u64>>) -> impl Fn(&ErasureDue) -> Vec<EntryRef> {
    move |due: &ErasureDue| {
        derived
            .get(due.id.as_str())
            .into_iter()
            .flatten()
            .map(|&seq| EntryRef {
                stream: "stats".into(),
                seq,
            })
            .collect()
    }
}

#[tokio::test]
async fn erasures_due_are_carried_out_by_redaction_once_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    erasures_on(kanban_coop(dir.path()).await).await;
}

#[tokio::test]
async fn erasures_due_are_carried_out_by_redaction_once_on_postgres() {
    on_postgres("erasures", erasures_on).await;
}

async fn erasures_on(coop: Coop) {
    let now: Timestamp = "2027-02-01T12:00:00Z".parse().unwrap();
    let stats = StreamId::new("stats").unwrap();
    // m1, m2 and m3 consented (kanban_coop: the first 200 members did).
    let requests = [
        count("c1", "m1", "2027-02-01T12:00:00Z"),
        count("c2", "m2", "2027-02-01T12:00:00Z"),
        count("c3", "m3", "2027-03-01T12:00:00Z"),
    ];
    let decisions = coop.decide_accesses(&requests, now, None).await.unwrap();
    assert!(decisions.iter().all(|d| d.allowed));
    derive(&coop, &stats, &["c1", "c2", "c3"]).await;

    // Kept 90 days: nothing is due in April; c1 and c2 are in June, c3 not yet.
    assert!(
        coop.erasures_due(t("2027-04-01T00:00:00Z"))
            .await
            .unwrap()
            .is_empty()
    );
    let june = t("2027-05-15T00:00:00Z");
    let due = coop.erasures_due(june).await.unwrap();
    let ids: Vec<&str> = due.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["c1", "c2"]);
    assert_eq!(due[0].reason, ErasureReason::Retention { days: 90 });

    // A run that crashed after redacting c1's entry, before recording the erasure.
    let derived = where_derived(&coop, &stats).await;
    coop.journal()
        .redact(
            &stats,
            derived["c1"][0],
            Redaction::new("a crashed run", now),
        )
        .await
        .unwrap();

    let erased = coop
        .carry_out_erasures(june, now, None, locator(derived.clone()))
        .await
        .unwrap();
    assert_eq!(erased.len(), 2);
    assert_eq!(
        erased[1].entries,
        [EntryRef {
            stream: "stats".into(),
            seq: 1
        }]
    );
    let entries = coop.journal().read(&stats, 0..u64::MAX).await.unwrap();
    verify(&entries).unwrap();
    let kept: Vec<bool> = entries
        .iter()
        .take(4)
        .map(|e| e.payload().is_some())
        .collect();
    assert_eq!(
        kept,
        [false, false, true, true],
        "c1 and c2 erased; c3 and the total kept"
    );
    assert!(
        coop.erasures_due(june).await.unwrap().is_empty(),
        "carried out"
    );
    assert!(
        coop.carry_out_erasures(june, now, None, locator(derived.clone()))
            .await
            .unwrap()
            .is_empty(),
        "nothing is carried out twice"
    );
    assert_eq!(coop.erasures().await.unwrap().history().len(), 2);

    // m3 withdraws: what was derived from c3 on her consent is due from then.
    let withdraw = ConsentCommand::Withdraw {
        member: "m3".parse().unwrap(),
        purpose: Purpose::AggregateStatistics,
    };
    coop.record_consent(withdraw, t("2027-05-20T00:00:00Z"), now, None)
        .await
        .unwrap();
    let due = coop.erasures_due(t("2027-05-21T00:00:00Z")).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].due, t("2027-05-20T00:00:00Z"));
    assert!(matches!(due[0].reason, ErasureReason::ConsentEnded { .. }));
    coop.carry_out_erasures(t("2027-05-21T00:00:00Z"), now, None, locator(derived))
        .await
        .unwrap();
    let entries = coop.journal().read(&stats, 0..u64::MAX).await.unwrap();
    assert!(entries[2].payload().is_none() && entries[3].payload().is_some());
    verify(&entries).unwrap();
    coop.close().await;
}
