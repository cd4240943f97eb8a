//! Writing and publishing in the browser: the article list, the editor (with
//! preview, photo upload and the publishing buttons), corrections and revisions.
//!
//! A form with errors is shown again with every typed word in it and answers
//! 422. A save that arrives after the login expired is kept in a stash and
//! brought back into the editor after logging in again.

use std::collections::HashMap;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{
    self, Article, ArticleId, ArticleInput, BodyFormat, FieldErrors, Kind, MediaId, PhotoInput, Status,
};
use crate::render::view::{ArticleView, CorrectionView, Layout, When};
use crate::service::media::UploadError;
use crate::service::SaveError;
use crate::store::{ArticleQuery, Revision};
use crate::web::auth::{self, no_store, session_of, StaffSession};
use crate::web::error::AppError;
use crate::web::form::{read_multipart, FormData};
use crate::web::public::render;
use crate::web::AppState;

use super::admin_layout;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    status: Option<String>,
    kind: Option<String>,
    q: Option<String>,
    page: Option<u32>,
}

#[derive(Serialize)]
struct Row {
    id: i64,
    headline: String,
    status: &'static str,
    kind: &'static str,
    section: Option<String>,
    authors: String,
    updated: When,
    published: Option<When>,
    url: String,
}

#[derive(Serialize)]
struct ListCtx {
    layout: Layout,
    rows: Vec<Row>,
    counts: Vec<(&'static str, u64)>,
    status: String,
    kind: String,
    q: String,
    total: u64,
    page: u32,
    next: Option<u32>,
    prev: Option<u32>,
}

/// Lists articles (or pages) with filters by status and by words anywhere in them.
pub async fn list_articles(
    State(state): State<AppState>,
    s: StaffSession,
    Query(lq): Query<ListQuery>,
) -> Result<Response, AppError> {
    let tz = state.cfg.tz();
    let status = lq.status.as_deref().and_then(Status::parse);
    let kind = if lq.kind.as_deref() == Some("page") { Kind::Page } else { Kind::Article };
    let page = lq.page.unwrap_or(1).clamp(1, 10_000);
    let words = lq.q.as_deref().map(crate::domain::search::SearchQuery::parse).filter(|w| w.is_searchable());
    let q = ArticleQuery {
        kind: Some(kind),
        status,
        limit: 50,
        offset: (page - 1) * 50,
        // Authors see their own work only; drafts and embargoed stories of others stay private.
        created_by: domain::own_scope(&s.0.user),
        ..Default::default()
    };
    // Words search the full text of every article the viewer may see, drafts included.
    let found = match words {
        Some(query) => {
            let hits = state.store.search(&crate::store::SearchRequest { query, filter: q }).await?;
            crate::store::Page { items: hits.items.into_iter().map(|h| h.article).collect(), total: hits.total }
        }
        None => state.store.list_articles(&q).await?,
    };
    let rows = found
        .items
        .iter()
        .map(|a| Row {
            id: a.id.0,
            headline: a.headline.clone(),
            status: a.status.as_str(),
            kind: a.kind.as_str(),
            section: a.section.as_ref().map(|t| t.name.clone()),
            authors: a.authors.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", "),
            updated: When::new(a.updated_at, tz),
            published: a.published_at.map(|t| When::new(t, tz)),
            url: a.permalink(tz),
        })
        .collect();
    let counts = state.store.count_by_status().await?.into_iter().map(|(s, n)| (s.as_str(), n)).collect();
    let ctx = ListCtx {
        layout: admin_layout(&state, &s, "Articles").await,
        rows,
        counts,
        status: status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        kind: kind.as_str().to_owned(),
        q: lq.q.unwrap_or_default(),
        total: found.total,
        page,
        next: (u64::from(page) * 50 < found.total).then_some(page + 1),
        prev: (page > 1).then(|| page - 1),
    };
    no_store(render(&state, "admin/articles.html", &ctx)?)
}

/// The editor's fields as typed (strings, so nothing typed is lost on errors).
#[derive(Debug, Default, Serialize, Deserialize, Clone)]
pub struct EditForm {
    kind: String,
    headline: String,
    slug: String,
    standfirst: String,
    dateline: String,
    section: String,
    tags: String,
    authors: String,
    body: String,
    body_format: String,
    photo_media_id: String,
    photo_caption: String,
    photo_credit: String,
    photo_alt: String,
    comments_open: bool,
    published_at: String,
}

impl EditForm {
    fn from_article(a: &Article, tz: chrono_tz::Tz) -> EditForm {
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
            published_at: a
                .published_at
                .map(|t| t.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string())
                .unwrap_or_default(),
        }
    }

    fn from_fields(f: &FormData) -> EditForm {
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
        }
    }
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',').map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect()
}

/// Turns the typed form into domain input, collecting every problem.
async fn to_input(state: &AppState, f: &EditForm, status: Status) -> Result<ArticleInput, FieldErrors> {
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

struct Editor<'a> {
    state: &'a AppState,
    session: &'a StaffSession,
    article: Option<&'a Article>,
}

impl Editor<'_> {
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

/// Loads an article the user may open in the admin (authors: their own only).
async fn open_article(state: &AppState, s: &StaffSession, id: i64) -> Result<Article, AppError> {
    let a = state.store.get_article(ArticleId(id)).await?.ok_or(AppError::NotFound)?;
    if !domain::may_open(&s.0.user, &a) {
        return Err(AppError::NotFound);
    }
    Ok(a)
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

const RESTORED: &str = "Your login had expired, so your text was kept. Review it and save again.";

async fn restore(state: &AppState, headers: &HeaderMap) -> Result<Option<EditForm>, AppError> {
    let Some(key) = crate::web::cookie::get(headers, STASH_COOKIE) else { return Ok(None) };
    let Some(data) = state.store.take_stash(&crate::secret::hash_secret(&key), Utc::now()).await? else {
        return Ok(None);
    };
    Ok(serde_json::from_str(&data).ok())
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
        match state.photos.upload(state.store.as_ref(), bytes, Some(s.0.user.id)).await {
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
    };
    Ok(ArticleView::full(&a, state.cfg.tz()))
}

/// Largest form kept for an editor whose login expired.
const MAX_STASH_BYTES: usize = 2 * 1024 * 1024;
const STASH_COOKIE: &str = "dl_stash";

async fn stash_and_login(
    state: &AppState,
    headers: &HeaderMap,
    id: Option<ArticleId>,
    data: &FormData,
) -> Result<Response, AppError> {
    let to_login = match id {
        Some(id) => format!("/admin/articles/{}?restore=1", id.0),
        None => "/admin/articles/new?restore=1".to_owned(),
    };
    let login = Redirect::to(&format!("/admin/login?next={}", auth::urlencode(&to_login))).into_response();
    // Only a browser that had a session (now expired) gets its text kept.
    if crate::web::cookie::get(headers, auth::SESSION_COOKIE).is_none() {
        return Ok(login);
    }
    let json = serde_json::to_string(&EditForm::from_fields(data)).map_err(AppError::internal)?;
    if json.len() > MAX_STASH_BYTES {
        return Ok(login);
    }
    // The key travels in an HttpOnly cookie, not the URL, so nobody can hand
    // an editor a link that fills their editor with someone else's text.
    let key = crate::secret::random_token();
    state.store.put_stash(&crate::secret::hash_secret(&key), &json, Utc::now() + Duration::days(2)).await?;
    let mut res = login;
    res.headers_mut().insert(
        axum::http::header::SET_COOKIE,
        crate::web::cookie::set(&state.cfg, STASH_COOKIE, &key, "/admin", 172_800),
    );
    Ok(res)
}

#[derive(Deserialize)]
pub struct CorrectionForm {
    csrf: String,
    body: String,
}

/// Adds a dated correction (editors only).
pub async fn create_correction(
    State(state): State<AppState>,
    s: StaffSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<CorrectionForm>,
) -> Result<Response, AppError> {
    s.check_post(&state, &headers, &f.csrf)?;
    match state.articles.correct(&s.0.user, ArticleId(id), &f.body, Utc::now()).await {
        Ok(()) => {}
        Err(SaveError::Invalid(e)) => {
            let why = e.0.values().next().cloned().unwrap_or_default();
            return Err(AppError::BadRequest(format!("{why} Go back to keep your text.")));
        }
        Err(other) => return Err(other.into()),
    }
    Ok(Redirect::to(&format!("/admin/articles/{id}?saved=correction")).into_response())
}

#[derive(Serialize)]
struct RevisionsCtx {
    layout: Layout,
    id: i64,
    headline: String,
    revisions: Vec<RevisionRow>,
}

#[derive(Serialize)]
struct RevisionRow {
    id: i64,
    when: When,
    by: Option<String>,
    headline: String,
    status: &'static str,
    body_chars: usize,
    body: String,
}

/// Lists every saved revision of an article.
pub async fn list_revisions(
    State(state): State<AppState>,
    s: StaffSession,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let a = open_article(&state, &s, id).await?;
    let tz = state.cfg.tz();
    let revisions: Vec<Revision> = state.store.list_revisions(a.id).await?;
    let rows = revisions
        .into_iter()
        .map(|r| RevisionRow {
            id: r.id,
            when: When::new(r.created_at, tz),
            by: r.user_name,
            headline: r.headline,
            status: r.snapshot.status.as_str(),
            body_chars: r.snapshot.body.chars().count(),
            body: r.snapshot.body,
        })
        .collect();
    let ctx =
        RevisionsCtx { layout: admin_layout(&state, &s, "Revisions").await, id, headline: a.headline, revisions: rows };
    no_store(render(&state, "admin/revisions.html", &ctx)?)
}
