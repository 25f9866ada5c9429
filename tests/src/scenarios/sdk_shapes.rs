//! The request shapes each official SDK really sends (keypair-api.md §3, Appendix A), sent raw
//! and signed the way that SDK signs.

use serde_json::json;

use crate::context::Ctx;
use crate::failure::{Context as _, Failure, Outcome};
use crate::keys::random_rsa_public_key;
use crate::raw::SdkStyle;
use crate::scenarios::{keypair_in, keypair_path, page_in};
use bcc_keypair_model::ErrorCode;

/// `POST /v2/keypair?create=` with `"description": null` (Python SDK create without a
/// description): created with an empty description.
pub async fn python_create_with_flag_and_null_description(ctx: &Ctx<'_>) -> Outcome {
    let name = ctx.name("pycreate");
    // Python's json.dumps separators and \u escapes, byte for byte.
    let body = format!("{{\"name\": \"{name}\", \"description\": null}}");
    let response = ctx
        .raw()
        .post("/v2/keypair")
        .style(SdkStyle::Python)
        .flag("create")
        .body(body)
        .send()
        .await?;
    let keypair = keypair_in(&response)?;
    ctx.track(&keypair.keypair_id);
    check_eq!(keypair.name.as_str(), name.as_str(), "name");
    check_eq!(keypair.description.as_str(), "", "description");
    let escaped = format!(
        "{{\"name\": \"{}\", \"description\": \"desc \\u63cf\\u8ff0\"}}",
        ctx.name("pyesc")
    );
    let response = ctx
        .raw()
        .post("/v2/keypair")
        .style(SdkStyle::Python)
        .flag("create")
        .body(escaped)
        .send()
        .await?;
    let keypair = keypair_in(&response).context("create with \\u escapes")?;
    ctx.track(&keypair.keypair_id);
    check_eq!(
        keypair.description.as_str(),
        "desc 描述",
        "decoded description"
    );
    Ok(())
}

/// `PUT /v2/keypair?import=` without a `description` key (Python SDK import).
pub async fn python_import_with_flag(ctx: &Ctx<'_>) -> Outcome {
    let name = ctx.name("pyimport");
    let response = ctx
        .raw()
        .put("/v2/keypair")
        .style(SdkStyle::Python)
        .flag("import")
        .json(&json!({ "name": name, "publicKey": random_rsa_public_key("py@host") }))
        .send()
        .await?;
    let keypair = keypair_in(&response)?;
    ctx.track(&keypair.keypair_id);
    check_eq!(keypair.name.as_str(), name.as_str(), "name");
    Ok(())
}

/// `PUT …?attach=` / `?detach=` with Python's body spacing.
pub async fn python_attach_and_detach_with_equals_flags(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("pyattach").await?;
    let instances = ctx.seed_running_linux(2).await?;
    let path = keypair_path(&keypair.keypair_id);
    let body = format!(
        "{{\"instanceIds\": [\"{}\", \"{}\"]}}",
        instances[0], instances[1]
    );
    ctx.raw()
        .put(&path)
        .style(SdkStyle::Python)
        .flag("attach")
        .body(body)
        .send()
        .await?
        .expect_ok()
        .context("attach=")?;
    let got = keypair_in(&ctx.raw().get(&path).send().await?)?;
    check_eq!(got.instance_count, 2, "instanceCount after attach=");
    ctx.raw()
        .put(&path)
        .style(SdkStyle::Python)
        .flag("detach")
        .body(format!("{{\"instanceIds\": [\"{}\"]}}", instances[0]))
        .send()
        .await?
        .expect_ok()
        .context("detach=")?;
    let got = keypair_in(&ctx.raw().get(&path).send().await?)?;
    check_eq!(got.instance_count, 1, "instanceCount after detach=");
    Ok(())
}

/// Python forwards `maxKeys=0` verbatim; the service treats it as the default 1000.
pub async fn python_list_with_max_keys_zero(ctx: &Ctx<'_>) -> Outcome {
    let response = ctx
        .raw()
        .get("/v2/keypair")
        .style(SdkStyle::Python)
        .param("maxKeys", "0")
        .send()
        .await?;
    check_eq!(page_in(&response)?.max_keys, 1000, "maxKeys for maxKeys=0");
    Ok(())
}

/// Go's compact JSON with `\u003c`-style escapes and raw UTF-8, and `Content-Md5`.
pub async fn go_create_with_escaped_json(ctx: &Ctx<'_>) -> Outcome {
    let name = ctx.name("goesc");
    let body =
        format!("{{\"name\":\"{name}\",\"description\":\"desc \\u003c\\u0026\\u003e 描述\"}}");
    let response = ctx
        .raw()
        .post("/v2/keypair")
        .style(SdkStyle::Go)
        .body(body)
        .send()
        .await?;
    let keypair = keypair_in(&response)?;
    ctx.track(&keypair.keypair_id);
    check_eq!(
        keypair.description.as_str(),
        "desc <&> 描述",
        "decoded description"
    );
    Ok(())
}

/// `DELETE /v2/keypair/{id}?delete` with a JSON body (Go SDK delete).
pub async fn go_delete_with_query_and_body(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("godelete").await?;
    let path = keypair_path(&keypair.keypair_id);
    ctx.raw()
        .delete(&path)
        .style(SdkStyle::Go)
        .flag("delete")
        .json(&json!({ "keypairId": keypair.keypair_id }))
        .send()
        .await?
        .expect_ok()
        .context("Go-style delete")?;
    let after = ctx.raw().get(&path).send().await?;
    after
        .expect_error(&bcc_keypair_model::ErrorCode::KeypairNotExist)
        .context("get after Go-style delete")
}

/// Go adds `keypairId` to rename and updateDesc bodies; it is ignored, and the path id wins
/// when it disagrees (keypair-api.md §3 rule 5).
pub async fn go_bodies_with_keypair_id_field(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("goextra").await?;
    let decoy = ctx.create("godecoy").await?;
    let path = keypair_path(&keypair.keypair_id);
    let new_name = ctx.name("gorenamed");
    ctx.raw()
        .put(&path)
        .style(SdkStyle::Go)
        .flag("rename")
        .json(&json!({ "name": new_name, "keypairId": keypair.keypair_id }))
        .send()
        .await?
        .expect_ok()
        .context("rename with keypairId")?;
    ctx.raw()
        .put(&path)
        .style(SdkStyle::Go)
        .flag("updateDesc")
        .json(&json!({ "description": "via go", "keypairId": decoy.keypair_id }))
        .send()
        .await?
        .expect_ok()
        .context("updateDesc with another keypairId")?;
    let got = keypair_in(&ctx.raw().get(&path).send().await?)?;
    check_eq!(got.name.as_str(), new_name.as_str(), "name");
    check_eq!(got.description.as_str(), "via go", "description");
    let untouched = keypair_in(
        &ctx.raw()
            .get(&keypair_path(&decoy.keypair_id))
            .send()
            .await?,
    )?;
    check_eq!(
        untouched.description.as_str(),
        decoy.description.as_str(),
        "decoy description"
    );
    Ok(())
}

/// Go decodes the attach/detach response as JSON, so both must answer with a JSON object
/// (keypair-api.md §3 rule 9).
pub async fn go_attach_and_detach_answer_json_objects(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("gojson").await?;
    let instances = ctx.seed_running_linux(1).await?;
    let path = keypair_path(&keypair.keypair_id);
    for action in ["attach", "detach"] {
        let response = ctx
            .raw()
            .put(&path)
            .style(SdkStyle::Go)
            .flag(action)
            .json(&json!({ "keypairId": keypair.keypair_id, "instanceIds": instances }))
            .send()
            .await?;
        let body = response.expect_ok().context(action)?;
        if !body.is_object() {
            return Err(Failure::new(format!(
                "{action} answered {:?}, not a JSON object",
                String::from_utf8_lossy(&response.body)
            )));
        }
    }
    Ok(())
}

/// Java imports with a bare `PUT /v2/keypair` (no action word) and signs `host` only.
pub async fn java_import_without_action_word(ctx: &Ctx<'_>) -> Outcome {
    let name = ctx.name("javaimport");
    let response = ctx
        .raw()
        .put("/v2/keypair")
        .style(SdkStyle::Java)
        .json(&json!({ "name": name, "publicKey": random_rsa_public_key("java@host") }))
        .send()
        .await?;
    let keypair = keypair_in(&response)?;
    ctx.track(&keypair.keypair_id);
    check_eq!(keypair.name.as_str(), name.as_str(), "name");
    check!(
        keypair.private_key.as_deref().is_none_or(str::is_empty),
        "an import answered with a privateKey"
    );
    Ok(())
}

/// The documentation's import example uses `POST /v2/keypair?import`.
pub async fn doc_import_with_post(ctx: &Ctx<'_>) -> Outcome {
    let name = ctx.name("postimport");
    let response = ctx
        .raw()
        .post("/v2/keypair")
        .style(SdkStyle::Go)
        .flag("import")
        .json(&json!({ "name": name, "description": "d", "publicKey": random_rsa_public_key("") }))
        .send()
        .await?;
    let keypair = keypair_in(&response)?;
    ctx.track(&keypair.keypair_id);
    check!(
        keypair.private_key.as_deref().is_none_or(str::is_empty),
        "POST ?import created a key pair instead of importing"
    );
    Ok(())
}

/// The current documentation's create: `POST /v2/keypair` with no action word.
pub async fn doc_create_without_action_word(ctx: &Ctx<'_>) -> Outcome {
    let name = ctx.name("doccreate");
    let response = ctx
        .raw()
        .post("/v2/keypair")
        .style(SdkStyle::Python)
        .json(&json!({ "name": name, "description": "some description" }))
        .send()
        .await?;
    let keypair = keypair_in(&response)?;
    ctx.track(&keypair.keypair_id);
    check!(
        keypair
            .private_key
            .as_deref()
            .is_some_and(|key| !key.is_empty()),
        "create without action word returned no privateKey"
    );
    Ok(())
}

/// Python inserts ids into the path unencoded and signs the raw path; Go percent-encodes
/// the path and signs the encoded form. Both reach the key-pair lookup (404
/// `Keypair.KeypairNotExist`) instead of failing the signature (auth-v1.md §8 candidates).
pub async fn ids_with_reserved_characters_in_the_path(ctx: &Ctx<'_>) -> Outcome {
    let python = ctx
        .raw()
        .get("/v2/keypair/k-a:b~c*d")
        .style(SdkStyle::Python)
        .verbatim_path()
        .send()
        .await?;
    python
        .expect_error(&ErrorCode::KeypairNotExist)
        .context("Python raw path /v2/keypair/k-a:b~c*d")?;
    for id in ["k-a:b~c*d", "测试", "a b", "a%2Fb"] {
        let go = ctx
            .raw()
            .get(&keypair_path(id))
            .style(SdkStyle::Go)
            .send()
            .await?;
        go.expect_error(&ErrorCode::KeypairNotExist)
            .context(format!("Go encoded path for id {id:?}"))?;
    }
    Ok(())
}

/// Java sends `Date` instead of `x-bce-date` and signs `host` only; the whole life cycle
/// works that way.
pub async fn java_signs_host_only_and_sends_date(ctx: &Ctx<'_>) -> Outcome {
    let name = ctx.name("javadate");
    let response = ctx
        .raw()
        .post("/v2/keypair")
        .style(SdkStyle::Java)
        .flag("create")
        .json(&json!({ "name": name }))
        .send()
        .await?;
    let keypair = keypair_in(&response).context("Java-style create")?;
    ctx.track(&keypair.keypair_id);
    let path = keypair_path(&keypair.keypair_id);
    ctx.raw()
        .put(&path)
        .style(SdkStyle::Java)
        .flag("updateDesc")
        .json(&json!({ "description": "java" }))
        .send()
        .await?
        .expect_ok()
        .context("Java-style updateDesc")?;
    ctx.raw()
        .delete(&path)
        .style(SdkStyle::Java)
        .send()
        .await?
        .expect_ok()
        .context("Java-style delete")?;
    Ok(())
}
