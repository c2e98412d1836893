//! A quick check that text read back from a store is JSON.
//!
//! Stores hand back the canonical text they were given, and replaying a stream reads
//! every payload of it, so this check runs once per entry read. serde_json's own check
//! (`RawValue::from_string`) walks the text through its general parser; this one only
//! follows the grammar of RFC 8259, byte by byte, and builds nothing.
//!
//! It answers `true` only for text that serde_json reads as one JSON value, with
//! nothing around it. Everything else, including valid JSON this check does not
//! follow (whitespace between tokens, `\u` escapes of surrogates, nesting deeper than
//! [`CHECK_DEPTH`]), answers `false`, and the caller asks serde_json, which decides and
//! says why. So the check can make reading faster, never more permissive.

/// How deeply the check follows nested arrays and objects before it leaves the text to
/// serde_json (whose own limit is 128).
const CHECK_DEPTH: u32 = 64;

/// Whether `text` is certainly one JSON value, spelled without whitespace between its
/// tokens. `false` means "not known": ask the parser.
pub(super) fn is_json(text: &str) -> bool {
    let mut check = Check {
        bytes: text.as_bytes(),
        at: 0,
    };
    check.value(0).is_some() && check.at == check.bytes.len()
}

struct Check<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Check<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Steps over `byte` if it comes next.
    fn eat(&mut self, byte: u8) -> bool {
        let next = self.peek() == Some(byte);
        self.at += usize::from(next);
        next
    }

    fn value(&mut self, depth: u32) -> Option<()> {
        match self.peek()? {
            b'"' => self.string(),
            b'-' | b'0'..=b'9' => self.number(),
            b'{' if depth < CHECK_DEPTH => self.object(depth + 1),
            b'[' if depth < CHECK_DEPTH => self.array(depth + 1),
            b'n' => self.literal(b"null"),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let rest = self.bytes.get(self.at..)?;
        rest.starts_with(word).then(|| self.at += word.len())
    }

    fn object(&mut self, depth: u32) -> Option<()> {
        self.at += 1;
        if self.eat(b'}') {
            return Some(());
        }
        loop {
            if self.peek()? != b'"' {
                return None;
            }
            self.string()?;
            self.eat(b':').then_some(())?;
            self.value(depth)?;
            if !self.eat(b',') {
                return self.eat(b'}').then_some(());
            }
        }
    }

    fn array(&mut self, depth: u32) -> Option<()> {
        self.at += 1;
        if self.eat(b']') {
            return Some(());
        }
        loop {
            self.value(depth)?;
            if !self.eat(b',') {
                return self.eat(b']').then_some(());
            }
        }
    }

    /// A string, from its opening quote. The text is `str`, so its bytes are UTF-8
    /// already; what is left to check is that no control character appears unescaped
    /// and that every escape is one JSON has.
    fn string(&mut self) -> Option<()> {
        self.at += 1;
        loop {
            let rest = self.bytes.get(self.at..)?;
            let stop = rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
            self.at += stop;
            match self.peek()? {
                b'"' => {
                    self.at += 1;
                    return Some(());
                }
                b'\\' => self.escape()?,
                _ => return None,
            }
        }
    }

    fn escape(&mut self) -> Option<()> {
        match self.bytes.get(self.at + 1)? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.at += 2,
            b'u' => {
                let hex = self.bytes.get(self.at + 2..self.at + 6)?;
                let hex = std::str::from_utf8(hex).ok()?;
                let code = u16::from_str_radix(hex, 16).ok()?;
                // Surrogates are left to the parser, which knows its rules for pairs.
                if (0xD800..=0xDFFF).contains(&code) || hex.starts_with('+') {
                    return None;
                }
                self.at += 6;
            }
            _ => return None,
        }
        Some(())
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Option<()> {
        self.eat(b'-');
        match self.peek()? {
            b'0' => self.at += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.eat(b'.') {
            self.some_digits()?;
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            self.some_digits()?;
        }
        Some(())
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
    }

    fn some_digits(&mut self) -> Option<()> {
        let start = self.at;
        self.digits();
        (self.at > start).then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::value::RawValue;

    /// What serde_json says of the same text, as `Payload::from_stored` asks it.
    fn serde_reads(text: &str) -> bool {
        RawValue::from_string(text.to_owned()).is_ok()
    }

    #[test]
    fn follows_the_grammar_of_json() {
        for json in [
            "null",
            "true",
            "false",
            "0",
            "-0",
            "12",
            "-1.5e-7",
            "1E+21",
            "0.25",
            r#""""#,
            r#""caf\u00e9 \"x\" \\ \/ \b\f\n\r\t""#,
            "\"\u{1f600}\"",
            "[]",
            "{}",
            r#"{"a":[1,{"b":null}],"c":"d"}"#,
            r#"[[],[[]],{"":{}}]"#,
        ] {
            assert!(is_json(json), "{json} refused");
            assert!(serde_reads(json), "{json} is not JSON after all");
        }
    }

    #[test]
    fn leaves_everything_else_to_the_parser() {
        for text in [
            "",
            " 1",
            "1 ",
            "[1, 2]",
            "{\"a\": 1}",
            "01",
            "-",
            "1.",
            ".5",
            "1e",
            "1e+",
            "+1",
            "[1,]",
            "{\"a\":1,}",
            "{\"a\"}",
            "{1:2}",
            "[1 2]",
            "nul",
            "truex",
            "NaN",
            "\"unterminated",
            "\"tab\there\"",
            r#""\x""#,
            r#""\u12""#,
            r#""\u+123""#,
            r#""\ud800""#,
            r#""\ud83d\ude00""#,
            "\"a\"\"b\"",
            "[]]",
        ] {
            assert!(!is_json(text), "{text:?} accepted");
        }
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(is_json(&deep(CHECK_DEPTH as usize)));
        assert!(!is_json(&deep(CHECK_DEPTH as usize + 1)));
        assert!(serde_reads(&deep(CHECK_DEPTH as usize + 1)));
    }

    /// JSON text with the shapes stores hold, and the mistakes a damaged row has.
    fn json_like() -> impl Strategy<Value = String> {
        let token = prop_oneof![
            Just("{".to_owned()),
            Just("}".to_owned()),
            Just("[".to_owned()),
            Just("]".to_owned()),
            Just(",".to_owned()),
            Just(":".to_owned()),
            Just("\"".to_owned()),
            Just("\\".to_owned()),
            "\"[a-z\\\\\"/ubfnrt0-9é\u{1}]{0,6}\"",
            "-?[0-9]{0,3}(\\.[0-9]{0,2})?([eE][+-]?[0-9]{0,2})?",
            Just("null".to_owned()),
            Just("true".to_owned()),
            Just("fals".to_owned()),
            Just(" ".to_owned()),
        ];
        prop::collection::vec(token, 0..24).prop_map(|tokens| tokens.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        /// The check never accepts what serde_json refuses, on near-JSON text where
        /// mistakes are likely.
        #[test]
        fn accepts_only_what_serde_json_reads(text in json_like()) {
            if is_json(&text) {
                prop_assert!(serde_reads(&text), "{:?} accepted, serde_json refuses it", text);
            }
        }

        /// Nor on arbitrary text.
        #[test]
        fn arbitrary_text_is_never_wrongly_accepted(text in ".{0,48}") {
            if is_json(&text) {
                prop_assert!(serde_reads(&text), "{:?} accepted, serde_json refuses it", text);
            }
        }

        /// Every value serde_json writes compactly, the check accepts.
        #[test]
        fn compact_json_is_recognised(value in crate::payload::tests::json()) {
            let text = serde_json::to_string(&value).unwrap();
            prop_assert!(is_json(&text), "{} refused", text);
        }
    }
}
