//! A kanban co-op on SQLite that adopted the shipped kanban policy by decision, and
//! the requests its service asks: for the recording benchmark and its test.

// A fixture that does not build is a bug in it, not a result.
#![allow(clippy::expect_used)]

use andel::consent::{
    Action, ConsentCommand, MemberId, Owners, POLICY_DOCUMENT, Principal, Purpose, Request,
    Resource, Schema,
};
use andel::decisions::rules::Threshold;
use andel::decisions::{
    Choice, Electorate, Enactment, Kind as Proposal, Mark, ProposalCommand, Spec, Voter,
};
use andel::journal::Timestamp;
use andel::service::{Access, BallotPaper, Coop as Service, PolicyAdoption, PolicyFile};

use crate::Rng;

const POLICY: &str = include_str!("../../examples/data/policy-v2.toml");
const SCHEMA: &str = include_str!("../../examples/data/kanban-schema.toml");

fn t(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse().expect("a time")
}

/// A co-op on SQLite whose members adopted the kanban policy (version 2) by a motion,
/// and 200 of whose 1,000 members consented to aggregate statistics.
pub async fn kanban_coop(dir: &std::path::Path) -> Service {
    let location = format!("sqlite:{}", dir.join("coop.db").display())
        .parse()
        .expect("a location");
    kanban_coop_at(&location).await
}

/// As [`kanban_coop`], in the database at `location`.
pub async fn kanban_coop_at(location: &andel::store::Location) -> Service {
    let coop = Service::open(location, "bench".parse().expect("a name"), Access::Start)
        .await
        .expect("a database");
    let now: Timestamp = "2027-01-01T00:00:00Z".parse().expect("a time");
    let member = |i: usize| -> MemberId { format!("m{i}").parse().expect("a name") };
    for i in 0..200 {
        let give = ConsentCommand::Give {
            member: member(i),
            purpose: Purpose::AggregateStatistics,
            expires: None,
        };
        coop.record_consent(give, t("2027-01-02T00:00:00Z"), now, None)
            .await
            .expect("consent");
    }
    let spec = Spec {
        title: "Adopt the kanban policy".into(),
        body: String::new(),
        author: "m0".parse().expect("a voter"),
        kind: Proposal::Motion {
            threshold: Threshold::SIMPLE_MAJORITY,
        },
        opens_at: t("2027-01-03T09:00:00Z"),
        closes_at: t("2027-01-03T17:00:00Z"),
        quorum: None,
        vote_changes: false,
        reasons: Default::default(),
        tags: Default::default(),
        proxies_per_holder: 0,
        visibility: Default::default(),
        secrecy: Default::default(),
        enacts: Some(Enactment::of(POLICY_DOCUMENT, POLICY.as_bytes())),
    };
    let electorate = Electorate::new([Voter {
        id: "m0".parse().expect("a voter"),
        weight: 1.into(),
        college: None,
    }])
    .expect("an electorate");
    let (mut proposal, _) = coop
        .draft("policy-2", spec, t("2027-01-02T09:00:00Z"), now, None)
        .await
        .expect("a draft");
    proposal
        .execute(
            ProposalCommand::Schedule,
            t("2027-01-02T09:00:00Z"),
            now,
            None,
        )
        .await
        .expect("scheduled");
    proposal
        .execute(
            ProposalCommand::Open { electorate },
            t("2027-01-03T09:00:00Z"),
            now,
            None,
        )
        .await
        .expect("open");
    let paper = BallotPaper {
        voter: "m0".parse().expect("a voter"),
        proxy_for: None,
        mark: Mark::Choice(Choice::Yes),
        reason: None,
    };
    proposal
        .cast(paper, t("2027-01-03T10:00:00Z"), now, None)
        .await
        .expect("a vote");
    proposal
        .close(t("2027-01-03T17:00:00Z"), now, None)
        .await
        .expect("closed");
    let citation = proposal.cite().await.expect("a citation");
    let file = PolicyFile {
        source: "policy-v2.toml".into(),
        text: POLICY.into(),
        schema: Schema::from_toml("kanban-schema.toml", SCHEMA).expect("a schema"),
    };
    let adoption = PolicyAdoption {
        file,
        citation,
        effective: t("2027-01-04T00:00:00Z"),
        organisation: None,
    };
    coop.adopt_policy(adoption, t("2027-01-03T18:00:00Z"), now, None)
        .await
        .expect("adopted");
    coop
}

/// What a kanban service asks in a busy moment: members reading and changing their own
/// cards, and the statistics service counting cards.
pub fn kanban_requests(rng: &mut Rng, n: usize) -> Vec<Request> {
    kanban_requests_among(rng, n, 1_000, t("2027-02-01T12:00:00Z"))
}

/// As [`kanban_requests`], over the cards of `members` members (`m0`, `m1`, …), asked
/// `at`.
pub fn kanban_requests_among(
    rng: &mut Rng,
    n: usize,
    members: usize,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<Request> {
    requests(rng, n, at, |rng| format!("m{}", rng.below(members)))
}

/// As [`kanban_requests_among`], the members named by their ledger numbers, `1` to
/// `members`.
pub fn kanban_requests_numbered(
    rng: &mut Rng,
    n: usize,
    members: usize,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<Request> {
    requests(rng, n, at, |rng| (rng.below(members) + 1).to_string())
}

fn requests(
    rng: &mut Rng,
    n: usize,
    at: chrono::DateTime<chrono::Utc>,
    owner: impl Fn(&mut Rng) -> String,
) -> Vec<Request> {
    (0..n)
        .map(|i| {
            let owner: MemberId = owner(rng).parse().expect("a name");
            let card = Resource::new(
                "card".parse().expect("a kind"),
                format!("c{i}").parse().expect("an id"),
                Owners::one(owner.clone()),
            );
            let (principal, action, purpose, aggregate_of) = if rng.below(4) == 0 {
                let stats = Principal::Service {
                    name: "stats".parse().expect("a name"),
                    acting_for: None,
                };
                (
                    stats,
                    Action::Process,
                    Purpose::AggregateStatistics,
                    Some(40),
                )
            } else {
                let member = Principal::Member {
                    id: owner,
                    roles: Default::default(),
                };
                (
                    member,
                    [Action::Read, Action::Write][rng.below(2)],
                    Purpose::ServiceProvision,
                    None,
                )
            };
            Request {
                principal,
                action,
                resource: card,
                purpose,
                at,
                aggregate_of,
            }
        })
        .collect()
}

/// Runs `test` on a kanban co-op in a fresh schema of the PostgreSQL server named by
/// `ANDEL_TEST_POSTGRES` (dropped afterwards); without the variable, says on stderr
/// that `what` was skipped.
pub async fn on_postgres<F>(what: &str, test: impl FnOnce(Service) -> F)
where
    F: std::future::Future<Output = ()>,
{
    let Ok(url) = std::env::var("ANDEL_TEST_POSTGRES") else {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "note: skipping the PostgreSQL {what} test: set ANDEL_TEST_POSTGRES to run it"
        );
        return;
    };
    let schema = format!("andel_bench_{what}_{}", std::process::id());
    let admin = sqlx::PgPool::connect(&url).await.expect("the server");
    let fresh = format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}");
    sqlx::raw_sql(&fresh)
        .execute(&admin)
        .await
        .expect("a schema");
    let separator = if url.contains('?') { '&' } else { '?' };
    let location = format!("{url}{separator}options=-csearch_path%3D{schema}")
        .parse()
        .expect("a location");
    test(kanban_coop_at(&location).await).await;
    sqlx::raw_sql(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&admin)
        .await
        .expect("the schema dropped");
    admin.close().await;
}
