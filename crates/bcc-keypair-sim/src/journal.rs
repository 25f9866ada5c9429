//! The request journal behind `GET /__sim/requests`: the most recent API requests, oldest
//! first, as plain data.
//!
//! Entries never hold the `Authorization` header or a secret; query parameters that carry
//! credentials (`authorization`, `x-bce-security-token`) are redacted when shown.

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
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub(crate) time: DateTime<Utc>,
    pub(crate) request_id: String,
    pub(crate) method: http::Method,
    /// The request target as received: `path?query`.
    pub(crate) target: String,
    pub(crate) operation: Option<Operation>,
    /// The access key id the request was signed with, known or not.
    pub(crate) access_key_id: Option<String>,
    pub(crate) region: Option<Arc<str>>,
    pub(crate) status: u16,
    pub(crate) error_code: Option<ErrorCode>,
    pub(crate) duration: Duration,
    /// The canonical request the simulator computed, for `SignatureDoesNotMatch`.
    pub(crate) canonical_request: Option<String>,
    /// Why the request failed, in words, when the code alone does not say.
    pub(crate) reason: Option<String>,
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
    canonical_request: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

impl Entry {
    pub(crate) fn view(&self) -> EntryView<'_> {
        let (path, query) = match self.target.split_once('?') {
            Some((path, query)) => (path, Some(redact_query(query))),
            None => (self.target.as_str(), None),
        };
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
            canonical_request: self.canonical_request.as_deref(),
            reason: self.reason.as_deref(),
        }
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
    pub(crate) fn recent(&self, limit: usize) -> Vec<Entry> {
        let entries = lock(&self.entries);
        let skip = entries.len().saturating_sub(limit);
        entries.iter().skip(skip).cloned().collect()
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
            target: "/".to_owned(),
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
        entry.target = "/v2/keypair/k-1?authorization=secret".to_owned();
        entry.operation = Some(Operation::GetKeypair);
        entry.error_code = Some(ErrorCode::KeypairNotExist);
        let view = serde_json::to_value(entry.view()).expect("serialisable");
        assert_eq!(view["path"], "/v2/keypair/k-1");
        assert_eq!(view["query"], "authorization=**redacted**");
        assert_eq!(view["operation"], "get");
        assert_eq!(view["errorCode"], ErrorCode::KeypairNotExist.as_str());
    }
}
