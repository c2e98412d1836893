//! What data may be used for (purposes, aligned with the W3C Data Privacy Vocabulary),
//! on which legal basis, which categories of data they touch, and what may be done.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why data is processed. Each purpose names its DPV concept ([`Purpose::dpv`]), its
/// usual legal basis under GDPR art. 6(1) and the categories of data it touches.
///
/// ```
/// use andel_consent::{LegalBasis, Purpose};
///
/// let stats: Purpose = "aggregate-statistics".parse()?;
/// assert_eq!(stats.dpv(), "dpv:ServiceUsageAnalytics");
/// assert_eq!(stats.legal_basis(), LegalBasis::Consent);
/// # Ok::<(), andel_consent::UnknownTerm>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Purpose {
    /// Running the service the member uses (a board shows its cards).
    ServiceProvision,
    /// Keeping the service and its members safe (abuse, intrusion).
    Security,
    /// What a law requires (bookkeeping, a court order).
    LegalObligation,
    /// Telling members about the co-op: meetings, votes, changes.
    MemberCommunication,
    /// Counts and sums over many members, never about one.
    AggregateStatistics,
    /// Research, for the co-op or with others.
    Research,
    /// Showing advertisements.
    Advertising,
    /// Building a profile of a person to target advertising.
    ProfilingForAdvertising,
    /// Selling or renting data to third parties.
    SaleToThirdParties,
}

impl Purpose {
    /// Every purpose, in a fixed order.
    pub const ALL: [Purpose; 9] = [
        Purpose::ServiceProvision,
        Purpose::Security,
        Purpose::LegalObligation,
        Purpose::MemberCommunication,
        Purpose::AggregateStatistics,
        Purpose::Research,
        Purpose::Advertising,
        Purpose::ProfilingForAdvertising,
        Purpose::SaleToThirdParties,
    ];

    /// The name used in policy files and JSON: `service-provision`.
    pub fn id(self) -> &'static str {
        match self {
            Purpose::ServiceProvision => "service-provision",
            Purpose::Security => "security",
            Purpose::LegalObligation => "legal-obligation",
            Purpose::MemberCommunication => "member-communication",
            Purpose::AggregateStatistics => "aggregate-statistics",
            Purpose::Research => "research",
            Purpose::Advertising => "advertising",
            Purpose::ProfilingForAdvertising => "profiling-for-advertising",
            Purpose::SaleToThirdParties => "sale-to-third-parties",
        }
    }

    /// The purpose's concept in the W3C Data Privacy Vocabulary (prefix `dpv:` for
    /// `https://w3id.org/dpv#`).
    pub fn dpv(self) -> &'static str {
        match self {
            Purpose::ServiceProvision => "dpv:ServiceProvision",
            Purpose::Security => "dpv:EnforceSecurity",
            Purpose::LegalObligation => "dpv:LegalCompliance",
            Purpose::MemberCommunication => "dpv:CommunicationManagement",
            Purpose::AggregateStatistics => "dpv:ServiceUsageAnalytics",
            Purpose::Research => "dpv:ResearchAndDevelopment",
            Purpose::Advertising => "dpv:Advertising",
            Purpose::ProfilingForAdvertising => "dpv:PersonalisedAdvertising",
            Purpose::SaleToThirdParties => "dpv:SellDataToThirdParties",
        }
    }

    /// The legal basis a co-op normally relies on for it (GDPR art. 6(1)).
    pub fn legal_basis(self) -> LegalBasis {
        match self {
            Purpose::ServiceProvision => LegalBasis::Contract,
            Purpose::Security | Purpose::MemberCommunication => LegalBasis::LegitimateInterest,
            Purpose::LegalObligation => LegalBasis::LegalObligation,
            Purpose::AggregateStatistics
            | Purpose::Research
            | Purpose::Advertising
            | Purpose::ProfilingForAdvertising
            | Purpose::SaleToThirdParties => LegalBasis::Consent,
        }
    }

    /// The categories of data it touches.
    pub fn categories(self) -> &'static [DataCategory] {
        use DataCategory::{Account, Contact, Content, Financial, Usage};
        match self {
            Purpose::ServiceProvision => &[Account, Content],
            Purpose::Security => &[Account, Usage],
            Purpose::LegalObligation => &[Account, Financial],
            Purpose::MemberCommunication => &[Account, Contact],
            Purpose::AggregateStatistics => &[Usage],
            Purpose::Research => &[Content, Usage],
            Purpose::Advertising | Purpose::ProfilingForAdvertising => &[Contact, Usage],
            Purpose::SaleToThirdParties => &[Account, Contact, Content, Usage],
        }
    }

    /// A phrase for sentences: "for aggregate statistics".
    pub fn phrase(self) -> &'static str {
        match self {
            Purpose::ServiceProvision => "running the service",
            Purpose::Security => "security",
            Purpose::LegalObligation => "a legal obligation",
            Purpose::MemberCommunication => "member communication",
            Purpose::AggregateStatistics => "aggregate statistics",
            Purpose::Research => "research",
            Purpose::Advertising => "advertising",
            Purpose::ProfilingForAdvertising => "profiling for advertising",
            Purpose::SaleToThirdParties => "sale to third parties",
        }
    }
}

/// A word a policy or request used that the vocabulary does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{found}`; known are {known}")]
pub struct UnknownTerm {
    /// What was looked up: `purpose`, `action`.
    pub what: &'static str,
    /// The word given.
    pub found: String,
    /// The words known, comma-separated.
    pub known: String,
}

fn lookup<T: Copy>(
    what: &'static str,
    found: &str,
    all: &[T],
    id: impl Fn(T) -> &'static str,
) -> Result<T, UnknownTerm> {
    all.iter()
        .copied()
        .find(|term| id(*term) == found)
        .ok_or_else(|| UnknownTerm {
            what,
            found: found.to_owned(),
            known: all
                .iter()
                .map(|term| format!("`{}`", id(*term)))
                .collect::<Vec<_>>()
                .join(", "),
        })
}

impl FromStr for Purpose {
    type Err = UnknownTerm;
    fn from_str(s: &str) -> Result<Self, UnknownTerm> {
        lookup("purpose", s, &Purpose::ALL, Purpose::id)
    }
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The legal basis of processing, GDPR art. 6(1) (a) to (f).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LegalBasis {
    /// (a) the member consented.
    Consent,
    /// (b) needed for the contract with the member (membership, the service).
    Contract,
    /// (c) a legal obligation.
    LegalObligation,
    /// (d) someone's vital interests.
    VitalInterest,
    /// (e) a task in the public interest.
    PublicInterest,
    /// (f) legitimate interests, balanced against the member's.
    LegitimateInterest,
}

impl LegalBasis {
    /// Where the GDPR says it: `art. 6(1)(a)`.
    pub fn article(self) -> &'static str {
        match self {
            LegalBasis::Consent => "GDPR art. 6(1)(a)",
            LegalBasis::Contract => "GDPR art. 6(1)(b)",
            LegalBasis::LegalObligation => "GDPR art. 6(1)(c)",
            LegalBasis::VitalInterest => "GDPR art. 6(1)(d)",
            LegalBasis::PublicInterest => "GDPR art. 6(1)(e)",
            LegalBasis::LegitimateInterest => "GDPR art. 6(1)(f)",
        }
    }
}

/// Categories of personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataCategory {
    /// Who the member is in the service: name, login.
    Account,
    /// How to reach them: e-mail, address.
    Contact,
    /// What they wrote or uploaded.
    Content,
    /// What they did: when, how often, where from.
    Usage,
    /// Money: payments, shares.
    Financial,
}

/// What is done with a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Look at it.
    Read,
    /// Change it.
    Write,
    /// Compute over it (statistics, search indexes) without showing it.
    Process,
    /// Give it to someone outside the co-op.
    Share,
    /// Take it out in a portable format.
    Export,
    /// Remove it.
    Delete,
}

impl Action {
    /// Every action, in a fixed order.
    pub const ALL: [Action; 6] = [
        Action::Read,
        Action::Write,
        Action::Process,
        Action::Share,
        Action::Export,
        Action::Delete,
    ];

    /// The name used in policy files and JSON.
    pub fn id(self) -> &'static str {
        match self {
            Action::Read => "read",
            Action::Write => "write",
            Action::Process => "process",
            Action::Share => "share",
            Action::Export => "export",
            Action::Delete => "delete",
        }
    }
}

impl FromStr for Action {
    type Err = UnknownTerm;
    fn from_str(s: &str) -> Result<Self, UnknownTerm> {
        lookup("action", s, &Action::ALL, Action::id)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_term_reads_back_from_its_id_and_its_json() {
        for purpose in Purpose::ALL {
            assert_eq!(purpose.id().parse::<Purpose>(), Ok(purpose));
            let json = serde_json::to_string(&purpose).unwrap();
            assert_eq!(json, format!("\"{}\"", purpose.id()));
            assert!(purpose.dpv().starts_with("dpv:"));
            assert!(!purpose.categories().is_empty());
        }
        for action in Action::ALL {
            assert_eq!(action.id().parse::<Action>(), Ok(action));
            assert_eq!(
                serde_json::to_string(&action).unwrap(),
                format!("\"{action}\"")
            );
        }
    }

    #[test]
    fn an_unknown_term_lists_the_known_ones() {
        let err = "adverts".parse::<Purpose>().unwrap_err();
        assert!(
            err.to_string()
                .starts_with("unknown purpose `adverts`; known are `service-provision`")
        );
        let err = "erase".parse::<Action>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown action `erase`; known are `read`, `write`, `process`, `share`, `export`, `delete`"
        );
    }
}
