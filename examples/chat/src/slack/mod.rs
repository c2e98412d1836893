//! Slack workspace exports read, as hostile input, from a folder or a zip, into a
//! checked [`Export`] and a [`ReadReport`] of what was left out or changed, and why.
//!
//! An export holds, at its root, `users.json` and the lists of conversations
//! (`channels.json` for public channels, `groups.json` for private ones, `dms.json`
//! for direct conversations, `mpims.json` for group ones; a missing list is an empty
//! one), and a folder per conversation of day files, `YYYY-MM-DD.json`, each a list of
//! messages. A conversation's folder is its name or its id (both are taken for every
//! kind). A zip may hold the export at its root or inside one top-level folder, when
//! every entry is in that folder and it holds one of the lists.
//!
//! Reading is bounded and never panics. Before a byte of a file is read, the entries
//! are counted ([`MAX_FILES`]) and sized ([`MAX_FILE_BYTES`] each,
//! [`MAX_EXPORT_BYTES`] in all); each file is then read no further than its limit,
//! whatever a zip's header says, and the things kept are counted ([`MAX_ITEMS`]). A
//! zip with an entry whose name could reach outside the export (`..`, an absolute
//! path, a backslash, a drive, a control character), a symbolic link, an encrypted
//! entry or two entries with one name is refused whole; in a folder, symbolic links
//! and special files are passed over (and reported), never followed. A file that is
//! not JSON is an error naming it and the line and column.
//!
//! Whatever is wrong with single things is reported, not an error: a file that is not
//! part of an export, a day file in a folder no conversation names, an entry that is
//! not an object, a message without a valid `ts`, a second message with a `ts` already
//! seen in its conversation (the first is kept), an id that is not one (1 to
//! [`MAX_ID_BYTES`] bytes, no control characters). Text longer than its limit is cut
//! and the report says so: a message's text at [`MAX_TEXT_CHARS`] characters (Slack's
//! own limit, so a real export never meets it), names, topics and titles at
//! [`MAX_NAME_CHARS`]. Where an id or a timestamp should be text and is not, it is left
//! out and reported; other fields of an unexpected type (a name that is a number, a
//! list of reactions that is not a list) are taken as empty. Fields this reader does
//! not use are passed over unread.
//!
//! Reports and errors name files by their path inside the export (from the export's
//! root, so the folder a zip may wrap it in is not part of it), with control
//! characters escaped. The same export read from a folder and from a zip gives the
//! same [`Export`] and the same [`ReadReport`].
//!
//! ```
//! use chat::slack::{ConversationKind, read_folder};
//!
//! let dir = tempfile::tempdir()?;
//! std::fs::write(dir.path().join("users.json"), r#"[{"id": "U1", "name": "alva"}]"#)?;
//! std::fs::write(dir.path().join("channels.json"), r#"[{"id": "C1", "name": "general"}]"#)?;
//! std::fs::create_dir(dir.path().join("general"))?;
//! std::fs::write(
//!     dir.path().join("general/2025-01-10.json"),
//!     r#"[{"ts": "1736478514.897649", "user": "U1", "text": "Hello"}, {"text": "no ts"}]"#,
//! )?;
//!
//! let (export, report) = read_folder(dir.path())?;
//! let general = &export.conversations[0];
//! assert_eq!((general.name.as_str(), general.kind), ("general", ConversationKind::Public));
//! assert_eq!(general.messages[0].text, "Hello");
//! assert_eq!(
//!     report.skipped,
//!     ["`general/2025-01-10.json` message 2 skipped: it has no `ts` (as text)"]
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod bounds;
mod export;
mod format;
mod model;
mod plan;
mod read;
mod source;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;
mod ts;

use std::io::{Cursor, Read, Seek};
use std::path::Path;

use bounds::Limits;

pub use export::export_workspace;
pub use model::{
    Conversation, ConversationKind, Edited, Export, File, Message, Reaction, ReadReport, User,
};
pub use plan::{ImportReport, MAX_MEMBER_MAP_BYTES, MemberMap, MemberMapError, plan_import};
pub use ts::{Ts, TsError};

/// The most bytes read from an export, all files together: 1 GiB.
pub const MAX_EXPORT_BYTES: u64 = 1 << 30;
/// The most entries (files and folders) an export may hold.
pub const MAX_FILES: usize = 200_000;
/// The most bytes read from one file: 64 MiB.
pub const MAX_FILE_BYTES: u64 = 64 << 20;
/// The most things kept from an export, counted together: users, conversations, their
/// members, messages, reactions, the users of each reaction, and files. Past it the
/// export is refused, so that a flood of tiny entries cannot take all memory.
pub const MAX_ITEMS: usize = 20_000_000;
/// The longest id kept, in bytes (Slack's are about 11).
pub const MAX_ID_BYTES: usize = 256;
/// The longest message text kept, in characters: Slack's own limit. Longer text is cut
/// to it, and the report says so.
pub const MAX_TEXT_CHARS: usize = 40_000;
/// The longest name, topic, purpose, file title or other short text kept, in
/// characters. Longer text is cut to it, and the report says so.
pub const MAX_NAME_CHARS: usize = 1_000;
/// The longest file address kept, in bytes; a longer one is left out, and the report
/// says so.
pub const MAX_URL_BYTES: usize = 8_192;
/// The longest path of an entry inside a zip, in bytes: the member archive's limit, whose
/// check of names ([`andel_export::check_path`]) a zip's entries pass.
pub use andel_export::MAX_PATH_BYTES;
/// The most lines a report lists; a last line says how many more there were.
pub const MAX_REPORT_LINES: usize = 1_000;

/// Why a Slack export cannot be read. Each names the file (its path inside the export,
/// control characters escaped) or the part of the zip that is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SlackError {
    /// A file or folder that cannot be read from disk.
    #[error("cannot read `{path}`: {message}")]
    Io {
        /// The path inside the export (`.` for its root).
        path: String,
        /// The kind of failure.
        kind: std::io::ErrorKind,
        /// What the system said.
        message: String,
    },
    /// Not a zip archive, or one too damaged to list.
    #[error("the zip cannot be opened: {message}")]
    NotAZip {
        /// What the zip reader said.
        message: String,
    },
    /// An entry of the zip that cannot be read (damaged, or compressed in a way this
    /// reader does not know).
    #[error("cannot read `{path}` in the zip: {message}")]
    Zip {
        /// The entry's path (or its place, `entry 3`, when it cannot be listed).
        path: String,
        /// What the zip reader said.
        message: String,
    },
    /// An entry's name that could reach outside the export, or that no export has.
    #[error("the zip's entry `{path}`: the name {problem}")]
    UnsafePath {
        /// The name.
        path: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// An entry that is neither a plain file nor a folder: a symbolic link, an
    /// encrypted file.
    #[error("`{path}` is {what}; an export holds plain files and folders only")]
    NotAFile {
        /// The path.
        path: String,
        /// What it is.
        what: &'static str,
    },
    /// Two entries of the zip with one name.
    #[error("the zip holds two entries named `{path}`")]
    Duplicate {
        /// The name.
        path: String,
    },
    /// The zip's directory lists two entries under one name (a zip reader would see
    /// only one of them).
    #[error("the zip's directory lists two entries under one name")]
    DuplicateNames,
    /// More entries than are read.
    #[error("the export holds more than {max} files and folders; at most that many are read")]
    TooManyFiles {
        /// The most read.
        max: usize,
    },
    /// A file larger than is read.
    #[error("`{path}` is {size} bytes or more; at most {max} bytes are read from one file")]
    TooLarge {
        /// The path.
        path: String,
        /// Its size, as declared or as read so far.
        size: u64,
        /// The most read.
        max: u64,
    },
    /// The files together larger than is read.
    #[error("with `{path}` the export holds more than {max} bytes; at most that many are read")]
    TotalTooLarge {
        /// The file that went past the limit.
        path: String,
        /// The most read.
        max: u64,
    },
    /// A file that is not JSON.
    #[error("`{path}` cannot be read as JSON: {message} (line {line}, column {column})")]
    Json {
        /// The path.
        path: String,
        /// What the JSON reader found wrong.
        message: String,
        /// The line, from 1.
        line: usize,
        /// The column, from 1.
        column: usize,
    },
    /// JSON, but not the list the file should hold.
    #[error("`{path}` is not as a Slack export has it: {message} (line {line}, column {column})")]
    Shape {
        /// The path.
        path: String,
        /// What was not as expected.
        message: String,
        /// The line, from 1.
        line: usize,
        /// The column, from 1.
        column: usize,
    },
    /// More things than are kept.
    #[error(
        "with `{path}` the export holds more than {max} users, conversations, members, \
         messages, reactions and files; at most that many are read"
    )]
    TooMany {
        /// The file that went past the limit.
        path: String,
        /// The most kept.
        max: usize,
    },
}

/// Reads the Slack export in the folder `path` (the folder holding `users.json` and
/// the rest).
///
/// Symbolic links and special files inside it are not followed: they are passed over
/// and reported.
///
/// # Errors
///
/// See [`SlackError`]: a file or folder that cannot be read, more than [`MAX_FILES`]
/// entries, a file past [`MAX_FILE_BYTES`] or all past [`MAX_EXPORT_BYTES`], a list or
/// day file that is not JSON or not a list, more than [`MAX_ITEMS`] things.
pub fn read_folder(path: &Path) -> Result<(Export, ReadReport), SlackError> {
    read_folder_within(path, Limits::default())
}

/// Reads a Slack export from the bytes of its zip; as [`read_zip_from`].
///
/// # Errors
///
/// As [`read_zip_from`].
pub fn read_zip(bytes: &[u8]) -> Result<(Export, ReadReport), SlackError> {
    read_zip_from(Cursor::new(bytes))
}

/// Reads a Slack export from a zip (an open file, say), at its root or inside one
/// top-level folder.
///
/// Folder entries are taken (and otherwise ignored). Every entry is checked before any
/// is read: a name that could reach outside the export, a symbolic link, an encrypted
/// entry, two entries with one name, more than [`MAX_FILES`] entries, an entry
/// declaring more than [`MAX_FILE_BYTES`], or all more than [`MAX_EXPORT_BYTES`],
/// refuses the zip whole. A file is then inflated no further than its limit, however
/// small its header says it is.
///
/// # Errors
///
/// See [`SlackError`]: all of the above, and what [`read_folder`] refuses in the files.
pub fn read_zip_from<R: Read + Seek>(reader: R) -> Result<(Export, ReadReport), SlackError> {
    read_zip_within(reader, Limits::default())
}

fn read_folder_within(path: &Path, limits: Limits) -> Result<(Export, ReadReport), SlackError> {
    let listing = source::list_folder(path, limits)?;
    read::read_export(&mut source::Folder, listing, limits)
}

fn read_zip_within<R: Read + Seek>(
    reader: R,
    limits: Limits,
) -> Result<(Export, ReadReport), SlackError> {
    let (mut zip, listing) = source::list_zip(reader, limits)?;
    read::read_export(&mut zip, listing, limits)
}
