//! Instances and their key pair bindings (keypair-api.md §6.5, §6.6), and the instances the
//! control API seeds.

use std::collections::BTreeMap;

use bcc_keypair_model::{ErrorCode, InstanceId, KeypairId};

use super::changes::RecordKey;
use super::{Instance, InstanceView, Scope, ScopeRef, State};

/// An instance named by an attach or detach: its id, and whether it is bound to the key pair
/// of the request already.
type BindingTarget = (String, bool);

impl State {
    /// Checks every instance before changing any (all or nothing), code by code in the order
    /// of keypair-api.md §6.5: InstanceNotExist, UnsupportOsType, InstanceStatusForbidden.
    fn check_instances<'s>(
        scope: &'s Scope,
        instance_ids: &[InstanceId],
    ) -> Result<Vec<(&'s str, &'s Instance)>, ErrorCode> {
        let mut found = Vec::with_capacity(instance_ids.len());
        for id in instance_ids {
            let (id, instance) = scope
                .instances
                .get_key_value(id.as_str())
                .ok_or(ErrorCode::InstanceNotExist)?;
            found.push((id.as_str(), instance));
        }
        if found.iter().any(|(_, i)| !i.is_linux()) {
            return Err(ErrorCode::UnsupportOsType);
        }
        if found.iter().any(|(_, i)| !i.status_allows_keypair_change()) {
            return Err(ErrorCode::InstanceStatusForbidden);
        }
        Ok(found)
    }

    /// The instances of an attach or detach, validated in the order of keypair-api.md §6.5,
    /// each with whether it is bound to this key pair already. The scope gets a new
    /// revision.
    fn binding_targets(
        &mut self,
        at: ScopeRef<'_>,
        id: &KeypairId,
        instance_ids: &[InstanceId],
    ) -> Result<Vec<BindingTarget>, ErrorCode> {
        let scope = self
            .existing_scope_mut(at)
            .filter(|s| s.index.contains_key(id.as_str()))
            .ok_or(ErrorCode::KeypairNotExist)?;
        let targets = Self::check_instances(scope, instance_ids)?
            .iter()
            .map(|(instance_id, instance)| {
                let bound_here = instance.keypair_id.as_deref() == Some(id.as_str());
                ((*instance_id).to_owned(), bound_here)
            })
            .collect();
        Ok(targets)
    }

    /// Binds instance `instance_id` to `keypair_id`, or unbinds it.
    fn bind(&mut self, at: ScopeRef<'_>, instance_id: &str, keypair_id: Option<&str>) {
        self.tracked(RecordKey::Instance(at, instance_id), |state| {
            if let Some(instance) = state
                .existing_scope_mut(at)
                .and_then(|scope| scope.instances.get_mut(instance_id))
            {
                instance.keypair_id = keypair_id.map(str::to_owned);
            }
        });
    }

    /// keypair-api.md §6.5: binds the key pair to every instance; an instance bound to
    /// another key pair is re-bound; one already bound to this key pair is an error.
    pub(crate) fn attach(
        &mut self,
        at: ScopeRef<'_>,
        id: &KeypairId,
        instance_ids: &[InstanceId],
    ) -> Result<(), ErrorCode> {
        let targets = self.binding_targets(at, id, instance_ids)?;
        if targets.iter().any(|(_, bound_here)| *bound_here) {
            return Err(ErrorCode::AttachAttachedKeypair);
        }
        for (instance_id, _) in targets {
            self.bind(at, &instance_id, Some(id.as_str()));
        }
        Ok(())
    }

    /// keypair-api.md §6.6: unbinds instances bound to this key pair; instances without a
    /// key pair or bound to another one are left alone.
    pub(crate) fn detach(
        &mut self,
        at: ScopeRef<'_>,
        id: &KeypairId,
        instance_ids: &[InstanceId],
    ) -> Result<(), ErrorCode> {
        let targets = self.binding_targets(at, id, instance_ids)?;
        for (instance_id, bound_here) in targets {
            if bound_here {
                self.bind(at, &instance_id, None);
            }
        }
        Ok(())
    }

    /// Creates or replaces an instance. Replacing keeps its key pair binding, so a test can
    /// move a bound instance to another status.
    pub(crate) fn put_instance(
        &mut self,
        at: ScopeRef<'_>,
        instance_id: &str,
        os_type: String,
        status: String,
    ) {
        self.tracked(RecordKey::Instance(at, instance_id), |state| {
            let scope = state.scope_mut(at);
            let keypair_id = scope
                .instances
                .get(instance_id)
                .and_then(|i| i.keypair_id.clone());
            scope.instances.insert(
                instance_id.to_owned(),
                Instance {
                    os_type,
                    status,
                    keypair_id,
                },
            );
        });
    }

    pub(crate) fn instances(
        &self,
        account: Option<&str>,
        region: Option<&str>,
    ) -> Vec<InstanceView> {
        let mut out = Vec::new();
        for (account_id, regions) in &self.accounts {
            if account.is_some_and(|a| a != account_id) {
                continue;
            }
            for (region_id, scope) in regions {
                if region.is_some_and(|r| r != region_id) {
                    continue;
                }
                for (instance_id, instance) in &scope.instances {
                    out.push(InstanceView {
                        instance_id: instance_id.clone(),
                        os_type: instance.os_type.clone(),
                        status: instance.status.clone(),
                        region: region_id.clone(),
                        access_key_id: account_id.clone(),
                        keypair_id: instance.keypair_id.clone(),
                    });
                }
            }
        }
        out
    }

    /// The scopes of `account` (all accounts when `None`) in `region` (all when `None`).
    pub(super) fn scope_names(
        &self,
        account: Option<&str>,
        region: Option<&str>,
    ) -> Vec<(String, String)> {
        self.accounts
            .iter()
            .filter(|(a, _)| account.is_none_or(|wanted| wanted == *a))
            .flat_map(|(a, regions): (&String, &BTreeMap<String, Scope>)| {
                regions
                    .keys()
                    .filter(|r| region.is_none_or(|wanted| wanted == *r))
                    .map(move |r| (a.clone(), r.clone()))
            })
            .collect()
    }
}
