//! Money at a currency's scale, and allocations whose parts sum exactly to the whole.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// The currency a ledger keeps its books in: an ISO 4217 code and the number of
/// decimals its amounts have (2 for SEK and EUR, 0 for JPY).
///
/// ```
/// use andel_ledger::money::Currency;
/// use rust_decimal::Decimal;
///
/// let sek = Currency::new("SEK", 2)?;
/// assert_eq!(sek.amount("12.5".parse()?)?.to_string(), "12.50");
/// assert!(sek.amount("12.505".parse()?).is_err()); // a third decimal is refused, not rounded
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "CurrencyRepr", into = "CurrencyRepr")]
pub struct Currency {
    code: String,
    scale: u32,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CurrencyRepr {
    code: String,
    scale: u32,
}

impl TryFrom<CurrencyRepr> for Currency {
    type Error = MoneyError;
    fn try_from(repr: CurrencyRepr) -> Result<Self, MoneyError> {
        Currency::new(&repr.code, repr.scale)
    }
}

impl From<Currency> for CurrencyRepr {
    fn from(currency: Currency) -> Self {
        CurrencyRepr {
            code: currency.code,
            scale: currency.scale,
        }
    }
}

/// The largest amount the ledger takes, in any one place (a price, a payment, a charge,
/// a subscription), positive or negative: 10¹⁵, a thousand million million. Amounts are
/// bounded where they are read so that every total of a ledger (many members, many
/// years) stays far inside a decimal's 28 digits, and no accepted event can overflow
/// when it is replayed.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

/// The largest scale a currency may have: amounts keep room for totals of many members.
pub const MAX_SCALE: u32 = 6;

impl Currency {
    /// A currency with a three-letter upper-case code and `scale` decimals (at most
    /// [`MAX_SCALE`]).
    ///
    /// # Errors
    ///
    /// A code that is not three ASCII capitals, or a scale above [`MAX_SCALE`].
    pub fn new(code: &str, scale: u32) -> Result<Self, MoneyError> {
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(MoneyError::Code {
                code: code.to_owned(),
            });
        }
        if scale > MAX_SCALE {
            return Err(MoneyError::Scale { scale });
        }
        Ok(Currency {
            code: code.to_owned(),
            scale,
        })
    }

    /// The ISO 4217 code, such as `SEK`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The number of decimals of an amount.
    pub fn scale(&self) -> u32 {
        self.scale
    }

    /// The smallest amount: one cent (öre) at scale 2.
    pub fn unit(&self) -> Decimal {
        Decimal::new(1, self.scale)
    }

    /// `amount` written at the currency's scale (`12.5` becomes `12.50`), if it is
    /// positive and has no more decimals than the currency allows.
    ///
    /// # Errors
    ///
    /// A zero or negative amount, one with too many decimals, or one above
    /// [`MAX_AMOUNT`].
    pub fn amount(&self, amount: Decimal) -> Result<Decimal, MoneyError> {
        if amount <= Decimal::ZERO {
            return Err(MoneyError::NotPositive { amount });
        }
        self.at_scale(amount)
    }

    /// `amount` (which may be zero or negative) written at the currency's scale.
    ///
    /// # Errors
    ///
    /// An amount with more decimals than the currency allows, or beyond
    /// [`MAX_AMOUNT`] either way.
    pub fn at_scale(&self, amount: Decimal) -> Result<Decimal, MoneyError> {
        if amount.abs() > MAX_AMOUNT {
            return Err(MoneyError::TooLarge {
                amount,
                max: MAX_AMOUNT,
            });
        }
        let normal = amount.normalize();
        if normal.scale() > self.scale {
            return Err(MoneyError::TooPrecise {
                amount,
                currency: self.code.clone(),
                scale: self.scale,
            });
        }
        let mut exact = normal;
        exact.rescale(self.scale);
        Ok(exact)
    }

    /// `amount` rounded down (toward zero) to the currency's scale: the named rounding
    /// point for amounts computed from rates and days.
    pub fn truncate(&self, amount: Decimal) -> Decimal {
        let mut rounded = amount.round_dp_with_strategy(self.scale, RoundingStrategy::ToZero);
        rounded.rescale(self.scale);
        rounded
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code)
    }
}

/// An amount or currency the ledger cannot take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    /// The currency code is not three capitals.
    #[error("`{code}` is not a currency code such as `SEK` or `EUR`")]
    Code {
        /// The code.
        code: String,
    },
    /// The scale is too large.
    #[error("a currency cannot have {scale} decimals (at most {MAX_SCALE})")]
    Scale {
        /// The scale.
        scale: u32,
    },
    /// The amount is zero or negative where a positive amount is needed.
    #[error("the amount `{amount}` is not positive")]
    NotPositive {
        /// The amount.
        amount: Decimal,
    },
    /// The amount has more decimals than the currency.
    #[error("the amount `{amount}` has more decimals than {currency} allows ({scale})")]
    TooPrecise {
        /// The amount.
        amount: Decimal,
        /// The currency code.
        currency: String,
        /// The currency's scale.
        scale: u32,
    },
    /// The amount is beyond [`MAX_AMOUNT`].
    #[error("the amount `{amount}` is more than the ledger takes (at most {max})")]
    TooLarge {
        /// The amount.
        amount: Decimal,
        /// The limit.
        max: Decimal,
    },
    /// An allocation has nothing to allocate by.
    #[error("cannot allocate by weights that are all zero")]
    NoWeight,
    /// An allocation weight is negative.
    #[error("allocation weight `{weight}` is negative")]
    NegativeWeight {
        /// The weight.
        weight: Decimal,
    },
    /// The computation left the range of exact decimals.
    #[error("the amounts are too large to compute exactly")]
    Overflow,
}

/// Splits `total` in proportion to `weights` at `scale` decimals so that the parts sum
/// to `total` exactly: each part gets its quota rounded down, and the units left over go
/// one each to the parts with the largest remainders (the largest remainder, or Hamilton,
/// method). Equal remainders favour the earlier weight, so callers order weights by
/// something reproducible, such as member number.
///
/// ```
/// use andel_ledger::money::allocate;
/// use rust_decimal::Decimal;
///
/// let parts = allocate("100.00".parse()?, &[Decimal::ONE; 3], 2)?;
/// assert_eq!(parts, ["33.34".parse::<Decimal>()?, "33.33".parse()?, "33.33".parse()?]);
/// assert_eq!(parts.iter().sum::<Decimal>(), "100.00".parse()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// A negative weight, weights that are all zero, a `total` with more than `scale`
/// decimals or below zero, or numbers too large to compute exactly.
pub fn allocate(
    total: Decimal,
    weights: &[Decimal],
    scale: u32,
) -> Result<Vec<Decimal>, MoneyError> {
    if total < Decimal::ZERO {
        return Err(MoneyError::NotPositive { amount: total });
    }
    if total.normalize().scale() > scale {
        return Err(MoneyError::TooPrecise {
            amount: total,
            currency: "the allocation".to_owned(),
            scale,
        });
    }
    if let Some(&weight) = weights.iter().find(|w| **w < Decimal::ZERO) {
        return Err(MoneyError::NegativeWeight { weight });
    }
    let sum = weights
        .iter()
        .try_fold(Decimal::ZERO, |acc, w| acc.checked_add(*w))
        .ok_or(MoneyError::Overflow)?;
    if sum.is_zero() {
        return Err(MoneyError::NoWeight);
    }
    let unit = Decimal::new(1, scale);
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    let mut given = Decimal::ZERO;
    for (index, weight) in weights.iter().enumerate() {
        let quota = total
            .checked_mul(*weight)
            .and_then(|x| x.checked_div(sum))
            .ok_or(MoneyError::Overflow)?;
        let mut floor = quota.round_dp_with_strategy(scale, RoundingStrategy::ToZero);
        floor.rescale(scale);
        remainders.push((quota - floor, index));
        given += floor;
        parts.push(floor);
    }
    // Decimal division rounds at 28 digits, so a quota may fall a hair short of a
    // whole unit; the leftover count below absorbs that, and is at most one unit per part.
    let leftover = total - given;
    let mut units = (leftover / unit).trunc();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, index) in remainders {
        if units <= Decimal::ZERO {
            break;
        }
        parts[index] += unit;
        units -= Decimal::ONE;
    }
    for part in &mut parts {
        part.rescale(scale);
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn amounts_keep_the_currency_scale() {
        let sek = Currency::new("SEK", 2).unwrap();
        assert_eq!(sek.amount(d("7")).unwrap().to_string(), "7.00");
        assert_eq!(sek.amount(d("7.100")).unwrap().to_string(), "7.10");
        assert!(matches!(
            sek.amount(d("0.001")),
            Err(MoneyError::TooPrecise { .. })
        ));
        assert!(matches!(
            sek.amount(d("-1")),
            Err(MoneyError::NotPositive { .. })
        ));
        assert!(matches!(
            sek.amount(d("0")),
            Err(MoneyError::NotPositive { .. })
        ));
        assert_eq!(sek.truncate(d("1.239")).to_string(), "1.23");
        assert!(Currency::new("sek", 2).is_err());
        assert!(Currency::new("SEK", 9).is_err());
    }

    #[test]
    fn allocation_gives_leftover_units_to_the_largest_remainders() {
        let parts = allocate(d("10.00"), &[d("1"), d("2"), d("3")], 2).unwrap();
        assert_eq!(parts, [d("1.67"), d("3.33"), d("5.00")]);
        let parts = allocate(d("0.02"), &[d("1"); 3], 2).unwrap();
        assert_eq!(parts, [d("0.01"), d("0.01"), d("0.00")]);
        let parts = allocate(d("5"), &[d("0"), d("1")], 0).unwrap();
        assert_eq!(parts, [d("0"), d("5")]);
        assert_eq!(allocate(d("1"), &[d("0")], 2), Err(MoneyError::NoWeight));
        assert!(allocate(d("1"), &[d("-1"), d("2")], 2).is_err());
        assert!(allocate(d("0.001"), &[d("1")], 2).is_err());
    }
}
