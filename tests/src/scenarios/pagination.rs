//! List paging (keypair-api.md §6.3): inclusive `marker`, `nextMarker` only when truncated,
//! `maxKeys` default and cap, the exact-match `name` filter applied before paging.

use std::collections::HashSet;

use bcc_keypair_model::{KeypairModel, ListKeypairsResponse};
use futures_util::StreamExt as _;

use crate::context::Ctx;
use crate::failure::{Context as _, Failure, Outcome};
use crate::scenarios::page_in;

/// Creates `count` key pairs that all carry one fresh name.
async fn create_same_name(
    ctx: &Ctx<'_>,
    hint: &str,
    count: usize,
) -> Result<(String, Vec<KeypairModel>), Failure> {
    let name = ctx.keypair_name(hint)?;
    let mut created = Vec::with_capacity(count);
    for _ in 0..count {
        created.push(ctx.create_named(name.clone(), None).await?);
    }
    Ok((name.into_string(), created))
}

/// One page through the raw sender, also checking the `nextMarker` / `isTruncated` rule on
/// the JSON itself.
async fn page(
    ctx: &Ctx<'_>,
    name: Option<&str>,
    marker: Option<&str>,
    max_keys: Option<&str>,
) -> Result<ListKeypairsResponse, Failure> {
    let mut request = ctx.raw().get("/v2/keypair");
    if let Some(marker) = marker {
        request = request.param("marker", marker);
    }
    if let Some(max_keys) = max_keys {
        request = request.param("maxKeys", max_keys);
    }
    if let Some(name) = name {
        request = request.param("name", name);
    }
    let response = request.send().await?;
    let json = response.expect_ok()?;
    let page = page_in(&response)?;
    let has_next = json.get("nextMarker").is_some_and(|value| !value.is_null());
    check_eq!(
        has_next,
        page.is_truncated,
        "nextMarker present vs isTruncated ({json})"
    );
    check!(
        page.keypairs.len() <= usize::try_from(page.max_keys).unwrap_or(usize::MAX),
        "{} items on a page of maxKeys {}",
        page.keypairs.len(),
        page.max_keys
    );
    Ok(page)
}

/// Walks every page; checks markers chain inclusively and no id repeats.
async fn walk(
    ctx: &Ctx<'_>,
    name: Option<&str>,
    max_keys: &str,
) -> Result<Vec<ListKeypairsResponse>, Failure> {
    let mut pages: Vec<ListKeypairsResponse> = Vec::new();
    let mut marker: Option<String> = None;
    let mut seen = HashSet::new();
    for _ in 0..1000 {
        let current = page(ctx, name, marker.as_deref(), Some(max_keys)).await?;
        check_eq!(
            current.marker.as_str(),
            marker.as_deref().unwrap_or(""),
            "marker echoed on page {}",
            pages.len() + 1
        );
        if let (Some(marker), Some(first)) = (&marker, current.keypairs.first()) {
            check_eq!(
                first.keypair_id.as_str(),
                marker.as_str(),
                "first item of a page is its marker"
            );
        }
        for keypair in &current.keypairs {
            check!(
                seen.insert(keypair.keypair_id.clone()),
                "{} listed twice",
                keypair.keypair_id
            );
        }
        let next = current.next_marker.clone();
        let truncated = current.is_truncated;
        pages.push(current);
        match next {
            Some(next) if truncated => marker = Some(next),
            _ => return Ok(pages),
        }
    }
    Err(Failure::new("more than 1000 pages"))
}

fn ids(keypairs: &[KeypairModel]) -> Vec<String> {
    keypairs
        .iter()
        .map(|keypair| keypair.keypair_id.clone())
        .collect()
}

/// Five key pairs of one name, two per page: pages of 2, 2, 1; the last without `nextMarker`.
pub async fn pages_with_name_filter(ctx: &Ctx<'_>) -> Outcome {
    let (name, created) = create_same_name(ctx, "pages", 5).await?;
    let pages = walk(ctx, Some(&name), "2").await?;
    let sizes: Vec<usize> = pages.iter().map(|page| page.keypairs.len()).collect();
    check_eq!(sizes, vec![2, 2, 1], "page sizes");
    for page in &pages {
        check_eq!(page.max_keys, 2, "maxKeys echoed");
        check!(
            page.keypairs.iter().all(|keypair| keypair.name == name),
            "name filter let another name through"
        );
    }
    let mut listed: Vec<String> = pages.iter().flat_map(|page| ids(&page.keypairs)).collect();
    let mut expected = ids(&created);
    listed.sort();
    expected.sort();
    check_eq!(listed, expected, "ids across pages");
    Ok(())
}

/// Without a filter, small pages still reach every key pair exactly once.
pub async fn pages_without_filter(ctx: &Ctx<'_>) -> Outcome {
    let (_, created) = create_same_name(ctx, "nofilter", 3).await?;
    let pages = walk(ctx, None, "2").await?;
    let listed: Vec<String> = pages.iter().flat_map(|page| ids(&page.keypairs)).collect();
    for id in ids(&created) {
        check!(
            listed.contains(&id),
            "{id} missing from the unfiltered listing"
        );
    }
    for page in &pages[..pages.len().saturating_sub(1)] {
        check_eq!(
            page.keypairs.len(),
            2,
            "a page that is not the last is full"
        );
    }
    Ok(())
}

/// `marker` is the id of the first item returned: listing from the second id starts there.
pub async fn marker_is_inclusive(ctx: &Ctx<'_>) -> Outcome {
    let (name, _) = create_same_name(ctx, "marker", 3).await?;
    let all = page(ctx, Some(&name), None, None).await?;
    let order = ids(&all.keypairs);
    check_eq!(order.len(), 3, "key pairs under the name");
    let from_second = page(ctx, Some(&name), Some(&order[1]), None).await?;
    check_eq!(
        ids(&from_second.keypairs),
        order[1..].to_vec(),
        "page from the second marker"
    );
    check_eq!(
        from_second.marker.as_str(),
        order[1].as_str(),
        "marker echoed"
    );
    let single = page(ctx, Some(&name), Some(&order[2]), Some("1")).await?;
    check_eq!(
        ids(&single.keypairs),
        vec![order[2].clone()],
        "last item alone"
    );
    check!(!single.is_truncated, "page with the last item is truncated");
    Ok(())
}

/// `maxKeys` defaults to 1000, is capped at 1000, and `0` means the default.
pub async fn max_keys_is_capped_and_defaulted(ctx: &Ctx<'_>) -> Outcome {
    for (value, expected) in [
        (None, 1000),
        (Some("5000"), 1000),
        (Some("0"), 1000),
        (Some("1"), 1),
        (Some("1000"), 1000),
    ] {
        let listed = page(ctx, None, None, value).await?;
        check_eq!(
            listed.max_keys,
            expected,
            "maxKeys echoed for maxKeys={value:?}"
        );
    }
    Ok(())
}

/// A name nobody has: an empty array, not truncated, no `nextMarker`.
pub async fn no_match_is_an_empty_page(ctx: &Ctx<'_>) -> Outcome {
    let name = ctx.name("nobody");
    let listed = page(ctx, Some(&name), None, None).await?;
    check!(
        listed.keypairs.is_empty(),
        "{} key pairs called {name}",
        listed.keypairs.len()
    );
    check!(!listed.is_truncated, "empty page is truncated");
    check_eq!(listed.marker.as_str(), "", "marker of a first page");
    Ok(())
}

/// The client's all-pages stream yields every key pair of the name once.
pub async fn client_lists_every_page(ctx: &Ctx<'_>) -> Outcome {
    let (name, created) = create_same_name(ctx, "stream", 3).await?;
    let mut stream = std::pin::pin!(ctx.client().list_all_keypairs(Some(name)));
    let mut listed = Vec::new();
    while let Some(item) = stream.next().await {
        listed.push(item.context("list_all_keypairs item")?.keypair_id);
    }
    let mut expected = ids(&created);
    listed.sort();
    expected.sort();
    check_eq!(listed, expected, "ids from list_all_keypairs");
    Ok(())
}

/// The `name` filter is an exact match (not a prefix) and works with Chinese names, which go
/// on the wire percent-encoded.
pub async fn name_filter_is_exact_and_unicode(ctx: &Ctx<'_>) -> Outcome {
    let name = ctx.keypair_name("密钥")?;
    let longer = bcc_keypair_model::KeypairName::new(format!("{name}x")).context("longer name")?;
    let exact = ctx.create_named(name.clone(), None).await?;
    ctx.create_named(longer, None).await?;
    let listed = page(ctx, Some(name.as_str()), None, None).await?;
    check_eq!(
        ids(&listed.keypairs),
        vec![exact.keypair_id.clone()],
        "ids listed under {name}"
    );
    let prefix: String = name
        .as_str()
        .chars()
        .take(name.as_str().chars().count() - 1)
        .collect();
    let by_prefix = page(ctx, Some(&prefix), None, None).await?;
    check!(
        by_prefix.keypairs.is_empty(),
        "a name prefix matched {} key pairs",
        by_prefix.keypairs.len()
    );
    Ok(())
}
