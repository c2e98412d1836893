//! The consent book: commands, history, receipts, and the journal it lives in.

use std::sync::Arc;

use andel_consent::{
    CONSENT_STREAM, ConsentBook, ConsentCommand, ConsentError, ConsentLookup, Controller, Purpose,
};
use andel_journal::{Aggregate, JournalStore, MemoryStore, Stored, StreamId, Timestamp};

use crate::support::{at, member};

fn run(book: &mut ConsentBook, command: ConsentCommand, when: &str) -> Result<usize, ConsentError> {
    let events = book.decide(command, at(when))?;
    for event in &events {
        book.apply(event).unwrap();
    }
    Ok(events.len())
}

fn give(name: &str, purpose: Purpose) -> ConsentCommand {
    ConsentCommand::Give {
        member: member(name),
        purpose,
        expires: None,
    }
}

fn withdraw(name: &str, purpose: Purpose) -> ConsentCommand {
    ConsentCommand::Withdraw {
        member: member(name),
        purpose,
    }
}

#[test]
fn giving_withdrawing_and_expiring() {
    let mut book = ConsentBook::default();
    let research = Purpose::Research;
    assert_eq!(
        run(&mut book, give("ada", research), "2027-01-01T00:00:00Z"),
        Ok(1)
    );
    // Giving again changes nothing and records nothing.
    assert_eq!(
        run(&mut book, give("ada", research), "2027-01-02T00:00:00Z"),
        Ok(0)
    );
    assert_eq!(
        run(
            &mut book,
            ConsentCommand::Refuse {
                member: member("ada"),
                purpose: research
            },
            "2027-01-03T00:00:00Z"
        ),
        Err(ConsentError::InForce {
            member: member("ada"),
            purpose: research
        })
    );
    assert_eq!(
        run(&mut book, withdraw("ada", research), "2027-02-01T00:00:00Z"),
        Ok(1)
    );
    assert_eq!(
        run(&mut book, withdraw("ada", research), "2027-02-02T00:00:00Z"),
        Err(ConsentError::NothingToWithdraw {
            member: member("ada"),
            purpose: research
        })
    );
    // Not retroactive: the consent stays in force for what happened before.
    assert!(
        book.consent_in_force(&member("ada"), research, at("2027-01-15T00:00:00Z"))
            .is_some()
    );
    assert!(
        book.consent_in_force(&member("ada"), research, at("2027-02-01T00:00:00Z"))
            .is_none()
    );
    // An expiring consent lapses on its own.
    let expiring = ConsentCommand::Give {
        member: member("bo"),
        purpose: research,
        expires: Some(at("2027-06-01T00:00:00Z")),
    };
    assert_eq!(run(&mut book, expiring, "2027-05-01T00:00:00Z"), Ok(1));
    assert!(
        book.consent_in_force(&member("bo"), research, at("2027-05-31T23:59:59Z"))
            .is_some()
    );
    assert!(
        book.consent_in_force(&member("bo"), research, at("2027-06-01T00:00:00Z"))
            .is_none()
    );
    let backwards = run(&mut book, give("bo", research), "2027-04-01T00:00:00Z").unwrap_err();
    assert!(backwards.to_string().contains("is earlier"), "{backwards}");
    let past = ConsentCommand::Give {
        member: member("cy"),
        purpose: research,
        expires: Some(at("2027-01-01T00:00:00Z")),
    };
    assert!(matches!(
        run(&mut book, past, "2027-01-01T00:00:00Z"),
        Err(ConsentError::ExpiresBeforeGiven { .. })
    ));
}

fn stamp(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn controller() -> Controller {
    Controller {
        name: "Kooperativet Tavlan".into(),
        contact: "The secretary".into(),
        address: "Storgatan 1, Malmö".into(),
        email: "styrelsen@tavlan.example".into(),
        jurisdiction: "SE".into(),
        policy_url: "https://tavlan.example/policy".into(),
    }
}

#[test]
fn receipts_in_kantara_and_dpv_shape() {
    let mut book = ConsentBook::default();
    let stats = Purpose::AggregateStatistics;
    run(&mut book, give("ada", stats), "2027-01-05T08:00:00Z").unwrap();
    let receipt = book
        .receipt(
            &member("ada"),
            stats,
            at("2027-01-06T00:00:00Z"),
            &controller(),
        )
        .unwrap();
    let again = book
        .receipt(
            &member("ada"),
            stats,
            at("2027-03-01T00:00:00Z"),
            &controller(),
        )
        .unwrap();
    assert_eq!(receipt.id, again.id, "one act of consent, one receipt id");
    let kantara = receipt.to_kantara();
    assert_eq!(kantara["version"], "KI-CR-v1.1.0");
    assert_eq!(kantara["consentTimestamp"], 1_799_136_000);
    assert_eq!(kantara["piiPrincipalId"], "ada");
    assert_eq!(kantara["jurisdiction"], "SE");
    let purpose = &kantara["services"][0]["purposes"][0];
    assert_eq!(purpose["purposeCategory"][0], "dpv:ServiceUsageAnalytics");
    assert_eq!(purpose["consentType"], "EXPLICIT");
    assert_eq!(purpose["thirdPartyDisclosure"], false);
    let dpv = receipt.to_dpv();
    assert_eq!(dpv["@type"], "dpv:ConsentRecord");
    assert_eq!(dpv["dpv:hasPurpose"]["@type"], "dpv:ServiceUsageAnalytics");
    assert_eq!(dpv["dpv:isIndicatedAtTime"], "2027-01-05T08:00:00Z");
    // No receipt for a consent not in force.
    run(&mut book, withdraw("ada", stats), "2027-02-01T00:00:00Z").unwrap();
    assert!(
        book.receipt(
            &member("ada"),
            stats,
            at("2027-02-02T00:00:00Z"),
            &controller()
        )
        .is_none()
    );
}

#[tokio::test]
async fn the_book_is_a_journal_stream() {
    let store: Arc<dyn JournalStore> = Arc::new(MemoryStore::new());
    let stream = StreamId::new(CONSENT_STREAM).unwrap();
    let mut book = Stored::<ConsentBook>::open(Arc::clone(&store), stream.clone())
        .await
        .unwrap();
    book.execute(
        give("ada", Purpose::Research),
        at("2027-01-01T00:00:00Z"),
        stamp("2027-01-01T00:00:00Z"),
        None,
    )
    .await
    .unwrap();
    book.execute(
        withdraw("ada", Purpose::Research),
        at("2027-02-01T00:00:00Z"),
        stamp("2027-02-01T00:00:00Z"),
        None,
    )
    .await
    .unwrap();
    let entries = store.read(&stream, 0..u64::MAX).await.unwrap();
    let kinds: Vec<&str> = entries.iter().map(|e| e.kind().as_str()).collect();
    assert_eq!(kinds, ["consent.given", "consent.withdrawn"]);
    andel_journal::verify(&entries).unwrap();
    let reopened = Stored::<ConsentBook>::open(store, stream).await.unwrap();
    assert_eq!(reopened.state(), book.state());
}
