//! Input rules of keypair-api.md §5 and their error codes (errors.md §3), sent raw so the
//! client's own validation cannot stop them first.

use bcc_keypair_model::{ErrorCode, KeypairName, PublicKey};
use serde_json::json;

use crate::context::Ctx;
use crate::failure::{Context as _, Failure, Outcome};
use crate::keys::{random_ed25519_public_key, random_rsa_public_key};
use crate::raw::RawResponse;
use crate::scenarios::{expect_code, keypair_in, keypair_path, region_host};

/// Names that break a rule, and which rule.
const INVALID_NAMES: &[(&str, &str)] = &[
    ("", "empty"),
    ("1starts-with-digit", "first character not a letter"),
    ("_underscore-first", "first character not a letter"),
    ("has space", "space"),
    ("star*name", "character outside -_/."),
    ("colon:name", "character outside -_/."),
    ("tab\tname", "control character"),
];

/// A 66-character name: one over the limit.
fn too_long_name() -> String {
    format!("a{}", "b".repeat(65))
}

/// Remembers a key pair the service created although it should not have, so clean-up
/// removes it.
fn track_if_created(ctx: &Ctx<'_>, response: &RawResponse) {
    if response.status == 200
        && let Ok(keypair) = keypair_in(response)
    {
        ctx.track(&keypair.keypair_id);
    }
}

fn expect_each(failures: Vec<String>) -> Outcome {
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Failure::new(failures.join("; ")))
    }
}

/// Every invalid name is `Keypair.KeypairNameInvalid` 400 on create, and the client's
/// `KeypairName` refuses it with the same code before sending.
pub async fn create_rejects_invalid_names(ctx: &Ctx<'_>) -> Outcome {
    let long = too_long_name();
    let mut cases: Vec<(&str, &str)> = INVALID_NAMES.to_vec();
    cases.push((&long, "66 characters"));
    let mut failures = Vec::new();
    for (name, why) in cases {
        let response = ctx
            .raw()
            .post("/v2/keypair")
            .flag("create")
            .json(&json!({ "name": name, "description": "invalid name" }))
            .send()
            .await?;
        track_if_created(ctx, &response);
        if let Err(failure) = response.expect_error(&ErrorCode::KeypairNameInvalid) {
            failures.push(format!("name {name:?} ({why}): {failure}"));
        }
        match KeypairName::new(name) {
            Err(error) if error.code() == ErrorCode::KeypairNameInvalid => {}
            other => failures.push(format!(
                "KeypairName::new({name:?}) should fail with Keypair.KeypairNameInvalid, got {other:?}"
            )),
        }
    }
    expect_each(failures)
}

/// The edges of the name rule are accepted: 65 characters, every allowed punctuation mark,
/// upper case, Chinese characters.
pub async fn create_accepts_boundary_names(ctx: &Ctx<'_>) -> Outcome {
    let base = ctx.name("b");
    let names = [
        format!("{base}{}", "x".repeat(65 - base.chars().count())),
        format!("{base}-_/.9Z"),
        format!("Z{base}中文"),
    ];
    for name in names {
        let valid =
            KeypairName::new(name.clone()).context(format!("KeypairName::new({name:?})"))?;
        let keypair = ctx.create_named(valid, None).await?;
        check_eq!(keypair.name.as_str(), name.as_str(), "name as created");
    }
    Ok(())
}

/// Import checks the name too.
pub async fn import_rejects_invalid_name(ctx: &Ctx<'_>) -> Outcome {
    let response = ctx
        .raw()
        .put("/v2/keypair")
        .flag("import")
        .json(&json!({ "name": "9lives", "publicKey": random_rsa_public_key("x@y") }))
        .send()
        .await?;
    track_if_created(ctx, &response);
    response.expect_error(&ErrorCode::KeypairNameInvalid)
}

/// Rename checks the new name; the key pair keeps its old one.
pub async fn rename_rejects_invalid_name(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("renamebad").await?;
    let response = ctx
        .raw()
        .put(&keypair_path(&keypair.keypair_id))
        .flag("rename")
        .json(&json!({ "name": "bad name" }))
        .send()
        .await?;
    response.expect_error(&ErrorCode::KeypairNameInvalid)?;
    let got = ctx.client().get_keypair(&ctx.id(&keypair)?).await?;
    check_eq!(
        got.name.as_str(),
        keypair.name.as_str(),
        "name after refused rename"
    );
    Ok(())
}

/// 141 characters is `Keypair.KeypairDescriptionInvalid`; 140 (counted in characters, not
/// bytes) is fine.
pub async fn create_rejects_too_long_description(ctx: &Ctx<'_>) -> Outcome {
    let response = ctx
        .raw()
        .post("/v2/keypair")
        .flag("create")
        .json(&json!({ "name": ctx.name("longdesc"), "description": "d".repeat(141) }))
        .send()
        .await?;
    track_if_created(ctx, &response);
    response.expect_error(&ErrorCode::KeypairDescriptionInvalid)?;
    let response = ctx
        .raw()
        .post("/v2/keypair")
        .flag("create")
        .json(&json!({ "name": ctx.name("maxdesc"), "description": "描".repeat(140) }))
        .send()
        .await?;
    let keypair = keypair_in(&response).context("140-character description")?;
    ctx.track(&keypair.keypair_id);
    check_eq!(
        keypair.description.chars().count(),
        140,
        "description length"
    );
    Ok(())
}

/// Import checks the description.
pub async fn import_rejects_too_long_description(ctx: &Ctx<'_>) -> Outcome {
    let response = ctx
        .raw()
        .put("/v2/keypair")
        .flag("import")
        .json(&json!({
            "name": ctx.name("implong"),
            "description": "d".repeat(141),
            "publicKey": random_rsa_public_key("x@y"),
        }))
        .send()
        .await?;
    track_if_created(ctx, &response);
    response.expect_error(&ErrorCode::KeypairDescriptionInvalid)
}

/// Update description checks the length too (errors.md §6: the simulator's choice of code).
pub async fn update_description_rejects_too_long_description(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("updlong").await?;
    let response = ctx
        .raw()
        .put(&keypair_path(&keypair.keypair_id))
        .flag("updateDesc")
        .json(&json!({ "description": "d".repeat(141) }))
        .send()
        .await?;
    response.expect_error(&ErrorCode::KeypairDescriptionInvalid)
}

/// Unparsable keys and undocumented key types are `Keypair.PublicKeyFormatInvalid`.
pub async fn import_rejects_malformed_public_keys(ctx: &Ctx<'_>) -> Outcome {
    let keys = [
        ("not a key at all".to_owned(), "garbage"),
        ("ssh-rsa AAAA".to_owned(), "truncated blob"),
        ("ssh-rsa !!!notbase64!!!".to_owned(), "bad base64"),
        ("ssh-rsa".to_owned(), "type only"),
        (
            random_ed25519_public_key("x@y"),
            "ed25519 (undocumented type)",
        ),
    ];
    let mut failures = Vec::new();
    for (key, why) in keys {
        let response = ctx
            .raw()
            .put("/v2/keypair")
            .flag("import")
            .json(&json!({ "name": ctx.name("badkey"), "publicKey": key }))
            .send()
            .await?;
        track_if_created(ctx, &response);
        if let Err(failure) = response.expect_error(&ErrorCode::PublicKeyFormatInvalid) {
            failures.push(format!("{why}: {failure}"));
        }
        if let Ok(parsed) = PublicKey::parse(&key) {
            failures.push(format!("PublicKey::parse accepted {why}: {parsed:?}"));
        }
    }
    expect_each(failures)
}

/// The same public key twice (even with another comment) is `Keypair.KeypairPublicKeyExist`.
pub async fn import_rejects_duplicate_public_key(ctx: &Ctx<'_>) -> Outcome {
    let (keypair, line) = ctx.import("dup").await?;
    let mut fields = line.split_whitespace();
    let same_key_other_comment = format!(
        "{} {} other@comment",
        fields.next().unwrap_or_default(),
        fields.next().unwrap_or_default()
    );
    for key in [line.clone(), same_key_other_comment] {
        let public_key = PublicKey::parse(&key).context("duplicate key")?;
        let name = ctx.keypair_name("dup2")?;
        let result = ctx.client().import_keypair(name, public_key).send().await;
        if let Ok(created) = &result {
            ctx.track(&created.keypair_id);
        }
        expect_code(result, &ErrorCode::KeypairPublicKeyExist)?;
    }
    let got = ctx.client().get_keypair(&ctx.id(&keypair)?).await?;
    check_eq!(
        got.keypair_id.as_str(),
        keypair.keypair_id.as_str(),
        "original still there"
    );
    Ok(())
}

/// Key pairs per account and region (keypair-api.md §5).
const DOCUMENTED_QUOTA: usize = 500;

/// Runs `body` in a scratch region with a quota of 1, then restores the default quota. The
/// scratch regions are real BCC regions that no other scenario uses (the simulator serves
/// only known regions), one per scenario so that they can run at the same time.
async fn with_quota_of_one(
    ctx: &Ctx<'_>,
    region: &str,
    body: impl AsyncFnOnce(&str) -> Outcome,
) -> Outcome {
    let control = ctx.control()?;
    // The scratch region starts empty even on a long-running simulator.
    control.reset(None, Some(region)).await?;
    control.set_quota(1, None, Some(region)).await?;
    let outcome = body(&region_host(region)).await;
    let restore = control
        .set_quota(DOCUMENTED_QUOTA, None, Some(region))
        .await;
    outcome.and(restore)
}

/// The quota counts created key pairs: the second create over a quota of 1 is 413
/// `Keypair.KeypairQuotaExceedLimit`.
pub async fn create_beyond_quota_is_refused(ctx: &Ctx<'_>) -> Outcome {
    with_quota_of_one(ctx, "yq", async |host| {
        let create = || {
            ctx.raw()
                .post("/v2/keypair")
                .host(host)
                .json(&json!({ "name": ctx.name("quota") }))
                .send()
        };
        let first = create().await?;
        let keypair = keypair_in(&first).context("first create under quota 1")?;
        ctx.track_behind(&keypair.keypair_id, host);
        let second = create().await?;
        if let Ok(extra) = keypair_in(&second) {
            ctx.track_behind(&extra.keypair_id, host);
        }
        second.expect_error(&ErrorCode::KeypairQuotaExceedLimit)
    })
    .await
}

/// Imported key pairs count against the same quota.
pub async fn import_beyond_quota_is_refused(ctx: &Ctx<'_>) -> Outcome {
    with_quota_of_one(ctx, "sin", async |host| {
        let import = || {
            ctx.raw()
                .put("/v2/keypair")
                .flag("import")
                .host(host)
                .json(&json!({ "name": ctx.name("quota"), "publicKey": random_rsa_public_key("") }))
                .send()
        };
        let first = import().await?;
        let keypair = keypair_in(&first).context("first import under quota 1")?;
        ctx.track_behind(&keypair.keypair_id, host);
        let second = import().await?;
        if let Ok(extra) = keypair_in(&second) {
            ctx.track_behind(&extra.keypair_id, host);
        }
        second.expect_error(&ErrorCode::KeypairQuotaExceedLimit)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use bcc_keypair_model::ModelError;

    #[test]
    fn invalid_names_are_invalid_for_the_model_too() {
        for (name, why) in INVALID_NAMES {
            let result: Result<KeypairName, ModelError> = KeypairName::new(*name);
            assert!(result.is_err(), "{name:?} ({why}) accepted");
        }
        assert_eq!(too_long_name().chars().count(), 66);
    }
}
