//! Files on disk: verified journal reading, bounded text reading, and rewrites that never
//! leave half a file.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

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

/// Changes the journal file at `path`: under an exclusive lock on it, `change` reads the
/// current file (at the path it is given) and writes the new version, which then
/// replaces the file in one rename. Readers see the old file or the new one, never a
/// mix; a crash leaves the old one in place; and two commands changing the same file
/// (two appends, an append and a redaction) take turns, so none is lost or undone.
///
/// A symbolic link is followed: the file it names is changed, and the link stays. The
/// temporary copies a killed command left beside the file are removed first: they may
/// hold payloads a redaction erased. With `create`, a missing file is made (and
/// removed again if `change` fails).
pub(crate) fn update<T>(
    path: &Path,
    create: bool,
    change: impl FnOnce(&Path, &mut JournalWriter<BufWriter<&mut File>>) -> Result<T>,
) -> Result<T> {
    let lock = Lock::acquire(path, create)?;
    let result = replace(&lock.path, |writer| change(&lock.path, writer));
    if result.is_err() && lock.created {
        let _ = std::fs::remove_file(&lock.path);
    }
    result
}

/// An exclusive lock on a journal file, held until dropped.
struct Lock {
    /// The locked file (the link's target, for a symbolic link).
    path: PathBuf,
    /// Whether this lock made the file.
    created: bool,
    _file: File,
}

impl Lock {
    fn acquire(path: &Path, create: bool) -> Result<Lock> {
        // Follow a symbolic link to the file it names, so that the rename replaces the
        // target, not the link.
        let path = match std::fs::canonicalize(path) {
            Ok(target) => target,
            Err(_) => path.to_path_buf(),
        };
        loop {
            let created = create && !path.exists();
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(create)
                .truncate(false)
                .open(&path)
                .with_context(|| format!("cannot open `{}`", path.display()))?;
            file.lock()
                .with_context(|| format!("cannot lock `{}`", path.display()))?;
            // Another command may have replaced the file while this one waited: its
            // lock was on the old file. Lock the file the path names now.
            if same_file(&file, &path) {
                if let Err(err) = remove_stale_copies(&path) {
                    if created {
                        let _ = std::fs::remove_file(&path);
                    }
                    return Err(err);
                }
                return Ok(Lock {
                    path,
                    created,
                    _file: file,
                });
            }
        }
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

/// The prefix and suffix of the temporary copies of the journal file `name`.
fn temp_name(name: &std::ffi::OsStr) -> (String, &'static str) {
    (format!(".{}.", name.to_string_lossy()), ".andel-tmp")
}

/// Removes the temporary copies of `path` a killed command left behind. Called under
/// the file's lock, so no live command is writing one.
fn remove_stale_copies(path: &Path) -> Result<()> {
    let Some(name) = path.file_name() else {
        return Ok(());
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let (prefix, suffix) = temp_name(name);
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot list `{}`", dir.display()))?;
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        if file.starts_with(&prefix) && file.ends_with(suffix) {
            std::fs::remove_file(entry.path()).with_context(|| {
                format!("cannot remove the stale copy `{}`", entry.path().display())
            })?;
        }
    }
    Ok(())
}

/// Writes a new version of `path` through `write`, then replaces the file in one
/// rename. The caller holds the file's lock, or the file is its own (an export).
fn replace<T>(
    path: &Path,
    write: impl FnOnce(&mut JournalWriter<BufWriter<&mut File>>) -> Result<T>,
) -> Result<T> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let (prefix, suffix) = temp_name(path.file_name().unwrap_or_default());
    let mut temp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(suffix)
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
