//! `andel charter`: the charter changes only by the citation of a decision that passed at
//! its own threshold, for the text members voted on; what it forbids, no policy permits.
//! On SQLite and PostgreSQL.

use std::path::Path;

use crate::policy::{adopted, data, decide_by, run};
use crate::{fails, ok, on_postgres};

fn amend_args(store: &str, charter: &str, citation: &str) -> Vec<String> {
    format!(
        "charter amend {charter} --citation {citation} --effective 2027-05-08T00:00:00Z \
         --at 2027-05-07T18:00:00Z --store {store}"
    )
    .split_whitespace()
    .map(str::to_owned)
    .collect()
}

fn charter_on(store: &str, dir: &Path) {
    adopted(store, dir);
    assert_eq!(
        run(store, "charter show --at 2027-05-01T00:00:00Z"),
        "in force at 2027-05-01T00:00:00Z: the default charter (version 0), version 0 \
         forbids advertising, profiling-for-advertising, sale-to-third-parties; changing it \
         takes a motion passed by at least 2/3 of the votes cast, or a consent decision\n"
    );
    assert_eq!(
        run(store, "charter history"),
        "the charter has not been amended: the default charter is in force\n"
    );
    let charter = data("charter-v1.toml");

    // A motion at a simple majority, though it passed, does not amend the charter.
    let weak = decide_by(
        store,
        dir,
        "policy-proposal.toml",
        ("charter-weak", "data-charter"),
        "charter-v1.toml",
        3,
    );
    let args = amend_args(store, &charter, &weak);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    fails(
        &args,
        1,
        "the cited motion needed more than 1/2 of the votes cast; amending the charter takes \
         a motion passed by at least 2/3 of the votes cast",
    );

    // At two thirds, 3 of 4 votes cast carry it.
    let cited = decide_by(
        store,
        dir,
        "charter-proposal.toml",
        ("charter-1", "data-charter"),
        "charter-v1.toml",
        3,
    );
    let args = amend_args(store, &charter, &cited);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let said = ok(&args);
    assert!(
        said.starts_with(
            "amended: version 1 forbids research, advertising, profiling-for-advertising, \
             sale-to-third-parties; changing it takes a motion passed by at least \
             3/4 of the votes cast (sha256 "
        ),
        "{said}"
    );
    assert!(
        said.ends_with(
            "in force from 2027-05-08T00:00:00Z, adopted by entry 7 of `decision.charter-1`\n"
        ),
        "{said}"
    );
    let history = run(store, "charter history --json");
    let history: serde_json::Value = serde_json::from_str(&history).unwrap();
    assert_eq!(history[0]["charter"]["version"], 1);
    assert_eq!(history[0]["decision"]["stream"], "decision.charter-1");

    // What the charter now forbids, the adopted policy no longer permits, and a trial
    // policy that permits it does not check.
    let check = |purpose: &str, at: &str| {
        let args = format!(
            "access check --principal service:stats --action process --kind card --id c1 \
             --owner 2 --purpose {purpose} --aggregate 40 --at {at} --store {store}"
        );
        let args: Vec<&str> = args.split_whitespace().collect();
        crate::andel(&args)
    };
    let refused = check("research", "2027-05-09T00:00:00Z");
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stdout);
    assert!(said.contains("charter"), "{said}");
    let research = dir.join("research.toml");
    std::fs::write(
        &research,
        "version = 3\n[[rule]]\nid = \"lab\"\neffect = \"permit\"\nprincipal = \"service:lab\"\n\
         actions = [\"process\"]\nresource = { relation = \"any\" }\npurposes = [\"research\"]\nconditions = { consent = true }\n",
    )
    .unwrap();
    let research = research.to_str().unwrap();
    fails(
        &[
            "policy",
            "validate",
            "--schema",
            &data("kanban-schema.toml"),
            "--charter",
            &charter,
            research,
        ],
        1,
        "permits research, which the charter forbids",
    );
    ok(&[
        "policy",
        "validate",
        "--schema",
        &data("kanban-schema.toml"),
        research,
    ]);
    fails(
        &["charter", "validate", &data("policy-v2.toml")],
        1,
        "charter",
    );
    assert!(
        ok(&["charter", "validate", &charter]).starts_with("ok: "),
        "a shipped charter checks"
    );
}

#[test]
fn the_charter_is_amended_only_at_its_threshold_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("coop.db").display());
    charter_on(&store, dir.path());
}

#[test]
fn the_charter_is_amended_only_at_its_threshold_on_postgres() {
    on_postgres("charter", charter_on);
}
