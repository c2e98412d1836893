//! Reading within bounds: the limits, the checks on ids and the cuts of long text, JSON
//! errors with their places, and the report the checks write to. (The names a file
//! inside an export may have are `andel_export::check_path`'s.)

use super::{
    MAX_EXPORT_BYTES, MAX_FILE_BYTES, MAX_FILES, MAX_ID_BYTES, MAX_ITEMS, MAX_REPORT_LINES,
    ReadReport, SlackError,
};

/// How much an export may hold; the public constants, smaller in tests.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    /// All files read, together.
    pub(super) export_bytes: u64,
    /// Entries: files and folders.
    pub(super) files: usize,
    /// One file.
    pub(super) file_bytes: u64,
    /// Things kept: users, conversations, members, messages, reactions, their users,
    /// files.
    pub(super) items: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            export_bytes: MAX_EXPORT_BYTES,
            files: MAX_FILES,
            file_bytes: MAX_FILE_BYTES,
            items: MAX_ITEMS,
        }
    }
}

/// Text as a report or an error shows it: control characters escaped, at most 120
/// characters.
pub(super) fn shown(text: &str) -> String {
    const MAX: usize = 120;
    let mut out = String::new();
    for (count, c) in text.chars().enumerate() {
        if count == MAX {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `id` can be kept as an id: 1 to [`MAX_ID_BYTES`] bytes, no control
/// characters.
pub(super) fn usable_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_ID_BYTES && !id.chars().any(char::is_control)
}

/// `text` cut to `max` characters, and how many it had when it was longer.
pub(super) fn cut(text: String, max: usize) -> (String, Option<usize>) {
    match text.char_indices().nth(max) {
        None => (text, None),
        Some((end, _)) => {
            let count = text.chars().count();
            let mut text = text;
            text.truncate(end);
            (text, Some(count))
        }
    }
}

/// A JSON reader's error in `path`: not JSON, or JSON of another shape.
pub(super) fn json_error(path: &str, error: &serde_json::Error) -> SlackError {
    let (line, column) = (error.line(), error.column().max(1));
    let text = error.to_string();
    let place = format!(" at line {} column {}", error.line(), error.column());
    let message = text.strip_suffix(&place).unwrap_or(&text).to_owned();
    let path = shown(path);
    match error.classify() {
        serde_json::error::Category::Data => SlackError::Shape {
            path,
            message,
            line,
            column,
        },
        _ => SlackError::Json {
            path,
            message,
            line,
            column,
        },
    }
}

/// The report being written, with its lines capped, and the budget of things kept.
#[derive(Debug)]
pub(super) struct Report {
    pub(super) report: ReadReport,
    left_out: usize,
    items: usize,
    max_items: usize,
}

/// What a report line is about, for its counts.
#[derive(Debug, Clone, Copy)]
pub(super) enum Note {
    File,
    Entry,
    Value,
}

impl Report {
    pub(super) fn new(limits: Limits) -> Self {
        Report {
            report: ReadReport::default(),
            left_out: 0,
            items: 0,
            max_items: limits.items,
        }
    }

    /// Says `line` in the report, and counts it as `note`.
    pub(super) fn note(&mut self, note: Note, line: String) {
        let count = match note {
            Note::File => &mut self.report.files_skipped,
            Note::Entry => &mut self.report.entries_skipped,
            Note::Value => &mut self.report.values_changed,
        };
        *count = count.saturating_add(1);
        if self.report.skipped.len() < MAX_REPORT_LINES {
            self.report.skipped.push(line);
        } else {
            self.left_out = self.left_out.saturating_add(1);
        }
    }

    /// Counts `count` more things kept, refusing the export past the limit.
    pub(super) fn keep(&mut self, path: &str, count: usize) -> Result<(), SlackError> {
        self.items = self.items.saturating_add(count);
        if self.items > self.max_items {
            return Err(SlackError::TooMany {
                path: shown(path),
                max: self.max_items,
            });
        }
        Ok(())
    }

    pub(super) fn finish(mut self) -> ReadReport {
        if self.left_out > 0 {
            self.report.skipped.push(format!(
                "… and {} more lines like these, not listed",
                self.left_out
            ));
        }
        self.report
    }
}
