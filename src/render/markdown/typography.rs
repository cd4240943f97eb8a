//! Newsroom typography on plain text and rendered HTML: curly quotes and
//! apostrophes, dashes and ellipses, no one-word last line in a headline,
//! the dateline at the head of the first paragraph, and HTML escaping.
//!
//! `smarten` and `no_widow` take and return plain text; `insert_dateline`
//! edits sanitised HTML and must add nothing but its escaped span.

/// A last word longer than this stays breakable: gluing it to its neighbour
/// would make a unit too wide for a narrow column.
const NO_WIDOW_MAX_LAST_WORD: usize = 15;

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

/// Characters after which a quote mark opens rather than closes.
fn opens_after(prev: Option<char>) -> bool {
    prev.is_none_or(|c| c.is_whitespace() || "([{—–-/“‘".contains(c))
}

/// Chooses the curly double quote for a straight one after `prev`.
fn double_quote(prev: Option<char>) -> char {
    if opens_after(prev) {
        '“'
    } else {
        '”'
    }
}

/// Words conventionally written with a leading apostrophe, not a quote.
const ELIDED_WORDS: [&str; 6] = ["em", "tis", "twas", "til", "cause", "n"];

/// Chooses the curly single quote (or apostrophe) for a straight one between `prev` and `next`.
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
