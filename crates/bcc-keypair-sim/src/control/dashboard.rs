//! `GET /__sim/`: one HTML page that shows what the simulator holds, rendered here with no
//! front-end build and no script: accounts and regions with their counts, key pairs,
//! instances and their bindings, session credentials, active faults, recent requests (each
//! expandable to its canonical request) and an index of the control endpoints.
//!
//! It never shows a secret key, a session token or a private key, and every value users
//! stored (names, descriptions, instance ids) goes through `maud`'s escaping.

use bcc_keypair_model::ListKeypairsQuery;
use bytes::Bytes;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde_json::Value;

use crate::Inner;
use crate::journal::{Entry, Filter};
use crate::lock::read;
use crate::state::{KeypairView, ScopeRef};

/// Requests shown, newest first.
const RECENT_REQUESTS: usize = 50;

/// No user content: written as is.
const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}\
table{border-collapse:collapse;margin-bottom:1.5em}\
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}\
th{background:#f2f2f2}code,pre{font:12px ui-monospace,monospace}\
pre{background:#f7f7f7;padding:.5em;white-space:pre-wrap;margin:.3em 0}\
.refused{color:#a00}.empty{color:#777;font-style:italic}";

/// The control endpoints, for the index at the bottom of the page.
const ENDPOINTS: &[(&str, &str, &str)] = &[
    ("GET", "/__sim/", "this page"),
    ("GET", "/__sim/health", "readiness and counts"),
    (
        "POST",
        "/__sim/reset",
        "empty the state, or one account and/or region",
    ),
    ("GET, POST", "/__sim/instances", "list or seed instances"),
    (
        "GET",
        "/__sim/requests",
        "the journal; filters: operation, status, code, accessKeyId, since, until, limit",
    ),
    ("GET, POST, DELETE", "/__sim/faults", "injected faults"),
    ("GET, POST", "/__sim/quota", "key pair quota"),
    (
        "POST",
        "/__sim/qualification",
        "mark an account (not) certified",
    ),
    (
        "GET, POST, DELETE",
        "/__sim/credentials",
        "STS session credentials",
    ),
];

pub(super) fn page(inner: &Inner) -> Bytes {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "bcc-keypair-sim" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                h1 { "bcc-keypair-sim" }
                p {
                    "Default region " code { (&*inner.default_region) } ", "
                    (inner.keys.ready()) " keys ready."
                }
                (scopes(inner))
                (instances(inner))
                (sessions(inner))
                (faults(inner))
                (requests(inner))
                (endpoints())
            }
        }
    };
    Bytes::from(markup.into_string())
}

/// Every account and region that holds something, the default region of each account
/// always, with their key pairs.
fn scopes(inner: &Inner) -> Markup {
    let state = read(&inner.state);
    let mut rows = Vec::new();
    for account in inner.accounts.names() {
        for region in &inner.regions {
            let at = ScopeRef { account, region };
            let keypairs = state.list(at, &ListKeypairsQuery::default()).keypairs;
            let instances = state.instances(Some(account), Some(region)).len();
            if keypairs.is_empty() && instances == 0 && *region != inner.default_region {
                continue;
            }
            rows.push((account.as_str(), &**region, keypairs, instances));
        }
    }
    html! {
        h2 id="accounts" { "Accounts and regions" }
        table {
            tr { th { "account" } th { "region" } th { "key pairs" } th { "instances" } th { "quota" } }
            @for (account, region, keypairs, instances) in &rows {
                tr {
                    td { code { (account) } } td { (region) } td { (keypairs.len()) }
                    td { (instances) } td { (state.quota(ScopeRef { account, region })) }
                }
            }
        }
        h2 id="keypairs" { "Key pairs" }
        (keypair_table(&rows))
    }
}

type ScopeRow<'a> = (&'a str, &'a str, Vec<KeypairView>, usize);

fn keypair_table(rows: &[ScopeRow<'_>]) -> Markup {
    let keypairs: Vec<_> = rows
        .iter()
        .flat_map(|(account, region, keypairs, _)| {
            keypairs.iter().map(move |k| (account, region, k))
        })
        .collect();
    if keypairs.is_empty() {
        return html! { p class="empty" { "No key pairs." } };
    }
    html! {
        table {
            tr {
                th { "id" } th { "name" } th { "description" } th { "fingerprint" }
                th { "instances" } th { "account" } th { "region" } th { "created" }
            }
            @for (account, region, view) in keypairs {
                tr {
                    td { code { (view.keypair.id) } } td { (view.keypair.name) }
                    td { (view.keypair.description) } td { code { (view.keypair.fingerprint) } }
                    td { (view.instance_count) } td { code { (account) } } td { (region) }
                    td { (view.keypair.created_time) }
                }
            }
        }
    }
}

fn instances(inner: &Inner) -> Markup {
    let instances = read(&inner.state).instances(None, None);
    html! {
        h2 id="instances" { "Instances" }
        @if instances.is_empty() {
            p class="empty" { "No instances (seed them with POST /__sim/instances)." }
        } @else {
            table {
                tr {
                    th { "instance" } th { "os" } th { "status" } th { "key pair" }
                    th { "account" } th { "region" }
                }
                @for instance in &instances {
                    tr {
                        td { code { (instance.instance_id) } } td { (instance.os_type) }
                        td { (instance.status) }
                        td { @if let Some(id) = &instance.keypair_id { code { (id) } } @else { "—" } }
                        td { code { (instance.access_key_id) } } td { (instance.region) }
                    }
                }
            }
        }
    }
}

/// Access key, account and expiry only: never the secret or the token.
fn sessions(inner: &Inner) -> Markup {
    let sessions = inner.accounts.sessions.list();
    let now = inner.clock.now();
    html! {
        h2 id="credentials" { "Session credentials" }
        @if sessions.is_empty() {
            p class="empty" { "No session credentials." }
        } @else {
            table {
                tr { th { "access key" } th { "acts for" } th { "expires" } }
                @for (access_key_id, session) in &sessions {
                    tr {
                        td { code { (access_key_id) } } td { code { (session.account) } }
                        td {
                            @match session.expires_at {
                                Some(at) => {
                                    (at.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                                    @if session.is_expired(now) { " (expired)" }
                                }
                                None => "never",
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The faults as `GET /__sim/faults` shows them, whatever fields a rule has.
fn faults(inner: &Inner) -> Markup {
    let listed: Value = serde_json::from_slice(&super::faults::list(inner)).unwrap_or_default();
    let rules = listed["faults"].as_array().cloned().unwrap_or_default();
    html! {
        h2 id="faults" { "Active faults" }
        @if rules.is_empty() {
            p class="empty" { "No faults." }
        } @else {
            ul {
                @for rule in &rules {
                    li {
                        @for (name, value) in rule.as_object().into_iter().flatten() {
                            @if !value.is_null() {
                                code { (name) "=" (plain(value)) } " "
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A JSON value as text: strings without their quotes.
fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn requests(inner: &Inner) -> Markup {
    let entries = inner.journal.matching(&Filter::default(), RECENT_REQUESTS);
    html! {
        h2 id="requests" { "Recent requests" }
        @if entries.is_empty() {
            p class="empty" { "No API requests yet." }
        } @else {
            @for entry in entries.iter().rev() {
                (request(entry))
            }
        }
    }
}

/// One journal entry as the journal shows it (credential query parameters redacted),
/// expandable to its details.
fn request(entry: &Entry) -> Markup {
    let view = serde_json::to_value(entry.view()).unwrap_or_default();
    let text = |name: &str| view[name].as_str().map(str::to_owned);
    let list = |name: &str| {
        view[name]
            .as_array()
            .map(|names| names.iter().map(plain).collect::<Vec<_>>().join(", "))
    };
    let class = if entry.status >= 400 { "refused" } else { "" };
    html! {
        details class="request" {
            summary class=(class) {
                code { (text("time").unwrap_or_default()) } " "
                (entry.method.as_str()) " " code { (text("path").unwrap_or_default()) } " → "
                strong { (entry.status) }
                @if let Some(code) = text("errorCode") { " " code { (code) } }
                @if let Some(operation) = text("operation") { " (" (operation) ")" }
                @if let Some(reason) = text("reason") { " — " (reason) }
            }
            ul {
                @if let Some(query) = text("query") { li { "query: " code { (query) } } }
                li { "request id: " code { (entry.request_id) } }
                @if let Some(ak) = text("accessKeyId") { li { "access key: " code { (ak) } } }
                @if let Some(signed) = list("signedHeaders") { li { "signed headers: " (signed) } }
                @if let Some(headers) = list("headers") { li { "headers received: " (headers) } }
            }
            @match text("canonicalRequest") {
                Some(canonical) => { p { "Canonical request computed by the simulator:" } pre { (canonical) } }
                None => p class="empty" { "No canonical request: the request was refused before its signature was checked." },
            }
        }
    }
}

fn endpoints() -> Markup {
    html! {
        h2 id="endpoints" { "Control endpoints" }
        table {
            tr { th { "method" } th { "path" } th { "what" } }
            @for (method, path, what) in ENDPOINTS {
                tr { td { (method) } td { code { (path) } } td { (what) } }
            }
        }
    }
}
