//! The route step: the `Host` header names the region, and method, path shape and action
//! word name the operation (keypair-api.md §1, §2, §3, §7).

use std::borrow::Cow;
use std::sync::Arc;

use bcc_keypair_model::{ErrorCode, Operation};
use bce_auth::query::Query;
use http::{HeaderValue, Method};
use percent_encoding::percent_decode_str;

/// Which of the two paths under `/v2/keypair` a route is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PathShape {
    /// `/v2/keypair`
    Collection,
    /// `/v2/keypair/{keypairId}`
    Item,
}

struct Route {
    method: Method,
    path: PathShape,
    action: Option<&'static str>,
    operation: Operation,
}

/// The table. `HEAD` is routed like `GET` (answered with headers only).
const fn route(
    method: Method,
    path: PathShape,
    action: Option<&'static str>,
    operation: Operation,
) -> Route {
    Route {
        method,
        path,
        action,
        operation,
    }
}

static ROUTES: [Route; 13] = [
    // Current docs send no action word; older docs, Python and Java send `create`.
    route(
        Method::POST,
        PathShape::Collection,
        None,
        Operation::CreateKeypair,
    ),
    route(
        Method::POST,
        PathShape::Collection,
        Some("create"),
        Operation::CreateKeypair,
    ),
    // Structure `PUT ?import`; doc example `POST ?import`; Java: bare `PUT` (keypair-api.md §3 rule 3).
    route(
        Method::PUT,
        PathShape::Collection,
        Some("import"),
        Operation::ImportKeypair,
    ),
    route(
        Method::POST,
        PathShape::Collection,
        Some("import"),
        Operation::ImportKeypair,
    ),
    route(
        Method::PUT,
        PathShape::Collection,
        None,
        Operation::ImportKeypair,
    ),
    route(
        Method::GET,
        PathShape::Collection,
        None,
        Operation::ListKeypairs,
    ),
    route(Method::GET, PathShape::Item, None, Operation::GetKeypair),
    route(
        Method::PUT,
        PathShape::Item,
        Some("attach"),
        Operation::AttachKeypair,
    ),
    route(
        Method::PUT,
        PathShape::Item,
        Some("detach"),
        Operation::DetachKeypair,
    ),
    // Docs: no action word; Go adds `?delete` (keypair-api.md §3 rule 4).
    route(
        Method::DELETE,
        PathShape::Item,
        None,
        Operation::DeleteKeypair,
    ),
    route(
        Method::DELETE,
        PathShape::Item,
        Some("delete"),
        Operation::DeleteKeypair,
    ),
    route(
        Method::PUT,
        PathShape::Item,
        Some("rename"),
        Operation::RenameKeypair,
    ),
    route(
        Method::PUT,
        PathShape::Item,
        Some("updateDesc"),
        Operation::UpdateKeypairDescription,
    ),
];

/// A routed request: the operation, the decoded key pair id for item paths, and the query.
#[derive(Debug)]
pub(crate) struct Routed<'a> {
    pub(crate) operation: Operation,
    pub(crate) keypair_id: Option<Cow<'a, str>>,
    pub(crate) query: Query<'a>,
}

/// The action word of a query, if any (keypair-api.md §2): a parameter without a value, or
/// with an empty one (`?attach`, Python's `?attach=`), named like an operation. Two are
/// `InvalidURI`.
fn action_word(query: &Query<'_>) -> Result<Option<&'static str>, ErrorCode> {
    let mut words = query
        .params()
        .iter()
        .filter(|param| param.value().is_none_or(<[u8]>::is_empty))
        .filter_map(|param| {
            ROUTES
                .iter()
                .filter_map(|route| route.action)
                .find(|word| word.as_bytes() == param.name())
        });
    match (words.next(), words.next()) {
        (word, None) => Ok(word),
        _ => Err(ErrorCode::InvalidUri),
    }
}

/// Percent-decodes once; borrows when nothing is escaped.
fn decode(s: &str) -> Cow<'_, str> {
    percent_decode_str(s).decode_utf8_lossy()
}

/// Routes a `/v2/...` request (errors.md §4 rows 7 and 8).
///
/// The path is split on `/` first and each segment decoded once, so an id holding an
/// encoded slash (`a%2Fb`) stays one segment (keypair-api.md §3 rule 8, Appendix A.3).
pub(crate) fn route_request<'a>(
    method: &Method,
    raw_path: &'a str,
    raw_query: Option<&'a str>,
) -> Result<Routed<'a>, ErrorCode> {
    let (shape, keypair_id) = path_shape(raw_path)?;
    let query = Query::parse(raw_query);
    let action = action_word(&query)?;
    // HEAD is answered like GET, with the headers only.
    let method = if method == Method::HEAD {
        &Method::GET
    } else {
        method
    };
    let operation = ROUTES
        .iter()
        .find(|r| r.method == *method && r.path == shape && r.action == action)
        .map(|r| r.operation)
        .ok_or(ErrorCode::InvalidUri)?;
    Ok(Routed {
        operation,
        keypair_id,
        query,
    })
}

/// `/v2/keypair` or `/v2/keypair/{id}`, with the id decoded. Another path is `InvalidURI`,
/// or `InvalidVersion` when its first segment looks like another API version (`/v1/…`).
fn path_shape(raw_path: &str) -> Result<(PathShape, Option<Cow<'_, str>>), ErrorCode> {
    let path = raw_path.strip_prefix('/').unwrap_or(raw_path);
    if let Some(rest) = path.strip_prefix("v2/keypair") {
        return match rest.strip_prefix('/') {
            None if rest.is_empty() => Ok((PathShape::Collection, None)),
            Some(id) if !id.is_empty() && !id.contains('/') => {
                Ok((PathShape::Item, Some(decode(id))))
            }
            _ => Err(ErrorCode::InvalidUri),
        };
    }
    let version = path.split('/').next().unwrap_or_default();
    let looks_like_version = version != "v2"
        && version.len() > 1
        && version.starts_with('v')
        && version[1..].bytes().all(|b| b.is_ascii_digit());
    Err(if looks_like_version {
        ErrorCode::InvalidVersion
    } else {
        ErrorCode::InvalidUri
    })
}

/// The region a request addresses: the one its `Host` names, else the default one
/// (`regions[0]`). A named region must be one of `regions` (compared without regard to case,
/// as host names are); another one is `InvalidURI`.
pub(crate) fn region<'a>(
    host: Option<&HeaderValue>,
    regions: &'a [Arc<str>],
) -> Result<&'a Arc<str>, ErrorCode> {
    let default = regions.first().ok_or(ErrorCode::InternalError)?;
    match region_from_host(host) {
        None => Ok(default),
        Some(named) => regions
            .iter()
            .find(|known| known.eq_ignore_ascii_case(named))
            .ok_or(ErrorCode::InvalidUri),
    }
}

/// keypair-api.md §1: the endpoint host is `bcc.{region}.baidubce.com`.
fn region_from_host(host: Option<&HeaderValue>) -> Option<&str> {
    // The prefix first: most hosts a local simulator sees (`127.0.0.1:8480`) fail it at
    // once, and no `[IPv6]` host can pass it, so the port is cut only from BCE names.
    let host = strip_prefix_ignore_case(std::str::from_utf8(host?.as_bytes()).ok()?, "bcc.")?;
    let region = strip_suffix_ignore_case(host_name(host), ".baidubce.com")?;
    (!region.is_empty() && !region.contains('.')).then_some(region)
}

/// The name part of a `Host` value `name[:port]`, without the brackets of an IPv6 literal.
pub(crate) fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or_default();
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn strip_suffix_ignore_case<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let start = s.len().checked_sub(suffix.len())?;
    let tail = s.get(start..)?;
    tail.eq_ignore_ascii_case(suffix).then(|| &s[..start])
}

#[cfg(test)]
mod tests {
    use super::*;
    use Operation::{
        AttachKeypair as Attach, CreateKeypair as Create, DeleteKeypair as Delete,
        DetachKeypair as Detach, GetKeypair as Get, ImportKeypair as Import, ListKeypairs as List,
        RenameKeypair as Rename, UpdateKeypairDescription as UpdateDesc,
    };

    fn check(method: Method, target: &str, expected: Result<(Operation, Option<&str>), ErrorCode>) {
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (target, None),
        };
        let got = route_request(&method, path, query)
            .map(|r| (r.operation, r.keypair_id.map(Cow::into_owned)));
        let expected = expected.map(|(op, id)| (op, id.map(str::to_owned)));
        assert_eq!(got, expected, "{method} {target}");
    }

    /// Every request shape the SDKs send (keypair-api.md §3), with its operation and id.
    const SDK_SHAPES: &[(Method, &str, Operation, Option<&str>)] = &[
        (Method::POST, "/v2/keypair", Create, None),
        (Method::POST, "/v2/keypair?create", Create, None),
        (Method::POST, "/v2/keypair?create=", Create, None),
        (
            Method::POST,
            "/v2/keypair?clientToken=tok-123",
            Create,
            None,
        ),
        (
            Method::POST,
            "/v2/keypair?clientToken=t&create",
            Create,
            None,
        ),
        (Method::PUT, "/v2/keypair?import", Import, None),
        (Method::PUT, "/v2/keypair?import=", Import, None),
        (
            Method::PUT,
            "/v2/keypair?clientToken=x&import",
            Import,
            None,
        ),
        (Method::POST, "/v2/keypair?import", Import, None),
        (Method::PUT, "/v2/keypair", Import, None),
        (Method::GET, "/v2/keypair", List, None),
        (Method::GET, "/v2/keypair?maxKeys=1000", List, None),
        (
            Method::GET,
            "/v2/keypair?marker=k-IyWRtII7&maxKeys=10&name=my%20kp%2F1",
            List,
            None,
        ),
        (Method::HEAD, "/v2/keypair", List, None),
        (
            Method::GET,
            "/v2/keypair/k-abc12345",
            Get,
            Some("k-abc12345"),
        ),
        (Method::GET, "/v2/keypair/k-a:b~c*d", Get, Some("k-a:b~c*d")),
        (
            Method::GET,
            "/v2/keypair/k-a:b~c%2Ad",
            Get,
            Some("k-a:b~c*d"),
        ),
        (
            Method::GET,
            "/v2/keypair/%E6%B5%8B%E8%AF%95",
            Get,
            Some("测试"),
        ),
        (Method::GET, "/v2/keypair/a%20b", Get, Some("a b")),
        (Method::GET, "/v2/keypair/a%252Fb", Get, Some("a%2Fb")),
        (Method::GET, "/v2/keypair/a%2Fb", Get, Some("a/b")),
        (Method::PUT, "/v2/keypair/k-1?attach", Attach, Some("k-1")),
        (Method::PUT, "/v2/keypair/k-1?attach=", Attach, Some("k-1")),
        (
            Method::PUT,
            "/v2/keypair/k-1?foo=bar&attach",
            Attach,
            Some("k-1"),
        ),
        (Method::PUT, "/v2/keypair/k-1?detach", Detach, Some("k-1")),
        (Method::PUT, "/v2/keypair/k-1?detach=", Detach, Some("k-1")),
        (Method::DELETE, "/v2/keypair/k-1", Delete, Some("k-1")),
        (
            Method::DELETE,
            "/v2/keypair/k-1?delete",
            Delete,
            Some("k-1"),
        ),
        (
            Method::DELETE,
            "/v2/keypair/k-1?delete=",
            Delete,
            Some("k-1"),
        ),
        (Method::PUT, "/v2/keypair/k-1?rename", Rename, Some("k-1")),
        (Method::PUT, "/v2/keypair/k-1?rename=", Rename, Some("k-1")),
        (
            Method::PUT,
            "/v2/keypair/k-1?updateDesc",
            UpdateDesc,
            Some("k-1"),
        ),
        (
            Method::PUT,
            "/v2/keypair/k-1?updateDesc=&x=1",
            UpdateDesc,
            Some("k-1"),
        ),
    ];

    #[test]
    fn every_sdk_request_shape_routes() {
        let cases = SDK_SHAPES;
        for (method, target, op, id) in cases {
            check(method.clone(), target, Ok((*op, *id)));
        }
    }

    #[test]
    fn unroutable_requests_get_the_documented_codes() {
        let cases: &[(Method, &str, ErrorCode)] = &[
            (Method::GET, "/v2/foo", ErrorCode::InvalidUri),
            (Method::GET, "/", ErrorCode::InvalidUri),
            (Method::GET, "", ErrorCode::InvalidUri),
            (Method::GET, "/favicon.ico", ErrorCode::InvalidUri),
            (Method::GET, "/v1/keypair", ErrorCode::InvalidVersion),
            (Method::GET, "/v3/keypair/k-1", ErrorCode::InvalidVersion),
            (Method::PUT, "/v2/keypair/k-1", ErrorCode::InvalidUri),
            (Method::PUT, "/v2/keypair/k-1?bogus", ErrorCode::InvalidUri),
            (
                Method::PUT,
                "/v2/keypair/k-1?attach&detach",
                ErrorCode::InvalidUri,
            ),
            (Method::POST, "/v2/keypair/k-1", ErrorCode::InvalidUri),
            (Method::GET, "/v2/keypair?attach", ErrorCode::InvalidUri),
            (Method::DELETE, "/v2/keypair", ErrorCode::InvalidUri),
            (Method::PATCH, "/v2/keypair/k-1", ErrorCode::InvalidUri),
            (Method::GET, "/v2/keypair/", ErrorCode::InvalidUri),
            (Method::GET, "/v2/keypair/k-1/x", ErrorCode::InvalidUri),
            (Method::GET, "/v2/keypair//", ErrorCode::InvalidUri),
        ];
        for (method, target, code) in cases {
            check(method.clone(), target, Err(code.clone()));
        }
    }

    #[test]
    fn action_words_with_values_are_ordinary_parameters() {
        // `?attach=yes` is not the action word, so PUT on an item has none.
        check(
            Method::PUT,
            "/v2/keypair/k-1?attach=yes",
            Err(ErrorCode::InvalidUri),
        );
        check(
            Method::POST,
            "/v2/keypair?create=1",
            Ok((Operation::CreateKeypair, None)),
        );
    }

    #[test]
    fn query_values_decode_once_and_keep_plus() {
        let q = Query::parse(Some("name=%E6%B5%8B%20%E8%AF%95%2Bx&a+b=c+d&flag"));
        assert_eq!(q.get("name").as_deref(), Some("测 试+x"));
        assert_eq!(q.get("a+b").as_deref(), Some("c+d"));
        assert_eq!(q.get("flag").as_deref(), Some(""));
        assert_eq!(q.get("missing"), None);
    }

    #[test]
    fn operation_names_of_the_control_api_and_journal_round_trip() {
        // The names the control API accepts and the journal shows (crate README).
        let names: Vec<_> = Operation::ALL.iter().map(|op| op.short_name()).collect();
        assert_eq!(
            names,
            [
                "create",
                "import",
                "list",
                "get",
                "attach",
                "detach",
                "delete",
                "rename",
                "updateDesc"
            ]
        );
        for op in Operation::ALL {
            assert_eq!(Operation::from_name(op.short_name()), Some(op));
        }
        assert_eq!(Operation::from_name("nope"), None);
    }

    #[test]
    fn region_comes_from_the_bcc_host_name() {
        let cases = [
            ("bcc.bj.baidubce.com", Some("bj")),
            ("bcc.gz.baidubce.com:8080", Some("gz")),
            ("BCC.SU.BAIDUBCE.COM", Some("SU")),
            ("127.0.0.1:18081", None),
            ("bcc..baidubce.com", None),
            ("bcc.a.b.baidubce.com", None),
            ("bos.bj.baidubce.com", None),
            ("localhost", None),
        ];
        let served: Vec<Arc<str>> = ["dflt", "bj", "gz", "x", "su"]
            .into_iter()
            .map(Arc::from)
            .collect();
        for (host, named) in cases {
            let value = HeaderValue::from_static(host);
            assert_eq!(region_from_host(Some(&value)), named, "{host}");
            let expected = named.map_or_else(|| "dflt".to_owned(), str::to_ascii_lowercase);
            assert_eq!(
                region(Some(&value), &served).map(|r| &**r),
                Ok(expected.as_str()),
                "{host}"
            );
        }
        assert_eq!(region_from_host(None), None);
        assert_eq!(region(None, &served).map(|r| &**r), Ok("dflt"));
    }

    #[test]
    fn a_region_not_served_is_refused_and_case_does_not_make_a_new_one() {
        let served: Vec<Arc<str>> = ["bj", "gz"].into_iter().map(Arc::from).collect();
        let host = |text: &'static str| HeaderValue::from_static(text);
        assert_eq!(
            region(Some(&host("bcc.BJ.baidubce.com")), &served).map(|r| &**r),
            Ok("bj")
        );
        assert_eq!(
            region(Some(&host("bcc.made-up.baidubce.com")), &served),
            Err(ErrorCode::InvalidUri)
        );
    }
}
