//! Full-text search on PostgreSQL: a weighted `tsvector` (headline A,
//! standfirst and terms B, caption C, body D) in the `dateline` text search
//! configuration (English stemming over `unaccent`), a GIN index, and
//! `ts_rank_cd` ranking.

use sqlx::{QueryBuilder, Row};

use super::{backend, Conn, Db, Pool};
use crate::domain::search::{Clause, Unit};
use crate::domain::search::{SearchDoc, MARK_END, MARK_START};
use crate::domain::ArticleId;
use crate::store::{SearchRequest, StoreResult};

/// Replaces an article's entry in the index.
pub(crate) async fn index(conn: &mut Conn, id: ArticleId, doc: &SearchDoc) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO article_search (article_id, body, document) VALUES ($1, $5,
           setweight(to_tsvector('dateline', $2), 'A') || setweight(to_tsvector('dateline', $3), 'B')
           || setweight(to_tsvector('dateline', $4), 'C') || setweight(to_tsvector('dateline', $5), 'D'))
         ON CONFLICT (article_id) DO UPDATE SET body = excluded.body, document = excluded.document",
    )
    .bind(id.0)
    .bind(&doc.headline)
    .bind(&doc.summary)
    .bind(&doc.caption)
    .bind(&doc.body)
    .execute(&mut *conn)
    .await
    .map_err(backend)?;
    Ok(())
}

/// Pushes a word or phrase as a `tsquery`; the text is a bound value, never syntax.
fn push_unit(qb: &mut QueryBuilder<'_, Db>, u: &Unit) {
    match u {
        Unit::Word(w) => qb.push("plainto_tsquery('dateline', ").push_bind(w.clone()).push(")"),
        Unit::Phrase(ws) => qb.push("phraseto_tsquery('dateline', ").push_bind(ws.join(" ")).push(")"),
    };
}

fn push_tsquery(qb: &mut QueryBuilder<'_, Db>, q: &SearchRequest) {
    qb.push("(");
    for (i, c) in q.query.clauses.iter().enumerate() {
        if i > 0 {
            qb.push(" && ");
        }
        match c {
            Clause::Any(us) => {
                qb.push("(");
                for (j, u) in us.iter().enumerate() {
                    if j > 0 {
                        qb.push(" || ");
                    }
                    push_unit(qb, u);
                }
                qb.push(")");
            }
            Clause::Not(u) => {
                qb.push("!!");
                push_unit(qb, u);
            }
        }
    }
    qb.push(")");
}

/// Returns one page of (article id, snippet), best first, and the number of matches.
pub(super) async fn find(pool: &Pool, q: &SearchRequest) -> StoreResult<(Vec<(i64, String)>, u64)> {
    let from = |qb: &mut QueryBuilder<'_, Db>| {
        qb.push(" FROM article_search s JOIN articles a ON a.id = s.article_id CROSS JOIN (SELECT ");
        push_tsquery(qb, q);
        qb.push(" AS query) q");
    };
    let mut count: QueryBuilder<'_, Db> = QueryBuilder::new("SELECT COUNT(*) FROM (SELECT 1");
    from(&mut count);
    super::article::push_filters(&mut count, &q.filter);
    count.push(format!(" AND s.document @@ q.query LIMIT {}) capped", crate::store::COUNT_CAP));
    // Planned for these words each time: a cached generic plan, made without
    // knowing how common the words are, can scan every document.
    let total: i64 = count.build_query_scalar().persistent(false).fetch_one(pool).await.map_err(backend)?;

    // Rank and cut the page first; make snippets only for the page.
    let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new("SELECT hit.id, ts_headline('dateline', s.body, hit.query, ");
    let options = format!(
        "StartSel={MARK_START}, StopSel={MARK_END}, MaxFragments=2, MinWords=8, MaxWords=24, FragmentDelimiter=\" … \""
    );
    qb.push_bind(options);
    qb.push(") FROM (SELECT a.id, q.query, ts_rank_cd(s.document, q.query) AS score, a.published_at");
    from(&mut qb);
    super::article::push_filters(&mut qb, &q.filter);
    qb.push(" AND s.document @@ q.query ORDER BY score DESC, a.published_at DESC NULLS LAST, a.id DESC LIMIT ")
        .push_bind(i64::from(q.filter.limit.clamp(1, 100)));
    qb.push(" OFFSET ").push_bind(i64::from(q.filter.offset));
    qb.push(
        ") hit JOIN article_search s ON s.article_id = hit.id
         ORDER BY hit.score DESC, hit.published_at DESC NULLS LAST, hit.id DESC",
    );
    let rows = qb.build().persistent(false).fetch_all(pool).await.map_err(backend)?;
    Ok((rows.iter().map(|r| (r.get(0), r.get(1))).collect(), total as u64))
}
