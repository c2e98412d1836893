//! Files on disk: verified journal reading (through `andel-store`'s journal file store)
//! and bounded text reading.

use std::path::Path;

use andel::journal::file::FileError;
use andel::journal::{Entry, Summary};
use andel::store::file::JournalFile;
use anyhow::{Context, Result};

/// Reads and verifies the whole file, handing every verified entry to `visit`.
///
/// Reading stops at the first line or entry that is wrong: the inner error names it.
pub(crate) fn scan(
    path: &Path,
    visit: impl FnMut(&Entry) -> Result<()>,
) -> Result<std::result::Result<Summary, FileError>> {
    JournalFile::new(path).scan(visit)
}

/// The largest input file any command reads whole (statutes, specs, rolls, members,
/// citations): far above what a co-op writes, low enough that a wrong file is refused
/// before it is read.
pub(crate) const MAX_INPUT: u64 = 64 << 20;

/// Reads a text file the user named, refusing one larger than [`MAX_INPUT`] bytes
/// before reading it.
pub(crate) fn read_input(path: &Path) -> Result<String> {
    read_text(path, MAX_INPUT)
}

/// Reads a text file the user named, refusing one larger than `max` bytes before
/// reading it.
pub(crate) fn read_text(path: &Path, max: u64) -> Result<String> {
    let size = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    if size > max {
        anyhow::bail!(
            "{} is {size} bytes, more than the {max} read",
            path.display()
        );
    }
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {} as UTF-8 text", path.display()))
}
