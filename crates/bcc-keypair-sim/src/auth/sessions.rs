//! STS session credentials: a temporary access key, its secret and session token, acting for
//! an account that has permanent keys (auth-v1.md §8 step 3, errors.md §4 row 3).
//!
//! They can be added while the simulator runs (`POST /__sim/credentials`), so they sit behind
//! their own lock; the permanent keys never change after the build and need none.

use std::collections::HashMap;
use std::fmt;
use std::sync::RwLock;

use bce_auth::Credentials;
use chrono::{DateTime, SecondsFormat, Utc};

use crate::lock::{read, write};

/// Temporary credentials as an STS service hands them out: access key id, secret access key
/// and session token, acting for an existing account until an optional expiry. Requests
/// signed with them must carry the token in `x-bce-security-token`, as a header or a query
/// parameter (the official Go SDK signs the header, the Java SDK sends it unsigned).
///
/// `Debug` shows neither the secret nor the token.
///
/// ```
/// use bcc_keypair_sim::{SessionCredentials, Simulator};
/// use chrono::{TimeZone, Utc};
///
/// let expiry = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
/// let session = SessionCredentials::new("sts-ak", "sts-sk", "sts-token")
///     .acting_for("my-ak")
///     .expires_at(expiry);
/// let sim = Simulator::builder()
///     .account("my-ak", "my-sk")
///     .session_credentials(session)
///     .build();
/// # drop(sim);
/// ```
#[derive(Clone)]
pub struct SessionCredentials {
    pub(crate) access_key_id: String,
    pub(crate) secret_access_key: String,
    pub(crate) session_token: String,
    pub(crate) account_access_key: Option<String>,
    pub(crate) expires_at: Option<DateTime<Utc>>,
}

impl SessionCredentials {
    /// Credentials acting for the first configured account, without expiry.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: impl Into<String>,
    ) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token: session_token.into(),
            account_access_key: None,
            expires_at: None,
        }
    }

    /// Acts for the account that has this (permanent) access key.
    #[must_use]
    pub fn acting_for(mut self, account_access_key: impl Into<String>) -> Self {
        self.account_access_key = Some(account_access_key.into());
        self
    }

    /// Refused from this time on, by the clock the signature window is judged by.
    #[must_use]
    pub fn expires_at(mut self, expires_at: DateTime<Utc>) -> Self {
        self.expires_at = Some(expires_at);
        self
    }

    /// The temporary access key id.
    #[must_use]
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The body of `POST /__sim/credentials` that adds these credentials.
    pub(crate) fn control_body(&self) -> serde_json::Value {
        let mut body = serde_json::json!({
            "accessKeyId": self.access_key_id,
            "secretAccessKey": self.secret_access_key,
            "sessionToken": self.session_token,
        });
        if let Some(account) = &self.account_access_key {
            body["account"] = account.as_str().into();
        }
        if let Some(expiry) = self.expires_at {
            body["expiresAt"] = expiry.to_rfc3339_opts(SecondsFormat::Secs, true).into();
        }
        body
    }
}

impl fmt::Debug for SessionCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"**redacted**")
            .field("session_token", &"**redacted**")
            .field("account_access_key", &self.account_access_key)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// One registered session: whom it acts for and until when. `Credentials` redacts its secret
/// and token in `Debug`.
#[derive(Clone, Debug)]
pub(crate) struct Session {
    pub(crate) account: String,
    pub(crate) credentials: Credentials,
    pub(crate) expires_at: Option<DateTime<Utc>>,
}

impl Session {
    pub(crate) fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|expiry| now >= expiry)
    }
}

/// The sessions by temporary access key id.
#[derive(Debug, Default)]
pub(crate) struct Sessions {
    by_access_key: RwLock<HashMap<String, Session>>,
}

impl Sessions {
    /// Adds a session, replacing one with the same access key id (a renewed token).
    pub(crate) fn insert(&self, access_key_id: &str, session: Session) {
        write(&self.by_access_key).insert(access_key_id.to_owned(), session);
    }

    pub(crate) fn remove(&self, access_key_id: &str) -> bool {
        write(&self.by_access_key).remove(access_key_id).is_some()
    }

    pub(crate) fn clear(&self) {
        write(&self.by_access_key).clear();
    }

    /// The session of an access key, expired or not.
    pub(crate) fn get(&self, access_key_id: &str) -> Option<Session> {
        read(&self.by_access_key).get(access_key_id).cloned()
    }

    /// The credentials of an access key whose session has not expired at `now`.
    pub(crate) fn live_credentials(
        &self,
        access_key_id: &str,
        now: DateTime<Utc>,
    ) -> Option<Credentials> {
        read(&self.by_access_key)
            .get(access_key_id)
            .filter(|session| !session.is_expired(now))
            .map(|session| session.credentials.clone())
    }

    /// Every session as `(access key id, session)`, sorted by access key id.
    pub(crate) fn list(&self) -> Vec<(String, Session)> {
        let mut all: Vec<_> = read(&self.by_access_key)
            .iter()
            .map(|(ak, session)| (ak.clone(), session.clone()))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn debug_never_shows_the_secret_or_the_token() {
        let shown = format!(
            "{:?}",
            SessionCredentials::new("sts-ak", "very-secret", "token-value").acting_for("ak")
        );
        assert!(shown.contains("sts-ak"), "{shown}");
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(!shown.contains("token-value"), "{shown}");
    }

    #[test]
    fn an_expired_session_has_no_live_credentials() {
        let expiry = Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap();
        let sessions = Sessions::default();
        sessions.insert(
            "sts-ak",
            Session {
                account: "ak".to_owned(),
                credentials: Credentials::new("sts-ak", "sk").with_session_token("tok"),
                expires_at: Some(expiry),
            },
        );
        let before = expiry - chrono::Duration::seconds(1);
        assert!(sessions.live_credentials("sts-ak", before).is_some());
        assert!(sessions.live_credentials("sts-ak", expiry).is_none());
        assert!(sessions.get("sts-ak").is_some_and(|s| s.is_expired(expiry)));
        assert!(sessions.remove("sts-ak"));
        assert!(sessions.get("sts-ak").is_none());
    }
}
