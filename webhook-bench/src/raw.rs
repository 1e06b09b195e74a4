//! The hand-written baseline: what a careful engineer writes without the framework.
//!
//! The MAC is keyed once at start-up and cloned per delivery (as the framework does); the
//! header is decoded into a stack buffer; the tag is compared with the `hmac` crate's
//! constant-time `verify_slice`; the body is then parsed with `serde_json::from_slice`
//! into the same typed event the framework's handler receives.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use http::HeaderMap;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha1::Sha1;
use sha2::Sha256;

/// Why the hand-written receiver turned a delivery away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawError {
    /// No signature header (401).
    MissingSignature,
    /// The header is not base64 or hex of a tag (401).
    MalformedSignature,
    /// The tag does not match the body (401).
    BadSignature,
    /// The body does not parse (400).
    BadBody,
}

/// The current event-name-only view of a body: everything else is skipped by serde.
#[derive(Deserialize)]
struct EventOnly<'a> {
    #[serde(borrow)]
    event: &'a str,
}

/// Verifies an HMAC-SHA256 tag given as padded base64, in constant time.
fn verify_sha256_base64(mac: &Hmac<Sha256>, header: &[u8], body: &[u8]) -> Result<(), RawError> {
    // 44 base64 characters decode to 32 bytes; the decoder wants room for 33.
    let mut tag = [0u8; 48];
    let len = BASE64
        .decode_slice(header, &mut tag)
        .map_err(|_| RawError::MalformedSignature)?;
    mac.clone()
        .chain_update(body)
        .verify_slice(&tag[..len])
        .map_err(|_| RawError::BadSignature)
}

/// Verifies an HMAC-SHA1 tag given as `sha1=<hex>`, in constant time.
fn verify_sha1_hex(mac: &Hmac<Sha1>, header: &[u8], body: &[u8]) -> Result<(), RawError> {
    let hex_tag = header
        .strip_prefix(b"sha1=")
        .ok_or(RawError::MalformedSignature)?;
    let mut tag = [0u8; 20];
    hex::decode_to_slice(hex_tag, &mut tag).map_err(|_| RawError::MalformedSignature)?;
    mac.clone()
        .chain_update(body)
        .verify_slice(&tag)
        .map_err(|_| RawError::BadSignature)
}

/// Hand-written TalkPlus receiving: `x-talkplus-signature`, base64 HMAC-SHA256.
#[derive(Clone)]
pub struct TalkPlusRaw {
    mac: Hmac<Sha256>,
}

impl TalkPlusRaw {
    /// Keys the MAC once.
    #[must_use]
    pub fn new(api_key: &str) -> Self {
        Self {
            mac: Hmac::new_from_slice(api_key.as_bytes()).expect("HMAC takes any key length"),
        }
    }

    /// Checks the signature of `body`.
    ///
    /// # Errors
    /// When the header is missing, malformed or does not match.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), RawError> {
        let header = headers
            .get("x-talkplus-signature")
            .ok_or(RawError::MissingSignature)?;
        verify_sha256_base64(&self.mac, header.as_bytes(), body)
    }

    /// Verifies, then parses the body into `E`.
    ///
    /// # Errors
    /// When the signature does not verify or the body is not an `E`.
    pub fn typed<E: DeserializeOwned>(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<E, RawError> {
        self.verify(headers, body)?;
        serde_json::from_slice(body).map_err(|_| RawError::BadBody)
    }

    /// Verifies, then reads only the `event` field (serde skips the rest).
    ///
    /// # Errors
    /// When the signature does not verify or the body has no string `event`.
    pub fn event_name<'a>(&self, headers: &HeaderMap, body: &'a [u8]) -> Result<&'a str, RawError> {
        self.verify(headers, body)?;
        serde_json::from_slice::<EventOnly<'a>>(body)
            .map(|envelope| envelope.event)
            .map_err(|_| RawError::BadBody)
    }
}

/// Hand-written Amity receiving: `x-amity-signature` (base64 HMAC-SHA256) decides when
/// present, else `X-EKO-Signature: sha1=<hex HMAC-SHA1>`, the framework's priority order.
#[derive(Clone)]
pub struct AmityRaw {
    sha256: Hmac<Sha256>,
    sha1: Hmac<Sha1>,
}

impl AmityRaw {
    /// Keys both MACs once.
    #[must_use]
    pub fn new(secret: &str) -> Self {
        Self {
            sha256: Hmac::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length"),
            sha1: Hmac::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length"),
        }
    }

    /// Checks the signature of `body` under whichever scheme's header is present.
    ///
    /// # Errors
    /// When no header is present, or the deciding one is malformed or does not match.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), RawError> {
        if let Some(header) = headers.get("x-amity-signature") {
            verify_sha256_base64(&self.sha256, header.as_bytes(), body)
        } else if let Some(header) = headers.get("x-eko-signature") {
            verify_sha1_hex(&self.sha1, header.as_bytes(), body)
        } else {
            Err(RawError::MissingSignature)
        }
    }

    /// Verifies, then parses the body into `E`.
    ///
    /// # Errors
    /// When the signature does not verify or the body is not an `E`.
    pub fn typed<E: DeserializeOwned>(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<E, RawError> {
        self.verify(headers, body)?;
        serde_json::from_slice(body).map_err(|_| RawError::BadBody)
    }
}
