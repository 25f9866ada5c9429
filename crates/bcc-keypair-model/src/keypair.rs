//! [`KeypairModel`]: the key-pair object of every response (`keypair-api.md` §4).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One key pair as the service describes it (`keypair-api.md` §4).
///
/// Reading is lenient, as the official SDKs are: absent or `null` fields become empty
/// values, unknown fields are ignored, and the creation time is read from `createdTime`
/// (Go and Java models) or, failing that, `createTime` (the documentation examples).
/// Writing emits every field, the time under both spellings (§4 recommendation), and
/// `privateKey` only when present (the create response).
///
/// `Debug` never shows the private key.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct KeypairModel {
    /// `keypairId`, e.g. `k-IyWRtII7`.
    pub keypair_id: String,
    /// `name`.
    pub name: String,
    /// `description`; `""` when there is none.
    pub description: String,
    /// `publicKey`: the OpenSSH one-line public key.
    pub public_key: String,
    /// `regionId`, e.g. `bj`.
    pub region_id: String,
    /// `fingerPrint` (capital P on the wire): MD5 of the key blob, colon-separated hex.
    pub finger_print: String,
    /// `privateKey`: PEM private key, only in the create response.
    pub private_key: Option<String>,
    /// `instanceCount`: number of instances the key pair is bound to.
    pub instance_count: u32,
    /// `createdTime` (also written as `createTime`): UTC `YYYY-MM-DDThh:mm:ssZ`.
    pub created_time: String,
}

impl fmt::Debug for KeypairModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeypairModel")
            .field("keypair_id", &self.keypair_id)
            .field("name", &self.name)
            .field("description", &self.description)
            .field("public_key", &self.public_key)
            .field("region_id", &self.region_id)
            .field("finger_print", &self.finger_print)
            .field(
                "private_key",
                &self.private_key.as_ref().map(|_| "**redacted**"),
            )
            .field("instance_count", &self.instance_count)
            .field("created_time", &self.created_time)
            .finish()
    }
}

/// The wire form written by [`KeypairModel`]'s `Serialize`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireOut<'a> {
    keypair_id: &'a str,
    name: &'a str,
    description: &'a str,
    public_key: &'a str,
    region_id: &'a str,
    finger_print: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    private_key: Option<&'a str>,
    instance_count: u32,
    created_time: &'a str,
    create_time: &'a str,
}

impl Serialize for KeypairModel {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        WireOut {
            keypair_id: &self.keypair_id,
            name: &self.name,
            description: &self.description,
            public_key: &self.public_key,
            region_id: &self.region_id,
            finger_print: &self.finger_print,
            private_key: self.private_key.as_deref(),
            instance_count: self.instance_count,
            created_time: &self.created_time,
            create_time: &self.created_time,
        }
        .serialize(serializer)
    }
}

/// The wire form read by [`KeypairModel`]'s `Deserialize`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireIn {
    #[serde(default, deserialize_with = "null_as_default")]
    keypair_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    description: String,
    #[serde(default, deserialize_with = "null_as_default")]
    public_key: String,
    #[serde(default, deserialize_with = "null_as_default")]
    region_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    finger_print: String,
    #[serde(default)]
    private_key: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    instance_count: u32,
    #[serde(default)]
    created_time: Option<String>,
    #[serde(default)]
    create_time: Option<String>,
}

/// Reads `null` as the type's default, as the SDKs read missing values as zero values.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

impl<'de> Deserialize<'de> for KeypairModel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = WireIn::deserialize(deserializer)?;
        Ok(KeypairModel {
            keypair_id: wire.keypair_id,
            name: wire.name,
            description: wire.description,
            public_key: wire.public_key,
            region_id: wire.region_id,
            finger_print: wire.finger_print,
            private_key: wire.private_key,
            instance_count: wire.instance_count,
            created_time: wire
                .created_time
                .filter(|time| !time.is_empty())
                .or(wire.create_time)
                .unwrap_or_default(),
        })
    }
}
