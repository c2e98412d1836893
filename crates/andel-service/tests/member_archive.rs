//! A member's archive, out of one co-op and into another: every imported entry still
//! checks against the root it was archived with, the member's old id maps to their new
//! number, and an import stopped after any module finishes when run again with nothing
//! doubled.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use andel_consent::{ConsentCommand, Controller, Purpose};
use andel_journal::Timestamp;
use andel_journal::file::parse_line;
use andel_ledger::{Command, MemberNumber, Statutes, event::Person};
use andel_service::{Access, Coop, ImportedEntry, imported_stream};
use proptest::prelude::*;

const STATUTES: &str = r#"
name = "Solrosen"
currency = { code = "SEK", scale = 2 }
[[classes]]
id = "members"
name = "Members"
nominal = "100.00"
min_shares = 1
admission = "automatic"
"#;

fn now() -> Timestamp {
    Timestamp::new("2027-01-01T00:00:00Z".parse().unwrap()).unwrap()
}

fn n(member: u32) -> MemberNumber {
    MemberNumber::new(member).unwrap()
}

async fn coop(dir: &Path, tenant: &str, names: &[&str]) -> Coop {
    let location = format!("sqlite:{}", dir.join("coops.db").display())
        .parse()
        .unwrap();
    let coop = Coop::open(&location, tenant.parse().unwrap(), Access::Start)
        .await
        .unwrap();
    let mut members = coop.membership().await.unwrap();
    let statutes = Box::new(Statutes::from_toml(STATUTES).unwrap());
    let on = "2027-01-01".parse().unwrap();
    members
        .record(Command::AdoptStatutes { statutes }, on, now(), None)
        .await
        .unwrap();
    for name in names {
        let apply = Command::ApplyForMembership {
            name: (*name).into(),
            person: Person::Natural,
            class: "members".parse().unwrap(),
        };
        members.record(apply, on, now(), None).await.unwrap();
    }
    coop
}

fn controller() -> Controller {
    Controller {
        name: "Solrosen".into(),
        contact: "Styrelsen".into(),
        address: "Storgatan 1, Umeå".into(),
        email: "styrelsen@solrosen.example".into(),
        jurisdiction: "SE".into(),
        policy_url: "https://solrosen.example/data".into(),
    }
}

/// Alva's archive from the co-op `solrosen`, where she is member 2 and gave a consent.
async fn alvas_archive(dir: &Path) -> PathBuf {
    let old = coop(dir, "solrosen", &["Bo", "Alva"]).await;
    for (member, purpose) in [
        ("2", Purpose::AggregateStatistics),
        ("1", Purpose::Research),
    ] {
        let give = ConsentCommand::Give {
            member: member.parse().unwrap(),
            purpose,
            expires: None,
        };
        let at = "2027-02-01T00:00:00Z".parse().unwrap();
        old.record_consent(give, at, now(), None).await.unwrap();
    }
    let path = dir.join("alva.zip");
    let file = std::fs::File::create(&path).unwrap();
    let at = "2027-12-31T12:00:00Z".parse().unwrap();
    old.export_member(n(2), file, at, &controller(), &mut |_| {})
        .await
        .unwrap();
    old.close().await;
    path
}

#[tokio::test]
async fn a_members_records_move_with_them_and_still_check() {
    let dir = tempfile::tempdir().unwrap();
    let archive = alvas_archive(dir.path()).await;
    let new = coop(dir.path(), "granen", &["Cecilia", "Dan", "Alva"]).await;
    let map = BTreeMap::from([("2".to_owned(), n(3))]);

    // Nobody said who she is here, or said a number the ledger does not have.
    let err = new
        .import_member_archive(&archive, &BTreeMap::new(), now(), false, &mut |_| {})
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("say who they are here with --map-member 2=N"),
        "{err}"
    );
    let wrong = BTreeMap::from([("2".to_owned(), n(7))]);
    let err = new
        .import_member_archive(&archive, &wrong, now(), false, &mut |_| {})
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("there is no member 7 in tenant `granen`"),
        "{err}"
    );
    // A member's archive is not a co-op's.
    let err = new
        .import_archive(&archive, true, &mut |_| {})
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("is a member's archive, not a co-op's"),
        "{err}"
    );

    let dry = new
        .import_member_archive(&archive, &map, now(), true, &mut |_| {})
        .await
        .unwrap();
    let stream = imported_stream(n(3)).unwrap();
    assert!(
        new.journal().head(&stream).await.unwrap().next_seq() == 0,
        "a dry run writes nothing"
    );
    let done = new
        .import_member_archive(&archive, &map, now(), false, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(done.modules, dry.modules);
    let modules: Vec<(&str, u64, u64)> = done
        .modules
        .iter()
        .map(|m| (m.module.as_str(), m.records, m.already))
        .collect();
    // Her ledger entries (applied, admitted, subscribed) and her consent; the files
    // of the ledger (2), decisions (2) and consent (5) modules.
    assert_eq!(
        modules,
        [
            ("journal", 4, 0),
            ("ledger", 2, 0),
            ("decisions", 2, 0),
            ("consent", 5, 0)
        ]
    );
    assert_eq!(done.origin.tenant, "solrosen");
    assert_eq!(done.origin.member, "2");

    // Each imported entry is hers here, byte for byte as archived, and still checks
    // against its old root.
    let entries = new.journal().read(&stream, 0..u64::MAX).await.unwrap();
    assert_eq!(entries.len(), 13);
    let mut original = andel_export::Archive::open(
        std::io::BufReader::new(std::fs::File::open(&archive).unwrap()),
        andel_export::Limits::default(),
    )
    .unwrap();
    let mut lines = String::new();
    std::io::Read::read_to_string(
        &mut original.file(andel_export::ENTRIES).unwrap(),
        &mut lines,
    )
    .unwrap();
    let kept: Vec<String> = entries
        .iter()
        .filter(|e| e.kind().as_str() == "archive.entry")
        .map(|e| e.payload().unwrap().decode::<ImportedEntry>().unwrap().line)
        .collect();
    assert_eq!(kept, lines.lines().collect::<Vec<_>>());
    for entry in entries
        .iter()
        .filter(|e| e.kind().as_str() == "archive.entry")
    {
        let record: ImportedEntry = entry.payload().unwrap().decode().unwrap();
        assert_eq!(record.member, n(3));
        let original = parse_line(&record.line).unwrap();
        original.check().unwrap();
        assert_eq!(original.hash(), &record.hash);
        assert_eq!(record.proof.entry_hash(), &record.hash);
        record.proof.check(&record.root, None).unwrap();
    }

    // Again: nothing written. Her archive here holds what she brought.
    let again = new
        .import_member_archive(&archive, &map, now(), false, &mut |_| {})
        .await
        .unwrap();
    assert!(
        again.modules.iter().all(|m| m.already == m.records),
        "{again:?}"
    );
    assert_eq!(new.journal().head(&stream).await.unwrap().next_seq(), 13);
    let out = std::io::Cursor::new(Vec::new());
    let at = "2028-01-01T00:00:00Z".parse().unwrap();
    let (bytes, _) = new
        .export_member(n(3), out, at, &controller(), &mut |_| {})
        .await
        .unwrap();
    let mut archive = andel_export::Archive::open(
        std::io::Cursor::new(bytes.into_inner()),
        andel_export::Limits::default(),
    )
    .unwrap();
    let report = archive.verify();
    assert!(report.is_ok(), "{:?}", report.failures);
    // 13 imported records and her 3 ledger entries here.
    assert_eq!(report.member_journal.unwrap().entries, 16);
    new.close().await;
}

/// Imports, stopping (as a crash would) after `modules` modules were written.
fn import_stopped_after(dir: &Path, archive: &Path, modules: usize) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let map = BTreeMap::from([("2".to_owned(), n(3))]);
    let stopped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        runtime.block_on(async {
            let new = coop_again(dir).await;
            let mut written = 0;
            new.import_member_archive(archive, &map, now(), false, &mut |_| {
                written += 1;
                if written == modules {
                    panic!("stopped after {modules} modules");
                }
            })
            .await
            .unwrap();
        });
    }));
    assert!(stopped.is_err(), "the import ran past module {modules}");
}

async fn coop_again(dir: &Path) -> Coop {
    let location = format!("sqlite:{}", dir.join("coops.db").display())
        .parse()
        .unwrap();
    Coop::open(&location, "granen".parse().unwrap(), Access::Existing)
        .await
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4))]

    /// An import stopped after any module finishes when run again: every record once.
    #[test]
    fn an_import_stopped_after_any_module_finishes_with_nothing_doubled(modules in 1usize..=4) {
        let dir = tempfile::tempdir().unwrap();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let archive = runtime.block_on(async {
            let archive = alvas_archive(dir.path()).await;
            coop(dir.path(), "granen", &["Cecilia", "Dan", "Alva"]).await.close().await;
            archive
        });
        import_stopped_after(dir.path(), &archive, modules);
        let (held_before, done, held) = runtime.block_on(async {
            let new = coop_again(dir.path()).await;
            let stream = imported_stream(n(3)).unwrap();
            let before = new.journal().head(&stream).await.unwrap().next_seq();
            let map = BTreeMap::from([("2".to_owned(), n(3))]);
            let done = new
                .import_member_archive(&archive, &map, now(), false, &mut |_| {})
                .await
                .unwrap();
            let held = new.journal().head(&stream).await.unwrap().next_seq();
            new.close().await;
            (before, done, held)
        });
        let records: Vec<u64> = done.modules.iter().map(|m| m.records).collect();
        prop_assert_eq!(&records, &[4, 2, 2, 5]);
        let already: u64 = done.modules.iter().map(|m| m.already).sum();
        prop_assert_eq!(already, held_before);
        prop_assert_eq!(held_before, records[..modules].iter().sum::<u64>());
        prop_assert_eq!(held, 13);
    }
}

/// The archive at `path` written again with `change` applied to each file's bytes, by
/// the archive writer itself: every hash in the manifest matches, as a forger's would.
fn rewritten(path: &Path, change: impl Fn(&str, Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = andel_export::Archive::open(
        std::io::BufReader::new(std::fs::File::open(path).unwrap()),
        andel_export::Limits::default(),
    )
    .unwrap();
    let manifest = archive.manifest().clone();
    let header = andel_export::Header {
        producer: manifest.producer,
        created_at: manifest.created_at,
        scope: manifest.scope,
        modules: manifest.modules,
    };
    let mut out = andel_export::ArchiveWriter::new(std::io::Cursor::new(Vec::new()), header);
    for file in &manifest.files {
        if file.path == "README.txt" || file.path == "index.html" {
            continue;
        }
        let mut bytes = Vec::new();
        archive
            .file(&file.path)
            .unwrap()
            .read_to_end(&mut bytes)
            .unwrap();
        let mut written = out.file(&file.path).unwrap();
        written.write_all(&change(&file.path, bytes)).unwrap();
        written.finish().unwrap();
    }
    out.finish().unwrap().0.into_inner()
}

#[tokio::test]
async fn open_formats_that_say_more_than_the_proved_entries_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    let archive = alvas_archive(dir.path()).await;
    let genuine = andel_service::verify_archive(&archive).unwrap();
    assert!(genuine.is_ok(), "{:?}", genuine.failures);
    let cases: [(&str, &str, &str, &str); 4] = [
        (
            "ledger/statement.json",
            "\"100.00\"",
            "\"10.00\"",
            "ledger/statement.json: transaction T2 of 2027-01-01 is not one of the member's proved ledger entries",
        ),
        (
            "ledger/statement.csv",
            "100.00",
            "1000.00",
            "ledger/statement.csv: does not say what ledger/statement.json says",
        ),
        (
            "consent/consents.json",
            "2027-02-01T00:00:00Z",
            "2026-02-01T00:00:00Z",
            "consent/consents.json: consent given at 2026-02-01T00:00:00Z for aggregate-statistics is not one of the member's proved consent entries",
        ),
        (
            "journal/withheld.json",
            "\"entries\": []",
            "\"entries\": [{\"stream\": \"consents\", \"seq\": 0, \"why\": \"x\"}]",
            "journal/entries.ndjson: line 1 is listed as withheld but carries its content",
        ),
    ];
    for (name, from, to, expected) in cases {
        let forged = rewritten(&archive, |path, bytes| {
            if path == name {
                let text = String::from_utf8(bytes).unwrap();
                assert!(text.contains(from), "{name}: {text}");
                text.replacen(from, to, 1).into_bytes()
            } else {
                bytes
            }
        });
        let path = dir.path().join("forged.zip");
        std::fs::write(&path, forged).unwrap();
        let report = andel_service::verify_archive(&path).unwrap();
        let failures: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
        assert_eq!(failures, [expected], "{name}");
    }
}
