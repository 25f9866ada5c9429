//! Retry policy: how many attempts, and how long to wait between them.
//!
//! The client retries a request when no response arrived and a repeat is harmless (see
//! [`TransportError`](crate::TransportError)), when the service answers 500, 502, 503 or 504,
//! and when it answers `RequestExpired` (the next attempt is signed with a fresh time). The
//! wait before retry *n* (counting from 1) is drawn uniformly from `[0, min(cap, base·2ⁿ⁻¹)]`
//! ("full jitter"), so clients that failed together do not come back together.
//!
//! Defaults: 3 attempts in all, base 100 ms, cap 5 s.

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// How many attempts an operation gets and how long to wait between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
}

impl RetryPolicy {
    /// Attempts per operation by default, the first one included.
    pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
    /// Base of the exponential backoff by default.
    pub const DEFAULT_BASE_DELAY: Duration = Duration::from_millis(100);
    /// Longest wait between two attempts by default.
    pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(5);

    /// A policy of `max_attempts` attempts in all (at least 1), waiting up to
    /// `min(max_delay, base_delay·2ⁿ⁻¹)` before retry *n*.
    #[must_use]
    pub fn new(max_attempts: u32, base_delay: Duration, max_delay: Duration) -> Self {
        Self {
            max_attempts: max_attempts.max(1),
            base_delay,
            max_delay,
        }
    }

    /// One attempt, no retries.
    #[must_use]
    pub fn no_retries() -> Self {
        Self::new(1, Duration::ZERO, Duration::ZERO)
    }

    /// The same number of attempts, with no wait between them (for tests).
    #[must_use]
    pub fn without_delay(self) -> Self {
        Self::new(self.max_attempts, Duration::ZERO, Duration::ZERO)
    }

    /// The same delays with `max_attempts` attempts in all (at least 1).
    #[must_use]
    pub fn with_max_attempts(self, max_attempts: u32) -> Self {
        Self::new(max_attempts, self.base_delay, self.max_delay)
    }

    /// Attempts in all, the first one included.
    #[must_use]
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Base of the exponential backoff.
    #[must_use]
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// Longest wait between two attempts.
    #[must_use]
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The upper bound of the wait before retry `retry` (1 = the wait after the first
    /// attempt): `min(max_delay, base_delay·2^(retry-1))`.
    #[must_use]
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(31);
        self.base_delay
            .checked_mul(1_u32 << exponent)
            .map_or(self.max_delay, |delay| delay.min(self.max_delay))
    }

    /// The wait before retry `retry` for a uniform random `unit` in `[0, 1]` (full jitter).
    /// Values outside `[0, 1]` are clamped.
    #[must_use]
    pub fn backoff_delay(&self, retry: u32, unit: f64) -> Duration {
        let unit = if unit.is_nan() {
            0.0
        } else {
            unit.clamp(0.0, 1.0)
        };
        self.backoff_ceiling(retry).mul_f64(unit)
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::new(
            Self::DEFAULT_MAX_ATTEMPTS,
            Self::DEFAULT_BASE_DELAY,
            Self::DEFAULT_MAX_DELAY,
        )
    }
}

/// A boxed sleep future, as returned by [`Sleep::sleep`].
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// Waits between attempts. Pluggable so that tests can record the waits instead of waiting.
pub trait Sleep: Send + Sync + Debug {
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> SleepFuture;
}

/// Sleeps on the tokio timer (the default).
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioSleep;

impl Sleep for TokioSleep {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        Box::pin(tokio::time::sleep(duration))
    }
}
