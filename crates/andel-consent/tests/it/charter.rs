//! Amending the charter: only by a decision at the charter's own, higher threshold, for
//! exactly the text voted on, never below the surveillance floor; and what the charter
//! in force forbids, no policy may permit.

use andel_consent::{
    Adoption, AdoptionError, CHARTER_DOCUMENT, Charter, CharterAmendment, CharterBook,
    CharterEvent, POLICY_DOCUMENT, PolicyBook, Purpose, SURVEILLANCE,
};
use andel_decisions::rules::Fraction;
use andel_decisions::{Citation, Enactment, Kind};
use andel_journal::Aggregate;
use chrono::{DateTime, Utc};
use proptest::prelude::*;

use crate::adoption::{citation, decided, majority, motion};
use crate::support::{at, kanban};

const NO_RESEARCH: &str = r#"version = 1
forbidden = ["advertising", "profiling-for-advertising", "sale-to-third-parties", "research"]
"#;

const STRICTER: &str = r#"version = 2
forbidden = ["advertising", "profiling-for-advertising", "sale-to-third-parties", "research"]

[amendment]
threshold = { share = "3/4", inclusive = true }
by_consent = false
"#;

const RESEARCH_POLICY: &str = r#"version = 1
[[rule]]
id = "research"
effect = "permit"
principal = "service:lab"
actions = ["process"]
resource = { relation = "any" }
purposes = ["research"]
conditions = { consent = true }
"#;

fn charter_of(text: &str) -> Option<Enactment> {
    Some(Enactment::of(CHARTER_DOCUMENT, text.as_bytes()))
}

fn amendment(text: &str, citation: Citation, effective: DateTime<Utc>) -> CharterAmendment {
    CharterAmendment {
        source: "charter.toml".into(),
        text: text.into(),
        published_root: citation.root,
        citation,
        effective,
    }
}

fn amend(book: &mut CharterBook, amendment: CharterAmendment) -> Result<(), AdoptionError> {
    for event in book.decide(amendment, at("2027-03-09T09:00:00Z"))? {
        book.apply(&event).unwrap();
    }
    Ok(())
}

const AFTER_CLOSE: &str = "2027-03-10T00:00:00Z";

#[test]
fn the_charter_changes_only_at_its_own_higher_threshold() {
    let mut book = CharterBook::default();
    assert_eq!(book.charter_at(at(AFTER_CLOSE)), &Charter::default());

    // A simple majority adopts a policy, but not a charter.
    let cited = citation(&decided("c1", majority(), charter_of(NO_RESEARCH), 5));
    let err = amend(&mut book, amendment(NO_RESEARCH, cited, at(AFTER_CLOSE))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the cited motion needed more than 1/2 of the votes cast; amending the charter \
         takes a motion passed by at least 2/3 of the votes cast"
    );

    // Two thirds, reached by 4 of 5, does.
    let cited = citation(&decided(
        "c2",
        motion(Fraction::TWO_THIRDS),
        charter_of(NO_RESEARCH),
        4,
    ));
    amend(&mut book, amendment(NO_RESEARCH, cited, at(AFTER_CLOSE))).unwrap();
    assert!(
        !book
            .charter_at(at("2027-03-09T23:00:00Z"))
            .forbids(Purpose::Research)
    );
    let v1 = book.charter_at(at(AFTER_CLOSE));
    assert_eq!(v1.version(), 1);
    assert!(v1.forbids(Purpose::Research));
    assert_eq!(book.latest().unwrap().decision.stream, "decision.c2");

    // A consent decision may change version 1; version 2 asks three quarters, by motion.
    let cited = citation(&decided("c3", Kind::Consent, charter_of(STRICTER), 5));
    amend(&mut book, amendment(STRICTER, cited, at(AFTER_CLOSE))).unwrap();
    assert_eq!(
        book.amendment().threshold.to_string(),
        "at least 3/4 of the votes cast"
    );
    let next = STRICTER.replace("version = 2", "version = 3");
    let cited = citation(&decided("c4", Kind::Consent, charter_of(&next), 5));
    let err = amend(&mut book, amendment(&next, cited, at(AFTER_CLOSE))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the cited proposal is a consent decision; amending the charter takes a motion \
         passed by at least 3/4 of the votes cast"
    );
    assert_eq!(book.history().len(), 2);
}

#[test]
fn a_charter_enacted_as_something_else_or_below_the_floor_is_refused() {
    let book = CharterBook::default();
    let two_thirds = || motion(Fraction::TWO_THIRDS);
    // The decision enacted a data policy, not the charter.
    let enacted = Some(Enactment::of(POLICY_DOCUMENT, NO_RESEARCH.as_bytes()));
    let cited = citation(&decided("c1", two_thirds(), enacted, 5));
    let err = book
        .decide(
            amendment(NO_RESEARCH, cited, at(AFTER_CLOSE)),
            at(AFTER_CLOSE),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the cited proposal enacts `data-policy`, not `data-charter`"
    );
    // Another text than the one voted on.
    let cited = citation(&decided("c2", two_thirds(), charter_of(NO_RESEARCH), 5));
    let other = NO_RESEARCH.replace(", \"research\"", "");
    let err = book
        .decide(amendment(&other, cited, at(AFTER_CLOSE)), at(AFTER_CLOSE))
        .unwrap_err();
    assert!(matches!(err, AdoptionError::HashMismatch { .. }), "{err}");
    // Unanimous, but allowing advertising.
    let ads = "version = 1\nforbidden = [\"sale-to-third-parties\"]\n";
    let cited = citation(&decided("c3", two_thirds(), charter_of(ads), 5));
    let err = book
        .decide(amendment(ads, cited, at(AFTER_CLOSE)), at(AFTER_CLOSE))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "charter charter.toml has 2 problems:\n  \
         line 2: the charter must forbid advertising: no vote may allow using members' \
         data for surveillance\n  \
         line 2: the charter must forbid profiling for advertising: no vote may allow \
         using members' data for surveillance"
    );
    // A charter whose own amendment rule is below two thirds.
    let weak = format!(
        "{NO_RESEARCH}\n[amendment]\nthreshold = {{ share = \"1/2\", inclusive = false }}\n"
    );
    let err = Charter::from_toml("charter.toml", &weak).unwrap_err();
    assert_eq!(
        err.to_string(),
        "charter charter.toml has 1 problem:\n  line 4: changing the charter must take \
         at least 2/3 of the votes cast or more, not more than 1/2 of the votes cast"
    );
}

#[test]
fn no_policy_may_permit_what_the_charter_in_force_forbids() {
    let mut charters = CharterBook::default();
    let cited = citation(&decided(
        "c1",
        motion(Fraction::TWO_THIRDS),
        charter_of(NO_RESEARCH),
        4,
    ));
    amend(
        &mut charters,
        amendment(NO_RESEARCH, cited, at("2027-06-01T00:00:00Z")),
    )
    .unwrap();

    let policy_cited = |id: &str| {
        citation(&decided(
            id,
            majority(),
            Some(Enactment::of(POLICY_DOCUMENT, RESEARCH_POLICY.as_bytes())),
            3,
        ))
    };
    let adoption = |id: &str, effective: &str| {
        let citation = policy_cited(id);
        Adoption {
            document: POLICY_DOCUMENT.into(),
            source: "policy.toml".into(),
            text: RESEARCH_POLICY.into(),
            schema: kanban(),
            charter: charters.charter_at(at(effective)).clone(),
            published_root: citation.root,
            citation,
            effective: at(effective),
        }
    };
    // Under the charter in force from June, research may not be permitted.
    let err = PolicyBook::default()
        .decide(adoption("p1", "2027-06-01T00:00:00Z"), at(AFTER_CLOSE))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("research, which the charter forbids"),
        "{err}"
    );

    // Adopted in March, before the amendment: the charter still refuses research from June.
    let mut policies = PolicyBook::default();
    for event in policies
        .decide(adoption("p2", AFTER_CLOSE), at(AFTER_CLOSE))
        .unwrap()
    {
        policies.apply(&event).unwrap();
    }
    let request = |when: &str| andel_consent::Request {
        principal: andel_consent::Principal::Service {
            name: "lab".parse().unwrap(),
            acting_for: None,
        },
        action: andel_consent::Action::Process,
        resource: andel_consent::Resource::new(
            "card".parse().unwrap(),
            "c1".parse().unwrap(),
            andel_consent::Owners::one(crate::support::member("ada")),
        ),
        purpose: Purpose::Research,
        at: at(when),
        aggregate_of: None,
    };
    let mut consents = andel_consent::ConsentBook::default();
    let give = andel_consent::ConsentCommand::Give {
        member: crate::support::member("ada"),
        purpose: Purpose::Research,
        expires: None,
    };
    for event in consents.decide(give, at("2027-01-01T00:00:00Z")).unwrap() {
        consents.apply(&event).unwrap();
    }
    let may = |when: &str| {
        policies
            .evaluate(&request(when), charters.charter_at(at(when)), &consents)
            .allowed
    };
    assert!(may("2027-05-01T00:00:00Z"));
    assert!(
        !may("2027-06-02T00:00:00Z"),
        "the amended charter beats the policy"
    );
}

#[test]
fn the_charter_journal_replays_and_refuses_an_edited_charter() {
    let book = CharterBook::default();
    let cited = citation(&decided(
        "c1",
        motion(Fraction::TWO_THIRDS),
        charter_of(NO_RESEARCH),
        5,
    ));
    let events = book
        .decide(
            amendment(NO_RESEARCH, cited, at(AFTER_CLOSE)),
            at(AFTER_CLOSE),
        )
        .unwrap();
    let json = serde_json::to_string(&events[0]).unwrap();
    let read: CharterEvent = serde_json::from_str(&json).unwrap();
    assert_eq!(read, events[0]);
    let mut replayed = CharterBook::default();
    replayed.apply(&read).unwrap();
    assert_eq!(replayed.history().len(), 1);

    // An entry edited to drop advertising from the charter does not replay.
    let CharterEvent::Amended { amended } = read;
    let edited = json.replace("\"advertising\",", "");
    assert_ne!(edited, json);
    let edited: CharterEvent = serde_json::from_str(&edited).unwrap();
    assert!(CharterBook::default().apply(&edited).is_err());
    assert_eq!(amended.charter.version(), 1);
}

fn purposes() -> impl Strategy<Value = Vec<Purpose>> {
    prop::sample::subsequence(Purpose::ALL.to_vec(), 0..=Purpose::ALL.len())
}

proptest! {
    /// Whatever a charter file lists, it is read only if it keeps forbidding every
    /// surveillance purpose, and then forbids exactly what it lists.
    #[test]
    fn no_charter_read_ever_drops_the_surveillance_floor(listed in purposes(), version in 1u32..5) {
        let names: Vec<String> = listed.iter().map(|p| format!("\"{}\"", p.id())).collect();
        let text = format!("version = {version}\nforbidden = [{}]\n", names.join(", "));
        let read = Charter::from_toml("charter.toml", &text);
        let keeps_floor = SURVEILLANCE.iter().all(|p| listed.contains(p));
        prop_assert_eq!(read.is_ok(), keeps_floor, "{}", text);
        if let Ok(charter) = read {
            for purpose in Purpose::ALL {
                prop_assert_eq!(charter.forbids(purpose), listed.contains(&purpose));
            }
        }
    }
}
