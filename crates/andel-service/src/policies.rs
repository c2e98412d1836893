//! Data policies adopted by decision, in the tenant's `policies` stream: only with the
//! citation of a proposal of this co-op that passed, for the text its members voted on.

use andel_consent::{AdoptedPolicy, Adoption, Charter, POLICY_STREAM, PolicyBook, Schema};
use andel_decisions::Citation;
use andel_journal::merkle::MerkleTree;
use andel_journal::{AuthorId, Digest, Stored, StreamId, Timestamp};
use chrono::{DateTime, Utc};

use crate::{Coop, ServiceError};

/// A policy file to adopt: its name (for messages), its text byte for byte, and the
/// schema of the service it governs.
#[derive(Debug, Clone)]
pub struct PolicyFile {
    /// The file's name.
    pub source: String,
    /// Its text, as the proposal's SHA-256 covers it.
    pub text: String,
    /// The service's resource kinds and actions.
    pub schema: Schema,
}

impl Coop {
    /// Every data policy version adopted, with its citation.
    ///
    /// # Errors
    ///
    /// A store failure, or a policy stream that is not one.
    pub async fn policies(&self) -> Result<PolicyBook, ServiceError> {
        Ok(self.policy_book().await?.state().clone())
    }

    /// Adopts `policy`, effective from `effective`, by the decision `citation` cites.
    /// The citation must be under the root this co-op's journal gives the proposal's
    /// stream at the citation's size: a decision of another co-op, or a stream since
    /// rewritten, is refused.
    ///
    /// # Errors
    ///
    /// The policy book's refusal (see [`AdoptionError`](andel_consent::AdoptionError)),
    /// a cited stream this co-op does not hold, or a store failure.
    pub async fn adopt_policy(
        &self,
        policy: PolicyFile,
        citation: Citation,
        effective: DateTime<Utc>,
        at: DateTime<Utc>,
        recorded_at: Timestamp,
        by: Option<AuthorId>,
    ) -> Result<AdoptedPolicy, ServiceError> {
        let published_root = self.root_at(&citation).await?;
        let adoption = Adoption {
            source: policy.source,
            text: policy.text,
            schema: policy.schema,
            charter: Charter::default(),
            citation,
            published_root,
            effective,
        };
        let mut book = self.policy_book().await?;
        book.execute(adoption, at, recorded_at, by).await?;
        book.state()
            .latest()
            .cloned()
            .ok_or_else(|| ServiceError::Refused("the adoption recorded nothing".to_owned()))
    }

    /// The root of the cited proposal's stream, as this co-op's journal holds it, at
    /// the citation's size.
    async fn root_at(&self, citation: &Citation) -> Result<Digest, ServiceError> {
        let cited = citation.check()?;
        let stream = StreamId::new(&cited.stream)?;
        let size = citation.proof.tree_size();
        let entries = self.journal().read(&stream, 0..size).await?;
        if (entries.len() as u64) < size {
            return Err(ServiceError::Refused(format!(
                "the cited decision `{stream}` is not in tenant `{}` with {size} entries \
                 (it has {}): a citation adopts a policy only in the co-op that decided it",
                self.tenant(),
                entries.len()
            )));
        }
        Ok(MerkleTree::from_entry_hashes(entries.iter().map(|e| *e.hash())).root())
    }

    async fn policy_book(&self) -> Result<Stored<PolicyBook>, ServiceError> {
        let stream = StreamId::new(POLICY_STREAM)?;
        Ok(Stored::open(self.journal().clone(), stream).await?)
    }
}
