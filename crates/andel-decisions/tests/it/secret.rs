//! Secret ballots: the rules one by one, and through a journal and a ballot box.

use std::sync::Arc;

use andel_decisions::{
    Choice, Electorate, Kind, Mark, Phase, Proposal, ProposalCommand, ProposalError, ProposalEvent,
    Reasons, Secrecy, Spec, Visibility, Voter, VoterId,
    rules::{Fraction, Threshold, Verdict},
    secret::{
        Ballot, BallotBox, BallotList, MemoryBallotBox, SecretBallotError, SecretVote, cast_secret,
        close_secret, published_ballots,
    },
};
use andel_journal::{JournalStore, MemoryStore, Stored, StreamId, Timestamp};
use andel_tally::Method;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

fn t(day: u32) -> DateTime<Utc> {
    format!("2027-05-{day:02}T09:00:00Z").parse().unwrap()
}

fn id(s: &str) -> VoterId {
    s.parse().unwrap()
}

const NAMES: [&str; 6] = ["ada", "bo", "cy", "di", "ed", "fi"];

fn electorate(weights: &[u32]) -> Electorate {
    Electorate::new(weights.iter().zip(NAMES).map(|(w, n)| Voter {
        id: id(n),
        weight: Decimal::from(*w),
        college: None,
    }))
    .unwrap()
}

fn motion() -> Kind {
    Kind::Motion {
        threshold: Threshold::at_least(Fraction::TWO_THIRDS),
    }
}

fn secret_spec(kind: Kind) -> Spec {
    Spec {
        title: "Elect the board".into(),
        body: String::new(),
        author: id("ada"),
        kind,
        opens_at: t(10),
        closes_at: t(17),
        quorum: None,
        vote_changes: false,
        reasons: Reasons::Optional,
        tags: Default::default(),
        proxies_per_holder: 1,
        visibility: Visibility::AfterClose,
        secrecy: Secrecy::Secret,
        enacts: None,
    }
}

/// The commands, with their days, that draft, schedule and open a secret proposal of
/// `kind` for six voters of weight 1.
fn opening(kind: Kind) -> [(ProposalCommand, u32); 3] {
    [
        (
            ProposalCommand::Draft {
                spec: Box::new(secret_spec(kind)),
            },
            1,
        ),
        (ProposalCommand::Schedule, 2),
        (
            ProposalCommand::Open {
                electorate: electorate(&[1; 6]),
            },
            10,
        ),
    ]
}

/// A secret proposal drafted, scheduled and opened for six voters of weight 1.
fn opened(kind: Kind) -> Proposal {
    let mut proposal = Proposal::default();
    for (command, day) in opening(kind) {
        for event in proposal.decide(command, t(day)).unwrap() {
            proposal.apply(&event).unwrap();
        }
    }
    proposal
}

fn run(proposal: &mut Proposal, command: ProposalCommand, day: u32) -> Vec<ProposalEvent> {
    let events = proposal.decide(command, t(day)).unwrap();
    for event in &events {
        proposal.apply(event).unwrap();
    }
    events
}

fn cast(voter: &str, mark: Mark) -> ProposalCommand {
    ProposalCommand::CastSecret {
        voter: id(voter),
        by: None,
        mark,
    }
}

fn draft_refused(spec: Spec) -> String {
    Proposal::default()
        .decide(
            ProposalCommand::Draft {
                spec: Box::new(spec),
            },
            t(1),
        )
        .unwrap_err()
        .to_string()
}

#[test]
fn a_secret_ballot_refuses_what_would_link_voter_and_ballot() {
    let changes = Spec {
        vote_changes: true,
        ..secret_spec(motion())
    };
    assert!(draft_refused(changes).contains("cannot be changed"));
    let live = Spec {
        visibility: Visibility::Live,
        ..secret_spec(motion())
    };
    assert!(draft_refused(live).contains("only after the close"));
    let reasons = Spec {
        reasons: Reasons::RequiredForObjections,
        ..secret_spec(motion())
    };
    assert!(draft_refused(reasons).contains("reasons"));
    assert!(draft_refused(secret_spec(Kind::Consent)).contains("heard by name"));
}

#[test]
fn a_secret_ballot_opens_only_when_no_weight_names_its_voter() {
    let mut proposal = Proposal::default();
    run(
        &mut proposal,
        ProposalCommand::Draft {
            spec: Box::new(secret_spec(motion())),
        },
        1,
    );
    run(&mut proposal, ProposalCommand::Schedule, 2);
    let three_each = electorate(&[1, 1, 1, 2, 2, 2]);
    let lonely = three_each.voters().cloned().chain([Voter {
        id: id("gus"),
        weight: Decimal::from(40),
        college: Some("supporters".into()),
    }]);
    let err = proposal
        .decide(
            ProposalCommand::Open {
                electorate: Electorate::new(lonely).unwrap(),
            },
            t(10),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("weight 40 is carried by 1"),
        "{err}"
    );
    assert!(
        proposal
            .decide(
                ProposalCommand::Open {
                    electorate: three_each
                },
                t(10)
            )
            .is_ok()
    );
}

#[test]
fn participation_records_who_voted_and_nothing_of_the_ballot() {
    let mut proposal = opened(motion());
    let events = run(&mut proposal, cast("bo", Mark::Choice(Choice::No)), 11);
    assert_eq!(
        events,
        vec![ProposalEvent::Participated {
            at: t(11),
            voter: id("bo"),
            by: None
        }]
    );
    let json = serde_json::to_string(&events).unwrap();
    assert!(!json.contains("no\"") && !json.contains("choice"), "{json}");
}

#[test]
fn a_secret_ballot_takes_no_open_vote_and_no_second_ballot() {
    let mut proposal = opened(motion());
    let open_vote = ProposalCommand::Vote {
        voter: id("ada"),
        choice: Choice::Yes,
        reason: None,
    };
    assert!(matches!(
        proposal.decide(open_vote, t(11)),
        Err(ProposalError::Secrecy { .. })
    ));
    run(&mut proposal, cast("ada", Mark::Choice(Choice::Yes)), 11);
    assert!(matches!(
        proposal.decide(cast("ada", Mark::Choice(Choice::No)), t(12)),
        Err(ProposalError::AlreadyVoted { .. })
    ));
    assert!(matches!(
        proposal.decide(cast("zed", Mark::Choice(Choice::No)), t(12)),
        Err(ProposalError::NotAVoter { .. })
    ));
    assert!(matches!(
        proposal.decide(cast("bo", Mark::Ranking(vec![0])), t(12)),
        Err(ProposalError::Ballot { .. })
    ));
}

#[test]
fn a_proxy_holder_casts_a_secret_ballot_for_the_member_who_authorised_them() {
    let mut proposal = opened(motion());
    let by_proxy = ProposalCommand::CastSecret {
        voter: id("cy"),
        by: Some(id("di")),
        mark: Mark::Choice(Choice::Yes),
    };
    assert!(matches!(
        proposal.decide(by_proxy.clone(), t(11)),
        Err(ProposalError::Proxy { .. })
    ));
    run(
        &mut proposal,
        ProposalCommand::AuthoriseProxy {
            member: id("cy"),
            proxy: id("di"),
        },
        11,
    );
    let events = run(&mut proposal, by_proxy, 12);
    assert!(
        matches!(&events[0], ProposalEvent::Participated { by: Some(d), .. } if *d == id("di"))
    );
}

#[test]
fn the_participation_list_is_withheld_below_three_voters() {
    let mut proposal = opened(motion());
    run(&mut proposal, cast("ada", Mark::Choice(Choice::Yes)), 11);
    run(&mut proposal, cast("bo", Mark::Choice(Choice::No)), 11);
    assert_eq!(proposal.participation(), None);
    run(&mut proposal, cast("cy", Mark::Choice(Choice::No)), 11);
    assert_eq!(
        proposal.participation(),
        Some(vec![&id("ada"), &id("bo"), &id("cy")])
    );
    assert_eq!(proposal.interim(Some(&id("ada"))), None);
}

/// Ballots for `proposal`'s participants, in the order given.
fn list(ballots: &[(u8, Mark)]) -> BallotList {
    BallotList::new(ballots.iter().map(|(r, mark)| {
        (
            andel_decisions::secret::Receipt::from_bytes([*r; 15]),
            Ballot::new(Decimal::ONE, mark.clone()),
        )
    }))
    .unwrap()
}

#[test]
fn closing_counts_the_box_and_seals_its_list() {
    let mut proposal = opened(motion());
    for voter in ["ada", "bo", "cy"] {
        run(&mut proposal, cast(voter, Mark::Choice(Choice::Yes)), 11);
    }
    let ballots = list(&[
        (7, Mark::Choice(Choice::Yes)),
        (3, Mark::Choice(Choice::Yes)),
        (5, Mark::Choice(Choice::No)),
    ]);
    let open_close = ProposalCommand::Close {
        delegations: Default::default(),
    };
    assert!(matches!(
        proposal.decide(open_close, t(17)),
        Err(ProposalError::Secrecy { .. })
    ));
    let close = ProposalCommand::CloseSecret {
        ballots: Box::new(ballots.clone()),
    };
    run(&mut proposal, close.clone(), 17);
    let outcome = proposal.outcome().unwrap();
    let seal = outcome.ballots.unwrap();
    assert_eq!((seal.counted, seal.missing), (3, 0));
    assert_eq!(seal.sha256, ballots.digest());
    let motion = outcome.motion.as_ref().unwrap();
    assert_eq!((motion.yes.people, motion.no.people), (2, 1));
    assert_eq!(outcome.verdict, Verdict::Passed); // 2 of 3 is two thirds
    assert_eq!(proposal.recount_published(&ballots).unwrap(), *outcome);
    assert!(
        run(&mut proposal, close, 18).is_empty(),
        "closing is idempotent"
    );
}

#[test]
fn a_box_that_does_not_add_up_is_refused_at_the_close() {
    let mut proposal = opened(motion());
    for voter in ["ada", "bo", "cy"] {
        run(&mut proposal, cast(voter, Mark::Choice(Choice::Yes)), 11);
    }
    let stuffed = list(&[
        (1, Mark::Choice(Choice::Yes)),
        (2, Mark::Choice(Choice::Yes)),
        (3, Mark::Choice(Choice::Yes)),
        (4, Mark::Choice(Choice::Yes)),
    ]);
    let heavy = BallotList::new([(
        andel_decisions::secret::Receipt::from_bytes([1; 15]),
        Ballot::new(Decimal::TWO, Mark::Choice(Choice::Yes)),
    )])
    .unwrap();
    let wrong_kind = list(&[(1, Mark::Ranking(vec![0]))]);
    for (ballots, problem) in [
        (stuffed, "stuffed"),
        (heavy, "weight 2"),
        (wrong_kind, "does not take"),
    ] {
        let err = proposal
            .decide(
                ProposalCommand::CloseSecret {
                    ballots: Box::new(ballots),
                },
                t(17),
            )
            .unwrap_err();
        assert!(err.to_string().contains(problem), "{problem}: {err}");
    }
    // A ballot that never reached the box is reported, not invented.
    let short = list(&[
        (1, Mark::Choice(Choice::Yes)),
        (2, Mark::Choice(Choice::No)),
    ]);
    run(
        &mut proposal,
        ProposalCommand::CloseSecret {
            ballots: Box::new(short),
        },
        17,
    );
    assert_eq!(proposal.outcome().unwrap().ballots.unwrap().missing, 1);
}

#[test]
fn a_recount_of_another_list_is_refused() {
    let mut proposal = opened(motion());
    for voter in ["ada", "bo", "cy"] {
        run(&mut proposal, cast(voter, Mark::Choice(Choice::Yes)), 11);
    }
    let ballots = list(&[
        (1, Mark::Choice(Choice::Yes)),
        (2, Mark::Choice(Choice::Yes)),
        (3, Mark::Choice(Choice::Yes)),
    ]);
    run(
        &mut proposal,
        ProposalCommand::CloseSecret {
            ballots: Box::new(ballots),
        },
        17,
    );
    let altered = list(&[
        (1, Mark::Choice(Choice::Yes)),
        (2, Mark::Choice(Choice::No)),
        (3, Mark::Choice(Choice::Yes)),
    ]);
    let err = proposal.recount_published(&altered).unwrap_err();
    assert!(err.to_string().contains("SHA-256"), "{err}");
}

fn now() -> Timestamp {
    Timestamp::new("2027-05-01T00:00:00Z".parse().unwrap()).unwrap()
}

/// An election cast through a journal and a box: each voter gets a receipt that finds
/// their ballot in the published list, and the published list recounts to the outcome.
#[tokio::test]
async fn receipts_find_ballots_in_the_published_list() {
    let store: Arc<dyn JournalStore> = Arc::new(MemoryStore::new());
    let ballot_box = MemoryBallotBox::new();
    let stream = StreamId::new("decision.board-2027").unwrap();
    let mut proposal = Stored::<Proposal>::open(store.clone(), stream.clone())
        .await
        .unwrap();
    let kind = Kind::Election {
        method: Method::StvMeek,
        candidates: vec!["Ada".into(), "Bo".into(), "Cy".into()],
        seats: 2,
        tie_break: Default::default(),
    };
    for (command, day) in opening(kind) {
        proposal
            .execute(command, t(day), now(), None)
            .await
            .unwrap();
    }
    let rankings = [
        vec![0, 1],
        vec![0, 2],
        vec![1, 0],
        vec![2],
        vec![0],
        vec![1],
    ];
    let mut receipts = Vec::new();
    for (name, ranking) in NAMES.iter().zip(&rankings) {
        let vote = SecretVote {
            voter: id(name),
            by: None,
            mark: Mark::Ranking(ranking.clone()),
        };
        receipts.push(
            cast_secret(&mut proposal, &ballot_box, vote, t(11), now(), None)
                .await
                .unwrap(),
        );
    }
    // Everyone has voted: the close may come early.
    close_secret(&mut proposal, &ballot_box, t(12), now(), None)
        .await
        .unwrap();
    assert_eq!(proposal.state().phase(), Phase::Closed);
    let published = published_ballots(&proposal, &ballot_box).await.unwrap();
    for (receipt, ranking) in receipts.iter().zip(&rankings) {
        let ballot = published.find(receipt).unwrap();
        assert_eq!(ballot.mark(), &Mark::Ranking(ranking.clone()));
    }
    let outcome = proposal.state().outcome().unwrap();
    assert_eq!(outcome.verdict, Verdict::Elected);
    assert_eq!(
        proposal.state().recount_published(&published).unwrap(),
        *outcome
    );
    // The journal never saw a receipt or a ranking.
    let entries = store.read(&stream, 0..u64::MAX).await.unwrap();
    for entry in &entries {
        let payload = entry.payload().unwrap().as_str().to_owned();
        if entry.kind().as_str() == "decision.participated" {
            let fields: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&payload).unwrap();
            let keys: Vec<&str> = fields.keys().map(String::as_str).collect();
            assert_eq!(keys, ["at", "type", "voter"], "{payload}");
        }
        for receipt in &receipts {
            assert!(!payload.contains(&receipt.to_string()), "{payload}");
        }
    }
    // A ballot slipped into the box after the close breaks the seal.
    ballot_box
        .put(
            &stream,
            &andel_decisions::secret::Receipt::random().unwrap(),
            &Ballot::new(Decimal::ONE, Mark::Ranking(vec![2])),
        )
        .await
        .unwrap();
    let err = published_ballots(&proposal, &ballot_box).await.unwrap_err();
    assert!(
        matches!(&err, SecretBallotError::Published(p) if p.contains("no longer matches")),
        "{err}"
    );
}
