//! The kanban page in a real browser: headless Chromium, driven through chromedriver
//! with fantoccini. A member signs in, creates a board, adds two lists and a card,
//! drags the card across, reloads and sees it there; then downloads their archive,
//! which verifies, and opens their own pages (`/me`): gives or withdraws a consent in
//! one click, which a reload shows kept, and finds the co-op's proposals.
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
use andel_testkit::browser::{Browser, Client, Locator, click, fill};
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use kanban::{Boards, Kanban};
use serde_json::Value;

const PASSWORD: &str = "correct horse battery staple";

/// The demo co-op served on a free port; Alva's password is PASSWORD.
async fn serve(dir: &std::path::Path) -> SocketAddr {
    let location = format!("sqlite:{}", dir.join("coop.db").display())
        .parse()
        .unwrap();
    let coop = Arc::new(
        Coop::open(&location, "demo".parse().unwrap(), Access::Start)
            .await
            .unwrap(),
    );
    let boards = Arc::new(Boards::new(Arc::clone(&coop)));
    kanban::demo::start(&coop, &boards, chrono::Utc::now())
        .await
        .unwrap();
    let now = Timestamp::new(chrono::Utc::now()).unwrap();
    coop.set_password(MemberNumber::new(1).unwrap(), PASSWORD, now)
        .await
        .unwrap();
    let http = App::new(Arc::clone(&coop))
        .with_controller(kanban::demo::controller().unwrap())
        .with_service_data(Arc::new(kanban::KanbanData::new(Arc::clone(&boards))));
    let routes = kanban::app(Kanban { http, boards });
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

/// The titles of the cards in each list, as the page shows them.
async fn lists(client: &Client) -> Vec<Vec<String>> {
    let script = "return [...document.querySelectorAll('.list')].map(l => \
        [...l.querySelectorAll('.card')].map(c => c.dataset.cardTitle || c.querySelector('.card-title')?.textContent || c.textContent))";
    let value = client.execute(script, vec![]).await.unwrap();
    serde_json::from_value::<Vec<Vec<String>>>(value)
        .unwrap()
        .into_iter()
        .map(|cards| cards.into_iter().map(|c| c.trim().to_owned()).collect())
        .collect()
}

/// Waits until `check` holds of the lists on the page.
async fn until(
    client: &Client,
    what: &str,
    check: impl Fn(&[Vec<String>]) -> bool,
) -> Vec<Vec<String>> {
    let mut seen = Vec::new();
    for _ in 0..100 {
        seen = lists(client).await;
        if check(&seen) {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page never showed {what}; it shows {seen:?}");
}

#[tokio::test]
async fn a_member_drags_a_card_across_and_takes_their_archive() {
    let Some(browser) = Browser::start("the kanban browser test").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let address = serve(dir.path()).await;
    let client = browser.session().await;
    let result = journey(&client, address).await;
    client.close().await.unwrap();
    result.unwrap();
}

async fn journey(client: &Client, address: SocketAddr) -> Result<(), String> {
    client
        .goto(&format!("http://{address}/"))
        .await
        .map_err(|e| e.to_string())?;
    fill(client, "#signin-member", "1").await;
    fill(client, "#signin-password", PASSWORD).await;
    click(client, "#signin-submit").await;

    fill(client, "#new-board-title", "Garden").await;
    click(client, "#new-board-submit").await;
    fill(client, "#new-list-title", "To do").await;
    click(client, "#new-list-submit").await;
    until(client, "one list", |lists| lists.len() == 1).await;
    fill(client, "#new-list-title", "Done").await;
    click(client, "#new-list-submit").await;
    until(client, "two lists", |lists| lists.len() == 2).await;
    fill(client, ".list .new-card-title", "Sow beans").await;
    click(client, ".list .new-card-submit").await;
    until(client, "the card in the first list", |lists| {
        lists[0].len() == 1
    })
    .await;

    // Drag the card onto the second list with the mouse.
    let card = client
        .find(Locator::Css(".list .card"))
        .await
        .map_err(|e| e.to_string())?;
    let target = client
        .find_all(Locator::Css(".list"))
        .await
        .map_err(|e| e.to_string())?
        .remove(1);
    let drag = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: card,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveBy {
            duration: Some(Duration::from_millis(150)),
            x: 12.0,
            y: 4.0,
        })
        .then(PointerAction::MoveToElement {
            element: target,
            duration: Some(Duration::from_millis(300)),
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    client
        .perform_actions(drag)
        .await
        .map_err(|e| e.to_string())?;
    until(client, "the card in the second list", |lists| {
        lists[0].is_empty() && lists[1].len() == 1
    })
    .await;

    // After a reload the card is still there: the move was recorded, not only drawn.
    client.refresh().await.map_err(|e| e.to_string())?;
    let seen = until(
        client,
        "the card in the second list after a reload",
        |lists| lists.len() == 2 && lists[1].len() == 1,
    )
    .await;
    assert!(seen[1][0].contains("Sow beans"), "{seen:?}");

    // The member's archive, downloaded in the page's session, verifies.
    let script = "const done = arguments[arguments.length - 1]; \
        fetch('/api/me/archive', {credentials: 'same-origin'}) \
          .then(r => r.ok ? r.arrayBuffer() : Promise.reject(r.status)) \
          .then(b => done(Array.from(new Uint8Array(b)))) \
          .catch(e => done({error: String(e)}));";
    let bytes: Value = client
        .execute_async(script, vec![])
        .await
        .map_err(|e| e.to_string())?;
    let bytes: Vec<u8> =
        serde_json::from_value(bytes.clone()).map_err(|_| format!("no archive: {bytes}"))?;
    let path = std::env::temp_dir().join(format!("kanban-browser-{}.zip", std::process::id()));
    std::fs::write(&path, &bytes).map_err(|e| e.to_string())?;
    let report = andel_service::verify_archive(&path).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&path);
    assert!(report.is_ok(), "the archive does not verify: {report:?}");

    // "My data" leads to the member's pages, in the same session.
    click(client, "#nav-me").await;
    let mut summary = String::new();
    for _ in 0..100 {
        if let Ok(found) = client.find(Locator::Css("#me-summary")).await {
            summary = found.text().await.map_err(|e| e.to_string())?;
            if summary.contains("Alva") {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        summary.contains("Alva"),
        "the member's page shows {summary:?}"
    );

    // One click gives or withdraws a consent, and a reload shows the server's record.
    let before = attribute(client, "#consent-research", "data-in-force").await?;
    let after = if before == "true" { "false" } else { "true" };
    click(client, "#consent-research").await;
    wait_for_attribute(client, "#consent-research", "data-in-force", after).await?;
    client.refresh().await.map_err(|e| e.to_string())?;
    wait_for_attribute(client, "#consent-research", "data-in-force", after).await?;

    // The proposals: the demo co-op's adopted data policy is among them.
    click(client, "#nav-proposals").await;
    let proposal = client
        .wait()
        .for_element(Locator::Css(".proposal-link"))
        .await
        .map_err(|e| e.to_string())?;
    let title = proposal.text().await.map_err(|e| e.to_string())?;
    assert!(!title.is_empty(), "a proposal without a title");
    Ok(())
}

/// `css`'s attribute `name` as the page has it now.
async fn attribute(client: &Client, css: &str, name: &str) -> Result<String, String> {
    let element = client
        .wait()
        .for_element(Locator::Css(css))
        .await
        .map_err(|e| e.to_string())?;
    element
        .attr(name)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("{css} has no attribute {name}"))
}

/// Waits up to ten seconds for `css`'s attribute `name` to read `want`.
async fn wait_for_attribute(
    client: &Client,
    css: &str,
    name: &str,
    want: &str,
) -> Result<(), String> {
    let mut seen = String::new();
    for _ in 0..100 {
        // The element is drawn anew after each change: look it up every time.
        if let Ok(value) = attribute(client, css, name).await {
            if value == want {
                return Ok(());
            }
            seen = value;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("{css}'s {name} stayed {seen:?}, not {want:?}"))
}
