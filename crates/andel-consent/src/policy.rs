//! Data policies: rules of permit and forbid over who, what, whose, and why.

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{Action, Purpose, Relation, ResourceKind, Role, RuleId, ServiceName};

/// Whether a rule allows or refuses what it matches. Forbid beats permit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// Allows, if nothing forbids.
    Permit,
    /// Refuses, whatever permits.
    Forbid,
}

/// Who a rule is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Principals {
    /// Every member (`member`).
    Members,
    /// Members holding a role (`role:treasurer`).
    Role(Role),
    /// One service or app acting for members (`service:kanban`).
    Service(ServiceName),
    /// Every service (`service`).
    Services,
}

impl Principals {
    /// The spelling in policy files.
    pub fn spelling(&self) -> String {
        match self {
            Principals::Members => "member".into(),
            Principals::Role(role) => format!("role:{role}"),
            Principals::Service(name) => format!("service:{name}"),
            Principals::Services => "service".into(),
        }
    }
}

impl TryFrom<String> for Principals {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        match text.split_once(':') {
            None if text == "member" => Ok(Principals::Members),
            None if text == "service" => Ok(Principals::Services),
            Some(("role", role)) => Role::new(role)
                .map(Principals::Role)
                .map_err(|e| e.to_string()),
            Some(("service", name)) => ServiceName::new(name)
                .map(Principals::Service)
                .map_err(|e| e.to_string()),
            _ => Err(format!(
                "unknown principal `{text}`; write `member`, `role:NAME`, `service` or `service:NAME`"
            )),
        }
    }
}

impl From<Principals> for String {
    fn from(principals: Principals) -> String {
        principals.spelling()
    }
}

impl fmt::Display for Principals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.spelling())
    }
}

/// Which resources a rule is about: a kind (or any) and how the principal must stand to
/// them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    /// The kind; any kind if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ResourceKind>,
    /// The principal's relation to the resource (for a service: the member it acts for).
    pub relation: Relation,
}

/// What must also hold for a rule to apply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conditions {
    /// Every owner must have given consent for the purpose, in force at the time.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub consent: bool,
    /// Only over aggregates of at least this many members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_aggregate: Option<u32>,
    /// From this day on (UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    /// Until this day, inclusive (UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
}

impl Conditions {
    /// Whether nothing more must hold.
    pub fn is_none(&self) -> bool {
        *self == Conditions::default()
    }
}

/// What a permitted access obliges the service to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Duty {
    /// Erase what was derived after this many days.
    EraseAfterDays(u32),
    /// Tell the owner about the access.
    NotifyOwner,
    /// Record the access in the audit journal (every access about member data is
    /// recorded anyway; this marks it for the owner's report).
    Record,
}

/// One rule of a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Its name, unique in the policy.
    pub id: RuleId,
    /// Permit or forbid.
    pub effect: Effect,
    /// Who.
    pub principal: Principals,
    /// What they may (or may not) do.
    pub actions: BTreeSet<Action>,
    /// To which resources.
    pub resource: Resources,
    /// Why.
    pub purposes: BTreeSet<Purpose>,
    /// What must also hold.
    #[serde(default, skip_serializing_if = "Conditions::is_none")]
    pub conditions: Conditions,
    /// What a permitted access obliges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub duties: Vec<Duty>,
}

/// A version of a co-op's data policy: its rules, checked against a [`Schema`] and the
/// [`Charter`](crate::Charter). What no rule permits is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The version number, counting from 1.
    pub version: u32,
    /// The rules, in the order written.
    #[serde(rename = "rule", default)]
    pub rules: Vec<Rule>,
    /// What it takes to replace this version (its `[amendment]` table).
    #[serde(default)]
    pub amendment: crate::Amendment,
}

impl Policy {
    /// The rule named `id`.
    pub fn rule(&self, id: &RuleId) -> Option<&Rule> {
        self.rules.iter().find(|rule| &rule.id == id)
    }
}

/// The resource kinds a service keeps and the actions each allows: what a policy may
/// speak of.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    kinds: Vec<(ResourceKind, BTreeSet<Action>)>,
}

impl Schema {
    /// A schema with no kinds yet.
    pub fn new() -> Self {
        Schema::default()
    }

    /// The same schema, with resources of `kind` allowing `actions`.
    #[must_use]
    pub fn kind(mut self, kind: ResourceKind, actions: impl IntoIterator<Item = Action>) -> Self {
        self.kinds.retain(|(known, _)| known != &kind);
        self.kinds.push((kind, actions.into_iter().collect()));
        self
    }

    /// The actions `kind` allows; `None` if the service keeps no such kind.
    pub fn actions(&self, kind: &ResourceKind) -> Option<&BTreeSet<Action>> {
        self.kinds
            .iter()
            .find(|(known, _)| known == kind)
            .map(|(_, actions)| actions)
    }

    /// The kinds, in the order declared.
    pub fn kinds(&self) -> impl Iterator<Item = &ResourceKind> {
        self.kinds.iter().map(|(kind, _)| kind)
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemaFile {
    kinds: std::collections::BTreeMap<crate::ResourceKind, BTreeSet<crate::Action>>,
}

impl Schema {
    /// Reads a service's schema from TOML: each resource kind with the actions it
    /// allows.
    ///
    /// ```
    /// use andel_consent::{Action, Schema};
    ///
    /// let schema = Schema::from_toml("schema.toml", r#"
    ///     [kinds]
    ///     board = ["read", "write", "export", "delete"]
    ///     card = ["read", "write", "process", "export", "delete"]
    /// "#)?;
    /// assert!(schema.actions(&"card".parse()?).unwrap().contains(&Action::Process));
    /// assert!(!schema.actions(&"board".parse()?).unwrap().contains(&Action::Process));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// TOML that does not parse, an unknown key, kind or action, with its line; a file
    /// larger than [`MAX_POLICY_BYTES`](crate::MAX_POLICY_BYTES).
    pub fn from_toml(source: &str, text: &str) -> Result<Schema, crate::PolicyErrors> {
        let file: SchemaFile = crate::check::read_toml("schema", source, text)?;
        Ok(file
            .kinds
            .into_iter()
            .fold(Schema::new(), |schema, (kind, actions)| {
                schema.kind(kind, actions)
            }))
    }
}
