//! The request journal behind `GET /__sim/requests`: a bounded ring buffer of recent requests.
//!
//! Entries never hold the `Authorization` header or a secret; query parameters that carry
//! credentials (`authorization`, `x-bce-security-token`) are redacted.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;
use smallvec::SmallVec;

use crate::auth::Accounts;
use crate::lock::lock;

/// Default number of entries kept.
pub const DEFAULT_JOURNAL_CAPACITY: usize = 1000;

/// Who sent a request. Known access keys are kept as an index, so recording touches no
/// shared reference count.
#[derive(Clone, Debug)]
pub(crate) enum Caller {
    /// A configured access key (index into the accounts table).
    Key(usize),
    /// An access key id the simulator does not know.
    Unknown(Box<str>),
}

/// The region of a request: the default one, or one named by the `Host` header.
#[derive(Clone, Debug)]
pub(crate) enum RegionRef {
    Default,
    Named(Box<str>),
}

/// One journal entry.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// Orders entries across shards.
    pub(crate) started: Instant,
    pub(crate) time: DateTime<Utc>,
    pub(crate) request_id: ShortText<48>,
    pub(crate) method: http::Method,
    /// The request target (`path?query`), copied: sharing the received `Uri` would pin the
    /// connection's read buffer and make the server allocate a new one for every request.
    pub(crate) target: ShortText<128>,
    pub(crate) operation: Option<&'static str>,
    pub(crate) caller: Option<Caller>,
    pub(crate) region: Option<RegionRef>,
    pub(crate) status: u16,
    pub(crate) error_code: Option<String>,
    pub(crate) duration: Duration,
    pub(crate) canonical_request: Option<String>,
}

/// Text kept inside the entry when it fits in `N` bytes (request ids and ordinary request
/// targets do), so recording allocates nothing and evicting an old entry frees nothing:
/// the ring's memory is reused in place. Longer text spills to the heap.
#[derive(Clone, Debug)]
pub(crate) struct ShortText<const N: usize>(SmallVec<[u8; N]>);

impl<const N: usize> ShortText<N> {
    pub(crate) fn new(text: &str) -> Self {
        Self(SmallVec::from_slice(text.as_bytes()))
    }

    pub(crate) fn as_str(&self) -> &str {
        // Copied from a `str` whole, so always valid UTF-8.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    #[cfg(test)]
    fn is_inline(&self) -> bool {
        !self.0.spilled()
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
    pub(crate) fn view<'a>(
        &'a self,
        accounts: &'a Accounts,
        default_region: &'a str,
    ) -> EntryView<'a> {
        let target = self.target.as_str();
        EntryView {
            time: self.time.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            request_id: self.request_id.as_str(),
            method: self.method.as_str(),
            path: target.split_once('?').map_or(target, |(p, _)| p),
            query: target.split_once('?').map(|(_, q)| redact_query(q)),
            operation: self.operation,
            access_key_id: self.caller.as_ref().map(|caller| match caller {
                Caller::Key(index) => accounts.key_name(*index),
                Caller::Unknown(name) => name,
            }),
            region: self.region.as_ref().map(|region| match region {
                RegionRef::Default => default_region,
                RegionRef::Named(name) => name,
            }),
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

/// Shards of the ring buffer: each thread records into its own shard, so server threads
/// do not contend for one lock on every request.
const SHARDS: usize = 8;

static NEXT_SHARD: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static SHARD: usize = NEXT_SHARD.fetch_add(1, Ordering::Relaxed) % SHARDS;
}

/// One shard, on its own cache lines so that threads recording into neighbouring shards do
/// not slow each other down.
#[derive(Debug, Default)]
#[repr(align(128))]
struct Shard(Mutex<VecDeque<Entry>>);

/// The ring buffer: the newest `capacity` requests. Recording is one short critical section
/// on the thread's shard; merging, ordering and formatting happen on read.
#[derive(Debug)]
pub(crate) struct Journal {
    capacity: usize,
    /// Each shard keeps up to `capacity` entries, so the newest `capacity` overall are
    /// always present however unevenly threads record.
    shards: Vec<Shard>,
}

impl Journal {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            shards: (0..SHARDS).map(|_| Shard::default()).collect(),
        }
    }

    pub(crate) fn record(&self, entry: Entry) {
        if self.capacity == 0 {
            return;
        }
        let shard = SHARD.with(|shard| *shard);
        let evicted = {
            let mut entries = lock(&self.shards[shard].0);
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

    /// The newest `limit` entries (at most `capacity`), oldest first.
    pub(crate) fn recent(&self, limit: usize) -> Vec<Entry> {
        let mut all: Vec<Entry> = self
            .shards
            .iter()
            .flat_map(|shard| lock(&shard.0).iter().cloned().collect::<Vec<_>>())
            .collect();
        all.sort_by_key(|e| e.started);
        let skip = all.len().saturating_sub(limit.min(self.capacity));
        all.split_off(skip)
    }

    pub(crate) fn clear(&self) {
        for shard in &self.shards {
            lock(&shard.0).clear();
        }
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
    fn short_text_keeps_inline_and_long_text() {
        let short = ShortText::<8>::new("k-abc");
        assert!(short.is_inline());
        assert_eq!(short.as_str(), "k-abc");
        let long = ShortText::<8>::new("/v2/keypair/k-abcdefgh");
        assert!(!long.is_inline());
        assert_eq!(long.as_str(), "/v2/keypair/k-abcdefgh");
        assert_eq!(ShortText::<8>::new("名前").as_str(), "名前");
        assert_eq!(ShortText::<300>::new(&"x".repeat(299)).as_str().len(), 299);
    }

    #[test]
    fn the_ring_keeps_the_newest_entries() {
        let journal = Journal::new(3);
        for n in 0..5u16 {
            journal.record(Entry {
                started: Instant::now(),
                time: DateTime::<Utc>::default(),
                request_id: ShortText::new(&n.to_string()),
                method: http::Method::GET,
                target: ShortText::new("/"),
                operation: None,
                caller: None,
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
