//! `andel journal …`: append to, verify, redact and prove journal files.

mod args;

pub(crate) use args::Command;

use std::path::Path;

use andel::journal::merkle::{ConsistencyDocument, InclusionDocument, MAX_DOCUMENT_BYTES};
use andel::journal::{Digest, Draft, Entry, Payload, Redaction, StreamId, Summary, Timestamp};
use andel::service::{Invalid, Root};
use anyhow::{Context, Result, anyhow};

use crate::source::{Create, Journal};
use crate::{Exit, files, transfer};

/// What a journal command calls itself when its database cannot be opened.
const JOURNAL: &str = "andel journal";

pub(crate) fn run(command: Command) -> Result<Exit> {
    match command {
        Command::Append {
            journal,
            stream,
            kind,
            payload,
            author,
            at,
        } => {
            let payload = Payload::from_json_str(&payload).context("invalid --payload")?;
            let mut draft = Draft::new(kind, payload, at.map_or_else(now, Ok)?);
            if let Some(author) = author {
                draft = draft.by(author);
            }
            let journal = journal.open(JOURNAL, Create::Allowed)?;
            let entry = append(&journal, &stream, draft)?;
            println!(
                "appended `{}` seq {} to {journal}\nhash {}",
                entry.stream(),
                entry.seq(),
                entry.hash()
            );
            Ok(Exit::Ok)
        }
        Command::Verify { journal, json } => {
            let journal = journal.open(JOURNAL, Create::Refused)?;
            Ok(report(&journal, verify(&journal)?, json))
        }
        Command::Redact {
            journal,
            stream,
            seq,
            reason,
            author,
            at,
        } => {
            let mut redaction = Redaction::new(reason, at.map_or_else(now, Ok)?);
            if let Some(author) = author {
                redaction = redaction.by(author);
            }
            let record = redact(
                &journal.open(JOURNAL, Create::Refused)?,
                &stream,
                seq,
                redaction,
            )?;
            println!(
                "redacted `{stream}` seq {seq}; the redaction is recorded as seq {}",
                record.seq()
            );
            Ok(Exit::Ok)
        }
        Command::Root {
            journal,
            stream,
            size,
            json,
        } => {
            let root = root(
                &journal.open(JOURNAL, Create::Refused)?,
                stream.as_ref(),
                size,
            )?;
            if json {
                println!("{}", serde_json::to_string_pretty(&root)?);
            } else {
                println!(
                    "stream {}\nsize {}\nroot {}",
                    root.stream, root.size, root.root
                );
            }
            Ok(Exit::Ok)
        }
        Command::Prove {
            journal,
            stream,
            seq,
            size,
        } => {
            let (proof, root) =
                prove(&journal.open(JOURNAL, Create::Refused)?, &stream, seq, size)?;
            crate::print(&format!("{}\n", proof.to_json()))?;
            eprintln!("root {root} (size {})", proof.proof().tree_size());
            Ok(Exit::Ok)
        }
        Command::CheckProof { proof, root, size } => {
            let proof = InclusionDocument::from_json(&read_proof(&proof)?)
                .with_context(|| format!("`{}` is not a proof file", proof.display()))?;
            Ok(match proof.check(&root, size) {
                Ok(()) if size.is_some() => {
                    println!(
                        "ok: `{}` seq {} is entry {} of the {} whose root is {root}",
                        proof.stream(),
                        proof.seq(),
                        proof.proof().leaf_index(),
                        plural(proof.proof().tree_size(), "entry", "entries"),
                    );
                    Exit::Ok
                }
                // Without the size published with the root, the proof's size (and so the
                // entry's place) is only what the proof says: a proof for another size
                // can lead to the same root.
                Ok(()) => {
                    println!(
                        "ok: `{}` seq {} is in the tree whose root is {root}; the proof claims it is entry {} of {} (give --size to check that)",
                        proof.stream(),
                        proof.seq(),
                        proof.proof().leaf_index(),
                        plural(proof.proof().tree_size(), "entry", "entries"),
                    );
                    Exit::Ok
                }
                Err(err) => {
                    eprintln!("proof does not hold: {err:#}");
                    Exit::Invalid
                }
            })
        }
        Command::Consistency {
            journal,
            stream,
            old_size,
            new_size,
        } => {
            let (proof, old_root, new_root) = consistency(
                &journal.open(JOURNAL, Create::Refused)?,
                stream.as_ref(),
                old_size,
                new_size,
            )?;
            crate::print(&format!("{}\n", proof.to_json()))?;
            eprintln!(
                "old root {old_root} (size {old_size})\nnew root {new_root} (size {})",
                proof.proof().new_size()
            );
            Ok(Exit::Ok)
        }
        Command::CheckConsistency {
            proof,
            old_root,
            new_root,
        } => {
            let proof = ConsistencyDocument::from_json(&read_proof(&proof)?)
                .with_context(|| format!("`{}` is not a proof file", proof.display()))?;
            Ok(match proof.check(&old_root, &new_root) {
                Ok(()) => {
                    println!(
                        "ok: `{}` at size {} only appended to its first {}",
                        proof.stream(),
                        proof.proof().new_size(),
                        plural(proof.proof().old_size(), "entry", "entries")
                    );
                    Exit::Ok
                }
                Err(err) => {
                    eprintln!("proof does not hold: {err}");
                    Exit::Invalid
                }
            })
        }
        Command::Export { store } => {
            transfer::export(&store.open("andel journal export", Create::Refused)?)
        }
        Command::Import { file, store } => {
            transfer::import(&file, &store.open("andel journal import", Create::Allowed)?)
        }
    }
}

fn now() -> Result<Timestamp> {
    Timestamp::new(chrono::Utc::now()).map_err(|err| anyhow!("the clock is off: {err}"))
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Verifies `journal`; `Err` only when it cannot be read at all.
pub(crate) fn verify(journal: &Journal) -> Result<Result<Summary, Invalid>> {
    Ok(journal.run(journal.source().verify())??)
}

/// Prints the outcome of a verification and says whether it passed.
pub(crate) fn report(journal: &Journal, result: Result<Summary, Invalid>, json: bool) -> Exit {
    match result {
        Ok(summary) if json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&summary).unwrap_or_default()
            );
            Exit::Ok
        }
        Ok(summary) => {
            println!("ok: {journal}: {summary}");
            Exit::Ok
        }
        Err(err) => {
            eprintln!("invalid: {journal}: {err}");
            Exit::Invalid
        }
    }
}

/// Appends `draft` to `stream` of `journal`, creating the file if needed.
pub(crate) fn append(journal: &Journal, stream: &StreamId, draft: Draft) -> Result<Entry> {
    Ok(journal.run(journal.source().append(stream, draft))??)
}

/// Erases the payload of `stream` seq `seq` and appends the redaction record.
pub(crate) fn redact(
    journal: &Journal,
    stream: &StreamId,
    seq: u64,
    redaction: Redaction,
) -> Result<Entry> {
    Ok(journal.run(journal.source().redact(stream, seq, redaction))??)
}

/// The root of the first `size` entries of `stream` (or of the only stream).
pub(crate) fn root(
    journal: &Journal,
    stream: Option<&StreamId>,
    size: Option<u64>,
) -> Result<Root> {
    Ok(journal.run(journal.source().root(stream, size))??)
}

/// Proves that `stream` seq `seq` is in the stream's tree of `size` entries.
pub(crate) fn prove(
    journal: &Journal,
    stream: &StreamId,
    seq: u64,
    size: Option<u64>,
) -> Result<(InclusionDocument, Digest)> {
    Ok(journal.run(journal.source().prove(stream, seq, size))??)
}

/// Proves that `stream` at `new_size` only appended to its first `old_size` entries.
fn consistency(
    journal: &Journal,
    stream: Option<&StreamId>,
    old_size: u64,
    new_size: Option<u64>,
) -> Result<(ConsistencyDocument, Digest, Digest)> {
    Ok(journal.run(journal.source().consistency(stream, old_size, new_size))??)
}

/// Reads a proof document's text, refusing a file too large to be one before reading it.
fn read_proof(path: &Path) -> Result<String> {
    files::read_text(path, MAX_DOCUMENT_BYTES as u64)
}
