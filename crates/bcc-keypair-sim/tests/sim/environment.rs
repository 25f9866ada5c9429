//! Every flag of the `bcc-keypair-sim` binary has a `BCC_SIM_*` environment variable: the
//! help lists one per flag, and a binary configured by the environment alone uses them.

use std::process::{Child, Command, Stdio};

use crate::support::*;

fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bcc-keypair-sim"));
    // Only what each test sets: none of the caller's own BCC_SIM_* variables.
    for (name, _) in std::env::vars() {
        if name.starts_with("BCC_SIM_") {
            command.env_remove(name);
        }
    }
    command
}

/// The help text of each option, split where the next option starts.
fn option_blocks(help: &str) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    for line in help.lines() {
        let trimmed = line.trim_start();
        let starts_option = trimmed.starts_with("--")
            || (trimmed.starts_with('-') && trimmed.get(2..4) == Some(", "));
        if starts_option && line.starts_with(' ') {
            blocks.push(String::new());
        }
        if let Some(block) = blocks.last_mut() {
            block.push_str(line);
            block.push('\n');
        }
    }
    blocks
}

#[test]
fn help_lists_an_environment_variable_for_every_flag() {
    let output = binary().arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    let blocks = option_blocks(&help);
    assert!(blocks.len() > 15, "{help}");
    for block in blocks {
        let is_builtin = block.contains("--help") || block.contains("--version");
        assert!(
            is_builtin || block.contains("[env: BCC_SIM_"),
            "no environment variable for:\n{block}"
        );
    }
}

struct Running {
    child: Child,
    addr: std::net::SocketAddr,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_from_environment(vars: &[(&str, &str)]) -> Running {
    let mut child = binary()
        .envs(vars.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let addr = crate::support::listening_address(&mut child);
    Running { child, addr }
}

#[test]
fn a_binary_configured_by_the_environment_alone_uses_every_setting() {
    let dir = tempfile::tempdir().unwrap();
    let state_file = dir.path().join("state.json");
    let running = start_from_environment(&[
        ("BCC_SIM_LISTEN", "127.0.0.1:0"),
        ("BCC_SIM_ACCESS_KEY", AK),
        ("BCC_SIM_SECRET_KEY", SK),
        ("BCC_SIM_ACCOUNTS", "env-ak-1:env-sk-1,env-ak-2:env-sk-2"),
        ("BCC_SIM_REGION", "gz"),
        ("BCC_SIM_REGIONS", "gz,cd"),
        ("BCC_SIM_QUOTA", "7"),
        ("BCC_SIM_STATE_FILE", state_file.to_str().unwrap()),
        ("BCC_SIM_KEYS", "bundled"),
        ("BCC_SIM_RECORD_TIME", "2031-01-02T03:04:05Z"),
        ("BCC_SIM_SIGNATURE_CLOCK_OFFSET", "-60"),
        ("BCC_SIM_SEED", "11"),
        ("BCC_SIM_NO_VERIFY", "true"),
        ("BCC_SIM_WORKERS", "1"),
        ("BCC_SIM_KEY_POOL_SIZE", "1"),
        ("BCC_SIM_KEY_THREADS", "1"),
        ("BCC_SIM_HEADER_READ_TIMEOUT", "5"),
        ("BCC_SIM_IDLE_TIMEOUT", "5"),
        ("BCC_SIM_MAX_CONNECTIONS", "16"),
    ]);
    let get = |path: &str| {
        send_raw(
            running.addr,
            &format!("GET {path} HTTP/1.1\nHost: localhost"),
            b"",
        )
        .json()
    };
    let health = get("/__sim/health");
    assert_eq!(health["defaultRegion"], "gz");
    assert_eq!(health["keysReady"], 1024, "the bundle is ready at once");
    let clock = get("/__sim/clock");
    assert_eq!(clock["recordTime"], "2031-01-02T03:04:05Z");
    assert_eq!(clock["frozen"], true);
    assert_eq!(clock["signatureOffsetSecs"], -60);
    assert_eq!(get("/__sim/quota?accessKeyId=env-ak-2")["quota"], 7);
    // Unsigned, yet answered (BCC_SIM_NO_VERIFY); the record time is the one set.
    let created = send_raw(
        running.addr,
        "POST /v2/keypair HTTP/1.1\nHost: bcc.cd.baidubce.com\nContent-Length: 13",
        br#"{"name":"kp"}"#,
    );
    assert_eq!(created.status, 200, "{created:?}");
    assert_eq!(
        created.json()["keypair"]["createdTime"],
        "2031-01-02T03:04:05Z"
    );
    assert!(state_file.exists(), "BCC_SIM_STATE_FILE was written");
}

#[test]
fn a_bad_value_in_each_environment_variable_is_refused_by_name() {
    for (name, flag) in [
        ("BCC_SIM_LISTEN", "--listen"),
        ("BCC_SIM_ACCOUNTS", "--account"),
        ("BCC_SIM_QUOTA", "--quota"),
        ("BCC_SIM_KEY_POOL_SIZE", "--key-pool-size"),
        ("BCC_SIM_KEY_THREADS", "--key-threads"),
        ("BCC_SIM_WORKERS", "--workers"),
        ("BCC_SIM_HEADER_READ_TIMEOUT", "--header-read-timeout"),
        ("BCC_SIM_IDLE_TIMEOUT", "--idle-timeout"),
        ("BCC_SIM_SEED", "--seed"),
        ("BCC_SIM_MAX_CONNECTIONS", "--max-connections"),
        ("BCC_SIM_KEYS", "--keys"),
        ("BCC_SIM_RECORD_TIME", "--record-time"),
        ("BCC_SIM_SIGNATURE_CLOCK_OFFSET", "--signature-clock-offset"),
    ] {
        let output = binary()
            .env("BCC_SIM_LISTEN", "127.0.0.1:0")
            .env(name, "not-a-value")
            .stdout(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(flag), "{name}: {stderr}");
    }
}
