//! Cookies: reading one from a request, and the one builder every cookie we
//! set goes through (HttpOnly, SameSite=Lax, and Secure whenever the site is
//! served over HTTPS).

use axum::http::{header, HeaderMap, HeaderValue};

use crate::config::Config;

/// Reads a cookie of the request (values over 100 bytes are ignored: none of ours is that long).
pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 100)
}

/// Builds a `Set-Cookie` value for a cookie under `path` that lasts `max_age`
/// seconds (0 removes it). Secure whenever the site's address is `https://`.
pub fn set(cfg: &Config, name: &str, value: &str, path: &str, max_age: i64) -> HeaderValue {
    let secure = if cfg.site.base_url.starts_with("https://") { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}={value}; Path={path}; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"))
        .unwrap_or_else(|_| HeaderValue::from_static("dl_invalid=; Path=/; Max-Age=0"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_http_only_and_lax_and_secure_over_https() {
        let mut cfg = Config::default();
        let c = set(&cfg, "dl_session", "abc", "/", 60);
        let s = c.to_str().unwrap();
        assert!(s.contains("HttpOnly") && s.contains("SameSite=Lax") && !s.contains("Secure"));
        cfg.site.base_url = "https://news.example".into();
        assert!(set(&cfg, "dl_session", "abc", "/", 60).to_str().unwrap().contains("Secure"));
    }

    #[test]
    fn a_cookie_is_read_by_its_exact_name() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("dl_x=1; dl_session=abc"));
        assert_eq!(get(&h, "dl_session").as_deref(), Some("abc"));
        assert_eq!(get(&h, "session"), None);
    }
}
