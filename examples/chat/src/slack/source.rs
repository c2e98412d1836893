//! Where an export's files come from, a folder or a zip: every entry listed, named and
//! sized before a byte of it is read, and each file then read no further than its
//! limit, whatever its header says.

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Read, Seek};
use std::path::{Path, PathBuf};

use zip::ZipArchive;

use super::SlackError;
use andel_export::check_path;

use super::bounds::{Limits, shown};
use super::format::LIST_FILES;

/// A file of the export, listed and not yet read.
#[derive(Debug)]
pub(super) struct Listed {
    /// Its path inside the export, `/`-separated, from the export's root.
    pub(super) path: String,
    /// Where the source finds it.
    key: Key,
}

#[derive(Debug)]
enum Key {
    Zip(usize),
    Path(PathBuf),
}

/// An export's files, and what was passed over while listing them (path, why).
#[derive(Debug, Default)]
pub(super) struct Listing {
    pub(super) files: Vec<Listed>,
    pub(super) passed: Vec<(String, &'static str)>,
}

/// Reads listed files.
pub(super) trait Source {
    /// The bytes of `file`, at most `max` of them (more is an error).
    fn read(&mut self, file: &Listed, max: u64) -> Result<Vec<u8>, SlackError>;
}

fn io_error(path: &str, error: &io::Error) -> SlackError {
    SlackError::Io {
        path: shown(if path.is_empty() { "." } else { path }),
        kind: error.kind(),
        message: error.to_string(),
    }
}

/// Reads at most `max` bytes from `reader`, refusing more.
fn read_bounded(reader: impl Read, max: u64) -> Result<Vec<u8>, io::Error> {
    let mut bytes = Vec::new();
    reader.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn too_large(path: &str, size: u64, max: u64) -> SlackError {
    SlackError::TooLarge {
        path: shown(path),
        size,
        max,
    }
}

/// Adds a file of `size` bytes to the running `total`, within the limits.
fn count(path: &str, size: u64, total: &mut u64, limits: Limits) -> Result<(), SlackError> {
    if size > limits.file_bytes {
        return Err(too_large(path, size, limits.file_bytes));
    }
    *total = total.saturating_add(size);
    if *total > limits.export_bytes {
        return Err(SlackError::TotalTooLarge {
            path: shown(path),
            max: limits.export_bytes,
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// A folder.

/// A folder on disk.
pub(super) struct Folder;

/// Lists the files under `root`, not following symbolic links.
pub(super) fn list_folder(root: &Path, limits: Limits) -> Result<Listing, SlackError> {
    let mut listing = Listing::default();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    let (mut entries, mut total) = (0_usize, 0_u64);
    while let Some((dir, prefix)) = stack.pop() {
        let read = fs::read_dir(&dir).map_err(|error| io_error(&prefix, &error))?;
        for entry in read {
            let entry = entry.map_err(|error| io_error(&prefix, &error))?;
            entries = entries.saturating_add(1);
            if entries > limits.files {
                return Err(SlackError::TooManyFiles { max: limits.files });
            }
            let name = entry.file_name();
            let join = |name: &str| {
                if prefix.is_empty() {
                    name.to_owned()
                } else {
                    format!("{prefix}/{name}")
                }
            };
            let Some(name) = name.to_str() else {
                let path = join(&name.to_string_lossy());
                listing.passed.push((path, "its name is not UTF-8"));
                continue;
            };
            let path = join(name);
            let kind = entry.file_type().map_err(|error| io_error(&path, &error))?;
            if kind.is_symlink() {
                listing
                    .passed
                    .push((path, "a symbolic link, which is not followed"));
            } else if kind.is_dir() {
                stack.push((entry.path(), path));
            } else if !kind.is_file() {
                listing.passed.push((path, "not a regular file"));
            } else {
                let size = entry
                    .metadata()
                    .map_err(|error| io_error(&path, &error))?
                    .len();
                count(&path, size, &mut total, limits)?;
                listing.files.push(Listed {
                    path,
                    key: Key::Path(entry.path()),
                });
            }
        }
    }
    Ok(listing)
}

impl Source for Folder {
    fn read(&mut self, file: &Listed, max: u64) -> Result<Vec<u8>, SlackError> {
        let Key::Path(full) = &file.key else {
            return Err(io_error(
                &file.path,
                &io::Error::new(io::ErrorKind::NotFound, "not in the folder"),
            ));
        };
        let open = fs::File::open(full).map_err(|error| io_error(&file.path, &error))?;
        // Checked again on the open file: it may have changed since it was listed.
        let kind = open
            .metadata()
            .map_err(|error| io_error(&file.path, &error))?;
        if !kind.is_file() {
            return Err(SlackError::NotAFile {
                path: shown(&file.path),
                what: "no longer a regular file",
            });
        }
        let bytes = read_bounded(open, max).map_err(|error| io_error(&file.path, &error))?;
        if bytes.len() as u64 > max {
            return Err(too_large(&file.path, bytes.len() as u64, max));
        }
        Ok(bytes)
    }
}

// ---------------------------------------------------------------------------------
// A zip.

/// A zip archive, its entries checked.
pub(super) struct Zip<R>(pub(super) ZipArchive<R>);

/// Opens the zip in `reader` and lists its files, refusing it whole for an entry
/// whose name could reach outside the export, a symbolic link, an encrypted entry,
/// two entries with one name, or more than the limits allow, all before any entry is
/// read.
pub(super) fn list_zip<R: Read + Seek>(
    reader: R,
    limits: Limits,
) -> Result<(Zip<R>, Listing), SlackError> {
    let mut zip = ZipArchive::new(reader).map_err(|error| SlackError::NotAZip {
        message: error.to_string(),
    })?;
    if zip.len() > limits.files {
        return Err(SlackError::TooManyFiles { max: limits.files });
    }
    if zip.has_duplicate_names() {
        return Err(SlackError::DuplicateNames);
    }
    let mut names = BTreeSet::new();
    let mut files = Vec::new();
    let mut total = 0_u64;
    for index in 0..zip.len() {
        let entry = zip.by_index_raw(index).map_err(|error| SlackError::Zip {
            path: format!("entry {}", index.saturating_add(1)),
            message: error.to_string(),
        })?;
        let name = std::str::from_utf8(entry.name_raw()).map_err(|_| SlackError::UnsafePath {
            path: shown(&String::from_utf8_lossy(entry.name_raw())),
            problem: "is not UTF-8",
        })?;
        let what = if entry.is_symlink() {
            Some("a symbolic link")
        } else if entry.encrypted() {
            Some("encrypted")
        } else {
            None
        };
        if let Some(what) = what {
            return Err(SlackError::NotAFile {
                path: shown(name),
                what,
            });
        }
        let is_dir = entry.is_dir();
        let clean = if is_dir {
            name.strip_suffix('/').unwrap_or(name)
        } else {
            name
        };
        check_path(clean).map_err(|problem| SlackError::UnsafePath {
            path: shown(name),
            problem,
        })?;
        if !names.insert(clean.to_owned()) {
            return Err(SlackError::Duplicate { path: shown(clean) });
        }
        if !is_dir {
            count(clean, entry.size(), &mut total, limits)?;
            files.push(Listed {
                path: clean.to_owned(),
                key: Key::Zip(index),
            });
        }
    }
    strip_folder(&mut files, &names);
    Ok((
        Zip(zip),
        Listing {
            files,
            passed: Vec::new(),
        },
    ))
}

/// Takes the export from inside one top-level folder when every entry is in it and it
/// holds one of the lists Slack writes at an export's root.
fn strip_folder(files: &mut [Listed], names: &BTreeSet<String>) {
    let Some(first) = names.iter().next() else {
        return;
    };
    let top = first.split('/').next().unwrap_or(first);
    let inside = |name: &String| {
        name == top
            || name
                .strip_prefix(top)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    let holds_a_list = LIST_FILES
        .iter()
        .any(|list| names.contains(&format!("{top}/{list}")));
    if !holds_a_list || !names.iter().all(inside) {
        return;
    }
    for file in files {
        if let Some(rest) = file
            .path
            .strip_prefix(top)
            .and_then(|r| r.strip_prefix('/'))
        {
            file.path = rest.to_owned();
        }
    }
}

impl<R: Read + Seek> Source for Zip<R> {
    fn read(&mut self, file: &Listed, max: u64) -> Result<Vec<u8>, SlackError> {
        let zip_error = |message: String| SlackError::Zip {
            path: shown(&file.path),
            message,
        };
        let Key::Zip(index) = file.key else {
            return Err(zip_error("not in the zip".into()));
        };
        let entry = self
            .0
            .by_index(index)
            .map_err(|error| zip_error(error.to_string()))?;
        // However large its header says it is, no more than `max + 1` bytes are
        // inflated.
        let bytes = read_bounded(entry, max).map_err(|error| zip_error(error.to_string()))?;
        if bytes.len() as u64 > max {
            return Err(too_large(&file.path, bytes.len() as u64, max));
        }
        Ok(bytes)
    }
}
