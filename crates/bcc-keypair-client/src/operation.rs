//! The nine operations as plain functions: each `*_request` function builds the unsigned
//! request of one operation, and the `decode_*` functions read a response. Nothing here is
//! generic or does IO; the [`Client`](crate::Client) only adds signing, sending and retries.
//!
//! Wire shapes follow the documented and Go SDK forms (`keypair-api.md` §2, §3): the action
//! word is a query flag without `=` (`?attach`), the body is compact JSON, create and import
//! carry a `clientToken`.

use std::fmt;
use std::time::Duration;

use bcc_keypair_model::{
    CreateKeypairRequest, ErrorBody, ErrorCode, ImportKeypairRequest, InstanceId,
    InstanceIdsRequest, KeypairDescription, KeypairId, KeypairModel, KeypairName, KeypairResponse,
    ListKeypairsResponse, PublicKey, RenameKeypairRequest, UpdateKeypairDescriptionRequest,
};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{DecodeError, Error, ServiceError};

/// The operations are the model's, so the client, the simulator and their tests name them
/// alike; re-exported here and at the crate root.
pub use bcc_keypair_model::Operation;

/// The collection path of every key-pair operation.
const KEYPAIR_PATH: &str = "/v2/keypair";

/// Name of the response header carrying the request id (`keypair-api.md` §1).
pub const REQUEST_ID_HEADER: &str = "x-bce-request-id";

/// The idempotency token of one create or import call: a UUID v4, made once per call and
/// reused by all of its attempts, so that a retry cannot make a second key pair.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClientToken(String);

impl ClientToken {
    /// A fresh random token.
    #[must_use]
    pub fn random() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    /// A token chosen by the caller (for instance to retry a whole call later with the same
    /// token).
    #[must_use]
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// The token text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parameters of one list call (`keypair-api.md` §6.3). Unset fields are not sent.
///
/// Built with [`new`](Self::new) and the setters; the fields are public to read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListKeypairs {
    /// Where the page starts: the `nextMarker` of the previous page.
    pub marker: Option<String>,
    /// Page size; the service uses 1000 when unset and caps it at 1000.
    pub max_keys: Option<u32>,
    /// Only key pairs with exactly this name.
    pub name: Option<String>,
}

impl ListKeypairs {
    /// The first page with the service's default page size.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts at `marker`.
    #[must_use]
    pub fn marker(mut self, marker: impl Into<String>) -> Self {
        self.marker = Some(marker.into());
        self
    }

    /// Asks for at most `max_keys` key pairs.
    #[must_use]
    pub fn max_keys(mut self, max_keys: u32) -> Self {
        self.max_keys = Some(max_keys);
        self
    }

    /// Filters on an exact name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets or clears the marker.
    #[must_use]
    pub fn set_marker(mut self, marker: Option<String>) -> Self {
        self.marker = marker;
        self
    }

    /// Sets or clears the page size.
    #[must_use]
    pub fn set_max_keys(mut self, max_keys: Option<u32>) -> Self {
        self.max_keys = max_keys;
        self
    }

    /// Sets or clears the name filter.
    #[must_use]
    pub fn set_name(mut self, name: Option<String>) -> Self {
        self.name = name;
        self
    }
}

/// An unsigned request of one operation, before it gets a host, headers and a signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationRequest {
    operation: Operation,
    method: http::Method,
    path: String,
    encoded_path: String,
    query: Vec<(String, Option<String>)>,
    body: Option<Bytes>,
}

impl OperationRequest {
    /// The request line of `operation` without its parameters: the documented method, the
    /// collection path or the path of key pair `id`, and the action word as the first query
    /// flag (`keypair-api.md` §2).
    fn new(operation: Operation, id: Option<&KeypairId>) -> Self {
        debug_assert_eq!(operation.targets_one_keypair(), id.is_some(), "{operation}");
        let (path, encoded_path) = match id {
            None => (KEYPAIR_PATH.to_owned(), KEYPAIR_PATH.to_owned()),
            Some(id) => (
                format!("{KEYPAIR_PATH}/{}", id.as_str()),
                format!("{KEYPAIR_PATH}/{}", encode_path_segment(id.as_str())),
            ),
        };
        let action_flag = operation.action().map(|action| (action.to_owned(), None));
        Self {
            operation,
            method: http_method(operation),
            path,
            encoded_path,
            query: action_flag.into_iter().collect(),
            body: None,
        }
    }

    fn param(mut self, name: &str, value: impl Into<String>) -> Self {
        self.query.push((name.to_owned(), Some(value.into())));
        self
    }

    fn json(mut self, body: &impl Serialize) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body).map_err(|error| Error::Request {
            operation: self.operation.name(),
            source: Box::new(error),
        })?;
        self.body = Some(Bytes::from(bytes));
        Ok(self)
    }

    /// The operation.
    #[must_use]
    pub fn operation(&self) -> Operation {
        self.operation
    }

    /// The HTTP method.
    #[must_use]
    pub fn method(&self) -> &http::Method {
        &self.method
    }

    /// The path before percent-encoding, as the signer takes it (e.g. `/v2/keypair/k-a:b`).
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The path as written on the request line: the key-pair id encoded with the signer's
    /// `UriEncode` (`auth-v1.md` §2.1), so that the service, decoding it once, rebuilds the
    /// canonical path the client signed (e.g. `/v2/keypair/k-a%3Ab`).
    #[must_use]
    pub fn encoded_path(&self) -> &str {
        &self.encoded_path
    }

    /// Query parameters in wire order; `None` is a flag written without `=` (`?attach`).
    #[must_use]
    pub fn query(&self) -> &[(String, Option<String>)] {
        &self.query
    }

    /// The query as written on the request line, without `?`; empty when there is none.
    #[must_use]
    pub fn encoded_query(&self) -> String {
        let mut out = String::new();
        for (name, value) in &self.query {
            if !out.is_empty() {
                out.push('&');
            }
            out.push_str(&bce_auth::uri_encode(name));
            if let Some(value) = value {
                out.push('=');
                out.push_str(&bce_auth::uri_encode(value));
            }
        }
        out
    }

    /// The path and query as written on the request line, e.g. `/v2/keypair?import&clientToken=…`.
    #[must_use]
    pub fn path_and_query(&self) -> String {
        let query = self.encoded_query();
        if query.is_empty() {
            self.encoded_path.clone()
        } else {
            format!("{}?{query}", self.encoded_path)
        }
    }

    /// The JSON body, if the operation sends one.
    #[must_use]
    pub fn body(&self) -> Option<&Bytes> {
        self.body.as_ref()
    }

    /// The `clientToken` parameter, if the request carries one.
    #[must_use]
    pub fn client_token(&self) -> Option<&str> {
        self.query
            .iter()
            .find(|(name, _)| name == "clientToken")
            .and_then(|(_, value)| value.as_deref())
    }
}

/// The model writes the method as text, having no `http` dependency; every method it names
/// is a standard one, which `http` turns into its constant without allocating.
fn http_method(operation: Operation) -> http::Method {
    http::Method::from_bytes(operation.method().as_bytes())
        .expect("the model names only standard HTTP methods")
}

/// `UriEncode` of one path segment. `.` is unreserved and would stay, but a segment of only
/// dots would be removed by URL normalisation in some HTTP stacks; the service decodes the
/// path once, so `%2E` reaches it as the same id and the same canonical path.
fn encode_path_segment(segment: &str) -> String {
    if !segment.is_empty() && segment.bytes().all(|b| b == b'.') {
        "%2E".repeat(segment.len())
    } else {
        bce_auth::uri_encode(segment)
    }
}

/// `POST /v2/keypair?clientToken=…` with `{"name","description"}` (`keypair-api.md` §6.1).
///
/// `description` is always sent, `""` when absent, like the Go SDK: the service treats
/// absent, `null` and `""` alike (`keypair-api.md` §5).
///
/// # Errors
///
/// Only if the body cannot be serialised, which does not happen for these types.
pub fn create_keypair_request(
    name: &KeypairName,
    description: Option<&KeypairDescription>,
    token: &ClientToken,
) -> Result<OperationRequest, Error> {
    let body = CreateKeypairRequest {
        description: Some(description.map_or_else(String::new, |d| d.as_str().to_owned())),
        ..CreateKeypairRequest::new(name, None)
    };
    OperationRequest::new(Operation::CreateKeypair, None)
        .param("clientToken", token.as_str())
        .json(&body)
}

/// `PUT /v2/keypair?import&clientToken=…` with `{"name","description","publicKey"}`
/// (`keypair-api.md` §6.2).
///
/// # Errors
///
/// As [`create_keypair_request`].
pub fn import_keypair_request(
    name: &KeypairName,
    description: Option<&KeypairDescription>,
    public_key: &PublicKey,
    token: &ClientToken,
) -> Result<OperationRequest, Error> {
    let body = ImportKeypairRequest {
        description: Some(description.map_or_else(String::new, |d| d.as_str().to_owned())),
        ..ImportKeypairRequest::new(name, None, public_key)
    };
    OperationRequest::new(Operation::ImportKeypair, None)
        .param("clientToken", token.as_str())
        .json(&body)
}

/// `GET /v2/keypair?marker&maxKeys&name`, only the parameters that are set
/// (`keypair-api.md` §6.3).
#[must_use]
pub fn list_keypairs_request(list: &ListKeypairs) -> OperationRequest {
    let mut request = OperationRequest::new(Operation::ListKeypairs, None);
    if let Some(marker) = list.marker.as_deref().filter(|m| !m.is_empty()) {
        request = request.param("marker", marker);
    }
    if let Some(max_keys) = list.max_keys {
        request = request.param("maxKeys", max_keys.to_string());
    }
    if let Some(name) = list.name.as_deref().filter(|n| !n.is_empty()) {
        request = request.param("name", name);
    }
    request
}

/// `GET /v2/keypair/{id}` (`keypair-api.md` §6.4).
#[must_use]
pub fn get_keypair_request(id: &KeypairId) -> OperationRequest {
    OperationRequest::new(Operation::GetKeypair, Some(id))
}

/// `PUT /v2/keypair/{id}?attach` with `{"instanceIds":[…]}` (`keypair-api.md` §6.5).
///
/// # Errors
///
/// As [`create_keypair_request`].
pub fn attach_keypair_request(
    id: &KeypairId,
    instance_ids: &[InstanceId],
) -> Result<OperationRequest, Error> {
    OperationRequest::new(Operation::AttachKeypair, Some(id))
        .json(&InstanceIdsRequest::new(instance_ids))
}

/// `PUT /v2/keypair/{id}?detach` with `{"instanceIds":[…]}` (`keypair-api.md` §6.6).
///
/// # Errors
///
/// As [`create_keypair_request`].
pub fn detach_keypair_request(
    id: &KeypairId,
    instance_ids: &[InstanceId],
) -> Result<OperationRequest, Error> {
    OperationRequest::new(Operation::DetachKeypair, Some(id))
        .json(&InstanceIdsRequest::new(instance_ids))
}

/// `DELETE /v2/keypair/{id}`, no body (`keypair-api.md` §6.7).
#[must_use]
pub fn delete_keypair_request(id: &KeypairId) -> OperationRequest {
    OperationRequest::new(Operation::DeleteKeypair, Some(id))
}

/// `PUT /v2/keypair/{id}?rename` with `{"name"}` (`keypair-api.md` §6.8).
///
/// # Errors
///
/// As [`create_keypair_request`].
pub fn rename_keypair_request(
    id: &KeypairId,
    name: &KeypairName,
) -> Result<OperationRequest, Error> {
    OperationRequest::new(Operation::RenameKeypair, Some(id)).json(&RenameKeypairRequest::new(name))
}

/// `PUT /v2/keypair/{id}?updateDesc` with `{"description"}` (`keypair-api.md` §6.9); an empty
/// description clears it.
///
/// # Errors
///
/// As [`create_keypair_request`].
pub fn update_keypair_description_request(
    id: &KeypairId,
    description: &KeypairDescription,
) -> Result<OperationRequest, Error> {
    OperationRequest::new(Operation::UpdateKeypairDescription, Some(id))
        .json(&UpdateKeypairDescriptionRequest::new(description))
}

/// Reads the `{"keypair": …}` body of create, import and get.
///
/// # Errors
///
/// [`Error::Service`] for a non-2xx response, [`Error::Decode`] for a body that is not a
/// key-pair object.
pub fn decode_keypair(
    operation: Operation,
    response: &http::Response<Bytes>,
) -> Result<KeypairModel, Error> {
    decode_json::<KeypairResponse>(operation, response).map(|body| body.keypair)
}

/// Reads one page of the list response.
///
/// # Errors
///
/// As [`decode_keypair`].
pub fn decode_list(response: &http::Response<Bytes>) -> Result<ListKeypairsResponse, Error> {
    decode_json(Operation::ListKeypairs, response)
}

/// Checks the response of an operation whose success carries no data (attach, detach,
/// delete, rename, update description). The body, if any, is not read: the docs promise
/// none, and the service may send `{}` (`keypair-api.md` §3 rule 9).
///
/// # Errors
///
/// [`Error::Service`] for a non-2xx response.
pub fn decode_empty(response: &http::Response<Bytes>) -> Result<(), Error> {
    if response.status().is_success() {
        Ok(())
    } else {
        Err(Error::Service(service_error(response)))
    }
}

fn decode_json<T: DeserializeOwned>(
    operation: Operation,
    response: &http::Response<Bytes>,
) -> Result<T, Error> {
    if !response.status().is_success() {
        return Err(Error::Service(service_error(response)));
    }
    serde_json::from_slice(response.body()).map_err(|error| {
        Error::Decode(DecodeError::new(
            operation.name(),
            response.status().as_u16(),
            header_request_id(response),
            Box::new(error),
        ))
    })
}

/// The service error of a non-2xx response (`errors.md` §1).
///
/// A body that is the documented `{"requestId","code","message"}` object gives the code and
/// message. Any other body — empty, HTML from a proxy, JSON without a `code` — still makes a
/// service error: the code is derived from the status the way the Go SDK does it
/// ([`ErrorCode::for_status`]), and the message is the start of the body or the status
/// reason.
/// The request id is the body's `requestId`, else the `x-bce-request-id` header.
#[must_use]
pub fn service_error(response: &http::Response<Bytes>) -> ServiceError {
    let status = response.status();
    let header_id = header_request_id(response);
    let parsed = serde_json::from_slice::<ErrorBody>(response.body())
        .ok()
        .filter(|body| !body.code.is_empty());
    match parsed {
        Some(body) => {
            let code = body.error_code();
            let message = if body.message.is_empty() {
                code.default_message().to_owned()
            } else {
                body.message
            };
            let request_id = Some(body.request_id)
                .filter(|id| !id.is_empty())
                .or(header_id);
            ServiceError::new(status.as_u16(), code, message, request_id)
        }
        None => ServiceError::new(
            status.as_u16(),
            ErrorCode::for_status(status.as_u16(), status.canonical_reason()),
            message_from_raw_body(status, response.body()),
            header_id,
        ),
    }
}

/// Longest excerpt of an unparsable error body kept in the message.
const RAW_BODY_EXCERPT_CHARS: usize = 200;

fn message_from_raw_body(status: http::StatusCode, body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return status
            .canonical_reason()
            .unwrap_or("unexpected status")
            .to_owned();
    }
    let mut excerpt: String = text.chars().take(RAW_BODY_EXCERPT_CHARS).collect();
    if excerpt.len() < text.len() {
        excerpt.push('…');
    }
    excerpt
}

/// The `x-bce-request-id` response header, if present and text.
#[must_use]
pub fn header_request_id(response: &http::Response<Bytes>) -> Option<String> {
    response
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
}

/// How long a response asks the caller to wait before trying again: its `Retry-After`
/// header as delay-seconds, or as an HTTP date measured from `now` (a date in the past is
/// no wait). `None` without the header or for a value that is neither.
#[must_use]
pub fn retry_after(response: &http::Response<Bytes>, now: DateTime<Utc>) -> Option<Duration> {
    let value = response
        .headers()
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let date = DateTime::parse_from_rfc2822(value).ok()?;
    Some(
        date.with_timezone(&Utc)
            .signed_duration_since(now)
            .to_std()
            .unwrap_or(Duration::ZERO),
    )
}

/// Whether a service error is worth another attempt: 500, 502, 503, 504, or
/// `RequestExpired` (the next attempt is signed with a fresh timestamp).
#[must_use]
pub fn is_retryable_service_error(error: &ServiceError) -> bool {
    matches!(error.status, 500 | 502 | 503 | 504) || error.code == ErrorCode::RequestExpired
}

#[cfg(test)]
mod tests {
    use super::{Operation, http_method};

    #[test]
    fn every_operation_has_the_http_method_the_model_names() {
        for op in Operation::ALL {
            assert_eq!(http_method(op).as_str(), op.method(), "{op}");
        }
    }
}
