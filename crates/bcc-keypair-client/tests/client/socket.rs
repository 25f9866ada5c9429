//! The client against the simulator over a real socket, with both transports.

use std::time::Duration;

use bcc_keypair_client::{Client, Error, ListKeypairs, Timeouts, TransportErrorKind};
use bcc_keypair_sim::server::spawn_local;

use crate::simulator::{seed_instances, tour};
use crate::support::{config, simulator, unknown_ids_are_answered};

#[cfg(feature = "reqwest")]
#[tokio::test]
async fn all_nine_operations_over_reqwest() {
    let sim = simulator();
    seed_instances(&sim).await;
    let server = spawn_local(sim).await.expect("bind 127.0.0.1:0");
    let client = Client::with_reqwest(config(&server.base_url())).expect("reqwest client");
    tour(&client).await;
    server.shutdown().await;
}

#[cfg(feature = "hyper")]
#[tokio::test]
async fn all_nine_operations_over_hyper() {
    let sim = simulator();
    seed_instances(&sim).await;
    let server = spawn_local(sim).await.expect("bind 127.0.0.1:0");
    let client = Client::with_hyper(config(&server.base_url()));
    tour(&client).await;
    server.shutdown().await;
}

/// An address where nothing listens: bind a port, then close it.
async fn closed_port_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}

async fn expect_connect_failure<T: bcc_keypair_client::Transport>(client: Client<T>) {
    let error = client
        .list_keypairs(&ListKeypairs::new())
        .await
        .expect_err("nothing listens");
    match error {
        Error::Transport(error) => {
            assert_eq!(error.kind(), TransportErrorKind::Connect, "{error}");
            assert!(error.is_retry_safe());
        }
        other => panic!("expected a transport error, got {other}"),
    }
}

#[cfg(feature = "reqwest")]
#[tokio::test]
async fn reqwest_reports_a_refused_connection_as_a_safe_connect_error() {
    let config = config(&closed_port_url().await).with_timeouts(Timeouts::new(
        Duration::from_secs(5),
        Duration::from_secs(5),
    ));
    expect_connect_failure(Client::with_reqwest(config).expect("client")).await;
}

#[cfg(feature = "hyper")]
#[tokio::test]
async fn hyper_reports_a_refused_connection_as_a_safe_connect_error() {
    let config = config(&closed_port_url().await).with_timeouts(Timeouts::new(
        Duration::from_secs(5),
        Duration::from_secs(5),
    ));
    expect_connect_failure(Client::with_hyper(config)).await;
}

#[cfg(feature = "hyper")]
#[tokio::test]
async fn hyper_refuses_https_without_sending() {
    let client = Client::with_hyper(config("https://127.0.0.1:9"));
    match client.list_keypairs(&ListKeypairs::new()).await {
        Err(Error::Transport(error)) => {
            assert_eq!(error.kind(), TransportErrorKind::InvalidRequest)
        }
        other => panic!("expected an invalid-request transport error, got {other:?}"),
    }
}

/// Ids that need escaping, over a real socket (`keypair-api.md` Appendix A.3). Each is a
/// valid id of a key pair that does not exist: the service must verify the signature and
/// answer `Keypair.KeypairNotExist`.
const ODD_IDS: [&str; 6] = ["k-a:b~c*d", "测试", "a b", "a%2Fb", "k-a/b", "k-[x]?y#z"];

#[cfg(feature = "reqwest")]
#[tokio::test]
async fn escaped_ids_over_reqwest() {
    use bcc_keypair_model::KeypairId;
    let server = spawn_local(simulator()).await.expect("bind");
    let client = Client::with_reqwest(config(&server.base_url())).expect("client");
    unknown_ids_are_answered(&client, &ODD_IDS, "测 试+x&y=z").await;
    // The URL parser under reqwest folds a `..` segment even when escaped; the transport
    // refuses to send a path other than the one signed.
    let error = client
        .get_keypair(&KeypairId::new("..").expect("id"))
        .await
        .expect_err("refused");
    assert!(
        matches!(&error, Error::Transport(e) if e.kind() == TransportErrorKind::InvalidRequest),
        "{error}"
    );
    server.shutdown().await;
}

#[cfg(feature = "hyper")]
#[tokio::test]
async fn escaped_ids_over_hyper() {
    use bcc_keypair_model::{ErrorCode, KeypairId};
    let server = spawn_local(simulator()).await.expect("bind");
    let client = Client::with_hyper(config(&server.base_url()));
    unknown_ids_are_answered(&client, &ODD_IDS, "测 试+x&y=z").await;
    // hyper sends the path as given, so even a dot-only id arrives.
    let error = client
        .get_keypair(&KeypairId::new("..").expect("id"))
        .await
        .expect_err("does not exist");
    assert_eq!(error.code(), Some(&ErrorCode::KeypairNotExist), "{error}");
    server.shutdown().await;
}

/// A server that accepts connections and never answers.
async fn silent_server() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    (url, task)
}

async fn expect_timeout<T: bcc_keypair_client::Transport>(client: Client<T>) {
    use bcc_keypair_model::KeypairId;
    let error = client
        .delete_keypair(&KeypairId::new("k-1").expect("id"))
        .await
        .expect_err("no answer");
    match error {
        Error::Transport(error) => {
            assert_eq!(error.kind(), TransportErrorKind::Timeout, "{error}");
            assert!(!error.is_retry_safe() && error.may_have_been_delivered());
        }
        other => panic!("expected a timeout, got {other}"),
    }
}

fn short_timeouts(url: &str) -> bcc_keypair_client::Config {
    config(url).with_timeouts(Timeouts::new(
        Duration::from_secs(5),
        Duration::from_millis(200),
    ))
}

#[cfg(feature = "reqwest")]
#[tokio::test]
async fn reqwest_applies_the_request_timeout() {
    let (url, task) = silent_server().await;
    expect_timeout(Client::with_reqwest(short_timeouts(&url)).expect("client")).await;
    task.abort();
}

#[cfg(feature = "hyper")]
#[tokio::test]
async fn hyper_applies_the_request_timeout() {
    let (url, task) = silent_server().await;
    expect_timeout(Client::with_hyper(short_timeouts(&url))).await;
    task.abort();
}
