//! Printing results as a table or JSON, and errors to stderr.
//!
//! Everything goes through `write!` on a locked stdout, so a closed pipe (`… | head`) is an
//! `io::Error` the caller handles instead of a panic inside `println!`.

use std::io::{self, IsTerminal as _, Write};

use anyhow::Result;
use bcc_keypair_model::{KeypairId, KeypairModel, ListKeypairsResponse, ModelError};
use serde_json::json;

use crate::exit_status::ExitClass;

/// One key pair: a two-column table, or its JSON object. The private key is shown only when
/// `show_private_key` (create without `--private-key-file`), since it cannot be fetched again.
pub(crate) fn print_keypair(
    keypair: &KeypairModel,
    json: bool,
    show_private_key: bool,
) -> Result<()> {
    let mut out = io::stdout().lock();
    if json {
        let mut value = serde_json::to_value(keypair)?;
        if !show_private_key && let Some(object) = value.as_object_mut() {
            object.remove("privateKey");
        }
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        return Ok(());
    }
    let instances = keypair.instance_count.to_string();
    let rows = [
        ("id", keypair.keypair_id.as_str()),
        ("name", keypair.name.as_str()),
        ("description", keypair.description.as_str()),
        ("region", keypair.region_id.as_str()),
        ("fingerprint", keypair.finger_print.as_str()),
        ("created", keypair.created_time.as_str()),
        ("instances", instances.as_str()),
        ("public key", keypair.public_key.as_str()),
    ];
    for (label, value) in rows {
        writeln!(out, "{label:<12} {value}")?;
    }
    if show_private_key && let Some(private_key) = &keypair.private_key {
        writeln!(
            out,
            "\nprivate key (shown once; store it now):\n{}",
            private_key.trim_end()
        )?;
    }
    Ok(())
}

/// One list page: the table plus the marker to continue from, or the page as JSON.
pub(crate) fn print_page(page: &ListKeypairsResponse, json: bool) -> Result<()> {
    if json {
        writeln!(
            io::stdout().lock(),
            "{}",
            serde_json::to_string_pretty(page)?
        )?;
        return Ok(());
    }
    let next_marker = page.next_marker.as_deref().filter(|_| page.is_truncated);
    print_keypairs(&page.keypairs, next_marker, false)
}

/// Key pairs as a table, or as `{"keypairs": [...]}`.
pub(crate) fn print_keypairs(
    keypairs: &[KeypairModel],
    next_marker: Option<&str>,
    json: bool,
) -> Result<()> {
    let mut out = io::stdout().lock();
    if json {
        let value = json!({ "keypairs": keypairs });
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        return Ok(());
    }
    let header = ["ID", "NAME", "INSTANCES", "CREATED", "DESCRIPTION"].map(str::to_owned);
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
    let mut widths = [0_usize; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(widths) {
            line.push_str(cell);
            line.push_str(&" ".repeat(width.saturating_sub(cell.chars().count()) + 2));
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    if let Some(marker) = next_marker {
        writeln!(out, "more: --marker {marker}")?;
    }
    Ok(())
}

/// Confirmation of an operation without a result.
pub(crate) fn print_done(json: bool, what: &str, id: &KeypairId) -> Result<()> {
    let mut out = io::stdout().lock();
    if json {
        writeln!(
            out,
            "{}",
            json!({ "keypairId": id.as_str(), "result": what })
        )?;
    } else {
        writeln!(out, "{what}: {}", id.as_str())?;
    }
    Ok(())
}

/// Whether the error is only stdout being closed by the reader (`… | head`).
pub(crate) fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<io::Error>()
        .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
}

/// Prints an error to stderr: with `json`, one JSON object on one line (see
/// [`error_json`]); otherwise code, status, message and request id for service errors, the
/// code and reason for inputs refused before sending, the cause chain otherwise. The
/// `error:` label is red only when stderr is a terminal and `NO_COLOR` is unset.
pub(crate) fn report_error(error: &anyhow::Error, class: ExitClass, json: bool) {
    let mut err = io::stderr().lock();
    let result = if json {
        writeln!(err, "{}", error_json(error, class))
    } else {
        let colour = err.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        write_error(&mut err, error, colour)
    };
    // Nothing sensible is left to do if stderr itself is gone.
    drop(result);
}

/// `{"error":{"class","exitStatus","code","status","message","requestId","clientToken","retryable"}}`;
/// the fields that do not apply are `null`.
pub(crate) fn error_json(error: &anyhow::Error, class: ExitClass) -> serde_json::Value {
    let client_error = error
        .chain()
        .find_map(|cause| cause.downcast_ref::<bcc_keypair_client::Error>());
    let model_error = error.downcast_ref::<ModelError>();
    let code = client_error
        .and_then(|e| e.code().map(|code| code.as_str().to_owned()))
        .or_else(|| model_error.map(|e| e.code().as_str().to_owned()));
    let message = match client_error.and_then(bcc_keypair_client::Error::as_service) {
        Some(service) => service.message.clone(),
        None => error
            .chain()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(": "),
    };
    json!({
        "error": {
            "class": class.name(),
            "exitStatus": class.status(),
            "code": code,
            "status": client_error.and_then(bcc_keypair_client::Error::status),
            "message": message,
            "requestId": client_error.and_then(bcc_keypair_client::Error::request_id),
            "clientToken": client_error.and_then(|e| e.client_token().map(|t| t.as_str().to_owned())),
            "retryable": client_error.is_some_and(bcc_keypair_client::Error::is_retryable),
        }
    })
}

/// The `error:` label, red on a terminal (ANSI SGR 1;31).
fn label(colour: bool) -> &'static str {
    if colour {
        "\x1b[1;31merror:\x1b[0m"
    } else {
        "error:"
    }
}

fn write_error(err: &mut impl Write, error: &anyhow::Error, colour: bool) -> io::Result<()> {
    let label = label(colour);
    if let Some(client_error) = error.downcast_ref::<bcc_keypair_client::Error>() {
        if let Some(service) = client_error.as_service() {
            writeln!(err, "{label} {}", service.code)?;
            writeln!(err, "  status:     {}", service.status)?;
            writeln!(err, "  message:    {}", service.message)?;
            let request_id = service.request_id.as_deref().unwrap_or("(none)");
            writeln!(err, "  request id: {request_id}")?;
            if let Some(token) = &service.client_token {
                writeln!(err, "  client token: {token}")?;
            }
            return Ok(());
        }
        if let bcc_keypair_client::Error::Validation { code, source, .. } = client_error {
            writeln!(err, "{label} {code}")?;
            return writeln!(err, "  message:    {source} (refused before sending)");
        }
    }
    if let Some(model_error) = error.downcast_ref::<ModelError>() {
        writeln!(err, "{label} {}", model_error.code())?;
        return writeln!(err, "  message:    {model_error} (refused before sending)");
    }
    writeln!(err, "{label} {error}")?;
    for cause in error.chain().skip(1) {
        writeln!(err, "  caused by: {cause}")?;
    }
    Ok(())
}
