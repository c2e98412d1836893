//! The kanban service and an axum hello-world, side by side in one process, for the
//! load benchmark (`benches/cli/kanban_load.sh`, which drives both with `oha`).
//!
//! It sets up the demo co-op in a scratch SQLite database with one board of 500 cards
//! (imported in one step), signs Alva in, prints what the load generator needs as one
//! JSON line, and serves the service on `--port` and the hello-world on `--port + 1`
//! until it is stopped. Beside the hello-world are two more peers: at `GET /board` the
//! same board's JSON answered from memory, and at `POST /write` one durable SQLite
//! insert, opened as the journal store opens its database.

use std::net::SocketAddr;
use std::sync::Arc;

use andel_http::App;
use andel_http::axum::http::StatusCode;
use andel_http::axum::{
    Router,
    routing::{get, post},
};
use andel_journal::Timestamp;
use andel_ledger::MemberNumber;
use andel_service::{Access, Coop};
use kanban::board::{ImportPlan, Origin, PlannedCard, PlannedList};
use kanban::{Actor, Boards, Kanban};

const PASSWORD: &str = "load test password, not a secret";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::args()
        .skip_while(|arg| arg != "--port")
        .nth(1)
        .map(|p| p.parse())
        .transpose()?
        .unwrap_or(8181);
    let cards: usize = std::env::var("KANBAN_LOAD_CARDS")
        .ok()
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(500);
    let dir = tempfile::tempdir()?;
    let location = format!("sqlite:{}", dir.path().join("load.db").display()).parse()?;
    let coop = Arc::new(Coop::open(&location, "load".parse()?, Access::Start).await?);
    let boards = Arc::new(Boards::new(Arc::clone(&coop)));
    kanban::demo::start(&coop, &boards, chrono::Utc::now()).await?;
    let alva = MemberNumber::new(1).ok_or("member 1")?;
    let now = Timestamp::new(chrono::Utc::now())?;
    coop.set_password(alva, PASSWORD, now).await?;
    let signed_in = coop.sign_in(alva, PASSWORD, now).await?;

    let origin = |s: String| Origin(s);
    let alva_id: andel_consent::MemberId = "1".parse()?;
    let plan = ImportPlan {
        origin: origin("load:board".into()),
        title: format!("{cards} cards"),
        owner: "1".parse()?,
        members: Vec::new(),
        labels: Vec::new(),
        lists: ["Backlog", "Doing"]
            .iter()
            .map(|title| PlannedList {
                origin: origin(format!("load:{title}")),
                title: (*title).into(),
                archived: false,
            })
            .collect(),
        cards: (0..cards)
            .map(|n| PlannedCard {
                origin: origin(format!("load:card:{n}")),
                list: origin(format!(
                    "load:{}",
                    if n % 2 == 0 { "Backlog" } else { "Doing" }
                )),
                title: format!("Card number {n}"),
                description: "A card of the load test, with a sentence of description.".into(),
                due: None,
                author: alva_id.clone(),
                archived: false,
                labels: Vec::new(),
                members: Vec::new(),
            })
            .collect(),
        checklists: Vec::new(),
        comments: Vec::new(),
        attachments: Vec::new(),
    };
    let actor = Actor {
        member: "1".parse()?,
        at: now,
    };
    let (board, _) = boards.import(&actor, plan).await?;
    let view = boards.view(&actor, &board, false).await?;
    let lists: Vec<u32> = view.lists.iter().map(|l| l.id.0).collect();
    let card_ids: Vec<u32> = view
        .lists
        .iter()
        .flat_map(|l| l.cards.iter().map(|c| c.id.0))
        .collect();

    let http = App::new(Arc::clone(&coop))
        .with_controller(kanban::demo::controller()?)
        .with_service_data(Arc::new(kanban::KanbanData::new(Arc::clone(&boards))));
    let service = kanban::app(Kanban { http, boards });
    // The second peer: the same board's JSON, serialized once and answered from memory,
    // the most any server could do with a response of this size on this machine.
    let board_bytes = andel_http::axum::body::Bytes::from(serde_json::to_vec(&view)?);
    let writes = write_peer(dir.path()).await?;
    let hello = Router::new()
        .route("/", get(|| async { "Hello, World!" }))
        .route(
            "/write",
            post(move || {
                let pool = writes.clone();
                async move {
                    match sqlx::query("INSERT INTO writes (body) VALUES (?)")
                        .bind("a card moved")
                        .execute(&pool)
                        .await
                    {
                        Ok(_) => StatusCode::NO_CONTENT,
                        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
                    }
                }
            }),
        )
        .route(
            "/board",
            get(move || {
                let body = board_bytes.clone();
                async move { ([("content-type", "application/json")], body) }
            }),
        );
    let service_listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let hello_listener = tokio::net::TcpListener::bind(("127.0.0.1", port + 1)).await?;
    println!(
        "{}",
        serde_json::json!({
            "service": format!("http://127.0.0.1:{port}"),
            "hello": format!("http://127.0.0.1:{}/", port + 1),
            "cookie": format!("andel_session={}", signed_in.token),
            "csrf": signed_in.session.csrf,
            "board": board.as_str(),
            "lists": lists,
            "first_card": card_ids.iter().min(),
            "last_card": card_ids.iter().max(),
        })
    );
    let hello = tokio::spawn(async move { andel_http::axum::serve(hello_listener, hello).await });
    andel_http::axum::serve(
        service_listener,
        service.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(andel_http::shutdown_signal())
    .await?;
    hello.abort();
    Ok(())
}

/// The write peer's database: a scratch SQLite file opened as the journal store opens
/// its own (WAL, `synchronous = FULL`, eight connections), with one table.
async fn write_peer(dir: &std::path::Path) -> Result<sqlx::SqlitePool, sqlx::Error> {
    use sqlx::sqlite::{
        SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
    };
    let options = SqliteConnectOptions::new()
        .filename(dir.join("writes.db"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(std::time::Duration::from_secs(30));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?;
    sqlx::query("CREATE TABLE writes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        .execute(&pool)
        .await?;
    Ok(pool)
}
