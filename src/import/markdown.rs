//! Imports Markdown files with YAML front matter (the Jekyll/Hugo convention)
//! as articles or pages. A file is checked completely before anything of it is
//! written; importing the same file again updates the article with its slug.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::frontmatter::{self, FrontMatter};
use crate::domain::{self, Article, ArticleInput, BodyFormat, Kind, PhotoInput, Status};
use crate::media::{self, Limits, Processed};
use crate::service::SaveError;
use crate::store::Store;

/// Why a file was not imported, with where.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: cannot read: {source}")]
    Read { file: PathBuf, source: std::io::Error },
    #[error("{file}:{line}: {message}")]
    Syntax { file: PathBuf, line: usize, message: String },
    #[error("{file}: {message}")]
    Invalid { file: PathBuf, message: String },
    #[error("{file}: {source}")]
    Store { file: PathBuf, source: anyhow::Error },
}

/// Where a photo named in front matter comes from.
pub enum PhotoSource {
    /// A file beside the Markdown file.
    File(PathBuf),
    /// Bytes already in memory (the demo's drawn pictures).
    Bytes(Vec<u8>),
}

/// A parsed, checked file ready to be written.
pub struct Prepared {
    pub input: ArticleInput,
    pub photo: Option<Processed>,
    /// The photo's file name, as the front matter gave it.
    pub photo_name: Option<String>,
}

/// Parses and checks one document; `resolve_photo` turns the front matter's `photo` into bytes.
pub fn prepare(
    file: &Path,
    text: &str,
    now: DateTime<Utc>,
    resolve_photo: impl Fn(&str) -> Result<Vec<u8>, String>,
) -> Result<Prepared, ImportError> {
    let (fm, body) = frontmatter::parse(text).map_err(|e| ImportError::Syntax {
        file: file.to_owned(),
        line: e.line,
        message: e.message,
    })?;
    let invalid = |message: String| ImportError::Invalid { file: file.to_owned(), message };
    let photo = match &fm.photo {
        Some(p) => {
            let bytes = resolve_photo(p).map_err(|m| invalid(format!("photo {p:?}: {m}")))?;
            let processed =
                media::process(&bytes, &Limits::default()).map_err(|e| invalid(format!("photo {p:?}: {e}")))?;
            Some(processed)
        }
        None => None,
    };
    let input = to_input(&fm, body, now, photo.is_some());
    let input = input.normalize().map_err(|e| invalid(format!("front matter: {e}")))?;
    let photo_name = fm.photo.as_deref().map(|p| p.rsplit(['/', '\\']).next().unwrap_or(p).to_owned());
    Ok(Prepared { input, photo, photo_name })
}

fn to_input(fm: &FrontMatter, body: String, now: DateTime<Utc>, has_photo: bool) -> ArticleInput {
    let kind = match fm.kind.as_deref() {
        Some("page") => Kind::Page,
        _ => Kind::Article,
    };
    let published_at = fm.date.map(|d| d.with_timezone(&Utc));
    let status = match fm.status.as_deref() {
        Some(s) => Status::parse(s).unwrap_or(Status::Draft),
        None => Status::Published,
    };
    ArticleInput {
        kind,
        slug: fm.slug.clone(),
        headline: fm.title.clone(),
        standfirst: fm.summary.clone(),
        body,
        body_format: BodyFormat::Markdown,
        dateline: fm.dateline.clone(),
        section: fm.section.clone(),
        tags: fm.tags.clone(),
        authors: fm.authors.clone(),
        // The media id is filled in once the photo is stored.
        photo: has_photo.then(|| PhotoInput {
            media_id: domain::MediaId(0),
            caption: fm.caption.clone(),
            credit: fm.credit.clone(),
            alt: fm.alt.clone().unwrap_or_default(),
        }),
        status,
        published_at: published_at.or(Some(now)),
        comments_open: fm.comments.unwrap_or(kind == Kind::Article),
        password: None,
    }
}

/// Writes a prepared document: stores its photo, then creates or updates the article with its slug.
pub async fn write(to: &Target<'_>, mut p: Prepared, now: DateTime<Utc>) -> anyhow::Result<Article> {
    if let (Some(processed), Some(photo)) = (&p.photo, p.input.photo.as_mut()) {
        let m = crate::service::media::save_processed(
            to.store.as_ref(),
            to.media_root,
            processed,
            p.photo_name.as_deref(),
            None,
        )
        .await?;
        photo.media_id = m.id;
    }
    let slug = p.input.slug.clone().unwrap_or_default();
    let existing = to.store.get_article_by_slug(p.input.kind, &slug).await?.map(|a| a.id);
    // The service reads the saved article with story intelligence when the
    // import asked for it (`Enrich::Inline`), after the commit.
    to.articles.save(None, existing, p.input, now).await.map_err(|e| match e {
        SaveError::Store(s) => anyhow::Error::new(s),
        other => anyhow::anyhow!("{other}"),
    })
}

/// Where an import writes: the store (read), the article service (write) and the media folder.
pub struct Target<'a> {
    pub store: &'a Arc<dyn Store>,
    pub articles: &'a crate::service::Articles,
    pub media_root: &'a Path,
}

/// Imports one file from disk (photo paths are relative to the file).
pub async fn import_file(to: &Target<'_>, file: &Path) -> Result<Article, ImportError> {
    let text = std::fs::read_to_string(file).map_err(|source| ImportError::Read { file: file.to_owned(), source })?;
    let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let now = Utc::now();
    let prepared = prepare(file, &text, now, |p| {
        if p.contains("://") {
            return Err("only local files are imported".into());
        }
        std::fs::read(dir.join(p)).map_err(|e| format!("cannot read: {e}"))
    })?;
    write(to, prepared, now).await.map_err(|source| ImportError::Store { file: file.to_owned(), source })
}
