//! The auth step: every `/v2` request is verified with `bce-auth` before routing
//! (errors.md §4 rows 1–6, auth-v1.md §8). Permanent access keys are fixed at build;
//! [`sessions`] holds the STS session credentials, which may be added at run time, and
//! [`reasons`] says in plain words why a request was refused.

mod reasons;
mod sessions;

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::{Arc, RwLock};

use bcc_keypair_model::ErrorCode;
use bce_auth::{CredentialStore, Credentials, SigningKeyCache, VerifyError, VerifySettings};
use chrono::{DateTime, Utc};

use crate::lock::{read, write};

pub(crate) use reasons::named_access_key;
pub(crate) use sessions::Session;
pub use sessions::SessionCredentials;
use sessions::Sessions;

/// The configured accounts. An access key belongs to exactly one account; an account is
/// named by the first access key configured for it.
#[derive(Debug, Default)]
pub(crate) struct Accounts {
    keys: crate::FastMap<String, AccessKey>,
    /// Account ids in configuration order; the first is the default of the control API.
    order: Vec<String>,
    /// The first access key configured: unverified requests without a known key act as it.
    first_key: Option<String>,
    /// Accounts flagged "not certified" (errors.md §4 row 6, `QualifyNotPass`).
    unqualified: RwLock<HashSet<String>>,
    /// Temporary credentials acting for the accounts above.
    pub(crate) sessions: Sessions,
}

/// One access key. `Credentials` redacts its secret in `Debug`.
#[derive(Debug)]
struct AccessKey {
    /// The id again, shared with every journal entry of a request it signed.
    id: Arc<str>,
    account: String,
    credentials: Credentials,
}

impl Accounts {
    /// Adds an access key to `account` (created on first use).
    pub(crate) fn add(&mut self, account: &str, access_key_id: &str, secret_access_key: &str) {
        if !self.order.iter().any(|a| a == account) {
            self.order.push(account.to_owned());
        }
        self.first_key
            .get_or_insert_with(|| access_key_id.to_owned());
        let key = AccessKey {
            id: Arc::from(access_key_id),
            account: account.to_owned(),
            credentials: Credentials::new(access_key_id, secret_access_key),
        };
        self.keys.insert(access_key_id.to_owned(), key);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The account an access key belongs to.
    pub(crate) fn account_of(&self, access_key_id: &str) -> Option<&str> {
        self.keys.get(access_key_id).map(|k| k.account.as_str())
    }

    /// The account that an access key or an account id names.
    pub(crate) fn resolve(&self, access_key_or_account: &str) -> Option<&str> {
        self.account_of(access_key_or_account).or_else(|| {
            self.order
                .iter()
                .find(|account| *account == access_key_or_account)
                .map(String::as_str)
        })
    }

    /// Every account, in configuration order.
    pub(crate) fn names(&self) -> &[String] {
        &self.order
    }

    /// The first configured account.
    pub(crate) fn default_account(&self) -> Option<&str> {
        self.order.first().map(String::as_str)
    }

    pub(crate) fn set_qualified(&self, account: &str, qualified: bool) {
        let mut unqualified = write(&self.unqualified);
        if qualified {
            unqualified.remove(account);
        } else {
            unqualified.insert(account.to_owned());
        }
    }

    fn is_qualified(&self, account: &str) -> bool {
        !read(&self.unqualified).contains(account)
    }

    /// Registers session credentials (replacing a session with the same access key id).
    /// Their account is the one of `account_access_key`, else the first one.
    pub(crate) fn add_session(&self, session: &SessionCredentials) -> Result<Session, String> {
        if session.access_key_id.is_empty()
            || session.secret_access_key.is_empty()
            || session.session_token.is_empty()
        {
            return Err(
                "session credentials need an access key id, a secret key and a token".to_owned(),
            );
        }
        if self.keys.contains_key(&session.access_key_id) {
            return Err(format!(
                "{} is a permanent access key already",
                session.access_key_id
            ));
        }
        let account = match session.account_access_key.as_deref() {
            Some(ak) => self
                .account_of(ak)
                .ok_or_else(|| format!("no account has the access key {ak:?}"))?,
            None => self
                .default_account()
                .ok_or_else(|| "no account is configured".to_owned())?,
        };
        let registered = Session {
            account: account.to_owned(),
            credentials: Credentials::new(&session.access_key_id, &session.secret_access_key)
                .with_session_token(&session.session_token),
            expires_at: session.expires_at,
        };
        self.sessions
            .insert(&session.access_key_id, registered.clone());
        Ok(registered)
    }

    /// The caller behind a known access key (permanent or temporary), if its account may
    /// call the API.
    fn caller(&self, access_key_id: &str) -> Result<Caller<'_>, Rejected> {
        let (id, account) = match self.keys.get(access_key_id) {
            Some(key) => (Arc::clone(&key.id), Some(key.account.as_str())),
            // A session's account is one of the configured ones, which live as long as
            // `self`: borrow the name from there.
            None => (
                Arc::from(access_key_id),
                self.sessions.get(access_key_id).and_then(|session| {
                    self.order
                        .iter()
                        .find(|account| **account == session.account)
                        .map(String::as_str)
                }),
            ),
        };
        let Some(account) = account else {
            return Err(Rejected::new(
                ErrorCode::InvalidAccessKeyId,
                access_key_id,
                format!("access key id {access_key_id} is not known to the simulator"),
            ));
        };
        if !self.is_qualified(account) {
            return Err(Rejected::new(
                ErrorCode::QualifyNotPass,
                access_key_id,
                format!(
                    "the account {account} is marked not certified (POST /__sim/qualification)"
                ),
            ));
        }
        Ok(Caller {
            access_key_id: id,
            account,
            canonical_request: None,
        })
    }
}

/// The accounts as a credential store at one moment: a session that has expired by `now`
/// is not known (errors.md §4 row 3).
struct AccountsAt<'a> {
    accounts: &'a Accounts,
    now: DateTime<Utc>,
}

impl CredentialStore for AccountsAt<'_> {
    fn lookup(&self, access_key_id: &str) -> Option<Cow<'_, Credentials>> {
        match self.accounts.keys.get(access_key_id) {
            Some(key) => Some(Cow::Borrowed(&key.credentials)),
            None => self
                .accounts
                .sessions
                .live_credentials(access_key_id, self.now)
                .map(Cow::Owned),
        }
    }
}

/// Who sent a request that passed authentication.
#[derive(Debug)]
pub(crate) struct Caller<'a> {
    pub(crate) access_key_id: Arc<str>,
    pub(crate) account: &'a str,
    /// The canonical request whose signature matched, for the journal (may hold a session
    /// token; the journal redacts it when shown).
    pub(crate) canonical_request: Option<String>,
}

/// Why authentication failed, with what the journal should show.
#[derive(Debug)]
pub(crate) struct Rejected {
    pub(crate) code: ErrorCode,
    pub(crate) message: Option<String>,
    pub(crate) access_key_id: Option<String>,
    /// The canonical request the simulator computed, for `SignatureDoesNotMatch`.
    pub(crate) canonical_request: Option<String>,
    /// Why, in plain words (never shown on the wire).
    pub(crate) reason: Option<String>,
}

impl Rejected {
    fn new(code: ErrorCode, access_key_id: &str, reason: String) -> Self {
        Self {
            code,
            message: None,
            access_key_id: Some(access_key_id.to_owned()),
            canonical_request: None,
            reason: Some(reason),
        }
    }
}

impl From<VerifyError> for Rejected {
    fn from(error: VerifyError) -> Self {
        let mut rejected = Rejected {
            code: error_code(&error),
            message: None,
            access_key_id: None,
            canonical_request: None,
            reason: None,
        };
        match error {
            VerifyError::Expired { timestamp } => {
                rejected.message = Some(ErrorCode::request_expired_message(&timestamp));
            }
            VerifyError::SignatureMismatch { canonical_request } => {
                rejected.canonical_request = Some(canonical_request);
            }
            VerifyError::UnknownAccessKey { access_key_id } => {
                rejected.access_key_id = Some(access_key_id);
            }
            _ => {}
        }
        rejected
    }
}

/// The wire code of each verification failure (errors.md §4 rows 1–5).
fn error_code(error: &VerifyError) -> ErrorCode {
    match error {
        VerifyError::MissingAuthorization => ErrorCode::AccessDenied,
        VerifyError::MalformedAuthorization { .. } => ErrorCode::InvalidHttpAuthHeader,
        VerifyError::UnknownAccessKey { .. } => ErrorCode::InvalidAccessKeyId,
        VerifyError::Expired { .. } => ErrorCode::RequestExpired,
        VerifyError::SignatureMismatch { .. } => ErrorCode::SignatureDoesNotMatch,
        // `VerifyError` is `#[non_exhaustive]`: a failure this simulator does not know yet
        // is still a refusal, never a success.
        _ => ErrorCode::AccessDenied,
    }
}

thread_local! {
    /// Signing keys derived on this thread. SDKs stamp requests to the second, so a busy
    /// client's requests share one key; one cache per thread keeps worker threads from
    /// sharing a lock. Entries are matched by secret as well, so simulators with different
    /// accounts in one process never mix keys.
    static SIGNING_KEYS: RefCell<SigningKeyCache> = RefCell::new(SigningKeyCache::default());
}

/// Verifies `parts` exactly as received: raw path, raw query, headers as sent, Host included
/// (auth-v1.md §8 step 5: never synthesise headers). Without `settings` signatures are not
/// checked (development only).
pub(crate) fn authenticate<'a>(
    accounts: &'a Accounts,
    parts: &http::request::Parts,
    now: DateTime<Utc>,
    settings: Option<&VerifySettings>,
) -> Result<Caller<'a>, Rejected> {
    let Some(settings) = settings else {
        return attribute_unverified(accounts, parts);
    };
    let store = AccountsAt { accounts, now };
    let verified = SIGNING_KEYS.with_borrow_mut(|keys| {
        bce_auth::http_adapter::verify_http_parts(parts, &store, now, settings, Some(keys))
    });
    match verified {
        Ok(verified) => {
            let mut caller = accounts.caller(verified.access_key_id())?;
            caller.canonical_request = Some(verified.into_canonical_request());
            Ok(caller)
        }
        Err(error) => {
            let reason = reasons::explain(&error, parts, accounts, now, settings);
            let mut rejected = Rejected::from(error);
            rejected.reason = Some(reason);
            if rejected.access_key_id.is_none() {
                rejected.access_key_id = named_access_key(parts);
            }
            Err(rejected)
        }
    }
}

/// The `signedHeaders` field of the request's auth string, if it has one that parses (empty
/// for the default set of auth-v1.md §8 step 5).
pub(crate) fn signed_headers_field(headers: &http::HeaderMap, uri: &http::Uri) -> Option<String> {
    let text = reasons::auth_string_in(headers, uri)?;
    bce_auth::AuthString::parse(&text)
        .ok()
        .map(|auth| auth.signed_headers_field().to_owned())
}

/// Verification switched off: the access key of a well-formed auth string picks the account
/// when it is configured, anything else goes to the first access key.
fn attribute_unverified<'a>(
    accounts: &'a Accounts,
    parts: &http::request::Parts,
) -> Result<Caller<'a>, Rejected> {
    let named = parts
        .headers
        .get(http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| bce_auth::AuthString::parse(text).ok())
        .map(|auth| auth.access_key_id().to_owned())
        .filter(|access_key_id| accounts.keys.contains_key(access_key_id));
    match named.as_deref().or(accounts.first_key.as_deref()) {
        Some(access_key_id) => accounts.caller(access_key_id),
        None => Err(Rejected {
            code: ErrorCode::InvalidAccessKeyId,
            message: None,
            access_key_id: None,
            canonical_request: None,
            reason: Some("no access key is configured".to_owned()),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_verification_error_maps_to_a_known_code_by_variant() {
        let cases = [
            (VerifyError::MissingAuthorization, ErrorCode::AccessDenied),
            (
                VerifyError::MalformedAuthorization {
                    reason: "x".to_owned(),
                },
                ErrorCode::InvalidHttpAuthHeader,
            ),
            (
                VerifyError::UnknownAccessKey {
                    access_key_id: "ak".to_owned(),
                },
                ErrorCode::InvalidAccessKeyId,
            ),
            (
                VerifyError::Expired {
                    timestamp: "2026-11-24T10:00:00Z".to_owned(),
                },
                ErrorCode::RequestExpired,
            ),
            (
                VerifyError::SignatureMismatch {
                    canonical_request: "GET\n/".to_owned(),
                },
                ErrorCode::SignatureDoesNotMatch,
            ),
        ];
        for (error, expected) in cases {
            let code = error_code(&error);
            assert!(code.is_known(), "{error:?}");
            assert_eq!(code, expected, "{error:?}");
            // The code bce-auth documents for the variant is the same one.
            assert_eq!(code.as_str(), error.code(), "{error:?}");
        }
    }

    #[test]
    fn a_rejection_keeps_what_the_journal_shows() {
        let expired: Rejected = VerifyError::Expired {
            timestamp: "2026-11-24T10:00:00Z".to_owned(),
        }
        .into();
        assert_eq!(
            expired.message,
            Some(ErrorCode::request_expired_message("2026-11-24T10:00:00Z"))
        );
        let unknown: Rejected = VerifyError::UnknownAccessKey {
            access_key_id: "ak-x".to_owned(),
        }
        .into();
        assert_eq!(unknown.access_key_id.as_deref(), Some("ak-x"));
        let mismatch: Rejected = VerifyError::SignatureMismatch {
            canonical_request: "GET\n/".to_owned(),
        }
        .into();
        assert_eq!(mismatch.canonical_request.as_deref(), Some("GET\n/"));
    }

    #[test]
    fn access_keys_find_their_accounts() {
        let mut accounts = Accounts::default();
        for n in 0..12 {
            accounts.add(&format!("account-{}", n / 2), &format!("ak-{n}"), "sk");
        }
        for n in 0..12 {
            let caller = accounts.caller(&format!("ak-{n}")).expect("known key");
            assert_eq!(&*caller.access_key_id, format!("ak-{n}"));
            assert_eq!(caller.account, format!("account-{}", n / 2));
        }
        let unknown = accounts.caller("ak-unknown").expect_err("unknown key");
        assert_eq!(unknown.code, ErrorCode::InvalidAccessKeyId);
        accounts.set_qualified("account-1", false);
        let refused = accounts.caller("ak-2").expect_err("unqualified account");
        assert_eq!(refused.code, ErrorCode::QualifyNotPass);
        accounts.set_qualified("account-1", true);
        assert!(accounts.caller("ak-3").is_ok());
    }
}
