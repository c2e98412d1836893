//! `cargo run -p kanban`: the kanban service on an embedded SQLite database at
//! 127.0.0.1:8080, with a demo co-op whose sign-in details it prints.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use andel_http::App;
use andel_service::{Access, Coop};
use clap::Parser;
use kanban::{Boards, Kanban};

/// A kanban board service its members own.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// The database: `sqlite:PATH` (created if need be) or `postgres://…`.
    #[arg(long, env = "KANBAN_DATABASE", default_value = "sqlite:kanban.db")]
    database: String,
    /// The co-op (tenant) in that database.
    #[arg(long, env = "KANBAN_TENANT", default_value = "demo")]
    tenant: String,
    /// Where to listen.
    #[arg(long, env = "KANBAN_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Set up the demo co-op if the tenant is new, and print fresh passwords for its
    /// members at each start. `--demo false` serves an existing co-op as it is.
    #[arg(long, env = "KANBAN_DEMO", default_value_t = true, action = clap::ArgAction::Set)]
    demo: bool,
    /// The co-op as controller of its members' data (a TOML file, as
    /// `examples/data/controller.toml`), named on every member's archive.
    #[arg(long, env = "KANBAN_CONTROLLER")]
    controller: Option<std::path::PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("kanban: cannot start: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("kanban: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let location = args
        .database
        .parse()
        .map_err(|err| format!("--database `{}`: {err}", args.database))?;
    let tenant = args
        .tenant
        .parse()
        .map_err(|err| format!("--tenant `{}`: {err}", args.tenant))?;
    let access = if args.demo {
        Access::Start
    } else {
        Access::Existing
    };
    let coop = Arc::new(Coop::open(&location, tenant, access).await?);
    let boards = Arc::new(Boards::new(Arc::clone(&coop)));
    let mut http = App::new(Arc::clone(&coop))
        .with_service_data(Arc::new(kanban::KanbanData::new(Arc::clone(&boards))));
    let controller = match &args.controller {
        Some(path) => Some(kanban::read_controller(path)?),
        None if args.demo => Some(kanban::demo::controller()?),
        None => None,
    };
    if let Some(controller) = controller {
        http = http.with_controller(controller);
    }
    if args.demo {
        let members = kanban::demo::start(&coop, &boards, chrono::Utc::now()).await?;
        println!("The demo co-op `{}` is ready. Sign in as:", args.tenant);
        for member in members {
            println!(
                "  member {} ({}): password {}",
                member.member, member.name, member.password
            );
        }
        println!("(fresh passwords at each start; `--demo false` leaves them as they are)");
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|err| format!("cannot listen on {}: {err}", args.listen))?;
    println!(
        "kanban is serving http://{}/ (Ctrl-C stops it)",
        args.listen
    );
    let routes = kanban::app(Kanban { http, boards });
    andel_http::axum::serve(
        listener,
        routes.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(andel_http::shutdown_signal())
    .await?;
    coop.close().await;
    Ok(())
}
