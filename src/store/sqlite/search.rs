//! Full-text search on SQLite: an FTS5 table (`porter` stemming over
//! `unicode61` with diacritics removed) ranked by `bm25()`, the headline
//! weighing most.

use sqlx::{QueryBuilder, Row};

use super::{backend, Conn, Db, Pool};
use crate::domain::search::{Clause, SearchQuery, Unit};
use crate::domain::search::{SearchDoc, MARK_END, MARK_START};
use crate::domain::ArticleId;
use crate::store::{SearchRequest, StoreResult};

/// Replaces an article's entry in the index.
pub(super) async fn index(conn: &mut Conn, id: ArticleId, doc: &SearchDoc) -> StoreResult<()> {
    sqlx::query("DELETE FROM article_search WHERE rowid = $1").bind(id.0).execute(&mut *conn).await.map_err(backend)?;
    sqlx::query("INSERT INTO article_search (rowid, headline, summary, caption, body) VALUES ($1, $2, $3, $4, $5)")
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

/// An FTS5 string: every word and phrase quoted, so nothing in it is syntax.
fn quoted(u: &Unit) -> String {
    let text = match u {
        Unit::Word(w) => w.clone(),
        Unit::Phrase(ws) => ws.join(" "),
    };
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// Writes a parsed query as an FTS5 expression, or `None` when nothing is asked for.
pub(crate) fn expression(q: &SearchQuery) -> Option<String> {
    let mut positive = Vec::new();
    let mut negative = Vec::new();
    for c in &q.clauses {
        match c {
            Clause::Any(us) if us.len() == 1 => positive.push(quoted(&us[0])),
            Clause::Any(us) => positive.push(format!("({})", us.iter().map(quoted).collect::<Vec<_>>().join(" OR "))),
            Clause::Not(u) => negative.push(quoted(u)),
        }
    }
    if positive.is_empty() {
        return None;
    }
    let mut expr = positive.join(" AND ");
    for n in negative {
        expr = format!("({expr}) NOT {n}");
    }
    Some(expr)
}

/// Column weights for `bm25()`: headline, summary (standfirst and terms), caption, body.
const WEIGHTS: &str = "10.0, 4.0, 2.0, 1.0";

/// Returns one page of (article id, snippet), best first, and the number of
/// matches (counted up to `COUNT_CAP`).
pub(super) async fn find(pool: &Pool, q: &SearchRequest) -> StoreResult<(Vec<(i64, String)>, u64)> {
    let Some(expr) = expression(&q.query) else { return Ok((Vec::new(), 0)) };
    // Visibility and filters come from a covering index, not the article rows.
    let from = " FROM article_search JOIN articles a INDEXED BY articles_visible ON a.id = article_search.rowid";
    let mut count: QueryBuilder<'_, Db> = QueryBuilder::new(format!("SELECT COUNT(*) FROM (SELECT 1{from}"));
    super::article::push_filters(&mut count, &q.filter);
    count.push(" AND article_search MATCH ").push_bind(expr.clone());
    count.push(format!(" LIMIT {})", crate::store::COUNT_CAP));
    let total: i64 = count.build_query_scalar().fetch_one(pool).await.map_err(backend)?;

    let mut qb: QueryBuilder<'_, Db> =
        QueryBuilder::new(format!("SELECT a.id, bm25(article_search, {WEIGHTS}) AS score{from}"));
    super::article::push_filters(&mut qb, &q.filter);
    qb.push(" AND article_search MATCH ").push_bind(expr.clone());
    qb.push(" ORDER BY score, a.published_at DESC, a.id DESC LIMIT ")
        .push_bind(i64::from(q.filter.limit.clamp(1, 100)));
    qb.push(" OFFSET ").push_bind(i64::from(q.filter.offset));
    let ids: Vec<i64> = qb.build().fetch_all(pool).await.map_err(backend)?.iter().map(|r| r.get(0)).collect();
    if ids.is_empty() {
        return Ok((Vec::new(), total as u64));
    }
    // Snippets only for the page: made for every match they would cost more than the ranking.
    let mut sn: QueryBuilder<'_, Db> = QueryBuilder::new("SELECT rowid, snippet(article_search, -1, ");
    sn.push_bind(MARK_START.to_string()).push(", ").push_bind(MARK_END.to_string());
    sn.push(", ' … ', 24) FROM article_search WHERE article_search MATCH ").push_bind(expr).push(" AND rowid IN (");
    let mut sep = sn.separated(", ");
    for id in &ids {
        sep.push_bind(*id);
    }
    sn.push(")");
    let mut snippets: std::collections::HashMap<i64, String> =
        sn.build().fetch_all(pool).await.map_err(backend)?.iter().map(|r| (r.get(0), r.get(1))).collect();
    let page = ids.into_iter().map(|id| (id, snippets.remove(&id).unwrap_or_default())).collect();
    Ok((page, total as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_quote_everything() {
        let q = SearchQuery::parse(r#"summit "in Geneva" -Trump Putin OR Lavrov NEAR"#);
        assert_eq!(
            expression(&q).unwrap(),
            r#"("summit" AND "in Geneva" AND ("Putin" OR "Lavrov") AND "NEAR") NOT "Trump""#
        );
        assert_eq!(expression(&SearchQuery::parse("-x")), None);
    }
}
