//! A member's archive, imported into the co-op they move to: their records kept as
//! history under their new member number, each still checkable against the root of
//! the co-op they came from, nothing doubled when an import is repeated or resumed.
//!
//! Membership, consents and votes do not carry over between co-ops: a share is held in
//! one co-op under its statutes, and a consent is given to one controller. So the
//! import turns nothing into live state; it keeps what the member brought, verified and
//! owned by them, in the stream `imported.N` (N their number here), where the new
//! co-op's own reports and the member's next archive find it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Seek};
use std::path::Path;

use andel_export::{Archive, ENTRIES, PROOFS, ROOTS, Roots, Scope, WITHHELD, Withheld};
use andel_journal::merkle::InclusionDocument;
use andel_journal::{Digest, Draft, Entry, Kind, Payload, StreamId, SubjectId, Timestamp};
use andel_ledger::MemberNumber;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::archive::open_verified;
use crate::{Coop, ServiceError};

/// The streams imported members' records live in: `imported.` and the member's number.
pub const IMPORTED_PREFIX: &str = "imported.";

/// The kind of a record of one archived journal entry.
pub const IMPORTED_ENTRY: &str = "archive.entry";

/// The kind of a record of one file of an archive's module (a statement, a report).
pub const IMPORTED_FILE: &str = "archive.file";

/// The stream of the records `member` brought with them.
///
/// # Errors
///
/// None for a member number; the result is for the `?` of callers.
pub fn imported_stream(member: MemberNumber) -> Result<StreamId, ServiceError> {
    Ok(StreamId::new(format!("{IMPORTED_PREFIX}{member}"))?)
}

/// Where an archive came from: the co-op (tenant), the member's id there, what wrote it
/// and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    /// The tenant of the co-op it came from.
    pub tenant: String,
    /// The member's id there.
    pub member: String,
    /// What wrote the archive.
    pub producer: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// One entry of a member's archive, as the co-op they moved to keeps it: the line as
/// archived (so its hash still checks), its proof, and the root it was proved against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportedEntry {
    /// Whose it is here.
    pub member: MemberNumber,
    /// Where it came from.
    pub origin: Origin,
    /// Its stream there.
    pub stream: String,
    /// Its seq there.
    pub seq: u64,
    /// Its hash.
    pub hash: Digest,
    /// Whether its content was withheld as another person's.
    pub withheld: bool,
    /// The entry, in the journal file's line format, as archived.
    pub line: String,
    /// Its inclusion proof.
    pub proof: InclusionDocument,
    /// The root of its stream the proof leads to, when the archive was written.
    pub root: Digest,
}

/// One file of a module of a member's archive, as the co-op they moved to keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportedFile {
    /// Whose it is here.
    pub member: MemberNumber,
    /// Where it came from.
    pub origin: Origin,
    /// Its name in the archive: `ledger/statement.json`.
    pub path: String,
    /// The SHA-256 of its bytes, as the archive's manifest lists it.
    pub sha256: Digest,
    /// Its text.
    pub text: String,
}

/// What importing a member's archive did, or (a dry run) would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberImport {
    /// Where the archive came from.
    pub origin: Origin,
    /// Whose records they are here.
    pub member: MemberNumber,
    /// The stream they are kept in.
    pub stream: StreamId,
    /// Per module, in the archive's order.
    pub modules: Vec<ModuleImport>,
    /// Whether nothing was written.
    pub dry_run: bool,
}

/// One module of a member's archive, imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleImport {
    /// The module: `journal`, `ledger`, `decisions`, `consent`.
    pub module: String,
    /// Its records in the archive: entries for the journal, files for the others.
    pub records: u64,
    /// Of which the co-op already held (an earlier import): not written again.
    pub already: u64,
}

/// A record's identity across imports, as the Data Transfer Project's idempotent
/// executor keys its items: the same archived entry or file is never written twice.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Entry {
        tenant: String,
        member: String,
        stream: String,
        seq: u64,
    },
    File {
        tenant: String,
        member: String,
        path: String,
        sha256: Digest,
    },
}

/// A module's records, ready to append.
struct Module {
    id: String,
    records: Vec<(Key, Kind, Payload, Option<Digest>)>,
}

impl Coop {
    /// Imports the member's archive at `path` for the member `map` says they are here
    /// (their id in the archive to their number in this ledger): verified whole first
    /// (every proof included), then each module in one append (all of it or none), each
    /// record keyed by where it came from, so that a repeated or interrupted import
    /// writes only what is missing. With `dry_run`, says what would be written.
    /// `progress` hears how many records were written, after each module.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use andel_consent::Controller;
    /// use andel_journal::Timestamp;
    /// use andel_ledger::{Command, Statutes, event::Person};
    /// use andel_service::{Access, Coop};
    ///
    /// # tokio::runtime::Runtime::new()?.block_on(async {
    /// let dir = tempfile::tempdir()?;
    /// let location = format!("sqlite:{}", dir.path().join("coops.db").display()).parse()?;
    /// let now = Timestamp::new("2027-01-01T00:00:00Z".parse()?)?;
    /// let statutes = r#"
    /// name = "Solrosen"
    /// currency = { code = "SEK", scale = 2 }
    /// [[classes]]
    /// id = "members"
    /// name = "Members"
    /// nominal = "100.00"
    /// min_shares = 1
    /// admission = "automatic"
    /// "#;
    /// // Two co-ops on one host; Alva is member 1 of the first and joins the second.
    /// let mut coops = Vec::new();
    /// for tenant in ["solrosen", "granen"] {
    ///     let coop = Coop::open(&location, tenant.parse()?, Access::Start).await?;
    ///     let mut members = coop.membership().await?;
    ///     let on = "2027-01-01".parse()?;
    ///     members.record(Command::AdoptStatutes { statutes: Box::new(Statutes::from_toml(statutes)?) }, on, now, None).await?;
    ///     let apply = Command::ApplyForMembership { name: "Alva".into(), person: Person::Natural, class: "members".parse()? };
    ///     members.record(apply, on, now, None).await?;
    ///     coops.push(coop);
    /// }
    /// let controller = Controller {
    ///     name: "Solrosen".into(), contact: "Styrelsen".into(), address: "Storgatan 1".into(),
    ///     email: "styrelsen@solrosen.example".into(), jurisdiction: "SE".into(),
    ///     policy_url: "https://solrosen.example/data".into(),
    /// };
    /// let path = dir.path().join("alva.zip");
    /// coops[0].export_member("1".parse()?, std::fs::File::create(&path)?, "2027-12-31T00:00:00Z".parse()?, &controller, &mut |_| {}).await?;
    ///
    /// let map = BTreeMap::from([("1".to_owned(), "1".parse()?)]);
    /// let done = coops[1].import_member_archive(&path, &map, now, false, &mut |_| {}).await?;
    /// assert_eq!(done.modules[0].module, "journal");
    /// assert_eq!(done.modules[0].records, 3); // applied, admitted, subscribed
    /// let again = coops[1].import_member_archive(&path, &map, now, false, &mut |_| {}).await?;
    /// assert!(again.modules.iter().all(|m| m.already == m.records)); // nothing twice
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// An archive that does not verify or is not a member's; a member `map` does not
    /// map, or maps to a number this ledger does not have; an entry imported before
    /// with another hash (one of the two archives is not genuine); a store failure.
    pub async fn import_member_archive(
        &self,
        path: &Path,
        map: &BTreeMap<String, MemberNumber>,
        recorded_at: Timestamp,
        dry_run: bool,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<MemberImport, ServiceError> {
        let refuse = ServiceError::Refused;
        let (mut archive, _) = open_verified(path)?;
        let manifest = archive.manifest().clone();
        let Scope::Member { tenant, member } = manifest.scope.clone() else {
            return Err(refuse(format!(
                "`{}` is a co-op's archive, not a member's: import it without --map-member",
                path.display()
            )));
        };
        let new = *map.get(&member).ok_or_else(|| {
            refuse(format!(
                "`{}` is the archive of member `{member}` of `{tenant}`: say who they are \
                 here with --map-member {member}=N",
                path.display()
            ))
        })?;
        let ledger = self.membership().await?;
        if ledger.ledger().statement(new, NaiveDate::MAX).is_none() {
            return Err(refuse(format!(
                "there is no member {new} in {self} to import `{}` for",
                path.display()
            )));
        }
        let origin = Origin {
            tenant,
            member,
            producer: manifest.producer.clone(),
            created_at: manifest.created_at,
        };
        let mut modules = vec![journal_records(&mut archive, new, &origin)?];
        for module in manifest.modules.iter().filter(|m| m.id != "journal") {
            modules.push(file_records(&mut archive, &module.id, new, &origin)?);
        }

        let stream = imported_stream(new)?;
        let mut report = Vec::new();
        let mut written = 0;
        for module in modules {
            let (records, already) = self
                .append_missing(&stream, &module, recorded_at, dry_run)
                .await?;
            written += records - already;
            if !dry_run {
                progress(written);
            }
            report.push(ModuleImport {
                module: module.id,
                records,
                already,
            });
        }
        Ok(MemberImport {
            origin,
            member: new,
            stream,
            modules: report,
            dry_run,
        })
    }

    /// Appends the records of `module` that `stream` does not hold yet, in one append;
    /// returns (records, already held). Another import racing this one makes the
    /// append conflict: the records are then checked again, so none is written twice.
    async fn append_missing(
        &self,
        stream: &StreamId,
        module: &Module,
        recorded_at: Timestamp,
        dry_run: bool,
    ) -> Result<(u64, u64), ServiceError> {
        loop {
            let (held, head) = self.imported_keys(stream).await?;
            let mut drafts = Vec::new();
            let mut already = 0;
            for (key, kind, payload, hash) in &module.records {
                match held.get(key) {
                    None => drafts.push(Draft::new(kind.clone(), payload.clone(), recorded_at)),
                    Some(found) if found == hash => already += 1,
                    Some(found) => {
                        return Err(ServiceError::Refused(format!(
                            "{} was imported before with hash {}; this archive gives {}: one \
                             of the two archives is not genuine",
                            describe(key),
                            found.map_or_else(String::new, |h| h.to_string()),
                            hash.map_or_else(String::new, |h| h.to_string()),
                        )));
                    }
                }
            }
            let records = module.records.len() as u64;
            if dry_run || drafts.is_empty() {
                return Ok((records, already));
            }
            match self.journal().append(stream, head, drafts).await {
                Err(err) if err.is_conflict() => {}
                done => {
                    done?;
                    return Ok((records, already));
                }
            }
        }
    }

    /// The keys of the records `stream` holds (with the entry hash for entries), and
    /// its next seq.
    async fn imported_keys(
        &self,
        stream: &StreamId,
    ) -> Result<(BTreeMap<Key, Option<Digest>>, u64), ServiceError> {
        let entries = self.journal().read(stream, 0..u64::MAX).await?;
        let mut keys = BTreeMap::new();
        for entry in &entries {
            if let Some((key, hash)) = key_of(entry)? {
                keys.insert(key, hash);
            }
        }
        let head = entries.last().map_or(0, |entry| entry.seq() + 1);
        Ok((keys, head))
    }
}

/// A record's key, from an entry of an `imported.N` stream.
fn key_of(entry: &Entry) -> Result<Option<(Key, Option<Digest>)>, ServiceError> {
    let Some(payload) = entry.payload().filter(|_| !entry.kind().is_reserved()) else {
        return Ok(None);
    };
    let not_one = |err: serde_json::Error| {
        ServiceError::Refused(format!(
            "entry {} of `{}` is not an imported record: {err}",
            entry.seq(),
            entry.stream()
        ))
    };
    Ok(Some(match entry.kind().as_str() {
        IMPORTED_ENTRY => {
            let record: ImportedEntry = payload.decode().map_err(not_one)?;
            (
                Key::Entry {
                    tenant: record.origin.tenant,
                    member: record.origin.member,
                    stream: record.stream,
                    seq: record.seq,
                },
                Some(record.hash),
            )
        }
        _ => {
            let record: ImportedFile = payload.decode().map_err(not_one)?;
            (
                Key::File {
                    tenant: record.origin.tenant,
                    member: record.origin.member,
                    path: record.path,
                    sha256: record.sha256,
                },
                None,
            )
        }
    }))
}

fn describe(key: &Key) -> String {
    match key {
        Key::Entry {
            tenant,
            member,
            stream,
            seq,
        } => format!("entry {seq} of `{stream}` of member `{member}` of `{tenant}`"),
        Key::File {
            tenant,
            member,
            path,
            ..
        } => format!("`{path}` of member `{member}` of `{tenant}`"),
    }
}

/// Whose an imported record is, for the store's subject index: the member it was
/// imported for.
pub(crate) fn imported_member(
    body: &andel_journal::EntryBody,
) -> Result<Vec<SubjectId>, ServiceError> {
    #[derive(Deserialize)]
    struct Whose {
        member: MemberNumber,
    }
    let Some(payload) = body.payload().filter(|_| !body.kind().is_reserved()) else {
        return Ok(Vec::new());
    };
    let Whose { member } = payload.decode().map_err(|err| {
        ServiceError::Refused(format!(
            "entry {} is not an imported record: {err}",
            body.seq()
        ))
    })?;
    Ok(vec![SubjectId::new(member.to_string())?])
}

/// The journal module's records: each archived entry with its proof and root.
fn journal_records<R: Read + Seek>(
    archive: &mut Archive<R>,
    member: MemberNumber,
    origin: &Origin,
) -> Result<Module, ServiceError> {
    let roots: Roots = serde_json::from_slice(&read_whole(archive, ROOTS)?)
        .map_err(|err| ServiceError::Refused(format!("{ROOTS}: {err}")))?;
    let withheld: BTreeSet<(String, u64)> = {
        #[derive(Deserialize)]
        struct List {
            entries: Vec<Withheld>,
        }
        let list: List = serde_json::from_slice(&read_whole(archive, WITHHELD)?)
            .map_err(|err| ServiceError::Refused(format!("{WITHHELD}: {err}")))?;
        list.entries
            .into_iter()
            .map(|w| (w.stream, w.seq))
            .collect()
    };
    let lines = read_lines(archive, ENTRIES)?;
    let proofs = read_lines(archive, PROOFS)?;
    let kind = Kind::new(IMPORTED_ENTRY)?;
    let mut records = Vec::with_capacity(lines.len());
    for (line, proof) in lines.into_iter().zip(proofs) {
        // The archive verified: every line is an entry and every proof its own.
        let entry = andel_journal::file::parse_line(&line)
            .map_err(|err| ServiceError::Refused(format!("{ENTRIES}: {err}")))?;
        let proof = InclusionDocument::from_json(&proof)
            .map_err(|err| ServiceError::Refused(format!("{PROOFS}: {err}")))?;
        let root = roots
            .streams
            .iter()
            .find(|root| root.stream == entry.stream().as_str())
            .map(|root| root.root)
            .ok_or_else(|| {
                ServiceError::Refused(format!("{ROOTS}: no root of `{}`", entry.stream()))
            })?;
        let record = ImportedEntry {
            member,
            origin: origin.clone(),
            stream: entry.stream().to_string(),
            seq: entry.seq(),
            hash: *entry.hash(),
            withheld: withheld.contains(&(entry.stream().to_string(), entry.seq())),
            line,
            proof,
            root,
        };
        let key = Key::Entry {
            tenant: origin.tenant.clone(),
            member: origin.member.clone(),
            stream: record.stream.clone(),
            seq: record.seq,
        };
        let payload = payload(&record, &key)?;
        records.push((key, kind.clone(), payload, Some(record.hash)));
    }
    Ok(Module {
        id: "journal".into(),
        records,
    })
}

/// A module's records: each of its files (under the folder named by its id).
fn file_records<R: Read + Seek>(
    archive: &mut Archive<R>,
    id: &str,
    member: MemberNumber,
    origin: &Origin,
) -> Result<Module, ServiceError> {
    let folder = format!("{id}/");
    let files: Vec<_> = archive
        .manifest()
        .files
        .iter()
        .filter(|file| file.path.starts_with(&folder))
        .cloned()
        .collect();
    let kind = Kind::new(IMPORTED_FILE)?;
    let mut records = Vec::with_capacity(files.len());
    for file in files {
        let text = String::from_utf8(read_whole(archive, &file.path)?)
            .map_err(|_| ServiceError::Refused(format!("`{}` is not UTF-8 text", file.path)))?;
        let record = ImportedFile {
            member,
            origin: origin.clone(),
            path: file.path.clone(),
            sha256: file.sha256,
            text,
        };
        let key = Key::File {
            tenant: origin.tenant.clone(),
            member: origin.member.clone(),
            path: file.path,
            sha256: file.sha256,
        };
        let payload = payload(&record, &key)?;
        records.push((key, kind.clone(), payload, None));
    }
    Ok(Module {
        id: id.to_owned(),
        records,
    })
}

/// A record as a payload: one that would not fit (over 4 MiB) is an error naming it.
fn payload<T: Serialize>(record: &T, key: &Key) -> Result<Payload, ServiceError> {
    Payload::new(record)
        .map_err(|err| ServiceError::Refused(format!("{} cannot be kept: {err}", describe(key))))
}

fn read_whole<R: Read + Seek>(
    archive: &mut Archive<R>,
    path: &str,
) -> Result<Vec<u8>, ServiceError> {
    let mut bytes = Vec::new();
    archive
        .file(path)
        .and_then(|mut file| Ok(file.read_to_end(&mut bytes)?))
        .map_err(|err| ServiceError::Refused(err.to_string()))?;
    Ok(bytes)
}

fn read_lines<R: Read + Seek>(
    archive: &mut Archive<R>,
    path: &str,
) -> Result<Vec<String>, ServiceError> {
    let file = archive
        .file(path)
        .map_err(|err| ServiceError::Refused(err.to_string()))?;
    BufReader::new(file)
        .lines()
        .collect::<Result<_, _>>()
        .map_err(|err| ServiceError::Refused(format!("{path}: {err}")))
}
