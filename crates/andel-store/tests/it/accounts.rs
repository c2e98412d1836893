//! Password hashes and sessions on both backends: kept per member and tenant, replaced
//! on change, found by token hash only, and forgotten without a trace.

use andel_journal::{SubjectId, TenantId, Timestamp};
use andel_store::{AccountStore, SessionRecord};
use andel_testkit::Harness;

use crate::support::{PostgresHarness, SqliteHarness};

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn member(name: &str) -> SubjectId {
    SubjectId::new(name).unwrap()
}

fn session(byte: u8, who: &str) -> SessionRecord {
    SessionRecord {
        token_hash: [byte; 32],
        member: member(who),
        csrf: format!("csrf-{byte}"),
        created_at: at("2027-01-01T09:00:00Z"),
        expires_at: at("2027-01-01T21:00:00.250Z"),
    }
}

async fn accounts_are_kept_apart(ours: &dyn AccountStore, theirs: &dyn AccountStore) {
    let (ada, bo) = (member("1"), member("2"));
    assert_eq!(ours.password(&ada).await.unwrap(), None);
    ours.set_password(&ada, "$argon2id$v=19$old", at("2027-01-01T09:00:00Z"))
        .await
        .unwrap();
    ours.set_password(&ada, "$argon2id$v=19$new", at("2027-01-02T09:00:00Z"))
        .await
        .unwrap();
    ours.set_password(&bo, "$argon2id$v=19$bo", at("2027-01-02T09:00:00Z"))
        .await
        .unwrap();
    assert_eq!(
        ours.password(&ada).await.unwrap().as_deref(),
        Some("$argon2id$v=19$new"),
        "a changed password replaces the old hash"
    );
    assert_eq!(
        theirs.password(&ada).await.unwrap(),
        None,
        "another tenant's"
    );

    for (byte, who) in [(1, "1"), (2, "1"), (3, "2")] {
        ours.open_session(&session(byte, who)).await.unwrap();
    }
    assert!(
        ours.open_session(&session(1, "2")).await.is_err(),
        "a token hash is used once"
    );
    assert_eq!(ours.session(&[1; 32]).await.unwrap(), Some(session(1, "1")));
    assert_eq!(theirs.session(&[1; 32]).await.unwrap(), None);
    assert!(ours.close_session(&[1; 32]).await.unwrap());
    assert!(
        !ours.close_session(&[1; 32]).await.unwrap(),
        "closed already"
    );
    assert_eq!(ours.session(&[1; 32]).await.unwrap(), None);

    // Forgetting Ada removes her hash and her one open session, and nobody else's.
    assert_eq!(ours.forget(&ada).await.unwrap(), 2);
    assert_eq!(ours.password(&ada).await.unwrap(), None);
    assert_eq!(ours.session(&[2; 32]).await.unwrap(), None);
    assert_eq!(ours.session(&[3; 32]).await.unwrap(), Some(session(3, "2")));
    assert!(ours.password(&bo).await.unwrap().is_some());
    assert_eq!(ours.forget(&ada).await.unwrap(), 0);
}

#[tokio::test]
async fn accounts_on_sqlite() {
    let harness = SqliteHarness::new();
    let db = harness.database().await;
    let (ours, theirs) = (
        db.store(TenantId::new("ours").unwrap()),
        db.store(TenantId::new("theirs").unwrap()),
    );
    accounts_are_kept_apart(&ours, &theirs).await;
}

#[tokio::test]
async fn accounts_on_postgres() {
    let Some(harness) = PostgresHarness::new() else {
        return;
    };
    let db = harness.database().await;
    let (ours, theirs) = (
        db.store(TenantId::new("ours").unwrap()),
        db.store(TenantId::new("theirs").unwrap()),
    );
    accounts_are_kept_apart(&ours, &theirs).await;
    db.close().await;
    harness.finish().await;
}
