//! The simulator embedded in this process, listening on a real loopback socket: a
//! [`bcc_keypair_sim::testing::TestSimulator`] whose first account is the development one.

use bcc_keypair_sim::testing::{TEST_ACCESS_KEY, TEST_SECRET_KEY, TestSimulator};
use bcc_keypair_sim::{DEV_ACCESS_KEY, DEV_SECRET_KEY, Simulator};
use bce_auth::Credentials;

use crate::failure::{Context as _, Failure};
use crate::target::{Target, TargetConfig};

/// A running embedded simulator and a [`Target`] pointing at it (control API enabled).
#[derive(Debug)]
pub struct EmbeddedSimulator {
    simulator: TestSimulator,
    target: Target,
}

impl EmbeddedSimulator {
    /// Starts a simulator with the development account on `127.0.0.1:0`.
    pub async fn start() -> Result<Self, Failure> {
        Self::start_with(Simulator::builder()).await
    }

    /// Starts a simulator built from `builder` plus the development account (first, so the
    /// control API's defaults act for it) and the test account of `bcc_keypair_sim::testing`.
    pub async fn start_with(builder: bcc_keypair_sim::SimulatorBuilder) -> Result<Self, Failure> {
        let simulator = TestSimulator::start_with(|_| {
            builder
                .account(DEV_ACCESS_KEY, DEV_SECRET_KEY)
                .account(TEST_ACCESS_KEY, TEST_SECRET_KEY)
        })
        .await
        .context("starting the simulator on 127.0.0.1:0")?;
        let target = Target::new(TargetConfig {
            endpoint: simulator.url(),
            credentials: Credentials::new(DEV_ACCESS_KEY, DEV_SECRET_KEY),
            control: true,
        })?;
        Ok(Self { simulator, target })
    }

    /// The target to run scenarios against.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.simulator.url()
    }

    /// Stops the server and waits for it.
    pub async fn shutdown(self) {
        self.simulator.stop().await;
    }
}
