//! `cargo run -p chat`: the chat service on an embedded SQLite database at
//! 127.0.0.1:8081, with a demo co-op whose sign-in details it prints.
//! `cargo run -p chat -- import-slack EXPORT --members MAP --by MEMBER` brings a Slack
//! workspace export (a folder or its zip) into the co-op's channels.

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
    #[command(subcommand)]
    command: Option<Task>,
}

/// What to do instead of serving.
#[derive(Debug, clap::Subcommand)]
enum Task {
    /// Import a Slack workspace export into the co-op's channels: every conversation
    /// with members in the map, its messages, threads and reactions. Importing the
    /// same export again adds nothing. Prints what was brought and what was not.
    ImportSlack {
        /// The export: its folder, or the zip Slack gave.
        export: std::path::PathBuf,
        /// How Slack's users map to members: a TOML file with a `[members]` table of
        /// `"<slack id or handle>" = "<member number>"`.
        #[arg(long)]
        members: std::path::PathBuf,
        /// The member who imports, and opens the channels that are new.
        #[arg(long)]
        by: String,
    },
    /// Write every channel out as a Slack workspace export, into a new folder: for a
    /// co-op that moves to another service (Slack's importers read it, and so does
    /// `import-slack`).
    ExportSlack {
        /// The folder to create; it must not exist.
        folder: std::path::PathBuf,
    },
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
    if let Some(task) = &args.command {
        if args.demo {
            chat::demo::start(&coop, &channels, chrono::Utc::now()).await?;
        }
        let outcome = match task {
            Task::ImportSlack {
                export,
                members,
                by,
            } => import_slack(&channels, export, members, by).await,
            Task::ExportSlack { folder } => export_slack(&channels, folder).await,
        };
        coop.close().await;
        return outcome;
    }
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
    if channels.hear_other_processes().await? {
        println!(
            "Other chat processes on this database deliver to this one's clients, and it to theirs."
        );
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|err| format!("cannot listen on {}: {err}", args.listen))?;
    println!("chat is serving http://{}/ (Ctrl-C stops it)", args.listen);
    let mut http = App::new(Arc::clone(&coop))
        .with_service_data(Arc::new(chat::ChatData::new(Arc::clone(&channels))));
    if args.demo {
        http = http.with_controller(chat::demo::controller()?);
    }
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

/// Reads the export and the map, plans, imports, and prints the report.
async fn import_slack(
    channels: &Channels,
    export: &std::path::Path,
    members: &std::path::Path,
    by: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let by: andel_consent::MemberId = by.parse().map_err(|err| format!("--by `{by}`: {err}"))?;
    let map = std::fs::read_to_string(members)
        .map_err(|err| format!("cannot read the member map {}: {err}", members.display()))?;
    let map = chat::slack::MemberMap::from_toml(&map)
        .map_err(|err| format!("{}: {err}", members.display()))?;
    let (read, read_report) = if export.is_dir() {
        chat::slack::read_folder(export)
    } else {
        let file = std::fs::File::open(export)
            .map_err(|err| format!("cannot open {}: {err}", export.display()))?;
        chat::slack::read_zip_from(std::io::BufReader::new(file))
    }
    .map_err(|err| format!("{}: {err}", export.display()))?;
    let (plans, report) = chat::slack::plan_import(&read, &map, &by);
    let actor = chat::Actor {
        member: by,
        at: andel_journal::Timestamp::new(chrono::Utc::now())?,
    };
    let imported = channels.import(&actor, plans).await?;
    let added: usize = imported.iter().map(|(_, events)| events).sum();
    let added = match added {
        0 => "nothing new: all of it was here already".to_owned(),
        n => format!("{n} entries added"),
    };
    println!(
        "Read {} channels from {}: {} messages ({} replies, {} kept as places of deleted ones), {} reactions; {}.",
        report.channels,
        export.display(),
        report.messages,
        report.replies,
        report.vanished,
        report.reactions,
        added
    );
    if report.edited > 0 {
        println!(
            "{} messages were edited in Slack: their last words are imported (an export holds no earlier ones).",
            report.edited
        );
    }
    let notes: Vec<&String> = read_report.skipped.iter().chain(&report.notes).collect();
    if !notes.is_empty() {
        println!(
            "Not brought, or changed ({} messages not brought):",
            report.messages_skipped
        );
        for note in notes {
            println!("  {note}");
        }
    }
    Ok(())
}

/// Writes the export into a folder beside `folder`, then gives it its name: a folder
/// that is there is whole.
async fn export_slack(
    channels: &Channels,
    folder: &std::path::Path,
) -> Result<(), Box<dyn std::error::Error>> {
    if folder.exists() {
        return Err(format!("{} exists already; name a new folder", folder.display()).into());
    }
    let every = channels.every_channel().await?;
    let files = chat::slack::export_workspace(&every);
    let name = folder
        .file_name()
        .ok_or_else(|| format!("{} does not name a folder", folder.display()))?;
    let partial = folder.with_file_name(format!(
        ".{}.partial-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| -> std::io::Result<()> {
        for (path, bytes) in &files {
            let path = partial.join(path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, bytes)?;
        }
        std::fs::create_dir_all(&partial)?;
        std::fs::rename(&partial, folder)
    })();
    if let Err(err) = written {
        let _ = std::fs::remove_dir_all(&partial);
        return Err(format!("cannot write {}: {err}", folder.display()).into());
    }
    println!(
        "Wrote {} channels as a Slack workspace export to {} ({} files).",
        every.len(),
        folder.display(),
        files.len()
    );
    Ok(())
}
