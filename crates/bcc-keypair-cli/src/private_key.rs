//! Writing a new private key to a file only its owner can read.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// A private-key file opened (or created) before the key pair exists, so that a bad path or
/// an existing file is refused before the service makes a key pair.
#[derive(Debug)]
pub(crate) struct PrivateKeyFile {
    path: PathBuf,
    file: File,
    /// Whether this run created the file (then a failed create removes it again).
    created: bool,
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
                file,
                created: true,
            }),
            Err(error) if error.kind() == ErrorKind::AlreadyExists => {
                if !force {
                    bail!(
                        "{} already exists; pass --force to overwrite it",
                        path.display()
                    );
                }
                let file = options()
                    .open(path)
                    .with_context(|| format!("opening {}", path.display()))?;
                Ok(Self {
                    path: path.to_owned(),
                    file,
                    created: false,
                })
            }
            Err(error) => Err(error).with_context(|| format!("creating {}", path.display())),
        }
    }

    /// Writes the PEM text (replacing any previous content) and returns the path.
    pub(crate) fn write(mut self, pem: &str) -> Result<PathBuf> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // An existing file overwritten with --force keeps its old mode otherwise.
            self.file
                .set_permissions(std::fs::Permissions::from_mode(PRIVATE_MODE))
                .with_context(|| format!("restricting {}", self.path.display()))?;
        }
        self.file
            .set_len(0)
            .and_then(|()| self.file.write_all(pem.as_bytes()))
            .and_then(|()| {
                if pem.ends_with('\n') {
                    Ok(())
                } else {
                    self.file.write_all(b"\n")
                }
            })
            .and_then(|()| self.file.sync_all())
            .with_context(|| format!("writing the private key to {}", self.path.display()))?;
        Ok(self.path)
    }

    /// Gives up: removes the file if this run created it.
    pub(crate) fn discard(self) {
        if self.created {
            drop(self.file);
            // Best effort: the file is empty, and the command is failing anyway.
            let _ignored = std::fs::remove_file(&self.path);
        }
    }
}
