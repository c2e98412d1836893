//! Slack timestamps: parsed strictly, shown in the canonical form, ordered as
//! moments.

use crate::slack::{Ts, TsError};

#[track_caller]
fn check(text: &str, expect: Option<(u64, u32, &str)>) {
    let parsed = text.parse::<Ts>();
    match expect {
        Some((secs, micros, shown)) => {
            let ts = parsed.unwrap();
            assert_eq!((ts.secs(), ts.micros()), (secs, micros), "{text}");
            assert_eq!(ts.to_string(), shown);
            assert_eq!(shown.parse::<Ts>(), Ok(ts));
        }
        None => assert_eq!(
            parsed,
            Err(TsError {
                text: text.to_owned()
            }),
            "{text}"
        ),
    }
}

#[test]
fn timestamps_parse_strictly() {
    check(
        "1736478514.897649",
        Some((1_736_478_514, 897_649, "1736478514.897649")),
    );
    check("0000000000.000000", Some((0, 0, "0.000000")));
    check("5.25", Some((5, 250_000, "5.250000")));
    check("5.000001", Some((5, 1, "5.000001")));
    check(
        "9999999999.999999",
        Some((9_999_999_999, 999_999, "9999999999.999999")),
    );
    for wrong in [
        "",
        ".",
        "1736478514",
        "1736478514.",
        ".897649",
        "1736478514.8976491",
        "17364785140.897649",
        "-1.5",
        "+1.5",
        " 1.5",
        "1.5 ",
        "1,5",
        "1.5e3",
        "1..5",
        "1.5.5",
        "١.٥",
        "0x1.5",
    ] {
        check(wrong, None);
    }
}

#[test]
fn timestamps_order_as_moments() {
    let ts = |text: &str| text.parse::<Ts>().unwrap();
    assert!(ts("5.25") < ts("5.3"));
    assert!(ts("5.999999") < ts("6.0"));
    assert!(ts("10.1") > ts("9.9"));
    assert_eq!(ts("5.5"), ts("5.500000"));
    assert_eq!(Ts::new(5, 500_000), Some(ts("5.5")));
    assert_eq!(Ts::new(5, 1_000_000), None);
    assert_eq!(Ts::new(10_000_000_000, 0), None);
    assert_eq!(
        ts("1736478514.897649").to_utc().unwrap().to_rfc3339(),
        "2025-01-10T03:08:34.897649+00:00"
    );
    assert!(ts("9999999999.999999").to_utc().is_some());
}

#[test]
fn timestamps_serialize_as_their_text() {
    let ts: Ts = serde_json::from_str("\"1736478514.897649\"").unwrap();
    assert_eq!(serde_json::to_string(&ts).unwrap(), "\"1736478514.897649\"");
    assert!(serde_json::from_str::<Ts>("1736478514.897649").is_err());
    let error = serde_json::from_str::<Ts>("\"tomorrow\"").unwrap_err();
    assert!(
        error
            .to_string()
            .contains("`tomorrow` is not a Slack timestamp"),
        "{error}"
    );
    // Control characters are shown escaped, and long text cut.
    let error = "\u{1b}[31m.5".parse::<Ts>().unwrap_err();
    assert_eq!(error.text, "\\u{1b}[31m.5");
    assert_eq!(
        "9".repeat(500)
            .parse::<Ts>()
            .unwrap_err()
            .text
            .chars()
            .count(),
        121
    );
}
