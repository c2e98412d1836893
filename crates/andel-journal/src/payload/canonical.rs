//! The canonical (RFC 8785) spelling of a payload: writing it, and recognising it.

use std::borrow::Cow;
use std::cmp::Ordering;

use serde_json::{Number, Value};

use super::{MAX_EXACT_INTEGER, PayloadError};

/// Writes `value` as RFC 8785 canonical JSON.
pub(super) fn write_canonical(value: &Value, out: &mut String) -> Result<(), PayloadError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(n, out)?,
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out)?;
            }
            out.push(']');
        }
        Value::Object(members) => {
            let mut sorted: Vec<(&String, &Value)> = members.iter().collect();
            // RFC 8785 §3.2.3: sort by UTF-16 code units, not by UTF-8 bytes.
            sorted.sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, (key, item)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_canonical(item, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn write_number(n: &Number, out: &mut String) -> Result<(), PayloadError> {
    let inexact = || PayloadError::InexactNumber {
        number: n.to_string(),
    };
    if let Some(u) = n.as_u64() {
        if u > MAX_EXACT_INTEGER {
            return Err(inexact());
        }
        out.push_str(itoa(u128::from(u), false).as_str());
    } else if let Some(i) = n.as_i64() {
        if i.unsigned_abs() > MAX_EXACT_INTEGER {
            return Err(inexact());
        }
        out.push_str(itoa(u128::from(i.unsigned_abs()), i < 0).as_str());
    } else if let Some(f) = n.as_f64() {
        // A float that is a whole number beyond 2^53 came from digits that were rounded.
        if !f.is_finite() || (f.fract() == 0.0 && f.abs() > MAX_EXACT_INTEGER as f64) {
            return Err(inexact());
        }
        out.push_str(ryu_js::Buffer::new().format_finite(f));
    } else {
        return Err(inexact());
    }
    Ok(())
}

fn itoa(magnitude: u128, negative: bool) -> String {
    if negative && magnitude != 0 {
        format!("-{magnitude}")
    } else {
        magnitude.to_string()
    }
}

/// RFC 8785 §3.2.2.2: escape `"`, `\` and control characters; nothing else.
fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// How deeply [`canonical_prefix`] follows nested arrays and objects before it
/// leaves the payload to the full parser (whose own limit is 128).
pub(super) const SCAN_DEPTH: u32 = 64;

/// How many bytes at the start of `text` are one JSON value spelled exactly as
/// [`write_canonical`] spells it; `None` when the start is not known to be canonical.
pub(super) fn canonical_prefix(text: &str) -> Option<usize> {
    let mut scan = Scan {
        bytes: text.as_bytes(),
        at: 0,
    };
    scan.value(0)?;
    Some(scan.at)
}

/// A check, in one pass and without building a value, that JSON text is spelled as
/// [`write_canonical`] spells it: every rule there has its mirror here.
struct Scan<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Scan<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let rest = self.bytes.get(self.at..)?;
        rest.starts_with(word).then(|| self.at += word.len())
    }

    fn value(&mut self, depth: u32) -> Option<()> {
        match self.peek()? {
            b'n' => self.literal(b"null"),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'"' => self.string().map(|_| ()),
            b'-' | b'0'..=b'9' => self.number(),
            b'[' if depth < SCAN_DEPTH => {
                self.at += 1;
                if self.peek()? == b']' {
                    self.at += 1;
                    return Some(());
                }
                loop {
                    self.value(depth + 1)?;
                    match self.peek()? {
                        b',' => self.at += 1,
                        b']' => {
                            self.at += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'{' if depth < SCAN_DEPTH => {
                self.at += 1;
                if self.peek()? == b'}' {
                    self.at += 1;
                    return Some(());
                }
                let mut previous: Option<Cow<'a, str>> = None;
                loop {
                    let key = self.key()?;
                    // Strictly increasing keys: sorted as RFC 8785 sorts, and no duplicate.
                    if let Some(previous) = &previous
                        && previous.encode_utf16().cmp(key.encode_utf16()) != Ordering::Less
                    {
                        return None;
                    }
                    self.literal(b":")?;
                    self.value(depth + 1)?;
                    previous = Some(key);
                    match self.peek()? {
                        b',' => self.at += 1,
                        b'}' => {
                            self.at += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            _ => None,
        }
    }

    /// A canonical string; answers its text between the quotes as written, and
    /// whether it holds escapes.
    fn string(&mut self) -> Option<(&'a [u8], bool)> {
        self.literal(b"\"")?;
        let start = self.at;
        let mut escaped = false;
        loop {
            match self.peek()? {
                b'"' => {
                    let text = self.bytes.get(start..self.at)?;
                    self.at += 1;
                    return Some((text, escaped));
                }
                b'\\' => {
                    escaped = true;
                    match self.bytes.get(self.at + 1)? {
                        b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't' => self.at += 2,
                        b'u' => {
                            // Only the control characters without a short escape.
                            let code = self.bytes.get(self.at + 2..self.at + 6)?;
                            let [b'0', b'0', high @ b'0'..=b'1', low] = *code else {
                                return None;
                            };
                            let low = match low {
                                b'0'..=b'9' => low - b'0',
                                b'a'..=b'f' => low - b'a' + 10,
                                _ => return None,
                            };
                            let c = (high - b'0') << 4 | low;
                            if matches!(c, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d) {
                                return None;
                            }
                            self.at += 6;
                        }
                        _ => return None,
                    }
                }
                // Control characters are always escaped.
                0x00..=0x1f => return None,
                _ => self.at += 1,
            }
        }
    }

    /// An object key: a canonical string, unescaped to compare it with its neighbours.
    fn key(&mut self) -> Option<Cow<'a, str>> {
        let (text, escaped) = self.string()?;
        let text = std::str::from_utf8(text).ok()?;
        if !escaped {
            return Some(Cow::Borrowed(text));
        }
        serde_json::from_str::<String>(self_quoted(text).as_str())
            .ok()
            .map(Cow::Owned)
    }

    /// A number as [`write_number`] writes it.
    fn number(&mut self) -> Option<()> {
        let start = self.at;
        let negative = self.peek()? == b'-';
        if negative {
            self.at += 1;
        }
        let digits_start = self.at;
        let mut magnitude: u64 = 0;
        while let Some(d @ b'0'..=b'9') = self.peek() {
            magnitude = magnitude
                .checked_mul(10)?
                .checked_add(u64::from(d - b'0'))?;
            self.at += 1;
        }
        let digits = self.at - digits_start;
        if digits == 0 || (digits > 1 && self.bytes.get(digits_start) == Some(&b'0')) {
            return None;
        }
        if matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            while let Some(b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            let token = std::str::from_utf8(self.bytes.get(start..self.at)?).ok()?;
            // serde_json reads floats correctly rounded (`float_roundtrip`), as `parse` does.
            let f: f64 = token.parse().ok()?;
            let whole_beyond = f.fract() == 0.0 && f.abs() > MAX_EXACT_INTEGER as f64;
            let canonical = f.is_finite() && !whole_beyond;
            return (canonical && ryu_js::Buffer::new().format_finite(f) == token).then_some(());
        }
        // `-0` reads as a float, written `0`.
        (magnitude <= MAX_EXACT_INTEGER && !(negative && magnitude == 0)).then_some(())
    }
}

/// `text` between quotes again, to hand an escaped key to the JSON parser.
fn self_quoted(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    quoted.push_str(text);
    quoted.push('"');
    quoted
}
