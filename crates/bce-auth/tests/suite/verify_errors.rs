//! Every `VerifyError`, its BCE code, and the order of checks (errors.md §4).

use bce_auth::{
    Credentials, SignableRequest, SigningSettings, VerifiableRequest, VerifyError, VerifySettings,
    sign, verify,
};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use std::collections::HashMap;

const AK: &str = "0123456789abcdef0123456789abcdef";
const SK: &str = "fedcba9876543210fedcba9876543210";
const SIG: &str = "d74a04362e6a848f5b39b15421cb449427f419c95a480fd6b8cf9fc783e2999e";

fn signing_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0)
        .single()
        .expect("valid time")
}

fn store() -> HashMap<String, Credentials> {
    HashMap::from([
        (AK.to_owned(), Credentials::new(AK, SK)),
        (
            "sts-ak".to_owned(),
            Credentials::new("sts-ak", SK).with_session_token("the-token"),
        ),
    ])
}

/// Headers of a request signed by `creds` at `time` with the default
/// settings, ready to be received: host, content-type, x-bce-date,
/// authorization (and the token header for STS credentials).
fn signed_headers(creds: &Credentials, time: DateTime<Utc>) -> Vec<(String, String)> {
    let base = [
        ("Host", "bcc.bj.baidubce.com"),
        ("Content-Type", "application/json"),
    ];
    let out = sign(
        &SignableRequest {
            method: "PUT",
            path: "/v2/keypair/k-abc123",
            query: &[("attach", None)],
            headers: &base,
        },
        creds,
        time,
        &SigningSettings::default(),
    )
    .expect("signing succeeds");
    let mut headers: Vec<(String, String)> = base
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    headers.extend(
        out.headers()
            .iter()
            .map(|(n, v)| ((*n).to_owned(), v.clone())),
    );
    headers.push(("Authorization".to_owned(), out.authorization().to_owned()));
    headers
}

fn check(headers: &[(String, String)], now: DateTime<Utc>) -> Result<String, VerifyError> {
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let request = VerifiableRequest {
        method: "PUT",
        raw_path: "/v2/keypair/k-abc123",
        raw_query: Some("attach"),
        headers: &pairs,
    };
    verify(&request, &store(), now, &VerifySettings::default())
        .map(|v| v.access_key_id().to_owned())
}

fn with_header(
    mut headers: Vec<(String, String)>,
    name: &str,
    value: &str,
) -> Vec<(String, String)> {
    headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    headers.push((name.to_owned(), value.to_owned()));
    headers
}

fn without_header(mut headers: Vec<(String, String)>, name: &str) -> Vec<(String, String)> {
    headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    headers
}

fn code_of(result: Result<String, VerifyError>) -> &'static str {
    match result {
        Ok(_) => "accepted",
        Err(error) => error.code(),
    }
}

#[test]
fn a_correctly_signed_request_is_accepted() {
    let headers = signed_headers(&Credentials::new(AK, SK), signing_time());
    assert_eq!(check(&headers, signing_time()), Ok(AK.to_owned()));
}

#[test]
fn missing_authorization_is_access_denied() {
    let headers = without_header(
        signed_headers(&Credentials::new(AK, SK), signing_time()),
        "authorization",
    );
    let result = check(&headers, signing_time());
    assert_eq!(result, Err(VerifyError::MissingAuthorization));
    assert_eq!(code_of(result), "AccessDenied");
}

/// Auth strings whose layout is wrong: fields, version, access key.
fn malformed_layouts(ts: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "wrong field count (5)",
            format!("bce-auth-v1/{AK}/{ts}/1800/{SIG}"),
        ),
        (
            "wrong field count (7)",
            format!("bce-auth-v1/{AK}/{ts}/1800/host/x/{SIG}"),
        ),
        ("not an auth string", "Bearer abc".to_owned()),
        (
            "wrong version",
            format!("bce-auth-v2/{AK}/{ts}/1800/host/{SIG}"),
        ),
        (
            "empty access key",
            format!("bce-auth-v1//{ts}/1800/host/{SIG}"),
        ),
    ]
}

/// Auth strings with one malformed field: timestamp, expiration, signed
/// headers, signature.
fn malformed_fields(ts: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "timestamp with space",
            format!("bce-auth-v1/{AK}/2026-11-24 10:00:00Z/1800/host/{SIG}"),
        ),
        (
            "timestamp without Z",
            format!("bce-auth-v1/{AK}/2026-11-24T10:00:00/1800/host/{SIG}"),
        ),
        (
            "timestamp not a real date",
            format!("bce-auth-v1/{AK}/2026-02-30T10:00:00Z/1800/host/{SIG}"),
        ),
        (
            "timestamp with fraction",
            format!("bce-auth-v1/{AK}/2026-11-24T10:00:00.1Z/1800/host/{SIG}"),
        ),
        (
            "zero expiration",
            format!("bce-auth-v1/{AK}/{ts}/0/host/{SIG}"),
        ),
        (
            "negative expiration",
            format!("bce-auth-v1/{AK}/{ts}/-1800/host/{SIG}"),
        ),
        (
            "non-numeric expiration",
            format!("bce-auth-v1/{AK}/{ts}/30m/host/{SIG}"),
        ),
        (
            "empty expiration",
            format!("bce-auth-v1/{AK}/{ts}//host/{SIG}"),
        ),
        (
            "empty signed header name",
            format!("bce-auth-v1/{AK}/{ts}/1800/host;/{SIG}"),
        ),
        (
            "short signature",
            format!("bce-auth-v1/{AK}/{ts}/1800/host/{}", &SIG[..63]),
        ),
        (
            "long signature",
            format!("bce-auth-v1/{AK}/{ts}/1800/host/{SIG}0"),
        ),
        (
            "upper-case signature",
            format!("bce-auth-v1/{AK}/{ts}/1800/host/{}", SIG.to_uppercase()),
        ),
        (
            "non-hex signature",
            format!("bce-auth-v1/{AK}/{ts}/1800/host/{}xy", &SIG[..62]),
        ),
    ]
}

#[test]
fn malformed_auth_strings_are_invalid_http_auth_header() {
    let ts = "2026-11-24T10:00:00Z";
    let cases = malformed_layouts(ts)
        .into_iter()
        .chain(malformed_fields(ts));
    let headers = signed_headers(&Credentials::new(AK, SK), signing_time());
    for (what, value) in cases {
        let result = check(
            &with_header(headers.clone(), "Authorization", &value),
            signing_time(),
        );
        assert!(
            matches!(result, Err(VerifyError::MalformedAuthorization { .. })),
            "{what}: {result:?}"
        );
        assert_eq!(code_of(result), "InvalidHTTPAuthHeader", "{what}");
    }
}

#[test]
fn unknown_access_key_is_invalid_access_key_id() {
    let headers = signed_headers(&Credentials::new("someone-else", SK), signing_time());
    let result = check(&headers, signing_time());
    assert_eq!(
        result,
        Err(VerifyError::UnknownAccessKey {
            access_key_id: "someone-else".to_owned()
        })
    );
    assert_eq!(code_of(result), "InvalidAccessKeyId");
}

#[test]
fn session_tokens_must_match_the_stored_credentials() {
    let sts = Credentials::new("sts-ak", SK).with_session_token("the-token");
    let headers = signed_headers(&sts, signing_time());
    assert!(
        headers
            .iter()
            .any(|(n, v)| n == "x-bce-security-token" && v == "the-token")
    );
    assert_eq!(check(&headers, signing_time()), Ok("sts-ak".to_owned()));

    // Missing token for STS credentials.
    let missing = without_header(headers.clone(), "x-bce-security-token");
    assert_eq!(
        code_of(check(&missing, signing_time())),
        "InvalidAccessKeyId"
    );
    // Wrong token.
    let wrong = with_header(headers, "x-bce-security-token", "other-token");
    assert_eq!(code_of(check(&wrong, signing_time())), "InvalidAccessKeyId");
    // A token presented for long-term credentials.
    let long_term = signed_headers(
        &Credentials::new(AK, SK).with_session_token("stray"),
        signing_time(),
    );
    assert_eq!(
        code_of(check(&long_term, signing_time())),
        "InvalidAccessKeyId"
    );
}

#[test]
fn session_token_may_come_as_query_parameter() {
    // Java's `useStsHeader = false` form: the token is a signed query param.
    let sts = Credentials::new("sts-ak", SK).with_session_token("the/token+1");
    let base = [("Host", "bcc.bj.baidubce.com")];
    let out = sign(
        &SignableRequest {
            method: "GET",
            path: "/v2/keypair",
            query: &[("x-bce-security-token", Some("the/token+1"))],
            headers: &base,
        },
        &sts,
        signing_time(),
        &SigningSettings::default(),
    )
    .expect("signing succeeds");
    assert!(
        out.headers()
            .iter()
            .all(|(name, _)| *name != "x-bce-security-token")
    );
    let received = [
        ("host", "bcc.bj.baidubce.com"),
        ("x-bce-date", "2026-11-24T10:00:00Z"),
        ("authorization", out.authorization()),
    ];
    let request = VerifiableRequest {
        method: "GET",
        raw_path: "/v2/keypair",
        raw_query: Some("x-bce-security-token=the%2Ftoken%2B1"),
        headers: &received,
    };
    let mut accounts = store();
    accounts.insert("sts-ak".to_owned(), sts);
    let verified = verify(
        &request,
        &accounts,
        signing_time(),
        &VerifySettings::default(),
    )
    .expect("accepted");
    assert_eq!(verified.session_token(), Some("the/token+1"));
    assert!(!format!("{verified:?}").contains("the/token+1"));
}

#[test]
fn expired_requests_carry_the_message_date() {
    let time = signing_time();
    let headers = signed_headers(&Credentials::new(AK, SK), time);
    // Valid through t + 1800 s inclusive.
    assert!(check(&headers, time + TimeDelta::seconds(1800)).is_ok());
    let late = check(&headers, time + TimeDelta::seconds(1801));
    assert_eq!(
        late,
        Err(VerifyError::Expired {
            timestamp: "2026-11-24T10:00:00Z".to_owned()
        })
    );
    assert_eq!(code_of(late), "RequestExpired");
}

#[test]
fn timestamps_too_far_in_the_future_are_expired() {
    let time = signing_time();
    let headers = without_header(
        signed_headers(&Credentials::new(AK, SK), time),
        "x-bce-date",
    );
    // The allowance is 15 minutes: exactly 900 s ahead passes (the signature
    // then fails, as x-bce-date was signed and removed), 901 s is expired.
    assert_eq!(
        code_of(check(&headers, time - TimeDelta::seconds(900))),
        "SignatureDoesNotMatch"
    );
    let early = check(&headers, time - TimeDelta::seconds(901));
    assert_eq!(
        early,
        Err(VerifyError::Expired {
            timestamp: "2026-11-24T10:00:00Z".to_owned()
        })
    );
    // A wider allowance is configurable.
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let request = VerifiableRequest {
        method: "PUT",
        raw_path: "/v2/keypair/k-abc123",
        raw_query: Some("attach"),
        headers: &pairs,
    };
    let relaxed = VerifySettings {
        max_future_skew_secs: 3600,
        ..VerifySettings::default()
    };
    let result = verify(&request, &store(), time - TimeDelta::seconds(901), &relaxed);
    assert_eq!(
        result.map_err(|e| e.code()).err(),
        Some("SignatureDoesNotMatch")
    );
}

#[test]
fn x_bce_date_far_from_now_is_expired() {
    let now = signing_time();
    // Signed with a long expiration so only x-bce-date can fail.
    let settings = SigningSettings {
        expiration_secs: 86_400,
        ..SigningSettings::default()
    };
    let request_at = |date: &str| {
        let headers = [("Host", "h"), ("x-bce-date", date)];
        sign(
            &SignableRequest {
                method: "GET",
                path: "/",
                query: &[],
                headers: &headers,
            },
            &Credentials::new(AK, SK),
            now - TimeDelta::hours(1),
            &settings,
        )
        .expect("signing succeeds")
    };
    let run = |date: &str, authorization: &str| {
        let received = [
            ("host", "h"),
            ("x-bce-date", date),
            ("authorization", authorization),
        ];
        let request = VerifiableRequest {
            method: "GET",
            raw_path: "/",
            raw_query: None,
            headers: &received,
        };
        verify(&request, &store(), now, &VerifySettings::default())
    };
    // 30 min 1 s before now: expired, and the message shows x-bce-date.
    let stale = request_at("2026-11-24T09:29:59Z");
    assert_eq!(
        run("2026-11-24T09:29:59Z", stale.authorization()).err(),
        Some(VerifyError::Expired {
            timestamp: "2026-11-24T09:29:59Z".to_owned()
        })
    );
    // Exactly 30 min before and after: inside the window.
    for date in ["2026-11-24T09:30:00Z", "2026-11-24T10:30:00Z"] {
        let signed = request_at(date);
        assert!(run(date, signed.authorization()).is_ok(), "{date}");
    }
    // 30 min 1 s ahead: expired.
    let ahead = request_at("2026-11-24T10:30:01Z");
    assert_eq!(
        code_of(
            run("2026-11-24T10:30:01Z", ahead.authorization())
                .map(|v| v.access_key_id().to_owned())
        ),
        "RequestExpired"
    );
    // Unreadable x-bce-date cannot be placed in the window.
    let garbage = request_at("yesterday");
    assert_eq!(
        run("yesterday", garbage.authorization()).err(),
        Some(VerifyError::Expired {
            timestamp: "yesterday".to_owned()
        })
    );
}

#[test]
fn expired_message_uses_date_header_when_there_is_no_x_bce_date() {
    let time = signing_time();
    let mut headers = without_header(
        signed_headers(&Credentials::new(AK, SK), time),
        "x-bce-date",
    );
    headers.push((
        "Date".to_owned(),
        "Tue, 24 Nov 2026 18:00:00 +0800".to_owned(),
    ));
    assert_eq!(
        check(&headers, time + TimeDelta::hours(2)),
        Err(VerifyError::Expired {
            timestamp: "2026-11-24T10:00:00Z".to_owned()
        })
    );
    let headers = with_header(headers, "Date", "Tue, 24 Nov 2026 10:00:07 GMT");
    assert_eq!(
        check(&headers, time + TimeDelta::hours(2)),
        Err(VerifyError::Expired {
            timestamp: "2026-11-24T10:00:07Z".to_owned()
        })
    );
}

#[test]
fn x_bce_date_is_not_required() {
    // Java's BCC client sends only Date and signs only host.
    let base = [
        ("Host", "bcc.bj.baidubce.com"),
        ("Date", "Tue, 24 Nov 2026 10:00:00 GMT"),
    ];
    let settings = SigningSettings {
        headers_to_sign: bce_auth::HeadersToSign::Only(vec![
            "host".to_owned(),
            "x-bce-date".to_owned(),
        ]),
        add_date_header: false,
        ..SigningSettings::default()
    };
    let out = sign(
        &SignableRequest {
            method: "GET",
            path: "/v2/keypair",
            query: &[],
            headers: &base,
        },
        &Credentials::new(AK, SK),
        signing_time(),
        &settings,
    )
    .expect("signing succeeds");
    assert_eq!(out.signed_headers_field(), "host");
    let received = [base[0], base[1], ("Authorization", out.authorization())];
    let request = VerifiableRequest {
        method: "GET",
        raw_path: "/v2/keypair",
        raw_query: None,
        headers: &received,
    };
    assert!(
        verify(
            &request,
            &store(),
            signing_time(),
            &VerifySettings::default()
        )
        .is_ok()
    );
}

#[test]
fn signature_mismatch_carries_the_canonical_request() {
    let headers = with_header(
        signed_headers(&Credentials::new(AK, SK), signing_time()),
        "Content-Type",
        "text/plain",
    );
    let result = check(&headers, signing_time());
    let Err(VerifyError::SignatureMismatch { canonical_request }) = &result else {
        panic!("expected a signature mismatch, got {result:?}");
    };
    assert_eq!(
        canonical_request,
        "PUT\n/v2/keypair/k-abc123\nattach=\ncontent-type:text%2Fplain\nhost:bcc.bj.baidubce.com\nx-bce-date:2026-11-24T10%3A00%3A00Z"
    );
    assert_eq!(code_of(result), "SignatureDoesNotMatch");
    // A wrong secret also fails.
    let other_secret = signed_headers(&Credentials::new(AK, "another-secret"), signing_time());
    assert_eq!(
        code_of(check(&other_secret, signing_time())),
        "SignatureDoesNotMatch"
    );
}

#[test]
fn checks_run_in_the_documented_order() {
    // Unknown key beats expiry; malformed beats unknown key.
    let stranger = signed_headers(&Credentials::new("stranger", SK), signing_time());
    assert_eq!(
        code_of(check(&stranger, signing_time() + TimeDelta::days(1))),
        "InvalidAccessKeyId"
    );
    let garbled = with_header(stranger, "authorization", "bce-auth-v1/stranger");
    assert_eq!(
        code_of(check(&garbled, signing_time())),
        "InvalidHTTPAuthHeader"
    );
    // Expiry beats a bad signature.
    let tampered = with_header(
        signed_headers(&Credentials::new(AK, SK), signing_time()),
        "Host",
        "evil",
    );
    assert_eq!(
        code_of(check(&tampered, signing_time() + TimeDelta::days(1))),
        "RequestExpired"
    );
}

#[test]
fn auth_string_may_come_as_query_parameter() {
    let out = sign(
        &SignableRequest {
            method: "GET",
            path: "/v2/keypair",
            query: &[],
            headers: &[("Host", "h")],
        },
        &Credentials::new(AK, SK),
        signing_time(),
        &SigningSettings {
            add_date_header: false,
            ..SigningSettings::default()
        },
    )
    .expect("signing succeeds");
    let raw_query = format!(
        "authorization={}",
        bce_auth::uri_encode(out.authorization())
    );
    let request = VerifiableRequest {
        method: "GET",
        raw_path: "/v2/keypair",
        raw_query: Some(&raw_query),
        headers: &[("host", "h")],
    };
    assert!(
        verify(
            &request,
            &store(),
            signing_time(),
            &VerifySettings::default()
        )
        .is_ok()
    );
}

#[test]
fn mismatch_diagnostics_mask_the_session_token() {
    let sts = Credentials::new("sts-ak", SK).with_session_token("the-token");
    let headers = with_header(signed_headers(&sts, signing_time()), "Host", "elsewhere");
    let result = check(&headers, signing_time());
    let Err(VerifyError::SignatureMismatch { canonical_request }) = &result else {
        panic!("expected a signature mismatch, got {result:?}");
    };
    assert!(
        canonical_request.ends_with("\nx-bce-security-token:**redacted**"),
        "{canonical_request}"
    );
    assert!(!canonical_request.contains("the-token"));
}
