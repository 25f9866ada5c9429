//! `/__sim/credentials`: STS session credentials at run time (auth-v1.md §8 step 3).
//!
//! * `POST` `{"accessKeyId","secretAccessKey","sessionToken","account","expiresAt"}` adds
//!   (or renews) temporary credentials; `account` is an access key of the account they act
//!   for (default the first), `expiresAt` an optional RFC 3339 time.
//! * `GET` lists them without secrets or tokens.
//! * `DELETE ?accessKeyId=` removes one; without it, all.
//!
//! (Inferred:) `POST /__sim/reset` leaves them in place: like the accounts, they are
//! configuration rather than state.

use bcc_keypair_model::ErrorCode;
use bce_auth::query::Query;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Failure, required_body};
use crate::Inner;
use crate::auth::{Session, SessionCredentials};
use crate::wire::json as to_json;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CredentialsBody {
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    account: Option<String>,
    expires_at: Option<String>,
}

pub(super) fn add(inner: &Inner, body: &Bytes) -> Result<Bytes, Failure> {
    let request: CredentialsBody = required_body(body)?;
    let mut credentials = SessionCredentials::new(
        request.access_key_id,
        request.secret_access_key,
        request.session_token,
    );
    if let Some(account) = request.account.filter(|a| !a.is_empty()) {
        if inner.accounts.account_of(&account).is_none() {
            return Err(Failure::new(
                ErrorCode::InvalidAccessKeyId,
                format!("no account has the access key {account:?}"),
            ));
        }
        credentials = credentials.acting_for(account);
    }
    if let Some(text) = request.expires_at.filter(|t| !t.is_empty()) {
        let expiry = DateTime::parse_from_rfc3339(&text).map_err(|_| {
            Failure::new(
                ErrorCode::InappropriateJson,
                format!(
                    "expiresAt must be an RFC 3339 time such as 2026-11-24T10:00:00Z, got {text:?}"
                ),
            )
        })?;
        credentials = credentials.expires_at(expiry.with_timezone(&Utc));
    }
    let session = inner
        .accounts
        .add_session(&credentials)
        .map_err(Failure::bad_request)?;
    tracing::info!(
        access_key_id = credentials.access_key_id(),
        account = session.account,
        "session credentials added"
    );
    Ok(to_json(&view(credentials.access_key_id(), &session, inner)))
}

pub(super) fn list(inner: &Inner) -> Bytes {
    let views: Vec<Value> = inner
        .accounts
        .sessions
        .list()
        .iter()
        .map(|(access_key_id, session)| view(access_key_id, session, inner))
        .collect();
    to_json(&json!({ "credentials": views }))
}

pub(super) fn remove(inner: &Inner, query: &Query<'_>) -> Result<Bytes, Failure> {
    match query.get("accessKeyId").filter(|ak| !ak.is_empty()) {
        None => inner.accounts.sessions.clear(),
        Some(ak) => {
            if !inner.accounts.sessions.remove(&ak) {
                return Err(Failure::new(
                    ErrorCode::InvalidAccessKeyId,
                    format!("no session credentials have the access key {ak:?}"),
                ));
            }
        }
    }
    Ok(list(inner))
}

/// A session as shown: never its secret or token.
fn view(access_key_id: &str, session: &Session, inner: &Inner) -> Value {
    json!({
        "accessKeyId": access_key_id,
        "account": session.account,
        "expiresAt": session.expires_at.map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
        "expired": session.is_expired(inner.clock.now()),
    })
}
