//! Signature verification over the raw body bytes, before anything is parsed.
//!
//! A [`SignatureScheme`] says which header carries the signature and how it is computed.
//! A [`Verifier`] holds the accepted schemes, in priority order, and one or more keys.

use std::fmt;
use std::marker::PhantomData;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use http::{HeaderMap, HeaderName, HeaderValue};
use sha1::Sha1;
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroizing;

/// The MAC a scheme computes over the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// HMAC with SHA-256 (32-byte tag).
    HmacSha256,
    /// HMAC with SHA-1 (20-byte tag); only Amity's legacy scheme uses it.
    HmacSha1,
}

impl Algorithm {
    /// Length of the tag in bytes.
    #[must_use]
    pub const fn tag_len(self) -> usize {
        match self {
            Self::HmacSha256 => 32,
            Self::HmacSha1 => 20,
        }
    }
}

/// How the tag is written into the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Standard base64 alphabet, padded.
    Base64,
    /// Hexadecimal; either case is accepted, lowercase is produced.
    Hex,
    /// Either, told apart by length (hex of a tag is twice the tag's length, base64 of it
    /// about four thirds); base64 is produced. For a platform whose own documents use both
    /// for one header.
    Base64OrHex,
}

impl Encoding {
    /// The encoding a header value of this scheme is written in.
    fn of(self, encoded: &[u8], tag_len: usize) -> Self {
        match self {
            Self::Base64OrHex
                if encoded.len() == 2 * tag_len && encoded.iter().all(u8::is_ascii_hexdigit) =>
            {
                Self::Hex
            }
            Self::Base64OrHex => Self::Base64,
            other => other,
        }
    }
}

/// One way a platform signs its deliveries.
///
/// ```
/// use webhook_core::talkplus;
///
/// let header = talkplus::SIGNATURE.sign(b"app api key", br#"{"event":"message"}"#);
/// assert_eq!(header.len(), 44); // base64 of 32 bytes
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignatureScheme {
    /// Short name for logs, e.g. `"amity-sha1"`.
    pub name: &'static str,
    /// Header carrying the signature, in lowercase.
    pub header: &'static str,
    /// The MAC computed over the raw body.
    pub algorithm: Algorithm,
    /// How the tag is encoded in the header.
    pub encoding: Encoding,
    /// Text before the encoded tag, e.g. `"sha1="`; empty for none.
    pub prefix: &'static str,
}

impl SignatureScheme {
    /// The header value this scheme expects for `body` signed with `key`.
    ///
    /// For tests and tools; receivers use a [`Verifier`], which compares in constant time.
    #[must_use]
    pub fn sign(&self, key: &[u8], body: &[u8]) -> String {
        let tag = KeyedMac::new(self.algorithm, key).tag(body);
        let encoded = match self.encoding {
            Encoding::Base64 | Encoding::Base64OrHex => BASE64.encode(&tag),
            Encoding::Hex => hex::encode(&tag),
        };
        format!("{}{encoded}", self.prefix)
    }

    /// A header value of this scheme written one way per tag: a hex tag, accepted in
    /// either case, in lower case. Where the signature is the delivery's id, copies of a
    /// delivery whose signature was re-cased then share one id, and one deduplication key.
    pub(crate) fn canonical<'a>(&self, value: &'a str) -> std::borrow::Cow<'a, str> {
        let encoded = value.strip_prefix(self.prefix).unwrap_or(value).as_bytes();
        let hex = self.encoding.of(encoded, self.algorithm.tag_len()) == Encoding::Hex;
        if hex && value.bytes().any(|byte| byte.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(value.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(value)
        }
    }

    /// Decodes a header value into the tag bytes, checking prefix, encoding and length.
    /// A value of the expected length is decoded on the stack; others take the slow path,
    /// which only decides which error to report.
    fn decode(&self, value: &[u8]) -> Result<Tag, MalformedReason> {
        // No call for an empty prefix: comparing against an empty slice reads its dangling
        // pointer under an all-zero mask, which costs a microcode assist on some CPUs.
        let encoded = if self.prefix.is_empty() {
            value
        } else {
            value
                .strip_prefix(self.prefix.as_bytes())
                .ok_or(MalformedReason::MissingPrefix(self.prefix))?
        };
        let tag_len = self.algorithm.tag_len();
        let mut tag = Tag {
            bytes: [0; MAX_TAG_LEN],
            len: tag_len,
        };
        let encoding = self.encoding.of(encoded, tag_len);
        match encoding {
            // Base64 of 32 bytes is 44 characters; the decoder wants room for its estimate.
            Encoding::Base64 if encoded.len() <= 64 => {
                let mut room = [0; 48];
                return match BASE64.decode_slice(encoded, &mut room) {
                    Ok(len) if len == tag_len => {
                        tag.bytes[..len].copy_from_slice(&room[..len]);
                        Ok(tag)
                    }
                    Ok(len) => Err(MalformedReason::WrongLength {
                        expected: tag_len,
                        actual: len,
                    }),
                    Err(_) => Err(MalformedReason::NotBase64),
                };
            }
            Encoding::Hex if encoded.len() == 2 * tag_len => {
                return hex::decode_to_slice(encoded, &mut tag.bytes[..tag_len])
                    .map(|()| tag)
                    .map_err(|_| MalformedReason::NotHex);
            }
            _ => {}
        }
        let decoded = match encoding {
            Encoding::Hex => hex::decode(encoded).map_err(|_| MalformedReason::NotHex)?,
            _ => BASE64
                .decode(encoded)
                .map_err(|_| MalformedReason::NotBase64)?,
        };
        // Any other length is wrong: report it, or the encoding error found first.
        Err(MalformedReason::WrongLength {
            expected: tag_len,
            actual: decoded.len(),
        })
    }
}

/// The longest tag of any algorithm (HMAC-SHA256).
const MAX_TAG_LEN: usize = 32;

/// A decoded signature, on the stack.
struct Tag {
    bytes: [u8; MAX_TAG_LEN],
    len: usize,
}

impl Tag {
    fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// A secret used to sign deliveries: an App API Key, a webhook secret.
///
/// Its `Debug` output never shows the bytes, and the bytes are overwritten with zeros when
/// the key is dropped. It has no `==`: nothing needs to compare keys, and a comparison
/// that stops at the first differing byte would tell an attacker how much of a guess is
/// right.
#[derive(Clone)]
pub struct SigningKey(Zeroizing<Vec<u8>>);

impl SigningKey {
    /// The key's bytes, exactly as the platform uses them (for TalkPlus, the UTF-8 bytes of
    /// the 64-character key string, not its hex decoding).
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

impl From<&str> for SigningKey {
    fn from(key: &str) -> Self {
        Self(Zeroizing::new(key.as_bytes().to_vec()))
    }
}

impl From<String> for SigningKey {
    fn from(key: String) -> Self {
        Self(Zeroizing::new(key.into_bytes()))
    }
}

impl From<&[u8]> for SigningKey {
    fn from(key: &[u8]) -> Self {
        Self(Zeroizing::new(key.to_vec()))
    }
}

impl From<Vec<u8>> for SigningKey {
    fn from(key: Vec<u8>) -> Self {
        Self(Zeroizing::new(key))
    }
}

/// A MAC already keyed: keying happens once at start-up, not per delivery.
#[derive(Clone)]
enum KeyedMac {
    Sha256(Hmac<Sha256>),
    Sha1(Hmac<Sha1>),
}

impl KeyedMac {
    fn new(algorithm: Algorithm, key: &[u8]) -> Self {
        // HMAC accepts keys of any length, so these constructors cannot fail.
        match algorithm {
            Algorithm::HmacSha256 => Self::Sha256(
                <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!()),
            ),
            Algorithm::HmacSha1 => Self::Sha1(
                <Hmac<Sha1> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!()),
            ),
        }
    }

    fn tag(&self, body: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha256(mac) => mac
                .clone()
                .chain_update(body)
                .finalize()
                .into_bytes()
                .to_vec(),
            Self::Sha1(mac) => mac
                .clone()
                .chain_update(body)
                .finalize()
                .into_bytes()
                .to_vec(),
        }
    }

    /// Constant-time comparison of the body's tag with `expected` (same length, checked).
    fn matches(&self, body: &[u8], expected: &[u8]) -> Choice {
        match self {
            Self::Sha256(mac) => mac
                .clone()
                .chain_update(body)
                .finalize()
                .into_bytes()
                .as_slice()
                .ct_eq(expected),
            Self::Sha1(mac) => mac
                .clone()
                .chain_update(body)
                .finalize()
                .into_bytes()
                .as_slice()
                .ct_eq(expected),
        }
    }
}

/// One accepted scheme with the key set already applied.
#[derive(Clone)]
struct SchemeKeys {
    scheme: SignatureScheme,
    /// `scheme.header`, parsed once.
    header: HeaderName,
    macs: Vec<KeyedMac>,
}

/// Checks the deliveries of provider `P` against the accepted schemes and keys. Built with
/// [`Provider::verifier`](crate::Provider::verifier), it knows its provider: a dispatcher
/// of another provider does not take it.
///
/// Schemes are tried in the order given: the first whose header is present decides, so
/// with Amity's current scheme listed first a delivery carrying both headers is judged by
/// `x-amity-signature` alone. Every key is tried (key rotation), and every comparison runs
/// in constant time whatever the outcome.
///
/// ```
/// use http::HeaderMap;
/// use webhook_core::amity::{self, Amity};
/// use webhook_core::Provider;
///
/// // Current and legacy scheme, old and new secret during a rotation.
/// let verifier = Amity::verifier(["old secret", "new secret"])?;
/// let body = br#"{"event":"channel.didJoin","data":{}}"#;
///
/// let mut headers = HeaderMap::new();
/// headers.insert("x-amity-signature", amity::SIGNATURE.sign(b"new secret", body).parse()?);
/// assert_eq!(verifier.verify(&headers, body)?, amity::SIGNATURE);
///
/// // Accept the current scheme only.
/// let strict = Amity::verifier_with([amity::SIGNATURE], ["new secret"])?;
/// # let _ = strict;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Verifier<P> {
    checks: Vec<SchemeKeys>,
    provider: PhantomData<fn() -> P>,
}

impl<P> Clone for Verifier<P> {
    fn clone(&self) -> Self {
        Self {
            checks: self.checks.clone(),
            provider: PhantomData,
        }
    }
}

impl<P> Verifier<P> {
    /// A verifier accepting `schemes` (in priority order) signed with any of `keys`.
    ///
    /// # Errors
    /// [`ConfigError`] when no scheme or no key is given, or a key is empty.
    pub fn new<K>(
        schemes: impl IntoIterator<Item = SignatureScheme>,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<Self, ConfigError>
    where
        K: Into<SigningKey>,
    {
        let keys: Vec<SigningKey> = keys.into_iter().map(Into::into).collect();
        if keys.is_empty() {
            return Err(ConfigError::NoKeys);
        }
        if keys.iter().any(|key| key.0.is_empty()) {
            return Err(ConfigError::EmptyKey);
        }
        let checks: Vec<SchemeKeys> = schemes
            .into_iter()
            .map(|scheme| {
                Ok(SchemeKeys {
                    scheme,
                    header: HeaderName::from_bytes(scheme.header.as_bytes())
                        .map_err(|_| ConfigError::InvalidHeader(scheme.header))?,
                    macs: keys
                        .iter()
                        .map(|key| KeyedMac::new(scheme.algorithm, &key.0))
                        .collect(),
                })
            })
            .collect::<Result<_, ConfigError>>()?;
        if checks.is_empty() {
            return Err(ConfigError::NoSchemes);
        }
        Ok(Self {
            checks,
            provider: PhantomData,
        })
    }

    /// The accepted schemes, in priority order.
    pub fn schemes(&self) -> impl Iterator<Item = SignatureScheme> + '_ {
        self.checks.iter().map(|check| check.scheme)
    }

    /// Checks the signature of `body` and returns the scheme that decided.
    ///
    /// # Errors
    /// [`VerifyError`] saying whether the header was missing, malformed or not matching.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<SignatureScheme, VerifyError> {
        self.verify_header(headers, body).map(|(scheme, _)| scheme)
    }

    /// Like [`Self::verify`], also returning the signature header's value.
    ///
    /// # Errors
    /// [`VerifyError`] saying whether the header was missing, malformed or not matching.
    pub fn verify_header<'h>(
        &self,
        headers: &'h HeaderMap,
        body: &[u8],
    ) -> Result<(SignatureScheme, &'h HeaderValue), VerifyError> {
        for check in &self.checks {
            let header = check.scheme.header;
            let mut values = headers.get_all(&check.header).iter();
            let Some(value) = values.next() else { continue };
            let malformed = |reason| VerifyError::Malformed { header, reason };
            if values.next().is_some() {
                return Err(malformed(MalformedReason::Repeated));
            }
            let expected = check.scheme.decode(value.as_bytes()).map_err(malformed)?;
            let matched = check.macs.iter().fold(Choice::from(0), |any, mac| {
                any | mac.matches(body, expected.as_slice())
            });
            return if bool::from(matched) {
                Ok((check.scheme, value))
            } else {
                Err(VerifyError::Mismatch { header })
            };
        }
        Err(VerifyError::Missing {
            expected: self
                .checks
                .iter()
                .map(|check| check.scheme.header)
                .collect(),
        })
    }
}

impl<P> fmt::Debug for Verifier<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let schemes: Vec<&str> = self.checks.iter().map(|check| check.scheme.name).collect();
        f.debug_struct("Verifier")
            .field("schemes", &schemes)
            .field(
                "keys",
                &self.checks.first().map_or(0, |check| check.macs.len()),
            )
            .finish()
    }
}

/// Why a [`Verifier`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// No key was given: every delivery would be rejected.
    #[error("no signing key given")]
    NoKeys,
    /// An empty key was given: anyone could sign with it.
    #[error("a signing key is empty")]
    EmptyKey,
    /// No scheme was given: every delivery would be rejected.
    #[error("no signature scheme given")]
    NoSchemes,
    /// A scheme names a header that is not a valid header name.
    #[error("`{0}` is not a valid header name")]
    InvalidHeader(&'static str),
}

/// Why a delivery's signature was rejected. Every variant means "not from the platform".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// None of the accepted schemes' headers is present.
    #[error("missing signature header (expected one of: {})", expected.join(", "))]
    Missing {
        /// The headers that would have been accepted, in priority order.
        expected: Vec<&'static str>,
    },
    /// The header is present but cannot hold a signature of its scheme.
    #[error("malformed signature header `{header}`: {reason}")]
    Malformed {
        /// The header that was read.
        header: &'static str,
        /// What is wrong with it.
        reason: MalformedReason,
    },
    /// The signature is well-formed but no key produces it for this body.
    #[error("signature in `{header}` does not match the body")]
    Mismatch {
        /// The header that was read.
        header: &'static str,
    },
}

/// What is wrong with a malformed signature header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MalformedReason {
    /// The header appears more than once.
    #[error("the header appears more than once")]
    Repeated,
    /// The value does not start with the scheme's prefix.
    #[error("expected the prefix `{0}`")]
    MissingPrefix(&'static str),
    /// The value is not padded standard base64.
    #[error("not base64")]
    NotBase64,
    /// The value is not hexadecimal.
    #[error("not hexadecimal")]
    NotHex,
    /// The value decodes to a tag of the wrong length.
    #[error("decodes to {actual} bytes, expected {expected}")]
    WrongLength {
        /// Tag length of the scheme's algorithm.
        expected: usize,
        /// Length found.
        actual: usize,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA256_HEX: SignatureScheme = SignatureScheme {
        name: "test",
        header: "x-test",
        algorithm: Algorithm::HmacSha256,
        encoding: Encoding::Hex,
        prefix: "",
    };

    #[test]
    fn known_hmac_sha256_vector() {
        // RFC 4231 test case 2.
        let tag = SHA256_HEX.sign(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            tag,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn signing_key_debug_is_redacted() {
        let key = SigningKey::from("super-secret-key");
        assert_eq!(format!("{key:?}"), "SigningKey(<redacted>)");
        let verifier = Verifier::<()>::new([SHA256_HEX], ["super-secret-key"]).expect("valid");
        let shown = format!("{verifier:?}");
        assert!(!shown.contains("super-secret"), "{shown}");
        assert!(shown.contains("keys: 1"), "{shown}");
    }

    #[test]
    fn rejects_empty_configuration() {
        let none: [&str; 0] = [];
        assert_eq!(
            Verifier::<()>::new([SHA256_HEX], none).err(),
            Some(ConfigError::NoKeys)
        );
        assert_eq!(
            Verifier::<()>::new([SHA256_HEX], [""]).err(),
            Some(ConfigError::EmptyKey)
        );
        assert_eq!(
            Verifier::<()>::new([], ["k"]).err(),
            Some(ConfigError::NoSchemes)
        );
    }

    #[test]
    fn non_ascii_header_value_is_malformed_not_a_panic() {
        let verifier = Verifier::<()>::new([SHA256_HEX], ["k"]).expect("valid");
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-test",
            http::HeaderValue::from_bytes(b"\xff\xfe").expect("opaque bytes are allowed"),
        );
        assert_eq!(
            verifier.verify(&headers, b"{}"),
            Err(VerifyError::Malformed {
                header: "x-test",
                reason: MalformedReason::NotHex
            })
        );
    }
}
