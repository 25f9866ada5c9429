//! Why a request failed authentication, in plain words for the journal and the access log.
//!
//! The wire answer stays the terse code of errors.md §4; these reasons say which of the
//! possible causes it was (a missing, wrong or expired session token; which clock limit was
//! passed; a signed header the request lacks), so a failing test can be fixed without
//! reading the verifier.

use bce_auth::query::Query;
use bce_auth::{AuthString, VerifyError, VerifySettings};
use chrono::{DateTime, NaiveDateTime, Utc};
use http::request::Parts;

use super::Accounts;

const SECURITY_TOKEN: &str = "x-bce-security-token";

/// The reason for `error`, given the request as received and the verifier's inputs.
pub(crate) fn explain(
    error: &VerifyError,
    parts: &Parts,
    accounts: &Accounts,
    now: DateTime<Utc>,
    settings: &VerifySettings,
) -> String {
    match error {
        VerifyError::MissingAuthorization => {
            "the request has no Authorization header and no authorization query parameter"
                .to_owned()
        }
        VerifyError::MalformedAuthorization { reason } => {
            format!("the Authorization header is malformed: {reason}")
        }
        VerifyError::UnknownAccessKey { access_key_id } => {
            unknown_access_key(accounts, access_key_id, presented_token(parts), now)
        }
        VerifyError::Expired { .. } => match auth_string_text(parts) {
            Some(text) => match AuthString::parse(&text) {
                Ok(auth) => time_window(&auth, bce_date(parts), now, settings),
                Err(_) => "the request is outside its validity window".to_owned(),
            },
            None => "the request is outside its validity window".to_owned(),
        },
        VerifyError::SignatureMismatch { .. } => signature_mismatch(parts),
        _ => error.to_string(),
    }
}

/// The auth string as sent: the `Authorization` header, else the `authorization` query
/// parameter (auth-v1.md §8 step 1).
pub(crate) fn auth_string_text(parts: &Parts) -> Option<String> {
    auth_string_in(&parts.headers, &parts.uri)
}

/// [`auth_string_text`] of a request's headers and target.
pub(crate) fn auth_string_in(headers: &http::HeaderMap, uri: &http::Uri) -> Option<String> {
    if let Some(value) = headers.get(http::header::AUTHORIZATION) {
        return Some(String::from_utf8_lossy(value.as_bytes()).into_owned());
    }
    let query = Query::parse(uri.query());
    query.get("authorization").map(|value| value.into_owned())
}

/// The access key id the request names, read as leniently as possible: a malformed auth
/// string still usually has it as its second field.
pub(crate) fn named_access_key(parts: &Parts) -> Option<String> {
    let text = auth_string_text(parts)?;
    let mut fields = text.trim().split('/');
    let _version = fields.next();
    fields
        .next()
        .filter(|ak| !ak.is_empty() && ak.len() <= 128)
        .map(str::to_owned)
}

/// The session token a request presents: the header, else the query parameter.
fn presented_token(parts: &Parts) -> Option<String> {
    if let Some(value) = parts.headers.get(SECURITY_TOKEN) {
        return Some(String::from_utf8_lossy(value.as_bytes()).trim().to_owned());
    }
    let query = Query::parse(parts.uri.query());
    query
        .params()
        .iter()
        .find(|param| param.name() == SECURITY_TOKEN.as_bytes())
        .map(|param| param.value_lossy().into_owned())
}

/// Which of the causes errors.md §4 row 3 folds into `InvalidAccessKeyId` it was.
fn unknown_access_key(
    accounts: &Accounts,
    access_key_id: &str,
    token: Option<String>,
    now: DateTime<Utc>,
) -> String {
    if let Some(session) = accounts.sessions.get(access_key_id) {
        let expected = session
            .credentials
            .session_token()
            .map_or("", |token| token.expose());
        return match (&session.expires_at, token) {
            (Some(expiry), _) if session.is_expired(now) => format!(
                "session token expired: the session credentials {access_key_id} expired at {}",
                expiry.format("%Y-%m-%dT%H:%M:%SZ")
            ),
            (_, None) => format!(
                "session token missing: {access_key_id} is a temporary access key and the \
                 request carries no x-bce-security-token"
            ),
            (_, Some(token)) if token != expected => {
                format!("session token does not match the one issued with {access_key_id}")
            }
            _ => format!("the session credentials {access_key_id} were not accepted"),
        };
    }
    if accounts.account_of(access_key_id).is_some() && token.is_some() {
        return format!(
            "a session token was sent with {access_key_id}, which is a permanent access key"
        );
    }
    format!("access key id {access_key_id} is not known to the simulator")
}

fn bce_date(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get("x-bce-date")
        .map(|value| String::from_utf8_lossy(value.as_bytes()).trim().to_owned())
}

/// Every limit of auth-v1.md §8 step 4 the request passes, joined with `; `.
fn time_window(
    auth: &AuthString<'_>,
    bce_date: Option<String>,
    now: DateTime<Utc>,
    settings: &VerifySettings,
) -> String {
    let mut reasons = Vec::new();
    let age = (now - auth.timestamp()).num_seconds();
    let expiration = i64::from(auth.expiration_secs());
    if age > expiration {
        reasons.push(format!(
            "the auth string was signed {} s ago, beyond its {} s expiration",
            grouped(age),
            grouped(expiration)
        ));
    }
    if -age > settings.max_future_skew_secs {
        reasons.push(format!(
            "the auth string timestamp is {} s ahead of server time, beyond the {} s allowance",
            grouped(-age),
            grouped(settings.max_future_skew_secs)
        ));
    }
    if let Some(date) = bce_date {
        match NaiveDateTime::parse_from_str(&date, "%Y-%m-%dT%H:%M:%SZ") {
            Ok(date) => {
                let date_age = (now - date.and_utc()).num_seconds();
                let window = grouped(settings.max_date_skew_secs);
                if date_age > settings.max_date_skew_secs {
                    reasons.push(format!(
                        "x-bce-date is {} s older than the {window} s window",
                        grouped(date_age)
                    ));
                } else if -date_age > settings.max_date_skew_secs {
                    reasons.push(format!(
                        "x-bce-date is {} s ahead of server time, beyond the {window} s window",
                        grouped(-date_age)
                    ));
                }
            }
            Err(_) => reasons.push(format!(
                "x-bce-date {date:?} is not a YYYY-MM-DDThh:mm:ssZ time"
            )),
        }
    }
    if reasons.is_empty() {
        return "the request is outside its validity window".to_owned();
    }
    reasons.join("; ")
}

/// What can be told from outside the signature: signed headers the request lacks.
fn signature_mismatch(parts: &Parts) -> String {
    let text = auth_string_text(parts).unwrap_or_default();
    let missing: Vec<String> = AuthString::parse(&text)
        .map(|auth| {
            auth.signed_headers()
                .filter(|name| {
                    !parts
                        .headers
                        .contains_key(name.to_ascii_lowercase().as_str())
                })
                .map(str::to_ascii_lowercase)
                .collect()
        })
        .unwrap_or_default();
    match missing.as_slice() {
        [] => "no canonical request built from what was received reproduces the signature: \
               the secret key, or the method, path, query or a signed header's value, differs \
               from what was signed (canonicalRequest shows the simulator's)"
            .to_owned(),
        [one] => format!("{one} is signed but not sent"),
        several => format!("{} are signed but not sent", several.join(", ")),
    }
}

/// `2000` as `2,000`.
fn grouped(number: i64) -> String {
    let digits = number.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if number < 0 {
        out.push('-');
    }
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        for (number, shown) in [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (1800, "1,800"),
            (1_234_567, "1,234,567"),
            (-2000, "-2,000"),
        ] {
            assert_eq!(grouped(number), shown);
        }
    }

    #[test]
    fn each_passed_time_limit_is_named() {
        let text = "bce-auth-v1/ak/2026-11-24T10:00:00Z/1800/host/\
                    0000000000000000000000000000000000000000000000000000000000000000";
        let auth = AuthString::parse(text).unwrap();
        let signed = auth.timestamp();
        let settings = VerifySettings::default();
        let late = signed + chrono::Duration::seconds(2000);
        assert_eq!(
            time_window(
                &auth,
                Some("2026-11-24T10:00:00Z".to_owned()),
                late,
                &settings
            ),
            "the auth string was signed 2,000 s ago, beyond its 1,800 s expiration; \
             x-bce-date is 2,000 s older than the 1,800 s window"
        );
        let early = signed - chrono::Duration::seconds(1000);
        assert_eq!(
            time_window(&auth, None, early, &settings),
            "the auth string timestamp is 1,000 s ahead of server time, beyond the 900 s allowance"
        );
        assert_eq!(
            time_window(&auth, Some("yesterday".to_owned()), signed, &settings),
            "x-bce-date \"yesterday\" is not a YYYY-MM-DDThh:mm:ssZ time"
        );
    }
}
