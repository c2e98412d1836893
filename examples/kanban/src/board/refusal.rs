//! Why a board refuses a command, and why an event cannot be applied.

use andel_consent::MemberId;

use super::ids::{CardId, ListId, Origin};

/// Why a board refuses a command: each names what was wrong, and with which id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The board has not been created.
    #[error("there is no such board; create it first")]
    NotCreated,
    /// The board exists already.
    #[error("the board exists already")]
    AlreadyCreated,
    /// The board is archived, and read-only until it is restored.
    #[error("the board is archived; restore it to change it")]
    BoardArchived,
    /// No such thing on the board.
    #[error("there is no {what} {id} on this board")]
    Unknown {
        /// What kind of thing.
        what: &'static str,
        /// Its id.
        id: u32,
    },
    /// The list is archived.
    #[error("list {list} is archived; restore it first")]
    ListArchived {
        /// The list.
        list: ListId,
    },
    /// The card is archived.
    #[error("card {card} is archived; restore it first")]
    CardArchived {
        /// The card.
        card: CardId,
    },
    /// A place past the end.
    #[error("there is no place {index} in {place}: it has places 0 to {}", len.saturating_sub(1))]
    Index {
        /// The place asked for.
        index: u32,
        /// How many places there are.
        len: usize,
        /// Where.
        place: String,
    },
    /// Something that must be written was left empty.
    #[error("the {what} is empty")]
    Empty {
        /// What.
        what: &'static str,
    },
    /// Something too long.
    #[error("the {what} is {len} long; at most {max} is allowed")]
    TooLong {
        /// What.
        what: &'static str,
        /// Its length.
        len: usize,
        /// The most allowed.
        max: usize,
    },
    /// An attachment address that is not a web address.
    #[error(
        "`{url}` is not a web address; an attachment is kept at an http:// or https:// address"
    )]
    Address {
        /// The address given.
        url: String,
    },
    /// The member is not on the board.
    #[error("member {member} is not on this board; share the board with them first")]
    NotAMember {
        /// The member.
        member: MemberId,
    },
    /// The owner cannot be taken off their own board.
    #[error("member {member} owns this board, and stays on it")]
    OwnerStays {
        /// The owner.
        member: MemberId,
    },
    /// The board holds as much as it may.
    #[error("the board holds {max} things already, the most it may")]
    Full {
        /// The most.
        max: u32,
    },
    /// An import plan that contradicts itself.
    #[error("the import does not fit the board: {reason}")]
    Plan {
        /// What does not fit.
        reason: String,
    },
    /// An import refers to something it does not bring and the board does not hold.
    #[error("the import refers to `{origin}`, which it does not bring and the board does not hold")]
    UnknownOrigin {
        /// The origin referred to.
        origin: Origin,
    },
}

/// An event that does not fit the board it is applied to: a journal edited by hand,
/// or one from another program.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);
