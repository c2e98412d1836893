//! What a service keeps, and whose it is.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::{MemberId, ResourceId, ResourceKind};

/// The members a resource belongs to: the one who provided it, or several jointly.
/// Never empty, and never the co-op: the co-op processes on its members' behalf and
/// owns nothing, so there is no way to write a resource it owns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<MemberId>", into = "Vec<MemberId>")]
pub struct Owners(BTreeSet<MemberId>);

/// Owners given as an empty list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a resource needs at least one owner: the member who provided it (the co-op owns nothing)")]
pub struct NoOwner;

impl Owners {
    /// One member's resource.
    pub fn one(member: MemberId) -> Self {
        Owners(BTreeSet::from([member]))
    }

    /// A resource owned jointly.
    ///
    /// # Errors
    ///
    /// [`NoOwner`] for an empty list.
    pub fn jointly(members: impl IntoIterator<Item = MemberId>) -> Result<Self, NoOwner> {
        let owners: BTreeSet<MemberId> = members.into_iter().collect();
        if owners.is_empty() {
            return Err(NoOwner);
        }
        Ok(Owners(owners))
    }

    /// Whether `member` is one of the owners.
    pub fn contains(&self, member: &MemberId) -> bool {
        self.0.contains(member)
    }

    /// The owners, in order.
    pub fn iter(&self) -> impl Iterator<Item = &MemberId> {
        self.0.iter()
    }
}

impl TryFrom<Vec<MemberId>> for Owners {
    type Error = NoOwner;
    fn try_from(members: Vec<MemberId>) -> Result<Self, NoOwner> {
        Owners::jointly(members)
    }
}

impl From<Owners> for Vec<MemberId> {
    fn from(owners: Owners) -> Self {
        owners.0.into_iter().collect()
    }
}

/// One thing a service keeps: a kind, an id, its owners, the members it is shared with,
/// and the chain of resources it sits in (a card in a list in a board).
///
/// ```
/// use andel_consent::{MemberId, Owners, Resource};
///
/// let ada: MemberId = "ada".parse()?;
/// let card = Resource::new("card".parse()?, "c1".parse()?, Owners::one(ada.clone()))
///     .in_parent("list".parse()?, "l1".parse()?)
///     .in_parent("board".parse()?, "b1".parse()?)
///     .shared_with("bo".parse()?);
/// assert!(card.owners().contains(&ada));
/// assert_eq!(card.parents().len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    kind: ResourceKind,
    id: ResourceId,
    owners: Owners,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    shared_with: BTreeSet<MemberId>,
    /// Nearest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    parents: Vec<(ResourceKind, ResourceId)>,
}

impl Resource {
    /// A resource of `kind` with `id`, belonging to `owners`.
    pub fn new(kind: ResourceKind, id: ResourceId, owners: Owners) -> Self {
        Resource {
            kind,
            id,
            owners,
            shared_with: BTreeSet::new(),
            parents: Vec::new(),
        }
    }

    /// The same resource, shared with `member` as well.
    #[must_use]
    pub fn shared_with(mut self, member: MemberId) -> Self {
        self.shared_with.insert(member);
        self
    }

    /// The same resource, inside the next parent out (call from the nearest outwards).
    #[must_use]
    pub fn in_parent(mut self, kind: ResourceKind, id: ResourceId) -> Self {
        self.parents.push((kind, id));
        self
    }

    /// Its kind.
    pub fn kind(&self) -> &ResourceKind {
        &self.kind
    }

    /// Its id.
    pub fn id(&self) -> &ResourceId {
        &self.id
    }

    /// Whose it is.
    pub fn owners(&self) -> &Owners {
        &self.owners
    }

    /// The members it is shared with, besides its owners.
    pub fn shared(&self) -> &BTreeSet<MemberId> {
        &self.shared_with
    }

    /// The parents it sits in, nearest first.
    pub fn parents(&self) -> &[(ResourceKind, ResourceId)] {
        &self.parents
    }

    /// How `member` stands to it.
    pub fn relation_of(&self, member: &MemberId) -> Relation {
        if self.owners.contains(member) {
            Relation::Own
        } else if self.shared_with.contains(member) {
            Relation::SharedWith
        } else {
            Relation::Any
        }
    }
}

/// How a principal stands to a resource, from closest to none. A rule for `shared-with`
/// covers owners too, and a rule for `any` covers everyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relation {
    /// The principal owns it.
    Own,
    /// Its owners shared it with the principal.
    SharedWith,
    /// Anyone's.
    Any,
}

impl Relation {
    /// Every relation, closest first.
    pub const ALL: [Relation; 3] = [Relation::Own, Relation::SharedWith, Relation::Any];

    /// Whether a rule written for `self` covers a principal who stands `actual` to the
    /// resource.
    pub fn covers(self, actual: Relation) -> bool {
        actual <= self
    }

    /// The name used in policy files.
    pub fn id(self) -> &'static str {
        match self {
            Relation::Own => "own",
            Relation::SharedWith => "shared-with",
            Relation::Any => "any",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(name: &str) -> MemberId {
        MemberId::new(name).unwrap()
    }

    #[test]
    fn a_resource_has_an_owner_and_the_co_op_is_none() {
        assert_eq!(Owners::jointly([]), Err(NoOwner));
        assert!(serde_json::from_str::<Owners>("[]").is_err());
        let joint = Owners::jointly([member("bo"), member("ada"), member("bo")]).unwrap();
        assert_eq!(serde_json::to_string(&joint).unwrap(), r#"["ada","bo"]"#);
    }

    #[test]
    fn relations_nest() {
        let card = Resource::new(
            ResourceKind::new("card").unwrap(),
            ResourceId::new("c1").unwrap(),
            Owners::one(member("ada")),
        )
        .shared_with(member("bo"));
        assert_eq!(card.relation_of(&member("ada")), Relation::Own);
        assert_eq!(card.relation_of(&member("bo")), Relation::SharedWith);
        assert_eq!(card.relation_of(&member("cy")), Relation::Any);
        assert!(Relation::SharedWith.covers(Relation::Own));
        assert!(!Relation::Own.covers(Relation::SharedWith));
        assert!(Relation::Any.covers(Relation::SharedWith));
    }
}
