//! Writing a new private key to a file only its owner can read.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use tempfile::NamedTempFile;

/// A private-key file opened (or created) before the key pair exists, so that a bad path or
/// an existing file is refused before the service makes a key pair.
#[derive(Debug)]
pub(crate) struct PrivateKeyFile {
    path: PathBuf,
    target: Target,
}

/// Where the key goes until it is written.
#[derive(Debug)]
enum Target {
    /// A file this run created empty (mode 0600), to be filled; removed again on failure.
    New(File),
    /// `--force` over an existing file: a temporary file in the same directory, renamed over
    /// the old one once the key is in it and synced, so that the path holds either the old
    /// key or the whole new one, never a half-written file. The rename needs the same
    /// file system, hence the same directory.
    Replacement(NamedTempFile),
}

/// Read and write for the owner only.
#[cfg(unix)]
const PRIVATE_MODE: u32 = 0o600;

fn options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // The mode applies from the moment the file exists: no window in which another user
        // could open it.
        options.mode(PRIVATE_MODE);
    }
    options
}

impl PrivateKeyFile {
    /// Creates `path`; an existing file is refused unless `force`, and then left untouched
    /// until the key arrives.
    pub(crate) fn create(path: &Path, force: bool) -> Result<Self> {
        match options().create_new(true).open(path) {
            Ok(file) => Ok(Self {
                path: path.to_owned(),
                target: Target::New(file),
            }),
            Err(error) if error.kind() == ErrorKind::AlreadyExists => {
                if !force {
                    bail!(
                        "{} already exists; pass --force to overwrite it",
                        path.display()
                    );
                }
                let directory = match path.parent() {
                    Some(parent) if !parent.as_os_str().is_empty() => parent,
                    _ => Path::new("."),
                };
                // tempfile creates the file with mode 0600 on Unix.
                let temporary = tempfile::Builder::new()
                    .prefix(".bcc-keypair-")
                    .suffix(".tmp")
                    .tempfile_in(directory)
                    .with_context(|| {
                        format!("creating a temporary file in {}", directory.display())
                    })?;
                Ok(Self {
                    path: path.to_owned(),
                    target: Target::Replacement(temporary),
                })
            }
            Err(error) => Err(error).with_context(|| format!("creating {}", path.display())),
        }
    }

    /// Writes the PEM text and returns the path: into the new file, or into the temporary
    /// file that then replaces the old one in one rename.
    pub(crate) fn write(self, pem: &str) -> Result<PathBuf> {
        let context = || format!("writing the private key to {}", self.path.display());
        match self.target {
            Target::New(mut file) => {
                write_pem(&mut file, pem).with_context(context)?;
            }
            Target::Replacement(mut temporary) => {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    temporary
                        .as_file()
                        .set_permissions(std::fs::Permissions::from_mode(PRIVATE_MODE))
                        .with_context(context)?;
                }
                write_pem(temporary.as_file_mut(), pem).with_context(context)?;
                temporary
                    .persist(&self.path)
                    .map_err(|error| error.error)
                    .with_context(|| format!("replacing {}", self.path.display()))?;
            }
        }
        Ok(self.path)
    }

    /// Gives up: removes the file if this run created it (a temporary file goes when
    /// dropped).
    pub(crate) fn discard(self) {
        if let Target::New(file) = self.target {
            drop(file);
            // Best effort: the file is empty, and the command is failing anyway.
            let _ignored = std::fs::remove_file(&self.path);
        }
    }
}

/// The PEM text with a final newline, synced to disk.
fn write_pem(file: &mut File, pem: &str) -> std::io::Result<()> {
    file.write_all(pem.as_bytes())?;
    if !pem.ends_with('\n') {
        file.write_all(b"\n")?;
    }
    file.sync_all()
}
