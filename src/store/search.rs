//! Full-text search over the index each article write keeps current.

use async_trait::async_trait;

use super::{ArticleQuery, Page, StoreResult};
use crate::domain::Article;

/// A full-text search: the parsed words and the same filters as a list.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub query: crate::domain::search::SearchQuery,
    /// `public_at`, `section`, `author`, `from`, `to`, `status`, `limit` and `offset` apply.
    pub filter: ArticleQuery,
}

/// One search result.
#[derive(Debug, Clone)]
pub struct SearchHit {
    pub article: Article,
    /// Text around the matches, with each match between `MARK_START` and `MARK_END`.
    pub snippet: String,
}

/// Matches are counted up to this many and no further: a page of results
/// never needs more, and counting every match of a common word would cost
/// more than ranking them.
pub const COUNT_CAP: u64 = 1_000;

/// Full-text search, in each backend's own engine (SQLite FTS5, PostgreSQL
/// `tsvector`), over an index kept current in each article write's transaction.
#[async_trait]
pub trait SearchStore: Send + Sync {
    /// Finds articles by their words, best match first (recency breaks ties).
    async fn search(&self, q: &SearchRequest) -> StoreResult<Page<SearchHit>>;
    /// Returns the indexed word nearest to `word` (for "did you mean"), if one is near.
    async fn nearest_word(&self, word: &str) -> StoreResult<Option<String>>;
}
