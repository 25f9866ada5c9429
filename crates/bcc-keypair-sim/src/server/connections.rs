//! The open connections, so that slow or silent clients cannot starve the server.
//!
//! A connection that has sent nothing, or only part of its first request's headers, costs a
//! file descriptor and nothing else; enough of them exhaust the descriptor limit and `accept`
//! fails for everybody. The server therefore tracks every connection: whether a request is
//! in flight on it, and since when it has been idle. Idle connections are closed when they
//! outlive their timeout, and the oldest idle one is closed at once when a new connection
//! needs room (the limit is reached, or `accept` ran out of descriptors). A connection with a
//! request in flight is never closed this way.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::task::AbortHandle;

use crate::lock::lock;

/// Connection limits of [`serve_with`](super::serve_with).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ServerOptions {
    /// How long a new connection may take to deliver its first request's headers.
    /// Default: 10 s.
    pub header_read_timeout: Duration,
    /// How long a keep-alive connection may stay idle between requests. Default: 60 s.
    pub idle_timeout: Duration,
    /// Connections open at once. A new connection beyond it closes the longest-idle one,
    /// or waits when every connection has a request in flight. Default: 1,024.
    pub max_connections: usize,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: 1024,
        }
    }
}

impl ServerOptions {
    /// Sets [`ServerOptions::header_read_timeout`].
    #[must_use]
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// Sets [`ServerOptions::idle_timeout`].
    #[must_use]
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Sets [`ServerOptions::max_connections`] (at least 1).
    #[must_use]
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = max.max(1);
        self
    }

    /// How often idle connections are checked against their timeouts.
    pub(super) fn sweep_interval(&self) -> Duration {
        (self.header_read_timeout.min(self.idle_timeout) / 4)
            .clamp(Duration::from_millis(20), Duration::from_secs(1))
    }
}

/// One open connection.
struct Entry {
    accepted: Instant,
    /// Requests being answered on it.
    in_flight: usize,
    /// Whether it has delivered a request yet: before that, the header-read timeout applies.
    served: bool,
    /// When its last request finished (or when it was accepted).
    idle_since: Instant,
    abort: Option<AbortHandle>,
}

/// The registry of open connections, shared by the accept loop and each connection's service.
#[derive(Default)]
pub(super) struct Connections {
    open: Mutex<Registry>,
}

#[derive(Default)]
struct Registry {
    next_id: u64,
    entries: HashMap<u64, Entry>,
}

impl Connections {
    pub(super) fn len(&self) -> usize {
        lock(&self.open).entries.len()
    }

    /// Registers a connection accepted `now`; `abort` closes it.
    pub(super) fn add(&self, now: Instant) -> u64 {
        let mut open = lock(&self.open);
        let id = open.next_id;
        open.next_id += 1;
        let entry = Entry {
            accepted: now,
            in_flight: 0,
            served: false,
            idle_since: now,
            abort: None,
        };
        open.entries.insert(id, entry);
        id
    }

    pub(super) fn set_abort(&self, id: u64, abort: AbortHandle) {
        if let Some(entry) = lock(&self.open).entries.get_mut(&id) {
            entry.abort = Some(abort);
        }
    }

    /// Forgets a connection that ended by itself.
    pub(super) fn remove(&self, id: u64) {
        lock(&self.open).entries.remove(&id);
    }

    /// Marks a request in flight on `id` until the returned guard drops.
    pub(super) fn start_request(self: &Arc<Self>, id: u64) -> InFlight {
        if let Some(entry) = lock(&self.open).entries.get_mut(&id) {
            entry.in_flight += 1;
            entry.served = true;
        }
        InFlight {
            connections: Arc::clone(self),
            id,
        }
    }

    /// Closes the connection that has been idle longest; `false` when every open connection
    /// has a request in flight.
    pub(super) fn close_longest_idle(&self) -> bool {
        let mut open = lock(&self.open);
        let oldest = open
            .entries
            .iter()
            .filter(|(_, entry)| entry.in_flight == 0)
            .min_by_key(|(_, entry)| entry.idle_since)
            .map(|(id, _)| *id);
        match oldest.and_then(|id| open.entries.remove(&id)) {
            Some(entry) => {
                tracing::debug!("closing the longest-idle connection to make room");
                close(entry);
                true
            }
            None => false,
        }
    }

    /// Closes the idle connections whose timeout has passed at `now`.
    pub(super) fn close_expired(&self, now: Instant, options: &ServerOptions) {
        let mut open = lock(&self.open);
        let expired: Vec<u64> = open
            .entries
            .iter()
            .filter(|(_, entry)| entry.in_flight == 0)
            .filter(|(_, entry)| {
                if entry.served {
                    now.duration_since(entry.idle_since) > options.idle_timeout
                } else {
                    now.duration_since(entry.accepted) > options.header_read_timeout
                }
            })
            .map(|(id, _)| *id)
            .collect();
        for id in expired {
            if let Some(entry) = open.entries.remove(&id) {
                close(entry);
            }
        }
    }

    fn finish_request(&self, id: u64, now: Instant) {
        if let Some(entry) = lock(&self.open).entries.get_mut(&id) {
            entry.in_flight = entry.in_flight.saturating_sub(1);
            if entry.in_flight == 0 {
                entry.idle_since = now;
            }
        }
    }
}

fn close(entry: Entry) {
    // Aborting the connection's task drops its socket.
    if let Some(abort) = entry.abort {
        abort.abort();
    }
}

/// A request in flight on a connection; dropping it marks the connection idle again.
pub(super) struct InFlight {
    connections: Arc<Connections>,
    id: u64,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.connections.finish_request(self.id, Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> ServerOptions {
        ServerOptions::default()
            .header_read_timeout(Duration::from_secs(1))
            .idle_timeout(Duration::from_secs(5))
    }

    #[test]
    fn only_idle_connections_are_closed_longest_idle_first() {
        let connections = Arc::new(Connections::default());
        let start = Instant::now();
        let busy = connections.add(start);
        let older = connections.add(start);
        let newer = connections.add(start + Duration::from_millis(10));
        let _request = connections.start_request(busy);
        connections.finish_request(older, start);
        connections.finish_request(newer, start + Duration::from_millis(10));

        assert!(connections.close_longest_idle());
        assert!(!lock(&connections.open).entries.contains_key(&older));
        assert!(connections.close_longest_idle());
        assert!(!connections.close_longest_idle(), "the busy one stays");
        assert_eq!(connections.len(), 1);
    }

    #[test]
    fn silent_connections_expire_after_the_header_timeout_and_idle_ones_after_the_idle_timeout() {
        let connections = Arc::new(Connections::default());
        let start = Instant::now();
        let silent = connections.add(start);
        let served = connections.add(start);
        drop(connections.start_request(served));

        connections.close_expired(start + Duration::from_millis(900), &options());
        assert_eq!(connections.len(), 2);
        connections.close_expired(Instant::now() + Duration::from_secs(2), &options());
        assert!(!lock(&connections.open).entries.contains_key(&silent));
        assert_eq!(connections.len(), 1);
        connections.close_expired(Instant::now() + Duration::from_secs(6), &options());
        assert_eq!(connections.len(), 0);
    }

    #[test]
    fn a_request_in_flight_is_never_expired() {
        let connections = Arc::new(Connections::default());
        let start = Instant::now();
        let id = connections.add(start);
        let request = connections.start_request(id);
        connections.close_expired(start + Duration::from_secs(600), &options());
        assert_eq!(connections.len(), 1);
        drop(request);
        assert_eq!(connections.len(), 1);
    }
}
