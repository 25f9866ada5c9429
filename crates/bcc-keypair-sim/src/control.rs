//! The control API under `/__sim/` (never `/v2`, never signed): health, reset, instances,
//! request journal, fault injection (`control/faults`), the clock (`control/clock`), quota,
//! account qualification and session credentials (`control/credentials`).
//! Documented with examples in the crate README.

mod clock;
mod credentials;
mod dashboard;
mod faults;
mod requests;

use bcc_keypair_model::{ErrorCode, parse_body};
use bytes::Bytes;
use http::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::Inner;
use crate::lock::{read, write};
use crate::routes::host_name;
use crate::state::{InstanceView, ScopeRef};
use crate::wire::{EMPTY_OBJECT, json as to_json};
use bce_auth::query::Query;

/// Whether a request is for the control API rather than the key pair API.
pub(crate) fn is_control_path(path: &str) -> bool {
    path == "/__sim" || path.starts_with("/__sim/")
}

/// A control answer.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) body: Bytes,
    /// Whether the simulated cloud changed (and so the state file must be written).
    pub(crate) changes_state: bool,
    /// An HTML page rather than JSON (the dashboard).
    pub(crate) html: bool,
}

/// A refused control request: a code and a specific message.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
}

/// Answers one control request.
pub(crate) fn handle(
    inner: &Inner,
    parts: &http::request::Parts,
    body: &Bytes,
) -> Result<Reply, Failure> {
    refuse_browsers_from_elsewhere(&parts.headers)?;
    require_control_token(inner.control_token.as_deref(), &parts.headers)?;
    refuse_bodies_not_json(&parts.headers)?;
    let query = Query::parse(parts.uri.query());
    let method = if parts.method == Method::HEAD {
        &Method::GET
    } else {
        &parts.method
    };
    // The page lives at `/__sim/` exactly; `/__sim` stays a JSON API path like the others.
    if method == Method::GET && parts.uri.path() == "/__sim/" {
        return Ok(Reply {
            html: true,
            ..reply(dashboard::page(inner))
        });
    }
    let path = parts.uri.path().trim_end_matches('/');
    match (method, path) {
        (&Method::GET, "/__sim/health") => Ok(reply(health(inner))),
        (&Method::POST, "/__sim/reset") => reset(inner, body).map(changed),
        (&Method::POST, "/__sim/instances") => put_instances(inner, body).map(changed),
        (&Method::GET, "/__sim/instances") => get_instances(inner, &query).map(reply),
        (&Method::GET, "/__sim/requests") => requests::list(inner, &query).map(reply),
        (&Method::POST, "/__sim/faults") => faults::add(inner, body).map(reply),
        (&Method::GET, "/__sim/faults") => Ok(reply(faults::list(inner))),
        (&Method::DELETE, "/__sim/faults") => {
            inner.faults.clear();
            Ok(reply(Bytes::from_static(EMPTY_OBJECT)))
        }
        (&Method::POST, "/__sim/clock") => clock::change(inner, body).map(reply),
        (&Method::GET, "/__sim/clock") => Ok(reply(clock::show(inner))),
        (&Method::DELETE, "/__sim/clock") => {
            inner.clock_settings.reset();
            Ok(reply(clock::show(inner)))
        }
        (&Method::POST, "/__sim/quota") => set_quota(inner, body).map(changed),
        (&Method::GET, "/__sim/quota") => get_quota(inner, &query).map(reply),
        (&Method::POST, "/__sim/qualification") => qualification(inner, body).map(reply),
        (&Method::POST, "/__sim/credentials") => credentials::add(inner, body).map(reply),
        (&Method::GET, "/__sim/credentials") => Ok(reply(credentials::list(inner))),
        (&Method::DELETE, "/__sim/credentials") => credentials::remove(inner, &query).map(reply),
        _ => Err(Failure::new(
            ErrorCode::InvalidUri,
            format!("no control endpoint {} {}", parts.method, parts.uri.path()),
        )),
    }
}

/// The control API has no credentials, so a web page must not reach it: a page elsewhere can
/// make a browser send a "simple" cross-origin POST (it carries an `Origin` header), and a
/// page on a name that its owner re-points at 127.0.0.1 (DNS rebinding) makes same-origin
/// requests whose `Host` is that name. Refused: an `Origin` whose host is not local, and a
/// `Host` that is a dotted name other than `localhost` names and the service's own
/// `*.baidubce.com` names (which clients resolve to the simulator on purpose). IP addresses
/// and single-label names (a container's service name) stay allowed: neither can be
/// re-pointed by a stranger's DNS.
fn refuse_browsers_from_elsewhere(headers: &http::HeaderMap) -> Result<(), Failure> {
    let text = |name: http::header::HeaderName| {
        headers
            .get(name)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
    };
    if let Some(origin) = text(http::header::ORIGIN) {
        let host = origin.split_once("://").map_or("", |(_, rest)| rest);
        if !is_local_name(host_name(host)) {
            tracing::warn!(%origin, "refused a cross-origin control request");
            return Err(Failure::new(
                ErrorCode::AccessDenied,
                format!("the control API does not answer pages from {origin}"),
            ));
        }
    }
    if let Some(host) = text(http::header::HOST) {
        let name = host_name(&host);
        let allowed = name.parse::<std::net::IpAddr>().is_ok()
            || !name.contains('.')
            || is_local_name(name)
            || name.ends_with(".baidubce.com");
        if !allowed {
            tracing::warn!(%host, "refused a control request for a foreign host name");
            return Err(Failure::new(
                ErrorCode::AccessDenied,
                format!("the control API does not answer for host {host}"),
            ));
        }
    }
    Ok(())
}

/// The header that carries the control token; `Authorization: Bearer <token>` works too.
pub(crate) const CONTROL_TOKEN_HEADER: &str = "x-sim-control-token";

/// With a control token configured (`--control-token`), every control request must present
/// it, in [`CONTROL_TOKEN_HEADER`] or as `Authorization: Bearer`; anything else is 403
/// `AccessDenied`, the status of a refused credential (errors.md §4). Compared in constant
/// time, so that the answer's timing does not tell how much of a guess was right.
fn require_control_token(expected: Option<&str>, headers: &http::HeaderMap) -> Result<(), Failure> {
    use subtle::ConstantTimeEq as _;
    let Some(expected) = expected else {
        return Ok(());
    };
    let bearer = headers
        .get_all(http::header::AUTHORIZATION)
        .iter()
        .filter_map(|value| value.as_bytes().strip_prefix(b"Bearer "));
    let presented = headers
        .get_all(CONTROL_TOKEN_HEADER)
        .iter()
        .map(http::HeaderValue::as_bytes)
        .chain(bearer);
    let mut matched = false;
    for token in presented {
        matched |= bool::from(token.trim_ascii().ct_eq(expected.as_bytes()));
    }
    if matched {
        return Ok(());
    }
    tracing::warn!("refused a control request without the control token");
    Err(Failure::new(
        ErrorCode::AccessDenied,
        format!("the control API needs the control token ({CONTROL_TOKEN_HEADER} header)"),
    ))
}

/// A control request may declare no body type (the tests and scripts that seed the
/// simulator) or `application/json`; any other declared type is refused with 400
/// `InvalidHTTPRequest` (errors.md §4 row 10, the body is not acceptable), body or not. A
/// browser can send a cross-site form or `text/plain` POST without asking first, but never
/// one declaring `application/json`, which needs a CORS preflight this API does not answer.
/// (Inferred: the choice of code; the control API is the simulator's own.)
fn refuse_bodies_not_json(headers: &http::HeaderMap) -> Result<(), Failure> {
    let mut declared = headers
        .get_all(http::header::CONTENT_TYPE)
        .iter()
        .peekable();
    if declared.peek().is_none() {
        return Ok(());
    }
    let all_json = declared.all(|value| {
        let media_type = value
            .as_bytes()
            .split(|&b| b == b';')
            .next()
            .unwrap_or_default();
        media_type
            .trim_ascii()
            .eq_ignore_ascii_case(b"application/json")
    });
    if all_json {
        return Ok(());
    }
    Err(Failure::bad_request(
        "control request bodies must be application/json",
    ))
}

/// Loopback addresses and `localhost` names.
fn is_local_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Failure {
    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidHttpRequest, message)
    }
}

fn reply(body: Bytes) -> Reply {
    Reply {
        body,
        changes_state: false,
        html: false,
    }
}

fn changed(body: Bytes) -> Reply {
    Reply {
        body,
        changes_state: true,
        html: false,
    }
}

/// Control bodies use the API's body rules; an empty body means "all defaults".
fn body_or_default<T: serde::de::DeserializeOwned + Default>(body: &Bytes) -> Result<T, Failure> {
    if body.trim_ascii().is_empty() {
        return Ok(T::default());
    }
    parse_body(body).map_err(|e| Failure::new(e.code(), e.to_string()))
}

fn required_body<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, Failure> {
    parse_body(body).map_err(|e| Failure::new(e.code(), e.to_string()))
}

/// The account an optional `accessKeyId` names, or the first configured account.
fn account<'a>(inner: &'a Inner, access_key_id: Option<&str>) -> Result<&'a str, Failure> {
    match access_key_id {
        Some(ak) => inner.accounts.account_of(ak).ok_or_else(|| {
            Failure::new(
                ErrorCode::InvalidAccessKeyId,
                format!("no account has the access key {ak:?}"),
            )
        }),
        None => inner
            .accounts
            .default_account()
            .ok_or_else(|| Failure::bad_request("no account is configured")),
    }
}

fn health(inner: &Inner) -> Bytes {
    let keypairs = read(&inner.state).keypair_total();
    to_json(&json!({
        "status": "ok",
        "keysReady": inner.keys.ready(),
        "keypairs": keypairs,
        "defaultRegion": &*inner.default_region,
    }))
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScopeFilter {
    access_key_id: Option<String>,
    region: Option<String>,
}

/// Empties the state (and clears faults and the journal), or only one account and/or region.
fn reset(inner: &Inner, body: &Bytes) -> Result<Bytes, Failure> {
    let filter: ScopeFilter = body_or_default(body)?;
    let account = match filter.access_key_id.as_deref() {
        Some(ak) => Some(account(inner, Some(ak))?),
        None => None,
    };
    write(&inner.state).reset(account, filter.region.as_deref());
    if account.is_none() && filter.region.is_none() {
        inner.faults.clear();
        inner.journal.clear();
    }
    Ok(Bytes::from_static(EMPTY_OBJECT))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InstancesBody {
    instances: Vec<InstanceSpec>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InstanceSpec {
    instance_id: String,
    #[serde(default = "linux")]
    os_type: String,
    #[serde(default = "running")]
    status: String,
    region: Option<String>,
    access_key_id: Option<String>,
}

fn linux() -> String {
    "linux".to_owned()
}

fn running() -> String {
    "Running".to_owned()
}

#[derive(Serialize)]
struct InstancesOut {
    instances: Vec<InstanceView>,
}

/// Creates or replaces instances; all are checked before any is stored.
fn put_instances(inner: &Inner, body: &Bytes) -> Result<Bytes, Failure> {
    let request: InstancesBody = required_body(body)?;
    let mut resolved = Vec::with_capacity(request.instances.len());
    for spec in &request.instances {
        if spec.instance_id.is_empty() || spec.instance_id.chars().any(char::is_control) {
            return Err(Failure::new(
                ErrorCode::InappropriateJson,
                format!("invalid instanceId {:?}", spec.instance_id),
            ));
        }
        let account = account(inner, spec.access_key_id.as_deref())?;
        let region = spec.region.as_deref().unwrap_or(&inner.default_region);
        resolved.push((account, region, spec));
    }
    let mut state = write(&inner.state);
    for (account, region, spec) in &resolved {
        state.put_instance(
            ScopeRef { account, region },
            &spec.instance_id,
            spec.os_type.clone(),
            spec.status.clone(),
        );
    }
    let instances = state
        .instances(None, None)
        .into_iter()
        .filter(|view| {
            resolved.iter().any(|(account, region, spec)| {
                view.instance_id == spec.instance_id
                    && view.access_key_id == *account
                    && view.region == *region
            })
        })
        .collect();
    Ok(to_json(&InstancesOut { instances }))
}

fn get_instances(inner: &Inner, query: &Query<'_>) -> Result<Bytes, Failure> {
    let account = match query.get("accessKeyId").filter(|a| !a.is_empty()) {
        Some(ak) => Some(account(inner, Some(&ak))?),
        None => None,
    };
    let region = query.get("region").filter(|r| !r.is_empty());
    let instances = read(&inner.state).instances(account, region.as_deref());
    Ok(to_json(&InstancesOut { instances }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QuotaBody {
    quota: usize,
    access_key_id: Option<String>,
    region: Option<String>,
}

/// Sets the quota of one account and/or region, or the default when neither is given.
fn set_quota(inner: &Inner, body: &Bytes) -> Result<Bytes, Failure> {
    let request: QuotaBody = required_body(body)?;
    let account = match request.access_key_id.as_deref() {
        Some(ak) => Some(account(inner, Some(ak))?.to_owned()),
        None => None,
    };
    write(&inner.state).set_quota(account, request.region, request.quota);
    Ok(to_json(&json!({ "quota": request.quota })))
}

/// The quota that applies to `?accessKeyId=&region=` (defaults: first account, default region).
fn get_quota(inner: &Inner, query: &Query<'_>) -> Result<Bytes, Failure> {
    let account_key = query.get("accessKeyId").filter(|a| !a.is_empty());
    let account = account(inner, account_key.as_deref())?;
    let region = query.get("region").filter(|r| !r.is_empty());
    let region = region.as_deref().unwrap_or(&inner.default_region);
    let quota = read(&inner.state).quota(ScopeRef { account, region });
    Ok(to_json(&json!({ "quota": quota })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QualificationBody {
    access_key_id: Option<String>,
    qualified: bool,
}

/// Flags an account as (not) certified: unqualified accounts get `QualifyNotPass`.
fn qualification(inner: &Inner, body: &Bytes) -> Result<Bytes, Failure> {
    let request: QualificationBody = required_body(body)?;
    let account = account(inner, request.access_key_id.as_deref())?;
    inner.accounts.set_qualified(account, request.qualified);
    Ok(to_json(&json!({ "qualified": request.qualified })))
}
