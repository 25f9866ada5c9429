//! Public keys for import scenarios, unique per call so runs never collide on
//! `Keypair.KeypairPublicKeyExist` in a shared account.

use base64::Engine as _;
use rand::RngCore as _;

/// An OpenSSH `ssh-rsa` public key line with a random 2048-bit modulus and exponent 65537.
///
/// The modulus is not a product of two primes: the key only has to be well-formed (RFC 4253
/// §6.6 encoding), unique and never used to log in anywhere.
pub fn random_rsa_public_key(comment: &str) -> String {
    let mut modulus = [0u8; 256];
    rand::thread_rng().fill_bytes(&mut modulus);
    modulus[0] |= 0x80;
    modulus[255] |= 1;
    let mut blob = Vec::with_capacity(300);
    put_string(&mut blob, b"ssh-rsa");
    put_mpint(&mut blob, &[0x01, 0x00, 0x01]);
    put_mpint(&mut blob, &modulus);
    openssh_line("ssh-rsa", &blob, comment)
}

/// An `ssh-ed25519` public key line: well-formed, but a type the API does not accept
/// (keypair-api.md §5: rsa, dsa, ecdsa only).
pub fn random_ed25519_public_key(comment: &str) -> String {
    let mut point = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut point);
    let mut blob = Vec::with_capacity(51);
    put_string(&mut blob, b"ssh-ed25519");
    put_string(&mut blob, &point);
    openssh_line("ssh-ed25519", &blob, comment)
}

/// The decoded key blob of an OpenSSH public key line (its second field).
pub fn key_blob(line: &str) -> Option<Vec<u8>> {
    let encoded = line.split_whitespace().nth(1)?;
    base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()
}

fn openssh_line(algorithm: &str, blob: &[u8], comment: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(blob);
    if comment.is_empty() {
        format!("{algorithm} {encoded}")
    } else {
        format!("{algorithm} {encoded} {comment}")
    }
}

fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

/// A positive mpint: a leading zero byte when the top bit is set.
fn put_mpint(out: &mut Vec<u8>, magnitude: &[u8]) {
    if magnitude.first().is_some_and(|byte| byte & 0x80 != 0) {
        let mut padded = Vec::with_capacity(magnitude.len() + 1);
        padded.push(0);
        padded.extend_from_slice(magnitude);
        put_string(out, &padded);
    } else {
        put_string(out, magnitude);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsa_keys_are_unique_and_well_formed() {
        let first = random_rsa_public_key("a@b");
        let second = random_rsa_public_key("a@b");
        assert_ne!(first, second);
        assert!(first.starts_with("ssh-rsa AAAAB3NzaC1yc2E"));
        assert!(first.ends_with(" a@b"));
        let blob = key_blob(&first).unwrap();
        // string "ssh-rsa" (4+7) + mpint e (4+3) + mpint n (4+1+256)
        assert_eq!(blob.len(), 11 + 7 + 261);
        assert_eq!(&blob[18..23], &[0, 0, 1, 1, 0]);
    }

    #[test]
    fn ed25519_keys_have_the_openssh_prefix() {
        let line = random_ed25519_public_key("");
        assert!(line.starts_with("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5"));
        assert_eq!(key_blob(&line).unwrap().len(), 4 + 11 + 4 + 32);
    }
}
