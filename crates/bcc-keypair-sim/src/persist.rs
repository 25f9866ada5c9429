//! The state file (`--state-file PATH`): the simulated cloud survives a restart, and no
//! change is acknowledged before it is on disk.
//!
//! On disk: a snapshot of the whole state at `PATH` (the JSON the simulator has always
//! written there) and a change log at `PATH.log`, one line per request that changed
//! something ([`log`]). A write appends one line rather than rewriting the state, so its
//! cost does not grow with the number of key pairs; the [`writer`] thread flushes the
//! lines of many concurrent requests at once, and rewrites the snapshot when the log has
//! grown past it. Loading reads the snapshot, then replays the log entries newer than it.
//! A state file written before the change log existed is a snapshot without a log, and
//! loads as it always did.
//!
//! A request that changed the state commits once its operation is done: its changes are
//! queued in the order they were made, and the request waits for the writer. If they
//! cannot be saved (the directory was removed, the disk is full), every change not yet on
//! disk is undone and each waiting request gets the reason, which the pipeline answers as
//! `500 InternalError` (errors.md §4 row 26) and the journal records.

mod files;
mod log;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, RwLock};

use chrono::TimeDelta;
use tokio::sync::oneshot;

use self::files::{Files, read_if_present};
use self::writer::{MIN_COMPACTION_BYTES, Queued, Saved, Writer};
use crate::SimError;
use crate::state::State;

/// The state file of a running simulator.
#[derive(Debug)]
pub(crate) struct Store {
    path: PathBuf,
    queue: Sender<Queued>,
    next_lsn: Arc<AtomicU64>,
    #[cfg_attr(not(test), allow(dead_code))]
    flushes: Arc<AtomicU64>,
}

/// A commit waiting for the writer.
pub(crate) type Pending = oneshot::Receiver<Saved>;

/// How a state is configured when it is loaded.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settings {
    pub(crate) quota: usize,
    pub(crate) client_token_ttl: TimeDelta,
    /// The log size below which the snapshot is never rewritten.
    pub(crate) min_compaction_bytes: u64,
}

impl Settings {
    pub(crate) fn new(quota: usize, client_token_ttl: TimeDelta) -> Self {
        Self {
            quota,
            client_token_ttl,
            min_compaction_bytes: MIN_COMPACTION_BYTES,
        }
    }
}

impl Store {
    /// Loads the state saved at `path` (an empty one when there is none) and starts the
    /// writer thread.
    pub(crate) fn open(
        path: PathBuf,
        settings: Settings,
    ) -> Result<(Arc<RwLock<State>>, Self), SimError> {
        let files = Files::new(path.clone());
        let io_error = |path: &Path| {
            let path = path.to_path_buf();
            move |source| SimError::StateFile { path, source }
        };
        let format_error = |path: &Path, detail: String| SimError::StateFormat {
            path: path.to_path_buf(),
            detail,
        };
        let snapshot = files.load().map_err(io_error(&path))?;
        let snapshot_len = snapshot.as_ref().map_or(0, Vec::len) as u64;
        let mut state = match snapshot {
            None => State::new(settings.quota),
            Some(bytes) => State::from_json(&bytes, settings.quota)
                .map_err(|e| format_error(&path, e.to_string()))?,
        };
        let log_path = files.log_path().to_path_buf();
        let log_bytes = read_if_present(&log_path).map_err(io_error(&log_path))?;
        let (newest_lsn, log) = match log_bytes {
            None => (state.log_position(), None),
            Some(bytes) => {
                let replay = log::parse(&bytes).map_err(|(line, detail)| {
                    format_error(&log_path, format!("line {line}: {detail}"))
                })?;
                let newest = replay_into(&mut state, replay.entries);
                if replay.intact_len < bytes.len() as u64 {
                    tracing::warn!(path = %log_path.display(), "ignored the torn last line of the change log");
                }
                let file = files.open_log().map_err(io_error(&log_path))?;
                file.set_len(replay.intact_len)
                    .and_then(|()| file.sync_all())
                    .map_err(io_error(&log_path))?;
                (newest, Some((file, replay.intact_len)))
            }
        };
        state.use_configured_quota(settings.quota);
        state.set_client_token_ttl(settings.client_token_ttl);
        state.record_changes();
        let state = Arc::new(RwLock::new(state));
        let next_lsn = Arc::new(AtomicU64::new(newest_lsn + 1));
        let (queue, receiver) = mpsc::channel();
        let (log, log_len) = log.map_or((None, 0), |(file, len)| (Some(file), len));
        let writer = Writer {
            files: Arc::new(files),
            state: Arc::clone(&state),
            queue: receiver,
            next_lsn: Arc::clone(&next_lsn),
            log,
            log_len,
            snapshot_len,
            durable_through: 0,
            min_compaction_bytes: settings.min_compaction_bytes,
            background: None,
            flushes: Arc::new(AtomicU64::new(0)),
        };
        let flushes = Arc::clone(&writer.flushes);
        std::thread::Builder::new()
            .name("bcc-sim-state-writer".to_owned())
            .spawn(move || writer.run())?;
        let store = Self {
            path,
            queue,
            next_lsn,
            flushes,
        };
        Ok((state, store))
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Queues the changes made since the last commit; call with the state write-locked,
    /// so the log keeps the order the changes were made in. `own_change` is the newest
    /// change the committing request made: if it was undone already, the request learns
    /// why at once. A commit without changes still waits for everything queued before it,
    /// so nothing is acknowledged on the strength of a change that is not yet saved.
    pub(crate) fn commit(
        &self,
        state: &mut State,
        own_change: Option<u64>,
    ) -> Result<Pending, Arc<str>> {
        if let Some(reason) = own_change.and_then(|change| state.undone_reason(change)) {
            return Err(reason);
        }
        let (changes, newest_change) = state.take_changes();
        let (done, pending) = oneshot::channel();
        let queued = Queued {
            lsn: self.next_lsn.fetch_add(1, Ordering::Relaxed),
            changes,
            newest_change,
            done: Some(done),
        };
        if let Err(mpsc::SendError(queued)) = self.queue.send(queued) {
            let reason: Arc<str> = Arc::from("the state file writer has stopped");
            let durable_through = newest_change - queued.changes.len() as u64;
            state.undo(queued.changes, durable_through, Arc::clone(&reason));
            return Err(reason);
        }
        Ok(pending)
    }
}

/// Replays the log entries newer than the snapshot; returns the newest entry number.
fn replay_into(state: &mut State, entries: Vec<log::Entry>) -> u64 {
    let mut newest = state.log_position();
    for entry in entries {
        if entry.lsn <= state.log_position() {
            continue;
        }
        newest = newest.max(entry.lsn);
        for record in entry.changes {
            state.apply(record);
        }
    }
    newest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lock::{read, write};
    use crate::state::ScopeRef;

    const AT: ScopeRef<'static> = ScopeRef {
        account: "ak",
        region: "bj",
    };

    fn settings(min_compaction_bytes: u64) -> Settings {
        Settings {
            min_compaction_bytes,
            ..Settings::new(5, TimeDelta::hours(24))
        }
    }

    fn put_instance(state: &RwLock<State>, store: &Store, id: &str) {
        let pending = {
            let mut state = write(state);
            state.put_instance(AT, id, "linux".to_owned(), "Running".to_owned());
            store.commit(&mut state, None).expect("queued")
        };
        pending.blocking_recv().expect("answered").expect("saved");
    }

    #[test]
    fn the_log_is_compacted_into_the_snapshot_once_it_outgrows_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        let (state, store) = Store::open(path.clone(), settings(0)).expect("opened");
        let log_lines = || {
            let log = std::fs::read_to_string(dir.path().join("state.json.log")).expect("log");
            log.lines().count()
        };
        // The snapshot is written by a thread of its own; the log is cut once it is done.
        let mut written = 0;
        while written < 20 || (log_lines() >= written / 2 && written < 500) {
            put_instance(&state, &store, &format!("i-{written}"));
            written += 1;
        }
        assert!(
            log_lines() < written / 2,
            "{} lines after {written} writes",
            log_lines()
        );
        let snapshot = std::fs::read_to_string(&path).expect("snapshot");
        assert!(snapshot.contains("\"i-0\""), "{snapshot}");
        let (reloaded, _store) = Store::open(path, settings(0)).expect("reopened");
        assert_eq!(read(&reloaded).instances(None, None).len(), written);
    }

    #[test]
    fn below_the_threshold_every_write_is_one_appended_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        let (state, store) = Store::open(path.clone(), settings(1 << 20)).expect("opened");
        for n in 0..20 {
            put_instance(&state, &store, &format!("i-{n}"));
        }
        let log = std::fs::read_to_string(dir.path().join("state.json.log")).expect("log");
        // The first write started the files with a snapshot; each later one is a line.
        assert_eq!(log.lines().count(), 19, "{log}");
        let (reloaded, _store) = Store::open(path, settings(1 << 20)).expect("reopened");
        assert_eq!(read(&reloaded).instances(None, None).len(), 20);
    }

    #[test]
    fn log_entries_the_snapshot_already_holds_are_skipped() {
        // A crash after a snapshot was renamed into place but before the log was emptied.
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        let quota = |n: u64| {
            format!(
                r#"{{"quotas":{{"quotas":{{"default":{n},"overrides":[{{"account":"ak","region":null,"quota":{n}}}]}}}}}}"#
            )
        };
        let snapshot = r#"{"version":1,"nextSeq":1,"configuredQuota":5,"logPosition":5,
            "quotas":{"default":5,"overrides":[{"account":"ak","region":null,"quota":50}]},"accounts":{}}"#;
        std::fs::write(&path, snapshot).expect("snapshot");
        let log = format!(
            "{{\"lsn\":4,\"changes\":[{}]}}\n{{\"lsn\":5,\"changes\":[{}]}}\n",
            quota(40),
            quota(50)
        );
        std::fs::write(dir.path().join("state.json.log"), &log).expect("log");
        let (state, store) = Store::open(path.clone(), settings(1 << 20)).expect("opened");
        assert_eq!(read(&state).quota(AT), 50);
        drop(store);
        let newer = format!("{log}{{\"lsn\":6,\"changes\":[{}]}}\n", quota(60));
        std::fs::write(dir.path().join("state.json.log"), newer).expect("log");
        let (state, _store) = Store::open(path, settings(1 << 20)).expect("opened");
        assert_eq!(read(&state).quota(AT), 60);
    }

    #[test]
    fn concurrent_commits_share_flushes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        let (state, store) = Store::open(path.clone(), settings(1 << 20)).expect("opened");
        // The first save writes a snapshot; the appends come after.
        put_instance(&state, &store, "first");
        std::thread::scope(|threads| {
            for client in 0..16 {
                let (state, store) = (&state, &store);
                threads.spawn(move || {
                    for n in 0..20 {
                        put_instance(state, store, &format!("i-{client}-{n}"));
                    }
                });
            }
        });
        let flushes = store.flushes.load(Ordering::Relaxed);
        assert!(flushes < 320, "{flushes} flushes for 320 writes");
        let (reloaded, _store) = Store::open(path, settings(1 << 20)).expect("reopened");
        assert_eq!(read(&reloaded).instances(None, None).len(), 321);
    }
}
