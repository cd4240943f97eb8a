// Articles, terms, corrections, revisions and redirects, in the SQL both backends
// share. Included by `store::sqlite` and `store::postgres`, which name the
// dialect's types and helpers (`Db`, `DbRow`, `Conn`, `Ts`, `ts`, `from_ts`, ...).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Row};

use super::site::widths_from_text;
use super::{backend, from_ts, ts, Conn, Db, DbRow, This, Ts, FOR_UPDATE, LIKE};
use crate::domain::{
    self, Article, ArticleId, ArticleInput, BodyFormat, Correction, Kind, Media, MediaId, Photo, Status, Term, UserId,
};
use crate::domain::search::SearchDoc;
use crate::store::{
    ArticleQuery, ArticleStore, ArticleWrite, Effects, Page, Revision, SearchHit, SearchRequest, StoreError,
    StoreResult, TermKind,
};

const SELECT: &str = "SELECT a.id, a.kind, a.slug, a.headline, a.standfirst, a.body, a.body_format,
    a.dateline, s.name AS section_name, s.slug AS section_slug, a.photo_id, m.mime, m.width,
    m.height, m.widths, m.filename, a.photo_caption, a.photo_credit, a.photo_alt, a.status, a.published_at,
    a.created_at, a.updated_at, a.comments_open, a.created_by, a.password, a.live_state, a.live_started_at,
    a.live_ended_at
    FROM articles a LEFT JOIN sections s ON s.id = a.section_id LEFT JOIN media m ON m.id = a.photo_id";

fn bad(what: &str, v: &str) -> StoreError {
    StoreError::Backend(format!("bad stored {what}: {v:?}").into())
}

fn article_from_row(r: &DbRow) -> StoreResult<Article> {
    let kind: String = r.get("kind");
    let status: String = r.get("status");
    let format: String = r.get("body_format");
    let section = match (r.get::<Option<String>, _>("section_name"), r.get::<Option<String>, _>("section_slug")) {
        (Some(name), Some(slug)) => Some(Term { name, slug }),
        _ => None,
    };
    let photo = match r.get::<Option<i64>, _>("photo_id") {
        Some(id) if r.get::<Option<String>, _>("mime").is_some() => Some(Photo {
            media: Media {
                id: MediaId(id),
                mime: r.get("mime"),
                width: r.get::<i64, _>("width") as u32,
                height: r.get::<i64, _>("height") as u32,
                widths: widths_from_text(r.get("widths")),
                filename: r.get("filename"),
            },
            caption: r.get("photo_caption"),
            credit: r.get("photo_credit"),
            alt: r.get::<Option<String>, _>("photo_alt").unwrap_or_default(),
        }),
        _ => None,
    };
    Ok(Article {
        id: ArticleId(r.get("id")),
        kind: Kind::parse(&kind).ok_or_else(|| bad("kind", &kind))?,
        slug: r.get("slug"),
        headline: r.get("headline"),
        standfirst: r.get("standfirst"),
        body: r.get("body"),
        body_format: BodyFormat::parse(&format).ok_or_else(|| bad("format", &format))?,
        dateline: r.get("dateline"),
        section,
        tags: Vec::new(),
        authors: Vec::new(),
        photo,
        status: Status::parse(&status).ok_or_else(|| bad("status", &status))?,
        published_at: r.get::<Option<Ts>, _>("published_at").map(from_ts).transpose()?,
        created_at: from_ts(r.get::<Ts, _>("created_at"))?,
        updated_at: from_ts(r.get::<Ts, _>("updated_at"))?,
        comments_open: r.get::<bool, _>("comments_open"),
        created_by: r.get::<Option<i64>, _>("created_by").map(UserId),
        corrections: Vec::new(),
        password: r.get("password"),
        live: match r.get::<Option<String>, _>("live_state").as_deref().and_then(crate::domain::live::LiveState::parse) {
            Some(state) => Some(crate::domain::live::Coverage {
                state,
                started_at: r.get::<Option<Ts>, _>("live_started_at").map(from_ts).transpose()?.unwrap_or_default(),
                ended_at: r.get::<Option<Ts>, _>("live_ended_at").map(from_ts).transpose()?,
            }),
            None => None,
        },
    })
}

/// Loads tags and bylines for many articles with two queries in all.
async fn attach_terms(conn: &mut Conn, articles: &mut [Article]) -> StoreResult<()> {
    if articles.is_empty() {
        return Ok(());
    }
    for (table, join, is_tag) in [("article_tags", "tags", true), ("article_authors", "authors", false)] {
        let col = if is_tag { "tag_id" } else { "author_id" };
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(format!(
            "SELECT x.article_id, t.name, t.slug FROM {table} x JOIN {join} t ON t.id = x.{col} WHERE x.article_id IN ("
        ));
        let mut sep = qb.separated(", ");
        for a in articles.iter() {
            sep.push_bind(a.id.0);
        }
        qb.push(") ORDER BY x.article_id, x.position");
        let rows = qb.build().fetch_all(&mut *conn).await.map_err(backend)?;
        let mut by_id: HashMap<i64, Vec<Term>> = HashMap::new();
        for r in rows {
            by_id.entry(r.get(0)).or_default().push(Term { name: r.get(1), slug: r.get(2) });
        }
        for a in articles.iter_mut() {
            let terms = by_id.remove(&a.id.0).unwrap_or_default();
            if is_tag {
                a.tags = terms;
            } else {
                a.authors = terms;
            }
        }
    }
    Ok(())
}

async fn upsert_term(conn: &mut Conn, table: &str, name: &str) -> StoreResult<Option<i64>> {
    let Some(term) = Term::from_name(name) else {
        return Ok(None);
    };
    let sql = format!(
        "INSERT INTO {table} (name, slug) VALUES ($1, $2)
         ON CONFLICT (slug) DO UPDATE SET slug = excluded.slug RETURNING id"
    );
    let id: i64 =
        sqlx::query_scalar(&sql).bind(&term.name).bind(&term.slug).fetch_one(&mut *conn).await.map_err(backend)?;
    Ok(Some(id))
}

async fn write_terms(conn: &mut Conn, id: ArticleId, input: &ArticleInput) -> StoreResult<()> {
    for (link, table, col, names) in
        [("article_tags", "tags", "tag_id", &input.tags), ("article_authors", "authors", "author_id", &input.authors)]
    {
        sqlx::query(&format!("DELETE FROM {link} WHERE article_id = $1"))
            .bind(id.0)
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
        for (pos, name) in names.iter().enumerate() {
            if let Some(term_id) = upsert_term(conn, table, name).await? {
                sqlx::query(&format!(
                    "INSERT INTO {link} (article_id, {col}, position) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
                ))
                .bind(id.0)
                .bind(term_id)
                .bind(pos as i64)
                .execute(&mut *conn)
                .await
                .map_err(backend)?;
            }
        }
    }
    Ok(())
}

/// Keeps the search index and the spelling vocabulary current, in the
/// transaction of the article's write.
async fn write_index(conn: &mut Conn, id: ArticleId, doc: &SearchDoc) -> StoreResult<()> {
    super::search::index(conn, id, doc).await?;
    let mut words: Vec<String> = [&doc.headline, &doc.summary, &doc.caption, &doc.body]
        .into_iter()
        .flat_map(|t| crate::domain::search::vocabulary(t))
        .collect();
    words.sort_unstable();
    words.dedup();
    for chunk in words.chunks(500) {
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new("INSERT INTO search_words (word) ");
        qb.push_values(chunk, |mut b, w| {
            b.push_bind(w.as_str());
        });
        qb.push(" ON CONFLICT (word) DO NOTHING");
        qb.build().execute(&mut *conn).await.map_err(backend)?;
    }
    Ok(())
}

/// Loads articles by id, in the order given, with their terms.
pub(crate) async fn load_many(conn: &mut Conn, ids: &[i64]) -> StoreResult<Vec<Article>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(format!("{SELECT} WHERE a.id IN ("));
    let mut sep = qb.separated(", ");
    for id in ids {
        sep.push_bind(*id);
    }
    qb.push(")");
    let rows = qb.build().fetch_all(&mut *conn).await.map_err(backend)?;
    let mut found = rows.iter().map(article_from_row).collect::<StoreResult<Vec<_>>>()?;
    attach_terms(conn, &mut found).await?;
    let mut by_id: HashMap<i64, Article> = found.into_iter().map(|a| (a.id.0, a)).collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

async fn write_revision(
    conn: &mut Conn,
    id: ArticleId,
    input: &ArticleInput,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let snapshot = serde_json::to_string(input).map_err(|e| StoreError::Backend(Box::new(e)))?;
    sqlx::query(
        "INSERT INTO revisions (article_id, user_id, created_at, headline, snapshot) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id.0)
    .bind(by.map(|u| u.0))
    .bind(ts(now))
    .bind(&input.headline)
    .bind(snapshot)
    .execute(&mut *conn)
    .await
    .map_err(backend)?;
    Ok(())
}

/// Binds the article columns shared by insert and update, in this order:
/// kind, slug, headline, standfirst, body, body_format, dateline, section_id,
/// photo_id, caption, credit, alt, status, published_at, comments_open, updated_at, password.
fn bind_fields<'q>(
    q: sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments<'q>>,
    input: &'q ArticleInput,
    section_id: Option<i64>,
    now: DateTime<Utc>,
) -> sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments<'q>> {
    let photo = input.photo.as_ref();
    q.bind(input.kind.as_str())
        .bind(input.slug.as_deref().unwrap_or_default())
        .bind(&input.headline)
        .bind(&input.standfirst)
        .bind(&input.body)
        .bind(input.body_format.as_str())
        .bind(&input.dateline)
        .bind(section_id)
        .bind(photo.map(|p| p.media_id.0))
        .bind(photo.and_then(|p| p.caption.clone()))
        .bind(photo.and_then(|p| p.credit.clone()))
        .bind(photo.map(|p| p.alt.clone()))
        .bind(input.status.as_str())
        .bind(input.published_at.map(ts))
        .bind(input.comments_open)
        .bind(ts(now))
        .bind(&input.password)
}

fn slug_conflict(e: StoreError) -> StoreError {
    match e {
        StoreError::Conflict(_) => StoreError::Conflict("slug".into()),
        other => other,
    }
}

#[async_trait::async_trait]
impl ArticleStore for This {
    async fn create_article(&self, w: &ArticleWrite<'_>, effects: &Effects) -> StoreResult<Article> {
        let (input, now) = (w.input, w.at);
        let mut tx = self.write.begin().await.map_err(backend)?;
        let section_id = match &input.section {
            Some(s) => upsert_term(&mut tx, "sections", s).await?,
            None => None,
        };
        let q = sqlx::query(
            "INSERT INTO articles (kind, slug, headline, standfirst, body, body_format, dateline,
               section_id, photo_id, photo_caption, photo_credit, photo_alt, status, published_at,
               comments_open, updated_at, password, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
             RETURNING id",
        );
        let row = bind_fields(q, input, section_id, domain::first_updated_at(input.published_at, now))
            .bind(ts(now))
            .bind(w.by.map(|u| u.0))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| slug_conflict(backend(e)))?;
        let id = ArticleId(row.get(0));
        write_terms(&mut tx, id, input).await?;
        write_index(&mut tx, id, w.search).await?;
        write_revision(&mut tx, id, input, w.by, now).await?;
        super::queue::write_effects(&mut tx, effects, &self.log, now).await?;
        tx.commit().await.map_err(backend)?;
        self.get_article(id).await?.ok_or(StoreError::NotFound)
    }

    async fn update_article(&self, id: ArticleId, w: &ArticleWrite<'_>, effects: &Effects) -> StoreResult<Article> {
        let (input, now) = (w.input, w.at);
        let mut tx = self.write.begin().await.map_err(backend)?;
        if let Some(expected) = w.if_status {
            let stored: Option<String> = sqlx::query_scalar(&format!("SELECT status FROM articles WHERE id = $1{FOR_UPDATE}"))
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend)?;
            match stored {
                None => return Err(StoreError::NotFound),
                Some(s) if s != expected.as_str() => {
                    return Err(StoreError::Conflict(format!("the article is {s} now, no longer {}", expected.as_str())))
                }
                Some(_) => {}
            }
        }
        let section_id = match &input.section {
            Some(s) => upsert_term(&mut tx, "sections", s).await?,
            None => None,
        };
        let q = sqlx::query(
            "UPDATE articles SET kind = $1, slug = $2, headline = $3, standfirst = $4, body = $5,
               body_format = $6, dateline = $7, section_id = $8, photo_id = $9, photo_caption = $10,
               photo_credit = $11, photo_alt = $12, status = $13, published_at = $14,
               comments_open = $15, updated_at = $16, password = $17
             WHERE id = $18",
        );
        let done = bind_fields(q, input, section_id, now)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(|e| slug_conflict(backend(e)))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        write_terms(&mut tx, id, input).await?;
        write_index(&mut tx, id, w.search).await?;
        write_revision(&mut tx, id, input, w.by, now).await?;
        if let Some(path) = w.old_path {
            sqlx::query(
                "INSERT INTO redirects (old_path, article_id) VALUES ($1, $2)
                         ON CONFLICT (old_path) DO UPDATE SET article_id = excluded.article_id",
            )
            .bind(path)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        super::queue::write_effects(&mut tx, effects, &self.log, now).await?;
        tx.commit().await.map_err(backend)?;
        self.get_article(id).await?.ok_or(StoreError::NotFound)
    }

    async fn get_article(&self, id: ArticleId) -> StoreResult<Option<Article>> {
        let row = sqlx::query(&format!("{SELECT} WHERE a.id = $1"))
            .bind(id.0)
            .fetch_optional(&self.read)
            .await
            .map_err(backend)?;
        self.complete(row).await
    }

    async fn get_article_by_slug(&self, kind: Kind, slug: &str) -> StoreResult<Option<Article>> {
        let row = sqlx::query(&format!("{SELECT} WHERE a.kind = $1 AND a.slug = $2"))
            .bind(kind.as_str())
            .bind(slug)
            .fetch_optional(&self.read)
            .await
            .map_err(backend)?;
        self.complete(row).await
    }

    async fn list_articles(&self, q: &ArticleQuery) -> StoreResult<Page<Article>> {
        let total: i64 = if q.skip_count {
            0
        } else {
            let mut count: QueryBuilder<'_, Db> = QueryBuilder::new("SELECT COUNT(*) FROM articles a");
            push_filters(&mut count, q);
            count.build_query_scalar().fetch_one(&self.read).await.map_err(backend)?
        };

        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(SELECT);
        push_filters(&mut qb, q);
        if q.public_at.is_some() {
            qb.push(" ORDER BY a.published_at DESC, a.id DESC");
        } else {
            qb.push(" ORDER BY a.updated_at DESC, a.id DESC");
        }
        qb.push(" LIMIT ").push_bind(i64::from(q.limit.clamp(1, 500)));
        qb.push(" OFFSET ").push_bind(i64::from(q.offset));
        let rows = qb.build().fetch_all(&self.read).await.map_err(backend)?;
        let mut items = rows.iter().map(article_from_row).collect::<StoreResult<Vec<_>>>()?;
        attach_terms(&mut *self.read.acquire().await.map_err(backend)?, &mut items).await?;
        Ok(Page { items, total: total as u64 })
    }

    async fn count_by_status(&self) -> StoreResult<Vec<(Status, u64)>> {
        let rows = sqlx::query("SELECT status, COUNT(*) FROM articles WHERE kind = 'article' GROUP BY status")
            .fetch_all(&self.read)
            .await
            .map_err(backend)?;
        Ok(rows
            .iter()
            .filter_map(|r| Status::parse(&r.get::<String, _>(0)).map(|s| (s, r.get::<i64, _>(1) as u64)))
            .collect())
    }

    async fn list_due(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<ArticleId>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM articles WHERE status = 'scheduled' AND published_at <= $1 ORDER BY published_at, id LIMIT $2",
        )
        .bind(ts(now))
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await
        .map_err(backend)?;
        Ok(ids.into_iter().map(ArticleId).collect())
    }

    async fn add_correction(
        &self,
        id: ArticleId,
        body: &str,
        now: DateTime<Utc>,
        effects: &Effects,
    ) -> StoreResult<()> {
        let mut tx = self.write.begin().await.map_err(backend)?;
        sqlx::query("INSERT INTO corrections (article_id, body, created_at) VALUES ($1, $2, $3)")
            .bind(id.0)
            .bind(body)
            .bind(ts(now))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        sqlx::query("UPDATE articles SET updated_at = $1 WHERE id = $2")
            .bind(ts(now))
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        super::queue::write_effects(&mut tx, effects, &self.log, now).await?;
        tx.commit().await.map_err(backend)
    }

    async fn list_revisions(&self, id: ArticleId) -> StoreResult<Vec<Revision>> {
        let rows = sqlx::query(
            "SELECT r.id, r.article_id, u.name, r.created_at, r.headline, r.snapshot
             FROM revisions r LEFT JOIN users u ON u.id = r.user_id
             WHERE r.article_id = $1 ORDER BY r.id DESC",
        )
        .bind(id.0)
        .fetch_all(&self.read)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|r| {
                Ok(Revision {
                    id: r.get(0),
                    article_id: ArticleId(r.get(1)),
                    user_name: r.get(2),
                    created_at: from_ts(r.get::<Ts, _>(3))?,
                    headline: r.get(4),
                    snapshot: serde_json::from_str(&r.get::<String, _>(5))
                        .map_err(|e| StoreError::Backend(Box::new(e)))?,
                })
            })
            .collect()
    }

    async fn find_redirect(&self, path: &str) -> StoreResult<Option<ArticleId>> {
        let id: Option<i64> = sqlx::query_scalar("SELECT article_id FROM redirects WHERE old_path = $1")
            .bind(path)
            .fetch_optional(&self.read)
            .await
            .map_err(backend)?;
        Ok(id.map(ArticleId))
    }

    async fn list_redirects(&self, id: ArticleId) -> StoreResult<Vec<String>> {
        sqlx::query_scalar("SELECT old_path FROM redirects WHERE article_id = $1 ORDER BY old_path")
            .bind(id.0)
            .fetch_all(&self.read)
            .await
            .map_err(backend)
    }

    async fn add_redirect(&self, path: &str, id: ArticleId) -> StoreResult<()> {
        sqlx::query("INSERT INTO redirects (old_path, article_id) VALUES ($1, $2) ON CONFLICT (old_path) DO NOTHING")
            .bind(path)
            .bind(id.0)
            .execute(&self.write)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn get_term(&self, kind: TermKind, slug: &str) -> StoreResult<Option<Term>> {
        let table = match kind {
            TermKind::Section => "sections",
            TermKind::Tag => "tags",
            TermKind::Author => "authors",
        };
        let row = sqlx::query(&format!("SELECT name, slug FROM {table} WHERE slug = $1"))
            .bind(slug)
            .fetch_optional(&self.read)
            .await
            .map_err(backend)?;
        Ok(row.map(|r| Term { name: r.get(0), slug: r.get(1) }))
    }

    async fn list_sections(&self) -> StoreResult<Vec<Term>> {
        let rows = sqlx::query(
            "SELECT s.name, s.slug FROM sections s
             WHERE EXISTS (SELECT 1 FROM articles a WHERE a.section_id = s.id
                           AND a.status IN ('published', 'scheduled') AND a.published_at <= $1)
             ORDER BY s.name",
        )
        .bind(ts(Utc::now()))
        .fetch_all(&self.read)
        .await
        .map_err(backend)?;
        Ok(rows.iter().map(|r| Term { name: r.get(0), slug: r.get(1) }).collect())
    }
}

#[async_trait::async_trait]
impl crate::store::SearchStore for This {
    async fn search(&self, q: &SearchRequest) -> StoreResult<Page<SearchHit>> {
        if !q.query.is_searchable() {
            return Ok(Page { items: Vec::new(), total: 0 });
        }
        let (ids, total) = super::search::find(&self.read, q).await?;
        let mut conn = self.read.acquire().await.map_err(backend)?;
        let articles = load_many(&mut conn, &ids.iter().map(|(id, _)| *id).collect::<Vec<_>>()).await?;
        let mut snippets: HashMap<i64, String> = ids.into_iter().collect();
        let items = articles
            .into_iter()
            .map(|a| SearchHit { snippet: snippets.remove(&a.id.0).unwrap_or_default(), article: a })
            .collect();
        Ok(Page { items, total })
    }

    async fn nearest_word(&self, word: &str) -> StoreResult<Option<String>> {
        let word = word.to_lowercase();
        let len = word.chars().count() as i64;
        let Some(first) = word.chars().next().filter(|_| len >= 3) else { return Ok(None) };
        // Misspellings rarely start wrong: look among words with the same first letter and a similar length.
        let next = char::from_u32(first as u32 + 1).unwrap_or(char::MAX);
        let candidates: Vec<String> = sqlx::query_scalar(
            "SELECT word FROM search_words WHERE word >= $1 AND word < $2 AND length(word) BETWEEN $3 AND $4",
        )
        .bind(first.to_string())
        .bind(next.to_string())
        .bind(len - 2)
        .bind(len + 2)
        .fetch_all(&self.read)
        .await
        .map_err(backend)?;
        if candidates.contains(&word) {
            return Ok(None);
        }
        let allowed = if len <= 4 { 1 } else { 2 };
        Ok(candidates
            .into_iter()
            .map(|c| (strsim::levenshtein(&word, &c), c))
            .filter(|(d, _)| *d <= allowed)
            .min()
            .map(|(_, c)| c))
    }
}

impl This {
    async fn complete(&self, row: Option<DbRow>) -> StoreResult<Option<Article>> {
        let Some(row) = row else { return Ok(None) };
        let mut art = [article_from_row(&row)?];
        attach_terms(&mut *self.read.acquire().await.map_err(backend)?, &mut art).await?;
        let [mut art] = art;
        let rows =
            sqlx::query("SELECT id, body, created_at FROM corrections WHERE article_id = $1 ORDER BY created_at, id")
                .bind(art.id.0)
                .fetch_all(&self.read)
                .await
                .map_err(backend)?;
        art.corrections = rows
            .iter()
            .map(|r| Ok(Correction { id: r.get(0), body: r.get(1), created_at: from_ts(r.get::<Ts, _>(2))? }))
            .collect::<StoreResult<_>>()?;
        Ok(Some(art))
    }
}

pub(super) fn push_filters<'a>(qb: &mut QueryBuilder<'a, Db>, q: &'a ArticleQuery) {
    qb.push(" WHERE 1 = 1");
    if let Some(k) = q.kind {
        qb.push(" AND a.kind = ").push_bind(k.as_str());
    }
    if let Some(at) = q.public_at {
        qb.push(" AND a.status IN ('published', 'scheduled') AND a.published_at <= ").push_bind(ts(at));
    }
    if let Some(s) = q.status {
        qb.push(" AND a.status = ").push_bind(s.as_str());
    }
    if let Some(s) = &q.section {
        qb.push(" AND a.section_id = (SELECT id FROM sections WHERE slug = ").push_bind(s.as_str()).push(")");
    }
    if let Some(t) = &q.tag {
        qb.push(" AND a.id IN (SELECT x.article_id FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE t.slug = ")
            .push_bind(t.as_str())
            .push(")");
    }
    if let Some(t) = &q.author {
        qb.push(" AND a.id IN (SELECT x.article_id FROM article_authors x JOIN authors t ON t.id = x.author_id WHERE t.slug = ")
            .push_bind(t.as_str())
            .push(")");
    }
    if let Some(u) = q.created_by {
        qb.push(" AND a.created_by = ").push_bind(u.0);
    }
    if let Some(f) = q.from {
        qb.push(" AND a.published_at >= ").push_bind(ts(f));
    }
    if let Some(t) = q.to {
        qb.push(" AND a.published_at < ").push_bind(ts(t));
    }
    if let Some(text) = &q.text {
        for word in text.split_whitespace().take(10) {
            let escaped = word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            qb.push(format!(" AND a.headline {LIKE} ")).push_bind(format!("%{escaped}%")).push(" ESCAPE '\\'");
        }
    }
}
