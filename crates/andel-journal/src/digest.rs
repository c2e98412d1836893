//! SHA-256 digests and payload salts, written as lowercase hex.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A SHA-256 digest: an entry hash, a payload commitment or a Merkle node.
///
/// Written as 64 lowercase hex digits; parsing accepts nothing else, so one digest has
/// exactly one spelling (a journal file cannot be altered without changing a value).
///
/// ```
/// use andel_journal::Digest;
///
/// let d = Digest::of(b"abc");
/// assert_eq!(
///     d.to_string(),
///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// );
/// assert_eq!(d.to_string().parse::<Digest>().unwrap(), d);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest([u8; 32]);

impl Digest {
    /// The all-zero digest: the `prev` of the first entry of every stream.
    pub const ZERO: Digest = Digest([0; 32]);

    /// Wraps 32 raw bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Digest(bytes)
    }

    /// The raw bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// SHA-256 of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        use sha2::Digest as _;
        Digest(sha2::Sha256::digest(bytes).into())
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(hex_encode_32(&self.0, &mut [0; 64]))
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({self})")
    }
}

impl FromStr for Digest {
    type Err = HexError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        hex_decode_32(s).map(Digest)
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0; 64];
        serializer.serialize_str(hex_encode_32(&self.0, &mut buf))
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The random salt mixed into a payload's commitment.
///
/// Without it, a redacted entry's commitment would let anyone confirm a guess of a
/// low-entropy payload (a `yes` vote, a birth date) by hashing candidates. With 32
/// random bytes the commitment reveals nothing once the salt is erased with the payload.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Salt([u8; 32]);

impl Salt {
    /// A fresh salt from the operating system's random number generator.
    ///
    /// Bytes are drawn from the operating system 4 KiB at a time per thread and each
    /// byte is used once: one system call per 128 salts keeps appends close to the cost
    /// of their hashing.
    ///
    /// # Errors
    ///
    /// Fails only when the operating system has no randomness to give.
    pub fn random() -> Result<Self, getrandom::Error> {
        thread_local! {
            static POOL: std::cell::RefCell<RandomPool> = const {
                std::cell::RefCell::new(RandomPool { bytes: [0; POOL_BYTES], used: POOL_BYTES })
            };
        }
        POOL.with(|pool| pool.borrow_mut().take()).map(Salt)
    }

    /// Wraps 32 chosen bytes: for tests and golden vectors, never for real entries.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Salt(bytes)
    }

    /// The raw bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for Salt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(hex_encode_32(&self.0, &mut [0; 64]))
    }
}

impl fmt::Debug for Salt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A salt is secret until erased: keep it out of logs.
        f.write_str("Salt(..)")
    }
}

impl FromStr for Salt {
    type Err = HexError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        hex_decode_32(s).map(Salt)
    }
}

impl Serialize for Salt {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0; 64];
        serializer.serialize_str(hex_encode_32(&self.0, &mut buf))
    }
}

impl<'de> Deserialize<'de> for Salt {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

const POOL_BYTES: usize = 4096;

/// Random bytes from the operating system, handed out once each.
struct RandomPool {
    bytes: [u8; POOL_BYTES],
    used: usize,
}

impl RandomPool {
    fn take(&mut self) -> Result<[u8; 32], getrandom::Error> {
        if self.used + 32 > POOL_BYTES {
            getrandom::fill(&mut self.bytes)?;
            self.used = 0;
        }
        let mut salt = [0; 32];
        salt.copy_from_slice(&self.bytes[self.used..self.used + 32]);
        // Wipe what was handed out, so the pool never holds a salt in use.
        self.bytes[self.used..self.used + 32].fill(0);
        self.used += 32;
        Ok(salt)
    }
}

/// A string that is not 64 lowercase hex digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HexError {
    /// The string does not have 64 characters.
    #[error("expected 64 lowercase hex digits, found {found} characters")]
    Length {
        /// How many characters the string has.
        found: usize,
    },
    /// A character is not one of `0-9a-f`.
    #[error("character {position} is `{found}`, not a lowercase hex digit")]
    Character {
        /// Its position, from 0.
        position: usize,
        /// The character.
        found: char,
    },
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Writes 32 bytes as hex into `buf`, without allocating.
fn hex_encode_32<'b>(bytes: &[u8; 32], buf: &'b mut [u8; 64]) -> &'b str {
    for (i, byte) in bytes.iter().enumerate() {
        buf[2 * i] = HEX_DIGITS[usize::from(byte >> 4)];
        buf[2 * i + 1] = HEX_DIGITS[usize::from(byte & 0x0f)];
    }
    // Every byte written is an ASCII hex digit.
    std::str::from_utf8(buf).unwrap_or_default()
}

fn hex_decode_32(s: &str) -> Result<[u8; 32], HexError> {
    let chars = s.as_bytes();
    if chars.len() != 64 {
        return Err(HexError::Length {
            found: s.chars().count(),
        });
    }
    match decode_hex_32(chars) {
        Some(out) => Ok(out),
        None => {
            let at = chars
                .iter()
                .position(|c| !matches!(c, b'0'..=b'9' | b'a'..=b'f'))
                .unwrap_or(0);
            Err(bad_char(s, at))
        }
    }
}

/// Decodes exactly 64 lowercase hex digits; `None` for anything else. Journal files hold
/// four digests a line, so this is written as straight-line arithmetic over the whole
/// digest (which the compiler turns into vector code), checked once at the end.
pub(crate) fn decode_hex_32(chars: &[u8]) -> Option<[u8; 32]> {
    let chars: &[u8; 64] = chars.try_into().ok()?;
    let mut nibbles = [0u8; 64];
    let mut bad = false;
    for (nibble, c) in nibbles.iter_mut().zip(chars) {
        let digit = c.wrapping_sub(b'0') < 10;
        let letter = c.wrapping_sub(b'a') < 6;
        bad |= !(digit | letter);
        // `0`–`9` are 0x30–0x39 and `a`–`f` are 0x61–0x66: the low four bits, plus 9
        // for a letter.
        *nibble = (c & 0x0f) + 9 * (c >> 6);
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(nibbles.chunks_exact(2)) {
        *byte = pair[0] << 4 | pair[1];
    }
    (!bad).then_some(out)
}

fn bad_char(s: &str, byte_index: usize) -> HexError {
    // The input may hold multi-byte characters; report the character, not a byte.
    let (position, found) = s
        .char_indices()
        .enumerate()
        .take_while(|(_, (at, _))| *at <= byte_index)
        .last()
        .map(|(position, (_, c))| (position, c))
        .unwrap_or((0, '?'));
    HexError::Character { position, found }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_rejects_other_spellings() {
        let d = Digest::of(b"");
        assert_eq!(
            d.to_string(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(d.to_string().parse::<Digest>(), Ok(d));
        let upper = d.to_string().to_uppercase();
        assert_eq!(
            upper.parse::<Digest>(),
            Err(HexError::Character {
                position: 0,
                found: 'E'
            })
        );
        assert_eq!("ab".parse::<Digest>(), Err(HexError::Length { found: 2 }));
        let mut wide = "0".repeat(62);
        wide.push('é');
        assert_eq!(
            wide.parse::<Digest>(),
            Err(HexError::Character {
                position: 62,
                found: 'é'
            })
        );
    }

    #[test]
    fn random_salts_differ() {
        let salts: std::collections::HashSet<[u8; 32]> = (0..1000)
            .map(|_| *Salt::random().unwrap().as_bytes())
            .collect();
        assert_eq!(salts.len(), 1000, "a salt repeated");
        assert!(!salts.contains(&[0; 32]));
    }

    #[test]
    fn salt_debug_hides_the_bytes() {
        assert_eq!(format!("{:?}", Salt::from_bytes([7; 32])), "Salt(..)");
    }
}
