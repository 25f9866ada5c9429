//! The per-scenario context: the target plus bookkeeping of what the scenario created, so the
//! runner can clean up after it whether it passed or failed.

use std::sync::Mutex;

use bcc_keypair_model::{
    ErrorCode, KeypairDescription, KeypairId, KeypairModel, KeypairName, PublicKey,
};

use crate::failure::{Context as _, Failure};
use crate::keys::random_rsa_public_key;
use crate::raw::RawSender;
use crate::target::{Control, Instance, SuiteClient, Target};

/// A key pair the scenario created, and the `Host` it lives behind (its region).
#[derive(Clone, Debug)]
struct Tracked {
    id: String,
    host: Option<String>,
}

/// What a scenario body receives.
#[derive(Debug)]
pub struct Ctx<'t> {
    target: &'t Target,
    keypairs: Mutex<Vec<Tracked>>,
}

impl<'t> Ctx<'t> {
    /// A fresh context on `target`.
    pub fn new(target: &'t Target) -> Self {
        Self {
            target,
            keypairs: Mutex::new(Vec::new()),
        }
    }

    /// The target.
    pub fn target(&self) -> &'t Target {
        self.target
    }

    /// The typed client.
    pub fn client(&self) -> &'t SuiteClient {
        self.target.client()
    }

    /// The raw sender.
    pub fn raw(&self) -> &'t RawSender {
        self.target.raw()
    }

    /// The control API; a failure if the target has none (the registry skips such scenarios
    /// before they run, so this only fires for a scenario that forgot to declare it).
    pub fn control(&self) -> Result<&'t Control, Failure> {
        self.target
            .control()
            .context("this scenario needs the simulator control API")
    }

    /// A unique, valid key pair name: `ct{token}-{hint}`.
    pub fn name(&self, hint: &str) -> String {
        format!("ct{}-{hint}", self.target.unique_token())
    }

    /// [`Ctx::name`] as a validated name.
    pub fn keypair_name(&self, hint: &str) -> Result<KeypairName, Failure> {
        let name = self.name(hint);
        KeypairName::new(name.clone()).context(format!("name {name:?}"))
    }

    /// A unique instance id: `i-{token}`.
    pub fn instance_id(&self) -> String {
        format!("i-{}", self.target.unique_token())
    }

    /// Creates a key pair through the client (and tracks it).
    pub async fn create(&self, hint: &str) -> Result<KeypairModel, Failure> {
        let name = self.keypair_name(hint)?;
        self.create_named(name, None).await
    }

    /// Creates a key pair with this name and description through the client (and tracks it).
    pub async fn create_named(
        &self,
        name: KeypairName,
        description: Option<KeypairDescription>,
    ) -> Result<KeypairModel, Failure> {
        let keypair = self
            .client()
            .create_keypair(name)
            .set_description(description)
            .send()
            .await
            .context("create_keypair")?;
        self.track(&keypair.keypair_id);
        Ok(keypair)
    }

    /// Imports a fresh random public key through the client (and tracks it); returns the key
    /// pair and the public key line sent.
    pub async fn import(&self, hint: &str) -> Result<(KeypairModel, String), Failure> {
        let name = self.keypair_name(hint)?;
        let line = random_rsa_public_key(&format!("{hint}@conformance"));
        let public_key = PublicKey::parse(&line).context("parsing a generated public key")?;
        let keypair = self
            .client()
            .import_keypair(name, public_key)
            .send()
            .await
            .context("import_keypair")?;
        self.track(&keypair.keypair_id);
        Ok((keypair, line))
    }

    /// Parses a key pair id returned by the service.
    pub fn id(&self, keypair: &KeypairModel) -> Result<KeypairId, Failure> {
        KeypairId::new(keypair.keypair_id.clone()).context("keypairId")
    }

    /// Remembers a key pair in the endpoint's default region for clean-up.
    pub fn track(&self, id: &str) {
        self.push(Tracked {
            id: id.to_owned(),
            host: None,
        });
    }

    /// Remembers a key pair that lives behind another `Host` (another region).
    pub fn track_behind(&self, id: &str, host: &str) {
        self.push(Tracked {
            id: id.to_owned(),
            host: Some(host.to_owned()),
        });
    }

    fn push(&self, tracked: Tracked) {
        if let Ok(mut keypairs) = self.keypairs.lock()
            && !keypairs.iter().any(|known| known.id == tracked.id)
        {
            keypairs.push(tracked);
        }
    }

    /// Seeds one instance in the default region and returns its id.
    pub async fn seed_instance(&self, os_type: &str, status: &str) -> Result<String, Failure> {
        let instance_id = self.instance_id();
        self.control()?
            .seed_instances(&[Instance::new(instance_id.clone())
                .os_type(os_type)
                .status(status)])
            .await?;
        Ok(instance_id)
    }

    /// Seeds `count` Linux instances in status `Running`.
    pub async fn seed_running_linux(&self, count: usize) -> Result<Vec<String>, Failure> {
        let mut ids = Vec::with_capacity(count);
        for _ in 0..count {
            ids.push(self.seed_instance("linux", "Running").await?);
        }
        Ok(ids)
    }

    /// Detaches and deletes every tracked key pair (already-deleted ones are fine).
    pub async fn cleanup(&self) -> Result<(), Failure> {
        let tracked = match self.keypairs.lock() {
            Ok(mut keypairs) => std::mem::take(&mut *keypairs),
            Err(_) => return Err(Failure::new("clean-up list poisoned")),
        };
        let bindings = match self.target.control() {
            Some(control) => control.instances().await?,
            None => Vec::new(),
        };
        let mut problems = Vec::new();
        for keypair in tracked {
            let path = format!("/v2/keypair/{}", keypair.id);
            let bound: Vec<&str> = bindings
                .iter()
                .filter(|instance| instance.keypair_id.as_deref() == Some(keypair.id.as_str()))
                .map(|instance| instance.instance_id.as_str())
                .collect();
            if !bound.is_empty() {
                let mut request = self
                    .raw()
                    .put(&path)
                    .flag("detach")
                    .json(&serde_json::json!({ "instanceIds": bound }));
                if let Some(host) = &keypair.host {
                    request = request.host(host);
                }
                let response = request.send().await?;
                if response.status != 200 {
                    problems.push(format!("detach {}: {}", keypair.id, response.status));
                }
            }
            let mut request = self.raw().delete(&path);
            if let Some(host) = &keypair.host {
                request = request.host(host);
            }
            let response = request.send().await?;
            if response.status != 200 && response.expect_error(&ErrorCode::KeypairNotExist).is_err()
            {
                problems.push(format!(
                    "delete {}: {} {}",
                    keypair.id,
                    response.status,
                    String::from_utf8_lossy(&response.body)
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Failure::new(format!("clean-up: {}", problems.join("; "))))
        }
    }
}
