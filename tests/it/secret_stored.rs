//! Secret ballots kept in a database: participation in the journal, ballots in the box,
//! and nothing stored that joins the two; on SQLite and (when `ANDEL_TEST_POSTGRES`
//! names a server) PostgreSQL.

use std::sync::Arc;

use andel::decisions::{
    Choice, Electorate, Kind, Mark, Proposal, ProposalCommand, Reasons, Secrecy, Spec, Visibility,
    Voter, VoterId,
    rules::{Basis, Fraction, Quorum, Threshold, Verdict},
    secret::{BallotBox, Receipt, SecretVote, cast_secret, close_secret, published_ballots},
};
use andel::journal::{JournalStore, Stored, StreamId, TenantId, Timestamp};
use chrono::{DateTime, Utc};
use proptest::prelude::*;

pub(crate) fn t(hour: u32) -> DateTime<Utc> {
    format!("2027-05-01T{hour:02}:00:00Z").parse().unwrap()
}

pub(crate) fn id(i: usize) -> VoterId {
    VoterId::new(&format!("member-{i}")).unwrap()
}

pub(crate) fn recorded() -> Timestamp {
    Timestamp::new(t(0)).unwrap()
}

fn spec() -> Spec {
    Spec {
        title: "Adopt the 2028 budget".into(),
        body: String::new(),
        author: id(0),
        kind: Kind::Motion {
            threshold: Threshold::at_least(Fraction::TWO_THIRDS),
        },
        opens_at: t(1),
        closes_at: t(10),
        quorum: Some(Quorum {
            share: Fraction::HALF,
            basis: Basis::People,
            per_college: false,
        }),
        vote_changes: false,
        reasons: Reasons::Optional,
        tags: Default::default(),
        proxies_per_holder: 1,
        visibility: Visibility::AfterClose,
        secrecy: Secrecy::Secret,
        enacts: None,
    }
}

/// Opens a secret motion for `n` members of weight 1.
pub(crate) async fn open(
    store: Arc<dyn JournalStore>,
    stream: &StreamId,
    n: usize,
) -> Stored<Proposal> {
    let mut proposal = Stored::<Proposal>::open(store, stream.clone())
        .await
        .unwrap();
    let electorate = Electorate::new((0..n).map(|i| Voter {
        id: id(i),
        weight: 1.into(),
        college: None,
    }))
    .unwrap();
    for (command, hour) in [
        (
            ProposalCommand::Draft {
                spec: Box::new(spec()),
            },
            0,
        ),
        (ProposalCommand::Schedule, 0),
        (ProposalCommand::Open { electorate }, 1),
    ] {
        proposal
            .execute(command, t(hour), recorded(), None)
            .await
            .unwrap();
    }
    proposal
}

fn choice(i: u8) -> Choice {
    [Choice::Yes, Choice::No, Choice::Abstain][usize::from(i % 3)]
}

/// Five members vote (one through a proxy), the proposal closes, and the published
/// list, read back from the database, finds each receipt and recounts to the outcome.
async fn secret_on<S: JournalStore + BallotBox + 'static>(store: S) {
    let store = Arc::new(store);
    let stream = StreamId::new("decision.budget-2028").unwrap();
    let mut proposal = open(store.clone(), &stream, 5).await;
    proposal
        .execute(
            ProposalCommand::AuthoriseProxy {
                member: id(4),
                proxy: id(0),
            },
            t(2),
            recorded(),
            None,
        )
        .await
        .unwrap();
    let mut receipts = Vec::new();
    for (i, c) in [
        Choice::Yes,
        Choice::Yes,
        Choice::No,
        Choice::Yes,
        Choice::Abstain,
    ]
    .into_iter()
    .enumerate()
    {
        let vote = SecretVote {
            voter: id(i),
            by: (i == 4).then(|| id(0)),
            mark: Mark::Choice(c),
        };
        let receipt = cast_secret(&mut proposal, &*store, vote, t(3), recorded(), None)
            .await
            .unwrap();
        receipts.push((receipt, c));
    }
    close_secret(&mut proposal, &*store, t(10), recorded(), None)
        .await
        .unwrap();
    // Reopened from the database, as another process would.
    let reopened = Stored::<Proposal>::open(store.clone(), stream.clone())
        .await
        .unwrap();
    let outcome = reopened.state().outcome().unwrap();
    // 3 yes of 4 for or against: three quarters, above two thirds.
    assert_eq!(outcome.verdict, Verdict::Passed);
    let published = published_ballots(&reopened, &*store).await.unwrap();
    for (receipt, c) in &receipts {
        assert_eq!(published.find(receipt).unwrap().mark(), &Mark::Choice(*c));
    }
    assert_eq!(
        reopened.state().recount_published(&published).unwrap(),
        *outcome
    );
    assert_eq!(reopened.state().participation().unwrap().len(), 5);
}

#[test]
fn a_secret_ballot_lives_in_sqlite() {
    crate::on_sqlite(secret_on);
}

#[test]
fn a_secret_ballot_lives_in_postgres() {
    crate::on_postgres("secret ballot", async |database| {
        secret_on(database.store(TenantId::new("coop").unwrap())).await;
        // Sealed at the close: one inserting transaction for every row, and the rows in
        // receipt order on disk, whatever the order of casting.
        let rows: Vec<(String, Vec<u8>)> =
            sqlx::query_as("SELECT xmin::text, receipt FROM andel_ballots ORDER BY ctid")
                .fetch_all(database.pool())
                .await
                .unwrap();
        assert_eq!(rows.len(), 5);
        assert!(rows.iter().all(|(xmin, _)| *xmin == rows[0].0), "{rows:?}");
        assert!(rows.windows(2).all(|w| w[0].1 < w[1].1), "{rows:?}");
    });
}

/// Participation and ballot are kept in one transaction: when the ballot cannot be
/// kept (its receipt is taken), the participation entry is not kept either, and the
/// stream's head does not move.
async fn both_or_neither<S: JournalStore + BallotBox + 'static>(store: S) {
    use andel::decisions::secret::Ballot;
    use andel::journal::{Draft, Kind, Payload};
    let stream = StreamId::new("decision.budget-2028").unwrap();
    let draft = || {
        Draft::new(
            Kind::new("decision.participated").unwrap(),
            Payload::from_json_str(
                r#"{"type":"participated","at":"2027-05-01T03:00:00Z","voter":"member-1"}"#,
            )
            .unwrap(),
            recorded(),
        )
    };
    let receipt = Receipt::random().unwrap();
    let ballot = Ballot::new(1.into(), Mark::Choice(Choice::Yes));
    let kept = store
        .record_with_ballot(&stream, 0, vec![draft()], &receipt, &ballot)
        .await
        .expect("an SQL box records participation and ballot together")
        .unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        store.find(&stream, &receipt).await.unwrap(),
        Some(ballot.clone())
    );
    // The same receipt again: refused, and the second participation is not kept.
    let refused = store
        .record_with_ballot(&stream, 1, vec![draft()], &receipt, &ballot)
        .await
        .unwrap();
    assert!(refused.is_err(), "{refused:?}");
    assert_eq!(store.head(&stream).await.unwrap().next_seq(), 1);
    assert_eq!(store.ballots(&stream).await.unwrap().len(), 1);
    // A stale head is a conflict, with nothing kept.
    let other = Receipt::random().unwrap();
    let stale = store
        .record_with_ballot(&stream, 0, vec![draft()], &other, &ballot)
        .await
        .unwrap()
        .unwrap_err();
    assert!(stale.is_conflict(), "{stale}");
    assert_eq!(store.find(&stream, &other).await.unwrap(), None);
}

#[test]
fn participation_and_ballot_are_kept_together_in_sqlite() {
    crate::on_sqlite(both_or_neither);
}

#[test]
fn participation_and_ballot_are_kept_together_in_postgres() {
    crate::on_postgres("both or neither", async |database| {
        both_or_neither(database.store(TenantId::new("coop").unwrap())).await;
    });
}

/// Casts `votes` (by voter index) in the order given into a fresh SQLite database and
/// returns what is stored: the ballot table's columns and rows as the file holds them
/// (no ORDER BY), every journal row's text, and the receipts handed out by voter.
async fn cast_into_sqlite(
    n: usize,
    votes: &[(usize, u8)],
) -> (
    Vec<String>,
    Vec<(Vec<u8>, String)>,
    Vec<String>,
    Vec<(usize, Receipt)>,
) {
    let dir = tempfile::tempdir().unwrap();
    let database = andel::store::SqliteDatabase::open(dir.path().join("coop.db"))
        .await
        .unwrap();
    let store = Arc::new(database.store(TenantId::new("coop").unwrap()));
    let stream = StreamId::new("decision.budget-2028").unwrap();
    let mut proposal = open(store.clone(), &stream, n).await;
    let mut receipts = Vec::new();
    for (voter, c) in votes {
        let vote = SecretVote {
            voter: id(*voter),
            by: None,
            mark: Mark::Choice(choice(*c)),
        };
        let receipt = cast_secret(&mut proposal, &*store, vote, t(3), recorded(), None)
            .await
            .unwrap();
        receipts.push((*voter, receipt));
    }
    let pool = database.pool();
    let columns: Vec<String> =
        sqlx::query_scalar("SELECT name FROM pragma_table_info('andel_ballots') ORDER BY cid")
            .fetch_all(pool)
            .await
            .unwrap();
    let rows: Vec<(Vec<u8>, String)> = sqlx::query_as("SELECT receipt, ballot FROM andel_ballots")
        .fetch_all(pool)
        .await
        .unwrap();
    let journal: Vec<String> = sqlx::query_scalar(
        "SELECT recorded_at || ' ' || coalesce(author, '') || ' ' || kind || ' ' || coalesce(payload, '') FROM andel_journal",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    database.close().await;
    (columns, rows, journal, receipts)
}

/// Distinct voters among `n`, each with a choice, in a shuffled order.
fn votes() -> impl Strategy<Value = (usize, Vec<(usize, u8)>)> {
    (3usize..12).prop_flat_map(|n| {
        (
            Just(n),
            proptest::collection::vec(0u8..3, n)
                .prop_flat_map(move |choices| {
                    let cast: Vec<(usize, u8)> = choices.into_iter().enumerate().collect();
                    Just(cast).prop_shuffle()
                })
                .prop_flat_map(move |cast| (1..=n).prop_map(move |k| cast[..k].to_vec())),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// What SQLite stores of a secret ballot has no join between voter and ballot: the
    /// ballot table has no column but tenant, proposal, receipt and ballot; its rows
    /// name no voter and lie in receipt order whatever the order of casting; and no
    /// journal row holds a receipt.
    #[test]
    fn stored_secret_ballots_do_not_join_voter_and_ballot((n, cast) in votes()) {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let (columns, rows, journal, receipts) = runtime.block_on(cast_into_sqlite(n, &cast));
        prop_assert_eq!(columns, ["tenant", "proposal", "receipt", "ballot"]);
        prop_assert_eq!(rows.len(), cast.len());
        let mut sorted = rows.clone();
        sorted.sort();
        prop_assert_eq!(&rows, &sorted, "rows must lie in receipt order, not casting order");
        for (_, ballot) in &rows {
            prop_assert!(!ballot.contains("member"), "a ballot names a voter: {}", ballot);
        }
        for (_, receipt) in &receipts {
            let text = receipt.to_string();
            let hex: String = receipt.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
            for row in &journal {
                prop_assert!(!row.contains(&text) && !row.contains(&hex), "{}", row);
            }
        }
    }
}
