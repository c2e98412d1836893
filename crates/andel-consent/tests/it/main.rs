//! Tests of the consent engine through its public API.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod adoption;
mod charter;
mod consents;
mod policy_file;
mod properties;
mod support;
