//! Writing an archive: files streamed in and hashed on the way, then `README.txt`,
//! `index.html` and the manifest.

use std::collections::BTreeSet;
use std::io::{self, Seek, Write};

use andel_journal::Digest;
use chrono::{Datelike, Timelike};
use sha2::{Digest as _, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::manifest::{FORMAT, FileEntry, Header, MANIFEST, MANIFEST_SHA256, Manifest, VERSION};
use crate::{check_path, pages};

/// Why an archive could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// A file name breaks the rules of [`check_path`].
    #[error("the archive cannot hold a file named `{path}`: the name {problem}")]
    Path {
        /// The name.
        path: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// Two files with one name.
    #[error("the archive already holds a file named `{path}`")]
    Duplicate {
        /// The name.
        path: String,
    },
    /// The output failed.
    #[error("cannot write the archive: {0}")]
    Io(#[from] io::Error),
    /// The zip layer failed.
    #[error("cannot write the archive: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// What a module was given to write would not verify, so it wrote nothing.
    #[error("{0}")]
    Invalid(String),
}

/// Writes an archive into `W` (a file, or memory): each file streamed in through
/// [`ArchiveWriter::file`], hashed on the way, so that memory stays constant whatever
/// the archive's size. [`ArchiveWriter::finish`] adds `README.txt`, `index.html` and
/// `manifest.json`.
///
/// ```
/// use std::io::{Cursor, Write};
/// use andel_export::{Archive, ArchiveWriter, Header, Limits, Scope};
///
/// let header = Header {
///     producer: "andel-export example".into(),
///     created_at: "2027-06-01T12:00:00Z".parse()?,
///     scope: Scope::Coop { tenant: "fyrklovern".into() },
///     modules: Vec::new(),
/// };
/// let mut writer = ArchiveWriter::new(Cursor::new(Vec::new()), header);
/// let mut notes = writer.file("notes/hello.txt")?;
/// notes.write_all(b"Hello from Fyrklovern")?;
/// notes.finish()?;
/// let (bytes, manifest) = writer.finish()?;
/// assert_eq!(manifest.files[0].size, 21);
///
/// let mut archive = Archive::open(Cursor::new(bytes.into_inner()), Limits::default())?;
/// assert!(archive.verify().is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ArchiveWriter<W: Write + Seek> {
    zip: ZipWriter<W>,
    header: Header,
    files: Vec<FileEntry>,
    names: BTreeSet<String>,
    options: SimpleFileOptions,
}

impl<W: Write + Seek> std::fmt::Debug for ArchiveWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArchiveWriter")
            .field("files", &self.files)
            .finish_non_exhaustive()
    }
}

impl<W: Write + Seek> ArchiveWriter<W> {
    /// An archive written into `inner`, described by `header` (whose time every file
    /// carries, so that the same content makes the same bytes).
    pub fn new(inner: W, header: Header) -> Self {
        let mut options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .large_file(true)
            .unix_permissions(0o644);
        let when = &header.created_at;
        if let Ok(time) = zip::DateTime::from_date_and_time(
            u16::try_from(when.year()).unwrap_or(1980),
            u8::try_from(when.month()).unwrap_or(1),
            u8::try_from(when.day()).unwrap_or(1),
            u8::try_from(when.hour()).unwrap_or(0),
            u8::try_from(when.minute()).unwrap_or(0),
            u8::try_from(when.second()).unwrap_or(0),
        ) {
            options = options.last_modified_time(time);
        }
        ArchiveWriter {
            zip: ZipWriter::new(inner),
            header,
            files: Vec::new(),
            names: BTreeSet::new(),
            options,
        }
    }

    /// Starts the file `path`: write its bytes into what this returns, then call
    /// [`FileWriter::finish`].
    ///
    /// # Errors
    ///
    /// A name [`check_path`] refuses, a name already written, or a write that failed.
    pub fn file(&mut self, path: &str) -> Result<FileWriter<'_, W>, WriteError> {
        check_path(path).map_err(|problem| WriteError::Path {
            path: path.to_owned(),
            problem,
        })?;
        if path == MANIFEST || path == MANIFEST_SHA256 || !self.names.insert(path.to_owned()) {
            return Err(WriteError::Duplicate {
                path: path.to_owned(),
            });
        }
        self.zip.start_file(path, self.options)?;
        Ok(FileWriter {
            archive: self,
            path: path.to_owned(),
            hasher: Sha256::new(),
            size: 0,
        })
    }

    /// The files written so far, in order.
    pub fn files(&self) -> &[FileEntry] {
        &self.files
    }

    /// Writes `README.txt` and `index.html` (listing every file), then
    /// `manifest.json`, and ends the archive; returns the output and the manifest.
    ///
    /// # Errors
    ///
    /// A write that failed.
    pub fn finish(mut self) -> Result<(W, Manifest), WriteError> {
        let header = self.header.clone();
        let readme = pages::readme(&header, &self.files);
        self.file(pages::README)?
            .write_all_and_finish(readme.as_bytes())?;
        let index = pages::index(&header, &self.files);
        self.file(pages::INDEX)?
            .write_all_and_finish(index.as_bytes())?;
        let manifest = Manifest {
            format: FORMAT.to_owned(),
            version: VERSION,
            producer: header.producer,
            created_at: header.created_at,
            scope: header.scope,
            modules: header.modules,
            files: self.files,
        };
        let json = serde_json::to_vec_pretty(&manifest).map_err(io::Error::other)?;
        self.zip.start_file(MANIFEST, self.options)?;
        self.zip.write_all(&json)?;
        let digest = Digest::from_bytes(Sha256::digest(&json).into());
        self.zip.start_file(MANIFEST_SHA256, self.options)?;
        self.zip
            .write_all(format!("{digest}  {MANIFEST}\n").as_bytes())?;
        let inner = self.zip.finish()?;
        Ok((inner, manifest))
    }
}

/// One file being written into an archive; [`FileWriter::finish`] records its size and
/// SHA-256 for the manifest.
pub struct FileWriter<'a, W: Write + Seek> {
    archive: &'a mut ArchiveWriter<W>,
    path: String,
    hasher: Sha256,
    size: u64,
}

impl<W: Write + Seek> std::fmt::Debug for FileWriter<'_, W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileWriter")
            .field("path", &self.path)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

impl<W: Write + Seek> Write for FileWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.archive.zip.write(buf)?;
        self.hasher.update(&buf[..written]);
        self.size += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.archive.zip.flush()
    }
}

impl<W: Write + Seek> FileWriter<'_, W> {
    /// Ends the file; returns its manifest entry.
    ///
    /// # Errors
    ///
    /// None yet; the zip layer may report a failed write at the next file.
    pub fn finish(self) -> Result<FileEntry, WriteError> {
        let entry = FileEntry {
            path: self.path,
            size: self.size,
            sha256: Digest::from_bytes(self.hasher.finalize().into()),
        };
        self.archive.files.push(entry.clone());
        Ok(entry)
    }

    fn write_all_and_finish(mut self, bytes: &[u8]) -> Result<FileEntry, WriteError> {
        self.write_all(bytes)?;
        self.finish()
    }
}
