//! The key pair API on the wire: each operation parses its request, calls the state and
//! renders the JSON answer (moto's `responses`; STYLE.md habit 9). Errors are rendered here
//! too, as the envelope of errors.md §1.

mod renderings;

use std::borrow::Cow;
use std::sync::RwLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bcc_keypair_model::{
    CreateKeypairRequest, ErrorBody, ErrorCode, ImportKeypairRequest, InstanceId,
    InstanceIdsRequest, KeypairId, KeypairModel, KeypairResponse, ListKeypairsQuery,
    ListKeypairsResponse, Operation, RenameKeypairRequest, UpdateKeypairDescriptionRequest,
    parse_body,
};
use bytes::Bytes;
use md5::{Digest, Md5};
use serde::Serialize;

use crate::clock::Clock;
use crate::ids::IdGenerator;
use crate::keys::KeySource;
use crate::lock::{read, write};
use crate::routes::Routed;
use crate::state::{KeypairView, ListPage, NewKeypair, Precheck, ScopeRef, State};

pub(crate) use renderings::Renderings;

/// Body of every success answer without data: attach and detach must send a JSON object
/// (keypair-api.md §3 rule 9: the Go SDK decodes it); delete, rename and updateDesc send the
/// same `{}` for uniformity (any SDK accepts it, rule 10).
pub(crate) const EMPTY_OBJECT: &[u8] = b"{}";

/// `Content-Type` of every API answer (keypair-api.md §1).
pub(crate) const JSON_CONTENT_TYPE: &str = "application/json;charset=UTF-8";
/// The header naming each answer's request id (errors.md §1).
pub(crate) const REQUEST_ID_HEADER: &str = "x-bce-request-id";

/// What the operations work on: the simulated cloud, and where new key pairs get their
/// keys, ids and creation times.
pub(crate) struct Backend<'a> {
    pub(crate) state: &'a RwLock<State>,
    pub(crate) renderings: &'a Renderings,
    pub(crate) keys: &'a dyn KeySource,
    pub(crate) ids: &'a dyn IdGenerator,
    pub(crate) clock: &'a dyn Clock,
}

/// One routed, authenticated API request.
pub(crate) struct Call<'a> {
    pub(crate) routed: &'a Routed<'a>,
    /// The account and region it addresses.
    pub(crate) at: ScopeRef<'a>,
    /// The `Content-Md5` header, when sent.
    pub(crate) content_md5: Option<&'a [u8]>,
    pub(crate) body: &'a [u8],
}

/// Runs one operation and renders its answer (errors.md §4 rows 9–26, in order).
pub(crate) async fn run(backend: &Backend<'_>, call: &Call<'_>) -> Result<Bytes, ErrorCode> {
    let operation = call.routed.operation;
    // Row 9: the list query is checked before the body.
    let list_query = match operation {
        Operation::ListKeypairs => Some(list_query(call.routed)?),
        _ => None,
    };
    // Row 10: the signature does not cover the body, Content-Md5 does (auth-v1.md §8).
    if let Some(expected) = call.content_md5 {
        check_content_md5(expected, call.body)?;
    }
    match operation {
        // Boxed: it awaits key material, which would make every request's future larger.
        Operation::CreateKeypair => Box::pin(create(backend, call)).await,
        Operation::ImportKeypair => import(backend, call),
        Operation::ListKeypairs => Ok(list(backend, call, &list_query.unwrap_or_default())),
        Operation::GetKeypair => get(backend, call),
        Operation::AttachKeypair => attach(backend, call),
        Operation::DetachKeypair => detach(backend, call),
        Operation::DeleteKeypair => delete(backend, call),
        Operation::RenameKeypair => rename(backend, call),
        Operation::UpdateKeypairDescription => update_description(backend, call),
        // The model may grow an operation before the simulator serves it.
        _ => Err(ErrorCode::InvalidUri),
    }
}

async fn create(backend: &Backend<'_>, call: &Call<'_>) -> Result<Bytes, ErrorCode> {
    let request: CreateKeypairRequest = parse_body(call.body).map_err(|e| e.code())?;
    let (name, description) = request.validate().map_err(|e| e.code())?;
    let token = client_token(call.routed);
    let token = token.as_deref();
    let now = backend.clock.now();
    // Cheap checks first, so a repeated token or a full quota does not use up a key.
    let precheck = read(backend.state).precheck_create(call.at, &name, &description, token, now)?;
    if let Precheck::Repeat(view) = precheck {
        return Ok(keypair_answer(*view, call.at.region));
    }
    // A source that repeats keys (the bundle) must not hand this scope a key it holds.
    let taken = |blob: &[u8]| read(backend.state).holds_public_key(call.at, blob);
    let key = backend
        .keys
        .next_key_avoiding(&taken)
        .await
        .map_err(|error| {
            tracing::error!(%error, "no key material for create");
            ErrorCode::InternalError
        })?;
    let new = NewKeypair {
        name: &name,
        description: &description,
        client_token: token,
        created_time: format_time(now),
        now,
    };
    let view =
        write(backend.state).create(call.at, &new, &key, &mut || backend.ids.keypair_id())?;
    Ok(keypair_answer(view, call.at.region))
}

fn import(backend: &Backend<'_>, call: &Call<'_>) -> Result<Bytes, ErrorCode> {
    let request: ImportKeypairRequest = parse_body(call.body).map_err(|e| e.code())?;
    let valid = request.validate().map_err(|e| e.code())?;
    let token = client_token(call.routed);
    let now = backend.clock.now();
    let new = NewKeypair {
        name: &valid.name,
        description: &valid.description,
        client_token: token.as_deref(),
        created_time: format_time(now),
        now,
    };
    let new_id = &mut || backend.ids.keypair_id();
    let view = write(backend.state).import(call.at, &new, &valid.public_key, new_id)?;
    Ok(keypair_answer(view, call.at.region))
}

fn list(backend: &Backend<'_>, call: &Call<'_>, query: &ListKeypairsQuery) -> Bytes {
    let page = read(backend.state).list(call.at, query);
    json(&list_response(page, call.at.region))
}

/// Answers from [`Renderings`] while the key pair's scope is unchanged.
fn get(backend: &Backend<'_>, call: &Call<'_>) -> Result<Bytes, ErrorCode> {
    // No KeypairId needed: an id that could not be valid is simply not found.
    let id = call
        .routed
        .keypair_id
        .as_deref()
        .ok_or(ErrorCode::InvalidUri)?;
    let state = read(backend.state);
    let revision = state.revision(call.at, id)?;
    if let Some(bytes) = backend.renderings.get(id, revision) {
        return Ok(bytes);
    }
    let bytes = keypair_answer(state.find(call.at, id)?, call.at.region);
    backend.renderings.put(id, revision, bytes.clone());
    Ok(bytes)
}

/// keypair-api.md §6.5.
fn attach(backend: &Backend<'_>, call: &Call<'_>) -> Result<Bytes, ErrorCode> {
    change_bindings(backend, call, State::attach)
}

/// keypair-api.md §6.6.
fn detach(backend: &Backend<'_>, call: &Call<'_>) -> Result<Bytes, ErrorCode> {
    change_bindings(backend, call, State::detach)
}

/// The common part of attach and detach: the body, then the key pair, then the instances.
fn change_bindings(
    backend: &Backend<'_>,
    call: &Call<'_>,
    change: fn(&mut State, ScopeRef<'_>, &KeypairId, &[InstanceId]) -> Result<(), ErrorCode>,
) -> Result<Bytes, ErrorCode> {
    let request: InstanceIdsRequest = parse_body(call.body).map_err(|e| e.code())?;
    // keypair-api.md §6.5: the key pair is checked before the instances, so an id that
    // cannot be an instance still loses to a missing key pair.
    let instance_ids = match request.validate() {
        Ok(ids) => Ok(ids),
        Err(error) if error.code() == ErrorCode::InstanceNotExist => Err(error.code()),
        // Row 12: an empty or oversized list is a body error, checked first.
        Err(error) => return Err(error.code()),
    };
    let id = keypair_id(call.routed)?;
    let mut state = write(backend.state);
    let instance_ids = match instance_ids {
        Ok(ids) => ids,
        Err(code) => {
            state.get(call.at, &id)?;
            return Err(code);
        }
    };
    change(&mut state, call.at, &id, &instance_ids)?;
    Ok(Bytes::from_static(EMPTY_OBJECT))
}

fn delete(backend: &Backend<'_>, call: &Call<'_>) -> Result<Bytes, ErrorCode> {
    // keypair-api.md §3 rule 4: Go's `{"keypairId":…}` body is ignored.
    let id = keypair_id(call.routed)?;
    write(backend.state).delete(call.at, &id)?;
    Ok(Bytes::from_static(EMPTY_OBJECT))
}

fn rename(backend: &Backend<'_>, call: &Call<'_>) -> Result<Bytes, ErrorCode> {
    let request: RenameKeypairRequest = parse_body(call.body).map_err(|e| e.code())?;
    let name = request.validate().map_err(|e| e.code())?;
    let id = keypair_id(call.routed)?;
    write(backend.state).rename(call.at, &id, &name)?;
    Ok(Bytes::from_static(EMPTY_OBJECT))
}

fn update_description(backend: &Backend<'_>, call: &Call<'_>) -> Result<Bytes, ErrorCode> {
    let request: UpdateKeypairDescriptionRequest = parse_body(call.body).map_err(|e| e.code())?;
    let description = request.validate().map_err(|e| e.code())?;
    let id = keypair_id(call.routed)?;
    write(backend.state).update_description(call.at, &id, &description)?;
    Ok(Bytes::from_static(EMPTY_OBJECT))
}

/// The key pair id of an item path, validated.
fn keypair_id(routed: &Routed<'_>) -> Result<KeypairId, ErrorCode> {
    let id = routed.keypair_id.as_deref().ok_or(ErrorCode::InvalidUri)?;
    KeypairId::new(id).map_err(|e| e.code())
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
fn client_token<'a>(routed: &'a Routed<'_>) -> Option<Cow<'a, str>> {
    routed.query.get("clientToken").filter(|t| !t.is_empty())
}

/// keypair-api.md §4: `createdTime` is UTC `YYYY-MM-DDThh:mm:ssZ`.
fn format_time(time: chrono::DateTime<chrono::Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The answer of create, import and get: `{"keypair":{…}}`.
fn keypair_answer(view: KeypairView, region: &str) -> Bytes {
    json(&KeypairResponse {
        keypair: model(view, region),
    })
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

/// The error envelope of errors.md §1: request id, code, and the code's default message
/// unless a specific one is given.
pub(crate) fn error_body(request_id: &str, code: &ErrorCode, message: Option<&str>) -> Bytes {
    let body = match message {
        Some(message) => ErrorBody::with_message(request_id, code, message),
        None => ErrorBody::new(request_id, code),
    };
    json(&body)
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

#[cfg(test)]
mod tests {
    use super::*;

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
