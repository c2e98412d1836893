//! A writer killed with SIGKILL mid-stream loses nothing it was told was written.
//!
//! This test binary has its own `main` (no test harness): run plainly, it is the parent;
//! run with one of the `ANDEL_CRASH_CHILD_*` variables set, it is the child, which
//! appends in a loop and prints one line per append that returned `Ok`. The parent
//! kills the child at an arbitrary moment, reopens the database, checks that the journal
//! verifies and holds every acknowledged entry with the hash it was given, and does it
//! again from where the journal stands. On SQLite always; on PostgreSQL when
//! `ANDEL_TEST_POSTGRES` names a server.

// A failed unwrap here is a failed assertion, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code)] // The harnesses this test does not use.
#[path = "it/support.rs"]
mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use andel_journal::{Draft, JournalStore, Kind, Payload, StreamId, TenantId, verify};
use andel_store::{PostgresDatabase, SqliteDatabase};

use crate::support::{PostgresHarness, SqliteHarness};

const CHILD_SQLITE: &str = "ANDEL_CRASH_CHILD_SQLITE";
const CHILD_POSTGRES_URL: &str = "ANDEL_CRASH_CHILD_POSTGRES_URL";
const CHILD_POSTGRES_SCHEMA: &str = "ANDEL_CRASH_CHILD_POSTGRES_SCHEMA";
const ROUNDS: usize = 3;
/// Acknowledged appends to wait for before each kill, at least.
const MIN_ACKS: usize = 40;

fn tenant() -> TenantId {
    TenantId::new("crash").unwrap()
}

fn stream() -> StreamId {
    StreamId::new("appends").unwrap()
}

/// Opens the database the parent named in the environment.
async fn child_store() -> Box<dyn JournalStore> {
    if let Ok(path) = std::env::var(CHILD_SQLITE) {
        return Box::new(SqliteDatabase::open(path).await.unwrap().store(tenant()));
    }
    let url = std::env::var(CHILD_POSTGRES_URL).unwrap();
    let schema = std::env::var(CHILD_POSTGRES_SCHEMA).unwrap();
    let db = PostgresDatabase::open_in_schema(&url, &schema)
        .await
        .unwrap();
    Box::new(db.store(tenant()))
}

/// The child: appends batches of 1 to 4 entries until killed, printing
/// `ACK <seq> <hash>` for the last entry of each batch that returned `Ok`.
async fn child() {
    let store = child_store().await;
    let stream = stream();
    let mut next = store.head(&stream).await.unwrap().next_seq();
    for round in 0u64.. {
        let drafts = (0..round % 4 + 1)
            .map(|i| {
                Draft::new(
                    Kind::new("test.appended").unwrap(),
                    Payload::from_json_str(&format!(r#"{{"round":{round},"i":{i}}}"#)).unwrap(),
                    "2026-11-27T08:00:00Z".parse().unwrap(),
                )
            })
            .collect();
        let written = store.append(&stream, next, drafts).await.unwrap();
        let last = written.last().unwrap();
        println!("ACK {} {}", last.seq(), last.hash());
        next = last.seq() + 1;
    }
}

/// Runs the child against the database in `env`, kills it after at least `MIN_ACKS`
/// acknowledgements plus a varying delay, and returns every acknowledgement it printed.
fn run_and_kill(env: &[(&str, String)], round: usize) -> Vec<(u64, String)> {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut acks = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while acks.len() < MIN_ACKS + round * 7 {
        let line = lines
            .next()
            .expect("the child stopped before being killed")
            .unwrap();
        if let Some(ack) = parse_ack(&line) {
            acks.push(ack);
        }
        assert!(
            Instant::now() < deadline,
            "the child acknowledged too slowly"
        );
    }
    std::thread::sleep(Duration::from_millis(3 + 5 * round as u64));
    child.kill().unwrap(); // SIGKILL on Unix
    // Lines the child printed before it died count too: each was an `Ok`.
    acks.extend(lines.map_while(Result::ok).filter_map(|l| parse_ack(&l)));
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the child must have been killed, not finished"
    );
    acks
}

fn parse_ack(line: &str) -> Option<(u64, String)> {
    let rest = line.strip_prefix("ACK ")?;
    let (seq, hash) = rest.split_once(' ')?;
    Some((seq.parse().ok()?, hash.to_owned()))
}

async fn check_survivors(store: &dyn JournalStore, acks: &[(u64, String)]) -> u64 {
    let entries = store.read(&stream(), 0..u64::MAX).await.unwrap();
    let summary = verify(&entries).unwrap_or_else(|err| panic!("after SIGKILL: {err}"));
    for (seq, hash) in acks {
        let entry = entries
            .get(usize::try_from(*seq).unwrap())
            .unwrap_or_else(|| panic!("acknowledged entry {seq} is missing"));
        assert_eq!(
            &entry.hash().to_string(),
            hash,
            "acknowledged entry {seq} changed"
        );
    }
    summary.entries()
}

async fn sqlite_appends_survive_sigkill() {
    let harness = SqliteHarness::new();
    let env = [(CHILD_SQLITE, harness.path().display().to_string())];
    let mut acknowledged = Vec::new();
    for round in 0..ROUNDS {
        acknowledged.extend(run_and_kill(&env, round));
        let db = harness.database().await;
        let count = check_survivors(&db.store(tenant()), &acknowledged).await;
        assert!(count > acknowledged.last().unwrap().0, "round {round}");
        db.close().await;
    }
}

/// Returns whether it ran: it needs a server.
async fn postgres_appends_survive_sigkill() -> bool {
    let Some(harness) = PostgresHarness::new() else {
        return false;
    };
    harness.database().await.close().await; // create the schema and tables
    let env = [
        (CHILD_POSTGRES_URL, harness.url.clone()),
        (CHILD_POSTGRES_SCHEMA, harness.schema.clone()),
    ];
    let mut acknowledged = Vec::new();
    for round in 0..ROUNDS {
        acknowledged.extend(run_and_kill(&env, round));
        let db = harness.database().await;
        check_survivors(&db.store(tenant()), &acknowledged).await;
        db.close().await;
    }
    andel_testkit::Harness::finish(&harness).await;
    true
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let is_child = [CHILD_SQLITE, CHILD_POSTGRES_URL]
        .iter()
        .any(|var| std::env::var_os(var).is_some());
    if is_child {
        runtime.block_on(child());
        return;
    }
    println!("\nrunning 2 crash tests");
    runtime.block_on(sqlite_appends_survive_sigkill());
    println!("test sqlite_appends_survive_sigkill ... ok");
    // Without a server, `PostgresHarness::new` says on stderr that it skips.
    let outcome = if runtime.block_on(postgres_appends_survive_sigkill()) {
        "ok"
    } else {
        "skipped"
    };
    println!("test postgres_appends_survive_sigkill ... {outcome}");
}
