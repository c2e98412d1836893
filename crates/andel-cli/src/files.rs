//! Files the user names, read whole with a size bound.

use std::path::Path;

use anyhow::{Context, Result};

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
