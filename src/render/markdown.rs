//! Turns article Markdown and user-supplied HTML into safe HTML and tidy
//! plain text: rendering, the one sanitising allowlist of Dateline,
//! excerpts and newsroom typography (curly quotes, dashes, datelines).
//!
//! This module is pure string-in, string-out. It must not do I/O, know about
//! articles or the database, or emit HTML that skipped `sanitize_html`
//! (the only additions made after sanitising are the fixed, escaped
//! dateline span of `insert_dateline` and the numbered paragraph ids of
//! `number_paragraphs`).

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::Builder;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Prefix given to footnote labels so their element ids cannot clash with
/// ids the page templates use; the sanitiser keeps only ids with it.
const FOOTNOTE_ID_PREFIX: &str = "fn-";

/// A last word longer than this stays breakable: gluing it to its neighbour
/// would make a unit too wide for a narrow column.
const NO_WIDOW_MAX_LAST_WORD: usize = 15;

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

/// Sanitises HTML from any user or import source: the single sanitising
/// path of Dateline (ammonia with an explicit allowlist). `<h1>` becomes
/// `<h2>`; disallowed tags are unwrapped to their text, and dangerous ones
/// (script, style, iframe, svg, forms, …) are dropped with their content.
#[must_use]
pub fn sanitize_html(html: &str) -> String {
    SANITIZER.clean(&demote_h1(html)).to_string()
}

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

/// Applies typographic punctuation to a plain-text line (headlines,
/// captions): straight quotes to curly ones (opening vs closing by
/// context, apostrophes inside words like don't and before decades like
/// ’90s), " -- " and "---" to an em dash, "..." to an ellipsis. Input and
/// output are plain text, not HTML.
#[must_use]
pub fn smarten(text: &str) -> String {
    let dashed = text.replace("...", "…").replace("---", "—").replace(" -- ", " — ");
    let chars: Vec<char> = dashed.chars().collect();
    let mut out = String::with_capacity(dashed.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let prev = out.chars().next_back();
        let next = &chars[i + 1..];
        match c {
            '"' => out.push(double_quote(prev)),
            '\'' => out.push(single_quote(prev, next)),
            other => out.push(other),
        }
    }
    out
}

/// Joins the last two words with a no-break space (U+00A0) so a headline
/// never ends with one word alone on its line; leaves one-word text, and
/// text whose last word is longer than 15 characters, unchanged.
#[must_use]
pub fn no_widow(text: &str) -> String {
    let body = text.trim_end();
    let tail = &text[body.len()..];
    let Some(last_space) = body.rfind(char::is_whitespace) else {
        return text.to_string();
    };
    let last_word = body[last_space..].trim_start();
    let before = body[..last_space].trim_end();
    if before.is_empty() || last_word.chars().count() > NO_WIDOW_MAX_LAST_WORD {
        return text.to_string();
    }
    format!("{before}\u{a0}{last_word}{tail}")
}

/// Inserts the dateline (upper-cased, escaped as HTML text) followed by
/// " —" at the start of the first paragraph of rendered body HTML, as
/// `<span class="dateline">WASHINGTON —</span> `. If the body has no `<p>`,
/// prepends a paragraph holding just the dateline span. An empty or
/// whitespace-only dateline returns the HTML unchanged.
#[must_use]
pub fn insert_dateline(body_html: &str, place: &str) -> String {
    let place = place.trim();
    if place.is_empty() {
        return body_html.to_string();
    }
    let span = format!("<span class=\"dateline\">{} —</span>", escape_text(&place.to_uppercase()));
    match first_paragraph_content_start(body_html) {
        Some(at) => format!("{}{span} {}", &body_html[..at], &body_html[at..]),
        None => format!("<p>{span}</p>\n{body_html}"),
    }
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

fn footnote_id(label: &str) -> CowStr<'static> {
    CowStr::from(format!("{FOOTNOTE_ID_PREFIX}{label}"))
}

static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(build_sanitizer);

fn build_sanitizer() -> Builder<'static> {
    let mut builder = Builder::empty();
    builder
        .tags(allowed_tags())
        .clean_content_tags(content_dropping_tags())
        .tag_attributes(allowed_attributes())
        .generic_attributes(HashSet::new())
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true)
        .attribute_filter(filter_attribute);
    builder
}

fn allowed_tags() -> HashSet<&'static str> {
    HashSet::from([
        "p",
        "br",
        "hr",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "strong",
        "em",
        "b",
        "i",
        "u",
        "s",
        "del",
        "ins",
        "sub",
        "sup",
        "mark",
        "small",
        "abbr",
        "cite",
        "q",
        "code",
        "pre",
        "kbd",
        "a",
        "img",
        "figure",
        "figcaption",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "caption",
        "span",
        "div",
        "section",
    ])
}

/// Tags removed together with everything inside them: their content is
/// code, markup of another language, or controls, never article prose.
fn content_dropping_tags() -> HashSet<&'static str> {
    HashSet::from([
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "form", "input",
        "button", "select", "textarea", "template", "noscript",
    ])
}

fn allowed_attributes() -> HashMap<&'static str, HashSet<&'static str>> {
    HashMap::from([
        ("abbr", HashSet::from(["title"])),
        ("a", HashSet::from(["href", "title"])),
        ("img", HashSet::from(["src", "alt", "title", "width", "height"])),
        ("th", HashSet::from(["colspan", "rowspan", "scope"])),
        ("td", HashSet::from(["colspan", "rowspan"])),
        ("code", HashSet::from(["class"])),
        ("div", HashSet::from(["id"])),
    ])
}

/// Narrows attributes the allowlist admits by name: code classes must be
/// `language-*`, ids must carry the footnote prefix, and images must come from
/// this site (readers load nothing from a third party; a foreign image keeps
/// its alt text and loses its address).
fn filter_attribute<'u>(element: &str, attribute: &str, value: &'u str) -> Option<std::borrow::Cow<'u, str>> {
    match (element, attribute) {
        ("code", "class") => language_classes(value).map(Into::into),
        ("img", "src") => is_own_path(value).then(|| value.into()),
        (_, "id") if is_footnote_id(value) => Some(value.into()),
        (_, "id") => None,
        _ => Some(value.into()),
    }
}

/// An address on this site: a path (`/media/…`) or a relative reference
/// (`x.jpg`), never `//host` or `/\\host` (which browsers read as another
/// host), never a scheme (`https:`, `data:`), and nothing a browser would
/// strip and reread (controls, spaces, backslashes).
fn is_own_path(value: &str) -> bool {
    let v = value.as_bytes();
    let scheme = value.find(':').is_some_and(|colon| !value[..colon].contains(['/', '?', '#']));
    !v.is_empty()
        && !scheme
        && !v.starts_with(b"//")
        && !v.iter().any(|b| b.is_ascii_control() || *b == b'\\' || *b == b' ')
}

fn language_classes(value: &str) -> Option<String> {
    let kept: Vec<&str> = value.split_ascii_whitespace().filter(|class| is_language_class(class)).collect();
    (!kept.is_empty()).then(|| kept.join(" "))
}

fn is_language_class(class: &str) -> bool {
    class.strip_prefix("language-").is_some_and(|lang| {
        !lang.is_empty() && lang.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '#' | '.'))
    })
}

fn is_footnote_id(value: &str) -> bool {
    value.len() > FOOTNOTE_ID_PREFIX.len() && value.starts_with(FOOTNOTE_ID_PREFIX)
}

/// Rewrites `<h1` and `</h1` tag openings to h2, ASCII case-insensitively.
/// A stray match inside text or an attribute only changes a digit, and the
/// result still goes through the sanitiser, so this cannot open a hole.
fn demote_h1(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    let mut i = 0;
    while let Some(offset) = html[i..].find('<') {
        let lt = i + offset;
        let name_start = if bytes.get(lt + 1) == Some(&b'/') { lt + 2 } else { lt + 1 };
        if is_h1_name(bytes, name_start) {
            out.push_str(&html[copied..=name_start]);
            out.push('2');
            copied = name_start + 2;
        }
        i = lt + 1;
    }
    out.push_str(&html[copied..]);
    out
}

fn is_h1_name(bytes: &[u8], at: usize) -> bool {
    let name_matches = bytes.get(at).is_some_and(|b| b.eq_ignore_ascii_case(&b'h')) && bytes.get(at + 1) == Some(&b'1');
    let ends_name = bytes.get(at + 2).is_none_or(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/'));
    name_matches && ends_name
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

/// Characters after which a quote mark opens rather than closes.
fn opens_after(prev: Option<char>) -> bool {
    prev.is_none_or(|c| c.is_whitespace() || "([{—–-/“‘".contains(c))
}

fn double_quote(prev: Option<char>) -> char {
    if opens_after(prev) {
        '“'
    } else {
        '”'
    }
}

/// Words conventionally written with a leading apostrophe, not a quote.
const ELIDED_WORDS: [&str; 6] = ["em", "tis", "twas", "til", "cause", "n"];

fn single_quote(prev: Option<char>, next: &[char]) -> char {
    if !opens_after(prev) || starts_elision(next) {
        '’'
    } else {
        '‘'
    }
}

/// Tells whether the text after a leading `'` is a decade ('90s) or a
/// conventional elision ('em, 'tis).
fn starts_elision(next: &[char]) -> bool {
    if next.first().is_some_and(char::is_ascii_digit) {
        return true;
    }
    let word: String = next.iter().take_while(|c| c.is_alphabetic()).collect();
    let after = next.get(word.chars().count());
    let word_ends = after.is_none_or(|c| !c.is_alphanumeric());
    word_ends && ELIDED_WORDS.contains(&word.to_lowercase().as_str())
}

/// Escapes text for HTML and XML (`& < > " '`).
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// Finds the byte offset just after the first `<p>` (or `<p …>`) start tag.
fn first_paragraph_content_start(html: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut from = 0;
    while let Some(offset) = html[from..].find('<') {
        let lt = from + offset;
        let is_p = bytes.get(lt + 1).is_some_and(|b| b.eq_ignore_ascii_case(&b'p'))
            && bytes.get(lt + 2).is_some_and(|b| *b == b'>' || b.is_ascii_whitespace());
        if is_p {
            return html[lt..].find('>').map(|gt| lt + gt + 1);
        }
        from = lt + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_neutralised(html: &str) {
        let clean = sanitize_html(html).to_ascii_lowercase();
        for bad in
            ["<script", "javascript:", "vbscript:", "data:", "onerror", "onload", "style=", "<iframe", "<svg", "alert("]
        {
            assert!(!clean.contains(bad), "{bad:?} survived in {clean:?} from {html:?}");
        }
    }

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
    fn script_tags_are_removed_with_their_content() {
        assert_eq!(sanitize_html("<p>hi<script>alert(1)</script></p>"), "<p>hi</p>");
    }

    #[test]
    fn event_handler_attributes_are_removed() {
        let clean = sanitize_html(r#"<img src="x.jpg" onerror="alert(1)">"#);
        assert_eq!(clean, r#"<img src="x.jpg">"#);
    }

    #[test]
    fn javascript_links_are_neutralised_in_every_spelling() {
        for href in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "jav&#x09;ascript:alert(1)",
            "jav&#9;ascript:alert(1)",
            " javascript:alert(1)",
            "&#106;avascript:alert(1)",
            "java\nscript:alert(1)",
            "vbscript:msgbox(1)",
        ] {
            let html = format!("<a href=\"{href}\">x</a>");
            assert_neutralised(&html);
            assert!(sanitize_html(&html).contains(">x</a>"));
        }
    }

    #[test]
    fn images_from_other_sites_lose_their_address_and_keep_their_alt() {
        for src in [
            "https://tracker.example/p.gif",
            "http://evil.example/x.png",
            "//evil.example/x.png",
            "/\\evil.example/x.png",
            " //evil.example/x.png",
            "/media/1/x.jpg /\\evil",
        ] {
            let out = sanitize_html(&format!("<img src=\"{src}\" alt=\"A boat\">"));
            assert!(!out.contains("src="), "{src} → {out}");
            assert!(out.contains("alt=\"A boat\""), "{out}");
        }
        let own = sanitize_html(r#"<img src="/media/3/harbour-960.jpg" alt="Harbour">"#);
        assert!(own.contains(r#"src="/media/3/harbour-960.jpg""#), "{own}");
        let md = render_markdown("![x](https://tracker.example/p.gif)");
        assert!(!md.contains("tracker.example"), "{md}");
    }

    #[test]
    fn data_urls_are_removed_from_images_and_links() {
        assert_neutralised(r#"<img src="data:image/svg+xml;base64,PHN2Zz4=">"#);
        assert_neutralised(r#"<a href="data:text/html,<script>alert(1)</script>">x</a>"#);
    }

    #[test]
    fn style_attributes_and_style_tags_are_removed() {
        let clean = sanitize_html(r#"<p style="color:red">a<style>p{}</style></p>"#);
        assert_eq!(clean, "<p>a</p>");
    }

    #[test]
    fn svg_and_iframe_are_dropped_entirely() {
        assert_neutralised(r#"<svg onload="alert(1)"><circle r="1"/></svg>"#);
        assert_neutralised(r#"<iframe src="https://evil.example/"></iframe>"#);
        assert_eq!(sanitize_html("<p>a<svg><text>b</text></svg></p>"), "<p>a</p>");
    }

    #[test]
    fn comments_forms_and_objects_are_stripped() {
        let clean = sanitize_html(
            "<!-- note --><form><input name=q><button>go</button></form><object data=x></object><embed src=x><p>ok</p>",
        );
        assert_eq!(clean, "<p>ok</p>");
    }

    #[test]
    fn safe_links_keep_href_and_gain_rel() {
        let clean = sanitize_html(r#"<a href="https://example.com/a" title="t" class="x">a</a>"#);
        assert_eq!(clean, r#"<a href="https://example.com/a" title="t" rel="noopener noreferrer">a</a>"#);
        assert!(sanitize_html(r#"<a href="/news/x">x</a>"#).contains(r#"href="/news/x""#));
        assert!(sanitize_html(r#"<a href="mailto:a@b.c">x</a>"#).contains("mailto:a@b.c"));
        assert!(sanitize_html(r#"<a href="tel:+15551234">x</a>"#).contains("tel:+15551234"));
    }

    #[test]
    fn h1_in_a_body_becomes_h2() {
        assert_eq!(sanitize_html("<H1 id=x>Title</h1 >"), "<h2>Title</h2>");
        assert_eq!(render_markdown("# Title"), "<h2>Title</h2>\n");
        assert_eq!(sanitize_html("<h10>x</h10>"), "x");
    }

    #[test]
    fn code_keeps_only_language_classes() {
        let clean = sanitize_html(r#"<pre><code class="language-rust evil">x</code></pre>"#);
        assert_eq!(clean, r#"<pre><code class="language-rust">x</code></pre>"#);
        assert_eq!(sanitize_html(r#"<code class="evil">x</code>"#), "<code>x</code>");
        assert_eq!(sanitize_html(r#"<span class="dateline">x</span>"#), "<span>x</span>");
    }

    #[test]
    fn ids_survive_only_for_footnotes() {
        assert_eq!(sanitize_html(r#"<div id="main">x</div>"#), "<div>x</div>");
        let html = render_markdown("Claim.[^1]\n\n[^1]: Source.\n");
        assert!(html.contains(r##"href="#fn-1""##), "{html}");
        assert!(html.contains(r#"<div id="fn-1">"#), "{html}");
    }

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

    #[test]
    fn raw_html_in_markdown_is_sanitised() {
        let html = render_markdown("Hi <img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))");
        assert_neutralised(&html);
    }

    #[test]
    fn smarten_curls_dialogue_quotes() {
        assert_eq!(smarten(r#""Hello," she said"#), "“Hello,” she said");
    }

    #[test]
    fn smarten_turns_inner_apostrophes_to_right_quotes() {
        assert_eq!(smarten("it's"), "it’s");
        assert_eq!(smarten("don't stop"), "don’t stop");
    }

    #[test]
    fn smarten_treats_leading_decade_and_elisions_as_apostrophes() {
        assert_eq!(smarten("the '90s"), "the ’90s");
        assert_eq!(smarten("rock 'n' roll, 'tis"), "rock ’n’ roll, ’tis");
    }

    #[test]
    fn smarten_opens_and_closes_single_quotes() {
        assert_eq!(smarten("Invasion 'Very Soon'"), "Invasion ‘Very Soon’");
        assert_eq!(smarten("(\"a\") —'b'"), "(“a”) —‘b’");
    }

    #[test]
    fn smarten_leaves_existing_curly_quotes_alone() {
        assert_eq!(smarten("Could Come ‘Very Soon’"), "Could Come ‘Very Soon’");
    }

    #[test]
    fn smarten_makes_em_dashes_and_ellipses() {
        assert_eq!(smarten("Wait -- what...?"), "Wait — what…?");
        assert_eq!(smarten("Now---or never"), "Now—or never");
        assert_eq!(smarten("a-b -- c"), "a-b — c");
    }

    #[test]
    fn no_widow_joins_the_last_two_words() {
        assert_eq!(no_widow("Biden agrees to summit"), "Biden agrees to\u{a0}summit");
        assert_eq!(no_widow("Two words  "), "Two\u{a0}words  ");
    }

    #[test]
    fn no_widow_leaves_single_and_very_long_words() {
        assert_eq!(no_widow("Alone"), "Alone");
        assert_eq!(no_widow("  Alone"), "  Alone");
        assert_eq!(no_widow("The word incomprehensibilities"), "The word incomprehensibilities");
    }

    #[test]
    fn insert_dateline_starts_the_first_paragraph() {
        let html = insert_dateline("<h2>x</h2>\n<p>Biden said.</p>\n<p>More.</p>", "Washington");
        assert_eq!(html, "<h2>x</h2>\n<p><span class=\"dateline\">WASHINGTON —</span> Biden said.</p>\n<p>More.</p>");
    }

    #[test]
    fn insert_dateline_skips_pre_and_handles_paragraph_attributes() {
        let html = insert_dateline("<pre>x</pre><p class=\"a\">Text</p>", "Kyiv");
        assert_eq!(html, "<pre>x</pre><p class=\"a\"><span class=\"dateline\">KYIV —</span> Text</p>");
    }

    #[test]
    fn insert_dateline_prepends_a_paragraph_when_there_is_none() {
        let html = insert_dateline("<ul><li>a</li></ul>", " Port-au-Prince ");
        assert_eq!(html, "<p><span class=\"dateline\">PORT-AU-PRINCE —</span></p>\n<ul><li>a</li></ul>");
    }

    #[test]
    fn insert_dateline_escapes_the_place() {
        let html = insert_dateline("<p>x</p>", "<b>&co");
        assert_eq!(html, "<p><span class=\"dateline\">&lt;B&gt;&amp;CO —</span> x</p>");
    }

    #[test]
    fn insert_dateline_ignores_a_blank_place() {
        assert_eq!(insert_dateline("<p>x</p>", "  "), "<p>x</p>");
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
