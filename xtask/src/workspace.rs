//! Where the workspace is, where cargo builds it, and the cargo that runs this command.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context as _;

/// The workspace root: the parent of this crate's manifest directory.
pub(crate) fn root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map_or_else(|| manifest_dir.to_path_buf(), Path::to_path_buf)
}

/// The cargo that started `cargo xtask` (its toolchain, not whatever `cargo` is first on
/// `PATH`), run in the workspace root.
pub(crate) fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root());
    command
}

/// The cargo target directory: `CARGO_TARGET_DIR`, else `cargo metadata`'s
/// `target_directory`, else `<workspace>/target`.
pub(crate) fn target_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        let dir = PathBuf::from(dir);
        return Ok(if dir.is_absolute() {
            dir
        } else {
            root().join(dir)
        });
    }
    let output = cargo()
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .output();
    if let Ok(output) = output
        && output.status.success()
    {
        let metadata: serde_json::Value =
            serde_json::from_slice(&output.stdout).context("parsing `cargo metadata` output")?;
        if let Some(dir) = metadata["target_directory"].as_str() {
            return Ok(PathBuf::from(dir));
        }
    }
    Ok(root().join("target"))
}
