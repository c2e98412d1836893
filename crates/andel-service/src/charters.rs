//! The charter (the purposes no data policy may permit), amended only by decision, in
//! the tenant's `charter` stream: with the citation of a proposal of this co-op that
//! passed at the charter's own threshold, for the text its members voted on.

use andel_consent::{AmendedCharter, CHARTER_STREAM, CharterAmendment, CharterBook};
use andel_decisions::Citation;
use andel_journal::{AuthorId, Stored, StreamId, Timestamp};
use chrono::{DateTime, Utc};

use crate::{Coop, ServiceError};

/// A charter version to adopt, by the decision that passed it.
#[derive(Debug, Clone)]
pub struct CharterChange {
    /// The charter file's name, for messages.
    pub source: String,
    /// Its text, as the proposal's SHA-256 covers it.
    pub text: String,
    /// The citation of the decision (`StoredProposal::cite` makes one).
    pub citation: Citation,
    /// When the version takes effect.
    pub effective: DateTime<Utc>,
}

impl Coop {
    /// Every charter version the members adopted, with their citations; before the
    /// first, the default charter is in force.
    ///
    /// # Errors
    ///
    /// A store failure, or a charter stream that is not one.
    pub async fn charters(&self) -> Result<CharterBook, ServiceError> {
        Ok(self.charter_book().await?.state().clone())
    }

    /// Amends the charter by the decision its citation cites, checked as
    /// [`Coop::adopt_policy`] checks a policy's, at the threshold the charter in force
    /// sets for its own change (by default two thirds of the votes cast, or a consent
    /// decision).
    ///
    /// # Errors
    ///
    /// The charter book's refusal (see [`AdoptionError`](andel_consent::AdoptionError)):
    /// a charter file with problems (one that would stop forbidding a surveillance
    /// purpose among them), a citation that does not hold, a decision that did not
    /// pass or passed at a lower threshold, a text not the one voted on; a cited
    /// stream this co-op does not hold; a store failure.
    pub async fn amend_charter(
        &self,
        change: CharterChange,
        at: DateTime<Utc>,
        recorded_at: Timestamp,
        by: Option<AuthorId>,
    ) -> Result<AmendedCharter, ServiceError> {
        let published_root = self.root_at(&change.citation).await?;
        let command = CharterAmendment {
            source: change.source,
            text: change.text,
            citation: change.citation,
            published_root,
            effective: change.effective,
        };
        let mut book = self.charter_book().await?;
        book.execute(command, at, recorded_at, by).await?;
        book.state()
            .latest()
            .cloned()
            .ok_or_else(|| ServiceError::Refused("the amendment recorded nothing".to_owned()))
    }

    pub(crate) async fn charter_book(&self) -> Result<Stored<CharterBook>, ServiceError> {
        let stream = StreamId::new(CHARTER_STREAM)?;
        Ok(Stored::open(self.journal().clone(), stream).await?)
    }
}
