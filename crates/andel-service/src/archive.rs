//! The co-op's archive (`andel-export`'s format v1): every journal of the tenant with
//! each stream's root, for a co-op that moves to another host or dissolves; and its
//! import into another database, tenant or co-op, every hash and root unchanged.

use std::io::{BufReader, Seek, Write};
use std::path::Path;

use andel_export::{
    Archive, ArchiveWriter, Header, JOURNAL, JournalSection, Limits, Manifest, Report, Scope,
    journal_module, write_roots,
};
use chrono::{DateTime, Utc};

use crate::{Coop, Imported, Journal, ServiceError};

/// What importing an archive did, or (a dry run) would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveImport {
    /// Per stream: its size in the archive, and in the database before the import.
    pub streams: Vec<StreamPlan>,
    /// What was written: `None` for a dry run.
    pub imported: Option<Imported>,
}

/// One stream of an archive to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamPlan {
    /// The stream.
    pub stream: String,
    /// Its entries in the archive.
    pub in_archive: u64,
    /// Its entries in the database before the import (a prefix of the archive's).
    pub in_database: u64,
}

/// How many entries an export writes between two calls of its `progress`.
const PROGRESS_EVERY: u64 = 1000;

impl Coop {
    /// How many entries the tenant's journal holds, over all its streams: what an
    /// export writes.
    ///
    /// # Errors
    ///
    /// A store failure.
    pub async fn journal_size(&self) -> Result<u64, ServiceError> {
        let mut entries = 0;
        for stream in self.streams().await? {
            entries += self.journal().head(&stream).await?.next_seq();
        }
        Ok(entries)
    }

    /// Writes every journal of the tenant into `out` as an archive: the journal file,
    /// each stream's root, `README.txt`, `index.html` and the manifest. The journal is
    /// verified as it is written; memory stays constant in its size. `progress` hears
    /// how many entries were written, every thousand and at the end.
    ///
    /// # Errors
    ///
    /// A journal that does not verify (nothing useful is written: keep it with `andel
    /// journal export`), a store failure, or an output that fails.
    pub async fn export_archive<W: Write + Seek + Send>(
        &self,
        out: W,
        created_at: DateTime<Utc>,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<(W, Manifest), ServiceError> {
        let header = Header {
            producer: format!("andel {}", env!("CARGO_PKG_VERSION")),
            created_at,
            scope: Scope::Coop {
                tenant: self.tenant().to_string(),
            },
            modules: vec![journal_module()],
        };
        let mut writer = ArchiveWriter::new(out, header);
        let summary = {
            let mut section = JournalSection::start(&mut writer)?;
            let mut written = 0u64;
            self.for_each_entry::<ServiceError>(|entry| {
                section.push(entry)?;
                written += 1;
                if written.is_multiple_of(PROGRESS_EVERY) {
                    progress(written);
                }
                Ok(())
            })
            .await?;
            progress(written);
            section.finish()?
        };
        write_roots(&mut writer, &summary)?;
        Ok(writer.finish()?)
    }

    /// Imports the archive at `path` into the tenant: verified whole first (nothing is
    /// imported from one that does not verify), then each stream the database lacks or
    /// holds a prefix of is completed, and every stream's root is checked against the
    /// archive's. Importing twice adds nothing; an interrupted import finishes when run
    /// again. With `dry_run`, says what would be imported and writes nothing.
    /// `progress` hears how many entries were written, after each batch.
    ///
    /// # Errors
    ///
    /// An archive that cannot be opened or does not verify (naming each failure), a
    /// stream the database holds other or more entries of, a store failure.
    pub async fn import_archive(
        &self,
        path: &Path,
        dry_run: bool,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<ArchiveImport, ServiceError> {
        let refuse = |problem: String| ServiceError::Refused(problem);
        let (mut archive, report) = open_verified(path)?;
        if let Scope::Member { .. } = archive.manifest().scope {
            return Err(refuse(format!(
                "`{}` is a member's archive, not a co-op's: import it as a member's, saying who \
                 they are here (--map-member OLD=NEW)",
                path.display()
            )));
        }
        let Some(summary) = report.journal else {
            return Err(refuse(format!(
                "`{}` holds no journal, so nothing was imported",
                path.display()
            )));
        };
        let mut journal_file = tempfile::NamedTempFile::new().map_err(ServiceError::Write)?;
        {
            let mut entry = archive
                .file(JOURNAL)
                .map_err(|err| refuse(err.to_string()))?;
            std::io::copy(&mut entry, &mut journal_file).map_err(ServiceError::Write)?;
        }
        let journal = Journal::Store(self);
        // Messages about the journal name the archive, not the temporary file.
        let temp = journal_file.path().display().to_string();
        let archived = format!("{}'s journal", path.display());
        let named = |err: ServiceError| match err {
            ServiceError::Refused(problem) => {
                ServiceError::Refused(problem.replace(&temp, &archived))
            }
            other => other,
        };
        // Checked once against the database: the plan, and then the import, rest on it.
        let (heads, checked) = self
            .check_import(journal_file.path())
            .await
            .map_err(named)?;
        let streams = summary
            .streams
            .iter()
            .map(|s| StreamPlan {
                stream: s.stream.to_string(),
                in_archive: s.entries,
                in_database: heads.get(&s.stream).map_or(0, |head| head.next_seq()),
            })
            .collect();
        if dry_run {
            return Ok(ArchiveImport {
                streams,
                imported: None,
            });
        }
        let imported = self
            .import_checked(journal_file.path(), heads, &checked, progress)
            .await
            .map_err(named)?;
        let held = journal.verify().await?.map_err(|err| {
            refuse(format!(
                "after the import, the journal does not verify: {err}"
            ))
        })?;
        for stream in &summary.streams {
            let found = held.stream(&stream.stream).map(|s| (s.entries, s.root));
            if found != Some((stream.entries, stream.root)) {
                return Err(refuse(format!(
                    "after the import, stream `{}` does not have the archive's root {} over {} entries",
                    stream.stream, stream.root, stream.entries
                )));
            }
        }
        Ok(ArchiveImport {
            streams,
            imported: Some(imported),
        })
    }
}

/// The archive at `path`, opened as hostile input and verified whole: an archive that
/// does not verify is an error listing every failure.
pub(crate) fn open_verified(
    path: &Path,
) -> Result<(Archive<BufReader<std::fs::File>>, Report), ServiceError> {
    let refuse = |problem: String| ServiceError::Refused(problem);
    let file = std::fs::File::open(path)
        .map_err(|err| refuse(format!("cannot open `{}`: {err}", path.display())))?;
    let mut archive = Archive::open(BufReader::new(file), Limits::default())
        .map_err(|err| refuse(format!("`{}` is refused: {err}", path.display())))?;
    let report = archive.verify();
    if !report.is_ok() {
        let failures: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
        return Err(refuse(format!(
            "`{}` does not verify, so nothing was imported:\n  {}",
            path.display(),
            failures.join("\n  ")
        )));
    }
    Ok((archive, report))
}
