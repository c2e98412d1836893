//! Consents and the audit journal kept in a database: recorded, reopened, verified and
//! reported on, on SQLite and (when `ANDEL_TEST_POSTGRES` names a server) PostgreSQL.

use std::sync::Arc;

use andel::consent::{
    ACCESS_KIND, AUDIT_STREAM, AccessRecord, Action, CONSENT_STREAM, Charter, ConsentBook,
    ConsentCommand, ConsentLookup, MemberId, Owners, Policy, Principal, Purpose, Request, Resource,
    Schema, TransparencyReport, evaluate,
};
use andel::journal::{Draft, JournalStore, Kind, Payload, Stored, StreamId, TenantId, verify};
use chrono::{DateTime, Utc};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn member(s: &str) -> MemberId {
    s.parse().unwrap()
}

fn policy() -> Policy {
    let schema = Schema::new().kind("card".parse().unwrap(), Action::ALL);
    Policy::from_toml(
        "policy.toml",
        r#"
        version = 2
        [[rule]]
        id = "usage-statistics"
        effect = "permit"
        principal = "service:stats"
        actions = ["process"]
        resource = { kind = "card", relation = "any" }
        purposes = ["aggregate-statistics"]
        conditions = { consent = true, min_aggregate = 10 }
        "#,
        &schema,
        &Charter::default(),
    )
    .unwrap()
}

fn request(owner: &str, at: &str) -> Request {
    Request {
        principal: Principal::Service {
            name: "stats".parse().unwrap(),
            acting_for: None,
        },
        action: Action::Process,
        resource: Resource::new(
            "card".parse().unwrap(),
            "c1".parse().unwrap(),
            Owners::one(member(owner)),
        ),
        purpose: Purpose::AggregateStatistics,
        at: t(at),
        aggregate_of: Some(40),
    }
}

async fn consents_on(store: Arc<dyn JournalStore>) {
    let consents = StreamId::new(CONSENT_STREAM).unwrap();
    let mut book = Stored::<ConsentBook>::open(store.clone(), consents.clone())
        .await
        .unwrap();
    let stats = Purpose::AggregateStatistics;
    let acts = [
        (
            ConsentCommand::Give {
                member: member("ada"),
                purpose: stats,
                expires: None,
            },
            "2027-05-10T09:00:00Z",
        ),
        (
            ConsentCommand::Give {
                member: member("bo"),
                purpose: stats,
                expires: Some(t("2027-07-01T00:00:00Z")),
            },
            "2027-05-11T09:00:00Z",
        ),
        (
            ConsentCommand::Withdraw {
                member: member("ada"),
                purpose: stats,
            },
            "2027-06-01T09:00:00Z",
        ),
    ];
    for (command, at) in acts {
        let recorded = at.parse().unwrap();
        book.execute(command, t(at), recorded, None).await.unwrap();
    }

    // Each access decided is recorded, then the book is read back from the database.
    let policy = policy();
    let mut records = Vec::new();
    let audit = StreamId::new(AUDIT_STREAM).unwrap();
    for (owner, at) in [
        ("ada", "2027-05-20T10:00:00Z"),
        ("ada", "2027-06-02T10:00:00Z"),
        ("bo", "2027-06-02T10:00:00Z"),
    ] {
        let request = request(owner, at);
        let decision = evaluate(&request, &policy, &Charter::default(), book.state());
        let record = AccessRecord::of(&request, &decision);
        let draft = Draft::new(
            Kind::new(ACCESS_KIND).unwrap(),
            Payload::new(&record).unwrap(),
            at.parse().unwrap(),
        );
        let head = store.head(&audit).await.unwrap();
        store
            .append(&audit, head.next_seq(), vec![draft])
            .await
            .unwrap();
        records.push(record);
    }
    let allowed: Vec<bool> = records.iter().map(|r| r.allowed).collect();
    assert_eq!(
        allowed,
        [true, false, true],
        "ada withdrew on 1 June; bo's consent runs to July"
    );

    let reopened = Stored::<ConsentBook>::open(store.clone(), consents.clone())
        .await
        .unwrap();
    assert_eq!(reopened.state(), book.state());
    let ada = member("ada");
    assert!(
        reopened
            .state()
            .consent_in_force(&ada, stats, t("2027-05-31T00:00:00Z"))
            .is_some()
    );
    assert!(
        reopened
            .state()
            .consent_in_force(&ada, stats, t("2027-06-01T09:00:00Z"))
            .is_none()
    );

    let entries = store.read(&audit, 0..u64::MAX).await.unwrap();
    verify(&entries).unwrap();
    verify(&store.read(&consents, 0..u64::MAX).await.unwrap()).unwrap();
    let read: Vec<AccessRecord> = entries
        .iter()
        .map(|entry| entry.payload().unwrap().decode().unwrap())
        .collect();
    assert_eq!(
        read, records,
        "the audit journal holds the records as written"
    );
    let (from, to) = (t("2027-05-01T00:00:00Z"), t("2027-07-01T00:00:00Z"));
    let report = TransparencyReport::of(&ada, from, to, &read);
    assert_eq!((report.allowed, report.refused), (1, 1));
    assert_eq!(report.recipients, ["service `stats`"]);
}

#[test]
fn consents_and_audit_live_in_a_sqlite_journal() {
    crate::on_sqlite(async |store| consents_on(Arc::new(store)).await);
}

#[test]
fn consents_and_audit_live_in_a_postgres_journal() {
    crate::on_postgres("consents", async |database| {
        consents_on(Arc::new(database.store(TenantId::new("coop").unwrap()))).await;
    });
}
