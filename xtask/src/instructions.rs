//! `cargo xtask bench --instructions`: instruction counts under callgrind.
//!
//! Wall-clock figures on a shared machine swing with whatever else runs; instruction
//! counts do not. Each crate's `benches/instructions.rs` repeats one case inside a function
//! named `measured`; callgrind starts with collection off and counts only inside that
//! function, so setup (building the simulator, signing the requests) is left out. The
//! figure is the count divided by the iterations.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context as _, bail};

/// One measured case: the crate whose `instructions` bench runs it, its name there, how
/// many times it repeats, and what the report calls it.
struct Case {
    package: &'static str,
    name: &'static str,
    iterations: u64,
    label: &'static str,
}

const CASES: [Case; 7] = [
    Case {
        package: "bce-auth",
        name: "floor",
        iterations: 1000,
        label: "floor: two HMAC-SHA256 steps",
    },
    Case {
        package: "bce-auth",
        name: "sign",
        iterations: 1000,
        label: "sign: PUT /v2/keypair/k-abc123?attach",
    },
    Case {
        package: "bce-auth",
        name: "verify",
        iterations: 1000,
        label: "verify: the same request",
    },
    Case {
        package: "bce-auth",
        name: "verify_cached",
        iterations: 1000,
        label: "verify_cached: the same request, key reused",
    },
    Case {
        package: "bcc-keypair-sim",
        name: "get",
        iterations: 1000,
        label: "Simulator::handle: signed GET /v2/keypair/{id}",
    },
    Case {
        package: "bcc-keypair-sim",
        name: "create",
        iterations: 200,
        label: "Simulator::handle: create, fixed keys",
    },
    Case {
        package: "bcc-keypair-sim",
        name: "list_1000",
        iterations: 10,
        label: "Simulator::handle: list of 1,000 key pairs",
    },
];

/// Builds the instruction benches, counts every case and prints a Markdown table. With a
/// `baseline` (a table this command printed earlier), adds the change against it.
pub(crate) fn run(baseline: Option<&Path>) -> anyhow::Result<()> {
    ensure_valgrind()?;
    let binaries = build()?;
    let baseline = baseline
        .map(|path| {
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
        })
        .transpose()?;
    let mut report = String::new();
    match baseline {
        Some(_) => {
            writeln!(report, "| case | instructions | baseline | change |")?;
            writeln!(report, "|---|---:|---:|---:|")?;
        }
        None => {
            writeln!(report, "| case | instructions |")?;
            writeln!(report, "|---|---:|")?;
        }
    }
    for case in &CASES {
        let binary = binaries
            .iter()
            .find(|(package, _)| package == case.package)
            .map(|(_, path)| path)
            .with_context(|| format!("no instructions bench built for {}", case.package))?;
        let count = count(binary, case)?;
        eprintln!("{}: {count} instructions", case.label);
        match baseline
            .as_deref()
            .and_then(|b| baseline_count(b, case.label))
        {
            Some(before) => writeln!(
                report,
                "| {} | {} | {} | {:+.1} % |",
                case.label,
                thousands(count),
                thousands(before),
                100.0 * (count as f64 - before as f64) / before as f64
            )?,
            None if baseline.is_some() => {
                writeln!(report, "| {} | {} | – | – |", case.label, thousands(count))?
            }
            None => writeln!(report, "| {} | {} |", case.label, thousands(count))?,
        }
    }
    println!("\n{report}");
    Ok(())
}

fn ensure_valgrind() -> anyhow::Result<()> {
    if Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return Ok(());
    }
    eprintln!("valgrind is missing: installing it with `apt-get install -y valgrind`");
    let installed = Command::new("apt-get")
        .args(["install", "-y", "valgrind"])
        .status()
        .is_ok_and(|s| s.success())
        || (Command::new("apt-get")
            .arg("update")
            .status()
            .is_ok_and(|s| s.success())
            && Command::new("apt-get")
                .args(["install", "-y", "valgrind"])
                .status()
                .is_ok_and(|s| s.success()));
    if !installed {
        bail!("valgrind is not installed and apt-get could not install it; install valgrind");
    }
    Ok(())
}

/// Builds both crates' `instructions` benches (release profile) and returns each package's
/// executable.
fn build() -> anyhow::Result<Vec<(String, PathBuf)>> {
    let output = crate::workspace::cargo()
        .args([
            "bench",
            "--no-run",
            "--message-format=json",
            "-p",
            "bce-auth",
            "-p",
            "bcc-keypair-sim",
            "--bench",
            "instructions",
        ])
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo bench --no-run")?;
    if !output.status.success() {
        bail!("building the instruction benches failed");
    }
    let mut binaries = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-artifact" || message["target"]["name"] != "instructions" {
            continue;
        }
        let (Some(id), Some(executable)) = (
            message["package_id"].as_str(),
            message["executable"].as_str(),
        ) else {
            continue;
        };
        let package = CASES
            .iter()
            .map(|c| c.package)
            .find(|p| id.contains(&format!("/{p}#")) || id.contains(&format!("{p} ")))
            .with_context(|| format!("unexpected package {id}"))?;
        binaries.push((package.to_owned(), PathBuf::from(executable)));
    }
    Ok(binaries)
}

/// Instructions per iteration of one case, counted by callgrind inside `measured`.
fn count(binary: &Path, case: &Case) -> anyhow::Result<u64> {
    let output = Command::new("valgrind")
        .args([
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            "--collect-atstart=no",
            "--toggle-collect=*measured*",
        ])
        .arg(binary)
        .args([case.name, &case.iterations.to_string()])
        .output()
        .context("running valgrind")?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        bail!(
            "{} {} failed under callgrind:\n{stderr}",
            case.package,
            case.name
        );
    }
    let collected = stderr
        .lines()
        .find_map(|line| line.split_once("Collected :").map(|(_, n)| n.trim()))
        .with_context(|| format!("no `Collected :` line from callgrind:\n{stderr}"))?;
    let total: u64 = collected
        .parse()
        .with_context(|| format!("callgrind's count {collected:?}"))?;
    if total == 0 {
        bail!(
            "callgrind counted nothing inside `measured` for {}",
            case.name
        );
    }
    Ok((total + case.iterations / 2) / case.iterations)
}

/// The count of `label` in a table printed earlier by this command.
fn baseline_count(table: &str, label: &str) -> Option<u64> {
    table.lines().find_map(|line| {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        (cells.get(1) == Some(&label))
            .then(|| cells.get(2)?.replace(',', "").parse().ok())
            .flatten()
    })
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
