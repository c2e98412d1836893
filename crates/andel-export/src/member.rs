//! The member's journal: their entries from the co-op's shared streams, each with an
//! inclusion proof against the stream's root at export time, so that anyone checks the
//! records are genuine without the rest of the co-op's journal.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Seek, Write};

use andel_journal::Entry;
use andel_journal::file::JournalReader;
use andel_journal::merkle::InclusionDocument;
use serde::{Deserialize, Serialize};

use crate::journal::{ROOTS, Roots, StreamRoot};
use crate::{Archive, ArchiveWriter, WriteError};

/// The member's entries in the journal file's line format, in stream then seq order.
/// Unlike `journal/journal.ndjson`, the lines do not chain: each is checked on its own,
/// by its hash and its proof.
pub const ENTRIES: &str = "journal/entries.ndjson";

/// One inclusion proof per line of [`ENTRIES`], line for line, in the journal's
/// inclusion proof format, against the stream's root in `journal/roots.json`.
pub const PROOFS: &str = "journal/proofs.ndjson";

/// The entries of [`ENTRIES`] whose content is withheld as other people's data, and why.
pub const WITHHELD: &str = "journal/withheld.json";

/// One of the member's entries, or another person's entry that keeps a thread's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberEntry {
    /// The entry. When `withheld`, it is written without its content (as an erased
    /// entry is): its hash, and so its proof, still check.
    pub entry: Entry,
    /// Its proof against its stream's root in the archive.
    pub proof: InclusionDocument,
    /// Why its content is left out, when it is another person's: `another member's
    /// ballot`.
    pub withheld: Option<String>,
}

/// One entry whose content is withheld, as `journal/withheld.json` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Withheld {
    /// Its stream.
    pub stream: String,
    /// Its seq.
    pub seq: u64,
    /// Why: whose data it is, in words.
    pub why: String,
}

/// `journal/withheld.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WithheldList {
    entries: Vec<Withheld>,
}

/// What a check of a member's journal found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberJournal {
    /// Entries whose hash and proof check, the withheld ones included.
    pub entries: u64,
    /// Of which withheld as other people's data.
    pub withheld: u64,
    /// The streams they come from, with the root each was proved against.
    pub streams: Vec<StreamRoot>,
}

/// Writes [`ENTRIES`], [`PROOFS`], [`WITHHELD`] and `journal/roots.json`: `entries` in
/// stream then seq order, each proved against its stream's root in `roots`.
///
/// # Errors
///
/// An entry out of order, whose proof is not its own or does not lead to its stream's
/// root in `roots` (nothing that would not verify is written), or a write that failed.
pub fn write_member_journal<W: Write + Seek>(
    archive: &mut ArchiveWriter<W>,
    entries: &[MemberEntry],
    roots: &Roots,
) -> Result<(), WriteError> {
    let listed: BTreeMap<&str, &StreamRoot> = roots
        .streams
        .iter()
        .map(|root| (root.stream.as_str(), root))
        .collect();
    let mut last: Option<(&str, u64)> = None;
    for item in entries {
        let at = (item.entry.stream().as_str(), item.entry.seq());
        if last.is_some_and(|last| last >= at) {
            return Err(invalid(format!(
                "entry {} of `{}` is not after the one before it",
                at.1, at.0
            )));
        }
        last = Some(at);
        let root = listed
            .get(at.0)
            .ok_or_else(|| invalid(format!("stream `{}` has no root", at.0)))?;
        check_one(&item.entry, &item.proof, root).map_err(invalid)?;
    }
    let mut lines = std::io::BufWriter::new(archive.file(ENTRIES)?);
    for item in entries {
        let line = if item.withheld.is_some() {
            andel_journal::file::to_line(&item.entry.clone().redacted())
        } else {
            andel_journal::file::to_line(&item.entry)
        };
        lines.write_all(line.as_bytes())?;
        lines.write_all(b"\n")?;
    }
    finish(lines)?;
    let mut lines = std::io::BufWriter::new(archive.file(PROOFS)?);
    for item in entries {
        let json = serde_json::to_string(&item.proof).map_err(std::io::Error::other)?;
        lines.write_all(json.as_bytes())?;
        lines.write_all(b"\n")?;
    }
    finish(lines)?;
    let withheld = WithheldList {
        entries: entries
            .iter()
            .filter_map(|item| {
                item.withheld.as_ref().map(|why| Withheld {
                    stream: item.entry.stream().to_string(),
                    seq: item.entry.seq(),
                    why: why.clone(),
                })
            })
            .collect(),
    };
    write_json(archive, WITHHELD, &withheld)?;
    write_json(archive, ROOTS, roots)
}

fn finish<W: Write + Seek>(
    lines: std::io::BufWriter<crate::FileWriter<'_, W>>,
) -> Result<(), WriteError> {
    let file = lines
        .into_inner()
        .map_err(|err| WriteError::Io(err.into_error()))?;
    file.finish()?;
    Ok(())
}

fn write_json<W: Write + Seek, T: Serialize>(
    archive: &mut ArchiveWriter<W>,
    path: &str,
    value: &T,
) -> Result<(), WriteError> {
    let json = serde_json::to_vec_pretty(value).map_err(std::io::Error::other)?;
    let mut file = archive.file(path)?;
    file.write_all(&json)?;
    file.finish()?;
    Ok(())
}

fn invalid(problem: String) -> WriteError {
    WriteError::Invalid(format!("the member's journal is not written: {problem}"))
}

/// Checks one entry on its own: its hash is its fields', its payload opens its
/// commitment, and `proof` proves that hash at its seq against `root`.
fn check_one(entry: &Entry, proof: &InclusionDocument, root: &StreamRoot) -> Result<(), String> {
    entry
        .check()
        .map_err(|problem| format!("entry {} of `{}`: {problem}", entry.seq(), entry.stream()))?;
    if proof.stream() != entry.stream()
        || proof.seq() != entry.seq()
        || proof.entry_hash() != entry.hash()
    {
        return Err(format!(
            "the proof of entry {} of `{}` is of entry {} of `{}` with another hash",
            entry.seq(),
            entry.stream(),
            proof.seq(),
            proof.stream()
        ));
    }
    proof.check(&root.root, Some(root.entries)).map_err(|err| {
        format!(
            "entry {} of `{}` is not proved against the stream's root {} over {} entries: {err}",
            entry.seq(),
            entry.stream(),
            root.root,
            root.entries
        )
    })
}

/// Checks the member's journal of `archive`: every entry's hash, its proof against its
/// stream's root in `journal/roots.json`, that the withheld entries carry no content,
/// and that the lines are in stream then seq order; returns what was found or the
/// first problem, with its file.
pub(crate) fn check<R: Read + Seek>(
    archive: &mut Archive<R>,
) -> Result<MemberJournal, (String, String)> {
    let roots: Roots = read_json(archive, ROOTS)?;
    let withheld: WithheldList = read_json(archive, WITHHELD)?;
    let withheld: BTreeMap<(String, u64), String> = withheld
        .entries
        .into_iter()
        .map(|w| ((w.stream, w.seq), w.why))
        .collect();
    let listed: BTreeMap<&str, &StreamRoot> = roots
        .streams
        .iter()
        .map(|root| (root.stream.as_str(), root))
        .collect();
    let entries = read_entries(archive)?;
    let proofs = read_proofs(archive, entries.len())?;
    let mut found = MemberJournal {
        entries: 0,
        withheld: 0,
        streams: Vec::new(),
    };
    let mut last: Option<(&str, u64)> = None;
    for (number, (entry, proof)) in entries.iter().zip(&proofs).enumerate() {
        let line = number + 1;
        let at = (entry.stream().as_str(), entry.seq());
        if last.is_some_and(|last| last >= at) {
            return Err(problem(
                ENTRIES,
                line,
                "is not after the line before it (stream then seq order)",
            ));
        }
        last = Some(at);
        let root = listed.get(at.0).ok_or_else(|| {
            problem(
                ENTRIES,
                line,
                &format!(
                    "is of stream `{}`, which journal/roots.json does not list",
                    at.0
                ),
            )
        })?;
        check_one(entry, proof, root).map_err(|reason| problem(PROOFS, line, &reason))?;
        let key = (at.0.to_owned(), at.1);
        if withheld.contains_key(&key) {
            if !entry.is_redacted() {
                return Err(problem(
                    ENTRIES,
                    line,
                    "is listed as withheld but carries its content",
                ));
            }
            found.withheld += 1;
        }
        found.entries += 1;
        if found.streams.last().is_none_or(|s| s.stream != at.0) {
            found.streams.push((*root).clone());
        }
    }
    if let Some(((stream, seq), _)) = withheld.iter().find(|((stream, seq), _)| {
        entries
            .binary_search_by(|e| (e.stream().as_str(), e.seq()).cmp(&(stream.as_str(), *seq)))
            .is_err()
    }) {
        return Err((
            WITHHELD.to_owned(),
            format!("lists entry {seq} of `{stream}`, which journal/entries.ndjson does not hold"),
        ));
    }
    Ok(found)
}

fn problem(path: &str, line: usize, what: &str) -> (String, String) {
    (path.to_owned(), format!("line {line} {what}"))
}

fn read_json<R: Read + Seek, T: serde::de::DeserializeOwned>(
    archive: &mut Archive<R>,
    path: &str,
) -> Result<T, (String, String)> {
    let mut text = Vec::new();
    archive
        .file(path)
        .and_then(|mut file| Ok(file.read_to_end(&mut text)?))
        .map_err(|err| (path.to_owned(), err.to_string()))?;
    serde_json::from_slice(&text).map_err(|err| (path.to_owned(), format!("is not valid: {err}")))
}

fn read_entries<R: Read + Seek>(archive: &mut Archive<R>) -> Result<Vec<Entry>, (String, String)> {
    let file = archive
        .file(ENTRIES)
        .map_err(|err| (ENTRIES.to_owned(), err.to_string()))?;
    JournalReader::new(BufReader::new(file))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| (ENTRIES.to_owned(), err.to_string()))
}

fn read_proofs<R: Read + Seek>(
    archive: &mut Archive<R>,
    expected: usize,
) -> Result<Vec<InclusionDocument>, (String, String)> {
    let file = archive
        .file(PROOFS)
        .map_err(|err| (PROOFS.to_owned(), err.to_string()))?;
    let mut proofs = Vec::with_capacity(expected);
    for (number, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|err| (PROOFS.to_owned(), err.to_string()))?;
        let proof = InclusionDocument::from_json(&line)
            .map_err(|err| problem(PROOFS, number + 1, &format!("is not a proof: {err}")))?;
        proofs.push(proof);
    }
    if proofs.len() != expected {
        return Err((
            PROOFS.to_owned(),
            format!(
                "holds {} proofs for the {expected} entries of {ENTRIES}",
                proofs.len()
            ),
        ));
    }
    Ok(proofs)
}
