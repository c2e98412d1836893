//! The arguments of `andel journal`'s subcommands.

use std::path::PathBuf;

use andel::journal::{AuthorId, Digest, Kind, StreamId, Timestamp};

use crate::source::{JournalArg, StoreArg};

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// Append one entry (creates the file or database if it does not exist).
    Append {
        #[command(flatten)]
        journal: JournalArg,
        /// The stream to append to.
        #[arg(long)]
        stream: StreamId,
        /// What the entry records, e.g. `member.admitted`.
        #[arg(long)]
        kind: Kind,
        /// The payload, as JSON.
        #[arg(long)]
        payload: String,
        /// Who records it.
        #[arg(long)]
        author: Option<AuthorId>,
        /// When it is recorded (RFC 3339); now if not given.
        #[arg(long)]
        at: Option<Timestamp>,
    },
    /// Verify every entry from genesis; exit 1 naming the first bad one.
    Verify {
        #[command(flatten)]
        journal: JournalArg,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Erase an entry's payload, keeping the chain verifiable, and record why.
    Redact {
        #[command(flatten)]
        journal: JournalArg,
        /// The entry's stream.
        #[arg(long)]
        stream: StreamId,
        /// The entry's sequence number.
        #[arg(long)]
        seq: u64,
        /// Why it is erased (recorded for good: no personal data here).
        #[arg(long)]
        reason: String,
        /// Who redacts.
        #[arg(long)]
        author: Option<AuthorId>,
        /// When (RFC 3339); now if not given.
        #[arg(long)]
        at: Option<Timestamp>,
    },
    /// Print a stream's size and Merkle root.
    Root {
        #[command(flatten)]
        journal: JournalArg,
        /// The stream (needed when the file holds several).
        #[arg(long)]
        stream: Option<StreamId>,
        /// The root of the stream's first N entries (all if not given).
        #[arg(long)]
        size: Option<u64>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print an inclusion proof for one entry, as JSON.
    Prove {
        #[command(flatten)]
        journal: JournalArg,
        /// The entry's stream.
        #[arg(long)]
        stream: StreamId,
        /// The entry's sequence number.
        #[arg(long)]
        seq: u64,
        /// Prove against the root of the first N entries (all if not given).
        #[arg(long)]
        size: Option<u64>,
    },
    /// Check an inclusion proof against a root; exit 1 if it does not hold.
    CheckProof {
        /// The proof file written by `prove`.
        proof: PathBuf,
        /// The root the proof must lead to, in hex.
        #[arg(long)]
        root: Digest,
        /// The size the root was published with; the proof must be for that size.
        #[arg(long)]
        size: Option<u64>,
    },
    /// Print a consistency proof between two sizes of a stream, as JSON.
    Consistency {
        #[command(flatten)]
        journal: JournalArg,
        /// The stream (needed when the file holds several).
        #[arg(long)]
        stream: Option<StreamId>,
        /// The older, smaller size.
        #[arg(long)]
        old_size: u64,
        /// The newer size (the whole stream if not given).
        #[arg(long)]
        new_size: Option<u64>,
    },
    /// Check a consistency proof between two roots; exit 1 if it does not hold.
    CheckConsistency {
        /// The proof file written by `consistency`.
        proof: PathBuf,
        /// The root at the older size, in hex.
        #[arg(long)]
        old_root: Digest,
        /// The root at the newer size, in hex.
        #[arg(long)]
        new_root: Digest,
    },
    /// Write a database journal to stdout as a journal file, every stream, verifying it.
    Export {
        #[command(flatten)]
        store: StoreArg,
    },
    /// Load a journal file into a database, every hash unchanged; run it again to finish
    /// an interrupted import.
    Import {
        /// The journal file.
        file: PathBuf,
        #[command(flatten)]
        store: StoreArg,
    },
}
