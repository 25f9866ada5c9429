//! Malformed requests: bodies, paths, versions and query values (errors.md §4 rows 7-12,
//! keypair-api.md §7).

use bcc_keypair_model::ErrorCode;
use serde_json::json;

use crate::context::Ctx;
use crate::failure::{Failure, Outcome};
use crate::raw::RawResponse;
use crate::scenarios::{keypair_in, keypair_path};

fn collect(failures: Vec<String>) -> Outcome {
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Failure::new(failures.join("; ")))
    }
}

fn note(failures: &mut Vec<String>, what: &str, result: Outcome) {
    if let Err(failure) = result {
        failures.push(format!("{what}: {failure}"));
    }
}

fn track_if_created(ctx: &Ctx<'_>, response: &RawResponse) {
    if let Ok(keypair) = keypair_in(response) {
        ctx.track(&keypair.keypair_id);
    }
}

/// Bodies that are not a JSON object: 400 `MalformedJSON`.
pub async fn malformed_json_body(ctx: &Ctx<'_>) -> Outcome {
    let bodies: [(&str, &str); 4] = [
        ("{\"name\": ", "truncated"),
        ("name=kp", "form encoding"),
        ("", "empty"),
        ("[\"name\"]", "array"),
    ];
    let mut failures = Vec::new();
    for (body, why) in bodies {
        let response = ctx
            .raw()
            .post("/v2/keypair")
            .flag("create")
            .body(body.to_owned())
            .send()
            .await?;
        track_if_created(ctx, &response);
        note(
            &mut failures,
            &format!("create with {why} body"),
            response.expect_error(&ErrorCode::MalformedJson),
        );
    }
    collect(failures)
}

/// Well-formed JSON with wrong types or missing required fields: 400 `InappropriateJSON`.
pub async fn wrong_json_types(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("types").await?;
    let path = keypair_path(&keypair.keypair_id);
    let mut failures = Vec::new();
    let creates = [
        (json!({ "name": 1 }), "name is a number"),
        (json!({ "description": "no name" }), "name missing"),
        (json!({ "name": null }), "name null"),
        (json!({ "name": ["a"] }), "name is a list"),
    ];
    for (body, why) in creates {
        let response = ctx.raw().post("/v2/keypair").json(&body).send().await?;
        track_if_created(ctx, &response);
        note(
            &mut failures,
            &format!("create, {why}"),
            response.expect_error(&ErrorCode::InappropriateJson),
        );
    }
    let response = ctx
        .raw()
        .put("/v2/keypair")
        .flag("import")
        .json(&json!({ "name": ctx.name("types"), "publicKey": true }))
        .send()
        .await?;
    track_if_created(ctx, &response);
    note(
        &mut failures,
        "import, publicKey is a boolean",
        response.expect_error(&ErrorCode::InappropriateJson),
    );
    let response = ctx
        .raw()
        .put(&path)
        .flag("rename")
        .json(&json!({ "name": 42 }))
        .send()
        .await?;
    note(
        &mut failures,
        "rename, name is a number",
        response.expect_error(&ErrorCode::InappropriateJson),
    );
    collect(failures)
}

/// `instanceIds` null (what Python's `detach_keypair` sends without ids), a string, a list
/// of non-strings, or missing: 400 `InappropriateJSON` (keypair-api.md §3 rule 7).
pub async fn instance_ids_null_or_not_a_list(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("ids").await?;
    let path = keypair_path(&keypair.keypair_id);
    let bodies = [
        (json!({ "instanceIds": null }), "null"),
        (json!({ "instanceIds": "i-1" }), "a string"),
        (json!({ "instanceIds": [1, 2] }), "numbers"),
        (json!({}), "missing"),
    ];
    let mut failures = Vec::new();
    for action in ["attach", "detach"] {
        for (body, why) in &bodies {
            let response = ctx.raw().put(&path).flag(action).json(body).send().await?;
            note(
                &mut failures,
                &format!("{action} with instanceIds {why}"),
                response.expect_error(&ErrorCode::InappropriateJson),
            );
        }
    }
    collect(failures)
}

/// Unknown paths, missing or unknown action words and wrong methods: 400 `InvalidURI`.
pub async fn unknown_paths_and_actions(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("uri").await?;
    let path = keypair_path(&keypair.keypair_id);
    let mut failures = Vec::new();
    let cases = [
        (ctx.raw().get("/v2/foo"), "GET /v2/foo"),
        (
            ctx.raw().put(&path).json(&json!({})),
            "PUT without action word",
        ),
        (
            ctx.raw().put(&path).flag("explode").json(&json!({})),
            "PUT with unknown action word",
        ),
        (
            ctx.raw()
                .put(&path)
                .flag("rename")
                .flag("updateDesc")
                .json(&json!({ "name": "x", "description": "y" })),
            "PUT with two action words",
        ),
        (ctx.raw().post(&path).json(&json!({})), "POST on a key pair"),
    ];
    for (request, what) in cases {
        let response = request.send().await?;
        note(
            &mut failures,
            what,
            response.expect_error(&ErrorCode::InvalidUri),
        );
    }
    let got = ctx.client().get_keypair(&ctx.id(&keypair)?).await?;
    check_eq!(
        got.name.as_str(),
        keypair.name.as_str(),
        "name after refused requests"
    );
    collect(failures)
}

/// Versions other than `v2`: 404 `InvalidVersion`.
pub async fn unsupported_api_versions(ctx: &Ctx<'_>) -> Outcome {
    let mut failures = Vec::new();
    for path in ["/v1/keypair", "/v3/keypair"] {
        let response = ctx.raw().get(path).send().await?;
        note(
            &mut failures,
            path,
            response.expect_error(&ErrorCode::InvalidVersion),
        );
    }
    collect(failures)
}

/// `maxKeys` that is not an integer: 400 `InvalidHTTPRequest`.
pub async fn non_integer_max_keys(ctx: &Ctx<'_>) -> Outcome {
    let mut failures = Vec::new();
    for value in ["abc", "1.5", "ten"] {
        let response = ctx
            .raw()
            .get("/v2/keypair")
            .param("maxKeys", value)
            .send()
            .await?;
        note(
            &mut failures,
            &format!("maxKeys={value}"),
            response.expect_error(&ErrorCode::InvalidHttpRequest),
        );
    }
    collect(failures)
}

/// Every response carries `x-bce-request-id`; an error body's `requestId` is the same value
/// (errors.md §1).
pub async fn responses_carry_request_id(ctx: &Ctx<'_>) -> Outcome {
    let ok = ctx
        .raw()
        .get("/v2/keypair")
        .param("maxKeys", "1")
        .send()
        .await?;
    ok.expect_ok()?;
    check!(
        ok.header("x-bce-request-id")
            .is_some_and(|id| !id.is_empty()),
        "no x-bce-request-id on a success"
    );
    let error = ctx.raw().get("/v2/keypair/k-absent0").send().await?;
    error.expect_error(&ErrorCode::KeypairNotExist)?;
    let header = error
        .header("x-bce-request-id")
        .unwrap_or_default()
        .to_owned();
    let body = error.json()?;
    check_eq!(
        body["requestId"].as_str().unwrap_or_default(),
        header.as_str(),
        "requestId vs header"
    );
    check!(
        error
            .header("content-type")
            .is_some_and(|value| value.to_ascii_lowercase().starts_with("application/json")),
        "error Content-Type {:?}",
        error.header("content-type")
    );
    Ok(())
}

/// A `Content-Md5` that does not match the body: 400 `InvalidHTTPRequest` (errors.md §4 row
/// 10); nothing is created.
pub async fn wrong_content_md5(ctx: &Ctx<'_>) -> Outcome {
    let response = ctx
        .raw()
        .post("/v2/keypair")
        .header("content-md5", "1B2M2Y8AsgTpgAmY7PhCfg==")
        .json(&json!({ "name": ctx.name("md5") }))
        .send()
        .await?;
    track_if_created(ctx, &response);
    response.expect_error(&ErrorCode::InvalidHttpRequest)
}

/// A body that is not UTF-8: 400 `InvalidHTTPRequest` (errors.md §4 row 10).
pub async fn body_not_utf8(ctx: &Ctx<'_>) -> Outcome {
    let mut body = b"{\"name\": \"ct".to_vec();
    body.extend_from_slice(&[0xff, 0xfe]);
    body.extend_from_slice(b"\"}");
    let response = ctx.raw().post("/v2/keypair").body(body).send().await?;
    track_if_created(ctx, &response);
    response.expect_error(&ErrorCode::InvalidHttpRequest)
}
