//! The site-wide breaking-news banner: one line of text, with a link to the
//! story when there is one, shown on every page until an editor clears it.

use serde::{Deserialize, Serialize};

use super::FieldErrors;

/// The banner as editors set it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Banner {
    pub text: String,
    /// The story it points to: a path on this site or an http(s) address.
    #[serde(default)]
    pub url: Option<String>,
}

/// Field length limits of the banner.
pub mod limits {
    pub const TEXT: usize = 200;
    pub const URL: usize = 1000;
}

impl Banner {
    /// Trims and checks the banner; returns every problem at once.
    pub fn normalize(self) -> Result<Banner, FieldErrors> {
        let mut e = FieldErrors::default();
        let text = super::clean_text(self.text.trim());
        let url = self.url.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty());
        if text.is_empty() {
            e.add("text", "Write the banner's text.");
        } else if text.chars().count() > limits::TEXT {
            e.add("text", format!("The banner can have at most {} characters.", limits::TEXT));
        }
        if let Some(u) = &url {
            let on_site = u.starts_with('/') && !u.starts_with("//");
            let web = u.starts_with("https://") || u.starts_with("http://");
            if !(on_site || web) || u.len() > limits::URL || u.chars().any(char::is_whitespace) {
                e.add("url", "Give a path on this site (/2026/…) or an address starting with https://.");
            }
        }
        e.into_result().map(|()| Banner { text, url })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_banner_needs_text_and_a_safe_link() {
        let ok = Banner { text: "  Storm warning for the coast ".into(), url: Some(" /2026/12/04/storm/ ".into()) };
        let n = ok.normalize().unwrap();
        assert_eq!((n.text.as_str(), n.url.as_deref()), ("Storm warning for the coast", Some("/2026/12/04/storm/")));
        assert!(Banner { text: " ".into(), url: None }.normalize().unwrap_err().0.contains_key("text"));
        for bad in ["javascript:alert(1)", "//evil.example", "ftp://x", "/a b"] {
            let b = Banner { text: "x".into(), url: Some(bad.into()) };
            assert!(b.normalize().unwrap_err().0.contains_key("url"), "{bad}");
        }
    }
}
