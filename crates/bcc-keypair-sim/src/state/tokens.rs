//! Client tokens of create and import (keypair-api.md §3: Go sends `?clientToken=`): a
//! repeated token gets the first answer again (errors.md §4 row 17).

use std::fmt;

use bcc_keypair_model::ErrorCode;
use serde::{Deserialize, Serialize};

use super::{Keypair, KeypairView, REDACTED, Scope, ScopeRef, State};

/// Client tokens remembered per account and region. A record keeps the first answer,
/// private key included, so that a client whose answer was lost can ask again; the oldest
/// records go beyond this many, so the state does not grow by a private key with every
/// create for ever. (Inferred: the service documents no lifetime for client tokens.)
pub(super) const MAX_TOKENS_PER_SCOPE: usize = 1000;

/// What a client token was first used for (errors.md §4 row 17).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "operation", rename_all = "camelCase")]
pub(super) enum TokenParams {
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

/// The first answer given for a client token; repeated requests get it again.
/// `Debug` never shows the private key.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct TokenRecord {
    params: TokenParams,
    keypair: Keypair,
    private_key: Option<String>,
}

impl fmt::Debug for TokenRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRecord")
            .field("params", &self.params)
            .field("keypair", &self.keypair)
            .field("private_key", &self.private_key.as_ref().map(|_| REDACTED))
            .finish()
    }
}

impl State {
    pub(super) fn repeated_token(
        &self,
        at: ScopeRef<'_>,
        client_token: Option<&str>,
        params: &TokenParams,
    ) -> Result<Option<KeypairView>, ErrorCode> {
        let Some(token) = client_token else {
            return Ok(None);
        };
        let Some(record) = self.scope(at).and_then(|s| s.client_tokens.get(token)) else {
            return Ok(None);
        };
        if &record.params != params {
            return Err(ErrorCode::IdempotentParameterMismatch);
        }
        Ok(Some(KeypairView {
            keypair: record.keypair.clone(),
            instance_count: 0,
            private_key: record.private_key.clone(),
        }))
    }

    pub(super) fn remember_token(
        &mut self,
        at: ScopeRef<'_>,
        client_token: Option<&str>,
        params: TokenParams,
        keypair: &Keypair,
        private_key: Option<String>,
    ) {
        if let Some(token) = client_token {
            let tokens = &mut self.scope_mut(at).client_tokens;
            tokens.insert(
                token.to_owned(),
                TokenRecord {
                    params,
                    keypair: keypair.clone(),
                    private_key,
                },
            );
            if tokens.len() > MAX_TOKENS_PER_SCOPE {
                // Key pair sequence numbers only grow: the smallest is the oldest record.
                let oldest = tokens
                    .iter()
                    .min_by_key(|(_, record)| record.keypair.seq)
                    .map(|(token, _)| token.clone());
                if let Some(oldest) = oldest {
                    tokens.remove(&oldest);
                }
            }
        }
    }
}

impl Scope {
    /// A deleted key pair's tokens are forgotten: repeating one creates a new key pair
    /// instead of answering with the deleted one (and its private key) again.
    pub(super) fn forget_tokens_of(&mut self, keypair_id: &str) {
        self.client_tokens
            .retain(|_, record| record.keypair.id != keypair_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            state.remember_token(at, Some(&token), params(seq), &keypair(seq), None);
        }
        assert!(matches!(
            state.repeated_token(at, Some("t0"), &params(0)),
            Ok(None)
        ));
        let kept = state.repeated_token(at, Some("t1"), &params(1)).unwrap();
        assert_eq!(kept.map(|view| view.keypair.id), Some("k-1".to_owned()));
        let newest = format!("t{}", total - 1);
        assert!(
            state
                .repeated_token(at, Some(&newest), &params(total - 1))
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
        };
        let shown = format!("{record:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(!shown.contains("BEGIN RSA"), "{shown}");
        assert!(shown.contains(REDACTED), "{shown}");
        assert!(shown.contains("k-1"), "{shown}");
    }
}
