//! `andel export coop`, `andel export verify` and `andel import`: a co-op leaves one
//! database for another with every entry and root, nothing doubled on a second import,
//! nothing imported from an archive that does not verify. On SQLite and PostgreSQL.

use std::path::Path;

use crate::policy::{data, run};
use crate::{fails, ok, on_postgres};

/// A small co-op: its ledger started, a member admitted.
fn coop(store: &str) {
    run(
        store,
        &format!(
            "ledger init --statutes {} --on 2027-01-01",
            data("fyrklovern.toml")
        ),
    );
    run(
        store,
        "ledger apply --name Alva --class users --on 2027-01-10",
    );
}

fn unzip(archive: &Path, name: &str) -> Vec<u8> {
    let file = std::fs::File::open(archive).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut entry = zip.by_name(name).unwrap();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
    bytes
}

fn moving_on(store: &str, dir: &Path) {
    coop(store);
    let archive = dir.join("coop.zip");
    let archive = archive.to_str().unwrap();
    let said = run(
        store,
        &format!("export coop -o {archive} --at 2027-12-31T12:00:00Z"),
    );
    assert!(
        said.starts_with(&format!("wrote {archive}: 4 files, ")),
        "{said}"
    );
    assert_eq!(
        ok(&["export", "verify", archive]),
        format!(
            "ok: {archive}: 4 files as the manifest lists them; the journal verifies: 4 \
             entries in 1 stream, every root as listed\n"
        )
    );

    // Into another tenant of the same database: a dry run, the import, and again.
    let moved = |args: &str| run(store, &format!("import {archive} --tenant moved {args}"));
    assert_eq!(
        moved("--dry-run"),
        "ledger: 4 entries in the archive, 0 in the database, 4 to import\n\
         dry run: nothing was written\n"
    );
    fails(
        &["ledger", "register", "--store", store, "--tenant", "moved"],
        1,
        "tenant `moved`",
    );
    let first = moved("");
    assert!(
        first.contains("imported 4 entries into tenant `moved`"),
        "{first}"
    );
    assert!(
        first.ends_with("(0 were there already); every root is the archive's\n"),
        "{first}"
    );
    let again = moved("");
    assert!(again.contains("imported 0 entries"), "{again}");
    assert!(again.contains("(4 were there already)"), "{again}");

    // Out again: the same journal, the same roots.
    let back = dir.join("back.zip");
    let back = back.to_str().unwrap();
    run(
        store,
        &format!("export coop -o {back} --at 2027-12-31T12:00:00Z --tenant moved"),
    );
    for name in ["journal/journal.ndjson", "journal/roots.json"] {
        assert_eq!(
            unzip(Path::new(archive), name),
            unzip(Path::new(back), name),
            "{name} after a round trip"
        );
    }

    // A tenant that went its own way since refuses the archive, and keeps its entries.
    run(
        store,
        "ledger apply --name Bertil --class users --on 2027-02-01 --tenant moved",
    );
    let args = format!("import {archive} --tenant moved --store {store}");
    let args: Vec<&str> = args.split_whitespace().collect();
    fails(&args, 1, "holds more entries (7) than in");
}

#[test]
fn a_coop_moves_with_every_entry_and_root_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("coop.db").display());
    moving_on(&store, dir.path());
}

#[test]
fn a_coop_moves_with_every_entry_and_root_on_postgres() {
    on_postgres("export", moving_on);
}

#[test]
fn an_archive_that_does_not_verify_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("coop.db").display());
    coop(&store);
    let archive = dir.path().join("coop.zip");
    let archive_path = archive.to_str().unwrap();
    run(&store, &format!("export coop -o {archive_path}"));

    // The journal's bytes changed, its listed hash not: verify names the file.
    let original = std::fs::read(&archive).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(original)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
        if name == "journal/journal.ndjson" {
            let text = String::from_utf8(bytes).unwrap().replace("Alva", "Olga");
            bytes = text.into_bytes();
        }
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut out, &bytes).unwrap();
    }
    let tampered = dir.path().join("tampered.zip");
    std::fs::write(&tampered, out.finish().unwrap().into_inner()).unwrap();
    let tampered = tampered.to_str().unwrap();
    let said = fails(
        &["export", "verify", tampered],
        1,
        "does not verify: 1 failure",
    );
    assert!(
        said.contains("journal/journal.ndjson: has SHA-256 "),
        "{said}"
    );

    let other = format!("sqlite:{}", dir.path().join("other.db").display());
    fails(
        &["import", tampered, "--store", &other],
        1,
        "does not verify, so nothing was imported",
    );
    assert!(
        !dir.path().join("other.db").exists(),
        "a refused import leaves no database"
    );
    fails(
        &["export", "verify", "nowhere.zip"],
        1,
        "cannot open nowhere.zip",
    );
    let not_zip = dir.path().join("coop.db");
    fails(
        &["export", "verify", not_zip.to_str().unwrap()],
        1,
        "is refused: not a readable zip archive",
    );
    let partial = dir.path().join("never.zip");
    fails(
        &[
            "export",
            "coop",
            "-o",
            partial.to_str().unwrap(),
            "--store",
            &store,
            "--tenant",
            "nobody",
        ],
        1,
        "tenant `nobody`",
    );
    assert!(!partial.exists(), "a refused export leaves no file");
}

/// An archive of 3 streams of `n` entries each, written with the library.
fn big_archive(path: &Path, n: u64) {
    use andel::export::{
        ArchiveWriter, Header, JournalSection, Scope, journal_module, write_roots,
    };
    use andel::journal::{Draft, Kind, Payload, StreamHead, StreamId};
    let at = "2027-01-10T09:00:00Z".parse().unwrap();
    let header = Header {
        producer: "andel tests".into(),
        created_at: "2027-06-01T12:00:00Z".parse().unwrap(),
        scope: Scope::Coop {
            tenant: "big".into(),
        },
        modules: vec![journal_module()],
    };
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut writer = ArchiveWriter::new(file, header);
    let mut section = JournalSection::start(&mut writer).unwrap();
    for stream in ["access", "consents", "ledger"] {
        let head = StreamHead::new(StreamId::new(stream).unwrap());
        let drafts: Vec<Draft> = (0..n)
            .map(|i| {
                let payload = Payload::from_json_str(&format!(r#"{{"n":{i}}}"#)).unwrap();
                Draft::new(Kind::new("test.recorded").unwrap(), payload, at)
            })
            .collect();
        for entry in head.seal_all(0, drafts).unwrap() {
            section.push(&entry).unwrap();
        }
    }
    let summary = section.finish().unwrap();
    write_roots(&mut writer, &summary).unwrap();
    writer.finish().unwrap();
}

/// `andel import` killed (SIGKILL) at arbitrary moments, then run again, ends with
/// every entry once and every root the archive's: an interrupted import finishes, and
/// nothing is doubled.
#[test]
fn an_import_killed_part_way_finishes_when_run_again() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("big.zip");
    big_archive(&archive, 1_500);
    let archive = archive.to_str().unwrap();
    // How long a whole import takes here, to kill the next ones at points within it.
    let probe = format!("sqlite:{}", dir.path().join("probe.db").display());
    let started = std::time::Instant::now();
    ok(&["import", archive, "--store", &probe]);
    let whole = started.elapsed();
    // Kill imports until one dies while writing (the writes are a short stretch after
    // reading and checking the archive), then finish it. The moment is found by
    // bisection, as a share of the whole import's time: a kill that found nothing
    // written was too early, one that found everything too late. A loaded machine
    // moves the stretch, and the bisection follows it.
    let (mut early, mut late) = (0.0_f64, 1.5_f64);
    for round in 0..24 {
        let delay = whole.mul_f64((early + late) / 2.0);
        let store = format!(
            "sqlite:{}",
            dir.path().join(format!("round-{round}.db")).display()
        );
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_andel"))
            .args(["import", archive, "--store", &store])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        // How far it got: the entries the database holds now, of 4,500.
        let plan = ok(&["import", archive, "--store", &store, "--dry-run"]);
        let held: u64 = plan
            .lines()
            .filter_map(|line| line.split(" entries in the archive, ").nth(1))
            .map(|rest| rest.split(' ').next().unwrap().parse::<u64>().unwrap())
            .sum();
        if held == 0 {
            early = (early + late) / 2.0;
            continue;
        }
        if held == 4_500 {
            late = (early + late) / 2.0;
            continue;
        }
        eprintln!("killed after {delay:?} with {held} of 4500 entries imported");
        let said = ok(&["import", archive, "--store", &store]);
        assert!(
            said.contains(&format!("imported {} entries", 4_500 - held)),
            "{said}"
        );
        let back = dir.path().join("back.zip");
        let back = back.to_str().unwrap();
        ok(&[
            "export",
            "coop",
            "-o",
            back,
            "--store",
            &store,
            "--at",
            "2027-06-01T12:00:00Z",
        ]);
        assert_eq!(
            unzip(Path::new(archive), "journal/roots.json"),
            unzip(Path::new(back), "journal/roots.json"),
            "after a kill at {delay:?} and a second import"
        );
        let again = ok(&["import", archive, "--store", &store]);
        assert!(again.contains("imported 0 entries"), "{again}");
        return;
    }
    panic!("no kill landed while the import was writing (a whole import took {whole:?})");
}

/// A member takes their data: their ledger entries, consents, accesses and ballots,
/// each proved against the stream's root the co-op gives; other voters' ballots only as
/// placeholders; and their statement, votes and consents in open formats.
fn member_leaves(store: &str, dir: &Path) {
    crate::policy::adopted(store, dir);
    for name in ["Alva", "Bertil"] {
        run(
            store,
            &format!("ledger apply --name {name} --class users --on 2027-01-10"),
        );
    }
    run(
        store,
        "consent give --member 1 --purpose aggregate-statistics --at 2027-05-10T09:00:00Z",
    );
    run(
        store,
        "access check --principal service:stats --action process --kind card --id c1 --owner 1 \
         --purpose aggregate-statistics --aggregate 40 --at 2027-05-12T10:00:00Z",
    );
    let archive = dir.join("alva.zip");
    let archive = archive.to_str().unwrap();
    let controller = crate::policy::data("controller.toml");
    let said = run(
        store,
        &format!(
            "export member --member 1 --controller {controller} -o {archive} --at 2027-12-31T12:00:00Z"
        ),
    );
    assert!(
        said.starts_with(&format!("wrote {archive}: 15 files, ")),
        "{said}"
    );
    assert!(
        said.ends_with("bytes, member 1 of tenant `default`\n"),
        "{said}"
    );
    // Ledger: applied, admitted, subscribed; consents: given; access: one; the
    // proposal: its 4 steps and 4 ballots, 3 of them others'.
    assert_eq!(
        ok(&["export", "verify", archive]),
        format!(
            "ok: {archive}: 15 files as the manifest lists them; the member's 13 entries \
             (3 withheld as others' data) each proved against their stream's root, and the open \
             formats agree with them\n"
        )
    );

    // The verifier written from the format chapter alone agrees.
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../book/src/formats/verify_archive.py");
    match std::process::Command::new("python3")
        .arg(&script)
        .arg(archive)
        .output()
    {
        Ok(out) => {
            let said = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{said}");
            assert!(
                said.starts_with("the member's 13 entries (3 withheld) are proved\nok\n"),
                "{said}"
            );
        }
        Err(err) => {
            eprintln!("note: skipping the Python archive verifier: cannot run python3 ({err})")
        }
    }

    let read = |name: &str| String::from_utf8(unzip(Path::new(archive), name)).unwrap();
    let entries = read("journal/entries.ndjson");
    assert!(entries.contains(r#""name":"Alva""#), "{entries}");
    for others in [r#""name":"Bertil""#, r#""voter":"2""#, r#""voter":"8""#] {
        assert!(
            !entries.contains(others),
            "{others} went into Alva's archive"
        );
    }
    let roots: serde_json::Value = serde_json::from_str(&read("journal/roots.json")).unwrap();
    for stream in roots["streams"].as_array().unwrap() {
        let name = stream["stream"].as_str().unwrap();
        let root = run(store, &format!("journal root --stream {name}"));
        assert!(
            root.contains(&format!("root {}\n", stream["root"].as_str().unwrap())),
            "{name}: {root}"
        );
    }
    let votes: serde_json::Value = serde_json::from_str(&read("decisions/votes.json")).unwrap();
    assert_eq!(votes[0]["proposal"], "policy-2");
    assert_eq!(votes[0]["acts"][0]["voter"], "1");
    assert_eq!(votes[0]["acts"][0]["choice"], "yes");
    assert_eq!(votes[0]["outcome"]["verdict"], "passed");
    let statement = read("ledger/statement.csv");
    assert_eq!(
        statement,
        "date,transaction,what,account,debit,credit\r\n\
         2027-01-10,T1,share subscription,subscriptions_receivable,100.00,\r\n\
         2027-01-10,T1,share subscription,member_capital,,100.00\r\n"
    );
    let dpv: serde_json::Value =
        serde_json::from_str(&read("consent/consents.dpv.jsonld")).unwrap();
    assert_eq!(
        dpv["@graph"][0]["dpv:hasDataSubject"]["@id"],
        "urn:andel:member:1"
    );
    let report: serde_json::Value =
        serde_json::from_str(&read("consent/access-report.json")).unwrap();
    assert_eq!(report["allowed"], 1);

    // Into another co-op, where Alva is member 2: kept under her new number, once.
    run(
        store,
        &format!(
            "ledger init --statutes {} --on 2027-01-01 --tenant granen",
            data("fyrklovern.toml")
        ),
    );
    for name in ["Cecilia", "Alva"] {
        run(
            store,
            &format!("ledger apply --name {name} --class users --on 2028-01-10 --tenant granen"),
        );
    }
    let into = |args: &str| run(store, &format!("import {archive} --tenant granen {args}"));
    let args = format!("import {archive} --tenant granen --store {store}");
    let args: Vec<&str> = args.split_whitespace().collect();
    fails(&args, 1, "is a member's archive, not a co-op's");
    assert_eq!(
        into("--map-member 1=2 --dry-run"),
        "journal: 13 records in the archive, 0 here already, 13 to import\n\
         ledger: 2 records in the archive, 0 here already, 2 to import\n\
         decisions: 2 records in the archive, 0 here already, 2 to import\n\
         consent: 5 records in the archive, 0 here already, 5 to import\n\
         dry run: nothing was written\n"
    );
    let done = into("--map-member 1=2");
    assert!(
        done.ends_with(&format!(
            "imported 22 records of member `1` of `default` for member 2 into `imported.2` of \
             tenant `granen` in {store}; each entry still checks against the root it was archived with\n"
        )),
        "{done}"
    );
    let again = into("--map-member 1=2");
    assert!(
        again.starts_with("journal: 13 records in the archive, 13 here already, 0 to import\n"),
        "{again}"
    );
    assert!(again.contains("imported 0 records"), "{again}");

    // A member the ledger does not have: an error that says so, and no file.
    let missing = dir.join("nobody.zip");
    let args = format!(
        "export member --member 9 --controller {controller} -o {} --store {store}",
        missing.display()
    );
    let args: Vec<&str> = args.split_whitespace().collect();
    fails(&args, 1, "there is no member 9 in tenant `default`");
    assert!(!missing.exists());
}

#[test]
fn a_member_leaves_with_their_data_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("coop.db").display());
    member_leaves(&store, dir.path());
}

#[test]
fn a_member_leaves_with_their_data_on_postgres() {
    on_postgres("export_member", member_leaves);
}
