//! The site's secret key and what it signs: comment-form tokens and the links
//! sent by email (confirm, unsubscribe, delete my comments).
//!
//! The key is made on first start and kept in `DATA/secret.key` (mode 0600).
//! Signatures are HMAC-SHA256; tokens carry their own expiry.

use std::path::Path;

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

    /// Reads `DIR/secret.key`, creating it (mode 0600) when missing.
    pub fn load_or_create(dir: &Path) -> std::io::Result<Signer> {
        let path = dir.join("secret.key");
        if let Ok(text) = std::fs::read_to_string(&path) {
            let bytes =
                hex::decode(text.trim()).map_err(|e| std::io::Error::other(format!("{}: {e}", path.display())))?;
            let key: [u8; 32] = bytes
                .try_into()
                .map_err(|_| std::io::Error::other(format!("{} must hold 64 hex digits", path.display())))?;
            return Ok(Signer { key });
        }
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        write_private(&path, hex::encode(key).as_bytes())?;
        Ok(Signer { key })
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

#[cfg(unix)]
fn write_private(path: &Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(data)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, data: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, data)
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
    fn the_key_file_is_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let a = Signer::load_or_create(dir.path()).unwrap();
        let b = Signer::load_or_create(dir.path()).unwrap();
        assert_eq!(a.sign("x"), b.sign("x"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("secret.key")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
