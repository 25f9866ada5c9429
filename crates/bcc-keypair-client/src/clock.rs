//! Where the client gets the time it signs with.
//!
//! Every attempt is signed afresh with the current time, so the clock is read once per
//! attempt through [`Clock`]. [`SystemClock`] is the only place in the crate that reads the
//! wall clock; tests pass a [`FixedClock`] to get the same signature every run.

use std::fmt::Debug;

use chrono::{DateTime, Utc};

/// A source of the current UTC time.
pub trait Clock: Send + Sync + Debug {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
}

/// The wall clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    // The single edge where the client reads the wall clock (clippy.toml bans it elsewhere).
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stuck at one instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedClock(DateTime<Utc>);

impl FixedClock {
    /// A clock that always answers `time`.
    #[must_use]
    pub fn new(time: DateTime<Utc>) -> Self {
        Self(time)
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}
