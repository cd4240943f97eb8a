//! The reader's search page (`/search?q=…`, a plain GET form that works
//! without JavaScript) and the OpenSearch description browsers discover.
//!
//! Results are never stored in the page cache (its key is the path and
//! `page` only) and are marked `noindex`.

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::search::SearchQuery;
use crate::domain::search::{MARK_END, MARK_START};
use crate::domain::Kind;
use crate::render::view::{Layout, Pager, TermView, When};
use crate::store::{ArticleQuery, SearchHit, SearchRequest};
use crate::web::error::AppError;
use crate::web::public::{layout, render};
use crate::web::AppState;

/// Results per page.
const PER_PAGE: u32 = 10;

pub fn routes() -> Router<AppState> {
    Router::new().route("/search", get(show)).route("/opensearch.xml", get(opensearch))
}

/// What the search form sends; every field is optional and read leniently.
#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub section: String,
    #[serde(default)]
    pub author: String,
    /// `YYYY-MM-DD`, in the site's time zone.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    pub page: Option<String>,
}

/// A found article as the result list shows it.
#[derive(Serialize)]
pub struct ResultView {
    pub url: String,
    pub headline: String,
    pub kind: &'static str,
    pub published: Option<When>,
    pub section: Option<TermView>,
    /// Escaped text with `<mark>` around the matched words.
    pub snippet_html: String,
}

/// Escapes a snippet and turns the store's match markers into `<mark>`.
pub fn highlight(snippet: &str) -> String {
    let esc = crate::render::markdown::escape_text;
    let mut parts = snippet.split(MARK_START);
    let mut out = esc(parts.next().unwrap_or(""));
    for part in parts {
        match part.split_once(MARK_END) {
            Some((matched, rest)) => {
                out.push_str("<mark>");
                out.push_str(&esc(matched));
                out.push_str("</mark>");
                out.push_str(&esc(rest));
            }
            None => out.push_str(&esc(part)),
        }
    }
    out
}

impl ResultView {
    pub fn new(h: &SearchHit, tz: chrono_tz::Tz) -> ResultView {
        let a = &h.article;
        ResultView {
            url: a.permalink(tz),
            headline: crate::render::markdown::smarten(&a.headline),
            kind: a.kind.as_str(),
            published: a.published_at.filter(|_| a.kind == Kind::Article).map(|t| When::new(t, tz)),
            section: a.section.as_ref().map(TermView::section),
            snippet_html: highlight(&h.snippet),
        }
    }
}

/// Reads a `YYYY-MM-DD` date as the start of that day in the site's zone.
fn day_start(s: &str, tz: chrono_tz::Tz) -> Result<Option<chrono::DateTime<Utc>>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("“{s}” is not a date like 2024-02-20."))?;
    let start = d.and_hms_opt(0, 0, 0).and_then(|t| tz.from_local_datetime(&t).earliest());
    Ok(start.map(|t| t.with_timezone(&Utc)))
}

fn shown_date(s: &str) -> String {
    let s = s.trim();
    if NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() {
        s.to_owned()
    } else {
        String::new()
    }
}

/// Turns the form into a store request; problems with the filters are
/// reported, and the filter is left out, rather than refused.
pub fn request(p: &SearchParams, tz: chrono_tz::Tz, public: bool) -> (SearchRequest, Vec<String>, u32) {
    let mut notes = Vec::new();
    let mut take = |r: Result<Option<chrono::DateTime<Utc>>, String>| {
        r.unwrap_or_else(|e| {
            notes.push(e);
            None
        })
    };
    let from = take(day_start(&p.from, tz));
    // "to" names the last day included.
    let to = take(day_start(&p.to, tz)).map(|t| t + chrono::Duration::days(1));
    let page = p.page.as_deref().and_then(|n| n.trim().parse::<u32>().ok()).unwrap_or(1).clamp(1, 100);
    let slug = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).and_then(|s| crate::domain::parse_slug(s).ok());
    let filter = ArticleQuery {
        public_at: public.then(Utc::now),
        section: slug(&p.section),
        author: slug(&p.author),
        from,
        to,
        limit: PER_PAGE,
        offset: (page - 1) * PER_PAGE,
        ..Default::default()
    };
    (SearchRequest { query: SearchQuery::parse(&p.q), filter }, notes, page)
}

#[derive(Serialize)]
struct SearchCtx {
    layout: Layout,
    q: String,
    section: String,
    author: String,
    from: String,
    to: String,
    sections: Vec<TermView>,
    results: Vec<ResultView>,
    total: u64,
    /// Matches are counted up to this many.
    count_cap: u64,
    searched: bool,
    notes: Vec<String>,
    suggestion: Option<Suggestion>,
    pager: Pager,
}

#[derive(Serialize)]
struct Suggestion {
    text: String,
    url: String,
}

fn search_url(p: &SearchParams, q: &str, page: Option<u32>) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.append_pair("q", q);
    for (k, v) in [("section", &p.section), ("author", &p.author), ("from", &p.from), ("to", &p.to)] {
        if !v.trim().is_empty() {
            s.append_pair(k, v.trim());
        }
    }
    if let Some(n) = page.filter(|n| *n > 1) {
        s.append_pair("page", &n.to_string());
    }
    format!("/search?{}", s.finish())
}

/// Offers a spelling when nothing was found: each word with no match is
/// replaced by the nearest indexed word, and the suggestion is only made if
/// it finds something a reader may see.
async fn suggest(state: &AppState, p: &SearchParams, r: &SearchRequest) -> Result<Option<Suggestion>, AppError> {
    let mut changed = std::collections::HashMap::new();
    for w in r.query.positive_words() {
        if let Some(near) = state.store.nearest_word(w).await? {
            changed.insert(w.to_owned(), near);
        }
    }
    if changed.is_empty() {
        return Ok(None);
    }
    let text = r.query.to_text_with(|w| changed.get(w).cloned().unwrap_or_else(|| w.to_owned()));
    let again = SearchRequest { query: SearchQuery::parse(&text), filter: r.filter.clone() };
    if state.store.search(&again).await?.total == 0 {
        return Ok(None);
    }
    Ok(Some(Suggestion { url: search_url(p, &text, None), text }))
}

async fn show(State(state): State<AppState>, Query(p): Query<SearchParams>) -> Result<Response, AppError> {
    let tz = state.cfg.tz();
    let (req, notes, page) = request(&p, tz, true);
    let searched = req.query.is_searchable();
    let found = state.store.search(&req).await?;
    let suggestion = if searched && found.total == 0 { suggest(&state, &p, &req).await? } else { None };
    let title = if searched { format!("Search: {}", p.q.trim()) } else { "Search".to_owned() };
    let mut layout = layout(&state, title.chars().take(120).collect(), None).await;
    layout.noindex = true;
    let mut pager = Pager::new("/search", page, PER_PAGE, found.total);
    pager.prev = pager.prev.map(|_| search_url(&p, &p.q, Some(page - 1)));
    pager.next = pager.next.map(|_| search_url(&p, &p.q, Some(page + 1)));
    let ctx = SearchCtx {
        // The menu already lists the sections; the filter offers the same ones.
        sections: layout.nav.iter().map(|l| TermView { name: l.name.clone(), url: l.url.clone() }).collect(),
        results: found.items.iter().map(|h| ResultView::new(h, tz)).collect(),
        total: found.total,
        count_cap: crate::store::COUNT_CAP,
        searched,
        notes,
        suggestion,
        pager,
        layout,
        q: p.q.chars().take(crate::domain::search::MAX_QUERY_CHARS).collect(),
        section: p.section.clone(),
        author: p.author.clone(),
        // A date field holds only a date; what was not one is named in a note instead.
        from: shown_date(&p.from),
        to: shown_date(&p.to),
    };
    let mut res = render(&state, "public/search.html", &ctx)?;
    let h = res.headers_mut();
    h.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(res)
}

#[derive(Serialize)]
struct OpenSearchCtx<'a> {
    short_name: String,
    title: &'a str,
    base_url: &'a str,
}

/// The OpenSearch description: lets browsers offer the site's search.
async fn opensearch(State(state): State<AppState>) -> Result<Response, AppError> {
    let cfg = &state.cfg;
    let ctx = OpenSearchCtx {
        short_name: cfg.site.title.chars().take(16).collect(),
        title: &cfg.site.title,
        base_url: cfg.base_url(),
    };
    let body = state.renderer.render("opensearch.xml", &ctx).map_err(AppError::internal)?;
    Ok(([(header::CONTENT_TYPE, "application/opensearchdescription+xml; charset=utf-8")], body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_escaped_and_marked() {
        let s = format!("a <b> & {MARK_START}summit{MARK_END}");
        assert_eq!(highlight(&s), "a &lt;b&gt; &amp; <mark>summit</mark>");
    }

    #[test]
    fn bad_dates_become_notes_not_errors() {
        let p = SearchParams { q: "x".into(), from: "yesterday".into(), to: "2024-02-20".into(), ..Default::default() };
        let (r, notes, page) = request(&p, chrono_tz::UTC, true);
        assert_eq!((notes.len(), page, r.filter.from), (1, 1, None));
        assert_eq!(r.filter.to.unwrap().to_rfc3339(), "2024-02-21T00:00:00+00:00");
    }
}
