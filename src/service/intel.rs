//! Story intelligence for stored articles: reads an article's text with
//! `intel::extract` and stores what it finds (`EntityStore::save_intel`, which
//! keeps the editors' decisions). Runs after an article is committed, never
//! before: a save is acknowledged whether or not extraction works.

use std::sync::Arc;

use chrono::{NaiveDate, Utc};

use crate::changes::Changes;
use crate::domain::change::{Key, Notice};
use crate::domain::{Article, ArticleId, Kind};
use crate::intel::{self, Annotations, When};
use crate::render::markdown;
use crate::store::{ArticleIntel, Effects, EntityDecision, FoundEntity, FoundEvent, FoundQuote, Store, StoreError};

/// Snippets kept per entity for the editors' review.
const SNIPPETS: usize = 3;
/// Characters of context on each side of a mention in a snippet.
const CONTEXT: usize = 70;

/// Reads an article (headline, standfirst and body as readers see them) and
/// returns what to store. Pure and CPU-bound.
pub fn annotate(a: &Article, tz: chrono_tz::Tz) -> ArticleIntel {
    // A story behind a password names no one on entity pages, timelines or quotes.
    if a.is_protected() {
        return ArticleIntel::default();
    }
    let body = crate::render::view::body_html(a);
    let mut blocks = vec![markdown::smarten(&a.headline)];
    blocks.extend(a.standfirst.as_deref().map(markdown::smarten));
    blocks.extend(markdown::block_texts(&body));
    let text = blocks.join("\n\n");
    let published = a.published_at.unwrap_or(a.updated_at).with_timezone(&tz).date_naive();
    let found = intel::extract(&intel::Input { text: &text, published, dateline: a.dateline.as_deref() });
    let paragraphs: Vec<String> = markdown::paragraph_texts(&body).iter().map(|p| folded(p)).collect();
    convert(&text, &found, &paragraphs)
}

fn convert(text: &str, found: &Annotations, paragraphs: &[String]) -> ArticleIntel {
    let entities: Vec<FoundEntity> = found
        .entities
        .iter()
        .filter(|e| !e.slug.is_empty())
        .map(|e| FoundEntity {
            kind: e.kind,
            name: e.name.clone(),
            slug: e.slug.clone(),
            roles: e.roles.clone(),
            snippets: e.mentions.iter().take(SNIPPETS).map(|m| snippet(text, m.start, m.end)).collect(),
            mentions: e.mentions.len() as u32,
        })
        .collect();
    let events = found
        .events
        .iter()
        .map(|ev| {
            let (from, to) = span(&ev.when);
            FoundEvent {
                from,
                to,
                label: ev.when.label(),
                expression: ev.expression.clone(),
                sentence: ev.sentence.trim().to_owned(),
                anchor: anchor(paragraphs, &ev.sentence),
            }
        })
        .collect();
    let quotes = found
        .quotes
        .iter()
        .map(|q| {
            let speaker = q.speaker.as_deref().and_then(|name| entities.iter().find(|e| e.name == name));
            FoundQuote {
                speaker: speaker.map(|e| (e.kind, e.slug.clone())),
                speaker_name: q.speaker.clone(),
                text: q.text.clone(),
                anchor: anchor(paragraphs, &q.text),
            }
        })
        .collect();
    ArticleIntel { entities, events, quotes }
}

/// The days a normalised time covers.
fn span(w: &When) -> (NaiveDate, NaiveDate) {
    let last_of_month = |y: i32, m: u32| {
        let next = if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) };
        next.and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
    };
    match *w {
        When::Day { date } => (date, date),
        When::Month { year, month } => (w.sort_key(), last_of_month(year, month)),
        When::Year { year } => (w.sort_key(), NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX)),
        When::Range { from, to } => (from, to),
    }
}

/// Lower-case letters and digits only, so typography and the dateline do not stop a match.
fn folded(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The id of the first paragraph holding the start of `passage`.
fn anchor(paragraphs: &[String], passage: &str) -> Option<String> {
    let key: String = folded(passage).chars().take(60).collect();
    if key.is_empty() {
        return None;
    }
    let i = paragraphs.iter().position(|p| p.contains(&key))?;
    Some(format!("{}{}", markdown::PARAGRAPH_ID_PREFIX, i + 1))
}

/// The text around a mention, cut at spaces, within its paragraph.
fn snippet(text: &str, start: usize, end: usize) -> String {
    let para_start = text[..start].rfind("\n\n").map_or(0, |i| i + 2);
    let para_end = text[end..].find("\n\n").map_or(text.len(), |i| end + i);
    let before = &text[para_start..start];
    let after = &text[end..para_end];
    let cut_before = before.char_indices().rev().nth(CONTEXT).map_or(0, |(i, _)| i);
    let cut_before =
        if cut_before == 0 { 0 } else { before[cut_before..].find(' ').map_or(cut_before, |s| cut_before + s + 1) };
    let cut_after = after.char_indices().nth(CONTEXT).map_or(after.len(), |(i, _)| i);
    let cut_after =
        if cut_after == after.len() { cut_after } else { after[..cut_after].rfind(' ').unwrap_or(cut_after) };
    let mut s = String::new();
    if cut_before > 0 {
        s.push('…');
    }
    s.push_str(&text[para_start + cut_before..end + cut_after]);
    if cut_after < after.len() {
        s.push('…');
    }
    s
}

/// Story intelligence's use cases, with what they need.
#[derive(Clone)]
pub struct Intel {
    store: Arc<dyn Store>,
    changes: Changes,
    tz: chrono_tz::Tz,
}

/// An editor's decision about an entity an article names.
#[derive(Debug, Clone)]
pub enum Decision {
    /// Keep the link in this article (a later run will not drop it).
    Accept,
    /// Drop the link from this article.
    Reject,
    /// Forget the decision: the next run decides again.
    Reset,
    /// Drop the entity from every article.
    RejectEverywhere,
    /// Undo `RejectEverywhere`.
    RestoreEverywhere,
    /// Rename the entity or change its kind; the old name keeps mapping to it.
    Correct { name: String, kind: crate::intel::Kind },
    /// Make it one with another entity.
    Merge { into: i64 },
}

impl Intel {
    /// Makes the service.
    pub fn new(store: Arc<dyn Store>, changes: Changes, tz: chrono_tz::Tz) -> Intel {
        Intel { store, changes, tz }
    }

    /// Reads one stored article and stores what it names. Returns false for a
    /// page, a missing article, or a run overtaken by a newer save (nothing stored).
    pub async fn enrich(&self, id: ArticleId) -> Result<bool, StoreError> {
        let Some(a) = self.store.get_article(id).await? else { return Ok(false) };
        if a.kind != Kind::Article {
            return Ok(false);
        }
        let seen = a.updated_at;
        let tz = self.tz;
        let found = tokio::task::spawn_blocking(move || annotate(&a, tz))
            .await
            .map_err(|e| StoreError::Backend(format!("extraction stopped: {e}").into()))?;
        // A later save's own run stores that version; this one is stale.
        if self.store.get_article(id).await?.is_some_and(|now| now.updated_at != seen) {
            return Ok(false);
        }
        // The store adds the keys of every entity named before or now, and says which.
        let notice = Notice::of([Key::article(id)]);
        let touched = self.store.save_intel(id, &found, Utc::now(), &Effects::notice(notice.clone())).await?;
        let mut notice = notice;
        notice.keys.extend(touched.into_iter().map(Key::entity));
        self.changes.apply(&notice);
        Ok(true)
    }

    /// Enriches an article and logs a failure instead of returning it (for
    /// imports: the article is stored either way).
    pub async fn enrich_logged(&self, id: ArticleId) {
        if let Err(e) = self.enrich(id).await {
            tracing::warn!(article = id.0, error = %e, "story intelligence failed; `dateline enrich` retries");
        }
    }

    /// Enriches an article in the background after its save was committed.
    pub fn spawn(&self, id: ArticleId) {
        let this = self.clone();
        tokio::spawn(async move { this.enrich_logged(id).await });
    }

    /// Applies an editor's decision about an entity in an article.
    pub async fn decide(&self, article: ArticleId, entity: i64, d: Decision) -> Result<(), StoreError> {
        let now = Utc::now();
        let mut notice = Notice::of([Key::article(article), Key::entity(entity)]);
        if let Decision::Merge { into } = &d {
            notice.keys.insert(Key::entity(*into));
        }
        let effects = Effects::notice(notice.clone());
        let s = &self.store;
        match d {
            Decision::Accept => s.set_entity_decision(article, entity, EntityDecision::Accept, &effects).await?,
            Decision::Reject => s.set_entity_decision(article, entity, EntityDecision::Reject, &effects).await?,
            Decision::Reset => s.set_entity_decision(article, entity, EntityDecision::Reset, &effects).await?,
            Decision::RejectEverywhere => s.set_entity_rejected(entity, true, now, &effects).await?,
            Decision::RestoreEverywhere => s.set_entity_rejected(entity, false, now, &effects).await?,
            Decision::Correct { name, kind } => {
                s.update_entity(entity, &name, kind, now, &effects).await?;
            }
            Decision::Merge { into } => s.merge_entities(entity, into, now, &effects).await?,
        }
        self.changes.apply(&notice);
        Ok(())
    }
}
