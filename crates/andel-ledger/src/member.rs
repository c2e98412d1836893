//! A member as the register shows them on a date, and the dated history of those views.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::event::{ExitCause, Instalment, Person};
use crate::ids::{ClassId, MemberNumber, TxnId};
use crate::statutes::Statutes;

/// Where a member stands on a date, derived from their events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// Applied; the board has not decided.
    Applicant,
    /// The application was refused.
    Refused,
    /// Admitted; the class minimum is not paid yet, so the membership is not effective.
    Admitted,
    /// A member with full rights.
    Member,
    /// A member whose rights are suspended.
    Suspended,
    /// A member who gave notice; still a member until `exit_on`.
    Resigning {
        /// When the exit takes effect.
        exit_on: NaiveDate,
    },
    /// No longer a member.
    Exited {
        /// Since when.
        on: NaiveDate,
    },
}

impl Status {
    /// A short lower-case name: `member`, `resigning`, …
    pub fn name(&self) -> &'static str {
        match self {
            Status::Applicant => "applicant",
            Status::Refused => "refused",
            Status::Admitted => "admitted",
            Status::Member => "member",
            Status::Suspended => "suspended",
            Status::Resigning { .. } => "resigning",
            Status::Exited { .. } => "exited",
        }
    }

    /// Whether the person is admitted and has not left: admitted (awaiting capital) or a
    /// membership in force. Such a person may subscribe, pay, be charged dues, record
    /// patronage, or be expelled.
    pub fn is_admitted(&self) -> bool {
        *self == Status::Admitted || self.is_member()
    }

    /// Whether this is a membership in force (member, suspended or resigning).
    pub fn is_member(&self) -> bool {
        matches!(
            self,
            Status::Member | Status::Suspended | Status::Resigning { .. }
        )
    }
}

/// A member's shares and capital in one class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holding {
    /// The class.
    pub class: ClassId,
    /// Admitted to the class on.
    pub admitted_on: NaiveDate,
    /// Shares subscribed.
    pub shares: u32,
    /// Capital subscribed (shares × nominal).
    pub subscribed: Decimal,
    /// Capital paid in.
    pub paid: Decimal,
}

/// What the register knows of a member after their events up to some date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    /// Applied on.
    pub applied_on: NaiveDate,
    /// First admitted on.
    pub admitted_on: Option<NaiveDate>,
    /// Refused on.
    pub refused_on: Option<NaiveDate>,
    /// Effective member since (the day a class minimum was paid in full).
    pub effective_since: Option<NaiveDate>,
    /// Suspended since.
    pub suspended_since: Option<NaiveDate>,
    /// Gave notice on, with the exit date.
    pub notice: Option<(NaiveDate, NaiveDate)>,
    /// Left on, and why.
    pub exit: Option<(NaiveDate, ExitCause)>,
    /// Holdings per class.
    pub holdings: Vec<Holding>,
    /// Dues charged and not paid.
    pub dues_outstanding: Decimal,
    /// The last day of grace of the oldest unpaid dues.
    pub grace_until: Option<NaiveDate>,
    /// Capital still to be repaid after exit.
    pub repayable: Decimal,
    /// Interest and refunds allocated and not paid.
    pub allocations_payable: Decimal,
}

impl MemberView {
    pub(crate) fn new(applied_on: NaiveDate) -> Self {
        MemberView {
            applied_on,
            admitted_on: None,
            refused_on: None,
            effective_since: None,
            suspended_since: None,
            notice: None,
            exit: None,
            holdings: Vec::new(),
            dues_outstanding: Decimal::ZERO,
            grace_until: None,
            repayable: Decimal::ZERO,
            allocations_payable: Decimal::ZERO,
        }
    }

    /// Where the member stands on `date` (on or after this view's date). Time alone
    /// can change it: a resignation takes effect after its exit date whether or not the
    /// exit's settlement is recorded yet.
    ///
    /// A member who resigned is a member through their exit date and has left the day
    /// after; an expelled member has left on the day of the expulsion.
    pub fn status_on(&self, date: NaiveDate) -> Status {
        if let Some((on, cause)) = &self.exit {
            let gone = match cause {
                ExitCause::Resignation => date > *on,
                ExitCause::Expulsion { .. } => date >= *on,
            };
            return if gone {
                Status::Exited { on: *on }
            } else {
                Status::Resigning { exit_on: *on }
            };
        }
        if self.refused_on.is_some() {
            return Status::Refused;
        }
        if self.admitted_on.is_none() {
            return Status::Applicant;
        }
        if let Some((_, exit_on)) = self.notice
            && date > exit_on
        {
            return Status::Exited { on: exit_on };
        }
        if self.effective_since.is_none() {
            return Status::Admitted;
        }
        if self.suspended_since.is_some() {
            return Status::Suspended;
        }
        match self.notice {
            Some((_, exit_on)) => Status::Resigning { exit_on },
            None => Status::Member,
        }
    }

    /// The holding in `class`.
    pub fn holding(&self, class: &ClassId) -> Option<&Holding> {
        self.holdings.iter().find(|h| &h.class == class)
    }

    pub(crate) fn holding_mut(&mut self, class: &ClassId) -> Option<&mut Holding> {
        self.holdings.iter_mut().find(|h| &h.class == class)
    }

    /// Capital paid in, over all classes.
    pub fn paid_capital(&self) -> Decimal {
        self.holdings.iter().map(|h| h.paid).sum()
    }

    /// Capital subscribed and not paid, over all classes.
    pub fn unpaid_capital(&self) -> Decimal {
        self.holdings.iter().map(|h| h.subscribed - h.paid).sum()
    }

    /// Whether no dues are past their grace on `date`.
    pub fn in_good_standing(&self, date: NaiveDate) -> bool {
        self.grace_until.is_none_or(|last| date <= last)
    }

    /// Recomputes `effective_since` after a change of holdings on `on`: effective while
    /// some class's minimum is paid in full.
    pub(crate) fn refresh_effective(&mut self, statutes: &Statutes, on: NaiveDate) {
        let effective = self.exit.is_none()
            && self.holdings.iter().any(|h| {
                statutes
                    .class(&h.class)
                    .is_some_and(|c| h.paid >= c.minimum_capital())
            });
        match (effective, self.effective_since) {
            (true, None) => self.effective_since = Some(on),
            (false, Some(_)) => self.effective_since = None,
            _ => {}
        }
    }
}

/// One dues charge, kept to know which dues are the oldest unpaid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Charge {
    pub(crate) txn: TxnId,
    pub(crate) class: ClassId,
    pub(crate) period_start: NaiveDate,
    pub(crate) grace_until: NaiveDate,
    pub(crate) amount: Decimal,
    pub(crate) reversed: bool,
}

/// Everything the ledger keeps about one member number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MemberRecord {
    pub(crate) number: MemberNumber,
    pub(crate) name: std::sync::Arc<str>,
    pub(crate) person: Person,
    pub(crate) applied_class: ClassId,
    /// Views after each date with events, in date order.
    pub(crate) history: Vec<(NaiveDate, MemberView)>,
    pub(crate) charges: Vec<Charge>,
    pub(crate) schedule: Option<Vec<Instalment>>,
    /// Capital that became repayable at exit (the schedule's total).
    pub(crate) repayable_at_exit: Decimal,
    pub(crate) patronage: Vec<(NaiveDate, Decimal)>,
}

impl MemberRecord {
    pub(crate) fn new(
        number: MemberNumber,
        name: &str,
        person: Person,
        applied_class: ClassId,
        on: NaiveDate,
    ) -> Self {
        MemberRecord {
            number,
            name: std::sync::Arc::from(name),
            person,
            applied_class,
            history: vec![(on, MemberView::new(on))],
            charges: Vec::new(),
            schedule: None,
            repayable_at_exit: Decimal::ZERO,
            patronage: Vec::new(),
        }
    }

    /// The latest view.
    pub(crate) fn current(&self) -> &MemberView {
        // A record is created with one view and views are never removed.
        &self.history[self.history.len() - 1].1
    }

    /// The view after every event dated `date` or earlier, if the member had applied.
    pub(crate) fn at(&self, date: NaiveDate) -> Option<&MemberView> {
        let after = self.history.partition_point(|(on, _)| *on <= date);
        after.checked_sub(1).map(|i| &self.history[i].1)
    }

    /// Changes the view as of `on` (not before the latest view's date).
    pub(crate) fn update(&mut self, on: NaiveDate, change: impl FnOnce(&mut MemberView)) {
        let last = self.history.len() - 1;
        if self.history[last].0 != on {
            let next = self.history[last].1.clone();
            self.history.push((on, next));
        }
        let last = self.history.len() - 1;
        change(&mut self.history[last].1);
    }

    /// The last grace day of the oldest charge not covered by payments, given what is
    /// still outstanding: payments settle the oldest charges first.
    pub(crate) fn oldest_unpaid_grace(&self, outstanding: Decimal) -> Option<NaiveDate> {
        let live = self.charges.iter().filter(|c| !c.reversed);
        let charged: Decimal = live.clone().map(|c| c.amount).sum();
        let mut paid = charged - outstanding;
        for charge in live {
            if paid >= charge.amount {
                paid -= charge.amount;
            } else {
                return Some(charge.grace_until);
            }
        }
        None
    }
}
