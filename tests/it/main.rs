//! Cross-crate integration tests: one test binary for the whole workspace.

// A failed unwrap in a test is a failed assertion, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod decisions_stored;
mod python_verifier;
mod roll_to_electorate;
mod secret_stored;
mod tidy;
