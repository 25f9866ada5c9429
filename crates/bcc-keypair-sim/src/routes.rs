//! The routing table: method, path shape and action word -> operation (keypair-api.md §2, §3, §7).

use std::borrow::Cow;
use std::fmt;

use bcc_keypair_model::ErrorCode;
use http::Method;
use percent_encoding::percent_decode_str;

/// The nine key pair operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// `POST /v2/keypair[?create]`.
    Create,
    /// `PUT|POST /v2/keypair?import`, or Java's bare `PUT /v2/keypair`.
    Import,
    /// `GET /v2/keypair`.
    List,
    /// `GET /v2/keypair/{id}`.
    Get,
    /// `PUT /v2/keypair/{id}?attach`.
    Attach,
    /// `PUT /v2/keypair/{id}?detach`.
    Detach,
    /// `DELETE /v2/keypair/{id}[?delete]`.
    Delete,
    /// `PUT /v2/keypair/{id}?rename`.
    Rename,
    /// `PUT /v2/keypair/{id}?updateDesc`.
    UpdateDesc,
}

impl Operation {
    /// Every operation.
    pub const ALL: [Operation; 9] = [
        Operation::Create,
        Operation::Import,
        Operation::List,
        Operation::Get,
        Operation::Attach,
        Operation::Detach,
        Operation::Delete,
        Operation::Rename,
        Operation::UpdateDesc,
    ];

    /// The name used in the control API and the journal: `create`, …, `updateDesc`.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Import => "import",
            Operation::List => "list",
            Operation::Get => "get",
            Operation::Attach => "attach",
            Operation::Detach => "detach",
            Operation::Delete => "delete",
            Operation::Rename => "rename",
            Operation::UpdateDesc => "updateDesc",
        }
    }

    /// Parses [`Operation::as_str`].
    pub fn from_name(name: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|op| op.as_str() == name)
    }

    /// Whether the operation changes state (and so is persisted to the state file).
    pub fn is_mutation(self) -> bool {
        !matches!(self, Operation::List | Operation::Get)
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which of the two paths under `/v2/keypair` a route is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PathShape {
    /// `/v2/keypair`
    Collection,
    /// `/v2/keypair/{keypairId}`
    Item,
}

/// Query parameters that name an operation when they carry no value: `?attach` (Go, Java,
/// docs) or `?attach=` (Python) — keypair-api.md §2.
const ACTION_WORDS: [&str; 7] = [
    "create",
    "import",
    "attach",
    "detach",
    "delete",
    "rename",
    "updateDesc",
];

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
    route(Method::POST, PathShape::Collection, None, Operation::Create),
    route(
        Method::POST,
        PathShape::Collection,
        Some("create"),
        Operation::Create,
    ),
    // Structure `PUT ?import`; doc example `POST ?import`; Java: bare `PUT` (keypair-api.md §3 rule 3).
    route(
        Method::PUT,
        PathShape::Collection,
        Some("import"),
        Operation::Import,
    ),
    route(
        Method::POST,
        PathShape::Collection,
        Some("import"),
        Operation::Import,
    ),
    route(Method::PUT, PathShape::Collection, None, Operation::Import),
    route(Method::GET, PathShape::Collection, None, Operation::List),
    route(Method::GET, PathShape::Item, None, Operation::Get),
    route(
        Method::PUT,
        PathShape::Item,
        Some("attach"),
        Operation::Attach,
    ),
    route(
        Method::PUT,
        PathShape::Item,
        Some("detach"),
        Operation::Detach,
    ),
    // Docs: no action word; Go adds `?delete` (keypair-api.md §3 rule 4).
    route(Method::DELETE, PathShape::Item, None, Operation::Delete),
    route(
        Method::DELETE,
        PathShape::Item,
        Some("delete"),
        Operation::Delete,
    ),
    route(
        Method::PUT,
        PathShape::Item,
        Some("rename"),
        Operation::Rename,
    ),
    route(
        Method::PUT,
        PathShape::Item,
        Some("updateDesc"),
        Operation::UpdateDesc,
    ),
];

/// A routed request: the operation, the decoded key pair id for item paths, and the query.
#[derive(Debug)]
pub(crate) struct Routed<'a> {
    pub(crate) operation: Operation,
    pub(crate) keypair_id: Option<Cow<'a, str>>,
    pub(crate) query: Query<'a>,
}

/// Query parameters, each percent-decoded once; `+` stays a literal plus (auth-v1.md §8).
#[derive(Debug, Default)]
pub(crate) struct Query<'a> {
    params: Vec<(Cow<'a, str>, Option<Cow<'a, str>>)>,
}

impl<'a> Query<'a> {
    pub(crate) fn parse(raw: Option<&'a str>) -> Self {
        let params = raw
            .unwrap_or("")
            .split('&')
            .filter(|item| !item.is_empty())
            .map(|item| match item.split_once('=') {
                Some((k, v)) => (decode(k), Some(decode(v))),
                None => (decode(item), None),
            })
            .collect();
        Self { params }
    }

    /// The first value of `key`; `Some("")` for `key` and `key=`.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_deref().unwrap_or(""))
    }

    /// Every `(key, value)` pair; flags have the value `""`.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.params
            .iter()
            .map(|(k, v)| (k.as_ref(), v.as_deref().unwrap_or("")))
    }

    fn action_words(&self) -> impl Iterator<Item = &str> {
        self.params
            .iter()
            .filter(|(_, v)| v.as_deref().is_none_or(str::is_empty))
            .map(|(k, _)| k.as_ref())
            .filter(|k| ACTION_WORDS.contains(k))
    }
}

fn decode(s: &str) -> Cow<'_, str> {
    // Ids and action words rarely carry escapes; without one the text is already decoded.
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
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
    let mut segments = raw_path.strip_prefix('/').unwrap_or(raw_path).split('/');
    let version = segments.next().unwrap_or("");
    if version != "v2" {
        let looks_like_version = version.len() > 1
            && version.starts_with('v')
            && version[1..].bytes().all(|b| b.is_ascii_digit());
        return Err(if looks_like_version {
            ErrorCode::InvalidVersion
        } else {
            ErrorCode::InvalidUri
        });
    }
    if segments.next() != Some("keypair") {
        return Err(ErrorCode::InvalidUri);
    }
    let (shape, keypair_id) = match (segments.next(), segments.next()) {
        (None, _) => (PathShape::Collection, None),
        (Some(id), None) if !id.is_empty() => (PathShape::Item, Some(decode(id))),
        _ => return Err(ErrorCode::InvalidUri),
    };
    let query = Query::parse(raw_query);
    let action = {
        let mut actions = query.action_words();
        let action = actions.next();
        if actions.next().is_some() {
            return Err(ErrorCode::InvalidUri);
        }
        action.map(str::to_owned)
    };
    let action = action.as_deref();
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn every_sdk_request_shape_routes() {
        use Operation::*;
        let cases: &[(Method, &str, Operation, Option<&str>)] = &[
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
            Ok((Operation::Create, None)),
        );
    }

    #[test]
    fn query_values_decode_once_and_keep_plus() {
        let q = Query::parse(Some("name=%E6%B5%8B%20%E8%AF%95%2Bx&a+b=c+d&flag"));
        assert_eq!(q.get("name"), Some("测 试+x"));
        assert_eq!(q.get("a+b"), Some("c+d"));
        assert_eq!(q.get("flag"), Some(""));
        assert_eq!(q.get("missing"), None);
    }

    #[test]
    fn operation_names_round_trip() {
        for op in Operation::ALL {
            assert_eq!(Operation::from_name(op.as_str()), Some(op));
        }
        assert_eq!(Operation::from_name("nope"), None);
    }
}
