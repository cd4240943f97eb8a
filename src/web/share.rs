//! The share block: plain links to each service's own share page (no script,
//! iframe or image of theirs is ever loaded), and the editors' choice of services.

use serde::Serialize;

use crate::store::{SettingStore, StoreResult};
use crate::web::auth::urlencode;

/// Every service the share block can offer: key and label, in display order.
pub const SERVICES: [(&str, &str); 9] = [
    ("x", "X"),
    ("facebook", "Facebook"),
    ("linkedin", "LinkedIn"),
    ("reddit", "Reddit"),
    ("bluesky", "Bluesky"),
    ("mastodon", "Mastodon"),
    ("whatsapp", "WhatsApp"),
    ("telegram", "Telegram"),
    ("email", "Email"),
];

const SETTING: &str = "share_services";

/// A link in the share block.
#[derive(Debug, Clone, Serialize)]
pub struct ShareLink {
    pub key: &'static str,
    pub label: &'static str,
    pub href: String,
}

/// Returns the services the editors chose (all of them until they choose).
pub async fn enabled(store: &dyn SettingStore) -> StoreResult<Vec<String>> {
    Ok(match store.get_setting(SETTING).await? {
        Some(v) => v.split(',').map(str::to_owned).filter(|k| SERVICES.iter().any(|(s, _)| s == k)).collect(),
        None => SERVICES.iter().map(|(k, _)| (*k).to_owned()).collect(),
    })
}

/// Makes the setting that stores the editors' choice, keeping only known services.
pub fn setting(keys: &[String]) -> (String, String) {
    let known: Vec<&str> = SERVICES.iter().map(|(k, _)| *k).filter(|k| keys.iter().any(|c| c == k)).collect();
    (SETTING.to_owned(), known.join(","))
}

/// Builds the share links of a page at `url` titled `title`.
pub fn links(url: &str, title: &str, enabled: &[String]) -> Vec<ShareLink> {
    let u = urlencode(url);
    let t = urlencode(title);
    let both = urlencode(&format!("{title} {url}"));
    SERVICES
        .iter()
        .filter(|(k, _)| enabled.iter().any(|e| e == k))
        .map(|&(key, label)| {
            let href = match key {
                "x" => format!("https://x.com/intent/post?url={u}&text={t}"),
                "facebook" => format!("https://www.facebook.com/sharer/sharer.php?u={u}"),
                "linkedin" => format!("https://www.linkedin.com/sharing/share-offsite/?url={u}"),
                "reddit" => format!("https://www.reddit.com/submit?url={u}&title={t}"),
                "bluesky" => format!("https://bsky.app/intent/compose?text={both}"),
                "mastodon" => format!("/share/mastodon?text={both}"),
                "whatsapp" => format!("https://wa.me/?text={both}"),
                "telegram" => format!("https://t.me/share/url?url={u}&text={t}"),
                _ => format!("mailto:?subject={t}&body={u}"),
            };
            ShareLink { key, label, href }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_link_carries_the_url_and_only_chosen_services_appear() {
        let all: Vec<String> = SERVICES.iter().map(|(k, _)| (*k).to_owned()).collect();
        let l = links("https://news.example/2026/01/02/a-b/", "Tram & Ferry", &all);
        assert_eq!(l.len(), 9);
        let encoded = urlencode("https://news.example/2026/01/02/a-b/");
        for link in &l {
            assert!(link.href.contains(&encoded), "{}", link.href);
            assert!(!link.href.contains(" & "), "{}", link.href);
        }
        assert_eq!(links("https://x.org/", "t", &["email".into()]).len(), 1);
    }
}
