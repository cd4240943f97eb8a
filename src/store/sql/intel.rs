// Story intelligence (entities, their links to articles, events, quotes and
// the editors' decisions), in the SQL both backends share. Included by
// `store::sqlite` and `store::postgres`, which name the dialect's types.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{QueryBuilder, Row};

use super::article::load_many;
use super::{backend, ts, Conn, Db, DbRow, This};
use crate::domain::{Article, ArticleId};
use crate::intel::Kind;
use crate::store::intel::{join_lines, split_lines};
use crate::store::{
    Effects,
    ArticleIntel, EntityDecision, EntityInfo, EntityLink, EntityQuote, EntityStore, FoundEntity, Page, RoleUse,
    StoreError, StoreResult, TimelineEvent,
};

/// Readers see an article that is published (or scheduled and due); `{n}` is the time's placeholder.
fn public(n: u32) -> String {
    format!("a.kind = 'article' AND a.status IN ('published', 'scheduled') AND a.published_at <= ${n}")
}

const ENTITY_COLS: &str = "e.id, e.kind, e.name, e.slug, e.rejected";

fn entity_from_row(r: &DbRow) -> StoreResult<EntityInfo> {
    let kind: String = r.get("kind");
    Ok(EntityInfo {
        id: r.get("id"),
        kind: Kind::parse(&kind).ok_or_else(|| StoreError::Backend(format!("bad stored kind {kind:?}").into()))?,
        name: r.get("name"),
        slug: r.get("slug"),
        rejected: r.get::<bool, _>("rejected"),
        articles: 0,
    })
}

fn day(s: &str) -> StoreResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| StoreError::Backend(format!("bad stored day {s:?}: {e}").into()))
}

/// Finds the entity extraction's (kind, slug) maps to.
async fn alias(conn: &mut Conn, kind: Kind, slug: &str) -> StoreResult<Option<i64>> {
    sqlx::query_scalar("SELECT entity_id FROM entity_aliases WHERE kind = $1 AND slug = $2")
        .bind(kind.as_str())
        .bind(slug)
        .fetch_optional(&mut *conn)
        .await
        .map_err(backend)
}

/// Creates an entity for a name seen for the first time, under a free page slug.
async fn create_entity(conn: &mut Conn, f: &FoundEntity, now: DateTime<Utc>) -> StoreResult<i64> {
    let mut slug = f.slug.clone();
    for n in 1.. {
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM entities WHERE slug = $1")
            .bind(&slug)
            .fetch_optional(&mut *conn)
            .await
            .map_err(backend)?;
        if taken.is_none() {
            break;
        }
        // Another kind of thing has this name ("Georgia" the place and the person): tell them apart.
        slug = if n == 1 { format!("{}-{}", f.slug, f.kind.as_str()) } else { format!("{}-{n}", f.slug) };
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO entities (kind, name, slug, rejected, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(f.kind.as_str())
    .bind(&f.name)
    .bind(&slug)
    .bind(false)
    .bind(ts(now))
    .fetch_one(&mut *conn)
    .await
    .map_err(backend)?;
    sqlx::query("INSERT INTO entity_aliases (kind, slug, entity_id) VALUES ($1, $2, $3)")
        .bind(f.kind.as_str())
        .bind(&f.slug)
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
    Ok(id)
}

/// What one article says of one entity, gathered over the spellings that map to it.
#[derive(Default)]
struct Gathered {
    roles: Vec<String>,
    snippets: Vec<String>,
    mentions: u32,
}

impl Gathered {
    fn add(&mut self, f: &FoundEntity) {
        for r in &f.roles {
            if !self.roles.contains(r) {
                self.roles.push(r.clone());
            }
        }
        self.snippets.extend(f.snippets.iter().cloned());
        self.mentions += f.mentions;
    }
}

/// Pairs each row with its article (loaded once each), dropping rows whose article is gone.
async fn load_pairs<T>(conn: &mut Conn, rows: Vec<(T, i64)>) -> StoreResult<Vec<(T, Article)>> {
    let mut ids: Vec<i64> = rows.iter().map(|(_, id)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    let by_id: HashMap<i64, Article> = load_many(conn, &ids).await?.into_iter().map(|a| (a.id.0, a)).collect();
    // Several rows may share an article.
    Ok(rows.into_iter().filter_map(|(t, id)| by_id.get(&id).map(|a| (t, a.clone()))).collect())
}

/// Links an article to the entities extraction found, creating new ones and
/// keeping the links editors decided on. Returns the entities linked before,
/// those found now (in order of appearance) and the id of each name found.
async fn write_links(
    tx: &mut Conn,
    article: ArticleId,
    found: &ArticleIntel,
    now: DateTime<Utc>,
) -> StoreResult<(Vec<i64>, Vec<i64>, HashMap<(Kind, String), i64>)> {
    let mut order: Vec<i64> = Vec::new();
    let mut gathered: HashMap<i64, Gathered> = HashMap::new();
    let mut keys: HashMap<(Kind, String), i64> = HashMap::new();
    for f in &found.entities {
        let id = match alias(&mut *tx, f.kind, &f.slug).await? {
            Some(id) => id,
            None => create_entity(&mut *tx, f, now).await?,
        };
        keys.insert((f.kind, f.slug.clone()), id);
        if !gathered.contains_key(&id) {
            order.push(id);
        }
        gathered.entry(id).or_default().add(f);
    }
    // The pages of every entity named before or now change with this run.
    let before: Vec<i64> = sqlx::query_scalar("SELECT entity_id FROM article_entities WHERE article_id = $1")
        .bind(article.0)
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
    // Links editors decided on stay as they are decided; the rest is replaced.
    sqlx::query("DELETE FROM article_entities WHERE article_id = $1 AND status = 'found'")
        .bind(article.0)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    for (pos, id) in order.iter().enumerate() {
        let g = &gathered[id];
        sqlx::query(
            "INSERT INTO article_entities (article_id, entity_id, status, roles, snippets, mentions, position)
             VALUES ($1, $2, 'found', $3, $4, $5, $6)
             ON CONFLICT (article_id, entity_id) DO UPDATE SET roles = excluded.roles,
               snippets = excluded.snippets, mentions = excluded.mentions, position = excluded.position",
        )
        .bind(article.0)
        .bind(*id)
        .bind(join_lines(&g.roles))
        .bind(join_lines(&g.snippets))
        .bind(i64::from(g.mentions))
        .bind(pos as i64)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    }
    Ok((before, order, keys))
}

#[async_trait::async_trait]
impl EntityStore for This {
    async fn save_intel(
        &self,
        article: ArticleId,
        found: &ArticleIntel,
        now: DateTime<Utc>,
        effects: &Effects,
    ) -> StoreResult<Vec<i64>> {
        let mut tx = self.write.begin().await.map_err(backend)?;
        let (before, order, keys) = write_links(&mut tx, article, found, now).await?;
        for table in ["article_events", "article_quotes"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE article_id = $1"))
                .bind(article.0)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        for (pos, e) in found.events.iter().enumerate() {
            sqlx::query(
                "INSERT INTO article_events (article_id, position, day_from, day_to, label, expression, sentence, anchor)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(article.0)
            .bind(pos as i64)
            .bind(e.from.format("%Y-%m-%d").to_string())
            .bind(e.to.format("%Y-%m-%d").to_string())
            .bind(&e.label)
            .bind(&e.expression)
            .bind(&e.sentence)
            .bind(&e.anchor)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        for (pos, q) in found.quotes.iter().enumerate() {
            let entity = match &q.speaker {
                Some(key) => match keys.get(key) {
                    Some(id) => Some(*id),
                    None => alias(&mut tx, key.0, &key.1).await?,
                },
                None => None,
            };
            sqlx::query(
                "INSERT INTO article_quotes (article_id, position, entity_id, speaker, body, anchor)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(article.0)
            .bind(pos as i64)
            .bind(entity)
            .bind(&q.speaker_name)
            .bind(&q.text)
            .bind(&q.anchor)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        sqlx::query(
            "INSERT INTO article_intel (article_id, enriched_at) VALUES ($1, $2)
             ON CONFLICT (article_id) DO UPDATE SET enriched_at = excluded.enriched_at",
        )
        .bind(article.0)
        .bind(ts(now))
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        let mut touched: Vec<i64> = before.into_iter().chain(order).collect();
        touched.sort_unstable();
        touched.dedup();
        let mut effects = effects.clone();
        if let Some(n) = effects.notice.as_mut() {
            n.keys.extend(touched.iter().map(|id| crate::domain::change::Key::entity(*id)));
        }
        super::queue::write_effects(&mut tx, &effects, &self.log, now).await?;
        tx.commit().await.map_err(backend)?;
        Ok(touched)
    }

    async fn list_unenriched(&self, limit: u32) -> StoreResult<Vec<ArticleId>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT a.id FROM articles a WHERE a.kind = 'article'
             AND NOT EXISTS (SELECT 1 FROM article_intel i WHERE i.article_id = a.id) ORDER BY a.id LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await
        .map_err(backend)?;
        Ok(ids.into_iter().map(ArticleId).collect())
    }

    async fn get_entity_by_slug(&self, slug: &str) -> StoreResult<Option<EntityInfo>> {
        let row = sqlx::query(&format!("SELECT {ENTITY_COLS} FROM entities e WHERE e.slug = $1"))
            .bind(slug)
            .fetch_optional(&self.read)
            .await
            .map_err(backend)?;
        row.as_ref().map(entity_from_row).transpose()
    }

    async fn get_entity(&self, id: i64) -> StoreResult<Option<EntityInfo>> {
        let row = sqlx::query(&format!("SELECT {ENTITY_COLS} FROM entities e WHERE e.id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await
            .map_err(backend)?;
        row.as_ref().map(entity_from_row).transpose()
    }

    async fn list_article_entities(&self, article: ArticleId) -> StoreResult<Vec<EntityLink>> {
        let rows = sqlx::query(&format!(
            "SELECT {ENTITY_COLS}, ae.status, ae.roles, ae.snippets, ae.mentions FROM article_entities ae
             JOIN entities e ON e.id = ae.entity_id WHERE ae.article_id = $1 ORDER BY ae.position, e.name"
        ))
        .bind(article.0)
        .fetch_all(&self.read)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|r| {
                Ok(EntityLink {
                    entity: entity_from_row(r)?,
                    status: r.get("status"),
                    roles: split_lines(&r.get::<String, _>("roles")),
                    snippets: split_lines(&r.get::<String, _>("snippets")),
                    mentions: r.get::<i64, _>("mentions") as u32,
                })
            })
            .collect()
    }

    async fn count_entity_articles(&self, entities: &[i64], public_at: DateTime<Utc>) -> StoreResult<HashMap<i64, u64>> {
        if entities.is_empty() {
            return Ok(HashMap::new());
        }
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(
            "SELECT ae.entity_id, COUNT(*) FROM article_entities ae JOIN articles a ON a.id = ae.article_id
             WHERE ae.status <> 'rejected' AND a.kind = 'article' AND a.status IN ('published', 'scheduled')
             AND a.published_at <= ",
        );
        qb.push_bind(ts(public_at)).push(" AND ae.entity_id IN (");
        let mut sep = qb.separated(", ");
        for id in entities {
            sep.push_bind(*id);
        }
        qb.push(") GROUP BY ae.entity_id");
        let rows = qb.build().fetch_all(&self.read).await.map_err(backend)?;
        Ok(rows.iter().map(|r| (r.get::<i64, _>(0), r.get::<i64, _>(1) as u64)).collect())
    }

    async fn list_entities(
        &self,
        kind: Option<Kind>,
        public_at: DateTime<Utc>,
        limit: u32,
        offset: u32,
    ) -> StoreResult<Page<EntityInfo>> {
        let from = format!(
            "FROM entities e JOIN article_entities ae ON ae.entity_id = e.id AND ae.status <> 'rejected'
             JOIN articles a ON a.id = ae.article_id AND {}
             WHERE NOT e.rejected AND ($2 = '' OR e.kind = $2)",
            public(1)
        );
        let kind = kind.map_or("", Kind::as_str);
        let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(DISTINCT e.id) {from}"))
            .bind(ts(public_at))
            .bind(kind)
            .fetch_one(&self.read)
            .await
            .map_err(backend)?;
        let rows = sqlx::query(&format!(
            "SELECT {ENTITY_COLS}, COUNT(*) AS n {from} GROUP BY {ENTITY_COLS}
             ORDER BY n DESC, e.name, e.id LIMIT $3 OFFSET $4"
        ))
        .bind(ts(public_at))
        .bind(kind)
        .bind(i64::from(limit.clamp(1, 50_000)))
        .bind(i64::from(offset))
        .fetch_all(&self.read)
        .await
        .map_err(backend)?;
        let items = rows
            .iter()
            .map(|r| Ok(EntityInfo { articles: r.get::<i64, _>("n") as u64, ..entity_from_row(r)? }))
            .collect::<StoreResult<_>>()?;
        Ok(Page { items, total: total as u64 })
    }

    async fn list_entity_articles(
        &self,
        entity: i64,
        public_at: DateTime<Utc>,
        limit: u32,
        offset: u32,
    ) -> StoreResult<Page<Article>> {
        let from = format!(
            "FROM article_entities ae JOIN articles a ON a.id = ae.article_id
             WHERE ae.entity_id = $1 AND ae.status <> 'rejected' AND {}",
            public(2)
        );
        let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) {from}"))
            .bind(entity)
            .bind(ts(public_at))
            .fetch_one(&self.read)
            .await
            .map_err(backend)?;
        let ids: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT a.id {from} ORDER BY a.published_at DESC, a.id DESC LIMIT $3 OFFSET $4"
        ))
        .bind(entity)
        .bind(ts(public_at))
        .bind(i64::from(limit.clamp(1, 500)))
        .bind(i64::from(offset))
        .fetch_all(&self.read)
        .await
        .map_err(backend)?;
        let mut conn = self.read.acquire().await.map_err(backend)?;
        Ok(Page { items: load_many(&mut conn, &ids).await?, total: total as u64 })
    }

    async fn list_entity_roles(&self, entity: i64, public_at: DateTime<Utc>) -> StoreResult<Vec<RoleUse>> {
        let rows = sqlx::query(&format!(
            "SELECT ae.roles, a.id FROM article_entities ae JOIN articles a ON a.id = ae.article_id
             WHERE ae.entity_id = $1 AND ae.status <> 'rejected' AND ae.roles <> '' AND {}
             ORDER BY a.published_at, a.id LIMIT 200",
            public(2)
        ))
        .bind(entity)
        .bind(ts(public_at))
        .fetch_all(&self.read)
        .await
        .map_err(backend)?;
        let pairs = rows.iter().map(|r| (split_lines(&r.get::<String, _>(0)), r.get::<i64, _>(1))).collect();
        let mut conn = self.read.acquire().await.map_err(backend)?;
        Ok(load_pairs(&mut conn, pairs)
            .await?
            .into_iter()
            .flat_map(|(roles, article)| roles.into_iter().map(move |role| RoleUse { role, article: article.clone() }))
            .collect())
    }

    async fn list_entity_quotes(
        &self,
        entity: i64,
        public_at: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<EntityQuote>> {
        let rows = sqlx::query(&format!(
            "SELECT q.body, q.anchor, a.id FROM article_quotes q JOIN articles a ON a.id = q.article_id
             JOIN article_entities ae ON ae.article_id = q.article_id AND ae.entity_id = q.entity_id
             WHERE q.entity_id = $1 AND ae.status <> 'rejected' AND {}
             ORDER BY a.published_at DESC, a.id DESC, q.position LIMIT $3",
            public(2)
        ))
        .bind(entity)
        .bind(ts(public_at))
        .bind(i64::from(limit.clamp(1, 500)))
        .fetch_all(&self.read)
        .await
        .map_err(backend)?;
        let pairs = rows.iter().map(|r| ((r.get::<String, _>(0), r.get::<Option<String>, _>(1)), r.get(2))).collect();
        let mut conn = self.read.acquire().await.map_err(backend)?;
        Ok(load_pairs(&mut conn, pairs)
            .await?
            .into_iter()
            .map(|((text, anchor), article)| EntityQuote { text, anchor, article })
            .collect())
    }

    async fn list_timeline(
        &self,
        entity: i64,
        public_at: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<TimelineEvent>> {
        let rows = sqlx::query(&format!(
            "SELECT ev.day_from, ev.day_to, ev.label, ev.sentence, ev.anchor, a.id
             FROM article_events ev JOIN articles a ON a.id = ev.article_id
             WHERE ev.article_id IN (SELECT article_id FROM article_entities WHERE entity_id = $1 AND status <> 'rejected')
               AND {}
             ORDER BY ev.day_from, ev.day_to, a.published_at, a.id, ev.position LIMIT $3",
            public(2)
        ))
        .bind(entity)
        .bind(ts(public_at))
        .bind(i64::from(limit.clamp(1, 2000)))
        .fetch_all(&self.read)
        .await
        .map_err(backend)?;
        let mut pairs = Vec::with_capacity(rows.len());
        for r in &rows {
            let fields = (
                day(&r.get::<String, _>(0))?,
                day(&r.get::<String, _>(1))?,
                r.get::<String, _>(2),
                r.get::<String, _>(3),
                r.get::<Option<String>, _>(4),
            );
            pairs.push((fields, r.get::<i64, _>(5)));
        }
        let mut conn = self.read.acquire().await.map_err(backend)?;
        Ok(load_pairs(&mut conn, pairs)
            .await?
            .into_iter()
            .map(|((from, to, label, sentence, anchor), article)| TimelineEvent {
                from,
                to,
                label,
                sentence,
                anchor,
                article,
            })
            .collect())
    }

    async fn list_related(&self, article: ArticleId, public_at: DateTime<Utc>, limit: u32) -> StoreResult<Vec<Article>> {
        // The article's own entities first, then the articles sharing them: in
        // one query the planner may walk every public article by date instead.
        let mine: Vec<i64> = sqlx::query_scalar(
            "SELECT mine.entity_id FROM article_entities mine JOIN entities e ON e.id = mine.entity_id
             WHERE mine.article_id = $1 AND mine.status <> 'rejected' AND NOT e.rejected",
        )
        .bind(article.0)
        .fetch_all(&self.read)
        .await
        .map_err(backend)?;
        if mine.is_empty() {
            return Ok(Vec::new());
        }
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(
            "SELECT a.id FROM article_entities other JOIN articles a ON a.id = other.article_id
             WHERE other.article_id <> ",
        );
        qb.push_bind(article.0).push(" AND other.status <> 'rejected' AND other.entity_id IN (");
        let mut ids = qb.separated(", ");
        for id in mine.iter().take(200) {
            ids.push_bind(*id);
        }
        qb.push(") AND a.kind = 'article' AND a.status IN ('published', 'scheduled') AND a.published_at <= ")
            .push_bind(ts(public_at))
            .push(" GROUP BY a.id, a.published_at ORDER BY COUNT(*) DESC, a.published_at DESC, a.id DESC LIMIT ")
            .push_bind(i64::from(limit.clamp(1, 50)));
        let ids: Vec<i64> = qb.build_query_scalar().fetch_all(&self.read).await.map_err(backend)?;
        let mut conn = self.read.acquire().await.map_err(backend)?;
        load_many(&mut conn, &ids).await
    }

    async fn set_entity_decision(
        &self,
        article: ArticleId,
        entity: i64,
        d: EntityDecision,
        effects: &Effects,
    ) -> StoreResult<()> {
        let mut tx = self.write.begin().await.map_err(backend)?;
        let done = sqlx::query("UPDATE article_entities SET status = $3 WHERE article_id = $1 AND entity_id = $2")
            .bind(article.0)
            .bind(entity)
            .bind(d.status())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        super::queue::write_effects(&mut tx, effects, &self.log, Utc::now()).await?;
        tx.commit().await.map_err(backend)
    }

    async fn update_entity(
        &self,
        id: i64,
        name: &str,
        kind: Kind,
        now: DateTime<Utc>,
        effects: &Effects,
    ) -> StoreResult<EntityInfo> {
        let name = name.trim();
        let slug = crate::intel::slugify(name);
        if slug.is_empty() || name.chars().count() > 200 {
            return Err(StoreError::Conflict("name".into()));
        }
        let mut tx = self.write.begin().await.map_err(backend)?;
        let done = sqlx::query("UPDATE entities SET name = $1, kind = $2, slug = $3, updated_at = $4 WHERE id = $5")
            .bind(name)
            .bind(kind.as_str())
            .bind(&slug)
            .bind(ts(now))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        // The new name, found in a later article, means this entity too.
        sqlx::query("INSERT INTO entity_aliases (kind, slug, entity_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(kind.as_str())
            .bind(&slug)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        super::queue::write_effects(&mut tx, effects, &self.log, now).await?;
        tx.commit().await.map_err(backend)?;
        self.get_entity(id).await?.ok_or(StoreError::NotFound)
    }

    async fn set_entity_rejected(
        &self,
        id: i64,
        rejected: bool,
        now: DateTime<Utc>,
        effects: &Effects,
    ) -> StoreResult<()> {
        let mut tx = self.write.begin().await.map_err(backend)?;
        let done = sqlx::query("UPDATE entities SET rejected = $1, updated_at = $2 WHERE id = $3")
            .bind(rejected)
            .bind(ts(now))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        super::queue::write_effects(&mut tx, effects, &self.log, now).await?;
        tx.commit().await.map_err(backend)
    }

    async fn merge_entities(&self, from: i64, into: i64, now: DateTime<Utc>, effects: &Effects) -> StoreResult<()> {
        if from == into {
            return Err(StoreError::Conflict("an entity cannot be merged into itself".into()));
        }
        let mut tx = self.write.begin().await.map_err(backend)?;
        let found: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM entities WHERE id IN ($1, $2)")
            .bind(from)
            .bind(into)
            .fetch_one(&mut *tx)
            .await
            .map_err(backend)?;
        if found != 2 {
            return Err(StoreError::NotFound);
        }
        let steps = [
            "UPDATE entity_aliases SET entity_id = $2 WHERE entity_id = $1",
            // Where an article names both, the kept entity's link (and its decision) stays.
            "DELETE FROM article_entities WHERE entity_id = $1
               AND article_id IN (SELECT article_id FROM article_entities WHERE entity_id = $2)",
            "UPDATE article_entities SET entity_id = $2 WHERE entity_id = $1",
            "UPDATE article_quotes SET entity_id = $2 WHERE entity_id = $1",
            "DELETE FROM entities WHERE id = $1",
        ];
        for sql in steps {
            sqlx::query(sql).bind(from).bind(into).execute(&mut *tx).await.map_err(backend)?;
        }
        sqlx::query("UPDATE entities SET updated_at = $1 WHERE id = $2")
            .bind(ts(now))
            .bind(into)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        super::queue::write_effects(&mut tx, effects, &self.log, now).await?;
        tx.commit().await.map_err(backend)
    }
}
