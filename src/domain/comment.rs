//! Reader comments: what a commenter may send, how it is shown, and the
//! moderation decision — all pure. The email is never part of anything shown.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{parse_email, ArticleId, FieldErrors};

/// Identifies a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CommentId(pub i64);

/// Where a comment is in moderation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentStatus {
    Pending,
    Approved,
    Spam,
    Trash,
}

impl CommentStatus {
    /// Every status, in the order the queue shows them.
    pub const ALL: [CommentStatus; 4] =
        [CommentStatus::Pending, CommentStatus::Approved, CommentStatus::Spam, CommentStatus::Trash];

    /// Returns the stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CommentStatus::Pending => "pending",
            CommentStatus::Approved => "approved",
            CommentStatus::Spam => "spam",
            CommentStatus::Trash => "trash",
        }
    }

    /// Parses a stored or submitted name.
    pub fn parse(s: &str) -> Option<CommentStatus> {
        CommentStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A stored comment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comment {
    pub id: CommentId,
    pub article_id: ArticleId,
    pub parent_id: Option<CommentId>,
    pub author_name: String,
    /// Kept for moderation and notifications only; never rendered publicly.
    #[serde(skip)]
    pub author_email: String,
    pub author_url: Option<String>,
    pub body: String,
    pub status: CommentStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Hash of the posting browser's commenter cookie.
    #[serde(skip)]
    pub visitor: Option<String>,
    /// Address it came from (for rate limits and moderation; never public).
    #[serde(skip)]
    pub ip: String,
    pub spam_score: Option<f64>,
    pub notify: bool,
    /// Set when a staff member wrote it from the admin.
    pub staff: bool,
}

/// Limits and rules from the site's discussion settings.
#[derive(Debug, Clone)]
pub struct DiscussionRules {
    pub max_chars: usize,
    pub max_links: usize,
    pub max_depth: usize,
    pub moderation_words: Vec<String>,
    pub blocklist_words: Vec<String>,
    /// Close comments on articles older than this many days (None: never).
    pub close_after_days: Option<u32>,
}

impl Default for DiscussionRules {
    fn default() -> Self {
        DiscussionRules {
            max_chars: 10_000,
            max_links: 2,
            max_depth: 5,
            moderation_words: Vec::new(),
            blocklist_words: Vec::new(),
            close_after_days: None,
        }
    }
}

/// What a commenter typed, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CommentInput {
    pub name: String,
    pub email: String,
    pub url: Option<String>,
    pub body: String,
    pub parent_id: Option<CommentId>,
    pub notify: bool,
}

/// Checks a website typed into the form: http or https only, at most 300 characters.
pub fn parse_website(raw: &str) -> Result<Option<String>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.chars().count() > 300 {
        return Err("A website address has at most 300 characters.".into());
    }
    let lower = s.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    let ok = host.is_some_and(|h| !h.is_empty() && h.contains('.') || h.starts_with("localhost"))
        && !s.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>');
    if ok {
        Ok(Some(s.to_owned()))
    } else {
        Err("Enter a website starting with http:// or https://, or leave it empty.".into())
    }
}

impl CommentInput {
    /// Checks every field; over-long input is refused, never cut.
    pub fn normalize(mut self, rules: &DiscussionRules) -> Result<CommentInput, FieldErrors> {
        let mut e = FieldErrors::default();
        self.name = super::clean_text(self.name.trim());
        if self.name.is_empty() {
            e.add("name", "Enter your name.");
        } else if self.name.chars().count() > 100 {
            e.add("name", "A name has at most 100 characters.");
        }
        match parse_email(&self.email) {
            Ok(m) => self.email = m,
            Err(m) => e.add("email", m),
        }
        match parse_website(self.url.as_deref().unwrap_or("")) {
            Ok(u) => self.url = u,
            Err(m) => e.add("url", m),
        }
        let body = super::clean_text(&self.body);
        match check_body(&body, rules.max_chars) {
            Ok(b) => self.body = b.to_owned(),
            Err(m) => {
                e.add("body", m);
                self.body = body.trim().to_owned();
            }
        }
        e.into_result().map(|()| self)
    }
}

/// Checks a comment's text: trimmed, 1 to `max` characters (longer is refused, never cut).
pub fn check_body(body: &str, max: usize) -> Result<&str, String> {
    let trimmed = body.trim();
    let n = trimmed.chars().count();
    if n == 0 {
        Err("Write a comment.".into())
    } else if n > max {
        Err(format!("A comment has at most {max} characters; this one has {n}."))
    } else {
        Ok(trimmed)
    }
}

/// Counts the links in a comment (URLs the renderer will turn into links).
pub fn count_links(text: &str) -> usize {
    text.split_whitespace().filter(|w| link_start(w).is_some()).count()
}

fn link_start(word: &str) -> Option<usize> {
    let lower = word.to_ascii_lowercase();
    ["https://", "http://", "www."].iter().filter_map(|p| lower.find(p)).min()
}

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Renders comment text as HTML: escaped, paragraphs on blank lines, line
/// breaks kept, and URLs linked with `rel="nofollow ugc noopener"`.
pub fn render_body(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        out.push_str("<p>");
        for (i, line) in para.lines().enumerate() {
            if i > 0 {
                out.push_str("<br>\n");
            }
            render_line(line, &mut out);
        }
        out.push_str("</p>\n");
    }
    out
}

fn render_line(line: &str, out: &mut String) {
    let mut first = true;
    for word in line.split(' ') {
        if !first {
            out.push(' ');
        }
        first = false;
        match link_start(word) {
            Some(at) => {
                let (before, rest) = word.split_at(at);
                let trail = rest.len() - rest.trim_end_matches(['.', ',', ')', '!', '?', ';', ':']).len();
                let (url, after) = rest.split_at(rest.len() - trail);
                escape(before, out);
                let href = if url.to_ascii_lowercase().starts_with("www.") {
                    format!("https://{url}")
                } else {
                    url.to_owned()
                };
                out.push_str("<a href=\"");
                escape(&href, out);
                out.push_str("\" rel=\"nofollow ugc noopener\">");
                escape(url, out);
                out.push_str("</a>");
                escape(after, out);
            }
            None => escape(word, out),
        }
    }
}

/// Facts about a new comment that moderation weighs.
#[derive(Debug, Clone)]
pub struct Screening<'a> {
    pub input: &'a CommentInput,
    /// The posting browser carries the cookie of a browser whose comment with
    /// this email was approved before.
    pub trusted_browser: bool,
    /// The spam model's probability that this is spam (0–1), if it has learned enough.
    pub spam_probability: Option<f64>,
    pub rules: &'a DiscussionRules,
}

/// The moderation decision and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub status: CommentStatus,
    pub reason: String,
}

fn contains_word(text: &str, words: &[String]) -> Option<String> {
    let lower = text.to_lowercase();
    words.iter().map(|w| w.trim().to_lowercase()).find(|w| !w.is_empty() && lower.contains(w.as_str()))
}

/// Decides where a new comment goes: spam, held for a moderator, or published.
///
/// Only a browser that proved itself (its earlier comment with this email was
/// approved) is published straight away; an email address alone proves
/// nothing, since anyone can type a regular's address.
pub fn screen(s: &Screening<'_>) -> Decision {
    let text = format!("{} {} {} {}", s.input.name, s.input.email, s.input.url.as_deref().unwrap_or(""), s.input.body);
    let d = |status, reason: String| Decision { status, reason };
    if let Some(w) = contains_word(&text, &s.rules.blocklist_words) {
        return d(CommentStatus::Spam, format!("contains the blocked word “{w}”"));
    }
    if let Some(p) = s.spam_probability.filter(|p| *p >= 0.95) {
        return d(CommentStatus::Spam, format!("spam model: {:.0}% spam", p * 100.0));
    }
    let links = count_links(&s.input.body);
    if links > s.rules.max_links {
        return d(CommentStatus::Pending, format!("{links} links (more than {})", s.rules.max_links));
    }
    if let Some(w) = contains_word(&text, &s.rules.moderation_words) {
        return d(CommentStatus::Pending, format!("contains the moderation word “{w}”"));
    }
    if let Some(p) = s.spam_probability.filter(|p| *p >= 0.5) {
        return d(CommentStatus::Pending, format!("spam model: {:.0}% spam", p * 100.0));
    }
    if !s.trusted_browser {
        return d(CommentStatus::Pending, "first comment from this browser with this email".into());
    }
    d(CommentStatus::Approved, "known commenter in a browser they used before".into())
}

/// Tells whether comments on an article may be posted at `now`.
pub fn comments_open(
    open: bool,
    published_at: Option<DateTime<Utc>>,
    rules: &DiscussionRules,
    now: DateTime<Utc>,
) -> bool {
    let too_old = match (rules.close_after_days, published_at) {
        (Some(days), Some(p)) => now - p > chrono::Duration::days(i64::from(days)),
        _ => false,
    };
    open && !too_old
}

/// A comment in its thread, with its replies.
#[derive(Debug, Clone, Serialize)]
pub struct ThreadNode<T> {
    pub item: T,
    pub depth: usize,
    pub replies: Vec<ThreadNode<T>>,
}

/// Nests comments under their parents, oldest first; replies deeper than
/// `max_depth` are attached at the deepest level so nothing is ever hidden.
pub fn build_threads<T: Clone>(
    items: &[T],
    id: impl Fn(&T) -> i64,
    parent: impl Fn(&T) -> Option<i64>,
    max_depth: usize,
) -> Vec<ThreadNode<T>> {
    use std::collections::{HashMap, HashSet};
    let ids: HashSet<i64> = items.iter().map(&id).collect();
    let mut children: HashMap<Option<i64>, Vec<&T>> = HashMap::new();
    for it in items {
        let p = parent(it).filter(|p| ids.contains(p));
        children.entry(p).or_default().push(it);
    }
    fn grow<T: Clone>(
        at: Option<i64>,
        depth: usize,
        max: usize,
        children: &HashMap<Option<i64>, Vec<&T>>,
        id: &dyn Fn(&T) -> i64,
        out: &mut Vec<ThreadNode<T>>,
    ) {
        for it in children.get(&at).map(Vec::as_slice).unwrap_or(&[]) {
            let mut node = ThreadNode { item: (*it).clone(), depth, replies: Vec::new() };
            if depth + 1 < max {
                grow(Some(id(it)), depth + 1, max, children, id, &mut node.replies);
                out.push(node);
            } else {
                out.push(node);
                // At the depth limit, later replies continue at this level.
                grow(Some(id(it)), depth, max, children, id, out);
            }
        }
    }
    let mut out = Vec::new();
    grow(None, 0, max_depth.max(1), &children, &id, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(body: &str) -> CommentInput {
        CommentInput {
            name: "Ann".into(),
            email: "ann@example.org".into(),
            url: None,
            body: body.into(),
            parent_id: None,
            notify: false,
        }
    }

    #[test]
    fn over_long_comments_are_refused_not_cut() {
        let rules = DiscussionRules { max_chars: 10, ..Default::default() };
        let e = input("x".repeat(11).as_str()).normalize(&rules).unwrap_err();
        assert!(e.0["body"].contains("at most 10"));
        assert_eq!(input("0123456789").normalize(&rules).unwrap().body, "0123456789");
    }

    #[test]
    fn every_field_is_checked_at_once() {
        let e = CommentInput {
            name: " ".into(),
            email: "nope".into(),
            url: Some("javascript:alert(1)".into()),
            body: "".into(),
            parent_id: None,
            notify: false,
        }
        .normalize(&DiscussionRules::default())
        .unwrap_err();
        for f in ["name", "email", "url", "body"] {
            assert!(e.0.contains_key(f), "{f}");
        }
    }

    #[test]
    fn websites_must_be_http_or_https() {
        assert_eq!(parse_website("https://ann.example/blog").unwrap().as_deref(), Some("https://ann.example/blog"));
        assert_eq!(parse_website("").unwrap(), None);
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "ftp://x.org",
            "http://",
            "https://a b.org",
            "http://x.org/\"><script>",
        ] {
            assert!(parse_website(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bodies_render_escaped_with_paragraphs_and_nofollow_links() {
        let html = render_body("Hi <b>there</b> & see https://x.org/a?b=1&c=2.\nNext line\n\nwww.example.org");
        assert_eq!(
            html,
            "<p>Hi &lt;b&gt;there&lt;/b&gt; &amp; see <a href=\"https://x.org/a?b=1&amp;c=2\" rel=\"nofollow ugc noopener\">https://x.org/a?b=1&amp;c=2</a>.<br>\nNext line</p>\n<p><a href=\"https://www.example.org\" rel=\"nofollow ugc noopener\">www.example.org</a></p>\n"
        );
        assert!(!render_body("javascript:alert(1) \"onmouseover=x").contains("href"));
    }

    #[test]
    fn an_email_alone_never_publishes_a_comment() {
        let rules = DiscussionRules::default();
        let i = input("Nice piece.");
        let s = Screening { input: &i, trusted_browser: false, spam_probability: None, rules: &rules };
        assert_eq!(screen(&s).status, CommentStatus::Pending);
        let s = Screening { trusted_browser: true, ..s };
        assert_eq!(screen(&s).status, CommentStatus::Approved);
    }

    #[test]
    fn links_words_and_the_spam_model_hold_or_reject() {
        let rules = DiscussionRules {
            moderation_words: vec!["casino".into()],
            blocklist_words: vec!["viagra".into()],
            ..Default::default()
        };
        let check = |body: &str, p: Option<f64>| {
            let i = input(body);
            screen(&Screening { input: &i, trusted_browser: true, spam_probability: p, rules: &rules }).status
        };
        assert_eq!(check("a http://a.org b http://b.org c http://c.org", None), CommentStatus::Pending);
        assert_eq!(check("two links http://a.org http://b.org", None), CommentStatus::Approved);
        assert_eq!(check("visit the Casino", None), CommentStatus::Pending);
        assert_eq!(check("cheap VIAGRA", None), CommentStatus::Spam);
        assert_eq!(check("hello", Some(0.99)), CommentStatus::Spam);
        assert_eq!(check("hello", Some(0.7)), CommentStatus::Pending);
        assert_eq!(check("hello", Some(0.1)), CommentStatus::Approved);
    }

    #[test]
    fn threads_nest_to_the_depth_limit_and_keep_deeper_replies() {
        // 1 <- 2 <- 3 <- 4, plus 5 top-level
        let items = vec![(1, None), (2, Some(1)), (3, Some(2)), (4, Some(3)), (5, None)];
        let t = build_threads(&items, |x| x.0, |x| x.1, 2);
        assert_eq!(t.len(), 2);
        let flat: Vec<i64> = t[0].replies.iter().map(|n| n.item.0).collect();
        assert_eq!(flat, [2, 3, 4], "replies below the limit continue at depth 1");
        assert!(t[0].replies.iter().all(|n| n.depth == 1 && n.replies.is_empty()));
        let deep = build_threads(&items, |x| x.0, |x| x.1, 5);
        assert_eq!(deep[0].replies[0].replies[0].replies[0].item.0, 4);
    }

    #[test]
    fn comments_close_after_the_configured_age() {
        let now = Utc::now();
        let rules = DiscussionRules { close_after_days: Some(30), ..Default::default() };
        assert!(comments_open(true, Some(now - chrono::Duration::days(3)), &rules, now));
        assert!(!comments_open(true, Some(now - chrono::Duration::days(31)), &rules, now));
        assert!(!comments_open(false, Some(now), &rules, now));
    }
}
