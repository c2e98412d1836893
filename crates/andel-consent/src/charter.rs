//! The charter: purposes no data policy may ever permit, and the rule for changing it.

use std::collections::BTreeSet;

use andel_decisions::rules::{Fraction, Threshold};
use serde::{Deserialize, Serialize};

use crate::check::{PolicyErrors, PolicyProblem, line_of, read_toml};
use crate::{Amendment, Purpose};

/// The purposes every charter forbids, whatever a vote says: advertising, profiling for
/// it, and sale to third parties. This is the SDK's own promise that members' data is
/// never used for surveillance; a charter may add to it, never take from it.
pub const SURVEILLANCE: [Purpose; 3] = [
    Purpose::Advertising,
    Purpose::ProfilingForAdvertising,
    Purpose::SaleToThirdParties,
];

/// Purposes no data policy may permit: the co-op's promise that members' data is never
/// used for what its members ruled out. The default (version 0, in force until the
/// members amend it) forbids the [`SURVEILLANCE`] purposes, which every version must
/// keep forbidding.
///
/// The charter changes only by a decision at its own threshold, higher than a policy's:
/// by default at least two thirds of the votes cast, or a consent decision (see
/// [`CharterBook`](crate::CharterBook)). A policy that contradicts the charter is
/// refused before any vote, and a request for a forbidden purpose is refused whatever a
/// policy says.
///
/// ```
/// use andel_consent::{Charter, Purpose};
///
/// let charter = Charter::default();
/// assert!(charter.forbids(Purpose::Advertising));
/// assert!(!charter.forbids(Purpose::AggregateStatistics));
///
/// let amended = Charter::from_toml("charter.toml", r#"
///     version = 1
///     forbidden = ["advertising", "profiling-for-advertising", "sale-to-third-parties", "research"]
/// "#)?;
/// assert!(amended.forbids(Purpose::Research));
/// assert_eq!(amended.amendment().threshold.to_string(), "at least 2/3 of the votes cast");
///
/// // A charter that would allow advertising is refused, whatever the vote.
/// let err = Charter::from_toml("charter.toml", "version = 2\nforbidden = [\"research\"]").unwrap_err();
/// assert!(err.to_string().contains("must forbid advertising"), "{err}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Charter {
    #[serde(default)]
    version: u32,
    forbidden: BTreeSet<Purpose>,
    #[serde(default = "Charter::default_amendment")]
    amendment: Amendment,
}

impl Default for Charter {
    fn default() -> Self {
        Charter::forbidding(SURVEILLANCE)
    }
}

/// A charter file, as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CharterFile {
    version: u32,
    forbidden: toml::Spanned<Vec<Purpose>>,
    #[serde(default)]
    amendment: Option<toml::Spanned<AmendmentFile>>,
}

/// A charter's `[amendment]` table: what it leaves out is the charter's default, not a
/// policy's.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AmendmentFile {
    threshold: Option<Threshold>,
    by_consent: Option<bool>,
}

impl Charter {
    /// A charter forbidding `purposes` (version 0, the default amendment rule): for a
    /// service that fixes its own, and for tests. Only [`Charter::from_toml`] keeps the
    /// [`SURVEILLANCE`] floor, as every version adopted by decision must.
    pub fn forbidding(purposes: impl IntoIterator<Item = Purpose>) -> Self {
        Charter {
            version: 0,
            forbidden: purposes.into_iter().collect(),
            amendment: Charter::default_amendment(),
        }
    }

    /// What changing a charter takes unless it says otherwise: at least two thirds of the
    /// votes cast, or a consent decision.
    pub fn default_amendment() -> Amendment {
        Amendment {
            threshold: Threshold::at_least(Fraction::TWO_THIRDS),
            by_consent: true,
        }
    }

    /// Reads a charter file (TOML: `version`, `forbidden`, and an optional
    /// `[amendment]` table) named `source`.
    ///
    /// # Errors
    ///
    /// Every problem, with its line: TOML that does not parse, an unknown key or
    /// purpose, version 0 (the default's), a [`SURVEILLANCE`] purpose left out, an
    /// amendment rule below two thirds of the votes cast; a file larger than
    /// [`MAX_POLICY_BYTES`](crate::MAX_POLICY_BYTES).
    pub fn from_toml(source: &str, text: &str) -> Result<Charter, PolicyErrors> {
        let file: CharterFile = read_toml("charter", source, text)?;
        let mut problems = Vec::new();
        let mut problem = |line: usize, problem: String| {
            problems.push(PolicyProblem {
                line: Some(line),
                rule: None,
                problem,
            });
        };
        if file.version == 0 {
            problem(
                1,
                "version 0 is the default charter's; number yours from 1".into(),
            );
        }
        let forbidden_line = line_of(text, file.forbidden.span().start);
        let forbidden: BTreeSet<Purpose> = file.forbidden.into_inner().into_iter().collect();
        for missing in SURVEILLANCE.iter().filter(|p| !forbidden.contains(p)) {
            problem(
                forbidden_line,
                format!(
                    "the charter must forbid {}: no vote may allow using members' data for \
                     surveillance",
                    missing.phrase()
                ),
            );
        }
        let floor = Charter::default_amendment();
        let amendment = match file.amendment {
            None => floor,
            Some(table) => {
                let line = line_of(text, table.span().start);
                let table = table.into_inner();
                let amendment = Amendment {
                    threshold: table.threshold.unwrap_or(floor.threshold),
                    by_consent: table.by_consent.unwrap_or(floor.by_consent),
                };
                if !amendment.threshold.implies(&floor.threshold) {
                    problem(
                        line,
                        format!(
                            "changing the charter must take {} or more, not {}",
                            floor.threshold, amendment.threshold
                        ),
                    );
                }
                amendment
            }
        };
        if !problems.is_empty() {
            problems.sort_by_key(|p| p.line);
            return Err(PolicyErrors {
                what: "charter",
                source: source.to_owned(),
                problems,
            });
        }
        Ok(Charter {
            version: file.version,
            forbidden,
            amendment,
        })
    }

    /// Its version: 0 for the default, then as adopted.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// What adopting the next version takes.
    pub fn amendment(&self) -> Amendment {
        self.amendment
    }

    /// Whether no policy may permit `purpose`.
    pub fn forbids(&self, purpose: Purpose) -> bool {
        self.forbidden.contains(&purpose)
    }

    /// The forbidden purposes, in order.
    pub fn forbidden(&self) -> impl Iterator<Item = Purpose> + '_ {
        self.forbidden.iter().copied()
    }
}
