//! Runs scenarios one after another against a target, with a time limit and clean-up each.
//!
//! Sequential on purpose: scenarios share one account, and a few (quota) change its state
//! for a moment.

use std::time::{Duration, Instant};

use crate::context::Ctx;
use crate::scenario::{Requirement, Scenario};
use crate::target::Target;

/// How a run is shaped.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Only scenarios whose name contains this substring.
    pub filter: Option<String>,
    /// Per-scenario time limit (body and clean-up each).
    pub timeout: Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            filter: None,
            timeout: Duration::from_secs(60),
        }
    }
}

/// The verdict on one scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// All checks held.
    Passed,
    /// A check failed; the message says which.
    Failed(String),
    /// Not run; the message says why.
    Skipped(String),
}

impl Verdict {
    /// `passed`, `failed` or `skipped`.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed(_) => "failed",
            Self::Skipped(_) => "skipped",
        }
    }

    /// The failure or skip message.
    pub fn message(&self) -> Option<&str> {
        match self {
            Self::Passed => None,
            Self::Failed(message) | Self::Skipped(message) => Some(message),
        }
    }
}

/// One scenario's result.
#[derive(Clone, Debug)]
pub struct ScenarioReport {
    /// `area.what_it_checks`.
    pub name: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Wall time including clean-up.
    pub duration: Duration,
}

/// A whole run.
#[derive(Clone, Debug)]
pub struct SuiteReport {
    /// The endpoint the suite ran against.
    pub target: String,
    /// Per scenario, in run order.
    pub scenarios: Vec<ScenarioReport>,
    /// Wall time of the whole run.
    pub duration: Duration,
}

impl SuiteReport {
    /// How many passed.
    pub fn passed(&self) -> usize {
        self.count(|verdict| matches!(verdict, Verdict::Passed))
    }

    /// How many failed.
    pub fn failed(&self) -> usize {
        self.count(|verdict| matches!(verdict, Verdict::Failed(_)))
    }

    /// How many were skipped.
    pub fn skipped(&self) -> usize {
        self.count(|verdict| matches!(verdict, Verdict::Skipped(_)))
    }

    fn count(&self, predicate: impl Fn(&Verdict) -> bool) -> usize {
        self.scenarios
            .iter()
            .filter(|scenario| predicate(&scenario.verdict))
            .count()
    }

    /// `N passed, M failed` (plus `, K skipped` when any were skipped).
    pub fn summary_line(&self) -> String {
        let mut line = format!("{} passed, {} failed", self.passed(), self.failed());
        if self.skipped() > 0 {
            line.push_str(&format!(", {} skipped", self.skipped()));
        }
        line
    }
}

/// The scenarios a filter selects, in registry order.
pub fn select<'s>(scenarios: &'s [Scenario], filter: Option<&str>) -> Vec<&'s Scenario> {
    scenarios
        .iter()
        .filter(|scenario| filter.is_none_or(|filter| scenario.name().contains(filter)))
        .collect()
}

/// Runs one scenario, then cleans up whatever it created, pass or fail.
pub async fn run_scenario(
    target: &Target,
    scenario: &Scenario,
    timeout: Duration,
) -> ScenarioReport {
    let started = Instant::now();
    let verdict = if scenario.requirement() == Requirement::Control && !target.has_control() {
        Verdict::Skipped("needs the simulator control API".to_owned())
    } else {
        let ctx = Ctx::new(target);
        let body = match tokio::time::timeout(timeout, scenario.run(&ctx)).await {
            Ok(Ok(())) => None,
            Ok(Err(failure)) => Some(failure.to_string()),
            Err(_) => Some(format!("timed out after {} s", timeout.as_secs())),
        };
        let cleanup = match tokio::time::timeout(timeout, ctx.cleanup()).await {
            Ok(Ok(())) => None,
            Ok(Err(failure)) => Some(failure.to_string()),
            Err(_) => Some(format!("clean-up timed out after {} s", timeout.as_secs())),
        };
        match (body, cleanup) {
            (None, None) => Verdict::Passed,
            (Some(body), None) => Verdict::Failed(body),
            (None, Some(cleanup)) => Verdict::Failed(cleanup),
            (Some(body), Some(cleanup)) => Verdict::Failed(format!("{body}; then {cleanup}")),
        }
    };
    ScenarioReport {
        name: scenario.name().to_owned(),
        verdict,
        duration: started.elapsed(),
    }
}

/// Runs the selected scenarios in order; `progress(index, total, report)` is called after each.
pub async fn run_suite(
    target: &Target,
    scenarios: &[Scenario],
    options: &RunOptions,
    mut progress: impl FnMut(usize, usize, &ScenarioReport),
) -> SuiteReport {
    let started = Instant::now();
    let selected = select(scenarios, options.filter.as_deref());
    let total = selected.len();
    let mut reports = Vec::with_capacity(total);
    for (index, scenario) in selected.into_iter().enumerate() {
        let report = run_scenario(target, scenario, options.timeout).await;
        progress(index + 1, total, &report);
        reports.push(report);
    }
    SuiteReport {
        target: target.endpoint().to_owned(),
        scenarios: reports,
        duration: started.elapsed(),
    }
}
