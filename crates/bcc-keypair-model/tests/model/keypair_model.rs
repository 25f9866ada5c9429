//! `KeypairModel`: JSON names, both time spellings, leniency, redaction (`keypair-api.md` §4).

use bcc_keypair_model::KeypairModel;
use serde_json::json;

fn full() -> KeypairModel {
    KeypairModel {
        keypair_id: "k-y7VWqAb1".to_owned(),
        name: "keypair01".to_owned(),
        description: "some description".to_owned(),
        public_key: "ssh-rsa AAAAB3Nza".to_owned(),
        region_id: "bj".to_owned(),
        finger_print: "3f:00:00:00:00:00:00:00:00:00:00:00:00:00:00:9a".to_owned(),
        private_key: Some(
            "-----BEGIN RSA PRIVATE KEY-----\nSECRET\n-----END RSA PRIVATE KEY-----\n".to_owned(),
        ),
        instance_count: 3,
        created_time: "2026-11-24T10:00:00Z".to_owned(),
    }
}

#[test]
fn writes_every_field_with_its_wire_name_and_both_time_spellings() {
    let value = serde_json::to_value(full()).unwrap();
    assert_eq!(
        value,
        json!({
            "keypairId": "k-y7VWqAb1",
            "name": "keypair01",
            "description": "some description",
            "publicKey": "ssh-rsa AAAAB3Nza",
            "regionId": "bj",
            "fingerPrint": "3f:00:00:00:00:00:00:00:00:00:00:00:00:00:00:9a",
            "privateKey": "-----BEGIN RSA PRIVATE KEY-----\nSECRET\n-----END RSA PRIVATE KEY-----\n",
            "instanceCount": 3,
            "createdTime": "2026-11-24T10:00:00Z",
            "createTime": "2026-11-24T10:00:00Z"
        })
    );
    let round_tripped: KeypairModel = serde_json::from_value(value).unwrap();
    assert_eq!(round_tripped, full());
}

#[test]
fn private_key_is_written_only_when_present() {
    let model = KeypairModel {
        private_key: None,
        ..full()
    };
    let value = serde_json::to_value(&model).unwrap();
    assert!(value.get("privateKey").is_none());
    assert_eq!(value.as_object().unwrap().len(), 9);
}

#[test]
fn reads_create_time_and_prefers_created_time() {
    let from_doc: KeypairModel =
        serde_json::from_str(r#"{"keypairId":"k-1","createTime":"2018-01-27T13:23:13Z"}"#).unwrap();
    assert_eq!(from_doc.created_time, "2018-01-27T13:23:13Z");

    let both: KeypairModel = serde_json::from_str(
        r#"{"createTime":"2018-01-01T00:00:00Z","createdTime":"2026-11-24T10:00:00Z"}"#,
    )
    .unwrap();
    assert_eq!(both.created_time, "2026-11-24T10:00:00Z");
}

#[test]
fn absent_null_and_unknown_fields_are_tolerated() {
    let model: KeypairModel = serde_json::from_str(
        r#"{"keypairId":"k-1","description":null,"privateKey":null,"instanceCount":null,"somethingNew":{"x":[1]}}"#,
    )
    .unwrap();
    assert_eq!(
        model,
        KeypairModel {
            keypair_id: "k-1".to_owned(),
            ..KeypairModel::default()
        }
    );
    let empty: KeypairModel = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, KeypairModel::default());
}

#[test]
fn debug_redacts_the_private_key() {
    let printed = format!("{:?}", full());
    assert!(!printed.contains("SECRET"), "{printed}");
    assert!(!printed.contains("BEGIN RSA"), "{printed}");
    assert!(printed.contains("**redacted**"));
    assert!(printed.contains("k-y7VWqAb1"));
    let without = format!(
        "{:?}",
        KeypairModel {
            private_key: None,
            ..full()
        }
    );
    assert!(without.contains("private_key: None"));
}
