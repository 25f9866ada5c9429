//! Key pair quotas (keypair-api.md §5), set at run time by `POST /__sim/quota`.

use serde::{Deserialize, Serialize};

use super::ScopeRef;

/// Quota settings: a default and overrides per account, region, or both.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Quotas {
    pub(super) default: usize,
    pub(super) overrides: Vec<QuotaOverride>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct QuotaOverride {
    account: Option<String>,
    region: Option<String>,
    quota: usize,
}

impl Quotas {
    /// Most specific first: account and region, account, region, default.
    pub(super) fn limit(&self, scope: ScopeRef<'_>) -> usize {
        let find = |account: Option<&str>, region: Option<&str>| {
            self.overrides
                .iter()
                .find(|o| o.account.as_deref() == account && o.region.as_deref() == region)
                .map(|o| o.quota)
        };
        find(Some(scope.account), Some(scope.region))
            .or_else(|| find(Some(scope.account), None))
            .or_else(|| find(None, Some(scope.region)))
            .unwrap_or(self.default)
    }

    pub(super) fn set(&mut self, account: Option<String>, region: Option<String>, quota: usize) {
        if account.is_none() && region.is_none() {
            self.default = quota;
            return;
        }
        self.overrides
            .retain(|o| !(o.account == account && o.region == region));
        self.overrides.push(QuotaOverride {
            account,
            region,
            quota,
        });
    }
}
