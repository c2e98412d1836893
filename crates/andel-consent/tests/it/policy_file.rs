//! Policy files: every problem reported with its line and rule, nothing half-read.

use andel_consent::{Action, Charter, MAX_POLICY_BYTES, Policy, Schema};

use crate::support::kanban;

fn problems(text: &str) -> String {
    Policy::from_toml("p.toml", text, &kanban(), &Charter::default())
        .unwrap_err()
        .to_string()
}

const GOOD: &str = r#"version = 3

[[rule]]
id = "own"
effect = "permit"
principal = "member"
actions = ["read", "write"]
resource = { kind = "card", relation = "own" }
purposes = ["service-provision"]
duties = ["record", { erase-after-days = 30 }]
"#;

#[test]
fn a_good_file_reads_whole() {
    let policy = Policy::from_toml("p.toml", GOOD, &kanban(), &Charter::default()).unwrap();
    assert_eq!(policy.version, 3);
    assert_eq!(policy.rules.len(), 1);
    assert_eq!(policy.rules[0].actions.len(), 2);
    assert_eq!(policy.rules[0].duties.len(), 2);
}

#[test]
fn every_problem_is_reported_at_its_line() {
    let text = r#"version = 1

[[rule]]
id = "stats"
effect = "permit"
principal = "service:stats"
actions = ["process"]
resource = { kind = "cards", relation = "any" }
purposes = ["aggregate-statistics"]

[[rule]]
id = "stats"
effect = "permit"
principal = "member"
actions = ["read"]
resource = { relation = "any" }
purposes = ["advertising"]
conditions = { min_aggregate = 1 }
"#;
    assert_eq!(
        problems(text),
        "policy p.toml has 5 problems:\n  \
         line 3: rule `stats`: the service keeps no resource of kind `cards`; it keeps `board`, `card`\n  \
         line 3: rule `stats`: permits aggregate statistics without the owners' consent, which is its legal basis (GDPR art. 6(1)(a)); add `conditions = { consent = true }`\n  \
         line 11: rule `stats`: the same id is used by an earlier rule\n  \
         line 11: rule `stats`: min_aggregate is 1; an aggregate is of at least 2 members\n  \
         line 11: rule `stats`: permits advertising, which the charter forbids"
    );
}

#[test]
fn unknown_keys_and_terms_name_the_line() {
    let typo = GOOD.replace("purposes =", "purpose =");
    let message = problems(&typo);
    assert!(
        message.starts_with("policy p.toml has 1 problem:\n  line "),
        "{message}"
    );
    assert!(message.contains("purpose"), "{message}");
    let unknown = GOOD.replace("\"write\"", "\"erase\"");
    let message = problems(&unknown);
    assert!(
        message.contains("line 7: unknown variant `erase`"),
        "{message}"
    );
    let principal = GOOD.replace("\"member\"", "\"members\"");
    let message = problems(&principal);
    assert!(message.contains("unknown principal `members`"), "{message}");
}

#[test]
fn an_action_the_kind_does_not_allow_is_refused() {
    let schema = Schema::new().kind("card".parse().unwrap(), [Action::Read]);
    let err = Policy::from_toml("p.toml", GOOD, &schema, &Charter::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "policy p.toml has 1 problem:\n  line 3: rule `own`: a `card` does not allow `write`"
    );
}

#[test]
fn hostile_files_get_an_error_not_a_panic() {
    let huge = format!("version = 1\n#{}\n", "x".repeat(MAX_POLICY_BYTES));
    assert!(problems(&huge).contains("at most 1048576 are read"));
    assert!(problems("version = 0").contains("version must be at least 1"));
    let deep = format!("version = 1\nx = {}{}", "[".repeat(5000), "]".repeat(5000));
    let _ = Policy::from_toml("p.toml", &deep, &kanban(), &Charter::default());
    for text in [
        "",
        "version = \"1\"",
        "[[rule]]\nid = 3",
        "version = 1\nrule = 5",
    ] {
        assert!(Policy::from_toml("p.toml", text, &kanban(), &Charter::default()).is_err());
    }
}

#[test]
fn a_schema_file_is_read_and_its_mistakes_named_by_line() {
    let schema = Schema::from_toml("s.toml", "[kinds]\ncard = [\"read\", \"write\"]\n").unwrap();
    assert_eq!(schema.kinds().count(), 1);
    let err = Schema::from_toml("s.toml", "[kinds]\ncard = [\"read\", \"erase\"]\n").unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("schema s.toml has 1 problem:\n  line 2: "),
        "{message}"
    );
    assert!(message.contains("erase"), "{message}");
    let err = Schema::from_toml("s.toml", "[kind]\ncard = [\"read\"]\n").unwrap_err();
    assert!(err.to_string().contains("line 1"), "{err}");
}
