//! The `bcc-keypair-sim` binary: first line, health, graceful stop on SIGTERM, restart with
//! a state file.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bce_auth::Credentials;

use crate::support::*;

pub(crate) struct Running {
    child: Child,
    pub(crate) addr: SocketAddr,
}

pub(crate) fn start(extra: &[&str]) -> Running {
    start_command(Command::new(env!("CARGO_BIN_EXE_bcc-keypair-sim")), extra)
}

/// The binary under a file-descriptor limit of `limit` (the shell's `ulimit -n`).
pub(crate) fn start_with_fd_limit(limit: u32, extra: &[&str]) -> Running {
    let mut command = Command::new("sh");
    command.args([
        "-c",
        &format!("ulimit -n {limit} && exec \"$0\" \"$@\""),
        env!("CARGO_BIN_EXE_bcc-keypair-sim"),
    ]);
    start_command(command, extra)
}

pub(crate) fn start_command(mut command: Command, extra: &[&str]) -> Running {
    let mut child = command
        .args(BINARY_ARGS)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let addr = crate::support::listening_address(&mut child);
    Running { child, addr }
}

impl Running {
    /// `kill -9`: no chance to finish anything.
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn terminate(mut self) -> std::process::ExitStatus {
        terminate(&mut self.child)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A GET over the socket, signed for the test account.
fn signed_get(addr: SocketAddr, path: &str) -> RawReply {
    wall_clock_signed_get(addr, path, &Credentials::new(AK, SK))
}

#[test]
fn prints_its_address_answers_and_stops_on_sigterm() {
    let sim = start(&[]);
    let health = send_raw(sim.addr, "GET /__sim/health HTTP/1.1\nHost: x", b"");
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["status"], "ok");
    signed_get(sim.addr, "/v2/keypair/k-nope").error(404, "Keypair.KeypairNotExist");
    let status = sim.terminate();
    assert!(status.success(), "{status}");
}

#[test]
fn a_body_declared_over_the_limit_is_refused_before_it_is_sent() {
    let sim = start(&[]);
    // 10 MB announced, 2 bytes sent: the answer must not wait for the rest.
    let reply = send_raw(
        sim.addr,
        "POST /v2/keypair HTTP/1.1\nHost: x\nContent-Length: 10000000",
        b"{}",
    );
    reply.error(400, "InvalidHTTPRequest");
    // A GET without a body is not affected.
    signed_get(sim.addr, "/v2/keypair/k-nope").error(404, "Keypair.KeypairNotExist");
    assert!(sim.terminate().success());
}

#[test]
fn state_file_survives_a_restart_of_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let path = path.to_str().unwrap();
    let sim = start(&["--state-file", path]);
    let body = br#"{"instances":[{"instanceId":"i-keep"}]}"#;
    let seeded = send_raw(
        sim.addr,
        &format!(
            "POST /__sim/instances HTTP/1.1\nHost: x\nContent-Length: {}",
            body.len()
        ),
        body,
    );
    assert_eq!(seeded.status, 200);
    assert!(sim.terminate().success());
    let sim = start(&["--state-file", path]);
    let instances = send_raw(sim.addr, "GET /__sim/instances HTTP/1.1\nHost: x", b"");
    assert_eq!(instances.json()["instances"][0]["instanceId"], "i-keep");
    let status = sim.terminate();
    assert!(status.success(), "{status:?}");
}

/// The signal handlers are in place before the address is printed, so a caller that stops
/// the simulator as soon as it knows where it listens still gets a graceful stop (exit 0),
/// not the default action of SIGTERM.
#[test]
fn sigterm_right_after_the_address_is_a_graceful_stop() {
    for _ in 0..10 {
        let sim = start(&[]);
        let status = sim.terminate();
        assert!(status.success(), "{status:?}");
    }
}

#[test]
fn help_documents_every_flag() {
    let output = Command::new(env!("CARGO_BIN_EXE_bcc-keypair-sim"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for flag in [
        "--listen",
        "--access-key",
        "--secret-key",
        "--account",
        "--region",
        "--quota",
        "--state-file",
        "--key-pool-size",
        "--key-threads",
        "--no-verify",
        "--control-token",
        "BCC_SIM_CONTROL_TOKEN",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
}

#[test]
fn under_a_256_descriptor_limit_300_silent_connections_do_not_lock_out_a_signed_request() {
    let running = start_with_fd_limit(256, &[]);
    let silent: Vec<std::net::TcpStream> = (0..300)
        .map(|_| std::net::TcpStream::connect(running.addr).unwrap())
        .collect();
    // Let the server run out of descriptors accepting them.
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let reply = signed_get(running.addr, "/v2/keypair");
    assert_eq!(reply.status, 200, "{reply:?}");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "answered after {:?}",
        started.elapsed()
    );
    drop(silent);
}

#[test]
fn the_same_seed_gives_the_same_ids_in_two_runs() {
    let ids_of_a_run = |seed: &str| {
        let running = start(&["--seed", seed]);
        let health = "GET /__sim/health HTTP/1.1\nHost: localhost";
        let mut ids: Vec<String> = (0..2)
            .map(|_| send_raw(running.addr, health, b""))
            .chain([signed_get(running.addr, "/v2/keypair")])
            .map(|reply| {
                reply.headers["x-bce-request-id"]
                    .to_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };
    let first = ids_of_a_run("42");
    assert_eq!(first.len(), 3, "{first:?}");
    assert_eq!(ids_of_a_run("42"), first);
    assert_ne!(ids_of_a_run("43"), first);
}
