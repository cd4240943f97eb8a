//! The live desk of a story (`/admin/articles/{id}/live`): start and end live
//! coverage, post entries from one box (Ctrl+Enter posts), and pin, edit,
//! delete or promote the entries already posted. An entry the service refuses
//! comes back in the box with the reasons, nothing typed lost.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::admin_layout;
use crate::domain::live::{EntryInput, LiveState};
use crate::domain::{self, ArticleId, FieldErrors};
use crate::render::live::EntryView;
use crate::render::view::Layout;
use crate::service::live::LiveError;
use crate::web::auth::{no_store, StaffSession};
use crate::web::error::AppError;
use crate::web::public::render;
use crate::web::AppState;

/// Entries the desk lists.
const LISTED: u32 = 100;

/// What the entry box holds (a new entry, or the one being edited).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    csrf: String,
    /// The entry being edited; empty for a new one.
    #[serde(default)]
    entry: String,
    #[serde(default)]
    headline: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    pinned: Option<String>,
    /// The entry's photo: uploaded with this form or an earlier try, or the edited entry's.
    #[serde(default)]
    photo_id: String,
    #[serde(default)]
    photo_alt: String,
}

impl EntryForm {
    fn from_fields(d: &crate::web::form::FormData) -> EntryForm {
        let remove = !d.get("remove_photo").is_empty();
        EntryForm {
            csrf: d.get("csrf").to_owned(),
            entry: d.get("entry").to_owned(),
            headline: d.get("headline").to_owned(),
            body: d.get("body").to_owned(),
            pinned: (!d.get("pinned").is_empty()).then(|| "on".to_owned()),
            photo_id: if remove { String::new() } else { d.get("photo_id").to_owned() },
            photo_alt: d.get("photo_alt").to_owned(),
        }
    }

    fn input(&self) -> EntryInput {
        EntryInput {
            headline: Some(self.headline.clone()),
            body: self.body.clone(),
            photo: self.photo_id.parse().ok().map(crate::domain::MediaId),
            photo_alt: Some(self.photo_alt.clone()),
            pinned: self.pinned.is_some(),
        }
    }
}

#[derive(Serialize)]
struct DeskRow {
    view: EntryView,
    mine: bool,
    promoted: Option<i64>,
}

#[derive(Serialize)]
struct DeskCtx {
    layout: Layout,
    id: i64,
    headline: String,
    public_url: Option<String>,
    /// "live", "ended" or "off".
    state: &'static str,
    may_switch: bool,
    form: EntryForm,
    errors: std::collections::BTreeMap<&'static str, String>,
    entries: Vec<DeskRow>,
    total: u64,
    posted: Option<i64>,
}

/// Carries `?edit=ID` (load an entry into the box) and `?posted=ID`.
#[derive(Deserialize)]
pub struct DeskQuery {
    edit: Option<i64>,
    posted: Option<i64>,
}

async fn desk(
    state: &AppState,
    s: &StaffSession,
    id: i64,
    form: EntryForm,
    errors: FieldErrors,
    posted: Option<i64>,
) -> Result<Response, AppError> {
    let a = state.store.get_article(ArticleId(id)).await?.ok_or(AppError::NotFound)?;
    let user = &s.0.user;
    // A live story is written by the whole desk: every staff member may open it.
    if !(domain::may_open(user, &a) || a.live.as_ref().is_some_and(|c| c.state == LiveState::Live)) {
        return Err(AppError::NotFound);
    }
    let page = state.store.list_entries(a.id, LISTED, 0).await?;
    let views = crate::web::live::views(state, &page.items).await?;
    let entries = page
        .items
        .iter()
        .zip(views)
        .map(|(e, view)| DeskRow {
            mine: user.role.can_publish() || e.author_id == Some(user.id),
            promoted: e.promoted_to.map(|p| p.0),
            view,
        })
        .collect();
    let tz = state.cfg.tz();
    let headline = crate::render::view::ArticleView::summary(&a, tz).headline;
    let mut layout = admin_layout(state, s, &format!("Live: {headline}")).await;
    layout.flash = posted.map(|_| "Posted.".to_owned());
    let ctx = DeskCtx {
        layout,
        id,
        headline,
        public_url: a.is_public(Utc::now()).then(|| a.permalink(tz)),
        state: a.live.as_ref().map_or("off", |c| c.state.as_str()),
        may_switch: user.role.can_publish() || a.created_by == Some(user.id),
        form,
        errors: errors.0.into_iter().collect(),
        entries,
        total: page.total,
        posted,
    };
    let status = if ctx.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let mut res = render(state, "admin/live.html", &ctx)?;
    *res.status_mut() = status;
    no_store(res)
}

/// Shows the live desk.
pub async fn show_desk(
    State(state): State<AppState>,
    s: StaffSession,
    Path(id): Path<i64>,
    Query(q): Query<DeskQuery>,
) -> Result<Response, AppError> {
    let mut form = EntryForm::default();
    if let Some(e) = q.edit {
        let entry = state.store.get_entry(e).await?.filter(|x| x.article_id.0 == id && !x.deleted);
        let entry = entry.ok_or(AppError::NotFound)?;
        form.entry = entry.id.to_string();
        form.headline = entry.headline.unwrap_or_default();
        form.body = entry.body;
        form.pinned = entry.pinned.then(|| "on".to_owned());
        if let Some(p) = &entry.photo {
            form.photo_id = p.media.id.0.to_string();
            form.photo_alt = p.alt.clone();
        }
    }
    desk(&state, &s, id, form, FieldErrors::default(), q.posted).await
}

/// Posts a new entry, or saves the one being edited; a photo sent with it is
/// stored first (and kept in the form if the entry is refused).
pub async fn post_entry(
    State(state): State<AppState>,
    s: StaffSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    mp: axum::extract::Multipart,
) -> Result<Response, AppError> {
    let data = crate::web::form::read_multipart(mp, "photo", crate::domain::live::limits::BODY * 4 + 1024).await?;
    s.check_post(&state, &headers, data.get("csrf"))?;
    let mut f = EntryForm::from_fields(&data);
    if let Some(bytes) = data.file.clone() {
        let user = Some(s.0.user.id);
        match state.photos.upload(state.store.as_ref(), bytes, data.file_name.as_deref(), user).await {
            Ok(m) => f.photo_id = m.id.0.to_string(),
            Err(
                crate::service::media::UploadError::Refused(msg) | crate::service::media::UploadError::TooLarge(msg),
            ) => {
                let mut errors = FieldErrors::default();
                errors.add("photo", msg);
                return desk(&state, &s, id, f, errors, None).await;
            }
            Err(other) => return Err(other.into()),
        }
    }
    let user = &s.0.user;
    let now = Utc::now();
    let done = match f.entry.trim() {
        "" => state.live.post(user, ArticleId(id), f.input(), now).await,
        e => {
            let e = e.parse::<i64>().map_err(|_| AppError::BadRequest("No such update.".into()))?;
            let belongs = state.store.get_entry(e).await?.is_some_and(|x| x.article_id.0 == id);
            if !belongs {
                return Err(AppError::NotFound);
            }
            state.live.edit(user, e, f.input(), now).await
        }
    };
    match done {
        Ok(entry) => {
            Ok(Redirect::to(&format!("/admin/articles/{id}/live?posted={}#entry-form", entry.id)).into_response())
        }
        Err(LiveError::Invalid(errors)) => desk(&state, &s, id, f, errors, None).await,
        Err(LiveError::NotLive) => {
            let mut errors = FieldErrors::default();
            errors.add("body", LiveError::NotLive.to_string());
            desk(&state, &s, id, f, errors, None).await
        }
        Err(other) => Err(other.into()),
    }
}

/// Carries a button's form: the CSRF token and, for the switch, the state asked for.
#[derive(Deserialize)]
pub struct ActionForm {
    csrf: String,
    #[serde(default)]
    state: String,
}

/// Starts, ends or removes the story's live coverage.
pub async fn switch(
    State(state): State<AppState>,
    s: StaffSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<ActionForm>,
) -> Result<Response, AppError> {
    s.check_post(&state, &headers, &f.csrf)?;
    let to = match f.state.as_str() {
        "off" => None,
        other => Some(LiveState::parse(other).ok_or_else(|| AppError::BadRequest("Choose live or ended.".into()))?),
    };
    state.live.set_state(&s.0.user, ArticleId(id), to, Utc::now()).await?;
    Ok(Redirect::to(&format!("/admin/articles/{id}/live")).into_response())
}

/// Acts on one entry: `delete`, `pin`, `unpin` or `promote`.
pub async fn act(
    State(state): State<AppState>,
    s: StaffSession,
    headers: HeaderMap,
    Path((id, entry, action)): Path<(i64, i64, String)>,
    Form(f): Form<ActionForm>,
) -> Result<Response, AppError> {
    s.check_post(&state, &headers, &f.csrf)?;
    let user = &s.0.user;
    let now = Utc::now();
    let e = state.store.get_entry(entry).await?.filter(|x| x.article_id.0 == id && !x.deleted);
    let e = e.ok_or(AppError::NotFound)?;
    let back = format!("/admin/articles/{id}/live#entry-{entry}");
    match action.as_str() {
        "delete" => {
            state.live.delete(user, entry, now).await?;
            return Ok(Redirect::to(&format!("/admin/articles/{id}/live")).into_response());
        }
        "pin" | "unpin" => {
            if !user.role.can_publish() {
                return Err(AppError::Forbidden("Only editors pin key events.".into()));
            }
            let input = EntryInput {
                headline: e.headline.clone(),
                body: e.body.clone(),
                photo: e.photo.as_ref().map(|p| p.media.id),
                photo_alt: e.photo.as_ref().map(|p| p.alt.clone()),
                pinned: action == "pin",
            };
            state.live.edit(user, entry, input, now).await?;
        }
        "promote" => {
            let a = state.live.promote(user, entry, now).await?;
            return Ok(Redirect::to(&format!("/admin/articles/{}", a.id.0)).into_response());
        }
        _ => return Err(AppError::NotFound),
    }
    Ok(Redirect::to(&back).into_response())
}
