//! Site settings readers see (the share services, the site's name): saved
//! with the notice that every page shows them; and the breaking-news banner,
//! whose notice names the banner alone (pages keep it out of their own
//! content, so setting it changes no cached page).

use std::sync::Arc;

use crate::changes::Changes;
use crate::domain::banner::Banner;
use crate::domain::change::{Key, Notice};
use crate::domain::{FieldErrors, Permission, User};
use crate::store::{Effects, SettingStore, StoreError};

/// The setting that holds the banner (JSON; empty when there is none).
pub const BANNER_SETTING: &str = "banner";

/// Why the banner was not set.
#[derive(Debug, thiserror::Error)]
pub enum BannerError {
    #[error("{0}")]
    Invalid(FieldErrors),
    #[error("{0}")]
    Denied(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads the banner shown now, if any.
pub async fn current_banner(store: &dyn SettingStore) -> Result<Option<Banner>, StoreError> {
    let raw = store.get_setting(BANNER_SETTING).await?.unwrap_or_default();
    Ok(serde_json::from_str::<Banner>(&raw).ok())
}

/// Saves settings every page shows.
#[derive(Clone)]
pub struct Site {
    store: Arc<dyn SettingStore>,
    changes: Changes,
}

impl Site {
    /// Makes the service.
    pub fn new(store: Arc<dyn SettingStore>, changes: Changes) -> Site {
        Site { store, changes }
    }

    /// Writes settings in one transaction with the notice that every page changed around its content.
    pub async fn save(&self, pairs: &[(String, String)]) -> Result<(), StoreError> {
        let notice = Notice::of([Key::site()]);
        self.store.set_settings(pairs, &Effects::notice(notice.clone())).await?;
        self.changes.apply(&notice);
        Ok(())
    }

    /// Sets (`Some`) or clears (`None`) the breaking-news banner (editors and admins).
    pub async fn set_banner(&self, user: &User, banner: Option<Banner>) -> Result<Option<Banner>, BannerError> {
        crate::domain::require(user, Permission::ChangeSettings).map_err(BannerError::Denied)?;
        let banner = banner.map(Banner::normalize).transpose().map_err(BannerError::Invalid)?;
        let value = match &banner {
            Some(b) => serde_json::to_string(b).unwrap_or_default(),
            None => String::new(),
        };
        let notice = Notice::of([Key::banner()]);
        let logged =
            self.store.set_settings(&[(BANNER_SETTING.to_owned(), value)], &Effects::notice(notice.clone())).await?;
        self.changes.apply_logged(logged, &notice);
        Ok(banner)
    }
}
