//! WordPress post content to Dateline's HTML: Gutenberg's block comments
//! dropped, the `[caption]`, `[gallery]` and `[embed]` shortcodes turned into
//! plain HTML, WordPress's paragraph rules applied (a blank line makes a
//! paragraph, a single line break a `<br>`), then the one sanitiser.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

static BLOCK_COMMENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<!--\s*/?wp:[^>]*?-->").unwrap());
static CAPTION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)\[caption([^\]]*)\](.*?)\[/caption\]").unwrap());
static CAPTION_ATTR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"caption="([^"]*)""#).unwrap());
static GALLERY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[gallery([^\]]*)\]").unwrap());
static IDS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"ids="([0-9,\s]*)""#).unwrap());
static EMBED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)\[embed[^\]]*\](.*?)\[/embed\]").unwrap());
/// A URL alone on its line: WordPress turns it into an embed.
static BARE_URL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?m)^\s*(https?://[^\s<>]+)\s*$").unwrap());
static PRE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?is)<pre[\s>].*?</pre>").unwrap());
static OTHER_SHORTCODE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[/?([a-z_][a-z0-9_-]*)[^\]]*\]").unwrap());

/// Turns HTML text (WordPress keeps titles, excerpts and term names as HTML:
/// `Media &amp; Text`) into plain text, once.
pub fn decode(html: &str) -> String {
    html_escape::decode_html_entities(html).into_owned()
}

/// Tags that start a block: a chunk starting with one is not wrapped in `<p>`.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "dd",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "ul",
    "iframe",
    "object",
    "video",
    "audio",
    "math",
    "style",
    "script",
    "select",
    "option",
    "map",
    "area",
    "legend",
    "caption",
    "col",
    "colgroup",
    "noscript",
];

/// What the conversion met that a person should know about.
#[derive(Debug, Default)]
pub struct Notes {
    /// Shortcodes left as text, by name.
    pub unknown_shortcodes: Vec<String>,
}

use crate::render::markdown::escape_text as escape;

fn starts_block(chunk: &str) -> bool {
    let Some(rest) = chunk.strip_prefix('<') else { return false };
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let name: String = rest.chars().take_while(char::is_ascii_alphanumeric).collect::<String>().to_lowercase();
    BLOCK_TAGS.contains(&name.as_str())
}

/// WordPress's paragraph rules, in their common form: chunks separated by
/// blank lines become paragraphs unless they start with a block tag, and
/// single line breaks inside a paragraph become `<br>`. `<pre>` is left alone.
pub fn autop(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut kept = Vec::new();
    let text = PRE
        .replace_all(&text, |c: &regex::Captures<'_>| {
            kept.push(c[0].to_owned());
            format!("\n\n\u{E010}{}\u{E011}\n\n", kept.len() - 1)
        })
        .into_owned();
    let mut out = String::with_capacity(text.len() + 64);
    for chunk in text.split("\n\n").map(str::trim).filter(|c| !c.is_empty()) {
        if let Some(n) = chunk.strip_prefix('\u{E010}').and_then(|c| c.strip_suffix('\u{E011}')) {
            out.push_str(n.parse::<usize>().ok().and_then(|i| kept.get(i)).map_or("", String::as_str));
        } else if starts_block(chunk) {
            out.push_str(chunk);
        } else {
            out.push_str("<p>");
            out.push_str(&chunk.replace('\n', "<br>\n"));
            out.push_str("</p>");
        }
        out.push('\n');
    }
    out
}

/// Converts post content. `attachments` maps attachment ids to their URLs (for galleries).
pub fn to_html(content: &str, attachments: &HashMap<i64, String>, notes: &mut Notes) -> String {
    let text = BLOCK_COMMENT.replace_all(content, "");
    let text = CAPTION.replace_all(&text, |c: &regex::Captures<'_>| {
        let inner = c[2].trim();
        // The caption is the text after the image (or the caption="" attribute).
        let (media, caption) = match inner.rfind('>') {
            Some(i) => (&inner[..=i], inner[i + 1..].trim().to_owned()),
            None => ("", inner.to_owned()),
        };
        let caption = if caption.is_empty() {
            CAPTION_ATTR.captures(&c[1]).map(|a| a[1].to_owned()).unwrap_or_default()
        } else {
            caption
        };
        format!("<figure>{media}<figcaption>{caption}</figcaption></figure>")
    });
    let text = GALLERY.replace_all(&text, |c: &regex::Captures<'_>| {
        let ids: Vec<i64> = IDS
            .captures(&c[1])
            .map(|m| m[1].split(',').filter_map(|s| s.trim().parse().ok()).collect())
            .unwrap_or_default();
        let items: Vec<String> = ids
            .iter()
            .filter_map(|id| attachments.get(id))
            .map(|url| format!("<li><a href=\"{0}\">{0}</a></li>", escape(url)))
            .collect();
        if items.is_empty() {
            String::new()
        } else {
            format!("<ul class=\"gallery\">{}</ul>", items.join(""))
        }
    });
    // An embed becomes a link: readers load nothing from another site.
    let link = |url: &str| {
        let url = url.trim();
        format!("\n\n<p><a href=\"{0}\">{0}</a></p>\n\n", escape(url))
    };
    let text = EMBED.replace_all(&text, |c: &regex::Captures<'_>| link(&c[1]));
    let text = BARE_URL.replace_all(&text, |c: &regex::Captures<'_>| link(&c[1]));
    for c in OTHER_SHORTCODE.captures_iter(&text) {
        let name = c[1].to_owned();
        if !notes.unknown_shortcodes.contains(&name) {
            notes.unknown_shortcodes.push(name);
        }
    }
    crate::render::markdown::sanitize_html(&autop(&text))
}

static BREAK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)<br\s*/?>").unwrap());
static PARA_END: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)</p\s*>").unwrap());

/// A WordPress comment (a little HTML) as the plain text Dateline stores for
/// comments: breaks and paragraphs kept as line breaks, tags dropped.
pub fn comment_text(html: &str) -> String {
    let s = html.replace("\r\n", "\n");
    let s = BREAK.replace_all(&s, "\n");
    let s = PARA_END.replace_all(&s, "\n\n");
    let text = crate::render::markdown::strip_tags(&s);
    let mut out = String::new();
    for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(para);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(s: &str) -> String {
        to_html(s, &HashMap::from([(5, "https://old.example/a.jpg".to_owned())]), &mut Notes::default())
    }

    #[test]
    fn blank_lines_make_paragraphs_and_single_breaks_br() {
        assert_eq!(autop("One\ntwo\n\nThree"), "<p>One<br>\ntwo</p>\n<p>Three</p>\n");
        assert_eq!(autop("<ul>\n<li>a</li>\n</ul>\n\nText"), "<ul>\n<li>a</li>\n</ul>\n<p>Text</p>\n");
        assert_eq!(autop("<pre>a\n\nb</pre>"), "<pre>a\n\nb</pre>\n");
    }

    #[test]
    fn captions_become_figures() {
        let out = html(
            r#"[caption id="a" align="alignnone" width="300"]<img src="https://old.example/x.jpg" alt="A boat"> The harbour at dawn[/caption]"#,
        );
        // The image stays on the old host until `--media` brings it over, and
        // readers load nothing from another host: it keeps its alt text only.
        assert!(
            out.contains("<figure><img alt=\"A boat\"><figcaption>The harbour at dawn</figcaption></figure>"),
            "{out}"
        );
    }

    #[test]
    fn blocks_lose_their_comments_and_embeds_become_links() {
        let out = html("<!-- wp:paragraph -->\n<p>Hi</p>\n<!-- /wp:paragraph -->\n\nhttps://www.youtube.com/watch?v=x\n\n[gallery ids=\"5,6\"]");
        assert!(!out.contains("wp:paragraph") && out.contains("<p>Hi</p>"), "{out}");
        assert!(out.contains("<a href=\"https://www.youtube.com/watch?v=x\""), "{out}");
        assert!(!out.contains("<iframe"));
        assert!(out.contains("https://old.example/a.jpg"), "{out}");
    }

    #[test]
    fn script_is_sanitised_away() {
        let out = html("<p onclick=\"x()\">Hi</p><script>alert(1)</script>");
        assert!(!out.contains("onclick") && !out.contains("<script"), "{out}");
    }
}
