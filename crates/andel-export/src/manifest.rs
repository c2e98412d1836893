//! `manifest.json`: what the archive is, whose, and the size and SHA-256 of every other
//! file in it.

use andel_journal::Digest;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What `format` says in every archive's manifest.
pub const FORMAT: &str = "andel-archive";

/// The format version this crate writes and reads.
pub const VERSION: u32 = 1;

/// The manifest's own name in the archive.
pub const MANIFEST: &str = "manifest.json";

/// The manifest's SHA-256, in the form `sha256sum -c` reads (`HEX  manifest.json`):
/// a change to any byte of the manifest is caught, as a change to any other file is by
/// the manifest.
pub const MANIFEST_SHA256: &str = "manifest.sha256";

/// Whose data an archive holds: all of one co-op's (a tenant), or one member's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Scope {
    /// Every journal of one tenant: for a co-op that moves to another host or
    /// dissolves.
    Coop {
        /// The tenant.
        tenant: String,
    },
    /// One member's data in one tenant: for a member who leaves, or who wants to see
    /// everything the co-op holds about them.
    Member {
        /// The tenant.
        tenant: String,
        /// The member, as the co-op names them (the ledger's member number).
        member: String,
    },
}

/// A part of the archive written by one module (the journals, the ledger, a service),
/// with the version of its own layout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Module {
    /// The module's id: `journal`, `ledger`, `decisions`, `consent`.
    pub id: String,
    /// The version of what it wrote.
    pub version: u32,
}

/// One file of the archive, as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// Its name in the archive.
    pub path: String,
    /// Its size in bytes, uncompressed.
    pub size: u64,
    /// The SHA-256 of its bytes, uncompressed, in lowercase hex.
    pub sha256: Digest,
}

/// The archive's `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// The format version: [`VERSION`].
    pub version: u32,
    /// What wrote it: `andel 0.1.0`.
    pub producer: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// Whose data it holds.
    pub scope: Scope,
    /// The modules that wrote its files, in order.
    pub modules: Vec<Module>,
    /// Every other file, in the order written.
    pub files: Vec<FileEntry>,
}

/// What [`ArchiveWriter::finish`](crate::ArchiveWriter::finish) needs to write the
/// manifest: everything but the files, which the writer has counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// What writes it: `andel 0.1.0`.
    pub producer: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Whose data.
    pub scope: Scope,
    /// The modules that wrote its files.
    pub modules: Vec<Module>,
}
