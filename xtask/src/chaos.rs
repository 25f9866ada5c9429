//! `cargo xtask chaos`: the simulator's chaos tests (`crates/bcc-keypair-sim/tests/sim/
//! chaos.rs`) with full rounds: 50 `kill -9` cycles with acknowledged-write checking, the
//! half-open-connection flood under a 256-descriptor limit, and the 16-client races.
//!
//! The tests read their round counts from the environment, so `cargo test` runs a few
//! rounds of each and this command runs many; one implementation serves both. Each
//! scenario has a time limit; the command prints every scenario's `N passed, M failed` and
//! the sum.

use std::io::{BufRead as _, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// `kill -9` cycles, each with writes in flight.
    #[arg(long, default_value_t = 50)]
    kill_cycles: usize,
    /// Rounds of the flood: 300 silent connections under `ulimit -n 256`.
    #[arg(long, default_value_t = 5)]
    flood_rounds: usize,
    /// Rounds of the 16-client races (quota, duplicate key, client token, delete).
    #[arg(long, default_value_t = 20)]
    race_rounds: usize,
    /// Time limit of each scenario, in seconds.
    #[arg(long, default_value_t = 600)]
    limit_secs: u64,
}

/// The chaos tests, by name in the `sim` test binary.
const SCENARIOS: &[&str] = &[
    "chaos::kill_9_while_writing_loses_no_acknowledged_write",
    "chaos::a_flood_of_silent_connections_under_a_descriptor_limit_does_not_lock_out_clients",
    "chaos::sixteen_racing_clients_break_no_invariant",
];

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    build()?;
    let (mut passed, mut failed) = (0, 0);
    for scenario in SCENARIOS {
        let (p, f) = scenario_run(&args, scenario)?;
        passed += p;
        failed += f;
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        bail!("{failed} chaos rounds failed");
    }
    Ok(())
}

/// Builds the test binary and the simulator first, so that build time does not count
/// against a scenario's time limit.
fn build() -> anyhow::Result<()> {
    let status = crate::workspace::cargo()
        .args(["test", "-p", "bcc-keypair-sim", "--test", "sim", "--no-run"])
        .status()
        .context("building the simulator's tests")?;
    if !status.success() {
        bail!("building the simulator's tests failed");
    }
    Ok(())
}

/// Runs one scenario with the full round counts and returns its (passed, failed) rounds.
fn scenario_run(args: &Args, scenario: &str) -> anyhow::Result<(usize, usize)> {
    let mut child = crate::workspace::cargo()
        .args([
            "test",
            "-q",
            "-p",
            "bcc-keypair-sim",
            "--test",
            "sim",
            scenario,
        ])
        .args(["--", "--exact", "--nocapture", "--test-threads=1"])
        .env("BCC_CHAOS_KILL_CYCLES", args.kill_cycles.to_string())
        .env("BCC_CHAOS_FLOOD_ROUNDS", args.flood_rounds.to_string())
        .env("BCC_CHAOS_RACE_ROUNDS", args.race_rounds.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("running cargo test")?;
    let stdout = child.stdout.take().context("stdout")?;
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(args.limit_secs);
    let mut tally = None;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match received.recv_timeout(left) {
            Ok(line) if line.starts_with("chaos ") => {
                println!("{line}");
                tally = tally.or_else(|| counts(&line));
            }
            Ok(_) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                let _ = child.wait();
                println!("{scenario}: stopped after {} s", args.limit_secs);
                return Ok((tally.map_or(0, |(p, _)| p), tally.map_or(1, |(_, f)| f + 1)));
            }
        }
    }
    let status = child.wait()?;
    match tally {
        Some(counts) => Ok(counts),
        None => {
            println!("{scenario}: ended ({status}) without a tally");
            Ok((0, 1))
        }
    }
}

/// `(N, M)` from `chaos <name>: N passed, M failed`.
fn counts(line: &str) -> Option<(usize, usize)> {
    let (_, figures) = line.rsplit_once(": ")?;
    let (passed, failed) = figures.split_once(" passed, ")?;
    Some((
        passed.parse().ok()?,
        failed.strip_suffix(" failed")?.parse().ok()?,
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_come_from_the_tally_line() {
        assert_eq!(
            super::counts("chaos kill-9: 50 passed, 0 failed"),
            Some((50, 0))
        );
        assert_eq!(
            super::counts("chaos kill-9: 50 acknowledged writes checked"),
            None
        );
    }
}
