//! What a reader types into the search box (`?q=`), parsed and written back.

#![no_main]

use dateline::domain::search::{self, SearchQuery, MAX_CLAUSES};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let query = SearchQuery::parse(&text);
    assert!(query.clauses.len() <= MAX_CLAUSES, "{query:?}");
    let _ = query.is_searchable();
    let _ = query.positive_words();
    let again = query.to_text_with(str::to_uppercase);
    let _ = SearchQuery::parse(&again);
    let _ = search::vocabulary(&text).count();
});
