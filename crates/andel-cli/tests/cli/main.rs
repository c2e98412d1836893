//! The `andel` command, run as a user runs it: exit codes, messages, and files that are
//! never left half-written.

// A failed unwrap in a test is a failed assertion, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

mod book;
mod charter;
mod consent;
mod decide;
mod export;
mod journal;
mod ledger;
mod policy;
mod tally;

fn andel(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_andel"))
        .args(args)
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[track_caller]
fn ok(args: &[&str]) -> String {
    let out = andel(args);
    assert!(
        out.status.success(),
        "andel {args:?} failed: {}",
        text(&out)
    );
    text(&out)
}

#[track_caller]
fn fails(args: &[&str], code: i32, needle: &str) -> String {
    let out = andel(args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "andel {args:?}: {}",
        text(&out)
    );
    assert!(
        text(&out).contains(needle),
        "andel {args:?} does not say `{needle}`: {}",
        text(&out)
    );
    text(&out)
}

/// Runs `test` against a fresh schema on the PostgreSQL server named by
/// `ANDEL_TEST_POSTGRES` (dropped afterwards), or says on stderr that it is skipped.
fn on_postgres(what: &str, test: impl FnOnce(&str, &Path)) {
    let Ok(url) = std::env::var("ANDEL_TEST_POSTGRES") else {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "note: skipping the PostgreSQL {what} test: set ANDEL_TEST_POSTGRES to run it"
        );
        return;
    };
    // A fresh schema, through libpq's `options` parameter.
    let schema = format!(
        "andel_cli_{}_{}",
        what.replace(' ', "_"),
        std::process::id()
    );
    let separator = if url.contains('?') { '&' } else { '?' };
    let store = format!("{url}{separator}options=-csearch_path%3D{schema}");
    let psql = |sql: &str| {
        let status = Command::new("psql")
            .env("PGOPTIONS", "--client-min-messages=warning")
            .args([url.as_str(), "-qc", sql])
            .status()
            .unwrap();
        assert!(status.success(), "psql {sql}");
    };
    psql(&format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
    ));
    let dir = tempfile::tempdir().unwrap();
    test(&store, dir.path());
    psql(&format!("DROP SCHEMA {schema} CASCADE"));
}
