//! Fault injection (`POST /__sim/faults`): the next N requests of an operation fail with a
//! chosen status and code, and/or are delayed.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bcc_keypair_model::ErrorCode;
use serde::Serialize;

use crate::lock::lock;
use crate::routes::Operation;

/// One rule.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FaultRule {
    /// `None` matches every operation.
    #[serde(serialize_with = "operation_name")]
    pub(crate) operation: Option<Operation>,
    /// Requests still to be affected.
    pub(crate) remaining: u32,
    /// Answer with this error instead of running the operation.
    #[serde(skip)]
    pub(crate) error: Option<InjectedError>,
    /// Delay before answering.
    #[serde(rename = "latencyMs", serialize_with = "millis")]
    pub(crate) latency: Duration,
}

/// The error a fault answers with.
#[derive(Clone, Debug)]
pub(crate) struct InjectedError {
    pub(crate) status: u16,
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
}

fn operation_name<S: serde::Serializer>(op: &Option<Operation>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(op.map_or("*", Operation::as_str))
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u128(d.as_millis())
}

/// The active rules. An atomic flag keeps the common no-fault case lock-free.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    any: AtomicBool,
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
        let mut rules = lock(&self.rules);
        rules.push(rule);
        self.any.store(true, Ordering::Release);
    }

    pub(crate) fn clear(&self) {
        let mut rules = lock(&self.rules);
        rules.clear();
        self.any.store(false, Ordering::Release);
    }

    pub(crate) fn list(&self) -> Vec<FaultRule> {
        lock(&self.rules).clone()
    }

    /// Consumes one use of the first rule matching `operation`, if any.
    pub(crate) fn take(&self, operation: Operation) -> Option<Injection> {
        if !self.any.load(Ordering::Acquire) {
            return None;
        }
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
        if rules.is_empty() {
            self.any.store(false, Ordering::Release);
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
            operation: Some(Operation::Create),
            remaining: 2,
            error: Some(InjectedError {
                status: 503,
                code: ErrorCode::InternalError,
                message: "x".into(),
            }),
            latency: Duration::ZERO,
        });
        assert!(faults.take(Operation::Get).is_none());
        assert!(faults.take(Operation::Create).is_some());
        assert!(faults.take(Operation::Create).is_some());
        assert!(faults.take(Operation::Create).is_none());
        assert!(faults.list().is_empty());
    }
}
