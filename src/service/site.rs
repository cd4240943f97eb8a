//! Site settings readers see (the share services, the site's name): saved
//! with the notice that every page shows them.

use std::sync::Arc;

use crate::changes::Changes;
use crate::domain::change::{Key, Notice};
use crate::store::{Effects, SettingStore, StoreError};

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
}
