//! Journal files as a store: appends and redactions on a file in the journal file format,
//! each under an exclusive lock on the file and written as a whole new file that
//! replaces the old one in one rename.
//!
//! Readers see the old file or the new one, never a mix; a crash leaves the old one in
//! place; two writers of one file (two appends, an append and a redaction) take turns,
//! so nothing acknowledged is lost or undone. A symbolic link is followed: the file it
//! names is changed and the link stays. Temporary copies a killed writer left beside the
//! file are removed under the lock, since they may hold payloads a redaction erased.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use andel_journal::file::{FileError, JournalWriter, verify_file_with};
use andel_journal::{
    AppendError, Draft, Entry, RedactError, Redaction, StreamHead, StreamId, Summary,
};

/// Why a journal file could not be read or changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileStoreError {
    /// The file system refused.
    #[error("cannot {doing} `{}`: {source}", path.display())]
    Io {
        /// What was being done.
        doing: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: io::Error,
    },
    /// The file does not verify, so it was not changed.
    #[error("`{}` does not verify, so it was left unchanged: {source}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The first line or entry that is wrong (boxed: it holds the entry).
        source: Box<FileError>,
    },
    /// There is no file to change.
    #[error("there is no journal file `{}`", path.display())]
    Missing {
        /// The file.
        path: PathBuf,
    },
    /// The stream has no such entry.
    #[error("`{stream}` has no entry with seq {seq}")]
    NoEntry {
        /// The stream.
        stream: StreamId,
        /// The seq asked for.
        seq: u64,
    },
    /// The entry could not be sealed.
    #[error(transparent)]
    Append(#[from] AppendError),
    /// The redaction was refused.
    #[error(transparent)]
    Redact(#[from] RedactError),
}

fn io_error(doing: &'static str, path: &Path) -> impl FnOnce(io::Error) -> FileStoreError {
    let path = path.to_path_buf();
    move |source| FileStoreError::Io {
        doing,
        path,
        source,
    }
}

/// A journal file.
///
/// ```
/// use andel_journal::{Draft, Kind, Payload, StreamId};
/// use andel_store::file::JournalFile;
///
/// let dir = tempfile::tempdir()?;
/// let journal = JournalFile::new(dir.path().join("coop.ndjson"));
/// let members = StreamId::new("members")?;
/// let admitted = Draft::new(
///     Kind::new("member.admitted")?,
///     Payload::from_json_str(r#"{"member":1}"#)?,
///     "2026-03-01T09:00:00Z".parse()?,
/// );
/// let entry = journal.append(&members, admitted)?;
/// assert_eq!(entry.seq(), 0);
/// let summary = journal.scan(|_| Ok::<(), andel_store::file::FileStoreError>(()))??;
/// assert_eq!(summary.entries(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalFile {
    path: PathBuf,
}

impl JournalFile {
    /// The journal file at `path` (which need not exist yet).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        JournalFile { path: path.into() }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads and verifies the whole file, handing every verified entry to `visit`.
    /// Reading stops at the first line or entry that is wrong: the inner error names
    /// it.
    ///
    /// # Errors
    ///
    /// The outer error: the file cannot be opened, or `visit` failed.
    pub fn scan<E: From<FileStoreError>>(
        &self,
        visit: impl FnMut(&Entry) -> Result<(), E>,
    ) -> Result<Result<Summary, FileError>, E> {
        scan(&self.path, visit)
    }

    /// Appends `draft` to `stream`, creating the file if it does not exist.
    ///
    /// # Errors
    ///
    /// A file that does not verify (left unchanged), or one that cannot be written.
    pub fn append(&self, stream: &StreamId, draft: Draft) -> Result<Entry, FileStoreError> {
        self.update(true, |current, writer| {
            let mut head = StreamHead::new(stream.clone());
            scan(current, |entry| {
                if entry.stream() == stream {
                    head.advance(entry);
                }
                write(writer, entry, current)
            })?
            .map_err(|source| invalid(current, source))?;
            let entry = head.seal(head.next_seq(), draft)?;
            write(writer, &entry, current)?;
            Ok(entry)
        })
    }

    /// Erases the payload of `stream` seq `seq` and appends the redaction record.
    ///
    /// # Errors
    ///
    /// No such file or entry, a refused redaction, a file that does not verify (left
    /// unchanged), or one that cannot be written.
    pub fn redact(
        &self,
        stream: &StreamId,
        seq: u64,
        redaction: Redaction,
    ) -> Result<Entry, FileStoreError> {
        if !self.path.exists() {
            return Err(FileStoreError::Missing {
                path: self.path.clone(),
            });
        }
        self.update(false, |current, writer| {
            let mut head = StreamHead::new(stream.clone());
            let mut target = None;
            scan(current, |entry| {
                if entry.stream() == stream {
                    head.advance(entry);
                    if entry.seq() == seq {
                        target = Some(entry.clone());
                    }
                }
                Ok::<(), FileStoreError>(())
            })?
            .map_err(|source| invalid(current, source))?;
            let target = target.ok_or_else(|| FileStoreError::NoEntry {
                stream: stream.clone(),
                seq,
            })?;
            let record = head.seal_redaction(&target, redaction)?;
            scan(current, |entry| {
                if entry.stream() == stream && entry.seq() == seq {
                    write(writer, &entry.clone().redacted(), current)
                } else {
                    write(writer, entry, current)
                }
            })?
            .map_err(|source| invalid(current, source))?;
            write(writer, &record, current)?;
            Ok(record)
        })
    }

    /// Changes the file: under an exclusive lock on it, `change` reads the current file
    /// (at the path it is given: a link's target) and writes the new version, which
    /// then replaces the file in one rename. With `create`, a missing file is made
    /// (and removed again if `change` fails).
    ///
    /// # Errors
    ///
    /// The file cannot be locked or written, or `change` failed.
    pub fn update<T, E: From<FileStoreError>>(
        &self,
        create: bool,
        change: impl FnOnce(&Path, &mut JournalWriter<BufWriter<&mut File>>) -> Result<T, E>,
    ) -> Result<T, E> {
        let lock = Lock::acquire(&self.path, create)?;
        let result = replace(&lock.path, |writer| change(&lock.path, writer));
        if result.is_err() && lock.created {
            let _ = std::fs::remove_file(&lock.path);
        }
        result
    }
}

fn scan<E: From<FileStoreError>>(
    path: &Path,
    visit: impl FnMut(&Entry) -> Result<(), E>,
) -> Result<Result<Summary, FileError>, E> {
    let file = File::open(path).map_err(io_error("open", path))?;
    verify_file_with(BufReader::with_capacity(1 << 16, file), visit)
}

fn write(
    writer: &mut JournalWriter<BufWriter<&mut File>>,
    entry: &Entry,
    path: &Path,
) -> Result<(), FileStoreError> {
    writer
        .write(entry)
        .map_err(io_error("write the new version of", path))
}

fn invalid(path: &Path, source: FileError) -> FileStoreError {
    FileStoreError::Invalid {
        path: path.to_path_buf(),
        source: Box::new(source),
    }
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
    fn acquire(path: &Path, create: bool) -> Result<Lock, FileStoreError> {
        // Follow a symbolic link to the file it names, so that the rename replaces the
        // target, not the link.
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        loop {
            let created = create && !path.exists();
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(create)
                .truncate(false)
                .open(&path)
                .map_err(io_error("open", &path))?;
            file.lock().map_err(io_error("lock", &path))?;
            // Another writer may have replaced the file while this one waited: its
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

/// The folder a file is in (`.` for a bare name).
fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// The prefix and suffix of the temporary copies of the journal file `name`.
fn temp_name(name: &std::ffi::OsStr) -> (String, &'static str) {
    (format!(".{}.", name.to_string_lossy()), ".andel-tmp")
}

/// Removes the temporary copies of `path` a killed writer left behind. Called under the
/// file's lock, so no live writer is writing one.
fn remove_stale_copies(path: &Path) -> Result<(), FileStoreError> {
    let Some(name) = path.file_name() else {
        return Ok(());
    };
    let dir = folder(path);
    let (prefix, suffix) = temp_name(name);
    let entries = std::fs::read_dir(dir).map_err(io_error("list", dir))?;
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        if file.starts_with(&prefix) && file.ends_with(suffix) {
            let stale = entry.path();
            std::fs::remove_file(&stale).map_err(io_error("remove the stale copy", &stale))?;
        }
    }
    Ok(())
}

/// Writes a new version of `path` through `write`, then replaces the file in one rename.
/// The caller holds the file's lock.
fn replace<T, E: From<FileStoreError>>(
    path: &Path,
    write: impl FnOnce(&mut JournalWriter<BufWriter<&mut File>>) -> Result<T, E>,
) -> Result<T, E> {
    let dir = folder(path);
    let (prefix, suffix) = temp_name(path.file_name().unwrap_or_default());
    let mut temp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(suffix)
        .tempfile_in(dir)
        .map_err(io_error("create a temporary file in", dir))?;
    let value = {
        let mut writer = JournalWriter::new(BufWriter::new(temp.as_file_mut()));
        let value = write(&mut writer)?;
        writer
            .get_mut()
            .flush()
            .map_err(io_error("write next to", path))?;
        value
    };
    if let Ok(meta) = std::fs::metadata(path) {
        std::fs::set_permissions(temp.path(), meta.permissions())
            .map_err(io_error("copy the permissions of", path))?;
    }
    temp.as_file()
        .sync_all()
        .map_err(io_error("sync the new version of", path))?;
    temp.persist(path)
        .map_err(|err| io_error("replace", path)(err.error))?;
    // The rename is durable once the folder is synced.
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_error("sync the folder", dir))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use andel_journal::{Kind, Payload};

    fn draft(n: usize) -> Draft {
        Draft::new(
            Kind::new("member.admitted").unwrap(),
            Payload::new(&n).unwrap(),
            "2026-03-01T09:00:00Z".parse().unwrap(),
        )
    }

    #[test]
    fn writers_of_one_file_take_turns_and_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("coop.ndjson");
        let stream = StreamId::new("members").unwrap();
        std::thread::scope(|scope| {
            for w in 0..8 {
                let (path, stream) = (path.clone(), stream.clone());
                scope.spawn(move || {
                    let journal = JournalFile::new(path);
                    for i in 0..10 {
                        journal.append(&stream, draft(w * 10 + i)).unwrap();
                    }
                });
            }
        });
        let journal = JournalFile::new(&path);
        let summary = journal
            .scan(|_| Ok::<(), FileStoreError>(()))
            .unwrap()
            .unwrap();
        assert_eq!(summary.entries(), 80);
        // Nothing but the journal is left in the folder.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn redacting_what_is_not_there_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let journal = JournalFile::new(dir.path().join("none.ndjson"));
        let stream = StreamId::new("members").unwrap();
        let redaction = Redaction::new("erasure request", "2026-03-02T09:00:00Z".parse().unwrap());
        assert!(matches!(
            journal.redact(&stream, 0, redaction.clone()),
            Err(FileStoreError::Missing { .. })
        ));
        journal.append(&stream, draft(1)).unwrap();
        assert_eq!(
            journal
                .redact(&stream, 5, redaction)
                .unwrap_err()
                .to_string(),
            "`members` has no entry with seq 5"
        );
        assert!(!journal.path().with_extension("").exists());
    }
}
