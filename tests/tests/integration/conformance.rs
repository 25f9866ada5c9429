//! Every conformance scenario against its own embedded simulator, each a `#[test]` named
//! `integration::conformance::{area}::{scenario}`.

use std::sync::Arc;
use std::time::Duration;

use bcc_keypair_sim::{FixedKeys, Simulator};
use bcc_keypair_tests::embedded::EmbeddedSimulator;
use bcc_keypair_tests::runner::{self, Verdict};
use bcc_keypair_tests::{Requirement, scenarios};

/// Runs the scenario `name` on a fresh simulator (bundled test keys keep RSA generation out
/// of the test time) and fails the test with the scenario's own message.
pub(crate) async fn run_one(name: &str) {
    let scenario = scenarios::find(name).unwrap_or_else(|| panic!("no scenario {name}"));
    let keys = FixedKeys::bundled_test_keys().expect("bundled test keys");
    let simulator = EmbeddedSimulator::start_with(Simulator::builder().key_source(Arc::new(keys)))
        .await
        .expect("embedded simulator");
    let report =
        runner::run_scenario(simulator.target(), &scenario, Duration::from_secs(120)).await;
    simulator.shutdown().await;
    if let Verdict::Failed(message) | Verdict::Skipped(message) = &report.verdict {
        panic!("{name} {}: {message}", report.verdict.label());
    }
}

macro_rules! scenario_tests {
    ($( $module:ident { $( $function:ident $(: $requirement:ident)? ),* $(,)? } )*) => {
        $(
            mod $module {
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn $function() {
                        super::run_one(concat!(stringify!($module), ".", stringify!($function))).await;
                    }
                )*
            }
        )*
    };
}

bcc_keypair_tests::with_scenarios!(scenario_tests);

#[test]
fn registry_has_enough_uniquely_named_scenarios() {
    let all = scenarios::all();
    assert!(all.len() >= 40, "only {} scenarios", all.len());
    let mut names: Vec<&str> = all.iter().map(|scenario| scenario.name()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), all.len(), "duplicate scenario names");
    assert!(
        all.iter()
            .any(|scenario| scenario.requirement() == Requirement::Control)
    );
}

#[test]
fn filter_selects_by_substring() {
    let all = scenarios::all();
    let selected = runner::select(&all, Some("pagination."));
    assert!(!selected.is_empty());
    assert!(
        selected
            .iter()
            .all(|scenario| scenario.area() == "pagination")
    );
    assert_eq!(runner::select(&all, None).len(), all.len());
    assert!(runner::select(&all, Some("no-such-scenario")).is_empty());
}

/// Against an endpoint without the control API, scenarios that need it are skipped (not
/// failed) and the others still run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_scenarios_are_skipped_without_control() {
    let keys = FixedKeys::bundled_test_keys().expect("bundled test keys");
    let simulator = EmbeddedSimulator::start_with(Simulator::builder().key_source(Arc::new(keys)))
        .await
        .expect("embedded simulator");
    let target = bcc_keypair_tests::Target::new(bcc_keypair_tests::TargetConfig {
        endpoint: simulator.base_url(),
        credentials: bce_auth::Credentials::new(
            bcc_keypair_sim::DEV_ACCESS_KEY,
            bcc_keypair_sim::DEV_SECRET_KEY,
        ),
        control: false,
    })
    .expect("target");
    let all = scenarios::all();
    let options = runner::RunOptions {
        filter: Some("operations.".to_owned()),
        timeout: Duration::from_secs(120),
    };
    let suite = runner::run_suite(&target, &all, &options, |_, _, _| {}).await;
    simulator.shutdown().await;
    let skipped: Vec<&str> = suite
        .scenarios
        .iter()
        .filter(|report| matches!(report.verdict, Verdict::Skipped(_)))
        .map(|report| report.name.as_str())
        .collect();
    assert_eq!(
        skipped,
        [
            "operations.attach_binds_instance",
            "operations.detach_unbinds_instance"
        ]
    );
    assert_eq!(suite.failed(), 0, "{:#?}", suite.scenarios);
    assert!(suite.summary_line().ends_with(", 2 skipped"));
}

/// The whole suite on one shared simulator, as `cargo xtask conformance` runs it: every
/// scenario passes in sequence, and clean-up leaves no key pair behind in any region the
/// suite touched and no instance bound.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_suite_on_one_simulator_leaves_nothing_behind() {
    let keys = FixedKeys::bundled_test_keys().expect("bundled test keys");
    let simulator = EmbeddedSimulator::start_with(Simulator::builder().key_source(Arc::new(keys)))
        .await
        .expect("embedded simulator");
    let target = simulator.target();
    let suite = runner::run_suite(
        target,
        &scenarios::all(),
        &runner::RunOptions::default(),
        |_, _, _| {},
    )
    .await;
    let failures: Vec<String> = suite
        .scenarios
        .iter()
        .filter(|report| report.verdict != Verdict::Passed)
        .map(|report| format!("{}: {:?}", report.name, report.verdict))
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(
        suite.summary_line(),
        format!("{} passed, 0 failed", suite.scenarios.len())
    );

    for host in [
        None,
        Some("bcc.gz.baidubce.com"),
        Some("bcc.yq.baidubce.com"),
        Some("bcc.sin.baidubce.com"),
    ] {
        let mut request = target.raw().get("/v2/keypair");
        if let Some(host) = host {
            request = request.host(host);
        }
        let response = request.send().await.expect("list");
        let page = response.json().expect("list body");
        assert_eq!(
            page["keypairs"],
            serde_json::json!([]),
            "left behind at {host:?}"
        );
    }
    let instances = target
        .control()
        .expect("control")
        .instances()
        .await
        .expect("instances");
    assert!(!instances.is_empty());
    assert!(
        instances
            .iter()
            .all(|instance| instance.keypair_id.is_none()),
        "{instances:?}"
    );
    simulator.shutdown().await;
}
