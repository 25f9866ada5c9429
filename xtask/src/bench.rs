//! `cargo xtask bench`: load benchmarks of the simulator binary with `wrk`.
//!
//! Builds the release binary and the bare hyper baseline (`examples/bare_hyper.rs`), runs
//! both on loopback and drives them with `wrk` over keep-alive connections:
//!
//! 1. signed `GET /v2/keypair/{id}` against the simulator, and the same bytes from the bare
//!    server, in the same run, reporting requests per second and their ratio;
//! 2. create with real RSA-2048 keys: the burst rate (pool-size creates fired at once with
//!    the pool full) and the sustained rate (`wrk` posting creates for a while).
//!
//! `wrk` cannot sign requests, so the Lua scripts carry an `Authorization` header signed
//! once, up front, with a long expiration (the signature does not cover anything that
//! changes between requests).

use std::fmt::Write as _;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use bce_auth::{Credentials, SignableRequest, SigningSettings};
use chrono::{DateTime, Utc};

mod wrk;

use wrk::{WrkResult, check_wrk, wrk};

use crate::workspace;

const ACCESS_KEY: &str = "bench-access-key";
const SECRET_KEY: &str = "bench-secret-key";

/// Arguments of `cargo xtask bench`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Seconds each `wrk` measurement of GET runs.
    #[arg(long, default_value_t = 3)]
    duration: u64,
    /// GET rounds; each round measures the simulator, then the bare server. Reported: the
    /// best round of each, and the median over rounds of simulator ÷ bare within a round
    /// (a burst of unrelated load on the machine then decides neither figure).
    #[arg(long, default_value_t = 8)]
    rounds: u32,
    /// Open keep-alive connections of the GET measurements.
    #[arg(long, default_value_t = 64)]
    connections: u32,
    /// `wrk` threads of the GET measurements. Default: the cores the servers leave free
    /// (one per core), or every core when the servers have a worker per core.
    #[arg(long)]
    threads: Option<u32>,
    /// Seconds the sustained create measurement runs.
    #[arg(long, default_value_t = 10)]
    create_duration: u64,
    /// Keys the simulator keeps ready (also the burst size).
    #[arg(long, default_value_t = 8)]
    pool_size: usize,
    /// Skip `cargo build --release` (use binaries already built).
    #[arg(long)]
    no_build: bool,
    /// Count instructions under callgrind instead of measuring throughput with `wrk`:
    /// signing, verifying and `Simulator::handle`, the same on any machine load.
    #[arg(long)]
    instructions: bool,
    /// With `--instructions`: a table printed by an earlier run, to compare against.
    #[arg(long, requires = "instructions")]
    baseline: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    if args.instructions {
        return crate::instructions::run(args.baseline.as_deref());
    }
    check_wrk()?;
    if !args.no_build {
        let status = workspace::cargo()
            .args([
                "build",
                "--release",
                "-p",
                "bcc-keypair-sim",
                "--bin",
                "bcc-keypair-sim",
                "--example",
                "bare_hyper",
            ])
            .status()
            .context("running cargo build")?;
        if !status.success() {
            bail!("cargo build --release failed");
        }
    }
    let release = workspace::target_dir()?.join("release");
    let work = std::env::temp_dir().join(format!("bcc-keypair-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let result = measure(&args, &release, &work);
    let _ = std::fs::remove_dir_all(&work);
    let report = result?;
    println!("\n{report}");
    Ok(())
}

/// GET figures of one server configuration.
struct GetFigures {
    workers: usize,
    sim: WrkResult,
    bare: WrkResult,
    /// Server CPU time (user + system) per request, µs, lowest over the rounds; `None`
    /// where `/proc` is not available.
    sim_cpu: Option<f64>,
    bare_cpu: Option<f64>,
    /// Simulator ÷ bare requests/s of each round (the two ran back to back).
    round_ratios: Vec<f64>,
}

fn measure(args: &Args, release: &Path, work: &Path) -> anyhow::Result<String> {
    let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let mut configurations = vec![cpus];
    if cpus > 1 {
        // One worker leaves the other core(s) to wrk, so the servers do not compete with
        // the load generator for CPU (both servers get the same setting).
        configurations.insert(0, 1);
    }
    let mut figures = Vec::new();
    for &workers in &configurations {
        figures.push(measure_get(args, release, work, workers)?);
    }
    let create = measure_create(args, release, work)?;
    let mut report = String::new();
    write_table(&mut report, &figures, &create.sustained, cpus)?;
    write_ratios(&mut report, &figures, args.rounds.max(1))?;
    write_create_and_latency(&mut report, &figures, &create)?;
    Ok(report)
}

/// The Markdown table of throughput and latency.
fn write_table(
    report: &mut String,
    figures: &[GetFigures],
    sustained: &WrkResult,
    cpus: usize,
) -> anyhow::Result<()> {
    writeln!(
        report,
        "| measurement | worker threads | requests/s | p50 latency | p99 latency | non-2xx |"
    )?;
    writeln!(report, "|---|---:|---:|---:|---:|---:|")?;
    for f in figures {
        for (name, r) in [
            ("simulator, signed GET /v2/keypair/{id}", &f.sim),
            ("bare hyper, same bytes", &f.bare),
        ] {
            writeln!(
                report,
                "| {name} | {} | {:.0} | {} | {} | {} |",
                f.workers, r.requests_per_sec, r.p50, r.p99, r.non_2xx
            )?;
        }
    }
    writeln!(
        report,
        "| simulator, create (sustained, RSA-2048) | {cpus} | {:.1} | {} | {} | {} |",
        sustained.requests_per_sec, sustained.p50, sustained.p99, sustained.non_2xx
    )?;
    writeln!(report)?;
    Ok(())
}

/// Simulator ÷ bare figures of each configuration.
fn write_ratios(report: &mut String, figures: &[GetFigures], rounds: u32) -> anyhow::Result<()> {
    for f in figures {
        writeln!(
            report,
            "GET ratio simulator / bare hyper, {} worker thread(s), best of {} rounds each: {:.1}%",
            f.workers,
            rounds,
            100.0 * f.sim.requests_per_sec / f.bare.requests_per_sec
        )?;
        if let Some(median) = median(&f.round_ratios) {
            writeln!(
                report,
                "  median over the rounds of simulator ÷ bare within a round: {:.1}% (rounds: {})",
                100.0 * median,
                f.round_ratios
                    .iter()
                    .map(|r| format!("{:.0}%", 100.0 * r))
                    .collect::<Vec<_>>()
                    .join(" ")
            )?;
        }
        if let (Some(sim_cpu), Some(bare_cpu)) = (f.sim_cpu, f.bare_cpu) {
            // CPU per request is less sensitive than requests/s to other load on the
            // machine: bare ÷ simulator is the throughput ratio CPU-bound servers would have.
            writeln!(
                report,
                "  server CPU per request, {} worker thread(s), lowest of the rounds: simulator {:.1} µs, bare {:.1} µs (bare ÷ simulator {:.1}%)",
                f.workers,
                sim_cpu,
                bare_cpu,
                100.0 * bare_cpu / sim_cpu
            )?;
        }
    }
    Ok(())
}

/// Create rates, GET latency alone and during creates, start-up, and any failures.
fn write_create_and_latency(
    report: &mut String,
    figures: &[GetFigures],
    create: &CreateFigures,
) -> anyhow::Result<()> {
    let (burst, sustained) = (create.burst, &create.sustained);
    writeln!(
        report,
        "create burst: {} creates in {:.1} ms = {:.0} creates/s (pool full); sustained: {:.1} creates/s",
        burst.0,
        burst.1.as_secs_f64() * 1000.0,
        burst.0 as f64 / burst.1.as_secs_f64(),
        sustained.requests_per_sec
    )?;
    for f in figures {
        for (name, r) in [("GET simulator", &f.sim), ("GET bare", &f.bare)] {
            warn_if_failed(report, name, r)?;
        }
    }
    writeln!(
        report,
        "GET on one connection, alone: p50 {} p99 {} ({:.0} requests/s); while creates run: p50 {} p99 {} ({:.0} requests/s)",
        create.get_alone.p50,
        create.get_alone.p99,
        create.get_alone.requests_per_sec,
        create.get_during_creates.p50,
        create.get_during_creates.p99,
        create.get_during_creates.requests_per_sec
    )?;
    writeln!(
        report,
        "simulator start-up (spawn to `listening on`): {:.1} ms",
        create.ready_after.as_secs_f64() * 1000.0
    )?;
    warn_if_failed(report, "create", sustained)?;
    warn_if_failed(report, "GET alone", &create.get_alone)?;
    warn_if_failed(report, "GET while creates run", &create.get_during_creates)?;
    Ok(())
}

fn warn_if_failed(report: &mut String, name: &str, r: &WrkResult) -> anyhow::Result<()> {
    if r.non_2xx > 0 || r.errors > 0 {
        writeln!(
            report,
            "WARNING ({name}): {} non-2xx answers, {} socket errors",
            r.non_2xx, r.errors
        )?;
    }
    Ok(())
}

fn start_simulator(args: &Args, release: &Path, workers: Option<usize>) -> anyhow::Result<Server> {
    let pool_size = args.pool_size.to_string();
    let workers = workers.map(|w| w.to_string());
    let mut sim_args = vec![
        "--listen",
        "127.0.0.1:0",
        "--access-key",
        ACCESS_KEY,
        "--secret-key",
        SECRET_KEY,
        "--quota",
        "100000000",
        "--key-pool-size",
        &pool_size,
    ];
    if let Some(workers) = &workers {
        sim_args.extend(["--workers", workers.as_str()]);
    }
    let sim = Server::start(&release.join("bcc-keypair-sim"), &sim_args)?;
    // Key generation threads must be idle (pool full) before measuring.
    println!("waiting for {} ready keys…", args.pool_size);
    sim.wait_for_keys(args.pool_size, Duration::from_secs(120))?;
    Ok(sim)
}

/// Signed GET of one key pair, simulator and bare server alternating, best round of each.
/// Starts the simulator with one key pair and the bare server answering that key pair's
/// bytes; returns both, the key pair's path and the signing time.
fn start_get_servers(
    args: &Args,
    release: &Path,
    work: &Path,
    workers: usize,
) -> anyhow::Result<(Server, Server, String, DateTime<Utc>)> {
    let sim = start_simulator(args, release, Some(workers))?;
    let now = wall_clock();
    let created = sim.signed(now, "POST", "/v2/keypair", br#"{"name":"bench"}"#)?;
    let id = serde_json::from_slice::<serde_json::Value>(&created.1)?["keypair"]["keypairId"]
        .as_str()
        .context("create answered without keypairId")?
        .to_owned();
    let path = format!("/v2/keypair/{id}");
    let (status, body) = sim.signed(now, "GET", &path, b"")?;
    if status != 200 {
        bail!("GET {path} answered {status}");
    }
    let body_file = work.join("get-body.json");
    std::fs::write(&body_file, &body)?;
    let bare = Server::start(
        &release.join("examples").join("bare_hyper"),
        &[
            "--listen",
            "127.0.0.1:0",
            "--workers",
            &workers.to_string(),
            "--body-file",
            body_file.to_str().context("path")?,
        ],
    )?;
    Ok((sim, bare, path, now))
}

fn measure_get(
    args: &Args,
    release: &Path,
    work: &Path,
    workers: usize,
) -> anyhow::Result<GetFigures> {
    let (sim, bare, path, now) = start_get_servers(args, release, work, workers)?;
    sim.wait_for_keys(args.pool_size, Duration::from_secs(120))?;
    let get_script = work.join("get.lua");
    std::fs::write(&get_script, sim.lua("GET", &path, None, now)?)?;
    let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let wrk_threads = args.threads.unwrap_or_else(|| {
        let free = cpus.saturating_sub(workers);
        u32::try_from(if free > 0 { free } else { cpus }).unwrap_or(1)
    });
    let wrk_get = |server: &Server, seconds: u64| {
        wrk(
            server.addr,
            &get_script,
            wrk_threads,
            args.connections,
            seconds,
            2,
        )
    };
    println!("warming up ({workers} worker thread(s))…");
    wrk_get(&sim, 2)?;
    wrk_get(&bare, 2)?;
    let mut sim_get: Option<WrkResult> = None;
    let mut bare_get: Option<WrkResult> = None;
    let (mut sim_cpu, mut bare_cpu) = (None, None);
    let mut round_ratios = Vec::new();
    for round in 1..=args.rounds.max(1) {
        println!(
            "round {round}, {workers} worker thread(s): signed GET {path} ({}s each, {} connections, {wrk_threads} wrk thread(s))…",
            args.duration, args.connections
        );
        let (s, s_cpu) = sim.measured(|| wrk_get(&sim, args.duration))?;
        let (b, b_cpu) = bare.measured(|| wrk_get(&bare, args.duration))?;
        println!(
            "  simulator {:.0}/s ({}), bare {:.0}/s ({})",
            s.requests_per_sec,
            cpu_text(s_cpu),
            b.requests_per_sec,
            cpu_text(b_cpu)
        );
        if b.requests_per_sec > 0.0 {
            round_ratios.push(s.requests_per_sec / b.requests_per_sec);
        }
        sim_cpu = lowest(sim_cpu, s_cpu);
        bare_cpu = lowest(bare_cpu, b_cpu);
        sim_get = Some(best(sim_get, s));
        bare_get = Some(best(bare_get, b));
    }
    Ok(GetFigures {
        workers,
        sim: sim_get.context("no GET round")?,
        bare: bare_get.context("no GET round")?,
        sim_cpu,
        bare_cpu,
        round_ratios,
    })
}

/// Create figures: the burst, the sustained rate, and GET latency alone and while creates
/// keep the key generators busy.
struct CreateFigures {
    /// Start-up time of the simulator binary (spawn to `listening on`).
    ready_after: Duration,
    burst: (usize, Duration),
    sustained: WrkResult,
    get_alone: WrkResult,
    get_during_creates: WrkResult,
}

/// Creates with real RSA-2048 keys: a burst of pool-size creates with the pool full, then
/// `wrk` posting creates (sustained rate = key generation rate); then GET latency on one
/// connection, alone and while creates run, to show key generation stays off the runtime.
fn measure_create(args: &Args, release: &Path, work: &Path) -> anyhow::Result<CreateFigures> {
    let sim = start_simulator(args, release, None)?;
    let now = wall_clock();
    let created = sim.signed(now, "POST", "/v2/keypair", br#"{"name":"probe"}"#)?;
    let id = serde_json::from_slice::<serde_json::Value>(&created.1)?["keypair"]["keypairId"]
        .as_str()
        .context("create answered without keypairId")?
        .to_owned();
    let get_script = work.join("probe-get.lua");
    std::fs::write(
        &get_script,
        sim.lua("GET", &format!("/v2/keypair/{id}"), None, now)?,
    )?;
    sim.wait_for_keys(args.pool_size, Duration::from_secs(120))?;
    let burst = burst_creates(&sim, args.pool_size, now)?;
    println!("measuring sustained create ({}s)…", args.create_duration);
    let create_script = work.join("create.lua");
    std::fs::write(
        &create_script,
        sim.lua("POST", "/v2/keypair", Some(r#"{"name":"bench"}"#), now)?,
    )?;
    // Creates wait for key generation once the pool is empty: allow long answers.
    let sustained = wrk(sim.addr, &create_script, 1, 8, args.create_duration, 30)?;

    println!("measuring GET latency alone, then while creates run…");
    sim.wait_for_keys(args.pool_size, Duration::from_secs(120))?;
    let probe_seconds = args.create_duration.min(5);
    let get_alone = wrk(sim.addr, &get_script, 1, 1, probe_seconds, 2)?;
    let get_during_creates = std::thread::scope(|scope| {
        let creates = scope.spawn(|| wrk(sim.addr, &create_script, 1, 8, probe_seconds + 2, 30));
        // Start once the pool has run dry, so every create waits for a generator.
        std::thread::sleep(Duration::from_secs(1));
        let get = wrk(sim.addr, &get_script, 1, 1, probe_seconds, 2);
        let _ = creates.join();
        get
    })?;
    Ok(CreateFigures {
        ready_after: sim.ready_after,
        burst,
        sustained,
        get_alone,
        get_during_creates,
    })
}

/// The benchmark signs with the wall clock, as any client of a running server does.
#[allow(clippy::disallowed_methods)] // xtask is an edge: it talks to a live server
fn wall_clock() -> DateTime<Utc> {
    Utc::now()
}

/// A child process that printed `listening on http://ADDR`; killed on drop.
struct Server {
    child: Child,
    addr: SocketAddr,
    /// From spawning the process to reading its `listening on` line (it accepts then).
    ready_after: Duration,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(binary: &Path, args: &[&str]) -> anyhow::Result<Self> {
        let spawned = Instant::now();
        let mut child = Command::new(binary)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().context("stdout")?).read_line(&mut line)?;
        let addr = line
            .trim_end()
            .strip_prefix("listening on http://")
            .with_context(|| format!("unexpected first line {line:?}"))?
            .parse()?;
        Ok(Self {
            child,
            addr,
            ready_after: spawned.elapsed(),
        })
    }

    /// CPU time (user + system, all threads) the process has used so far, from
    /// `/proc/PID/stat`; `None` where there is no `/proc`.
    fn cpu_time(&self) -> Option<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        // Fields after the parenthesised command name; utime and stime are fields 14
        // and 15 of the whole line, in clock ticks (USER_HZ, 100 on Linux).
        let rest = stat.rsplit_once(')')?.1;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        Some(Duration::from_millis(ticks * 10))
    }

    /// Runs a `wrk` measurement against this server and also returns the server's CPU
    /// time per completed request, in µs.
    fn measured(
        &self,
        run: impl FnOnce() -> anyhow::Result<WrkResult>,
    ) -> anyhow::Result<(WrkResult, Option<f64>)> {
        let before = self.cpu_time();
        let result = run()?;
        let per_request = before
            .zip(self.cpu_time())
            .filter(|_| result.requests > 0)
            .map(|(before, after)| (after - before).as_secs_f64() * 1e6 / result.requests as f64);
        Ok((result, per_request))
    }

    fn sign(
        &self,
        now: DateTime<Utc>,
        method: &str,
        path: &str,
    ) -> anyhow::Result<(String, Vec<(String, String)>)> {
        let host = self.addr.to_string();
        let headers = [("host", host.as_str())];
        let settings = SigningSettings {
            // wrk replays the same signature for the whole run.
            expiration_secs: 3600,
            ..SigningSettings::default()
        };
        let signed = bce_auth::sign(
            &SignableRequest {
                method,
                path,
                query: &[],
                headers: &headers,
            },
            &Credentials::new(ACCESS_KEY, SECRET_KEY),
            now,
            &settings,
        )?;
        let mut out = vec![("Host".to_owned(), host)];
        out.extend(
            signed
                .headers()
                .iter()
                .map(|(name, value)| ((*name).to_owned(), value.clone())),
        );
        out.push((
            "Authorization".to_owned(),
            signed.authorization().to_owned(),
        ));
        Ok((signed.authorization().to_owned(), out))
    }

    /// One signed request over a fresh connection: (status, body).
    fn signed(
        &self,
        now: DateTime<Utc>,
        method: &str,
        path: &str,
        body: &[u8],
    ) -> anyhow::Result<(u16, Vec<u8>)> {
        exchange(self.addr, &self.signed_bytes(now, method, path, body)?)
    }

    /// One signed HTTP/1.1 request, ready to write to a socket (`Connection: close`).
    fn signed_bytes(
        &self,
        now: DateTime<Utc>,
        method: &str,
        path: &str,
        body: &[u8],
    ) -> anyhow::Result<Vec<u8>> {
        let (_, headers) = self.sign(now, method, path)?;
        let mut request = format!("{method} {path} HTTP/1.1\r\n");
        for (name, value) in &headers {
            write!(request, "{name}: {value}\r\n")?;
        }
        write!(
            request,
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )?;
        let mut bytes = request.into_bytes();
        bytes.extend_from_slice(body);
        Ok(bytes)
    }

    /// A wrk script sending one fixed signed request.
    fn lua(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<String> {
        let (_, headers) = self.sign(now, method, path)?;
        let mut script = format!("wrk.method = {method:?}\nwrk.path = {path:?}\n");
        for (name, value) in headers {
            writeln!(script, "wrk.headers[{name:?}] = {value:?}")?;
        }
        if let Some(body) = body {
            writeln!(script, "wrk.body = {body:?}")?;
        }
        Ok(script)
    }

    fn wait_for_keys(&self, wanted: usize, limit: Duration) -> anyhow::Result<()> {
        let deadline = Instant::now() + limit;
        loop {
            let (_, body) = exchange(
                self.addr,
                b"GET /__sim/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            )?;
            let health: serde_json::Value = serde_json::from_slice(&body)?;
            if health["keysReady"].as_u64().unwrap_or(0) >= wanted as u64 {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("the key pool did not fill up: {health}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn exchange(addr: SocketAddr, request: &[u8]) -> anyhow::Result<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.write_all(request)?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .context("response without end of headers")?;
    let head = std::str::from_utf8(&answer[..split])?;
    let status = head.split(' ').nth(1).context("status line")?.parse()?;
    Ok((status, answer[split + 4..].to_vec()))
}

/// `n` creates started together on separate connections: (count, wall time).
fn burst_creates(sim: &Server, n: usize, now: DateTime<Utc>) -> anyhow::Result<(usize, Duration)> {
    let barrier = Arc::new(Barrier::new(n + 1));
    let mut prepared = Vec::new();
    for _ in 0..n {
        prepared.push(sim.signed_bytes(now, "POST", "/v2/keypair", br#"{"name":"burst"}"#)?);
    }
    let addr = sim.addr;
    let handles: Vec<_> = prepared
        .into_iter()
        .map(|bytes| {
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                let started = Instant::now();
                exchange(addr, &bytes).map(|answer| (started, Instant::now(), answer))
            })
        })
        .collect();
    barrier.wait();
    // Each thread times itself: the burst lasts from the first send to the last answer.
    let mut first: Option<Instant> = None;
    let mut last: Option<Instant> = None;
    for handle in handles {
        let (started, finished, (status, body)) = handle
            .join()
            .map_err(|_| anyhow::anyhow!("burst thread panicked"))??;
        first = Some(first.map_or(started, |f| f.min(started)));
        last = Some(last.map_or(finished, |l| l.max(finished)));
        if status != 200 {
            bail!(
                "burst create answered {status}: {}",
                String::from_utf8_lossy(&body)
            );
        }
    }
    let (first, last) = first.zip(last).context("empty burst")?;
    Ok((n, last - first))
}

fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[middle]),
        _ => Some((sorted[middle - 1] + sorted[middle]) / 2.0),
    }
}

fn lowest(previous: Option<f64>, next: Option<f64>) -> Option<f64> {
    match (previous, next) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn cpu_text(micros: Option<f64>) -> String {
    micros.map_or_else(
        || "CPU per request unknown".to_owned(),
        |us| format!("{us:.1} µs CPU per request"),
    )
}

fn best(previous: Option<WrkResult>, next: WrkResult) -> WrkResult {
    match previous {
        Some(previous) if previous.requests_per_sec >= next.requests_per_sec => previous,
        _ => next,
    }
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn median_of_odd_even_and_empty_lists() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[0.7]), Some(0.7));
        assert_eq!(median(&[0.9, 0.6, 0.7]), Some(0.7));
        assert_eq!(median(&[0.9, 0.6, 0.7, 0.8]), Some(0.75));
    }
}
