//! The success path of each of the nine operations, through the typed client
//! (keypair-api.md §6).

use bcc_keypair_model::{InstanceId, KeypairDescription, KeypairName, PublicKey, fingerprint};

use crate::context::Ctx;
use crate::failure::{Context as _, Failure, Outcome};
use crate::keys::key_blob;
use crate::scenarios::{expect_code, list_named};
use bcc_keypair_model::ErrorCode;

/// `YYYY-MM-DDThh:mm:ssZ` (keypair-api.md §4).
fn is_timestamp(text: &str) -> bool {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%SZ").is_ok()
}

/// Create: a PEM private key, an OpenSSH public key whose MD5 fingerprint is `fingerPrint`,
/// no instances, a creation time.
pub async fn create_returns_private_key_and_matching_fingerprint(ctx: &Ctx<'_>) -> Outcome {
    let name = ctx.keypair_name("create")?;
    let description = KeypairDescription::new("conformance create").context("description")?;
    let keypair = ctx
        .create_named(name.clone(), Some(description.clone()))
        .await?;
    check!(
        keypair.keypair_id.starts_with("k-"),
        "keypairId {:?}",
        keypair.keypair_id
    );
    check_eq!(keypair.name.as_str(), name.as_str(), "name");
    check_eq!(
        keypair.description.as_str(),
        description.as_str(),
        "description"
    );
    let private_key = keypair.private_key.as_deref().unwrap_or_default();
    check!(
        private_key.starts_with("-----BEGIN ") && private_key.contains("PRIVATE KEY-----"),
        "privateKey is not PEM: starts {:?}",
        private_key.chars().take(30).collect::<String>()
    );
    check!(
        private_key.trim_end().ends_with("PRIVATE KEY-----"),
        "privateKey PEM is not terminated"
    );
    let public_key = PublicKey::parse(&keypair.public_key).context("publicKey of create")?;
    check_eq!(
        keypair.finger_print.as_str(),
        fingerprint(public_key.blob()).as_str(),
        "fingerPrint (MD5 of the publicKey blob)"
    );
    check_eq!(keypair.instance_count, 0, "instanceCount");
    check!(!keypair.region_id.is_empty(), "empty regionId");
    check!(
        is_timestamp(&keypair.created_time),
        "createdTime {:?}",
        keypair.created_time
    );
    Ok(())
}

/// Create without a description: `description` is `""`.
pub async fn create_without_description_has_empty_description(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("nodesc").await?;
    check_eq!(keypair.description.as_str(), "", "description");
    let got = ctx.client().get_keypair(&ctx.id(&keypair)?).await?;
    check_eq!(got.description.as_str(), "", "description after get");
    Ok(())
}

/// Names may contain Chinese characters and `-_/.`; descriptions any text (keypair-api.md §5).
pub async fn create_keeps_unicode_name_and_description(ctx: &Ctx<'_>) -> Outcome {
    let name = KeypairName::new(ctx.name("密钥/a_b.c")).context("name")?;
    let description =
        KeypairDescription::new("描述 <tag> & \"quotes\" \\ 🔑").context("description")?;
    let keypair = ctx
        .create_named(name.clone(), Some(description.clone()))
        .await?;
    let got = ctx.client().get_keypair(&ctx.id(&keypair)?).await?;
    check_eq!(got.name.as_str(), name.as_str(), "name after get");
    check_eq!(
        got.description.as_str(),
        description.as_str(),
        "description after get"
    );
    Ok(())
}

/// Import: the key comes back with its fingerprint and without a private key.
pub async fn import_returns_keypair_without_private_key(ctx: &Ctx<'_>) -> Outcome {
    let (keypair, line) = ctx.import("import").await?;
    check!(
        keypair.keypair_id.starts_with("k-"),
        "keypairId {:?}",
        keypair.keypair_id
    );
    check!(
        keypair.private_key.as_deref().is_none_or(str::is_empty),
        "import returned a privateKey"
    );
    let sent_blob = key_blob(&line).context("blob of the sent key")?;
    let returned = PublicKey::parse(&keypair.public_key).context("publicKey of import")?;
    check!(
        returned.blob() == sent_blob.as_slice(),
        "publicKey differs from the imported key"
    );
    check_eq!(
        keypair.finger_print.as_str(),
        fingerprint(&sent_blob).as_str(),
        "fingerPrint"
    );
    check_eq!(keypair.instance_count, 0, "instanceCount");
    check_eq!(keypair.description.as_str(), "", "description");
    Ok(())
}

/// Import with a description keeps it.
pub async fn import_keeps_description(ctx: &Ctx<'_>) -> Outcome {
    let name = ctx.keypair_name("importdesc")?;
    let line = crate::keys::random_rsa_public_key("");
    let public_key = PublicKey::parse(&line).context("generated key")?;
    let description = KeypairDescription::new("imported 描述").context("description")?;
    let keypair = ctx
        .client()
        .import_keypair(name.clone(), public_key)
        .description(description.clone())
        .send()
        .await?;
    ctx.track(&keypair.keypair_id);
    check_eq!(keypair.name.as_str(), name.as_str(), "name");
    check_eq!(
        keypair.description.as_str(),
        description.as_str(),
        "description"
    );
    Ok(())
}

/// List (filtered by name) shows the created key pair with the same fields.
pub async fn list_shows_created_keypair(ctx: &Ctx<'_>) -> Outcome {
    let created = ctx.create("list").await?;
    let listed = list_named(ctx, &created.name).await?;
    check_eq!(listed.len(), 1, "key pairs listed under {}", created.name);
    let item = &listed[0];
    check_eq!(
        item.keypair_id.as_str(),
        created.keypair_id.as_str(),
        "keypairId"
    );
    check_eq!(
        item.public_key.as_str(),
        created.public_key.as_str(),
        "publicKey"
    );
    check_eq!(
        item.finger_print.as_str(),
        created.finger_print.as_str(),
        "fingerPrint"
    );
    check_eq!(
        item.region_id.as_str(),
        created.region_id.as_str(),
        "regionId"
    );
    check!(
        item.private_key.as_deref().is_none_or(str::is_empty),
        "list shows a privateKey"
    );
    Ok(())
}

/// Get returns what create returned, minus the private key.
pub async fn get_returns_what_create_returned(ctx: &Ctx<'_>) -> Outcome {
    let created = ctx.create("get").await?;
    let got = ctx.client().get_keypair(&ctx.id(&created)?).await?;
    check_eq!(
        got.keypair_id.as_str(),
        created.keypair_id.as_str(),
        "keypairId"
    );
    check_eq!(got.name.as_str(), created.name.as_str(), "name");
    check_eq!(
        got.public_key.as_str(),
        created.public_key.as_str(),
        "publicKey"
    );
    check_eq!(
        got.finger_print.as_str(),
        created.finger_print.as_str(),
        "fingerPrint"
    );
    check_eq!(
        got.region_id.as_str(),
        created.region_id.as_str(),
        "regionId"
    );
    check_eq!(
        got.created_time.as_str(),
        created.created_time.as_str(),
        "createdTime"
    );
    check_eq!(got.instance_count, 0, "instanceCount");
    check!(
        got.private_key.as_deref().is_none_or(str::is_empty),
        "get shows a privateKey"
    );
    Ok(())
}

/// Attach binds a Linux instance: `instanceCount` 1 and the instance knows its key pair.
pub async fn attach_binds_instance(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("attach").await?;
    let id = ctx.id(&keypair)?;
    let instance = ctx.seed_instance("linux", "Running").await?;
    let instance_id = InstanceId::new(instance.clone()).context("instance id")?;
    ctx.client()
        .attach_keypair(&id, std::slice::from_ref(&instance_id))
        .await
        .context("attach_keypair")?;
    let got = ctx.client().get_keypair(&id).await?;
    check_eq!(got.instance_count, 1, "instanceCount after attach");
    let bound = ctx.control()?.instance_keypair(&instance).await?;
    check_eq!(
        bound.as_deref(),
        Some(keypair.keypair_id.as_str()),
        "key pair of {instance}"
    );
    Ok(())
}

/// Detach unbinds: `instanceCount` back to 0, the instance holds no key pair.
pub async fn detach_unbinds_instance(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("detach").await?;
    let id = ctx.id(&keypair)?;
    let instance = ctx.seed_instance("linux", "Stopped").await?;
    let instance_ids = [InstanceId::new(instance.clone()).context("instance id")?];
    ctx.client().attach_keypair(&id, &instance_ids).await?;
    ctx.client()
        .detach_keypair(&id, &instance_ids)
        .await
        .context("detach_keypair")?;
    let got = ctx.client().get_keypair(&id).await?;
    check_eq!(got.instance_count, 0, "instanceCount after detach");
    let bound = ctx.control()?.instance_keypair(&instance).await?;
    check_eq!(bound, None, "key pair of {instance} after detach");
    Ok(())
}

/// Delete removes the key pair: get answers `Keypair.KeypairNotExist` afterwards.
pub async fn delete_removes_keypair(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("delete").await?;
    let id = ctx.id(&keypair)?;
    ctx.client()
        .delete_keypair(&id)
        .await
        .context("delete_keypair")?;
    expect_code(
        ctx.client().get_keypair(&id).await,
        &ErrorCode::KeypairNotExist,
    )
    .map_err(|failure| failure.within("get after delete"))?;
    let listed = list_named(ctx, &keypair.name).await?;
    check!(listed.is_empty(), "deleted key pair still listed");
    Ok(())
}

/// Rename changes the name and nothing else.
pub async fn rename_changes_name(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("rename").await?;
    let id = ctx.id(&keypair)?;
    let new_name = ctx.keypair_name("renamed")?;
    ctx.client()
        .rename_keypair(&id, new_name.clone())
        .await
        .context("rename_keypair")?;
    let got = ctx.client().get_keypair(&id).await?;
    check_eq!(got.name.as_str(), new_name.as_str(), "name after rename");
    check_eq!(
        got.public_key.as_str(),
        keypair.public_key.as_str(),
        "publicKey after rename"
    );
    check!(
        list_named(ctx, &keypair.name).await?.is_empty(),
        "old name still listed"
    );
    Ok(())
}

/// Update description sets the text.
pub async fn update_description_sets_text(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("desc").await?;
    let id = ctx.id(&keypair)?;
    let description = KeypairDescription::new("new description 新").context("description")?;
    ctx.client()
        .update_keypair_description(&id, description.clone())
        .await
        .context("update_keypair_description")?;
    let got = ctx.client().get_keypair(&id).await?;
    check_eq!(
        got.description.as_str(),
        description.as_str(),
        "description after update"
    );
    Ok(())
}

/// An empty new description clears it (keypair-api.md §6.9, doc S15).
pub async fn update_description_clears_with_empty_string(ctx: &Ctx<'_>) -> Outcome {
    let name = ctx.keypair_name("clear")?;
    let description = KeypairDescription::new("to be cleared").context("description")?;
    let keypair = ctx.create_named(name, Some(description)).await?;
    let id = ctx.id(&keypair)?;
    let empty = KeypairDescription::new("").context("empty description")?;
    ctx.client()
        .update_keypair_description(&id, empty)
        .await
        .context("update_keypair_description(\"\")")?;
    let got = ctx.client().get_keypair(&id).await?;
    if !got.description.is_empty() {
        return Err(Failure::new(format!(
            "description after clearing: {:?}",
            got.description
        )));
    }
    Ok(())
}
