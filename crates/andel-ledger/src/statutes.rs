//! The statutes: the co-op's rules for membership, capital, exits, dues and votes, read
//! from TOML and checked before the ledger takes them.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ids::ClassId;
use crate::money::{Currency, MAX_AMOUNT};

/// The rules of one cooperative, as its general meeting adopted them.
///
/// Amounts and fractions are written as strings (`"500.00"`, `"0.05"`) so that no
/// binary fraction ever touches money.
///
/// ```
/// use andel_ledger::Statutes;
///
/// let statutes = Statutes::from_toml(r#"
///     name = "Fyrklövern"
///     currency = { code = "SEK", scale = 2 }
///
///     [[classes]]
///     id = "users"
///     name = "User members"
///     nominal = "100.00"
///     min_shares = 1
/// "#)?;
/// assert_eq!(statutes.class(&"users".parse()?).unwrap().minimum_capital().to_string(), "100.00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statutes {
    name: String,
    currency: Currency,
    #[serde(default)]
    financial_year: FinancialYear,
    classes: Vec<MemberClass>,
    #[serde(default)]
    exit: ExitRules,
    #[serde(default)]
    voting: VotingRule,
    #[serde(default)]
    eligibility: Eligibility,
    #[serde(default)]
    capital: CapitalRules,
    #[serde(default)]
    patronage: Patronage,
}

/// The largest statutes file the ledger reads.
pub const MAX_STATUTES_BYTES: usize = 1 << 20;

impl Statutes {
    /// Reads and checks statutes written in TOML.
    ///
    /// # Errors
    ///
    /// Text that is not TOML of the statutes' shape (the message names the line), or
    /// rules that contradict each other.
    pub fn from_toml(text: &str) -> Result<Self, StatutesError> {
        if text.len() > MAX_STATUTES_BYTES {
            return Err(StatutesError::TooLarge { bytes: text.len() });
        }
        let statutes: Statutes = toml::from_str(text).map_err(|err| StatutesError::Syntax {
            reason: err.to_string().trim_end().to_owned(),
        })?;
        statutes.check()?;
        Ok(statutes)
    }

    /// Checks that the rules fit together: classes named once, shares and prices that
    /// make sense, college weights that sum to 100 %, rates between 0 and 1.
    ///
    /// # Errors
    ///
    /// The first rule found wrong.
    pub fn check(&self) -> Result<(), StatutesError> {
        if self.name.trim().is_empty() || self.name.len() > 200 {
            return Err(StatutesError::Name);
        }
        if self.classes.is_empty() {
            return Err(StatutesError::NoClasses);
        }
        let mut seen = BTreeSet::new();
        for class in &self.classes {
            if !seen.insert(&class.id) {
                return Err(StatutesError::DuplicateClass {
                    class: class.id.clone(),
                });
            }
            class.check(&self.currency)?;
        }
        self.voting.check(&self.classes)?;
        for (what, value) in [
            ("capital.interest_cap", self.capital.interest_cap),
            ("capital.min_reserve", self.capital.min_reserve),
        ] {
            if value < Decimal::ZERO || value > Decimal::ONE {
                return Err(StatutesError::Fraction { what, value });
            }
        }
        Ok(())
    }

    /// The co-op's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The currency of every amount.
    pub fn currency(&self) -> &Currency {
        &self.currency
    }

    /// When the financial year starts.
    pub fn financial_year(&self) -> FinancialYear {
        self.financial_year
    }

    /// The member classes, in the statutes' order.
    pub fn classes(&self) -> &[MemberClass] {
        &self.classes
    }

    /// The class named `id`.
    pub fn class(&self, id: &ClassId) -> Option<&MemberClass> {
        self.classes.iter().find(|c| &c.id == id)
    }

    /// Notice, payout delay and the equity cap on repayment.
    pub fn exit(&self) -> &ExitRules {
        &self.exit
    }

    /// Who votes with what weight.
    pub fn voting(&self) -> &VotingRule {
        &self.voting
    }

    /// Who is on the voting roll.
    pub fn eligibility(&self) -> &Eligibility {
        &self.eligibility
    }

    /// The interest cap on capital and the least share of a surplus kept in reserve.
    pub fn capital(&self) -> &CapitalRules {
        &self.capital
    }

    /// What patronage measures.
    pub fn patronage(&self) -> &Patronage {
        &self.patronage
    }
}

/// One class of members: workers, users, supporters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberClass {
    id: ClassId,
    name: String,
    #[serde(default)]
    persons: Persons,
    #[serde(default)]
    share_class: Option<String>,
    #[serde(deserialize_with = "exact::decimal")]
    nominal: Decimal,
    min_shares: u32,
    #[serde(default)]
    max_shares: Option<u32>,
    #[serde(default)]
    admission: Admission,
    #[serde(default)]
    combinable: bool,
    #[serde(default)]
    dues: Option<DuesRule>,
}

impl MemberClass {
    fn check(&self, currency: &Currency) -> Result<(), StatutesError> {
        let class = self.id.clone();
        if currency.amount(self.nominal).is_err() {
            return Err(StatutesError::Nominal {
                class,
                nominal: self.nominal,
            });
        }
        if self.min_shares == 0 {
            return Err(StatutesError::MinShares { class });
        }
        if self.max_shares.is_some_and(|max| max < self.min_shares) {
            return Err(StatutesError::MaxBelowMin { class });
        }
        // The minimum (and the most) a member subscribes must be an amount the ledger
        // takes, or admitting a member would overflow.
        let most = self.max_shares.unwrap_or(self.min_shares);
        for (what, shares) in [("min_shares", self.min_shares), ("max_shares", most)] {
            let capital = self.nominal.checked_mul(Decimal::from(shares));
            if capital.is_none_or(|c| c > MAX_AMOUNT) {
                return Err(StatutesError::Capital {
                    class,
                    what,
                    shares,
                    nominal: self.nominal,
                });
            }
        }
        if let Some(dues) = &self.dues {
            if currency.amount(dues.amount).is_err() {
                return Err(StatutesError::Dues {
                    class,
                    amount: dues.amount,
                });
            }
            if dues.grace_days > MAX_GRACE_DAYS {
                return Err(StatutesError::GraceDays {
                    class,
                    days: dues.grace_days,
                });
            }
        }
        Ok(())
    }

    /// The class's name in the statutes.
    pub fn id(&self) -> &ClassId {
        &self.id
    }

    /// Its human name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Natural persons, legal persons, or both.
    pub fn persons(&self) -> Persons {
        self.persons
    }

    /// The share class its members subscribe (`A`, `B`), if the statutes name one.
    pub fn share_class(&self) -> Option<&str> {
        self.share_class.as_deref()
    }

    /// The price of one share.
    pub fn nominal(&self) -> Decimal {
        self.nominal
    }

    /// The shares a member of the class must hold.
    pub fn min_shares(&self) -> u32 {
        self.min_shares
    }

    /// The most shares a member of the class may hold.
    pub fn max_shares(&self) -> Option<u32> {
        self.max_shares
    }

    /// `min_shares × nominal`: paid in full, membership becomes effective.
    pub fn minimum_capital(&self) -> Decimal {
        self.nominal * Decimal::from(self.min_shares)
    }

    /// Whether an application is admitted at once or waits for the board.
    pub fn admission(&self) -> Admission {
        self.admission
    }

    /// Whether a member of this class may also belong to another class.
    pub fn combinable(&self) -> bool {
        self.combinable
    }

    /// The dues members of this class pay, if any.
    pub fn dues(&self) -> Option<&DuesRule> {
        self.dues.as_ref()
    }
}

/// Who may join a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Persons {
    /// People.
    Natural,
    /// Organisations, which vote through a recorded representative.
    Legal,
    /// Either.
    #[default]
    Any,
}

/// How an application to a class is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Admission {
    /// The board admits or refuses each application.
    #[default]
    Board,
    /// Every application is admitted when it is made.
    Automatic,
}

/// Dues: an amount charged every period, overdue after the grace days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DuesRule {
    /// The amount per period.
    #[serde(deserialize_with = "exact::decimal")]
    pub amount: Decimal,
    /// How often dues are charged.
    pub period: Period,
    /// Days after the due date before unpaid dues cost a member good standing: at most
    /// [`MAX_GRACE_DAYS`].
    #[serde(default)]
    pub grace_days: u32,
}

/// The longest grace for dues, in days: ten years.
pub const MAX_GRACE_DAYS: u32 = 3_660;

/// How often dues fall due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Period {
    /// Every month.
    Monthly,
    /// Every three months.
    Quarterly,
    /// Every year.
    Yearly,
}

impl Period {
    /// Whether a period of this length starts on `date`: periods are counted from the
    /// first day of the financial year (a quarter starts 0, 3, 6 or 9 months after it).
    pub fn starts_on(self, year: FinancialYear, date: NaiveDate) -> bool {
        let months = match self {
            Period::Monthly => 1,
            Period::Quarterly => 3,
            Period::Yearly => 12,
        };
        let start = year.start_of(date);
        (0..12 / months).any(|k| start + Months::new(k * months) == date)
    }
}

/// The first day of the financial year, as month and day (`"01-01"`, `"07-01"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinancialYear {
    starts: MonthDay,
}

impl Default for FinancialYear {
    fn default() -> Self {
        FinancialYear {
            starts: MonthDay { month: 1, day: 1 },
        }
    }
}

impl FinancialYear {
    /// A financial year starting on `month`-`day` (not 29 February).
    pub fn starting(month: u32, day: u32) -> Option<Self> {
        MonthDay::new(month, day).map(|starts| FinancialYear { starts })
    }

    /// The first day of the financial year that contains `date`.
    pub fn start_of(self, date: NaiveDate) -> NaiveDate {
        let this_year = self.starts.in_year(date.year());
        if this_year <= date {
            this_year
        } else {
            self.starts.in_year(date.year() - 1)
        }
    }

    /// The last day of the financial year that contains `date`.
    pub fn end_of(self, date: NaiveDate) -> NaiveDate {
        let next = self.start_of(date) + Months::new(12);
        next.pred_opt().unwrap_or(next)
    }

    /// The number of days in the financial year that starts on `start`.
    pub fn days_from(self, start: NaiveDate) -> i64 {
        ((start + Months::new(12)) - start).num_days()
    }
}

/// A month and day, written `MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
struct MonthDay {
    month: u32,
    day: u32,
}

impl MonthDay {
    fn new(month: u32, day: u32) -> Option<Self> {
        // 2021 is not a leap year: 29 February cannot start a year every year.
        NaiveDate::from_ymd_opt(2021, month, day).map(|_| MonthDay { month, day })
    }

    fn in_year(self, year: i32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, self.month, self.day).unwrap_or(NaiveDate::MIN)
    }
}

impl TryFrom<String> for MonthDay {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        text.split_once('-')
            .and_then(|(m, d)| Some((m.parse().ok()?, d.parse().ok()?)))
            .and_then(|(m, d)| MonthDay::new(m, d))
            .ok_or_else(|| {
                format!("`{text}` is not a month and day such as `01-01` (and not `02-29`)")
            })
    }
}

impl From<MonthDay> for String {
    fn from(md: MonthDay) -> String {
        format!("{:02}-{:02}", md.month, md.day)
    }
}

/// Resignation and repayment of capital.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExitRules {
    /// Notice must reach the co-op at least this many months before the end of the
    /// financial year for the exit to take effect at that year end (else the next one).
    pub notice_months: u32,
    /// Months between the exit and the first repayment of capital.
    pub payout_delay_months: u32,
    /// Whether repayment is capped by the member's share of the co-op's equity.
    pub cap_to_equity_share: bool,
}

impl Default for ExitRules {
    /// The Swedish law on economic associations: one month's notice, repayment six
    /// months after exit, capped by the member's share of equity.
    fn default() -> Self {
        ExitRules {
            notice_months: 1,
            payout_delay_months: 6,
            cap_to_equity_share: true,
        }
    }
}

/// Who may be on the voting roll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Eligibility {
    /// Days a membership must have been effective on the record date.
    pub min_membership_days: u32,
    /// Whether members with overdue dues are left off the roll.
    pub good_standing: bool,
}

impl Default for Eligibility {
    fn default() -> Self {
        Eligibility {
            min_membership_days: 0,
            good_standing: true,
        }
    }
}

/// What capital may earn and what a surplus must keep.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CapitalRules {
    /// The highest yearly interest rate on paid-in capital (`"0.05"` is 5 %).
    #[serde(deserialize_with = "exact::decimal")]
    pub interest_cap: Decimal,
    /// The least share of a surplus that goes to the indivisible reserve.
    #[serde(deserialize_with = "exact::decimal")]
    pub min_reserve: Decimal,
}

/// What a member's patronage (use of the co-op) is measured in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Patronage {
    /// Such as `purchases in SEK` or `hours worked`.
    pub basis: String,
}

impl Default for Patronage {
    fn default() -> Self {
        Patronage {
            basis: "purchases".to_owned(),
        }
    }
}

/// How votes are weighed at a general meeting.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "kebab-case", deny_unknown_fields)]
pub enum VotingRule {
    /// One member, one vote.
    #[default]
    OneMemberOneVote,
    /// Each college (one class) carries a fixed share of the vote, split equally among
    /// its eligible members. A member in several classes votes in the first of the
    /// colleges, in this order, whose class they hold. A class without a college does not
    /// vote. An empty college's share goes to the others in proportion to their weights,
    /// but never above a college's cap.
    Colleges {
        /// The colleges, weights in percent summing to 100.
        colleges: Vec<College>,
    },
}

/// A voting college.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct College {
    /// The class that forms it.
    pub class: ClassId,
    /// Its share of the vote, in percent.
    #[serde(deserialize_with = "exact::decimal")]
    pub weight: Decimal,
    /// The largest share it may reach when empty colleges' shares are passed on.
    #[serde(
        default,
        deserialize_with = "exact::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub cap: Option<Decimal>,
}

impl VotingRule {
    fn check(&self, classes: &[MemberClass]) -> Result<(), StatutesError> {
        let VotingRule::Colleges { colleges } = self else {
            return Ok(());
        };
        let mut seen = BTreeSet::new();
        let mut sum = Decimal::ZERO;
        for college in colleges {
            if !classes.iter().any(|c| c.id == college.class) {
                return Err(StatutesError::UnknownClass {
                    class: college.class.clone(),
                    place: "voting.colleges",
                });
            }
            if !seen.insert(&college.class) {
                return Err(StatutesError::DuplicateCollege {
                    class: college.class.clone(),
                });
            }
            if college.weight <= Decimal::ZERO {
                return Err(StatutesError::CollegeWeight {
                    class: college.class.clone(),
                    weight: college.weight,
                });
            }
            if let Some(cap) = college.cap
                && (cap < college.weight || cap > Decimal::ONE_HUNDRED)
            {
                return Err(StatutesError::CollegeCap {
                    class: college.class.clone(),
                    cap,
                    weight: college.weight,
                });
            }
            sum += college.weight;
        }
        if sum != Decimal::ONE_HUNDRED {
            return Err(StatutesError::WeightsSum { sum });
        }
        Ok(())
    }
}

impl FromStr for Statutes {
    type Err = StatutesError;
    fn from_str(text: &str) -> Result<Self, StatutesError> {
        Statutes::from_toml(text)
    }
}

impl fmt::Display for Persons {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Persons::Natural => "natural persons",
            Persons::Legal => "legal persons",
            Persons::Any => "natural or legal persons",
        })
    }
}

/// Statutes the ledger cannot take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StatutesError {
    /// The file is larger than [`MAX_STATUTES_BYTES`].
    #[error("the statutes are {bytes} bytes, more than the {MAX_STATUTES_BYTES} read")]
    TooLarge {
        /// Its size.
        bytes: usize,
    },
    /// Not TOML of the statutes' shape.
    #[error("the statutes do not read: {reason}")]
    Syntax {
        /// What the parser said, with the line.
        reason: String,
    },
    /// The name is empty or longer than 200 bytes.
    #[error("the statutes need a `name` of 1 to 200 bytes")]
    Name,
    /// No member classes.
    #[error("the statutes name no member classes: add a `[[classes]]` table")]
    NoClasses,
    /// A class is declared twice.
    #[error("class `{class}` is declared twice")]
    DuplicateClass {
        /// The class.
        class: ClassId,
    },
    /// A nominal price that is not a positive amount in the currency.
    #[error(
        "class `{class}` has nominal `{nominal}`, which is not a positive amount in the currency"
    )]
    Nominal {
        /// The class.
        class: ClassId,
        /// The price.
        nominal: Decimal,
    },
    /// `min_shares` is 0.
    #[error("class `{class}` must require at least one share (`min_shares`)")]
    MinShares {
        /// The class.
        class: ClassId,
    },
    /// A class whose shares cost more than the ledger takes in one amount.
    #[error(
        "class `{class}`'s {what} of {shares} at nominal `{nominal}` cost more than the ledger takes in one amount (at most {MAX_AMOUNT})"
    )]
    Capital {
        /// The class.
        class: ClassId,
        /// `min_shares` or `max_shares`.
        what: &'static str,
        /// The shares.
        shares: u32,
        /// The price of one.
        nominal: Decimal,
    },
    /// Grace days beyond [`MAX_GRACE_DAYS`].
    #[error("class `{class}` has dues with `grace_days = {days}`; at most {MAX_GRACE_DAYS}")]
    GraceDays {
        /// The class.
        class: ClassId,
        /// The days.
        days: u32,
    },
    /// `max_shares` below `min_shares`.
    #[error("class `{class}` has `max_shares` below `min_shares`")]
    MaxBelowMin {
        /// The class.
        class: ClassId,
    },
    /// Dues that are not a positive amount in the currency.
    #[error(
        "class `{class}` has dues of `{amount}`, which is not a positive amount in the currency"
    )]
    Dues {
        /// The class.
        class: ClassId,
        /// The amount.
        amount: Decimal,
    },
    /// A class named where only declared classes may be.
    #[error("`{place}` names class `{class}`, which the statutes do not declare")]
    UnknownClass {
        /// The class.
        class: ClassId,
        /// Where.
        place: &'static str,
    },
    /// Two colleges for one class.
    #[error("class `{class}` has two voting colleges")]
    DuplicateCollege {
        /// The class.
        class: ClassId,
    },
    /// A college weight that is not positive.
    #[error("the college of `{class}` has weight `{weight}`; weights are positive percentages")]
    CollegeWeight {
        /// The class.
        class: ClassId,
        /// The weight.
        weight: Decimal,
    },
    /// A college cap below its weight or above 100.
    #[error(
        "the college of `{class}` has cap `{cap}`, which must lie between its weight `{weight}` and 100"
    )]
    CollegeCap {
        /// The class.
        class: ClassId,
        /// The cap.
        cap: Decimal,
        /// The weight.
        weight: Decimal,
    },
    /// Weights that do not sum to 100.
    #[error("college weights sum to `{sum}`, not 100")]
    WeightsSum {
        /// Their sum.
        sum: Decimal,
    },
    /// A rate or share outside 0 to 1.
    #[error("`{what}` is `{value}`; it is a fraction between 0 and 1 (`0.05` is 5 %)")]
    Fraction {
        /// Which setting.
        what: &'static str,
        /// Its value.
        value: Decimal,
    },
}

/// Exact numbers from TOML or JSON: strings (`"500.00"`) and integers, never binary
/// floating point, which cannot hold most decimal fractions.
mod exact {
    use std::fmt;

    use rust_decimal::Decimal;
    use serde::Deserializer;
    use serde::de::{Error, Visitor};

    struct Exact;

    impl Visitor<'_> for Exact {
        type Value = Decimal;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a decimal number written as a string, such as \"500.00\"")
        }

        fn visit_str<E: Error>(self, text: &str) -> Result<Decimal, E> {
            text.trim()
                .parse()
                .map_err(|_| E::custom(format!("`{text}` is not a decimal number")))
        }

        fn visit_i64<E: Error>(self, n: i64) -> Result<Decimal, E> {
            Ok(Decimal::from(n))
        }

        fn visit_u64<E: Error>(self, n: u64) -> Result<Decimal, E> {
            Ok(Decimal::from(n))
        }

        fn visit_f64<E: Error>(self, x: f64) -> Result<Decimal, E> {
            Err(E::custom(format!(
                "write `{x}` as a string (\"{x}\"): floating point cannot hold amounts exactly"
            )))
        }
    }

    pub(super) fn decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(Exact)
    }

    #[derive(serde::Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "decimal")] Decimal);

    pub(super) fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        let value: Option<Wrapped> = serde::Deserialize::deserialize(d)?;
        Ok(value.map(|Wrapped(x)| x))
    }
}
