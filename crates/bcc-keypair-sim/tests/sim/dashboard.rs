//! The dashboard at `GET /__sim/`: what it shows, what it never shows, its escaping, and the
//! page as headless Chromium renders it (a screenshot lands in `target/dashboard.png`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bcc_keypair_sim::SessionCredentials;
use http::Method;

use crate::support::*;

const HOSTILE_INSTANCE: &str = "<script>alert('instance')</script>";
const HOSTILE_DESCRIPTION: &str = "<img src=x onerror=alert(1)><script>alert('desc')</script>";
const SESSION_TOKEN: &str = "dashboard-session-token";
const SESSION_SECRET: &str = "dashboard-session-secret";

/// A simulator with a key pair bound to an instance, a hostile instance id and description,
/// session credentials, a fault, and a few requests in the journal (one refused).
async fn populated() -> (Harness, String, String) {
    let sim = builder()
        .session_credentials(SessionCredentials::new(
            "dashboard-sts",
            SESSION_SECRET,
            SESSION_TOKEN,
        ))
        .build()
        .unwrap();
    let h = Harness::new(sim);
    h.seed_instances(serde_json::json!([
        {"instanceId": "i-bound"},
        {"instanceId": HOSTILE_INSTANCE, "region": "gz"},
    ]))
    .await;
    let created = h
        .call(
            Method::POST,
            "/v2/keypair",
            &serde_json::json!({"name": "kp-dash", "description": HOSTILE_DESCRIPTION}).to_string(),
        )
        .await
        .ok();
    let id = created.json["keypair"]["keypairId"]
        .as_str()
        .unwrap()
        .to_owned();
    let private_key = created.json["keypair"]["privateKey"]
        .as_str()
        .unwrap()
        .to_owned();
    h.bind("attach", &id, &["i-bound"]).await.ok();
    Harness::new(h.sim.clone())
        .with_credentials(AK, "wrong-secret")
        .call(Method::GET, "/v2/keypair", "")
        .await
        .error(400, "SignatureDoesNotMatch");
    h.control(
        Method::POST,
        "/__sim/faults",
        r#"{"operation":"delete","count":2,"status":503,"code":"InternalError"}"#,
    )
    .await
    .ok();
    (h, id, private_key)
}

async fn page(h: &Harness) -> (http::HeaderMap, String) {
    let request = http::Request::get("/__sim/")
        .body(bytes::Bytes::new())
        .unwrap();
    let response = h.sim.handle(request).await;
    assert_eq!(response.status(), 200);
    let (parts, body) = response.into_parts();
    (parts.headers, String::from_utf8(body.to_vec()).unwrap())
}

/// What the page must never contain.
fn assert_no_secrets(text: &str, private_key: &str) {
    for secret in [SK, OTHER_SK, SESSION_SECRET, SESSION_TOKEN, "PRIVATE KEY"] {
        assert!(!text.contains(secret), "{secret} shown");
    }
    let key_body = private_key.lines().nth(1).unwrap();
    assert!(!text.contains(key_body), "the private key is shown");
}

#[tokio::test]
async fn the_page_shows_the_state_escaped_and_without_secrets() {
    let (h, id, private_key) = populated().await;
    let (headers, html) = page(&h).await;
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    for shown in [
        "Accounts and regions",
        id.as_str(),
        "kp-dash",
        "i-bound",
        "dashboard-sts",
        "operation=delete",
        "SignatureDoesNotMatch",
        "/__sim/credentials",
        "<details",
    ] {
        assert!(html.contains(shown), "{shown} missing");
    }
    assert!(html.contains("&lt;script&gt;alert('instance')&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!html.contains("<script"), "a script element on the page");
    assert!(!html.contains("<img"), "an img element on the page");
    assert_no_secrets(&html, &private_key);
    // HEAD answers the same headers without the page; the dashboard is not journaled.
    let head = http::Request::head("/__sim/")
        .body(bytes::Bytes::new())
        .unwrap();
    let response = h.sim.handle(head).await;
    assert_eq!(response.status(), 200);
    assert!(response.body().is_empty());
    let journal = h.control(Method::GET, "/__sim/requests", "").await.ok();
    let paths: Vec<&str> = journal.json["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(paths.iter().all(|p| p.starts_with("/v2/")), "{paths:?}");
}

/// `target/` of this build: the parent of the integration tests' scratch directory.
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Headless Chromium on `url`: the rendered DOM, and a screenshot at `screenshot`.
fn chromium(url: &str, screenshot: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let run = |mode: &str| {
        let mut child = Command::new("/usr/bin/chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1280,1600",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(mode)
            .arg(url)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        while child.try_wait().unwrap().is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("chromium {mode} did not finish in 60 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut out = String::new();
        std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
        out
    };
    let dom = run("--dump-dom");
    run(&format!("--screenshot={}", screenshot.display()));
    dom
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headless_chromium_renders_the_page() {
    if !Path::new("/usr/bin/chromium").exists() {
        assert!(
            std::env::var_os("BCC_REQUIRE_CHROMIUM").is_none(),
            "BCC_REQUIRE_CHROMIUM is set but /usr/bin/chromium is missing"
        );
        println!("note: /usr/bin/chromium is absent; the dashboard was not loaded in a browser");
        return;
    }
    let (h, id, private_key) = populated().await;
    let server = bcc_keypair_sim::server::spawn_local(h.sim.clone())
        .await
        .unwrap();
    let url = format!("{}/__sim/", server.base_url());
    let screenshot = target_dir().join("dashboard.png");
    let _ = std::fs::remove_file(&screenshot);
    let shot = screenshot.clone();
    let dom = tokio::task::spawn_blocking(move || chromium(&url, &shot))
        .await
        .unwrap();
    server.shutdown().await;
    for shown in [
        "<h1>bcc-keypair-sim</h1>",
        "Accounts and regions",
        id.as_str(),
        "kp-dash",
        "dashboard-sts",
        "&lt;script&gt;alert('instance')&lt;/script&gt;",
    ] {
        assert!(
            dom.contains(shown),
            "{shown} missing from the rendered DOM:\n{dom}"
        );
    }
    // The browser built no element from stored text: no script, no image.
    assert!(!dom.contains("<script"), "{dom}");
    assert!(!dom.contains("<img"), "{dom}");
    assert_eq!(dom.matches("<details").count(), 3, "one per API request");
    assert_no_secrets(&dom, &private_key);
    let png = std::fs::read(&screenshot).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    println!("dashboard screenshot: {}", screenshot.display());
}
