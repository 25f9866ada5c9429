//! The numbers inside a key blob: `ssh-key` checks only their encoding, so a blob can hold
//! an RSA modulus of 8 bits, an ECDSA point off its curve, or DSA parameters that form no
//! group. Each check here refuses numbers no working key has. (Inferred: the service
//! documents no limits; these are the ones OpenSSH or FIPS 186-4 set, so a refused key is
//! one that could not log in to an instance anyway.)

use crypto_bigint::modular::runtime_mod::{DynResidue, DynResidueParams};
use crypto_bigint::{NonZero, U256, U3072};
use ssh_key::public::{DsaPublicKey, EcdsaPublicKey, KeyData, RsaPublicKey};

use crate::error::InvalidPublicKeyReason;

/// The smallest and largest RSA modulus OpenSSH accepts, in bits (its
/// `SSH_RSA_MINIMUM_MODULUS_SIZE` and the 16,384-bit limit of its RSA code).
const RSA_MODULUS_BITS: std::ops::RangeInclusive<usize> = 1024..=16384;

/// DSA's prime modulus sizes: FIPS 186-4 §4.2 allows 1,024, 2,048 and 3,072 bits (OpenSSH
/// writes only 1,024-bit keys), so anything in between is refused as well.
const DSA_P_BITS: [usize; 3] = [1024, 2048, 3072];
/// DSA's subgroup order sizes (FIPS 186-4 §4.2: 160 with 1,024-bit `p`, 224 or 256 above).
const DSA_Q_BITS: [usize; 3] = [160, 224, 256];

/// Checks the numbers of the key types that have checkable numbers.
pub(super) fn check(key: &KeyData) -> Result<(), InvalidPublicKeyReason> {
    match key {
        KeyData::Rsa(rsa) => {
            check_rsa(rsa).map_err(|detail| InvalidPublicKeyReason::UnusableRsaKey {
                detail: detail.to_owned(),
            })
        }
        KeyData::Dsa(dsa) => {
            check_dsa(dsa).map_err(|detail| InvalidPublicKeyReason::UnusableDsaKey {
                detail: detail.to_owned(),
            })
        }
        KeyData::Ecdsa(point) => check_ecdsa(point),
        // An Ed25519 key is any 32 bytes: every encoding names a point.
        _ => Ok(()),
    }
}

/// Refuses RSA numbers that parse but cannot form a key.
fn check_rsa(rsa: &RsaPublicKey) -> Result<(), &'static str> {
    let (n, e) = (magnitude(&rsa.n), magnitude(&rsa.e));
    if !RSA_MODULUS_BITS.contains(&bits(n)) {
        return Err("the modulus must have 1,024 to 16,384 bits");
    }
    if !is_odd(n) {
        return Err("the modulus must be odd");
    }
    if e.len() <= 1 && e.first().is_none_or(|&low| low < 3) {
        return Err("the public exponent must be at least 3");
    }
    if !is_odd(e) {
        return Err("the public exponent must be odd");
    }
    // Both are big-endian without leading zeros: the shorter is the smaller.
    if (e.len(), e) >= (n.len(), n) {
        return Err("the public exponent must be smaller than the modulus");
    }
    Ok(())
}

/// Refuses a point that is not on its curve. The `p256`, `p384` and `p521` crates decode
/// the SEC1 point and check the curve equation (and refuse the point at infinity).
fn check_ecdsa(point: &EcdsaPublicKey) -> Result<(), InvalidPublicKeyReason> {
    let bytes = point.as_sec1_bytes();
    let (on_curve, curve) = match point {
        EcdsaPublicKey::NistP256(_) => {
            (p256::PublicKey::from_sec1_bytes(bytes).is_ok(), "nistp256")
        }
        EcdsaPublicKey::NistP384(_) => {
            (p384::PublicKey::from_sec1_bytes(bytes).is_ok(), "nistp384")
        }
        EcdsaPublicKey::NistP521(_) => {
            (p521::PublicKey::from_sec1_bytes(bytes).is_ok(), "nistp521")
        }
    };
    if on_curve {
        Ok(())
    } else {
        Err(InvalidPublicKeyReason::PointNotOnCurve { curve })
    }
}

/// Refuses DSA parameters that form no usable group: sizes (FIPS 186-4 §4.2), `1 < g < p`,
/// `1 < y < p`, `q` dividing `p - 1`, and `g` of order `q`. The arithmetic is
/// `crypto-bigint`'s, which the curve crates already bring; `p` is at most 3,072 bits, so
/// one fixed size serves.
fn check_dsa(dsa: &DsaPublicKey) -> Result<(), &'static str> {
    let (p, q, g, y) = (
        magnitude(&dsa.p),
        magnitude(&dsa.q),
        magnitude(&dsa.g),
        magnitude(&dsa.y),
    );
    if !DSA_P_BITS.contains(&bits(p)) {
        return Err("p must have 1,024, 2,048 or 3,072 bits");
    }
    if !DSA_Q_BITS.contains(&bits(q)) {
        return Err("q must have 160, 224 or 256 bits");
    }
    if !is_odd(p) || !is_odd(q) {
        return Err("p and q must be odd primes");
    }
    let (p, q_wide, q, g, y) = (
        wide(p),
        wide(q),
        U256::from_be_slice(&padded::<32>(q)),
        wide(g),
        wide(y),
    );
    let one = U3072::ONE;
    if g <= one || g >= p {
        return Err("g must lie between 1 and p");
    }
    if y <= one || y >= p {
        return Err("y must lie between 1 and p");
    }
    let Some(q_nonzero) = Option::<NonZero<U3072>>::from(NonZero::new(q_wide)) else {
        return Err("q must not be zero");
    };
    if p.wrapping_sub(&one).rem(&q_nonzero) != U3072::ZERO {
        return Err("q must divide p - 1");
    }
    // `new` panics on an even modulus; p was checked to be odd above.
    let params = DynResidueParams::new(&p);
    let order = DynResidue::new(&g, params).pow_bounded_exp(&q, 256);
    if order.retrieve() != one {
        return Err("g must generate a subgroup of order q");
    }
    Ok(())
}

/// A big-endian magnitude of at most 3,072 bits as a fixed-size number.
fn wide(bytes: &[u8]) -> U3072 {
    U3072::from_be_slice(&padded::<384>(bytes))
}

/// `bytes` (at most `N` of them, callers check the bit length first) right-aligned in `N`.
fn padded<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0; N];
    let len = bytes.len().min(N);
    out[N - len..].copy_from_slice(&bytes[bytes.len() - len..]);
    out
}

/// The bit length of a big-endian magnitude without leading zeros.
fn bits(bytes: &[u8]) -> usize {
    bytes
        .first()
        .map_or(0, |&top| 8 * bytes.len() - top.leading_zeros() as usize)
}

fn is_odd(bytes: &[u8]) -> bool {
    bytes.last().is_some_and(|&low| low & 1 == 1)
}

/// The big-endian bytes of a non-negative number without leading zeros (empty for zero and
/// for a negative number, which no key has).
fn magnitude(mpint: &ssh_key::Mpint) -> &[u8] {
    let bytes = mpint.as_positive_bytes().unwrap_or_default();
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}
