//! Running `wrk` and reading its report.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, bail};

/// What one `wrk` run reported.
pub(super) struct WrkResult {
    pub(super) requests_per_sec: f64,
    /// Requests completed in the run.
    pub(super) requests: u64,
    pub(super) p50: String,
    pub(super) p99: String,
    pub(super) non_2xx: u64,
    pub(super) errors: u64,
}

pub(super) fn wrk(
    addr: SocketAddr,
    script: &Path,
    threads: u32,
    connections: u32,
    seconds: u64,
    timeout_secs: u64,
) -> anyhow::Result<WrkResult> {
    let output = Command::new("wrk")
        .args([
            "-t",
            &threads.to_string(),
            "-c",
            &connections.max(threads).to_string(),
            "-d",
            &format!("{seconds}s"),
            "--timeout",
            &format!("{timeout_secs}s"),
            "--latency",
            "-s",
        ])
        .arg(script)
        .arg(format!("http://{addr}"))
        .output()
        .context("running wrk")?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        bail!(
            "wrk failed: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let field = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(prefix))
            .map(|rest| rest.trim().to_owned())
    };
    let requests_per_sec = field("Requests/sec:")
        .context("wrk printed no Requests/sec")?
        .parse()?;
    let non_2xx = field("Non-2xx or 3xx responses:").map_or(Ok(0), |n| n.parse())?;
    let errors = field("Socket errors:").map_or(0, |s| {
        s.split(',')
            .filter_map(|part| part.split_whitespace().nth(1)?.parse::<u64>().ok())
            .sum()
    });
    // "  365905 requests in 5.00s, 142.13MB read"
    let requests = text
        .lines()
        .find_map(|l| l.trim().split_once(" requests in ").map(|(n, _)| n))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    Ok(WrkResult {
        requests_per_sec,
        requests,
        p50: field("50%").unwrap_or_default(),
        p99: field("99%").unwrap_or_default(),
        non_2xx,
        errors,
    })
}

pub(super) fn check_wrk() -> anyhow::Result<()> {
    match Command::new("wrk").arg("--version").output() {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!(
                "`wrk` is not installed; install it with `apt-get install -y wrk` (or your package manager)"
            )
        }
        Err(e) => Err(e).context("running wrk"),
    }
}
