//! The writer thread: group commit of the change log, snapshot compaction, and undoing
//! changes that could not be saved.
//!
//! Requests queue their changes and wait. The thread takes everything queued, appends it
//! in one write, flushes once (`fdatasync`), and then answers every waiting request: under
//! 16 concurrent writers one flush serves many requests instead of one each. When the log
//! has grown past the snapshot (and past [`MIN_COMPACTION_BYTES`]), the next round writes a
//! fresh snapshot and starts an empty log instead, as Redis rewrites its append-only file:
//! each write costs O(1), and the rewrite, O(state), comes once per state's worth of log.

use std::fs::File;
use std::io::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, RwLock};

use tokio::sync::oneshot;

use super::files::{Files, still_linked};
use super::log;
use crate::lock::write;
use crate::state::{Change, State};

/// The log is not compacted below this size, so a small state is not rewritten every few
/// writes.
pub(super) const MIN_COMPACTION_BYTES: u64 = 4 << 20;

/// What a waiting request learns: saved, or why not (its change was then undone).
pub(super) type Saved = Result<(), Arc<str>>;

/// One request's changes, queued for the change log.
pub(super) struct Queued {
    pub(super) lsn: u64,
    pub(super) changes: Vec<Change>,
    /// The number of the newest change made when this entry was queued: once the entry is
    /// on disk, every change up to it is.
    pub(super) newest_change: u64,
    pub(super) done: Option<oneshot::Sender<Saved>>,
}

pub(super) struct Writer {
    pub(super) files: Files,
    pub(super) state: Arc<RwLock<State>>,
    pub(super) queue: Receiver<Queued>,
    pub(super) next_lsn: Arc<AtomicU64>,
    /// `None` until the first save, and after a failed one: the next round compacts.
    pub(super) log: Option<File>,
    pub(super) log_len: u64,
    pub(super) snapshot_len: u64,
    /// The newest change number known to be on disk.
    pub(super) durable_through: u64,
    pub(super) min_compaction_bytes: u64,
}

impl Writer {
    /// Serves the queue until the simulator is dropped.
    pub(super) fn run(mut self) {
        while let Ok(first) = self.queue.recv() {
            let mut batch = vec![first];
            batch.extend(self.queue.try_iter());
            let compact = self.log.is_none()
                || self.log_len > self.snapshot_len.max(self.min_compaction_bytes);
            let saved = if compact {
                self.compact(&mut batch)
            } else {
                self.append(&batch)
            };
            match saved {
                Ok(()) => {
                    for queued in batch {
                        if let Some(done) = queued.done {
                            let _ = done.send(Ok(()));
                        }
                    }
                }
                Err(error) => self.roll_back(batch, &error),
            }
        }
    }

    /// Appends the batch as one write and flushes it once.
    fn append(&mut self, batch: &[Queued]) -> io::Result<()> {
        let mut bytes = Vec::new();
        for queued in batch {
            log::encode(queued.lsn, &queued.changes, &mut bytes).map_err(io::Error::other)?;
        }
        let Some(file) = self.log.as_mut() else {
            return Err(io::Error::other("the change log is not open"));
        };
        if !bytes.is_empty() {
            let written = file.write_all(&bytes).and_then(|()| file.sync_data());
            if let Err(error) = written {
                // Best effort: a line of an undone change must not be replayed later.
                let _ = file.set_len(self.log_len);
                return Err(error);
            }
            self.log_len += bytes.len() as u64;
        }
        if !still_linked(file)? {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!(
                    "{} was removed from disk (was its directory deleted?)",
                    self.files.log_path().display()
                ),
            ));
        }
        if let Some(last) = batch.last() {
            self.durable_through = last.newest_change;
        }
        Ok(())
    }

    /// Writes a snapshot of the whole state, holding the batch, everything queued since and
    /// every change not yet queued, then starts an empty log.
    fn compact(&mut self, batch: &mut Vec<Queued>) -> io::Result<()> {
        let (bytes, newest) = {
            let mut state = write(&self.state);
            batch.extend(self.queue.try_iter());
            let (changes, newest_change) = state.take_changes();
            let lsn = self.next_lsn.fetch_add(1, Ordering::Relaxed);
            // Changes of requests that have not reached their commit yet: the snapshot
            // holds them, so they are saved (or undone) with this batch.
            batch.push(Queued {
                lsn,
                changes,
                newest_change,
                done: None,
            });
            state.set_log_position(lsn);
            (state.to_json().map_err(io::Error::other)?, newest_change)
        };
        self.log = None;
        self.files.write_snapshot(&bytes)?;
        self.snapshot_len = bytes.len() as u64;
        self.durable_through = newest;
        tracing::debug!(bytes = bytes.len(), "wrote a snapshot of the state");
        // The snapshot holds the batch: it is saved even if the new log cannot be started
        // (the old log's entries are all older than the snapshot, and loading skips them).
        match self.files.start_empty_log() {
            Ok(file) => {
                self.log = Some(file);
                self.log_len = 0;
            }
            Err(error) => {
                let path = self.files.log_path().display();
                tracing::warn!(%error, %path, "could not start a new change log; the next save writes a snapshot again");
            }
        }
        Ok(())
    }

    /// Undoes every change not on disk (the batch, everything queued since, and changes not
    /// yet queued), newest first, and tells each waiting request why.
    fn roll_back(&mut self, mut batch: Vec<Queued>, error: &io::Error) {
        let path = self.files.path().display();
        let reason: Arc<str> = format!("the change could not be saved to {path}: {error}").into();
        {
            let mut state = write(&self.state);
            batch.extend(self.queue.try_iter());
            let changes: Vec<Change> = batch
                .iter_mut()
                .flat_map(|queued| std::mem::take(&mut queued.changes))
                .collect();
            tracing::error!(
                %error,
                path = %self.files.path().display(),
                undone = changes.len(),
                "saving the state failed; the unsaved changes were undone and their requests answered 500"
            );
            state.undo(changes, self.durable_through, Arc::clone(&reason));
        }
        // The log may hold part of the failed write: the next save starts afresh.
        self.log = None;
        for queued in batch {
            if let Some(done) = queued.done {
                let _ = done.send(Err(Arc::clone(&reason)));
            }
        }
    }
}
