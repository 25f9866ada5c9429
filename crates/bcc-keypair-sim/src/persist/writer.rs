//! The writer thread: group commit of the change log, snapshot compaction, and undoing
//! changes that could not be saved.
//!
//! Requests queue their changes and wait. The thread takes everything queued, appends it
//! in one write, flushes once (`fdatasync`), and then answers every waiting request: under
//! 16 concurrent writers one flush serves many requests instead of one each.
//!
//! When the log has grown past the snapshot (and past [`MIN_COMPACTION_BYTES`]), the state
//! is copied in memory and a second thread writes the copy as the new snapshot while
//! appends go on, as Redis rewrites its append-only file in a child process. Once the
//! snapshot is on disk, the log is replaced by its lines newer than the snapshot. Each
//! write costs O(1); the rewrite, O(state), comes once per state's worth of log and does
//! not hold up the writes. Only the first save, and the first after a failure, write the
//! snapshot in the writer thread itself.

use std::fs::File;
use std::io::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;

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

/// A snapshot being written by its own thread.
pub(super) struct Background {
    /// The snapshot's length once written.
    thread: JoinHandle<io::Result<u64>>,
    /// Where the log lines newer than the snapshot start.
    newer_lines_at: u64,
}

pub(super) struct Writer {
    pub(super) files: Arc<Files>,
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
    pub(super) background: Option<Background>,
    /// Flushes of the log so far: fewer than the writes when commits are grouped.
    pub(super) flushes: Arc<AtomicU64>,
}

impl Writer {
    /// Serves the queue until the simulator is dropped.
    pub(super) fn run(mut self) {
        while let Ok(first) = self.queue.recv() {
            let mut batch = vec![first];
            batch.extend(self.queue.try_iter());
            self.finish_background();
            let outgrown = self.log_len > self.snapshot_len.max(self.min_compaction_bytes);
            let saved = if self.log.is_none() {
                self.compact(&mut batch)
            } else if outgrown && self.background.is_none() {
                self.append_and_start_snapshot(&mut batch)
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
            self.flushes.fetch_add(1, Ordering::Relaxed);
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

    /// Takes into the batch everything queued since and every change not yet queued (of
    /// requests that have not reached their commit), and marks the state as holding the
    /// entry they make; returns `copy` of the state as it is then. Holds the write lock.
    fn close_batch<T>(
        &self,
        batch: &mut Vec<Queued>,
        copy: impl FnOnce(&State) -> io::Result<T>,
    ) -> io::Result<(T, u64)> {
        let mut state = write(&self.state);
        batch.extend(self.queue.try_iter());
        let (changes, newest_change) = state.take_changes();
        let lsn = self.next_lsn.fetch_add(1, Ordering::Relaxed);
        batch.push(Queued {
            lsn,
            changes,
            newest_change,
            done: None,
        });
        state.set_log_position(lsn);
        Ok((copy(&state)?, newest_change))
    }

    /// Appends the batch, then has a thread write a copy of the state as the new snapshot.
    fn append_and_start_snapshot(&mut self, batch: &mut Vec<Queued>) -> io::Result<()> {
        let (copy, _) = self.close_batch(batch, |state| Ok(state.clone()))?;
        // The copy holds the batch: it may reach the disk only once the batch has.
        self.append(batch)?;
        let files = Arc::clone(&self.files);
        let spawned = std::thread::Builder::new()
            .name("bcc-sim-snapshot".to_owned())
            .spawn(move || {
                let bytes = copy.to_json().map_err(io::Error::other)?;
                files.write_snapshot(&bytes)?;
                Ok(bytes.len() as u64)
            });
        match spawned {
            Ok(thread) => {
                self.background = Some(Background {
                    thread,
                    newer_lines_at: self.log_len,
                });
            }
            Err(error) => tracing::warn!(%error, "could not start writing a snapshot"),
        }
        Ok(())
    }

    /// Once a background snapshot is on disk, keeps only the log lines newer than it.
    fn finish_background(&mut self) {
        let Some(background) = self.background.take_if(|b| b.thread.is_finished()) else {
            return;
        };
        let snapshot_len = match background.thread.join() {
            Ok(Ok(len)) => len,
            Ok(Err(error)) => {
                tracing::warn!(%error, "writing a snapshot failed; the change log keeps every change");
                return;
            }
            Err(_) => return tracing::error!("the snapshot thread panicked"),
        };
        self.snapshot_len = snapshot_len;
        if self.log.is_none() {
            // A failed append: the next save writes a full snapshot and a new log anyway.
            return;
        }
        let newer = self.files.read_log_from(background.newer_lines_at);
        match newer.and_then(|lines| Ok((self.files.replace_log(&lines)?, lines.len()))) {
            Ok((file, len)) => {
                self.log = Some(file);
                self.log_len = len as u64;
            }
            // The old log is still whole: loading skips the lines the snapshot holds.
            Err(error) => tracing::warn!(%error, "could not shorten the change log"),
        }
    }

    /// Writes a snapshot of the whole state, holding the batch, everything queued since and
    /// every change not yet queued, then starts an empty log.
    fn compact(&mut self, batch: &mut Vec<Queued>) -> io::Result<()> {
        if let Some(background) = self.background.take() {
            // An older snapshot must not land after this one.
            let _ = background.thread.join();
        }
        let (bytes, newest) =
            self.close_batch(batch, |state| state.to_json().map_err(io::Error::other))?;
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
