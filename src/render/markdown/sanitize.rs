//! The one sanitising path of Dateline: an explicit ammonia allowlist of tags
//! and attributes, with `<h1>` demoted to `<h2>` first.
//!
//! Every piece of article HTML a reader receives has been through here, so it
//! must never let through markup that can run script or make the reader's
//! browser fetch from another site; the tests below pin that down.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::Builder;

use super::FOOTNOTE_ID_PREFIX;

/// Sanitises HTML from any user or import source: the single sanitising
/// path of Dateline (ammonia with an explicit allowlist). `<h1>` becomes
/// `<h2>`; disallowed tags are unwrapped to their text, and dangerous ones
/// (script, style, iframe, svg, forms, …) are dropped with their content.
#[must_use]
pub fn sanitize_html(html: &str) -> String {
    SANITIZER.clean(&demote_h1(html)).to_string()
}

/// Holds the allowlist, built on first use and shared by every call.
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

/// Lists the tags kept (with their allowed attributes); any other tag is unwrapped to its text.
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

/// Lists the attributes kept, per tag; every other attribute is dropped.
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

/// Keeps only the `language-*` classes of a code element; none left drops the attribute.
fn language_classes(value: &str) -> Option<String> {
    let kept: Vec<&str> = value.split_ascii_whitespace().filter(|class| is_language_class(class)).collect();
    (!kept.is_empty()).then(|| kept.join(" "))
}

fn is_language_class(class: &str) -> bool {
    class.strip_prefix("language-").is_some_and(|lang| {
        !lang.is_empty() && lang.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '#' | '.'))
    })
}

/// Tells whether an id is one of the namespaced footnote ids.
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

/// Tells whether `h1` (any case) is the whole tag name at `at`, so `<h10>` and `<header>` are left alone.
fn is_h1_name(bytes: &[u8], at: usize) -> bool {
    let name_matches = bytes.get(at).is_some_and(|b| b.eq_ignore_ascii_case(&b'h')) && bytes.get(at + 1) == Some(&b'1');
    let ends_name = bytes.get(at + 2).is_none_or(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/'));
    name_matches && ends_name
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::markdown::render_markdown;

    fn assert_neutralised(html: &str) {
        let clean = sanitize_html(html).to_ascii_lowercase();
        for bad in
            ["<script", "javascript:", "vbscript:", "data:", "onerror", "onload", "style=", "<iframe", "<svg", "alert("]
        {
            assert!(!clean.contains(bad), "{bad:?} survived in {clean:?} from {html:?}");
        }
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
    fn raw_html_in_markdown_is_sanitised() {
        let html = render_markdown("Hi <img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))");
        assert_neutralised(&html);
    }
}
