//! Double entry: accounts, postings, balances, and the checks every money event passes.

use std::collections::{HashMap, HashSet};
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::fx::BuildFx;
use crate::ids::MemberNumber;
use crate::money::Currency;

/// The accounts a membership ledger posts to. Six are kept per member (a sub-ledger);
/// five belong to the co-op as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Account {
    /// Money received and paid out (co-op).
    Cash,
    /// The clearing account with the co-op's main books, where a year's surplus comes
    /// from (co-op).
    Operations,
    /// Capital a member subscribed and has not paid yet (per member, an asset).
    SubscriptionsReceivable,
    /// Dues charged to a member and not paid yet (per member, an asset).
    DuesReceivable,
    /// A member's share capital, paid or not (per member, equity).
    MemberCapital,
    /// Capital owed back to a member who left (per member, a liability).
    RedemptionsPayable,
    /// Interest on capital allocated to a member and not paid yet (per member).
    InterestPayable,
    /// Patronage refunds allocated to a member and not paid yet (per member).
    RefundsPayable,
    /// The indivisible reserve (co-op, equity).
    Reserve,
    /// A year's surplus waiting to be allocated (co-op, equity).
    Surplus,
    /// Dues earned (co-op, income).
    DuesIncome,
}

impl Account {
    /// Every account, in chart order.
    pub const ALL: [Account; 11] = [
        Account::Cash,
        Account::Operations,
        Account::SubscriptionsReceivable,
        Account::DuesReceivable,
        Account::MemberCapital,
        Account::RedemptionsPayable,
        Account::InterestPayable,
        Account::RefundsPayable,
        Account::Reserve,
        Account::Surplus,
        Account::DuesIncome,
    ];

    /// Whether the account is kept per member.
    pub fn per_member(self) -> bool {
        matches!(
            self,
            Account::SubscriptionsReceivable
                | Account::DuesReceivable
                | Account::MemberCapital
                | Account::RedemptionsPayable
                | Account::InterestPayable
                | Account::RefundsPayable
        )
    }

    /// The side its balance normally lies on: debit for assets, credit for equity,
    /// liabilities and income.
    pub fn normal_side(self) -> Side {
        match self {
            Account::Cash
            | Account::Operations
            | Account::SubscriptionsReceivable
            | Account::DuesReceivable => Side::Debit,
            _ => Side::Credit,
        }
    }

    /// Whether the balance may cross to the other side. A member's holdings and claims,
    /// the reserve and the surplus never do; cash and the clearing accounts mirror the
    /// main books and may.
    pub fn may_cross_zero(self) -> bool {
        matches!(
            self,
            Account::Cash | Account::Operations | Account::DuesIncome
        )
    }

    /// The account's name, as postings spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Account::Cash => "cash",
            Account::Operations => "operations",
            Account::SubscriptionsReceivable => "subscriptions_receivable",
            Account::DuesReceivable => "dues_receivable",
            Account::MemberCapital => "member_capital",
            Account::RedemptionsPayable => "redemptions_payable",
            Account::InterestPayable => "interest_payable",
            Account::RefundsPayable => "refunds_payable",
            Account::Reserve => "reserve",
            Account::Surplus => "surplus",
            Account::DuesIncome => "dues_income",
        }
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Debit or credit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Left: increases assets, decreases equity and liabilities.
    Debit,
    /// Right: the opposite.
    Credit,
}

impl Side {
    /// The other side.
    pub fn flipped(self) -> Side {
        match self {
            Side::Debit => Side::Credit,
            Side::Credit => Side::Debit,
        }
    }

    /// A signed amount (debits positive) read on this side: as it is on the debit
    /// side, negated on the credit side. Zero is never negative (`0.00`, not `-0.00`),
    /// whichever side it is read on.
    ///
    /// ```
    /// use andel_ledger::books::Side;
    /// use rust_decimal::Decimal;
    ///
    /// let zero: Decimal = "0.00".parse().unwrap();
    /// assert_eq!(Side::Credit.read(zero).to_string(), "0.00");
    /// assert_eq!(Side::Credit.read("-5.00".parse().unwrap()).to_string(), "5.00");
    /// ```
    pub fn read(self, signed: Decimal) -> Decimal {
        let mut amount = match self {
            Side::Debit => signed,
            Side::Credit => -signed,
        };
        if amount.is_zero() {
            amount.set_sign_positive(true);
        }
        amount
    }
}

/// An account of the chart, for the co-op or for one member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AccountId {
    /// The account.
    pub account: Account,
    /// The member, for accounts kept per member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<MemberNumber>,
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.member {
            Some(member) => write!(f, "{} of member {member}", self.account),
            None => write!(f, "{}", self.account),
        }
    }
}

/// One line of a money event: an amount on one side of one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posting {
    /// The account.
    pub account: Account,
    /// The member, for accounts kept per member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<MemberNumber>,
    /// Debit or credit.
    pub side: Side,
    /// A positive amount at the currency's scale.
    pub amount: Decimal,
}

impl Posting {
    /// A debit.
    pub fn debit(account: Account, member: Option<MemberNumber>, amount: Decimal) -> Self {
        Posting {
            account,
            member,
            side: Side::Debit,
            amount,
        }
    }

    /// A credit.
    pub fn credit(account: Account, member: Option<MemberNumber>, amount: Decimal) -> Self {
        Posting {
            account,
            member,
            side: Side::Credit,
            amount,
        }
    }

    /// The account posted to.
    pub fn account_id(&self) -> AccountId {
        AccountId {
            account: self.account,
            member: self.member,
        }
    }

    /// The amount with debits positive and credits negative.
    pub fn signed(&self) -> Decimal {
        match self.side {
            Side::Debit => self.amount,
            Side::Credit => -self.amount,
        }
    }

    /// The same amount on the other side: the line that undoes this one.
    pub fn reversed(&self) -> Posting {
        Posting {
            side: self.side.flipped(),
            ..self.clone()
        }
    }
}

/// Why postings were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PostingError {
    /// Debits and credits differ.
    #[error("postings do not balance: debits exceed credits by `{difference}`")]
    Unbalanced {
        /// Debits minus credits.
        difference: Decimal,
    },
    /// An amount that is not positive or has too many decimals.
    #[error("posting to {account} has amount `{amount}`, not a positive amount in {currency}")]
    Amount {
        /// The account.
        account: AccountId,
        /// The amount.
        amount: Decimal,
        /// The currency.
        currency: String,
    },
    /// A member account without a member, or a co-op account with one.
    #[error("posting to `{account}` {problem}")]
    Owner {
        /// The account.
        account: Account,
        /// What is wrong.
        problem: &'static str,
    },
    /// A posting to a member's account after it was closed.
    #[error("{account} is closed")]
    Closed {
        /// The account.
        account: AccountId,
    },
    /// A balance would cross to the wrong side: a holding below zero.
    #[error("{account} would be `{balance}` on its normal side; it cannot go below zero")]
    Negative {
        /// The account.
        account: AccountId,
        /// The balance it would have, on its normal side.
        balance: Decimal,
    },
}

/// Balances of every account, and which members' accounts are closed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Books {
    pub(crate) balances: HashMap<AccountId, Decimal, BuildFx>,
    /// Each account summed over members, debits positive, in [`Account::ALL`] order.
    pub(crate) totals: [Decimal; 11],
    pub(crate) closed: HashSet<MemberNumber, BuildFx>,
}

impl Books {
    /// The balance of `account` with debits positive.
    pub fn signed_balance(&self, account: AccountId) -> Decimal {
        self.balances.get(&account).copied().unwrap_or_default()
    }

    /// The balance of `account` on its normal side (a member's capital as a positive
    /// amount, say).
    pub fn balance(&self, account: Account, member: Option<MemberNumber>) -> Decimal {
        let signed = self.signed_balance(AccountId { account, member });
        account.normal_side().read(signed)
    }

    /// Every account with a balance, debits positive, in chart order then by member.
    pub fn balances(&self) -> Vec<(AccountId, Decimal)> {
        let mut all: Vec<_> = self
            .balances
            .iter()
            .map(|(id, amount)| (*id, *amount))
            .collect();
        all.sort();
        all
    }

    /// The balance of `account` summed over all members, on its normal side.
    pub fn total(&self, account: Account) -> Decimal {
        account.normal_side().read(self.totals[account as usize])
    }

    /// Whether a member's accounts are closed.
    pub fn is_closed(&self, member: MemberNumber) -> bool {
        self.closed.contains(&member)
    }

    /// Checks postings against the double-entry rules: positive
    /// amounts at the currency's scale; member accounts named with a member and co-op
    /// accounts without; no closed account; debits equal credits; and no holding or
    /// claim below zero afterwards.
    ///
    /// # Errors
    ///
    /// The first rule broken.
    pub fn check(&self, postings: &[Posting], currency: &Currency) -> Result<(), PostingError> {
        // A money event touches a handful of accounts: a list beats a map here.
        let mut changes: Vec<(AccountId, Decimal)> = Vec::with_capacity(postings.len());
        let mut total = Decimal::ZERO;
        for posting in postings {
            let id = posting.account_id();
            if currency.amount(posting.amount).is_err() {
                return Err(PostingError::Amount {
                    account: id,
                    amount: posting.amount,
                    currency: currency.code().to_owned(),
                });
            }
            match (posting.account.per_member(), posting.member) {
                (true, None) => {
                    return Err(PostingError::Owner {
                        account: posting.account,
                        problem: "needs a member",
                    });
                }
                (false, Some(_)) => {
                    return Err(PostingError::Owner {
                        account: posting.account,
                        problem: "belongs to the co-op, not a member",
                    });
                }
                (true, Some(member)) if self.closed.contains(&member) => {
                    return Err(PostingError::Closed { account: id });
                }
                _ => {}
            }
            match changes.iter_mut().find(|(a, _)| *a == id) {
                Some((_, change)) => *change += posting.signed(),
                None => changes.push((id, posting.signed())),
            }
            total += posting.signed();
        }
        if !total.is_zero() {
            return Err(PostingError::Unbalanced { difference: total });
        }
        for (id, change) in changes {
            if id.account.may_cross_zero() {
                continue;
            }
            let after = self.signed_balance(id) + change;
            let normal = id.account.normal_side().read(after);
            if normal < Decimal::ZERO {
                return Err(PostingError::Negative {
                    account: id,
                    balance: normal,
                });
            }
        }
        Ok(())
    }

    /// Posts checked postings.
    pub(crate) fn post(&mut self, postings: &[Posting]) {
        for posting in postings {
            self.totals[posting.account as usize] += posting.signed();
            *self.balances.entry(posting.account_id()).or_default() += posting.signed();
        }
    }

    pub(crate) fn close(&mut self, member: MemberNumber) {
        self.closed.insert(member);
    }

    /// Whether every account of `member` is at zero.
    pub fn member_settled(&self, member: MemberNumber) -> bool {
        Account::ALL
            .iter()
            .filter(|a| a.per_member())
            .all(|a| self.balance(*a, Some(member)).is_zero())
    }

    /// Debits minus credits over every account: zero in balanced books.
    pub fn imbalance(&self) -> Decimal {
        Side::Debit.read(self.totals.iter().copied().sum())
    }
}
