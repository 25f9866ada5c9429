//! The numbers inside ECDSA and DSA key blobs: points on their curve, DSA groups that work.
//! The committed `ssh-keygen` keys are the good examples; each bad one is a good key with
//! one number changed.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bcc_keypair_model::{ErrorCode, InvalidPublicKeyReason, ModelError, PublicKey};

const ECDSA_256: &str = include_str!("../data/keys/ecdsa-256.pub");
const ECDSA_384: &str = include_str!("../data/keys/ecdsa-384.pub");
const ECDSA_521: &str = include_str!("../data/keys/ecdsa-521.pub");
const DSA: &str = include_str!("../data/keys/dsa.pub");

/// The SSH wire fields of a key line's blob (each a 32-bit length and its bytes).
fn fields(line: &str) -> (String, Vec<Vec<u8>>) {
    let mut words = line.split_whitespace();
    let kind = words.next().unwrap().to_owned();
    let blob = STANDARD.decode(words.next().unwrap()).unwrap();
    let mut rest = &blob[..];
    let mut out = Vec::new();
    while !rest.is_empty() {
        let len = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
        out.push(rest[4..4 + len].to_vec());
        rest = &rest[4 + len..];
    }
    (kind, out)
}

fn line(kind: &str, fields: &[Vec<u8>]) -> String {
    let mut blob = Vec::new();
    for field in fields {
        blob.extend_from_slice(&u32::try_from(field.len()).unwrap().to_be_bytes());
        blob.extend_from_slice(field);
    }
    format!("{kind} {}", STANDARD.encode(blob))
}

/// `key` with field `index` changed by `change`.
fn changed(key: &str, index: usize, change: impl FnOnce(&mut Vec<u8>)) -> String {
    let (kind, mut fields) = fields(key);
    change(&mut fields[index]);
    line(&kind, &fields)
}

fn reason(text: &str) -> InvalidPublicKeyReason {
    match PublicKey::parse(text) {
        Err(ModelError::InvalidPublicKey(reason)) => {
            assert_eq!(
                ModelError::InvalidPublicKey(reason.clone()).code(),
                ErrorCode::PublicKeyFormatInvalid
            );
            reason
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn ecdsa_points_off_their_curve_are_refused() {
    for (key, curve) in [
        (ECDSA_256, "nistp256"),
        (ECDSA_384, "nistp384"),
        (ECDSA_521, "nistp521"),
    ] {
        assert!(PublicKey::parse(key).is_ok(), "{curve}");
        let off_curve = changed(key, 2, |point| *point.last_mut().unwrap() ^= 1);
        assert_eq!(
            reason(&off_curve),
            InvalidPublicKeyReason::PointNotOnCurve { curve },
            "{curve}"
        );
        // x = y = 0 is not on any of the three curves (their b is not 0).
        let zero = changed(key, 2, |point| point[1..].fill(0));
        assert_eq!(
            reason(&zero),
            InvalidPublicKeyReason::PointNotOnCurve { curve }
        );
    }
}

/// A compressed point (`02`/`03` and x only) is on the curve when x is: accepted like
/// OpenSSH's decoder accepts it.
#[test]
fn a_compressed_point_on_the_curve_is_accepted() {
    let key = changed(ECDSA_256, 2, |point| {
        let y_is_odd = point[64] & 1;
        point.truncate(33);
        point[0] = 2 | y_is_odd;
    });
    assert!(PublicKey::parse(&key).is_ok());
}

fn unusable_dsa(key: &str, detail: &str) {
    assert_eq!(
        reason(key),
        InvalidPublicKeyReason::UnusableDsaKey {
            detail: detail.to_owned()
        },
        "{key}"
    );
}

#[test]
fn dsa_parameters_that_form_no_group_are_refused() {
    // Fields: type, p, q, g, y.
    assert!(PublicKey::parse(DSA).is_ok());
    let sizes = "p must have 1,024, 2,048 or 3,072 bits";
    unusable_dsa(
        &changed(DSA, 1, |p| {
            p.remove(1);
        }),
        sizes,
    );
    unusable_dsa(&changed(DSA, 1, |p| *p = vec![0x05]), sizes);
    unusable_dsa(
        &changed(DSA, 2, |q| q.insert(0, 1)),
        "q must have 160, 224 or 256 bits",
    );
    unusable_dsa(
        &changed(DSA, 1, |p| *p.last_mut().unwrap() ^= 1),
        "p and q must be odd primes",
    );
    unusable_dsa(
        &changed(DSA, 2, |q| *q.last_mut().unwrap() ^= 1),
        "p and q must be odd primes",
    );
    unusable_dsa(
        &changed(DSA, 3, |g| *g = vec![1]),
        "g must lie between 1 and p",
    );
    unusable_dsa(
        &changed(DSA, 3, |g| *g = vec![]),
        "g must lie between 1 and p",
    );
    let p = fields(DSA).1[1].clone();
    unusable_dsa(
        &changed(DSA, 3, |g| *g = p.clone()),
        "g must lie between 1 and p",
    );
    unusable_dsa(
        &changed(DSA, 4, |y| *y = vec![1]),
        "y must lie between 1 and p",
    );
    unusable_dsa(
        &changed(DSA, 4, |y| *y = p.clone()),
        "y must lie between 1 and p",
    );
    unusable_dsa(&changed(DSA, 2, |q| q[5] ^= 4), "q must divide p - 1");
    unusable_dsa(
        &changed(DSA, 3, |g| *g.last_mut().unwrap() ^= 2),
        "g must generate a subgroup of order q",
    );
}
