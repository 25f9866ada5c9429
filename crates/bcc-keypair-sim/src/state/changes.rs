//! Changes to the state, one stored record at a time: what the change log of
//! [`crate::persist`] writes, what it replays at start, and what a failed save undoes.
//!
//! With recording on (only when a state file is configured), every change of a key pair,
//! an instance, a client token, a whole scope (a reset) or the quotas keeps the record as
//! it was before and as it is after. The log writes the "after" images; when a save fails,
//! the "before" images are put back, newest first, so the simulated cloud never keeps a
//! change the client was told had failed.

use std::cell::Cell;
use std::collections::VecDeque;
use std::future::Future;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::quotas::Quotas;
use super::tokens::TokenRecord;
use super::{Instance, Keypair, Scope, ScopeRef, State};

/// Undone ranges remembered, so that a request whose change was undone before it could
/// commit still learns why. Failures are rare; a full disk may fail every write, so the
/// list is bounded.
const UNDONE_KEPT: usize = 256;

tokio::task_local! {
    /// The number of the newest change made by the request this task serves. A change is
    /// made deep inside an operation; this lets the pipeline learn whether its own change
    /// was undone without threading a handle through every operation and control endpoint.
    static NEWEST_OWN_CHANGE: Cell<u64>;
}

/// Runs `request`, and returns with its output the number of the newest change it made.
pub(crate) async fn tracking_own_changes<F: Future>(request: F) -> (F::Output, Option<u64>) {
    NEWEST_OWN_CHANGE
        .scope(Cell::new(0), async {
            let output = request.await;
            let newest = NEWEST_OWN_CHANGE.with(Cell::get);
            (output, (newest > 0).then_some(newest))
        })
        .await
}

/// One stored record, by its key, with its value (`None`: it does not exist).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum Record {
    #[serde(rename_all = "camelCase")]
    Keypair {
        account: String,
        region: String,
        seq: u64,
        keypair: Option<Keypair>,
    },
    #[serde(rename_all = "camelCase")]
    Instance {
        account: String,
        region: String,
        instance_id: String,
        instance: Option<Instance>,
    },
    #[serde(rename_all = "camelCase")]
    Token {
        account: String,
        region: String,
        token: String,
        record: Option<TokenRecord>,
    },
    /// A whole scope: written by resets, which remove scopes.
    #[serde(rename_all = "camelCase")]
    Scope {
        account: String,
        region: String,
        scope: Option<Scope>,
    },
    Quotas {
        quotas: Quotas,
    },
}

/// Which record a change touches.
#[derive(Clone, Copy, Debug)]
pub(super) enum RecordKey<'a> {
    Keypair(ScopeRef<'a>, u64),
    Instance(ScopeRef<'a>, &'a str),
    Token(ScopeRef<'a>, &'a str),
    Scope(ScopeRef<'a>),
    Quotas,
}

/// A record before and after one change.
#[derive(Clone, Debug)]
pub(crate) struct Change {
    pub(crate) before: Record,
    pub(crate) after: Record,
}

/// Changes not yet handed to the change log, numbered in the order they were made.
#[derive(Clone, Debug, Default)]
pub(super) struct ChangeLog {
    recording: bool,
    pending: Vec<Change>,
    /// The number of the newest change made.
    newest: u64,
    /// Ranges of change numbers undone after a failed save, with the reason.
    undone: VecDeque<(u64, u64, Arc<str>)>,
}

impl State {
    /// From now on every change is recorded for the change log.
    pub(crate) fn record_changes(&mut self) {
        self.changes.recording = true;
    }

    /// The changes made since the last call, oldest first, and the number of the newest.
    pub(crate) fn take_changes(&mut self) -> (Vec<Change>, u64) {
        (
            std::mem::take(&mut self.changes.pending),
            self.changes.newest,
        )
    }

    /// Why change number `change` was undone, if it was.
    pub(crate) fn undone_reason(&self, change: u64) -> Option<Arc<str>> {
        self.changes
            .undone
            .iter()
            .find(|(first, last, _)| (*first..=*last).contains(&change))
            .map(|(_, _, reason)| Arc::clone(reason))
    }

    /// Undoes `changes` (oldest first) and every change still pending, newest first, and
    /// remembers that changes after `durable_through` were undone, and why.
    pub(crate) fn undo(&mut self, changes: Vec<Change>, durable_through: u64, reason: Arc<str>) {
        let pending = std::mem::take(&mut self.changes.pending);
        for change in pending.into_iter().rev().chain(changes.into_iter().rev()) {
            self.apply(change.before);
        }
        if self.changes.undone.len() == UNDONE_KEPT {
            self.changes.undone.pop_front();
        }
        let undone = (durable_through + 1, self.changes.newest, reason);
        self.changes.undone.push_back(undone);
    }

    /// Runs `change`, recording the record `key` before and after it when recording is on.
    pub(super) fn tracked<R>(
        &mut self,
        key: RecordKey<'_>,
        change: impl FnOnce(&mut Self) -> R,
    ) -> R {
        if !self.changes.recording {
            return change(self);
        }
        let before = self.record(key);
        let result = change(self);
        let after = self.record(key);
        self.changes.pending.push(Change { before, after });
        self.changes.newest += 1;
        let newest = self.changes.newest;
        // Outside a request (replay at start, unit tests) there is nobody to tell.
        let _ = NEWEST_OWN_CHANGE.try_with(|own| own.set(newest));
        result
    }

    /// The record `key` as it is now.
    fn record(&self, key: RecordKey<'_>) -> Record {
        let names = |at: ScopeRef<'_>| (at.account.to_owned(), at.region.to_owned());
        match key {
            RecordKey::Keypair(at, seq) => {
                let (account, region) = names(at);
                let keypair = self.scope(at).and_then(|s| s.keypairs.get(&seq)).cloned();
                Record::Keypair {
                    account,
                    region,
                    seq,
                    keypair,
                }
            }
            RecordKey::Instance(at, id) => {
                let (account, region) = names(at);
                let instance = self.scope(at).and_then(|s| s.instances.get(id)).cloned();
                Record::Instance {
                    account,
                    region,
                    instance_id: id.to_owned(),
                    instance,
                }
            }
            RecordKey::Token(at, token) => {
                let (account, region) = names(at);
                let record = self.scope(at).and_then(|s| s.client_tokens.get(token));
                Record::Token {
                    account,
                    region,
                    token: token.to_owned(),
                    record: record.cloned(),
                }
            }
            RecordKey::Scope(at) => {
                let (account, region) = names(at);
                let scope = self.scope(at).cloned();
                Record::Scope {
                    account,
                    region,
                    scope,
                }
            }
            RecordKey::Quotas => Record::Quotas {
                quotas: self.quotas.clone(),
            },
        }
    }

    /// Stores `record` as it is given: replays the change log at start, and undoes changes.
    pub(crate) fn apply(&mut self, record: Record) {
        match record {
            Record::Keypair {
                account,
                region,
                seq,
                keypair,
            } => {
                // Sequence numbers are never reused, even after the newest key pair is deleted.
                self.next_seq = self.next_seq.max(seq + 1);
                let scope = self.scope_mut(ScopeRef {
                    account: &account,
                    region: &region,
                });
                if let Some(old) = scope.keypairs.remove(&seq) {
                    scope.index.remove(&old.id);
                }
                if let Some(keypair) = keypair {
                    scope.insert(keypair);
                }
            }
            Record::Instance {
                account,
                region,
                instance_id,
                instance,
            } => {
                let at = ScopeRef {
                    account: &account,
                    region: &region,
                };
                let instances = &mut self.scope_mut(at).instances;
                match instance {
                    Some(instance) => instances.insert(instance_id, instance),
                    None => instances.remove(&instance_id),
                };
            }
            Record::Token {
                account,
                region,
                token,
                record,
            } => {
                let at = ScopeRef {
                    account: &account,
                    region: &region,
                };
                let tokens = &mut self.scope_mut(at).client_tokens;
                match record {
                    Some(record) => tokens.insert(token, record),
                    None => tokens.remove(&token),
                };
            }
            Record::Scope {
                account,
                region,
                scope,
            } => self.put_scope(account, region, scope),
            Record::Quotas { quotas } => self.quotas = quotas,
        }
    }

    pub(super) fn put_scope(&mut self, account: String, region: String, scope: Option<Scope>) {
        match scope {
            Some(mut scope) => {
                scope.rebuild_index();
                scope.revision = self.next_revision();
                self.accounts
                    .entry(account)
                    .or_default()
                    .insert(region, scope);
            }
            None => {
                if let Some(regions) = self.accounts.get_mut(&account) {
                    regions.remove(&region);
                    if regions.is_empty() {
                        self.accounts.remove(&account);
                    }
                }
            }
        }
    }
}
