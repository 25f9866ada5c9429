//! The scenario registry and the helpers scenarios share.
//!
//! [`with_scenarios!`](crate::with_scenarios) holds the one list of scenarios; [`all`] is
//! built from it, and the integration test builds one `#[test]` per entry from the same list.

use bcc_keypair_client::ListKeypairs;
use bcc_keypair_model::{ErrorCode, KeypairModel, ListKeypairsResponse};

use crate::context::Ctx;
use crate::failure::{Context as _, Failure, Outcome};
use crate::raw::RawResponse;
use crate::scenario::{Requirement, Scenario};

pub mod attachment;
pub mod auth;
pub mod idempotency;
pub mod missing;
pub mod operations;
pub mod pagination;
pub mod region;
pub mod requests;
pub mod sdk_shapes;
pub mod validation;

/// Calls `$callback!` with every scenario, grouped by module, in run order:
/// `module { function, function: control, ... } ...`. `: control` marks scenarios that need
/// the simulator control API.
#[macro_export]
macro_rules! with_scenarios {
    ($callback:ident) => {
        $callback! {
            operations {
                create_returns_private_key_and_matching_fingerprint,
                create_without_description_has_empty_description,
                create_keeps_unicode_name_and_description,
                import_returns_keypair_without_private_key,
                import_keeps_description,
                list_shows_created_keypair,
                get_returns_what_create_returned,
                attach_binds_instance: control,
                detach_unbinds_instance: control,
                delete_removes_keypair,
                rename_changes_name,
                update_description_sets_text,
                update_description_clears_with_empty_string,
            }
            validation {
                create_rejects_invalid_names,
                create_accepts_boundary_names,
                import_rejects_invalid_name,
                rename_rejects_invalid_name,
                create_rejects_too_long_description,
                import_rejects_too_long_description,
                update_description_rejects_too_long_description,
                import_rejects_malformed_public_keys,
                import_rejects_duplicate_public_key,
                create_beyond_quota_is_refused: control,
                import_beyond_quota_is_refused: control,
            }
            missing {
                get_unknown_keypair,
                delete_unknown_keypair,
                rename_unknown_keypair,
                update_description_unknown_keypair,
                attach_unknown_keypair,
                detach_unknown_keypair,
            }
            attachment {
                attach_unknown_instance: control,
                attach_windows_instance: control,
                attach_instance_in_forbidden_status: control,
                attach_instance_already_bound_to_same_keypair: control,
                delete_bound_keypair_is_refused: control,
                attach_replaces_previous_keypair: control,
                attach_many_then_detach_some: control,
                attach_stopped_instance: control,
                attach_is_all_or_nothing: control,
                detach_unbound_instance_is_noop: control,
                detach_leaves_other_keypair_binding: control,
                detach_windows_instance: control,
            }
            auth {
                wrong_secret_key,
                unknown_access_key,
                expired_signature,
                missing_authorization,
                malformed_authorization,
                every_sdk_signing_style_is_accepted,
                stale_x_bce_date,
                signature_from_the_future,
            }
            requests {
                malformed_json_body,
                wrong_json_types,
                instance_ids_null_or_not_a_list,
                unknown_paths_and_actions,
                unsupported_api_versions,
                non_integer_max_keys,
                responses_carry_request_id,
                wrong_content_md5,
                body_not_utf8,
            }
            pagination {
                pages_with_name_filter,
                pages_without_filter,
                marker_is_inclusive,
                max_keys_is_capped_and_defaulted,
                no_match_is_an_empty_page,
                client_lists_every_page,
                name_filter_is_exact_and_unicode,
            }
            idempotency {
                client_create_with_same_token_returns_same_keypair,
                create_with_same_client_token_returns_same_keypair,
                import_with_same_client_token_returns_same_keypair,
                client_token_reused_with_other_parameters,
            }
            region {
                keypair_is_invisible_in_other_region,
            }
            sdk_shapes {
                python_create_with_flag_and_null_description,
                python_import_with_flag,
                python_attach_and_detach_with_equals_flags: control,
                python_list_with_max_keys_zero,
                go_create_with_escaped_json,
                go_delete_with_query_and_body,
                go_bodies_with_keypair_id_field,
                go_attach_and_detach_answer_json_objects: control,
                java_import_without_action_word,
                doc_import_with_post,
                doc_create_without_action_word,
                ids_with_reserved_characters_in_the_path,
                java_signs_host_only_and_sends_date,
            }
        }
    };
}

macro_rules! registry {
    ($( $module:ident { $( $function:ident $(: $requirement:ident)? ),* $(,)? } )*) => {
        /// Every scenario, in run order.
        pub fn all() -> Vec<Scenario> {
            vec![
                $( $(
                    Scenario::new(
                        concat!(stringify!($module), ".", stringify!($function)),
                        requirement!($($requirement)?),
                        |ctx| Box::pin($module::$function(ctx)),
                    ),
                )* )*
            ]
        }
    };
}

macro_rules! requirement {
    () => {
        Requirement::None
    };
    (control) => {
        Requirement::Control
    };
}

with_scenarios!(registry);

/// The scenario called `name` (`module.function`).
pub fn find(name: &str) -> Option<Scenario> {
    all().into_iter().find(|scenario| scenario.name() == name)
}

/// `Host` header of a region's endpoint (keypair-api.md §1).
pub(crate) fn region_host(region: &str) -> String {
    format!("bcc.{region}.baidubce.com")
}

/// `/v2/keypair/{id}`.
pub(crate) fn keypair_path(id: &str) -> String {
    format!("/v2/keypair/{id}")
}

/// Fails unless a client call failed with the service error `code` (and its status).
pub(crate) fn expect_code<T: std::fmt::Debug>(
    result: Result<T, bcc_keypair_client::Error>,
    code: &ErrorCode,
) -> Outcome {
    match result {
        Ok(value) => Err(Failure::new(format!(
            "expected {} {}, got success: {value:?}",
            code.status(),
            code.as_str()
        ))),
        Err(error) => match &error {
            bcc_keypair_client::Error::Service(service) => {
                check_eq!(&service.code, code, "error code ({error})");
                check_eq!(
                    service.status,
                    code.status(),
                    "HTTP status of {}",
                    code.as_str()
                );
                check!(
                    !service.message.is_empty(),
                    "{} without message",
                    code.as_str()
                );
                Ok(())
            }
            other => Err(Failure::new(format!(
                "expected service error {}, got {other}",
                code.as_str()
            ))),
        },
    }
}

/// The `keypair` object of a create/import/get response body.
pub(crate) fn keypair_in(response: &RawResponse) -> Result<KeypairModel, Failure> {
    let json = response.expect_ok()?;
    let keypair = json.get("keypair").context("`keypair` in the response")?;
    serde_json::from_value(keypair.clone()).context("decoding `keypair`")
}

/// A list page from a raw response.
pub(crate) fn page_in(response: &RawResponse) -> Result<ListKeypairsResponse, Failure> {
    let json = response.expect_ok()?;
    check!(
        json.get("keypairs")
            .is_some_and(serde_json::Value::is_array),
        "`keypairs` is not an array: {json}"
    );
    serde_json::from_value(json).context("decoding the list page")
}

/// Every key pair called `name`, walking all pages with the client.
pub(crate) async fn list_named(ctx: &Ctx<'_>, name: &str) -> Result<Vec<KeypairModel>, Failure> {
    let mut found = Vec::new();
    let mut marker = None;
    for _ in 0..100 {
        let page = ctx
            .client()
            .list_keypairs(&ListKeypairs::new().set_marker(marker.clone()).name(name))
            .await
            .context("list_keypairs")?;
        found.extend(page.keypairs);
        match page.next_marker {
            Some(next) if page.is_truncated => marker = Some(next),
            _ => return Ok(found),
        }
    }
    Err(Failure::new("more than 100 pages while listing one name"))
}
