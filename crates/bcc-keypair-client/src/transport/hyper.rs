//! [`HyperTransport`]: a transport over the `hyper-util` legacy client, plain HTTP only.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as LegacyClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use super::{Transport, TransportError, TransportErrorKind, innermost_message};
use crate::config::Timeouts;

/// Sends requests with the `hyper-util` legacy client over plain HTTP.
///
/// It has no TLS: it is meant for the simulator, tests and endpoints behind a local
/// TLS-terminating proxy. An `https` endpoint fails with
/// [`TransportErrorKind::InvalidRequest`]; use the `reqwest` transport for HTTPS.
///
/// hyper writes the request exactly as given (it keeps the `Host` and `Content-Length` the
/// client set). The connect timeout is the connector's; the request timeout covers sending
/// the request and reading the whole response body.
#[derive(Clone, Debug)]
pub struct HyperTransport {
    client: LegacyClient<HttpConnector, Full<Bytes>>,
    request_timeout: Duration,
}

impl HyperTransport {
    /// A transport with its own connection pool and the given timeouts.
    #[must_use]
    pub fn new(timeouts: &Timeouts) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_connect_timeout(Some(timeouts.connect()));
        connector.set_nodelay(true);
        let client = LegacyClient::builder(TokioExecutor::new()).build(connector);
        Self {
            client,
            request_timeout: timeouts.request(),
        }
    }
}

impl Transport for HyperTransport {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        if request.uri().scheme() != Some(&http::uri::Scheme::HTTP) {
            return Err(TransportError::new(
                TransportErrorKind::InvalidRequest,
                "the hyper transport speaks plain http only",
            ));
        }
        let exchange = async {
            let response = self
                .client
                .request(request.map(Full::new))
                .await
                .map_err(classify)?;
            let (parts, body) = response.into_parts();
            let body = body.collect().await.map_err(|error| {
                TransportError::new(TransportErrorKind::Interrupted, error.to_string())
                    .with_source(error)
            })?;
            Ok(http::Response::from_parts(parts, body.to_bytes()))
        };
        match tokio::time::timeout(self.request_timeout, exchange).await {
            Ok(result) => result,
            Err(elapsed) => Err(TransportError::new(
                TransportErrorKind::Timeout,
                format!("no full response within {:?}", self.request_timeout),
            )
            .with_source(elapsed)),
        }
    }
}

/// Maps a legacy-client error onto the kinds that decide retry safety.
fn classify(error: hyper_util::client::legacy::Error) -> TransportError {
    let kind = if error.is_connect() {
        TransportErrorKind::Connect
    } else {
        // hyper already resends requests that were cancelled before being written; what
        // reaches us may have been delivered.
        TransportErrorKind::Interrupted
    };
    let message = innermost_message(&error);
    TransportError::new(kind, message).with_source(error)
}
