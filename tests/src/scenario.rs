//! A scenario: a named async check written once, run against any [`Target`](crate::Target).

use std::future::Future;
use std::pin::Pin;

use crate::context::Ctx;
use crate::failure::Outcome;

/// The future a scenario body returns.
pub type ScenarioFuture<'a> = Pin<Box<dyn Future<Output = Outcome> + 'a>>;

/// A scenario body.
pub type ScenarioFn = for<'a, 't> fn(&'a Ctx<'t>) -> ScenarioFuture<'a>;

/// What a scenario needs beyond a signed-in account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requirement {
    /// Runs anywhere, the real service included.
    None,
    /// Needs the simulator control API (seeding instances, quota, reset); skipped elsewhere.
    Control,
}

/// One registered scenario.
#[derive(Clone, Copy)]
pub struct Scenario {
    name: &'static str,
    requirement: Requirement,
    body: ScenarioFn,
}

impl Scenario {
    /// Registers a scenario body under `name` (`area.what_it_checks`).
    pub const fn new(name: &'static str, requirement: Requirement, body: ScenarioFn) -> Self {
        Self {
            name,
            requirement,
            body,
        }
    }

    /// `area.what_it_checks`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The area: the part of the name before the dot.
    pub fn area(&self) -> &'static str {
        self.name.split('.').next().unwrap_or(self.name)
    }

    /// What the scenario needs.
    pub fn requirement(&self) -> Requirement {
        self.requirement
    }

    /// Runs the body (without clean-up; see [`crate::runner`]).
    pub fn run<'a>(&self, ctx: &'a Ctx<'_>) -> ScenarioFuture<'a> {
        (self.body)(ctx)
    }
}

impl std::fmt::Debug for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scenario")
            .field("name", &self.name)
            .field("requirement", &self.requirement)
            .finish_non_exhaustive()
    }
}
