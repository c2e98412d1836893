//! A proposal kept in a database journal: decided, closed, reopened, verified, on SQLite
//! and (when `ANDEL_TEST_POSTGRES` names a server) PostgreSQL.

use std::collections::BTreeMap;
use std::sync::Arc;

use andel::decisions::{
    Choice, Citation, CiteError, Electorate, Kind, Proposal, ProposalCommand, Reasons, Spec, Voter,
    VoterId,
    rules::{Basis, Fraction, Quorum, Threshold, Verdict},
};
use andel::journal::{JournalStore, Stored, StreamId, TenantId};
use chrono::{DateTime, Utc};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn id(s: &str) -> VoterId {
    s.parse().unwrap()
}

async fn decide_on(store: Arc<dyn JournalStore>) {
    let stream = StreamId::new("decision.agm-2027-3").unwrap();
    let mut proposal = Stored::<Proposal>::open(store.clone(), stream.clone())
        .await
        .unwrap();
    let electorate = Electorate::new(["ada", "bo", "cy"].map(|v| Voter {
        id: id(v),
        weight: 1.into(),
        college: None,
    }))
    .unwrap();
    let spec = Spec {
        title: "Adopt the data policy".into(),
        body: String::new(),
        author: id("ada"),
        kind: Kind::Motion {
            threshold: Threshold::at_least(Fraction::TWO_THIRDS),
        },
        opens_at: t("2027-05-01T09:00:00Z"),
        closes_at: t("2027-05-08T09:00:00Z"),
        quorum: Some(Quorum {
            share: Fraction::HALF,
            basis: Basis::People,
            per_college: false,
        }),
        vote_changes: false,
        reasons: Reasons::Optional,
        tags: Default::default(),
        proxies_per_holder: 0,
        visibility: andel::decisions::Visibility::AfterClose,
        secrecy: andel::decisions::Secrecy::Open,
        enacts: None,
    };
    let recorded = "2027-05-01T09:00:00Z".parse().unwrap();
    let commands = vec![
        (
            ProposalCommand::Draft {
                spec: Box::new(spec),
            },
            "2027-04-20T09:00:00Z",
        ),
        (ProposalCommand::Schedule, "2027-04-21T09:00:00Z"),
        (ProposalCommand::Open { electorate }, "2027-05-01T09:00:00Z"),
        (
            ProposalCommand::Vote {
                voter: id("ada"),
                choice: Choice::Yes,
                reason: None,
            },
            "2027-05-02T09:00:00Z",
        ),
        (
            ProposalCommand::Vote {
                voter: id("bo"),
                choice: Choice::Yes,
                reason: None,
            },
            "2027-05-02T10:00:00Z",
        ),
        (
            ProposalCommand::Vote {
                voter: id("cy"),
                choice: Choice::No,
                reason: None,
            },
            "2027-05-02T11:00:00Z",
        ),
        (
            ProposalCommand::Close {
                delegations: BTreeMap::new(),
            },
            "2027-05-02T12:00:00Z",
        ),
    ];
    for (command, at) in commands {
        proposal
            .execute(command, t(at), recorded, None)
            .await
            .unwrap();
    }
    // Closing again appends nothing; voting after close is refused and appends nothing.
    let again = proposal
        .execute(
            ProposalCommand::Close {
                delegations: BTreeMap::new(),
            },
            t("2027-05-09T09:00:00Z"),
            recorded,
            None,
        )
        .await
        .unwrap();
    assert!(again.is_empty());
    let late = ProposalCommand::Vote {
        voter: id("cy"),
        choice: Choice::Yes,
        reason: None,
    };
    assert!(
        proposal
            .execute(late, t("2027-05-09T09:00:00Z"), recorded, None)
            .await
            .is_err()
    );

    let reopened = Stored::<Proposal>::open(store.clone(), stream.clone())
        .await
        .unwrap();
    assert_eq!(reopened.state(), proposal.state());
    assert_eq!(reopened.state().outcome().unwrap().verdict, Verdict::Passed);
    let entries = store.read(&stream, 0..u64::MAX).await.unwrap();
    assert_eq!(entries.len(), 7);
    assert_eq!(entries[6].kind().as_str(), "decision.closed");
    andel::journal::verify(&entries).unwrap();

    // The outcome can be cited: the Closed entry, under the stream's root.
    let citation = Citation::of(&entries).unwrap();
    let cited = citation.check().unwrap();
    assert_eq!(
        (cited.stream.as_str(), cited.seq, cited.outcome.verdict),
        ("decision.agm-2027-3", 6, Verdict::Passed)
    );
    // An altered verdict, or another root, does not pass.
    let altered = Citation {
        entry: citation.entry.replace("\"passed\"", "\"failed\""),
        ..citation.clone()
    };
    assert_ne!(altered.entry, citation.entry);
    assert_eq!(altered.check(), Err(CiteError::Altered));
    let other_root = Citation {
        root: *entries[0].hash(),
        ..citation.clone()
    };
    assert!(matches!(other_root.check(), Err(CiteError::Proof { .. })));
    let json = serde_json::to_string(&citation).unwrap();
    assert_eq!(serde_json::from_str::<Citation>(&json).unwrap(), citation);
}

#[test]
fn a_proposal_lives_in_a_sqlite_journal() {
    crate::on_sqlite(async |store| decide_on(Arc::new(store)).await);
}

#[test]
fn a_proposal_lives_in_a_postgres_journal() {
    crate::on_postgres("decisions", async |database| {
        decide_on(Arc::new(database.store(TenantId::new("coop").unwrap()))).await;
    });
}
