//! The keys of front matter: which are known, their aliases, the keys that
//! are accepted and ignored, and the rules that tie values together (a
//! non-empty title, a known status and kind, a `draft` flag that agrees with
//! `status`, a date for `scheduled`).
//!
//! A failed rule names the key it concerns so the error can point at its line;
//! this module must not build file-located errors itself (that is `parse`'s job).

use std::fmt;

use chrono::{DateTime, FixedOffset};
use serde::de::IgnoredAny;
use serde::Deserialize;

use super::values::{de_comments, de_date, de_names, de_tags, de_text};
use super::FrontMatter;

/// The front matter as written, before validation and normalisation.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a mapping of front matter keys")]
pub(super) struct RawFrontMatter {
    #[serde(default, deserialize_with = "de_text")]
    title: Option<String>,
    #[serde(default, deserialize_with = "de_text")]
    slug: Option<String>,
    #[serde(default, deserialize_with = "de_date")]
    date: Option<DateTime<FixedOffset>>,
    #[serde(default, deserialize_with = "de_date", alias = "lastmod", alias = "last_modified_at")]
    updated: Option<DateTime<FixedOffset>>,
    #[serde(default, deserialize_with = "de_text")]
    dateline: Option<String>,
    #[serde(default, deserialize_with = "de_text")]
    section: Option<String>,
    #[serde(default, deserialize_with = "de_tags")]
    tags: Vec<String>,
    #[serde(default, deserialize_with = "de_names", alias = "author")]
    authors: Vec<String>,
    #[serde(default, deserialize_with = "de_text", alias = "image")]
    photo: Option<String>,
    #[serde(default, deserialize_with = "de_text")]
    caption: Option<String>,
    #[serde(default, deserialize_with = "de_text")]
    credit: Option<String>,
    #[serde(default, deserialize_with = "de_text")]
    alt: Option<String>,
    #[serde(default, deserialize_with = "de_text", alias = "standfirst", alias = "description", alias = "excerpt")]
    summary: Option<String>,
    #[serde(default, deserialize_with = "de_comments")]
    comments: Option<bool>,
    #[serde(default, deserialize_with = "de_text")]
    status: Option<String>,
    #[serde(default, deserialize_with = "de_text")]
    kind: Option<String>,
    #[serde(default)]
    draft: Option<bool>,
    // Accepted so site exports load, and deliberately never read.
    #[serde(default, rename = "layout")]
    _layout: Option<IgnoredAny>,
    #[serde(default, rename = "permalink")]
    _permalink: Option<IgnoredAny>,
    #[serde(default, rename = "aliases")]
    _aliases: Option<IgnoredAny>,
    #[serde(default, rename = "weight")]
    _weight: Option<IgnoredAny>,
    #[serde(default, rename = "toc")]
    _toc: Option<IgnoredAny>,
}

/// A validation failure tied to the key it concerns.
pub(super) struct Invalid {
    pub(super) key: &'static str,
    pub(super) message: String,
}

impl Invalid {
    fn new(key: &'static str, message: impl Into<String>) -> Self {
        Self { key, message: message.into() }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl TryFrom<RawFrontMatter> for FrontMatter {
    type Error = Invalid;

    fn try_from(raw: RawFrontMatter) -> Result<Self, Self::Error> {
        validate(raw)
    }
}

/// Applies the rules that tie values together and builds the validated front matter.
pub(super) fn validate(raw: RawFrontMatter) -> Result<FrontMatter, Invalid> {
    let title = raw.title.ok_or_else(|| Invalid::new("title", "`title` is required and must not be empty"))?;
    let status = resolve_status(raw.status, raw.draft)?;
    if status.as_deref() == Some("scheduled") && raw.date.is_none() {
        return Err(Invalid::new("status", "`status: scheduled` needs a `date`"));
    }
    Ok(FrontMatter {
        title,
        slug: raw.slug,
        date: raw.date,
        updated: raw.updated,
        dateline: raw.dateline,
        section: raw.section,
        tags: raw.tags,
        authors: raw.authors,
        photo: raw.photo,
        caption: raw.caption,
        credit: raw.credit,
        alt: raw.alt,
        summary: raw.summary,
        comments: raw.comments,
        status,
        kind: one_of("kind", raw.kind, &["article", "page"])?,
    })
}

/// Combines `status` with the `draft` flag, refusing contradictions.
fn resolve_status(status: Option<String>, draft: Option<bool>) -> Result<Option<String>, Invalid> {
    let status = one_of("status", status, &["draft", "published", "scheduled"])?;
    let is_draft = status.as_deref().map(|s| s == "draft");
    match (draft, is_draft) {
        (Some(flag), Some(stated)) if flag != stated => Err(Invalid::new(
            "draft",
            format!("`draft: {flag}` contradicts `status: {}`", status.as_deref().unwrap_or("")),
        )),
        (Some(true), None) => Ok(Some("draft".to_string())),
        _ => Ok(status),
    }
}

/// Lower-cases a value and checks it is one of `allowed`.
fn one_of(key: &'static str, value: Option<String>, allowed: &[&str]) -> Result<Option<String>, Invalid> {
    let Some(value) = value.map(|v| v.to_lowercase()) else {
        return Ok(None);
    };
    if allowed.contains(&value.as_str()) {
        Ok(Some(value))
    } else {
        let expected = allowed.join(", ");
        Err(Invalid::new(key, format!("`{key}` must be one of {expected}, not `{value}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{at, failure, front};
    use super::*;

    #[test]
    fn an_empty_or_missing_title_is_refused() {
        let err = failure("---\nslug: x\ntitle: \"  \"\n---\n");
        assert_eq!((err.line, err.message.contains("title")), (3, true), "{err}");
        let err = failure("---\nslug: x\n---\n");
        assert!(err.message.contains("title"), "{err}");
        assert_eq!(failure("---\n---\nBody").line, 2);
    }

    #[test]
    fn summary_photo_and_updated_accept_their_aliases() {
        assert_eq!(front("title: T\nstandfirst: S").summary.as_deref(), Some("S"));
        assert_eq!(front("title: T\ndescription: D").summary.as_deref(), Some("D"));
        assert_eq!(front("title: T\nimage: a.jpg").photo.as_deref(), Some("a.jpg"));
        assert_eq!(front("title: T\nlastmod: 2022-02-21").updated, Some(at("2022-02-21T00:00:00Z")));
    }

    #[test]
    fn status_and_kind_are_validated_and_lower_cased() {
        assert_eq!(front("title: T\nstatus: Published").status.as_deref(), Some("published"));
        assert_eq!(front("title: T\nkind: page").kind.as_deref(), Some("page"));
        let err = failure("---\ntitle: T\nstatus: live\n---\n");
        assert_eq!(err.line, 3, "{err}");
        assert!(err.message.contains("draft, published, scheduled"), "{err}");
        assert_eq!(failure("---\ntitle: T\n\nkind: post\n---\n").line, 4);
    }

    #[test]
    fn scheduled_status_needs_a_date() {
        assert!(failure("---\ntitle: T\nstatus: scheduled\n---\n").message.contains("date"));
        let scheduled = front("title: T\nstatus: scheduled\ndate: 2030-01-01");
        assert_eq!(scheduled.status.as_deref(), Some("scheduled"));
    }

    #[test]
    fn draft_flag_maps_to_status_and_refuses_contradictions() {
        assert_eq!(front("title: T\ndraft: true").status.as_deref(), Some("draft"));
        assert_eq!(front("title: T\ndraft: false").status, None);
        let err = failure("---\ntitle: T\nstatus: published\ndraft: true\n---\n");
        assert_eq!(err.line, 4, "{err}");
    }

    #[test]
    fn harmless_site_generator_keys_are_ignored() {
        let parsed = front("title: T\nlayout: post\npermalink: /x/\naliases: [/y/]\nweight: 3\ntoc: true");
        assert_eq!(parsed.title, "T");
    }

    #[test]
    fn front_matter_deserialises_directly_with_the_same_validation() {
        let parsed: FrontMatter = serde_yaml_ng::from_str("title: T\ncomments: closed").expect("deserialises");
        assert_eq!(parsed.comments, Some(false));
        assert!(serde_yaml_ng::from_str::<FrontMatter>("title: ''").is_err());
    }
}
