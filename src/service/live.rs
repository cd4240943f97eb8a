//! Live coverage: switching a story to live and back, and the entries its
//! reporters post while the story moves. Each write commits its notice (the
//! story's live key and the entry's key, never the lists: a front page that
//! shows the headline does not change with an entry) and reports it with the
//! change log's id, which the live streams use as their event id.
//!
//! Who may do what: editors and admins start and end coverage, pin key events
//! and change any entry; the story's own author may start and end coverage of
//! it; every staff member may post to a story that is live (a live story is
//! written by the whole desk) and change their own entries.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::article::{Articles, SaveError};
use crate::changes::Changes;
use crate::domain::change::{Key, Notice};
use crate::domain::live::{EntryInput, LiveEntry, LiveState};
use crate::domain::{self, Article, ArticleId, ArticleInput, BodyFormat, FieldErrors, Kind, PhotoInput, Status, User};
use crate::store::{Effects, NewEntry, Store, StoreError};

/// Why a live write did not happen.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("{0}")]
    Invalid(FieldErrors),
    #[error("{0}")]
    Denied(&'static str),
    #[error("not found")]
    NotFound,
    /// The story is not live (entries go to live stories only).
    #[error("This story is not live; start live coverage before posting updates.")]
    NotLive,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for LiveError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => LiveError::NotFound,
            other => LiveError::Store(other),
        }
    }
}

/// The live-coverage use cases.
#[derive(Clone)]
pub struct Live {
    store: Arc<dyn Store>,
    changes: Changes,
    articles: Articles,
}

/// Entries shown on one page of a live story.
pub const PER_PAGE: u32 = 20;

impl Live {
    /// Makes the service.
    pub fn new(store: Arc<dyn Store>, changes: Changes, articles: Articles) -> Live {
        Live { store, changes, articles }
    }

    async fn article(&self, id: ArticleId) -> Result<Article, LiveError> {
        self.store.get_article(id).await?.ok_or(LiveError::NotFound)
    }

    /// Starts (`Live`), ends (`Ended`) or removes (`None`) a story's live coverage.
    pub async fn set_state(
        &self,
        user: &User,
        id: ArticleId,
        state: Option<LiveState>,
        now: DateTime<Utc>,
    ) -> Result<Article, LiveError> {
        let a = self.article(id).await?;
        if !domain::may_open(user, &a) {
            // Someone else's story the user may not open: as if it did not exist.
            return Err(if is_live(&a) { LiveError::Denied(SWITCH) } else { LiveError::NotFound });
        }
        // The story's own page and the lists that mark it live.
        let notice = Notice::of([Key::article(id), Key::live(id), Key::lists()]);
        let logged = self.store.set_live(id, state, now, &Effects::notice(notice.clone())).await?;
        self.changes.apply_logged(logged, &notice);
        self.article(id).await
    }

    /// Posts an entry to a live story.
    pub async fn post(
        &self,
        user: &User,
        article: ArticleId,
        input: EntryInput,
        now: DateTime<Utc>,
    ) -> Result<LiveEntry, LiveError> {
        let a = self.article(article).await?;
        if !is_live(&a) {
            return Err(if domain::may_open(user, &a) { LiveError::NotLive } else { LiveError::NotFound });
        }
        let mut input = input.normalize().map_err(LiveError::Invalid)?;
        if !user.role.can_publish() {
            input.pinned = false;
        }
        self.check_photo(&input).await?;
        let notice = Notice::of([Key::live(article)]);
        let new = NewEntry { article, author: Some(user.id), author_name: &user.name, input: &input, at: now };
        let (entry, logged) = self.store.create_entry(&new, &Effects::notice(notice.clone())).await?;
        let mut notice = notice;
        notice.keys.insert(Key::entry(entry.id));
        self.changes.apply_logged(logged, &notice);
        Ok(entry)
    }

    /// Changes an entry's text, photo or pin.
    pub async fn edit(
        &self,
        user: &User,
        id: i64,
        input: EntryInput,
        now: DateTime<Utc>,
    ) -> Result<LiveEntry, LiveError> {
        let old = self.entry_to_change(user, id).await?;
        let mut input = input.normalize().map_err(LiveError::Invalid)?;
        if !user.role.can_publish() {
            input.pinned = old.pinned;
        }
        self.check_photo(&input).await?;
        let notice = Notice::of([Key::live(old.article_id), Key::entry(id)]);
        let edited = old.headline != input.headline
            || old.body != input.body
            || old.photo.as_ref().map(|p| p.media.id) != input.photo
            || old.photo.as_ref().map(|p| &p.alt) != input.photo_alt.as_ref();
        let effects = Effects::notice(notice.clone());
        let (entry, logged) = self.store.update_entry(id, &input, edited, now, &effects).await?;
        self.changes.apply_logged(logged, &notice);
        Ok(entry)
    }

    /// Deletes an entry. Hard: readers must not be shown it again.
    pub async fn delete(&self, user: &User, id: i64, now: DateTime<Utc>) -> Result<LiveEntry, LiveError> {
        let old = self.entry_to_change(user, id).await?;
        let notice = Notice::of([Key::live(old.article_id), Key::entry(id)]).hard();
        let (entry, logged) = self.store.delete_entry(id, now, &Effects::notice(notice.clone())).await?;
        self.changes.apply_logged(logged, &notice);
        Ok(entry)
    }

    /// Makes an entry the start of an article of its own: a draft in the live
    /// story's section and tags, by the entry's author, with the entry's text,
    /// for an editor to finish and publish. Editors and admins only.
    pub async fn promote(&self, user: &User, id: i64, now: DateTime<Utc>) -> Result<Article, LiveError> {
        if !user.role.can_publish() {
            return Err(LiveError::Denied("Only editors can make an update an article of its own."));
        }
        let entry = self.store.get_entry(id).await?.filter(|e| !e.deleted).ok_or(LiveError::NotFound)?;
        if let Some(done) = entry.promoted_to {
            if let Some(a) = self.store.get_article(done).await? {
                return Ok(a);
            }
        }
        let parent = self.article(entry.article_id).await?;
        let headline = entry.headline.clone().unwrap_or_else(|| first_words(&entry.body, 12));
        let input = ArticleInput {
            kind: Kind::Article,
            slug: None,
            headline,
            standfirst: None,
            body: entry.body.clone(),
            body_format: BodyFormat::Markdown,
            dateline: parent.dateline.clone(),
            section: parent.section.as_ref().map(|t| t.name.clone()),
            tags: parent.tags.iter().map(|t| t.name.clone()).collect(),
            authors: vec![entry.author_name.clone()],
            photo: entry.photo.as_ref().map(|p| PhotoInput {
                media_id: p.media.id,
                caption: None,
                credit: None,
                alt: p.alt.clone(),
            }),
            status: Status::Draft,
            published_at: None,
            comments_open: parent.comments_open,
            password: None,
        };
        let a = self.articles.save(Some(user), None, input, now).await.map_err(|e| match e {
            SaveError::Invalid(f) => LiveError::Invalid(f),
            SaveError::NotFound => LiveError::NotFound,
            SaveError::Store(s) => LiveError::Store(s),
            SaveError::Denied(_) => LiveError::Denied("You cannot create this article."),
            SaveError::Conflict(m) => LiveError::Store(StoreError::Conflict(m)),
        })?;
        self.store.set_entry_promoted(id, a.id).await?;
        Ok(a)
    }

    async fn entry_to_change(&self, user: &User, id: i64) -> Result<LiveEntry, LiveError> {
        let e = self.store.get_entry(id).await?.filter(|e| !e.deleted).ok_or(LiveError::NotFound)?;
        if !(user.role.can_publish() || e.author_id == Some(user.id)) {
            return Err(LiveError::Denied("Authors can only change their own updates."));
        }
        Ok(e)
    }

    async fn check_photo(&self, input: &EntryInput) -> Result<(), LiveError> {
        if let Some(m) = input.photo {
            if self.store.get_media(m).await?.is_none() {
                let mut f = FieldErrors::default();
                f.add("photo", "That photo does not exist; upload it first.");
                return Err(LiveError::Invalid(f));
            }
        }
        Ok(())
    }
}

const SWITCH: &str = "Only editors and the story's author can start or end live coverage.";

fn is_live(a: &Article) -> bool {
    a.live.as_ref().is_some_and(|c| c.state == LiveState::Live)
}

/// The first `n` words of an entry's text, for a headline it lacks.
fn first_words(md: &str, n: usize) -> String {
    let text = crate::render::markdown::plain_text(md);
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut s = words.iter().take(n).copied().collect::<Vec<_>>().join(" ");
    if words.len() > n {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_headline_from_the_first_words() {
        assert_eq!(super::first_words("Crowds **gather** at the quay.", 3), "Crowds gather at…");
        assert_eq!(super::first_words("Short.", 3), "Short.");
    }
}
