//! Decisions: the lifecycle rules one by one, quorum and threshold algebra at its
//! boundaries, and delegation's invariants under random electorates.

// A failed unwrap in a test is a failed assertion, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod delegation;
mod hostile;
mod lifecycle;
mod properties;
mod secret;
mod thresholds;
