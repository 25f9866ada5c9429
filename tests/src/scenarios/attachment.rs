//! Attach and detach semantics and their errors (keypair-api.md §6.5, §6.6). All need seeded
//! instances, so all need the simulator control API.

use bcc_keypair_model::{ErrorCode, InstanceId, KeypairId};

use crate::context::Ctx;
use crate::failure::{Context as _, Failure, Outcome};
use crate::scenarios::expect_code;

fn ids(instances: &[String]) -> Result<Vec<InstanceId>, Failure> {
    instances
        .iter()
        .map(|id| InstanceId::new(id.clone()).context(format!("instance id {id}")))
        .collect()
}

async fn instance_count(ctx: &Ctx<'_>, id: &KeypairId) -> Result<u32, Failure> {
    Ok(ctx.client().get_keypair(id).await?.instance_count)
}

/// An instance id the simulator does not know: 404 `Keypair.InstanceNotExist`.
pub async fn attach_unknown_instance(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("noinst").await?;
    let instances = ids(&[ctx.instance_id()])?;
    expect_code(
        ctx.client()
            .attach_keypair(&ctx.id(&keypair)?, &instances)
            .await,
        &ErrorCode::InstanceNotExist,
    )
}

/// A Windows instance: 403 `Keypair.UnsupportOsType`.
pub async fn attach_windows_instance(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("windows").await?;
    let instance = ctx.seed_instance("windows", "Running").await?;
    expect_code(
        ctx.client()
            .attach_keypair(&ctx.id(&keypair)?, &ids(&[instance])?)
            .await,
        &ErrorCode::UnsupportOsType,
    )
}

/// An instance neither running nor stopped: 409 `Keypair.InstanceStatusForbidden`.
pub async fn attach_instance_in_forbidden_status(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("starting").await?;
    let id = ctx.id(&keypair)?;
    for status in ["Starting", "Stopping", "Deleted"] {
        let instance = ctx.seed_instance("linux", status).await?;
        expect_code(
            ctx.client().attach_keypair(&id, &ids(&[instance])?).await,
            &ErrorCode::InstanceStatusForbidden,
        )
        .map_err(|failure| failure.within(format!("status {status}")))?;
    }
    Ok(())
}

/// Attaching an instance already bound to this same key pair: 400
/// `Keypair.AttachAttachedKeypair` (keypair-api.md §6.5 interpretation).
pub async fn attach_instance_already_bound_to_same_keypair(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("twice").await?;
    let id = ctx.id(&keypair)?;
    let instances = ids(&ctx.seed_running_linux(1).await?)?;
    ctx.client().attach_keypair(&id, &instances).await?;
    expect_code(
        ctx.client().attach_keypair(&id, &instances).await,
        &ErrorCode::AttachAttachedKeypair,
    )?;
    check_eq!(instance_count(ctx, &id).await?, 1, "instanceCount");
    Ok(())
}

/// A bound key pair cannot be deleted (403 `Keypair.DeleteKeypairInUse`); after detach it can.
pub async fn delete_bound_keypair_is_refused(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("inuse").await?;
    let id = ctx.id(&keypair)?;
    let instances = ids(&ctx.seed_running_linux(1).await?)?;
    ctx.client().attach_keypair(&id, &instances).await?;
    expect_code(
        ctx.client().delete_keypair(&id).await,
        &ErrorCode::DeleteKeypairInUse,
    )?;
    ctx.client().detach_keypair(&id, &instances).await?;
    ctx.client()
        .delete_keypair(&id)
        .await
        .context("delete after detach")?;
    Ok(())
}

/// Attaching another key pair to a bound instance replaces the binding; both counts follow.
pub async fn attach_replaces_previous_keypair(ctx: &Ctx<'_>) -> Outcome {
    let first = ctx.create("first").await?;
    let second = ctx.create("second").await?;
    let (first_id, second_id) = (ctx.id(&first)?, ctx.id(&second)?);
    let seeded = ctx.seed_running_linux(1).await?;
    let instances = ids(&seeded)?;
    ctx.client().attach_keypair(&first_id, &instances).await?;
    ctx.client()
        .attach_keypair(&second_id, &instances)
        .await
        .context("attach the second key pair to the same instance")?;
    check_eq!(
        instance_count(ctx, &first_id).await?,
        0,
        "instanceCount of the replaced key pair"
    );
    check_eq!(
        instance_count(ctx, &second_id).await?,
        1,
        "instanceCount of the new key pair"
    );
    let bound = ctx.control()?.instance_keypair(&seeded[0]).await?;
    check_eq!(
        bound.as_deref(),
        Some(second.keypair_id.as_str()),
        "instance's key pair"
    );
    ctx.client()
        .delete_keypair(&first_id)
        .await
        .context("delete the replaced key pair")?;
    Ok(())
}

/// One key pair on three instances counts 3; detaching two leaves 1.
pub async fn attach_many_then_detach_some(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("many").await?;
    let id = ctx.id(&keypair)?;
    let instances = ids(&ctx.seed_running_linux(3).await?)?;
    ctx.client().attach_keypair(&id, &instances).await?;
    check_eq!(
        instance_count(ctx, &id).await?,
        3,
        "instanceCount after attaching 3"
    );
    ctx.client().detach_keypair(&id, &instances[..2]).await?;
    check_eq!(
        instance_count(ctx, &id).await?,
        1,
        "instanceCount after detaching 2"
    );
    Ok(())
}

/// Stopped instances qualify as well as running ones.
pub async fn attach_stopped_instance(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("stopped").await?;
    let id = ctx.id(&keypair)?;
    let instance = ctx.seed_instance("linux", "Stopped").await?;
    ctx.client()
        .attach_keypair(&id, &ids(&[instance])?)
        .await
        .context("attach to a stopped instance")?;
    check_eq!(instance_count(ctx, &id).await?, 1, "instanceCount");
    Ok(())
}

/// One bad instance in the list fails the call and binds none of the others
/// (keypair-api.md §6.5 atomicity).
pub async fn attach_is_all_or_nothing(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("atomic").await?;
    let id = ctx.id(&keypair)?;
    let good = ctx.seed_running_linux(2).await?;
    let windows = ctx.seed_instance("windows", "Running").await?;
    let all = ids(&[good[0].clone(), windows, good[1].clone()])?;
    expect_code(
        ctx.client().attach_keypair(&id, &all).await,
        &ErrorCode::UnsupportOsType,
    )?;
    check_eq!(
        instance_count(ctx, &id).await?,
        0,
        "instanceCount after a failed attach"
    );
    for instance in &good {
        let bound = ctx.control()?.instance_keypair(instance).await?;
        check_eq!(bound, None, "key pair of {instance} after a failed attach");
    }
    Ok(())
}

/// Detaching an instance that holds no key pair is a successful no-op (doc S12).
pub async fn detach_unbound_instance_is_noop(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("noop").await?;
    let id = ctx.id(&keypair)?;
    let instances = ids(&ctx.seed_running_linux(1).await?)?;
    ctx.client()
        .detach_keypair(&id, &instances)
        .await
        .context("detach an unbound instance")?;
    check_eq!(instance_count(ctx, &id).await?, 0, "instanceCount");
    Ok(())
}

/// Detaching key pair A from an instance bound to B leaves B's binding alone
/// (keypair-api.md §6.6, inferred).
pub async fn detach_leaves_other_keypair_binding(ctx: &Ctx<'_>) -> Outcome {
    let bound = ctx.create("bound").await?;
    let other = ctx.create("other").await?;
    let (bound_id, other_id) = (ctx.id(&bound)?, ctx.id(&other)?);
    let seeded = ctx.seed_running_linux(1).await?;
    let instances = ids(&seeded)?;
    ctx.client().attach_keypair(&bound_id, &instances).await?;
    ctx.client()
        .detach_keypair(&other_id, &instances)
        .await
        .context("detach a key pair the instance does not hold")?;
    check_eq!(
        instance_count(ctx, &bound_id).await?,
        1,
        "instanceCount of the bound key pair"
    );
    let holder = ctx.control()?.instance_keypair(&seeded[0]).await?;
    check_eq!(
        holder.as_deref(),
        Some(bound.keypair_id.as_str()),
        "instance's key pair"
    );
    Ok(())
}

/// Detach refuses non-Linux instances like attach (doc S12 first row).
pub async fn detach_windows_instance(ctx: &Ctx<'_>) -> Outcome {
    let keypair = ctx.create("detachwin").await?;
    let instance = ctx.seed_instance("windows", "Running").await?;
    expect_code(
        ctx.client()
            .detach_keypair(&ctx.id(&keypair)?, &ids(&[instance])?)
            .await,
        &ErrorCode::UnsupportOsType,
    )
}
