//! Tidy checks that keep the workspace readable, run with the other tests
//! (rust-analyzer's habit): limits on file and function length, no `mod.rs`, and one home
//! for wire error codes.
//!
//! Each check reads the workspace's Rust sources with `syn`, so test modules and test
//! functions are told apart from the code they test.

use std::path::{Path, PathBuf};

use bcc_keypair_model::ErrorCode;
use syn::spanned::Spanned as _;
use syn::visit::Visit;

/// A source file longer than this (not counting its `#[cfg(test)]` items) should be split.
const MAX_FILE_LINES: usize = 800;
/// A function longer than this (tests included) should be split into named steps.
const MAX_FUNCTION_LINES: usize = 80;

/// Files that may spell a wire error code, and why. Everywhere else names a code through
/// `ErrorCode`, the one table of codes, statuses and messages.
const ERROR_CODE_LITERALS_ALLOWED: &[(&str, &str)] = &[
    (
        "crates/bcc-keypair-model/src/error_code.rs",
        "the table itself",
    ),
    (
        "crates/bce-auth/src/error.rs",
        "bce-auth stands alone without the model, so its VerifyError names the codes of \
         auth-v1.md §8 itself; the simulator maps each variant to ErrorCode",
    ),
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace root")
        .to_path_buf()
}

/// Every Rust source of the workspace, relative to its root, with its text.
fn sources() -> Vec<(String, String)> {
    let root = workspace_root();
    let mut files = Vec::new();
    let mut pending = vec![root.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable directory") {
            let path = entry.expect("directory entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() {
                if !name.starts_with('.') && name != "target" {
                    pending.push(path);
                }
            } else if name.ends_with(".rs") {
                let relative = path
                    .strip_prefix(&root)
                    .expect("under the root")
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(&path).expect("readable source");
                files.push((relative, text));
            }
        }
    }
    files.sort();
    assert!(files.len() > 50, "found only {} sources", files.len());
    files
}

fn parse(path: &str, text: &str) -> syn::File {
    syn::parse_file(text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Integration tests, benches' and examples' siblings in `tests/` folders, are test code.
fn is_test_file(path: &str) -> bool {
    path.split('/').any(|part| part == "tests") && !path.starts_with("tests/src/")
}

fn is_test_attr(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("test")
            || (attr.path().is_ident("cfg")
                && attr
                    .parse_args::<syn::Meta>()
                    .is_ok_and(|meta| meta.path().is_ident("test")))
            || attr
                .path()
                .segments
                .last()
                .is_some_and(|s| s.ident == "test" || s.ident == "proptest")
    })
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Fn(f) => &f.attrs,
        syn::Item::Mod(m) => &m.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Use(u) => &u.attrs,
        syn::Item::Const(c) => &c.attrs,
        syn::Item::Static(s) => &s.attrs,
        syn::Item::Struct(s) => &s.attrs,
        syn::Item::Enum(e) => &e.attrs,
        syn::Item::Macro(m) => &m.attrs,
        _ => &[],
    }
}

#[test]
fn no_source_file_is_longer_than_the_limit() {
    let mut long = Vec::new();
    for (path, text) in sources() {
        if is_test_file(&path) {
            continue;
        }
        let file = parse(&path, &text);
        let test_lines: usize = file
            .items
            .iter()
            .filter(|item| is_test_attr(item_attrs(item)))
            .map(|item| item.span().end().line - item.span().start().line + 1)
            .sum();
        let lines = text.lines().count() - test_lines;
        if lines > MAX_FILE_LINES {
            long.push(format!("{path}: {lines} lines"));
        }
    }
    assert!(
        long.is_empty(),
        "split these files (over {MAX_FILE_LINES} non-test lines):\n{}",
        long.join("\n")
    );
}

/// Collects functions longer than the limit.
struct LongFunctions<'a> {
    path: &'a str,
    found: Vec<String>,
}

impl LongFunctions<'_> {
    fn check(&mut self, name: &syn::Ident, start: proc_macro2::Span, block: &syn::Block) {
        let lines = block.brace_token.span.close().end().line - start.start().line + 1;
        if lines > MAX_FUNCTION_LINES {
            self.found
                .push(format!("{}: fn {name}: {lines} lines", self.path));
        }
    }
}

impl<'ast> Visit<'ast> for LongFunctions<'_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.check(&f.sig.ident, f.sig.fn_token.span, &f.block);
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.check(&f.sig.ident, f.sig.fn_token.span, &f.block);
        syn::visit::visit_impl_item_fn(self, f);
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if let Some(block) = &f.default {
            self.check(&f.sig.ident, f.sig.fn_token.span, block);
        }
        syn::visit::visit_trait_item_fn(self, f);
    }
}

#[test]
fn no_function_is_longer_than_the_limit() {
    let mut long = Vec::new();
    for (path, text) in sources() {
        let mut visitor = LongFunctions {
            path: &path,
            found: Vec::new(),
        };
        visitor.visit_file(&parse(&path, &text));
        long.extend(visitor.found);
    }
    assert!(
        long.is_empty(),
        "split these functions (over {MAX_FUNCTION_LINES} lines):\n{}",
        long.join("\n")
    );
}

#[test]
fn no_mod_rs() {
    let found: Vec<_> = sources()
        .into_iter()
        .map(|(path, _)| path)
        .filter(|path| path.ends_with("/mod.rs"))
        .collect();
    assert!(
        found.is_empty(),
        "name modules `foo.rs` beside `foo/`: {found:?}"
    );
}

/// Collects string literals equal to a wire error code, outside test code.
struct CodeLiterals<'a> {
    path: &'a str,
    codes: Vec<&'static str>,
    found: Vec<String>,
}

impl<'ast> Visit<'ast> for CodeLiterals<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        if !is_test_attr(item_attrs(item)) {
            syn::visit::visit_item(self, item);
        }
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if !is_test_attr(&f.attrs) {
            syn::visit::visit_impl_item_fn(self, f);
        }
    }

    fn visit_lit_str(&mut self, literal: &'ast syn::LitStr) {
        let value = literal.value();
        if self.codes.contains(&value.as_str()) {
            self.found.push(format!(
                "{}:{}: {value:?}",
                self.path,
                literal.span().start().line
            ));
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // Macro arguments are tokens, not syntax: look at their string literals too.
        for token in mac.tokens.clone() {
            if let proc_macro2::TokenTree::Literal(literal) = token
                && let Ok(literal) = syn::parse_str::<syn::LitStr>(&literal.to_string())
            {
                self.visit_lit_str(&literal);
            }
        }
        syn::visit::visit_macro(self, mac);
    }
}

#[test]
fn wire_error_codes_are_spelled_only_in_error_code_rs() {
    let codes: Vec<&'static str> = ErrorCode::ALL.iter().map(ErrorCode::as_str).collect();
    let mut found = Vec::new();
    for (path, text) in sources() {
        let allowed = ERROR_CODE_LITERALS_ALLOWED.iter().any(|(p, _)| *p == path);
        if is_test_file(&path) || path.contains("/benches/") || allowed {
            continue;
        }
        let mut visitor = CodeLiterals {
            path: &path,
            codes: codes.clone(),
            found: Vec::new(),
        };
        visitor.visit_file(&parse(&path, &text));
        found.extend(visitor.found);
    }
    assert!(
        found.is_empty(),
        "name these codes through bcc_keypair_model::ErrorCode (or add the file to \
         ERROR_CODE_LITERALS_ALLOWED with the reason):\n{}",
        found.join("\n")
    );
}

/// `major.minor` of a `rust-version` value.
fn minor_version(text: &str) -> (u32, u32) {
    let mut parts = text.split('.').map(|part| part.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

#[test]
fn rust_version_covers_every_locked_dependency() {
    // Not `--offline`: reading every locked package's `rust-version` needs the sources of
    // the ones built only for other platforms (windows-sys, android_system_properties),
    // which a build on this machine never downloaded.
    let output = std::process::Command::new(env!("CARGO"))
        .current_dir(workspace_root())
        .args(["metadata", "--format-version", "1", "--locked"])
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let packages = metadata["packages"].as_array().expect("packages");
    let ours = packages
        .iter()
        .find(|p| p["name"] == "bce-auth")
        .and_then(|p| p["rust_version"].as_str())
        .expect("bce-auth declares the workspace rust-version");
    let declared = minor_version(ours);
    let too_new: Vec<String> = packages
        .iter()
        .filter_map(|p| {
            let needed = p["rust_version"].as_str()?;
            (minor_version(needed) > declared)
                .then(|| format!("{} {} needs {needed}", p["name"], p["version"]))
        })
        .collect();
    assert!(
        too_new.is_empty(),
        "the workspace declares rust-version {ours}, but locked dependencies need more; raise \
         rust-version in Cargo.toml (or hold the dependency back):\n{}",
        too_new.join("\n")
    );
}
