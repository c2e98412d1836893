//! Data policies adopted by decision, in the tenant's `policies` stream (and an
//! organisation member's own in `policies.ID`): only with the citation of a proposal of
//! this co-op that passed, for the text its members voted on.

use std::collections::BTreeMap;

use andel_consent::{
    AdoptedPolicy, Adoption, MemberId, POLICY_DOCUMENT, POLICY_STREAM, PolicyBook, PolicyBooks,
    Schema, organisation_policy_document, organisation_policy_stream,
};
use andel_decisions::Citation;
use andel_journal::merkle::MerkleTree;
use andel_journal::{AuthorId, Digest, Stored, StreamId, Timestamp};
use andel_ledger::event::Person;
use chrono::{DateTime, NaiveDate, Utc};

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

/// A policy version to adopt, by the decision that passed it.
#[derive(Debug, Clone)]
pub struct PolicyAdoption {
    /// The policy file.
    pub file: PolicyFile,
    /// The citation of the decision (`StoredProposal::cite` makes one).
    pub citation: Citation,
    /// When the version takes effect.
    pub effective: DateTime<Utc>,
    /// `None` for the co-op's policy; an organisation member for its own policy over
    /// what it owns, adopted by its own decision (whose proposal enacts
    /// `data-policy:ID`).
    pub organisation: Option<MemberId>,
}

impl Coop {
    /// Every data policy version the co-op adopted (`None`), or an organisation
    /// member adopted for what it owns, with their citations.
    ///
    /// # Errors
    ///
    /// A store failure, or a policy stream that is not one.
    pub async fn policies(
        &self,
        organisation: Option<&MemberId>,
    ) -> Result<PolicyBook, ServiceError> {
        Ok(self.policy_book(organisation).await?.state().clone())
    }

    /// The co-op's policy book and every organisation member's own: what access
    /// decisions are taken under.
    ///
    /// # Errors
    ///
    /// A store failure, or a policy stream that is not one.
    pub async fn policy_books(&self) -> Result<PolicyBooks, ServiceError> {
        let mut organisations = BTreeMap::new();
        for member in self.organisations_with_policies().await? {
            let book = self.policies(Some(&member)).await?;
            organisations.insert(member, book);
        }
        Ok(PolicyBooks {
            coop: self.policies(None).await?,
            organisations,
        })
    }

    /// Adopts a policy version by the decision its citation cites. The citation must
    /// be under the root this co-op's journal gives the proposal's stream at the
    /// citation's size: a decision of another co-op, or a stream since rewritten, is
    /// refused. An organisation's own policy needs an organisation that is a member
    /// in the ledger (as of the effective day).
    ///
    /// # Errors
    ///
    /// The policy book's refusal (see [`AdoptionError`](andel_consent::AdoptionError)),
    /// a cited stream this co-op does not hold, an organisation the ledger does not
    /// know as one, or a store failure.
    pub async fn adopt_policy(
        &self,
        adoption: PolicyAdoption,
        at: DateTime<Utc>,
        recorded_at: Timestamp,
        by: Option<AuthorId>,
    ) -> Result<AdoptedPolicy, ServiceError> {
        let document = match &adoption.organisation {
            None => POLICY_DOCUMENT.to_owned(),
            Some(organisation) => {
                self.organisation_member(organisation, adoption.effective.date_naive())
                    .await?;
                organisation_policy_document(organisation)
            }
        };
        let published_root = self.root_at(&adoption.citation).await?;
        let command = Adoption {
            document,
            source: adoption.file.source,
            text: adoption.file.text,
            schema: adoption.file.schema,
            charter: self
                .charters()
                .await?
                .charter_at(adoption.effective)
                .clone(),
            citation: adoption.citation,
            published_root,
            effective: adoption.effective,
        };
        let mut book = self.policy_book(adoption.organisation.as_ref()).await?;
        book.execute(command, at, recorded_at, by).await?;
        book.state()
            .latest()
            .cloned()
            .ok_or_else(|| ServiceError::Refused("the adoption recorded nothing".to_owned()))
    }

    /// Checks that the ledger knows `organisation` as an organisation member on `on`.
    async fn organisation_member(
        &self,
        organisation: &MemberId,
        on: NaiveDate,
    ) -> Result<(), ServiceError> {
        let membership = self.membership().await?;
        let register = membership.ledger().register(on);
        let row = register
            .rows
            .iter()
            .find(|row| row.member.to_string() == organisation.as_str());
        match row {
            Some(row) if matches!(row.person, Person::Legal { .. }) => Ok(()),
            Some(row) => Err(ServiceError::Refused(format!(
                "member {organisation} ({}) is a person, not an organisation: only an \
                 organisation member adopts a policy of its own",
                row.name
            ))),
            None => Err(ServiceError::Refused(format!(
                "the ledger has no member {organisation} on {on}"
            ))),
        }
    }

    /// The root of the cited proposal's stream, as this co-op's journal holds it, at
    /// the citation's size.
    pub(crate) async fn root_at(&self, citation: &Citation) -> Result<Digest, ServiceError> {
        let cited = citation.check()?;
        let stream = StreamId::new(&cited.stream)?;
        let size = citation.proof.tree_size();
        let entries = self.journal().read(&stream, 0..size).await?;
        if (entries.len() as u64) < size {
            return Err(ServiceError::Refused(format!(
                "the cited decision `{stream}` is not in tenant `{}` with {size} entries \
                 (it has {}): a citation counts only in the co-op that decided it",
                self.tenant(),
                entries.len()
            )));
        }
        Ok(MerkleTree::from_entry_hashes(entries.iter().map(|e| *e.hash())).root())
    }

    /// The organisation members with a policy stream of their own.
    pub(crate) async fn organisations_with_policies(&self) -> Result<Vec<MemberId>, ServiceError> {
        let prefix = format!("{POLICY_STREAM}.");
        let mut members = Vec::new();
        for stream in self.streams().await? {
            let Some(id) = stream.as_str().strip_prefix(&prefix) else {
                continue;
            };
            let member: MemberId = id.parse().map_err(|err| {
                ServiceError::Refused(format!("stream `{stream}` names no member: {err}"))
            })?;
            members.push(member);
        }
        Ok(members)
    }

    pub(crate) async fn policy_book(
        &self,
        organisation: Option<&MemberId>,
    ) -> Result<Stored<PolicyBook>, ServiceError> {
        let stream = match organisation {
            None => StreamId::new(POLICY_STREAM)?,
            Some(organisation) => StreamId::new(organisation_policy_stream(organisation))?,
        };
        Ok(Stored::open(self.journal().clone(), stream).await?)
    }
}
