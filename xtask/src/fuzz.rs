//! `cargo xtask fuzz`: runs each fuzz target of `fuzz/` in turn for a bounded time and
//! prints its executions and crashes.
//!
//! One target at a time, on purpose: libFuzzer keeps one core busy, and the figures of a
//! target are only comparable when nothing else competes with it. Needs the nightly
//! toolchain and `cargo install cargo-fuzz`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};

/// The targets in `fuzz/fuzz_targets`, in the order they run.
const TARGETS: &[&str] = &["authorization", "verify", "router", "public_key", "bodies"];

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Seconds per target.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Run only these targets (default: all).
    #[arg(long = "target", value_name = "NAME")]
    targets: Vec<String>,
}

/// What one run of a target did.
struct Figures {
    executions: u64,
    /// Seconds it ran: less than asked when it stopped at a crash.
    seconds: u64,
    crashes: Vec<PathBuf>,
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let fuzz_dir = crate::workspace::root().join("fuzz");
    let targets: Vec<&str> = if args.targets.is_empty() {
        TARGETS.to_vec()
    } else {
        args.targets.iter().map(String::as_str).collect()
    };
    if let Some(unknown) = targets.iter().find(|t| !TARGETS.contains(t)) {
        bail!("no fuzz target {unknown:?}; the targets are {TARGETS:?}");
    }
    let mut total_crashes = 0;
    for target in targets {
        let figures = fuzz(&fuzz_dir, target, args.seconds)?;
        println!(
            "{target}: {} executions in {} s, {} crashes",
            figures.executions,
            figures.seconds,
            figures.crashes.len()
        );
        for crash in &figures.crashes {
            println!(
                "  reproduce: cargo +nightly fuzz run -O {target} {}",
                crash.display()
            );
        }
        total_crashes += figures.crashes.len();
    }
    if total_crashes > 0 {
        bail!("{total_crashes} crashes");
    }
    Ok(())
}

/// Runs one target for `seconds` on its corpus (`fuzz/corpus/<target>`, seeds committed).
fn fuzz(fuzz_dir: &Path, target: &str, seconds: u64) -> anyhow::Result<Figures> {
    let artifacts = fuzz_dir.join("artifacts").join(target);
    let before = crash_files(&artifacts);
    let started = std::time::Instant::now();
    // `cargo` from `PATH`, the rustup proxy: `+nightly` picks another toolchain than the
    // one running this command.
    let output = Command::new("cargo")
        .current_dir(fuzz_dir)
        // The fuzz workspace builds into `fuzz/target`, apart from the stable builds.
        .env_remove("CARGO_TARGET_DIR")
        // `-O`: optimised, without debug assertions (the form `cargo fuzz build -O` leaves).
        .args(["+nightly", "fuzz", "run", "-O", target, "--"])
        .arg(format!("-max_total_time={seconds}"))
        .arg("-print_final_stats=1")
        .output()
        .with_context(|| format!("running cargo fuzz for {target} (is cargo-fuzz installed?)"))?;
    let log = String::from_utf8_lossy(&output.stderr);
    let seconds = started.elapsed().as_secs();
    let crashes: Vec<PathBuf> = crash_files(&artifacts)
        .into_iter()
        .filter(|file| !before.contains(file))
        .collect();
    let executions = log
        .lines()
        .find_map(|line| line.strip_prefix("stat::number_of_executed_units:"))
        .and_then(|n| n.trim().parse().ok());
    match executions {
        Some(executions) => Ok(Figures {
            executions,
            seconds,
            crashes,
        }),
        None if !crashes.is_empty() => Ok(Figures {
            executions: 0,
            seconds,
            crashes,
        }),
        None => bail!("{target}: libFuzzer printed no statistics:\n{log}"),
    }
}

/// The crash, timeout and out-of-memory inputs libFuzzer saved for a target.
fn crash_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| {
                    ["crash-", "timeout-", "oom-", "leak-"]
                        .iter()
                        .any(|p| name.starts_with(p))
                })
        })
        .collect()
}
