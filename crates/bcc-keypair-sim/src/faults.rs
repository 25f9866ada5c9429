//! Fault injection (`POST /__sim/faults`): requests that match a rule are delayed, answered
//! with a chosen error, or lose their connection (before the operation runs, or after it
//! has been applied), either for the next N matches or with a probability drawn from the
//! simulator's seed.

use std::sync::Mutex;
use std::time::Duration;

use bcc_keypair_model::{ErrorCode, Operation};
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};

use crate::lock::lock;

/// What an injected fault does to the connection of the request it hit.
///
/// [`Simulator::handle`](crate::Simulator::handle) puts it in the extensions of the
/// response: a server must then close the connection without writing that response (the
/// simulator's own [`server`](crate::server) does).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectionFault {
    /// The operation was applied, then the answer was lost: the case that makes idempotency
    /// (`clientToken`) matter.
    LostResponse,
    /// The connection broke before the operation ran: nothing changed.
    Reset,
}

/// What a rule does to the requests it hits.
#[derive(Clone, Debug)]
pub(crate) enum FaultAction {
    /// Only the rule's latency.
    Delay,
    /// Answer with this error instead of running the operation.
    Error(InjectedError),
    /// Close the connection: before the operation ([`ConnectionFault::Reset`]) or after it
    /// ([`ConnectionFault::LostResponse`]).
    Connection(ConnectionFault),
}

/// Which requests a rule hits.
#[derive(Clone, Debug, Default)]
pub(crate) struct FaultScope {
    /// `None` matches every operation.
    pub(crate) operation: Option<Operation>,
    /// An account id; `None` matches every account.
    pub(crate) account: Option<String>,
    /// A region, lower case; `None` matches every region.
    pub(crate) region: Option<String>,
}

impl FaultScope {
    fn matches(&self, operation: Operation, account: &str, region: &str) -> bool {
        self.operation.is_none_or(|op| op == operation)
            && self.account.as_deref().is_none_or(|a| a == account)
            && self.region.as_deref().is_none_or(|r| r == region)
    }
}

/// One rule.
#[derive(Clone, Debug)]
pub(crate) struct FaultRule {
    pub(crate) scope: FaultScope,
    /// Hits still to come; `None`: until the faults are cleared.
    pub(crate) remaining: Option<u32>,
    /// Chance that a matching request is hit; `None`: every one.
    pub(crate) probability: Option<f64>,
    pub(crate) action: FaultAction,
    /// Delay before answering (or before closing).
    pub(crate) latency: Duration,
}

/// The error a fault answers with.
#[derive(Clone, Debug)]
pub(crate) struct InjectedError {
    pub(crate) status: u16,
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
}

/// The active rules, in the order they were added, and the generator probabilities are
/// drawn from.
#[derive(Debug)]
pub(crate) struct Faults {
    rules: Mutex<Vec<FaultRule>>,
    rng: Mutex<StdRng>,
}

/// What to do to one request.
#[derive(Debug)]
pub(crate) struct Injection {
    pub(crate) latency: Duration,
    pub(crate) action: FaultAction,
}

impl Faults {
    /// Probabilities drawn from `seed`, or from the operating system's generator.
    pub(crate) fn new(seed: Option<u64>) -> Self {
        let rng = match seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_entropy(),
        };
        Self {
            rules: Mutex::new(Vec::new()),
            rng: Mutex::new(rng),
        }
    }

    pub(crate) fn add(&self, rule: FaultRule) {
        lock(&self.rules).push(rule);
    }

    pub(crate) fn clear(&self) {
        lock(&self.rules).clear();
    }

    pub(crate) fn list(&self) -> Vec<FaultRule> {
        lock(&self.rules).clone()
    }

    /// Consumes one use of the first rule that matches the request and hits it. A rule
    /// with a probability draws one number per matching request, in arrival order, so the
    /// same seed and the same requests give the same hits.
    pub(crate) fn take(
        &self,
        operation: Operation,
        account: &str,
        region: &str,
    ) -> Option<Injection> {
        let mut rules = lock(&self.rules);
        let mut hit = None;
        for (index, rule) in rules.iter().enumerate() {
            if rule.remaining == Some(0) || !rule.scope.matches(operation, account, region) {
                continue;
            }
            if let Some(probability) = rule.probability
                && lock(&self.rng).gen_range(0.0..1.0) >= probability
            {
                continue;
            }
            hit = Some(index);
            break;
        }
        let index = hit?;
        let rule = &mut rules[index];
        let injection = Injection {
            latency: rule.latency,
            action: rule.action.clone(),
        };
        if let Some(remaining) = &mut rule.remaining {
            *remaining -= 1;
            if *remaining == 0 {
                rules.remove(index);
            }
        }
        Some(injection)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(scope: FaultScope, remaining: Option<u32>, probability: Option<f64>) -> FaultRule {
        FaultRule {
            scope,
            remaining,
            probability,
            action: FaultAction::Error(InjectedError {
                status: 503,
                code: ErrorCode::InternalError,
                message: "x".into(),
            }),
            latency: Duration::ZERO,
        }
    }

    fn create_only() -> FaultScope {
        FaultScope {
            operation: Some(Operation::CreateKeypair),
            ..FaultScope::default()
        }
    }

    #[test]
    fn a_rule_applies_to_the_next_n_matching_requests() {
        let faults = Faults::new(Some(1));
        faults.add(rule(create_only(), Some(2), None));
        assert!(faults.take(Operation::GetKeypair, "a", "bj").is_none());
        assert!(faults.take(Operation::CreateKeypair, "a", "bj").is_some());
        assert!(faults.take(Operation::CreateKeypair, "a", "bj").is_some());
        assert!(faults.take(Operation::CreateKeypair, "a", "bj").is_none());
        assert!(faults.list().is_empty());
    }

    #[test]
    fn a_rule_matches_only_its_account_and_region() {
        let faults = Faults::new(Some(1));
        let scope = FaultScope {
            account: Some("a".into()),
            region: Some("gz".into()),
            ..FaultScope::default()
        };
        faults.add(rule(scope, None, None));
        assert!(faults.take(Operation::GetKeypair, "b", "gz").is_none());
        assert!(faults.take(Operation::GetKeypair, "a", "bj").is_none());
        assert!(faults.take(Operation::GetKeypair, "a", "gz").is_some());
        assert!(faults.take(Operation::GetKeypair, "a", "gz").is_some());
        assert_eq!(faults.list().len(), 1, "a rule without a count stays");
    }

    #[test]
    fn probabilities_hit_about_their_share_and_the_same_seed_hits_the_same_requests() {
        let hits = |seed| {
            let faults = Faults::new(Some(seed));
            faults.add(rule(create_only(), None, Some(0.3)));
            (0..1000)
                .map(|_| faults.take(Operation::CreateKeypair, "a", "bj").is_some())
                .collect::<Vec<_>>()
        };
        let first = hits(42);
        assert_eq!(first, hits(42));
        assert_ne!(first, hits(43));
        let count = first.iter().filter(|hit| **hit).count();
        assert!((230..370).contains(&count), "{count} hits of 1000 at 30 %");
    }
}
