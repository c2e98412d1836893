//! The journal module: every stream of the co-op in the journal file format, and the
//! Merkle root of each, so that a third party checks the records against roots the
//! co-op published.

use std::io::{BufReader, BufWriter, Read, Seek, Write};

use andel_journal::file::{JournalWriter, verify_file};
use andel_journal::{Digest, Entry, Summary, Verifier, VerifyError};
use serde::{Deserialize, Serialize};

use crate::{Archive, ArchiveWriter, FileWriter, Module, WriteError};

/// The journal file, every stream of the co-op, in stream then seq order.
pub const JOURNAL: &str = "journal/journal.ndjson";

/// The root of every stream of [`JOURNAL`].
pub const ROOTS: &str = "journal/roots.json";

/// The journal module, as the manifest lists it.
pub fn journal_module() -> Module {
    Module {
        id: "journal".into(),
        version: 1,
    }
}

/// One stream's size and Merkle root, as `journal/roots.json` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamRoot {
    /// The stream.
    pub stream: String,
    /// Its number of entries.
    pub entries: u64,
    /// The Merkle root over its entry hashes (RFC 9162).
    pub root: Digest,
}

/// `journal/roots.json`: every stream's root, in name order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roots {
    /// The streams.
    pub streams: Vec<StreamRoot>,
}

impl Roots {
    /// The roots a verification found.
    pub fn of(summary: &Summary) -> Self {
        Roots {
            streams: summary
                .streams
                .iter()
                .map(|s| StreamRoot {
                    stream: s.stream.to_string(),
                    entries: s.entries,
                    root: s.root,
                })
                .collect(),
        }
    }
}

/// Why the journal could not go into an archive.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JournalSectionError {
    /// The journal does not verify: an archive holds only journals that do (export
    /// the journal file with `andel journal export` to keep a damaged one).
    #[error("the journal does not verify, so it is not archived: {0}")]
    Invalid(#[from] VerifyError),
    /// Writing failed.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Writes the co-op's entries into [`JOURNAL`], verifying them on the way; then
/// [`JournalSection::finish`] writes [`ROOTS`].
pub struct JournalSection<'a, W: Write + Seek> {
    file: JournalWriter<BufWriter<FileWriter<'a, W>>>,
    verifier: Verifier,
}

impl<W: Write + Seek> std::fmt::Debug for JournalSection<'_, W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JournalSection").finish_non_exhaustive()
    }
}

impl<'a, W: Write + Seek> JournalSection<'a, W> {
    /// Starts [`JOURNAL`] in `archive`.
    ///
    /// # Errors
    ///
    /// The archive already holds it, or a write failed.
    pub fn start(archive: &'a mut ArchiveWriter<W>) -> Result<Self, WriteError> {
        let file = archive.file(JOURNAL)?;
        Ok(JournalSection {
            file: JournalWriter::new(BufWriter::with_capacity(1 << 16, file)),
            verifier: Verifier::new(),
        })
    }

    /// Writes `entry`, the next in stream then seq order.
    ///
    /// # Errors
    ///
    /// The entry does not follow the ones before, or a write failed.
    pub fn push(&mut self, entry: &Entry) -> Result<(), JournalSectionError> {
        self.verifier.check(entry)?;
        self.file.write(entry).map_err(WriteError::Io)?;
        Ok(())
    }

    /// Ends [`JOURNAL`]; returns what was verified, for [`write_roots`].
    ///
    /// # Errors
    ///
    /// The journal ends short (a redaction without its record), or a write failed.
    pub fn finish(self) -> Result<Summary, JournalSectionError> {
        let summary = self.verifier.finish()?;
        let file = self
            .file
            .into_inner()
            .into_inner()
            .map_err(|err| WriteError::Io(err.into_error()))?;
        file.finish()?;
        Ok(summary)
    }
}

/// Writes [`ROOTS`] for `summary`.
///
/// # Errors
///
/// A write that failed.
pub fn write_roots<W: Write + Seek>(
    archive: &mut ArchiveWriter<W>,
    summary: &Summary,
) -> Result<Roots, WriteError> {
    let roots = Roots::of(summary);
    let json = serde_json::to_vec_pretty(&roots).map_err(std::io::Error::other)?;
    let mut file = archive.file(ROOTS)?;
    file.write_all(&json)?;
    file.finish()?;
    Ok(roots)
}

/// Verifies [`JOURNAL`] and checks [`ROOTS`] against it; returns the journal's summary
/// or what is wrong, in words.
pub(crate) fn check<R: Read + Seek>(archive: &mut Archive<R>) -> Result<Summary, (String, String)> {
    let summary = {
        let file = archive
            .file(JOURNAL)
            .map_err(|err| (JOURNAL.to_owned(), err.to_string()))?;
        verify_file(BufReader::with_capacity(1 << 16, file))
            .map_err(|err| (JOURNAL.to_owned(), format!("does not verify: {err}")))?
    };
    let mut text = Vec::new();
    archive
        .file(ROOTS)
        .and_then(|mut file| Ok(file.read_to_end(&mut text)?))
        .map_err(|err| (ROOTS.to_owned(), err.to_string()))?;
    let listed: Roots = serde_json::from_slice(&text)
        .map_err(|err| (ROOTS.to_owned(), format!("is not valid: {err}")))?;
    let found = Roots::of(&summary);
    if listed != found {
        let first = found
            .streams
            .iter()
            .zip(
                listed
                    .streams
                    .iter()
                    .map(Some)
                    .chain(std::iter::repeat(None)),
            )
            .find(|(found, listed)| Some(*found) != *listed)
            .map_or_else(
                || "lists other streams than the journal holds".to_owned(),
                |(found, _)| {
                    format!(
                        "does not give stream `{}` its root {} over {} entries",
                        found.stream, found.root, found.entries
                    )
                },
            );
        return Err((ROOTS.to_owned(), first));
    }
    Ok(summary)
}
