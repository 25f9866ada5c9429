//! The request pipeline: every request the simulator answers passes through here, in this
//! order (errors.md §4 gives the order of the checks):
//!
//! 1. **auth** ([`crate::auth`]): the signature, the access key, the account's qualification;
//! 2. **route** ([`crate::routes`]): the region from `Host`, the operation from method, path
//!    and action word;
//! 3. **faults** ([`crate::faults`]): an injected delay, an injected error instead of the
//!    operation, or a connection that closes before the operation (reset) or after it (lost
//!    response);
//! 4. **run** ([`crate::wire`]): the operation parses its body, calls the state, renders;
//! 5. **persist** ([`crate::persist`]): a change is on disk before it is answered; one that
//!    cannot be saved is undone and answered `500 InternalError`;
//! 6. **journal** ([`crate::journal`]): the request is recorded for `GET /__sim/requests`;
//! 7. **render**: the HTTP response, with the request id on every answer.
//!
//! Control requests (`/__sim/…`) skip auth, route, faults and journal.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Instant;

use bcc_keypair_model::{ErrorCode, Operation};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST};
use http::request::Parts;
use http::{HeaderName, HeaderValue, Method, Request, Response, StatusCode};

use crate::auth::{self, Rejected};
use crate::clock::{RecordClock, Times};
use crate::control;
use crate::faults::{ConnectionFault, FaultAction};
use crate::journal::Entry;
use crate::lock::write;
use crate::routes;
use crate::state::{ScopeRef, tracking_own_changes};
use crate::wire::{self, Backend, Call};
use crate::{Inner, MAX_BODY_BYTES};

const JSON_CONTENT_TYPE: HeaderValue = HeaderValue::from_static(wire::JSON_CONTENT_TYPE);
/// `Content-Type` of the dashboard, the one page the simulator serves.
const HTML_CONTENT_TYPE: HeaderValue = HeaderValue::from_static("text/html; charset=utf-8");
const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static(wire::REQUEST_ID_HEADER);
const CONTENT_MD5_HEADER: HeaderName = HeaderName::from_static("content-md5");

/// What a request produced: the answer, and what the journal records about it.
pub(crate) struct Outcome {
    status: StatusCode,
    body: Bytes,
    error_code: Option<ErrorCode>,
    operation: Option<Operation>,
    access_key_id: Option<Arc<str>>,
    region: Option<Arc<str>>,
    canonical_request: Option<Box<str>>,
    /// Why the request was refused, in plain words; `None` for a success, and for a refusal
    /// whose wire message says it all.
    reason: Option<Box<str>>,
    /// Whether the state changed and must be written to the state file.
    changes_state: bool,
    /// An injected fault that closes the connection instead of answering.
    connection_fault: Option<ConnectionFault>,
    /// An HTML page (the dashboard) rather than JSON.
    html: bool,
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
            .field("connection_fault", &self.connection_fault)
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
            connection_fault: None,
            html: false,
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
            reason: message.map(Box::from),
            error_code: Some(code),
            ..Self::ok(Bytes::new())
        }
    }

    fn rejected(request_id: &str, rejected: Rejected) -> Self {
        let outcome = Self::error(request_id, rejected.code, rejected.message.as_deref());
        Self {
            access_key_id: rejected.access_key_id.map(Arc::from),
            canonical_request: rejected.canonical_request.map(String::into_boxed_str),
            reason: rejected
                .reason
                .map(String::into_boxed_str)
                .or(outcome.reason.clone()),
            ..outcome
        }
    }
}

/// Answers one request: the steps of the module documentation, in order.
pub(crate) async fn handle(inner: &Arc<Inner>, request: Request<Bytes>) -> Response<Bytes> {
    let started = Instant::now();
    let times = inner.clock_settings.times(inner.clock.now());
    let request_id = inner.ids.request_id();
    let (parts, body) = request.into_parts();
    let control = control::is_control_path(parts.uri.path());
    let answer = answer(inner, &parts, &body, &request_id, times, control);
    let outcome = if inner.state_file.is_some() {
        // Boxed: otherwise every request's future holds the answer twice over (once bare, once
        // inside the tracker), which costs a signed GET about 250 instructions in moves.
        let (outcome, own_change) = Box::pin(tracking_own_changes(answer)).await;
        if outcome.changes_state {
            // Boxed: it waits for the disk, and would make every request's future larger.
            Box::pin(persist(inner, outcome, own_change, &request_id)).await
        } else {
            outcome
        }
    } else {
        answer.await
    };
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
    if let Some(fault) = outcome.connection_fault {
        // The server closes the connection instead of writing this response.
        response.extensions_mut().insert(fault);
    }
    if !control {
        let entry = journal_entry(parts, outcome, request_id, times.record, started);
        access_log(&entry);
        inner.journal.record(entry);
    }
    response
}

/// The answer before it is saved: the control API's, or the key pair API's.
async fn answer(
    inner: &Arc<Inner>,
    parts: &Parts,
    body: &Bytes,
    request_id: &str,
    times: Times,
    control: bool,
) -> Outcome {
    if control {
        match control::handle(inner, parts, body) {
            Ok(reply) => Outcome {
                changes_state: reply.changes_state,
                html: reply.html,
                ..Outcome::ok(reply.body)
            },
            Err(failure) => Outcome::error(request_id, failure.code, Some(&failure.message)),
        }
    } else {
        api(inner, parts, body, request_id, times).await
    }
}

/// The key pair API: auth, route, faults, run.
async fn api(
    inner: &Inner,
    parts: &Parts,
    body: &Bytes,
    request_id: &str,
    times: Times,
) -> Outcome {
    if body.len() > MAX_BODY_BYTES {
        // errors.md §4 row 10: the body is not acceptable.
        return Outcome {
            reason: Some(Box::from(format!(
                "the body has {} bytes, more than the {MAX_BODY_BYTES} the simulator accepts",
                body.len()
            ))),
            ..Outcome::error(request_id, ErrorCode::InvalidHttpRequest, None)
        };
    }
    let caller = match auth::authenticate(
        &inner.accounts,
        parts,
        times.signature,
        inner.verify_settings.as_ref(),
    ) {
        Ok(caller) => caller,
        Err(rejected) => return Outcome::rejected(request_id, rejected),
    };
    let host = parts.headers.get(HOST);
    let routed = routes::region(host, &inner.regions)
        .map_err(|code| (code, Some(unserved_host_reason(host))))
        .and_then(|region| {
            let routed = routes::route_request(&parts.method, parts.uri.path(), parts.uri.query())
                .map_err(|code| (code, None))?;
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
        Err((code, reason)) => Outcome {
            reason,
            ..Outcome::error(request_id, code, None)
        },
    };
    outcome.access_key_id = Some(caller.access_key_id);
    outcome.canonical_request = caller.canonical_request.map(String::into_boxed_str);
    outcome.region = region;
    outcome
}

/// Why a `Host` was refused: it names a region the simulator does not serve.
fn unserved_host_reason(host: Option<&HeaderValue>) -> Box<str> {
    let host = host.map_or(Cow::Borrowed(""), |value| {
        String::from_utf8_lossy(value.as_bytes())
    });
    Box::from(format!(
        "the Host {host:?} names a region this simulator does not serve (--regions)"
    ))
}

/// Faults, then the operation.
async fn run(inner: &Inner, call: &Call<'_>, request_id: &str) -> Outcome {
    let operation = call.routed.operation;
    let action = fault(inner, call).await;
    let mut outcome = match action {
        Some(FaultAction::Error(error)) => {
            let status =
                StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            Outcome {
                reason: Some(Box::from(format!(
                    "injected by a fault rule (POST /__sim/faults): {}",
                    error.message
                ))),
                ..Outcome::error_with_status(request_id, status, error.code, Some(&error.message))
            }
        }
        Some(FaultAction::Connection(ConnectionFault::Reset)) => Outcome {
            // Never written: the connection closes before the operation runs.
            connection_fault: Some(ConnectionFault::Reset),
            ..Outcome::error(
                request_id,
                ErrorCode::InternalError,
                Some("the connection was reset by an injected fault"),
            )
        },
        Some(FaultAction::Connection(ConnectionFault::LostResponse)) => Outcome {
            connection_fault: Some(ConnectionFault::LostResponse),
            ..operate(inner, call, request_id).await
        },
        Some(FaultAction::Delay) | None => operate(inner, call, request_id).await,
    };
    outcome.operation = Some(operation);
    outcome
}

/// The operation itself.
async fn operate(inner: &Inner, call: &Call<'_>, request_id: &str) -> Outcome {
    let record_clock = RecordClock {
        clock: &*inner.clock,
        settings: &inner.clock_settings,
    };
    let backend = Backend {
        state: &inner.state,
        renderings: &inner.renderings,
        keys: &*inner.keys,
        ids: &*inner.ids,
        clock: &record_clock,
    };
    match wire::run(&backend, call).await {
        Ok(body) => Outcome {
            changes_state: call.routed.operation.changes_state(),
            ..Outcome::ok(body)
        },
        Err(code) => Outcome::error(request_id, code, None),
    }
}

/// The injected fault of a request, if a rule hits it, after waiting out its latency.
async fn fault(inner: &Inner, call: &Call<'_>) -> Option<FaultAction> {
    let injection = inner
        .faults
        .take(call.routed.operation, call.at.account, call.at.region)?;
    if !injection.latency.is_zero() {
        Box::pin(tokio::time::sleep(injection.latency)).await;
    }
    Some(injection.action)
}

/// Waits until the request's changes are on disk. If they cannot be saved they are undone,
/// and the answer becomes `500 InternalError` (errors.md §4 row 26) with the reason in the
/// journal.
async fn persist(
    inner: &Inner,
    outcome: Outcome,
    own_change: Option<u64>,
    request_id: &str,
) -> Outcome {
    let Some(store) = &inner.state_file else {
        return outcome;
    };
    let committed = store.commit(&mut write(&inner.state), own_change);
    let saved = match committed {
        Ok(pending) => pending
            .await
            .unwrap_or_else(|_| Err(Arc::from("the state file writer has stopped"))),
        Err(reason) => Err(reason),
    };
    match saved {
        Ok(()) => outcome,
        Err(reason) => Outcome {
            operation: outcome.operation,
            access_key_id: outcome.access_key_id,
            region: outcome.region,
            canonical_request: outcome.canonical_request,
            reason: Some(Box::from(reason.to_string())),
            ..Outcome::error(
                request_id,
                ErrorCode::InternalError,
                Some("The change could not be saved and was not applied. Please try again."),
            )
        },
    }
}

fn journal_entry(
    parts: Parts,
    outcome: Outcome,
    request_id: String,
    now: DateTime<Utc>,
    started: Instant,
) -> Entry {
    // Every refusal gets a reason: the specific one, else the code's documented message.
    let reason = outcome.reason.map(String::from).or_else(|| {
        outcome
            .error_code
            .as_ref()
            .map(|code| code.default_message().to_owned())
    });
    Entry {
        reason,
        time: now,
        request_id,
        method: parts.method,
        uri: parts.uri,
        headers: parts.headers,
        operation: outcome.operation,
        access_key_id: outcome.access_key_id,
        region: outcome.region,
        status: outcome.status.as_u16(),
        error_code: outcome.error_code,
        duration: started.elapsed(),
        canonical_request: outcome.canonical_request.map(String::from),
    }
}

/// The access-log line of an API request, at info level under the target
/// `bcc_keypair_sim::access` (the binary prints it as text or JSON).
fn access_log(entry: &Entry) {
    let path = entry.uri.path();
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
