//! Quorum and threshold algebra, data-driven, with the boundaries exactly at the fraction.

use andel_decisions::rules::{
    Base, Basis, Count, Fraction, Quorum, Size, Threshold, Verdict, decide_motion,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn n(people: u64) -> Count {
    Count {
        people,
        weight: Decimal::from(people),
    }
}

#[track_caller]
fn check(
    yes: u64,
    no: u64,
    abstain: u64,
    size: u64,
    quorum: Option<&str>,
    threshold: Threshold,
    expect: Verdict,
) {
    let quorum = quorum.map(|q| Quorum {
        share: q.parse().unwrap(),
        basis: Basis::People,
        per_college: false,
    });
    let size = Size {
        people: size,
        weight: Decimal::from(size),
    };
    let result = decide_motion(n(yes), n(no), n(abstain), size, quorum, threshold);
    assert_eq!(result.outcome, expect, "{result:#?}");
}

#[test]
fn boundaries_sit_exactly_at_the_fraction() {
    use Verdict::*;
    let two_thirds = Threshold::at_least(Fraction::TWO_THIRDS);
    let majority = Threshold::SIMPLE_MAJORITY;
    // (yes, no, abstain, electorate, quorum, threshold, verdict)
    check(2, 1, 0, 10, None, two_thirds, Passed); // exactly 2/3, inclusive
    check(199, 101, 0, 300, None, two_thirds, Failed); // 0.6633…
    check(200, 100, 0, 300, None, two_thirds, Passed);
    check(1, 1, 0, 2, None, majority, Failed); // exactly half is not more than half
    check(2, 1, 0, 3, None, majority, Passed);
    check(2, 1, 5, 8, None, majority, Passed); // abstentions left out of the share
    check(
        2,
        1,
        5,
        8,
        None,
        Threshold {
            abstentions_count: true,
            ..majority
        },
        Failed, // 2 of 8 with abstentions counted
    );
    check(5, 0, 0, 10, Some("1/2"), majority, Passed); // quorum exactly met
    check(4, 0, 0, 10, Some("1/2"), majority, NoQuorum);
    check(3, 0, 2, 10, Some("1/2"), majority, Passed); // abstentions count toward quorum
    check(0, 0, 5, 10, Some("1/2"), majority, Failed); // quorum met, nobody for
    // Of the electorate: 6 of 10 yes is more than half the electorate.
    let of_electorate = Threshold {
        of: Base::Electorate,
        ..majority
    };
    check(6, 0, 0, 10, None, of_electorate, Passed);
    check(5, 0, 0, 10, None, of_electorate, Failed);
}

#[test]
fn fractions_read_as_exact_shares() {
    assert_eq!("2/3".parse::<Fraction>().unwrap(), Fraction::TWO_THIRDS);
    assert_eq!("50%".parse::<Fraction>().unwrap().to_string(), "50/100");
    assert_eq!("66.5%".parse::<Fraction>().unwrap().to_string(), "665/1000");
    for bad in ["3/2", "1/0", "abc", "150%", "-1/2", ""] {
        assert!(bad.parse::<Fraction>().is_err(), "{bad}");
    }
}

#[test]
fn weight_quorum_counts_weight() {
    let size = Size {
        people: 3,
        weight: Decimal::from(100),
    };
    let heavy = Count {
        people: 1,
        weight: Decimal::from(60),
    };
    let quorum = Some(Quorum {
        share: Fraction::HALF,
        basis: Basis::Weight,
        per_college: false,
    });
    let result = decide_motion(
        heavy,
        Count::default(),
        Count::default(),
        size,
        quorum,
        Threshold::SIMPLE_MAJORITY,
    );
    assert_eq!(result.outcome, Verdict::Passed);
    let by_people = Some(Quorum {
        share: Fraction::HALF,
        basis: Basis::People,
        per_college: false,
    });
    let result = decide_motion(
        heavy,
        Count::default(),
        Count::default(),
        size,
        by_people,
        Threshold::SIMPLE_MAJORITY,
    );
    assert_eq!(result.outcome, Verdict::NoQuorum);
}

proptest! {
    /// With the shares of yes, no and abstain fixed and the electorate fixed, more turnout
    /// can only turn "no quorum" into a decision, and never changes a decision once the
    /// quorum is met.
    #[test]
    fn quorum_and_threshold_are_monotone_in_turnout(
        (y, no, a) in (0u64..5, 0u64..5, 0u64..5),
        k in 1u64..20,
        size in 1u64..400,
        q in 1u32..=4,
        t in 1u32..=3,
    ) {
        prop_assume!((y + no + a) * (k + 1) <= size);
        let quorum = Some(Quorum { share: Fraction::new(q, 4).unwrap(), basis: Basis::People, per_college: false });
        let threshold = Threshold::at_least(Fraction::new(t, 3).unwrap());
        let electorate = Size { people: size, weight: Decimal::from(size) };
        let verdict = |k: u64| decide_motion(n(y * k), n(no * k), n(a * k), electorate, quorum, threshold).outcome;
        let (smaller, larger) = (verdict(k), verdict(k + 1));
        if smaller != Verdict::NoQuorum {
            prop_assert_eq!(smaller, larger);
        }
    }
}

/// A threshold with a denominator up to `den`.
fn threshold_up_to(den: u32) -> impl Strategy<Value = Threshold> {
    (1..=den)
        .prop_flat_map(|den| (0..=den, Just(den), 0u8..3, any::<bool>()))
        .prop_map(|(num, den, base, inclusive)| {
            let (of, abstentions_count) = match base {
                0 => (Base::VotesCast, false),
                1 => (Base::VotesCast, true),
                _ => (Base::Electorate, false),
            };
            let share = Fraction::new(num, den).unwrap();
            Threshold {
                share,
                of,
                inclusive,
                abstentions_count,
            }
        })
}

/// Two thresholds, the first not implying the second. Shares of zero on either side are
/// answered cautiously and "more than all" is never reached: both are left out.
fn non_implying_pair() -> impl Strategy<Value = (Threshold, Threshold)> {
    let reachable = |t: &Threshold| {
        let share = t.share.to_string();
        let (num, den) = share.split_once('/').unwrap();
        num != "0" && (num != den || t.inclusive)
    };
    (threshold_up_to(4), threshold_up_to(4)).prop_filter_map("neither implies", move |(a, b)| {
        let fit = reachable(&a) && reachable(&b);
        if fit && !a.implies(&b) {
            Some((a, b))
        } else if fit && !b.implies(&a) {
            Some((b, a))
        } else {
            None
        }
    })
}

/// Two thresholds, the first implying the second.
fn implying_pair() -> impl Strategy<Value = (Threshold, Threshold)> {
    (threshold_up_to(6), threshold_up_to(6)).prop_map(|(a, b)| {
        if a.implies(&b) {
            (a, b)
        } else if b.implies(&a) {
            (b, a)
        } else {
            (a, a)
        }
    })
}

#[test]
fn a_stricter_threshold_implies_a_weaker_one() {
    let at_least = |n, d| Threshold::at_least(Fraction::new(n, d).unwrap());
    let of_electorate = Threshold {
        of: Base::Electorate,
        ..Threshold::SIMPLE_MAJORITY
    };
    let with_abstentions = Threshold {
        abstentions_count: true,
        ..Threshold::SIMPLE_MAJORITY
    };
    for (stricter, weaker) in [
        (at_least(2, 3), Threshold::SIMPLE_MAJORITY),
        (Threshold::SIMPLE_MAJORITY, at_least(1, 2)),
        (of_electorate, Threshold::SIMPLE_MAJORITY),
        (of_electorate, with_abstentions),
        (with_abstentions, Threshold::SIMPLE_MAJORITY),
        (at_least(3, 4), at_least(3, 4)),
    ] {
        assert!(
            stricter.implies(&weaker),
            "{stricter} should imply {weaker}"
        );
    }
    for (weaker, stricter) in [
        (Threshold::SIMPLE_MAJORITY, at_least(2, 3)),
        (at_least(1, 2), Threshold::SIMPLE_MAJORITY),
        (at_least(3, 4), of_electorate),
        (Threshold::SIMPLE_MAJORITY, with_abstentions),
        (at_least(0, 1), at_least(0, 2)),
    ] {
        assert!(
            !weaker.implies(&stricter),
            "{weaker} should not imply {stricter}"
        );
    }
    assert_eq!(of_electorate.to_string(), "more than 1/2 of the electorate");
    assert_eq!(at_least(2, 3).to_string(), "at least 2/3 of the votes cast");
}

proptest! {
    /// When one threshold implies another, no count passes the first and fails the
    /// second: what a rule reserved for the weaker is safe to accept from the stricter.
    #[test]
    fn implied_thresholds_are_reached_whenever_the_stricter_is(
        (stricter, weaker) in implying_pair(),
        (yes, no, abstain, absent) in (0u64..30, 0u64..30, 0u64..30, 0u64..30),
    ) {
        prop_assert!(stricter.implies(&weaker));
        let size = Size { people: yes + no + abstain + absent, weight: Decimal::from(yes + no + abstain + absent) };
        let met = |t: Threshold| decide_motion(n(yes), n(no), n(abstain), size, None, t).threshold.met;
        if met(stricter) {
            prop_assert!(met(weaker), "{} passed, {} failed: {yes}/{no}/{abstain} of {}", stricter, weaker, size.people);
        }
    }

    /// And when it does not, some count tells them apart (checked over small counts). A
    /// share of zero on either side is answered cautiously; "more than all" is never
    /// reached. Both are left out here.
    #[test]
    fn thresholds_that_do_not_imply_are_told_apart((stricter, weaker) in non_implying_pair()) {
        let mut apart = false;
        'search: for yes in 0u64..8 {
            for no in 0u64..8 {
                for abstain in [0u64, 1, 2, 3, 5, 8, 13, 21] {
                    for absent in [0u64, 1, 2, 3, 5, 8, 13, 21, 34, 55] {
                        let size = Size { people: yes + no + abstain + absent, weight: Decimal::from(yes + no + abstain + absent) };
                        let met = |t: Threshold| decide_motion(n(yes), n(no), n(abstain), size, None, t).threshold.met;
                        if met(stricter) && !met(weaker) {
                            apart = true;
                            break 'search;
                        }
                    }
                }
            }
        }
        prop_assert!(apart, "{} does not imply {}, yet no count tells them apart", stricter, weaker);
    }
}
