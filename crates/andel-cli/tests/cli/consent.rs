//! `andel consent` and `andel policy` from a shell, as a co-op's secretary uses them.

use std::path::{Path, PathBuf};

use crate::{andel, fails};

/// A file the project ships in `examples/data`.
fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/data")
        .join(name)
}

/// A database with a ledger in it, as the consent commands refuse a tenant that holds
/// nothing.
fn coop(dir: &Path) -> String {
    let store = format!("sqlite:{}", dir.join("coop.db").display());
    let statutes = data("fyrklovern.toml");
    let init = andel(&[
        "ledger",
        "init",
        "--statutes",
        statutes.to_str().unwrap(),
        "--on",
        "2027-01-01",
        "--store",
        &store,
    ]);
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    store
}

/// What the command printed on stdout; it must succeed.
#[track_caller]
fn ok(args: &[&str]) -> String {
    let out = andel(args);
    assert!(
        out.status.success(),
        "andel {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn consent_is_given_withdrawn_listed_and_receipted() {
    let dir = tempfile::tempdir().unwrap();
    let store = coop(dir.path());
    let s = ["--store", store.as_str()];
    let with = |args: &[&'static str]| -> Vec<&str> { args.iter().copied().chain(s).collect() };
    assert_eq!(
        ok(&with(&[
            "consent",
            "give",
            "--member",
            "1",
            "--purpose",
            "research",
            "--at",
            "2027-05-10T09:00:00Z"
        ])),
        "`1` gives consent for research at 2027-05-10T09:00:00Z\n"
    );
    assert_eq!(
        ok(&with(&[
            "consent",
            "give",
            "--member",
            "1",
            "--purpose",
            "research",
            "--at",
            "2027-05-11T09:00:00Z"
        ])),
        "nothing to record: `1`'s standing on research is already that\n"
    );
    // The arguments `with` extends are `'static`; one path for the whole test is fine.
    let controller: &'static str = Box::leak(
        data("controller.toml")
            .to_str()
            .unwrap()
            .to_owned()
            .into_boxed_str(),
    );
    let receipt = ok(&with(&[
        "consent",
        "receipt",
        "--member",
        "1",
        "--purpose",
        "research",
        "--at",
        "2027-05-20T00:00:00Z",
        "--controller",
        controller,
    ]));
    let receipt: serde_json::Value = serde_json::from_str(&receipt).unwrap();
    assert_eq!(receipt["version"], "KI-CR-v1.1.0");
    assert_eq!(receipt["piiPrincipalId"], "1");
    assert_eq!(
        receipt["piiControllers"][0]["piiController"],
        "Fyrklövern ekonomisk förening"
    );
    assert_eq!(
        ok(&with(&[
            "consent",
            "withdraw",
            "--member",
            "1",
            "--purpose",
            "research",
            "--at",
            "2027-06-01T09:00:00Z"
        ])),
        "`1` withdraws consent for research at 2027-06-01T09:00:00Z\n"
    );
    assert_eq!(
        ok(&with(&[
            "consent",
            "list",
            "--member",
            "1",
            "--at",
            "2027-05-20T00:00:00Z"
        ])),
        "research: in force at 2027-05-20T00:00:00Z\n  2027-05-10T09:00:00Z given\n  2027-06-01T09:00:00Z withdrawn\n"
    );
    // After the withdrawal there is nothing to give a receipt for, or to withdraw.
    fails(
        &with(&[
            "consent",
            "receipt",
            "--member",
            "1",
            "--purpose",
            "research",
            "--at",
            "2027-06-02T00:00:00Z",
            "--controller",
            controller,
        ]),
        1,
        "has no consent for research in force at 2027-06-02T00:00:00Z",
    );
    fails(
        &with(&[
            "consent",
            "withdraw",
            "--member",
            "1",
            "--purpose",
            "research",
            "--at",
            "2027-06-03T00:00:00Z",
        ]),
        1,
        "`1` has no consent for research in force to withdraw",
    );
    fails(
        &with(&["consent", "give", "--member", "1", "--purpose", "adverts"]),
        2,
        "unknown purpose `adverts`; known are `service-provision`",
    );
    let json = ok(&with(&[
        "consent",
        "list",
        "--member",
        "1",
        "--json",
        "--at",
        "2027-06-02T00:00:00Z",
    ]));
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["purposes"][0]["in_force"], false);
    assert_eq!(json["purposes"][0]["history"][1]["status"], "withdrawn");
}

#[test]
fn consent_needs_an_existing_co_op() {
    let dir = tempfile::tempdir().unwrap();
    let store = coop(dir.path());
    fails(
        &[
            "consent",
            "give",
            "--member",
            "1",
            "--purpose",
            "research",
            "--store",
            &store,
            "--tenant",
            "defualt",
        ],
        1,
        "there is no tenant `defualt`",
    );
    fails(&["consent", "list", "--member", "1"], 1, "needs --store");
}

#[test]
fn policies_are_validated_and_compared() {
    let (schema, v1, v2) = (
        data("kanban-schema.toml"),
        data("policy-v1.toml"),
        data("policy-v2.toml"),
    );
    let (schema, v1, v2) = (
        schema.to_str().unwrap(),
        v1.to_str().unwrap(),
        v2.to_str().unwrap(),
    );
    let out = ok(&["policy", "validate", "--schema", schema, v2]);
    assert!(
        out.starts_with("ok: ") && out.ends_with("policy-v2.toml: version 2, 3 rules\n"),
        "{out}"
    );
    let out = ok(&["policy", "diff", "--schema", schema, v1, v2]);
    assert_eq!(
        out,
        "1 change from version 1 to 2:\n  service:stats may process a card (anyone's) for aggregate statistics: \
         refused -> permitted with the owners' consent, over at least 10 members\n"
    );
    assert_eq!(
        ok(&["policy", "diff", "--schema", schema, v2, v2]),
        "no change in who may do what from version 2 to 2\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(v2)
        .unwrap()
        .replace("\"aggregate-statistics\"", "\"advertising\"");
    std::fs::write(&bad, text).unwrap();
    fails(
        &[
            "policy",
            "validate",
            "--schema",
            schema,
            bad.to_str().unwrap(),
        ],
        1,
        "rule `usage-statistics`: permits advertising, which the charter forbids",
    );
}

/// A database whose members adopted version 2 of the kanban policy, in force from 8 May
/// 2027.
fn adopted(dir: &Path) -> String {
    let store = format!("sqlite:{}", dir.join("coop.db").display());
    crate::policy::adopted(&store, dir);
    store
}

#[test]
fn access_is_decided_recorded_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let store = adopted(dir.path());
    ok(&[
        "consent",
        "give",
        "--member",
        "1",
        "--purpose",
        "aggregate-statistics",
        "--at",
        "2027-05-10T09:00:00Z",
        "--store",
        &store,
    ]);
    let allowed = stats_check(&store, "c1", "1", "aggregate-statistics");
    assert!(allowed.status.success());
    assert!(String::from_utf8_lossy(&allowed.stdout).starts_with(
        "Allowed: rule `usage-statistics` of policy version 2 permits service `stats`"
    ));
    let refused = stats_check(&store, "c1", "2", "aggregate-statistics");
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stdout)
            .contains("needs `2`'s consent, which is not in force")
    );
    let charter = stats_check(&store, "c1", "1", "advertising");
    assert_eq!(charter.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&charter.stdout)
            .starts_with("Refused: the charter forbids advertising")
    );

    let report = ok(&[
        "access",
        "report",
        "--member",
        "1",
        "--from",
        "2027-05-01T00:00:00Z",
        "--to",
        "2027-06-01T00:00:00Z",
        "--json",
        "--store",
        &store,
    ]);
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(
        (report["allowed"].as_u64(), report["refused"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(report["accesses"].as_array().unwrap().len(), 2);
    assert_eq!(report["recipients"][0], "service `stats`");
    fails(
        &[
            "access",
            "report",
            "--member",
            "1",
            "--from",
            "2027-06-01T00:00:00Z",
            "--to",
            "2027-05-01T00:00:00Z",
            "--store",
            &store,
        ],
        1,
        "must come after --from",
    );
    let (schema, v2) = (data("kanban-schema.toml"), data("policy-v2.toml"));
    let (schema, v2) = (schema.to_str().unwrap(), v2.to_str().unwrap());
    fails(
        &[
            "access",
            "check",
            "--schema",
            schema,
            "--policy",
            v2,
            "--principal",
            "stats",
            "--action",
            "read",
            "--kind",
            "card",
            "--id",
            "c1",
            "--owner",
            "1",
            "--purpose",
            "service-provision",
            "--store",
            &store,
        ],
        1,
        "is neither `member:ID` nor `service:NAME`",
    );
}

#[test]
fn erasures_fall_due_when_retention_ends_or_consent_is_withdrawn() {
    let dir = tempfile::tempdir().unwrap();
    let store = adopted(dir.path());
    ok(&[
        "consent",
        "give",
        "--member",
        "1",
        "--purpose",
        "aggregate-statistics",
        "--at",
        "2027-05-10T09:00:00Z",
        "--store",
        &store,
    ]);
    assert!(
        stats_check(&store, "c7", "1", "aggregate-statistics")
            .status
            .success()
    );
    let due = |at: &str| ok(&["access", "erasures-due", "--at", at, "--store", &store]);
    assert_eq!(
        due("2027-05-15T00:00:00Z"),
        "nothing is due for erasure at 2027-05-15T00:00:00Z\n"
    );
    assert_eq!(
        due("2027-09-01T00:00:00Z"),
        "card `c7` for aggregate-statistics: due since 2027-08-10T10:00:00Z (kept 90 days after its use on 2027-05-12T10:00:00Z)\n"
    );
    ok(&[
        "consent",
        "withdraw",
        "--member",
        "1",
        "--purpose",
        "aggregate-statistics",
        "--at",
        "2027-05-20T09:00:00Z",
        "--store",
        &store,
    ]);
    assert_eq!(
        due("2027-06-01T00:00:00Z"),
        "card `c7` for aggregate-statistics: due since 2027-05-20T09:00:00Z (`1`'s consent it rested on ended)\n"
    );
}

/// `andel access check` as the statistics service, counting card `id` of `owner` for
/// `purpose` on 12 May 2027 under the policy in force (`extra` adds arguments).
fn stats_check_with(
    store: &str,
    (id, owner, purpose): (&str, &str, &str),
    extra: &[&str],
) -> std::process::Output {
    let fixed = format!(
        "access check --principal service:stats --action process --kind card --id {id} \
         --owner {owner} --purpose {purpose} --aggregate 40 --at 2027-05-12T10:00:00Z"
    );
    let mut args: Vec<&str> = fixed.split_whitespace().collect();
    args.extend(extra);
    args.extend(["--store", store]);
    andel(&args)
}

fn stats_check(store: &str, id: &str, owner: &str, purpose: &str) -> std::process::Output {
    stats_check_with(store, (id, owner, purpose), &[])
}

#[test]
fn a_policy_file_not_adopted_is_tried_and_nothing_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let store = coop(dir.path());
    ok(&[
        "consent",
        "give",
        "--member",
        "1",
        "--purpose",
        "aggregate-statistics",
        "--at",
        "2027-05-10T09:00:00Z",
        "--store",
        &store,
    ]);
    // No policy adopted: nothing is permitted, and the refusal is recorded.
    let none = stats_check(&store, "c1", "1", "aggregate-statistics");
    assert_eq!(none.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&none.stdout)
            .starts_with("Refused: no data policy is in force at 2027-05-12 10:00:00 UTC"),
        "{}",
        String::from_utf8_lossy(&none.stdout)
    );
    // A trial under version 2, not adopted: what it would answer, not recorded.
    let (schema, v2) = (data("kanban-schema.toml"), data("policy-v2.toml"));
    let trial = stats_check_with(
        &store,
        ("c1", "1", "aggregate-statistics"),
        &[
            "--schema",
            schema.to_str().unwrap(),
            "--policy",
            v2.to_str().unwrap(),
        ],
    );
    assert!(trial.status.success());
    assert!(String::from_utf8_lossy(&trial.stdout).starts_with("Allowed: rule `usage-statistics`"));
    assert!(String::from_utf8_lossy(&trial.stderr).contains("not recorded"));
    let report = ok(&[
        "access",
        "report",
        "--member",
        "1",
        "--from",
        "2027-05-01T00:00:00Z",
        "--to",
        "2027-06-01T00:00:00Z",
        "--json",
        "--store",
        &store,
    ]);
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(
        (report["allowed"].as_u64(), report["refused"].as_u64()),
        (Some(0), Some(1)),
        "only the decision under no policy was recorded"
    );
}
