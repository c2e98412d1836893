//! What members' pages ask of proposals: the list newest first, one proposal as a
//! voter may see it (whether they may vote, the count only where it is shown), a secret
//! ballot's refusals as refusals, receipts only for secret ballots, and a member's
//! delegations.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use andel_decisions::{
    Choice, Kind, Mark, Phase, ProposalCommand, ProposalError, Secrecy, Spec, Visibility, VoterId,
    delegation::{Delegation, DelegationCommand},
    rules::Threshold,
    secret::Receipt,
};
use andel_journal::Timestamp;
use andel_ledger::{
    Command, Statutes,
    event::{Person, Purpose},
};
use andel_service::{Access, BallotPaper, Cast, Coop, ServiceError};
use chrono::{DateTime, Utc};

const STATUTES: &str = r#"
name = "Solrosen"
currency = { code = "SEK", scale = 2 }
[[classes]]
id = "members"
name = "Members"
nominal = "100.00"
min_shares = 1
admission = "automatic"
"#;

fn t(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn v(id: &str) -> VoterId {
    id.parse().unwrap()
}

fn recorded() -> Timestamp {
    "2027-01-01T09:00:00Z".parse().unwrap()
}

/// Solrosen with members 1, 2 and 3, each with their share paid, so all three are on
/// the roll.
async fn solrosen(dir: &std::path::Path) -> Coop {
    let location = format!("sqlite:{}", dir.join("coop.db").display())
        .parse()
        .unwrap();
    let coop = Coop::open(&location, "solrosen".parse().unwrap(), Access::Start)
        .await
        .unwrap();
    let mut ledger = coop.membership().await.unwrap();
    let on = "2027-01-01".parse().unwrap();
    let statutes = Box::new(Statutes::from_toml(STATUTES).unwrap());
    ledger
        .record(Command::AdoptStatutes { statutes }, on, recorded(), None)
        .await
        .unwrap();
    for (number, name) in [(1, "Ada"), (2, "Bo"), (3, "Cy")] {
        let apply = Command::ApplyForMembership {
            name: name.into(),
            person: Person::Natural,
            class: "members".parse().unwrap(),
        };
        ledger.record(apply, on, recorded(), None).await.unwrap();
        let pay = Command::RecordPayment {
            key: format!("bank-{number}").parse().unwrap(),
            member: number.to_string().parse().unwrap(),
            purpose: Purpose::Capital {
                class: "members".parse().unwrap(),
            },
            amount: 100.into(),
            currency: "SEK".into(),
        };
        ledger.record(pay, on, recorded(), None).await.unwrap();
    }
    coop
}

fn motion(title: &str, opens_at: &str, closes_at: &str) -> Spec {
    Spec {
        title: title.into(),
        body: String::new(),
        author: v("1"),
        kind: Kind::Motion {
            threshold: Threshold::SIMPLE_MAJORITY,
        },
        opens_at: t(opens_at),
        closes_at: t(closes_at),
        quorum: None,
        vote_changes: false,
        reasons: Default::default(),
        tags: Default::default(),
        proxies_per_holder: 0,
        visibility: Visibility::AfterClose,
        secrecy: Secrecy::Open,
        enacts: None,
    }
}

/// Drafts, schedules and opens `id` at its opening time, with the ledger's roll.
async fn open(coop: &Coop, id: &str, spec: Spec) {
    let opens_at = spec.opens_at;
    let (mut proposal, _) = coop
        .draft(id, spec, t("2027-01-15T09:00:00Z"), recorded(), None)
        .await
        .unwrap();
    proposal
        .execute(
            ProposalCommand::Schedule,
            t("2027-01-15T09:00:00Z"),
            recorded(),
            None,
        )
        .await
        .unwrap();
    let electorate = coop
        .membership()
        .await
        .unwrap()
        .electorate("2027-01-31".parse().unwrap())
        .unwrap();
    proposal
        .execute(
            ProposalCommand::Open { electorate },
            opens_at,
            recorded(),
            None,
        )
        .await
        .unwrap();
}

fn paper(voter: &str, choice: Choice) -> BallotPaper {
    BallotPaper {
        voter: v(voter),
        proxy_for: None,
        mark: Mark::Choice(choice),
        reason: None,
    }
}

#[tokio::test]
async fn proposals_are_listed_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let coop = solrosen(dir.path()).await;
    open(
        &coop,
        "shop",
        motion(
            "Open a shop",
            "2027-02-01T09:00:00Z",
            "2027-02-01T17:00:00Z",
        ),
    )
    .await;
    let later = motion("Paint it", "2027-03-01T09:00:00Z", "2027-03-01T17:00:00Z");
    coop.draft("paint", later, t("2027-01-20T09:00:00Z"), recorded(), None)
        .await
        .unwrap();

    let list = coop.proposal_summaries().await.unwrap();
    let ids: Vec<&str> = list.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["paint", "shop"]);
    assert_eq!(list[0].phase, Phase::Draft);
    assert_eq!(list[1].phase, Phase::Open);
    assert_eq!(list[1].kind, "motion");
    assert_eq!(list[1].title, "Open a shop");
    assert_eq!(list[1].closes_at, t("2027-02-01T17:00:00Z"));
}

#[tokio::test]
async fn a_voter_sees_whether_they_may_vote_and_the_count_only_where_it_is_shown() {
    let dir = tempfile::tempdir().unwrap();
    let coop = solrosen(dir.path()).await;
    let mut spec = motion(
        "Open a shop",
        "2027-02-01T09:00:00Z",
        "2027-02-01T17:00:00Z",
    );
    spec.visibility = Visibility::AfterVoting;
    open(&coop, "shop", spec).await;
    let at = t("2027-02-01T10:00:00Z");

    let mut shop = coop.proposal("shop").await.unwrap();
    let seen = shop.seen_by(&v("1"), at).unwrap();
    assert_eq!(seen.vote, Ok(()));
    assert_eq!(seen.phase, Phase::Open);
    assert_eq!(seen.electorate, Some((3, 3.into())));
    assert_eq!(seen.interim, None);
    let stranger = shop.seen_by(&v("9"), at).unwrap();
    assert_eq!(
        stranger.vote,
        Err(ProposalError::NotAVoter { voter: v("9") })
    );

    shop.cast(paper("1", Choice::Yes), at, recorded(), None)
        .await
        .unwrap();
    let voted = shop.seen_by(&v("1"), at).unwrap();
    assert_eq!(
        voted.vote,
        Err(ProposalError::AlreadyVoted { voter: v("1") })
    );
    // After voting, Ada sees the count; Bo, who has not voted, does not.
    let count = voted.interim.unwrap();
    assert_eq!(count.choices[&Choice::Yes].people, 1);
    assert_eq!(shop.seen_by(&v("2"), at).unwrap().interim, None);

    let closes = t("2027-02-01T17:00:00Z");
    shop.close(closes, recorded(), None).await.unwrap();
    let closed = shop.seen_by(&v("2"), closes).unwrap();
    assert!(closed.outcome.is_some());
    assert_eq!(closed.interim, None);
    assert!(matches!(closed.vote, Err(ProposalError::Phase { .. })));
}

#[tokio::test]
async fn a_second_secret_ballot_is_refused_as_the_proposals_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let coop = solrosen(dir.path()).await;
    let mut spec = motion("Elect", "2027-02-01T09:00:00Z", "2027-02-01T17:00:00Z");
    spec.secrecy = Secrecy::Secret;
    open(&coop, "secret", spec).await;
    let at = t("2027-02-01T10:00:00Z");
    let mut proposal = coop.proposal("secret").await.unwrap();
    let Cast::Secret(receipt) = proposal
        .cast(paper("1", Choice::No), at, recorded(), None)
        .await
        .unwrap()
    else {
        panic!("a secret ballot gives a receipt");
    };
    assert!(proposal.find(&receipt).await.unwrap().is_some());
    assert!(proposal.seen_by(&v("1"), at).unwrap().vote.is_err());

    let err = proposal
        .cast(paper("1", Choice::Yes), at, recorded(), None)
        .await
        .unwrap_err();
    assert!(err.is_refusal(), "{err:?}");
    assert_eq!(
        err.to_string(),
        "`1` has voted, and this proposal does not allow changing a vote"
    );
}

#[tokio::test]
async fn an_open_ballot_gives_no_receipts() {
    let dir = tempfile::tempdir().unwrap();
    let coop = solrosen(dir.path()).await;
    open(
        &coop,
        "shop",
        motion(
            "Open a shop",
            "2027-02-01T09:00:00Z",
            "2027-02-01T17:00:00Z",
        ),
    )
    .await;
    let shop = coop.proposal("shop").await.unwrap();
    let err = shop.find(&Receipt::from_bytes([7; 15])).await.unwrap_err();
    assert!(err.is_refusal(), "{err:?}");
    assert!(err.to_string().contains("open ballot"), "{err}");
}

#[tokio::test]
async fn a_members_delegations_are_those_not_ended() {
    let dir = tempfile::tempdir().unwrap();
    let coop = solrosen(dir.path()).await;
    let give = |to: &str, topic: Option<&str>, since: &str| {
        DelegationCommand::Delegate(Delegation {
            from: v("2"),
            to: v(to),
            topics: topic.into_iter().map(str::to_owned).collect(),
            since: t(since),
            until: None,
        })
    };
    let at = t("2027-02-01T10:00:00Z");
    coop.delegate(
        give("1", None, "2027-02-01T10:00:00Z"),
        at,
        recorded(),
        None,
    )
    .await
    .unwrap();
    coop.delegate(
        give("3", Some("shops"), "2027-02-01T10:00:00Z"),
        at,
        recorded(),
        None,
    )
    .await
    .unwrap();
    assert_eq!(coop.delegations_from(&v("2"), at).await.unwrap().len(), 2);
    assert!(coop.delegations_from(&v("1"), at).await.unwrap().is_empty());

    let later = t("2027-02-02T10:00:00Z");
    let revoke = DelegationCommand::Revoke {
        from: v("2"),
        topics: ["shops".to_owned()].into(),
    };
    coop.delegate(revoke, later, recorded(), None)
        .await
        .unwrap();
    let left = coop.delegations_from(&v("2"), later).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].to, v("1"));
    // Asked as of before the revocation, both were in force.
    assert_eq!(coop.delegations_from(&v("2"), at).await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_mistyped_proposal_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let coop = solrosen(dir.path()).await;
    let err = coop.proposal("shpo").await.err().unwrap();
    assert!(matches!(err, ServiceError::NoProposal { .. }), "{err:?}");
}
