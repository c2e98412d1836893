//! Checking an archive whole: what `andel-export` checks (every file, every journal and
//! proof) and each module's own checks, which need the domain's types: in a member's
//! archive, every line of their statement, every vote, consent step and access in the
//! open formats is one of their entries the journal proves. A reader can then trust the
//! CSV as far as the proofs.

use std::collections::BTreeMap;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use andel_consent::{AUDIT_STREAM, AccessRecord, CONSENT_STREAM, ConsentEvent};
use andel_decisions::ProposalEvent;
use andel_export::{Archive, ENTRIES, Failure, Limits, Report, WITHHELD, Withheld};
use andel_journal::file::JournalReader;
use andel_journal::{Aggregate, Entry};
use andel_ledger::query::Statement;
use andel_ledger::{LEDGER_STREAM, Ledger};
use serde::Deserialize;
use serde_json::Value;

use crate::ServiceError;
use crate::member_archive::statement_csv;
use crate::proposals::PROPOSAL_PREFIX;

/// Opens the archive at `path` as hostile input and checks it whole: every file against
/// the manifest, the journal or every proof ([`Archive::verify`]), then, in a member's
/// archive, that the open formats say only what the proved entries say. The report
/// lists every failure.
///
/// # Errors
///
/// An archive that cannot be opened at all (a damaged zip, a hostile name, a bomb).
pub fn verify_archive(path: &Path) -> Result<Report, ServiceError> {
    let file = std::fs::File::open(path)
        .map_err(|err| ServiceError::Refused(format!("cannot open {}: {err}", path.display())))?;
    let mut archive = Archive::open(BufReader::new(file), Limits::default())
        .map_err(|err| ServiceError::Refused(format!("{} is refused: {err}", path.display())))?;
    let mut report = archive.verify();
    if report.is_ok() && report.member_journal.is_some() {
        report.failures.extend(check_modules(&mut archive));
    }
    Ok(report)
}

/// The member's proved entries (withheld ones left out), by stream.
type Proved = BTreeMap<String, Vec<Entry>>;

fn check_modules<R: Read + Seek>(archive: &mut Archive<R>) -> Vec<Failure> {
    let proved = match proved_entries(archive) {
        Ok(proved) => proved,
        Err(failure) => return vec![failure],
    };
    let listed: Vec<String> = archive
        .manifest()
        .files
        .iter()
        .map(|f| f.path.clone())
        .collect();
    let has = |path: &str| listed.iter().any(|p| p == path);
    let mut failures = Vec::new();
    if has("ledger/statement.json") {
        failures.extend(check_statement(archive, &proved).err());
    }
    if has("decisions/votes.json") {
        failures.extend(check_votes(archive, &proved).err());
    }
    if has("consent/consents.json") {
        failures.extend(check_consents(archive, &proved).err());
    }
    if has("consent/access-report.json") {
        failures.extend(check_accesses(archive, &proved).err());
    }
    failures
}

fn failure(path: &str, problem: impl Into<String>) -> Failure {
    Failure {
        path: path.to_owned(),
        problem: problem.into(),
    }
}

fn read<R: Read + Seek>(archive: &mut Archive<R>, path: &str) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    archive
        .file(path)
        .and_then(|mut file| Ok(file.read_to_end(&mut bytes)?))
        .map_err(|err| failure(path, err.to_string()))?;
    Ok(bytes)
}

fn json<R: Read + Seek, T: for<'de> Deserialize<'de>>(
    archive: &mut Archive<R>,
    path: &str,
) -> Result<T, Failure> {
    serde_json::from_slice(&read(archive, path)?)
        .map_err(|err| failure(path, format!("is not valid: {err}")))
}

fn proved_entries<R: Read + Seek>(archive: &mut Archive<R>) -> Result<Proved, Failure> {
    #[derive(Deserialize)]
    struct List {
        entries: Vec<Withheld>,
    }
    let withheld: List = json(archive, WITHHELD)?;
    let withheld: Vec<(String, u64)> = withheld
        .entries
        .into_iter()
        .map(|w| (w.stream, w.seq))
        .collect();
    let bytes = read(archive, ENTRIES)?;
    let mut proved = Proved::new();
    for entry in JournalReader::new(&bytes[..]) {
        let entry = entry.map_err(|err| failure(ENTRIES, err.to_string()))?;
        let key = (entry.stream().to_string(), entry.seq());
        if !withheld.contains(&key) && !entry.kind().is_reserved() && entry.payload().is_some() {
            proved.entry(key.0).or_default().push(entry);
        }
    }
    Ok(proved)
}

fn decoded<T: for<'de> Deserialize<'de>>(entries: Option<&Vec<Entry>>) -> Vec<T> {
    entries
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.payload()?.decode().ok())
        .collect()
}

/// Every line of the statement is a transaction of a proved ledger entry, with the
/// postings to the member's accounts it gives; the CSV says what the JSON says.
fn check_statement<R: Read + Seek>(
    archive: &mut Archive<R>,
    proved: &Proved,
) -> Result<(), Failure> {
    const PATH: &str = "ledger/statement.json";
    let statement: Statement = json(archive, PATH)?;
    let events: Vec<andel_ledger::Event> = proved
        .get(LEDGER_STREAM)
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            <Ledger as Aggregate>::decode(entry.kind().as_str(), entry.payload()?).ok()
        })
        .collect();
    for line in &statement.lines {
        let backed = events.iter().any(|event| {
            event.money().is_some_and(|(txn, postings)| {
                txn == line.txn
                    && line
                        .postings
                        .iter()
                        .all(|posting| postings.contains(posting))
            })
        });
        if !backed {
            return Err(failure(
                PATH,
                format!(
                    "transaction {} of {} is not one of the member's proved ledger entries",
                    line.txn, line.on
                ),
            ));
        }
    }
    let csv = read(archive, "ledger/statement.csv")?;
    if csv != statement_csv(&statement).into_bytes() {
        return Err(failure(
            "ledger/statement.csv",
            "does not say what ledger/statement.json says",
        ));
    }
    Ok(())
}

/// Every act in `decisions/votes.json` is a proved entry of its proposal's stream.
fn check_votes<R: Read + Seek>(archive: &mut Archive<R>, proved: &Proved) -> Result<(), Failure> {
    const PATH: &str = "decisions/votes.json";
    #[derive(Deserialize)]
    struct Acts {
        proposal: String,
        acts: Vec<Value>,
    }
    let votes: Vec<Acts> = json(archive, PATH)?;
    for proposal in &votes {
        let stream = format!("{PROPOSAL_PREFIX}{}", proposal.proposal);
        let events: Vec<Value> = decoded::<ProposalEvent>(proved.get(&stream))
            .iter()
            .filter_map(|event| serde_json::to_value(event).ok())
            .collect();
        if let Some(act) = proposal.acts.iter().find(|act| !events.contains(act)) {
            return Err(failure(
                PATH,
                format!(
                    "an act in proposal `{}` is not one of the member's proved entries: {act}",
                    proposal.proposal
                ),
            ));
        }
    }
    Ok(())
}

/// Every step of `consent/consents.json` is a proved consent entry.
fn check_consents<R: Read + Seek>(
    archive: &mut Archive<R>,
    proved: &Proved,
) -> Result<(), Failure> {
    const PATH: &str = "consent/consents.json";
    #[derive(Deserialize)]
    struct Purposes {
        purposes: Vec<Steps>,
    }
    #[derive(Deserialize)]
    struct Steps {
        purpose: Value,
        steps: Vec<Value>,
    }
    let consents: Purposes = json(archive, PATH)?;
    let events: Vec<ConsentEvent> = decoded(proved.get(CONSENT_STREAM));
    let recorded: Vec<(Value, Value, &'static str)> = events
        .iter()
        .filter_map(|event| {
            let (purpose, at, status) = match event {
                ConsentEvent::Given { purpose, at, .. } => (purpose, at, "given"),
                ConsentEvent::Refused { purpose, at, .. } => (purpose, at, "refused"),
                ConsentEvent::Withdrawn { purpose, at, .. } => (purpose, at, "withdrawn"),
            };
            Some((
                serde_json::to_value(purpose).ok()?,
                serde_json::to_value(at).ok()?,
                status,
            ))
        })
        .collect();
    for purpose in &consents.purposes {
        for step in &purpose.steps {
            let found = recorded.iter().any(|(p, at, status)| {
                *p == purpose.purpose
                    && step.get("at") == Some(at)
                    && step.get("status") == Some(&Value::from(*status))
            });
            if !found {
                let text =
                    |value: Option<&Value>| value.and_then(Value::as_str).unwrap_or("?").to_owned();
                return Err(failure(
                    PATH,
                    format!(
                        "consent {} at {} for {} is not one of the member's proved consent entries",
                        text(step.get("status")),
                        text(step.get("at")),
                        text(Some(&purpose.purpose)),
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Every access of `consent/access-report.json` is a proved audit entry.
fn check_accesses<R: Read + Seek>(
    archive: &mut Archive<R>,
    proved: &Proved,
) -> Result<(), Failure> {
    const PATH: &str = "consent/access-report.json";
    #[derive(Deserialize)]
    struct Report {
        accesses: Vec<AccessRecord>,
    }
    let report: Report = json(archive, PATH)?;
    let recorded: Vec<AccessRecord> = decoded(proved.get(AUDIT_STREAM));
    if let Some(access) = report.accesses.iter().find(|a| !recorded.contains(a)) {
        return Err(failure(
            PATH,
            format!(
                "the access to {} `{}` at {} is not one of the member's proved audit entries",
                access.kind, access.id, access.at
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::io::{Cursor, Write};

    use andel_export::{ArchiveWriter, Header, Scope};
    use andel_journal::{Draft, Kind, Payload, StreamHead, StreamId};

    use super::*;

    const ACCESS: &str = r#"{"action": "process", "allowed": true, "at": "2027-05-12T10:00:00Z",
        "explanation": "Allowed.", "id": "c1", "kind": "card", "owners": ["2"], "policy_version": 2,
        "principal": {"acting_for": null, "name": "stats", "type": "service"},
        "purpose": "aggregate-statistics", "rules": ["usage-statistics"]}"#;
    const VOTE: &str =
        r#"{"type": "voted", "at": "2027-05-03T10:00:00Z", "voter": "2", "choice": "yes"}"#;

    /// The member's proved entries: one ballot in `decision.shop`, one audit record.
    fn proved() -> Proved {
        let at = "2027-06-01T00:00:00Z".parse().unwrap();
        [
            ("decision.shop", "decision.voted", VOTE),
            ("access", "access.decided", ACCESS),
        ]
        .iter()
        .map(|(stream, kind, json)| {
            let head = StreamHead::new(StreamId::new(*stream).unwrap());
            let payload = Payload::from_json_str(json).unwrap();
            let draft = Draft::new(Kind::new(*kind).unwrap(), payload, at);
            ((*stream).to_owned(), vec![head.seal(0, draft).unwrap()])
        })
        .collect()
    }

    /// An archive holding `path` with `text`.
    fn archive(path: &str, text: &str) -> Archive<Cursor<Vec<u8>>> {
        let header = Header {
            producer: "tests".into(),
            created_at: "2027-12-31T00:00:00Z".parse().unwrap(),
            scope: Scope::Member {
                tenant: "coop".into(),
                member: "2".into(),
            },
            modules: Vec::new(),
        };
        let mut writer = ArchiveWriter::new(Cursor::new(Vec::new()), header);
        let mut file = writer.file(path).unwrap();
        file.write_all(text.as_bytes()).unwrap();
        file.finish().unwrap();
        let bytes = writer.finish().unwrap().0.into_inner();
        Archive::open(Cursor::new(bytes), Limits::default()).unwrap()
    }

    #[test]
    fn votes_are_checked_against_the_proved_ballots() {
        let votes = format!(r#"[{{"proposal": "shop", "acts": [{VOTE}]}}]"#);
        let mut genuine = archive("decisions/votes.json", &votes);
        assert_eq!(check_votes(&mut genuine, &proved()), Ok(()));

        let turned = votes.replace("\"yes\"", "\"no\"");
        let err =
            check_votes(&mut archive("decisions/votes.json", &turned), &proved()).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "decisions/votes.json: an act in proposal `shop` is not one of the member's proved entries"
            ),
            "{err}"
        );
        let elsewhere = votes.replace("\"shop\"", "\"board\"");
        assert!(check_votes(&mut archive("decisions/votes.json", &elsewhere), &proved()).is_err());
    }

    #[test]
    fn accesses_are_checked_against_the_proved_audit_records() {
        let report = format!(r#"{{"accesses": [{ACCESS}]}}"#);
        let mut genuine = archive("consent/access-report.json", &report);
        assert_eq!(check_accesses(&mut genuine, &proved()), Ok(()));

        let hidden = report.replace("\"allowed\": true", "\"allowed\": false");
        let err = check_accesses(
            &mut archive("consent/access-report.json", &hidden),
            &proved(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "consent/access-report.json: the access to card `c1` at 2027-05-12 10:00:00 UTC is \
             not one of the member's proved audit entries"
        );
    }
}
