//! Questions answered as of a date: the register, the voting roll, a member's
//! statement, the balances.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::books::{Account, AccountId, Posting, Side};
use crate::event::Person;
use crate::ids::{ClassId, MemberNumber, TxnId};
use crate::ledger::Ledger;
use crate::member::{Holding, Status};
use crate::money::{MoneyError, allocate};
use crate::statutes::{College, VotingRule};

/// The decimals of a college voter's weight, in percent: enough that 100 % shared by a
/// million members keeps eight significant digits each.
pub const ROLL_SCALE: u32 = 12;

/// The register of members as of a date: everyone admitted by then, current and former.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Register {
    /// The date.
    pub as_of: NaiveDate,
    /// The currency of the amounts.
    pub currency: String,
    /// One row per member, by member number.
    pub rows: Vec<RegisterRow>,
}

/// One member in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRow {
    /// Member number.
    pub member: MemberNumber,
    /// Name.
    pub name: Arc<str>,
    /// Person or organisation.
    pub person: Person,
    /// Status on the date.
    pub status: Status,
    /// Classes, shares and capital.
    pub holdings: Vec<Holding>,
    /// Shares over all classes.
    pub shares: u64,
    /// Capital paid in.
    pub paid_in: Decimal,
    /// Capital subscribed and unpaid, plus dues outstanding.
    pub outstanding: Decimal,
    /// Capital to be repaid after exit.
    pub to_repay: Decimal,
    /// Entry (admission) date.
    pub entered_on: Option<NaiveDate>,
    /// Exit date.
    pub exited_on: Option<NaiveDate>,
}

/// The voting roll at a record date: each eligible member once, with the weight the
/// statutes give. Plain data, meant to be handed to a decision procedure as its
/// electorate (its JSON form is documented in the book).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VotingRoll {
    /// The record date.
    pub as_of: NaiveDate,
    /// `one-member-one-vote` or `colleges`.
    pub rule: String,
    /// The voters, by member number.
    pub voters: Vec<Voter>,
    /// The sum of the weights: the number of voters, or 100 (percent) under colleges
    /// (less only if every non-empty college hit its cap).
    pub total_weight: Decimal,
}

/// One voter on the roll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voter {
    /// Member number.
    pub member: MemberNumber,
    /// Name.
    pub name: Arc<str>,
    /// Who votes for an organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub representative: Option<String>,
    /// The college voted in, under colleges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub college: Option<ClassId>,
    /// The vote's weight: 1, or a share of 100 % under colleges.
    pub weight: Decimal,
}

/// A member's money history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// Member number.
    pub member: MemberNumber,
    /// Name.
    pub name: Arc<str>,
    /// The date the statement runs to.
    pub as_of: NaiveDate,
    /// Every transaction to that date that touched the member's accounts, in order.
    pub lines: Vec<StatementLine>,
    /// The member's balances on that date, on each account's normal side.
    pub balances: BTreeMap<Account, Decimal>,
}

/// One transaction on a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementLine {
    /// Date.
    pub on: NaiveDate,
    /// Transaction, written `T1` in JSON as in text.
    #[serde(with = "crate::ids::txn_text")]
    pub txn: TxnId,
    /// What it was.
    pub what: String,
    /// Its postings to the member's accounts.
    pub postings: Vec<Posting>,
}

/// Balances of every account as of a date, over all members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balances {
    /// The date.
    pub as_of: NaiveDate,
    /// Each account's balance on its normal side, summed over members.
    pub accounts: BTreeMap<Account, Decimal>,
    /// Debits minus credits over all postings: always zero.
    pub imbalance: Decimal,
}

impl Ledger {
    /// The register as of `as_of`: every member admitted by then, with their status,
    /// holdings and capital on that date.
    pub fn register(&self, as_of: NaiveDate) -> Register {
        let scale = self.statutes.as_ref().map_or(0, |s| s.currency().scale());
        let money = |mut x: Decimal| {
            x.rescale(scale);
            x
        };
        let rows = self
            .members
            .iter()
            .filter_map(|record| {
                let view = record.at(as_of)?;
                let entered_on = view.admitted_on?;
                let status = view.status_on(as_of);
                Some(RegisterRow {
                    member: record.number,
                    name: record.name.clone(),
                    person: record.person.clone(),
                    shares: view.holdings.iter().map(|h| u64::from(h.shares)).sum(),
                    paid_in: money(view.paid_capital()),
                    outstanding: money(view.unpaid_capital() + view.dues_outstanding),
                    to_repay: money(view.repayable),
                    holdings: view
                        .holdings
                        .iter()
                        .map(|h| Holding {
                            subscribed: money(h.subscribed),
                            paid: money(h.paid),
                            ..h.clone()
                        })
                        .collect(),
                    entered_on: Some(entered_on),
                    exited_on: match status {
                        Status::Exited { on } => Some(on),
                        _ => None,
                    },
                    status,
                })
            })
            .collect();
        Register {
            as_of,
            currency: self
                .statutes
                .as_ref()
                .map(|s| s.currency().code().to_owned())
                .unwrap_or_default(),
            rows,
        }
    }

    /// The voting roll at record date `as_of`: members in force (not suspended), whose
    /// membership is old enough and, if the statutes say so, in good standing; each once,
    /// weighted by the statutes' voting rule.
    ///
    /// # Errors
    ///
    /// Only if weights overflow exact decimals, which takes more voters than exist.
    pub fn roll(&self, as_of: NaiveDate) -> Result<VotingRoll, MoneyError> {
        let Some(statutes) = &self.statutes else {
            return Ok(VotingRoll {
                as_of,
                rule: "one-member-one-vote".to_owned(),
                voters: Vec::new(),
                total_weight: Decimal::ZERO,
            });
        };
        let eligibility = statutes.eligibility();
        let colleges = match statutes.voting() {
            VotingRule::OneMemberOneVote => None,
            VotingRule::Colleges { colleges } => Some(colleges.as_slice()),
        };
        let mut voters = Vec::with_capacity(self.members.len());
        for record in &self.members {
            let Some(view) = record.at(as_of) else {
                continue;
            };
            let (Status::Member | Status::Resigning { .. }) = view.status_on(as_of) else {
                continue;
            };
            let old_enough = view.effective_since.is_some_and(|since| {
                since
                    .checked_add_days(Days::new(u64::from(eligibility.min_membership_days)))
                    .is_some_and(|d| d <= as_of)
            });
            if !old_enough || (eligibility.good_standing && !view.in_good_standing(as_of)) {
                continue;
            }
            let college = match colleges {
                None => None,
                Some(colleges) => match colleges.iter().find(|c| {
                    view.holding(&c.class)
                        .is_some_and(|h| h.paid > Decimal::ZERO)
                }) {
                    Some(college) => Some(college.class.clone()),
                    None => continue, // no voting class held
                },
            };
            voters.push(Voter {
                member: record.number,
                name: record.name.clone(),
                representative: match &record.person {
                    Person::Legal { representative } => Some(representative.clone()),
                    Person::Natural => None,
                },
                college,
                weight: Decimal::ONE,
            });
        }
        let (rule, total_weight) = match colleges {
            None => ("one-member-one-vote", Decimal::from(voters.len() as u64)),
            Some(colleges) => ("colleges", weigh_colleges(colleges, &mut voters)?),
        };
        Ok(VotingRoll {
            as_of,
            rule: rule.to_owned(),
            voters,
            total_weight,
        })
    }

    /// Every transaction dated `as_of` or earlier that touched `member`'s accounts, and
    /// the member's balances on that date. `None` if there is no such member.
    pub fn statement(&self, member: MemberNumber, as_of: NaiveDate) -> Option<Statement> {
        let record = self.record(member)?;
        let mut signed: BTreeMap<Account, Decimal> = BTreeMap::new();
        let lines = self
            .txns
            .iter()
            .enumerate()
            .take_while(|(_, txn)| txn.on <= as_of)
            .filter_map(|(index, txn)| {
                let postings: Vec<Posting> = self
                    .postings_of(txn)
                    .iter()
                    .filter(|p| p.member == Some(member))
                    .cloned()
                    .collect();
                for posting in &postings {
                    *signed.entry(posting.account).or_default() += posting.signed();
                }
                (!postings.is_empty()).then(|| StatementLine {
                    on: txn.on,
                    txn: TxnId::from_index(index),
                    what: txn.origin.name().to_owned(),
                    postings,
                })
            })
            .collect();
        let balances = signed
            .into_iter()
            .map(|(account, balance)| (account, account.normal_side().read(balance)))
            .filter(|(_, b)| !b.is_zero())
            .collect();
        Some(Statement {
            member,
            name: record.name.clone(),
            as_of,
            lines,
            balances,
        })
    }

    /// Balances of every account as of `as_of`, from the transactions dated then or
    /// earlier.
    pub fn balances(&self, as_of: NaiveDate) -> Balances {
        let mut signed: BTreeMap<Account, Decimal> = BTreeMap::new();
        let mut imbalance = Decimal::ZERO;
        for txn in self.txns.iter().take_while(|t| t.on <= as_of) {
            for posting in self.postings_of(txn) {
                *signed.entry(posting.account).or_default() += posting.signed();
                imbalance += posting.signed();
            }
        }
        let accounts = signed
            .into_iter()
            .map(|(account, balance)| (account, account.normal_side().read(balance)))
            .collect();
        Balances {
            as_of,
            accounts,
            imbalance: Side::Debit.read(imbalance),
        }
    }

    /// The balance of one member's account now, on its normal side.
    pub fn member_balance(&self, member: MemberNumber, account: Account) -> Decimal {
        self.books.balance(account, Some(member))
    }

    /// One account's signed balance (debits positive) now.
    pub fn account_balance(&self, account: AccountId) -> Decimal {
        self.books.signed_balance(account)
    }
}

/// Gives each college voter their weight: the college's share of 100 % (empty
/// colleges' shares passed on in proportion to weight, never above a cap), split
/// equally among its voters by largest remainder. Returns the total.
fn weigh_colleges(colleges: &[College], voters: &mut [Voter]) -> Result<Decimal, MoneyError> {
    let count = |class: &ClassId| {
        voters
            .iter()
            .filter(|v| v.college.as_ref() == Some(class))
            .count()
    };
    let present: Vec<&College> = colleges.iter().filter(|c| count(&c.class) > 0).collect();
    if present.is_empty() {
        return Ok(Decimal::ZERO);
    }
    // Water-filling: share out what is left among uncapped colleges by weight; fix any
    // college that would pass its cap at the cap and share out again.
    let mut fixed: Vec<Option<Decimal>> = vec![None; present.len()];
    loop {
        let left = Decimal::ONE_HUNDRED - fixed.iter().flatten().copied().sum::<Decimal>();
        let free: Decimal = present
            .iter()
            .zip(&fixed)
            .filter(|(_, f)| f.is_none())
            .map(|(c, _)| c.weight)
            .sum();
        let mut changed = false;
        for (college, slot) in present.iter().zip(fixed.iter_mut()) {
            if slot.is_none()
                && !free.is_zero()
                && let Some(cap) = college.cap
                && left * college.weight / free > cap
            {
                *slot = Some(cap);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let left = Decimal::ONE_HUNDRED - fixed.iter().flatten().copied().sum::<Decimal>();
    let free: Decimal = present
        .iter()
        .zip(&fixed)
        .filter(|(_, f)| f.is_none())
        .map(|(c, _)| c.weight)
        .sum();
    let exact: Vec<Decimal> = present
        .iter()
        .zip(&fixed)
        .map(|(college, slot)| match slot {
            Some(cap) => *cap,
            None => left * college.weight / free,
        })
        .collect();
    let total = if fixed.iter().all(Option::is_some) {
        exact.iter().copied().sum()
    } else {
        Decimal::ONE_HUNDRED
    };
    let shares = allocate(total, &exact, ROLL_SCALE)?;
    for (college, share) in present.iter().zip(shares) {
        let members: Vec<usize> = voters
            .iter()
            .enumerate()
            .filter(|(_, v)| v.college.as_ref() == Some(&college.class))
            .map(|(i, _)| i)
            .collect();
        let parts = allocate(share, &vec![Decimal::ONE; members.len()], ROLL_SCALE)?;
        for (index, part) in members.into_iter().zip(parts) {
            voters[index].weight = part;
        }
    }
    Ok(total)
}
