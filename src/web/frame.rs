//! What every public page shows around its content — the sections menu, the
//! pages menu, the share services — held in memory and read again only when
//! a change names it (`nav` for the menus, `site` for the settings), not on
//! every change of content: a live story changes content every few seconds,
//! its menus almost never.

use std::sync::{Arc, RwLock};

use chrono::Utc;

use crate::changes::Changes;
use crate::domain::change::Key;
use crate::domain::Kind;
use crate::render::view::Link;
use crate::store::{ArticleQuery, Store, StoreResult};

/// The menus every page shows.
#[derive(Debug, Clone, Default)]
pub struct Menus {
    pub nav: Vec<Link>,
    pub pages: Vec<Link>,
}

/// The frame this node holds.
pub struct Frame {
    menus: RwLock<Option<Arc<Menus>>>,
    share: RwLock<Option<Arc<Vec<String>>>>,
    changes: Changes,
}

impl Frame {
    /// Makes an empty frame that forgets what a change names.
    pub fn new(changes: &Changes) -> Arc<Frame> {
        let frame = Arc::new(Frame { menus: RwLock::new(None), share: RwLock::new(None), changes: changes.clone() });
        let weak = Arc::downgrade(&frame);
        changes.subscribe(move |_, n| {
            let Some(f) = weak.upgrade() else { return };
            let all = n.keys.contains(&Key::all());
            if all || n.keys.contains(&Key::nav()) {
                *f.menus.write().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
            }
            if all || n.keys.contains(&Key::site()) {
                *f.share.write().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
            }
        });
        frame
    }

    /// The menus, read from the store when not held.
    pub async fn menus(&self, store: &dyn Store, tz: chrono_tz::Tz) -> StoreResult<Arc<Menus>> {
        if let Some(m) = self.menus.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone() {
            return Ok(m);
        }
        let generation = self.changes.generation();
        let nav = store
            .list_sections()
            .await?
            .into_iter()
            .map(|t| Link { url: format!("/section/{}/", t.slug), name: t.name, current: false })
            .collect();
        let q = ArticleQuery { kind: Some(Kind::Page), public_at: Some(Utc::now()), limit: 20, ..Default::default() };
        let pages = store
            .list_articles(&q)
            .await?
            .items
            .iter()
            .map(|a| Link { name: a.headline.clone(), url: a.permalink(tz), current: false })
            .collect();
        let m = Arc::new(Menus { nav, pages });
        // Read before a change landed: good for this page, not to keep.
        if !self.changes.changed_since(&[Key::nav()], generation) {
            *self.menus.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(m.clone());
        }
        Ok(m)
    }

    /// The share services editors chose, read from the store when not held.
    pub async fn share(&self, store: &dyn Store) -> StoreResult<Arc<Vec<String>>> {
        if let Some(s) = self.share.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone() {
            return Ok(s);
        }
        let generation = self.changes.generation();
        let s = Arc::new(crate::web::share::enabled(store).await?);
        if !self.changes.changed_since(&[Key::site()], generation) {
            *self.share.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(s.clone());
        }
        Ok(s)
    }
}
