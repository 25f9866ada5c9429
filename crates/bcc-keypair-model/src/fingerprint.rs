//! The `fingerPrint` of a key pair (`keypair-api.md` §4).

use md5::{Digest, Md5};

/// Computes the `fingerPrint` of a public key from its decoded key blob: the MD5 digest of
/// the blob as colon-separated lower-case hex pairs (`aa:bb:…`, 47 characters).
///
/// The format is undocumented; this is the industry-wide RFC 4716 style, identical to the
/// part after `MD5:` in `ssh-keygen -l -E md5` output (`keypair-api.md` §4, an inferred choice).
/// Use [`PublicKey::fingerprint`](crate::PublicKey::fingerprint) when you hold a parsed key.
///
/// ```
/// assert_eq!(
///     bcc_keypair_model::fingerprint(b""),
///     "d4:1d:8c:d9:8f:00:b2:04:e9:80:09:98:ec:f8:42:7e"
/// );
/// ```
pub fn fingerprint(blob: &[u8]) -> String {
    let hex = hex::encode(Md5::digest(blob));
    let mut out = String::with_capacity(hex.len() / 2 * 3);
    for (index, digit) in hex.chars().enumerate() {
        if index > 0 && index % 2 == 0 {
            out.push(':');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fingerprint;

    #[test]
    fn shape_is_sixteen_lower_case_pairs() {
        let print = fingerprint(b"any blob");
        assert_eq!(print.len(), 47);
        assert!(print.split(':').all(|pair| {
            pair.len() == 2
                && pair
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        }));
    }
}
