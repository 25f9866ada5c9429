//! The client against the simulator over a real socket, with both transports.

use std::time::Duration;

use bcc_keypair_client::{Client, Error, ListKeypairs, Timeouts, TransportErrorKind};
use bcc_keypair_sim::server::spawn_local;

use crate::simulator::{seed_instances, tour};
use crate::support::{config, simulator};

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
