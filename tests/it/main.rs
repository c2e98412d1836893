//! Cross-crate integration tests: one test binary for the whole workspace.

// A failed unwrap in a test is a failed assertion, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod consent_stored;
mod decisions_stored;
mod python_archive;
mod python_verifier;
mod roll_to_electorate;
mod secrecy_forensics;
mod secret_stored;
mod tidy;

/// Runs `test` on tenant `coop` of a fresh SQLite database, as `on_postgres` does on
/// the server.
fn on_sqlite(test: impl AsyncFnOnce(andel::store::SqliteStore)) {
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let database = andel::store::SqliteDatabase::open(dir.path().join("coop.db"))
            .await
            .unwrap();
        test(database.store(andel::journal::TenantId::new("coop").unwrap())).await;
        database.close().await;
    });
}

/// Runs `test` on a fresh schema of the PostgreSQL server named by `ANDEL_TEST_POSTGRES`,
/// dropping the schema afterwards. Without the variable it says that `what` was skipped
/// (past the test harness's capture, so a plain `cargo test` shows it) and returns.
fn on_postgres(what: &str, test: impl AsyncFnOnce(&andel::store::PostgresDatabase)) {
    let Ok(url) = std::env::var("ANDEL_TEST_POSTGRES") else {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "note: skipping the PostgreSQL {what} test: set ANDEL_TEST_POSTGRES to run it"
        );
        return;
    };
    let schema = format!(
        "andel_{}_{}",
        what.replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
        std::process::id()
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let database = andel::store::PostgresDatabase::open_in_schema(&url, &schema)
            .await
            .unwrap();
        test(&database).await;
        sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(database.pool())
            .await
            .unwrap();
        database.close().await;
    });
}
