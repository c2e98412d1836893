//! Decoding an event from its journal payload, in one pass, when the entry's kind already
//! says which event it is.
//!
//! `Event` is tagged inside its JSON (`"type":"admitted"`), and canonical payloads sort
//! their keys, so the tag comes near the end. serde's derived decoder for such an enum
//! first copies the whole object into a generic tree, finds the tag, then decodes the
//! variant from the tree: most of a replay's time went there, and into chrono's
//! general-purpose date parser. A journal entry names its event in its kind
//! (`ledger.admitted`) before the payload is read, so here each variant has a plain
//! struct of its own, decoded straight from the text, with `YYYY-MM-DD` dates read
//! directly.
//!
//! [`decode`] answers `None` whenever that does not give an event (an unknown kind, a
//! tag that disagrees with the kind, any field that does not decode); the caller then
//! uses the derived decoder, whose answer, and error, is the reference. The tests hold
//! the two to the same event.

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use super::{Correction, Event, ExitCause, Instalment, MemberAmount, Payout, Person, Purpose};
use crate::books::Posting;
use crate::ids::{ClassId, MemberNumber, PaymentKey, TxnId};
use crate::statutes::Statutes;

/// The event that `text`, the payload of an entry of kind `kind`, holds; `None` when the
/// derived decoder must decide.
pub(crate) fn decode(kind: &str, text: &str) -> Option<Event> {
    let tag = kind.strip_prefix("ledger.")?;
    super::read::read(tag, text).or_else(|| variant(tag, text))
}

/// Declares one struct per variant, with the variant's fields and its tag, and
/// [`variant`], which decodes the one a tag names. A field written `on: NaiveDate as
/// "date"` is read by that function.
macro_rules! variants {
    ($(
        $variant:ident $tag:literal {
            $( $field:ident : $ty:ty $(as $with:literal)? ),* $(,)?
        }
    )*) => {
        $(
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct $variant<'a> {
                #[serde(rename = "type", borrow)]
                tag: &'a str,
                $( $(#[serde(deserialize_with = $with)])? $field: $ty, )*
            }
        )*

        fn variant(tag: &str, text: &str) -> Option<Event> {
            match tag {
                $( $tag => {
                    let v: $variant<'_> = serde_json::from_str(text).ok()?;
                    // The kind and the payload's own tag must agree; when they do not,
                    // the derived decoder reads the payload and the caller reports the
                    // mismatch.
                    (v.tag == $tag).then(|| Event::$variant { $( $field: v.$field ),* })
                } )*
                _ => None,
            }
        }
    };
}

variants! {
    StatutesAdopted "statutes_adopted" { on: NaiveDate as "date", statutes: Box<Statutes> }
    Applied "applied" {
        on: NaiveDate as "date", member: MemberNumber, name: String, person: Person,
        class: ClassId,
    }
    Admitted "admitted" { on: NaiveDate as "date", member: MemberNumber, class: ClassId }
    Refused "refused" {
        on: NaiveDate as "date", member: MemberNumber, class: ClassId, reason: String,
    }
    SharesSubscribed "shares_subscribed" {
        on: NaiveDate as "date", txn: TxnId, member: MemberNumber, class: ClassId,
        shares: u32, amount: Decimal, postings: Vec<Posting>,
    }
    PaymentRecorded "payment_recorded" {
        on: NaiveDate as "date", txn: TxnId, key: PaymentKey, member: MemberNumber,
        purpose: Purpose, amount: Decimal, postings: Vec<Posting>,
    }
    SharesTransferred "shares_transferred" {
        on: NaiveDate as "date", txn: TxnId, from: MemberNumber, to: MemberNumber,
        class: ClassId, shares: u32, amount: Decimal, postings: Vec<Posting>,
    }
    ClassConverted "class_converted" {
        on: NaiveDate as "date", member: MemberNumber, from: ClassId, to: ClassId,
        shares: u32,
    }
    Suspended "suspended" { on: NaiveDate as "date", member: MemberNumber, reason: String }
    Reinstated "reinstated" { on: NaiveDate as "date", member: MemberNumber }
    Resigned "resigned" {
        on: NaiveDate as "date", member: MemberNumber, exit_on: NaiveDate as "date",
    }
    Exited "exited" {
        on: NaiveDate as "date", effective: NaiveDate as "date", txn: TxnId,
        member: MemberNumber, cause: ExitCause, repayable: Decimal, forfeited: Decimal,
        cancelled: Decimal, postings: Vec<Posting>,
    }
    RedemptionScheduled "redemption_scheduled" {
        on: NaiveDate as "date", member: MemberNumber, instalments: Vec<Instalment>,
    }
    RedemptionPaid "redemption_paid" {
        on: NaiveDate as "date", txn: TxnId, member: MemberNumber, amount: Decimal,
        postings: Vec<Posting>,
    }
    DuesCharged "dues_charged" {
        on: NaiveDate as "date", txn: TxnId, member: MemberNumber, class: ClassId,
        period_start: NaiveDate as "date", due_on: NaiveDate as "date",
        grace_until: NaiveDate as "date", amount: Decimal, postings: Vec<Posting>,
    }
    PatronageRecorded "patronage_recorded" {
        on: NaiveDate as "date", member: MemberNumber, amount: Decimal,
    }
    SurplusRecorded "surplus_recorded" {
        on: NaiveDate as "date", txn: TxnId, year: NaiveDate as "date", amount: Decimal,
        postings: Vec<Posting>,
    }
    SurplusAllocated "surplus_allocated" {
        on: NaiveDate as "date", txn: TxnId, year: NaiveDate as "date", reserve: Decimal,
        interest_rate: Decimal, interest: Vec<MemberAmount>, refunds: Vec<MemberAmount>,
        postings: Vec<Posting>,
    }
    AllocationPaid "allocation_paid" {
        on: NaiveDate as "date", txn: TxnId, member: MemberNumber, what: Payout,
        amount: Decimal, postings: Vec<Posting>,
    }
    Reversed "reversed" {
        on: NaiveDate as "date", txn: TxnId, original: TxnId, reason: Correction,
        note: String, amount: Decimal, postings: Vec<Posting>,
    }
    AccountsClosed "accounts_closed" { on: NaiveDate as "date", member: MemberNumber }
}

/// A date as `NaiveDate`'s own `Deserialize` reads it, `YYYY-MM-DD` read directly and
/// any other spelling handed to chrono's parser.
fn date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    deserializer.deserialize_str(DateVisitor)
}

struct DateVisitor;

impl Visitor<'_> for DateVisitor {
    type Value = NaiveDate;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<NaiveDate, E> {
        match iso_date(text.as_bytes()) {
            Some(date) => Ok(date),
            None => text.parse().map_err(E::custom),
        }
    }
}

/// `YYYY-MM-DD`, four, two and two digits, a real day.
pub(super) fn iso_date(text: &[u8]) -> Option<NaiveDate> {
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *text else {
        return None;
    };
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |value, d| {
            d.is_ascii_digit().then(|| value * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(number(&[y1, y2, y3, y4])?).ok()?;
    NaiveDate::from_ymd_opt(year, number(&[m1, m2])?, number(&[d1, d2])?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::books::Account;

    fn events() -> Vec<Event> {
        let on: NaiveDate = "2026-03-01".parse().unwrap_or_default();
        let m = |n| MemberNumber::new(n).unwrap_or_else(|| unreachable!());
        let class = |c| ClassId::new(c).unwrap_or_else(|_| unreachable!());
        let txn = |n| TxnId::new(n).unwrap_or_else(|| unreachable!());
        let d = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        let postings = vec![
            Posting::debit(Account::Cash, None, d("500.00")),
            Posting::credit(Account::SubscriptionsReceivable, Some(m(7)), d("500.00")),
        ];
        let statutes = Statutes::from_toml(
            r#"
            name = "Fyrklövern"
            currency = { code = "EUR", scale = 2 }
            [[classes]]
            id = "users"
            name = "Users"
            nominal = "20.00"
            min_shares = 1
            "#,
        )
        .unwrap_or_else(|err| unreachable!("{err}"));
        vec![
            Event::StatutesAdopted {
                on,
                statutes: Box::new(statutes),
            },
            Event::Applied {
                on,
                member: m(7),
                name: "Å \"quoted\" name".into(),
                person: Person::Legal {
                    representative: "R".into(),
                },
                class: class("users"),
            },
            Event::Admitted {
                on,
                member: m(7),
                class: class("users"),
            },
            Event::Refused {
                on,
                member: m(8),
                class: class("users"),
                reason: "no".into(),
            },
            Event::SharesSubscribed {
                on,
                txn: txn(1),
                member: m(7),
                class: class("users"),
                shares: 25,
                amount: d("500.00"),
                postings: postings.clone(),
            },
            Event::PaymentRecorded {
                on,
                txn: txn(2),
                key: PaymentKey::new("bank-1").unwrap_or_else(|_| unreachable!()),
                member: m(7),
                purpose: Purpose::Capital {
                    class: class("users"),
                },
                amount: d("500.00"),
                postings: postings.clone(),
            },
            Event::SharesTransferred {
                on,
                txn: txn(3),
                from: m(7),
                to: m(9),
                class: class("users"),
                shares: 1,
                amount: d("20.00"),
                postings: postings.clone(),
            },
            Event::ClassConverted {
                on,
                member: m(7),
                from: class("users"),
                to: class("workers"),
                shares: 2,
            },
            Event::Suspended {
                on,
                member: m(7),
                reason: "late".into(),
            },
            Event::Reinstated { on, member: m(7) },
            Event::Resigned {
                on,
                member: m(7),
                exit_on: "2026-12-31".parse().unwrap_or_default(),
            },
            Event::Exited {
                on,
                effective: on,
                txn: txn(4),
                member: m(7),
                cause: ExitCause::Expulsion {
                    reason: "why".into(),
                },
                repayable: d("1"),
                forfeited: d("2"),
                cancelled: d("0"),
                postings: postings.clone(),
            },
            Event::RedemptionScheduled {
                on,
                member: m(7),
                instalments: vec![Instalment {
                    due_on: on,
                    amount: d("1.00"),
                }],
            },
            Event::RedemptionPaid {
                on,
                txn: txn(5),
                member: m(7),
                amount: d("1.00"),
                postings: postings.clone(),
            },
            Event::DuesCharged {
                on,
                txn: txn(6),
                member: m(7),
                class: class("users"),
                period_start: on,
                due_on: on,
                grace_until: "2026-04-01".parse().unwrap_or_default(),
                amount: d("120.00"),
                postings: postings.clone(),
            },
            Event::PatronageRecorded {
                on,
                member: m(7),
                amount: d("3.5"),
            },
            Event::SurplusRecorded {
                on,
                txn: txn(7),
                year: on,
                amount: d("1000"),
                postings: postings.clone(),
            },
            Event::SurplusAllocated {
                on,
                txn: txn(8),
                year: on,
                reserve: d("100"),
                interest_rate: d("0.02"),
                interest: vec![MemberAmount {
                    member: m(7),
                    amount: d("1"),
                }],
                refunds: vec![],
                postings: postings.clone(),
            },
            Event::AllocationPaid {
                on,
                txn: txn(9),
                member: m(7),
                what: Payout::Refund,
                amount: d("1"),
                postings: postings.clone(),
            },
            Event::Reversed {
                on,
                txn: txn(10),
                original: txn(2),
                reason: Correction::Duplicate,
                note: "twice".into(),
                amount: d("500.00"),
                postings,
            },
            Event::AccountsClosed { on, member: m(7) },
        ]
    }

    /// The derived decoder's answer, the reference.
    fn derived(text: &str) -> Result<Event, String> {
        serde_json::from_str(text).map_err(|err| err.to_string())
    }

    /// Variations of a payload: each member removed, replaced by other values, the tag
    /// swapped for every other, an unknown member added, dates spelled otherwise.
    fn variations(event: &Event) -> Vec<String> {
        let value = serde_json::to_value(event).unwrap_or_default();
        let serde_json::Value::Object(members) = value else {
            return Vec::new();
        };
        let tags: Vec<&str> = events()
            .iter()
            .map(|e| e.kind().trim_start_matches("ledger."))
            .collect();
        let mut out = Vec::new();
        let mut with = |f: &dyn Fn(&mut serde_json::Map<String, serde_json::Value>)| {
            let mut copy = members.clone();
            f(&mut copy);
            // Canonical text (keys sorted), whatever order serde_json's map keeps: with
            // its `preserve_order` feature on (another crate in the build may turn it
            // on), `to_string` would write the fields in declaration order.
            let value = serde_json::Value::Object(copy);
            out.push(
                andel_journal::Payload::new(&value)
                    .map_or_else(|_| value.to_string(), |p| p.as_str().to_owned()),
            );
        };
        for key in members.keys() {
            with(&|m| {
                m.remove(key);
            });
            for other in [
                serde_json::json!(null),
                serde_json::json!(7),
                serde_json::json!(-1),
                serde_json::json!("x"),
                serde_json::json!("2026-1-5"),
                serde_json::json!("2026-02-30"),
                serde_json::json!("+2026-03-01"),
                serde_json::json!(" 2026-03-01"),
                serde_json::json!("2026-03-01 "),
                serde_json::json!("20260-03-01"),
                serde_json::json!([]),
                serde_json::json!({}),
            ] {
                with(&|m| {
                    m.insert(key.clone(), other.clone());
                });
            }
        }
        for tag in &tags {
            with(&|m| {
                m.insert("type".into(), serde_json::json!(tag));
            });
        }
        with(&|m| {
            m.insert("extra".into(), serde_json::json!(1));
        });
        out.push(
            serde_json::Value::Object(members.clone())
                .to_string()
                .replacen('{', r#"{"type":"admitted","#, 1),
        );
        out
    }

    #[test]
    fn every_event_decodes_as_the_derived_decoder_decodes_it() {
        for event in events() {
            let text = serde_json::to_string(&event).unwrap_or_default();
            assert_eq!(derived(&text).as_ref(), Ok(&event), "{text}");
            assert_eq!(decode(event.kind(), &text).as_ref(), Some(&event), "{text}");
        }
    }

    #[test]
    fn whatever_it_accepts_the_derived_decoder_accepts_alike() {
        let kinds: Vec<&str> = events().iter().map(Event::kind).collect();
        let mut accepted = 0;
        for event in events() {
            for text in variations(&event) {
                for kind in &kinds {
                    if let Some(fast) = decode(kind, &text) {
                        accepted += 1;
                        assert_eq!(derived(&text), Ok(fast.clone()), "{kind} {text}");
                        assert_eq!(fast.kind(), *kind, "{text}");
                    }
                }
            }
        }
        assert!(accepted > 50, "only {accepted} variations decoded");
    }

    /// The canonical reader's answer, checked against the derived decoder: the same
    /// event, spelled the same (a decimal's scale included), and of the kind asked for.
    fn read_agrees(kind: &str, text: &str) -> bool {
        let tag = kind.trim_start_matches("ledger.");
        let Some(fast) = super::super::read::read(tag, text) else {
            return false;
        };
        let reference = derived(text);
        assert_eq!(reference.as_ref(), Ok(&fast), "{kind} {text}");
        assert_eq!(fast.kind(), kind, "{text}");
        assert_eq!(
            serde_json::to_string(&fast).ok(),
            reference.ok().and_then(|e| serde_json::to_string(&e).ok()),
            "{text}"
        );
        true
    }

    #[test]
    fn the_canonical_reader_reads_every_event_but_the_statutes_and_escapes() {
        for event in events() {
            let text = andel_journal::Payload::new(&event)
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default();
            let read = read_agrees(event.kind(), &text);
            // The statutes, and strings with escapes, are left to serde.
            let statutes = matches!(event, Event::StatutesAdopted { .. });
            assert_eq!(read, !statutes && !text.contains('\\'), "{text}");
        }
    }

    #[test]
    fn whatever_the_canonical_reader_accepts_the_derived_decoder_accepts_alike() {
        let kinds: Vec<&str> = events().iter().map(Event::kind).collect();
        let mut accepted = 0;
        for event in events() {
            for text in variations(&event) {
                for kind in &kinds {
                    accepted += usize::from(read_agrees(kind, &text));
                }
            }
        }
        assert!(accepted > 50, "only {accepted} variations read");
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(2000))]

        /// Bytes of a canonical payload replaced, removed or added: whatever the reader
        /// still accepts, the derived decoder reads as the same event.
        #[test]
        fn mutated_payloads_read_as_the_derived_decoder_reads_them(
            which in 0usize..21,
            edits in proptest::collection::vec((0usize..400, 0u8..4, proptest::sample::select(
                b"0123456789-.,:{}[]\"\\ aeZT".to_vec())), 1..4),
        ) {
            let all = events();
            let event = &all[which % all.len()];
            let text = andel_journal::Payload::new(event)
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default();
            let mut bytes = text.into_bytes();
            for (at, how, byte) in edits {
                let at = at % (bytes.len() + 1);
                match how {
                    0 if at < bytes.len() => bytes[at] = byte,
                    1 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    _ => bytes.insert(at, byte),
                }
            }
            if let Ok(text) = String::from_utf8(bytes) {
                for kind in all.iter().map(Event::kind) {
                    read_agrees(kind, &text);
                    if let Some(fast) = decode(kind, &text) {
                        proptest::prop_assert_eq!(derived(&text), Ok(fast));
                    }
                }
            }
        }

        /// Decimal text the reader takes is the decimal `Decimal` parses, scale and all.
        #[test]
        fn decimals_read_as_decimal_parses_them(text in "-?[0-9]{0,20}(\\.[0-9]{0,20})?") {
            if let Some(fast) = super::super::read::decimal(text.as_bytes()) {
                let parsed = text.parse::<Decimal>();
                proptest::prop_assert_eq!(parsed.as_ref().ok(), Some(&fast), "{}", text);
                proptest::prop_assert_eq!(
                    parsed.map(|d| d.to_string()).ok(),
                    Some(fast.to_string())
                );
            }
        }
    }

    #[test]
    fn dates_are_read_as_chrono_reads_them() {
        for text in [
            "2026-03-01",
            "0000-01-01",
            "9999-12-31",
            "2024-02-29",
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-05",
            "202a-01-01",
            "",
        ] {
            let chrono = text.parse::<NaiveDate>().ok();
            let fast = iso_date(text.as_bytes());
            if fast.is_some() {
                assert_eq!(fast, chrono, "{text}");
            }
            assert_eq!(
                DateVisitor.visit_str::<serde_json::Error>(text).ok(),
                chrono,
                "{text}"
            );
        }
    }
}
