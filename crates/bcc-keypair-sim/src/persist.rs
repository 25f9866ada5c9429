//! The state file (`--state-file`): the simulated cloud survives a restart.
//!
//! Writes are atomic: the new state goes to a temporary file in the same directory, which is
//! flushed to disk, renamed over the state file, and then the directory itself is flushed.
//! A crash at any point leaves either the previous or the new state file, never a torn one;
//! temporary files a crash left behind are removed when the file is loaded at start. The
//! file holds private keys, so it is created readable by its owner only (mode 0600).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::lock::lock;

/// A state file on disk.
#[derive(Debug)]
pub(crate) struct StateFile {
    path: PathBuf,
    /// Serialises writers so that the last rename always carries the newest snapshot.
    writer: Mutex<()>,
    counter: AtomicU64,
}

impl StateFile {
    pub(crate) fn new(path: PathBuf) -> Self {
        Self {
            path,
            writer: Mutex::new(()),
            counter: AtomicU64::new(0),
        }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The saved bytes, or `None` when there is no state file yet. Removes the temporary
    /// files of interrupted saves first.
    pub(crate) fn load(&self) -> io::Result<Option<Vec<u8>>> {
        self.remove_leftover_temporaries();
        match fs::read(&self.path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Takes a snapshot with `snapshot` while holding the writer lock, then writes it
    /// atomically. Taking the snapshot inside the lock means a later writer never
    /// overwrites a newer snapshot with an older one.
    pub(crate) fn save_with(
        &self,
        snapshot: impl FnOnce() -> io::Result<Vec<u8>>,
    ) -> io::Result<()> {
        let _writer = lock(&self.writer);
        let bytes = snapshot()?;
        self.write_atomically(&bytes)
    }

    /// `.{file name}.tmp-`: the start of every temporary file name of this state file.
    fn temp_prefix(&self) -> String {
        let name = self
            .path
            .file_name()
            .map_or_else(|| "state".into(), |n| n.to_string_lossy().into_owned());
        format!(".{name}.tmp-")
    }

    fn temp_path(&self) -> PathBuf {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let prefix = self.temp_prefix();
        self.dir()
            .join(format!("{prefix}{}-{n}", std::process::id()))
    }

    /// Each interrupted save left one temporary file; nothing reads them.
    fn remove_leftover_temporaries(&self) {
        let prefix = self.temp_prefix();
        let Ok(entries) = fs::read_dir(self.dir()) else {
            return;
        };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                match fs::remove_file(entry.path()) {
                    Ok(()) => {
                        tracing::info!(path = %entry.path().display(), "removed a temporary file of an interrupted save")
                    }
                    Err(error) => {
                        tracing::warn!(path = %entry.path().display(), %error, "could not remove a leftover temporary file")
                    }
                }
            }
        }
    }

    fn dir(&self) -> PathBuf {
        match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    fn write_atomically(&self, bytes: &[u8]) -> io::Result<()> {
        let temp = self.temp_path();
        let result = (|| {
            let mut options = OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&temp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            drop(file);
            fs::rename(&temp, &self.path)?;
            // The rename is durable only once the directory entry is on disk.
            File::open(self.dir())?.sync_all()
        })();
        if result.is_err() {
            let _ = fs::remove_file(&temp);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_save_replaces_the_file_and_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = StateFile::new(dir.path().join("state.json"));
        assert_eq!(file.load().expect("load"), None);
        file.save_with(|| Ok(b"one".to_vec())).expect("save");
        file.save_with(|| Ok(b"two".to_vec())).expect("save");
        assert_eq!(file.load().expect("load").as_deref(), Some(&b"two"[..]));
        let names: Vec<_> = fs::read_dir(dir.path())
            .expect("read_dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["state.json"]);
    }

    #[test]
    fn a_stray_temporary_file_from_a_crash_is_ignored() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = StateFile::new(dir.path().join("state.json"));
        file.save_with(|| Ok(b"good".to_vec())).expect("save");
        // A crash between writing the temporary file and the rename leaves this behind.
        fs::write(dir.path().join(".state.json.tmp-999-0"), b"{half-writ").expect("write");
        assert_eq!(file.load().expect("load").as_deref(), Some(&b"good"[..]));
        file.save_with(|| Ok(b"next".to_vec())).expect("save");
        assert_eq!(file.load().expect("load").as_deref(), Some(&b"next"[..]));
    }

    #[test]
    fn loading_removes_temporary_files_of_interrupted_saves_and_nothing_else() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = StateFile::new(dir.path().join("state.json"));
        file.save_with(|| Ok(b"good".to_vec())).expect("save");
        for leftover in [".state.json.tmp-999-0", ".state.json.tmp-1000-7"] {
            fs::write(dir.path().join(leftover), b"{half-writ").expect("write");
        }
        fs::write(dir.path().join("other.json"), b"{}").expect("write");
        assert_eq!(file.load().expect("load").as_deref(), Some(&b"good"[..]));
        let mut names: Vec<_> = fs::read_dir(dir.path())
            .expect("read_dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["other.json", "state.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn the_state_file_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        StateFile::new(path.clone())
            .save_with(|| Ok(b"{}".to_vec()))
            .expect("save");
        let mode = fs::metadata(&path).expect("metadata").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
}
