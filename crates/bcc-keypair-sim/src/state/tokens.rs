//! Client tokens of create and import (keypair-api.md §3: Go sends `?clientToken=`): a
//! repeated token gets the first answer again (errors.md §4 row 17).

use std::fmt;

use bcc_keypair_model::ErrorCode;
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::changes::RecordKey;
use super::{Keypair, KeypairView, REDACTED, ScopeRef, State};

/// How long a client token is remembered by default: 24 hours. (Inferred: the service
/// documents no lifetime for client tokens; a day covers any client's retries.)
pub(crate) const DEFAULT_CLIENT_TOKEN_TTL: TimeDelta = TimeDelta::hours(24);

/// Client tokens remembered per account and region. A record keeps the first answer,
/// private key included, so that a client whose answer was lost can ask again; beyond this
/// many the oldest records go, so the state does not grow by a private key with every
/// create for ever. (Inferred: the service documents no limit.)
pub(super) const MAX_TOKENS_PER_SCOPE: usize = 1000;

/// What a client token was first used for (errors.md §4 row 17).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "operation", rename_all = "camelCase")]
pub(crate) enum TokenParams {
    Create {
        name: String,
        description: String,
    },
    Import {
        name: String,
        description: String,
        #[serde(with = "super::base64_bytes")]
        blob: Vec<u8>,
    },
}

/// The first answer given for a client token; repeated requests get it again until it
/// expires. `Debug` never shows the private key.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TokenRecord {
    params: TokenParams,
    keypair: Keypair,
    private_key: Option<String>,
    /// When the token was first used, in seconds since the Unix epoch. Records saved
    /// before tokens expired have none and count as expired.
    #[serde(default)]
    created_at: Option<i64>,
}

impl fmt::Debug for TokenRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRecord")
            .field("params", &self.params)
            .field("keypair", &self.keypair)
            .field("private_key", &self.private_key.as_ref().map(|_| REDACTED))
            .field("created_at", &self.created_at)
            .finish()
    }
}

impl TokenRecord {
    pub(super) fn new(
        params: TokenParams,
        keypair: &Keypair,
        private_key: Option<String>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            params,
            keypair: keypair.clone(),
            private_key,
            created_at: Some(now.timestamp()),
        }
    }

    fn expired(&self, now: DateTime<Utc>, ttl: TimeDelta) -> bool {
        self.created_at
            .and_then(|created| DateTime::from_timestamp(created, 0))
            .is_none_or(|created| created + ttl <= now)
    }
}

impl State {
    /// The first answer for a repeated, unexpired client token; `None` for a new one.
    pub(super) fn repeated_token(
        &self,
        at: ScopeRef<'_>,
        client_token: Option<&str>,
        params: &TokenParams,
        now: DateTime<Utc>,
    ) -> Result<Option<KeypairView>, ErrorCode> {
        let Some(token) = client_token else {
            return Ok(None);
        };
        let Some(record) = self.scope(at).and_then(|s| s.client_tokens.get(token)) else {
            return Ok(None);
        };
        if record.expired(now, self.client_token_ttl) {
            return Ok(None);
        }
        if &record.params != params {
            return Err(ErrorCode::IdempotentParameterMismatch);
        }
        Ok(Some(KeypairView {
            keypair: record.keypair.clone(),
            instance_count: 0,
            private_key: record.private_key.clone(),
        }))
    }

    /// Remembers `token`, and forgets the scope's expired tokens and, beyond
    /// [`MAX_TOKENS_PER_SCOPE`], the oldest.
    pub(super) fn remember_token(&mut self, at: ScopeRef<'_>, token: &str, record: TokenRecord) {
        let now = record
            .created_at
            .and_then(|created| DateTime::from_timestamp(created, 0))
            .unwrap_or_default();
        self.tracked(RecordKey::Token(at, token), |state| {
            state
                .scope_mut(at)
                .client_tokens
                .insert(token.to_owned(), record);
        });
        let ttl = self.client_token_ttl;
        let Some(tokens) = self.scope(at).map(|s| &s.client_tokens) else {
            return;
        };
        let mut forgotten: Vec<String> = tokens
            .iter()
            .filter(|(_, record)| record.expired(now, ttl))
            .map(|(token, _)| token.clone())
            .collect();
        if tokens.len() - forgotten.len() > MAX_TOKENS_PER_SCOPE {
            // Key pair sequence numbers only grow: the smallest is the oldest record.
            let oldest = tokens
                .iter()
                .filter(|(_, record)| !record.expired(now, ttl))
                .min_by_key(|(_, record)| record.keypair.seq)
                .map(|(token, _)| token.clone());
            forgotten.extend(oldest);
        }
        for token in forgotten {
            self.forget_token(at, &token);
        }
    }

    fn forget_token(&mut self, at: ScopeRef<'_>, token: &str) {
        self.tracked(RecordKey::Token(at, token), |state| {
            state.scope_mut(at).client_tokens.remove(token);
        });
    }

    /// A deleted key pair's tokens are forgotten: repeating one creates a new key pair
    /// instead of answering with the deleted one (and its private key) again.
    pub(super) fn forget_tokens_of(&mut self, at: ScopeRef<'_>, keypair_id: &str) {
        let Some(scope) = self.scope(at) else {
            return;
        };
        let tokens: Vec<String> = scope
            .client_tokens
            .iter()
            .filter(|(_, record)| record.keypair.id == keypair_id)
            .map(|(token, _)| token.clone())
            .collect();
        for token in tokens {
            self.forget_token(at, &token);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z")
            .expect("valid time")
            .to_utc()
    }

    fn keypair(seq: u64) -> Keypair {
        Keypair {
            seq,
            id: format!("k-{seq}"),
            name: format!("kp{seq}"),
            description: String::new(),
            public_key: "ssh-rsa AAAA".to_owned(),
            blob: vec![1, 2],
            fingerprint: "aa:bb".to_owned(),
            created_time: "2026-11-24T10:00:00Z".to_owned(),
        }
    }

    #[test]
    fn beyond_the_limit_the_oldest_token_is_forgotten() {
        let mut state = State::new(10);
        let at = ScopeRef {
            account: "a",
            region: "bj",
        };
        let params = |seq: u64| TokenParams::Create {
            name: format!("kp{seq}"),
            description: String::new(),
        };
        let total = MAX_TOKENS_PER_SCOPE as u64 + 1;
        for seq in 0..total {
            let token = format!("t{seq}");
            let record = TokenRecord::new(params(seq), &keypair(seq), None, now());
            state.remember_token(at, &token, record);
        }
        assert!(matches!(
            state.repeated_token(at, Some("t0"), &params(0), now()),
            Ok(None)
        ));
        let kept = state
            .repeated_token(at, Some("t1"), &params(1), now())
            .unwrap();
        assert_eq!(kept.map(|view| view.keypair.id), Some("k-1".to_owned()));
        let newest = format!("t{}", total - 1);
        assert!(
            state
                .repeated_token(at, Some(&newest), &params(total - 1), now())
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn debug_of_a_token_record_redacts_the_private_key() {
        let record = TokenRecord {
            params: TokenParams::Create {
                name: "kp".to_owned(),
                description: String::new(),
            },
            keypair: Keypair {
                seq: 1,
                id: "k-1".to_owned(),
                name: "kp".to_owned(),
                description: String::new(),
                public_key: "ssh-rsa AAAA".to_owned(),
                blob: vec![1, 2],
                fingerprint: "aa:bb".to_owned(),
                created_time: "2026-11-24T10:00:00Z".to_owned(),
            },
            private_key: Some("-----BEGIN RSA PRIVATE KEY-----\nsecret".to_owned()),
            created_at: None,
        };
        let shown = format!("{record:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(!shown.contains("BEGIN RSA"), "{shown}");
        assert!(shown.contains(REDACTED), "{shown}");
        assert!(shown.contains("k-1"), "{shown}");
    }

    #[test]
    fn a_token_expires_after_its_lifetime_and_expired_ones_are_forgotten() {
        let mut state = State::new(10);
        state.set_client_token_ttl(TimeDelta::hours(1));
        let at = ScopeRef {
            account: "a",
            region: "bj",
        };
        let params = TokenParams::Create {
            name: "kp1".to_owned(),
            description: String::new(),
        };
        let record = TokenRecord::new(params.clone(), &keypair(1), None, now());
        state.remember_token(at, "t1", record);
        let just_before = now() + TimeDelta::hours(1) - TimeDelta::seconds(1);
        let kept = state.repeated_token(at, Some("t1"), &params, just_before);
        assert_eq!(
            kept.unwrap().map(|view| view.keypair.id).as_deref(),
            Some("k-1")
        );
        let at_expiry = now() + TimeDelta::hours(1);
        assert!(matches!(
            state.repeated_token(at, Some("t1"), &params, at_expiry),
            Ok(None)
        ));
        // Remembering another token later forgets the expired one.
        let later = TokenRecord::new(params.clone(), &keypair(2), None, at_expiry);
        state.remember_token(at, "t2", later);
        let tokens = &state.scope(at).expect("scope").client_tokens;
        assert_eq!(tokens.keys().collect::<Vec<_>>(), ["t2"]);
    }

    #[test]
    fn a_token_saved_without_a_time_counts_as_expired() {
        let json = r#"{"params":{"operation":"create","name":"kp","description":""},
            "keypair":{"seq":1,"id":"k-1","name":"kp","description":"","publicKey":"ssh-rsa AAAA",
            "blob":"AQI=","fingerprint":"aa:bb","createdTime":"2026-11-24T10:00:00Z"},
            "privateKey":null}"#;
        let record: TokenRecord = serde_json::from_str(json).expect("a saved record");
        assert!(record.expired(now(), DEFAULT_CLIENT_TOKEN_TTL));
    }
}
