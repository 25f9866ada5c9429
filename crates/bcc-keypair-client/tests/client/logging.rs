//! Tracing output: spans per operation and attempt, and never a secret.

use std::cell::RefCell;
use std::io::Write;
use std::sync::{Arc, Mutex, Once};

use bcc_keypair_client::Client;
use bcc_keypair_client::test_util::CaptureTransport;
use bcc_keypair_model::{KeypairId, KeypairName};
use tracing_subscriber::fmt::MakeWriter;

use crate::support::{InProcess, SECRET_KEY, config, simulator};

thread_local! {
    /// Where this thread's log output goes while a test captures it.
    static CAPTURE: RefCell<Option<Arc<Mutex<Vec<u8>>>>> = const { RefCell::new(None) };
}

/// A writer that appends to the current thread's capture buffer, if any, and drops the
/// output of every other thread (tests run in parallel threads of one process).
struct ThreadCapture;

impl Write for ThreadCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CAPTURE.with(|capture| {
            if let Some(buffer) = capture.borrow().as_ref() {
                buffer
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for ThreadCapture {
    type Writer = ThreadCapture;
    fn make_writer(&'a self) -> Self::Writer {
        ThreadCapture
    }
}

/// Installs, once per process, a global subscriber at the most verbose level writing to
/// [`ThreadCapture`]. A global subscriber (rather than a scoped one) keeps callsite interest
/// stable while other tests log from other threads.
fn install_subscriber() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(ThreadCapture)
            // Everything the client and its dependencies say; the simulator's own logs are
            // not the client's.
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "trace,bcc_keypair_sim=off",
            ))
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("first subscriber");
    });
}

/// Captures the log output of this thread until dropped.
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn start() -> Self {
        install_subscriber();
        let buffer = Arc::new(Mutex::new(Vec::new()));
        CAPTURE.with(|capture| *capture.borrow_mut() = Some(buffer.clone()));
        Self(buffer)
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

impl Drop for Captured {
    fn drop(&mut self) {
        CAPTURE.with(|capture| *capture.borrow_mut() = None);
    }
}

/// Creates a key pair named `name`.
async fn create<T: bcc_keypair_client::Transport>(
    client: &Client<T>,
    name: &str,
) -> bcc_keypair_model::KeypairModel {
    client
        .create_keypair(KeypairName::new(name).expect("name"))
        .send()
        .await
        .expect("create")
}

#[tokio::test]
async fn logs_name_operations_and_attempts_but_no_secret() {
    let collected = Captured::start();

    let transport = CaptureTransport::new(InProcess(simulator()));
    let client = Client::new(config("http://127.0.0.1:8080"), &transport);
    let created = create(&client, "logged").await;
    let private_key = created.private_key.clone().expect("private key");
    let _missing = client
        .get_keypair(&KeypairId::new("k-missing0").expect("id"))
        .await
        .expect_err("404");

    // The same over a real socket with both transports, so that their own logging is
    // covered too.
    let sim = simulator();
    let server = bcc_keypair_sim::server::spawn_local(sim)
        .await
        .expect("bind");
    #[cfg(feature = "reqwest")]
    {
        let client = Client::with_reqwest(config(&server.base_url())).expect("client");
        let _ = client
            .get_keypair(&KeypairId::new("k-missing1").expect("id"))
            .await;
        let over_socket = create(&client, "logged2").await;
        assert!(over_socket.private_key.is_some());
    }
    #[cfg(feature = "hyper")]
    {
        let client = Client::with_hyper(config(&server.base_url()));
        let over_socket = create(&client, "logged3").await;
        assert!(over_socket.private_key.is_some());
    }
    server.shutdown().await;

    let output = collected.text();
    for expected in [
        "bcc_keypair",
        "operation=\"create_keypair\"",
        "operation=\"get_keypair\"",
        "attempt",
        "attempt=1",
        "status=200",
        "status=404",
        "request_id=",
    ] {
        assert!(
            output.contains(expected),
            "missing {expected:?} in:\n{output}"
        );
    }
    assert!(!output.contains(SECRET_KEY), "secret key logged:\n{output}");
    assert!(
        !output.contains("PRIVATE KEY"),
        "private key marker logged:\n{output}"
    );
    let private_key_body = private_key.lines().nth(1).expect("PEM body line");
    assert!(
        !output.contains(private_key_body),
        "private key material logged"
    );
    for request in transport.requests() {
        let authorization = request.headers()["authorization"].to_str().expect("text");
        let signature = authorization.rsplit('/').next().expect("signature");
        assert_eq!(signature.len(), 64);
        assert!(!output.contains(signature), "signature logged:\n{output}");
        assert!(!output.contains(authorization), "authorization logged");
    }
}

#[test]
fn plain_http_to_a_host_that_is_not_loopback_is_warned_about() {
    use bcc_keypair_client::Endpoint;
    let collected = Captured::start();
    for quiet in [
        "http://127.0.0.1:8480",
        "http://localhost:8480",
        "http://[::1]:8480",
        "https://bcc.bj.baidubce.com",
    ] {
        Endpoint::url(quiet).expect("endpoint");
    }
    assert!(!collected.text().contains("WARN"), "{}", collected.text());
    Endpoint::url("http://10.0.0.7:8480").expect("endpoint");
    let output = collected.text();
    assert!(output.contains("WARN"), "{output}");
    assert!(output.contains("http://10.0.0.7:8480"), "{output}");
    assert!(output.contains("unencrypted"), "{output}");
    assert_eq!(
        Endpoint::region("bj").expect("region").scheme(),
        "https",
        "regions are HTTPS by default"
    );
}
