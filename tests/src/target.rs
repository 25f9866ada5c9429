//! What the suite runs against: an endpoint, the credentials for it, a typed client, a raw
//! sender, and — for the simulator only — its control API.

use std::sync::atomic::{AtomicU64, Ordering};

use bcc_keypair_client::{Client, Config, Endpoint, ReqwestTransport};
/// An instance to seed ([`Control::seed_instances`]): the simulator's own type.
pub use bcc_keypair_sim::testing::Instance;
use bce_auth::Credentials;
use serde::Deserialize;

use crate::failure::{Context, Failure};
use crate::raw::RawSender;

/// The typed client every scenario uses (real HTTP through reqwest).
pub type SuiteClient = Client<ReqwestTransport>;

/// How to reach a target.
#[derive(Clone, Debug)]
pub struct TargetConfig {
    /// Base URL, e.g. `http://127.0.0.1:8480` or `https://bcc.bj.baidubce.com`.
    pub endpoint: String,
    /// Credentials to sign with.
    pub credentials: Credentials,
    /// Whether the endpoint is a simulator whose control API (`/__sim/...`) may be used.
    pub control: bool,
}

/// A target: everything a scenario needs to talk to one endpoint.
#[derive(Debug)]
pub struct Target {
    endpoint: String,
    client: SuiteClient,
    raw: RawSender,
    control: Option<Control>,
    run_id: String,
    counter: AtomicU64,
}

impl Target {
    /// Builds the client, the raw sender and (if enabled) the control handle.
    pub fn new(config: TargetConfig) -> Result<Self, Failure> {
        let endpoint = config.endpoint.trim_end_matches('/').to_owned();
        let client_endpoint = Endpoint::url(&endpoint).context(format!("endpoint {endpoint}"))?;
        let client_config = Config::new(client_endpoint, config.credentials.clone());
        let transport =
            ReqwestTransport::new(&client_config.timeouts()).context("building the transport")?;
        let client = Client::new(client_config, transport);
        let raw = RawSender::new(&endpoint, config.credentials)?;
        let control = if config.control {
            Some(Control::new(&endpoint)?)
        } else {
            None
        };
        // Unique per run so scenarios can share an account with other runs and other users.
        let run_id = uuid::Uuid::new_v4().simple().to_string()[..6].to_owned();
        Ok(Self {
            endpoint,
            client,
            raw,
            control,
            run_id,
            counter: AtomicU64::new(0),
        })
    }

    /// The base URL.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The typed client.
    pub fn client(&self) -> &SuiteClient {
        &self.client
    }

    /// The raw signed-request sender.
    pub fn raw(&self) -> &RawSender {
        &self.raw
    }

    /// The simulator control API, when the target is a simulator.
    pub fn control(&self) -> Option<&Control> {
        self.control.as_ref()
    }

    /// Whether scenarios that need the control API can run.
    pub fn has_control(&self) -> bool {
        self.control.is_some()
    }

    /// A fresh unique token for names and ids: `{run id}{counter}`, letters and digits only.
    pub fn unique_token(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        format!("{}{n}", self.run_id)
    }
}

/// An instance as the simulator reports it (`GET /__sim/instances`).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceState {
    /// Instance id.
    pub instance_id: String,
    /// Bound key pair id, if any.
    #[serde(default)]
    pub keypair_id: Option<String>,
}

#[derive(Deserialize)]
struct InstanceList {
    instances: Vec<InstanceState>,
}

/// The simulator's control API (unsigned HTTP under `/__sim/`).
#[derive(Clone, Debug)]
pub struct Control {
    http: reqwest::Client,
    base_url: String,
}

impl Control {
    /// A handle on the control API of the simulator at `base_url`.
    pub fn new(base_url: &str) -> Result<Self, Failure> {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .context("building the control HTTP client")?;
        Ok(Self {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
        })
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<bytes::Bytes, Failure> {
        let url = format!("{}/__sim/{path}", self.base_url);
        let mut request = self.http.request(method.clone(), &url);
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let response = request
            .send()
            .await
            .context(format!("control {method} {url}"))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .context(format!("control {method} {url}"))?;
        if !status.is_success() {
            return Err(Failure::new(format!(
                "control {method} {url}: {status}: {}",
                String::from_utf8_lossy(&bytes)
            )));
        }
        Ok(bytes)
    }

    /// `GET /__sim/health`.
    pub async fn health(&self) -> Result<(), Failure> {
        self.call(reqwest::Method::GET, "health", None).await?;
        Ok(())
    }

    /// `POST /__sim/reset`: forgets key pairs, instances and overrides (all, or one account/region).
    pub async fn reset(
        &self,
        access_key_id: Option<&str>,
        region: Option<&str>,
    ) -> Result<(), Failure> {
        let mut body = serde_json::Map::new();
        if let Some(access_key_id) = access_key_id {
            body.insert("accessKeyId".into(), access_key_id.into());
        }
        if let Some(region) = region {
            body.insert("region".into(), region.into());
        }
        self.call(reqwest::Method::POST, "reset", Some(body.into()))
            .await?;
        Ok(())
    }

    /// `POST /__sim/instances`.
    pub async fn seed_instances(&self, instances: &[Instance]) -> Result<(), Failure> {
        let body = serde_json::json!({ "instances": instances });
        self.call(reqwest::Method::POST, "instances", Some(body))
            .await?;
        Ok(())
    }

    /// `GET /__sim/instances`.
    pub async fn instances(&self) -> Result<Vec<InstanceState>, Failure> {
        let bytes = self.call(reqwest::Method::GET, "instances", None).await?;
        let list: InstanceList =
            serde_json::from_slice(&bytes).context("decoding GET /__sim/instances")?;
        Ok(list.instances)
    }

    /// The key pair an instance is bound to, per the simulator.
    pub async fn instance_keypair(&self, instance_id: &str) -> Result<Option<String>, Failure> {
        let instances = self.instances().await?;
        let instance = instances
            .into_iter()
            .find(|instance| instance.instance_id == instance_id)
            .context(format!("instance {instance_id} in GET /__sim/instances"))?;
        Ok(instance.keypair_id)
    }

    /// `POST /__sim/quota`: the key-pair quota of an account in a region.
    pub async fn set_quota(
        &self,
        quota: usize,
        access_key_id: Option<&str>,
        region: Option<&str>,
    ) -> Result<(), Failure> {
        let mut body = serde_json::Map::new();
        body.insert("quota".into(), quota.into());
        if let Some(access_key_id) = access_key_id {
            body.insert("accessKeyId".into(), access_key_id.into());
        }
        if let Some(region) = region {
            body.insert("region".into(), region.into());
        }
        self.call(reqwest::Method::POST, "quota", Some(body.into()))
            .await?;
        Ok(())
    }
}
