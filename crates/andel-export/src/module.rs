//! Modules: the parts of an archive that the crates and services above write, each under
//! its own folder, with the version of its own layout in the manifest.

use std::io::{Seek, Write};

use crate::{ArchiveWriter, FileEntry, Module, WriteError};

/// A part of an archive: the ledger's statement, a member's votes, their consents, a
/// service's boards. The archive lists its [`Module`] in the manifest; its files go under
/// a folder named by its id, each listed with its size and SHA-256 like any other.
///
/// A module is written by whoever holds its data (the application layer, a service),
/// since the crates that define the data do no I/O: the export crate asks only for the
/// files.
///
/// ```
/// use std::io::Cursor;
/// use andel_export::{Archive, ArchiveWriter, ExportModule, Files, Header, Limits, Module, Scope, WriteError};
///
/// /// A member's notes, as one JSON file.
/// struct Notes(Vec<String>);
///
/// impl ExportModule for Notes {
///     fn module(&self) -> Module {
///         Module { id: "notes".into(), version: 1 }
///     }
///     fn size_hint(&self) -> u64 {
///         self.0.iter().map(|note| note.len() as u64 + 4).sum()
///     }
///     fn export(&self, files: &mut dyn Files) -> Result<(), WriteError> {
///         let json = serde_json::to_vec(&self.0).map_err(std::io::Error::other)?;
///         files.write_file("notes/notes.json", &json)?;
///         Ok(())
///     }
/// }
///
/// let notes = Notes(vec!["buy seeds".into()]);
/// let header = Header {
///     producer: "my-service 1.0".into(),
///     created_at: "2027-06-01T12:00:00Z".parse()?,
///     scope: Scope::Member { tenant: "fyrklovern".into(), member: "7".into() },
///     modules: vec![notes.module()],
/// };
/// let mut writer = ArchiveWriter::new(Cursor::new(Vec::new()), header);
/// notes.export(&mut writer)?;
/// let (bytes, manifest) = writer.finish()?;
/// assert_eq!(manifest.files[0].path, "notes/notes.json");
/// assert!(Archive::open(Cursor::new(bytes.into_inner()), Limits::default())?.verify().is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait ExportModule {
    /// Its id (the folder its files go in) and the version of its layout.
    fn module(&self) -> Module;

    /// About how many bytes it writes, uncompressed: for a progress bar, and to tell a
    /// member how large their archive will be before it is written.
    fn size_hint(&self) -> u64;

    /// Writes its files.
    ///
    /// # Errors
    ///
    /// A name the archive refuses, a name written twice, or a write that failed.
    fn export(&self, files: &mut dyn Files) -> Result<(), WriteError>;
}

/// Where a module writes its files: an [`ArchiveWriter`], whatever it writes into.
pub trait Files {
    /// Writes the file `path` whole.
    ///
    /// # Errors
    ///
    /// A name [`check_path`](crate::check_path) refuses, a name already written, or a
    /// write that failed.
    fn write_file(&mut self, path: &str, bytes: &[u8]) -> Result<FileEntry, WriteError>;
}

impl<W: Write + Seek> Files for ArchiveWriter<W> {
    fn write_file(&mut self, path: &str, bytes: &[u8]) -> Result<FileEntry, WriteError> {
        let mut file = self.file(path)?;
        file.write_all(bytes)?;
        file.finish()
    }
}
