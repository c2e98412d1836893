//! The primitives of the ledger's snapshot format: LEB128 integers, decimals as sign,
//! scale and LEB128 magnitude, dates as days from the common era, and length-prefixed
//! strings and lists.
//!
//! The reader treats its input as hostile: every length is checked against the bytes
//! left before anything is allocated, every decimal and date is checked, and it never
//! panics.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// Why bytes are not a ledger snapshot.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at byte {at}: {problem}")]
pub(crate) struct CodecError {
    pub(crate) at: usize,
    pub(crate) problem: String,
}

/// Writes values one after another.
#[derive(Default)]
pub(crate) struct Writer {
    pub(crate) bytes: Vec<u8>,
}

impl Writer {
    pub(crate) fn u64(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.bytes.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.bytes.push(n as u8);
    }

    pub(crate) fn u32(&mut self, n: u32) {
        self.u64(u64::from(n));
    }

    pub(crate) fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }

    pub(crate) fn tag(&mut self, tag: u8) {
        self.bytes.push(tag);
    }

    pub(crate) fn bool(&mut self, b: bool) {
        self.tag(u8::from(b));
    }

    /// A decimal as a byte of sign and scale, then its magnitude: an amount such as
    /// `500.00` takes 4 bytes instead of the 16 of its memory layout.
    pub(crate) fn decimal(&mut self, d: Decimal) {
        let sign = if d.is_sign_negative() { 0x80 } else { 0 };
        self.tag(sign | d.scale() as u8);
        let mut magnitude = d.mantissa().unsigned_abs();
        while magnitude >= 0x80 {
            self.bytes.push((magnitude as u8) | 0x80);
            magnitude >>= 7;
        }
        self.bytes.push(magnitude as u8);
    }

    pub(crate) fn date(&mut self, date: NaiveDate) {
        // Zigzag, so dates before the common era stay short too.
        let days = date.num_days_from_ce();
        self.u32(((days << 1) ^ (days >> 31)) as u32);
    }

    pub(crate) fn str(&mut self, text: &str) {
        self.len(text.len());
        self.bytes.extend_from_slice(text.as_bytes());
    }

    pub(crate) fn option<T>(&mut self, value: Option<T>, write: impl FnOnce(&mut Self, T)) {
        match value {
            None => self.tag(0),
            Some(value) => {
                self.tag(1);
                write(self, value);
            }
        }
    }

    pub(crate) fn list<'a, T: 'a>(
        &mut self,
        items: impl ExactSizeIterator<Item = &'a T>,
        mut write: impl FnMut(&mut Self, &'a T),
    ) {
        self.len(items.len());
        for item in items {
            write(self, item);
        }
    }
}

/// Reads values one after another from untrusted bytes.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

/// What a read gives.
pub(crate) type Read<T> = Result<T, CodecError>;

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0 }
    }

    pub(crate) fn fail<T>(&self, problem: impl Into<String>) -> Read<T> {
        Err(CodecError {
            at: self.at,
            problem: problem.into(),
        })
    }

    /// Fails unless every byte was read.
    pub(crate) fn finish(&self) -> Read<()> {
        match self.bytes.len() - self.at {
            0 => Ok(()),
            left => self.fail(format!("{left} bytes after the end of the state")),
        }
    }

    fn take(&mut self, n: usize) -> Read<&'a [u8]> {
        match self.bytes.get(self.at..self.at.saturating_add(n)) {
            Some(taken) if n <= self.bytes.len() - self.at => {
                self.at += n;
                Ok(taken)
            }
            _ => self.fail(format!(
                "{n} bytes wanted, {} left",
                self.bytes.len() - self.at
            )),
        }
    }

    pub(crate) fn tag(&mut self) -> Read<u8> {
        Ok(self.take(1)?[0])
    }

    pub(crate) fn bool(&mut self) -> Read<bool> {
        match self.tag()? {
            0 => Ok(false),
            1 => Ok(true),
            other => self.fail(format!("{other} is not a boolean")),
        }
    }

    pub(crate) fn u64(&mut self) -> Read<u64> {
        let mut n: u64 = 0;
        for shift in (0..64).step_by(7) {
            let byte = self.tag()?;
            let bits = u64::from(byte & 0x7f);
            if shift == 63 && bits > 1 {
                return self.fail("an integer longer than 64 bits");
            }
            n |= bits << shift;
            if byte & 0x80 == 0 {
                return Ok(n);
            }
        }
        self.fail("an integer longer than 64 bits")
    }

    pub(crate) fn u32(&mut self) -> Read<u32> {
        let n = self.u64()?;
        u32::try_from(n).or_else(|_| self.fail(format!("{n} does not fit in 32 bits")))
    }

    /// A count of items that each take at least one byte: never more than the bytes
    /// left, so a forged count cannot make the reader allocate.
    pub(crate) fn len(&mut self) -> Read<usize> {
        let n = self.u64()?;
        let left = (self.bytes.len() - self.at) as u64;
        match usize::try_from(n) {
            Ok(n) if n as u64 <= left => Ok(n),
            _ => self.fail(format!("a length of {n} with {left} bytes left")),
        }
    }

    pub(crate) fn decimal(&mut self) -> Read<Decimal> {
        let tag = self.tag()?;
        let (negative, scale) = (tag & 0x80 != 0, u32::from(tag & 0x7f));
        if scale > 28 {
            return self.fail(format!("a decimal with scale {scale}"));
        }
        let mut magnitude: u128 = 0;
        for shift in (0..98).step_by(7) {
            let byte = self.tag()?;
            magnitude |= u128::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                if magnitude >> 96 != 0 {
                    return self.fail("a decimal longer than 96 bits");
                }
                let (lo, mid, hi) = (
                    magnitude as u32,
                    (magnitude >> 32) as u32,
                    (magnitude >> 64) as u32,
                );
                return Ok(Decimal::from_parts(lo, mid, hi, negative, scale));
            }
        }
        self.fail("a decimal longer than 96 bits")
    }

    pub(crate) fn date(&mut self) -> Read<NaiveDate> {
        let zigzag = self.u32()?;
        let days = ((zigzag >> 1) as i32) ^ -((zigzag & 1) as i32);
        NaiveDate::from_num_days_from_ce_opt(days)
            .map_or_else(|| self.fail(format!("day {days} is not a date")), Ok)
    }

    pub(crate) fn str(&mut self) -> Read<&'a str> {
        let len = self.len()?;
        let start = self.at;
        let bytes = self.take(len)?;
        std::str::from_utf8(bytes).map_err(|_| CodecError {
            at: start,
            problem: "a string that is not UTF-8".into(),
        })
    }

    pub(crate) fn option<T>(&mut self, read: impl FnOnce(&mut Self) -> Read<T>) -> Read<Option<T>> {
        match self.tag()? {
            0 => Ok(None),
            1 => read(self).map(Some),
            other => self.fail(format!("{other} is not an option's tag")),
        }
    }

    pub(crate) fn list<T>(&mut self, mut read: impl FnMut(&mut Self) -> Read<T>) -> Read<Vec<T>> {
        let len = self.len()?;
        let mut items = Vec::with_capacity(len);
        for _ in 0..len {
            items.push(read(self)?);
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn integers_dates_and_decimals_come_back(
            n in any::<u64>(),
            days in -365_000i32..3_650_000,
            mantissa in any::<i64>(),
            scale in 0u32..=28,
            text in ".{0,40}",
        ) {
            let date = NaiveDate::from_num_days_from_ce_opt(days).unwrap();
            let decimal = Decimal::new(mantissa, scale);
            let mut w = Writer::default();
            w.u64(n);
            w.date(date);
            w.decimal(decimal);
            w.str(&text);
            let mut r = Reader::new(&w.bytes);
            prop_assert_eq!(r.u64().unwrap(), n);
            prop_assert_eq!(r.date().unwrap(), date);
            prop_assert_eq!(r.decimal().unwrap(), decimal);
            prop_assert_eq!(r.str().unwrap(), text.as_str());
            prop_assert!(r.finish().is_ok());
        }

        #[test]
        fn every_decimal_comes_back_with_its_scale_and_sign(
            lo in any::<u32>(), mid in any::<u32>(), hi in any::<u32>(),
            negative in any::<bool>(), scale in 0u32..=28,
        ) {
            let decimal = Decimal::from_parts(lo, mid, hi, negative, scale);
            let mut w = Writer::default();
            w.decimal(decimal);
            let back = Reader::new(&w.bytes).decimal().unwrap();
            // The same bits, not only the same value: 500.00 stays 500.00, -0 stays -0.
            prop_assert_eq!(back.serialize(), decimal.serialize());
        }

        #[test]
        fn any_bytes_read_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let mut r = Reader::new(&bytes);
            let _ = r.list(|r| Ok((r.u64()?, r.decimal()?, r.date()?, r.str()?.len())));
        }
    }

    #[test]
    fn forged_lengths_and_overlong_integers_are_refused() {
        let mut r = Reader::new(&[0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2]);
        assert!(r.len().unwrap_err().problem.contains("a length of"));
        let overlong = [0xff; 11];
        assert!(Reader::new(&overlong).u64().is_err());
        let mut max = Writer::default();
        max.u64(u64::MAX);
        assert_eq!(Reader::new(&max.bytes).u64().unwrap(), u64::MAX);
        assert!(Reader::new(&[29, 1]).decimal().is_err(), "scale 29");
        let mut too_long = vec![2];
        too_long.extend([0xff; 13]);
        too_long.push(0x7f);
        assert!(Reader::new(&too_long).decimal().is_err(), "past 96 bits");
        let mut small = Writer::default();
        small.decimal(Decimal::new(50_000, 2));
        assert_eq!(small.bytes.len(), 4, "500.00 is 4 bytes");
    }
}
