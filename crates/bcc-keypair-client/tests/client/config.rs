//! Endpoints, credentials from the environment, defaults.

use std::ffi::OsString;
use std::time::Duration;

use bcc_keypair_client::config::{
    ENV_ACCESS_KEY_ID, ENV_SECRET_ACCESS_KEY, ENV_SESSION_TOKEN, credentials_from_lookup,
};
use bcc_keypair_client::{Config, ConfigError, Credentials, Endpoint, RetryPolicy, Timeouts};

#[test]
fn endpoints_from_regions_and_urls() {
    // (input, base URL, Host header)
    let cases = [
        (
            Endpoint::region("bj"),
            "https://bcc.bj.baidubce.com",
            "bcc.bj.baidubce.com",
        ),
        (
            Endpoint::region("cn-north-1"),
            "https://bcc.cn-north-1.baidubce.com",
            "bcc.cn-north-1.baidubce.com",
        ),
        (
            Endpoint::url("https://bcc.gz.baidubce.com"),
            "https://bcc.gz.baidubce.com",
            "bcc.gz.baidubce.com",
        ),
        (
            Endpoint::url("https://bcc.gz.baidubce.com/"),
            "https://bcc.gz.baidubce.com",
            "bcc.gz.baidubce.com",
        ),
        (
            Endpoint::url("http://127.0.0.1:8080"),
            "http://127.0.0.1:8080",
            "127.0.0.1:8080",
        ),
        // The scheme's default port is left out of Host, like the SDKs (keypair-api.md §3).
        (
            Endpoint::url("http://localhost:80"),
            "http://localhost",
            "localhost",
        ),
        (
            Endpoint::url("https://example.com:443"),
            "https://example.com",
            "example.com",
        ),
        (
            Endpoint::url("https://example.com:8443"),
            "https://example.com:8443",
            "example.com:8443",
        ),
    ];
    for (endpoint, base_url, host) in cases {
        let endpoint = endpoint.expect("valid endpoint");
        assert_eq!(
            (endpoint.base_url().as_str(), endpoint.host()),
            (base_url, host)
        );
        assert_eq!(endpoint.to_string(), base_url);
    }
}

#[test]
fn bad_endpoints_are_typed_errors() {
    for region in ["", "BJ", "b j", "bj/x", "bj.evil.com"] {
        assert_eq!(
            Endpoint::region(region),
            Err(ConfigError::InvalidRegion {
                region: region.to_owned()
            })
        );
    }
    let cases = [
        (
            "bcc.bj.baidubce.com",
            "the URL needs a scheme (http:// or https://)",
        ),
        ("ftp://example.com", "the scheme must be http or https"),
        ("http://", "not a valid absolute URL"),
        ("http://example.com/v2", "the URL must not have a path"),
        ("http://example.com/?a=b", "the URL must not have a query"),
        (
            "http://user:pw@example.com",
            "user info in the URL is not supported",
        ),
        ("not a url", "not a valid absolute URL"),
    ];
    for (url, reason) in cases {
        let error = Endpoint::url(url).expect_err(url);
        assert_eq!(
            error,
            ConfigError::InvalidEndpoint {
                url: url.to_owned(),
                reason
            },
            "{url}"
        );
        assert!(error.to_string().contains(reason));
    }
}

fn lookup(vars: &[(&'static str, &str)]) -> impl FnMut(&'static str) -> Option<OsString> {
    let vars: Vec<(&'static str, OsString)> =
        vars.iter().map(|(k, v)| (*k, OsString::from(*v))).collect();
    move |name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    }
}

#[test]
fn credentials_come_from_the_environment_variables() {
    let credentials = credentials_from_lookup(lookup(&[
        (ENV_ACCESS_KEY_ID, "ak"),
        (ENV_SECRET_ACCESS_KEY, "sk"),
    ]))
    .expect("ok");
    assert_eq!(credentials.access_key_id(), "ak");
    assert_eq!(credentials.secret_access_key().expose(), "sk");
    assert!(credentials.session_token().is_none());

    let with_token = credentials_from_lookup(lookup(&[
        (ENV_ACCESS_KEY_ID, "ak"),
        (ENV_SECRET_ACCESS_KEY, "sk"),
        (ENV_SESSION_TOKEN, "tok"),
    ]))
    .expect("ok");
    assert_eq!(with_token.session_token().map(|t| t.expose()), Some("tok"));
}

#[test]
fn a_missing_variable_is_a_clear_typed_error() {
    let cases: [(&[(&'static str, &str)], &str); 4] = [
        (&[], "BCE_ACCESS_KEY_ID"),
        (&[(ENV_SECRET_ACCESS_KEY, "sk")], "BCE_ACCESS_KEY_ID"),
        (&[(ENV_ACCESS_KEY_ID, "ak")], "BCE_SECRET_ACCESS_KEY"),
        (
            &[(ENV_ACCESS_KEY_ID, "ak"), (ENV_SECRET_ACCESS_KEY, "")],
            "BCE_SECRET_ACCESS_KEY",
        ),
    ];
    for (vars, missing) in cases {
        let error = credentials_from_lookup(lookup(vars)).expect_err("missing");
        assert!(
            matches!(error, ConfigError::MissingEnvVar { name } if name == missing),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            format!("environment variable {missing} is not set")
        );
    }
}

#[cfg(unix)]
#[test]
fn a_variable_that_is_not_unicode_is_a_typed_error() {
    use std::os::unix::ffi::OsStringExt;
    let error = credentials_from_lookup(|name| match name {
        ENV_ACCESS_KEY_ID => Some(OsString::from_vec(vec![0x61, 0xff])),
        _ => Some(OsString::from("x")),
    })
    .expect_err("not unicode");
    assert_eq!(
        error,
        ConfigError::InvalidEnvVar {
            name: ENV_ACCESS_KEY_ID
        }
    );
}

#[test]
fn defaults_are_as_documented() {
    let config = Config::new(
        Endpoint::region("bj").expect("region"),
        Credentials::new("ak", "sk"),
    );
    assert_eq!(
        config.user_agent(),
        concat!("bcc-keypair-rs/", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(
        config.timeouts(),
        Timeouts::new(Duration::from_secs(10), Duration::from_secs(30))
    );
    assert_eq!(
        config.retry_policy(),
        RetryPolicy::new(3, Duration::from_millis(100), Duration::from_secs(5))
    );

    let config = config
        .with_user_agent("my-tool/1.0")
        .expect("valid")
        .with_connect_timeout(Duration::from_secs(1))
        .with_request_timeout(Duration::from_secs(2))
        .with_max_attempts(7);
    assert_eq!(config.user_agent(), "my-tool/1.0");
    assert_eq!(
        config.timeouts(),
        Timeouts::new(Duration::from_secs(1), Duration::from_secs(2))
    );
    assert_eq!(config.retry_policy().max_attempts(), 7);
    assert!(matches!(
        config.with_user_agent("bad\nagent"),
        Err(ConfigError::InvalidUserAgent { .. })
    ));
}

#[test]
fn debug_output_redacts_the_secret() {
    let config = Config::new(
        Endpoint::region("bj").expect("region"),
        Credentials::new("ak", "top-secret-key").with_session_token("sts-token-value"),
    );
    let debug = format!("{config:?}");
    assert!(
        !debug.contains("top-secret-key") && !debug.contains("sts-token-value"),
        "{debug}"
    );
}
