//! A member's archive: everything the co-op holds about one member, for a member who
//! leaves or who wants to see it. Their entries in the shared streams, each with an
//! inclusion proof against the stream's root at export time, and the same data in open
//! formats: the ledger statement (JSON and CSV), their votes and delegations, their
//! consents (DPV JSON-LD and Kantara receipts), the data policies they lived under and
//! the report of every access to their data.

use std::collections::BTreeMap;
use std::io::{Seek, Write};

use andel_consent::{
    AUDIT_STREAM, AdoptedPolicy, CONSENT_STREAM, ConsentEvent, ConsentStep, Controller, MemberId,
    Purpose, TransparencyReport,
};
use andel_decisions::ProposalEvent;
use andel_decisions::delegation::DelegationEvent;
use andel_export::{
    ArchiveWriter, ExportModule, Files, Header, Manifest, MemberEntry, Module, Roots, Scope,
    StreamRoot, WriteError, journal_module, write_member_journal,
};
use andel_journal::merkle::{InclusionDocument, Prover};
use andel_journal::{Aggregate, EntryBody, REPLAY_PAGE, StreamId, SubjectId, Verifier, catch_up};
use andel_ledger::query::Statement;
use andel_ledger::{LEDGER_STREAM, Ledger, MemberNumber};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::consents::owners;
use crate::member_import::{IMPORTED_PREFIX, imported_member};
use crate::proposals::{DELEGATIONS_STREAM, PROPOSAL_PREFIX};
use crate::{Coop, ServiceError};

/// Why an entry of a proposal's stream is not the member's to take: it records another
/// member's act.
const OTHERS_ACT: &str = "another member's act (a ballot, a proxy); it is theirs to share";

/// How one stream tells whose entries are whose, for the store's subject index.
type SubjectsOf<'a> =
    &'a (dyn Fn(&EntryBody) -> Result<Vec<SubjectId>, ServiceError> + Send + Sync);

/// A service's share of a member's archive: which of the co-op's streams are the
/// service's own, whose data each of their entries is, and the module in open formats
/// it writes for the member. A kanban service names its boards' streams, says each
/// card and comment is its author's, and writes the member's own cards; the archive
/// then holds the member's entries of those streams with their proofs, beside the
/// co-op's own modules.
#[async_trait::async_trait]
pub trait ServiceData: Send + Sync {
    /// Whether `stream` is one of the service's.
    fn holds(&self, stream: &StreamId) -> bool;

    /// The members an entry of one of its streams is about.
    ///
    /// # Errors
    ///
    /// An entry that is not one of the service's (an edited or foreign journal).
    fn subjects(&self, body: &EntryBody) -> Result<Vec<SubjectId>, String>;

    /// The module of `member`'s data in open formats, if they have any with the
    /// service.
    ///
    /// # Errors
    ///
    /// A store failure, or a stream that does not read.
    async fn module(
        &self,
        member: &MemberId,
        created_at: DateTime<Utc>,
    ) -> Result<Option<Box<dyn ExportModule + Send + Sync>>, ServiceError>;
}

impl Coop {
    /// Writes `member`'s archive into `out`: their entries in the shared streams with a
    /// proof for each, and their statement, votes, consents, policy history and access
    /// report in open formats (see the book's "Member archive" chapter). `controller`
    /// names the co-op on the consent receipts. In a proposal's stream, the proposal's
    /// own steps go in whole, and other members' ballots only as placeholders (hash and
    /// proof, no content), so the thread keeps its shape without taking anyone else's
    /// vote along. `progress` hears how many entries were read.
    ///
    /// # Errors
    ///
    /// A member the ledger does not know (naming it), a stream that does not verify
    /// (nothing useful is written), a store failure, or an output that fails.
    pub async fn export_member<W: Write + Seek + Send>(
        &self,
        member: MemberNumber,
        out: W,
        created_at: DateTime<Utc>,
        controller: &Controller,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<(W, Manifest), ServiceError> {
        self.export_member_with(member, out, created_at, controller, &[], progress)
            .await
    }

    /// As [`Coop::export_member`], with the member's data in the co-op's services
    /// too: their entries of each service's streams, with proofs, and each service's
    /// module ([`ServiceData`]).
    ///
    /// # Errors
    ///
    /// As [`Coop::export_member`], and a service's own failure.
    pub async fn export_member_with<W: Write + Seek + Send>(
        &self,
        member: MemberNumber,
        out: W,
        created_at: DateTime<Utc>,
        controller: &Controller,
        services: &[&dyn ServiceData],
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<(W, Manifest), ServiceError> {
        let membership = self.membership().await?;
        let statement = membership
            .ledger()
            .statement(member, created_at.date_naive())
            .ok_or_else(|| {
                ServiceError::Refused(format!(
                    "there is no member {member} in {self}; its ledger has members 1 to {}",
                    membership
                        .ledger()
                        .register(chrono::NaiveDate::MAX)
                        .rows
                        .len()
                ))
            })?;
        let id = member.to_string();
        let subject = SubjectId::new(&id)?;
        let member_id: MemberId = id
            .parse()
            .map_err(|err| ServiceError::Refused(format!("member {member}: {err}")))?;

        let mut entries = Vec::new();
        let mut roots = Vec::new();
        let mut read = 0;
        for stream in self.streams().await? {
            let service = services.iter().find(|service| service.holds(&stream));
            let of_service = |body: &EntryBody| -> Result<Vec<SubjectId>, ServiceError> {
                match service {
                    Some(service) => service.subjects(body).map_err(|err| {
                        ServiceError::Refused(format!(
                            "entry {} of `{stream}` names no member: {err}",
                            body.seq()
                        ))
                    }),
                    None => Ok(Vec::new()),
                }
            };
            let subjects_of: SubjectsOf<'_> = match (builtin_subjects_of(&stream), service) {
                (Some(builtin), _) => builtin,
                (None, Some(_)) => &of_service,
                (None, None) => continue,
            };
            let found = self
                .member_entries(&stream, &subject, subjects_of, &mut read, progress)
                .await?;
            if let Some((root, stream_entries)) = found {
                roots.push(root);
                entries.extend(stream_entries);
            }
        }
        progress(read);

        let ledger = LedgerModule { statement };
        let decisions = DecisionsModule::of(&id, &entries);
        let consents = self.consents().await?;
        let consent = ConsentModule {
            member: member_id.clone(),
            history: consents
                .of_member(&member_id)
                .map(|(purpose, steps)| (purpose, steps.to_vec()))
                .collect(),
            receipts: Purpose::ALL
                .iter()
                .filter_map(|purpose| {
                    consents.receipt(&member_id, *purpose, created_at, controller)
                })
                .map(|receipt| (receipt.to_kantara(), receipt.to_dpv()))
                .collect(),
            policies: self.policies(None).await?.history().to_vec(),
            report: self
                .transparency_report(&member_id, DateTime::<Utc>::MIN_UTC, created_at)
                .await?,
        };
        let mut extra = Vec::new();
        for service in services {
            if let Some(module) = service.module(&member_id, created_at).await? {
                extra.push(module);
            }
        }
        let modules: Vec<&dyn ExportModule> = [&ledger as &dyn ExportModule, &decisions, &consent]
            .into_iter()
            .chain(
                extra
                    .iter()
                    .map(|module| module.as_ref() as &dyn ExportModule),
            )
            .collect();
        let header = Header {
            producer: format!("andel {}", env!("CARGO_PKG_VERSION")),
            created_at,
            scope: Scope::Member {
                tenant: self.tenant().to_string(),
                member: id,
            },
            modules: std::iter::once(journal_module())
                .chain(modules.iter().map(|module| module.module()))
                .collect(),
        };
        let mut writer = ArchiveWriter::new(out, header);
        write_member_journal(&mut writer, &entries, &Roots { streams: roots })?;
        for module in modules {
            module.export(&mut writer)?;
        }
        Ok(writer.finish()?)
    }

    /// The member's entries of `stream` with their proofs, and the stream's root they
    /// are proved against; `None` when the stream holds nothing of theirs. The whole
    /// stream is read once and verified, keeping only the member's entries and the
    /// subtree hashes their proofs need: memory grows with the member's entries, not
    /// with the co-op's.
    async fn member_entries(
        &self,
        stream: &StreamId,
        subject: &SubjectId,
        subjects_of: SubjectsOf<'_>,
        read: &mut u64,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<Option<(StreamRoot, Vec<MemberEntry>)>, ServiceError> {
        let size = self.journal().head(stream).await?.next_seq();
        let wanted = if stream.as_str().starts_with(PROPOSAL_PREFIX) {
            self.thread_entries(stream, subject, subjects_of, size)
                .await?
        } else {
            catch_up(
                self.journal().as_ref(),
                self.subjects().as_ref(),
                stream,
                subjects_of,
            )
            .await?;
            self.subjects()
                .read_about(stream, subject, 0..size)
                .await?
                .iter()
                .map(|entry| (entry.seq(), None))
                .collect()
        };
        if wanted.is_empty() {
            return Ok(None);
        }
        let mut prover = Prover::new(size, wanted.keys().copied())?;
        let mut verifier = Verifier::new();
        let mut kept = Vec::with_capacity(wanted.len());
        let mut from = 0;
        while from < size {
            let to = size.min(from.saturating_add(REPLAY_PAGE));
            let page = self.journal().read(stream, from..to).await?;
            for entry in &page {
                verifier.check(entry).map_err(|err| {
                    ServiceError::Refused(format!(
                        "stream `{stream}` does not verify, so it is not archived: {err}"
                    ))
                })?;
                prover.push(entry.hash());
                if let Some(withheld) = wanted.get(&entry.seq()) {
                    kept.push((entry.clone(), withheld.clone()));
                }
            }
            *read += page.len() as u64;
            progress(*read);
            if (page.len() as u64) < to - from {
                break;
            }
            from = to;
        }
        let (root, proofs) = prover.finish()?;
        let root = StreamRoot {
            stream: stream.to_string(),
            entries: size,
            root,
        };
        let entries = kept
            .into_iter()
            .zip(proofs)
            .map(|((entry, withheld), proof)| MemberEntry {
                proof: InclusionDocument::new(stream.clone(), entry.seq(), *entry.hash(), proof),
                entry,
                withheld,
            })
            .collect();
        Ok(Some((root, entries)))
    }

    /// In a proposal's stream where the member acted: every entry, the other members'
    /// acts withheld; none when the member did not act in it.
    async fn thread_entries(
        &self,
        stream: &StreamId,
        subject: &SubjectId,
        subjects_of: SubjectsOf<'_>,
        size: u64,
    ) -> Result<BTreeMap<u64, Option<String>>, ServiceError> {
        let mut wanted = BTreeMap::new();
        let mut mine = false;
        for body in self.journal().read_bodies(stream, 0..size).await? {
            let voters = subjects_of(&body)?;
            let withheld = if voters.contains(subject) {
                mine = true;
                None
            } else if voters.is_empty() {
                None
            } else {
                Some(OTHERS_ACT.to_owned())
            };
            wanted.insert(body.seq(), withheld);
        }
        if !mine {
            wanted.clear();
        }
        Ok(wanted)
    }
}

/// How entries of `stream` name the members they concern, for the streams that hold
/// members' data (records members brought from another co-op included); `None` for the
/// co-op's own records (policies, charter, erasures).
fn builtin_subjects_of(stream: &StreamId) -> Option<SubjectsOf<'static>> {
    match stream.as_str() {
        LEDGER_STREAM => Some(&ledger_members),
        CONSENT_STREAM => Some(&consent_member),
        AUDIT_STREAM => Some(&owners),
        DELEGATIONS_STREAM => Some(&delegation_voters),
        name if name.starts_with(PROPOSAL_PREFIX) => Some(&proposal_voters),
        name if name.starts_with(IMPORTED_PREFIX) => Some(&imported_member),
        _ => None,
    }
}

fn decoded<T: serde::de::DeserializeOwned>(
    body: &EntryBody,
    decode: impl Fn(&str, &andel_journal::Payload) -> Result<T, serde_json::Error>,
) -> Result<Option<T>, ServiceError> {
    let Some(payload) = body.payload().filter(|_| !body.kind().is_reserved()) else {
        return Ok(None);
    };
    decode(body.kind().as_str(), payload)
        .map(Some)
        .map_err(|err| {
            ServiceError::Refused(format!(
                "entry {} (`{}`) does not decode: {err}",
                body.seq(),
                body.kind()
            ))
        })
}

fn subject_ids<'a>(
    names: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<SubjectId>, ServiceError> {
    names
        .into_iter()
        .map(|name| Ok(SubjectId::new(name)?))
        .collect()
}

fn ledger_members(body: &EntryBody) -> Result<Vec<SubjectId>, ServiceError> {
    let Some(event) = decoded(body, <Ledger as Aggregate>::decode)? else {
        return Ok(Vec::new());
    };
    let names: Vec<String> = event.members().iter().map(ToString::to_string).collect();
    subject_ids(names.iter().map(String::as_str))
}

fn consent_member(body: &EntryBody) -> Result<Vec<SubjectId>, ServiceError> {
    let event: Option<ConsentEvent> = decoded(body, |_, payload| payload.decode())?;
    subject_ids(event.iter().map(|event| event.member().as_str()))
}

fn delegation_voters(body: &EntryBody) -> Result<Vec<SubjectId>, ServiceError> {
    let event: Option<DelegationEvent> = decoded(body, |_, payload| payload.decode())?;
    subject_ids(
        event
            .iter()
            .flat_map(DelegationEvent::voters)
            .map(|v| v.as_str()),
    )
}

fn proposal_voters(body: &EntryBody) -> Result<Vec<SubjectId>, ServiceError> {
    let event: Option<ProposalEvent> = decoded(body, |_, payload| payload.decode())?;
    subject_ids(
        event
            .iter()
            .flat_map(ProposalEvent::voters)
            .map(|v| v.as_str()),
    )
}

fn json<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, WriteError> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(std::io::Error::other)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The ledger's part of a member's archive: their statement, as JSON and as CSV.
struct LedgerModule {
    statement: Statement,
}

impl ExportModule for LedgerModule {
    fn module(&self) -> Module {
        Module {
            id: "ledger".into(),
            version: 1,
        }
    }

    fn size_hint(&self) -> u64 {
        400 + 300 * self.statement.lines.len() as u64
    }

    fn export(&self, files: &mut dyn Files) -> Result<(), WriteError> {
        files.write_file("ledger/statement.json", &json(&self.statement)?)?;
        files.write_file(
            "ledger/statement.csv",
            statement_csv(&self.statement).as_bytes(),
        )?;
        Ok(())
    }
}

/// The statement as CSV (RFC 4180): one row per posting to the member's accounts.
pub(crate) fn statement_csv(statement: &Statement) -> String {
    let mut csv = String::from("date,transaction,what,account,debit,credit\r\n");
    for line in &statement.lines {
        for posting in &line.postings {
            let (debit, credit) = match posting.side {
                andel_ledger::books::Side::Debit => (posting.amount.to_string(), String::new()),
                andel_ledger::books::Side::Credit => (String::new(), posting.amount.to_string()),
            };
            csv.push_str(&format!(
                "{},{},{},{},{debit},{credit}\r\n",
                line.on,
                line.txn,
                csv_field(&line.what),
                csv_field(&posting.account.to_string()),
            ));
        }
    }
    csv
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The decisions' part: every proposal the member took part in, with their own acts,
/// and their delegations given and received.
struct DecisionsModule {
    votes: Vec<ProposalActs>,
    delegations: Vec<DelegationEvent>,
}

/// One proposal, as far as the member took part in it.
#[derive(Serialize)]
struct ProposalActs {
    proposal: String,
    title: Option<String>,
    acts: Vec<ProposalEvent>,
    outcome: Option<serde_json::Value>,
}

impl DecisionsModule {
    fn of(member: &str, entries: &[MemberEntry]) -> Self {
        let mut votes: Vec<ProposalActs> = Vec::new();
        let mut delegations = Vec::new();
        for item in entries.iter().filter(|item| item.withheld.is_none()) {
            let stream = item.entry.stream().as_str();
            let Some(payload) = item
                .entry
                .payload()
                .filter(|_| !item.entry.kind().is_reserved())
            else {
                continue;
            };
            if stream == DELEGATIONS_STREAM {
                delegations.extend(payload.decode::<DelegationEvent>().ok());
                continue;
            }
            let Some(id) = stream.strip_prefix(PROPOSAL_PREFIX) else {
                continue;
            };
            let Ok(event) = payload.decode::<ProposalEvent>() else {
                continue;
            };
            if votes.last().is_none_or(|p| p.proposal != id) {
                votes.push(ProposalActs {
                    proposal: id.to_owned(),
                    title: None,
                    acts: Vec::new(),
                    outcome: None,
                });
            }
            let Some(proposal) = votes.last_mut() else {
                continue;
            };
            match &event {
                ProposalEvent::Drafted { spec, .. } => proposal.title = Some(spec.title.clone()),
                ProposalEvent::Closed { outcome, .. } => {
                    proposal.outcome = serde_json::to_value(outcome).ok();
                }
                _ if event.voters().iter().any(|v| v.as_str() == member) => {
                    proposal.acts.push(event);
                }
                _ => {}
            }
        }
        votes.retain(|proposal| !proposal.acts.is_empty());
        DecisionsModule { votes, delegations }
    }
}

impl ExportModule for DecisionsModule {
    fn module(&self) -> Module {
        Module {
            id: "decisions".into(),
            version: 1,
        }
    }

    fn size_hint(&self) -> u64 {
        200 + 600 * self.votes.len() as u64 + 200 * self.delegations.len() as u64
    }

    fn export(&self, files: &mut dyn Files) -> Result<(), WriteError> {
        files.write_file("decisions/votes.json", &json(&self.votes)?)?;
        files.write_file("decisions/delegations.json", &json(&self.delegations)?)?;
        Ok(())
    }
}

/// The consent engine's part: the member's consents, their receipts, the co-op's data
/// policies they lived under, and the report of every access to their data.
struct ConsentModule {
    member: MemberId,
    history: Vec<(Purpose, Vec<ConsentStep>)>,
    /// Each consent in force: (Kantara receipt, DPV record).
    receipts: Vec<(serde_json::Value, serde_json::Value)>,
    policies: Vec<AdoptedPolicy>,
    report: TransparencyReport,
}

#[derive(Serialize)]
struct PurposeHistory<'a> {
    purpose: Purpose,
    steps: &'a [ConsentStep],
}

#[derive(Serialize)]
struct PolicyVersion<'a> {
    version: u32,
    effective: DateTime<Utc>,
    adopted_at: DateTime<Utc>,
    decision: &'a andel_consent::DecisionRef,
    sha256: String,
    text: &'a str,
}

impl ExportModule for ConsentModule {
    fn module(&self) -> Module {
        Module {
            id: "consent".into(),
            version: 1,
        }
    }

    fn size_hint(&self) -> u64 {
        let policies: usize = self.policies.iter().map(|p| p.text.len() + 400).sum();
        1000 + 150 * self.history.len() as u64
            + 1500 * self.receipts.len() as u64
            + policies as u64
            + 400 * self.report.accesses.len() as u64
    }

    fn export(&self, files: &mut dyn Files) -> Result<(), WriteError> {
        let history: Vec<PurposeHistory<'_>> = self
            .history
            .iter()
            .map(|(purpose, steps)| PurposeHistory {
                purpose: *purpose,
                steps,
            })
            .collect();
        files.write_file(
            "consent/consents.json",
            &json(&serde_json::json!({ "member": self.member, "purposes": history }))?,
        )?;
        let kantara: Vec<&serde_json::Value> = self.receipts.iter().map(|(k, _)| k).collect();
        files.write_file("consent/receipts.kantara.json", &json(&kantara)?)?;
        let dpv = serde_json::json!({
            "@context": { "dpv": "https://w3id.org/dpv#" },
            "@graph": self.receipts.iter().map(|(_, d)| {
                let mut record = d.clone();
                if let Some(fields) = record.as_object_mut() {
                    fields.remove("@context");
                }
                record
            }).collect::<Vec<_>>(),
        });
        files.write_file("consent/consents.dpv.jsonld", &json(&dpv)?)?;
        let policies: Vec<PolicyVersion<'_>> = self
            .policies
            .iter()
            .map(|adopted| PolicyVersion {
                version: adopted.policy.version,
                effective: adopted.effective,
                adopted_at: adopted.adopted_at,
                decision: &adopted.decision,
                sha256: adopted.sha256.to_string(),
                text: &adopted.text,
            })
            .collect();
        files.write_file("consent/policies.json", &json(&policies)?)?;
        files.write_file("consent/access-report.json", &json(&self.report)?)?;
        Ok(())
    }
}
