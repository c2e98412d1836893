//! `andel journal export` and `import`: moving a journal between a database and a
//! journal file, every hash unchanged.

use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::path::Path;

use andel::journal::file::JournalWriter;
use andel::journal::{Digest, Entry, StreamHead, StreamId, Verifier};
use anyhow::{Context, Result, bail};

use crate::Exit;
use crate::files;
use crate::source::StoreJournal;

/// How many entries one import call carries: one transaction each.
const IMPORT_BATCH: usize = 1000;

/// Writes every stream of the tenant's journal to stdout as a journal file, verifying it
/// on the way. A journal that does not verify is still exported in full (it is the
/// members' data), and the command then says where it first fails and exits 1.
pub(crate) fn export(store: &StoreJournal) -> Result<Exit> {
    let stdout = std::io::stdout().lock();
    let mut writer = JournalWriter::new(BufWriter::with_capacity(1 << 16, stdout));
    let mut verifier = Verifier::new();
    let mut invalid = None;
    let mut count = 0u64;
    store.for_each(|entry| {
        if invalid.is_none() {
            invalid = verifier.check(entry).err();
        }
        count += 1;
        writer.write(entry).context("cannot write to stdout")
    })?;
    writer.get_mut().flush().context("cannot write to stdout")?;
    let problem = match invalid {
        Some(err) => Some(err),
        None => verifier.finish().err(),
    };
    match problem {
        None => {
            eprintln!("exported {count} entries from {store}");
            Ok(Exit::Ok)
        }
        Some(err) => {
            eprintln!(
                "exported {count} entries from {store}, but the journal does not verify: {err}"
            );
            Ok(Exit::Invalid)
        }
    }
}

/// Loads the journal file at `path` into the tenant's journal.
///
/// The whole file is verified, and checked against what the database already holds,
/// before anything is written: a stream the database already has must be a prefix of
/// the file's (the same entries, by hash), and only the rest is imported. So importing
/// twice changes nothing, and running an interrupted import again finishes it.
pub(crate) fn import(path: &Path, store: &StoreJournal) -> Result<Exit> {
    let heads = current_heads(store)?;
    let summary = files::scan(path, |entry| {
        let Some(head) = heads.get(entry.stream()) else {
            return Ok(());
        };
        if entry.seq() + 1 == head.next_seq() && entry.hash() != head.last_hash() {
            bail!(
                "stream `{}` in {store} holds other entries than `{}`: entry {} differs; nothing was imported",
                entry.stream(),
                path.display(),
                entry.seq()
            );
        }
        Ok(())
    })?
    .map_err(|err| {
        anyhow::anyhow!(
            "`{}` does not verify, so nothing was imported: {err}",
            path.display()
        )
    })?;
    // A stream the file holds at least as far as the database was checked entry by
    // entry above; one it holds less of, or not at all, is refused here.
    for (stream, head) in &heads {
        let in_file = summary.stream(stream).map_or(0, |s| s.entries);
        if head.next_seq() > in_file {
            bail!(
                "stream `{stream}` in {store} holds more entries ({}) than in `{}` ({in_file}): nothing was imported",
                head.next_seq(),
                path.display()
            );
        }
    }

    let mut batches: HashMap<StreamId, Vec<Entry>> = HashMap::new();
    let mut imported = 0u64;
    let flush = |stream: &StreamId, batch: &mut Vec<Entry>, imported: &mut u64| -> Result<()> {
        let entries = std::mem::take(batch);
        *imported += entries.len() as u64;
        store
            .run(store.store().import(stream, entries))
            .with_context(|| format!("importing stream `{stream}` stopped after {imported} entries; run the import again to finish it"))
    };
    files::scan(path, |entry| {
        let skip = heads
            .get(entry.stream())
            .is_some_and(|head| entry.seq() < head.next_seq());
        if skip {
            return Ok(());
        }
        let batch = batches.entry(entry.stream().clone()).or_default();
        batch.push(entry.clone());
        if batch.len() >= IMPORT_BATCH {
            flush(entry.stream(), batch, &mut imported)?;
        }
        Ok(())
    })?
    .map_err(|err| anyhow::anyhow!("`{}` changed while it was imported: {err}", path.display()))?;
    for (stream, batch) in &mut batches {
        if !batch.is_empty() {
            flush(stream, batch, &mut imported)?;
        }
    }
    let already = summary.entries() - imported;
    println!(
        "imported {imported} entries of {} streams into {store}{}",
        summary.streams.len(),
        if already > 0 {
            format!(" ({already} were already there)")
        } else {
            String::new()
        }
    );
    Ok(Exit::Ok)
}

/// The head of every stream the tenant already has.
fn current_heads(store: &StoreJournal) -> Result<HashMap<StreamId, StreamHead>> {
    let journal = store.store();
    store.run(async {
        let mut heads = HashMap::new();
        for stream in journal.streams().await? {
            let head = journal.head(&stream).await?;
            if head.last_hash() != &Digest::ZERO {
                heads.insert(stream, head);
            }
        }
        Ok(heads)
    })
}
