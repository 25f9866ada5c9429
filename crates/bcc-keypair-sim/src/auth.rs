//! Authentication: every `/v2` request is verified with `bce-auth` before routing
//! (errors.md §4 rows 1–6, auth-v1.md §8).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, Ordering};

use bcc_keypair_model::ErrorCode;
use bce_auth::{CredentialStore, Credentials, SigningKeyCache, VerifyError, VerifySettings};
use chrono::{DateTime, Utc};

use crate::lock::{read, write};

/// Up to this many access keys are looked up by scanning rather than hashing.
const LINEAR_LOOKUP_MAX: usize = 8;

/// The configured accounts. An access key belongs to exactly one account; an account is
/// named by the first access key configured for it.
#[derive(Debug, Default)]
pub(crate) struct Accounts {
    /// Access key id -> index into `entries`.
    keys: HashMap<String, usize>,
    entries: Vec<AccessKey>,
    /// Account ids in configuration order; the first is the default of the control API.
    order: Vec<String>,
    /// Accounts flagged "not certified" (errors.md §4 row 6, `QualifyNotPass`).
    unqualified: RwLock<HashSet<String>>,
    /// Whether `unqualified` is non-empty: the common case skips its lock.
    any_unqualified: AtomicBool,
}

#[derive(Debug)]
struct AccessKey {
    access_key_id: String,
    account: String,
    credentials: Credentials,
}

impl Accounts {
    /// Adds an access key to `account` (created on first use).
    pub(crate) fn add(&mut self, account: &str, access_key_id: &str, secret_access_key: &str) {
        if !self.order.iter().any(|a| a == account) {
            self.order.push(account.to_owned());
        }
        let key = AccessKey {
            access_key_id: access_key_id.to_owned(),
            account: account.to_owned(),
            credentials: Credentials::new(access_key_id, secret_access_key),
        };
        match self.keys.get(access_key_id) {
            Some(&index) => self.entries[index] = key,
            None => {
                self.keys
                    .insert(access_key_id.to_owned(), self.entries.len());
                self.entries.push(key);
            }
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The account an access key belongs to.
    pub(crate) fn account_of(&self, access_key_id: &str) -> Option<&str> {
        self.key(access_key_id).map(|k| k.account.as_str())
    }

    fn key(&self, access_key_id: &str) -> Option<&AccessKey> {
        self.index_of(access_key_id)
            .map(|index| &self.entries[index])
    }

    /// Where `access_key_id` sits in `entries`. Runs for every request (twice: once for the
    /// verifier, once for the account); a few string comparisons beat hashing the key when
    /// only a few keys are configured, as is usual.
    fn index_of(&self, access_key_id: &str) -> Option<usize> {
        if self.entries.len() <= LINEAR_LOOKUP_MAX {
            self.entries
                .iter()
                .position(|key| key.access_key_id == access_key_id)
        } else {
            self.keys.get(access_key_id).copied()
        }
    }

    /// The access key id behind an [`Authenticated::key`] index.
    pub(crate) fn key_name(&self, index: usize) -> &str {
        self.entries
            .get(index)
            .map_or("", |k| k.access_key_id.as_str())
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
        self.any_unqualified
            .store(!unqualified.is_empty(), Ordering::Release);
    }

    fn is_qualified(&self, account: &str) -> bool {
        !self.any_unqualified.load(Ordering::Acquire) || !read(&self.unqualified).contains(account)
    }
}

impl CredentialStore for Accounts {
    fn lookup(&self, access_key_id: &str) -> Option<Cow<'_, Credentials>> {
        self.key(access_key_id)
            .map(|k| Cow::Borrowed(&k.credentials))
    }
}

/// A request that passed authentication.
#[derive(Debug)]
pub(crate) struct Authenticated<'a> {
    /// Index of the access key (see [`Accounts::key_name`]): the journal keeps this instead
    /// of a copy of the name.
    pub(crate) key: usize,
    pub(crate) account: &'a str,
}

/// Why authentication failed, with what the journal should show.
#[derive(Debug)]
pub(crate) struct Rejected {
    pub(crate) code: ErrorCode,
    pub(crate) message: Option<String>,
    pub(crate) access_key_id: Option<String>,
    /// The canonical request the simulator computed, for `SignatureDoesNotMatch`.
    pub(crate) canonical_request: Option<String>,
}

thread_local! {
    /// Signing keys derived on this thread. SDKs stamp requests to the second, so a busy
    /// client's requests share one key; one cache per thread keeps worker threads from
    /// sharing a lock. Entries are matched by secret as well, so simulators with different
    /// accounts in one process never mix keys.
    static SIGNING_KEYS: RefCell<SigningKeyCache> = RefCell::new(SigningKeyCache::default());
}

/// Verifies `parts` exactly as received: raw path, raw query, headers as sent, Host included
/// (auth-v1.md §8 step 5: never synthesise headers).
pub(crate) fn authenticate<'a>(
    accounts: &'a Accounts,
    parts: &http::request::Parts,
    now: DateTime<Utc>,
    settings: Option<&VerifySettings>,
) -> Result<Authenticated<'a>, Rejected> {
    let Some(settings) = settings else {
        return attribute_unverified(accounts, parts);
    };
    let verified = SIGNING_KEYS
        .with_borrow_mut(|keys| {
            bce_auth::http_adapter::verify_http_parts(parts, accounts, now, settings, Some(keys))
        })
        .map_err(rejected)?;
    let Some(index) = accounts.index_of(verified.access_key_id()) else {
        return Err(Rejected {
            code: ErrorCode::InvalidAccessKeyId,
            message: None,
            access_key_id: Some(verified.access_key_id().to_owned()),
            canonical_request: None,
        });
    };
    let account = accounts.entries[index].account.as_str();
    if !accounts.is_qualified(account) {
        return Err(Rejected {
            code: ErrorCode::QualifyNotPass,
            message: None,
            access_key_id: Some(verified.access_key_id().to_owned()),
            canonical_request: None,
        });
    }
    Ok(Authenticated {
        key: index,
        account,
    })
}

/// Verification switched off: the access key of a well-formed auth string picks the account
/// when it is configured, anything else goes to the first access key.
fn attribute_unverified<'a>(
    accounts: &'a Accounts,
    parts: &http::request::Parts,
) -> Result<Authenticated<'a>, Rejected> {
    let index = parts
        .headers
        .get(http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| bce_auth::AuthString::parse(text).ok())
        .and_then(|auth| accounts.index_of(auth.access_key_id()))
        .unwrap_or(0);
    let Some(key) = accounts.entries.get(index) else {
        return Err(Rejected {
            code: ErrorCode::InvalidAccessKeyId,
            message: None,
            access_key_id: None,
            canonical_request: None,
        });
    };
    if !accounts.is_qualified(&key.account) {
        return Err(Rejected {
            code: ErrorCode::QualifyNotPass,
            message: None,
            access_key_id: Some(key.access_key_id.clone()),
            canonical_request: None,
        });
    }
    Ok(Authenticated {
        key: index,
        account: &key.account,
    })
}

fn rejected(error: VerifyError) -> Rejected {
    let code = ErrorCode::from_wire(error.code());
    let mut rejected = Rejected {
        code,
        message: None,
        access_key_id: None,
        canonical_request: None,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_keys_are_found_by_scanning_and_by_hashing() {
        // Below and above the scanning limit, with two keys per account.
        for count in [1, LINEAR_LOOKUP_MAX, LINEAR_LOOKUP_MAX + 5] {
            let mut accounts = Accounts::default();
            for n in 0..count {
                accounts.add(&format!("account-{}", n / 2), &format!("ak-{n}"), "sk");
            }
            for n in 0..count {
                let index = accounts.index_of(&format!("ak-{n}"));
                assert_eq!(index, Some(n), "{count} keys, ak-{n}");
                assert_eq!(
                    accounts.account_of(&format!("ak-{n}")),
                    Some(format!("account-{}", n / 2).as_str())
                );
                assert_eq!(accounts.key_name(n), format!("ak-{n}"));
            }
            assert_eq!(accounts.index_of("ak-unknown"), None);
            assert_eq!(accounts.index_of(""), None);
        }
    }
}
