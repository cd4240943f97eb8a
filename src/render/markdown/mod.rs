//! Turns article Markdown and user-supplied HTML into safe HTML and tidy
//! plain text: rendering, the one sanitising allowlist of Dateline,
//! excerpts and newsroom typography (curly quotes, dashes, datelines).
//!
//! This module is pure string-in, string-out. It must not do I/O, know about
//! articles or the database, or emit HTML that skipped `sanitize_html`
//! (the only additions made after sanitising are the fixed, escaped
//! dateline span of `insert_dateline` and the numbered paragraph ids of
//! `number_paragraphs`).
//!
//! Rendering lives here; `sanitize` holds the allowlist, `text` the plain-text
//! extraction and paragraph numbering, `typography` the punctuation and the
//! dateline. The rest of the crate uses the functions re-exported below.

mod sanitize;
mod text;
mod typography;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

pub use sanitize::sanitize_html;
pub use text::{
    block_texts, excerpt, html_text, number_paragraphs, paragraph_texts, plain_text, strip_tags, PARAGRAPH_ID_PREFIX,
};
pub use typography::{escape_text, insert_dateline, no_widow, smarten};

/// Prefix given to footnote labels so their element ids cannot clash with
/// ids the page templates use; the sanitiser keeps only ids with it.
const FOOTNOTE_ID_PREFIX: &str = "fn-";

/// Renders article Markdown to sanitised HTML, with smart punctuation
/// (curly quotes and apostrophes, en and em dashes, ellipsis) plus tables,
/// footnotes and strikethrough. A Markdown `#` heading becomes `<h2>`,
/// because the page headline is the only `<h1>`.
#[must_use]
pub fn render_markdown(md: &str) -> String {
    let events = Parser::new_ext(md, markdown_options()).map(adjust_event);
    let mut html = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    // Newsrooms type a spaced " -- " for the em dash; smart punctuation makes
    // it an en dash (split over several text events), so fix it in the output.
    let html = html.replace(" \u{2013} ", " \u{2014} ");
    sanitize_html(&html)
}

/// Lists the Markdown extensions articles may use; plain-text extraction parses with the same set.
fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Demotes `#` headings and namespaces footnote labels before HTML output.
fn adjust_event(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Start(Tag::Heading { level: HeadingLevel::H1, id, classes, attrs }) => {
            Event::Start(Tag::Heading { level: HeadingLevel::H2, id, classes, attrs })
        }
        Event::End(TagEnd::Heading(HeadingLevel::H1)) => Event::End(TagEnd::Heading(HeadingLevel::H2)),
        Event::FootnoteReference(name) => Event::FootnoteReference(footnote_id(&name)),
        Event::Start(Tag::FootnoteDefinition(name)) => Event::Start(Tag::FootnoteDefinition(footnote_id(&name))),
        other => other,
    }
}

/// Returns the element id of a footnote label, namespaced so it cannot clash with the page's ids.
fn footnote_id(label: &str) -> CowStr<'static> {
    CowStr::from(format!("{FOOTNOTE_ID_PREFIX}{label}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_markdown_has_curly_quotes_and_dashes() {
        let html = render_markdown(r#""It's over" -- or is it... --- she asked, 9--5"#);
        assert_eq!(html, "<p>“It’s over” — or is it… — she asked, 9–5</p>\n");
    }

    #[test]
    fn rendered_markdown_supports_tables_and_strikethrough() {
        let html = render_markdown("| a | b |\n|---|--:|\n| 1 | 2 |\n\n~~old~~");
        assert!(html.contains("<table>") && html.contains("<td>2</td>"), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
    }
}
