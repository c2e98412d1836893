//! The journal file: NDJSON, one entry per line, read and written in constant memory.
//!
//! The format (version 1) is specified in the book's "Journal file" chapter. Each line
//! is one JSON object, with exactly these members in this order and no whitespace:
//!
//! ```text
//! {"v":1,"stream":"members","seq":0,"recorded_at":"2026-11-27T08:00:00Z",
//!  "author":"secretary","kind":"member.admitted","payload":{"member":7},
//!  "salt":"…64 hex…","commitment":"…","prev":"…","hash":"…"}
//! ```
//!
//! (shown folded; a real line has no line breaks). `author` is left out when there is
//! none; `payload` and `salt` are left out of a redacted entry. A line must be exactly
//! what [`to_line`] writes for its entry: any other spelling of the same values is
//! refused, so a journal file has one spelling and every changed byte is a changed value.

mod scan;

use std::io::{self, BufRead, Write};

use serde::{Deserialize, Deserializer, Serialize};

use crate::{
    AuthorId, Content, Digest, Entry, EntryParts, Kind, Payload, Salt, StreamId, Summary,
    Timestamp, Verifier, VerifyError,
};

/// The format version written in every line's `v` member.
pub const FORMAT_VERSION: u8 = 1;

/// The longest line a reader accepts by default (16 MiB): four times the largest
/// payload, enough for any escaping.
pub const DEFAULT_MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// A line as read: owned values, every member checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    v: u8,
    stream: StreamId,
    seq: u64,
    recorded_at: Timestamp,
    #[serde(default)]
    author: Option<AuthorId>,
    kind: Kind,
    // `null` is a payload like any other: absence, not null, marks a redacted entry.
    #[serde(default, deserialize_with = "present_payload")]
    payload: Option<Payload>,
    #[serde(default)]
    salt: Option<Salt>,
    commitment: Digest,
    prev: Digest,
    hash: Digest,
}

fn present_payload<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Payload>, D::Error> {
    Payload::deserialize(d).map(Some)
}

/// A line as written: the same members, in the same order, borrowed from the entry.
#[derive(Serialize)]
struct LineRef<'a> {
    v: u8,
    stream: &'a StreamId,
    seq: u64,
    recorded_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a AuthorId>,
    kind: &'a Kind,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload: Option<&'a Payload>,
    #[serde(skip_serializing_if = "Option::is_none")]
    salt: Option<&'a Salt>,
    commitment: &'a Digest,
    prev: &'a Digest,
    hash: &'a Digest,
}

impl<'a> LineRef<'a> {
    fn of(entry: &'a Entry) -> Self {
        let (payload, salt) = match entry.content() {
            Content::Present { payload, salt } => (Some(payload), Some(salt)),
            Content::Redacted => (None, None),
        };
        LineRef {
            v: FORMAT_VERSION,
            stream: entry.stream(),
            seq: entry.seq(),
            recorded_at: entry.recorded_at(),
            author: entry.author(),
            kind: entry.kind(),
            payload,
            salt,
            commitment: entry.commitment(),
            prev: entry.prev(),
            hash: entry.hash(),
        }
    }
}

impl Line {
    fn into_entry(self) -> Result<Entry, LineProblem> {
        if self.v != FORMAT_VERSION {
            return Err(LineProblem::Version { found: self.v });
        }
        let content = match (self.payload, self.salt) {
            (Some(payload), Some(salt)) => Content::Present { payload, salt },
            (None, None) => Content::Redacted,
            (Some(_), None) => return Err(LineProblem::HalfRedacted { missing: "salt" }),
            (None, Some(_)) => return Err(LineProblem::HalfRedacted { missing: "payload" }),
        };
        Ok(Entry::from_parts(EntryParts {
            stream: self.stream,
            seq: self.seq,
            recorded_at: self.recorded_at,
            author: self.author,
            kind: self.kind,
            content,
            commitment: self.commitment,
            prev: self.prev,
            hash: self.hash,
        }))
    }
}

/// The line that stands for `entry` in a journal file, without its final newline.
///
/// ```
/// # use andel_journal::{Draft, Kind, Payload, Salt, StreamHead, StreamId, file};
/// let head = StreamHead::new(StreamId::new("s")?);
/// let draft = Draft::new(Kind::new("k")?, Payload::new(&true)?, "2026-01-01T00:00:00Z".parse()?)
///     .with_salt(Salt::from_bytes([0; 32]));
/// let line = file::to_line(&head.seal(0, draft)?);
/// assert!(line.starts_with(r#"{"v":1,"stream":"s","seq":0,"recorded_at":"2026-01-01T00:00:00Z","kind":"k","payload":true,"salt":"0000"#));
/// assert_eq!(file::parse_line(&line)?, head.seal(0, Draft::new(Kind::new("k")?, Payload::new(&true)?, "2026-01-01T00:00:00Z".parse()?).with_salt(Salt::from_bytes([0; 32])))?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_line(entry: &Entry) -> String {
    // Every field serialises infallibly (strings, numbers and raw canonical JSON).
    serde_json::to_string(&LineRef::of(entry)).unwrap_or_default()
}

/// What is wrong with one line of a journal file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LineProblem {
    /// The line is longer than the reader's limit.
    #[error("line is longer than {max} bytes")]
    TooLong {
        /// The limit.
        max: usize,
    },
    /// The file ends in the middle of a line (no final newline): a write was cut short.
    #[error("line is truncated: the file ends without a newline")]
    Truncated,
    /// The line is empty.
    #[error("line is empty")]
    Empty,
    /// The line is not UTF-8.
    #[error("line is not UTF-8 text")]
    NotUtf8,
    /// The line is not a journal entry: bad JSON, a missing or unknown member, a
    /// value of the wrong type or form.
    #[error("{reason}")]
    Json {
        /// What the parser said, with the column.
        reason: String,
    },
    /// The line is a valid entry written in another spelling than the canonical one.
    #[error("line is not in canonical form from column {column}: expected `{expected}`")]
    NotCanonical {
        /// The 1-based column (in bytes) of the first difference.
        column: usize,
        /// The canonical text from that column on (at most 40 characters of it).
        expected: String,
    },
    /// The entry ends before the line does (a `\r` before the newline, say).
    #[error(
        "unexpected text after the entry, from column {column} (lines end with a single `\\n`)"
    )]
    TrailingText {
        /// The 1-based column (in bytes) where the extra text starts.
        column: usize,
    },
    /// The line has a format version this reader does not know.
    #[error("format version {found} is not supported (this reader knows version 1)")]
    Version {
        /// The version found.
        found: u8,
    },
    /// Payload and salt must be both present or both absent.
    #[error("`{missing}` is missing: payload and salt are kept or erased together")]
    HalfRedacted {
        /// The member that is missing.
        missing: &'static str,
    },
    /// Reading failed.
    #[error("read failed: {reason}")]
    Io {
        /// What the operating system said.
        reason: String,
    },
}

/// A line of a journal file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct ReadError {
    /// The 1-based line number.
    pub line: u64,
    /// What is wrong with it.
    pub problem: LineProblem,
}

/// Parses one line (without its newline) into an entry.
///
/// # Errors
///
/// When the line is not an entry of format version 1 in canonical form.
pub fn parse_line(line: &str) -> Result<Entry, LineProblem> {
    read_entry(line, &mut scan::Seen::default())
}

/// Reads a line in one pass when it is in canonical form, as nearly every line is;
/// otherwise reads it again the reference way, which names what is wrong.
fn read_entry(line: &str, seen: &mut scan::Seen) -> Result<Entry, LineProblem> {
    match scan::entry(line, seen) {
        Some(entry) => Ok(entry),
        None => read_line_reference(line),
    }
}

/// Reads a line the thorough way: parse every member with serde_json, then write the
/// entry out again and compare. The fast path must agree with it on every line.
fn read_line_reference(line: &str) -> Result<Entry, LineProblem> {
    if line.is_empty() {
        return Err(LineProblem::Empty);
    }
    let parsed: Line = serde_json::from_str(line).map_err(|err| LineProblem::Json {
        reason: err.to_string(),
    })?;
    let entry = parsed.into_entry()?;
    let canonical = to_line(&entry);
    if line.len() > canonical.len() && line.starts_with(&canonical) {
        return Err(LineProblem::TrailingText {
            column: canonical.len() + 1,
        });
    }
    if canonical != line {
        let at = canonical
            .bytes()
            .zip(line.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(canonical.len().min(line.len()));
        let expected: String = canonical
            .get(at..)
            .or_else(|| canonical.get(at.saturating_sub(3)..))
            .unwrap_or("")
            .chars()
            .take(40)
            .collect();
        return Err(LineProblem::NotCanonical {
            column: at + 1,
            expected,
        });
    }
    Ok(entry)
}

/// Reads a journal file entry by entry, holding at most one line in memory.
///
/// An iterator of entries; after the first error it ends.
///
/// ```
/// use andel_journal::file::JournalReader;
///
/// let text = "not json\n";
/// let mut reader = JournalReader::new(text.as_bytes());
/// let err = reader.next().unwrap().unwrap_err();
/// assert_eq!(err.line, 1);
/// assert!(reader.next().is_none());
/// ```
pub struct JournalReader<R> {
    input: R,
    line: u64,
    max_line_bytes: usize,
    buf: Vec<u8>,
    seen: scan::Seen,
    done: bool,
}

impl<R: BufRead> JournalReader<R> {
    /// A reader with the default line limit ([`DEFAULT_MAX_LINE_BYTES`]).
    pub fn new(input: R) -> Self {
        JournalReader {
            input,
            line: 0,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            buf: Vec::new(),
            seen: scan::Seen::default(),
            done: false,
        }
    }

    /// Sets the longest line accepted, in bytes (without the newline).
    #[must_use]
    pub fn max_line_bytes(mut self, max: usize) -> Self {
        self.max_line_bytes = max;
        self
    }

    /// The number of the last line read (1-based; 0 before the first).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Reads up to and without the next newline; `Ok(None)` at the end of the input.
    fn read_line(&mut self) -> Result<Option<()>, LineProblem> {
        self.buf.clear();
        loop {
            let chunk = self.input.fill_buf().map_err(|err| LineProblem::Io {
                reason: err.to_string(),
            })?;
            if chunk.is_empty() {
                return if self.buf.is_empty() {
                    Ok(None)
                } else {
                    Err(LineProblem::Truncated)
                };
            }
            let (taken, ends) = match find_newline(chunk) {
                Some(at) => (at, true),
                None => (chunk.len(), false),
            };
            if self.buf.len() + taken > self.max_line_bytes {
                return Err(LineProblem::TooLong {
                    max: self.max_line_bytes,
                });
            }
            self.buf.extend_from_slice(&chunk[..taken]);
            self.input.consume(taken + usize::from(ends));
            if ends {
                return Ok(Some(()));
            }
        }
    }

    fn next_entry(&mut self) -> Option<Result<Entry, LineProblem>> {
        match self.read_line() {
            Ok(None) => None,
            Err(problem) => Some(Err(problem)),
            Ok(Some(())) => Some(match std::str::from_utf8(&self.buf) {
                Ok(line) => read_entry(line, &mut self.seen),
                Err(_) => Err(LineProblem::NotUtf8),
            }),
        }
    }
}

/// The first `\n` in `bytes`, eight bytes at a time: lines are hundreds of bytes long.
fn find_newline(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const NEWLINES: u64 = u64::from_ne_bytes([b'\n'; 8]);
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for word in words.by_ref() {
        let mut eight = [0; 8];
        eight.copy_from_slice(word);
        // A zero byte of `x` (a newline of `word`) sets its high bit here; others may
        // only after a zero byte, so the word has a newline exactly when this is not 0.
        let x = u64::from_ne_bytes(eight) ^ NEWLINES;
        if x.wrapping_sub(ONES) & !x & HIGHS != 0 {
            break;
        }
        at += 8;
    }
    let rest = bytes.get(at..)?;
    rest.iter().position(|b| *b == b'\n').map(|i| at + i)
}

impl<R: BufRead> Iterator for JournalReader<R> {
    type Item = Result<Entry, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        self.line += 1;
        let item = self.next_entry();
        match &item {
            None | Some(Err(_)) => self.done = true,
            Some(Ok(_)) => {}
        }
        item.map(|result| {
            result.map_err(|problem| ReadError {
                line: self.line,
                problem,
            })
        })
    }
}

/// Writes entries as lines of a journal file.
///
/// ```
/// use andel_journal::file::{JournalReader, JournalWriter};
/// # use andel_journal::{Draft, Kind, Payload, StreamHead, StreamId};
/// # let head = StreamHead::new(StreamId::new("s")?);
/// # let entry = head.seal(0, Draft::new(Kind::new("k")?, Payload::new(&1)?, "2026-01-01T00:00:00Z".parse()?))?;
///
/// let mut writer = JournalWriter::new(Vec::new());
/// writer.write(&entry)?;
/// let bytes = writer.into_inner();
/// let back: Vec<_> = JournalReader::new(&bytes[..]).collect::<Result<_, _>>()?;
/// assert_eq!(back, [entry]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct JournalWriter<W> {
    output: W,
}

impl<W: Write> JournalWriter<W> {
    /// A writer over `output` (wrap files in a `BufWriter`).
    pub fn new(output: W) -> Self {
        JournalWriter { output }
    }

    /// Writes one entry as one line.
    ///
    /// # Errors
    ///
    /// When the output fails.
    pub fn write(&mut self, entry: &Entry) -> io::Result<()> {
        let mut line = to_line(entry);
        line.push('\n');
        self.output.write_all(line.as_bytes())
    }

    /// Flushes and returns the output.
    pub fn into_inner(self) -> W {
        self.output
    }

    /// The output.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.output
    }
}

/// Why a journal file did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// A line is not an entry.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// An entry is wrong.
    #[error("line {line}: `{}` seq {}: {}", error.stream, error.seq, error.problem)]
    Verify {
        /// The line of the entry (for an unrecorded redaction: of the erased entry).
        line: u64,
        /// What is wrong.
        error: VerifyError,
    },
}

/// Reads and verifies a journal file in one pass, in constant memory.
///
/// ```
/// use andel_journal::file::{self, FileError};
/// # use andel_journal::{Draft, Kind, Payload, StreamHead, StreamId};
/// # let head = StreamHead::new(StreamId::new("s")?);
/// # let entry = head.seal(0, Draft::new(Kind::new("k")?, Payload::new(&1)?, "2026-01-01T00:00:00Z".parse()?))?;
/// let good = format!("{}\n", file::to_line(&entry));
/// assert_eq!(file::verify_file(good.as_bytes())?.entries(), 1);
///
/// let altered = good.replace(r#""payload":1"#, r#""payload":2"#);
/// let err = file::verify_file(altered.as_bytes()).unwrap_err();
/// assert_eq!(err.to_string(), "line 1: `s` seq 0: payload altered: it does not match the entry's commitment");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// The first line that is not an entry, or the first entry that does not verify.
pub fn verify_file(input: impl BufRead) -> Result<Summary, FileError> {
    match verify_file_with(input, |_| Ok::<(), std::convert::Infallible>(())) {
        Ok(result) => result,
        Err(never) => match never {},
    }
}

/// Reads and verifies a journal file in one pass, handing each entry to `visit` once it
/// has verified: for tools that copy, index or summarise a journal as they check it.
///
/// The outer `Err` is `visit`'s own error, which stops reading; the inner result is the
/// verification's, as [`verify_file`] gives it.
///
/// # Errors
///
/// The first error `visit` returns.
pub fn verify_file_with<E>(
    input: impl BufRead,
    mut visit: impl FnMut(&Entry) -> Result<(), E>,
) -> Result<Result<Summary, FileError>, E> {
    let mut verifier = Verifier::new();
    let mut reader = JournalReader::new(input);
    while let Some(item) = reader.next() {
        let entry = match item {
            Ok(entry) => entry,
            Err(err) => return Ok(Err(err.into())),
        };
        if let Err(error) = verifier.check(&entry) {
            // Whether a missing seq turns up later tells a gap from a reordering.
            let later = reader
                .by_ref()
                .map_while(Result::ok)
                .map(|e| (e.stream().clone(), e.seq()));
            return Ok(Err(verify_error(error.classify_gap(later))));
        }
        visit(&entry)?;
    }
    Ok(verifier.finish().map_err(verify_error))
}

fn verify_error(error: VerifyError) -> FileError {
    FileError::Verify {
        line: error.position + 1,
        error,
    }
}
