//! What an edit may set ([`ArticleInput`]), the field length limits, and the
//! check that trims, fills the slug and reports every problem at once.
//!
//! Over-long or malformed input is refused with a message per field; this
//! module must never cut or silently drop what an editor typed, beyond
//! surrounding spaces, blank entries, repeated tags or authors and the
//! control characters `clean_text` removes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{BodyFormat, Kind, MediaId, Status};
use crate::domain::{parse_page_path, parse_slug, slugify, FieldErrors};

/// The lead photo fields of an edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoInput {
    pub media_id: MediaId,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub alt: String,
}

/// Everything an edit may set; stored as each revision's snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleInput {
    pub kind: Kind,
    pub slug: Option<String>,
    pub headline: String,
    pub standfirst: Option<String>,
    pub body: String,
    #[serde(default)]
    pub body_format: BodyFormat,
    pub dateline: Option<String>,
    pub section: Option<String>,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    pub photo: Option<PhotoInput>,
    pub status: Status,
    pub published_at: Option<DateTime<Utc>>,
    pub comments_open: bool,
    /// Readers must give it to read the story (WordPress's post password);
    /// anyone may see the headline.
    #[serde(default)]
    pub password: Option<String>,
}

/// Field length limits; over-long input is refused, never cut.
pub mod limits {
    pub const HEADLINE: usize = 300;
    pub const STANDFIRST: usize = 600;
    pub const BODY: usize = 200_000;
    pub const DATELINE: usize = 60;
    pub const TERM: usize = 60;
    pub const TAGS: usize = 100;
    pub const AUTHORS: usize = 10;
    pub const CAPTION: usize = 600;
    pub const CREDIT: usize = 200;
    pub const ALT: usize = 300;
    pub const CORRECTION: usize = 2_000;
    pub const PASSWORD: usize = 255;
}

/// Records an error when `value` is longer than `max` characters.
fn too_long(errors: &mut FieldErrors, field: &'static str, value: &str, max: usize) {
    if value.chars().count() > max {
        errors.add(field, format!("This can have at most {max} characters."));
    }
}

impl ArticleInput {
    /// Checks every field, trims text and fills the slug from the headline when empty; returns all problems at once.
    pub fn normalize(mut self) -> Result<ArticleInput, FieldErrors> {
        let mut e = FieldErrors::default();
        self.headline = crate::domain::clean_text(self.headline.trim());
        self.body = crate::domain::clean_text(&self.body);
        if self.headline.is_empty() {
            e.add("headline", "Enter a headline.");
        }
        too_long(&mut e, "headline", &self.headline, limits::HEADLINE);
        self.slug = match self.slug.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => match if self.kind == Kind::Page { parse_page_path(s) } else { parse_slug(s) } {
                Ok(s) => Some(s),
                Err(m) => {
                    e.add("slug", m);
                    Some(s.to_owned())
                }
            },
            None => Some(slugify(&self.headline)).filter(|s| !s.is_empty()),
        };
        if self.slug.is_none() && !self.headline.is_empty() {
            e.add("slug", "Enter a slug: the headline has no letters or digits to make one from.");
        }
        self.standfirst = clean_opt(self.standfirst);
        // Spaces are part of a password; only an empty one means none.
        self.password = self.password.filter(|p| !p.is_empty());
        too_long(&mut e, "password", self.password.as_deref().unwrap_or(""), limits::PASSWORD);
        self.dateline = clean_opt(self.dateline);
        self.section = clean_opt(self.section);
        too_long(&mut e, "standfirst", self.standfirst.as_deref().unwrap_or(""), limits::STANDFIRST);
        too_long(&mut e, "body", &self.body, limits::BODY);
        too_long(&mut e, "dateline", self.dateline.as_deref().unwrap_or(""), limits::DATELINE);
        too_long(&mut e, "section", self.section.as_deref().unwrap_or(""), limits::TERM);
        self.tags = clean_list(self.tags);
        self.authors = clean_list(self.authors);
        check_terms(&mut e, "tags", &self.tags, limits::TAGS);
        check_terms(&mut e, "authors", &self.authors, limits::AUTHORS);
        if let Some(p) = self.photo.as_mut() {
            p.caption = clean_opt(p.caption.take());
            p.credit = clean_opt(p.credit.take());
            p.alt = crate::domain::clean_text(p.alt.trim());
            if p.alt.is_empty() {
                e.add("photo_alt", "Describe the photo for readers who cannot see it.");
            }
            too_long(&mut e, "photo_caption", p.caption.as_deref().unwrap_or(""), limits::CAPTION);
            too_long(&mut e, "photo_credit", p.credit.as_deref().unwrap_or(""), limits::CREDIT);
            too_long(&mut e, "photo_alt", &p.alt, limits::ALT);
        }
        if self.status == Status::Scheduled && self.published_at.is_none() {
            e.add("published_at", "Choose the date and time to publish at.");
        }
        e.into_result().map(|()| self)
    }
}

/// Cleans and trims optional text; blank becomes absent.
fn clean_opt(v: Option<String>) -> Option<String> {
    v.map(|s| crate::domain::clean_text(s.trim())).filter(|s| !s.is_empty())
}

/// Cleans and trims list entries, dropping blanks and entries with the same slug as an earlier one.
fn clean_list(v: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in v {
        let s = crate::domain::clean_text(s.trim());
        if !s.is_empty() && !out.iter().any(|o| slugify(o) == slugify(&s)) {
            out.push(s);
        }
    }
    out
}

/// Checks a list of tags or authors: how many, how long each is, and that each can have a slug.
fn check_terms(e: &mut FieldErrors, field: &'static str, list: &[String], max: usize) {
    if list.len() > max {
        e.add(field, format!("Use at most {max}."));
    }
    if let Some(t) = list.iter().find(|t| t.chars().count() > limits::TERM) {
        e.add(
            field,
            format!("“{}…” is longer than {} characters.", t.chars().take(20).collect::<String>(), limits::TERM),
        );
    }
    if list.iter().any(|t| slugify(t).is_empty()) {
        e.add(field, "Each name needs at least one letter or digit.");
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::input;
    use super::*;

    #[test]
    fn normalize_trims_fills_slug_and_dedupes_tags() {
        let a = input().normalize().unwrap();
        assert_eq!(a.headline, "Council Votes On Tram Line");
        assert_eq!(a.slug.as_deref(), Some("council-votes-on-tram-line"));
        assert_eq!(a.standfirst, None);
        assert_eq!(a.tags, vec!["Transport".to_string()]);
    }

    #[test]
    fn normalize_reports_every_bad_field_at_once() {
        let mut i = input();
        i.headline = " ".into();
        i.slug = Some("Bad Slug".into());
        i.body = "x".repeat(limits::BODY + 1);
        let e = i.normalize().unwrap_err();
        assert!(e.0.contains_key("headline"));
        assert!(e.0.contains_key("slug"));
        assert!(e.0.contains_key("body"));
    }

    #[test]
    fn a_photo_needs_alt_text() {
        let mut i = input();
        i.photo = Some(PhotoInput { media_id: MediaId(1), caption: None, credit: None, alt: " ".into() });
        assert!(i.normalize().unwrap_err().0.contains_key("photo_alt"));
    }
}
