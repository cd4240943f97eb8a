//! The Markdown renderer, the one HTML sanitiser and the typography helpers:
//! article bodies, imported HTML and headlines are all outside input.

#![no_main]

use dateline::render::markdown as md;
use libfuzzer_sys::fuzz_target;

/// Tags the sanitiser must never let through, in any letter case.
const FORBIDDEN_TAGS: [&str; 8] = ["<script", "<style", "<iframe", "<svg", "<object", "<embed", "<form", "<math"];

fn assert_sanitised(html: &str, input: &str) {
    let lower = html.to_ascii_lowercase();
    for tag in FORBIDDEN_TAGS {
        assert!(!lower.contains(tag), "{tag} survived sanitising\ninput: {input:?}\noutput: {html:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();

    let html = md::render_markdown(text);
    assert_sanitised(&html, text);
    let cleaned = md::sanitize_html(text);
    assert_sanitised(&cleaned, text);

    let budget = data.first().map_or(0, |b| usize::from(*b));
    let excerpt = md::excerpt(text, budget);
    assert!(excerpt.chars().count() <= budget, "excerpt over {budget} characters: {excerpt:?}");
    let _ = md::plain_text(text);
    let _ = md::strip_tags(text);
    let _ = md::html_text(text);

    let escaped = md::escape_text(text);
    assert!(!escaped.contains(['<', '>', '"', '\'']), "escape_text left markup: {escaped:?}");
    let _ = md::smarten(text);
    let _ = md::no_widow(text);

    // The article page's path: dateline into the first paragraph, then numbered paragraphs.
    let place = text.lines().next().unwrap_or("");
    let with_dateline = md::insert_dateline(&html, place);
    let numbered = md::number_paragraphs(&with_dateline);
    let _ = md::paragraph_texts(&numbered);
    let _ = md::block_texts(&numbered);
    // The same helpers on raw, unsanitised HTML.
    let _ = md::insert_dateline(text, place);
    let _ = md::paragraph_texts(text);
    let _ = md::block_texts(text);
});
