//! Plain text out of Markdown and sanitised HTML (for descriptions, excerpts,
//! search and story intelligence), and the paragraph ids that let such text
//! point back to its place in the page.
//!
//! Text comes out decoded (entities resolved, whitespace collapsed) and must be
//! escaped again by whoever puts it into HTML; nothing here returns markup
//! except `number_paragraphs`, which only adds ids to sanitised HTML.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::markdown_options;

/// Returns plain text of Markdown (for descriptions, excerpts, search): no
/// markup, entities decoded, whitespace collapsed, smart punctuation
/// applied. Raw HTML blocks, image alt text and footnote bodies are left
/// out, since none of them reads as part of the running text.
#[must_use]
pub fn plain_text(md: &str) -> String {
    let mut raw = String::with_capacity(md.len());
    let mut hidden_depth = 0usize;
    for event in Parser::new_ext(md, markdown_options()) {
        collect_text(event, &mut raw, &mut hidden_depth);
    }
    collapse_whitespace(&raw)
}

/// Returns the text of an HTML fragment (tags and scripts dropped, entities
/// decoded, blocks separated), for the search index.
pub fn html_text(html: &str) -> String {
    // A space before every tag keeps words of adjacent blocks apart.
    collapse_whitespace(&strip_tags(&html.replace('<', " <")))
}

/// Drops every tag (and the content of scripts and styles) and decodes what
/// ammonia escaped, keeping the text's own line breaks.
pub fn strip_tags(html: &str) -> String {
    let cleaned = ammonia::Builder::empty().clean(html).to_string();
    cleaned
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// Returns at most `max_chars` characters of plain text, cut at a word
/// boundary with "…" appended when cut (the "…" counts towards the limit).
#[must_use]
pub fn excerpt(md: &str, max_chars: usize) -> String {
    let text = plain_text(md);
    if text.chars().count() <= max_chars {
        return text;
    }
    if max_chars == 0 {
        return String::new();
    }
    let mut cut = cut_at_word(&text, max_chars - 1);
    cut.push('…');
    cut
}

/// Prefix of the ids `number_paragraphs` gives paragraphs ("p-1", "p-2", …).
pub const PARAGRAPH_ID_PREFIX: &str = "p-";

/// Gives every bare `<p>` of sanitised HTML an id, `p-1` onwards in document
/// order, so a timeline or a quote can link to the paragraph it came from.
#[must_use]
pub fn number_paragraphs(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 40);
    for (i, part) in html.split("<p>").enumerate() {
        if i > 0 {
            out.push_str(&format!("<p id=\"{PARAGRAPH_ID_PREFIX}{i}\">"));
        }
        out.push_str(part);
    }
    out
}

/// Returns the text of each bare `<p>` of sanitised HTML, numbered as
/// `number_paragraphs` numbers them (the first is paragraph 1).
pub fn paragraph_texts(html: &str) -> Vec<String> {
    html.split("<p>").skip(1).map(|part| inline_text(part.split("</p>").next().unwrap_or(part))).collect()
}

/// Returns the text of each block of sanitised HTML (paragraphs, headings,
/// list items, quotes, cells), in order, without empty ones.
pub fn block_texts(html: &str) -> Vec<String> {
    const ENDS: [&str; 13] = [
        "</p>",
        "</h2>",
        "</h3>",
        "</h4>",
        "</h5>",
        "</h6>",
        "</li>",
        "</blockquote>",
        "</td>",
        "</th>",
        "</figcaption>",
        "</pre>",
        "</dd>",
    ];
    let mut marked = html.to_owned();
    for end in ENDS {
        marked = marked.replace(end, &format!("{end}\u{E002}"));
    }
    marked.split('\u{E002}').map(inline_text).filter(|t| !t.is_empty()).collect()
}

/// The text of a block's HTML: inline tags (emphasis, links) add no space, a line break does.
fn inline_text(html: &str) -> String {
    collapse_whitespace(&strip_tags(&html.replace("<br", " <br")))
}

/// Appends the visible text of one event; `hidden_depth` counts open
/// images and footnote definitions, whose text is skipped.
fn collect_text(event: Event<'_>, out: &mut String, hidden_depth: &mut usize) {
    match event {
        Event::Start(Tag::Image { .. } | Tag::FootnoteDefinition(_)) => *hidden_depth += 1,
        Event::End(TagEnd::Image | TagEnd::FootnoteDefinition) => {
            *hidden_depth = hidden_depth.saturating_sub(1);
        }
        _ if *hidden_depth > 0 => {}
        Event::Text(text) | Event::Code(text) => out.push_str(&text),
        Event::SoftBreak | Event::HardBreak | Event::Rule => out.push(' '),
        // Block ends need a separator so adjacent paragraphs do not fuse.
        Event::End(end) if !is_inline_end(end) => out.push(' '),
        _ => {}
    }
}

/// Tells whether a closing tag ends inline markup, which adds no space between words.
fn is_inline_end(end: TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
    )
}

/// Joins the words of `text` with single spaces.
fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Returns the longest prefix of at most `budget` characters that ends at a
/// word boundary, trimmed of trailing spaces and clause punctuation; a
/// single word longer than the budget is cut mid-word.
fn cut_at_word(text: &str, budget: usize) -> String {
    let hard_end = text.char_indices().nth(budget).map_or(text.len(), |(at, _)| at);
    let next_is_space = text[hard_end..].starts_with(char::is_whitespace);
    let head = &text[..hard_end];
    let at_word = if next_is_space { head } else { head.rfind(char::is_whitespace).map_or(head, |at| &head[..at]) };
    let trimmed = at_word.trim_end_matches(|c: char| c.is_whitespace() || ",;:—–-".contains(c));
    if trimmed.is_empty() {
        head.to_string()
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::markdown::render_markdown;

    #[test]
    fn paragraphs_are_numbered_as_their_texts_are_listed() {
        let html = render_markdown("First *one*.\n\n## A heading\n\n- a list\n\n[Second](/x)’s & last.");
        let numbered = number_paragraphs(&html);
        assert!(numbered.contains("<p id=\"p-1\">First"), "{numbered}");
        assert!(numbered.contains("<p id=\"p-2\"><a "), "{numbered}");
        assert_eq!(paragraph_texts(&html), ["First one.", "Second’s & last."]);
        assert_eq!(block_texts(&html), ["First one.", "A heading", "a list", "Second’s & last."]);
    }

    #[test]
    fn plain_text_strips_markup_and_decodes_entities() {
        let md = "# Head\n\nSome **bold** & [a link](http://x) &amp; `code`.\n\n![alt text](a.jpg)\n\n- one\n- two";
        assert_eq!(plain_text(md), "Head Some bold & a link & code. one two");
    }

    #[test]
    fn plain_text_applies_smart_punctuation_and_skips_footnotes() {
        let md = "\"Quote\" -- it's here.[^n]\n\n[^n]: Hidden note.";
        assert_eq!(plain_text(md), "“Quote” – it’s here.");
    }

    #[test]
    fn excerpt_cuts_at_a_word_boundary() {
        let md = "The quick brown fox jumps over the lazy dog";
        assert_eq!(excerpt(md, 18), "The quick brown…");
        assert_eq!(excerpt(md, 17), "The quick brown…");
        assert_eq!(excerpt(md, 16), "The quick brown…");
        assert_eq!(excerpt(md, 15), "The quick…");
    }

    #[test]
    fn excerpt_returns_short_text_whole() {
        assert_eq!(excerpt("Short *one*.", 50), "Short one.");
        assert_eq!(plain_text("**Wash**ington [D](x).C."), "Washington D.C.");
        assert_eq!(excerpt("Exactly", 7), "Exactly");
    }

    #[test]
    fn excerpt_hard_cuts_a_single_long_word_and_respects_zero() {
        assert_eq!(excerpt("Supercalifragilistic", 6), "Super…");
        assert_eq!(excerpt("Anything", 0), "");
        assert_eq!(excerpt("Wait, then more words", 7), "Wait…");
    }
}
