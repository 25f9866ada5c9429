//! Printing results as a table or JSON, and errors to stderr.

use std::fmt::Write as _;

use anyhow::Result;
use bcc_keypair_model::{KeypairId, KeypairModel, ListKeypairsResponse, ModelError};
use serde_json::json;

/// One key pair: a two-column table, or its JSON object. The private key is shown only when
/// `show_private_key` (create without `--private-key-file`), since it cannot be fetched again.
pub(crate) fn print_keypair(
    keypair: &KeypairModel,
    json: bool,
    show_private_key: bool,
) -> Result<()> {
    if json {
        let mut value = serde_json::to_value(keypair)?;
        if !show_private_key {
            if let Some(object) = value.as_object_mut() {
                object.remove("privateKey");
            }
        }
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(());
    }
    let rows = [
        ("id", keypair.keypair_id.as_str()),
        ("name", keypair.name.as_str()),
        ("description", keypair.description.as_str()),
        ("region", keypair.region_id.as_str()),
        ("fingerprint", keypair.finger_print.as_str()),
        ("created", keypair.created_time.as_str()),
        ("public key", keypair.public_key.as_str()),
    ];
    let mut out = String::new();
    for (label, value) in rows {
        let _ = writeln!(out, "{label:<12} {value}");
    }
    let _ = writeln!(out, "{:<12} {}", "instances", keypair.instance_count);
    print!("{out}");
    if show_private_key {
        if let Some(private_key) = &keypair.private_key {
            println!(
                "\nprivate key (shown once; store it now):\n{}",
                private_key.trim_end()
            );
        }
    }
    Ok(())
}

/// One list page: the table plus the marker to continue from, or the page as JSON.
pub(crate) fn print_page(page: &ListKeypairsResponse, json: bool) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(page)?);
        return Ok(());
    }
    print_keypairs(
        &page.keypairs,
        page.next_marker.as_deref().filter(|_| page.is_truncated),
        false,
    )
}

/// Key pairs as a table (or a JSON array).
pub(crate) fn print_keypairs(
    keypairs: &[KeypairModel],
    next_marker: Option<&str>,
    json: bool,
) -> Result<()> {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({ "keypairs": keypairs }))?
        );
        return Ok(());
    }
    let header = ["ID", "NAME", "INSTANCES", "CREATED", "DESCRIPTION"];
    let rows: Vec<[String; 5]> = keypairs
        .iter()
        .map(|k| {
            [
                k.keypair_id.clone(),
                k.name.clone(),
                k.instance_count.to_string(),
                k.created_time.clone(),
                k.description.clone(),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[&str]| {
        let mut text = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                let pad = width.saturating_sub(cell.chars().count());
                text.push_str(cell);
                text.push_str(&" ".repeat(pad + 2));
            }
        }
        let _ = writeln!(out, "{}", text.trim_end());
    };
    line(&header);
    for row in &rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        line(&cells);
    }
    print!("{out}");
    if let Some(marker) = next_marker {
        println!("more: --marker {marker}");
    }
    Ok(())
}

/// Confirmation of an operation without a result.
pub(crate) fn print_done(json: bool, what: &str, id: &KeypairId) -> Result<()> {
    if json {
        println!("{}", json!({ "keypairId": id.as_str(), "result": what }));
    } else {
        println!("{what}: {}", id.as_str());
    }
    Ok(())
}

/// Prints an error to stderr: code, message and request id for service errors, the code
/// and reason for inputs refused before sending, the cause chain otherwise.
pub(crate) fn report_error(error: &anyhow::Error) {
    if let Some(client_error) = error.downcast_ref::<bcc_keypair_client::Error>() {
        if let Some(service) = client_error.as_service() {
            eprintln!("error: {}", service.code);
            eprintln!("  status:     {}", service.status);
            eprintln!("  message:    {}", service.message);
            eprintln!(
                "  request id: {}",
                service.request_id.as_deref().unwrap_or("(none)")
            );
            return;
        }
        if let bcc_keypair_client::Error::Validation { code, source, .. } = client_error {
            eprintln!("error: {code}");
            eprintln!("  message:    {source} (refused before sending)");
            return;
        }
    }
    if let Some(model_error) = error.downcast_ref::<ModelError>() {
        eprintln!("error: {}", model_error.code());
        eprintln!("  message:    {model_error} (refused before sending)");
        return;
    }
    eprintln!("error: {error}");
    for cause in error.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
}
