//! Runs the `bcc-keypair` binary against the simulator over a real socket.

mod scripting;

use bcc_keypair_sim::testing::{TEST_ACCESS_KEY, TEST_SECRET_KEY, TestSimulator};
use std::path::Path;
use std::process::{Command, Output};

const ACCESS_KEY: &str = TEST_ACCESS_KEY;
const SECRET_KEY: &str = TEST_SECRET_KEY;

/// The simulator the tests talk to: `bcc_keypair_sim::testing`, on `127.0.0.1:0`.
type RunningServer = TestSimulator;

async fn start() -> RunningServer {
    TestSimulator::start().await.expect("simulator")
}

async fn start_with_quota(quota: usize) -> RunningServer {
    TestSimulator::start_with(|builder| builder.quota(quota))
        .await
        .expect("simulator")
}

/// Runs the binary with the endpoint and credentials as flags and a clean environment.
async fn run(server: &RunningServer, args: &[&str]) -> Output {
    let endpoint = server.url();
    let mut all = vec![
        "--endpoint",
        &endpoint,
        "--access-key-id",
        ACCESS_KEY,
        "--secret-access-key",
        SECRET_KEY,
    ];
    all.extend_from_slice(args);
    run_bare(&[], &all).await
}

/// Runs the binary with only `env` set of the variables it reads, and only `args`.
async fn run_bare(env: &[(&str, &str)], args: &[&str]) -> Output {
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_bcc-keypair"));
        for variable in [
            "BCE_ACCESS_KEY_ID",
            "BCE_SECRET_ACCESS_KEY",
            "BCE_SESSION_TOKEN",
            "BCC_ENDPOINT",
            "BCC_REGION",
            "RUST_LOG",
        ] {
            command.env_remove(variable);
        }
        command
            .envs(env)
            .args(args)
            .output()
            .expect("run bcc-keypair")
    })
    .await
    .expect("join")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        stdout(output),
        stderr(output)
    );
}

async fn keypair_names(server: &RunningServer) -> Vec<String> {
    let output = run(server, &["--json", "list"]).await;
    assert_success(&output);
    let page: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("list --json prints JSON");
    page["keypairs"]
        .as_array()
        .expect("keypairs array")
        .iter()
        .map(|k| k["name"].as_str().expect("name").to_owned())
        .collect()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_writes_the_private_key_with_mode_0600_and_never_overwrites_silently() {
    let server = start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let key_path = dir.path().join("deploy.pem");
    let key_arg = key_path.to_str().expect("utf-8 path");

    let output = run(
        &server,
        &[
            "create",
            "--name",
            "deploy",
            "--description",
            "cli test",
            "--private-key-file",
            key_arg,
        ],
    )
    .await;
    assert_success(&output);
    let pem = std::fs::read_to_string(&key_path).expect("key file");
    assert!(
        pem.starts_with("-----BEGIN") && pem.contains("PRIVATE KEY-----"),
        "{pem}"
    );
    #[cfg(unix)]
    assert_eq!(mode(&key_path), 0o600);
    assert!(stdout(&output).contains("deploy"), "{}", stdout(&output));
    assert!(
        !stdout(&output).contains("PRIVATE KEY"),
        "the key goes to the file only"
    );

    // The file exists: refused before any key pair is made.
    let refused = run(
        &server,
        &["create", "--name", "second", "--private-key-file", key_arg],
    )
    .await;
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("already exists"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        std::fs::read_to_string(&key_path).expect("key file"),
        pem,
        "untouched"
    );
    assert_eq!(keypair_names(&server).await, ["deploy"]);

    force_replaces_the_key_file(&server, &key_path).await;
    server.stop().await;
}

/// `create --force` over the existing key file of `deploy`: a second key pair, its key in
/// the file, mode 0600 again even if the old file was more open.
async fn force_replaces_the_key_file(server: &RunningServer, key_path: &Path) {
    let key_arg = key_path.to_str().expect("utf-8 path");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(key_path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    let forced = run(
        server,
        &[
            "create",
            "--name",
            "second",
            "--private-key-file",
            key_arg,
            "--force",
        ],
    )
    .await;
    assert_success(&forced);
    let replaced = std::fs::read_to_string(key_path).expect("key file");
    assert!(replaced.contains("PRIVATE KEY-----"));
    #[cfg(unix)]
    assert_eq!(mode(key_path), 0o600);

    let mut names = keypair_names(server).await;
    names.sort();
    assert_eq!(names, ["deploy", "second"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_create_removes_the_new_key_file() {
    let server = start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let key_path = dir.path().join("never.pem");
    // Description of 141 characters: refused before the file is even created.
    let long = "d".repeat(141);
    let output = run(
        &server,
        &[
            "create",
            "--name",
            "kp",
            "--description",
            &long,
            "--private-key-file",
            key_path.to_str().expect("utf-8"),
        ],
    )
    .await;
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("Keypair.KeypairDescriptionInvalid"),
        "{}",
        stderr(&output)
    );
    assert!(!key_path.exists());
    server.stop().await;

    // Refused by the service after the file was created: the new file is removed again.
    let full = start_with_quota(0).await;
    let output = run(
        &full,
        &[
            "create",
            "--name",
            "kp",
            "--private-key-file",
            key_path.to_str().expect("utf-8"),
        ],
    )
    .await;
    // Exit status 5: conflict or quota.
    assert_eq!(output.status.code(), Some(5));
    assert!(
        stderr(&output).contains("Keypair.KeypairQuotaExceedLimit"),
        "{}",
        stderr(&output)
    );
    assert!(!key_path.exists(), "the empty key file is removed");
    full.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_json_and_table() {
    let server = start().await;
    for name in ["alpha", "beta", "gamma"] {
        assert_success(&run(&server, &["create", "--name", name]).await);
    }
    let output = run(&server, &["--json", "list", "--max-keys", "2"]).await;
    assert_success(&output);
    let page: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(page["keypairs"].as_array().map(Vec::len), Some(2));
    assert_eq!(page["isTruncated"], true);
    assert!(page["nextMarker"].is_string());

    let all = run(&server, &["--json", "list", "--all", "--max-keys", "1"]).await;
    assert_success(&all);
    let all: serde_json::Value = serde_json::from_slice(&all.stdout).expect("JSON");
    let mut names: Vec<&str> = all["keypairs"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|k| k["name"].as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["alpha", "beta", "gamma"]);
    assert!(
        all["keypairs"][0].get("privateKey").is_none(),
        "list never shows private keys"
    );

    let table = run(&server, &["list"]).await;
    assert_success(&table);
    let text = stdout(&table);
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .is_some_and(|header| header.starts_with("ID") && header.contains("NAME")),
        "{text}"
    );
    assert_eq!(lines.filter(|l| l.starts_with("k-")).count(), 3, "{text}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_print_code_message_and_request_id_and_exit_non_zero() {
    let server = start().await;
    let output = run(&server, &["get", "k-missing0"]).await;
    // Exit status 4: not found.
    assert_eq!(output.status.code(), Some(4));
    let err = stderr(&output);
    assert!(err.contains("Keypair.KeypairNotExist"), "{err}");
    assert!(err.contains("Keypair not exist."), "{err}");
    let request_id = err
        .lines()
        .find_map(|line| line.trim().strip_prefix("request id:"))
        .map(str::trim)
        .expect("a request id line");
    assert!(!request_id.is_empty() && request_id != "(none)", "{err}");
    assert!(stdout(&output).is_empty());

    // Refused before sending, with the code the service would answer.
    let invalid = run(
        &server,
        &["rename", "k-missing0", "--name", "1starts-with-digit"],
    )
    .await;
    assert_eq!(invalid.status.code(), Some(1));
    assert!(
        stderr(&invalid).contains("Keypair.KeypairNameInvalid"),
        "{}",
        stderr(&invalid)
    );

    // Every subcommand reaches the service (and its error path) with valid input.
    for args in [
        &["attach", "k-missing0", "--instance-id", "i-1,i-2"][..],
        &["detach", "k-missing0", "--instance-id", "i-1"],
        &["delete", "k-missing0"],
        &["update-description", "k-missing0", "--description", "x"],
    ] {
        let output = run(&server, args).await;
        assert_eq!(output.status.code(), Some(4), "{args:?}");
        assert!(
            stderr(&output).contains("Keypair.KeypairNotExist"),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_subcommand_succeeds_on_a_real_keypair() {
    let server = start().await;
    let created = run(&server, &["--json", "create", "--name", "full"]).await;
    assert_success(&created);
    let keypair: serde_json::Value = serde_json::from_slice(&created.stdout).expect("JSON");
    assert!(
        keypair["privateKey"]
            .as_str()
            .is_some_and(|k| k.contains("PRIVATE KEY")),
        "shown once without a file"
    );
    let id = keypair["keypairId"].as_str().expect("id").to_owned();

    let public_key = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBF0DJcujwjUzYWqlejXMXgNdwFbLK6NWjm2kGFtYko1uP0wN/uTDFyhGA9IZUDi6TAnKm2ccQwfmuGL1rPyd15o= cli@test";
    assert_success(
        &run(
            &server,
            &["import", "--name", "imported", "--public-key", public_key],
        )
        .await,
    );
    assert_success(&run(&server, &["rename", &id, "--name", "renamed"]).await);
    assert_success(
        &run(
            &server,
            &["update-description", &id, "--description", "new words"],
        )
        .await,
    );
    let got = run(&server, &["--json", "get", &id]).await;
    assert_success(&got);
    let got: serde_json::Value = serde_json::from_slice(&got.stdout).expect("JSON");
    assert_eq!(
        (got["name"].as_str(), got["description"].as_str()),
        (Some("renamed"), Some("new words"))
    );
    assert_success(&run(&server, &["delete", &id]).await);
    assert_eq!(keypair_names(&server).await, ["imported"]);
    server.stop().await;
}

#[test]
fn missing_credentials_are_a_clear_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_bcc-keypair"))
        .env_remove("BCE_ACCESS_KEY_ID")
        .env_remove("BCE_SECRET_ACCESS_KEY")
        .env_remove("BCC_ENDPOINT")
        .env_remove("BCC_REGION")
        .args(["--region", "bj", "get", "k-1"])
        .output()
        .expect("run");
    // Exit status 3: authentication.
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr(&output).contains("BCE_ACCESS_KEY_ID"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_stdout_ends_quietly() {
    // `bcc-keypair list | head -1`: the reader goes away before the output is written.
    let server = start().await;
    for name in ["one", "two"] {
        assert_success(&run(&server, &["create", "--name", name]).await);
    }
    let endpoint = server.url();
    let output = tokio::task::spawn_blocking(move || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_bcc-keypair"))
            .args(["--endpoint", &endpoint])
            .args([
                "--access-key-id",
                ACCESS_KEY,
                "--secret-access-key",
                SECRET_KEY,
            ])
            .args(["--json", "list"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        drop(child.stdout.take());
        child.wait_with_output().expect("wait")
    })
    .await
    .expect("join");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    server.stop().await;
}
