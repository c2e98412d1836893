//! Quorum and pass thresholds as exact fractions, and what they make of a count.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// An exact fraction between 0 and 1, such as 2/3: never a rounded decimal, so "at least
/// two thirds" means exactly that.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Fraction {
    num: u32,
    den: u32,
}

impl Fraction {
    /// One half.
    pub const HALF: Fraction = Fraction { num: 1, den: 2 };
    /// Two thirds.
    pub const TWO_THIRDS: Fraction = Fraction { num: 2, den: 3 };
    /// Three quarters.
    pub const THREE_QUARTERS: Fraction = Fraction { num: 3, den: 4 };

    /// `num / den`.
    ///
    /// # Errors
    ///
    /// A zero denominator, or a fraction above 1.
    pub fn new(num: u32, den: u32) -> Result<Self, RuleError> {
        if den == 0 || num > den {
            return Err(RuleError::Fraction {
                text: format!("{num}/{den}"),
            });
        }
        Ok(Fraction { num, den })
    }

    /// Whether `part ≥ self × whole` (or `>` when not `inclusive`), computed exactly as
    /// `part × den` against `whole × num`.
    pub fn reached(self, part: Decimal, whole: Decimal, inclusive: bool) -> bool {
        let lhs = part * Decimal::from(self.den);
        let rhs = whole * Decimal::from(self.num);
        if inclusive { lhs >= rhs } else { lhs > rhs }
    }
}

impl FromStr for Fraction {
    type Err = RuleError;
    /// `2/3`, `1/2`, or a percentage such as `50%` or `66.5%` (as an exact fraction).
    fn from_str(text: &str) -> Result<Self, RuleError> {
        let bad = || RuleError::Fraction {
            text: text.to_owned(),
        };
        let text = text.trim();
        if let Some((num, den)) = text.split_once('/') {
            let num = num.trim().parse().map_err(|_| bad())?;
            let den = den.trim().parse().map_err(|_| bad())?;
            return Fraction::new(num, den).map_err(|_| bad());
        }
        let percent: Decimal = text
            .strip_suffix('%')
            .ok_or_else(bad)?
            .trim()
            .parse()
            .map_err(|_| bad())?;
        let scaled = percent.normalize();
        let den = 100u32
            .checked_mul(10u32.checked_pow(scaled.scale()).ok_or_else(bad)?)
            .ok_or_else(bad)?;
        let num = u32::try_from(scaled.mantissa()).map_err(|_| bad())?;
        Fraction::new(num, den).map_err(|_| bad())
    }
}

impl TryFrom<String> for Fraction {
    type Error = RuleError;
    fn try_from(text: String) -> Result<Self, RuleError> {
        text.parse()
    }
}

impl From<Fraction> for String {
    fn from(f: Fraction) -> String {
        f.to_string()
    }
}

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

/// Whether participation is counted in people or in weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Each member counts once.
    #[default]
    People,
    /// Members count by their vote's weight.
    Weight,
}

/// The participation a decision needs to be valid: at least `share` of the electorate
/// (abstentions and blocks count as participation), or with `per_college`, at least
/// that share of each college of the electorate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quorum {
    /// The share of the electorate.
    pub share: Fraction,
    /// People or weight.
    #[serde(default)]
    pub basis: Basis,
    /// Whether every college must reach the share on its own. Read also as
    /// `per_class`, as specs written before named it.
    #[serde(default, alias = "per_class")]
    pub per_college: bool,
}

/// What a threshold's share is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Base {
    /// Of the votes cast (yes and no, plus abstentions if they count).
    #[default]
    VotesCast,
    /// Of the whole electorate's weight.
    Electorate,
}

/// The share of yes votes a motion needs.
///
/// A simple majority is `more than 1/2` (`inclusive: false`); two thirds is `at least 2/3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    /// The share of the base.
    pub share: Fraction,
    /// Of the votes cast, or of the electorate.
    #[serde(default)]
    pub of: Base,
    /// `true`: at least the share; `false`: more than it.
    pub inclusive: bool,
    /// Whether abstentions count in the votes cast (making passing harder).
    #[serde(default)]
    pub abstentions_count: bool,
}

impl Threshold {
    /// More than half of the votes cast, abstentions left out.
    pub const SIMPLE_MAJORITY: Threshold = Threshold {
        share: Fraction::HALF,
        of: Base::VotesCast,
        inclusive: false,
        abstentions_count: false,
    };

    /// At least `share` of the votes cast, abstentions left out.
    pub fn at_least(share: Fraction) -> Self {
        Threshold {
            share,
            of: Base::VotesCast,
            inclusive: true,
            abstentions_count: false,
        }
    }

    /// Whether reaching this threshold always reaches `other` too, whatever the votes:
    /// a rule that asks for `other` accepts a motion passed at `self`.
    ///
    /// Its base must be at least as wide (the votes cast without abstentions, with
    /// them, the electorate), and its share larger, or equal and no easier to reach
    /// (`more than` where `other` says `more than`).
    ///
    /// ```
    /// use andel_decisions::rules::{Fraction, Threshold};
    ///
    /// let two_thirds = Threshold::at_least(Fraction::TWO_THIRDS);
    /// assert!(two_thirds.implies(&Threshold::SIMPLE_MAJORITY));
    /// assert!(!Threshold::SIMPLE_MAJORITY.implies(&two_thirds));
    /// assert!(!Threshold::at_least(Fraction::HALF).implies(&Threshold::SIMPLE_MAJORITY));
    /// ```
    pub fn implies(&self, other: &Threshold) -> bool {
        if self.share.num == 0 {
            // Reached with next to no votes: it implies only itself.
            return self == other;
        }
        let (ours, theirs) = (
            u64::from(self.share.num) * u64::from(other.share.den),
            u64::from(other.share.num) * u64::from(self.share.den),
        );
        let share = ours > theirs || (ours == theirs && (other.inclusive || !self.inclusive));
        share && self.base_rank() >= other.base_rank()
    }

    /// How wide the base is: the votes cast (0), with abstentions (1), the electorate (2).
    fn base_rank(&self) -> u8 {
        match self.of {
            Base::VotesCast if self.abstentions_count => 1,
            Base::VotesCast => 0,
            Base::Electorate => 2,
        }
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reach = if self.inclusive {
            "at least"
        } else {
            "more than"
        };
        let base = match self.of {
            Base::VotesCast if self.abstentions_count => "the votes cast, abstentions included",
            Base::VotesCast => "the votes cast",
            Base::Electorate => "the electorate",
        };
        write!(f, "{reach} {} of {base}", self.share)
    }
}

/// People and weight behind one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Count {
    /// How many members.
    pub people: u64,
    /// Their total weight.
    pub weight: Decimal,
}

impl Count {
    pub(crate) fn add(&mut self, people: u64, weight: Decimal) {
        self.people += people;
        self.weight += weight;
    }

    fn plus(self, other: Count) -> Count {
        Count {
            people: self.people + other.people,
            weight: self.weight + other.weight,
        }
    }

    fn by(self, basis: Basis) -> Decimal {
        match basis {
            Basis::People => Decimal::from(self.people),
            Basis::Weight => self.weight,
        }
    }
}

/// A rule checked against a count: what was needed, what was there, and whether it held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// The rule, in words (`at least 1/2 of 40 people`).
    pub rule: String,
    /// What was there.
    pub got: Decimal,
    /// Whether the rule held.
    pub met: bool,
}

/// The electorate's size, in people and weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Size {
    /// Members.
    pub people: u64,
    /// Their weight.
    pub weight: Decimal,
}

/// How a motion was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MotionResult {
    /// Yes.
    pub yes: Count,
    /// No.
    pub no: Count,
    /// Abstain.
    pub abstain: Count,
    /// The quorum check, if there is a quorum.
    pub quorum: Option<Check>,
    /// The threshold check.
    pub threshold: Check,
    /// The outcome.
    pub outcome: Verdict,
}

/// The outcome of a motion or consent decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// It passed.
    Passed,
    /// It did not pass.
    Failed,
    /// Too few took part for it to be valid.
    NoQuorum,
    /// An election filled its seats.
    Elected,
    /// An election stopped at a tie its policy did not settle.
    Tie,
}

/// Decides a motion: quorum first (yes, no and abstentions count as taking part), then
/// the threshold on yes weight.
///
/// ```
/// use andel_decisions::{rules::{decide_motion, Count, Fraction, Quorum, Size, Threshold, Verdict}};
///
/// let count = |n: u64| Count { people: n, weight: n.into() };
/// let size = Size { people: 30, weight: 30.into() };
/// // 14 yes, 7 no, 1 abstention: 22 of 30 took part; 14 of 21 is exactly 2/3.
/// let result = decide_motion(count(14), count(7), count(1), size,
///     Some(Quorum { share: Fraction::HALF, basis: Default::default(), per_college: false }),
///     Threshold::at_least(Fraction::TWO_THIRDS));
/// assert_eq!(result.outcome, Verdict::Passed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decide_motion(
    yes: Count,
    no: Count,
    abstain: Count,
    size: Size,
    quorum: Option<Quorum>,
    threshold: Threshold,
) -> MotionResult {
    let quorum = quorum.map(|q| quorum_check(q, yes.plus(no).plus(abstain), size));
    let base = match threshold.of {
        Base::VotesCast if threshold.abstentions_count => yes.plus(no).plus(abstain).weight,
        Base::VotesCast => yes.plus(no).weight,
        Base::Electorate => size.weight,
    };
    let met = base > Decimal::ZERO
        && threshold
            .share
            .reached(yes.weight, base, threshold.inclusive);
    let threshold = Check {
        rule: format!(
            "{} {} of {} {}",
            if threshold.inclusive {
                "at least"
            } else {
                "more than"
            },
            threshold.share,
            base,
            match threshold.of {
                Base::VotesCast if threshold.abstentions_count =>
                    "votes cast, abstentions included",
                Base::VotesCast => "votes cast",
                Base::Electorate => "the electorate",
            }
        ),
        got: yes.weight,
        met,
    };
    let outcome = match (&quorum, met) {
        (Some(q), _) if !q.met => Verdict::NoQuorum,
        (_, true) => Verdict::Passed,
        (_, false) => Verdict::Failed,
    };
    MotionResult {
        yes,
        no,
        abstain,
        quorum,
        threshold,
        outcome,
    }
}

/// Whether `taking_part` reaches the quorum of an electorate of `size`.
pub fn quorum_check(quorum: Quorum, taking_part: Count, size: Size) -> Check {
    let (got, whole, unit) = match quorum.basis {
        Basis::People => (
            taking_part.by(Basis::People),
            Decimal::from(size.people),
            "people",
        ),
        Basis::Weight => (taking_part.weight, size.weight, "weight"),
    };
    Check {
        rule: format!("at least {} of {whole} {unit} take part", quorum.share),
        got,
        met: quorum.share.reached(got, whole, true),
    }
}

/// A quorum or threshold that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleError {
    /// Not a fraction between 0 and 1.
    #[error("`{text}` is not a share such as `2/3` or `50%` (between 0 and 1)")]
    Fraction {
        /// The text.
        text: String,
    },
}
