//! The public-key parser (`keypair-api.md` §5): any line either parses into a key whose
//! text parses again to the same blob, or is refused with `Keypair.PublicKeyFormatInvalid`.
//!
//! Half the inputs are taken as a whole line; the other half as a type word chosen by the
//! first byte and a blob that is the rest of the input, base64-encoded, so that the fuzzer
//! spends its time inside the SSH wire format instead of in base64.
#![no_main]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bcc_keypair_model::{ErrorCode, KeyAlgorithm, KeyPolicy, PublicKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let line = if selector & 0x80 == 0 {
        let Ok(text) = std::str::from_utf8(rest) else {
            return;
        };
        text.to_owned()
    } else {
        let algorithms = KeyAlgorithm::ALL;
        let algorithm = algorithms[usize::from(selector) % algorithms.len()];
        format!("{algorithm} {} fuzz", STANDARD.encode(rest))
    };
    for policy in [KeyPolicy::Documented, KeyPolicy::AlsoEd25519] {
        match PublicKey::parse_with_policy(&line, policy) {
            Ok(key) => {
                let again = PublicKey::parse_with_policy(key.as_str(), policy)
                    .expect("an accepted key's text parses again");
                assert_eq!(again.blob(), key.blob());
                assert_eq!(again.algorithm(), key.algorithm());
                assert_eq!(key.fingerprint().len(), 47);
            }
            Err(error) => assert_eq!(error.code(), ErrorCode::PublicKeyFormatInvalid),
        }
    }
});
