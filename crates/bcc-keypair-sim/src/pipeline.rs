//! The request pipeline: every request the simulator answers passes through here, in this
//! order (errors.md §4 gives the order of the checks):
//!
//! 1. **auth** ([`crate::auth`]): the signature, the access key, the account's qualification;
//! 2. **route** ([`crate::routes`]): the region from `Host`, the operation from method, path
//!    and action word;
//! 3. **faults** ([`crate::faults`]): an injected delay or error replaces the operation;
//! 4. **run** ([`crate::wire`]): the operation parses its body, calls the state, renders;
//! 5. **persist** ([`crate::persist`]): a change is written to the state file;
//! 6. **journal** ([`crate::journal`]): the request is recorded for `GET /__sim/requests`;
//! 7. **render**: the HTTP response, with the request id on every answer.
//!
//! Control requests (`/__sim/…`) skip auth, route, faults and journal.

use std::io;
use std::sync::Arc;
use std::time::Instant;

use bcc_keypair_model::{ErrorCode, Operation};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST};
use http::request::Parts;
use http::{HeaderName, HeaderValue, Method, Request, Response, StatusCode};

use crate::auth::{self, Rejected};
use crate::control;
use crate::journal::Entry;
use crate::lock::read;
use crate::routes::{self, Routed};
use crate::state::ScopeRef;
use crate::wire::{self, Backend, Call};
use crate::{Inner, MAX_BODY_BYTES};

/// `Content-Type` of every response (keypair-api.md §1).
const JSON_CONTENT_TYPE: HeaderValue = HeaderValue::from_static("application/json;charset=UTF-8");
/// `Content-Type` of the dashboard, the one page the simulator serves.
const HTML_CONTENT_TYPE: HeaderValue = HeaderValue::from_static("text/html; charset=utf-8");
const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-bce-request-id");
const CONTENT_MD5_HEADER: HeaderName = HeaderName::from_static("content-md5");

/// What a request produced: the answer, and what the journal records about it.
pub(crate) struct Outcome {
    status: StatusCode,
    body: Bytes,
    error_code: Option<ErrorCode>,
    operation: Option<Operation>,
    access_key_id: Option<String>,
    region: Option<Arc<str>>,
    canonical_request: Option<String>,
    /// Why the request was refused, in plain words; `None` for a success, and for a refusal
    /// whose wire message says it all.
    reason: Option<String>,
    /// Whether the state changed and must be written to the state file.
    changes_state: bool,
    /// An HTML page (the dashboard) rather than JSON.
    html: bool,
    /// The signature was verified: the canonical request kept lists the signed headers.
    verified: bool,
}

impl std::fmt::Debug for Outcome {
    /// Never shows the body: a create answer carries the new private key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outcome")
            .field("status", &self.status)
            .field("body", &format_args!("{} bytes", self.body.len()))
            .field("error_code", &self.error_code)
            .field("operation", &self.operation)
            .field("access_key_id", &self.access_key_id)
            .field("region", &self.region)
            .field("changes_state", &self.changes_state)
            .finish_non_exhaustive()
    }
}

impl Outcome {
    fn ok(body: Bytes) -> Self {
        Self {
            status: StatusCode::OK,
            body,
            error_code: None,
            operation: None,
            access_key_id: None,
            region: None,
            canonical_request: None,
            reason: None,
            changes_state: false,
            html: false,
            verified: false,
        }
    }

    /// An error answer with the code's documented status (errors.md §1).
    fn error(request_id: &str, code: ErrorCode, message: Option<&str>) -> Self {
        let status =
            StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Self::error_with_status(request_id, status, code, message)
    }

    fn error_with_status(
        request_id: &str,
        status: StatusCode,
        code: ErrorCode,
        message: Option<&str>,
    ) -> Self {
        Self {
            status,
            body: wire::error_body(request_id, &code, message),
            reason: message.map(str::to_owned),
            error_code: Some(code),
            ..Self::ok(Bytes::new())
        }
    }

    fn rejected(request_id: &str, rejected: Rejected) -> Self {
        let outcome = Self::error(request_id, rejected.code, rejected.message.as_deref());
        Self {
            access_key_id: rejected.access_key_id,
            canonical_request: rejected.canonical_request,
            reason: rejected.reason.or(outcome.reason.clone()),
            ..outcome
        }
    }
}

/// Answers one request: the steps of the module documentation, in order.
pub(crate) async fn handle(inner: &Arc<Inner>, request: Request<Bytes>) -> Response<Bytes> {
    let started = Instant::now();
    let now = inner.clock.now();
    let request_id = inner.ids.request_id();
    let (parts, body) = request.into_parts();
    let control = control::is_control_path(parts.uri.path());
    let outcome = if control {
        match control::handle(inner, &parts, &body) {
            Ok(reply) => Outcome {
                changes_state: reply.changes_state,
                html: reply.html,
                ..Outcome::ok(reply.body)
            },
            Err(failure) => Outcome::error(&request_id, failure.code, Some(&failure.message)),
        }
    } else {
        api(inner, &parts, &body, &request_id, now).await
    };
    if outcome.changes_state {
        // Boxed: rare, and it would make every request's future larger.
        Box::pin(persist(inner)).await;
    }
    let head = parts.method == Method::HEAD;
    let mut response = render(head, outcome.status, outcome.body.clone(), &request_id);
    if outcome.html {
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HTML_CONTENT_TYPE);
        // The page runs no script and loads nothing: a stored name that slipped past the
        // escaping still could not run.
        headers.insert(
            http::header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
        );
    }
    if !control {
        let entry = journal_entry(parts, outcome, request_id, now, started);
        access_log(&entry);
        inner.journal.record(entry);
    }
    response
}

/// The key pair API: auth, route, faults, run.
async fn api(
    inner: &Inner,
    parts: &Parts,
    body: &Bytes,
    request_id: &str,
    now: DateTime<Utc>,
) -> Outcome {
    if body.len() > MAX_BODY_BYTES {
        // errors.md §4 row 10: the body is not acceptable.
        return Outcome {
            reason: Some(format!(
                "the body has {} bytes, more than the {MAX_BODY_BYTES} the simulator accepts",
                body.len()
            )),
            ..Outcome::error(request_id, ErrorCode::InvalidHttpRequest, None)
        };
    }
    let caller =
        match auth::authenticate(&inner.accounts, parts, now, inner.verify_settings.as_ref()) {
            Ok(caller) => caller,
            Err(rejected) => return Outcome::rejected(request_id, rejected),
        };
    let routed = routes::region(parts.headers.get(HOST), &inner.regions).and_then(|region| {
        let routed = routes::route_request(&parts.method, parts.uri.path(), parts.uri.query())?;
        Ok((region, routed))
    });
    let region = routed.as_ref().ok().map(|(region, _)| Arc::clone(region));
    let mut outcome = match routed {
        Ok((region, routed)) => {
            let at = ScopeRef {
                account: caller.account,
                region,
            };
            let call = Call {
                routed: &routed,
                at,
                content_md5: parts
                    .headers
                    .get(CONTENT_MD5_HEADER)
                    .map(HeaderValue::as_bytes),
                body,
            };
            run(inner, &call, request_id).await
        }
        Err(code) => Outcome::error(request_id, code, None),
    };
    outcome.access_key_id = Some(caller.access_key_id);
    outcome.verified = caller.canonical_request.is_some();
    outcome.canonical_request = caller.canonical_request;
    outcome.region = region;
    outcome
}

/// Faults, then the operation.
async fn run(inner: &Inner, call: &Call<'_>, request_id: &str) -> Outcome {
    let operation = call.routed.operation;
    let mut outcome = match fault(inner, call.routed, request_id).await {
        Some(injected) => injected,
        None => {
            let backend = Backend {
                state: &inner.state,
                renderings: &inner.renderings,
                keys: &*inner.keys,
                ids: &*inner.ids,
                clock: &*inner.clock,
            };
            match wire::run(&backend, call).await {
                Ok(body) => Outcome {
                    changes_state: operation.changes_state(),
                    ..Outcome::ok(body)
                },
                Err(code) => Outcome::error(request_id, code, None),
            }
        }
    };
    outcome.operation = Some(operation);
    outcome
}

/// Applies an injected fault: waits out its latency, and answers its error if it has one.
async fn fault(inner: &Inner, routed: &Routed<'_>, request_id: &str) -> Option<Outcome> {
    let injection = inner.faults.take(routed.operation)?;
    if !injection.latency.is_zero() {
        Box::pin(tokio::time::sleep(injection.latency)).await;
    }
    let error = injection.error?;
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    Some(Outcome {
        reason: Some(format!(
            "injected by a fault rule (POST /__sim/faults): {}",
            error.message
        )),
        ..Outcome::error_with_status(request_id, status, error.code, Some(&error.message))
    })
}

/// Writes the state file, if configured, off the async runtime.
async fn persist(inner: &Arc<Inner>) {
    let Some(file) = inner.state_file.clone() else {
        return;
    };
    let inner = Arc::clone(inner);
    let save = move || file.save_with(|| read(&inner.state).to_json().map_err(io::Error::other));
    let result = match tokio::runtime::Handle::try_current() {
        Ok(_) => tokio::task::spawn_blocking(save)
            .await
            .unwrap_or_else(|e| Err(io::Error::other(e))),
        Err(_) => save(),
    };
    if let Err(error) = result {
        tracing::error!(%error, "writing the state file failed");
    }
}

fn journal_entry(
    parts: Parts,
    outcome: Outcome,
    request_id: String,
    now: DateTime<Utc>,
    started: Instant,
) -> Entry {
    let target = parts
        .uri
        .path_and_query()
        .map_or(parts.uri.path(), http::uri::PathAndQuery::as_str)
        .to_owned();
    // Every refusal gets a reason: the specific one, else the code's documented message.
    let reason = outcome.reason.or_else(|| {
        outcome
            .error_code
            .as_ref()
            .map(|code| code.default_message().to_owned())
    });
    Entry {
        reason,
        // A verified request's canonical request names its signed headers already; reading
        // them from the auth string again cost 1,500 instructions of a 31,600-instruction
        // signed GET. Only requests that failed need it.
        signed_headers: if outcome.verified {
            None
        } else {
            auth::signed_headers_field(&parts)
        },
        header_names: parts.headers.keys().cloned().collect(),
        time: now,
        request_id,
        method: parts.method,
        target,
        operation: outcome.operation,
        access_key_id: outcome.access_key_id,
        region: outcome.region,
        status: outcome.status.as_u16(),
        error_code: outcome.error_code,
        duration: started.elapsed(),
        canonical_request: outcome.canonical_request,
    }
}

/// The access-log line of an API request, at info level under the target
/// `bcc_keypair_sim::access` (the binary prints it as text or JSON).
fn access_log(entry: &Entry) {
    let path = entry
        .target
        .split_once('?')
        .map_or(entry.target.as_str(), |(path, _)| path);
    tracing::info!(
        target: "bcc_keypair_sim::access",
        method = entry.method.as_str(),
        path,
        operation = entry.operation.map(Operation::short_name),
        status = entry.status,
        code = entry.error_code.as_ref().map(ErrorCode::as_str),
        duration_us = u64::try_from(entry.duration.as_micros()).unwrap_or(u64::MAX),
        request_id = entry.request_id.as_str(),
        access_key_id = entry.access_key_id.as_deref(),
        reason = entry.reason.as_deref(),
        "{} {} {}",
        entry.method,
        path,
        entry.status
    );
}

/// The HTTP response: JSON content type and the request id on every answer; HEAD gets the
/// headers only (errors.md §1).
fn render(head: bool, status: StatusCode, body: Bytes, request_id: &str) -> Response<Bytes> {
    let length = body.len();
    let body = if head { Bytes::new() } else { body };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, JSON_CONTENT_TYPE);
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert(REQUEST_ID_HEADER, id);
    }
    if head {
        // Otherwise the body's length says it (and hyper writes the header).
        headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_an_outcome_never_shows_the_body() {
        let private_key = "-----BEGIN RSA PRIVATE KEY-----\nsecret";
        let body = format!(r#"{{"keypair":{{"privateKey":"{private_key}"}}}}"#);
        let shown = format!("{:?}", Outcome::ok(Bytes::from(body)));
        assert!(!shown.contains("secret"), "{shown}");
        assert!(!shown.contains("BEGIN RSA"), "{shown}");
        assert!(shown.contains("bytes"), "{shown}");
    }
}
