//! The charter: purposes no data policy may ever permit.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::Purpose;

/// Purposes no data policy may permit, whatever a vote says: the co-op's promise that
/// members' data is never used for surveillance. The default holds advertising,
/// profiling for it and sale to third parties. The charter changes only by a decision
/// at the higher threshold the statutes set for it; a policy that contradicts it is
/// refused before any vote.
///
/// ```
/// use andel_consent::{Charter, Purpose};
///
/// let charter = Charter::default();
/// assert!(charter.forbids(Purpose::Advertising));
/// assert!(!charter.forbids(Purpose::AggregateStatistics));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charter {
    forbidden: BTreeSet<Purpose>,
}

impl Default for Charter {
    fn default() -> Self {
        Charter::forbidding([
            Purpose::Advertising,
            Purpose::ProfilingForAdvertising,
            Purpose::SaleToThirdParties,
        ])
    }
}

impl Charter {
    /// A charter forbidding `purposes`.
    pub fn forbidding(purposes: impl IntoIterator<Item = Purpose>) -> Self {
        Charter {
            forbidden: purposes.into_iter().collect(),
        }
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
