//! What can be wrong with an election's input.

use rust_decimal::Decimal;

use crate::Method;

/// Why an election cannot be counted as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TallyError {
    /// An election needs candidates.
    #[error("the election has no candidates")]
    NoCandidates,
    /// Too many candidates.
    #[error("the election has {count} candidates; at most {max} are supported")]
    TooManyCandidates {
        /// How many.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// Two candidates share a name.
    #[error("candidates {first} and {second} are both named `{name}`")]
    DuplicateCandidate {
        /// The name.
        name: String,
        /// The first (1-based).
        first: usize,
        /// The second (1-based).
        second: usize,
    },
    /// A ballot names a candidate number that does not exist.
    #[error("there is no candidate {number}")]
    UnknownCandidate {
        /// The 1-based number.
        number: usize,
    },
    /// A ballot ranks a candidate twice.
    #[error("`{candidate}` appears twice on one ballot")]
    RankedTwice {
        /// The candidate's name.
        candidate: String,
    },
    /// A rank with nobody in it.
    #[error("a ballot has an empty rank")]
    EmptyRank,
    /// A weight that is zero or negative.
    #[error("ballot weight {weight} is not positive")]
    Weight {
        /// The weight.
        weight: Decimal,
    },
    /// The weights do not fit in a decimal.
    #[error("the total weight of the ballots overflows")]
    Overflow,
    /// The ballots weigh more than a method's arithmetic can hold: every method counts
    /// in exact decimals (at most 28 digits) or integers, so each has a largest total
    /// weight (see [`Method::max_total_weight`](crate::Method::max_total_weight)).
    #[error(
        "the ballots' total weight {total} is too large for {method}, which counts a total weight of at most {max}"
    )]
    TooHeavy {
        /// The method.
        method: Method,
        /// The ballots' total weight.
        total: Decimal,
        /// The largest total weight the method counts with these ballots.
        max: Decimal,
    },
    /// A budget or costs beyond what a budget method counts.
    #[error("{what}, {amount}, is more than a budget method counts: at most {max}")]
    TooMuchMoney {
        /// What is too large: the budget, or the costs together.
        what: &'static str,
        /// The amount.
        amount: Decimal,
        /// The limit ([`MAX_BUDGET_AMOUNT`](crate::MAX_BUDGET_AMOUNT)).
        max: Decimal,
    },
    /// More seats than a method's exact arithmetic can fill.
    #[error("{method} fills at most {max} seats in exact arithmetic, not {seats}")]
    TooManySeats {
        /// The method.
        method: Method,
        /// Seats asked for.
        seats: usize,
        /// The limit.
        max: usize,
    },
    /// A step of a count passed the largest decimal: weights spread too far apart (a
    /// ballot of weight 10⁻²⁸ beside ones of 10²⁰, say).
    #[error(
        "{method} cannot count these ballots: {what} passes the largest decimal (their weights are too far apart)"
    )]
    Arithmetic {
        /// The method.
        method: Method,
        /// What overflowed.
        what: &'static str,
    },
    /// A score sheet with the wrong number of scores.
    #[error("a score ballot has {scores} scores for {candidates} candidates")]
    ScoreSheet {
        /// Scores given.
        scores: usize,
        /// Candidates.
        candidates: usize,
    },
    /// A score above the maximum.
    #[error("score {score} is above the maximum {max}")]
    Score {
        /// The score.
        score: u32,
        /// The maximum.
        max: u32,
    },
    /// The method cannot count this kind of ballot.
    #[error("{method} cannot count {kind} ballots ({needs})")]
    WrongBallots {
        /// The method.
        method: Method,
        /// The kind of ballot given.
        kind: &'static str,
        /// What it needs.
        needs: &'static str,
    },
    /// An exhaustive method over too many committees.
    #[error(
        "{method} would compare {committees} committees; at most {max} are allowed (use phragmen for large elections)"
    )]
    TooManyCommittees {
        /// The method.
        method: Method,
        /// How many committees.
        committees: u128,
        /// The limit.
        max: u128,
    },
    /// A budget whose costs do not match the projects.
    #[error("{costs} project costs for {projects} projects")]
    Costs {
        /// Costs given.
        costs: usize,
        /// Projects.
        projects: usize,
    },
    /// A negative amount of money.
    #[error("amount {amount} is negative")]
    Money {
        /// The amount.
        amount: Decimal,
    },
    /// Two profiles to merge have different candidates.
    #[error("the two sets of ballots have different candidates")]
    DifferentCandidates,
    /// Seats out of range.
    #[error("cannot fill {seats} seats with {standing} standing candidates")]
    Seats {
        /// Seats asked for.
        seats: usize,
        /// Candidates standing.
        standing: usize,
    },
    /// A single-winner method asked for several seats.
    #[error("{method} elects one candidate, not {seats}; use stv-scottish for several seats")]
    SingleWinner {
        /// The method.
        method: Method,
        /// Seats asked for.
        seats: usize,
    },
    /// A method that needs whole rankings, asked to count single marks.
    #[error(
        "{method} needs whole rankings: only plurality and approval count ballots as single marks"
    )]
    NotSingleMark {
        /// The method.
        method: Method,
    },
    /// No method by that name.
    #[error("there is no method `{name}`; known methods: {known}")]
    UnknownMethod {
        /// The name given.
        name: String,
        /// The known names.
        known: String,
    },
}
