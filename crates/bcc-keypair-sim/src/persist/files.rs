//! The files of a state file: the snapshot at the configured path and the change log
//! beside it (`PATH.log`).
//!
//! A snapshot is replaced atomically: the new one goes to a temporary file in the same
//! directory, which is flushed to disk, renamed over the old one, and then the directory
//! itself is flushed. A crash at any point leaves either the old or the new snapshot, never
//! a torn one; temporary files a crash left behind are removed when the files are opened at
//! start. Both files hold private keys, so they are created readable by their owner only
//! (mode 0600).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The snapshot and change log of one state file.
#[derive(Debug)]
pub(crate) struct Files {
    snapshot: PathBuf,
    log: PathBuf,
    counter: AtomicU64,
}

impl Files {
    pub(crate) fn new(snapshot: PathBuf) -> Self {
        let mut log = snapshot.clone().into_os_string();
        log.push(".log");
        Self {
            snapshot,
            log: PathBuf::from(log),
            counter: AtomicU64::new(0),
        }
    }

    /// The snapshot: the path the state file was configured with.
    pub(crate) fn path(&self) -> &Path {
        &self.snapshot
    }

    pub(crate) fn log_path(&self) -> &Path {
        &self.log
    }

    /// The saved snapshot, or `None` when there is none yet. Removes the temporary files
    /// of interrupted saves first.
    pub(crate) fn load(&self) -> io::Result<Option<Vec<u8>>> {
        self.remove_leftover_temporaries();
        read_if_present(&self.snapshot)
    }

    /// Replaces the snapshot with `bytes`, atomically.
    pub(crate) fn write_snapshot(&self, bytes: &[u8]) -> io::Result<()> {
        self.replace_atomically(&self.snapshot, bytes)
    }

    /// Replaces the change log with an empty one and opens it for appending.
    pub(crate) fn start_empty_log(&self) -> io::Result<File> {
        self.replace_log(b"")
    }

    /// Replaces the change log with `lines`, atomically, and opens it for appending.
    pub(crate) fn replace_log(&self, lines: &[u8]) -> io::Result<File> {
        self.replace_atomically(&self.log, lines)?;
        self.open_log()
    }

    /// The change log from byte `offset` on.
    pub(crate) fn read_log_from(&self, offset: u64) -> io::Result<Vec<u8>> {
        use std::io::{Read as _, Seek as _};
        let mut file = File::open(&self.log)?;
        file.seek(io::SeekFrom::Start(offset))?;
        let mut tail = Vec::new();
        file.read_to_end(&mut tail)?;
        Ok(tail)
    }

    /// Opens the change log for appending, creating it when missing.
    pub(crate) fn open_log(&self) -> io::Result<File> {
        let mut options = OpenOptions::new();
        options.append(true).create(true);
        owner_only(&mut options);
        options.open(&self.log)
    }

    /// The temporary files of both files start `.{file name}.tmp-`.
    fn temp_prefixes(&self) -> [String; 2] {
        [&self.snapshot, &self.log].map(|path| {
            let name = path
                .file_name()
                .map_or_else(|| "state".into(), |n| n.to_string_lossy().into_owned());
            format!(".{name}.tmp-")
        })
    }

    fn temp_path(&self, target: &Path) -> PathBuf {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let name = target
            .file_name()
            .map_or_else(|| "state".into(), |n| n.to_string_lossy().into_owned());
        self.dir()
            .join(format!(".{name}.tmp-{}-{n}", std::process::id()))
    }

    /// Each interrupted save left one temporary file; nothing reads them.
    fn remove_leftover_temporaries(&self) {
        let prefixes = self.temp_prefixes();
        let Ok(entries) = fs::read_dir(self.dir()) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if prefixes
                .iter()
                .any(|prefix| name.starts_with(prefix.as_str()))
            {
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
        match self.snapshot.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// A rename or a new file is durable only once the directory entry is on disk.
    pub(crate) fn sync_dir(&self) -> io::Result<()> {
        File::open(self.dir())?.sync_all()
    }

    fn replace_atomically(&self, target: &Path, bytes: &[u8]) -> io::Result<()> {
        let temp = self.temp_path(target);
        let result = (|| {
            let mut options = OpenOptions::new();
            options.write(true).create_new(true);
            owner_only(&mut options);
            let mut file = options.open(&temp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            drop(file);
            fs::rename(&temp, target)?;
            self.sync_dir()
        })();
        if result.is_err() {
            let _ = fs::remove_file(&temp);
        }
        result
    }
}

pub(crate) fn read_if_present(path: &Path) -> io::Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// New files hold private keys: mode 0600.
fn owner_only(options: &mut OpenOptions) {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(options, 0o600);
}

/// Whether `file` still has a name on disk. Writing to a file whose directory was removed
/// succeeds, but nothing will find the data after a restart.
pub(crate) fn still_linked(file: &File) -> io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        Ok(file.metadata()?.nlink() > 0)
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_save_replaces_the_file_and_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = Files::new(dir.path().join("state.json"));
        assert_eq!(file.load().expect("load"), None);
        file.write_snapshot(b"one").expect("save");
        file.write_snapshot(b"two").expect("save");
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
        let file = Files::new(dir.path().join("state.json"));
        file.write_snapshot(b"good").expect("save");
        // A crash between writing the temporary file and the rename leaves this behind.
        fs::write(dir.path().join(".state.json.tmp-999-0"), b"{half-writ").expect("write");
        assert_eq!(file.load().expect("load").as_deref(), Some(&b"good"[..]));
        file.write_snapshot(b"next").expect("save");
        assert_eq!(file.load().expect("load").as_deref(), Some(&b"next"[..]));
    }

    #[test]
    fn loading_removes_temporary_files_of_interrupted_saves_and_nothing_else() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = Files::new(dir.path().join("state.json"));
        file.write_snapshot(b"good").expect("save");
        for leftover in [
            ".state.json.tmp-999-0",
            ".state.json.tmp-1000-7",
            ".state.json.log.tmp-1000-8",
        ] {
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
        let files = Files::new(path.clone());
        files.write_snapshot(b"{}").expect("save");
        let mode = fs::metadata(&path).expect("metadata").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
        files.start_empty_log().expect("log");
        let mode = fs::metadata(files.log_path()).expect("metadata");
        assert_eq!(mode.permissions().mode() & 0o777, 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn a_log_whose_directory_was_removed_is_no_longer_linked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let files = Files::new(dir.path().join("state.json"));
        let log = files.start_empty_log().expect("log");
        assert!(still_linked(&log).expect("metadata"));
        fs::remove_file(files.log_path()).expect("remove");
        assert!(!still_linked(&log).expect("metadata"));
    }
}
