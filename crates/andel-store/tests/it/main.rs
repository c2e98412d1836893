//! andel-store against real databases: the conformance suite on SQLite and PostgreSQL,
//! tampering with rows by SQL, and a writer killed mid-stream.
//!
//! The PostgreSQL tests run when `ANDEL_TEST_POSTGRES` holds a server URL (`.ci/run`
//! sets it); each works in a fresh schema that is dropped when it passes. Without the
//! variable they are skipped, and the test binary says so on stderr.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod conformance;
mod crash;
mod properties;
mod support;
mod tamper;
