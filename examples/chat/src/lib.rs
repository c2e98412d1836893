//! A team chat its members own, built on the Andel SDK.
//!
//! Each channel (public, private, or a direct conversation) is a journal stream
//! (`chat.channel.<id>`), and every message, edit and reaction is an entry in it,
//! hash-chained and verifiable. Each message belongs to the member who wrote it;
//! deleting it is the journal's redaction, which erases its words and keeps its place,
//! so threads keep their shape and the chain still verifies. Who may read a channel,
//! and whose messages in it, is decided by the consent engine under the data policy
//! the co-op's members adopted, and every decision is recorded in the audit journal.
//!
//! - [`channel`]: the channel as an aggregate (pure: a command decides events);
//! - [`Channels`]: the use cases (ask the consent engine, decide, record, tell
//!   followers);
//! - [`slack`]: Slack workspace exports read, as hostile input, from a folder or a
//!   zip, and planned into channels;
//! - [`demo`]: a demo co-op to try it with.
//!
//! ```
//! use std::sync::Arc;
//! use andel_service::{Access, Coop};
//! use chat::channel::ChannelCommand;
//! use chat::{Actor, Channels};
//!
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! # let dir = tempfile::tempdir()?;
//! # let location = format!("sqlite:{}", dir.path().join("coop.db").display()).parse()?;
//! let coop = Arc::new(Coop::open(&location, "demo".parse()?, Access::Start).await?);
//! let channels = Channels::new(Arc::clone(&coop));
//! // Three members, the chat policy adopted by their vote, #general.
//! chat::demo::start(&coop, &channels, chrono::Utc::now()).await?;
//! let bo = Actor { member: "2".parse()?, at: andel_journal::Timestamp::new(chrono::Utc::now())? };
//! let general = channels.list(&bo).await?.remove(0);
//! assert_eq!((general.name.as_str(), general.unread), ("general", 1));
//! let reply = ChannelCommand::Post {
//!     text: "Hello!".into(), by: bo.member.clone(), thread: None, broadcast: false, files: vec![],
//! };
//! channels.execute(&bo, &general.id, reply).await?;
//! let view = channels.view(&bo, &general.id).await?;
//! assert_eq!(view.timeline.len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![doc(html_root_url = "https://docs.rs/chat")]

pub mod api;
mod archive;
pub mod channel;
mod channels;
pub mod demo;
mod follow;
mod page;
pub mod slack;

pub use api::{Chat, ChatApi, app};
pub use archive::{ChatData, MODULE};
pub use channels::{
    Actor, CHANNEL_PREFIX, ChannelId, ChannelSummary, ChannelView, Channels, ChatError,
    ContentView, Delivered, MAX_ENTRIES, MessageView, Reader, SERVICE,
};
pub use follow::{Following, Sent};
