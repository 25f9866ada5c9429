//! Authentication failures, checked before anything else (auth-v1.md §8, errors.md §4 rows 1-5),
//! and acceptance of every official SDK's signing style.

use bcc_keypair_model::ErrorCode;
use bce_auth::Credentials;
use chrono::Duration;
use serde_json::json;

use crate::context::Ctx;
use crate::failure::{Context as _, Failure, Outcome};
use crate::raw::{SdkStyle, current_timestamp, timestamp_at_offset};
use crate::scenarios::{keypair_in, keypair_path};

/// Signed with the right access key but a wrong secret: 400 `SignatureDoesNotMatch`.
pub async fn wrong_secret_key(ctx: &Ctx<'_>) -> Outcome {
    let access_key = ctx.raw().credentials().access_key_id().to_owned();
    let wrong = Credentials::new(access_key, "0000000000000000000000000000000f");
    let response = ctx
        .raw()
        .get("/v2/keypair")
        .credentials(wrong.clone())
        .send()
        .await?;
    response.expect_error(&ErrorCode::SignatureDoesNotMatch)?;
    // A mutation signed the same way must not happen.
    let name = ctx.name("badsig");
    let response = ctx
        .raw()
        .post("/v2/keypair")
        .credentials(wrong)
        .json(&json!({ "name": name }))
        .send()
        .await?;
    if let Ok(keypair) = keypair_in(&response) {
        ctx.track(&keypair.keypair_id);
    }
    response.expect_error(&ErrorCode::SignatureDoesNotMatch)
}

/// An access key the service does not know: 403 `InvalidAccessKeyId`.
pub async fn unknown_access_key(ctx: &Ctx<'_>) -> Outcome {
    let unknown = Credentials::new(
        format!("ffffffff{}", "0".repeat(24)),
        ctx.raw().credentials().secret_access_key().expose(),
    );
    let response = ctx
        .raw()
        .get("/v2/keypair")
        .credentials(unknown)
        .send()
        .await?;
    response.expect_error(&ErrorCode::InvalidAccessKeyId)
}

/// Signed two hours ago with the default 1800 s validity: 400 `RequestExpired`.
pub async fn expired_signature(ctx: &Ctx<'_>) -> Outcome {
    let response = ctx
        .raw()
        .get("/v2/keypair")
        .signed_at_offset(-Duration::hours(2))
        .send()
        .await?;
    response.expect_error(&ErrorCode::RequestExpired)?;
    let body = response.json()?;
    let message = body["message"].as_str().unwrap_or_default();
    check!(
        message.starts_with("Request has expired."),
        "RequestExpired message {message:?}"
    );
    Ok(())
}

/// No `Authorization` header: 403 `AccessDenied`.
pub async fn missing_authorization(ctx: &Ctx<'_>) -> Outcome {
    let response = ctx.raw().get("/v2/keypair").unsigned().send().await?;
    response.expect_error(&ErrorCode::AccessDenied)?;
    let response = ctx
        .raw()
        .post("/v2/keypair")
        .unsigned()
        .json(&json!({ "name": ctx.name("unsigned") }))
        .send()
        .await?;
    if let Ok(keypair) = keypair_in(&response) {
        ctx.track(&keypair.keypair_id);
    }
    response.expect_error(&ErrorCode::AccessDenied)
}

/// Authorization headers of the wrong shape: 400 `InvalidHTTPAuthHeader`.
pub async fn malformed_authorization(ctx: &Ctx<'_>) -> Outcome {
    let access_key = ctx.raw().credentials().access_key_id().to_owned();
    let now = current_timestamp();
    let hex = "a".repeat(64);
    let cases = [
        ("garbage".to_owned(), "not an auth string"),
        (
            format!("bce-auth-v1/{access_key}/{now}/1800"),
            "four fields",
        ),
        (
            format!("bce-auth-v2/{access_key}/{now}/1800//{hex}"),
            "other version",
        ),
        (
            format!("bce-auth-v1/{access_key}/yesterday/1800//{hex}"),
            "bad timestamp",
        ),
        (
            format!("bce-auth-v1/{access_key}/{now}/soon//{hex}"),
            "bad expiration",
        ),
        (
            format!("bce-auth-v1/{access_key}/{now}/1800//not-hex"),
            "bad signature",
        ),
    ];
    let mut failures = Vec::new();
    for (header, why) in cases {
        let response = ctx
            .raw()
            .get("/v2/keypair")
            .authorization(&header)
            .send()
            .await?;
        if let Err(failure) = response.expect_error(&ErrorCode::InvalidHttpAuthHeader) {
            failures.push(format!("{why}: {failure}"));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Failure::new(failures.join("; ")))
    }
}

/// The Python (empty `signedHeaders`), Go (sorted explicit list, `Content-Md5`) and Java
/// (`host` only) signing styles are all accepted, for reads and for writes with a body.
pub async fn every_sdk_signing_style_is_accepted(ctx: &Ctx<'_>) -> Outcome {
    for style in [SdkStyle::Python, SdkStyle::Go, SdkStyle::Java] {
        let what = format!("{style:?} style");
        ctx.raw()
            .get("/v2/keypair")
            .style(style)
            .param("maxKeys", "1")
            .send()
            .await?
            .expect_ok()
            .context(format!("{what} list"))?;
        let response = ctx
            .raw()
            .post("/v2/keypair")
            .style(style)
            .json(&json!({ "name": ctx.name("style"), "description": "签名" }))
            .send()
            .await?;
        let keypair = keypair_in(&response).context(format!("{what} create"))?;
        ctx.track(&keypair.keypair_id);
        ctx.raw()
            .get(&keypair_path(&keypair.keypair_id))
            .style(style)
            .send()
            .await?
            .expect_ok()
            .context(format!("{what} get"))?;
        ctx.raw()
            .delete(&keypair_path(&keypair.keypair_id))
            .style(style)
            .send()
            .await?
            .expect_ok()
            .context(format!("{what} delete"))?;
    }
    Ok(())
}

/// A current signature with an `x-bce-date` two hours old: 400 `RequestExpired` (the date
/// header may be at most 30 minutes from server time, auth-v1.md §8 step 4).
pub async fn stale_x_bce_date(ctx: &Ctx<'_>) -> Outcome {
    let stale = timestamp_at_offset(-Duration::hours(2));
    let response = ctx
        .raw()
        .get("/v2/keypair")
        .header("x-bce-date", &stale)
        .send()
        .await?;
    response.expect_error(&ErrorCode::RequestExpired)
}

/// A signature whose timestamp is 20 minutes ahead: 400 `RequestExpired` (more than the
/// 15-minute clock-skew allowance).
pub async fn signature_from_the_future(ctx: &Ctx<'_>) -> Outcome {
    let response = ctx
        .raw()
        .get("/v2/keypair")
        .signed_at_offset(Duration::minutes(20))
        .send()
        .await?;
    response.expect_error(&ErrorCode::RequestExpired)
}
