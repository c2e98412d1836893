//! Members' consents: give, refuse and withdraw them, read them back, and issue
//! receipts. They live in the tenant's `consents` stream.

use andel_consent::{CONSENT_STREAM, ConsentBook, ConsentCommand, ConsentEvent};
use andel_journal::{AuthorId, Stored, StreamId, Timestamp};
use chrono::{DateTime, Utc};

use crate::{Coop, ServiceError};

impl Coop {
    /// Every member's consents, as recorded.
    ///
    /// # Errors
    ///
    /// A store failure, or a consent stream that is not one.
    pub async fn consents(&self) -> Result<ConsentBook, ServiceError> {
        Ok(self.consent_book().await?.state().clone())
    }

    /// Records a member's consent command at `at`: the events it recorded (none when
    /// there was nothing to change, as giving a consent already in force).
    ///
    /// # Errors
    ///
    /// The consent book's refusal (nothing to withdraw, a refusal while consent is in
    /// force, a time before the last record), or a store failure.
    pub async fn record_consent(
        &self,
        command: ConsentCommand,
        at: DateTime<Utc>,
        recorded_at: Timestamp,
        by: Option<AuthorId>,
    ) -> Result<Vec<ConsentEvent>, ServiceError> {
        let mut book = self.consent_book().await?;
        Ok(book.execute(command, at, recorded_at, by).await?)
    }

    async fn consent_book(&self) -> Result<Stored<ConsentBook>, ServiceError> {
        let stream = StreamId::new(CONSENT_STREAM)?;
        Ok(Stored::open(self.journal().clone(), stream).await?)
    }
}
