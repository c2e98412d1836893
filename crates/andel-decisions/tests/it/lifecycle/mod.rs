//! One given/when/then test per lifecycle rule.

use std::collections::BTreeMap;

use andel_decisions::{
    Choice, Electorate, Kind, Phase, Proposal, ProposalCommand, ProposalError, ProposalEvent,
    Reasons, Spec, Voter, VoterId,
    rules::{Basis, Fraction, Quorum, Threshold, Verdict},
};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

mod elections;

fn t(day: u32) -> DateTime<Utc> {
    format!("2027-05-{day:02}T09:00:00Z").parse().unwrap()
}

fn id(s: &str) -> VoterId {
    s.parse().unwrap()
}

fn electorate(names: &[&str]) -> Electorate {
    Electorate::new(names.iter().map(|n| Voter {
        id: id(n),
        weight: Decimal::ONE,
        college: None,
    }))
    .unwrap()
}

fn spec(kind: Kind) -> Spec {
    Spec {
        title: "Adopt the data policy".into(),
        body: "Members' data is used only for running the service.".into(),
        author: id("ada"),
        kind,
        opens_at: t(10),
        closes_at: t(17),
        quorum: Some(Quorum {
            share: Fraction::HALF,
            basis: Basis::People,
            per_college: false,
        }),
        vote_changes: false,
        reasons: Reasons::RequiredForObjections,
        tags: Default::default(),
        proxies_per_holder: 0,
        visibility: andel_decisions::Visibility::AfterClose,
        secrecy: andel_decisions::Secrecy::Open,
        enacts: None,
    }
}

fn motion() -> Kind {
    Kind::Motion {
        threshold: Threshold::at_least(Fraction::TWO_THIRDS),
    }
}

/// A proposal after `commands`, each at its day, all accepted.
#[track_caller]
fn given(kind: Kind, commands: Vec<(ProposalCommand, u32)>) -> Proposal {
    let mut proposal = Proposal::default();
    let opening = vec![
        (
            ProposalCommand::Draft {
                spec: Box::new(spec(kind)),
            },
            1,
        ),
        (ProposalCommand::Schedule, 2),
        (
            ProposalCommand::Open {
                electorate: electorate(&["ada", "bo", "cy", "di"]),
            },
            10,
        ),
    ];
    for (command, day) in opening.into_iter().chain(commands) {
        let shown = format!("{command:?}");
        for event in proposal
            .decide(command, t(day))
            .unwrap_or_else(|e| panic!("{shown} refused: {e}"))
        {
            proposal.apply(&event).unwrap();
        }
    }
    proposal
}

fn vote(voter: &str, choice: Choice, reason: Option<&str>) -> ProposalCommand {
    ProposalCommand::Vote {
        voter: id(voter),
        choice,
        reason: reason.map(str::to_owned),
    }
}

fn close() -> ProposalCommand {
    ProposalCommand::Close {
        delegations: BTreeMap::new(),
    }
}

#[track_caller]
fn refused(proposal: &Proposal, command: ProposalCommand, day: u32) -> ProposalError {
    proposal.decide(command, t(day)).expect_err("accepted")
}

#[test]
fn voting_opens_at_its_time_and_not_before() {
    let mut proposal = Proposal::default();
    for (command, day) in [
        (
            ProposalCommand::Draft {
                spec: Box::new(spec(motion())),
            },
            1,
        ),
        (ProposalCommand::Schedule, 2),
    ] {
        for e in proposal.decide(command, t(day)).unwrap() {
            proposal.apply(&e).unwrap();
        }
    }
    assert!(matches!(
        refused(&proposal, vote("ada", Choice::Yes, None), 9),
        ProposalError::Phase {
            phase: Phase::Scheduled,
            ..
        }
    ));
    let open = ProposalCommand::Open {
        electorate: electorate(&["ada"]),
    };
    assert!(matches!(
        refused(&proposal, open, 9),
        ProposalError::Time { .. }
    ));
}

#[test]
fn only_the_electorate_votes_and_only_while_open() {
    let proposal = given(motion(), vec![]);
    assert_eq!(
        refused(&proposal, vote("eve", Choice::Yes, None), 11),
        ProposalError::NotAVoter { voter: id("eve") }
    );
    assert!(matches!(
        refused(&proposal, vote("ada", Choice::Yes, None), 17),
        ProposalError::Time { .. }
    ));
    let closed = given(motion(), vec![(close(), 17)]);
    assert!(matches!(
        refused(&closed, vote("ada", Choice::Yes, None), 18),
        ProposalError::Phase {
            phase: Phase::Closed,
            ..
        }
    ));
}

#[test]
fn a_vote_changes_only_where_allowed() {
    let proposal = given(motion(), vec![(vote("ada", Choice::Yes, None), 11)]);
    assert_eq!(
        refused(&proposal, vote("ada", Choice::Abstain, None), 12),
        ProposalError::AlreadyVoted { voter: id("ada") }
    );
}

#[test]
fn objections_need_reasons_and_choices_fit_the_kind() {
    let proposal = given(motion(), vec![]);
    assert!(matches!(
        refused(&proposal, vote("bo", Choice::No, None), 11),
        ProposalError::Reason { .. }
    ));
    assert!(matches!(
        refused(&proposal, vote("bo", Choice::Block, Some("x")), 11),
        ProposalError::Choice { .. }
    ));
    let consent = given(Kind::Consent, vec![]);
    assert!(matches!(
        refused(&consent, vote("bo", Choice::No, Some("x")), 11),
        ProposalError::Choice { .. }
    ));
    assert!(matches!(
        refused(&consent, vote("bo", Choice::Block, None), 11),
        ProposalError::Reason { .. }
    ));
}

#[test]
fn a_deadline_only_moves_later_and_only_while_open() {
    let proposal = given(
        motion(),
        vec![(ProposalCommand::Extend { closes_at: t(20) }, 12)],
    );
    assert_eq!(proposal.closes_at(), Some(t(20)));
    assert!(matches!(
        refused(&proposal, ProposalCommand::Extend { closes_at: t(19) }, 13),
        ProposalError::Time { .. }
    ));
    // The later deadline lets votes in.
    let later = given(
        motion(),
        vec![
            (ProposalCommand::Extend { closes_at: t(20) }, 12),
            (vote("ada", Choice::Yes, None), 18),
        ],
    );
    assert_eq!(later.ballots().len(), 1);
    let closed = given(motion(), vec![(close(), 17)]);
    assert!(matches!(
        refused(&closed, ProposalCommand::Extend { closes_at: t(25) }, 18),
        ProposalError::Phase { .. }
    ));
}

#[test]
fn closing_waits_for_the_deadline_or_for_everyone_and_is_idempotent() {
    let proposal = given(motion(), vec![(vote("ada", Choice::Yes, None), 11)]);
    assert!(matches!(
        refused(&proposal, close(), 12),
        ProposalError::Time { .. }
    ));
    let everyone = ["ada", "bo", "cy", "di"]
        .map(|v| (vote(v, Choice::Yes, None), 11))
        .to_vec();
    let mut early = given(motion(), everyone);
    let events = early.decide(close(), t(12)).unwrap();
    assert!(matches!(
        events[0],
        ProposalEvent::Closed { early: true, .. }
    ));
    early.apply(&events[0]).unwrap();
    assert!(
        early.decide(close(), t(13)).unwrap().is_empty(),
        "closing twice does nothing"
    );
    assert_eq!(early.outcome().unwrap().verdict, Verdict::Passed);
}

#[test]
fn withdrawal_is_only_before_opening() {
    let mut proposal = Proposal::default();
    for e in proposal
        .decide(
            ProposalCommand::Draft {
                spec: Box::new(spec(motion())),
            },
            t(1),
        )
        .unwrap()
    {
        proposal.apply(&e).unwrap();
    }
    let withdraw = || ProposalCommand::Withdraw {
        reason: "superseded".into(),
    };
    assert_eq!(proposal.decide(withdraw(), t(2)).unwrap().len(), 1);
    let open = given(motion(), vec![]);
    assert!(matches!(
        refused(&open, withdraw(), 11),
        ProposalError::Phase {
            phase: Phase::Open,
            ..
        }
    ));
}

#[test]
fn quorum_threshold_and_delegation_decide_a_motion() {
    // Ada yes, Bo no (with a reason); Cy delegates to Ada; Di does not vote.
    let proposal = given(
        motion(),
        vec![
            (vote("ada", Choice::Yes, None), 11),
            (vote("bo", Choice::No, Some("too vague")), 11),
            (
                ProposalCommand::Close {
                    delegations: BTreeMap::from([(id("cy"), id("ada"))]),
                },
                17,
            ),
        ],
    );
    let outcome = proposal.outcome().unwrap();
    let count = outcome.motion.as_ref().unwrap();
    assert_eq!((count.yes.people, count.yes.weight), (2, Decimal::from(2)));
    assert_eq!(count.no.weight, Decimal::ONE);
    assert!(count.quorum.as_ref().unwrap().met, "3 of 4 took part");
    assert_eq!(outcome.verdict, Verdict::Passed, "2 of 3 is exactly 2/3");
    assert_eq!((outcome.direct, outcome.delegated, outcome.void), (2, 1, 0));
    // Without the delegation: 1 yes of 2 is not 2/3.
    let alone = given(
        motion(),
        vec![
            (vote("ada", Choice::Yes, None), 11),
            (vote("bo", Choice::No, Some("too vague")), 11),
            (close(), 17),
        ],
    );
    assert_eq!(alone.outcome().unwrap().verdict, Verdict::Failed);
    // One voter of four is below a quorum of half.
    let thin = given(
        motion(),
        vec![(vote("ada", Choice::Yes, None), 11), (close(), 17)],
    );
    assert_eq!(thin.outcome().unwrap().verdict, Verdict::NoQuorum);
}

#[test]
fn one_reasoned_block_stops_a_consent_decision() {
    let blocked = given(
        Kind::Consent,
        vec![
            (vote("ada", Choice::Yes, None), 11),
            (vote("bo", Choice::Abstain, None), 11),
            (
                vote("cy", Choice::Block, Some("it shares data with the host")),
                11,
            ),
            (close(), 17),
        ],
    );
    let outcome = blocked.outcome().unwrap();
    assert_eq!(outcome.verdict, Verdict::Failed);
    assert_eq!(
        outcome.consent.as_ref().unwrap().blocks,
        [(id("cy"), "it shares data with the host".to_owned())]
    );
    let passed = given(
        Kind::Consent,
        vec![
            (vote("ada", Choice::Yes, None), 11),
            (vote("bo", Choice::Abstain, None), 11),
            (close(), 17),
        ],
    );
    assert_eq!(passed.outcome().unwrap().verdict, Verdict::Passed);
}

#[test]
fn replaying_the_events_gives_the_same_proposal() {
    let mut live = Proposal::default();
    let mut events = Vec::new();
    let commands = vec![
        (
            ProposalCommand::Draft {
                spec: Box::new(spec(motion())),
            },
            1,
        ),
        (ProposalCommand::Schedule, 2),
        (
            ProposalCommand::Open {
                electorate: electorate(&["ada", "bo"]),
            },
            10,
        ),
        (vote("ada", Choice::Yes, None), 11),
        (close(), 17),
    ];
    for (command, day) in commands {
        for e in live.decide(command, t(day)).unwrap() {
            live.apply(&e).unwrap();
            events.push(e);
        }
    }
    let mut replayed = Proposal::default();
    for e in &events {
        let json = serde_json::to_string(e).unwrap();
        replayed
            .apply(&serde_json::from_str(&json).unwrap())
            .unwrap();
    }
    assert_eq!(replayed, live);
    assert_eq!(
        replayed.recount().as_ref(),
        replayed.outcome(),
        "the recount agrees"
    );
    // Events out of order are refused.
    assert!(Proposal::default().apply(&events[3]).is_err());
}
