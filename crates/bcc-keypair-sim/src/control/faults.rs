//! `POST /__sim/faults` and `GET /__sim/faults`: the rules of [`crate::faults`] as JSON.

use std::time::Duration;

use bcc_keypair_model::{ErrorCode, Operation};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::json;

use super::{Failure, required_body};
use crate::Inner;
use crate::faults::{ConnectionFault, FaultAction, FaultRule, FaultScope, InjectedError};
use crate::wire::json as to_json;

/// One rule as posted. Everything is optional, but a rule must do something: an error
/// (`status` and/or `code`), a lost connection (`lostResponse` or `reset`), or a delay.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FaultBody {
    /// An operation name, or `"*"`/absent for every operation.
    operation: Option<String>,
    /// An access key or an account id; absent for every account.
    account: Option<String>,
    /// A region; absent for every region.
    region: Option<String>,
    /// Hits before the rule ends (default 1; with a probability, default unlimited).
    count: Option<u32>,
    /// Chance (0 to 1) that a matching request is hit.
    probability: Option<f64>,
    status: Option<u16>,
    code: Option<String>,
    message: Option<String>,
    #[serde(default)]
    lost_response: bool,
    #[serde(default)]
    reset: bool,
    latency_ms: Option<u64>,
}

/// Adds a rule and answers with the active rules.
pub(super) fn add(inner: &Inner, body: &Bytes) -> Result<Bytes, Failure> {
    let request: FaultBody = required_body(body)?;
    let scope = scope(inner, &request)?;
    if let Some(p) = request.probability
        && !(0.0..=1.0).contains(&p)
    {
        return Err(Failure::bad_request(format!(
            "probability must be between 0 and 1, got {p}"
        )));
    }
    let latency = Duration::from_millis(request.latency_ms.unwrap_or(0));
    let connection = match (request.lost_response, request.reset) {
        (false, false) => None,
        (true, false) => Some(ConnectionFault::LostResponse),
        (false, true) => Some(ConnectionFault::Reset),
        (true, true) => {
            return Err(Failure::bad_request(
                "a fault is either lostResponse or reset, not both",
            ));
        }
    };
    let action = action(
        request.status,
        request.code.as_deref(),
        request.message,
        connection,
    )?;
    if matches!(action, FaultAction::Delay) && latency.is_zero() {
        return Err(Failure::bad_request(
            "a fault needs a status/code, lostResponse, reset or a latencyMs",
        ));
    }
    // A count alone means "the next N"; a probability alone means "until cleared".
    let remaining = match (request.count, request.probability) {
        (Some(count), _) => Some(count),
        (None, Some(_)) => None,
        (None, None) => Some(1),
    };
    inner.faults.add(FaultRule {
        scope,
        remaining,
        probability: request.probability,
        action,
        latency,
    });
    Ok(list(inner))
}

/// The requests the rule hits; an unknown operation, account or region is refused.
fn scope(inner: &Inner, request: &FaultBody) -> Result<FaultScope, Failure> {
    let operation = match request.operation.as_deref() {
        None | Some("*") => None,
        Some(name) => Some(Operation::from_name(name).ok_or_else(|| {
            Failure::bad_request(format!(
                "unknown operation {name:?} (one of create, import, list, get, attach, detach, delete, rename, updateDesc, *)"
            ))
        })?),
    };
    let account = match request.account.as_deref() {
        None => None,
        Some(named) => Some(
            inner
                .accounts
                .resolve(named)
                .ok_or_else(|| {
                    Failure::new(
                        ErrorCode::InvalidAccessKeyId,
                        format!("no account has the access key or id {named:?}"),
                    )
                })?
                .to_owned(),
        ),
    };
    let region = match request.region.as_deref() {
        None => None,
        Some(region) => {
            let region = region.to_ascii_lowercase();
            if !inner.regions.iter().any(|served| **served == *region) {
                return Err(Failure::bad_request(format!(
                    "the simulator does not serve the region {region:?}"
                )));
            }
            Some(region)
        }
    };
    Ok(FaultScope {
        operation,
        account,
        region,
    })
}

/// An error (status and/or code), a connection fault, or only a delay; never two of them.
fn action(
    status: Option<u16>,
    code: Option<&str>,
    message: Option<String>,
    connection: Option<ConnectionFault>,
) -> Result<FaultAction, Failure> {
    let errs = status.is_some() || code.is_some();
    match (errs, connection) {
        (true, Some(_)) => Err(Failure::bad_request(
            "a fault answers with an error or closes the connection, not both",
        )),
        (false, Some(connection)) => Ok(FaultAction::Connection(connection)),
        (false, None) => Ok(FaultAction::Delay),
        (true, None) => {
            let code = code.map_or(ErrorCode::InternalError, ErrorCode::from_wire);
            let status = status.unwrap_or_else(|| code.status());
            if !(400..=599).contains(&status) {
                // errors.md §1: never an error with a 1xx/2xx/3xx status.
                return Err(Failure::bad_request(format!(
                    "status must be 400-599, got {status}"
                )));
            }
            let message = message.unwrap_or_else(|| code.default_message().to_owned());
            Ok(FaultAction::Error(InjectedError {
                status,
                code,
                message,
            }))
        }
    }
}

/// The active rules.
pub(super) fn list(inner: &Inner) -> Bytes {
    let rules = inner.faults.list();
    let views: Vec<_> = rules
        .iter()
        .map(|rule| {
            let error = match &rule.action {
                FaultAction::Error(error) => Some(error),
                _ => None,
            };
            let connection = match rule.action {
                FaultAction::Connection(connection) => Some(connection),
                _ => None,
            };
            json!({
                "operation": rule.scope.operation.map_or("*", Operation::short_name),
                "account": rule.scope.account,
                "region": rule.scope.region,
                "remaining": rule.remaining,
                "probability": rule.probability,
                "status": error.map(|e| e.status),
                "code": error.map(|e| e.code.as_str().to_owned()),
                "message": error.map(|e| e.message.clone()),
                "lostResponse": connection == Some(ConnectionFault::LostResponse),
                "reset": connection == Some(ConnectionFault::Reset),
                "latencyMs": u64::try_from(rule.latency.as_millis()).unwrap_or(u64::MAX),
            })
        })
        .collect();
    to_json(&json!({ "faults": views }))
}
