//! Turning an [`OperationRequest`] into the signed `http::Request` that goes on the wire.
//!
//! The client sets every header it signs itself — `Host`, `Content-Type`, and with a body
//! `Content-Length` and `Content-MD5` — and signs exactly those values, plus the
//! `x-bce-date` (and, with STS credentials, `x-bce-security-token`) the signer adds
//! (`auth-v1.md` §2.4). The `signedHeaders` field lists them, like the Go SDK
//! (`keypair-api.md` §3), so headers a transport may add later (`Accept`, `User-Agent`)
//! cannot break the signature.
//!
//! The signature covers the body only through those headers (`auth-v1.md` §2.4): the signed
//! `Content-MD5`, which the Go SDK sends with every body, is what stops a body from being
//! swapped for another of the same length on the way.

use base64::Engine as _;
use bce_auth::{HeadersToSign, SignableRequest, SignedHeadersField, SigningSettings};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use md5::{Digest as _, Md5};

use crate::config::Config;
use crate::error::Error;
use crate::operation::OperationRequest;

/// `Content-Type` of every request, GET included, as the Go SDK sends it
/// (`keypair-api.md` §3).
pub const CONTENT_TYPE: &str = "application/json;charset=utf-8";

/// Headers the client signs when it sends them (`auth-v1.md` §2.4).
const SIGNED_HEADERS: [&str; 6] = [
    "host",
    "content-type",
    "content-length",
    "content-md5",
    "x-bce-date",
    "x-bce-security-token",
];

fn signing_settings() -> SigningSettings {
    SigningSettings {
        headers_to_sign: HeadersToSign::Only(
            SIGNED_HEADERS.iter().map(|h| (*h).to_owned()).collect(),
        ),
        signed_headers_field: SignedHeadersField::Listed,
        ..SigningSettings::default()
    }
}

/// Builds the signed request for one attempt, timestamped `time`.
///
/// # Errors
///
/// [`Error::Signing`] if the signer refuses the input (for instance an access key id with a
/// `/`), [`Error::Config`] never in practice (the endpoint was validated when built).
pub fn signed_request(
    request: &OperationRequest,
    config: &Config,
    time: DateTime<Utc>,
) -> Result<http::Request<Bytes>, Error> {
    let endpoint = config.endpoint();
    let body = request.body().cloned().unwrap_or_default();
    let content_length = request.body().map(|body| body.len().to_string());
    let content_md5 = request.body().map(|body| content_md5(body));

    let mut headers: Vec<(&str, &str)> =
        vec![("host", endpoint.host()), ("content-type", CONTENT_TYPE)];
    if let Some(length) = &content_length {
        headers.push(("content-length", length));
    }
    if let Some(md5) = &content_md5 {
        headers.push(("content-md5", md5));
    }
    let query: Vec<(&str, Option<&str>)> = request
        .query()
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_deref()))
        .collect();
    let signable = SignableRequest {
        method: request.method().as_str(),
        path: request.path(),
        query: &query,
        headers: &headers,
    };
    let signature = bce_auth::sign(&signable, config.credentials(), time, &signing_settings())
        .map_err(Error::Signing)?;

    let uri = format!("{}{}", endpoint.base_url(), request.path_and_query());
    let mut builder = http::Request::builder()
        .method(request.method().clone())
        .uri(uri)
        .header(http::header::USER_AGENT, config.user_agent_header().clone());
    for (name, value) in headers.iter().map(|(name, value)| (*name, *value)).chain(
        signature
            .headers()
            .iter()
            .map(|(name, value)| (*name, value.as_str())),
    ) {
        builder = builder.header(name, value);
    }
    builder = builder.header(http::header::AUTHORIZATION, signature.authorization());
    builder.body(body).map_err(|error| Error::Request {
        operation: request.operation().name(),
        source: Box::new(error),
    })
}

/// The `Content-MD5` value of `body`: the standard base64 of its MD5 digest (RFC 1864), as
/// the Go SDK writes it (`keypair-api.md` §3).
#[must_use]
pub fn content_md5(body: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Md5::digest(body))
}
