//! Regions are separate worlds, selected by the `Host` header (keypair-api.md §1).

use bcc_keypair_model::ErrorCode;
use serde_json::json;

use crate::context::Ctx;
use crate::failure::{Context as _, Outcome};
use crate::scenarios::{keypair_in, keypair_path, page_in, region_host};

/// A key pair created behind `bcc.gz.baidubce.com` is found there (with `regionId` `gz`) and
/// is invisible behind `bcc.bj.baidubce.com`.
pub async fn keypair_is_invisible_in_other_region(ctx: &Ctx<'_>) -> Outcome {
    let (gz, bj) = (region_host("gz"), region_host("bj"));
    let name = ctx.name("region");
    let response = ctx
        .raw()
        .post("/v2/keypair")
        .host(&gz)
        .json(&json!({ "name": name }))
        .send()
        .await?;
    let keypair = keypair_in(&response).context("create in gz")?;
    ctx.track_behind(&keypair.keypair_id, &gz);
    check_eq!(keypair.region_id.as_str(), "gz", "regionId");
    let path = keypair_path(&keypair.keypair_id);

    let in_gz = ctx.raw().get(&path).host(&gz).send().await?;
    check_eq!(
        keypair_in(&in_gz)?.keypair_id.as_str(),
        keypair.keypair_id.as_str(),
        "get in gz"
    );

    let in_bj = ctx.raw().get(&path).host(&bj).send().await?;
    in_bj
        .expect_error(&ErrorCode::KeypairNotExist)
        .context("get in bj")?;
    let listed_bj = ctx
        .raw()
        .get("/v2/keypair")
        .param("name", &name)
        .host(&bj)
        .send()
        .await?;
    check!(page_in(&listed_bj)?.keypairs.is_empty(), "listed in bj");
    let delete_bj = ctx.raw().delete(&path).host(&bj).send().await?;
    delete_bj
        .expect_error(&ErrorCode::KeypairNotExist)
        .context("delete in bj")?;

    let listed_gz = ctx
        .raw()
        .get("/v2/keypair")
        .param("name", &name)
        .host(&gz)
        .send()
        .await?;
    check_eq!(page_in(&listed_gz)?.keypairs.len(), 1, "listed in gz");
    Ok(())
}
