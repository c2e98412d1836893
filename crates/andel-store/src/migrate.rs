//! The migrations of each backend, compiled into the crate and applied on open.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

use crate::OpenError;

/// One migration: version, description, SQL.
type Step = (i64, &'static str, &'static str);

/// `migrations/sqlite`, in order.
#[cfg(feature = "sqlite")]
pub(crate) const SQLITE_MIGRATIONS: &[Step] = &[
    (
        1,
        "journal",
        include_str!("../migrations/sqlite/0001_journal.sql"),
    ),
    (
        2,
        "ballots",
        include_str!("../migrations/sqlite/0002_ballots.sql"),
    ),
    (
        3,
        "subjects",
        include_str!("../migrations/sqlite/0003_subjects.sql"),
    ),
    (
        4,
        "states",
        include_str!("../migrations/sqlite/0004_states.sql"),
    ),
    (
        5,
        "accounts",
        include_str!("../migrations/sqlite/0005_accounts.sql"),
    ),
];

/// `migrations/postgres`, in order.
#[cfg(feature = "postgres")]
pub(crate) const POSTGRES_MIGRATIONS: &[Step] = &[
    (
        1,
        "journal",
        include_str!("../migrations/postgres/0001_journal.sql"),
    ),
    (
        2,
        "ballots",
        include_str!("../migrations/postgres/0002_ballots.sql"),
    ),
    (
        3,
        "subjects",
        include_str!("../migrations/postgres/0003_subjects.sql"),
    ),
    (
        4,
        "states",
        include_str!("../migrations/postgres/0004_states.sql"),
    ),
    (
        5,
        "accounts",
        include_str!("../migrations/postgres/0005_accounts.sql"),
    ),
    (
        6,
        "appended",
        include_str!("../migrations/postgres/0006_appended.sql"),
    ),
];

/// Migrations embedded in the binary, so a store needs no files at run time.
#[derive(Debug)]
pub(crate) struct Embedded(&'static [Step]);

impl Embedded {
    pub(crate) async fn migrator(steps: &'static [Step]) -> Result<Migrator, OpenError> {
        Migrator::new(Embedded(steps))
            .await
            .map_err(|source| OpenError::Migrate {
                location: "the embedded migrations".into(),
                source,
            })
    }
}

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 's>> {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|&(version, description, sql)| {
                    Migration::new(
                        version,
                        Cow::Borrowed(description),
                        MigrationType::Simple,
                        Cow::Borrowed(sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// Every file in a backend's migrations folder is embedded, in order, and nothing
    /// else is: a migration added to the folder but not to the list would never run.
    fn check_folder(backend: &str, steps: &[Step]) {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(backend);
        let mut files: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        files.sort();
        assert_eq!(files.len(), steps.len(), "{backend}: {files:?}");
        for (file, (version, description, sql)) in files.iter().zip(steps) {
            assert_eq!(file, &format!("{version:04}_{description}.sql"));
            assert_eq!(&std::fs::read_to_string(folder.join(file)).unwrap(), sql);
        }
    }

    #[test]
    fn migrations_folders_are_embedded() {
        #[cfg(feature = "sqlite")]
        check_folder("sqlite", SQLITE_MIGRATIONS);
        #[cfg(feature = "postgres")]
        check_folder("postgres", POSTGRES_MIGRATIONS);
    }
}
