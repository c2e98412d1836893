//! The chat JSON API, its live WebSocket and the web page: each handler parses, calls one use case
//! of [`Channels`] and answers. Mounted beside the routes every co-op service has
//! ([`andel_http::router`]).

use std::collections::BTreeSet;
use std::sync::Arc;

use andel_consent::MemberId;
use andel_http::axum::extract::{FromRef, State};
use andel_http::axum::http::{HeaderMap, StatusCode, header};
use andel_http::axum::response::Response;
use andel_http::axum::routing::{get, patch, post, put};
use andel_http::axum::{Json, Router};
use andel_http::{App, Body, PathParams, Problem, QueryParams, SignedInMember};
use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use futures_util::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::channel::{ChannelCommand, ChannelEvent, ChannelKind, FileMeta, MessageId, Refusal};
use crate::{
    Actor, ChannelId, ChannelSummary, ChannelView, Channels, ChatError, ContentView, Delivered,
    Following, MessageView,
};

/// What the chat handlers share: the co-op's web app and its channels.
#[derive(Clone)]
pub struct Chat {
    /// The co-op's web app (sign-in, the member's own pages).
    pub http: App,
    /// The co-op's channels.
    pub channels: Arc<Channels>,
}

impl FromRef<Chat> for App {
    fn from_ref(chat: &Chat) -> App {
        chat.http.clone()
    }
}

/// The chat routes and their documentation.
#[derive(OpenApi)]
#[openapi(
    paths(
        channels, open_channel, channel, entries, live, post_message, edit_message,
        delete_message, react, unreact, join, leave, set_topic, mark_read
    ),
    components(schemas(
        ChannelSummary, ChannelView, MessageView, ContentView, Delivered, ChannelEvent,
        ChannelKind, FileMeta, MessageId, NewChannel, Opened, NewMessage, Edit, Topic,
        ReadUpTo, Joining, Changed
    )),
    tags((name = "channels", description = "Channels, messages, threads and reactions"))
)]
pub struct ChatApi;

/// The whole service: the routes every co-op service mounts, and the chat API.
pub fn app(chat: Chat) -> Router {
    let http = chat.http.clone().with_api(ChatApi::openapi());
    let chat = Chat {
        http: http.clone(),
        ..chat
    };
    let api = Router::new()
        .route("/api/channels", get(channels).post(open_channel))
        .route("/api/channels/{channel}", get(channel))
        .route("/api/channels/{channel}/entries", get(entries))
        .route("/api/channels/{channel}/live", get(live))
        .route("/api/channels/{channel}/messages", post(post_message))
        .route(
            "/api/channels/{channel}/messages/{message}",
            patch(edit_message).delete(delete_message),
        )
        .route(
            "/api/channels/{channel}/messages/{message}/reactions/{emoji}",
            put(react).delete(unreact),
        )
        .route("/api/channels/{channel}/members", post(join))
        .route(
            "/api/channels/{channel}/members/{member}",
            andel_http::axum::routing::delete(leave),
        )
        .route("/api/channels/{channel}/topic", put(set_topic))
        .route("/api/channels/{channel}/read", post(mark_read))
        .with_state(chat);
    crate::page::routes()
        .merge(api)
        .merge(andel_http::router(http))
}

impl From<ChatError> for Problem {
    fn from(err: ChatError) -> Problem {
        match err {
            ChatError::NoChannel { .. } => Problem::not_found(err.to_string()),
            ChatError::NotInCoop { .. } => {
                Problem::new(422, "not-a-member", "No such member", err.to_string())
            }
            ChatError::Refused(Refusal::UnknownMessage { .. } | Refusal::NotOpened) => {
                Problem::not_found(err.to_string())
            }
            ChatError::Refused(refusal) => Problem::new(
                422,
                "channel-refused",
                "The channel refused the change",
                refusal.to_string(),
            ),
            ChatError::Denied { explanation } => Problem::new(
                403,
                "denied",
                "The co-op's data policy does not allow this",
                explanation,
            ),
            ChatError::Broken { .. } => {
                tracing::error!(%err, "a channel does not read");
                Problem::new(
                    500,
                    "internal",
                    "The service failed",
                    "see the server's log",
                )
            }
            ChatError::Service(err) => Problem::from(*err),
        }
    }
}

/// The member in force who asks, now.
fn actor(chat: &Chat, member: &SignedInMember, what: &str) -> Result<Actor, Problem> {
    member.require_in_force(what)?;
    Ok(Actor {
        member: member.member_id()?,
        at: chat.http.now()?,
    })
}

fn channel_id(text: &str) -> Result<ChannelId, Problem> {
    text.parse().map_err(Problem::not_found)
}

fn message_id(text: &str) -> Result<MessageId, Problem> {
    text.parse::<u32>().map(MessageId).map_err(|_| {
        Problem::not_found(format!(
            "`{text}` is not a message id; ids are whole numbers"
        ))
    })
}

/// What a change recorded: the channel's events it added (none when nothing changed).
#[derive(Debug, Serialize, ToSchema)]
pub struct Changed {
    /// The events, in order.
    pub events: Vec<ChannelEvent>,
}

/// Runs `command` on the channel in the path.
async fn run(
    chat: &Chat,
    member: &SignedInMember,
    channel: &str,
    command: impl FnOnce(MemberId) -> ChannelCommand,
) -> Result<Json<Changed>, Problem> {
    let actor = actor(chat, member, "talk in channels")?;
    let command = command(actor.member.clone());
    let events = chat
        .channels
        .execute(&actor, &channel_id(channel)?, command)
        .await?;
    Ok(Json(Changed { events }))
}

/// The channels the member is in, and every public one.
#[utoipa::path(get, path = "/api/channels", tag = "channels",
    responses((status = 200, body = Vec<ChannelSummary>), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn channels(
    State(chat): State<Chat>,
    member: SignedInMember,
) -> Result<Json<Vec<ChannelSummary>>, Problem> {
    let actor = actor(&chat, &member, "use the chat")?;
    Ok(Json(chat.channels.list(&actor).await?))
}

/// A new channel.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewChannel {
    /// Its name.
    pub name: String,
    /// `public`, `private` or `direct`.
    pub kind: ChannelKind,
    /// Who else is in it from the start (member numbers).
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub members: BTreeSet<MemberId>,
}

/// The channel opened.
#[derive(Debug, Serialize, ToSchema)]
pub struct Opened {
    /// Its id.
    #[schema(value_type = String)]
    pub id: ChannelId,
}

/// Opens a channel, the member in it with those named.
#[utoipa::path(post, path = "/api/channels", tag = "channels", request_body = NewChannel,
    responses((status = 201, body = Opened), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn open_channel(
    State(chat): State<Chat>,
    member: SignedInMember,
    Body(new): Body<NewChannel>,
) -> Result<(StatusCode, Json<Opened>), Problem> {
    let actor = actor(&chat, &member, "open channels")?;
    let id = chat
        .channels
        .open_channel(&actor, new.name, new.kind, new.members)
        .await?;
    Ok((StatusCode::CREATED, Json(Opened { id })))
}

/// A channel as the co-op's data policy lets the member see it.
#[utoipa::path(get, path = "/api/channels/{channel}", tag = "channels",
    params(("channel" = String, Path, description = "The channel's id")),
    responses((status = 200, body = ChannelView), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn channel(
    State(chat): State<Chat>,
    member: SignedInMember,
    PathParams(channel): PathParams<String>,
) -> Result<Json<ChannelView>, Problem> {
    let actor = actor(&chat, &member, "use the chat")?;
    Ok(Json(
        chat.channels.view(&actor, &channel_id(&channel)?).await?,
    ))
}

/// Where to follow a channel from.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct After {
    /// The seq of the first entry wanted: the `next_seq` of a view, or one past the
    /// last entry received.
    #[serde(default)]
    pub after: u64,
}

/// The channel's entries from `after` on (at most 1,000), as the member may see them:
/// how a client that was away catches up.
#[utoipa::path(get, path = "/api/channels/{channel}/entries", tag = "channels",
    params(("channel" = String, Path, description = "The channel's id"), After),
    responses((status = 200, body = Vec<Delivered>), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn entries(
    State(chat): State<Chat>,
    member: SignedInMember,
    PathParams(channel): PathParams<String>,
    QueryParams(after): QueryParams<After>,
) -> Result<Json<Vec<Delivered>>, Problem> {
    let actor = actor(&chat, &member, "use the chat")?;
    let mut reader = chat.channels.reader(&actor, &channel_id(&channel)?).await?;
    Ok(Json(chat.channels.entries(&mut reader, after.after).await?))
}

/// Follows a channel live over a WebSocket: the server sends each entry from `after`
/// on as a JSON text message (a `Delivered`), then each new one as it is recorded, in
/// order, each once. A client that reconnects with `after` one past the last seq it
/// received misses nothing and receives nothing twice.
#[utoipa::path(get, path = "/api/channels/{channel}/live", tag = "channels",
    params(("channel" = String, Path, description = "The channel's id"), After),
    responses((status = 101, description = "Switching to the WebSocket protocol"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn live(
    State(chat): State<Chat>,
    member: SignedInMember,
    PathParams(channel): PathParams<String>,
    QueryParams(after): QueryParams<After>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Result<Response, Problem> {
    same_origin(&headers)?;
    let actor = actor(&chat, &member, "use the chat")?;
    let id = channel_id(&channel)?;
    let reader = chat.channels.reader(&actor, &id).await?;
    let following = chat.channels.follow(reader, after.after).await?;
    Ok(upgrade.on_upgrade(move |socket| relay(following, socket)))
}

/// Refuses a WebSocket opened by a page of another site: the session cookie is
/// `SameSite=Strict` already; this holds for sites on the same domain too.
fn same_origin(headers: &HeaderMap) -> Result<(), Problem> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, rest)| rest);
    match (origin_host, host) {
        (Some(origin), Some(host)) if origin == host => Ok(()),
        _ => Err(Problem::new(
            403,
            "cross-origin",
            "Another site's page may not follow a channel",
            "the WebSocket's Origin is not this server",
        )),
    }
}

/// Sends the follower each entry as it comes, until the socket closes or they leave
/// the channel. What the client sends is read by a task of its own, which wakes only
/// when something comes: polling the socket for it beside every send would cost a read
/// (and a cleared buffer) per entry per follower.
async fn relay(mut following: Following, socket: WebSocket) {
    let (mut sink, mut stream) = socket.split();
    let mut closed = tokio::spawn(async move {
        while let Some(Ok(message)) = stream.next().await {
            if matches!(message, Message::Close(_)) {
                return;
            }
        }
    });
    loop {
        tokio::select! {
            sent = following.next() => {
                let sent = match sent {
                    Ok(sent) => sent,
                    Err(err) => {
                        tracing::warn!(%err, channel = %following.reader().channel(), "a follower stops");
                        let _ = sink.send(Message::Close(None)).await;
                        break;
                    }
                };
                let mut leaves = false;
                for entry in sent {
                    let Ok(text) = Utf8Bytes::try_from(entry.json) else {
                        break;
                    };
                    if sink.feed(Message::Text(text)).await.is_err() {
                        closed.abort();
                        return;
                    }
                    leaves |= entry.leaves;
                }
                if sink.flush().await.is_err() {
                    break;
                }
                // Who left a channel follows it no more; they may open a new follow.
                if leaves {
                    let _ = sink.send(Message::Close(None)).await;
                    break;
                }
            }
            _ = &mut closed => return,
        }
    }
    closed.abort();
}

/// A message to post.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    /// Its words (may be empty when it carries files).
    #[serde(default)]
    pub text: String,
    /// The message whose thread it replies in.
    #[serde(default)]
    pub thread: Option<MessageId>,
    /// Whether a reply is shown in the channel too.
    #[serde(default)]
    pub broadcast: bool,
    /// Files it carries, by their metadata.
    #[serde(default)]
    pub files: Vec<FileMeta>,
}

/// Posts a message, to the channel or in a thread.
#[utoipa::path(post, path = "/api/channels/{channel}/messages", tag = "channels", request_body = NewMessage,
    params(("channel" = String, Path, description = "The channel's id")),
    responses((status = 200, body = Changed), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn post_message(
    State(chat): State<Chat>,
    member: SignedInMember,
    PathParams(channel): PathParams<String>,
    Body(new): Body<NewMessage>,
) -> Result<Json<Changed>, Problem> {
    run(&chat, &member, &channel, |by| ChannelCommand::Post {
        text: new.text,
        by,
        thread: new.thread,
        broadcast: new.broadcast,
        files: new.files,
    })
    .await
}

/// A message's new words.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Edit {
    /// Its words now.
    pub text: String,
}

/// Changes the words of a message of the member's; the earlier words stay in its
/// history.
#[utoipa::path(patch, path = "/api/channels/{channel}/messages/{message}", tag = "channels", request_body = Edit,
    params(("channel" = String, Path, description = "The channel's id"), ("message" = u32, Path, description = "The message's id")),
    responses((status = 200, body = Changed), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn edit_message(
    State(chat): State<Chat>,
    member: SignedInMember,
    PathParams((channel, message)): PathParams<(String, String)>,
    Body(edit): Body<Edit>,
) -> Result<Json<Changed>, Problem> {
    let message = message_id(&message)?;
    run(&chat, &member, &channel, |by| ChannelCommand::Edit {
        message,
        text: edit.text,
        by,
    })
    .await
}

/// Deletes a message of the member's: its words are erased from the journal (its post
/// and edits redacted), its place stays for its thread.
#[utoipa::path(delete, path = "/api/channels/{channel}/messages/{message}", tag = "channels",
    params(("channel" = String, Path, description = "The channel's id"), ("message" = u32, Path, description = "The message's id")),
    responses((status = 204, description = "Deleted"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn delete_message(
    State(chat): State<Chat>,
    member: SignedInMember,
    PathParams((channel, message)): PathParams<(String, String)>,
) -> Result<StatusCode, Problem> {
    let actor = actor(&chat, &member, "delete messages")?;
    chat.channels
        .delete(&actor, &channel_id(&channel)?, message_id(&message)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reacts to a message with an emoji (by its name: `tada`).
#[utoipa::path(put, path = "/api/channels/{channel}/messages/{message}/reactions/{emoji}", tag = "channels",
    params(("channel" = String, Path, description = "The channel's id"), ("message" = u32, Path, description = "The message's id"), ("emoji" = String, Path, description = "The emoji's name")),
    responses((status = 200, body = Changed), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn react(
    State(chat): State<Chat>,
    member: SignedInMember,
    PathParams((channel, message, emoji)): PathParams<(String, String, String)>,
) -> Result<Json<Changed>, Problem> {
    let message = message_id(&message)?;
    run(&chat, &member, &channel, |by| ChannelCommand::React {
        message,
        emoji,
        by,
    })
    .await
}

/// Takes a reaction back.
#[utoipa::path(delete, path = "/api/channels/{channel}/messages/{message}/reactions/{emoji}", tag = "channels",
    params(("channel" = String, Path, description = "The channel's id"), ("message" = u32, Path, description = "The message's id"), ("emoji" = String, Path, description = "The emoji's name")),
    responses((status = 200, body = Changed), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn unreact(
    State(chat): State<Chat>,
    member: SignedInMember,
    PathParams((channel, message, emoji)): PathParams<(String, String, String)>,
) -> Result<Json<Changed>, Problem> {
    let message = message_id(&message)?;
    run(&chat, &member, &channel, |by| ChannelCommand::Unreact {
        message,
        emoji,
        by,
    })
    .await
}

/// Who joins: the member themself, or (in a private channel) another member a member
/// of it adds.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Joining {
    /// Their member number; the member asking when left out.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub member: Option<MemberId>,
}

/// Joins a channel, or adds a member to it.
#[utoipa::path(post, path = "/api/channels/{channel}/members", tag = "channels", request_body = Joining,
    params(("channel" = String, Path, description = "The channel's id")),
    responses((status = 200, body = Changed), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn join(
    State(chat): State<Chat>,
    member: SignedInMember,
    PathParams(channel): PathParams<String>,
    Body(joining): Body<Joining>,
) -> Result<Json<Changed>, Problem> {
    run(&chat, &member, &channel, |me| ChannelCommand::Join {
        member: joining.member.unwrap_or(me),
    })
    .await
}

/// Leaves a channel (or, for its opener, takes a member out of it).
#[utoipa::path(delete, path = "/api/channels/{channel}/members/{member}", tag = "channels",
    params(("channel" = String, Path, description = "The channel's id"), ("member" = String, Path, description = "The member's number")),
    responses((status = 200, body = Changed), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn leave(
    State(chat): State<Chat>,
    member: SignedInMember,
    PathParams((channel, leaving)): PathParams<(String, String)>,
) -> Result<Json<Changed>, Problem> {
    let leaving: MemberId = leaving
        .parse()
        .map_err(|err: andel_consent::NameError| Problem::not_found(err.to_string()))?;
    run(&chat, &member, &channel, |_| ChannelCommand::Leave {
        member: leaving,
    })
    .await
}

/// A channel's topic.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    /// The topic (empty: none).
    pub topic: String,
}

/// Sets a channel's topic.
#[utoipa::path(put, path = "/api/channels/{channel}/topic", tag = "channels", request_body = Topic,
    params(("channel" = String, Path, description = "The channel's id")),
    responses((status = 200, body = Changed), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn set_topic(
    State(chat): State<Chat>,
    member: SignedInMember,
    PathParams(channel): PathParams<String>,
    Body(topic): Body<Topic>,
) -> Result<Json<Changed>, Problem> {
    run(&chat, &member, &channel, |by| ChannelCommand::SetTopic {
        topic: topic.topic,
        by,
    })
    .await
}

/// How far the member has read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadUpTo {
    /// The last message they have seen.
    pub up_to: MessageId,
}

/// Marks a channel read up to a message.
#[utoipa::path(post, path = "/api/channels/{channel}/read", tag = "channels", request_body = ReadUpTo,
    params(("channel" = String, Path, description = "The channel's id")),
    responses((status = 200, body = Changed), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn mark_read(
    State(chat): State<Chat>,
    member: SignedInMember,
    PathParams(channel): PathParams<String>,
    Body(read): Body<ReadUpTo>,
) -> Result<Json<Changed>, Problem> {
    run(&chat, &member, &channel, |by| ChannelCommand::MarkRead {
        up_to: read.up_to,
        by,
    })
    .await
}
