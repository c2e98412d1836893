//! Values read from the command line, with errors that show the form expected.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

/// A calendar date, `YYYY-MM-DD`.
pub(crate) fn date(text: &str) -> Result<NaiveDate, String> {
    text.parse()
        .map_err(|_| format!("`{text}` is not a date: write YYYY-MM-DD, such as 2026-03-01"))
}

/// A moment in RFC 3339, with its zone: `2026-12-03T10:00:00Z` (UTC) or
/// `2026-12-03T11:00:00+01:00`. A time without a zone is refused, since guessing one
/// would move a deadline by hours; more than nine fraction digits are refused rather
/// than cut.
pub(crate) fn time(text: &str) -> Result<DateTime<Utc>, String> {
    const FORM: &str =
        "write YYYY-MM-DDTHH:MM:SSZ for UTC, or with an offset such as 2026-12-03T10:00:00+01:00";
    let fraction_digits = text
        .split_once('.')
        .map(|(_, rest)| rest.bytes().take_while(u8::is_ascii_digit).count());
    if fraction_digits.is_some_and(|n| n > 9) {
        return Err(format!(
            "`{text}` has more than nine digits of a second: {FORM}"
        ));
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time.with_timezone(&Utc));
    }
    let local = [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
    ]
    .iter()
    .any(|form| chrono::NaiveDateTime::parse_from_str(text, form).is_ok());
    if local {
        return Err(format!("`{text}` has no time zone: {FORM}"));
    }
    if text.parse::<NaiveDate>().is_ok() {
        return Err(format!("`{text}` is a date, not a time: {FORM}"));
    }
    Err(format!("`{text}` is not a time: {FORM}"))
}

/// An amount of money or a quantity, such as `1000`, `266.67` or `-100` (a negative
/// amount reaches the ledger, which says why it is refused).
pub(crate) fn amount(text: &str) -> Result<Decimal, String> {
    text.parse().map_err(|_| {
        format!("`{text}` is not an amount: write digits with a point for decimals, such as 1000 or 266.67")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_times_and_amounts_explain_the_form_they_take() {
        assert_eq!(date("2026-03-01").unwrap().to_string(), "2026-03-01");
        assert!(date("2026-3-1x").unwrap_err().contains("YYYY-MM-DD"));
        assert!(
            date("01/03/2026")
                .unwrap_err()
                .contains("`01/03/2026` is not a date")
        );

        let utc = time("2026-12-03T10:00:00Z").unwrap();
        assert_eq!(time("2026-12-03T11:00:00+01:00").unwrap(), utc);
        assert_eq!(
            time("2026-12-03T10:00:00.123456789Z")
                .unwrap()
                .timestamp_subsec_nanos(),
            123_456_789
        );
        assert!(
            time("2026-12-03 10:00")
                .unwrap_err()
                .contains("has no time zone")
        );
        assert!(
            time("2026-12-03")
                .unwrap_err()
                .contains("is a date, not a time")
        );
        assert!(
            time("2026-12-03T10:00:00.1234567891Z")
                .unwrap_err()
                .contains("more than nine digits")
        );
        assert!(time("soon").unwrap_err().contains("YYYY-MM-DDTHH:MM:SSZ"));

        assert_eq!(amount("-100").unwrap(), Decimal::from(-100));
        assert_eq!(amount("266.67").unwrap().to_string(), "266.67");
        assert!(amount("1,000").unwrap_err().contains("not an amount"));
    }
}
