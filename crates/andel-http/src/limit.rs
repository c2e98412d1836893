//! Sign-in attempts counted per member number and per client address, so that nobody
//! can guess passwords faster than a few a minute.
//!
//! The counts are kept in the process's memory: several processes behind one address
//! each count their own, which multiplies the limit by their number, not more.

use std::collections::HashMap;
use std::sync::Mutex;

use andel_journal::Timestamp;

/// How many attempts a key may make in a window, and how long the window is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Attempts allowed per window.
    pub attempts: u32,
    /// The window, in seconds.
    pub window_seconds: i64,
}

/// Sign-in limits: per member number and per client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInLimits {
    /// Per member number: 5 attempts in 15 minutes.
    pub per_member: Limit,
    /// Per client address: 30 attempts in 15 minutes (a household or office shares one).
    pub per_address: Limit,
}

impl Default for SignInLimits {
    fn default() -> Self {
        SignInLimits {
            per_member: Limit {
                attempts: 5,
                window_seconds: 15 * 60,
            },
            per_address: Limit {
                attempts: 30,
                window_seconds: 15 * 60,
            },
        }
    }
}

/// The keys counted beyond which old windows are swept, so memory stays bounded.
const SWEEP_AT: usize = 10_000;

/// Counts attempts per key in fixed windows.
#[derive(Debug, Default)]
pub(crate) struct Limiter {
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

impl Limiter {
    /// Counts one attempt of `key` at `now`; `Err(seconds)` to wait when it is over
    /// `limit`.
    pub(crate) fn attempt(&self, key: &str, limit: Limit, now: Timestamp) -> Result<(), u64> {
        let now = now.as_datetime().timestamp();
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() >= SWEEP_AT {
            windows.retain(|_, (start, _)| now - *start < limit.window_seconds);
        }
        let (start, count) = windows.entry(key.to_owned()).or_insert((now, 0));
        if now - *start >= limit.window_seconds {
            (*start, *count) = (now, 0);
        }
        if *count >= limit.attempts {
            let wait = *start + limit.window_seconds - now;
            return Err(u64::try_from(wait.max(1)).unwrap_or(1));
        }
        *count += 1;
        Ok(())
    }

    /// Forgets `key`'s attempts (after a successful sign-in).
    pub(crate) fn clear(&self, key: &str) {
        self.windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::new(chrono::DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap())
            .unwrap()
    }

    #[test]
    fn attempts_over_the_limit_wait_for_the_window() {
        let limiter = Limiter::default();
        let limit = Limit {
            attempts: 3,
            window_seconds: 60,
        };
        for second in 0..3 {
            limiter.attempt("member:1", limit, at(second)).unwrap();
        }
        assert_eq!(limiter.attempt("member:1", limit, at(10)), Err(50));
        assert!(
            limiter.attempt("member:2", limit, at(10)).is_ok(),
            "keys apart"
        );
        assert!(
            limiter.attempt("member:1", limit, at(60)).is_ok(),
            "a new window"
        );
        limiter.clear("member:1");
        for second in 61..64 {
            limiter.attempt("member:1", limit, at(second)).unwrap();
        }
    }

    #[test]
    fn old_windows_are_swept_when_many_keys_are_counted() {
        let limiter = Limiter::default();
        let limit = Limit {
            attempts: 1,
            window_seconds: 60,
        };
        for key in 0..SWEEP_AT {
            limiter.attempt(&key.to_string(), limit, at(0)).unwrap();
        }
        limiter.attempt("late", limit, at(120)).unwrap();
        assert_eq!(limiter.windows.lock().unwrap().len(), 1);
    }
}
