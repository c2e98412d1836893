//! One given/when/then test per rule, including the sign errors other ledgers shipped.

mod exits;
mod membership;
mod money;
mod shares;
mod surplus;

use andel_ledger::{
    ApplyError, Command, DecideError, Event, Ledger, Status, Statutes, TxnId,
    books::{Account, PostingError},
    event::{Correction, Payout, Person, Purpose},
    money::MoneyError,
    statutes::StatutesError,
};

use crate::support::{apply, d, dec, given, m, pay, run, statutes, two_members};

/// Member `n`'s status on the ledger's latest date.
fn status(ledger: &Ledger, n: u32) -> Status {
    ledger
        .member(m(n))
        .unwrap()
        .status_on(ledger.latest_date().unwrap())
}

fn t(n: u64) -> TxnId {
    TxnId::new(n).unwrap()
}
