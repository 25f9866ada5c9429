//! Every `/v2/keypair/{id}` operation on an id that does not exist is 404
//! `Keypair.KeypairNotExist` (errors.md §4 row 18).

use bcc_keypair_model::{ErrorCode, InstanceId, KeypairDescription, KeypairId, KeypairName};

use crate::context::Ctx;
use crate::failure::{Context as _, Outcome};
use crate::scenarios::expect_code;

/// A well-formed id that no key pair has: `k-` plus a unique token.
fn unknown_id(ctx: &Ctx<'_>) -> Result<KeypairId, crate::Failure> {
    KeypairId::new(format!("k-{}", ctx.target().unique_token())).context("unknown id")
}

/// An instance id for operations that must fail on the key pair first.
fn some_instance(ctx: &Ctx<'_>) -> Result<Vec<InstanceId>, crate::Failure> {
    Ok(vec![
        InstanceId::new(ctx.instance_id()).context("instance id")?,
    ])
}

/// Get.
pub async fn get_unknown_keypair(ctx: &Ctx<'_>) -> Outcome {
    let id = unknown_id(ctx)?;
    expect_code(
        ctx.client().get_keypair(&id).await,
        &ErrorCode::KeypairNotExist,
    )
}

/// Delete.
pub async fn delete_unknown_keypair(ctx: &Ctx<'_>) -> Outcome {
    let id = unknown_id(ctx)?;
    expect_code(
        ctx.client().delete_keypair(&id).await,
        &ErrorCode::KeypairNotExist,
    )
}

/// Rename.
pub async fn rename_unknown_keypair(ctx: &Ctx<'_>) -> Outcome {
    let id = unknown_id(ctx)?;
    let name = KeypairName::new(ctx.name("ghost")).context("name")?;
    expect_code(
        ctx.client().rename_keypair(&id, name).await,
        &ErrorCode::KeypairNotExist,
    )
}

/// Update description.
pub async fn update_description_unknown_keypair(ctx: &Ctx<'_>) -> Outcome {
    let id = unknown_id(ctx)?;
    let description = KeypairDescription::new("ghost").context("description")?;
    expect_code(
        ctx.client()
            .update_keypair_description(&id, description)
            .await,
        &ErrorCode::KeypairNotExist,
    )
}

/// Attach: the key pair is checked before the instances (keypair-api.md §6.5 precedence).
pub async fn attach_unknown_keypair(ctx: &Ctx<'_>) -> Outcome {
    let id = unknown_id(ctx)?;
    let instances = some_instance(ctx)?;
    expect_code(
        ctx.client().attach_keypair(&id, &instances).await,
        &ErrorCode::KeypairNotExist,
    )
}

/// Detach.
pub async fn detach_unknown_keypair(ctx: &Ctx<'_>) -> Outcome {
    let id = unknown_id(ctx)?;
    let instances = some_instance(ctx)?;
    expect_code(
        ctx.client().detach_keypair(&id, &instances).await,
        &ErrorCode::KeypairNotExist,
    )
}
