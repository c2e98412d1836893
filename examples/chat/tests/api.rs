//! The chat API in process (`oneshot`), on the demo co-op, and its live WebSocket on a
//! real socket: every route, refusals under the co-op's policy, catching up after a
//! disconnect with nothing lost or doubled.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::Arc;

use andel_http::App;
use andel_http::axum::Router;
use andel_http::axum::body::Body;
use andel_http::axum::http::{Method, Request, StatusCode, header};
use andel_journal::Timestamp;
use andel_ledger::MemberNumber;
use andel_service::{Access, Coop};
use andel_testkit::http::{Member, send};
use chat::{Channels, Chat};
use futures_util::StreamExt;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite;
use tower::ServiceExt;

const PASSWORD: &str = "correct horse battery staple";

struct Site {
    _dir: tempfile::TempDir,
    app: Router,
}

async fn site() -> Site {
    let dir = tempfile::tempdir().unwrap();
    let location = format!("sqlite:{}", dir.path().join("chat.db").display())
        .parse()
        .unwrap();
    let coop = Arc::new(
        Coop::open(&location, "demo".parse().unwrap(), Access::Start)
            .await
            .unwrap(),
    );
    let channels = Arc::new(Channels::new(Arc::clone(&coop)));
    chat::demo::start(&coop, &channels, chrono::Utc::now())
        .await
        .unwrap();
    let now = Timestamp::new(chrono::Utc::now()).unwrap();
    for member in 1..=3 {
        coop.set_password(MemberNumber::new(member).unwrap(), PASSWORD, now)
            .await
            .unwrap();
    }
    let http = App::new(coop)
        .with_controller(chat::demo::controller().unwrap())
        .with_service_data(Arc::new(chat::ChatData::new(Arc::clone(&channels))));
    Site {
        _dir: dir,
        app: chat::app(Chat { http, channels }),
    }
}

async fn sign_in(app: &Router, member: u32) -> Member {
    andel_testkit::http::sign_in(app, member, PASSWORD).await
}

async fn general(app: &Router, member: &Member) -> String {
    let (status, list) = member.get(app, "/api/channels").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list[0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn members_talk_in_a_channel_with_threads_reactions_edits_and_deletions() {
    let site = site().await;
    let app = &site.app;
    let (alva, bo) = (sign_in(app, 1).await, sign_in(app, 2).await);
    let general = general(app, &alva).await;
    let base = format!("/api/channels/{general}");
    let (status, posted) = bo
        .post(
            app,
            &format!("{base}/messages"),
            json!({"text": "Who brings cake?"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{posted}");
    let root = posted["events"][0]["message"].as_u64().unwrap();
    let (status, _) = alva
        .post(
            app,
            &format!("{base}/messages"),
            json!({"text": "I do, <@2>", "thread": root, "broadcast": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = alva
        .call(
            app,
            Method::PUT,
            &format!("{base}/messages/{root}/reactions/cake"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, edited) = bo
        .call(
            app,
            Method::PATCH,
            &format!("{base}/messages/{root}"),
            Some(json!({"text": "Who brings the cake?"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    let (status, _) = bo
        .call(
            app,
            Method::PUT,
            &format!("{base}/topic"),
            Some(json!({"topic": "the fair"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, view) = alva.get(app, &base).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["topic"], "the fair");
    let root_view = &view["messages"][usize::try_from(root).unwrap() - 1];
    assert_eq!(root_view["content"]["text"], "Who brings the cake?");
    assert!(root_view["content"]["edited"].is_string());
    assert_eq!(root_view["reactions"]["cake"], json!(["1"]));
    assert_eq!(root_view["replies"].as_array().unwrap().len(), 1);
    let reply = &view["messages"][usize::try_from(root).unwrap()];
    assert_eq!(reply["content"]["mentions"], json!(["2"]));
    // Alva may not touch Bo's words; Bo deletes them.
    let (status, problem) = alva
        .call(
            app,
            Method::DELETE,
            &format!("{base}/messages/{root}"),
            None,
        )
        .await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (StatusCode::FORBIDDEN, Some("urn:andel:problem:denied"))
    );
    let (status, _) = bo
        .call(
            app,
            Method::DELETE,
            &format!("{base}/messages/{root}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, view) = alva.get(app, &base).await;
    let root_view = &view["messages"][usize::try_from(root).unwrap() - 1];
    assert_eq!(root_view["content"], Value::Null);
    assert_eq!(
        root_view["replies"].as_array().unwrap().len(),
        1,
        "the thread keeps its shape"
    );
    let (status, _) = alva
        .call(
            app,
            Method::DELETE,
            &format!("{base}/messages/{root}/reactions/cake"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, read) = alva
        .post(app, &format!("{base}/read"), json!({"up_to": root + 1}))
        .await;
    assert_eq!(status, StatusCode::OK, "{read}");
    let (_, list) = alva.get(app, "/api/channels").await;
    assert_eq!(list[0]["unread"], 0);
}

#[tokio::test]
async fn private_channels_joining_and_leaving_follow_the_policy() {
    let site = site().await;
    let app = &site.app;
    let (alva, bo, cai) = (
        sign_in(app, 1).await,
        sign_in(app, 2).await,
        sign_in(app, 3).await,
    );
    let (status, opened) = alva
        .post(
            app,
            "/api/channels",
            json!({"name": "board", "kind": "private", "members": ["2"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{opened}");
    let board = format!("/api/channels/{}", opened["id"].as_str().unwrap());
    let (status, problem) = cai.get(app, &board).await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (StatusCode::FORBIDDEN, Some("urn:andel:problem:denied"))
    );
    let (status, _) = cai.post(app, &format!("{board}/members"), json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A member of it adds her; then she reads it.
    let (status, _) = bo
        .post(app, &format!("{board}/members"), json!({"member": "3"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cai.get(app, &board).await.0, StatusCode::OK);
    // Bo may not take her out; the opener may; she may leave herself.
    let (status, _) = bo
        .call(app, Method::DELETE, &format!("{board}/members/3"), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = cai
        .call(app, Method::DELETE, &format!("{board}/members/3"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cai.get(app, &board).await.0, StatusCode::FORBIDDEN);
    let (status, problem) = alva
        .post(
            app,
            "/api/channels",
            json!({"name": "x", "kind": "direct", "members": ["42"]}),
        )
        .await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("urn:andel:problem:not-a-member")
        )
    );
    let (status, problem) = alva
        .post(
            app,
            "/api/channels",
            json!({"name": "me", "kind": "direct"}),
        )
        .await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("urn:andel:problem:channel-refused")
        )
    );
}

#[tokio::test]
async fn mistyped_ids_and_bodies_are_errors_that_name_them() {
    let site = site().await;
    let app = &site.app;
    let alva = sign_in(app, 1).await;
    let general = general(app, &alva).await;
    let (status, problem) = alva.get(app, "/api/channels/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        problem["detail"].as_str().unwrap().contains("`nope`"),
        "{problem}"
    );
    let (status, problem) = alva
        .call(
            app,
            Method::PATCH,
            &format!("/api/channels/{general}/messages/x1"),
            Some(json!({"text": "a"})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("`x1` is not a message id"),
        "{problem}"
    );
    let (status, problem) = alva
        .call(
            app,
            Method::PATCH,
            &format!("/api/channels/{general}/messages/77"),
            Some(json!({"text": "a"})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    let (status, _) = alva
        .post(
            app,
            &format!("/api/channels/{general}/messages"),
            json!({"txt": "typo"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = alva
        .post(
            app,
            &format!("/api/channels/{general}/messages"),
            json!({"text": ""}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Signed out: nothing.
    let (response, _) = send(
        app,
        Request::get("/api/channels").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_openapi_document_describes_every_chat_route() {
    let site = site().await;
    let (response, doc) = send(
        &site.app,
        Request::get("/api/openapi.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/channels",
        "/api/channels/{channel}",
        "/api/channels/{channel}/entries",
        "/api/channels/{channel}/live",
        "/api/channels/{channel}/messages",
        "/api/channels/{channel}/messages/{message}",
        "/api/channels/{channel}/messages/{message}/reactions/{emoji}",
        "/api/channels/{channel}/members",
        "/api/channels/{channel}/members/{member}",
        "/api/channels/{channel}/topic",
        "/api/channels/{channel}/read",
    ] {
        assert!(paths.contains_key(path), "{path} is not documented");
    }
}

/// A WebSocket following `channel` from `after`, as `member`.
async fn follow(
    addr: std::net::SocketAddr,
    member: &Member,
    channel: &str,
    after: u64,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    use tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://{addr}/api/channels/{channel}/live?after={after}")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert(header::COOKIE, member.cookie.parse().unwrap());
    let (socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    socket
}

async fn next_entry(
    socket: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
) -> Value {
    let message = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
        .await
        .expect("an entry within 10 s")
        .unwrap()
        .unwrap();
    serde_json::from_str(message.to_text().unwrap()).unwrap()
}

#[tokio::test]
async fn a_follower_hears_each_entry_once_and_catches_up_after_a_disconnect() {
    let site = site().await;
    let app = site.app.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = app
        .clone()
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { andel_http::axum::serve(listener, server).await });
    let (alva, bo) = (sign_in(&app, 1).await, sign_in(&app, 2).await);
    let general = general(&app, &alva).await;
    // From the start: the stream's entries so far, in order.
    let mut socket = follow(addr, &bo, &general, 0).await;
    let first = next_entry(&mut socket).await;
    assert_eq!(
        (first["seq"].as_u64(), first["kind"].as_str()),
        (Some(0), Some("chat.opened"))
    );
    let mut seen = vec![0];
    seen.push(next_entry(&mut socket).await["seq"].as_u64().unwrap());
    assert_eq!(seen, [0, 1], "the opening and the welcome");
    // Live: a post reaches the follower.
    let post = |text: &str| json!({"text": text});
    alva.post(
        &app,
        &format!("/api/channels/{general}/messages"),
        post("live one"),
    )
    .await;
    let live = next_entry(&mut socket).await;
    assert_eq!(
        (live["seq"].as_u64(), live["event"]["text"].as_str()),
        (Some(2), Some("live one"))
    );
    // Away while two more are posted; back from the next seq: exactly those two.
    socket.close(None).await.unwrap();
    drop(socket);
    alva.post(
        &app,
        &format!("/api/channels/{general}/messages"),
        post("missed one"),
    )
    .await;
    alva.post(
        &app,
        &format!("/api/channels/{general}/messages"),
        post("missed two"),
    )
    .await;
    let mut socket = follow(addr, &bo, &general, 3).await;
    let texts = [next_entry(&mut socket).await, next_entry(&mut socket).await];
    assert_eq!(
        texts
            .iter()
            .map(|e| e["seq"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [3, 4]
    );
    assert_eq!(texts[1]["event"]["text"], "missed two");
    alva.post(
        &app,
        &format!("/api/channels/{general}/messages"),
        post("after"),
    )
    .await;
    assert_eq!(next_entry(&mut socket).await["seq"], 5, "nothing doubled");
    // Another site's page may not follow.
    use tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://{addr}/api/channels/{general}/live")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert(header::COOKIE, bo.cookie.parse().unwrap());
    request
        .headers_mut()
        .insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    let refused = tokio_tungstenite::connect_async(request).await.unwrap_err();
    assert!(refused.to_string().contains("403"), "{refused}");
}

#[tokio::test]
async fn a_members_archive_holds_their_messages_as_activities_and_others_as_places() {
    let site = site().await;
    let app = &site.app;
    let (alva, bo) = (sign_in(app, 1).await, sign_in(app, 2).await);
    let general = general(app, &alva).await;
    let base = format!("/api/channels/{general}");
    bo.post(
        app,
        &format!("{base}/messages"),
        json!({"text": "Bo's question"}),
    )
    .await;
    alva.post(
        app,
        &format!("{base}/messages"),
        json!({"text": "Alva answers <@2>", "thread": 2}),
    )
    .await;
    alva.call(
        app,
        Method::PUT,
        &format!("{base}/messages/2/reactions/tada"),
        None,
    )
    .await;
    let request = Request::get("/api/me/archive")
        .header(header::COOKIE, &alva.cookie)
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alva.zip");
    std::fs::write(&path, &bytes).unwrap();
    let report = andel_service::verify_archive(&path).unwrap();
    assert!(report.is_ok(), "{report:?}");
    let mut archive =
        andel_export::Archive::open(std::io::Cursor::new(bytes), andel_export::Limits::default())
            .unwrap();
    assert!(
        archive
            .manifest()
            .modules
            .iter()
            .any(|m| m.id == chat::MODULE)
    );
    let mut text = String::new();
    let mut file = archive
        .file(&format!("chat/channels/{general}.activities.json"))
        .unwrap();
    std::io::Read::read_to_string(&mut file, &mut text).unwrap();
    drop(file);
    let collection: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(collection["type"], "OrderedCollection");
    let items = collection["orderedItems"].as_array().unwrap();
    // Her welcome and her answer whole; Bo's question only as its place in the thread.
    assert_eq!(items[0]["type"], "Create");
    assert!(
        items[0]["object"]["content"]
            .as_str()
            .unwrap()
            .starts_with("Welcome")
    );
    assert_eq!(
        items[1],
        json!({"type": "Tombstone", "id": format!("urn:andel:chat:{general}:2"), "formerType": "Note"})
    );
    assert!(
        !text.contains("Bo's question"),
        "Bo's words are his: {text}"
    );
    let answer = &items[2]["object"];
    assert_eq!(answer["inReplyTo"], format!("urn:andel:chat:{general}:2"));
    assert_eq!(answer["tag"][0]["href"], "urn:andel:member:2");
    assert_eq!(
        items[3],
        json!({"type": "Like", "actor": "urn:andel:member:1", "object": format!("urn:andel:chat:{general}:2"), "content": "tada"})
    );
    // And her entries of the channel's stream, with proofs.
    let mut entries = String::new();
    let mut file = archive.file("journal/entries.ndjson").unwrap();
    std::io::Read::read_to_string(&mut file, &mut entries).unwrap();
    assert!(
        entries
            .lines()
            .filter(|l| l.contains("chat.channel."))
            .count()
            >= 3,
        "{entries}"
    );
}
