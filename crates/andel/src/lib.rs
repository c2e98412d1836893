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
//! # Feature flags
//!
//! - `decisions`: [`decisions`], electorates, liquid delegation, quorum and thresholds,
//!   and proposals decided over events (`andel-decisions`).
//! - `journal` (default): [`journal`], the append-only, hash-chained, Merkle-rooted
//!   journal with verifiable redaction (`andel-journal`).
//! - `tally`: [`tally`], voting methods that match official counts, with ballot-file
//!   parsers (`andel-tally`).
//! - `ledger`: [`ledger`], the membership ledger: statutes, register, share capital,
//!   dues, exits, surplus allocation and the voting roll, as of any date
//!   (`andel-ledger`).
//! - `store`: [`store`], SQLite and PostgreSQL journal and snapshot stores
//!   (`andel-store`).

#[cfg(feature = "decisions")]
#[doc(inline)]
pub use andel_decisions as decisions;

#[cfg(feature = "journal")]
#[doc(inline)]
pub use andel_journal as journal;

#[cfg(feature = "ledger")]
#[doc(inline)]
pub use andel_ledger as ledger;

#[cfg(feature = "store")]
#[doc(inline)]
pub use andel_store as store;

#[cfg(feature = "tally")]
#[doc(inline)]
pub use andel_tally as tally;
