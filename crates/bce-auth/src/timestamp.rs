//! The `YYYY-MM-DDThh:mm:ssZ` timestamps of auth-v1.md §1.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Timelike, Utc};

/// Length of `YYYY-MM-DDThh:mm:ssZ`.
pub(crate) const TIMESTAMP_LEN: usize = 20;

/// Formats `time` (whole seconds, fractions dropped as the SDKs do) into a
/// stack buffer. `None` when the year has no four-digit form.
pub(crate) fn format(time: &DateTime<Utc>) -> Option<[u8; TIMESTAMP_LEN]> {
    // One conversion to calendar fields instead of one per accessor.
    let time = time.naive_utc();
    let year = u32::try_from(time.year()).ok().filter(|y| *y <= 9999)?;
    let mut out = *b"0000-00-00T00:00:00Z";
    put_digits(&mut out[0..4], year);
    put_digits(&mut out[5..7], time.month());
    put_digits(&mut out[8..10], time.day());
    put_digits(&mut out[11..13], time.hour());
    put_digits(&mut out[14..16], time.minute());
    // A leap second (chrono nanosecond >= 1e9) still prints as :59.
    put_digits(&mut out[17..19], time.second());
    Some(out)
}

fn put_digits(slot: &mut [u8], mut value: u32) {
    for byte in slot.iter_mut().rev() {
        // value % 10 < 10, so the cast cannot truncate.
        *byte = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// Parses exactly `YYYY-MM-DDThh:mm:ssZ` and requires a real date and time
/// (no Feb 30, no hour 24, no leap second 60).
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
    let number = |range: std::ops::Range<usize>| -> u32 {
        bytes[range]
            .iter()
            .fold(0, |acc, b| acc * 10 + u32::from(b - b'0'))
    };
    let year = i32::try_from(number(0..4)).ok()?;
    let date = NaiveDate::from_ymd_opt(year, number(5..7), number(8..10))?;
    let naive = date.and_hms_opt(number(11..13), number(14..16), number(17..19))?;
    Some(Utc.from_utc_datetime(&naive))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_unreal_dates() {
        let time = parse("2024-02-29T23:59:59Z");
        assert!(time.is_some());
        assert_eq!(
            time.and_then(|t| format(&t)).as_ref(),
            Some(b"2024-02-29T23:59:59Z")
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
    }
}
