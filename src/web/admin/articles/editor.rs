//! The editor page and saving from it: a new or existing article, preview,
//! photo upload, and the publishing buttons (save, submit, publish, schedule,
//! unpublish).
//!
//! A refused save shows the editor again with the typed fields and answers
//! 422; this module must not store anything except through the article and
//! photo services.

use std::collections::HashMap;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Serialize;

use super::super::admin_layout;
use super::form::{to_input, EditForm};
use super::open_article;
use super::stash::{restore, stash_and_login, RESTORED};
use crate::domain::{self, Article, ArticleId, ArticleInput, FieldErrors, MediaId, Status};
use crate::render::view::{ArticleView, CorrectionView, Layout, When};
use crate::service::media::UploadError;
use crate::service::SaveError;
use crate::web::auth::{self, no_store, session_of, StaffSession};
use crate::web::error::AppError;
use crate::web::form::read_multipart;
use crate::web::public::render;
use crate::web::AppState;

#[derive(Serialize)]
struct EditCtx {
    layout: Layout,
    id: Option<i64>,
    form: EditForm,
    errors: FieldErrors,
    status: &'static str,
    public_url: Option<String>,
    photo_src: Option<String>,
    preview: Option<ArticleView>,
    corrections: Vec<CorrectionView>,
    notice: Option<String>,
    can_publish: bool,
}

/// Shows the editor for one article (or a new one) to one session.
struct Editor<'a> {
    state: &'a AppState,
    session: &'a StaffSession,
    article: Option<&'a Article>,
}

impl Editor<'_> {
    /// Renders the editor with these fields; with errors it answers 422.
    async fn page(
        &self,
        form: EditForm,
        errors: FieldErrors,
        preview: Option<ArticleView>,
        notice: Option<String>,
    ) -> Result<Response, AppError> {
        let tz = self.state.cfg.tz();
        let photo_src = match form.photo_media_id.trim().parse::<i64>() {
            Ok(id) => self.state.store.get_media(MediaId(id)).await?.map(|m| {
                let w = m.widths.iter().copied().min().unwrap_or(m.width);
                crate::render::view::media_url(&m, w)
            }),
            Err(_) => None,
        };
        let title = match self.article {
            Some(a) => format!("Edit: {}", a.headline),
            None => "New article".to_owned(),
        };
        let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
        let ctx = EditCtx {
            layout: admin_layout(self.state, self.session, &title).await,
            id: self.article.map(|a| a.id.0),
            form,
            errors,
            status: self.article.map_or("draft", |a| a.status.as_str()),
            public_url: self.article.filter(|a| a.is_public(Utc::now())).map(|a| a.permalink(tz)),
            photo_src,
            preview,
            corrections: self
                .article
                .map(|a| {
                    a.corrections
                        .iter()
                        .map(|c| CorrectionView { when: When::new(c.created_at, tz), body: c.body.clone() })
                        .collect()
                })
                .unwrap_or_default(),
            notice,
            can_publish: self.session.0.user.role.can_publish(),
        };
        let mut res = render(self.state, "admin/edit.html", &ctx)?;
        *res.status_mut() = status;
        no_store(res)
    }
}

/// Shows an empty editor.
pub async fn new_article(
    State(state): State<AppState>,
    s: StaffSession,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let mut form = EditForm { comments_open: true, authors: s.0.user.name.clone(), ..Default::default() };
    if q.get("kind").map(String::as_str) == Some("page") {
        form.kind = "page".into();
        form.comments_open = false;
    }
    let mut notice = None;
    if q.contains_key("restore") {
        if let Some(kept) = restore(&state, &headers).await? {
            form = kept;
            notice = Some(RESTORED.to_owned());
        }
    }
    Editor { state: &state, session: &s, article: None }.page(form, FieldErrors::default(), None, notice).await
}

/// Shows the editor for an existing article.
pub async fn edit_article(
    State(state): State<AppState>,
    s: StaffSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let article = open_article(&state, &s, id).await?;
    let mut form = EditForm::from_article(&article, state.cfg.tz());
    let mut notice = q.get("saved").map(|m| saved_message(m).to_owned());
    if q.contains_key("restore") {
        if let Some(kept) = restore(&state, &headers).await? {
            form = kept;
            notice = Some(RESTORED.to_owned());
        }
    }
    Editor { state: &state, session: &s, article: Some(&article) }
        .page(form, FieldErrors::default(), None, notice)
        .await
}

/// Words the notice shown after a save, by the `saved` code in the address.
fn saved_message(code: &str) -> &'static str {
    match code {
        "published" => "Published.",
        "scheduled" => "Scheduled.",
        "pending" => "Submitted for review.",
        "unpublished" => "Unpublished: readers no longer see it.",
        "correction" => "Correction added.",
        _ => "Saved.",
    }
}

/// Creates an article from the editor.
pub async fn create_article(
    State(state): State<AppState>,
    headers: HeaderMap,
    mp: Multipart,
) -> Result<Response, AppError> {
    save(state, headers, None, mp).await
}

/// Saves changes from the editor.
pub async fn update_article(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response, AppError> {
    save(state, headers, Some(ArticleId(id)), mp).await
}

/// Saves from the editor: checks the session (stashing the form if it expired), uploads a new photo,
/// then previews or saves with the status the pressed button asks for.
async fn save(state: AppState, headers: HeaderMap, id: Option<ArticleId>, mp: Multipart) -> Result<Response, AppError> {
    auth::check_origin_for(&headers, Some(state.cfg.base_url()))?;
    let data = read_multipart(mp, "photo", domain::limits::BODY * 4 + 1024).await?;
    let Some(session) = session_of(&state, &headers).await? else {
        return stash_and_login(&state, &headers, id, &data).await;
    };
    let s = StaffSession(session);
    s.check_csrf(data.get("csrf"))?;
    let article = match id {
        Some(id) => Some(open_article(&state, &s, id.0).await?),
        None => None,
    };
    let editor = Editor { state: &state, session: &s, article: article.as_ref() };
    let mut form = EditForm::from_fields(&data);
    if let Some(bytes) = data.file.clone() {
        match state.photos.upload(state.store.as_ref(), bytes, data.file_name.as_deref(), Some(s.0.user.id)).await {
            Ok(m) => form.photo_media_id = m.id.0.to_string(),
            Err(UploadError::Refused(msg) | UploadError::TooLarge(msg)) => {
                let mut e = FieldErrors::default();
                e.add("photo", msg);
                return editor.page(form, e, None, None).await;
            }
            Err(other) => return Err(other.into()),
        }
    }
    let action = data.get("action");
    let current = article.as_ref().map_or(Status::Draft, |a| a.status);
    let requested = match action {
        "submit" => Status::Pending,
        "publish" => Status::Published,
        "schedule" => Status::Scheduled,
        "unpublish" => Status::Unpublished,
        _ => current,
    };
    let input = match to_input(&state, &form, requested).await {
        Ok(i) => i,
        Err(e) => return editor.page(form, e, None, None).await,
    };
    if action == "preview" {
        let now = Utc::now();
        let preview = preview_view(&state, &input, article.as_ref(), now).await?;
        return editor.page(form, FieldErrors::default(), Some(preview), None).await;
    }
    let user = s.0.user.clone();
    match state.articles.save(Some(&user), id, input, Utc::now()).await {
        Ok(saved) => {
            let to = format!(
                "/admin/articles/{}?saved={}",
                saved.id.0,
                if action == "save" || action.is_empty() { "saved" } else { saved.status.as_str() }
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(SaveError::Invalid(e)) => editor.page(form, e, None, None).await,
        Err(SaveError::Denied(d)) => {
            let mut e = FieldErrors::default();
            e.add("action", d.to_string());
            editor.page(form, e, None, None).await
        }
        Err(other) => Err(other.into()),
    }
}

/// Builds the article as it would read with this edit, for the preview.
async fn preview_view(
    state: &AppState,
    input: &ArticleInput,
    existing: Option<&Article>,
    now: chrono::DateTime<Utc>,
) -> Result<ArticleView, AppError> {
    let photo = match &input.photo {
        Some(p) => state.store.get_media(p.media_id).await?.map(|m| domain::Photo {
            media: m,
            caption: p.caption.clone(),
            credit: p.credit.clone(),
            alt: p.alt.clone(),
        }),
        None => None,
    };
    let term = |n: &String| domain::Term::from_name(n);
    let a = Article {
        id: existing.map_or(ArticleId(0), |a| a.id),
        kind: input.kind,
        slug: input.slug.clone().unwrap_or_default(),
        headline: input.headline.clone(),
        standfirst: input.standfirst.clone(),
        body: input.body.clone(),
        body_format: input.body_format,
        dateline: input.dateline.clone(),
        section: input.section.as_ref().and_then(term),
        tags: input.tags.iter().filter_map(term).collect(),
        authors: input.authors.iter().filter_map(term).collect(),
        photo,
        status: input.status,
        published_at: input.published_at.or(Some(now)),
        created_at: existing.map_or(now, |a| a.created_at),
        updated_at: now,
        comments_open: input.comments_open,
        created_by: None,
        corrections: existing.map(|a| a.corrections.clone()).unwrap_or_default(),
        password: input.password.clone(),
        live: existing.and_then(|a| a.live.clone()),
    };
    // Staff see the whole story, protected or not.
    Ok(ArticleView::unlocked(&a, state.cfg.tz()))
}
