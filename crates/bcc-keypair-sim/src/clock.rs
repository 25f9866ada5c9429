//! Time as a parameter: the simulator never reads the wall clock except through [`Clock`].
//!
//! One [`Clock`] drives two times that tests can move apart (`POST /__sim/clock`):
//! the **record time** that the simulator writes (`createdTime`, journal times), which can
//! be set or frozen, and the **signature time** that signatures are judged by (auth-v1.md
//! §8 step 4), which can run ahead of or behind the clock by an offset.

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use crate::lock::lock;

/// Source of the current time.
///
/// Signature expiry (auth-v1.md §8 step 4) and `createdTime` of new key pairs are computed
/// from this clock, so tests can pin them.
pub trait Clock: Send + Sync {
    /// The current UTC time.
    fn now(&self) -> DateTime<Utc>;
}

/// The wall clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    // The single place in the simulator that reads the wall clock (STYLE.md habit 3).
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to; for tests.
#[derive(Debug)]
pub struct FixedClock {
    now: Mutex<DateTime<Utc>>,
}

impl FixedClock {
    /// A clock stopped at `now`.
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            now: Mutex::new(now),
        }
    }

    /// Moves the clock to `now`.
    pub fn set(&self, now: DateTime<Utc>) {
        *self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = now;
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut guard = self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *guard += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl<T: Clock + ?Sized> Clock for std::sync::Arc<T> {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

/// How the record time (`createdTime` of new key pairs, journal times) follows the clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordTime {
    /// The clock's own time (the default).
    #[default]
    Live,
    /// Stopped at the clock's time when the simulator is built.
    Frozen,
    /// Stopped at this instant.
    FrozenAt(DateTime<Utc>),
}

/// Where the record time stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Record {
    /// The clock's time plus an offset.
    Running { offset: Duration },
    /// Stopped at an instant.
    Stopped(DateTime<Utc>),
}

impl Record {
    fn at(self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Record::Running { offset } => now.checked_add_signed(offset).unwrap_or(now),
            Record::Stopped(at) => at,
        }
    }
}

/// The settings of the two times, changed at run time by `POST /__sim/clock`.
#[derive(Debug)]
pub(crate) struct ClockSettings {
    current: Mutex<(Record, Duration)>,
}

/// A change of [`ClockSettings`]; a field left `None` keeps its setting.
#[derive(Debug, Default)]
pub(crate) struct ClockChange {
    /// Moves the record time to this instant.
    pub(crate) record_time: Option<DateTime<Utc>>,
    /// Stops (`true`) or restarts (`false`) the record time where it stands.
    pub(crate) frozen: Option<bool>,
    /// How far the signature time runs ahead of the clock (behind when negative).
    pub(crate) signature_offset: Option<Duration>,
}

/// The two times at one moment, and whether the record time is stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Times {
    pub(crate) record: DateTime<Utc>,
    pub(crate) signature: DateTime<Utc>,
    pub(crate) frozen: bool,
    pub(crate) signature_offset: Duration,
}

impl ClockSettings {
    /// The start settings; `now` is the clock's time when the simulator is built.
    pub(crate) fn new(record: RecordTime, signature_offset: Duration, now: DateTime<Utc>) -> Self {
        let record = match record {
            RecordTime::Live => Record::Running {
                offset: Duration::zero(),
            },
            RecordTime::Frozen => Record::Stopped(now),
            RecordTime::FrozenAt(at) => Record::Stopped(at),
        };
        Self {
            current: Mutex::new((record, signature_offset)),
        }
    }

    /// The record time and the signature time when the clock reads `now`.
    pub(crate) fn times(&self, now: DateTime<Utc>) -> Times {
        let (record, offset) = *lock(&self.current);
        Times {
            record: record.at(now),
            signature: now.checked_add_signed(offset).unwrap_or(now),
            frozen: matches!(record, Record::Stopped(_)),
            signature_offset: offset,
        }
    }

    /// Applies `change` at clock time `now`.
    pub(crate) fn change(&self, change: &ClockChange, now: DateTime<Utc>) {
        let mut current = lock(&self.current);
        let (record, offset) = &mut *current;
        let at = change.record_time.unwrap_or_else(|| record.at(now));
        let frozen = change
            .frozen
            .unwrap_or(matches!(record, Record::Stopped(_)));
        *record = if frozen {
            Record::Stopped(at)
        } else {
            Record::Running {
                offset: at.signed_duration_since(now),
            }
        };
        if let Some(new_offset) = change.signature_offset {
            *offset = new_offset;
        }
    }

    /// Back to the clock's own time for both.
    pub(crate) fn reset(&self) {
        *lock(&self.current) = (
            Record::Running {
                offset: Duration::zero(),
            },
            Duration::zero(),
        );
    }
}

/// The record time as a [`Clock`], for the operations that write `createdTime`.
pub(crate) struct RecordClock<'a> {
    pub(crate) clock: &'a dyn Clock,
    pub(crate) settings: &'a ClockSettings,
}

impl Clock for RecordClock<'_> {
    fn now(&self) -> DateTime<Utc> {
        self.settings.times(self.clock.now()).record
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, hour, 0, 0).unwrap()
    }

    #[test]
    fn a_frozen_record_time_stays_while_the_signature_time_runs_with_its_offset() {
        let settings = ClockSettings::new(RecordTime::Frozen, Duration::seconds(3600), at(1));
        let times = settings.times(at(2));
        assert_eq!(times.record, at(1));
        assert_eq!(times.signature, at(3));
        assert!(times.frozen);
    }

    #[test]
    fn a_set_record_time_runs_on_from_there_when_not_frozen_and_reset_goes_back_live() {
        let settings = ClockSettings::new(RecordTime::Live, Duration::zero(), at(1));
        let change = ClockChange {
            record_time: Some(at(10)),
            frozen: Some(false),
            ..ClockChange::default()
        };
        settings.change(&change, at(1));
        assert_eq!(settings.times(at(2)).record, at(11));
        settings.change(
            &ClockChange {
                frozen: Some(true),
                ..ClockChange::default()
            },
            at(3),
        );
        assert_eq!(settings.times(at(5)).record, at(12));
        settings.reset();
        assert_eq!(settings.times(at(5)).record, at(5));
        assert_eq!(settings.times(at(5)).signature, at(5));
    }
}
