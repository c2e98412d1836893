//! Applying joining and standing: applications, admissions, refusals, subscriptions,
//! transfers, conversions, suspensions and reinstatements (decided in
//! `decide/membership.rs`).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{ApplyError, Ledger, Origin};
use crate::event::Person;
use crate::ids::{ClassId, MemberNumber};
use crate::member::{Holding, MemberRecord};
use crate::statutes::Statutes;

impl Ledger {
    /// A new member record; numbers are given in turn, so a gap or a repeat is an edit.
    pub(super) fn applied(
        &mut self,
        on: NaiveDate,
        member: MemberNumber,
        name: &str,
        person: &Person,
        class: &ClassId,
    ) -> Result<(), ApplyError> {
        if member != self.next_member() {
            return Err(ApplyError::Member {
                member,
                problem: "is not the next member number",
            });
        }
        self.members.push(MemberRecord::new(
            member,
            name,
            person.clone(),
            class.clone(),
            on,
        ));
        Ok(())
    }

    /// Admission to a class opens an empty holding in it (once: a second class keeps
    /// the first).
    pub(super) fn admitted(
        &mut self,
        on: NaiveDate,
        member: MemberNumber,
        class: &ClassId,
    ) -> Result<(), ApplyError> {
        self.known(member)?;
        let record = self.records_mut(member)?;
        record.update(on, |view| {
            view.admitted_on.get_or_insert(on);
            view.refused_on = None;
            if view.holding(class).is_none() {
                view.holdings.push(Holding {
                    class: class.clone(),
                    admitted_on: on,
                    shares: 0,
                    subscribed: Decimal::ZERO,
                    paid: Decimal::ZERO,
                });
            }
        });
        Ok(())
    }

    pub(super) fn refused(
        &mut self,
        on: NaiveDate,
        member: MemberNumber,
    ) -> Result<(), ApplyError> {
        self.records_mut(member)?
            .update(on, |view| view.refused_on = Some(on));
        Ok(())
    }

    /// Shares subscribed add to the holding what the member now owes for them.
    pub(super) fn subscribed(
        &mut self,
        on: NaiveDate,
        member: MemberNumber,
        class: &ClassId,
        shares: u32,
        amount: Decimal,
    ) -> Result<(Origin, Decimal), ApplyError> {
        self.holding_of(member, class)?;
        self.records_mut(member)?.update(on, |view| {
            if let Some(h) = view.holding_mut(class) {
                h.shares += shares;
                h.subscribed += amount;
            }
        });
        let origin = Origin::Subscription {
            member,
            class: class.clone(),
            shares,
        };
        Ok((origin, amount))
    }

    /// Paid-up shares move from one holding to another of the same class; both members'
    /// standing is refreshed, as either may cross the minimum.
    pub(super) fn transferred(
        &mut self,
        on: NaiveDate,
        (from, to): (MemberNumber, MemberNumber),
        class: &ClassId,
        shares: u32,
        amount: Decimal,
        statutes: &Statutes,
    ) -> Result<(Origin, Decimal), ApplyError> {
        let giver = self.holding_of(from, class)?;
        self.holding_of(to, class)?;
        if giver.shares < shares || giver.paid < amount {
            return Err(ApplyError::Negative {
                member: from,
                what: "the holding",
            });
        }
        self.records_mut(from)?.update(on, |view| {
            if let Some(h) = view.holding_mut(class) {
                h.shares -= shares;
                h.subscribed -= amount;
                h.paid -= amount;
            }
            view.refresh_effective(statutes, on);
        });
        self.records_mut(to)?.update(on, |view| {
            if let Some(h) = view.holding_mut(class) {
                h.shares += shares;
                h.subscribed += amount;
                h.paid += amount;
            }
            view.refresh_effective(statutes, on);
        });
        Ok((Origin::Transfer, amount))
    }

    /// A holding converted to another class keeps its money and takes the new class's
    /// share count.
    pub(super) fn converted(
        &mut self,
        on: NaiveDate,
        member: MemberNumber,
        from: &ClassId,
        to: &ClassId,
        shares: u32,
        statutes: &Statutes,
    ) -> Result<(), ApplyError> {
        let old = self.holding_of(member, from)?.clone();
        self.records_mut(member)?.update(on, |view| {
            view.holdings.retain(|h| &h.class != from);
            view.holdings.push(Holding {
                class: to.clone(),
                admitted_on: on,
                shares,
                subscribed: old.subscribed,
                paid: old.paid,
            });
            view.refresh_effective(statutes, on);
        });
        Ok(())
    }

    pub(super) fn suspended(
        &mut self,
        on: NaiveDate,
        member: MemberNumber,
    ) -> Result<(), ApplyError> {
        self.records_mut(member)?
            .update(on, |view| view.suspended_since = Some(on));
        Ok(())
    }

    pub(super) fn reinstated(
        &mut self,
        on: NaiveDate,
        member: MemberNumber,
    ) -> Result<(), ApplyError> {
        self.records_mut(member)?
            .update(on, |view| view.suspended_since = None);
        Ok(())
    }
}
