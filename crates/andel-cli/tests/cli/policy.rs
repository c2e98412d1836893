//! `andel policy adopt`, `show` and `history`: a data policy changes only by the citation
//! of a decision that passed, for the text members voted on, on SQLite and PostgreSQL.

use std::path::{Path, PathBuf};

use crate::{fails, ok, on_postgres};

/// A file the project ships in `examples/data`.
pub(crate) fn data(name: &str) -> String {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/data")
        .join(name);
    path.to_str().unwrap().to_owned()
}

/// Runs `andel` with `args` (split at spaces) and `--store store`; it must succeed.
#[track_caller]
pub(crate) fn run(store: &str, args: &str) -> String {
    let mut all: Vec<&str> = args.split_whitespace().collect();
    all.extend(["--store", store]);
    ok(&all)
}

/// Decides proposal `id`, enacting `policy` as the data policy, by the shipped motion
/// spec: `yes` of the six voters of `board-roll.json` for, one against. Writes its
/// citation into `dir` and answers the path.
pub(crate) fn decide(store: &str, dir: &Path, id: &str, policy: &str, yes: usize) -> String {
    decide_for(store, dir, (id, "data-policy"), policy, yes)
}

/// As [`decide`], the proposal enacting `policy` as `document`.
fn decide_for(
    store: &str,
    dir: &Path,
    (id, document): (&str, &str),
    policy: &str,
    yes: usize,
) -> String {
    decide_by(
        store,
        dir,
        "policy-proposal.toml",
        (id, document),
        policy,
        yes,
    )
}

/// As [`decide_for`], by the shipped proposal spec `spec`.
pub(crate) fn decide_by(
    store: &str,
    dir: &Path,
    spec: &str,
    (id, document): (&str, &str),
    policy: &str,
    yes: usize,
) -> String {
    let (spec, roll) = (data(spec), data("board-roll.json"));
    run(
        store,
        &format!(
            "decide create {id} --spec {spec} --enacts {document}={} --at 2027-04-28T10:00:00Z",
            data(policy)
        ),
    );
    run(
        store,
        &format!("decide schedule {id} --at 2027-04-28T10:00:00Z"),
    );
    run(
        store,
        &format!("decide open {id} --roll {roll} --at 2027-05-03T09:00:00Z"),
    );
    for voter in ["1", "2", "3", "4", "5"].iter().take(yes) {
        run(
            store,
            &format!("decide vote {id} {voter} yes --at 2027-05-03T10:00:00Z"),
        );
    }
    run(
        store,
        &format!("decide vote {id} 8 no --at 2027-05-03T11:00:00Z"),
    );
    run(
        store,
        &format!("decide close {id} --at 2027-05-07T17:00:00Z"),
    );
    let citation = dir.join(format!("{id}.citation.json"));
    std::fs::write(&citation, run(store, &format!("decide cite {id}"))).unwrap();
    citation.to_str().unwrap().to_owned()
}

/// `andel policy adopt` of the shipped `policy` by `citation`, effective 8 May 2027.
fn adopt_args<'a>(store: &'a str, policy: &'a str, citation: &'a str) -> Vec<String> {
    let fixed = format!(
        "policy adopt {policy} --schema {} --citation {citation} \
         --effective 2027-05-08T00:00:00Z --at 2027-05-07T18:00:00Z --store {store}",
        data("kanban-schema.toml")
    );
    fixed.split_whitespace().map(str::to_owned).collect()
}

/// A co-op (the ledger started) whose members adopted version 2 of the kanban policy,
/// in force from 8 May 2027.
pub(crate) fn adopted(store: &str, dir: &Path) {
    run(
        store,
        &format!(
            "ledger init --statutes {} --on 2027-01-01",
            data("fyrklovern.toml")
        ),
    );
    let citation = decide(store, dir, "policy-2", "policy-v2.toml", 3);
    let args = adopt_args(store, &data("policy-v2.toml"), &citation);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let said = ok(&args);
    assert!(
        said.starts_with("adopted: version 2 (3 rules, sha256 "),
        "{said}"
    );
    assert!(
        said.ends_with(
            "in force from 2027-05-08T00:00:00Z, adopted by entry 7 of `decision.policy-2`\n"
        ),
        "{said}"
    );
}

fn adoption_on(store: &str, dir: &Path) {
    adopted(store, dir);
    let show = |at: &str| run(store, &format!("policy show --at {at}"));
    assert!(
        show("2027-05-09T00:00:00Z").starts_with("in force at 2027-05-09T00:00:00Z: version 2")
    );
    fails(
        &[
            "policy",
            "show",
            "--at",
            "2027-05-07T00:00:00Z",
            "--store",
            store,
        ],
        1,
        "no data policy is in force at 2027-05-07T00:00:00Z: version 2 takes effect at 2027-05-08T00:00:00Z",
    );
    let text = show("2027-05-09T00:00:00Z --text");
    assert!(text.contains("id = \"usage-statistics\""), "{text}");
    let history = run(store, "policy history --json");
    let history: serde_json::Value = serde_json::from_str(&history).unwrap();
    assert_eq!(history.as_array().unwrap().len(), 1);
    assert_eq!(history[0]["decision"]["stream"], "decision.policy-2");
    assert_eq!(history[0]["policy"]["version"], 2);

    // Another text than the one voted on; the same decision again; a failed decision;
    // a decision whose proposal enacted version 2, cited for version 1.
    let citation = dir.join("policy-2.citation.json");
    let citation = citation.to_str().unwrap();
    let refuse = |policy: &str, citation: &str, needle: &str| {
        let args = adopt_args(store, policy, citation);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        fails(&args, 1, needle);
    };
    refuse(
        &data("policy-v2.toml"),
        citation,
        "entry 7 of `decision.policy-2` already adopted version 2",
    );
    let passed = decide(store, dir, "policy-4", "policy-v2.toml", 3);
    refuse(
        &data("policy-v1.toml"),
        &passed,
        "it is not the text the decision adopted",
    );
    let failed = decide(store, dir, "policy-3", "policy-v2.toml", 0);
    refuse(
        &data("policy-v2.toml"),
        &failed,
        "the cited decision did not pass: its outcome is Failed",
    );

    // A citation from another co-op (tenant) is not this co-op's decision.
    run(
        store,
        &format!(
            "ledger init --statutes {} --on 2027-01-01 --tenant other",
            data("fyrklovern.toml")
        ),
    );
    let args = adopt_args(store, &data("policy-v2.toml"), citation);
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    args.extend(["--tenant", "other"]);
    fails(&args, 1, "is not in tenant `other`");
    assert_eq!(
        run(store, "policy history --tenant other"),
        "no data policy has been adopted\n"
    );
}

#[test]
fn a_policy_is_adopted_only_by_citation_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("coop.db").display());
    adoption_on(&store, dir.path());
}

#[test]
fn a_policy_is_adopted_only_by_citation_on_postgres() {
    on_postgres("policy", adoption_on);
}

#[test]
fn a_proposal_enacts_one_document() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("coop.db").display());
    let spec = data("policy-proposal.toml");
    fails(
        &[
            "decide",
            "create",
            "p",
            "--spec",
            &spec,
            "--enacts",
            "policy-v2.toml",
            "--store",
            &store,
        ],
        1,
        "--enacts takes DOCUMENT=FILE",
    );
    fails(
        &[
            "decide",
            "create",
            "p",
            "--spec",
            &spec,
            "--enacts",
            "data-policy=nowhere.toml",
            "--store",
            &store,
        ],
        1,
        "cannot read nowhere.toml, which --enacts names",
    );
    assert!(
        !dir.path().join("coop.db").exists(),
        "a refused create leaves no database"
    );
}

/// An organisation member adopts, by its own decision, a policy for what it owns that
/// allows less than the co-op's: the statistics service may count the co-op's cards but
/// not the organisation's.
fn organisation_on(store: &str, dir: &Path) {
    adopted(store, dir);
    run(
        store,
        "ledger apply --name Alva --class users --on 2027-01-10",
    );
    run(
        store,
        "ledger apply --name Fyrbåken --class supporters --legal --representative Karin --on 2027-01-10",
    );
    run(store, "ledger admit 2 --on 2027-01-26");
    // Its own decision enacts version 1 as `data-policy:2`.
    let own = decide_for(
        store,
        dir,
        ("fyrbaken-1", "data-policy:2"),
        "policy-v1.toml",
        3,
    );
    let args = adopt_args(store, &data("policy-v1.toml"), &own);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let said = ok(&[args.as_slice(), &["--organisation", "2"]].concat());
    assert!(said.contains("adopted: version 1 (2 rules"), "{said}");
    assert!(
        run(store, "policy history --organisation 2")
            .contains("adopted by entry 7 of `decision.fyrbaken-1`")
    );
    // Not for a person, and not by the co-op's decision.
    fails(
        &[args.as_slice(), &["--organisation", "1"]].concat(),
        1,
        "member 1 (Alva) is a person, not an organisation",
    );
    let coop = dir.join("policy-2.citation.json");
    let (v2, coop) = (data("policy-v2.toml"), coop.to_str().unwrap().to_owned());
    let other = adopt_args(store, &v2, &coop);
    let other: Vec<&str> = other.iter().map(String::as_str).collect();
    fails(
        &[other.as_slice(), &["--organisation", "2"]].concat(),
        1,
        "the cited proposal enacts `data-policy`, not `data-policy:2`",
    );

    // Both members consent; the co-op's version 2 lets the service count either's
    // cards; the organisation's own version 1 does not.
    for member in ["1", "2"] {
        run(
            store,
            &format!(
                "consent give --member {member} --purpose aggregate-statistics --at 2027-05-10T09:00:00Z"
            ),
        );
    }
    let check = |owner: &str| {
        let fixed = format!(
            "access check --principal service:stats --action process --kind card --id c1 \
             --owner {owner} --purpose aggregate-statistics --aggregate 40 --at 2027-05-12T10:00:00Z \
             --store {store}"
        );
        let args: Vec<&str> = fixed.split_whitespace().collect();
        crate::andel(&args)
    };
    assert!(check("1").status.success());
    let refused = check("2");
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stdout);
    assert!(
        said.starts_with(
            "Refused by the own policy of organisation `2` (version 1, adopted by entry 7 of \
             `decision.fyrbaken-1`) for what it owns, though the co-op's policy allows it:"
        ),
        "{said}"
    );
}

#[test]
fn an_organisation_restricts_its_own_data_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("coop.db").display());
    organisation_on(&store, dir.path());
}

#[test]
fn an_organisation_restricts_its_own_data_on_postgres() {
    on_postgres("organisation policy", organisation_on);
}
