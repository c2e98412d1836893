//! andel-store against real databases: the conformance suite on SQLite and PostgreSQL,
//! properties, and tampering with rows by SQL. (A writer killed mid-stream is
//! `tests/crash.rs`, which needs a `main` of its own.)
//!
//! The PostgreSQL tests run when `ANDEL_TEST_POSTGRES` holds a server URL (`.ci/run`
//! sets it); each works in a fresh schema that is dropped when it passes. Without the
//! variable they are skipped, and the test binary says so on stderr.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod accounts;
mod appended;
mod conformance;
mod properties;
mod support;
mod tamper;
