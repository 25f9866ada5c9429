//! `GET /__sim/requests`: the journal, oldest first, filtered by query parameters (all
//! optional, all must match): `operation` (create, list, get, …), `status` (`404` or a class
//! such as `4xx`), `code` (a wire error code), `accessKeyId`, `since` and `until` (RFC 3339;
//! `since` inclusive, `until` exclusive), and `limit` (the newest N that match).

use bcc_keypair_model::Operation;
use bce_auth::query::Query;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde_json::json;

use super::Failure;
use crate::Inner;
use crate::journal::{Entry, Filter, StatusFilter};
use crate::wire::json as to_json;

pub(super) fn list(inner: &Inner, query: &Query<'_>) -> Result<Bytes, Failure> {
    let limit = match parameter(query, "limit") {
        None => usize::MAX,
        Some(n) => n
            .parse()
            .map_err(|_| Failure::bad_request(format!("limit must be an integer, got {n:?}")))?,
    };
    let filter = filter(query)?;
    let entries = inner.journal.matching(&filter, limit);
    let views: Vec<_> = entries.iter().map(Entry::view).collect();
    Ok(to_json(&json!({ "requests": views })))
}

/// A parameter that is present and not empty.
fn parameter(query: &Query<'_>, name: &str) -> Option<String> {
    query
        .get(name)
        .filter(|value| !value.is_empty())
        .map(|value| value.into_owned())
}

fn filter(query: &Query<'_>) -> Result<Filter, Failure> {
    let operation = match parameter(query, "operation") {
        None => None,
        Some(name) => Some(Operation::from_name(&name).ok_or_else(|| {
            Failure::bad_request(format!(
                "unknown operation {name:?} (one of create, import, list, get, attach, detach, delete, rename, updateDesc)"
            ))
        })?),
    };
    let status = match parameter(query, "status") {
        None => None,
        Some(text) => Some(StatusFilter::parse(&text).ok_or_else(|| {
            Failure::bad_request(format!(
                "status must be a status such as 404 or a class such as 4xx, got {text:?}"
            ))
        })?),
    };
    Ok(Filter {
        operation,
        status,
        code: parameter(query, "code"),
        access_key_id: parameter(query, "accessKeyId"),
        since: time(query, "since")?,
        until: time(query, "until")?,
    })
}

fn time(query: &Query<'_>, name: &str) -> Result<Option<DateTime<Utc>>, Failure> {
    parameter(query, name)
        .map(|text| {
            DateTime::parse_from_rfc3339(&text)
                .map(|time| time.with_timezone(&Utc))
                .map_err(|_| {
                    Failure::bad_request(format!(
                        "{name} must be an RFC 3339 time such as 2026-11-24T10:00:00Z, got {text:?}"
                    ))
                })
        })
        .transpose()
}
