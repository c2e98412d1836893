//! A small demo co-op to try the service with: three members, the kanban data policy
//! adopted by their vote, and a board to start from. Everything is recorded as a real
//! co-op records it, so the demo's journals verify like any other.

use andel_consent::{MemberId, Schema};
use andel_decisions::rules::Threshold;
use andel_decisions::{Choice, Enactment, Kind, Mark, ProposalCommand, Spec};
use andel_journal::Timestamp;
use andel_ledger::event::{Person, Purpose};
use andel_ledger::{Command as Ledger, MemberNumber, Statutes};
use andel_service::{BallotPaper, Coop, PolicyAdoption, PolicyFile, ServiceError};
use chrono::{DateTime, Duration, Utc};

use crate::board::{BoardCommand, ListId};
use crate::{Actor, Boards, KanbanError};

/// The kanban data policy the demo's members adopt (`examples/kanban/policy.toml`).
pub const POLICY: &str = include_str!("../policy.toml");
/// What the kanban service keeps (`examples/kanban/schema.toml`).
pub const SCHEMA: &str = include_str!("../schema.toml");

const STATUTES: &str = r#"
name = "Demo kanban co-op"
currency = { code = "SEK", scale = 2 }
[[classes]]
id = "members"
name = "Members"
nominal = "100.00"
min_shares = 1
admission = "automatic"
"#;

/// The demo's members: number, name.
pub const MEMBERS: [(u32, &str); 3] = [(1, "Alva"), (2, "Bo"), (3, "Cai")];

/// A demo member's sign-in details.
#[derive(Debug, Clone)]
pub struct DemoMember {
    /// Their member number.
    pub member: MemberNumber,
    /// Their name.
    pub name: String,
    /// Their password, fresh at each start.
    pub password: String,
}

/// What the demo service needs to know: its schema, as the policy was checked against.
///
/// # Errors
///
/// Never for the schema shipped.
pub fn schema() -> Result<Schema, KanbanError> {
    Schema::from_toml("schema.toml", SCHEMA)
        .map_err(|err| KanbanError::from(ServiceError::Refused(err.to_string())))
}

/// Sets the demo co-op up in `coop` if it has no ledger yet (its members, the policy
/// by their vote, a board), and gives each member a fresh random password: the
/// sign-in details to print.
///
/// # Errors
///
/// A store failure, or a step the co-op's rules refuse (a bug in the demo).
pub async fn start(
    coop: &Coop,
    boards: &Boards,
    now: DateTime<Utc>,
) -> Result<Vec<DemoMember>, KanbanError> {
    let recorded_at = timestamp(now)?;
    let first = number(1)?;
    let members_exist = coop
        .read_ledger(|ledger| ledger.member(first).is_some())
        .await?;
    if !members_exist {
        found(coop, now, recorded_at).await?;
        adopt_policy(coop, now, recorded_at).await?;
        first_board(boards, now, recorded_at).await?;
    }
    let mut signed = Vec::new();
    for (number, name) in MEMBERS {
        let member = self::number(number)?;
        let password = random_password()?;
        coop.set_password(member, &password, recorded_at).await?;
        signed.push(DemoMember {
            member,
            name: name.to_owned(),
            password,
        });
    }
    Ok(signed)
}

fn number(n: u32) -> Result<MemberNumber, KanbanError> {
    MemberNumber::new(n).ok_or_else(|| refused(format!("{n} is not a member number")))
}

fn timestamp(at: DateTime<Utc>) -> Result<Timestamp, KanbanError> {
    Timestamp::new(at).map_err(|err| KanbanError::from(ServiceError::Refused(err.to_string())))
}

fn refused(err: impl std::fmt::Display) -> KanbanError {
    KanbanError::from(ServiceError::Refused(err.to_string()))
}

/// The statutes and three admitted members, their capital paid.
async fn found(coop: &Coop, now: DateTime<Utc>, recorded_at: Timestamp) -> Result<(), KanbanError> {
    let day = (now - Duration::days(1)).date_naive();
    let mut members = coop.membership().await?;
    let statutes = Statutes::from_toml(STATUTES).map_err(refused)?;
    members
        .record(
            Ledger::AdoptStatutes {
                statutes: Box::new(statutes),
            },
            day,
            recorded_at,
            None,
        )
        .await?;
    for (number, name) in MEMBERS {
        let class = "members".parse().map_err(refused)?;
        members
            .record(
                Ledger::ApplyForMembership {
                    name: name.into(),
                    person: Person::Natural,
                    class,
                },
                day,
                recorded_at,
                None,
            )
            .await?;
        members
            .record(
                Ledger::RecordPayment {
                    key: format!("demo-capital-{number}").parse().map_err(refused)?,
                    member: self::number(number)?,
                    purpose: Purpose::Capital {
                        class: "members".parse().map_err(refused)?,
                    },
                    amount: 100.into(),
                    currency: "SEK".into(),
                },
                day,
                recorded_at,
                None,
            )
            .await?;
    }
    Ok(())
}

/// The members vote the kanban policy in (all three for it), and it is adopted by
/// citing their decision.
async fn adopt_policy(
    coop: &Coop,
    now: DateTime<Utc>,
    recorded_at: Timestamp,
) -> Result<(), KanbanError> {
    let opens = now - Duration::hours(3);
    let closes = now - Duration::hours(1);
    let electorate = coop.membership().await?.electorate(opens.date_naive())?;
    let spec = Spec {
        title: "Adopt the kanban data policy".into(),
        body: "Members use their own boards and work on those shared with them.".into(),
        author: "1".parse().map_err(refused)?,
        kind: Kind::Motion {
            threshold: Threshold::SIMPLE_MAJORITY,
        },
        opens_at: opens,
        closes_at: closes,
        quorum: None,
        vote_changes: false,
        reasons: Default::default(),
        tags: Default::default(),
        proxies_per_holder: 0,
        visibility: Default::default(),
        secrecy: Default::default(),
        enacts: Some(Enactment::of(
            andel_consent::POLICY_DOCUMENT,
            POLICY.as_bytes(),
        )),
    };
    let drafted = now - Duration::hours(4);
    let (mut proposal, _) = coop
        .draft("kanban-policy", spec, drafted, recorded_at, None)
        .await?;
    proposal
        .execute(ProposalCommand::Schedule, drafted, recorded_at, None)
        .await?;
    proposal
        .execute(
            ProposalCommand::Open { electorate },
            opens,
            recorded_at,
            None,
        )
        .await?;
    for (number, _) in MEMBERS {
        let paper = BallotPaper {
            voter: number.to_string().parse().map_err(refused)?,
            proxy_for: None,
            mark: Mark::Choice(Choice::Yes),
            reason: None,
        };
        proposal
            .cast(paper, opens + Duration::minutes(10), recorded_at, None)
            .await?;
    }
    proposal.close(closes, recorded_at, None).await?;
    let citation = proposal.cite().await?;
    let adoption = PolicyAdoption {
        file: PolicyFile {
            source: "kanban/policy.toml".into(),
            text: POLICY.into(),
            schema: schema()?,
        },
        citation,
        effective: closes,
        organisation: None,
    };
    coop.adopt_policy(adoption, closes, recorded_at, None)
        .await?;
    Ok(())
}

/// Alva's board, shared with Bo.
async fn first_board(
    boards: &Boards,
    now: DateTime<Utc>,
    recorded_at: Timestamp,
) -> Result<(), KanbanError> {
    let alva: MemberId = "1".parse().map_err(refused)?;
    let actor = Actor {
        member: alva.clone(),
        at: recorded_at,
    };
    let _ = now;
    let board = boards.create(&actor, "Spring fair".into()).await?;
    let id = board.id.parse().map_err(refused)?;
    let mut commands = vec![
        BoardCommand::AddMember {
            member: "2".parse().map_err(refused)?,
        },
        BoardCommand::AddList {
            title: "To do".into(),
        },
        BoardCommand::AddList {
            title: "Doing".into(),
        },
        BoardCommand::AddList {
            title: "Done".into(),
        },
    ];
    for title in ["Book the hall", "Ask the bakery", "Print posters"] {
        commands.push(BoardCommand::AddCard {
            list: ListId(1),
            title: title.into(),
            description: String::new(),
            due: None,
            by: alva.clone(),
        });
    }
    for command in commands {
        boards.execute(&actor, &id, command).await?;
    }
    Ok(())
}

/// 20 random characters from an alphabet without look-alikes: about 110 bits.
fn random_password() -> Result<String, KanbanError> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY34679";
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).map_err(refused)?;
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect())
}

/// The demo co-op as controller of its members' data.
///
/// # Errors
///
/// Never for the text shipped.
pub fn controller() -> Result<andel_consent::Controller, KanbanError> {
    toml::from_str(CONTROLLER).map_err(refused)
}

const CONTROLLER: &str = r#"
name = "Demo kanban co-op"
contact = "The board's secretary"
address = "Storgatan 1, 211 34 Malmö, Sweden"
email = "board@kanban-demo.example"
jurisdiction = "SE"
policy_url = "http://127.0.0.1:8080/"
"#;
