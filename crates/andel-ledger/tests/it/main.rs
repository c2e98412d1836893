//! The ledger's rules, one given/when/then test each, and its invariants under random
//! command sequences.

// A failed unwrap in a test is a failed assertion, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod hostile;
mod properties;
mod roll;
mod rules;
mod stored;
mod support;
