//! `cargo xtask conformance`: the conformance suite through the client over real HTTP.
//!
//! Without `--endpoint` the simulator runs embedded in this process on `127.0.0.1:0`, with
//! its control API, so every scenario runs. With `--endpoint` the suite talks to that server
//! (the real BCC service included) and skips scenarios that need the control API, unless
//! `--control` says the endpoint is a simulator.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, bail};
use bcc_keypair_tests::embedded::EmbeddedSimulator;
use bcc_keypair_tests::runner::{self, RunOptions, SuiteReport};
use bcc_keypair_tests::{Target, TargetConfig, report, scenarios};

/// Arguments of `cargo xtask conformance`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Run against this endpoint instead of the embedded simulator, e.g.
    /// `https://bcc.bj.baidubce.com` or `http://127.0.0.1:8480`.
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
    /// Access key id for --endpoint.
    #[arg(
        long,
        env = "BCE_ACCESS_KEY_ID",
        value_name = "AK",
        hide_env_values = true
    )]
    access_key_id: Option<String>,
    /// Secret access key for --endpoint.
    #[arg(
        long,
        env = "BCE_SECRET_ACCESS_KEY",
        value_name = "SK",
        hide_env_values = true
    )]
    secret_access_key: Option<String>,
    /// The --endpoint is a simulator: use its control API (`/__sim/...`) too.
    #[arg(long, requires = "endpoint")]
    control: bool,
    /// Only run scenarios whose name contains this text (e.g. `attachment.` or `quota`).
    #[arg(long, value_name = "SUBSTR")]
    filter: Option<String>,
    /// Per-scenario time limit in seconds.
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    timeout: u64,
    /// Where to write junit.xml and report.json (default: conformance/ in the target directory).
    #[arg(long, value_name = "DIR")]
    report_dir: Option<PathBuf>,
    /// List the scenarios (name and requirement) and exit.
    #[arg(long)]
    list: bool,
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    if args.list {
        for scenario in runner::select(&scenarios::all(), args.filter.as_deref()) {
            println!("{:<70} {:?}", scenario.name(), scenario.requirement());
        }
        return Ok(());
    }
    let report_dir = match &args.report_dir {
        Some(dir) => dir.clone(),
        None => crate::workspace::target_dir()?.join("conformance"),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let suite = runtime.block_on(run_suite(&args))?;

    println!();
    print!("{}", report::table(&suite));
    println!();
    println!("{}", suite.summary_line());

    let timestamp = wall_clock_timestamp();
    std::fs::create_dir_all(&report_dir)
        .with_context(|| format!("creating {}", report_dir.display()))?;
    let junit = report_dir.join("junit.xml");
    std::fs::write(&junit, report::junit_xml(&suite, &timestamp))
        .with_context(|| format!("writing {}", junit.display()))?;
    let json = report_dir.join("report.json");
    let json_text = serde_json::to_string_pretty(&report::json(&suite, &timestamp))?;
    std::fs::write(&json, json_text + "\n")
        .with_context(|| format!("writing {}", json.display()))?;
    println!("reports: {} {}", junit.display(), json.display());

    if suite.failed() > 0 {
        bail!("{} conformance scenario(s) failed", suite.failed());
    }
    if suite.scenarios.is_empty() {
        bail!(
            "no scenario matches --filter {:?}",
            args.filter.unwrap_or_default()
        );
    }
    Ok(())
}

async fn run_suite(args: &Args) -> anyhow::Result<SuiteReport> {
    let options = RunOptions {
        filter: args.filter.clone(),
        timeout: Duration::from_secs(args.timeout),
    };
    let progress = |index: usize, total: usize, scenario: &runner::ScenarioReport| {
        println!("{}", report::progress_line(index, total, scenario));
    };
    let all = scenarios::all();
    match &args.endpoint {
        None => {
            let simulator = EmbeddedSimulator::start()
                .await
                .map_err(|failure| anyhow::anyhow!("{failure}"))?;
            println!(
                "conformance: embedded simulator at {} ({} scenarios)",
                simulator.base_url(),
                runner::select(&all, args.filter.as_deref()).len()
            );
            let suite = runner::run_suite(simulator.target(), &all, &options, progress).await;
            simulator.shutdown().await;
            Ok(suite)
        }
        Some(endpoint) => {
            let (Some(access_key_id), Some(secret_access_key)) =
                (&args.access_key_id, &args.secret_access_key)
            else {
                bail!(
                    "--endpoint needs credentials: --access-key-id/--secret-access-key or \
                     BCE_ACCESS_KEY_ID/BCE_SECRET_ACCESS_KEY"
                );
            };
            let target = Target::new(TargetConfig {
                endpoint: endpoint.clone(),
                credentials: bce_auth::Credentials::new(access_key_id, secret_access_key.as_str()),
                control: args.control,
            })
            .map_err(|failure| anyhow::anyhow!("{failure}"))?;
            println!(
                "conformance: {endpoint} ({}; {} scenarios)",
                if args.control {
                    "simulator control API enabled"
                } else {
                    "no control API: scenarios that need it are skipped"
                },
                runner::select(&all, args.filter.as_deref()).len()
            );
            Ok(runner::run_suite(&target, &all, &options, progress).await)
        }
    }
}

/// The report timestamp: read from the wall clock, once, here at the edge.
#[allow(clippy::disallowed_methods)] // the JUnit `timestamp` attribute is the real run time
fn wall_clock_timestamp() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
