//! `andel journal export` and `import`: moving a journal between a database and a
//! journal file, every hash unchanged.

use std::io::BufWriter;
use std::path::Path;

use anyhow::Result;

use crate::Exit;
use crate::source::StoreJournal;

/// Writes every stream of the tenant's journal to stdout as a journal file, verifying it
/// on the way. A journal that does not verify is still exported in full (it is the
/// members' data), and the command then says where it first fails and exits 1.
pub(crate) fn export(store: &StoreJournal) -> Result<Exit> {
    let stdout = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let exported = store.run(store.coop().export(stdout))?;
    let count = exported.entries;
    match exported.invalid {
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

/// Loads the journal file at `path` into the tenant's journal: all of it checked first,
/// only what the database lacks written, so running it again finishes an interrupted
/// import and changes nothing after a complete one.
pub(crate) fn import(path: &Path, store: &StoreJournal) -> Result<Exit> {
    let imported = store.run(store.coop().import_file(path))?;
    let already = imported.already;
    println!(
        "imported {} entries of {} streams into {store}{}",
        imported.imported,
        imported.streams,
        if already > 0 {
            format!(" ({already} were already there)")
        } else {
            String::new()
        }
    );
    Ok(Exit::Ok)
}
