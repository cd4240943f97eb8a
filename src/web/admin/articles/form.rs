//! The editor's fields as typed, and turning them into an edit.
//!
//! Fields stay strings until `to_input`, so nothing typed is lost when the
//! form comes back with errors; the reading must collect every problem rather
//! than stop at the first.

use serde::{Deserialize, Serialize};

use crate::domain::{self, Article, ArticleInput, BodyFormat, FieldErrors, Kind, MediaId, PhotoInput, Status};
use crate::web::form::FormData;
use crate::web::AppState;

/// The editor's fields as typed (strings, so nothing typed is lost on errors).
#[derive(Debug, Default, Serialize, Deserialize, Clone)]
pub struct EditForm {
    pub(super) kind: String,
    pub(super) headline: String,
    pub(super) slug: String,
    pub(super) standfirst: String,
    pub(super) dateline: String,
    pub(super) section: String,
    pub(super) tags: String,
    pub(super) authors: String,
    pub(super) body: String,
    pub(super) body_format: String,
    pub(super) photo_media_id: String,
    pub(super) photo_caption: String,
    pub(super) photo_credit: String,
    pub(super) photo_alt: String,
    pub(super) comments_open: bool,
    pub(super) published_at: String,
    pub(super) password: String,
}

impl EditForm {
    /// Fills the fields from a stored article (the publication time in the site's zone).
    pub(super) fn from_article(a: &Article, tz: chrono_tz::Tz) -> EditForm {
        let join = |v: &[domain::Term]| v.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ");
        EditForm {
            kind: a.kind.as_str().into(),
            headline: a.headline.clone(),
            slug: a.slug.clone(),
            standfirst: a.standfirst.clone().unwrap_or_default(),
            dateline: a.dateline.clone().unwrap_or_default(),
            section: a.section.as_ref().map(|s| s.name.clone()).unwrap_or_default(),
            tags: join(&a.tags),
            authors: join(&a.authors),
            body: a.body.clone(),
            body_format: a.body_format.as_str().into(),
            photo_media_id: a.photo.as_ref().map(|p| p.media.id.0.to_string()).unwrap_or_default(),
            photo_caption: a.photo.as_ref().and_then(|p| p.caption.clone()).unwrap_or_default(),
            photo_credit: a.photo.as_ref().and_then(|p| p.credit.clone()).unwrap_or_default(),
            photo_alt: a.photo.as_ref().map(|p| p.alt.clone()).unwrap_or_default(),
            comments_open: a.comments_open,
            password: a.password.clone().unwrap_or_default(),
            published_at: a
                .published_at
                .map(|t| t.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string())
                .unwrap_or_default(),
        }
    }

    /// Reads the fields as posted; ticking "remove photo" empties the photo.
    pub(super) fn from_fields(f: &FormData) -> EditForm {
        let g = |k: &str| f.get(k).to_owned();
        EditForm {
            kind: g("kind"),
            headline: g("headline"),
            slug: g("slug"),
            standfirst: g("standfirst"),
            dateline: g("dateline"),
            section: g("section"),
            tags: g("tags"),
            authors: g("authors"),
            body: g("body"),
            body_format: g("body_format"),
            photo_media_id: if f.get("remove_photo").is_empty() { g("photo_media_id") } else { String::new() },
            photo_caption: g("photo_caption"),
            photo_credit: g("photo_credit"),
            photo_alt: g("photo_alt"),
            comments_open: !f.get("comments_open").is_empty(),
            published_at: g("published_at"),
            password: g("password"),
        }
    }
}

/// Splits a comma-separated list, dropping blank entries.
fn split_list(s: &str) -> Vec<String> {
    s.split(',').map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect()
}

/// Turns the typed form into domain input, collecting every problem.
pub(super) async fn to_input(state: &AppState, f: &EditForm, status: Status) -> Result<ArticleInput, FieldErrors> {
    let mut errors = FieldErrors::default();
    let published_at = domain::parse_local_datetime(&f.published_at, state.cfg.tz())
        .map_err(|m| errors.add("published_at", m))
        .ok()
        .flatten();
    let mut photo = None;
    if !f.photo_media_id.trim().is_empty() {
        match f.photo_media_id.trim().parse::<i64>() {
            Ok(id) if matches!(state.store.get_media(MediaId(id)).await, Ok(Some(_))) => {
                photo = Some(PhotoInput {
                    media_id: MediaId(id),
                    caption: Some(f.photo_caption.clone()),
                    credit: Some(f.photo_credit.clone()),
                    alt: f.photo_alt.clone(),
                });
            }
            _ => errors.add("photo", "The photo could not be found; upload it again."),
        }
    }
    let input = ArticleInput {
        kind: if f.kind == "page" { Kind::Page } else { Kind::Article },
        slug: Some(f.slug.clone()),
        headline: f.headline.clone(),
        standfirst: Some(f.standfirst.clone()),
        body: f.body.clone(),
        body_format: BodyFormat::parse(&f.body_format).unwrap_or_default(),
        dateline: Some(f.dateline.clone()),
        section: Some(f.section.clone()),
        tags: split_list(&f.tags),
        authors: split_list(&f.authors),
        photo,
        status,
        published_at,
        comments_open: f.comments_open,
        password: Some(f.password.clone()).filter(|p| !p.is_empty()),
    };
    match input.normalize() {
        Ok(i) if errors.is_empty() => Ok(i),
        Ok(_) => Err(errors),
        Err(mut e) => {
            for (k, v) in errors.0 {
                e.add(k, v);
            }
            Err(e)
        }
    }
}
