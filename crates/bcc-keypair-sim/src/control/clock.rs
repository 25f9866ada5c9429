//! `/__sim/clock`: the record time and the signature time of [`crate::clock`] at run time.
//!
//! `POST` takes `{"recordTime","frozen","signatureOffsetSecs"}` (each optional; a field
//! left out keeps its setting), `GET` shows the settings, `DELETE` puts both times back on
//! the clock.

use bytes::Bytes;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::json;

use super::{Failure, required_body};
use crate::Inner;
use crate::clock::ClockChange;
use crate::wire::json as to_json;

/// The largest signature offset accepted: a century either way keeps every sum of times
/// inside chrono's range.
const MAX_OFFSET_SECS: i64 = 100 * 366 * 86_400;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClockBody {
    /// RFC 3339.
    record_time: Option<String>,
    frozen: Option<bool>,
    signature_offset_secs: Option<i64>,
}

/// Changes the settings and answers with the new ones.
pub(super) fn change(inner: &Inner, body: &Bytes) -> Result<Bytes, Failure> {
    let request: ClockBody = required_body(body)?;
    let record_time = match request.record_time.as_deref() {
        None => None,
        Some(text) => Some(
            DateTime::parse_from_rfc3339(text)
                .map_err(|error| {
                    Failure::bad_request(format!(
                        "recordTime must be an RFC 3339 time, got {text:?}: {error}"
                    ))
                })?
                .with_timezone(&Utc),
        ),
    };
    let signature_offset = match request.signature_offset_secs {
        None => None,
        Some(secs) if secs.abs() <= MAX_OFFSET_SECS => Some(Duration::seconds(secs)),
        Some(secs) => {
            return Err(Failure::bad_request(format!(
                "signatureOffsetSecs must be within ±{MAX_OFFSET_SECS}, got {secs}"
            )));
        }
    };
    let change = ClockChange {
        record_time,
        frozen: request.frozen,
        signature_offset,
    };
    inner.clock_settings.change(&change, inner.clock.now());
    Ok(show(inner))
}

/// `{"recordTime","frozen","signatureOffsetSecs","signatureTime","clockTime"}` now.
pub(super) fn show(inner: &Inner) -> Bytes {
    let now = inner.clock.now();
    let times = inner.clock_settings.times(now);
    let text = |time: DateTime<Utc>| time.to_rfc3339_opts(SecondsFormat::AutoSi, true);
    to_json(&json!({
        "recordTime": text(times.record),
        "frozen": times.frozen,
        "signatureOffsetSecs": times.signature_offset.num_seconds(),
        "signatureTime": text(times.signature),
        "clockTime": text(now),
    }))
}
