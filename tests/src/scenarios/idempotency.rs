//! `clientToken` idempotency (keypair-api.md §3 rule 2, errors.md §4 row 17): the same token
//! twice yields the same key pair, and only one exists.

use bcc_keypair_client::ClientToken;
use serde_json::json;

use crate::context::Ctx;
use crate::failure::{Context as _, Outcome};
use crate::keys::random_rsa_public_key;
use crate::raw::SdkStyle;
use crate::scenarios::{keypair_in, list_named};

/// The client's `create_keypair` twice with one `client_token`: one key pair.
pub async fn client_create_with_same_token_returns_same_keypair(ctx: &Ctx<'_>) -> Outcome {
    let name = ctx.keypair_name("clitoken")?;
    let token = ClientToken::new(format!("tok-{}", ctx.target().unique_token()));
    let first = ctx
        .client()
        .create_keypair(name.clone())
        .client_token(token.clone())
        .send()
        .await
        .context("first create")?;
    ctx.track(&first.keypair_id);
    let second = ctx
        .client()
        .create_keypair(name.clone())
        .client_token(token)
        .send()
        .await
        .context("repeated create")?;
    ctx.track(&second.keypair_id);
    check_eq!(
        second.keypair_id.as_str(),
        first.keypair_id.as_str(),
        "keypairId of the repeat"
    );
    check_eq!(
        list_named(ctx, name.as_str()).await?.len(),
        1,
        "key pairs called {name}"
    );
    Ok(())
}

/// Go-style create with `?clientToken=` sent twice.
pub async fn create_with_same_client_token_returns_same_keypair(ctx: &Ctx<'_>) -> Outcome {
    let name = ctx.name("token");
    let token = format!("tok-{}", ctx.target().unique_token());
    let body = json!({ "name": name, "description": "" });
    let mut ids = Vec::new();
    for attempt in 1..=2 {
        let response = ctx
            .raw()
            .post("/v2/keypair")
            .style(SdkStyle::Go)
            .param("clientToken", &token)
            .json(&body)
            .send()
            .await?;
        let keypair = keypair_in(&response).context(format!("create attempt {attempt}"))?;
        ctx.track(&keypair.keypair_id);
        ids.push(keypair.keypair_id);
    }
    check_eq!(
        ids[1].as_str(),
        ids[0].as_str(),
        "keypairId of the repeated create"
    );
    let listed = list_named(ctx, &name).await?;
    check_eq!(listed.len(), 1, "key pairs called {name}");
    Ok(())
}

/// Go-style import with `?import&clientToken=` sent twice: the second is not a duplicate-key
/// error but the same key pair.
pub async fn import_with_same_client_token_returns_same_keypair(ctx: &Ctx<'_>) -> Outcome {
    let name = ctx.name("tokimp");
    let token = format!("tok-{}", ctx.target().unique_token());
    let body =
        json!({ "name": name, "description": "", "publicKey": random_rsa_public_key("t@k") });
    let mut ids = Vec::new();
    for attempt in 1..=2 {
        let response = ctx
            .raw()
            .put("/v2/keypair")
            .style(SdkStyle::Go)
            .flag("import")
            .param("clientToken", &token)
            .json(&body)
            .send()
            .await?;
        let keypair = keypair_in(&response).context(format!("import attempt {attempt}"))?;
        ctx.track(&keypair.keypair_id);
        ids.push(keypair.keypair_id);
    }
    check_eq!(
        ids[1].as_str(),
        ids[0].as_str(),
        "keypairId of the repeated import"
    );
    check_eq!(
        list_named(ctx, &name).await?.len(),
        1,
        "key pairs called {name}"
    );
    Ok(())
}

/// The same `clientToken` with a different body: 403 `IdempotentParameterMismatch`
/// (errors.md §4 row 17).
pub async fn client_token_reused_with_other_parameters(ctx: &Ctx<'_>) -> Outcome {
    let token = format!("tok-{}", ctx.target().unique_token());
    let first = ctx
        .raw()
        .post("/v2/keypair")
        .param("clientToken", &token)
        .json(&json!({ "name": ctx.name("tokfirst") }))
        .send()
        .await?;
    let keypair = keypair_in(&first).context("first create")?;
    ctx.track(&keypair.keypair_id);
    let second = ctx
        .raw()
        .post("/v2/keypair")
        .param("clientToken", &token)
        .json(&json!({ "name": ctx.name("tokother") }))
        .send()
        .await?;
    if let Ok(other) = keypair_in(&second) {
        ctx.track(&other.keypair_id);
    }
    second.expect_error(&bcc_keypair_model::ErrorCode::IdempotentParameterMismatch)
}
