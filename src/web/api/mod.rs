//! The JSON API under `/api/v1`: everything the admin can do, for scripts and
//! other tools. Bearer tokens (`dateline token create`) authenticate; roles are
//! checked in each handler as in the admin. The OpenAPI document is generated
//! from the handlers' annotations.

mod accounts;
mod articles;
mod banner;
mod comments;
mod entities;
mod live;
mod media;
mod search;

use axum::routing::{delete, get, patch, post};
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::config::Config;
use crate::web::limits::{limit, BodyLimits};
use crate::web::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Dateline API", description = "Write, publish and manage a Dateline news site."),
    paths(
        articles::list_articles, articles::create_article, articles::show_article,
        articles::update_article, articles::create_correction, articles::list_revisions,
        media::create_media, media::show_media,
        comments::list_comments, comments::update_comment, search::search,
        accounts::show_me, accounts::list_users, accounts::create_user,
        accounts::list_tokens, accounts::delete_token,
        entities::list_article_entities, entities::list_entities, entities::show_timeline,
        live::list_entries, live::create_entry, live::update_entry, live::delete_entry, live::switch_live,
        banner::show_banner, banner::set_banner, banner::clear_banner,
    ),
    components(schemas(
        articles::ArticleJson, articles::ArticleList, articles::NewArticle, articles::ArticlePatch,
        articles::PhotoJson, articles::PhotoIn, articles::CorrectionJson, articles::NewCorrection,
        articles::RevisionJson, articles::RevisionList, media::MediaJson,
        comments::CommentJson, comments::CommentList, comments::CommentPatch,
        search::SearchHitJson, search::SearchResults,
        accounts::UserJson, accounts::UserList, accounts::NewUser, accounts::TokenJson, accounts::TokenList,
        entities::EntityJson, entities::ArticleEntityJson, entities::ArticleEntities, entities::EntityList,
        entities::EventJson, entities::Timeline,
        live::LiveJson, live::EntryJson, live::EntryList, live::EntryPhotoJson, live::NewEntryJson, live::EntryPatch,
        live::LiveSwitch, banner::BannerJson,
        ErrorJson,
    )),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The body of every error answer.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorJson {
    /// What went wrong, for a person.
    error: String,
    /// Per-field messages, when the input was invalid.
    fields: Option<std::collections::BTreeMap<String, String>>,
}

/// `Json`, `Path` and `Query` whose refusals answer in the API's own error
/// shape (`ErrorJson`), as the OpenAPI document promises: a body or query
/// that does not parse is a 400, and an id that is not a number names
/// nothing, so it is a 404.
pub struct ApiJson<T>(pub T);
/// See [`ApiJson`].
pub struct ApiPath<T>(pub T);
/// See [`ApiJson`].
pub struct ApiQuery<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = crate::web::error::AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(crate::web::error::AppError::BadRequest(e.body_text())),
        }
    }
}

impl<T, S> axum::extract::FromRequestParts<S> for ApiPath<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = crate::web::error::AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(_) => Err(crate::web::error::AppError::NotFound),
        }
    }
}

impl<T, S> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = crate::web::error::AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(crate::web::error::AppError::BadRequest(e.body_text())),
        }
    }
}

/// Returns the OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

async fn show_openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi())
}

/// Routes under `/api/v1`.
pub fn routes(cfg: &Config) -> Router<AppState> {
    let l = BodyLimits::new(cfg);
    let json = |r| limit(r, l.api_json, "The request body");
    Router::new()
        .route("/openapi.json", get(show_openapi))
        .route("/articles", json(get(articles::list_articles).post(articles::create_article)))
        .route("/articles/{id}", json(get(articles::show_article).patch(articles::update_article)))
        .route("/articles/{id}/corrections", json(post(articles::create_correction)))
        .route("/articles/{id}/revisions", get(articles::list_revisions))
        .route("/articles/{id}/entities", get(entities::list_article_entities))
        .route("/articles/{id}/entries", json(get(live::list_entries).post(live::create_entry)))
        .route("/articles/{id}/entries/{entry}", json(patch(live::update_entry).delete(live::delete_entry)))
        .route("/articles/{id}/live", json(axum::routing::put(live::switch_live)))
        .route("/banner", json(get(banner::show_banner).put(banner::set_banner).delete(banner::clear_banner)))
        .route("/entities", get(entities::list_entities))
        .route("/timeline", get(entities::show_timeline))
        .route("/media", limit(post(media::create_media), l.api_upload, "The upload"))
        .route("/media/{id}", get(media::show_media))
        .route("/search", get(search::search))
        .route("/comments", get(comments::list_comments))
        .route("/comments/{id}", json(patch(comments::update_comment)))
        .route("/me", get(accounts::show_me))
        .route("/users", json(get(accounts::list_users).post(accounts::create_user)))
        .route("/tokens", get(accounts::list_tokens))
        .route("/tokens/{id}", delete(accounts::delete_token))
        .fallback(|| async { crate::web::error::AppError::NotFound })
        // Answers depend on who asks: no shared cache may keep them.
        .layer(axum::middleware::map_response(crate::web::auth::private))
}
