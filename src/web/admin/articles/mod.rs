//! Writing and publishing in the browser: the article list, the editor (with
//! preview, photo upload and the publishing buttons), corrections and revisions.
//!
//! A form with errors is shown again with every typed word in it and answers
//! 422. A save that arrives after the login expired is kept in a stash and
//! brought back into the editor after logging in again.
//!
//! `list` is the article list, `form` the editor's fields and their reading
//! into an edit, `editor` the editor page and saving, `stash` keeping a save
//! across an expired login, and `revisions` corrections and the revision
//! history. Handlers must not decide permissions themselves: they ask
//! `domain` (through `open_article` and the article service).

mod editor;
mod form;
mod list;
mod revisions;
mod stash;

use crate::domain::{self, Article, ArticleId};
use crate::web::auth::StaffSession;
use crate::web::error::AppError;
use crate::web::AppState;

pub use editor::{create_article, edit_article, new_article, update_article};
pub use list::list_articles;
pub use revisions::{create_correction, list_revisions};

/// Loads an article the user may open in the admin (authors: their own only).
async fn open_article(state: &AppState, s: &StaffSession, id: i64) -> Result<Article, AppError> {
    let a = state.store.get_article(ArticleId(id)).await?.ok_or(AppError::NotFound)?;
    if !domain::may_open(&s.0.user, &a) {
        return Err(AppError::NotFound);
    }
    Ok(a)
}
