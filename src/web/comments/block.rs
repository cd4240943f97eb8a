//! The comment section of an article page: the approved comments as threads,
//! paged, plus the visitor's own comments awaiting moderation, and the form
//! with its token.
//!
//! It only reads: it must not change comments or set cookies, since the page
//! it is part of may be served to others from the cache.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::{page_token, FormToken};
use crate::domain::{self, Article, Comment, CommentStatus, FieldErrors};
use crate::render::view::When;
use crate::web::error::AppError;
use crate::web::AppState;

/// What the comment form shows: the typed values, their errors and a message.
#[derive(Debug, Clone, Serialize, Default)]
pub struct FormState {
    pub name: String,
    pub email: String,
    pub url: String,
    pub body: String,
    pub notify: bool,
    pub parent_id: Option<i64>,
    pub errors: FieldErrors,
    pub message: Option<String>,
    /// On a story behind a password, the proof this browser gave it (its
    /// cookie is scoped to the story's address, which the form does not post to).
    pub unlock: String,
}

/// One comment as readers see it.
#[derive(Debug, Clone, Serialize)]
pub struct CommentView {
    pub id: i64,
    pub author: String,
    pub author_url: Option<String>,
    pub body_html: String,
    pub when: When,
    pub pending: bool,
    pub staff: bool,
    pub editable: bool,
}

/// Everything the comment section of an article page needs.
#[derive(Debug, Clone, Serialize)]
pub struct CommentsBlock {
    pub article_id: i64,
    pub open: bool,
    pub count: usize,
    pub threads: Vec<domain::ThreadNode<CommentView>>,
    pub page: usize,
    pub pages: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub form: FormState,
    pub token: FormToken,
    pub max_chars: usize,
}

/// Builds one comment as this visitor sees it (their own can be edited for a few minutes).
fn view(state: &AppState, c: &Comment, visitor: Option<&str>, now: DateTime<Utc>) -> CommentView {
    let own = visitor.is_some() && c.visitor.as_deref() == visitor;
    CommentView {
        id: c.id.0,
        author: c.author_name.clone(),
        author_url: c.author_url.clone(),
        body_html: domain::render_body(&c.body),
        when: When::new(c.created_at, state.cfg.tz()),
        pending: c.status == CommentStatus::Pending,
        staff: c.staff,
        editable: own && now - c.created_at < Duration::minutes(i64::from(state.cfg.comments.edit_minutes)),
    }
}

/// Builds the comment section; `visitor` adds that browser's own pending comments.
pub async fn block(
    state: &AppState,
    a: &Article,
    url_path: &str,
    page: usize,
    visitor: Option<&str>,
    form: FormState,
) -> Result<CommentsBlock, AppError> {
    let now = Utc::now();
    let mut list = state.store.list_article_comments(a.id, &[CommentStatus::Approved]).await?;
    let count = list.len();
    if let Some(v) = visitor {
        list.extend(state.store.list_visitor_pending(a.id, v).await?);
        list.sort_by_key(|c| (c.created_at, c.id));
    }
    let views: Vec<CommentView> = list.iter().map(|c| view(state, c, visitor, now)).collect();
    let parents: std::collections::HashMap<i64, Option<i64>> =
        list.iter().map(|c| (c.id.0, c.parent_id.map(|p| p.0))).collect();
    let threads = domain::build_threads(
        &views,
        |v| v.id,
        |v| parents.get(&v.id).copied().flatten(),
        state.cfg.comments.max_depth,
    );
    let per = state.cfg.comments.per_page.max(1);
    let pages = threads.len().div_ceil(per).max(1);
    if page > pages {
        return Err(AppError::NotFound);
    }
    let link = |p: usize| if p == 1 { format!("{url_path}#comments") } else { format!("{url_path}?page={p}#comments") };
    let threads = threads.into_iter().skip((page - 1) * per).take(per).collect();
    let rules = state.cfg.comments.rules();
    Ok(CommentsBlock {
        article_id: a.id.0,
        open: domain::comments_open(a.comments_open, a.published_at, &rules, now),
        count,
        threads,
        page,
        pages,
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
        form,
        token: page_token(state, a.id, now),
        max_chars: state.cfg.comments.max_chars,
    })
}
