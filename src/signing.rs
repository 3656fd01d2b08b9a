//! HMAC-SHA256 request signing: what ingest verifies, what alert webhooks carry, what the client
//! and `bloop sign` compute. Owns the hex wire form and the constant-time comparison; which key
//! applies to a request is the ingest adapters' business, not this module's.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// A keyed HMAC-SHA256 state; cloning it skips re-hashing the key for every request.
pub type HmacSha256 = Hmac<Sha256>;

/// The HMAC state for `secret` (any length).
pub fn keyed(secret: &[u8]) -> HmacSha256 {
    HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length")
}

/// Hex HMAC-SHA256 of `body` under `key` — what `bloop sign` prints and clients send.
/// Lowercase hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(Sha256::digest(data))
}

pub fn sign(key: &[u8], body: &[u8]) -> String {
    let mut mac = keyed(key);
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// A signature header's 32 bytes: 64 hex digits in either case, optionally `sha256=`-prefixed
/// (the webhook convention). `None` when it is not that.
pub fn decode(sig: &str) -> Option<[u8; 32]> {
    let sig = sig.trim();
    let sig = sig.strip_prefix("sha256=").unwrap_or(sig);
    let mut out = [0u8; 32];
    hex::decode_to_slice(sig, &mut out).ok()?;
    Some(out)
}

/// Whether `sig` is the HMAC of `body` under the key `mac` was made with, compared in constant
/// time.
pub fn verify(mac: &HmacSha256, body: &[u8], sig: &[u8; 32]) -> bool {
    let mut m = mac.clone();
    m.update(body);
    m.verify_slice(sig).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_round_trip_in_either_case_and_with_the_webhook_prefix() {
        let sig = sign(b"k", b"body");
        assert_eq!(sig.len(), 64);
        let mac = keyed(b"k");
        for form in [sig.clone(), sig.to_uppercase(), format!("sha256={sig}")] {
            assert!(verify(&mac, b"body", &decode(&form).unwrap()), "{form}");
        }
        assert!(!verify(&mac, b"other", &decode(&sig).unwrap()));
        assert!(decode("zz").is_none());
        assert!(decode(&sig[..62]).is_none());
    }
}
