//! Integration tests of andel-journal: golden vectors, properties, the file format and
//! the in-memory store.

// A failed unwrap in a test is a failed assertion, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod build;
mod erasure;
mod file;
mod golden;
mod moves;
mod properties;
mod store;
mod subjects;
mod verify;
