//! Request and response bodies of the nine operations (`keypair-api.md` §2, §3, §6).
//!
//! Request bodies keep their fields as plain strings rather than validated types on
//! purpose: a JSON type error must become `InappropriateJSON`, while a well-typed but
//! invalid name must become `Keypair.KeypairNameInvalid` (`errors.md` §4 rows 12 and 14).
//! Parse with [`parse_body`](crate::parse_body), then call the body's `validate` method.
//!
//! Every reader ignores unknown fields (the Go SDK adds `keypairId` to attach, detach,
//! rename and updateDesc bodies, `keypair-api.md` §3 rule 5).

use serde::{Deserialize, Serialize};

use crate::description::KeypairDescription;
use crate::error::ModelError;
use crate::id::InstanceId;
use crate::keypair::KeypairModel;
use crate::name::KeypairName;
use crate::public_key::PublicKey;

/// Body of `POST /v2/keypair` (create), `{"name", "description"?}` (`keypair-api.md` §6.1).
///
/// `description` may be absent, `null` (Python SDK) or `""` (Go SDK); all mean "none".
/// Written without `description` when it is `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateKeypairRequest {
    /// `name`, required.
    pub name: String,
    /// `description`, optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl CreateKeypairRequest {
    /// Builds a request from validated values (client side).
    pub fn new(name: &KeypairName, description: Option<&KeypairDescription>) -> Self {
        CreateKeypairRequest {
            name: name.as_str().to_owned(),
            description: description.map(|d| d.as_str().to_owned()),
        }
    }

    /// Validates the fields (server side): name first, then description.
    pub fn validate(&self) -> Result<(KeypairName, KeypairDescription), ModelError> {
        let name = KeypairName::new(self.name.as_str())?;
        let description = KeypairDescription::from_optional(self.description.clone())?;
        Ok((name, description))
    }
}

/// Body of `PUT /v2/keypair?import`, `{"name", "description"?, "publicKey"}`
/// (`keypair-api.md` §6.2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportKeypairRequest {
    /// `name`, required.
    pub name: String,
    /// `description`, optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `publicKey`, required: OpenSSH one-line public key.
    pub public_key: String,
}

/// The fields of an import request once validated.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidImport {
    /// The key-pair name.
    pub name: KeypairName,
    /// The description (empty when none was given).
    pub description: KeypairDescription,
    /// The public key.
    pub public_key: PublicKey,
}

impl ImportKeypairRequest {
    /// Builds a request from validated values (client side).
    pub fn new(
        name: &KeypairName,
        description: Option<&KeypairDescription>,
        public_key: &PublicKey,
    ) -> Self {
        ImportKeypairRequest {
            name: name.as_str().to_owned(),
            description: description.map(|d| d.as_str().to_owned()),
            public_key: public_key.as_str().to_owned(),
        }
    }

    /// Validates the fields (server side) in the order `errors.md` §4 lists them:
    /// name, description, public key.
    pub fn validate(&self) -> Result<ValidImport, ModelError> {
        Ok(ValidImport {
            name: KeypairName::new(self.name.as_str())?,
            description: KeypairDescription::from_optional(self.description.clone())?,
            public_key: PublicKey::parse(&self.public_key)?,
        })
    }
}

/// `{"keypair": KeypairModel}`: the response of create, import and get.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeypairResponse {
    /// The key pair.
    pub keypair: KeypairModel,
}

/// Largest number of instance ids accepted in one attach or detach call.
///
/// Not documented; `keypair-api.md` §5 sets 100 (an inferred limit).
pub const MAX_INSTANCE_IDS: usize = 100;

/// Body of attach and detach, `{"instanceIds": [..]}` (`keypair-api.md` §6.5, §6.6).
///
/// `instanceIds` is required: absent, `null` (Python detach without ids, §3 rule 7), a
/// non-array or a non-string element are all `InappropriateJSON` when parsed with
/// [`parse_body`](crate::parse_body).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceIdsRequest {
    /// `instanceIds`.
    pub instance_ids: Vec<String>,
}

/// Body of `PUT /v2/keypair/{id}?attach`.
pub type AttachKeypairRequest = InstanceIdsRequest;
/// Body of `PUT /v2/keypair/{id}?detach`.
pub type DetachKeypairRequest = InstanceIdsRequest;

impl InstanceIdsRequest {
    /// Builds a request from validated ids (client side).
    pub fn new(instance_ids: &[InstanceId]) -> Self {
        InstanceIdsRequest {
            instance_ids: instance_ids
                .iter()
                .map(|id| id.as_str().to_owned())
                .collect(),
        }
    }

    /// Validates the list (server side): 1 to [`MAX_INSTANCE_IDS`] ids, each a plausible
    /// id. An empty or oversized list is `InappropriateJSON` (the required item is
    /// effectively missing); an impossible id is `Keypair.InstanceNotExist`.
    pub fn validate(&self) -> Result<Vec<InstanceId>, ModelError> {
        if self.instance_ids.is_empty() {
            return Err(ModelError::InappropriateJson {
                detail: "instanceIds must list at least one instance id".to_owned(),
            });
        }
        if self.instance_ids.len() > MAX_INSTANCE_IDS {
            return Err(ModelError::InappropriateJson {
                detail: format!(
                    "instanceIds lists {} ids, at most {MAX_INSTANCE_IDS} are accepted",
                    self.instance_ids.len()
                ),
            });
        }
        self.instance_ids
            .iter()
            .map(|id| InstanceId::new(id.as_str()))
            .collect()
    }
}

/// Response of attach and detach: the Go SDK's `BatchOperationResp`.
///
/// The service documents no response body, but the Go SDK JSON-decodes one, so a server
/// must send at least `{}` (`keypair-api.md` §3 rule 9). [`Default`] serialises to `{}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchOperationResponse {
    /// `requestId`, omitted when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// `failedInstanceIdList`, omitted when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_instance_id_list: Option<Vec<String>>,
}

/// Body of `PUT /v2/keypair/{id}?rename`, `{"name"}` (`keypair-api.md` §6.8).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenameKeypairRequest {
    /// `name`, required.
    pub name: String,
}

impl RenameKeypairRequest {
    /// Builds a request from a validated name (client side).
    pub fn new(name: &KeypairName) -> Self {
        RenameKeypairRequest {
            name: name.as_str().to_owned(),
        }
    }

    /// Validates the name (server side).
    pub fn validate(&self) -> Result<KeypairName, ModelError> {
        KeypairName::new(self.name.as_str())
    }
}

/// Body of `PUT /v2/keypair/{id}?updateDesc`, `{"description"}` (`keypair-api.md` §6.9).
///
/// `description` is optional per the documentation; absent, `null` and `""` all clear it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateKeypairDescriptionRequest {
    /// `description`; omitted on the wire when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl UpdateKeypairDescriptionRequest {
    /// Builds a request from a validated description (client side). The description is
    /// always sent, `""` included, as the documentation shows it present.
    pub fn new(description: &KeypairDescription) -> Self {
        UpdateKeypairDescriptionRequest {
            description: Some(description.as_str().to_owned()),
        }
    }

    /// Validates the description (server side); a bad one is
    /// `Keypair.KeypairDescriptionInvalid` (`errors.md` §6).
    pub fn validate(&self) -> Result<KeypairDescription, ModelError> {
        KeypairDescription::from_optional(self.description.clone())
    }
}

/// The body the Go SDK sends with delete, `{"keypairId": "k-…"}` (`keypair-api.md` §3).
///
/// The service ignores delete bodies (§3 rule 4) and so should a server; this type exists
/// so that such a body can be read without failing: every field is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteKeypairRequest {
    /// `keypairId`, as the Go SDK sends it; `None` when absent or `null`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keypair_id: Option<String>,
}

/// The error response body, `{"requestId", "code", "message"}` (`errors.md` §1).
///
/// Reading is lenient (absent fields become `""`), since a client wants whatever the body
/// holds; a server always writes all three keys, which the Python SDK requires.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// `requestId`: same as the `x-bce-request-id` response header.
    #[serde(default, deserialize_with = "crate::keypair::null_as_default")]
    pub request_id: String,
    /// `code`, e.g. `Keypair.KeypairNotExist`; see [`ErrorBody::error_code`].
    #[serde(default, deserialize_with = "crate::keypair::null_as_default")]
    pub code: String,
    /// `message`, human-readable.
    #[serde(default, deserialize_with = "crate::keypair::null_as_default")]
    pub message: String,
}

impl ErrorBody {
    /// An error body for `code` with its default message.
    pub fn new(request_id: impl Into<String>, code: &crate::ErrorCode) -> Self {
        ErrorBody {
            request_id: request_id.into(),
            code: code.as_str().to_owned(),
            message: code.default_message().to_owned(),
        }
    }

    /// An error body for `code` with a specific message (e.g.
    /// [`ErrorCode::request_expired_message`](crate::ErrorCode::request_expired_message)).
    pub fn with_message(
        request_id: impl Into<String>,
        code: &crate::ErrorCode,
        message: impl Into<String>,
    ) -> Self {
        ErrorBody {
            request_id: request_id.into(),
            code: code.as_str().to_owned(),
            message: message.into(),
        }
    }

    /// The parsed code; never fails (unknown codes are kept as text).
    pub fn error_code(&self) -> crate::ErrorCode {
        crate::ErrorCode::from_wire(&self.code)
    }
}
