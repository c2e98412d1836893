//! The chat page in real browsers: headless Chromium, driven through chromedriver with
//! fantoccini. Two members sign in in two browsers of their own; one posts, the other
//! replies in the thread, and the first sees the reply arrive live, without reloading.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them). Where
//! they are missing the test says so and passes, unless `ANDEL_REQUIRE_ALL=1` (CI),
//! where a missing browser fails it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use andel_http::App;
use andel_journal::Timestamp;
use andel_ledger::MemberNumber;
use andel_service::{Access, Coop};
use andel_testkit::browser::{Browser, Client, click, fill};
use chat::{Channels, Chat};

const PASSWORD: &str = "correct horse battery staple";

/// The demo co-op served on a free port; every member's password is PASSWORD.
async fn serve(dir: &std::path::Path) -> SocketAddr {
    let location = format!("sqlite:{}", dir.join("chat.db").display())
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
    let routes = chat::app(Chat {
        http: App::new(coop),
        channels,
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        andel_http::axum::serve(
            listener,
            routes.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    address
}

/// The words of the messages in `css` (`#timeline` or `#thread-messages`).
async fn words(client: &Client, css: &str) -> Vec<String> {
    let script = format!(
        "return [...document.querySelectorAll('{css} .message .text')].map(t => t.textContent.trim())"
    );
    serde_json::from_value(client.execute(&script, vec![]).await.unwrap()).unwrap()
}

/// Waits until the messages in `css` hold `text`.
async fn until_shown(client: &Client, css: &str, text: &str) {
    let mut seen = Vec::new();
    for _ in 0..100 {
        seen = words(client, css).await;
        if seen.iter().any(|w| w == text) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never showed {text:?}; it shows {seen:?}");
}

/// Clicks the `action` button of the message saying `text`.
async fn on_message(client: &Client, text: &str, action: &str) {
    let script = format!(
        "const m = [...document.querySelectorAll('#timeline .message')].find(m => m.querySelector('.text').textContent.trim() === {text:?}); \
         m.querySelector('[data-action=\"{action}\"]').click();"
    );
    client.execute(&script, vec![]).await.unwrap();
}

async fn sign_in_to_general(client: &Client, address: SocketAddr, member: &str) {
    client.goto(&format!("http://{address}/")).await.unwrap();
    fill(client, "#signin-member", member).await;
    fill(client, "#signin-password", PASSWORD).await;
    click(client, "#signin-submit").await;
    click(client, "#channel-list a[data-channel-id]").await;
    until_shown(
        client,
        "#timeline",
        "Welcome! This chat is ours: each message is its author's.",
    )
    .await;
}

#[tokio::test]
async fn two_members_chat_and_a_thread_reply_arrives_live() {
    let Some(browser) = Browser::start("the chat browser test").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let address = serve(dir.path()).await;
    let (alva, bo) = (browser.session().await, browser.session().await);
    sign_in_to_general(&alva, address, "1").await;
    sign_in_to_general(&bo, address, "2").await;

    fill(&alva, "#post-text", "Who brings the cake?").await;
    click(&alva, "#post-submit").await;
    until_shown(&alva, "#timeline", "Who brings the cake?").await;
    // Bo's page hears of it live.
    until_shown(&bo, "#timeline", "Who brings the cake?").await;

    // Alva opens the thread and waits; Bo replies in it.
    on_message(&alva, "Who brings the cake?", "open-thread").await;
    until_shown(&alva, "#thread-messages", "Who brings the cake?").await;
    on_message(&bo, "Who brings the cake?", "open-thread").await;
    fill(&bo, "#reply-text", "I do!").await;
    click(&bo, "#reply-submit").await;
    until_shown(&bo, "#thread-messages", "I do!").await;
    until_shown(&alva, "#thread-messages", "I do!").await;
    // A reply stays in its thread, out of the channel itself.
    assert!(
        !words(&alva, "#timeline")
            .await
            .contains(&"I do!".to_owned())
    );

    alva.close().await.unwrap();
    bo.close().await.unwrap();
}
