//! The request journal behind `GET /__sim/requests`: a bounded ring buffer of recent requests.
//!
//! Entries never hold the `Authorization` header or a secret; query parameters that carry
//! credentials (`authorization`, `x-bce-security-token`) are redacted.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::lock::lock;

/// Default number of entries kept.
pub const DEFAULT_JOURNAL_CAPACITY: usize = 1000;

/// One journal entry.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub(crate) time: DateTime<Utc>,
    pub(crate) request_id: String,
    pub(crate) method: http::Method,
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) operation: Option<&'static str>,
    pub(crate) access_key_id: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) status: u16,
    pub(crate) error_code: Option<String>,
    pub(crate) duration: Duration,
    pub(crate) canonical_request: Option<String>,
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
    operation: Option<&'a str>,
    access_key_id: Option<&'a str>,
    region: Option<&'a str>,
    status: u16,
    error_code: Option<&'a str>,
    duration_micros: u128,
    #[serde(skip_serializing_if = "Option::is_none")]
    canonical_request: Option<&'a str>,
}

impl Entry {
    pub(crate) fn view(&self) -> EntryView<'_> {
        EntryView {
            time: self.time.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            request_id: &self.request_id,
            method: self.method.as_str(),
            path: &self.path,
            query: self.query.as_deref().map(redact_query),
            operation: self.operation,
            access_key_id: self.access_key_id.as_deref(),
            region: self.region.as_deref(),
            status: self.status,
            error_code: self.error_code.as_deref(),
            duration_micros: self.duration.as_micros(),
            canonical_request: self.canonical_request.as_deref(),
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

/// The ring buffer. Recording is one short critical section; formatting happens on read.
#[derive(Debug)]
pub(crate) struct Journal {
    capacity: usize,
    entries: Mutex<VecDeque<Entry>>,
}

impl Journal {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: Mutex::new(VecDeque::with_capacity(capacity.min(4096))),
        }
    }

    pub(crate) fn record(&self, entry: Entry) {
        if self.capacity == 0 {
            return;
        }
        let evicted = {
            let mut entries = lock(&self.entries);
            let evicted = if entries.len() >= self.capacity {
                entries.pop_front()
            } else {
                None
            };
            entries.push_back(entry);
            evicted
        };
        // Freed outside the lock.
        drop(evicted);
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

    #[test]
    fn the_ring_keeps_the_newest_entries() {
        let journal = Journal::new(3);
        for n in 0..5u16 {
            journal.record(Entry {
                time: DateTime::<Utc>::default(),
                request_id: n.to_string(),
                method: http::Method::GET,
                path: "/".into(),
                query: None,
                operation: None,
                access_key_id: None,
                region: None,
                status: n,
                error_code: None,
                duration: Duration::ZERO,
                canonical_request: None,
            });
        }
        let statuses: Vec<u16> = journal.recent(10).iter().map(|e| e.status).collect();
        assert_eq!(statuses, [2, 3, 4]);
        let statuses: Vec<u16> = journal.recent(2).iter().map(|e| e.status).collect();
        assert_eq!(statuses, [3, 4]);
        journal.clear();
        assert!(journal.recent(10).is_empty());
    }
}
