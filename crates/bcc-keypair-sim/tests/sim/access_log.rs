//! The binary's access log (`--log-format json`, `BCC_SIM_LOG_FORMAT`) and session
//! credentials from its flag and environment variable.

use std::io::Read;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

use bce_auth::Credentials;
use serde_json::Value;

use crate::support::*;

/// Starts the binary with stderr captured; returns it and its address.
fn start(command: &mut Command) -> (Child, SocketAddr) {
    let mut child = command
        .args(BINARY_ARGS)
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let addr = crate::support::listening_address(&mut child);
    (child, addr)
}

/// Stops the binary with SIGTERM and returns everything it wrote to stderr.
fn stop(mut child: Child) -> String {
    terminate(&mut child);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    stderr
}

/// The access-log objects among the JSON lines of `stderr`.
fn access_lines(stderr: &str) -> Vec<Value> {
    stderr
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line)
                .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"))
        })
        .filter(|line| line["target"] == "bcc_keypair_sim::access")
        .collect()
}

#[test]
fn json_access_log_has_one_line_per_api_request_with_session_reasons() {
    let (child, addr) = start(
        Command::new(env!("CARGO_BIN_EXE_bcc-keypair-sim"))
            .args(["--log-format", "json"])
            .args(["--session-credentials", "sts-flag:sts-flag-sk:flag-token"])
            .env(
                "BCC_SIM_SESSION_CREDENTIALS",
                "ignored-when-the-flag-is-given:sk:token",
            ),
    );
    let session = Credentials::new("sts-flag", "sts-flag-sk").with_session_token("flag-token");
    assert_eq!(
        wall_clock_signed_get(addr, "/v2/keypair", &session).status,
        200
    );
    let wrong = Credentials::new("sts-flag", "sts-flag-sk").with_session_token("stale");
    wall_clock_signed_get(addr, "/v2/keypair/k-1", &wrong).error(403, "InvalidAccessKeyId");
    wall_clock_signed_get(
        addr,
        "/v2/keypair",
        &Credentials::new("ignored-when-the-flag-is-given", "sk"),
    )
    .error(403, "InvalidAccessKeyId");
    // Control requests are not API requests: no access-log line.
    send_raw(addr, "GET /__sim/health HTTP/1.1\nHost: localhost", b"");
    let stderr = stop(child);
    let lines = access_lines(&stderr);
    assert_eq!(lines.len(), 3, "{stderr}");
    let ok = &lines[0];
    assert_eq!(ok["level"], "INFO");
    assert_eq!(ok["method"], "GET");
    assert_eq!(ok["path"], "/v2/keypair");
    assert_eq!(ok["operation"], "list");
    assert_eq!(ok["status"], 200);
    assert_eq!(ok["access_key_id"], "sts-flag");
    assert!(ok["duration_us"].is_u64(), "{ok}");
    assert!(uuid::Uuid::parse_str(ok["request_id"].as_str().unwrap()).is_ok());
    assert!(
        ok.get("code").is_none() && ok.get("reason").is_none(),
        "{ok}"
    );
    let refused = &lines[1];
    assert_eq!(refused["status"], 403);
    assert_eq!(refused["code"], "InvalidAccessKeyId");
    assert_eq!(refused["access_key_id"], "sts-flag");
    assert_eq!(
        refused["reason"],
        "session token does not match the one issued with sts-flag"
    );
    assert!(!stderr.contains("flag-token") && !stderr.contains("sts-flag-sk"));
    assert_eq!(
        lines[2]["reason"],
        "access key id ignored-when-the-flag-is-given is not known to the simulator"
    );
}

#[test]
fn log_format_and_session_credentials_come_from_the_environment() {
    let (child, addr) = start(
        Command::new(env!("CARGO_BIN_EXE_bcc-keypair-sim"))
            .env("BCC_SIM_LOG_FORMAT", "json")
            .env(
                "BCC_SIM_SESSION_CREDENTIALS",
                format!("sts-a:sk-a:tok-a:{AK},sts-b:sk-b:tok-b::2000-01-01T00:00:00Z"),
            ),
    );
    let live = Credentials::new("sts-a", "sk-a").with_session_token("tok-a");
    assert_eq!(
        wall_clock_signed_get(addr, "/v2/keypair", &live).status,
        200
    );
    let expired = Credentials::new("sts-b", "sk-b").with_session_token("tok-b");
    wall_clock_signed_get(addr, "/v2/keypair", &expired).error(403, "InvalidAccessKeyId");
    let stderr = stop(child);
    let lines = access_lines(&stderr);
    assert_eq!(lines.len(), 2, "{stderr}");
    assert_eq!(
        lines[1]["reason"],
        "session token expired: the session credentials sts-b expired at 2000-01-01T00:00:00Z"
    );
}

#[test]
fn text_logs_carry_the_same_fields() {
    let (child, addr) = start(&mut Command::new(env!("CARGO_BIN_EXE_bcc-keypair-sim")));
    wall_clock_signed_get(addr, "/v2/keypair/k-none", &Credentials::new(AK, SK))
        .error(404, "Keypair.KeypairNotExist");
    let stderr = stop(child);
    let line = stderr
        .lines()
        .find(|line| line.contains("bcc_keypair_sim::access"))
        .unwrap_or_else(|| panic!("no access line in:\n{stderr}"));
    for field in [
        "method=\"GET\"",
        "path=\"/v2/keypair/k-none\"",
        "operation=\"get\"",
        "status=404",
        "code=\"Keypair.KeypairNotExist\"",
        &format!("access_key_id=\"{AK}\""),
        "request_id=",
        "duration_us=",
    ] {
        assert!(line.contains(field), "{field} missing from {line}");
    }
    assert!(serde_json::from_str::<Value>(line).is_err(), "{line}");
}

#[test]
fn a_malformed_session_flag_is_refused_at_start() {
    for value in ["only-ak", "ak:sk", "ak:sk:tok:acct:not-a-time", "ak::tok"] {
        let output = Command::new(env!("CARGO_BIN_EXE_bcc-keypair-sim"))
            .args(["--listen", "127.0.0.1:0", "--session-credentials", value])
            .output()
            .unwrap();
        assert!(!output.status.success(), "{value}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("--session-credentials"),
            "{value}: {stderr}"
        );
    }
    // A session for an account that does not exist stops the start too.
    let output = Command::new(env!("CARGO_BIN_EXE_bcc-keypair-sim"))
        .args(["--listen", "127.0.0.1:0", "--key-pool-size", "1"])
        .args(["--session-credentials", "ak:sk:tok:no-such-account"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no-such-account"));
}
