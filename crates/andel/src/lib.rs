//! Andel: a toolkit for platform cooperatives, services that their users own, govern
//! and can leave with all of their data.
//!
//! This umbrella crate re-exports the Andel crates behind cargo features, so a service
//! depends on one crate and turns on what it uses. Each part is also published alone.
//!
//! # Examples
//!
//! ```
//! # #[cfg(feature = "journal")] {
//! use andel::journal::{Digest, StreamHead, StreamId};
//!
//! let head = StreamHead::new(StreamId::new("members").unwrap());
//! assert_eq!(head.last_hash(), &Digest::ZERO);
//! # }
//! ```
//!
//! # Getting started
//!
//! A service that keeps its members, and lets them decide, needs the ledger, decisions
//! and a store, and an async runtime:
//!
//! ```toml
//! [dependencies]
//! andel = { version = "0.1", features = ["service"] }
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! ```
//!
//! Then a co-op in an SQLite file (nothing to install) admits two members, takes the
//! voting roll and passes a motion. Every change is an entry in a tamper-evident
//! journal, and every refusal is an error that reads as a sentence. This is
//! `examples/getting_started.rs`, run by the test suite;
//! `cargo run -p andel --example getting_started --features service`
//! runs it.
//!
#![cfg_attr(feature = "service", doc = "```rust")]
#![cfg_attr(
    feature = "service",
    doc = include_str!("../examples/getting_started.rs")
)]
#![cfg_attr(feature = "service", doc = "```")]
//!
//! [`Result`] and [`Error`] take any of the SDK's errors with `?`, and print them as
//! sentences when `main` returns one. [`chrono`] and [`Decimal`] are re-exported, so
//! times and money need no dependency of your own.
//!
//! # Feature flags
//!
//! - `consent`: [`consent`], members own the data and decide its use: purposes, the
//!   charter no policy may break, consent records with receipts, data policies checked
//!   before a vote, and access decisions that say why (`andel-consent`).
//! - `decisions`: [`decisions`], electorates, liquid delegation, quorum and thresholds,
//!   and proposals decided over events (`andel-decisions`).
//! - `export`: [`export`], archives a co-op or a member takes away: written streaming,
//!   opened as hostile input, verified without Andel's code (`andel-export`).
//! - `journal` (default): [`journal`], the append-only, hash-chained, Merkle-rooted
//!   journal with verifiable redaction (`andel-journal`).
//! - `tally`: [`tally`], voting methods that match official counts, with ballot-file
//!   parsers (`andel-tally`).
//! - `ledger`: [`ledger`], the membership ledger: statutes, register, share capital,
//!   dues, exits, surplus allocation and the voting roll, as of any date
//!   (`andel-ledger`).
//! - `store`: [`store`], SQLite and PostgreSQL journal and snapshot stores
//!   (`andel-store`).
//! - `service`: [`service`], the application layer: a co-op's use cases (membership,
//!   proposals, secret ballots) over its stores, as the `andel` command runs them
//!   (`andel-service`); turns on `ledger`, `decisions`, `consent`, `export` and `store`.
//! - `http`: [`http`], what every co-op web service mounts: members' sign-in
//!   (argon2id, sessions, CSRF, rate limits), the member's own data, RFC 9457 problem
//!   details and an OpenAPI 3.1 document, on axum (`andel-http`); turns on `service`.

#[cfg(feature = "consent")]
#[doc(inline)]
pub use andel_consent as consent;

#[cfg(feature = "decisions")]
#[doc(inline)]
pub use andel_decisions as decisions;

#[cfg(feature = "export")]
#[doc(inline)]
pub use andel_export as export;

#[cfg(feature = "http")]
#[doc(inline)]
pub use andel_http as http;

#[cfg(feature = "journal")]
#[doc(inline)]
pub use andel_journal as journal;

#[cfg(feature = "ledger")]
#[doc(inline)]
pub use andel_ledger as ledger;

#[cfg(feature = "service")]
#[doc(inline)]
pub use andel_service as service;

#[cfg(feature = "store")]
#[doc(inline)]
pub use andel_store as store;

#[cfg(feature = "tally")]
#[doc(inline)]
pub use andel_tally as tally;

#[doc(no_inline)]
pub use chrono;
#[doc(no_inline)]
pub use rust_decimal::Decimal;

#[cfg(feature = "service")]
#[doc(inline)]
pub use andel_service::electorate;

/// Any error of the SDK (or of your own code), for `main` and other edges of a program:
/// `?` converts into it, and it prints as sentences, the error then each cause, both
/// with `{}` and with `{:?}`, which is what Rust shows when `main` returns an error.
///
/// ```
/// fn parse(text: &str) -> andel::Result<andel::Decimal> {
///     Ok(text.parse::<andel::Decimal>()?)
/// }
/// let err = parse("ten").unwrap_err();
/// assert_eq!(format!("{err:?}"), format!("{err}"));
/// assert!(!format!("{err:?}").contains('{'), "no Rust structure: {err:?}");
/// ```
pub struct Error(Box<dyn std::error::Error + Send + Sync + 'static>);

/// A result whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error that is only a message, for a program's own refusals.
    pub fn msg(message: impl Into<String>) -> Self {
        Error(message.into().into())
    }

    /// The error it holds, to inspect or downcast.
    pub fn inner(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for Error {
    fn from(err: E) -> Self {
        Error(Box::new(err))
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(err) = cause {
            // Errors that wrap another transparently print the same text: say it once.
            let text = err.to_string();
            if !self.0.to_string().ends_with(&text) {
                write!(f, ": {text}")?;
            }
            cause = err.source();
        }
        Ok(())
    }
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}
