//! The ledger's snapshot format (`ledger.state.v1`): its whole state in a binary
//! encoding of its own, so that a large co-op's ledger opens from its latest snapshot
//! and replays only the events after it ([`open_ledger_from`](crate::open_ledger_from)).
//!
//! The layout, in order: the statutes as JSON; the members (each with their
//! dated views, dues charges, redemption schedule and patronage); the transactions; the
//! postings; the balances, totals and closed accounts; the payment keys; the surpluses;
//! the latest date, the event count, and the paid-capital history. Integers are LEB128,
//! decimals a byte of sign and scale and their magnitude in LEB128, dates days from the
//! common era, strings and lists length-prefixed (see `codec.rs`).
//!
//! Decoding treats the bytes as hostile and checks what it can on the way (lengths,
//! tags, ids, decimals, dates, member numbers in order, transactions' postings within
//! the list, class names the statutes know); what only a replay can tell, a snapshot
//! that does not match its journal, `Stored::check_snapshot` finds.

mod codec;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use andel_journal::Snapshotted;

use crate::books::{Account, Books, Posting, Side};
use crate::event::{ExitCause, Instalment, Person, Purpose};
use crate::fx::BuildFx;
use crate::ids::{ClassId, MemberNumber, PaymentKey, TxnId};
use crate::ledger::{Ledger, Origin, SurplusRecord, TxnRecord};
use crate::member::{Charge, Holding, MemberRecord, MemberView};
use crate::statutes::Statutes;

use codec::{Read, Reader, Writer};

impl Snapshotted for Ledger {
    const FORMAT: &'static str = "ledger.state.v1";

    fn encode_state(&self) -> Vec<u8> {
        let mut w = Writer::default();
        self.write(&mut w);
        w.bytes
    }

    fn decode_state(bytes: &[u8]) -> Result<Self, String> {
        let mut r = Reader::new(bytes);
        let ledger = Ledger::read(&mut r).map_err(|err| err.to_string())?;
        r.finish().map_err(|err| err.to_string())?;
        Ok(ledger)
    }
}

impl Ledger {
    fn write(&self, w: &mut Writer) {
        let statutes = self.statutes.as_ref().map(|statutes| {
            // Statutes are plain data; writing them as JSON cannot fail.
            serde_json::to_string(&**statutes).unwrap_or_default()
        });
        w.option(statutes.as_deref(), Writer::str);
        w.list(self.members.iter(), |w, member| member.write(w));
        w.list(self.txns.iter(), |w, txn| txn.write(w));
        w.list(self.postings.iter(), write_posting);
        write_books(w, &self.books);
        w.len(self.payments.len());
        for (key, txn) in &self.payments {
            w.str(key.as_str());
            w.u64(txn.get());
        }
        w.len(self.surpluses.len());
        for (year, surplus) in &self.surpluses {
            w.date(*year);
            w.decimal(surplus.amount);
            w.u64(surplus.txn.get());
            w.bool(surplus.allocated);
        }
        w.option(self.latest, Writer::date);
        w.u64(self.events);
        w.list(self.paid_capital.iter(), |w, (on, paid)| {
            w.date(*on);
            w.decimal(*paid);
        });
    }

    fn read(r: &mut Reader<'_>) -> Read<Ledger> {
        let statutes = match r.option(|r| r.str())? {
            None => None,
            Some(json) => Some(Arc::new(read_statutes(r, json)?)),
        };
        let classes = Classes::of(statutes.as_deref());
        let members: Vec<MemberRecord> = r.list(|r| MemberRecord::read(r, &classes))?;
        for (index, member) in members.iter().enumerate() {
            if member.number != MemberNumber::from_index(index) {
                return r.fail(format!(
                    "member {} is in place {} of the register",
                    member.number,
                    index + 1
                ));
            }
        }
        let txns: Vec<TxnRecord> = r.list(|r| TxnRecord::read(r, &classes))?;
        let postings: Vec<Posting> = r.list(read_posting)?;
        let mut end = 0;
        for txn in &txns {
            if txn.postings.start != end || txn.postings.end > postings.len() {
                return r.fail("a transaction's postings are not the next in the list");
            }
            end = txn.postings.end;
        }
        let books = read_books(r)?;
        let count = r.len()?;
        let mut payments = HashMap::with_capacity_and_hasher(count, BuildFx::default());
        for _ in 0..count {
            let key = r.str()?;
            let key = PaymentKey::new(key).or_else(|err| r.fail(err.to_string()))?;
            let txn = read_txn_id(r)?;
            payments.insert(key, txn);
        }
        let count = r.len()?;
        let mut surpluses = BTreeMap::new();
        for _ in 0..count {
            let year = r.date()?;
            let record = SurplusRecord {
                amount: r.decimal()?,
                txn: read_txn_id(r)?,
                allocated: r.bool()?,
            };
            surpluses.insert(year, record);
        }
        Ok(Ledger {
            statutes,
            members,
            txns,
            postings,
            books,
            payments,
            surpluses,
            latest: r.option(Reader::date)?,
            events: r.u64()?,
            paid_capital: r.list(|r| Ok((r.date()?, r.decimal()?)))?,
        })
    }
}

fn read_statutes(r: &Reader<'_>, json: &str) -> Read<Statutes> {
    let statutes: Statutes =
        serde_json::from_str(json).or_else(|err| r.fail(format!("statutes: {err}")))?;
    statutes
        .check()
        .or_else(|err| r.fail(format!("statutes: {err}")))?;
    Ok(statutes)
}

/// The statutes' class names, so that every holding and charge of a class shares its
/// name instead of holding a copy, as after a replay.
struct Classes(Vec<ClassId>);

impl Classes {
    fn of(statutes: Option<&Statutes>) -> Self {
        Classes(statutes.map_or_else(Vec::new, |statutes| {
            statutes.classes().iter().map(|c| c.id().clone()).collect()
        }))
    }

    fn read(&self, r: &mut Reader<'_>) -> Read<ClassId> {
        let name = r.str()?;
        match self.0.iter().find(|class| class.as_str() == name) {
            Some(class) => Ok(class.clone()),
            None => r.fail(format!("class `{name}` is not in the statutes")),
        }
    }
}

fn read_member(r: &mut Reader<'_>) -> Read<MemberNumber> {
    let n = r.u32()?;
    MemberNumber::new(n).map_or_else(|| r.fail("member number 0"), Ok)
}

fn read_txn_id(r: &mut Reader<'_>) -> Read<TxnId> {
    let n = r.u64()?;
    TxnId::new(n).map_or_else(|| r.fail("transaction number 0"), Ok)
}

fn read_account(r: &mut Reader<'_>) -> Read<Account> {
    let tag = r.tag()?;
    match Account::ALL.get(usize::from(tag)) {
        Some(account) => Ok(*account),
        None => r.fail(format!("{tag} is not an account")),
    }
}

fn write_posting(w: &mut Writer, posting: &Posting) {
    w.tag(posting.account as u8);
    w.option(posting.member, |w, member| w.u32(member.get()));
    w.tag(match posting.side {
        Side::Debit => 0,
        Side::Credit => 1,
    });
    w.decimal(posting.amount);
}

fn read_posting(r: &mut Reader<'_>) -> Read<Posting> {
    Ok(Posting {
        account: read_account(r)?,
        member: r.option(read_member)?,
        side: match r.tag()? {
            0 => Side::Debit,
            1 => Side::Credit,
            other => return r.fail(format!("{other} is not a side")),
        },
        amount: r.decimal()?,
    })
}

fn write_books(w: &mut Writer, books: &Books) {
    w.len(books.balances.len());
    for (account, balance) in &books.balances {
        w.tag(account.account as u8);
        w.option(account.member, |w, member| w.u32(member.get()));
        w.decimal(*balance);
    }
    for total in &books.totals {
        w.decimal(*total);
    }
    w.len(books.closed.len());
    for member in &books.closed {
        w.u32(member.get());
    }
}

fn read_books(r: &mut Reader<'_>) -> Read<Books> {
    let count = r.len()?;
    let mut balances = HashMap::with_capacity_and_hasher(count, BuildFx::default());
    for _ in 0..count {
        let account = crate::books::AccountId {
            account: read_account(r)?,
            member: r.option(read_member)?,
        };
        balances.insert(account, r.decimal()?);
    }
    let mut totals = [rust_decimal::Decimal::ZERO; 11];
    for total in &mut totals {
        *total = r.decimal()?;
    }
    let count = r.len()?;
    let mut closed = HashSet::with_capacity_and_hasher(count, BuildFx::default());
    for _ in 0..count {
        closed.insert(read_member(r)?);
    }
    Ok(Books {
        balances,
        totals,
        closed,
    })
}

impl MemberRecord {
    fn write(&self, w: &mut Writer) {
        w.u32(self.number.get());
        w.str(&self.name);
        match &self.person {
            Person::Natural => w.tag(0),
            Person::Legal { representative } => {
                w.tag(1);
                w.str(representative);
            }
        }
        w.str(self.applied_class.as_str());
        w.list(self.history.iter(), |w, (on, view)| {
            w.date(*on);
            view.write(w);
        });
        w.list(self.charges.iter(), |w, charge| {
            w.u64(charge.txn.get());
            w.str(charge.class.as_str());
            w.date(charge.period_start);
            w.date(charge.grace_until);
            w.decimal(charge.amount);
            w.bool(charge.reversed);
        });
        w.option(self.schedule.as_ref(), |w, schedule| {
            w.list(schedule.iter(), |w, instalment| {
                w.date(instalment.due_on);
                w.decimal(instalment.amount);
            });
        });
        w.decimal(self.repayable_at_exit);
        w.list(self.patronage.iter(), |w, (on, amount)| {
            w.date(*on);
            w.decimal(*amount);
        });
    }

    fn read(r: &mut Reader<'_>, classes: &Classes) -> Read<MemberRecord> {
        Ok(MemberRecord {
            number: read_member(r)?,
            name: Arc::from(r.str()?),
            person: match r.tag()? {
                0 => Person::Natural,
                1 => Person::Legal {
                    representative: r.str()?.to_owned(),
                },
                other => return r.fail(format!("{other} is not a kind of person")),
            },
            applied_class: classes.read(r)?,
            history: r.list(|r| Ok((r.date()?, MemberView::read(r, classes)?)))?,
            charges: r.list(|r| {
                Ok(Charge {
                    txn: read_txn_id(r)?,
                    class: classes.read(r)?,
                    period_start: r.date()?,
                    grace_until: r.date()?,
                    amount: r.decimal()?,
                    reversed: r.bool()?,
                })
            })?,
            schedule: r.option(|r| {
                r.list(|r| {
                    Ok(Instalment {
                        due_on: r.date()?,
                        amount: r.decimal()?,
                    })
                })
            })?,
            repayable_at_exit: r.decimal()?,
            patronage: r.list(|r| Ok((r.date()?, r.decimal()?)))?,
        })
    }
}

impl MemberView {
    fn write(&self, w: &mut Writer) {
        w.date(self.applied_on);
        for date in [
            self.admitted_on,
            self.refused_on,
            self.effective_since,
            self.suspended_since,
        ] {
            w.option(date, Writer::date);
        }
        w.option(self.notice, |w, (given, exit)| {
            w.date(given);
            w.date(exit);
        });
        w.option(self.exit.as_ref(), |w, (on, cause)| {
            w.date(*on);
            match cause {
                ExitCause::Resignation => w.tag(0),
                ExitCause::Expulsion { reason } => {
                    w.tag(1);
                    w.str(reason);
                }
            }
        });
        w.list(self.holdings.iter(), |w, holding| {
            w.str(holding.class.as_str());
            w.date(holding.admitted_on);
            w.u32(holding.shares);
            w.decimal(holding.subscribed);
            w.decimal(holding.paid);
        });
        w.decimal(self.dues_outstanding);
        w.option(self.grace_until, Writer::date);
        w.decimal(self.repayable);
        w.decimal(self.allocations_payable);
    }

    fn read(r: &mut Reader<'_>, classes: &Classes) -> Read<MemberView> {
        Ok(MemberView {
            applied_on: r.date()?,
            admitted_on: r.option(Reader::date)?,
            refused_on: r.option(Reader::date)?,
            effective_since: r.option(Reader::date)?,
            suspended_since: r.option(Reader::date)?,
            notice: r.option(|r| Ok((r.date()?, r.date()?)))?,
            exit: r.option(|r| {
                let on = r.date()?;
                let cause = match r.tag()? {
                    0 => ExitCause::Resignation,
                    1 => ExitCause::Expulsion {
                        reason: r.str()?.to_owned(),
                    },
                    other => return r.fail(format!("{other} is not an exit cause")),
                };
                Ok((on, cause))
            })?,
            holdings: r.list(|r| {
                Ok(Holding {
                    class: classes.read(r)?,
                    admitted_on: r.date()?,
                    shares: r.u32()?,
                    subscribed: r.decimal()?,
                    paid: r.decimal()?,
                })
            })?,
            dues_outstanding: r.decimal()?,
            grace_until: r.option(Reader::date)?,
            repayable: r.decimal()?,
            allocations_payable: r.decimal()?,
        })
    }
}

impl TxnRecord {
    fn write(&self, w: &mut Writer) {
        w.date(self.on);
        self.origin.write(w);
        w.len(self.postings.start);
        w.len(self.postings.end - self.postings.start);
        w.decimal(self.amount);
        w.decimal(self.reversed);
    }

    fn read(r: &mut Reader<'_>, classes: &Classes) -> Read<TxnRecord> {
        let on = r.date()?;
        let origin = Origin::read(r, classes)?;
        let start = r.u64()?;
        let count = r.u64()?;
        let (Ok(start), Ok(count)) = (usize::try_from(start), usize::try_from(count)) else {
            return r.fail("postings out of range");
        };
        let Some(end) = start.checked_add(count) else {
            return r.fail("postings out of range");
        };
        Ok(TxnRecord {
            on,
            origin,
            postings: start..end,
            amount: r.decimal()?,
            reversed: r.decimal()?,
        })
    }
}

impl Origin {
    fn write(&self, w: &mut Writer) {
        match self {
            Origin::Subscription {
                member,
                class,
                shares,
            } => {
                w.tag(0);
                w.u32(member.get());
                w.str(class.as_str());
                w.u32(*shares);
            }
            Origin::Payment { member, purpose } => {
                w.tag(1);
                w.u32(member.get());
                match purpose {
                    Purpose::Capital { class } => {
                        w.tag(0);
                        w.str(class.as_str());
                    }
                    Purpose::Dues => w.tag(1),
                }
            }
            Origin::Transfer => w.tag(2),
            Origin::Exit => w.tag(3),
            Origin::Redemption { member } => {
                w.tag(4);
                w.u32(member.get());
            }
            Origin::Dues { member } => {
                w.tag(5);
                w.u32(member.get());
            }
            Origin::Surplus { year } => {
                w.tag(6);
                w.date(*year);
            }
            Origin::Allocation => w.tag(7),
            Origin::AllocationPaid { member } => {
                w.tag(8);
                w.u32(member.get());
            }
            Origin::Reversal => w.tag(9),
        }
    }

    fn read(r: &mut Reader<'_>, classes: &Classes) -> Read<Origin> {
        Ok(match r.tag()? {
            0 => Origin::Subscription {
                member: read_member(r)?,
                class: classes.read(r)?,
                shares: r.u32()?,
            },
            1 => Origin::Payment {
                member: read_member(r)?,
                purpose: match r.tag()? {
                    0 => Purpose::Capital {
                        class: classes.read(r)?,
                    },
                    1 => Purpose::Dues,
                    other => return r.fail(format!("{other} is not a payment's purpose")),
                },
            },
            2 => Origin::Transfer,
            3 => Origin::Exit,
            4 => Origin::Redemption {
                member: read_member(r)?,
            },
            5 => Origin::Dues {
                member: read_member(r)?,
            },
            6 => Origin::Surplus { year: r.date()? },
            7 => Origin::Allocation,
            8 => Origin::AllocationPaid {
                member: read_member(r)?,
            },
            9 => Origin::Reversal,
            other => return r.fail(format!("{other} is not a kind of transaction")),
        })
    }
}
