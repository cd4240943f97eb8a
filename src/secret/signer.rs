//! The site's secret key and what it signs: comment-form tokens and the links
//! sent by email (confirm, unsubscribe, delete my comments).
//!
//! The key is made on first start and kept in the database (setting
//! `signing_key`, stored by the application at start-up), so every node of a
//! site signs and checks with the same key and a moved or restored site keeps
//! its links working. A site from before that adopts the key in its
//! `DATA/secret.key`. Signatures are HMAC-SHA256; tokens carry their own expiry.

use anyhow::Context;

use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The secret key.
#[derive(Clone)]
pub struct Signer {
    key: [u8; 32],
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(***)")
    }
}

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

impl Signer {
    /// Makes a signer from a key (tests and tools).
    pub fn new(key: [u8; 32]) -> Signer {
        Signer { key }
    }

    /// Makes a new random key, or reads the one an older version kept in a
    /// file (`DIR/secret.key`, 64 hex digits), as text to store.
    pub fn new_key_text(legacy: Option<&str>) -> anyhow::Result<String> {
        let key = match legacy {
            Some(text) => parse_key(text.trim()).context("the old key file does not hold a key")?,
            None => {
                let mut key = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut key);
                key
            }
        };
        Ok(hex::encode(key))
    }

    /// Makes the signer from a stored key's text.
    pub fn from_key_text(text: &str) -> anyhow::Result<Signer> {
        Ok(Signer { key: parse_key(text).context("the stored signing key is damaged")? })
    }

    /// Signs `msg`, returning a URL-safe signature.
    pub fn sign(&self, msg: &str) -> String {
        let mut mac = HmacSha256::new_from_slice(&self.key).unwrap_or_else(|_| unreachable_key());
        mac.update(msg.as_bytes());
        B64.encode(mac.finalize().into_bytes())
    }

    /// Checks a signature in constant time.
    pub fn verify(&self, msg: &str, sig: &str) -> bool {
        let Ok(raw) = B64.decode(sig) else { return false };
        let mut mac = HmacSha256::new_from_slice(&self.key).unwrap_or_else(|_| unreachable_key());
        mac.update(msg.as_bytes());
        mac.verify_slice(&raw).is_ok()
    }

    /// Makes a token for `purpose` and `subject`, valid until `expires` (unix seconds).
    pub fn token(&self, purpose: &str, subject: &str, expires: i64) -> String {
        let body = format!("{}.{expires}", B64.encode(subject));
        let sig = self.sign(&format!("{purpose}|{body}"));
        format!("{body}.{sig}")
    }

    /// Opens a token made by `token`, returning its subject if the signature holds and it has not expired.
    pub fn open(&self, purpose: &str, token: &str, now: i64) -> Option<String> {
        let (body, sig) = token.rsplit_once('.')?;
        if !self.verify(&format!("{purpose}|{body}"), sig) {
            return None;
        }
        let (subject, expires) = body.split_once('.')?;
        if expires.parse::<i64>().ok()? < now {
            return None;
        }
        String::from_utf8(B64.decode(subject).ok()?).ok()
    }
}

// HMAC accepts keys of any length, so construction cannot fail.
fn unreachable_key() -> HmacSha256 {
    match HmacSha256::new_from_slice(&[0u8; 32]) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    }
}

/// The setting that holds the key, as 64 hex digits.
pub const KEY_SETTING: &str = "signing_key";

fn parse_key(hex_text: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = hex::decode(hex_text)?;
    bytes.try_into().map_err(|_| anyhow::anyhow!("a key is 64 hex digits"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_open_only_with_their_purpose_before_expiry() {
        let s = Signer::new([7; 32]);
        let t = s.token("forget", "ann@example.org", 1_000);
        assert_eq!(s.open("forget", &t, 999).as_deref(), Some("ann@example.org"));
        assert_eq!(s.open("forget", &t, 1_001), None);
        assert_eq!(s.open("unsubscribe", &t, 999), None);
        let forged = t.replacen("YW5u", "Ym9i", 1);
        assert_eq!(s.open("forget", &forged, 999), None);
        assert_eq!(Signer::new([8; 32]).open("forget", &t, 999), None);
    }

    #[test]
    fn keys_are_64_hex_digits() {
        assert_eq!(parse_key(&"ab".repeat(32)).unwrap(), [0xab; 32]);
        assert!(parse_key("abcd").is_err());
        assert!(parse_key(&"zz".repeat(32)).is_err());
    }
}
