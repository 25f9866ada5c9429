//! Key material for created key pairs: real RSA-2048 keys, generated off the async runtime.
//!
//! keypair-api.md §6.1: the cloud generates the key pair; the simulator answers with an
//! OpenSSH `ssh-rsa` public key, a PKCS#1 PEM private key and the fingerprint of the public
//! key blob. Generating an RSA-2048 key takes tens to hundreds of milliseconds, so
//! [`RsaKeyPool`] keeps a few keys ready on background threads; a create request takes one
//! at once and only waits (asynchronously) when a burst has emptied the pool.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_lc_rs::encoding::{AsDer as _, Pkcs8V1Der};
use aws_lc_rs::rsa::KeyPair;
use aws_lc_rs::signature::KeyPair as _;
use pem_rfc7468::LineEnding;
use ssh_key::Mpint;
use tokio::sync::{Mutex, mpsc};

use crate::SimError;

#[cfg(feature = "bundled-keys")]
mod bundle;

#[cfg(feature = "bundled-keys")]
pub use bundle::BundledKeys;

/// Bits of every generated key (keypair-api.md §6.1: "RSA 2048").
pub const RSA_BITS: usize = 2048;

/// [`RSA_BITS`] as aws-lc's key size.
const RSA_KEY_SIZE: aws_lc_rs::rsa::KeySize = aws_lc_rs::rsa::KeySize::Rsa2048;

/// PEM label of a PKCS#1 `RSAPrivateKey` (RFC 8017 appendix A.1.2); keypair-api.md §6.1
/// shows the private key in this form.
const PKCS1_PEM_LABEL: &str = "RSA PRIVATE KEY";

/// Default number of keys [`RsaKeyPool`] keeps ready.
pub const DEFAULT_KEY_POOL_SIZE: usize = 8;

/// One key pair as handed out by a create request.
#[derive(Clone)]
pub struct GeneratedKey {
    private_key_pem: String,
    public_key: String,
    blob: Vec<u8>,
    fingerprint: String,
}

impl fmt::Debug for GeneratedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeneratedKey")
            .field("private_key_pem", &"**redacted**")
            .field("public_key", &self.public_key)
            .field("fingerprint", &self.fingerprint)
            .finish()
    }
}

fn key_error(error: impl fmt::Display) -> SimError {
    SimError::Key(error.to_string())
}

impl GeneratedKey {
    /// Derives the wire forms of `key`: PKCS#1 PEM, OpenSSH public key and fingerprint.
    /// `pkcs1_der` is `key` as a DER `RSAPrivateKey`.
    fn from_key_pair(key: &KeyPair, pkcs1_der: &[u8]) -> Result<Self, SimError> {
        let private_key_pem =
            pem_rfc7468::encode_string(PKCS1_PEM_LABEL, LineEnding::LF, pkcs1_der)
                .map_err(key_error)?;
        // The OpenSSH `ssh-rsa` blob holds e and n as mpints (RFC 4253 §6.6); aws-lc gives
        // the public key as a DER `RSAPublicKey` (RFC 8017 appendix A.1.1) holding both.
        let public = pkcs1::RsaPublicKey::try_from(key.public_key().as_ref()).map_err(key_error)?;
        let ssh_public = ssh_key::public::RsaPublicKey {
            e: Mpint::from_positive_bytes(public.public_exponent.as_bytes()).map_err(key_error)?,
            n: Mpint::from_positive_bytes(public.modulus.as_bytes()).map_err(key_error)?,
        };
        let public = ssh_key::PublicKey::new(ssh_key::public::KeyData::Rsa(ssh_public), "");
        let public_key = public.to_openssh().map_err(key_error)?;
        let blob = public.to_bytes().map_err(key_error)?;
        let fingerprint = bcc_keypair_model::fingerprint(&blob);
        Ok(Self {
            private_key_pem,
            public_key,
            blob,
            fingerprint,
        })
    }

    /// Parses a PKCS#1 PEM (`-----BEGIN RSA PRIVATE KEY-----`) private key of 2048 to
    /// 8192 bits (what aws-lc accepts).
    pub fn from_pkcs1_pem(pem: &str) -> Result<Self, SimError> {
        let (label, der) = pem_rfc7468::decode_vec(pem.as_bytes()).map_err(key_error)?;
        if label != PKCS1_PEM_LABEL {
            return Err(SimError::Key(format!(
                "expected a PEM \"{PKCS1_PEM_LABEL}\", found \"{label}\""
            )));
        }
        Self::from_pkcs1_der(&der)
    }

    /// Parses a PKCS#1 DER `RSAPrivateKey`.
    pub(crate) fn from_pkcs1_der(der: &[u8]) -> Result<Self, SimError> {
        let key = KeyPair::from_der(der).map_err(key_error)?;
        Self::from_key_pair(&key, der)
    }

    /// Generates a fresh RSA-2048 key. CPU-bound: call it off the async runtime.
    ///
    /// aws-lc finds the primes about three times faster than the pure-Rust `rsa` crate
    /// (that speed is the sustained create rate) and is the only RSA code here; `pkcs1` and
    /// `pkcs8` only read DER fields. aws-lc writes private keys only as PKCS#8, whose
    /// `privateKey` octet string is the PKCS#1 `RSAPrivateKey` (RFC 5208 §5).
    pub fn generate() -> Result<Self, SimError> {
        let key = KeyPair::generate(RSA_KEY_SIZE)
            .map_err(|e| SimError::Key(format!("RSA key generation failed: {e}")))?;
        let pkcs8: Pkcs8V1Der<'static> = key
            .as_der()
            .map_err(|e| SimError::Key(format!("RSA key encoding failed: {e}")))?;
        let info = pkcs8::PrivateKeyInfo::try_from(pkcs8.as_ref()).map_err(key_error)?;
        Self::from_key_pair(&key, info.private_key)
    }

    /// The private key, PKCS#1 PEM with LF line endings.
    pub fn private_key_pem(&self) -> &str {
        &self.private_key_pem
    }

    /// The public key in OpenSSH one-line form (`ssh-rsa AAAA…`).
    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    /// The decoded public key blob (what duplicate detection compares).
    pub fn blob(&self) -> &[u8] {
        &self.blob
    }

    /// MD5 fingerprint of the blob, colon-separated lower-case hex (keypair-api.md §4).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }
}

/// Boxed future returned by [`KeySource::next_key`].
pub type KeyFuture<'a> = Pin<Box<dyn Future<Output = Result<GeneratedKey, SimError>> + Send + 'a>>;

/// Whether the account and region of a create already hold a public key (given as its
/// decoded blob).
pub type TakenKeys<'a> = dyn Fn(&[u8]) -> bool + Send + Sync + 'a;

/// Where created key pairs get their key material.
pub trait KeySource: Send + Sync {
    /// The next key. Must not block the async runtime.
    fn next_key(&self) -> KeyFuture<'_>;
    /// Keys available without waiting (for `/__sim/health`).
    fn ready(&self) -> usize;
    /// The next key whose public key `taken` does not report as held already; create asks
    /// this way. The default is [`KeySource::next_key`]: freshly generated keys never
    /// repeat. A source that hands out keys again (like `BundledKeys`) skips held ones.
    fn next_key_avoiding<'a>(&'a self, taken: &'a TakenKeys<'a>) -> KeyFuture<'a> {
        let _ = taken;
        self.next_key()
    }
}

/// A pool of RSA-2048 keys generated by background threads.
///
/// The bounded channel holds up to `size` finished keys; each generator thread blocks on the
/// channel when it is full, so the pool refills right after a burst and then idles. Dropping
/// the pool closes the channel and the threads finish their current key and exit.
pub struct RsaKeyPool {
    keys: Mutex<mpsc::Receiver<GeneratedKey>>,
    ready: Arc<AtomicUsize>,
}

impl fmt::Debug for RsaKeyPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaKeyPool")
            .field("ready", &self.ready())
            .finish()
    }
}

impl RsaKeyPool {
    /// Starts `threads` generator threads keeping up to `size` keys ready (both at least 1).
    pub fn start(size: usize, threads: usize) -> Result<Self, SimError> {
        let (tx, rx) = mpsc::channel(size.max(1));
        let ready = Arc::new(AtomicUsize::new(0));
        for n in 0..threads.max(1) {
            let tx = tx.clone();
            let ready = Arc::clone(&ready);
            std::thread::Builder::new()
                .name(format!("rsa-keygen-{n}"))
                .spawn(move || generate_until_closed(&tx, &ready))
                .map_err(SimError::Io)?;
        }
        Ok(Self {
            keys: Mutex::new(rx),
            ready,
        })
    }
}

fn generate_until_closed(tx: &mpsc::Sender<GeneratedKey>, ready: &AtomicUsize) {
    // Lowest priority (niceness 19 on Linux): generation soaks up idle CPU but yields to the
    // threads that answer requests, so other operations keep their latency while the pool
    // refills. Failing to lower it (an unusual OS policy) only costs latency.
    if let Err(error) =
        thread_priority::set_current_thread_priority(thread_priority::ThreadPriority::Min)
    {
        tracing::debug!(?error, "could not lower the key generator's priority");
    }
    while !tx.is_closed() {
        match GeneratedKey::generate() {
            Ok(key) => {
                if tx.blocking_send(key).is_err() {
                    return;
                }
                ready.fetch_add(1, Ordering::Relaxed);
            }
            Err(error) => {
                tracing::error!(%error, "RSA key generation failed");
                return;
            }
        }
    }
}

impl KeySource for RsaKeyPool {
    fn next_key(&self) -> KeyFuture<'_> {
        Box::pin(async move {
            let key = self.keys.lock().await.recv().await;
            match key {
                Some(key) => {
                    // Saturating: a key may be taken before its producer counted it.
                    let _ = self
                        .ready
                        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                            Some(n.saturating_sub(1))
                        });
                    Ok(key)
                }
                None => Err(SimError::Key("key generator threads stopped".into())),
            }
        })
    }

    fn ready(&self) -> usize {
        self.ready.load(Ordering::Relaxed)
    }
}

/// Hands out a fixed list of keys in turn, forever; for fast tests.
///
/// Created key pairs then share key material once the list wraps around, which the
/// simulator allows (only import checks for a duplicate public key, keypair-api.md §5).
#[derive(Debug)]
pub struct FixedKeys {
    keys: Vec<GeneratedKey>,
    next: AtomicUsize,
}

impl FixedKeys {
    /// Cycles through `keys`; errors if the list is empty.
    pub fn new(keys: Vec<GeneratedKey>) -> Result<Self, SimError> {
        if keys.is_empty() {
            return Err(SimError::Key("FixedKeys needs at least one key".into()));
        }
        Ok(Self {
            keys,
            next: AtomicUsize::new(0),
        })
    }

    /// Eight pre-generated RSA-2048 keys bundled with the crate (`testdata/rsa2048-*.pem`).
    ///
    /// They are public test data: use them only to keep tests fast.
    pub fn bundled_test_keys() -> Result<Self, SimError> {
        let keys = BUNDLED_TEST_KEYS
            .iter()
            .map(|pem| GeneratedKey::from_pkcs1_pem(pem))
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(keys)
    }
}

const BUNDLED_TEST_KEYS: [&str; 8] = [
    include_str!("../testdata/rsa2048-1.pem"),
    include_str!("../testdata/rsa2048-2.pem"),
    include_str!("../testdata/rsa2048-3.pem"),
    include_str!("../testdata/rsa2048-4.pem"),
    include_str!("../testdata/rsa2048-5.pem"),
    include_str!("../testdata/rsa2048-6.pem"),
    include_str!("../testdata/rsa2048-7.pem"),
    include_str!("../testdata/rsa2048-8.pem"),
];

impl KeySource for FixedKeys {
    fn next_key(&self) -> KeyFuture<'_> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let key = self.keys[n % self.keys.len()].clone();
        Box::pin(async move { Ok(key) })
    }

    fn ready(&self) -> usize {
        self.keys.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundled_key_reads_back_to_the_same_pem() {
        for pem in BUNDLED_TEST_KEYS {
            let key = GeneratedKey::from_pkcs1_pem(pem).expect("bundled key");
            assert_eq!(key.private_key_pem(), pem);
        }
    }

    #[test]
    fn a_generated_key_reads_back_to_the_same_key() {
        let key = GeneratedKey::generate().expect("key generation");
        let read = GeneratedKey::from_pkcs1_pem(key.private_key_pem()).expect("own PEM");
        assert_eq!(read.public_key(), key.public_key());
        assert_eq!(read.fingerprint(), key.fingerprint());
        assert_eq!(read.private_key_pem(), key.private_key_pem());
    }

    #[test]
    fn other_pem_labels_and_bad_der_are_key_errors() {
        let pkcs8 = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        let error = GeneratedKey::from_pkcs1_pem(pkcs8).unwrap_err();
        assert!(
            matches!(&error, SimError::Key(text) if text.contains("PRIVATE KEY")),
            "{error:?}"
        );
        let garbage = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assert!(matches!(
            GeneratedKey::from_pkcs1_pem(garbage),
            Err(SimError::Key(_))
        ));
        assert!(matches!(
            GeneratedKey::from_pkcs1_pem("not PEM"),
            Err(SimError::Key(_))
        ));
    }

    #[test]
    fn debug_of_a_generated_key_redacts_the_private_key() {
        let keys = FixedKeys::bundled_test_keys().expect("bundled keys");
        let key = &keys.keys[0];
        let pem_body = key
            .private_key_pem()
            .lines()
            .nth(1)
            .expect("a PEM line after the header");
        for shown in [format!("{key:?}"), format!("{keys:?}")] {
            assert!(!shown.contains(pem_body), "{shown}");
            assert!(!shown.contains("PRIVATE KEY"), "{shown}");
            assert!(shown.contains("**redacted**"), "{shown}");
            assert!(shown.contains(key.fingerprint()), "{shown}");
        }
    }
}
