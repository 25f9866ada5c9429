//! Renders a [`SuiteReport`]: progress lines, a plain-text table, JUnit XML and JSON.

use std::fmt::Write as _;
use std::time::Duration;

use crate::runner::{ScenarioReport, SuiteReport, Verdict};

/// One progress line: `[ 3/55] passed  operations.get_returns_same_fields (12 ms)`.
pub fn progress_line(index: usize, total: usize, report: &ScenarioReport) -> String {
    let width = total.to_string().len();
    let mut line = format!(
        "[{index:>width$}/{total}] {:<7} {} ({})",
        report.verdict.label(),
        report.name,
        millis(report.duration)
    );
    if let Some(message) = report.verdict.message() {
        line.push_str(" — ");
        line.push_str(&first_line(message));
    }
    line
}

/// A table with one row per scenario: scenario, result, time.
pub fn table(report: &SuiteReport) -> String {
    let name_width = report
        .scenarios
        .iter()
        .map(|scenario| scenario.name.chars().count())
        .chain(std::iter::once("scenario".len()))
        .max()
        .unwrap_or(8);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<name_width$}  {:<7}  {:>9}",
        "scenario", "result", "time"
    );
    let _ = writeln!(
        out,
        "{}  {}  {}",
        "-".repeat(name_width),
        "-".repeat(7),
        "-".repeat(9)
    );
    for scenario in &report.scenarios {
        let _ = writeln!(
            out,
            "{:<name_width$}  {:<7}  {:>9}",
            scenario.name,
            scenario.verdict.label(),
            millis(scenario.duration)
        );
    }
    let failures: Vec<&ScenarioReport> = report
        .scenarios
        .iter()
        .filter(|scenario| matches!(scenario.verdict, Verdict::Failed(_)))
        .collect();
    if !failures.is_empty() {
        let _ = writeln!(out, "\nfailures:");
        for scenario in failures {
            let _ = writeln!(
                out,
                "  {}: {}",
                scenario.name,
                scenario.verdict.message().unwrap_or_default()
            );
        }
    }
    out
}

/// JUnit XML (the Ant schema that CI systems read): one `testsuite`, one `testcase` per
/// scenario, `classname` = `conformance.{area}`.
pub fn junit_xml(report: &SuiteReport, timestamp: &str) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let tests = report.scenarios.len();
    let _ = writeln!(
        out,
        "<testsuites name=\"conformance\" tests=\"{tests}\" failures=\"{}\" skipped=\"{}\" errors=\"0\" time=\"{}\">",
        report.failed(),
        report.skipped(),
        seconds(report.duration)
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"conformance\" tests=\"{tests}\" failures=\"{}\" skipped=\"{}\" errors=\"0\" time=\"{}\" timestamp=\"{}\">",
        report.failed(),
        report.skipped(),
        seconds(report.duration),
        escape(timestamp)
    );
    let _ = writeln!(out, "    <properties>");
    let _ = writeln!(
        out,
        "      <property name=\"endpoint\" value=\"{}\"/>",
        escape(&report.target)
    );
    let _ = writeln!(out, "    </properties>");
    for scenario in &report.scenarios {
        let (area, name) = scenario
            .name
            .split_once('.')
            .unwrap_or(("suite", scenario.name.as_str()));
        let open = format!(
            "    <testcase classname=\"conformance.{}\" name=\"{}\" time=\"{}\"",
            escape(area),
            escape(name),
            seconds(scenario.duration)
        );
        match &scenario.verdict {
            Verdict::Passed => {
                let _ = writeln!(out, "{open}/>");
            }
            Verdict::Failed(message) => {
                let _ = writeln!(out, "{open}>");
                let _ = writeln!(
                    out,
                    "      <failure message=\"{}\" type=\"ScenarioFailure\">{}</failure>",
                    escape(&first_line(message)),
                    escape(message)
                );
                let _ = writeln!(out, "    </testcase>");
            }
            Verdict::Skipped(message) => {
                let _ = writeln!(out, "{open}>");
                let _ = writeln!(out, "      <skipped message=\"{}\"/>", escape(message));
                let _ = writeln!(out, "    </testcase>");
            }
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// A JSON report: totals and one object per scenario.
pub fn json(report: &SuiteReport, timestamp: &str) -> serde_json::Value {
    let scenarios: Vec<serde_json::Value> = report
        .scenarios
        .iter()
        .map(|scenario| {
            serde_json::json!({
                "name": scenario.name,
                "result": scenario.verdict.label(),
                "durationMs": duration_ms(scenario.duration),
                "message": scenario.verdict.message(),
            })
        })
        .collect();
    serde_json::json!({
        "suite": "conformance",
        "endpoint": report.target,
        "timestamp": timestamp,
        "passed": report.passed(),
        "failed": report.failed(),
        "skipped": report.skipped(),
        "durationMs": duration_ms(report.duration),
        "scenarios": scenarios,
    })
}

fn duration_ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

fn millis(duration: Duration) -> String {
    format!("{} ms", duration.as_millis())
}

fn seconds(duration: Duration) -> String {
    format!("{:.3}", duration.as_secs_f64())
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or_default().to_owned()
}

/// XML attribute/text escaping; control characters XML 1.0 forbids become spaces.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SuiteReport {
        SuiteReport {
            target: "http://127.0.0.1:1".to_owned(),
            scenarios: vec![
                ScenarioReport {
                    name: "operations.create".to_owned(),
                    verdict: Verdict::Passed,
                    duration: Duration::from_millis(12),
                },
                ScenarioReport {
                    name: "errors.get_missing".to_owned(),
                    verdict: Verdict::Failed("expected 404 <x> & \"y\"\nmore".to_owned()),
                    duration: Duration::from_millis(3),
                },
                ScenarioReport {
                    name: "attachment.replace".to_owned(),
                    verdict: Verdict::Skipped("needs control".to_owned()),
                    duration: Duration::ZERO,
                },
            ],
            duration: Duration::from_millis(20),
        }
    }

    #[test]
    fn summary_counts_each_verdict() {
        let report = sample();
        assert_eq!(report.summary_line(), "1 passed, 1 failed, 1 skipped");
        let mut only_passed = report.clone();
        only_passed.scenarios.truncate(1);
        assert_eq!(only_passed.summary_line(), "1 passed, 0 failed");
    }

    #[test]
    fn table_has_a_row_per_scenario_and_lists_failures() {
        let table = table(&sample());
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("scenario"));
        assert!(lines[2].starts_with("operations.create"));
        assert!(lines[2].contains("passed"));
        assert!(lines[2].ends_with("12 ms"));
        assert!(lines[3].contains("failed"));
        assert!(lines[4].contains("skipped"));
        assert!(table.contains("failures:\n  errors.get_missing: expected 404"));
    }

    #[test]
    fn junit_escapes_and_counts() {
        let xml = junit_xml(&sample(), "2026-11-24T12:00:00Z");
        assert!(xml.contains("tests=\"3\" failures=\"1\" skipped=\"1\""));
        assert!(xml.contains(
            "<testcase classname=\"conformance.operations\" name=\"create\" time=\"0.012\"/>"
        ));
        assert!(xml.contains("message=\"expected 404 &lt;x&gt; &amp; &quot;y&quot;\""));
        assert!(xml.contains("<skipped message=\"needs control\"/>"));
        assert!(xml.contains("timestamp=\"2026-11-24T12:00:00Z\""));
        assert!(xml.ends_with("</testsuites>\n"));
    }

    #[test]
    fn json_report_has_totals_and_scenarios() {
        let value = json(&sample(), "t");
        assert_eq!(value["passed"], 1);
        assert_eq!(value["failed"], 1);
        assert_eq!(value["skipped"], 1);
        assert_eq!(value["scenarios"][1]["result"], "failed");
        assert_eq!(value["scenarios"][0]["message"], serde_json::Value::Null);
        assert_eq!(value["scenarios"][0]["durationMs"], 12);
    }

    #[test]
    fn progress_line_shows_position_verdict_and_reason() {
        let report = sample();
        assert_eq!(
            progress_line(2, 12, &report.scenarios[1]),
            "[ 2/12] failed  errors.get_missing (3 ms) — expected 404 <x> & \"y\""
        );
    }
}
