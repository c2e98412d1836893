//! Opening an archive someone else wrote: every entry's name, kind and size checked
//! before a byte is read, and every file read no further than the manifest says.

use std::collections::BTreeSet;
use std::io::{self, Read, Seek};

use sha2::{Digest as _, Sha256};
use zip::ZipArchive;

use crate::check_path;
use crate::manifest::{FORMAT, FileEntry, MANIFEST, MANIFEST_SHA256, Manifest, VERSION};

/// How much an archive may hold before it is refused unread: a zip bomb, or a
/// manifest that would take all memory, stops here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Files in the archive.
    pub max_files: usize,
    /// One file's size, uncompressed.
    pub max_file_bytes: u64,
    /// All files together, uncompressed.
    pub max_total_bytes: u64,
    /// How many times larger than its compressed size a file of more than 1 MiB may
    /// be (text compresses 5 to 20 times; a bomb, thousands).
    pub max_ratio: u64,
    /// The manifest's size.
    pub max_manifest_bytes: u64,
}

impl Default for Limits {
    /// 100,000 files, 16 GiB a file, 64 GiB in all, a ratio of 200, a 64 MiB manifest.
    fn default() -> Self {
        Limits {
            max_files: 100_000,
            max_file_bytes: 16 << 30,
            max_total_bytes: 64 << 30,
            max_ratio: 200,
            max_manifest_bytes: 64 << 20,
        }
    }
}

/// An archive refused before or while it was read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveError {
    /// Not a zip, or a zip truncated or damaged.
    #[error("not a readable zip archive: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// An entry's name is not UTF-8.
    #[error("entry {index} has a name that is not UTF-8")]
    NotUtf8 {
        /// The entry's place in the zip's directory.
        index: usize,
    },
    /// An entry's name could reach outside the folder it is extracted into, or is
    /// otherwise not one this format allows.
    #[error("entry `{path}`: the name {problem}")]
    Path {
        /// The name.
        path: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// An entry that is not a plain file: a symbolic link, a folder, an encrypted file.
    #[error("entry `{path}` is {what}; an archive holds plain files only")]
    NotAFile {
        /// The name.
        path: String,
        /// What it is.
        what: &'static str,
    },
    /// Two entries with one name.
    #[error("the archive holds two entries named `{path}`")]
    Duplicate {
        /// The name.
        path: String,
    },
    /// The zip's directory lists two entries under one name (a zip reader keeps one).
    #[error("the zip's directory lists two entries under one name")]
    DuplicateNames,
    /// More than the limits allow.
    #[error("{what}: {found}, more than the {limit} allowed")]
    TooLarge {
        /// What was counted.
        what: String,
        /// How much there is.
        found: u64,
        /// The limit.
        limit: u64,
    },
    /// No manifest, or one that does not read.
    #[error("the manifest: {0}")]
    Manifest(String),
    /// A file the manifest does not list, or one it lists that is missing.
    #[error("`{path}` {problem}")]
    File {
        /// The name.
        path: String,
        /// What is wrong.
        problem: String,
    },
    /// Reading failed.
    #[error("cannot read the archive: {0}")]
    Io(#[from] io::Error),
}

/// An archive opened for reading: its entries checked, its manifest read.
///
/// The names are checked before anything is read: a name reaching outside the archive
/// (`..`, an absolute path, a drive), a symbolic link, a folder, an encrypted entry, a
/// name that is not UTF-8, two entries with one name, or more than [`Limits`] allow
/// refuse the whole archive. Each file is then read no further than the manifest says
/// it is long.
pub struct Archive<R> {
    zip: ZipArchive<R>,
    manifest: Manifest,
    limits: Limits,
    names: Vec<String>,
}

impl<R> std::fmt::Debug for Archive<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive")
            .field("manifest", &self.manifest)
            .finish_non_exhaustive()
    }
}

impl<R: Read + Seek> Archive<R> {
    /// Checks every entry of the zip in `reader` and reads its manifest.
    ///
    /// # Errors
    ///
    /// See [`ArchiveError`]: anything the type's description lists, and a manifest that
    /// is missing, too large, not JSON, of another format or version, or listing a file
    /// twice or under a name the format does not allow.
    pub fn open(reader: R, limits: Limits) -> Result<Self, ArchiveError> {
        let mut zip = ZipArchive::new(reader)?;
        if zip.has_duplicate_names() {
            return Err(ArchiveError::DuplicateNames);
        }
        if zip.len() > limits.max_files {
            return Err(ArchiveError::TooLarge {
                what: "files in the archive".into(),
                found: zip.len() as u64,
                limit: limits.max_files as u64,
            });
        }
        let mut names = BTreeSet::new();
        let mut in_order = Vec::with_capacity(zip.len());
        let mut total = 0u64;
        for index in 0..zip.len() {
            let entry = zip.by_index_raw(index)?;
            let path = std::str::from_utf8(entry.name_raw())
                .map_err(|_| ArchiveError::NotUtf8 { index })?
                .to_owned();
            check_path(&path).map_err(|problem| ArchiveError::Path {
                path: path.clone(),
                problem,
            })?;
            let what = if entry.is_symlink() {
                Some("a symbolic link")
            } else if entry.is_dir() {
                Some("a folder")
            } else if entry.encrypted() {
                Some("encrypted")
            } else {
                None
            };
            if let Some(what) = what {
                return Err(ArchiveError::NotAFile { path, what });
            }
            let size = entry.size();
            let limit = |what: String, found: u64, limit: u64| {
                (found > limit).then_some(ArchiveError::TooLarge { what, found, limit })
            };
            if let Some(err) = limit(format!("`{path}` is"), size, limits.max_file_bytes) {
                return Err(err);
            }
            let ratio = size / entry.compressed_size().max(1);
            if size > 1 << 20
                && let Some(err) = limit(
                    format!("`{path}` expands to {size} bytes, a ratio of"),
                    ratio,
                    limits.max_ratio,
                )
            {
                return Err(err);
            }
            total = total.saturating_add(size);
            if let Some(err) = limit("the files hold".into(), total, limits.max_total_bytes) {
                return Err(err);
            }
            drop(entry);
            if !names.insert(path.clone()) {
                return Err(ArchiveError::Duplicate { path });
            }
            in_order.push(path);
        }
        let manifest = read_manifest(&mut zip, &names, limits)?;
        Ok(Archive {
            zip,
            manifest,
            limits,
            names: in_order,
        })
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The limits it was opened with.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Reads the file `path` as the manifest lists it: no more than its listed size
    /// (a longer file is an error at its end), its SHA-256 checked at the end.
    ///
    /// # Errors
    ///
    /// A file the manifest does not list, or a zip entry that cannot be read.
    pub fn file(&mut self, path: &str) -> Result<Checked<'_, R>, ArchiveError> {
        let listed = self
            .manifest
            .files
            .iter()
            .find(|file| file.path == path)
            .cloned()
            .ok_or_else(|| ArchiveError::File {
                path: path.to_owned(),
                problem: "is not in the manifest".into(),
            })?;
        let entry = self.zip.by_name(path)?;
        Ok(Checked {
            inner: entry.take(listed.size.saturating_add(1)),
            listed,
            hasher: Sha256::new(),
            read: 0,
        })
    }

    /// The names of the zip's entries, in the zip's order.
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

/// One file of an archive, read as the manifest lists it: reading past its listed size,
/// or reaching its end with another size or SHA-256 than listed, is an error.
pub struct Checked<'a, R: Read> {
    inner: io::Take<zip::read::ZipFile<'a, R>>,
    listed: FileEntry,
    hasher: Sha256,
    read: u64,
}

impl<R: Read> std::fmt::Debug for Checked<'_, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checked")
            .field("listed", &self.listed)
            .field("read", &self.read)
            .finish_non_exhaustive()
    }
}

impl<R: Read> Read for Checked<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.read += n as u64;
        if self.read > self.listed.size {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "`{}` is longer than the {} bytes the manifest lists",
                    self.listed.path, self.listed.size
                ),
            ));
        }
        if n == 0 && !buf.is_empty() {
            self.check_end()?;
        }
        Ok(n)
    }
}

impl<R: Read> Checked<'_, R> {
    fn check_end(&self) -> io::Result<()> {
        let problem = if self.read != self.listed.size {
            format!(
                "holds {} bytes; the manifest lists {}",
                self.read, self.listed.size
            )
        } else {
            let found = andel_journal::Digest::from_bytes(self.hasher.clone().finalize().into());
            if found == self.listed.sha256 {
                return Ok(());
            }
            format!(
                "has SHA-256 {found}; the manifest lists {}",
                self.listed.sha256
            )
        };
        Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("`{}` {problem}", self.listed.path),
        ))
    }
}

fn read_manifest<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    names: &BTreeSet<String>,
    limits: Limits,
) -> Result<Manifest, ArchiveError> {
    let refuse = |problem: String| ArchiveError::Manifest(problem);
    if !names.contains(MANIFEST) {
        return Err(refuse(format!("the archive holds no `{MANIFEST}`")));
    }
    let mut text = Vec::new();
    zip.by_name(MANIFEST)?
        .take(limits.max_manifest_bytes.saturating_add(1))
        .read_to_end(&mut text)?;
    if text.len() as u64 > limits.max_manifest_bytes {
        return Err(ArchiveError::TooLarge {
            what: format!("`{MANIFEST}` is longer than"),
            found: text.len() as u64,
            limit: limits.max_manifest_bytes,
        });
    }
    if !names.contains(MANIFEST_SHA256) {
        return Err(refuse(format!("the archive holds no `{MANIFEST_SHA256}`")));
    }
    let mut sum = Vec::new();
    zip.by_name(MANIFEST_SHA256)?
        .take(1024)
        .read_to_end(&mut sum)?;
    let found = andel_journal::Digest::from_bytes(Sha256::digest(&text).into());
    let expected = format!("{found}  {MANIFEST}\n");
    if sum != expected.as_bytes() {
        return Err(refuse(format!(
            "its SHA-256 is {found}, which `{MANIFEST_SHA256}` does not give: it was changed"
        )));
    }
    let manifest: Manifest =
        serde_json::from_slice(&text).map_err(|err| refuse(format!("not valid: {err}")))?;
    if manifest.format != FORMAT || manifest.version != VERSION {
        return Err(refuse(format!(
            "format `{}` version {}; this reader reads `{FORMAT}` version {VERSION}",
            manifest.format, manifest.version
        )));
    }
    let mut listed = BTreeSet::new();
    for file in &manifest.files {
        check_path(&file.path).map_err(|problem| ArchiveError::Path {
            path: file.path.clone(),
            problem,
        })?;
        if file.path == MANIFEST
            || file.path == MANIFEST_SHA256
            || !listed.insert(file.path.as_str())
        {
            return Err(refuse(format!("lists `{}` twice", file.path)));
        }
    }
    Ok(manifest)
}
