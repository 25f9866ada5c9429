//! Retry policy: how many attempts, and how long to wait between them.
//!
//! The client retries a request when no response arrived and a repeat is harmless (see
//! [`TransportError`](crate::TransportError)), when the service answers 500, 502, 503 or 504,
//! and when it answers `RequestExpired` (the next attempt is signed with a fresh time). The
//! wait before retry *n* (counting from 1) is drawn uniformly from `[0, min(cap, base·2ⁿ⁻¹)]`
//! ("full jitter"), so clients that failed together do not come back together.
//!
//! A `Retry-After` on an error response (seconds, or an HTTP date) sets the least wait: the
//! next attempt never comes sooner than the service asked. (Inferred: a `Retry-After`
//! longer than the policy's cap ends the retries instead of holding the caller; the error
//! carries it in [`ServiceError::retry_after`](crate::ServiceError::retry_after).)
//!
//! Every retry also spends tokens from a [`RetryBudget`] shared by the clients of one
//! configuration, the way aws-sdk-rust's standard retry strategy does: when a service is
//! failing for everyone, the clients stop multiplying its load once the budget is spent,
//! and each success earns a little back.
//!
//! Defaults: 3 attempts in all, base 100 ms, cap 5 s; a budget of 500 tokens, 5 per retry,
//! 10 per retry after a timeout, 1 back per success.

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// How many attempts an operation gets and how long to wait between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
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

/// Tokens that retries spend and successes earn back, shared by every client made from one
/// [`Config`](crate::Config) (a token bucket, like aws-sdk-rust's standard retry).
///
/// A retry costs [`retry_cost`](Self::retry_cost) tokens, or
/// [`timeout_cost`](Self::timeout_cost) after a timeout (a timed-out service is the most
/// likely to be overloaded); when the bucket cannot pay, the call ends with its last error.
/// Every successful attempt puts [`success_refill`](Self::success_refill) tokens back, up to
/// the capacity. First attempts are never refused.
#[derive(Debug)]
#[non_exhaustive]
pub struct RetryBudget {
    capacity: u32,
    retry_cost: u32,
    timeout_cost: u32,
    success_refill: u32,
    available: AtomicU32,
}

impl RetryBudget {
    /// Tokens in a full bucket by default.
    pub const DEFAULT_CAPACITY: u32 = 500;
    /// Tokens a retry costs by default.
    pub const DEFAULT_RETRY_COST: u32 = 5;
    /// Tokens a retry after a timeout costs by default.
    pub const DEFAULT_TIMEOUT_COST: u32 = 10;
    /// Tokens a success earns back by default.
    pub const DEFAULT_SUCCESS_REFILL: u32 = 1;

    /// A full bucket of `capacity` tokens with the given costs and refill.
    #[must_use]
    pub fn new(capacity: u32, retry_cost: u32, timeout_cost: u32, success_refill: u32) -> Self {
        Self {
            capacity,
            retry_cost,
            timeout_cost,
            success_refill,
            available: AtomicU32::new(capacity),
        }
    }

    /// A budget that never runs out (retries cost nothing).
    #[must_use]
    pub fn unlimited() -> Self {
        Self::new(u32::MAX, 0, 0, 0)
    }

    /// Tokens in a full bucket.
    #[must_use]
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// Tokens a retry costs.
    #[must_use]
    pub fn retry_cost(&self) -> u32 {
        self.retry_cost
    }

    /// Tokens a retry after a timeout costs.
    #[must_use]
    pub fn timeout_cost(&self) -> u32 {
        self.timeout_cost
    }

    /// Tokens a successful attempt earns back.
    #[must_use]
    pub fn success_refill(&self) -> u32 {
        self.success_refill
    }

    /// Tokens left now.
    #[must_use]
    pub fn available(&self) -> u32 {
        self.available.load(Ordering::Relaxed)
    }

    /// Takes the cost of one retry (the timeout cost if `after_timeout`); `false`, taking
    /// nothing, when the bucket holds less.
    pub fn try_spend(&self, after_timeout: bool) -> bool {
        let cost = if after_timeout {
            self.timeout_cost
        } else {
            self.retry_cost
        };
        self.available
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |available| {
                available.checked_sub(cost)
            })
            .is_ok()
    }

    /// Puts the refill of one success back, up to the capacity.
    pub fn refill(&self) {
        // The closure always returns `Some`, so the update cannot fail.
        let _previous =
            self.available
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |available| {
                    Some(
                        available
                            .saturating_add(self.success_refill)
                            .min(self.capacity),
                    )
                });
    }
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self::new(
            Self::DEFAULT_CAPACITY,
            Self::DEFAULT_RETRY_COST,
            Self::DEFAULT_TIMEOUT_COST,
            Self::DEFAULT_SUCCESS_REFILL,
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
