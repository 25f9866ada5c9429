//! The request journal behind `GET /__sim/requests`: the most recent API requests, oldest
//! first, as plain data.
//!
//! Entries never hold the `Authorization` header or a secret; query parameters that carry
//! credentials (`authorization`, `x-bce-security-token`) are redacted when shown, and of the
//! headers only the names are kept.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bcc_keypair_model::{ErrorCode, Operation};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::lock::lock;

/// Default number of entries kept.
pub const DEFAULT_JOURNAL_CAPACITY: usize = 1000;

/// One API request and how it was answered.
#[derive(Clone)]
pub(crate) struct Entry {
    pub(crate) time: DateTime<Utc>,
    pub(crate) request_id: String,
    pub(crate) method: http::Method,
    /// The request target as received.
    pub(crate) uri: http::Uri,
    /// The headers as received. The pipeline owns them once the answer is rendered, so
    /// keeping them costs a move; the signed-header list and the header names are read from
    /// them when the journal is shown, which is far rarer than a request. Only names are
    /// ever shown: values can hold credentials.
    pub(crate) headers: http::HeaderMap,
    pub(crate) operation: Option<Operation>,
    /// The access key id the request was signed with, known or not.
    pub(crate) access_key_id: Option<Arc<str>>,
    pub(crate) region: Option<Arc<str>>,
    pub(crate) status: u16,
    pub(crate) error_code: Option<ErrorCode>,
    pub(crate) duration: Duration,
    /// The canonical request the simulator computed: for `SignatureDoesNotMatch` the primary
    /// candidate, for a verified request the candidate that matched.
    pub(crate) canonical_request: Option<String>,
    /// Why the request was refused, in plain words (`None` for a success).
    pub(crate) reason: Option<String>,
}

impl std::fmt::Debug for Entry {
    /// Header values stay out: `Authorization` and `x-bce-security-token` are credentials.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("time", &self.time)
            .field("request_id", &self.request_id)
            .field("method", &self.method)
            .field("path", &self.uri.path())
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("error_code", &self.error_code)
            .field("reason", &self.reason)
            .finish_non_exhaustive()
    }
}

/// How an entry is shown.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EntryView<'a> {
    time: String,
    request_id: &'a str,
    method: &'a str,
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    query: Option<String>,
    operation: Option<&'static str>,
    access_key_id: Option<&'a str>,
    region: Option<&'a str>,
    status: u16,
    error_code: Option<&'a str>,
    duration_micros: u128,
    #[serde(skip_serializing_if = "Option::is_none")]
    canonical_request: Option<String>,
    reason: Option<&'a str>,
    /// The headers the signature covers: the listed ones, or for an empty `signedHeaders`
    /// field the default set among those received (auth-v1.md §8 step 5).
    signed_headers: Option<Vec<String>>,
    headers: Vec<&'a str>,
}

impl Entry {
    pub(crate) fn view(&self) -> EntryView<'_> {
        let path = self.uri.path();
        let query = self.uri.query().map(redact_query);
        EntryView {
            time: self.time.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            request_id: &self.request_id,
            method: self.method.as_str(),
            path,
            query,
            operation: self.operation.map(Operation::short_name),
            access_key_id: self.access_key_id.as_deref(),
            region: self.region.as_deref(),
            status: self.status,
            error_code: self.error_code.as_ref().map(ErrorCode::as_str),
            duration_micros: self.duration.as_micros(),
            canonical_request: self
                .canonical_request
                .as_deref()
                .map(redact_canonical_request),
            reason: self.reason.as_deref(),
            signed_headers: crate::auth::signed_headers_field(&self.headers, &self.uri).map(
                |field| {
                    if field.is_empty() {
                        self.default_signed_headers()
                    } else {
                        field.split(';').map(str::to_owned).collect()
                    }
                },
            ),
            headers: self.headers.keys().map(http::HeaderName::as_str).collect(),
        }
    }

    /// The received headers an empty `signedHeaders` field covers (auth-v1.md §8 step 5).
    fn default_signed_headers(&self) -> Vec<String> {
        self.headers
            .keys()
            .map(http::HeaderName::as_str)
            .filter(|name| {
                matches!(
                    *name,
                    "host" | "content-length" | "content-type" | "content-md5"
                ) || name.starts_with("x-bce-")
            })
            .map(str::to_owned)
            .collect()
    }
}

/// Which entries `GET /__sim/requests` shows; every field set must match.
#[derive(Debug, Default)]
pub(crate) struct Filter {
    pub(crate) operation: Option<Operation>,
    pub(crate) status: Option<StatusFilter>,
    pub(crate) code: Option<String>,
    pub(crate) access_key_id: Option<String>,
    /// Entries at or after this time.
    pub(crate) since: Option<DateTime<Utc>>,
    /// Entries before this time.
    pub(crate) until: Option<DateTime<Utc>>,
}

/// A status, or a class of statuses such as `4xx`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StatusFilter {
    Exactly(u16),
    Class(u16),
}

impl StatusFilter {
    /// `404`, or `4xx` (any case).
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let lower = text.to_ascii_lowercase();
        if let Some(class) = lower.strip_suffix("xx") {
            return match class.parse::<u16>() {
                Ok(class @ 1..=5) => Some(Self::Class(class)),
                _ => None,
            };
        }
        match lower.parse::<u16>() {
            Ok(status @ 100..=599) => Some(Self::Exactly(status)),
            _ => None,
        }
    }

    fn matches(self, status: u16) -> bool {
        match self {
            Self::Exactly(wanted) => status == wanted,
            Self::Class(class) => status / 100 == class,
        }
    }
}

impl Filter {
    fn matches(&self, entry: &Entry) -> bool {
        self.operation.is_none_or(|op| entry.operation == Some(op))
            && self
                .status
                .is_none_or(|status| status.matches(entry.status))
            && self.code.as_deref().is_none_or(|code| {
                entry
                    .error_code
                    .as_ref()
                    .is_some_and(|known| known.as_str() == code)
            })
            && self
                .access_key_id
                .as_deref()
                .is_none_or(|ak| entry.access_key_id.as_deref() == Some(ak))
            && self.since.is_none_or(|since| entry.time >= since)
            && self.until.is_none_or(|until| entry.time < until)
    }
}

/// Replaces the values of credential-bearing query parameters (auth-v1.md §8 step 1 allows
/// the auth string as an `authorization` query parameter).
fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|item| {
            let key = item.split_once('=').map_or(item, |(k, _)| k);
            if key.eq_ignore_ascii_case("authorization")
                || key.eq_ignore_ascii_case("x-bce-security-token")
            {
                format!("{key}=**redacted**")
            } else {
                item.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The canonical request with the value of an `x-bce-security-token` header line or query
/// item replaced (auth-v1.md §2.2: line 3 is the query, lines 4 on are the headers). The
/// token is a credential; the rest of the canonical request is not secret.
fn redact_canonical_request(canonical_request: &str) -> String {
    const TOKEN: &str = "x-bce-security-token";
    if !canonical_request.contains(TOKEN) {
        return canonical_request.to_owned();
    }
    let lines: Vec<String> = canonical_request
        .split('\n')
        .enumerate()
        .map(|(index, line)| match index {
            0 | 1 => line.to_owned(),
            2 => redact_query(line),
            _ if line.starts_with("x-bce-security-token:") => format!("{TOKEN}:**redacted**"),
            _ => line.to_owned(),
        })
        .collect();
    lines.join("\n")
}

/// The newest `capacity` requests, in the order they were answered.
#[derive(Debug)]
pub(crate) struct Journal {
    capacity: usize,
    entries: Mutex<VecDeque<Entry>>,
}

impl Journal {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: Mutex::new(VecDeque::with_capacity(
                capacity.min(DEFAULT_JOURNAL_CAPACITY),
            )),
        }
    }

    pub(crate) fn record(&self, entry: Entry) {
        if self.capacity == 0 {
            return;
        }
        let mut entries = lock(&self.entries);
        if entries.len() >= self.capacity {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    /// The newest `limit` entries, oldest first.
    #[cfg(test)]
    pub(crate) fn recent(&self, limit: usize) -> Vec<Entry> {
        let entries = lock(&self.entries);
        let skip = entries.len().saturating_sub(limit);
        entries.iter().skip(skip).cloned().collect()
    }

    /// The newest `limit` entries that `filter` lets through, oldest first.
    pub(crate) fn matching(&self, filter: &Filter, limit: usize) -> Vec<Entry> {
        let entries = lock(&self.entries);
        let mut kept: Vec<Entry> = entries
            .iter()
            .rev()
            .filter(|entry| filter.matches(entry))
            .take(limit)
            .cloned()
            .collect();
        kept.reverse();
        kept
    }

    pub(crate) fn clear(&self) {
        lock(&self.entries).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_query_parameters_are_redacted() {
        assert_eq!(
            redact_query(
                "attach=&authorization=bce-auth-v1%2Fak%2Fsig&X-Bce-Security-Token=tok&x=1"
            ),
            "attach=&authorization=**redacted**&X-Bce-Security-Token=**redacted**&x=1"
        );
        assert_eq!(redact_query("maxKeys=10"), "maxKeys=10");
    }

    fn entry(status: u16) -> Entry {
        Entry {
            time: DateTime::<Utc>::default(),
            request_id: status.to_string(),
            method: http::Method::GET,
            uri: http::Uri::from_static("/"),
            headers: http::HeaderMap::new(),
            operation: None,
            access_key_id: None,
            region: None,
            status,
            error_code: None,
            duration: Duration::ZERO,
            canonical_request: None,
            reason: None,
        }
    }

    #[test]
    fn session_tokens_in_a_canonical_request_are_redacted() {
        let canonical =
            "GET\n/v2/keypair\na=1&x-bce-security-token=tok\nhost:h\nx-bce-security-token:tok";
        assert_eq!(
            redact_canonical_request(canonical),
            "GET\n/v2/keypair\na=1&x-bce-security-token=**redacted**\nhost:h\nx-bce-security-token:**redacted**"
        );
        assert_eq!(
            redact_canonical_request("GET\n/\n\nhost:h"),
            "GET\n/\n\nhost:h"
        );
    }

    #[test]
    fn the_ring_keeps_the_newest_entries() {
        let journal = Journal::new(3);
        for n in 0..5u16 {
            journal.record(entry(n));
        }
        let statuses: Vec<u16> = journal.recent(10).iter().map(|e| e.status).collect();
        assert_eq!(statuses, [2, 3, 4]);
        let statuses: Vec<u16> = journal.recent(2).iter().map(|e| e.status).collect();
        assert_eq!(statuses, [3, 4]);
        journal.clear();
        assert!(journal.recent(10).is_empty());
    }

    #[test]
    fn a_journal_of_capacity_zero_keeps_nothing() {
        let journal = Journal::new(0);
        journal.record(entry(200));
        assert!(journal.recent(10).is_empty());
    }

    #[test]
    fn a_view_splits_the_target_and_names_operation_and_code() {
        let mut entry = entry(404);
        entry.uri = http::Uri::from_static("/v2/keypair/k-1?authorization=secret");
        entry.operation = Some(Operation::GetKeypair);
        entry.error_code = Some(ErrorCode::KeypairNotExist);
        let view = serde_json::to_value(entry.view()).expect("serialisable");
        assert_eq!(view["path"], "/v2/keypair/k-1");
        assert_eq!(view["query"], "authorization=**redacted**");
        assert_eq!(view["operation"], "get");
        assert_eq!(view["errorCode"], ErrorCode::KeypairNotExist.as_str());
    }
}

#[cfg(test)]
mod filter_tests {
    use super::*;

    fn entry(status: u16, operation: Operation, access_key_id: &str, second: i64) -> Entry {
        Entry {
            time: DateTime::<Utc>::default() + chrono::Duration::seconds(second),
            request_id: format!("{status}-{second}"),
            method: http::Method::GET,
            uri: http::Uri::from_static("/v2/keypair"),
            headers: [
                (http::header::HOST, "h"),
                (
                    http::HeaderName::from_static("x-bce-date"),
                    "2026-11-24T10:00:00Z",
                ),
                (http::header::USER_AGENT, "test"),
                // The default set: an empty `signedHeaders` field.
                (
                    http::header::AUTHORIZATION,
                    "bce-auth-v1/ak/2026-11-24T10:00:00Z/1800//\
                     d74a04362e6a848f5b39b15421cb449427f419c95a480fd6b8cf9fc783e2999e",
                ),
            ]
            .into_iter()
            .map(|(name, value)| (name, http::HeaderValue::from_static(value)))
            .collect(),
            operation: Some(operation),
            access_key_id: Some(Arc::from(access_key_id)),
            region: None,
            status,
            error_code: (status >= 400).then_some(ErrorCode::KeypairNotExist),
            duration: Duration::ZERO,
            canonical_request: None,
            reason: None,
        }
    }

    fn ids(journal: &Journal, filter: &Filter, limit: usize) -> Vec<String> {
        let entries = journal.matching(filter, limit);
        entries.into_iter().map(|e| e.request_id).collect()
    }

    #[test]
    fn filters_combine_and_keep_the_newest() {
        let journal = Journal::new(10);
        journal.record(entry(200, Operation::CreateKeypair, "a", 1));
        journal.record(entry(404, Operation::GetKeypair, "a", 2));
        journal.record(entry(404, Operation::GetKeypair, "b", 3));
        journal.record(entry(200, Operation::GetKeypair, "b", 4));
        let all = Filter::default();
        assert_eq!(ids(&journal, &all, 2), ["404-3", "200-4"]);
        let gets = Filter {
            operation: Some(Operation::GetKeypair),
            ..Filter::default()
        };
        assert_eq!(ids(&journal, &gets, 10), ["404-2", "404-3", "200-4"]);
        let failed_b = Filter {
            status: StatusFilter::parse("4xx"),
            access_key_id: Some("b".to_owned()),
            ..Filter::default()
        };
        assert_eq!(ids(&journal, &failed_b, 10), ["404-3"]);
        let window = Filter {
            since: Some(DateTime::<Utc>::default() + chrono::Duration::seconds(2)),
            until: Some(DateTime::<Utc>::default() + chrono::Duration::seconds(4)),
            code: Some(ErrorCode::KeypairNotExist.as_str().to_owned()),
            ..Filter::default()
        };
        assert_eq!(ids(&journal, &window, 10), ["404-2", "404-3"]);
    }

    #[test]
    fn statuses_parse_exactly_or_by_class() {
        assert_eq!(StatusFilter::parse("404"), Some(StatusFilter::Exactly(404)));
        assert_eq!(StatusFilter::parse("4XX"), Some(StatusFilter::Class(4)));
        for bad in ["", "x", "6xx", "0xx", "99", "600", "4x"] {
            assert_eq!(StatusFilter::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_empty_signed_headers_field_shows_the_default_set_received() {
        let entry = entry(200, Operation::ListKeypairs, "a", 0);
        let view = serde_json::to_value(entry.view()).expect("serialisable");
        assert_eq!(
            view["signedHeaders"],
            serde_json::json!(["host", "x-bce-date"])
        );
        assert_eq!(
            view["headers"],
            serde_json::json!(["host", "x-bce-date", "user-agent", "authorization"])
        );
    }
}
