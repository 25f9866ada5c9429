//! [`parse_body`]: request body bytes to a typed body, with the service's error codes.

use serde::de::DeserializeOwned;
use serde_json::error::Category;

use crate::error::ModelError;

/// Parses a JSON request body into `T`, classifying failures as the service does
/// (`errors.md` §4 rows 10–13):
///
/// * not UTF-8 → [`ModelError::BodyNotUtf8`] (`InvalidHTTPRequest`);
/// * empty, not JSON, or JSON that is not an object → [`ModelError::MalformedJson`];
/// * a required field missing or `null`, or a field of the wrong JSON type →
///   [`ModelError::InappropriateJson`];
/// * unknown fields → ignored.
///
/// ```
/// use bcc_keypair_model::{parse_body, ErrorCode, RenameKeypairRequest};
///
/// let body: RenameKeypairRequest = parse_body(br#"{"name":"newName","keypairId":"k-abc12345"}"#)?;
/// assert_eq!(body.name, "newName");
///
/// let err = parse_body::<RenameKeypairRequest>(br#"{"name": 1}"#).unwrap_err();
/// assert_eq!(err.code(), ErrorCode::InappropriateJson);
/// let err = parse_body::<RenameKeypairRequest>(b"[]").unwrap_err();
/// assert_eq!(err.code(), ErrorCode::MalformedJson);
/// # Ok::<(), bcc_keypair_model::ModelError>(())
/// ```
pub fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ModelError> {
    let text = std::str::from_utf8(bytes).map_err(|error| ModelError::BodyNotUtf8 {
        valid_up_to: error.valid_up_to(),
    })?;
    if text.trim().is_empty() {
        return Err(ModelError::MalformedJson {
            detail: "the body is empty".to_owned(),
        });
    }
    // Parse to a generic value first so that "valid JSON but not an object" is told apart
    // from a shape mismatch inside an object.
    let value: serde_json::Value = serde_json::from_str(text).map_err(classify)?;
    if !value.is_object() {
        return Err(ModelError::MalformedJson {
            detail: format!("the body is a JSON {}, not an object", kind(&value)),
        });
    }
    serde_json::from_value(value).map_err(classify)
}

fn classify(error: serde_json::Error) -> ModelError {
    match error.classify() {
        Category::Data => ModelError::InappropriateJson {
            detail: error.to_string(),
        },
        Category::Syntax | Category::Eof | Category::Io => ModelError::MalformedJson {
            detail: error.to_string(),
        },
    }
}

fn kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}
