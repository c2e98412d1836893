//! Signing in to a co-op's services: argon2id passwords, sessions the database keeps
//! only as hashes, and only the people the ledger admits get in.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use andel_journal::Timestamp;
use andel_ledger::{Command, MemberNumber, Statutes, event::Person};
use andel_service::{Access, Coop, ServiceError, Standing};

const STATUTES: &str = r#"
name = "Solrosen"
currency = { code = "SEK", scale = 2 }
[[classes]]
id = "members"
name = "Members"
nominal = "100.00"
min_shares = 1
admission = "automatic"
[[classes]]
id = "workers"
name = "Workers"
nominal = "500.00"
min_shares = 1
"#;

const PASSWORD: &str = "correct horse battery staple";

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn n(member: u32) -> MemberNumber {
    MemberNumber::new(member).unwrap()
}

/// Solrosen: Ada (1, admitted), Bo (2, an applicant the board has not admitted), and Cy
/// (3, admitted then expelled).
async fn solrosen(dir: &std::path::Path) -> Coop {
    let location = format!("sqlite:{}", dir.join("coop.db").display())
        .parse()
        .unwrap();
    let coop = Coop::open(&location, "solrosen".parse().unwrap(), Access::Start)
        .await
        .unwrap();
    let mut ledger = coop.membership().await.unwrap();
    let on = "2027-01-01".parse().unwrap();
    let apply = |name: &str, class: &str| Command::ApplyForMembership {
        name: name.into(),
        person: Person::Natural,
        class: class.parse().unwrap(),
    };
    let statutes = Box::new(Statutes::from_toml(STATUTES).unwrap());
    for command in [
        Command::AdoptStatutes { statutes },
        apply("Ada", "members"),
        apply("Bo", "workers"),
        apply("Cy", "members"),
        Command::Expel {
            member: n(3),
            reason: "did not pay".into(),
            equity: None,
        },
    ] {
        let now = at("2027-01-01T09:00:00Z");
        ledger.record(command, on, now, None).await.unwrap();
    }
    coop
}

#[tokio::test]
async fn a_member_signs_in_and_out() {
    let dir = tempfile::tempdir().unwrap();
    let coop = solrosen(dir.path()).await;
    let now = at("2027-02-01T10:00:00Z");
    coop.set_password(n(1), PASSWORD, now).await.unwrap();

    let signed_in = coop.sign_in(n(1), PASSWORD, now).await.unwrap();
    assert_eq!(signed_in.token.len(), 64);
    assert_eq!(signed_in.session.standing, Standing::Member);
    let session = coop.session(&signed_in.token, now).await.unwrap();
    assert_eq!(session, signed_in.session);
    assert_ne!(session.csrf, signed_in.token);
    assert!(
        !format!("{signed_in:?}").contains(&signed_in.token),
        "the token is never printed"
    );

    // The session ends after SESSION_HOURS, or when signed out (twice is fine).
    let later = at("2027-02-01T22:00:01Z");
    assert!(matches!(
        coop.session(&signed_in.token, later).await,
        Err(ServiceError::SignedOut)
    ));
    coop.sign_out(&signed_in.token).await.unwrap();
    coop.sign_out(&signed_in.token).await.unwrap();
    assert!(matches!(
        coop.session(&signed_in.token, now).await,
        Err(ServiceError::SignedOut)
    ));
    for forged in ["", "not hex", &"0".repeat(64)] {
        assert!(matches!(
            coop.session(forged, now).await,
            Err(ServiceError::SignedOut)
        ));
    }
    coop.close().await;
}

#[tokio::test]
async fn wrong_passwords_and_strangers_get_the_same_answer() {
    let dir = tempfile::tempdir().unwrap();
    let coop = solrosen(dir.path()).await;
    let now = at("2027-02-01T10:00:00Z");
    coop.set_password(n(1), PASSWORD, now).await.unwrap();

    let wrong = coop
        .sign_in(n(1), "correct horse battery stapler", now)
        .await;
    let stranger = coop.sign_in(n(99), PASSWORD, now).await;
    let no_password = coop.sign_in(n(3), PASSWORD, now).await;
    for answer in [wrong, stranger, no_password] {
        let err = answer.unwrap_err();
        assert!(matches!(err, ServiceError::SignIn), "{err}");
        assert_eq!(
            err.to_string(),
            "that member number and password do not match; check both and try again"
        );
    }
    coop.close().await;
}

#[tokio::test]
async fn only_those_the_ledger_admits_get_in() {
    let dir = tempfile::tempdir().unwrap();
    let coop = solrosen(dir.path()).await;
    let now = at("2027-02-01T10:00:00Z");
    for member in [1, 2, 3] {
        coop.set_password(n(member), PASSWORD, now).await.unwrap();
    }
    let applicant = coop.sign_in(n(2), PASSWORD, now).await.unwrap_err();
    assert!(
        applicant.to_string().contains("member 2 is applicant"),
        "{applicant}"
    );
    let former = coop.sign_in(n(3), PASSWORD, now).await.unwrap();
    assert_eq!(former.session.standing, Standing::Former);

    // Forgetting an account ends its sessions too.
    assert_eq!(coop.forget_account(n(3)).await.unwrap(), 2);
    assert!(coop.session(&former.token, now).await.is_err());
    assert!(matches!(
        coop.sign_in(n(3), PASSWORD, now).await,
        Err(ServiceError::SignIn)
    ));
    coop.close().await;
}

#[tokio::test]
async fn passwords_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let coop = solrosen(dir.path()).await;
    let now = at("2027-02-01T10:00:00Z");
    let short = coop.set_password(n(1), "hunter2", now).await.unwrap_err();
    assert_eq!(
        short.to_string(),
        "a password has at least 15 characters; this one has 7"
    );
    let huge = "x".repeat(2000);
    let long = coop.set_password(n(1), &huge, now).await.unwrap_err();
    assert!(long.to_string().contains("at most 1024 bytes"), "{long}");
    let nobody = coop.set_password(n(42), PASSWORD, now).await.unwrap_err();
    assert_eq!(nobody.to_string(), "there is no member 42 in the ledger");
    // Fifteen characters, not bytes: å is one.
    coop.set_password(n(1), "ååååååååååååååå", now)
        .await
        .unwrap();
    // Only a PHC argon2id hash is stored.
    let subject = andel_journal::SubjectId::new("1").unwrap();
    let stored = coop.accounts().password(&subject).await.unwrap().unwrap();
    assert!(
        stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
    assert!(!stored.contains("å"));
    coop.close().await;
}
