//! The names files may have inside an archive: relative, `/`-separated, and never
//! reaching outside the folder they are extracted into.

/// The longest name, in bytes.
pub const MAX_PATH_BYTES: usize = 255;

/// Why a name is refused.
///
/// ```
/// use andel_export::check_path;
///
/// assert!(check_path("journal/journal.ndjson").is_ok());
/// assert!(check_path("../etc/passwd").is_err());
/// assert!(check_path("/etc/passwd").is_err());
/// assert!(check_path("a\\b").is_err());
/// ```
pub fn check_path(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("is empty");
    }
    if path.len() > MAX_PATH_BYTES {
        return Err("is longer than 255 bytes");
    }
    if path.starts_with('/') {
        return Err("is absolute");
    }
    if path.contains('\\') {
        return Err("holds a backslash");
    }
    if path.contains(':') {
        return Err("holds a colon (a drive or a stream on Windows)");
    }
    if path.chars().any(char::is_control) {
        return Err("holds a control character");
    }
    for part in path.split('/') {
        match part {
            "" => return Err("has an empty part (`//` or a trailing `/`)"),
            "." | ".." => return Err("has a `.` or `..` part"),
            _ => {}
        }
    }
    Ok(())
}
