//! Leaving with everything: the archive a co-op or a member takes away, that anyone
//! can check without Andel's code, and that another co-op imports with nothing lost and
//! nothing doubled.
//!
//! An archive (format v1, specified byte for byte in the book's "Member archive"
//! chapter) is a zip holding:
//!
//! - `manifest.json`: the format and its version, the producer, the time, whose data it
//!   is ([`Scope`]), the modules that wrote it, and the size and SHA-256 of every other
//!   file; `manifest.sha256` holds the manifest's own SHA-256 (`sha256sum -c` reads it);
//! - `README.txt` and `index.html`, which a member reads with a text editor or an
//!   offline browser;
//! - the modules' files. The journal module writes every stream in the journal file
//!   format (`journal/journal.ndjson`) and each stream's Merkle root
//!   (`journal/roots.json`), which must be the roots the co-op published.
//!
//! [`ArchiveWriter`] streams files in, hashing on the way; [`Archive`] opens an archive
//! someone else wrote as hostile input (names, kinds and sizes checked before a byte is
//! read; [`Limits`] against zip bombs) and [`Archive::verify`] checks it all. Memory
//! stays constant in the archive's size, both ways.
//!
//! ```
//! use std::io::Cursor;
//! use andel_export::{Archive, ArchiveWriter, Header, JournalSection, Limits, Scope, journal_module, write_roots};
//! use andel_journal::{Draft, Kind, Payload, StreamHead, StreamId};
//!
//! // Two entries of a co-op's journal.
//! let head = StreamHead::new(StreamId::new("members")?);
//! let at = "2027-01-10T09:00:00Z".parse()?;
//! let drafts = (1..=2).map(|n| Draft::new(Kind::new("member.admitted").unwrap(), Payload::new(&n).unwrap(), at));
//! let entries = head.seal_all(0, drafts)?;
//!
//! let header = Header {
//!     producer: "andel".into(),
//!     created_at: "2027-06-01T12:00:00Z".parse()?,
//!     scope: Scope::Coop { tenant: "fyrklovern".into() },
//!     modules: vec![journal_module()],
//! };
//! let mut writer = ArchiveWriter::new(Cursor::new(Vec::new()), header);
//! let mut section = JournalSection::start(&mut writer)?;
//! for entry in &entries {
//!     section.push(entry)?;
//! }
//! let summary = section.finish()?;
//! write_roots(&mut writer, &summary)?;
//! let (bytes, _manifest) = writer.finish()?;
//!
//! let mut archive = Archive::open(Cursor::new(bytes.into_inner()), Limits::default())?;
//! let report = archive.verify();
//! assert!(report.is_ok(), "{:?}", report.failures);
//! assert_eq!(report.journal.unwrap().entries(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Feature flags
//!
//! None.

mod journal;
mod manifest;
mod member;
mod module;
mod pages;
mod path;
mod read;
mod verify;
mod write;

pub use journal::{
    JOURNAL, JournalSection, JournalSectionError, ROOTS, Roots, StreamRoot, journal_module,
    write_roots,
};
pub use manifest::{
    FORMAT, FileEntry, Header, MANIFEST, MANIFEST_SHA256, Manifest, Module, Scope, VERSION,
};
pub use member::{
    ENTRIES, MemberEntry, MemberJournal, PROOFS, WITHHELD, Withheld, write_member_journal,
};
pub use module::{ExportModule, Files};
pub use path::{MAX_PATH_BYTES, check_path};
pub use read::{Archive, ArchiveError, Checked, Limits};
pub use verify::{Failure, Report};
pub use write::{ArchiveWriter, FileWriter, WriteError};
