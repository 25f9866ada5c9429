//! The `YYYY-MM-DDThh:mm:ssZ` timestamps of auth-v1.md §1.

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, TimeZone, Timelike, Utc};

/// Length of `YYYY-MM-DDThh:mm:ssZ`.
const TIMESTAMP_LEN: usize = 20;

/// Formats `time` in whole seconds, fractions dropped as the SDKs do (a leap
/// second prints as `:59`). `None` when the year has no four-digit form.
pub(crate) fn format(time: &DateTime<Utc>) -> Option<String> {
    if !(0..=9999).contains(&time.year()) {
        return None;
    }
    let whole_seconds = time.with_nanosecond(0)?;
    Some(whole_seconds.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// Parses exactly `YYYY-MM-DDThh:mm:ssZ` and requires a real date and time
/// (no Feb 30, no hour 24, no leap second 60). chrono's own parsers accept
/// other widths and signs, so the shape is checked here first.
pub(crate) fn parse(text: &str) -> Option<DateTime<Utc>> {
    let bytes = text.as_bytes();
    if bytes.len() != TIMESTAMP_LEN {
        return None;
    }
    for (index, byte) in bytes.iter().enumerate() {
        let expected_ok = match index {
            4 | 7 => *byte == b'-',
            10 => *byte == b'T',
            13 | 16 => *byte == b':',
            19 => *byte == b'Z',
            _ => byte.is_ascii_digit(),
        };
        if !expected_ok {
            return None;
        }
    }
    // The digits were checked above.
    let number = |range: std::ops::Range<usize>| -> u32 {
        bytes[range]
            .iter()
            .fold(0, |number, digit| number * 10 + u32::from(digit - b'0'))
    };
    let year = i32::try_from(number(0..4)).ok()?;
    let date = NaiveDate::from_ymd_opt(year, number(5..7), number(8..10))?;
    let naive = date.and_hms_opt(number(11..13), number(14..16), number(17..19))?;
    Some(Utc.from_utc_datetime(&naive))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;

    #[test]
    fn round_trips_and_rejects_unreal_dates() {
        let time = parse("2024-02-29T23:59:59Z");
        assert!(time.is_some());
        assert_eq!(
            time.and_then(|t| format(&t)).as_deref(),
            Some("2024-02-29T23:59:59Z")
        );
        for bad in [
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:60Z",
            "2024-01-01 00:00:00Z",
            "2024-01-01T00:00:00",
            "2024-01-01T00:00:00.5Z",
            "24-01-01T00:00:00Z",
            "2024-1-01T00:00:00Z",
            "２024-01-01T00:00:00Z",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn years_outside_four_digits_do_not_format() {
        let late = Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).single();
        assert!(late.is_some_and(|t| format(&t).is_none()));
        let early = Utc.with_ymd_and_hms(-1, 1, 1, 0, 0, 0).single();
        assert!(early.is_some_and(|t| format(&t).is_none()));
        let first = Utc.with_ymd_and_hms(0, 1, 1, 0, 0, 0).single();
        assert_eq!(
            first.and_then(|t| format(&t)).as_deref(),
            Some("0000-01-01T00:00:00Z")
        );
    }

    #[test]
    fn fractions_and_leap_seconds_are_dropped() {
        let date = NaiveDate::from_ymd_opt(2016, 12, 31).unwrap_or_default();
        for nanos in [999_999_999, 1_500_000_000] {
            let time = NaiveTime::from_hms_nano_opt(23, 59, 59, nanos).unwrap_or_default();
            let time = Utc.from_utc_datetime(&date.and_time(time));
            assert_eq!(
                format(&time).as_deref(),
                Some("2016-12-31T23:59:59Z"),
                "{nanos}"
            );
        }
    }
}
