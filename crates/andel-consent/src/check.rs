//! Reading a policy file, and checking a policy against the service's schema and the
//! charter before anyone votes on it.

use std::collections::BTreeSet;
use std::fmt;

use serde::Deserialize;

use crate::policy::{Effect, Policy, Rule, Schema};
use crate::{Charter, LegalBasis};

/// The largest policy file read, in bytes.
pub const MAX_POLICY_BYTES: usize = 1024 * 1024;

/// The most rules a policy may hold.
pub const MAX_RULES: usize = 10_000;

/// One thing wrong with a policy, at the line of the file where it is (if it came from
/// a file) and in the rule it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyProblem {
    /// The line, counting from 1.
    pub line: Option<usize>,
    /// The rule, if the problem is in one.
    pub rule: Option<String>,
    /// What is wrong.
    pub problem: String,
}

impl fmt::Display for PolicyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        if let Some(rule) = &self.rule {
            write!(f, "rule `{rule}`: ")?;
        }
        f.write_str(&self.problem)
    }
}

/// Everything wrong with a policy, in file order. Nothing of a refused policy is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyErrors {
    /// What was read: `policy` or `schema`.
    pub what: &'static str,
    /// Where it came from (a file name), for the first line of the message.
    pub source: String,
    /// The problems.
    pub problems: Vec<PolicyProblem>,
}

impl std::error::Error for PolicyErrors {}

impl fmt::Display for PolicyErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.problems.len();
        let s = if count == 1 { "" } else { "s" };
        write!(f, "{} {} has {count} problem{s}:", self.what, self.source)?;
        for problem in &self.problems {
            write!(f, "\n  {problem}")?;
        }
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    version: u32,
    #[serde(default)]
    rule: Vec<toml::Spanned<Rule>>,
    #[serde(default)]
    amendment: crate::Amendment,
}

impl Policy {
    /// Reads a policy file (TOML, see the book's policy file format) named `source`, and
    /// checks it against `schema` and `charter`.
    ///
    /// ```
    /// use andel_consent::{Action, Charter, Policy, Schema};
    ///
    /// let schema = Schema::new().kind("card".parse()?, Action::ALL);
    /// let text = r#"
    /// version = 1
    ///
    /// [[rule]]
    /// id = "members-use-own-cards"
    /// effect = "permit"
    /// principal = "member"
    /// actions = ["read", "write", "export", "delete"]
    /// resource = { kind = "card", relation = "own" }
    /// purposes = ["service-provision"]
    ///
    /// [[rule]]
    /// id = "sell-cards"
    /// effect = "permit"
    /// principal = "service"
    /// actions = ["share"]
    /// resource = { relation = "any" }
    /// purposes = ["sale-to-third-parties"]
    /// "#;
    /// let err = Policy::from_toml("policy.toml", text, &schema, &Charter::default()).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "policy policy.toml has 1 problem:\n  line 12: rule `sell-cards`: \
    ///      permits sale to third parties, which the charter forbids"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Every problem found, each with its line: TOML that does not parse, an unknown
    /// key or term, a kind or action the schema does not have, a rule the charter
    /// forbids, and the other checks of [`Policy::check`].
    pub fn from_toml(
        source: &str,
        text: &str,
        schema: &Schema,
        charter: &Charter,
    ) -> Result<Policy, PolicyErrors> {
        let file: PolicyFile = read_toml("policy", source, text)?;
        let lines: Vec<usize> = file
            .rule
            .iter()
            .map(|r| line_of(text, r.span().start))
            .collect();
        let policy = Policy {
            version: file.version,
            rules: file
                .rule
                .into_iter()
                .map(toml::Spanned::into_inner)
                .collect(),
            amendment: file.amendment,
        };
        let problems = policy.problems(schema, charter, |index| lines.get(index).copied());
        if problems.is_empty() {
            Ok(policy)
        } else {
            Err(PolicyErrors {
                what: "policy",
                source: source.to_owned(),
                problems,
            })
        }
    }

    /// Checks a policy built in code, as [`Policy::from_toml`] checks a file.
    ///
    /// # Errors
    ///
    /// Every problem found (without lines).
    pub fn check(&self, schema: &Schema, charter: &Charter) -> Result<(), PolicyErrors> {
        let problems = self.problems(schema, charter, |_| None);
        if problems.is_empty() {
            return Ok(());
        }
        Err(PolicyErrors {
            what: "policy",
            source: format!("version {}", self.version),
            problems,
        })
    }

    fn problems(
        &self,
        schema: &Schema,
        charter: &Charter,
        line: impl Fn(usize) -> Option<usize>,
    ) -> Vec<PolicyProblem> {
        let mut problems = Vec::new();
        if self.version == 0 {
            problems.push(PolicyProblem {
                line: None,
                rule: None,
                problem: "version must be at least 1".into(),
            });
        }
        if self.rules.len() > MAX_RULES {
            problems.push(PolicyProblem {
                line: None,
                rule: None,
                problem: format!(
                    "has {} rules; at most {MAX_RULES} are allowed",
                    self.rules.len()
                ),
            });
            return problems;
        }
        let mut seen = BTreeSet::new();
        for (index, rule) in self.rules.iter().enumerate() {
            let mut report = |problem: String| {
                problems.push(PolicyProblem {
                    line: line(index),
                    rule: Some(rule.id.to_string()),
                    problem,
                });
            };
            if !seen.insert(&rule.id) {
                report("the same id is used by an earlier rule".into());
            }
            for problem in rule_problems(rule, schema, charter) {
                report(problem);
            }
        }
        problems
    }
}

/// What is wrong with one rule on its own.
fn rule_problems(rule: &Rule, schema: &Schema, charter: &Charter) -> Vec<String> {
    let mut problems = Vec::new();
    if rule.actions.is_empty() {
        problems.push("names no action".into());
    }
    if rule.purposes.is_empty() {
        problems.push("names no purpose".into());
    }
    if let Some(kind) = &rule.resource.kind {
        match schema.actions(kind) {
            None => problems.push(format!(
                "the service keeps no resource of kind `{kind}`; it keeps {}",
                list(schema.kinds().map(|k| format!("`{k}`")))
            )),
            Some(allowed) => {
                let unknown: Vec<_> = rule.actions.difference(allowed).collect();
                if !unknown.is_empty() {
                    problems.push(format!(
                        "a `{kind}` does not allow {}",
                        list(unknown.iter().map(|a| format!("`{a}`")))
                    ));
                }
            }
        }
    }
    let conditions = &rule.conditions;
    if let Some(min) = conditions.min_aggregate
        && min < 2
    {
        problems.push(format!(
            "min_aggregate is {min}; an aggregate is of at least 2 members"
        ));
    }
    if let (Some(from), Some(until)) = (conditions.from, conditions.until)
        && from > until
    {
        problems.push(format!("from ({from}) is after until ({until})"));
    }
    if rule.effect == Effect::Permit {
        for purpose in &rule.purposes {
            if charter.forbids(*purpose) {
                problems.push(format!(
                    "permits {}, which the charter forbids",
                    purpose.phrase()
                ));
            } else if purpose.legal_basis() == LegalBasis::Consent && !conditions.consent {
                problems.push(format!(
                    "permits {} without the owners' consent, which is its legal basis ({}); \
                     add `conditions = {{ consent = true }}`",
                    purpose.phrase(),
                    LegalBasis::Consent.article()
                ));
            }
        }
    }
    problems
}

fn list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// The line (from 1) holding byte `at` of `text`.
pub(crate) fn line_of(text: &str, at: usize) -> usize {
    text.get(..at).unwrap_or(text).matches('\n').count() + 1
}

/// Reads `text`, the `what` (`policy`, `schema`) named `source`, as TOML into `T`:
/// refused whole when larger than [`MAX_POLICY_BYTES`], or at the line where it does
/// not parse.
pub(crate) fn read_toml<T: serde::de::DeserializeOwned>(
    what: &'static str,
    source: &str,
    text: &str,
) -> Result<T, PolicyErrors> {
    let refuse = |line, problem| PolicyErrors {
        what,
        source: source.to_owned(),
        problems: vec![PolicyProblem {
            line,
            rule: None,
            problem,
        }],
    };
    if text.len() > MAX_POLICY_BYTES {
        let problem = format!(
            "is {} bytes; at most {MAX_POLICY_BYTES} are read",
            text.len()
        );
        return Err(refuse(None, problem));
    }
    toml::from_str(text).map_err(|err| {
        let line = err.span().map(|span| line_of(text, span.start));
        refuse(line, err.message().trim_end().to_owned())
    })
}
