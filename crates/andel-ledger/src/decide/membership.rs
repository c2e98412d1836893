//! Joining, holding and standing: applications, admissions and refusals, subscriptions,
//! transfers and conversions, suspensions and reinstatements.

use super::*;

impl Draft<'_> {
    pub(super) fn apply_for(
        &mut self,
        name: String,
        person: Person,
        class: ClassId,
    ) -> Result<(), DecideError> {
        text(&name, "name")?;
        if let Person::Legal { representative } = &person {
            text(representative, "representative")?;
        }
        let rules = self.class(&class)?;
        let fits = admits(rules.persons(), &person);
        if !fits {
            return Err(DecideError::Person {
                class,
                persons: rules.persons(),
            });
        }
        let automatic = rules.admission() == crate::statutes::Admission::Automatic;
        let min = rules.min_shares();
        let member = self.ledger.next_member();
        self.events.push(Event::Applied {
            on: self.on,
            member,
            name,
            person,
            class: class.clone(),
        });
        if automatic {
            self.events.push(Event::Admitted {
                on: self.on,
                member,
                class: class.clone(),
            });
            self.subscription(member, &class, min)?;
        }
        Ok(())
    }

    pub(super) fn admit(
        &mut self,
        member: MemberNumber,
        class: Option<ClassId>,
    ) -> Result<(), DecideError> {
        let record = self.record(member)?;
        let view = record.current();
        let status = view.status_on(self.on);
        let class = match (&status, class) {
            (Status::Applicant, None) => record.applied_class.clone(),
            (Status::Applicant, Some(class)) if class == record.applied_class => class,
            (s, Some(class)) if s.is_admitted() => {
                if view.holding(&class).is_some() {
                    return Err(DecideError::Status {
                        member,
                        status: "already in that class",
                        action: "be admitted to it again",
                    });
                }
                let rules = self.class(&class)?;
                for held in &view.holdings {
                    let held_rules = self.class(&held.class)?;
                    if !rules.combinable() || !held_rules.combinable() {
                        return Err(DecideError::NotCombinable {
                            member,
                            class: class.clone(),
                            held: held.class.clone(),
                        });
                    }
                }
                let fits = admits(rules.persons(), &record.person);
                if !fits {
                    return Err(DecideError::Person {
                        class,
                        persons: rules.persons(),
                    });
                }
                class
            }
            (s, _) => {
                return Err(DecideError::Status {
                    member,
                    status: s.name(),
                    action: "be admitted",
                });
            }
        };
        let min = self.class(&class)?.min_shares();
        self.events.push(Event::Admitted {
            on: self.on,
            member,
            class: class.clone(),
        });
        self.subscription(member, &class, min)
    }

    pub(super) fn subscribe(
        &mut self,
        member: MemberNumber,
        class: &ClassId,
        shares: u32,
    ) -> Result<(), DecideError> {
        if shares == 0 {
            return Err(DecideError::Zero { what: "shares" });
        }
        let held = self
            .view(member)?
            .holding(class)
            .ok_or_else(|| DecideError::NotInClass {
                member,
                class: class.clone(),
            })?
            .shares;
        let rules = self.class(class)?;
        let total = u64::from(held) + u64::from(shares);
        // With no `max_shares`, a holding still counts its shares in 32 bits.
        let max = rules.max_shares().unwrap_or(u32::MAX);
        if total > u64::from(max) {
            return Err(share_limit(member, rules, total));
        }
        self.subscription(member, class, shares)
    }

    pub(super) fn subscription(
        &mut self,
        member: MemberNumber,
        class: &ClassId,
        shares: u32,
    ) -> Result<(), DecideError> {
        let amount = self
            .class(class)?
            .nominal()
            .checked_mul(Decimal::from(shares))
            .ok_or(DecideError::Amount {
                what: "subscription",
                source: MoneyError::Overflow,
            })?;
        let amount = self
            .statutes
            .currency()
            .at_scale(amount)
            .map_err(money("subscription"))?;
        let postings = self.pair(
            (Account::SubscriptionsReceivable, Some(member)),
            (Account::MemberCapital, Some(member)),
            amount,
        )?;
        let txn = self.txn();
        self.events.push(Event::SharesSubscribed {
            on: self.on,
            txn,
            member,
            class: class.clone(),
            shares,
            amount,
            postings,
        });
        Ok(())
    }

    pub(super) fn transfer(
        &mut self,
        from: MemberNumber,
        to: MemberNumber,
        class: ClassId,
        shares: u32,
    ) -> Result<(), DecideError> {
        if shares == 0 {
            return Err(DecideError::Zero { what: "shares" });
        }
        if from == to {
            return Err(DecideError::Status {
                member: from,
                status: "both giver and receiver",
                action: "transfer shares to themselves",
            });
        }
        let member_states = |s: &Status| s.is_member();
        let giver = self
            .require(from, "transfer shares", member_states)?
            .clone();
        let receiver = self
            .require(to, "receive shares", |s| s.is_admitted())?
            .clone();
        let rules = self.class(&class)?.clone();
        let held = giver
            .holding(&class)
            .ok_or_else(|| DecideError::NotInClass {
                member: from,
                class: class.clone(),
            })?;
        let got = receiver
            .holding(&class)
            .ok_or_else(|| DecideError::NotInClass {
                member: to,
                class: class.clone(),
            })?;
        let left = u64::from(held.shares).saturating_sub(u64::from(shares));
        if shares > held.shares || left < u64::from(rules.min_shares()) {
            return Err(share_limit(from, &rules, left));
        }
        let total = u64::from(got.shares) + u64::from(shares);
        if rules.max_shares().is_some_and(|max| total > u64::from(max)) {
            return Err(share_limit(to, &rules, total));
        }
        let amount =
            rules
                .nominal()
                .checked_mul(Decimal::from(shares))
                .ok_or(DecideError::Amount {
                    what: "transfer",
                    source: MoneyError::Overflow,
                })?;
        let amount = self
            .statutes
            .currency()
            .at_scale(amount)
            .map_err(money("transfer"))?;
        if held.paid < amount {
            return Err(DecideError::NotFullyPaid {
                member: from,
                class,
            });
        }
        let postings = self.pair(
            (Account::MemberCapital, Some(from)),
            (Account::MemberCapital, Some(to)),
            amount,
        )?;
        let txn = self.txn();
        self.events.push(Event::SharesTransferred {
            on: self.on,
            txn,
            from,
            to,
            class,
            shares,
            amount,
            postings,
        });
        Ok(())
    }

    pub(super) fn convert(
        &mut self,
        member: MemberNumber,
        from: ClassId,
        to: ClassId,
    ) -> Result<(), DecideError> {
        let view = self
            .require(member, "convert class", |s| s.is_member())?
            .clone();
        let held = view.holding(&from).ok_or_else(|| DecideError::NotInClass {
            member,
            class: from.clone(),
        })?;
        if view.holding(&to).is_some() {
            return Err(DecideError::Status {
                member,
                status: "already in the target class",
                action: "convert into it",
            });
        }
        let target = self.class(&to)?;
        for other in view.holdings.iter().filter(|h| h.class != from) {
            if !target.combinable() || !self.class(&other.class)?.combinable() {
                return Err(DecideError::NotCombinable {
                    member,
                    class: to.clone(),
                    held: other.class.clone(),
                });
            }
        }
        if held.paid != held.subscribed {
            return Err(DecideError::NotFullyPaid {
                member,
                class: from,
            });
        }
        let shares = held.paid / target.nominal();
        if shares.fract() != Decimal::ZERO {
            return Err(DecideError::ConversionNotExact {
                member,
                class: to,
                value: held.paid,
                nominal: target.nominal(),
            });
        }
        let count = u64::try_from(shares).unwrap_or(u64::MAX);
        let within = count >= u64::from(target.min_shares())
            && target
                .max_shares()
                .is_none_or(|max| count <= u64::from(max));
        let shares = match u32::try_from(count) {
            Ok(shares) if within => shares,
            _ => return Err(share_limit(member, target, count)),
        };
        self.events.push(Event::ClassConverted {
            on: self.on,
            member,
            from,
            to,
            shares,
        });
        Ok(())
    }

    pub(super) fn refuse(
        &mut self,
        member: MemberNumber,
        reason: String,
    ) -> Result<(), DecideError> {
        self.require(member, "be refused", |s| *s == Status::Applicant)?;
        text(&reason, "reason")?;
        let class = self.record(member)?.applied_class.clone();
        self.events.push(Event::Refused {
            on: self.on,
            member,
            class,
            reason,
        });
        Ok(())
    }

    pub(super) fn suspend(
        &mut self,
        member: MemberNumber,
        reason: String,
    ) -> Result<(), DecideError> {
        self.require(member, "be suspended", |s| {
            matches!(s, Status::Member | Status::Resigning { .. })
        })?;
        text(&reason, "reason")?;
        self.events.push(Event::Suspended {
            on: self.on,
            member,
            reason,
        });
        Ok(())
    }

    pub(super) fn reinstate(&mut self, member: MemberNumber) -> Result<(), DecideError> {
        self.require(member, "be reinstated", |s| *s == Status::Suspended)?;
        self.events.push(Event::Reinstated {
            on: self.on,
            member,
        });
        Ok(())
    }
}
