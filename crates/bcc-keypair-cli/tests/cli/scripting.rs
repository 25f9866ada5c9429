//! What scripts rely on: exit statuses by class, JSON errors with `--json`, no colour codes
//! into a pipe, shell completions, the endpoint over the region, atomic `--force` writes.

use std::process::Output;

use crate::{
    ACCESS_KEY, RunningServer, SECRET_KEY, assert_success, run, run_bare, start, stderr, stdout,
};

fn json_error(output: &Output) -> serde_json::Value {
    let text = stderr(output);
    let line = text.lines().last().unwrap_or_default();
    let value: serde_json::Value =
        serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: stderr is not JSON: {text}"));
    value["error"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_errors_go_to_stderr_as_one_object_with_the_exit_status() {
    let server = start().await;
    let output = run(&server, &["--json", "get", "k-missing0"]).await;
    assert_eq!(output.status.code(), Some(4));
    assert!(stdout(&output).is_empty());
    let error = json_error(&output);
    assert_eq!(error["class"], "not_found");
    assert_eq!(error["exitStatus"], 4);
    assert_eq!(error["code"], "Keypair.KeypairNotExist");
    assert_eq!(error["status"], 404);
    assert_eq!(error["message"], "Keypair not exist.");
    assert!(error["requestId"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(error["retryable"], false);

    // Refused before sending: class "other", the code the service would answer.
    let output = run(
        &server,
        &["--json", "rename", "k-missing0", "--name", "1bad"],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    let error = json_error(&output);
    assert_eq!(error["code"], "Keypair.KeypairNameInvalid");
    assert_eq!(error["status"], serde_json::Value::Null);

    // Wrong secret: authentication.
    let endpoint = server.url();
    let output = run_bare(
        &[],
        &[
            "--json",
            "--endpoint",
            &endpoint,
            "--access-key-id",
            ACCESS_KEY,
            "--secret-access-key",
            "not-the-secret",
            "get",
            "k-missing0",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert_eq!(json_error(&output)["code"], "SignatureDoesNotMatch");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_that_cannot_reach_the_service_exits_6_with_its_client_token() {
    // A port nothing listens on: bind one, then free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("port")
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let output = run_bare(
        &[
            ("BCE_ACCESS_KEY_ID", ACCESS_KEY),
            ("BCE_SECRET_ACCESS_KEY", SECRET_KEY),
        ],
        &[
            "--json",
            "--endpoint",
            &endpoint,
            "--max-attempts",
            "1",
            "create",
            "--name",
            "kp",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(6), "{}", stderr(&output));
    let error = json_error(&output);
    assert_eq!(error["class"], "service");
    assert_eq!(error["retryable"], true, "a refused connect sent nothing");
    assert!(
        error["clientToken"].as_str().is_some_and(|t| t.len() == 36),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2_and_are_json_with_json() {
    let output = run_bare(&[], &["--json", "get"]).await;
    assert_eq!(output.status.code(), Some(2));
    let error = json_error(&output);
    assert_eq!(error["class"], "usage");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("<ID>")),
        "{error}"
    );

    let help = run_bare(&[], &["--help"]).await;
    assert_success(&help);
    for line in ["Exit status:", "4  not found", "6  service or network"] {
        assert!(stdout(&help).contains(line), "{line}: {}", stdout(&help));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_colour_codes_reach_a_pipe() {
    let server = start().await;
    let output = run(&server, &["--verbose", "get", "k-missing0"]).await;
    assert_eq!(output.status.code(), Some(4));
    let err = stderr(&output);
    assert!(err.contains("bcc_keypair"), "the log is there: {err}");
    assert!(err.contains("error: Keypair.KeypairNotExist"), "{err}");
    assert!(!err.contains('\u{1b}'), "no escape codes: {err:?}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completions_for_bash_zsh_and_fish() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef bcc-keypair"),
        ("fish", "complete -c bcc-keypair"),
    ] {
        let output = run_bare(&[], &["completions", shell]).await;
        assert_success(&output);
        let script = stdout(&output);
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(script.contains("update-description"), "{shell}");
    }
    let output = run_bare(&[], &["completions", "tcsh"]).await;
    assert_eq!(output.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_explicit_endpoint_wins_over_bcc_region() {
    let server = start().await;
    let endpoint = server.url();
    let output = run_bare(
        &[
            ("BCC_REGION", "bj"),
            ("BCE_ACCESS_KEY_ID", ACCESS_KEY),
            ("BCE_SECRET_ACCESS_KEY", SECRET_KEY),
        ],
        &["--endpoint", &endpoint, "--json", "list"],
    )
    .await;
    assert_success(&output);
    let page: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert!(page["keypairs"].is_array());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn force_writes_leave_no_temporary_file_behind() {
    let server: RunningServer = start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let key_path = dir.path().join("id.pem");
    std::fs::write(&key_path, "old key\n").expect("old key");
    let key_arg = key_path.to_str().expect("utf-8");
    let forced = run(
        &server,
        &[
            "create",
            "--name",
            "forced",
            "--private-key-file",
            key_arg,
            "--force",
        ],
    )
    .await;
    assert_success(&forced);
    let pem = std::fs::read_to_string(&key_path).expect("key");
    assert!(pem.contains("PRIVATE KEY-----"), "{pem}");
    #[cfg(unix)]
    assert_eq!(crate::mode(&key_path), 0o600);
    let entries: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|entry| entry.expect("entry").file_name())
        .collect();
    assert_eq!(entries, [std::ffi::OsString::from("id.pem")]);
    server.stop().await;
}
