//! Getting started: a co-op in an SQLite file admits two members, takes its voting roll
//! and passes a motion. Run it with
//! `cargo run -p andel --example getting_started --features service`.

use andel::decisions::{
    Choice, Kind, Proposal, ProposalCommand as Motion, Spec,
    rules::{Threshold, Verdict},
};
use andel::journal::{Stored, StreamId, Timestamp};
use andel::ledger::{
    Command, MemberNumber, Statutes,
    event::{Person, Purpose},
    open_ledger,
};
use andel::store::{Database, Location};

// The statutes: one class of members, one share of 100 SEK each.
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

#[tokio::main(flavor = "current_thread")]
async fn main() -> andel::Result<()> {
    // One file, nothing to install. Each tenant (co-op) in it is kept apart.
    let dir = tempfile::tempdir()?;
    let location: Location = format!("sqlite:{}", dir.path().join("coop.db").display()).parse()?;
    let db = Database::open(&location).await?;
    let store = db.journal("solrosen".parse()?);
    let now = Timestamp::new(andel::chrono::Utc::now())?;

    // The ledger lives in the tenant's `ledger` stream: every change is a journal entry.
    let mut ledger = open_ledger(store.clone()).await?;
    let on = |date: &str| date.parse::<andel::chrono::NaiveDate>();
    let statutes = Box::new(Statutes::from_toml(STATUTES)?);
    ledger
        .execute(
            Command::AdoptStatutes { statutes },
            on("2027-01-01")?,
            now,
            None,
        )
        .await?;
    for (name, key) in [("Alva", "bank-1"), ("Bertil", "bank-2")] {
        let member: MemberNumber = ledger.state().next_member();
        let class = "members".parse()?;
        let apply = Command::ApplyForMembership {
            name: name.into(),
            person: Person::Natural,
            class,
        };
        ledger.execute(apply, on("2027-01-10")?, now, None).await?;
        let pay = Command::RecordPayment {
            key: key.parse()?,
            member,
            purpose: Purpose::Capital {
                class: "members".parse()?,
            },
            amount: andel::Decimal::new(100, 0),
            currency: "SEK".into(),
        };
        ledger.execute(pay, on("2027-01-10")?, now, None).await?;
    }

    // The roll on the record date is the motion's electorate.
    let roll = ledger.state().roll(on("2027-04-30")?)?;
    let electorate = andel::electorate(&roll)?;

    // A motion in its own stream: drafted, scheduled, opened, voted, closed.
    let stream = StreamId::new("decision.second-shop")?;
    let mut motion = Stored::<Proposal>::open(store, stream).await?;
    let at = |time: &str| time.parse::<andel::chrono::DateTime<andel::chrono::Utc>>();
    let spec = Spec {
        title: "Open a second shop".into(),
        body: "In Malmö, from September.".into(),
        author: "1".parse()?,
        kind: Kind::Motion {
            threshold: Threshold::SIMPLE_MAJORITY,
        },
        opens_at: at("2027-05-06T09:00:00Z")?,
        closes_at: at("2027-05-06T17:00:00Z")?,
        quorum: None,
        vote_changes: false,
        reasons: Default::default(),
        tags: Default::default(),
        proxies_per_holder: 0,
        visibility: Default::default(),
        secrecy: Default::default(),
        enacts: None,
    };
    let steps = [
        (
            Motion::Draft {
                spec: Box::new(spec),
            },
            "2027-05-01T09:00:00Z",
        ),
        (Motion::Schedule, "2027-05-01T09:00:00Z"),
        (Motion::Open { electorate }, "2027-05-06T09:00:00Z"),
        (
            Motion::Vote {
                voter: "1".parse()?,
                choice: Choice::Yes,
                reason: None,
            },
            "2027-05-06T10:00:00Z",
        ),
        (
            Motion::Vote {
                voter: "2".parse()?,
                choice: Choice::Yes,
                reason: None,
            },
            "2027-05-06T11:00:00Z",
        ),
        (
            Motion::Close {
                delegations: Default::default(),
            },
            "2027-05-06T17:00:00Z",
        ),
    ];
    for (command, time) in steps {
        motion.execute(command, at(time)?, now, None).await?;
    }
    let Some(outcome) = motion.state().outcome() else {
        return Err(andel::Error::msg("the motion did not close"));
    };
    assert_eq!(outcome.verdict, Verdict::Passed);
    println!("{}: {:?}", motion.stream(), outcome.verdict);

    // A refused command is an error that reads as a sentence, also when `main` returns it.
    let late = Command::ApplyForMembership {
        name: "Cy".into(),
        person: Person::Natural,
        class: "members".parse()?,
    };
    if let Err(refused) = ledger.execute(late, on("2026-12-31")?, now, None).await {
        // 2026-12-31 is before 2027-01-10, the date of the latest entry: the register
        // is kept in date order; …
        println!("refused: {refused}");
    }
    db.close().await;
    Ok(())
}
