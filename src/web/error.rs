//! The one error type of the web layer and how each kind is answered.
//!
//! The person sees a plain message; the log gets the cause chain. Under
//! `/api` the answer is JSON; elsewhere the `web::errors` layer renders the
//! site's error page around the message.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::domain::FieldErrors;
use crate::store::StoreError;

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("This page does not exist.")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("The form has errors.")]
    Invalid(FieldErrors),
    #[error("Please log in.")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    TooMany(String),
    #[error("The site is busy; please try again in a moment.")]
    Unavailable,
    #[error("Something went wrong on our side. It has been logged.")]
    Internal(#[source] anyhow::Error),
}

/// The message and status the error page layer renders.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub status: StatusCode,
    pub message: String,
}

impl AppError {
    /// Returns the HTTP status of the error.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Wraps any error as an internal one.
    pub fn internal(e: impl Into<anyhow::Error>) -> AppError {
        AppError::Internal(e.into())
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(m) => AppError::Conflict(m),
            StoreError::Unavailable(m) => {
                tracing::warn!(error = %m, "database unavailable");
                AppError::Unavailable
            }
            other => AppError::Internal(other.into()),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let AppError::Internal(e) = &self {
            tracing::error!(error = format!("{e:#}"), "internal error");
        }
        let message = self.to_string();
        let fields = match &self {
            AppError::Invalid(f) => Some(f.clone()),
            _ => None,
        };
        let body = serde_json::json!({ "error": message, "fields": fields.map(|f| f.0) });
        let mut res = (status, axum::Json(body)).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        res.extensions_mut().insert(ErrorPage { status, message });
        res
    }
}

impl From<crate::service::SaveError> for AppError {
    fn from(e: crate::service::SaveError) -> Self {
        use crate::service::SaveError;
        match e {
            SaveError::Invalid(f) => AppError::Invalid(f),
            SaveError::Denied(d) => AppError::Forbidden(d.to_string()),
            SaveError::NotFound => AppError::NotFound,
            SaveError::Conflict(m) => AppError::Conflict(m),
            SaveError::Store(s) => s.into(),
        }
    }
}

impl From<crate::service::live::LiveError> for AppError {
    fn from(e: crate::service::live::LiveError) -> Self {
        use crate::service::live::LiveError;
        match e {
            LiveError::Invalid(f) => AppError::Invalid(f),
            LiveError::Denied(m) => AppError::Forbidden(m.into()),
            LiveError::NotFound => AppError::NotFound,
            LiveError::NotLive => AppError::Conflict(LiveError::NotLive.to_string()),
            LiveError::Store(s) => s.into(),
        }
    }
}

impl From<crate::service::site::BannerError> for AppError {
    fn from(e: crate::service::site::BannerError) -> Self {
        use crate::service::site::BannerError;
        match e {
            BannerError::Invalid(f) => AppError::Invalid(f),
            BannerError::Denied(m) => AppError::Forbidden(m.into()),
            BannerError::Store(s) => s.into(),
        }
    }
}

impl From<crate::service::comment::CommentError> for AppError {
    fn from(e: crate::service::comment::CommentError) -> Self {
        use crate::service::comment::CommentError;
        match e {
            CommentError::NotFound => AppError::NotFound,
            CommentError::Forbidden(m) => AppError::Forbidden(m),
            CommentError::BadRequest(m) => AppError::BadRequest(m),
            CommentError::Limited(_) => AppError::TooMany("Too many requests; try again later.".into()),
            CommentError::Compose(c) => AppError::internal(c),
            CommentError::Store(s) => s.into(),
        }
    }
}

impl From<crate::service::account::AccountError> for AppError {
    fn from(e: crate::service::account::AccountError) -> Self {
        use crate::service::account::AccountError;
        match e {
            AccountError::Invalid(f) => AppError::Invalid(f),
            AccountError::Taken => AppError::Conflict(e.to_string()),
            AccountError::SetupUsed => AppError::NotFound,
            AccountError::Store(s) => s.into(),
            AccountError::Hash(h) => AppError::Internal(h),
        }
    }
}

impl From<crate::service::media::UploadError> for AppError {
    fn from(e: crate::service::media::UploadError) -> Self {
        use crate::service::media::UploadError;
        match e {
            UploadError::Refused(m) => AppError::BadRequest(m),
            UploadError::TooLarge(m) => AppError::TooLarge(m),
            UploadError::Internal(e) => AppError::Internal(e),
        }
    }
}
