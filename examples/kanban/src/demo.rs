//! A small demo co-op to try the service with: three members, the kanban data policy
//! adopted by their vote, and a board to start from. Everything is recorded as a real
//! co-op records it, so the demo's journals verify like any other.

use andel_consent::{MemberId, Schema};
use andel_journal::Timestamp;
use andel_service::demo::Demo;
use andel_service::{Coop, PolicyFile, ServiceError};
use chrono::{DateTime, Utc};

use crate::board::{BoardCommand, ListId};
use crate::{Actor, Boards, KanbanError};

/// The kanban data policy the demo's members adopt (`examples/kanban/policy.toml`).
pub const POLICY: &str = include_str!("../policy.toml");
/// What the kanban service keeps (`examples/kanban/schema.toml`).
pub const SCHEMA: &str = include_str!("../schema.toml");

/// The demo's members: number, name.
pub const MEMBERS: [(u32, &str); 3] = [(1, "Alva"), (2, "Bo"), (3, "Cai")];

pub use andel_service::demo::DemoMember;

/// What the demo service needs to know: its schema, as the policy was checked against.
///
/// # Errors
///
/// Never for the schema shipped.
pub fn schema() -> Result<Schema, KanbanError> {
    Schema::from_toml("schema.toml", SCHEMA)
        .map_err(|err| KanbanError::from(ServiceError::Refused(err.to_string())))
}

/// The demo co-op: its members, and the kanban policy they adopt.
///
/// # Errors
///
/// Never for the schema shipped.
pub fn demo() -> Result<Demo<'static>, KanbanError> {
    Ok(Demo {
        name: "Demo kanban co-op",
        members: &MEMBERS,
        policy: PolicyFile {
            source: "kanban/policy.toml".into(),
            text: POLICY.into(),
            schema: schema()?,
        },
        proposal: "kanban-policy",
        title: "Adopt the kanban data policy",
        body: "Members use their own boards and work on those shared with them.",
    })
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
    let demo = demo()?;
    if demo.found(coop, now).await? {
        first_board(boards, timestamp(now)?).await?;
    }
    Ok(demo.passwords(coop, now).await?)
}

fn timestamp(at: DateTime<Utc>) -> Result<Timestamp, KanbanError> {
    Timestamp::new(at).map_err(|err| KanbanError::from(ServiceError::Refused(err.to_string())))
}

fn refused(err: impl std::fmt::Display) -> KanbanError {
    KanbanError::from(ServiceError::Refused(err.to_string()))
}

/// Alva's board, shared with Bo.
async fn first_board(boards: &Boards, recorded_at: Timestamp) -> Result<(), KanbanError> {
    let alva: MemberId = "1".parse().map_err(refused)?;
    let actor = Actor {
        member: alva.clone(),
        at: recorded_at,
    };
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
