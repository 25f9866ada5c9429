//! The simulated cloud: accounts, regions, key pairs, instances. No HTTP in here.
//!
//! Every operation is a plain method that takes validated model types and returns a value or
//! the [`ErrorCode`] the service answers with (STYLE.md habit 9). Key pairs and instances
//! live in a [`Scope`] per account and region (keypair-api.md §5: quota, duplicates and ids
//! are per user and region).

mod base64_bytes;
mod bindings;
mod changes;
mod quotas;
mod tokens;

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use bcc_keypair_model::{
    ErrorCode, KeypairDescription, KeypairId, KeypairName, ListKeypairsQuery, PublicKey,
};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::keys::GeneratedKey;

use self::changes::{ChangeLog, RecordKey};
use self::quotas::Quotas;
use self::tokens::{TokenParams, TokenRecord};

pub(crate) use self::changes::{Change, Record, tracking_own_changes};
pub(crate) use self::tokens::DEFAULT_CLIENT_TOKEN_TTL;

/// What `Debug` shows instead of a private key.
const REDACTED: &str = "**redacted**";

/// Default number of key pairs per account and region (keypair-api.md §5).
pub const DEFAULT_QUOTA: usize = 500;

/// Largest and default page size of a list call (keypair-api.md §6.3).
const MAX_LIST_KEYS: u32 = bcc_keypair_model::MAX_KEYS_LIMIT;

/// Which account and region an operation addresses.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ScopeRef<'a> {
    pub(crate) account: &'a str,
    pub(crate) region: &'a str,
}

/// One stored key pair.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Keypair {
    /// Creation sequence number: the stable list order (keypair-api.md §6.3).
    pub(crate) seq: u64,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) public_key: String,
    #[serde(with = "base64_bytes")]
    pub(crate) blob: Vec<u8>,
    pub(crate) fingerprint: String,
    pub(crate) created_time: String,
}

/// One simulated BCC instance.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Instance {
    pub(crate) os_type: String,
    pub(crate) status: String,
    /// The key pair bound through the API. `instanceCount` is derived from these bindings.
    pub(crate) keypair_id: Option<String>,
}

impl Instance {
    fn is_linux(&self) -> bool {
        self.os_type.eq_ignore_ascii_case("linux")
    }

    /// keypair-api.md §6.5: only running or stopped instances qualify.
    fn status_allows_keypair_change(&self) -> bool {
        self.status.eq_ignore_ascii_case("running") || self.status.eq_ignore_ascii_case("stopped")
    }
}

/// Key pairs and instances of one account in one region.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Scope {
    /// By creation sequence.
    keypairs: BTreeMap<u64, Keypair>,
    /// Key pair id -> sequence number.
    #[serde(skip)]
    index: crate::FastMap<String, u64>,
    instances: BTreeMap<String, Instance>,
    client_tokens: HashMap<String, TokenRecord>,
    /// Stamped by [`State::scope_mut`] and [`State::existing_scope_mut`] on every change.
    #[serde(skip)]
    revision: Revision,
}

impl Scope {
    fn keypair(&self, id: &str) -> Option<&Keypair> {
        self.index.get(id).and_then(|seq| self.keypairs.get(seq))
    }

    fn keypair_mut(&mut self, id: &str) -> Option<&mut Keypair> {
        let seq = self.index.get(id)?;
        self.keypairs.get_mut(seq)
    }

    /// Counts bindings now rather than storing a counter, so it can never drift.
    fn instance_count(&self, id: &str) -> u32 {
        let n = self
            .instances
            .values()
            .filter(|i| i.keypair_id.as_deref() == Some(id))
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    fn rebuild_index(&mut self) {
        self.index = self
            .keypairs
            .values()
            .map(|k| (k.id.clone(), k.seq))
            .collect();
    }

    fn insert(&mut self, keypair: Keypair) {
        self.index.insert(keypair.id.clone(), keypair.seq);
        self.keypairs.insert(keypair.seq, keypair);
    }
}

/// Which state of a scope a key pair was read from. Stamps come from one counter for the
/// whole [`State`], so two scopes never share one, and any change to a scope (a rename, an
/// attach that changes `instanceCount`, a delete) gives it a new one: a rendering made at
/// one revision is valid for exactly as long as the scope keeps that revision.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Revision(u64);

#[cfg(test)]
impl Revision {
    pub(crate) fn for_tests(n: u64) -> Self {
        Self(n)
    }
}

/// A key pair as an operation returns it. `Debug` never shows the private key.
#[derive(Clone)]
pub(crate) struct KeypairView {
    pub(crate) keypair: Keypair,
    pub(crate) instance_count: u32,
    /// Only in the create answer.
    pub(crate) private_key: Option<String>,
}

impl fmt::Debug for KeypairView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeypairView")
            .field("keypair", &self.keypair)
            .field("instance_count", &self.instance_count)
            .field("private_key", &self.private_key.as_ref().map(|_| REDACTED))
            .finish()
    }
}

/// One page of a list call (keypair-api.md §6.3).
#[derive(Debug)]
pub(crate) struct ListPage {
    pub(crate) marker: String,
    pub(crate) max_keys: u32,
    pub(crate) keypairs: Vec<KeypairView>,
    pub(crate) next_marker: Option<String>,
}

/// Result of a create or import before it touches the state: either the stored answer for a
/// repeated client token, or permission to go on.
#[derive(Debug)]
pub(crate) enum Precheck {
    Repeat(Box<KeypairView>),
    Proceed,
}

/// The validated inputs of a create or import.
#[derive(Debug)]
pub(crate) struct NewKeypair<'a> {
    pub(crate) name: &'a KeypairName,
    pub(crate) description: &'a KeypairDescription,
    pub(crate) client_token: Option<&'a str>,
    /// `createdTime`, already formatted.
    pub(crate) created_time: String,
    /// When the request is served: a client token expires counting from it.
    pub(crate) now: DateTime<Utc>,
}

/// Public key text, decoded blob and fingerprint of a new key pair.
struct KeyMaterial {
    public_key: String,
    blob: Vec<u8>,
    fingerprint: String,
}

/// An instance as the control API shows it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InstanceView {
    pub(crate) instance_id: String,
    pub(crate) os_type: String,
    pub(crate) status: String,
    pub(crate) region: String,
    pub(crate) access_key_id: String,
    pub(crate) keypair_id: Option<String>,
}

/// The whole simulated cloud.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct State {
    /// Format version of the state file.
    version: u32,
    next_seq: u64,
    configured_quota: usize,
    quotas: Quotas,
    /// account -> region -> scope.
    accounts: BTreeMap<String, BTreeMap<String, Scope>>,
    /// The last [`Revision`] stamped on a scope.
    #[serde(skip)]
    last_revision: u64,
    /// The newest change-log entry a saved snapshot holds (`crate::persist`); absent from
    /// state files written before the change log existed.
    #[serde(default)]
    log_position: u64,
    #[serde(skip)]
    changes: ChangeLog,
    /// How long a client token is remembered.
    #[serde(skip, default = "default_client_token_ttl")]
    client_token_ttl: TimeDelta,
}

fn default_client_token_ttl() -> TimeDelta {
    DEFAULT_CLIENT_TOKEN_TTL
}

const STATE_FORMAT_VERSION: u32 = 1;

impl State {
    pub(crate) fn new(quota: usize) -> Self {
        Self {
            version: STATE_FORMAT_VERSION,
            next_seq: 1,
            configured_quota: quota,
            quotas: Quotas {
                default: quota,
                overrides: Vec::new(),
            },
            accounts: BTreeMap::new(),
            last_revision: 0,
            log_position: 0,
            changes: ChangeLog::default(),
            client_token_ttl: DEFAULT_CLIENT_TOKEN_TTL,
        }
    }

    /// Reads a state saved with `serde_json`; the configured quota of this run wins over the
    /// saved default.
    pub(crate) fn from_json(bytes: &[u8], quota: usize) -> Result<Self, serde_json::Error> {
        let mut state: State = serde_json::from_slice(bytes)?;
        let mut last_revision = 0;
        for scope in state.accounts.values_mut().flat_map(BTreeMap::values_mut) {
            scope.rebuild_index();
            last_revision += 1;
            scope.revision = Revision(last_revision);
        }
        state.last_revision = last_revision;
        state.use_configured_quota(quota);
        Ok(state)
    }

    /// The configured quota of this run wins over a saved default.
    pub(crate) fn use_configured_quota(&mut self, quota: usize) {
        self.configured_quota = quota;
        self.quotas.default = quota;
    }

    pub(crate) fn set_client_token_ttl(&mut self, ttl: TimeDelta) {
        self.client_token_ttl = ttl;
    }

    pub(crate) fn log_position(&self) -> u64 {
        self.log_position
    }

    /// Marks the state as holding every change-log entry up to `position`.
    pub(crate) fn set_log_position(&mut self, position: u64) {
        self.log_position = position;
    }

    pub(crate) fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(self)
    }

    fn scope(&self, at: ScopeRef<'_>) -> Option<&Scope> {
        self.accounts.get(at.account)?.get(at.region)
    }

    fn next_revision(&mut self) -> Revision {
        self.last_revision += 1;
        Revision(self.last_revision)
    }

    /// The only ways to change a scope (with [`State::existing_scope_mut`]): both give the
    /// scope a new [`Revision`].
    fn scope_mut(&mut self, at: ScopeRef<'_>) -> &mut Scope {
        let revision = self.next_revision();
        let scope = self
            .accounts
            .entry(at.account.to_owned())
            .or_default()
            .entry(at.region.to_owned())
            .or_default();
        scope.revision = revision;
        scope
    }

    fn existing_scope_mut(&mut self, at: ScopeRef<'_>) -> Option<&mut Scope> {
        let revision = self.next_revision();
        let scope = self.accounts.get_mut(at.account)?.get_mut(at.region)?;
        scope.revision = revision;
        Some(scope)
    }

    fn view(scope: &Scope, keypair: &Keypair) -> KeypairView {
        KeypairView {
            keypair: keypair.clone(),
            instance_count: scope.instance_count(&keypair.id),
            private_key: None,
        }
    }

    // ---- create and import -------------------------------------------------------------

    /// Checks that need no key material: a repeated client token, and the quota.
    /// Runs under a read lock before the (possibly slow) key is fetched.
    pub(crate) fn precheck_create(
        &self,
        at: ScopeRef<'_>,
        name: &KeypairName,
        description: &KeypairDescription,
        client_token: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Precheck, ErrorCode> {
        let params = TokenParams::Create {
            name: name.as_str().to_owned(),
            description: description.as_str().to_owned(),
        };
        if let Some(repeat) = self.repeated_token(at, client_token, &params, now)? {
            return Ok(Precheck::Repeat(Box::new(repeat)));
        }
        self.check_quota(at)?;
        Ok(Precheck::Proceed)
    }

    /// Whether the scope holds a key pair with this public key blob.
    pub(crate) fn holds_public_key(&self, at: ScopeRef<'_>, blob: &[u8]) -> bool {
        self.scope(at)
            .is_some_and(|scope| scope.keypairs.values().any(|k| k.blob == blob))
    }

    /// Creates a key pair with `key` (errors.md §4 rows 17, 25).
    pub(crate) fn create(
        &mut self,
        at: ScopeRef<'_>,
        new: &NewKeypair<'_>,
        key: &GeneratedKey,
        new_id: &mut dyn FnMut() -> String,
    ) -> Result<KeypairView, ErrorCode> {
        let params = TokenParams::Create {
            name: new.name.as_str().to_owned(),
            description: new.description.as_str().to_owned(),
        };
        if let Some(repeat) = self.repeated_token(at, new.client_token, &params, new.now)? {
            return Ok(repeat);
        }
        self.check_quota(at)?;
        let material = KeyMaterial {
            public_key: key.public_key().to_owned(),
            blob: key.blob().to_vec(),
            fingerprint: key.fingerprint().to_owned(),
        };
        let private_key = Some(key.private_key_pem().to_owned());
        self.add_keypair(at, new, params, material, private_key, new_id)
    }

    /// Imports a public key (errors.md §4 rows 17, 24, 25, in that order).
    pub(crate) fn import(
        &mut self,
        at: ScopeRef<'_>,
        new: &NewKeypair<'_>,
        public_key: &PublicKey,
        new_id: &mut dyn FnMut() -> String,
    ) -> Result<KeypairView, ErrorCode> {
        let params = TokenParams::Import {
            name: new.name.as_str().to_owned(),
            description: new.description.as_str().to_owned(),
            blob: public_key.blob().to_vec(),
        };
        if let Some(repeat) = self.repeated_token(at, new.client_token, &params, new.now)? {
            return Ok(repeat);
        }
        // keypair-api.md §5: duplicates compare the decoded key blob, not the text.
        if self
            .scope(at)
            .is_some_and(|scope| scope.keypairs.values().any(|k| k.blob == public_key.blob()))
        {
            return Err(ErrorCode::KeypairPublicKeyExist);
        }
        self.check_quota(at)?;
        let material = KeyMaterial {
            public_key: public_key.as_str().to_owned(),
            blob: public_key.blob().to_vec(),
            fingerprint: public_key.fingerprint(),
        };
        self.add_keypair(at, new, params, material, None, new_id)
    }

    /// The common end of create and import: stores the key pair, remembers its client
    /// token, and answers with the private key when there is one.
    fn add_keypair(
        &mut self,
        at: ScopeRef<'_>,
        new: &NewKeypair<'_>,
        params: TokenParams,
        material: KeyMaterial,
        private_key: Option<String>,
        new_id: &mut dyn FnMut() -> String,
    ) -> Result<KeypairView, ErrorCode> {
        let keypair = self.new_keypair(at, new, material, new_id)?;
        if let Some(token) = new.client_token {
            let record = TokenRecord::new(params, &keypair, private_key.clone(), new.now);
            self.remember_token(at, token, record);
        }
        Ok(KeypairView {
            keypair,
            instance_count: 0,
            private_key,
        })
    }

    fn check_quota(&self, at: ScopeRef<'_>) -> Result<(), ErrorCode> {
        let used = self.scope(at).map_or(0, |s| s.keypairs.len());
        if used >= self.quotas.limit(at) {
            return Err(ErrorCode::KeypairQuotaExceedLimit);
        }
        Ok(())
    }

    fn new_keypair(
        &mut self,
        at: ScopeRef<'_>,
        new: &NewKeypair<'_>,
        material: KeyMaterial,
        new_id: &mut dyn FnMut() -> String,
    ) -> Result<Keypair, ErrorCode> {
        let id = self.unused_id(at, new_id)?;
        let seq = self.next_seq;
        self.next_seq += 1;
        let keypair = Keypair {
            seq,
            id,
            name: new.name.as_str().to_owned(),
            description: new.description.as_str().to_owned(),
            public_key: material.public_key,
            blob: material.blob,
            fingerprint: material.fingerprint,
            created_time: new.created_time.clone(),
        };
        let stored = keypair.clone();
        self.tracked(RecordKey::Keypair(at, seq), |state| {
            state.scope_mut(at).insert(stored);
        });
        Ok(keypair)
    }

    /// Ids are unique across the whole simulator, like the cloud's.
    fn unused_id(
        &self,
        at: ScopeRef<'_>,
        new_id: &mut dyn FnMut() -> String,
    ) -> Result<String, ErrorCode> {
        for _ in 0..64 {
            let id = new_id();
            let taken = self
                .accounts
                .values()
                .flat_map(BTreeMap::values)
                .any(|scope| scope.index.contains_key(&id));
            if !taken {
                return Ok(id);
            }
        }
        tracing::error!(
            account = at.account,
            region = at.region,
            "no unused key pair id after 64 tries"
        );
        Err(ErrorCode::InternalError)
    }

    // ---- read ---------------------------------------------------------------------------

    pub(crate) fn get(&self, at: ScopeRef<'_>, id: &KeypairId) -> Result<KeypairView, ErrorCode> {
        self.find(at, id.as_str())
    }

    /// Like [`State::get`] for any text: an id that could not be valid is simply not found.
    pub(crate) fn find(&self, at: ScopeRef<'_>, id: &str) -> Result<KeypairView, ErrorCode> {
        let scope = self.scope(at).ok_or(ErrorCode::KeypairNotExist)?;
        let keypair = scope.keypair(id).ok_or(ErrorCode::KeypairNotExist)?;
        Ok(Self::view(scope, keypair))
    }

    /// The revision of the scope holding key pair `id`, or `KeypairNotExist`.
    pub(crate) fn revision(&self, at: ScopeRef<'_>, id: &str) -> Result<Revision, ErrorCode> {
        self.scope(at)
            .filter(|scope| scope.index.contains_key(id))
            .map(|scope| scope.revision)
            .ok_or(ErrorCode::KeypairNotExist)
    }

    /// keypair-api.md §6.3: creation order, name filter before paging, inclusive marker,
    /// `nextMarker` = id of the first item not returned, unknown marker -> empty page.
    pub(crate) fn list(&self, at: ScopeRef<'_>, query: &ListKeypairsQuery) -> ListPage {
        let max_keys = query.max_keys.clamp(1, MAX_LIST_KEYS);
        let mut page = ListPage {
            marker: query.marker.clone().unwrap_or_default(),
            max_keys,
            keypairs: Vec::new(),
            next_marker: None,
        };
        let Some(scope) = self.scope(at) else {
            return page;
        };
        let start = match query.marker.as_deref().filter(|m| !m.is_empty()) {
            None => 0,
            Some(marker) => match scope.index.get(marker) {
                Some(&seq) => seq,
                None => return page,
            },
        };
        let mut counts: HashMap<&str, u32> = HashMap::new();
        for bound in scope
            .instances
            .values()
            .filter_map(|i| i.keypair_id.as_deref())
        {
            *counts.entry(bound).or_default() += 1;
        }
        let limit = usize::try_from(max_keys).unwrap_or(usize::MAX);
        let mut matching = scope
            .keypairs
            .range(start..)
            .map(|(_, k)| k)
            .filter(|k| query.name.as_deref().is_none_or(|name| k.name == name));
        for keypair in matching.by_ref().take(limit) {
            page.keypairs.push(KeypairView {
                keypair: keypair.clone(),
                instance_count: counts.get(keypair.id.as_str()).copied().unwrap_or(0),
                private_key: None,
            });
        }
        page.next_marker = matching.next().map(|k| k.id.clone());
        page
    }

    // ---- update -------------------------------------------------------------------------

    /// Changes key pair `id` with `change`, or answers `KeypairNotExist`.
    fn change_keypair(
        &mut self,
        at: ScopeRef<'_>,
        id: &KeypairId,
        change: impl FnOnce(&mut Keypair),
    ) -> Result<(), ErrorCode> {
        let seq = *self
            .scope(at)
            .and_then(|s| s.index.get(id.as_str()))
            .ok_or(ErrorCode::KeypairNotExist)?;
        self.tracked(RecordKey::Keypair(at, seq), |state| {
            if let Some(keypair) = state
                .existing_scope_mut(at)
                .and_then(|s| s.keypair_mut(id.as_str()))
            {
                change(keypair);
            }
        });
        Ok(())
    }

    pub(crate) fn rename(
        &mut self,
        at: ScopeRef<'_>,
        id: &KeypairId,
        name: &KeypairName,
    ) -> Result<(), ErrorCode> {
        self.change_keypair(at, id, |k| k.name = name.as_str().to_owned())
    }

    pub(crate) fn update_description(
        &mut self,
        at: ScopeRef<'_>,
        id: &KeypairId,
        description: &KeypairDescription,
    ) -> Result<(), ErrorCode> {
        self.change_keypair(at, id, |k| {
            k.description = description.as_str().to_owned();
        })
    }

    /// keypair-api.md §6.7: a bound key pair cannot be deleted. Its client tokens are
    /// forgotten with it.
    pub(crate) fn delete(&mut self, at: ScopeRef<'_>, id: &KeypairId) -> Result<(), ErrorCode> {
        let scope = self.scope(at).ok_or(ErrorCode::KeypairNotExist)?;
        let seq = *scope
            .index
            .get(id.as_str())
            .ok_or(ErrorCode::KeypairNotExist)?;
        if scope.instance_count(id.as_str()) > 0 {
            return Err(ErrorCode::DeleteKeypairInUse);
        }
        self.tracked(RecordKey::Keypair(at, seq), |state| {
            let scope = state.scope_mut(at);
            scope.keypairs.remove(&seq);
            scope.index.remove(id.as_str());
        });
        self.forget_tokens_of(at, id.as_str());
        Ok(())
    }

    // ---- control ------------------------------------------------------------------------

    /// Empties the state, or only one account, one region, or one account in one region.
    /// A full reset also restores the configured quota.
    pub(crate) fn reset(&mut self, account: Option<&str>, region: Option<&str>) {
        for (account, region) in self.scope_names(account, region) {
            let at = ScopeRef {
                account: &account,
                region: &region,
            };
            self.tracked(RecordKey::Scope(at), |state| {
                state.put_scope(account.clone(), region.clone(), None);
            });
        }
        if account.is_none() && region.is_none() {
            self.tracked(RecordKey::Quotas, |state| {
                state.quotas = Quotas {
                    default: state.configured_quota,
                    overrides: Vec::new(),
                };
            });
        }
    }

    pub(crate) fn set_quota(
        &mut self,
        account: Option<String>,
        region: Option<String>,
        quota: usize,
    ) {
        self.tracked(RecordKey::Quotas, |state| {
            state.quotas.set(account, region, quota);
        });
    }

    pub(crate) fn quota(&self, at: ScopeRef<'_>) -> usize {
        self.quotas.limit(at)
    }

    pub(crate) fn keypair_total(&self) -> usize {
        self.accounts
            .values()
            .flat_map(BTreeMap::values)
            .map(|s| s.keypairs.len())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bcc_keypair_model::InstanceId;

    const AT: ScopeRef<'static> = ScopeRef {
        account: "ak",
        region: "bj",
    };

    fn state_with_keypair() -> (State, KeypairId) {
        let mut state = State::new(DEFAULT_QUOTA);
        let key = GeneratedKey::from_pkcs1_pem(include_str!("../testdata/rsa2048-1.pem"))
            .expect("test key");
        let name = KeypairName::new("kp").expect("valid name");
        let description = KeypairDescription::new("").expect("valid description");
        let new = NewKeypair {
            name: &name,
            description: &description,
            client_token: None,
            created_time: "2026-11-24T10:00:00Z".to_owned(),
            now: DateTime::UNIX_EPOCH,
        };
        let view = state
            .create(AT, &new, &key, &mut || "k-1".to_owned())
            .expect("created");
        (state, KeypairId::new(&view.keypair.id).expect("valid id"))
    }

    #[test]
    fn every_change_to_a_scope_gives_it_a_new_revision() {
        let (mut state, id) = state_with_keypair();
        let mut seen = vec![state.revision(AT, "k-1").expect("exists")];
        let mut changed = |state: &State| {
            let revision = state.revision(AT, "k-1").expect("exists");
            assert!(!seen.contains(&revision), "{revision:?} reused");
            seen.push(revision);
        };
        let name = KeypairName::new("renamed").expect("valid name");
        state.rename(AT, &id, &name).expect("renamed");
        changed(&state);
        state.put_instance(AT, "i-1", "linux".to_owned(), "Running".to_owned());
        changed(&state);
        let instance = InstanceId::new("i-1").expect("valid instance id");
        state.attach(AT, &id, &[instance]).expect("attached");
        changed(&state);
        // Reading changes nothing.
        state.find(AT, "k-1").expect("exists");
        assert_eq!(state.revision(AT, "k-1").ok(), seen.last().copied());
        assert_eq!(
            state.revision(AT, "k-2").err(),
            Some(ErrorCode::KeypairNotExist)
        );
    }

    #[test]
    fn a_loaded_state_gives_each_scope_its_own_revision() {
        let (mut state, _) = state_with_keypair();
        let other = ScopeRef {
            account: "ak",
            region: "gz",
        };
        state.put_instance(other, "i-1", "linux".to_owned(), "Running".to_owned());
        let json = state.to_json().expect("serialisable");
        let loaded = State::from_json(&json, DEFAULT_QUOTA).expect("loadable");
        let revisions: Vec<_> = loaded
            .accounts
            .values()
            .flat_map(BTreeMap::values)
            .map(|scope| scope.revision)
            .collect();
        assert_eq!(revisions.len(), 2);
        assert_ne!(revisions[0], revisions[1]);
        assert!(loaded.revision(AT, "k-1").is_ok());
    }

    #[test]
    fn debug_of_a_keypair_view_redacts_the_private_key() {
        let (state, id) = state_with_keypair();
        let mut view = state.get(AT, &id).expect("exists");
        view.private_key = Some("-----BEGIN RSA PRIVATE KEY-----\nsecret".to_owned());
        let shown = format!("{view:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(!shown.contains("BEGIN RSA"), "{shown}");
        assert!(shown.contains(REDACTED), "{shown}");
        assert!(shown.contains("k-1"), "{shown}");
    }
}
