//! The wire layer of the key pair API: parse a routed request, call the state, render JSON.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bcc_keypair_model::{
    CreateKeypairRequest, ErrorBody, ErrorCode, ImportKeypairRequest, InstanceIdsRequest,
    KeypairId, KeypairModel, KeypairResponse, ListKeypairsQuery, ListKeypairsResponse,
    RenameKeypairRequest, UpdateKeypairDescriptionRequest, parse_body,
};
use bytes::Bytes;
use http::StatusCode;
use md5::{Digest, Md5};
use serde::Serialize;

use crate::Inner;
use crate::journal::{Caller, RegionRef};
use crate::lock::{read, write};
use crate::routes::{Operation, Routed};
use crate::state::{KeypairView, ListPage, NewKeypair, Precheck, ScopeRef};

/// Body of every success answer without data: attach and detach must send a JSON object
/// (keypair-api.md §3 rule 9: the Go SDK decodes it); delete, rename and updateDesc send the
/// same `{}` for uniformity (any SDK accepts it, rule 10).
pub(crate) const EMPTY_OBJECT: &[u8] = b"{}";

/// What a request produced, before it becomes an HTTP response.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub(crate) status: StatusCode,
    pub(crate) body: Bytes,
    pub(crate) error_code: Option<String>,
    pub(crate) operation: Option<Operation>,
    pub(crate) caller: Option<Caller>,
    pub(crate) region: Option<RegionRef>,
    pub(crate) canonical_request: Option<String>,
    /// Whether the state changed and should be written to the state file.
    pub(crate) mutated: bool,
}

impl Outcome {
    pub(crate) fn ok(body: Bytes) -> Self {
        Self {
            status: StatusCode::OK,
            body,
            error_code: None,
            operation: None,
            caller: None,
            region: None,
            canonical_request: None,
            mutated: false,
        }
    }

    /// An error answer with the code's documented status (errors.md §1).
    pub(crate) fn error(request_id: &str, code: &ErrorCode, message: Option<&str>) -> Self {
        let status =
            StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Self::error_with_status(request_id, status, code, message)
    }

    pub(crate) fn error_with_status(
        request_id: &str,
        status: StatusCode,
        code: &ErrorCode,
        message: Option<&str>,
    ) -> Self {
        let body = match message {
            Some(message) => ErrorBody::with_message(request_id, code, message),
            None => ErrorBody::new(request_id, code),
        };
        Self {
            status,
            body: json(&body),
            error_code: Some(code.as_str().to_owned()),
            ..Self::ok(Bytes::new())
        }
    }
}

/// Serialises a response body. The types written here always serialise; should one ever
/// fail, the client still gets valid JSON.
pub(crate) fn json<T: Serialize>(value: &T) -> Bytes {
    // Sized for a key pair with its public key, so rendering one does not reallocate.
    let mut buffer = Vec::with_capacity(1024);
    match serde_json::to_writer(&mut buffer, value) {
        Ok(()) => Bytes::from(buffer),
        Err(error) => {
            tracing::error!(%error, "response serialisation failed");
            Bytes::from_static(EMPTY_OBJECT)
        }
    }
}

/// Runs one routed, authenticated operation (errors.md §4 rows 9–26, in order).
pub(crate) async fn run(
    inner: &Inner,
    routed: &Routed<'_>,
    at: ScopeRef<'_>,
    content_md5: Option<&[u8]>,
    body: &Bytes,
) -> Result<Bytes, ErrorCode> {
    // Row 9: the list query is checked before the body.
    let list_query = if routed.operation == Operation::List {
        Some(list_query(routed)?)
    } else {
        None
    };
    // Row 10: the signature does not cover the body, Content-Md5 does (auth-v1.md §8).
    if let Some(expected) = content_md5 {
        check_content_md5(expected, body)?;
    }
    let keypair_id = || {
        routed
            .keypair_id
            .as_deref()
            .ok_or(ErrorCode::InvalidUri)
            .and_then(|id| KeypairId::new(id).map_err(|e| e.code()))
    };
    match routed.operation {
        // Boxed: it awaits key material, which would make every request's future larger.
        Operation::Create => Box::pin(create(inner, routed, at, body)).await,
        Operation::Import => import(inner, routed, at, body),
        Operation::List => {
            let query = list_query.unwrap_or_default();
            let page = read(&inner.state).list(at, &query);
            Ok(json(&list_response(page, at.region)))
        }
        Operation::Get => {
            // No KeypairId needed: an id that could not be valid is simply not found.
            let id = routed.keypair_id.as_deref().ok_or(ErrorCode::InvalidUri)?;
            read(&inner.state).get_rendered(at, id, |view| {
                json(&KeypairResponse {
                    keypair: model(view, at.region),
                })
            })
        }
        Operation::Attach | Operation::Detach => {
            let request: InstanceIdsRequest = parse_body(body).map_err(|e| e.code())?;
            // keypair-api.md §6.5: the key pair is checked before the instances, so an id
            // that cannot be an instance still loses to a missing key pair.
            let instance_ids = match request.validate() {
                Ok(ids) => Ok(ids),
                Err(error) if error.code() == ErrorCode::InstanceNotExist => Err(error.code()),
                // Row 12: an empty or oversized list is a body error, checked first.
                Err(error) => return Err(error.code()),
            };
            let id = keypair_id()?;
            let mut state = write(&inner.state);
            let instance_ids = match instance_ids {
                Ok(ids) => ids,
                Err(code) => {
                    state.get(at, &id)?;
                    return Err(code);
                }
            };
            if routed.operation == Operation::Attach {
                state.attach(at, &id, &instance_ids)?;
            } else {
                state.detach(at, &id, &instance_ids)?;
            }
            Ok(Bytes::from_static(EMPTY_OBJECT))
        }
        Operation::Delete => {
            // keypair-api.md §3 rule 4: Go's `{"keypairId":…}` body is ignored.
            let id = keypair_id()?;
            write(&inner.state).delete(at, &id)?;
            Ok(Bytes::from_static(EMPTY_OBJECT))
        }
        Operation::Rename => {
            let request: RenameKeypairRequest = parse_body(body).map_err(|e| e.code())?;
            let name = request.validate().map_err(|e| e.code())?;
            let id = keypair_id()?;
            write(&inner.state).rename(at, &id, &name)?;
            Ok(Bytes::from_static(EMPTY_OBJECT))
        }
        Operation::UpdateDesc => {
            let request: UpdateKeypairDescriptionRequest =
                parse_body(body).map_err(|e| e.code())?;
            let description = request.validate().map_err(|e| e.code())?;
            let id = keypair_id()?;
            write(&inner.state).update_description(at, &id, &description)?;
            Ok(Bytes::from_static(EMPTY_OBJECT))
        }
    }
}

fn list_query(routed: &Routed<'_>) -> Result<ListKeypairsQuery, ErrorCode> {
    ListKeypairsQuery::from_pairs(routed.query.pairs()).map_err(|e| e.code())
}

fn check_content_md5(expected: &[u8], body: &[u8]) -> Result<(), ErrorCode> {
    let digest = Md5::digest(body);
    let actual = STANDARD.encode(digest);
    if actual.as_bytes() == expected.trim_ascii() {
        Ok(())
    } else {
        Err(ErrorCode::InvalidHttpRequest)
    }
}

/// The client token of create and import (keypair-api.md §3: Go sends `?clientToken=`).
fn client_token<'a>(routed: &'a Routed<'_>) -> Option<&'a str> {
    routed.query.get("clientToken").filter(|t| !t.is_empty())
}

async fn create(
    inner: &Inner,
    routed: &Routed<'_>,
    at: ScopeRef<'_>,
    body: &Bytes,
) -> Result<Bytes, ErrorCode> {
    let request: CreateKeypairRequest = parse_body(body).map_err(|e| e.code())?;
    let (name, description) = request.validate().map_err(|e| e.code())?;
    let token = client_token(routed);
    // Cheap checks first, so a repeated token or a full quota does not use up a key.
    let precheck = read(&inner.state).precheck_create(at, &name, &description, token)?;
    if let Precheck::Repeat(view) = precheck {
        return Ok(json(&KeypairResponse {
            keypair: model(*view, at.region),
        }));
    }
    let key = inner.keys.next_key().await.map_err(|error| {
        tracing::error!(%error, "no key material for create");
        ErrorCode::InternalError
    })?;
    let new = NewKeypair {
        name: &name,
        description: &description,
        client_token: token,
        created_time: format_time(inner.clock.now()),
    };
    let view = write(&inner.state).create(at, &new, &key, &mut || inner.ids.keypair_id())?;
    Ok(json(&KeypairResponse {
        keypair: model(view, at.region),
    }))
}

fn import(
    inner: &Inner,
    routed: &Routed<'_>,
    at: ScopeRef<'_>,
    body: &Bytes,
) -> Result<Bytes, ErrorCode> {
    let request: ImportKeypairRequest = parse_body(body).map_err(|e| e.code())?;
    let valid = request.validate().map_err(|e| e.code())?;
    let new = NewKeypair {
        name: &valid.name,
        description: &valid.description,
        client_token: client_token(routed),
        created_time: format_time(inner.clock.now()),
    };
    let view =
        write(&inner.state).import(at, &new, &valid.public_key, &mut || inner.ids.keypair_id())?;
    Ok(json(&KeypairResponse {
        keypair: model(view, at.region),
    }))
}

/// keypair-api.md §4: `createdTime` is UTC `YYYY-MM-DDThh:mm:ssZ`.
pub(crate) fn format_time(time: chrono::DateTime<chrono::Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn model(view: KeypairView, region: &str) -> KeypairModel {
    let keypair = view.keypair;
    KeypairModel {
        keypair_id: keypair.id,
        name: keypair.name,
        description: keypair.description,
        public_key: keypair.public_key,
        region_id: region.to_owned(),
        finger_print: keypair.fingerprint,
        private_key: view.private_key,
        instance_count: view.instance_count,
        created_time: keypair.created_time,
    }
}

fn list_response(page: ListPage, region: &str) -> ListKeypairsResponse {
    ListKeypairsResponse {
        marker: page.marker,
        is_truncated: page.next_marker.is_some(),
        next_marker: page.next_marker,
        max_keys: page.max_keys,
        keypairs: page
            .keypairs
            .into_iter()
            .map(|view| model(view, region))
            .collect(),
    }
}

/// keypair-api.md §1: the endpoint host is `bcc.{region}.baidubce.com`.
pub(crate) fn region_from_host(host: Option<&http::HeaderValue>) -> Option<&str> {
    let host = std::str::from_utf8(host?.as_bytes()).ok()?;
    let host = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    let region = strip_prefix_ignore_case(host, "bcc.")?;
    let region = strip_suffix_ignore_case(region, ".baidubce.com")?;
    (!region.is_empty() && !region.contains('.')).then_some(region)
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn strip_suffix_ignore_case<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let start = s.len().checked_sub(suffix.len())?;
    let tail = s.get(start..)?;
    tail.eq_ignore_ascii_case(suffix).then(|| &s[..start])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_comes_from_the_bcc_host_name() {
        let cases = [
            ("bcc.bj.baidubce.com", Some("bj")),
            ("bcc.gz.baidubce.com:8080", Some("gz")),
            ("BCC.SU.BAIDUBCE.COM", Some("SU")),
            ("127.0.0.1:18081", None),
            ("bcc..baidubce.com", None),
            ("bcc.a.b.baidubce.com", None),
            ("bos.bj.baidubce.com", None),
            ("localhost", None),
        ];
        for (host, region) in cases {
            let value = http::HeaderValue::from_static(host);
            assert_eq!(region_from_host(Some(&value)), region, "{host}");
        }
        assert_eq!(region_from_host(None), None);
    }

    #[test]
    fn content_md5_is_base64_of_the_body_digest() {
        // keypair-api.md Appendix A.2, Go create with clientToken.
        let body = br#"{"name":"kp02","description":""}"#;
        assert_eq!(check_content_md5(b"XscV1Ymmy05egp0kkbrQ9w==", body), Ok(()));
        assert_eq!(
            check_content_md5(b"AAAAAAAAAAAAAAAAAAAAAA==", body),
            Err(ErrorCode::InvalidHttpRequest)
        );
    }
}
