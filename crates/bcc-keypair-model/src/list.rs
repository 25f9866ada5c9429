//! List key pairs: the query (`marker`, `maxKeys`, `name`) and the page (`keypair-api.md` §6.3).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::ModelError;
use crate::keypair::KeypairModel;

/// Page size used when `maxKeys` is absent or not positive, and the largest page size.
pub const MAX_KEYS_LIMIT: u32 = 1000;

/// One page of `GET /v2/keypair` (`keypair-api.md` §6.3).
///
/// Written with `nextMarker` only when the page is truncated and a next marker is set
/// (§6.3: absent when `isTruncated` is false), and `keypairs` always as an array so Python
/// code can iterate it. Read leniently: absent or `null` `keypairs` is an empty page, other
/// absent fields take their zero values.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListKeypairsResponse {
    /// `marker`: where this page starts (`""` for the first page).
    #[serde(default, deserialize_with = "crate::keypair::null_as_default")]
    pub marker: String,
    /// `isTruncated`: more items follow.
    #[serde(default, deserialize_with = "crate::keypair::null_as_default")]
    pub is_truncated: bool,
    /// `nextMarker`: where the next page starts; not written on the last page.
    #[serde(default)]
    pub next_marker: Option<String>,
    /// `maxKeys`: the page size actually used.
    #[serde(default, deserialize_with = "crate::keypair::null_as_default")]
    pub max_keys: u32,
    /// `keypairs`: the page.
    #[serde(default, deserialize_with = "keypairs_or_empty")]
    pub keypairs: Vec<KeypairModel>,
}

/// The written form of [`ListKeypairsResponse`], in the field order of the doc example.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListWireOut<'a> {
    marker: &'a str,
    is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_marker: Option<&'a str>,
    max_keys: u32,
    keypairs: &'a [KeypairModel],
}

impl Serialize for ListKeypairsResponse {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ListWireOut {
            marker: &self.marker,
            is_truncated: self.is_truncated,
            next_marker: self.next_marker.as_deref().filter(|_| self.is_truncated),
            max_keys: self.max_keys,
            keypairs: &self.keypairs,
        }
        .serialize(serializer)
    }
}

fn keypairs_or_empty<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<KeypairModel>, D::Error> {
    Ok(Option::<Vec<KeypairModel>>::deserialize(deserializer)?.unwrap_or_default())
}

/// The query of `GET /v2/keypair`, after defaults and limits are applied.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListKeypairsQuery {
    /// `marker`: id of the first key pair to return; `None` starts at the beginning.
    pub marker: Option<String>,
    /// Effective page size, 1 to [`MAX_KEYS_LIMIT`].
    pub max_keys: u32,
    /// `name`: exact-match filter; `None` lists every key pair.
    pub name: Option<String>,
}

impl Default for ListKeypairsQuery {
    fn default() -> Self {
        ListKeypairsQuery {
            marker: None,
            max_keys: MAX_KEYS_LIMIT,
            name: None,
        }
    }
}

impl ListKeypairsQuery {
    /// Builds the query from already percent-decoded `(key, value)` pairs.
    ///
    /// Rules (`keypair-api.md` §6.3, inferred there):
    /// * `maxKeys` that is not an integer → [`ModelError::InvalidMaxKeys`]
    ///   (`InvalidHTTPRequest`); absent, empty or ≤ 0 → 1000; > 1000 → 1000. Integers too
    ///   large for any machine type are still integers and clamp to 1000.
    /// * An empty `marker` or `name` counts as absent (Python forwards values as given).
    /// * Other parameters (action words, `clientToken`, …) are ignored. When a parameter
    ///   repeats, the last occurrence wins.
    ///
    /// ```
    /// use bcc_keypair_model::ListKeypairsQuery;
    ///
    /// let query = ListKeypairsQuery::from_pairs([("marker", "k-IyWRtII7"), ("maxKeys", "0")])?;
    /// assert_eq!(query.marker.as_deref(), Some("k-IyWRtII7"));
    /// assert_eq!(query.max_keys, 1000);
    /// assert!(ListKeypairsQuery::from_pairs([("maxKeys", "ten")]).is_err());
    /// # Ok::<(), bcc_keypair_model::ModelError>(())
    /// ```
    pub fn from_pairs<I, K, V>(pairs: I) -> Result<Self, ModelError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut query = ListKeypairsQuery::default();
        for (key, value) in pairs {
            let value = value.as_ref();
            let non_empty = (!value.is_empty()).then(|| value.to_owned());
            match key.as_ref() {
                "marker" => query.marker = non_empty,
                "name" => query.name = non_empty,
                "maxKeys" => query.max_keys = effective_max_keys(value)?,
                _ => {}
            }
        }
        Ok(query)
    }
}

/// Applies the `maxKeys` rules of [`ListKeypairsQuery::from_pairs`] to one raw value.
pub fn effective_max_keys(value: &str) -> Result<u32, ModelError> {
    if value.is_empty() {
        return Ok(MAX_KEYS_LIMIT);
    }
    let (negative, digits) = match value.as_bytes().first() {
        Some(b'-') => (true, &value[1..]),
        Some(b'+') => (false, &value[1..]),
        _ => (false, value),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ModelError::InvalidMaxKeys {
            value: value.to_owned(),
        });
    }
    if negative {
        return Ok(MAX_KEYS_LIMIT);
    }
    // Digits only: parsing fails only on overflow, which is "more than 1000".
    Ok(match digits.parse::<u32>() {
        Ok(0) => MAX_KEYS_LIMIT,
        Ok(n) => n.min(MAX_KEYS_LIMIT),
        Err(_) => MAX_KEYS_LIMIT,
    })
}
