//! `bcc-keypair-sim`: the BCC key-pair API simulator as a command.
//!
//! Prints `listening on http://ADDR` as its first line on stdout once it accepts
//! connections; logs go to stderr (`RUST_LOG`, default `info`), as text or JSON lines
//! (`--log-format`), with one access-log line per API request. Ctrl-C or SIGTERM stop it
//! gracefully.

use std::io::{IsTerminal as _, Write as _};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use bcc_keypair_sim::{
    DEFAULT_CLIENT_TOKEN_TTL, DEFAULT_KEY_POOL_SIZE, DEFAULT_QUOTA, DEFAULT_REGION, DEV_ACCESS_KEY,
    DEV_SECRET_KEY, RecordTime, SessionCredentials, Simulator, server,
};
use chrono::{DateTime, Utc};
use clap::{Parser, ValueEnum};

/// Local simulator of the Baidu AI Cloud BCC key-pair API (`/v2/keypair`), with a control
/// API under `/__sim/` (see the crate README).
#[derive(Debug, Parser)]
#[command(name = "bcc-keypair-sim", version)]
struct Args {
    /// Address to listen on; port 0 picks a free port (the first stdout line shows it).
    #[arg(long, env = "BCC_SIM_LISTEN", default_value = "127.0.0.1:8480")]
    listen: SocketAddr,

    /// Access key id of the first account. Without --access-key and --account, the
    /// development credentials are used: access key `bcc-sim-dev-access-key`, secret key
    /// `bcc-sim-dev-secret-key`.
    #[arg(long, env = "BCC_SIM_ACCESS_KEY", requires = "secret_key")]
    access_key: Option<String>,

    /// Secret access key belonging to --access-key.
    #[arg(
        long,
        env = "BCC_SIM_SECRET_KEY",
        requires = "access_key",
        hide_env_values = true
    )]
    secret_key: Option<String>,

    /// Another account as ACCESS_KEY:SECRET_KEY; repeat for several accounts (or separate
    /// them with commas). Key pairs and instances are kept per account and region.
    #[arg(
        long = "account",
        env = "BCC_SIM_ACCOUNTS",
        value_name = "AK:SK",
        value_parser = parse_account,
        value_delimiter = ',',
        hide_env_values = true
    )]
    accounts: Vec<(String, String)>,

    /// STS session credentials acting for an account, as
    /// AK:SK:TOKEN[:ACCOUNT_AK[:EXPIRES_RFC3339]] (ACCOUNT_AK empty or absent: the first
    /// account); repeat, or separate with commas in the environment variable.
    #[arg(
        long = "session-credentials",
        env = "BCC_SIM_SESSION_CREDENTIALS",
        value_name = "AK:SK:TOKEN[:ACCOUNT_AK[:EXPIRES]]",
        value_parser = parse_session,
        value_delimiter = ',',
        hide_env_values = true
    )]
    sessions: Vec<SessionCredentials>,

    /// How log lines on stderr are written: `text` for people, `json` (one object per line)
    /// for programs.
    #[arg(long, env = "BCC_SIM_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,

    /// Region used when the Host header is not `bcc.{region}.baidubce.com`.
    #[arg(long, env = "BCC_SIM_REGION", default_value = DEFAULT_REGION)]
    region: String,

    /// Key pairs allowed per account and region.
    #[arg(long, env = "BCC_SIM_QUOTA", default_value_t = DEFAULT_QUOTA)]
    quota: usize,

    /// Keep the state in this JSON file (a snapshot, and a change log at PATH.log): loaded
    /// at start; every change is on disk before it is answered, so key pairs and instances
    /// survive a restart or a crash.
    #[arg(long, env = "BCC_SIM_STATE_FILE", value_name = "PATH")]
    state_file: Option<PathBuf>,

    /// Seconds a client token is remembered: a repeat within them gets the first answer,
    /// a repeat after them is a new request.
    #[arg(long, env = "BCC_SIM_CLIENT_TOKEN_TTL", value_name = "SECONDS",
          default_value_t = DEFAULT_CLIENT_TOKEN_TTL.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    client_token_ttl: u64,

    /// RSA-2048 keys kept ready for create requests (generated on background threads).
    #[arg(long, env = "BCC_SIM_KEY_POOL_SIZE", default_value_t = DEFAULT_KEY_POOL_SIZE)]
    key_pool_size: usize,

    /// Threads generating RSA keys (default: number of CPUs).
    #[arg(long, env = "BCC_SIM_KEY_THREADS")]
    key_threads: Option<usize>,

    /// Tokio worker threads serving requests (default: number of CPUs).
    #[arg(long, env = "BCC_SIM_WORKERS")]
    workers: Option<usize>,

    /// Accept requests without checking their signature (development only). The access key
    /// of a well-formed Authorization header still picks its account; anything else is
    /// served as the first account.
    #[arg(long, env = "BCC_SIM_NO_VERIFY")]
    no_verify: bool,

    /// Seconds a new connection may take to send its first request's headers.
    #[arg(long, env = "BCC_SIM_HEADER_READ_TIMEOUT", value_name = "SECONDS", default_value_t = 10.0, value_parser = parse_seconds)]
    header_read_timeout: f64,

    /// Seconds a keep-alive connection may stay idle between requests.
    #[arg(long, env = "BCC_SIM_IDLE_TIMEOUT", value_name = "SECONDS", default_value_t = 60.0, value_parser = parse_seconds)]
    idle_timeout: f64,

    /// Regions a `Host` header may name, comma-separated (default: BCC's public regions);
    /// the default region is always served.
    #[arg(long, env = "BCC_SIM_REGIONS", value_delimiter = ',')]
    regions: Option<Vec<String>>,

    /// Draw key pair ids and request ids from this seed: the same seed and the same requests
    /// in the same order give the same ids (default: random).
    #[arg(long, env = "BCC_SIM_SEED")]
    seed: Option<u64>,

    /// Require this token on every control request (`/__sim/…`), in the
    /// `x-sim-control-token` header or as `Authorization: Bearer <token>`.
    #[arg(long, env = "BCC_SIM_CONTROL_TOKEN", hide_env_values = true)]
    control_token: Option<String>,

    /// Connections open at once; beyond it the longest-idle connection is closed.
    #[arg(long, env = "BCC_SIM_MAX_CONNECTIONS", default_value_t = 1024)]
    max_connections: usize,

    /// Where created key pairs get their RSA-2048 keys: `generated` fresh by background
    /// threads, or `bundled` from the crate's 1,024 pregenerated PUBLIC TEST KEYS (in the
    /// order of --seed; never for real use).
    #[arg(long, env = "BCC_SIM_KEYS", value_enum, default_value_t = Keys::Generated)]
    keys: Keys,

    /// The times the simulator writes (createdTime, journal times): `live` (the clock),
    /// `frozen` (stopped at start), or an RFC 3339 time to stop them at.
    #[arg(long, env = "BCC_SIM_RECORD_TIME", value_name = "live|frozen|RFC3339", default_value = "live", value_parser = parse_record_time)]
    record_time: RecordTime,

    /// Seconds the clock that signatures are judged by runs ahead of the real one (behind
    /// when negative); past 1800, freshly signed requests are RequestExpired.
    #[arg(long, env = "BCC_SIM_SIGNATURE_CLOCK_OFFSET", value_name = "SECONDS", default_value_t = 0, allow_negative_numbers = true, value_parser = clap::value_parser!(i64).range(-MAX_CLOCK_OFFSET_SECS..=MAX_CLOCK_OFFSET_SECS))]
    signature_clock_offset: i64,
}

/// The largest --signature-clock-offset: a century either way stays inside chrono's range.
const MAX_CLOCK_OFFSET_SECS: i64 = 100 * 366 * 86_400;

/// Values of `--keys`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Keys {
    /// Fresh keys from background threads.
    Generated,
    /// The bundled public test keys.
    Bundled,
}

fn parse_record_time(value: &str) -> Result<RecordTime, String> {
    match value {
        "live" => Ok(RecordTime::Live),
        "frozen" => Ok(RecordTime::Frozen),
        _ => chrono::DateTime::parse_from_rfc3339(value)
            .map(|time| RecordTime::FrozenAt(time.with_timezone(&chrono::Utc)))
            .map_err(|e| format!("expected live, frozen or an RFC 3339 time: {e}")),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

fn parse_session(value: &str) -> Result<SessionCredentials, String> {
    // The expiry is last because an RFC 3339 time holds colons itself.
    let mut fields = value.splitn(5, ':');
    let mut next = || fields.next().filter(|field| !field.is_empty());
    let (Some(ak), Some(sk), Some(token)) = (next(), next(), next()) else {
        return Err("expected AK:SK:TOKEN[:ACCOUNT_AK[:EXPIRES_RFC3339]]".to_owned());
    };
    let mut session = SessionCredentials::new(ak, sk, token);
    if let Some(account) = next() {
        session = session.acting_for(account);
    }
    if let Some(expiry) = next() {
        let expiry = DateTime::parse_from_rfc3339(expiry)
            .map_err(|_| format!("expiry {expiry:?} is not an RFC 3339 time"))?;
        session = session.expires_at(expiry.with_timezone(&Utc));
    }
    Ok(session)
}

fn parse_seconds(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(seconds) if seconds > 0.0 && seconds <= 86_400.0 => Ok(seconds),
        _ => Err(format!(
            "expected seconds between 0 and 86400, got {value:?}"
        )),
    }
}

fn parse_account(value: &str) -> Result<(String, String), String> {
    match value.split_once(':') {
        Some((ak, sk)) if !ak.is_empty() && !sk.is_empty() => Ok((ak.to_owned(), sk.to_owned())),
        _ => Err("expected ACCESS_KEY:SECRET_KEY".to_owned()),
    }
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let logs = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        );
    match args.log_format {
        LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).init(),
        // Fields at the top level of each object, beside `timestamp`, `level` and `target`.
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(workers) = args.workers {
        runtime.worker_threads(workers.max(1));
    }
    runtime
        .enable_all()
        .build()
        .context("starting the Tokio runtime")?
        .block_on(run(args))
}

async fn run(args: Args) -> anyhow::Result<()> {
    let mut builder = Simulator::builder()
        .default_region(args.region.clone())
        .quota(args.quota)
        .key_pool_size(args.key_pool_size)
        .client_token_ttl(Duration::from_secs(args.client_token_ttl));
    if let Some(threads) = args.key_threads {
        builder = builder.key_generator_threads(threads);
    }
    if let Some(regions) = &args.regions {
        builder = builder.regions(regions.iter().map(|r| r.trim().to_owned()));
    }
    if let Some(seed) = args.seed {
        builder = builder.seed(seed);
    }
    if args.keys == Keys::Bundled {
        tracing::info!("create hands out the bundled public test keys (--keys bundled)");
        builder = builder.bundled_keys();
    }
    builder = builder
        .record_time(args.record_time)
        .signature_clock_offset(chrono::Duration::seconds(args.signature_clock_offset));
    if let Some(token) = &args.control_token {
        builder = builder.control_token(token);
    }
    if args.no_verify {
        tracing::warn!("signature verification is off (--no-verify)");
        builder = builder.verify_signatures(false);
    }
    if let Some(path) = &args.state_file {
        builder = builder.state_file(path);
    }
    let mut configured = false;
    if let (Some(ak), Some(sk)) = (&args.access_key, &args.secret_key) {
        builder = builder.account(ak, sk);
        configured = true;
    }
    for (ak, sk) in &args.accounts {
        builder = builder.account(ak, sk);
        configured = true;
    }
    for session in &args.sessions {
        builder = builder.session_credentials(session.clone());
    }
    if !configured {
        tracing::warn!(
            access_key = DEV_ACCESS_KEY,
            secret_key = DEV_SECRET_KEY,
            "no credentials given; using the development credentials"
        );
    }
    let sim = builder.build().context("building the simulator")?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("binding {}", args.listen))?;
    let addr = listener.local_addr()?;
    let shutdown = shutdown_signal()?;
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "listening on http://{addr}")?;
        stdout.flush()?;
    }
    tracing::info!(%addr, region = %args.region, quota = args.quota, "simulator ready");
    let options = server::ServerOptions::default()
        .header_read_timeout(Duration::from_secs_f64(args.header_read_timeout))
        .idle_timeout(Duration::from_secs_f64(args.idle_timeout))
        .max_connections(args.max_connections);
    if !args.listen.ip().is_loopback() && args.control_token.is_none() {
        tracing::warn!(
            listen = %args.listen,
            "listening beyond loopback: the control API under /__sim/ has no authentication \
             (set --control-token)"
        );
    }
    server::serve_with(listener, sim, &options, shutdown).await?;
    tracing::info!("stopped");
    Ok(())
}

/// A future that resolves on Ctrl-C or SIGTERM. The handlers are installed when this is
/// called, before the address is printed: a caller that signals as soon as it has read the
/// address must get a graceful stop, not the default action that kills the process.
#[cfg(unix)]
fn shutdown_signal() -> anyhow::Result<impl Future<Output = ()> + Send> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).context("listening for Ctrl-C")?;
    let mut terminate = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => tracing::info!("Ctrl-C received, shutting down"),
            _ = terminate.recv() => tracing::info!("SIGTERM received, shutting down"),
        }
    })
}

/// A future that resolves on Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> anyhow::Result<impl Future<Output = ()> + Send> {
    Ok(async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
        tracing::info!("Ctrl-C received, shutting down");
    })
}
