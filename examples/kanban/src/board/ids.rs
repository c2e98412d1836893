//! The ids of what a board holds. Each is a number the board hands out in order, one
//! counter for all of them, so that no two things on a board share an id; each kind has
//! its own type, so that a list's id is never taken for a card's.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

macro_rules! id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl $name {
            /// What this id names, for messages.
            pub const WHAT: &'static str = $what;
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(text: &str) -> Result<Self, String> {
                text.parse().map($name).map_err(|_| {
                    format!("`{text}` is not a {} id; ids are whole numbers", $what)
                })
            }
        }
    };
}

id!(
    /// A list on a board.
    ListId,
    "list"
);
id!(
    /// A card on a board.
    CardId,
    "card"
);
id!(
    /// A label a board's cards can carry.
    LabelId,
    "label"
);
id!(
    /// A checklist on a card.
    ChecklistId,
    "checklist"
);
id!(
    /// An item of a checklist.
    ItemId,
    "checklist item"
);
id!(
    /// A comment on a card.
    CommentId,
    "comment"
);
id!(
    /// An attachment's metadata on a card.
    AttachmentId,
    "attachment"
);

/// Where something on a board came from, when it was imported: `trello:card:5ca6…`.
/// Importing the same thing again finds it by its origin and adds nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Origin(pub String);

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
