//! The list query rules of `keypair-api.md` §6.3.

use bcc_keypair_model::{ErrorCode, ListKeypairsQuery, ModelError, effective_max_keys};

#[test]
fn max_keys_rules() {
    // (raw value, effective page size or None for InvalidHTTPRequest)
    let cases: &[(&str, Option<u32>)] = &[
        ("1", Some(1)),
        ("10", Some(10)),
        ("1000", Some(1000)),
        ("1001", Some(1000)),
        ("4294967296", Some(1000)),
        ("99999999999999999999999999", Some(1000)),
        ("0", Some(1000)),
        ("-1", Some(1000)),
        ("-99999999999999999999999999", Some(1000)),
        ("+7", Some(7)),
        ("007", Some(7)),
        ("", Some(1000)),
        ("ten", None),
        ("1.5", None),
        ("1e3", None),
        (" 5", None),
        ("5 ", None),
        ("-", None),
        ("+", None),
        ("0x10", None),
        ("１０", None),
    ];
    for &(raw, expected) in cases {
        match (effective_max_keys(raw), expected) {
            (Ok(got), Some(want)) => assert_eq!(got, want, "maxKeys={raw:?}"),
            (Err(err), None) => {
                assert_eq!(
                    err,
                    ModelError::InvalidMaxKeys {
                        value: raw.to_owned()
                    }
                );
                assert_eq!(err.code(), ErrorCode::InvalidHttpRequest);
            }
            (got, want) => panic!("maxKeys={raw:?}: got {got:?}, want {want:?}"),
        }
    }
}

#[test]
fn query_from_pairs() {
    // No parameters (Python list_keypairs()).
    let query = ListKeypairsQuery::from_pairs(std::iter::empty::<(&str, &str)>()).unwrap();
    assert_eq!(query, ListKeypairsQuery::default());
    assert_eq!(
        (query.marker, query.max_keys, query.name),
        (None, 1000, None)
    );

    // keypair-api.md Appendix A: `marker=k-IyWRtII7&maxKeys=10&name=my%20kp%2F1`, decoded.
    let query = ListKeypairsQuery::from_pairs([
        ("marker", "k-IyWRtII7"),
        ("maxKeys", "10"),
        ("name", "my kp/1"),
    ])
    .unwrap();
    assert_eq!(query.marker.as_deref(), Some("k-IyWRtII7"));
    assert_eq!(query.max_keys, 10);
    assert_eq!(query.name.as_deref(), Some("my kp/1"));

    // Owned pairs, unknown and empty parameters, repeats (last wins).
    let pairs = vec![
        ("clientToken".to_owned(), "tok".to_owned()),
        ("marker".to_owned(), String::new()),
        ("name".to_owned(), "测 试+x".to_owned()),
        ("maxKeys".to_owned(), "5".to_owned()),
        ("maxKeys".to_owned(), "2000".to_owned()),
    ];
    let query = ListKeypairsQuery::from_pairs(pairs).unwrap();
    assert_eq!(query.marker, None);
    assert_eq!(query.name.as_deref(), Some("测 试+x"));
    assert_eq!(query.max_keys, 1000);

    let err = ListKeypairsQuery::from_pairs([("maxKeys", "abc")]).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidHttpRequest);
    assert_eq!(err.to_string(), "maxKeys must be an integer, got \"abc\"");
}
