//! Fault injection (`POST /__sim/faults`): the next N requests of an operation fail with a
//! chosen status and code, and/or are delayed.

use std::sync::Mutex;
use std::time::Duration;

use bcc_keypair_model::{ErrorCode, Operation};

use crate::lock::lock;

/// One rule.
#[derive(Clone, Debug)]
pub(crate) struct FaultRule {
    /// `None` matches every operation.
    pub(crate) operation: Option<Operation>,
    /// Requests still to be affected.
    pub(crate) remaining: u32,
    /// Answer with this error instead of running the operation.
    pub(crate) error: Option<InjectedError>,
    /// Delay before answering.
    pub(crate) latency: Duration,
}

/// The error a fault answers with.
#[derive(Clone, Debug)]
pub(crate) struct InjectedError {
    pub(crate) status: u16,
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
}

/// The active rules, in the order they were added.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    rules: Mutex<Vec<FaultRule>>,
}

/// What to do to one request.
#[derive(Debug, Default)]
pub(crate) struct Injection {
    pub(crate) latency: Duration,
    pub(crate) error: Option<InjectedError>,
}

impl Faults {
    pub(crate) fn add(&self, rule: FaultRule) {
        lock(&self.rules).push(rule);
    }

    pub(crate) fn clear(&self) {
        lock(&self.rules).clear();
    }

    pub(crate) fn list(&self) -> Vec<FaultRule> {
        lock(&self.rules).clone()
    }

    /// Consumes one use of the first rule matching `operation`, if any.
    pub(crate) fn take(&self, operation: Operation) -> Option<Injection> {
        let mut rules = lock(&self.rules);
        let index = rules
            .iter()
            .position(|r| r.remaining > 0 && r.operation.is_none_or(|op| op == operation))?;
        let rule = &mut rules[index];
        rule.remaining -= 1;
        let injection = Injection {
            latency: rule.latency,
            error: rule.error.clone(),
        };
        if rule.remaining == 0 {
            rules.remove(index);
        }
        Some(injection)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_applies_to_the_next_n_matching_requests() {
        let faults = Faults::default();
        faults.add(FaultRule {
            operation: Some(Operation::CreateKeypair),
            remaining: 2,
            error: Some(InjectedError {
                status: 503,
                code: ErrorCode::InternalError,
                message: "x".into(),
            }),
            latency: Duration::ZERO,
        });
        assert!(faults.take(Operation::GetKeypair).is_none());
        assert!(faults.take(Operation::CreateKeypair).is_some());
        assert!(faults.take(Operation::CreateKeypair).is_some());
        assert!(faults.take(Operation::CreateKeypair).is_none());
        assert!(faults.list().is_empty());
    }
}
