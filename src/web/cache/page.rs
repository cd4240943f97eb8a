//! One cached answer in its three encodings, and the compressing that makes them.

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue};

use crate::domain::change::Key;

/// One cached answer: its bytes in three encodings, and the keys of what it was built from.
pub struct CachedPage {
    pub(super) content_type: HeaderValue,
    pub(super) etag: HeaderValue,
    pub(super) last_modified: HeaderValue,
    pub(super) identity: Bytes,
    pub(super) gzip: Bytes,
    pub(super) brotli: Bytes,
    /// What the page shows (empty: built from anything, stale after any change).
    pub(super) keys: Vec<Key>,
    /// The keys as one header value (`Surrogate-Key`, `xkey`).
    pub(super) key_header: Option<HeaderValue>,
    /// Where the banner's slot is in the page (`web::banner`), if it has one.
    pub(super) slot: Option<usize>,
    /// The page with the current banner in its slot, made when first asked for.
    filled: Mutex<Option<Arc<Filled>>>,
}

/// A page with a banner in its slot: gzip only (it is made on a reader's
/// request, and lives only until the banner changes again).
pub(super) struct Filled {
    version: u64,
    pub(super) etag: HeaderValue,
    pub(super) identity: Bytes,
    pub(super) gzip: Bytes,
}

impl CachedPage {
    /// Bytes the page takes, all encodings counted.
    pub(super) fn bytes(&self) -> usize {
        self.identity.len() + self.gzip.len() + self.brotli.len()
    }

    /// Makes the cached page with a quick gzip only (about a millisecond for
    /// a long article page); [`CachedPage::compress_best`] adds the rest.
    pub(super) fn new(content_type: HeaderValue, body: Bytes, keys: Vec<Key>) -> CachedPage {
        use sha2::Digest;
        let html = content_type.to_str().is_ok_and(|t| t.starts_with("text/html"));
        let digest = sha2::Sha256::digest(&body);
        let etag = format!("\"{}\"", hex::encode(&digest[..12]));
        let line = keys.iter().map(Key::as_str).collect::<Vec<_>>().join(" ");
        CachedPage {
            content_type,
            etag: HeaderValue::from_str(&etag).unwrap_or_else(|_| HeaderValue::from_static("\"0\"")),
            last_modified: HeaderValue::from_str(&httpdate::fmt_http_date(std::time::SystemTime::now()))
                .unwrap_or_else(|_| HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT")),
            gzip: gzip(&body, flate2::Compression::fast()).into(),
            brotli: Bytes::new(),
            slot: html.then(|| crate::web::banner::find(&body)).flatten(),
            identity: body,
            key_header: (!line.is_empty()).then(|| HeaderValue::from_str(&line).ok()).flatten(),
            keys,
            filled: Mutex::new(None),
        }
    }

    /// The page with `fragment` in its banner slot at `at`, made once per banner.
    pub(super) fn filled(&self, at: usize, fragment: &crate::web::banner::Fragment) -> Arc<Filled> {
        let mut memo = self.filled.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(f) = memo.as_ref().filter(|f| f.version == fragment.version) {
            return f.clone();
        }
        let identity = crate::web::banner::fill(&self.identity, at, &fragment.html);
        let tag = self.etag.to_str().unwrap_or("\"0\"").trim_end_matches('"');
        let f = Arc::new(Filled {
            version: fragment.version,
            etag: HeaderValue::from_str(&format!("{tag}-b{}\"", fragment.version))
                .unwrap_or_else(|_| HeaderValue::from_static("\"0\"")),
            gzip: gzip(&identity, flate2::Compression::default()).into(),
            identity: identity.into(),
        });
        *memo = Some(f.clone());
        f
    }

    /// The same page (same ETag and date) with gzip and brotli at their best,
    /// made once per render, off the request path.
    pub(super) fn compress_best(&self) -> CachedPage {
        let mut br = Vec::new();
        // A 256 KB window covers a whole page and keeps the encoder's memory small.
        let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 18, ..Default::default() };
        let brotli = match brotli::BrotliCompress(&mut self.identity.as_ref(), &mut br, &params) {
            Ok(_) => br,
            Err(_) => Vec::new(),
        };
        CachedPage {
            content_type: self.content_type.clone(),
            etag: self.etag.clone(),
            last_modified: self.last_modified.clone(),
            identity: self.identity.clone(),
            gzip: gzip(&self.identity, flate2::Compression::best()).into(),
            brotli: brotli.into(),
            keys: self.keys.clone(),
            key_header: self.key_header.clone(),
            slot: self.slot,
            filled: Mutex::new(None),
        }
    }
}

fn gzip(body: &[u8], level: flate2::Compression) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), level);
    gz.write_all(body).and_then(|()| gz.finish()).unwrap_or_default()
}

/// Tells whether the client accepts a content coding (a `q=0` refuses it).
pub(super) fn accepts(h: &HeaderMap, coding: &str) -> bool {
    h.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).any(|v| {
        v.split(',').any(|part| {
            let mut it = part.trim().split(';');
            let name = it.next().unwrap_or("").trim();
            let q0 = it.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            name.eq_ignore_ascii_case(coding) && !q0
        })
    })
}

/// Tells whether the client's copy is current (`If-None-Match` against
/// `etag`, else `If-Modified-Since`).
pub(super) fn not_modified(page: &CachedPage, etag: &HeaderValue, h: &HeaderMap) -> bool {
    if let Some(inm) = h.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        let tag = etag.to_str().unwrap_or("");
        return inm.split(',').any(|t| t.trim() == tag || t.trim() == "*" || t.trim().trim_start_matches("W/") == tag);
    }
    let since =
        h.get(header::IF_MODIFIED_SINCE).and_then(|v| v.to_str().ok()).and_then(|s| httpdate::parse_http_date(s).ok());
    let modified = page.last_modified.to_str().ok().and_then(|s| httpdate::parse_http_date(s).ok());
    matches!((since, modified), (Some(s), Some(m)) if m <= s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_encoding_respects_q_zero() {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip, br;q=0"));
        assert!(accepts(&h, "gzip"));
        assert!(!accepts(&h, "br"));
    }

    #[test]
    fn compressed_bodies_decompress_to_the_page() {
        let quick = CachedPage::new(
            HeaderValue::from_static("text/html"),
            Bytes::from("<p>hello hello hello</p>".repeat(50)),
            vec![],
        );
        assert!(quick.brotli.is_empty() && !quick.gzip.is_empty(), "a quick gzip first, brotli later");
        let page = quick.compress_best();
        assert_eq!(page.etag, quick.etag, "the same page under the same tag");
        let mut out = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&page.gzip[..]), &mut out).unwrap();
        assert_eq!(out.as_bytes(), &page.identity[..]);
        let mut br = Vec::new();
        brotli::BrotliDecompress(&mut &page.brotli[..], &mut br).unwrap();
        assert_eq!(&br[..], &page.identity[..]);
    }

    #[test]
    fn a_page_names_its_keys_in_one_header() {
        let keys = vec![Key::article(crate::domain::ArticleId(4)), Key::lists()];
        let p = CachedPage::new(HeaderValue::from_static("text/html"), Bytes::from("x"), keys);
        assert_eq!(p.key_header.unwrap(), "a4 lists");
    }
}
