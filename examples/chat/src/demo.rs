//! A small demo co-op to try the service with: three members, the chat data policy
//! adopted by their vote, and a first channel.

use andel_consent::{MemberId, Schema};
use andel_journal::Timestamp;
use andel_service::demo::Demo;
use andel_service::{Coop, PolicyFile, ServiceError};
use chrono::{DateTime, Utc};

use crate::channel::{ChannelCommand, ChannelKind};
use crate::{Actor, Channels, ChatError};

pub use andel_service::demo::DemoMember;

/// The chat data policy the demo's members adopt (`examples/chat/policy.toml`).
pub const POLICY: &str = include_str!("../policy.toml");
/// What the chat service keeps (`examples/chat/schema.toml`).
pub const SCHEMA: &str = include_str!("../schema.toml");
/// The demo's members: number, name.
pub const MEMBERS: [(u32, &str); 3] = [(1, "Alva"), (2, "Bo"), (3, "Cai")];

/// What the service needs to know: its schema, as the policy was checked against.
///
/// # Errors
///
/// Never for the schema shipped.
pub fn schema() -> Result<Schema, ChatError> {
    Schema::from_toml("schema.toml", SCHEMA).map_err(refused)
}

/// The demo co-op: its members, and the chat policy they adopt.
///
/// # Errors
///
/// Never for the schema shipped.
pub fn demo() -> Result<Demo<'static>, ChatError> {
    Ok(Demo {
        name: "Demo chat co-op",
        members: &MEMBERS,
        policy: PolicyFile {
            source: "chat/policy.toml".into(),
            text: POLICY.into(),
            schema: schema()?,
        },
        proposal: "chat-policy",
        title: "Adopt the chat data policy",
        body: "Members talk in the channels they are in, and read and join public ones.",
    })
}

/// Sets the demo co-op up in `coop` if it has no ledger yet (its members, the policy
/// by their vote, a public channel `#general` with a first message), and gives each
/// member a fresh random password: the sign-in details to print.
///
/// # Errors
///
/// A store failure, or a step the co-op's rules refuse (a bug in the demo).
pub async fn start(
    coop: &Coop,
    channels: &Channels,
    now: DateTime<Utc>,
) -> Result<Vec<DemoMember>, ChatError> {
    let demo = demo()?;
    if demo.found(coop, now).await? {
        let alva = Actor {
            member: member("1")?,
            at: Timestamp::new(now).map_err(refused)?,
        };
        let general = channels
            .open_channel(
                &alva,
                "general".into(),
                ChannelKind::Public,
                [member("2")?].into(),
            )
            .await?;
        let hello = ChannelCommand::Post {
            text: "Welcome! This chat is ours: each message is its author's.".into(),
            by: alva.member.clone(),
            thread: None,
            broadcast: false,
            files: Vec::new(),
        };
        channels.execute(&alva, &general, hello).await?;
    }
    Ok(demo.passwords(coop, now).await?)
}

fn member(id: &str) -> Result<MemberId, ChatError> {
    id.parse().map_err(refused)
}

fn refused(err: impl std::fmt::Display) -> ChatError {
    ChatError::from(ServiceError::Refused(err.to_string()))
}

/// The demo co-op as controller of its members' data, named on their archives.
///
/// # Errors
///
/// Never for the text shipped.
pub fn controller() -> Result<andel_consent::Controller, ChatError> {
    toml::from_str(CONTROLLER).map_err(refused)
}

const CONTROLLER: &str = r#"
name = "Demo chat co-op"
contact = "The board's secretary"
address = "Storgatan 1, 211 34 Malmö, Sweden"
email = "board@chat-demo.example"
jurisdiction = "SE"
policy_url = "http://127.0.0.1:8081/"
"#;
