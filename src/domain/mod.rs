//! The content model and the newsroom's rules, as plain types and pure functions.
//!
//! Nothing here does I/O: no tokio, sqlx or axum. The web, CLI and store layers
//! ask these functions what is allowed and what a value means.

pub mod article;
pub mod banner;
pub mod change;
pub mod comment;
pub mod live;
pub mod search;
pub mod spam;
pub mod user;

pub use article::*;
pub use comment::*;
pub use user::*;

use std::collections::BTreeMap;

/// Maps form field names to the message shown next to that field.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct FieldErrors(pub BTreeMap<&'static str, String>);

impl FieldErrors {
    /// Records a message for `field`, keeping the first one if several apply.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }

    /// Tells whether no field has an error.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Turns the collected messages into a `Result`.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        f.write_str(&parts.join("; "))
    }
}

/// Makes a URL slug from any text: lower-case ASCII letters, digits and hyphens.
/// Removes what no person types and XML cannot carry: control characters
/// other than tab and line feed (a carriage return is dropped, so CR LF
/// becomes LF) and the non-characters U+FFFE and U+FFFF. One such character in
/// a headline or a commenter's name would otherwise make every feed and
/// sitemap that shows it unreadable XML.
#[must_use]
pub fn clean_text(text: &str) -> String {
    text.chars().filter(|c| !matches!(c, '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')).collect()
}

pub fn slugify(text: &str) -> String {
    // Apostrophes join words ("Zürich’s" is one word), they do not split them.
    let s = slug::slugify(text.replace(['\'', '’', '‘'], ""));
    truncate_slug(&s, 120)
}

fn truncate_slug(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let cut = &s[..max];
    cut.trim_end_matches('-').to_owned()
}

/// Checks a slug typed by a person: 1–120 characters of a-z, 0-9 and single hyphens.
pub fn parse_slug(raw: &str) -> Result<String, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("Enter a slug.".into());
    }
    if s.len() > 120 {
        return Err("A slug can have at most 120 characters.".into());
    }
    let ok = s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '%');
    if !ok || s.starts_with('-') || s.ends_with('-') || s.contains("--") || !escapes_are_utf8(s) {
        return Err("Use lower-case letters, digits and single hyphens only (for example: city-council-vote).".into());
    }
    Ok(s.to_owned())
}

/// Tells whether every `%` in a slug starts a lower-case escape and the
/// escapes spell UTF-8: WordPress writes a slug in another script that way
/// (`%ce%b5%cf%80…`), and an imported page keeps its address.
fn escapes_are_utf8(s: &str) -> bool {
    let b = s.as_bytes();
    let mut decoded = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'%' {
            decoded.push(b[i]);
            i += 1;
            continue;
        }
        let hex = |c: u8| c.is_ascii_digit() || (b'a'..=b'f').contains(&c);
        if i + 2 >= b.len() || !hex(b[i + 1]) || !hex(b[i + 2]) {
            return false;
        }
        let byte = u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap_or(0);
        // Only letters of other scripts are escaped; an escaped ASCII byte is not a slug.
        if byte.is_ascii() {
            return false;
        }
        decoded.push(byte);
        i += 3;
    }
    std::str::from_utf8(&decoded).is_ok()
}

/// Pages deeper than this are refused.
pub const PAGE_DEPTH: usize = 5;

/// Checks a page's slug, which may name its parents as WordPress's page
/// addresses do (`about/history`): slugs joined by `/`, at most
/// [`PAGE_DEPTH`] of them, the first not a number (those are date archives).
pub fn parse_page_path(raw: &str) -> Result<String, String> {
    let s = raw.trim().trim_matches('/');
    let parts: Vec<&str> = s.split('/').collect();
    if parts.len() > PAGE_DEPTH {
        return Err(format!("A page can sit at most {PAGE_DEPTH} levels deep (about/history/…)."));
    }
    let checked = parts.iter().map(|p| parse_slug(p)).collect::<Result<Vec<String>, String>>()?;
    if checked[0].chars().all(|c| c.is_ascii_digit()) {
        return Err("A page's address cannot start with a number: those are date archives.".into());
    }
    if s.len() > 240 {
        return Err("A page's address can have at most 240 characters.".into());
    }
    Ok(checked.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_in_other_scripts_keep_their_escapes() {
        assert!(parse_slug("%ce%b5%cf%80%ce%af%cf%80%ce%b5%ce%b4%ce%bf-2").is_ok());
        assert!(parse_slug("%CE%B5").is_err(), "escapes are lower-case, as WordPress writes them");
        assert!(parse_slug("%ce").is_err(), "half a character");
        assert!(parse_slug("%2f").is_err(), "an escaped slash (or any ASCII) is not a slug");
        assert!(parse_slug("a%").is_err());
    }

    #[test]
    fn page_slugs_may_name_their_parents() {
        assert_eq!(parse_page_path("about/history").unwrap(), "about/history");
        assert_eq!(parse_page_path("/about/").unwrap(), "about");
        assert!(parse_page_path("about//history").is_err());
        assert!(parse_page_path("2022/about").is_err());
        assert!(parse_page_path("a/b/c/d/e/f").is_err());
        assert!(parse_page_path("About/x").is_err());
    }

    #[test]
    fn clean_text_drops_what_xml_cannot_carry_and_keeps_the_rest() {
        assert_eq!(clean_text("Talks\u{1}\u{8} resume\u{fffe}\r\nin Geneva\u{ffff}"), "Talks resume\nin Geneva");
        assert_eq!(clean_text("tab\tand ünïcode — “quotes” 日本"), "tab\tand ünïcode — “quotes” 日本");
    }

    #[test]
    fn slugify_turns_headlines_into_ascii_slugs() {
        assert_eq!(slugify("Zürich’s “Very Soon” Summit!"), "zurichs-very-soon-summit");
    }

    #[test]
    fn parse_slug_refuses_spaces_capitals_and_double_hyphens() {
        assert!(parse_slug("good-slug-2").is_ok());
        assert!(parse_slug("Bad Slug").is_err());
        assert!(parse_slug("a--b").is_err());
        assert!(parse_slug("-a").is_err());
        assert!(parse_slug("").is_err());
    }

    #[test]
    fn long_slugs_are_cut_without_a_trailing_hyphen() {
        let s = slugify(&"word ".repeat(60));
        assert!(s.len() <= 120);
        assert!(!s.ends_with('-'));
    }
}
