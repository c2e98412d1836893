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
pub(crate) const SQLITE_MIGRATIONS: &[Step] = &[(
    1,
    "journal",
    include_str!("../migrations/sqlite/0001_journal.sql"),
)];

/// `migrations/postgres`, in order.
#[cfg(feature = "postgres")]
pub(crate) const POSTGRES_MIGRATIONS: &[Step] = &[(
    1,
    "journal",
    include_str!("../migrations/postgres/0001_journal.sql"),
)];

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
