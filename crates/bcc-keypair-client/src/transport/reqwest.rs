//! [`ReqwestTransport`]: the default transport, over a `reqwest` client with rustls.

use bytes::Bytes;

use super::{Transport, TransportError, TransportErrorKind, innermost_message};
use crate::config::Timeouts;

/// Sends requests with `reqwest` (rustls for HTTPS, so no system OpenSSL).
///
/// `reqwest` keeps the `Host`, `Content-Type` and `Content-Length` headers the client set and
/// signed; the only header it may add is `Accept`, which is not signed. It follows no
/// redirects: a redirect is handed back as a response, because following it would send the
/// signed request somewhere the signature does not cover.
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: ::reqwest::Client,
}

impl ReqwestTransport {
    /// A transport with its own connection pool and the given timeouts.
    ///
    /// # Errors
    ///
    /// [`TransportErrorKind::Other`] if `reqwest` cannot set up its TLS backend.
    pub fn new(timeouts: &Timeouts) -> Result<Self, TransportError> {
        let client = ::reqwest::Client::builder()
            .connect_timeout(timeouts.connect())
            .timeout(timeouts.request())
            .redirect(::reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| {
                TransportError::new(TransportErrorKind::Other, "building the reqwest client")
                    .with_source(error)
            })?;
        Ok(Self { client })
    }

    /// Wraps a `reqwest` client configured by the caller (proxies, TLS roots, pools).
    ///
    /// Its own timeouts apply; it should not follow redirects (see the type docs).
    #[must_use]
    pub fn from_client(client: ::reqwest::Client) -> Self {
        Self { client }
    }
}

impl Transport for ReqwestTransport {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let path_and_query = request
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default();
        let request = ::reqwest::Request::try_from(request).map_err(classify)?;
        // reqwest parses the URI as a WHATWG URL, which folds dot segments (also `%2E%2E`)
        // and may re-escape characters. The path and query were signed as given, so a
        // rewritten one would be refused by the service; better not to send it.
        let url = request.url();
        let sent = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        if sent != path_and_query {
            return Err(TransportError::new(
                TransportErrorKind::InvalidRequest,
                format!(
                    "the URL parser would send {sent:?} instead of the signed {path_and_query:?}"
                ),
            ));
        }
        let response = self.client.execute(request).await.map_err(classify)?;
        let mut builder = http::Response::builder()
            .status(response.status())
            .version(response.version());
        if let Some(headers) = builder.headers_mut() {
            headers.extend(
                response
                    .headers()
                    .iter()
                    .map(|(name, value)| (name.clone(), value.clone())),
            );
        }
        let body = response.bytes().await.map_err(classify)?;
        builder.body(body).map_err(|error| {
            TransportError::new(TransportErrorKind::Other, "assembling the response")
                .with_source(error)
        })
    }
}

/// Maps a `reqwest` error onto the kinds that decide retry safety.
fn classify(error: ::reqwest::Error) -> TransportError {
    // A connect timeout is both a connect and a timeout error: it is a connect failure, the
    // request never left, so test `is_connect` first.
    let kind = if error.is_builder() {
        TransportErrorKind::InvalidRequest
    } else if error.is_connect() {
        TransportErrorKind::Connect
    } else if error.is_timeout() {
        TransportErrorKind::Timeout
    } else if error.is_request() || error.is_body() || error.is_decode() {
        TransportErrorKind::Interrupted
    } else {
        TransportErrorKind::Other
    };
    let message = innermost_message(&error);
    TransportError::new(kind, message).with_source(error)
}
