//! Articles: saving (role rules, publication time, redirects for changed
//! permalinks), corrections, and timed publishing. Each write commits its
//! change notice in its own transaction, then tells this process's caches and
//! starts story intelligence.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::changes::Changes;
use crate::domain::change::{Key, Notice};
use crate::domain::{self, Article, ArticleId, ArticleInput, Denied, FieldErrors, Kind, Status, Term, User};
use crate::store::{ArticleWrite, Effects, Store, StoreError};

/// Why a save did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{0}")]
    Invalid(FieldErrors),
    #[error("{0}")]
    Denied(#[from] Denied),
    #[error("not found")]
    NotFound,
    /// The article changed under the save (another node published it first).
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for SaveError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => SaveError::NotFound,
            StoreError::Conflict(m) if m == "slug" => {
                let mut f = FieldErrors::default();
                f.add("slug", "Another article already uses this slug; choose another.");
                SaveError::Invalid(f)
            }
            StoreError::Conflict(m) => SaveError::Conflict(m),
            other => SaveError::Store(other),
        }
    }
}

/// When story intelligence reads a saved article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enrich {
    /// After the save is answered (the editors' screens and the API).
    Background,
    /// Before `save` returns (imports, so a finished import is fully read).
    Inline,
    /// Not at all (generated benchmark sites; `dateline enrich` catches up).
    Off,
}

/// The article use cases, with what they need.
#[derive(Clone)]
pub struct Articles {
    store: Arc<dyn Store>,
    changes: Changes,
    tz: chrono_tz::Tz,
    enrich: Enrich,
}

impl Articles {
    /// Makes the service.
    pub fn new(store: Arc<dyn Store>, changes: Changes, tz: chrono_tz::Tz, enrich: Enrich) -> Articles {
        Articles { store, changes, tz, enrich }
    }

    /// Saves a new or changed article for `user` (None for trusted tools such as imports).
    ///
    /// Applies the role rules, settles the publication time, keeps a redirect
    /// from the old public URL when the permalink changes, records a revision
    /// and, when readers could see the article before or after, the notice of
    /// what changed, all in one transaction.
    pub async fn save(
        &self,
        user: Option<&User>,
        id: Option<ArticleId>,
        input: ArticleInput,
        now: DateTime<Utc>,
    ) -> Result<Article, SaveError> {
        let existing = match id {
            Some(id) => Some(self.store.get_article(id).await?.ok_or(SaveError::NotFound)?),
            None => None,
        };
        self.write(user, existing.as_ref(), input, None, now).await
    }

    async fn write(
        &self,
        user: Option<&User>,
        existing: Option<&Article>,
        input: ArticleInput,
        if_status: Option<Status>,
        now: DateTime<Utc>,
    ) -> Result<Article, SaveError> {
        let mut input = input.normalize().map_err(SaveError::Invalid)?;
        if let Some(u) = user {
            domain::may_save(u, existing, input.status)?;
        }
        let previous = existing.and_then(|a| a.published_at);
        let (status, at) = domain::resolve_publication(input.status, input.published_at, previous, now);
        input.status = status;
        input.published_at = at;
        let search = crate::render::search_doc(&input);
        let notice = notice_for(existing, &input);
        let effects = Effects { notice: notice.clone(), jobs: Vec::new() };
        let mut w =
            ArticleWrite { input: &input, search: &search, by: user.map(|u| u.id), at: now, old_path: None, if_status };
        let saved = match existing {
            None => self.store.create_article(&w, &effects).await?,
            Some(old) => {
                let old_path = redirect_from(old, &input, self.tz);
                w.old_path = old_path.as_deref();
                self.store.update_article(old.id, &w, &effects).await?
            }
        };
        if let Some(n) = &notice {
            self.changes.apply(n);
        }
        self.after_save(&saved).await;
        Ok(saved)
    }

    async fn after_save(&self, a: &Article) {
        let intel = super::intel::Intel::new(self.store.clone(), self.changes.clone(), self.tz);
        match self.enrich {
            Enrich::Background => intel.spawn(a.id),
            Enrich::Inline => intel.enrich_logged(a.id).await,
            Enrich::Off => {}
        }
    }

    /// Adds a dated correction to an article (editors and admins).
    pub async fn correct(&self, user: &User, id: ArticleId, body: &str, now: DateTime<Utc>) -> Result<(), SaveError> {
        domain::may_correct(user.role)?;
        let body = body.trim();
        if body.is_empty() || body.chars().count() > domain::limits::CORRECTION {
            let mut f = FieldErrors::default();
            f.add("body", format!("A correction needs between 1 and {} characters.", domain::limits::CORRECTION));
            return Err(SaveError::Invalid(f));
        }
        self.store.get_article(id).await?.ok_or(SaveError::NotFound)?;
        // Hard: the story must not be shown again without its correction.
        let notice = Notice::of([Key::article(id)]).hard();
        self.store.add_correction(id, body, now, &Effects::notice(notice.clone())).await?;
        self.changes.apply(&notice);
        Ok(())
    }

    /// Publishes the scheduled articles whose time has come, each as a click
    /// on Publish would (every effect included). Every node runs this; the
    /// first to reach an article publishes it, the others find it done.
    pub async fn publish_due(&self, now: DateTime<Utc>) -> Result<Vec<ArticleId>, SaveError> {
        let mut done = Vec::new();
        for id in self.store.list_due(now, 100).await? {
            let Some(a) = self.store.get_article(id).await? else { continue };
            let mut input = a.to_input();
            input.status = Status::Published;
            match self.write(None, Some(&a), input, Some(Status::Scheduled), now).await {
                Ok(_) => done.push(id),
                Err(SaveError::Conflict(_) | SaveError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(done)
    }
}

/// The notice of an article write, when readers could see the article before
/// or could after (a draft's save touches nothing readers see):
/// - its own page and every page showing its headline (its key);
/// - the lists it is in, when it enters or leaves them or moves in them
///   (published, unpublished, redated, or its section, tags or bylines changed);
/// - the menus, when it is a page or its visibility or section changed;
/// - hard when readers lose it (unpublished): no stale copy may be served.
fn notice_for(existing: Option<&Article>, input: &ArticleInput) -> Option<Notice> {
    let was = existing.is_some_and(|a| a.status.is_live());
    let will = input.status.is_live();
    if !was && !will {
        return None;
    }
    let term = |name: &String| Term::from_name(name).map(|t| t.slug);
    let section = input.section.as_ref().and_then(term);
    let tags: Vec<String> = input.tags.iter().filter_map(term).collect();
    let authors: Vec<String> = input.authors.iter().filter_map(term).collect();
    let mut n = Notice::default();
    let moved = match existing {
        None => true,
        Some(old) => {
            n.keys.insert(Key::article(old.id));
            let slugs = |v: &[Term]| v.iter().map(|t| t.slug.clone()).collect::<Vec<_>>();
            was != will
                || old.kind != input.kind
                || old.published_at != input.published_at
                || old.section.as_ref().map(|t| &t.slug) != section.as_ref()
                || slugs(&old.tags) != tags
                || slugs(&old.authors) != authors
        }
    };
    if moved {
        n.keys.insert(Key::lists());
        if let Some(old) = existing {
            n.keys.extend(Notice::article(old).keys);
        }
        n.keys.extend(section.iter().map(|s| Key::section(s)));
        n.keys.extend(tags.iter().map(|s| Key::tag(s)));
        n.keys.extend(authors.iter().map(|s| Key::author(s)));
    }
    let section_moved = existing.is_some_and(|old| old.section.as_ref().map(|t| &t.slug) != section.as_ref());
    if input.kind == Kind::Page || was != will || section_moved {
        n.keys.insert(Key::nav());
    }
    n.hard = was && !will;
    Some(n)
}

/// The old public path to keep as a redirect, when readers could have seen
/// the article there and its permalink changes.
fn redirect_from(old: &Article, input: &ArticleInput, tz: chrono_tz::Tz) -> Option<String> {
    let old_path = old.permalink(tz);
    let new_path = domain::permalink(
        input.kind,
        input.slug.as_deref().unwrap_or(&old.slug),
        input.published_at.unwrap_or(old.created_at),
        tz,
    );
    let seen = (old.status.is_live() || old.status == Status::Unpublished) && old.published_at.is_some();
    (seen && old_path != new_path).then_some(old_path)
}
