//! Tracing output: spans per operation and attempt, and never a secret.

use std::io::Write;
use std::sync::{Arc, Mutex};

use bcc_keypair_client::Client;
use bcc_keypair_client::test_util::CaptureTransport;
use bcc_keypair_model::{KeypairId, KeypairName};
use tracing_subscriber::fmt::MakeWriter;

use crate::support::{InProcess, SECRET_KEY, config, simulator};

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Collected(Arc<Mutex<Vec<u8>>>);

impl Collected {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

impl Write for Collected {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Collected {
    type Writer = Collected;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn logs_name_operations_and_attempts_but_no_secret() {
    let collected = Collected::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(collected.clone())
        // Everything the client and its dependencies say, at the most verbose level; the
        // simulator's own logs are not the client's.
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "trace,bcc_keypair_sim=off",
        ))
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let transport = CaptureTransport::new(InProcess(simulator()));
    let client = Client::new(config("http://127.0.0.1:8080"), &transport);
    let created = client
        .create_keypair(KeypairName::new("logged").expect("name"), None)
        .await
        .expect("create");
    let private_key = created.private_key.clone().expect("private key");
    let _missing = client
        .get_keypair(&KeypairId::new("k-missing0").expect("id"))
        .await
        .expect_err("404");

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
