//! `cargo run -p chat`: the chat service on an embedded SQLite database at
//! 127.0.0.1:8081, with a demo co-op whose sign-in details it prints.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use andel_http::App;
use andel_service::{Access, Coop};
use chat::{Channels, Chat};
use clap::Parser;

/// A team chat its members own.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// The database: `sqlite:PATH` (created if need be) or `postgres://…`.
    #[arg(long, env = "CHAT_DATABASE", default_value = "sqlite:chat.db")]
    database: String,
    /// The co-op (tenant) in that database.
    #[arg(long, env = "CHAT_TENANT", default_value = "demo")]
    tenant: String,
    /// Where to listen.
    #[arg(long, env = "CHAT_LISTEN", default_value = "127.0.0.1:8081")]
    listen: SocketAddr,
    /// Set up the demo co-op if the tenant is new, and print fresh passwords for its
    /// members at each start. `--demo false` serves an existing co-op as it is.
    #[arg(long, env = "CHAT_DEMO", default_value_t = true, action = clap::ArgAction::Set)]
    demo: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("chat: cannot start: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("chat: {err}");
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
    let channels = Arc::new(Channels::new(Arc::clone(&coop)));
    if args.demo {
        let members = chat::demo::start(&coop, &channels, chrono::Utc::now()).await?;
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
    println!("chat is serving http://{}/ (Ctrl-C stops it)", args.listen);
    let http = App::new(Arc::clone(&coop));
    let routes = chat::app(Chat { http, channels });
    andel_http::axum::serve(
        listener,
        routes.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(andel_http::shutdown_signal())
    .await?;
    coop.close().await;
    Ok(())
}
