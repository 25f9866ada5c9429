//! Every JSON example of `keypair-api.md` (doc examples, SDK captures of §3 and Appendix A),
//! read, validated and written back.

use bcc_keypair_model::{
    BatchOperationResponse, CreateKeypairRequest, DeleteKeypairRequest, ErrorCode,
    ImportKeypairRequest, InstanceId, InstanceIdsRequest, KeypairDescription, KeypairModel,
    KeypairName, KeypairResponse, ListKeypairsResponse, PublicKey, RenameKeypairRequest,
    UpdateKeypairDescriptionRequest, parse_body,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Parses `body`, checks it equals `expected`, and checks that writing and re-reading
/// gives the same value.
fn round_trip<T>(body: &str, expected: &T)
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let parsed: T = parse_body(body.as_bytes()).unwrap_or_else(|err| panic!("{body}: {err}"));
    assert_eq!(&parsed, expected, "{body}");
    let written = serde_json::to_vec(&parsed).unwrap();
    let reread: T = parse_body(&written).unwrap();
    assert_eq!(&reread, expected);
}

fn create(name: &str, description: Option<&str>) -> CreateKeypairRequest {
    CreateKeypairRequest {
        name: name.to_owned(),
        description: description.map(str::to_owned),
    }
}

#[test]
fn create_bodies() {
    let cases = [
        // doc §6.1
        (
            r#"{"name": "keypair01", "description": "some description"}"#,
            create("keypair01", Some("some description")),
        ),
        // Python A.1: \u escapes, and description null when not given.
        (
            r#"{"name": "kp01", "description": "desc \u63cf\u8ff0"}"#,
            create("kp01", Some("desc 描述")),
        ),
        (
            r#"{"name": "kp02", "description": null}"#,
            create("kp02", None),
        ),
        // Go A.2: compact, <>& escaped, raw UTF-8; "" when empty.
        (
            r#"{"name":"kp01","description":"desc \u003c\u0026\u003e 描述"}"#,
            create("kp01", Some("desc <&> 描述")),
        ),
        (
            r#"{"name":"kp02","description":""}"#,
            create("kp02", Some("")),
        ),
        // Java omits nulls.
        (r#"{"name":"kp05"}"#, create("kp05", None)),
    ];
    for (body, expected) in &cases {
        round_trip(body, expected);
        let (name, description) = expected.validate().unwrap();
        assert_eq!(name.as_str(), expected.name);
        assert_eq!(
            description.as_str(),
            expected.description.as_deref().unwrap_or("")
        );
    }
    // Written form: description omitted when None.
    assert_eq!(
        serde_json::to_value(create("kp02", None)).unwrap(),
        json!({"name": "kp02"})
    );
    let built = CreateKeypairRequest::new(
        &KeypairName::new("kp01").unwrap(),
        Some(&KeypairDescription::new("d").unwrap()),
    );
    assert_eq!(
        serde_json::to_value(built).unwrap(),
        json!({"name": "kp01", "description": "d"})
    );
}

fn import(name: &str, description: Option<&str>, public_key: &str) -> ImportKeypairRequest {
    ImportKeypairRequest {
        name: name.to_owned(),
        description: description.map(str::to_owned),
        public_key: public_key.to_owned(),
    }
}

#[test]
fn import_bodies() {
    // The captured bodies carry placeholder keys: they parse as JSON, and validation then
    // refuses the key with Keypair.PublicKeyFormatInvalid, as the service would.
    let cases = [
        // doc §6.2
        (
            r#"{"name": "keypair01", "description": "some description", "publicKey": "your-pulicKey"}"#,
            import("keypair01", Some("some description"), "your-pulicKey"),
        ),
        // Python A.1
        (
            r#"{"name": "kp03", "publicKey": "ssh-rsa AAAAB3Nza test@host", "description": "d"}"#,
            import("kp03", Some("d"), "ssh-rsa AAAAB3Nza test@host"),
        ),
        (
            r#"{"name": "kp04", "publicKey": "ssh-rsa AAAA"}"#,
            import("kp04", None, "ssh-rsa AAAA"),
        ),
        // Go A.2
        (
            r#"{"name":"kp03","description":"d","publicKey":"ssh-rsa AAAA x@y"}"#,
            import("kp03", Some("d"), "ssh-rsa AAAA x@y"),
        ),
    ];
    for (body, expected) in &cases {
        round_trip(body, expected);
        assert_eq!(
            expected.validate().unwrap_err().code(),
            ErrorCode::PublicKeyFormatInvalid
        );
    }

    // The same bodies with a real key validate.
    let key = include_str!("../data/keys/rsa-2048.pub").trim();
    let body = json!({"name": "kp03", "description": "d", "publicKey": key}).to_string();
    let request: ImportKeypairRequest = parse_body(body.as_bytes()).unwrap();
    let valid = request.validate().unwrap();
    assert_eq!(valid.name.as_str(), "kp03");
    assert_eq!(valid.description.as_str(), "d");
    assert_eq!(valid.public_key.as_str(), key);

    // Validation order: name before description before key (errors.md §4 rows 14-16).
    let bad_all = import("1x", Some(&"d".repeat(141)), "nope");
    assert_eq!(
        bad_all.validate().unwrap_err().code(),
        ErrorCode::KeypairNameInvalid
    );
    let bad_rest = import("x", Some(&"d".repeat(141)), "nope");
    assert_eq!(
        bad_rest.validate().unwrap_err().code(),
        ErrorCode::KeypairDescriptionInvalid
    );

    let built = ImportKeypairRequest::new(
        &KeypairName::new("kp03").unwrap(),
        None,
        &PublicKey::parse(key).unwrap(),
    );
    assert_eq!(
        serde_json::to_value(built).unwrap(),
        json!({"name": "kp03", "publicKey": key})
    );
}

fn ids(list: &[&str]) -> InstanceIdsRequest {
    InstanceIdsRequest {
        instance_ids: list.iter().map(|id| (*id).to_owned()).collect(),
    }
}

#[test]
fn attach_and_detach_bodies() {
    let cases = [
        // doc §6.5 (S11)
        (r#"{"instanceIds": ["i-ZeVPsPzv"]}"#, ids(&["i-ZeVPsPzv"])),
        // Python A.1
        (
            r#"{"instanceIds": ["i-aaaa1111", "i-bbbb2222"]}"#,
            ids(&["i-aaaa1111", "i-bbbb2222"]),
        ),
        (r#"{"instanceIds": ["i-aaaa1111"]}"#, ids(&["i-aaaa1111"])),
        // Go A.2: extra keypairId ignored.
        (
            r#"{"keypairId":"k-abc12345","instanceIds":["i-aaaa1111","i-bbbb2222"]}"#,
            ids(&["i-aaaa1111", "i-bbbb2222"]),
        ),
        (
            r#"{"keypairId":"k-abc12345","instanceIds":["i-aaaa1111"]}"#,
            ids(&["i-aaaa1111"]),
        ),
    ];
    for (body, expected) in &cases {
        round_trip(body, expected);
        let valid = expected.validate().unwrap();
        assert_eq!(valid.len(), expected.instance_ids.len());
    }

    // Python detach without ids (§3 rule 7).
    let err = parse_body::<InstanceIdsRequest>(br#"{"instanceIds": null}"#).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InappropriateJson);

    // Empty and oversized lists, impossible ids.
    assert_eq!(
        ids(&[]).validate().unwrap_err().code(),
        ErrorCode::InappropriateJson
    );
    let many: Vec<String> = (0..101).map(|n| format!("i-{n:08}")).collect();
    let oversized = InstanceIdsRequest { instance_ids: many };
    assert_eq!(
        oversized.validate().unwrap_err().code(),
        ErrorCode::InappropriateJson
    );
    assert_eq!(
        ids(&["i-1", ""]).validate().unwrap_err().code(),
        ErrorCode::InstanceNotExist
    );

    let built = InstanceIdsRequest::new(&[InstanceId::new("i-ZeVPsPzv").unwrap()]);
    assert_eq!(
        serde_json::to_string(&built).unwrap(),
        r#"{"instanceIds":["i-ZeVPsPzv"]}"#
    );
}

#[test]
fn batch_operation_response() {
    assert_eq!(
        serde_json::to_string(&BatchOperationResponse::default()).unwrap(),
        "{}"
    );
    round_trip("{}", &BatchOperationResponse::default());
    round_trip(
        r#"{"requestId":"r-1","failedInstanceIdList":["i-1"]}"#,
        &BatchOperationResponse {
            request_id: Some("r-1".to_owned()),
            failed_instance_id_list: Some(vec!["i-1".to_owned()]),
        },
    );
    // Go's zero value, written back by a Go server, reads as well.
    let go_zero: BatchOperationResponse =
        serde_json::from_str(r#"{"requestId":"","failedInstanceIdList":null}"#).unwrap();
    assert_eq!(go_zero.request_id.as_deref(), Some(""));
    assert_eq!(go_zero.failed_instance_id_list, None);
}

#[test]
fn rename_update_description_and_delete_bodies() {
    let renamed = RenameKeypairRequest {
        name: "newName".to_owned(),
    };
    round_trip(r#"{"name": "newName"}"#, &renamed); // doc §6.8, Python
    round_trip(r#"{"name":"newName","keypairId":"k-abc12345"}"#, &renamed); // Go
    assert_eq!(renamed.validate().unwrap().as_str(), "newName");
    let bad = RenameKeypairRequest {
        name: "new name".to_owned(),
    };
    assert_eq!(
        bad.validate().unwrap_err().code(),
        ErrorCode::KeypairNameInvalid
    );
    assert_eq!(
        serde_json::to_string(&RenameKeypairRequest::new(&KeypairName::new("n").unwrap())).unwrap(),
        r#"{"name":"n"}"#
    );

    let described = UpdateKeypairDescriptionRequest {
        description: Some("new description".to_owned()),
    };
    round_trip(r#"{"description": "new description"}"#, &described); // doc §6.9, Python
    round_trip(
        r#"{"description":"new description","keypairId":"k-abc12345"}"#,
        &described,
    ); // Go
    assert_eq!(described.validate().unwrap().as_str(), "new description");
    // Absent, null and "" all clear the description.
    for body in ["{}", r#"{"description":null}"#, r#"{"description":""}"#] {
        let request: UpdateKeypairDescriptionRequest = parse_body(body.as_bytes()).unwrap();
        assert!(request.validate().unwrap().is_empty(), "{body}");
    }
    let too_long = UpdateKeypairDescriptionRequest {
        description: Some("x".repeat(141)),
    };
    assert_eq!(
        too_long.validate().unwrap_err().code(),
        ErrorCode::KeypairDescriptionInvalid
    );
    assert_eq!(
        serde_json::to_string(&UpdateKeypairDescriptionRequest::new(
            &KeypairDescription::default()
        ))
        .unwrap(),
        r#"{"description":""}"#
    );

    // Go's delete body (§3, A.2); readable, and ignorable.
    round_trip(
        r#"{"keypairId":"k-abc12345"}"#,
        &DeleteKeypairRequest {
            keypair_id: Some("k-abc12345".to_owned()),
        },
    );
    round_trip("{}", &DeleteKeypairRequest::default());
}

#[test]
fn suggested_create_response() {
    // keypair-api.md §6.1, verbatim.
    let body = r#"{"keypair":{"keypairId":"k-y7VWqAb1","name":"keypair01","description":"some description",
 "publicKey":"ssh-rsa AAAAB3Nza… ","regionId":"bj","fingerPrint":"3f:…:9a",
 "privateKey":"-----BEGIN RSA PRIVATE KEY-----\n…\n-----END RSA PRIVATE KEY-----\n",
 "instanceCount":0,"createdTime":"2026-11-24T10:00:00Z","createTime":"2026-11-24T10:00:00Z"}}"#;
    let expected = KeypairResponse {
        keypair: KeypairModel {
            keypair_id: "k-y7VWqAb1".to_owned(),
            name: "keypair01".to_owned(),
            description: "some description".to_owned(),
            public_key: "ssh-rsa AAAAB3Nza… ".to_owned(),
            region_id: "bj".to_owned(),
            finger_print: "3f:…:9a".to_owned(),
            private_key: Some(
                "-----BEGIN RSA PRIVATE KEY-----\n…\n-----END RSA PRIVATE KEY-----\n".to_owned(),
            ),
            instance_count: 0,
            created_time: "2026-11-24T10:00:00Z".to_owned(),
        },
    };
    round_trip(body, &expected);
    // Written form equals the suggestion exactly (same keys, same values).
    let doc: Value = serde_json::from_str(body).unwrap();
    assert_eq!(serde_json::to_value(&expected).unwrap(), doc);
}

#[test]
fn doc_get_response() {
    // keypair-api.md §6.4: `createTime`, no fingerPrint, no privateKey.
    let body = r#"{"keypair": {"keypairId": "keypairId", "createTime": "2018-01-27T13:23:13Z",
  "name": "keypair-name", "description": "console", "instanceCount": 3,
  "regionId": "bj", "publicKey": "publicKey"}}"#;
    let expected = KeypairResponse {
        keypair: KeypairModel {
            keypair_id: "keypairId".to_owned(),
            name: "keypair-name".to_owned(),
            description: "console".to_owned(),
            public_key: "publicKey".to_owned(),
            region_id: "bj".to_owned(),
            finger_print: String::new(),
            private_key: None,
            instance_count: 3,
            created_time: "2018-01-27T13:23:13Z".to_owned(),
        },
    };
    round_trip(body, &expected);
    let written = serde_json::to_value(&expected).unwrap();
    assert_eq!(written["keypair"]["createTime"], "2018-01-27T13:23:13Z");
    assert_eq!(written["keypair"]["createdTime"], "2018-01-27T13:23:13Z");
    assert!(written["keypair"].get("privateKey").is_none());
}

#[test]
fn doc_list_response() {
    // keypair-api.md §6.3 (S8).
    let body = r#"{"nextMarker": "k-xktdeMSf", "marker": "k-IyWRtII7", "maxKeys": 1, "isTruncated": true,
 "keypairs": [{"keypairId": "k-IyWRtII7", "createTime": "2018-01-27T13:23:13Z",
   "name": "instance-j93wzbn1", "regionId": "bj", "instanceCount": 3}]}"#;
    let expected = ListKeypairsResponse {
        marker: "k-IyWRtII7".to_owned(),
        is_truncated: true,
        next_marker: Some("k-xktdeMSf".to_owned()),
        max_keys: 1,
        keypairs: vec![KeypairModel {
            keypair_id: "k-IyWRtII7".to_owned(),
            name: "instance-j93wzbn1".to_owned(),
            region_id: "bj".to_owned(),
            instance_count: 3,
            created_time: "2018-01-27T13:23:13Z".to_owned(),
            ..KeypairModel::default()
        }],
    };
    round_trip(body, &expected);
}

#[test]
fn list_response_edges() {
    // The empty result of §6.3, written exactly: no nextMarker, keypairs an array.
    let empty = ListKeypairsResponse {
        max_keys: 1000,
        ..ListKeypairsResponse::default()
    };
    assert_eq!(
        serde_json::to_string(&empty).unwrap(),
        r#"{"marker":"","isTruncated":false,"maxKeys":1000,"keypairs":[]}"#
    );
    round_trip(
        r#"{"marker":"","isTruncated":false,"maxKeys":1000,"keypairs":[]}"#,
        &empty,
    );
    // nextMarker is written only on a truncated page.
    let stray_marker = ListKeypairsResponse {
        next_marker: Some("k-x".to_owned()),
        ..empty.clone()
    };
    assert!(
        serde_json::to_value(&stray_marker)
            .unwrap()
            .get("nextMarker")
            .is_none()
    );
    let truncated = ListKeypairsResponse {
        is_truncated: true,
        ..stray_marker
    };
    assert_eq!(
        serde_json::to_value(&truncated).unwrap()["nextMarker"],
        "k-x"
    );
    // Lenient reading: keypairs absent or null is an empty page.
    for body in [
        r#"{"marker":"","isTruncated":false,"maxKeys":1000}"#,
        r#"{"marker":"","isTruncated":false,"maxKeys":1000,"keypairs":null}"#,
        r#"{"marker":null,"isTruncated":null,"maxKeys":1000,"keypairs":null,"nextMarker":null}"#,
    ] {
        let page: ListKeypairsResponse = parse_body(body.as_bytes()).unwrap();
        assert_eq!(page, empty, "{body}");
    }
}
