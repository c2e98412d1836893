//! Files on disk: verified journal reading, bounded text reading, and rewrites that never
//! leave half a file.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;

use andel::journal::file::{FileError, JournalWriter, verify_file_with};
use andel::journal::{Entry, Summary};
use anyhow::{Context, Result};

/// Opens a journal file for reading.
pub(crate) fn open(path: &Path) -> Result<BufReader<File>> {
    let file = File::open(path).with_context(|| format!("cannot open `{}`", path.display()))?;
    Ok(BufReader::with_capacity(1 << 16, file))
}

/// Reads and verifies the whole file, handing every verified entry to `visit`.
///
/// Reading stops at the first line or entry that is wrong: the inner error names it.
pub(crate) fn scan(
    path: &Path,
    visit: impl FnMut(&Entry) -> Result<()>,
) -> Result<std::result::Result<Summary, FileError>> {
    verify_file_with(open(path)?, visit)
}

/// Writes a new version of `path` through `write`, then replaces the file in one
/// rename: readers see the old file or the new one, never a mix, and a crash leaves the
/// old one in place.
pub(crate) fn rewrite<T>(
    path: &Path,
    write: impl FnOnce(&mut JournalWriter<BufWriter<&mut File>>) -> Result<T>,
) -> Result<T> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".andel-journal-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in `{}`", dir.display()))?;
    let value = {
        let mut writer = JournalWriter::new(BufWriter::new(temp.as_file_mut()));
        let value = write(&mut writer)?;
        writer
            .get_mut()
            .flush()
            .with_context(|| format!("cannot write next to `{}`", path.display()))?;
        value
    };
    if let Ok(meta) = std::fs::metadata(path) {
        std::fs::set_permissions(temp.path(), meta.permissions())
            .with_context(|| format!("cannot copy the permissions of `{}`", path.display()))?;
    }
    temp.as_file()
        .sync_all()
        .with_context(|| format!("cannot sync the new `{}`", path.display()))?;
    temp.persist(path)
        .with_context(|| format!("cannot replace `{}`", path.display()))?;
    // The rename is durable once the directory is synced.
    File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("cannot sync the directory `{}`", dir.display()))?;
    Ok(value)
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
