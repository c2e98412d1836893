//! Adopting a policy only by the citation of a passed decision: the attacks a forged,
//! failed, mismatched or too weak citation makes are each refused with their reason.

use std::collections::BTreeMap;

use andel_consent::{Adoption, AdoptionError, Charter, POLICY_DOCUMENT, PolicyBook, PolicyEvent};
use andel_decisions::rules::{Base, Fraction, Threshold, Verdict};
use andel_decisions::{
    Choice, Citation, Electorate, Enactment, Kind, Proposal, ProposalCommand, Reasons, Secrecy,
    Spec, Visibility, Voter, VoterId,
};
use andel_journal::{Aggregate, Digest, Draft, Entry, Payload, StreamHead, StreamId};
use chrono::{DateTime, Utc};

use crate::support::{at, kanban};

const V1: &str = r#"version = 1
[[rule]]
id = "own"
effect = "permit"
principal = "member"
actions = ["read", "write"]
resource = { relation = "own" }
purposes = ["service-provision"]
"#;

const V2: &str = r#"version = 2
[amendment]
threshold = { share = "2/3", inclusive = true }
by_consent = false

[[rule]]
id = "own"
effect = "permit"
principal = "member"
actions = ["read", "write", "export"]
resource = { relation = "own" }
purposes = ["service-provision"]
"#;

const V3: &str = r#"version = 3
[[rule]]
id = "own"
effect = "permit"
principal = "member"
actions = ["read"]
resource = { relation = "own" }
purposes = ["service-provision"]
"#;

fn voter(name: &str) -> VoterId {
    name.parse().unwrap()
}

/// A proposal decided by `yes` of five voting yes, the rest no, as a stream's entries.
pub(crate) fn decided(id: &str, kind: Kind, enacts: Option<Enactment>, yes: usize) -> Vec<Entry> {
    let names = ["ada", "bo", "cy", "di", "ed"];
    let electorate = Electorate::new(names.map(|n| Voter {
        id: voter(n),
        weight: 1.into(),
        college: None,
    }))
    .unwrap();
    let spec = Spec {
        title: "Adopt the data policy".into(),
        body: "As attached.".into(),
        author: voter("ada"),
        kind: kind.clone(),
        opens_at: at("2027-03-01T09:00:00Z"),
        closes_at: at("2027-03-08T09:00:00Z"),
        quorum: None,
        vote_changes: false,
        reasons: Reasons::Optional,
        tags: Default::default(),
        proxies_per_holder: 0,
        visibility: Visibility::AfterClose,
        secrecy: Secrecy::Open,
        enacts,
    };
    let mut commands = vec![
        (
            ProposalCommand::Draft {
                spec: Box::new(spec),
            },
            "2027-02-20T09:00:00Z",
        ),
        (ProposalCommand::Schedule, "2027-02-21T09:00:00Z"),
        (ProposalCommand::Open { electorate }, "2027-03-01T09:00:00Z"),
    ];
    let voting = matches!(kind, Kind::Motion { .. } | Kind::Consent);
    for (i, name) in names.iter().enumerate().filter(|_| voting) {
        let choice = match (&kind, i < yes) {
            (Kind::Consent, true) => Choice::Yes,
            (Kind::Consent, false) => Choice::Block,
            (_, true) => Choice::Yes,
            (_, false) => Choice::No,
        };
        let reason = (choice == Choice::Block).then(|| "not yet".to_owned());
        let vote = ProposalCommand::Vote {
            voter: voter(name),
            choice,
            reason,
        };
        commands.push((vote, "2027-03-02T09:00:00Z"));
    }
    let close = ProposalCommand::Close {
        delegations: BTreeMap::new(),
    };
    commands.push((close, "2027-03-08T09:00:00Z"));
    let mut proposal = Proposal::default();
    let mut drafts = Vec::new();
    for (command, when) in commands {
        for event in proposal.decide(command, at(when)).unwrap() {
            proposal.apply(&event).unwrap();
            let kind = andel_journal::Kind::new(<Proposal as Aggregate>::kind(&event)).unwrap();
            drafts.push(Draft::new(
                kind,
                Payload::new(&event).unwrap(),
                when.parse().unwrap(),
            ));
        }
    }
    let head = StreamHead::new(StreamId::new(format!("decision.{id}")).unwrap());
    head.seal_all(0, drafts).unwrap()
}

pub(crate) fn motion(share: Fraction) -> Kind {
    Kind::Motion {
        threshold: Threshold::at_least(share),
    }
}

pub(crate) fn majority() -> Kind {
    Kind::Motion {
        threshold: Threshold::SIMPLE_MAJORITY,
    }
}

fn policy_of(text: &str) -> Option<Enactment> {
    Some(Enactment::of(POLICY_DOCUMENT, text.as_bytes()))
}

fn adoption(text: &str, citation: Citation, effective: DateTime<Utc>) -> Adoption {
    Adoption {
        document: POLICY_DOCUMENT.into(),
        source: "policy.toml".into(),
        text: text.into(),
        schema: kanban(),
        charter: Charter::default(),
        published_root: citation.root,
        citation,
        effective,
    }
}

fn adopt(book: &mut PolicyBook, adoption: Adoption) -> Result<(), AdoptionError> {
    for event in book.decide(adoption, at("2027-03-09T09:00:00Z"))? {
        book.apply(&event).unwrap();
    }
    Ok(())
}

pub(crate) fn citation(entries: &[Entry]) -> Citation {
    Citation::of(entries).unwrap()
}

const AFTER_CLOSE: &str = "2027-03-10T00:00:00Z";

#[test]
fn a_passed_decision_adopts_exactly_the_text_voted_on() {
    let mut book = PolicyBook::default();
    let cited = citation(&decided("p1", majority(), policy_of(V1), 3));
    adopt(&mut book, adoption(V1, cited, at(AFTER_CLOSE))).unwrap();
    let v1 = book.latest().unwrap();
    assert_eq!(v1.policy.version, 1);
    assert_eq!(v1.sha256, Digest::of(V1.as_bytes()));
    assert_eq!(v1.decision.stream, "decision.p1");
    assert!(book.in_force(at("2027-03-09T23:59:59Z")).is_none());
    assert_eq!(book.in_force(at(AFTER_CLOSE)).unwrap().policy.version, 1);

    // Version 1 asks a simple majority of its successor: version 2 passes by 3 of 5.
    let cited = citation(&decided("p2", majority(), policy_of(V2), 3));
    adopt(&mut book, adoption(V2, cited, at("2027-04-01T00:00:00Z"))).unwrap();
    assert_eq!(
        book.in_force(at("2027-03-20T00:00:00Z"))
            .unwrap()
            .policy
            .version,
        1
    );
    assert_eq!(
        book.in_force(at("2027-04-01T00:00:00Z"))
            .unwrap()
            .policy
            .version,
        2
    );
    assert_eq!(book.history().len(), 2);

    // Version 2 asks two thirds, by motion only: a simple majority no longer does.
    let cited = citation(&decided("p3", majority(), policy_of(V3), 5));
    let err = adopt(&mut book, adoption(V3, cited, at("2027-05-01T00:00:00Z"))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the cited motion needed more than 1/2 of the votes cast; adopting a data policy \
         takes a motion passed by at least 2/3 of the votes cast"
    );
    let cited = citation(&decided("p3c", Kind::Consent, policy_of(V3), 5));
    let err = adopt(&mut book, adoption(V3, cited, at("2027-05-01T00:00:00Z"))).unwrap_err();
    assert!(
        matches!(
            err,
            AdoptionError::WrongKind {
                kind: "a consent decision",
                ..
            }
        ),
        "{err}"
    );
    let cited = citation(&decided(
        "p3b",
        motion(Fraction::THREE_QUARTERS),
        policy_of(V3),
        4,
    ));
    adopt(&mut book, adoption(V3, cited, at("2027-05-01T00:00:00Z"))).unwrap();
    assert_eq!(book.latest().unwrap().policy.version, 3);
}

#[test]
fn forged_failed_and_mismatched_citations_are_refused_with_their_reason() {
    let book = PolicyBook::default();
    let refuse = |adoption: Adoption| book.decide(adoption, at(AFTER_CLOSE)).unwrap_err();
    let entries = decided("p1", majority(), policy_of(V1), 3);
    let good = citation(&entries);

    // Under a root the co-op did not publish.
    let mut other = adoption(V1, good.clone(), at(AFTER_CLOSE));
    other.published_root = *entries[0].hash();
    assert!(matches!(refuse(other), AdoptionError::WrongRoot { .. }));

    // A forged outcome.
    let failed = citation(&decided("p1", majority(), policy_of(V1), 2));
    let mut forged_pass = failed.clone();
    forged_pass.entry = forged_pass.entry.replace("\"failed\"", "\"passed\"");
    assert_ne!(forged_pass.entry, failed.entry);
    assert!(matches!(
        refuse(adoption(V1, forged_pass, at(AFTER_CLOSE))),
        AdoptionError::Citation(_)
    ));

    // A decision that failed.
    assert_eq!(
        refuse(adoption(V1, failed, at(AFTER_CLOSE))),
        AdoptionError::NotPassed {
            verdict: Verdict::Failed
        }
    );

    // Another text than the one voted on.
    let err = refuse(adoption(V3, good.clone(), at(AFTER_CLOSE)));
    assert_eq!(
        err,
        AdoptionError::HashMismatch {
            voted: Digest::of(V1.as_bytes()),
            text: Digest::of(V3.as_bytes()),
        }
    );

    // A proposal that enacted nothing, or another document.
    let nothing = citation(&decided("p4", majority(), None, 5));
    assert!(matches!(
        refuse(adoption(V1, nothing, at(AFTER_CLOSE))),
        AdoptionError::NotAPolicy { .. }
    ));
    let charter = Some(Enactment::of("charter", V1.as_bytes()));
    let charter = citation(&decided("p5", majority(), charter, 5));
    assert_eq!(
        refuse(adoption(V1, charter, at(AFTER_CLOSE))).to_string(),
        "the cited proposal enacts `charter`, not `data-policy`"
    );

    // An election is not a motion.
    let entries = decided("e1", election(), policy_of(V1), 0);
    let err = refuse(adoption(V1, citation(&entries), at(AFTER_CLOSE)));
    assert!(
        matches!(
            err,
            AdoptionError::WrongKind {
                kind: "an election",
                ..
            }
        ),
        "{err}"
    );

    // Before the close.
    let err = refuse(adoption(V1, good.clone(), at("2027-03-07T00:00:00Z")));
    assert!(matches!(err, AdoptionError::BeforeClose { .. }), "{err}");

    // A citation without the draft (as made before drafts were carried).
    let mut bare = good.clone();
    bare.drafted = None;
    assert_eq!(
        refuse(adoption(V1, bare, at(AFTER_CLOSE))),
        AdoptionError::NoDraft
    );

    // A draft from another proposal's stream.
    let mut swapped = good.clone();
    let other = citation(&decided("p9", majority(), policy_of(V1), 3));
    swapped.drafted = other.drafted;
    assert!(matches!(
        refuse(adoption(V1, swapped, at(AFTER_CLOSE))),
        AdoptionError::Citation(_)
    ));

    // A policy that does not check.
    let bad = "version = 1\n[[rule]]\nid = \"x\"\n";
    let cited = citation(&decided("p6", majority(), policy_of(bad), 3));
    assert!(matches!(
        refuse(adoption(bad, cited, at(AFTER_CLOSE))),
        AdoptionError::Invalid(_)
    ));
}

#[test]
fn versions_move_forward_and_a_decision_adopts_once() {
    let mut book = PolicyBook::default();
    let cited = citation(&decided("p1", majority(), policy_of(V2), 3));
    adopt(&mut book, adoption(V2, cited.clone(), at(AFTER_CLOSE))).unwrap();
    let err = book.decide(adoption(V2, cited, at(AFTER_CLOSE)), at(AFTER_CLOSE));
    assert!(
        matches!(err, Err(AdoptionError::AlreadyCited { version: 2, .. })),
        "{err:?}"
    );
    // Version 1 after version 2, though passed at two thirds.
    let cited = citation(&decided(
        "p2",
        motion(Fraction::TWO_THIRDS),
        policy_of(V1),
        4,
    ));
    let err = book.decide(adoption(V1, cited, at(AFTER_CLOSE)), at(AFTER_CLOSE));
    assert_eq!(
        err,
        Err(AdoptionError::Version {
            version: 1,
            latest: 2
        })
    );
    // Taking effect before the version in force did.
    let cited = citation(&decided(
        "p3",
        motion(Fraction::TWO_THIRDS),
        policy_of(V3),
        4,
    ));
    let err = book.decide(
        adoption(V3, cited, at("2027-03-09T00:00:00Z")),
        at(AFTER_CLOSE),
    );
    assert!(
        matches!(err, Err(AdoptionError::BeforeInForce { .. })),
        "{err:?}"
    );
}

#[test]
fn the_journal_replays_and_refuses_an_edited_text() {
    let mut book = PolicyBook::default();
    let cited = citation(&decided("p1", majority(), policy_of(V1), 3));
    let events = book
        .decide(adoption(V1, cited, at(AFTER_CLOSE)), at(AFTER_CLOSE))
        .unwrap();
    let json = serde_json::to_string(&events[0]).unwrap();
    let read: PolicyEvent = serde_json::from_str(&json).unwrap();
    assert_eq!(read, events[0]);
    let mut replayed = PolicyBook::default();
    replayed.apply(&read).unwrap();
    book.apply(&events[0]).unwrap();
    assert_eq!(replayed, book);

    let PolicyEvent::Adopted { mut adopted } = read;
    adopted.text = adopted.text.replace("write", "delete");
    assert!(
        PolicyBook::default()
            .apply(&PolicyEvent::Adopted { adopted })
            .is_err()
    );
}

#[test]
fn a_threshold_of_the_electorate_satisfies_one_of_the_votes_cast() {
    let of_electorate = Kind::Motion {
        threshold: Threshold {
            of: Base::Electorate,
            ..Threshold::SIMPLE_MAJORITY
        },
    };
    let mut book = PolicyBook::default();
    let cited = citation(&decided("p1", of_electorate, policy_of(V1), 3));
    adopt(&mut book, adoption(V1, cited, at(AFTER_CLOSE))).unwrap();
}

fn election() -> Kind {
    Kind::Election {
        method: "plurality".parse().unwrap(),
        candidates: vec!["yes".into(), "no".into()],
        seats: 1,
        tie_break: Default::default(),
    }
}

#[test]
fn access_is_decided_under_the_version_in_force_and_names_its_decision() {
    use andel_consent::{Action, ConsentBook, Owners, Principal, Purpose, Request, Resource};
    let mut book = PolicyBook::default();
    let cited = citation(&decided("p1", majority(), policy_of(V1), 3));
    adopt(&mut book, adoption(V1, cited, at(AFTER_CLOSE))).unwrap();
    let ada = crate::support::member("ada");
    let request = |when: &str| Request {
        principal: Principal::Member {
            id: ada.clone(),
            roles: Default::default(),
        },
        action: Action::Read,
        resource: Resource::new(
            "card".parse().unwrap(),
            "c1".parse().unwrap(),
            Owners::one(ada.clone()),
        ),
        purpose: Purpose::ServiceProvision,
        at: at(when),
        aggregate_of: None,
    };
    let consents = ConsentBook::default();
    let before = book.evaluate(
        &request("2027-03-09T00:00:00Z"),
        &Charter::default(),
        &consents,
    );
    assert!(!before.allowed);
    assert_eq!(before.policy_version, 0);
    assert!(
        before.explanation.contains("no data policy is in force"),
        "{}",
        before.explanation
    );

    let after = book.evaluate(
        &request("2027-03-11T00:00:00Z"),
        &Charter::default(),
        &consents,
    );
    assert!(after.allowed, "{}", after.explanation);
    let adopted_by = after.adopted_by.clone().unwrap();
    assert_eq!(adopted_by.stream, "decision.p1");
    assert!(
        after
            .explanation
            .ends_with(&format!("Policy version 1 was adopted by {adopted_by}.")),
        "{}",
        after.explanation
    );
    let record = andel_consent::AccessRecord::of(&request("2027-03-11T00:00:00Z"), &after);
    assert_eq!(record.adopted_by, Some(adopted_by));
}
