//! The simulator embedded in this process, listening on a real loopback socket.

use bcc_keypair_sim::{DEV_ACCESS_KEY, DEV_SECRET_KEY, Simulator, server};
use bce_auth::Credentials;

use crate::failure::{Context as _, Failure};
use crate::target::{Target, TargetConfig};

/// A running embedded simulator and a [`Target`] pointing at it (control API enabled).
#[derive(Debug)]
pub struct EmbeddedSimulator {
    server: server::RunningServer,
    target: Target,
}

impl EmbeddedSimulator {
    /// Starts a simulator with the development account on `127.0.0.1:0`.
    pub async fn start() -> Result<Self, Failure> {
        Self::start_with(Simulator::builder()).await
    }

    /// Starts a simulator built from `builder` plus the development account.
    pub async fn start_with(builder: bcc_keypair_sim::SimulatorBuilder) -> Result<Self, Failure> {
        let simulator = builder
            .account(DEV_ACCESS_KEY, DEV_SECRET_KEY)
            .build()
            .context("building the simulator")?;
        let server = server::spawn_local(simulator)
            .await
            .context("starting the simulator on 127.0.0.1:0")?;
        let target = Target::new(TargetConfig {
            endpoint: server.base_url(),
            credentials: Credentials::new(DEV_ACCESS_KEY, DEV_SECRET_KEY),
            control: true,
        })?;
        Ok(Self { server, target })
    }

    /// The target to run scenarios against.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// Stops the server and waits for it.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}
