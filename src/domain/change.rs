//! What a change touched: the keys of the content it changed, so that every
//! cache holding a page built from that content (this node's, the other
//! nodes', an edge cache in front) can drop exactly those pages.
//!
//! A service writes its [`Notice`] in the same transaction as the change;
//! nothing here knows how the notice travels.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{Article, ArticleId};

/// Names one thing pages are built from. Keys are short ASCII words, so a
/// page's keys fit a `Surrogate-Key` or `xkey` header as they are.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Key(String);

impl Key {
    /// Everything: a page built from something no narrower key names.
    pub fn all() -> Key {
        Key("all".into())
    }
    /// One article or page: its own page, and every page that shows its headline.
    pub fn article(id: ArticleId) -> Key {
        Key(format!("a{}", id.0))
    }
    /// The list of a section.
    pub fn section(slug: &str) -> Key {
        Key(format!("s-{}", safe(slug)))
    }
    /// The list of a tag.
    pub fn tag(slug: &str) -> Key {
        Key(format!("t-{}", safe(slug)))
    }
    /// The list of an author's bylines.
    pub fn author(slug: &str) -> Key {
        Key(format!("p-{}", safe(slug)))
    }
    /// An entity's page and timeline.
    pub fn entity(id: i64) -> Key {
        Key(format!("e{id}"))
    }
    /// Lists of every public article: the front page, date archives, feeds and sitemaps.
    pub fn lists() -> Key {
        Key("lists".into())
    }
    /// What every page shows around its content: the site's name and settings.
    pub fn site() -> Key {
        Key("site".into())
    }
    /// The site's menus: its sections with public stories and its pages.
    pub fn nav() -> Key {
        Key("nav".into())
    }
    /// A story's live coverage (its entries and their stream).
    pub fn live(id: ArticleId) -> Key {
        Key(format!("live{}", id.0))
    }
    /// One entry of a live story.
    pub fn entry(id: i64) -> Key {
        Key(format!("le{id}"))
    }
    /// The site-wide breaking-news banner.
    pub fn banner() -> Key {
        Key("banner".into())
    }
    /// Named by every page an edge cache holds that no narrower key covers:
    /// every purge names it too.
    pub fn any() -> Key {
        Key("any".into())
    }
    /// Reads a key back from its text (as stored or sent between nodes).
    pub fn parse(s: &str) -> Option<Key> {
        let ok = !s.is_empty() && s.len() <= 120 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        ok.then(|| Key(s.to_owned()))
    }
    /// The story whose live coverage this key names, if it is a live key.
    pub fn live_story(&self) -> Option<ArticleId> {
        self.0.strip_prefix("live").and_then(|n| n.parse().ok()).map(ArticleId)
    }
    /// The live entry this key names, if it is an entry key.
    pub fn live_entry(&self) -> Option<i64> {
        self.0.strip_prefix("le").and_then(|n| n.parse().ok())
    }
    /// Returns the key's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Keeps what a key may hold: slugs are already lower-case ASCII and hyphens,
/// anything else (an imported slug) is reduced to that.
fn safe(slug: &str) -> String {
    let s: String = slug.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(100).collect();
    if s.is_empty() {
        "x".into()
    } else {
        s.to_ascii_lowercase()
    }
}

/// A committed change: the keys it touched.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub keys: BTreeSet<Key>,
    /// What readers saw must not be shown again, not even while a fresh copy
    /// renders (a story unpublished or corrected): caches drop the pages
    /// instead of keeping them as stale copies.
    #[serde(default)]
    pub hard: bool,
}

impl Notice {
    /// A change to what every page shows.
    pub fn everything() -> Notice {
        Notice::of([Key::all()])
    }

    /// A change to these keys.
    pub fn of(keys: impl IntoIterator<Item = Key>) -> Notice {
        Notice { keys: keys.into_iter().collect(), hard: false }
    }

    /// The same change, made hard.
    #[must_use]
    pub fn hard(mut self) -> Notice {
        self.hard = true;
        self
    }

    /// A change to an article as readers could see it: its page and every list it is in.
    pub fn article(a: &Article) -> Notice {
        let mut n = Notice::of([Key::article(a.id), Key::lists()]);
        n.keys.extend(a.section.iter().map(|s| Key::section(&s.slug)));
        n.keys.extend(a.tags.iter().map(|t| Key::tag(&t.slug)));
        n.keys.extend(a.authors.iter().map(|p| Key::author(&p.slug)));
        n
    }

    /// Adds another change's keys.
    pub fn merge(&mut self, other: &Notice) {
        self.keys.extend(other.keys.iter().cloned());
        self.hard |= other.hard;
    }

    /// Tells whether the change touches everything.
    pub fn is_everything(&self) -> bool {
        self.keys.contains(&Key::all())
    }

    /// The keys as one line of space-separated words, a hard change marked
    /// by a leading `!` (as stored in the change log).
    pub fn to_line(&self) -> String {
        let keys = self.keys.iter().map(Key::as_str).collect::<Vec<_>>().join(" ");
        if self.hard {
            format!("! {keys}")
        } else {
            keys
        }
    }

    /// Reads a line written by [`Notice::to_line`]; a word that is no key makes it touch everything.
    pub fn from_line(line: &str) -> Notice {
        let mut n = Notice::default();
        let line = match line.strip_prefix('!') {
            Some(rest) => {
                n.hard = true;
                rest
            }
            None => line,
        };
        for w in line.split_ascii_whitespace() {
            match Key::parse(w) {
                Some(k) => {
                    n.keys.insert(k);
                }
                None => return Notice::everything(),
            }
        }
        if n.keys.is_empty() {
            return Notice { hard: n.hard, ..Notice::everything() };
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_keys_name_their_story_and_entry() {
        assert_eq!(Key::live(ArticleId(12)).live_story(), Some(ArticleId(12)));
        assert_eq!(Key::entry(7).live_entry(), Some(7));
        assert_eq!(Key::lists().live_story(), None);
        assert_eq!(Key::article(ArticleId(3)).live_entry(), None);
    }

    #[test]
    fn keys_are_header_words_whatever_the_slug() {
        assert_eq!(Key::section("world").as_str(), "s-world");
        assert_eq!(Key::tag("Ünïcode tag!").as_str(), "t-ncodetag");
        assert_eq!(Key::author("").as_str(), "p-x");
        assert!(Key::parse("a12").is_some());
        assert!(Key::parse("a 12").is_none());
    }

    #[test]
    fn a_notice_survives_its_line_and_bad_lines_mean_everything() {
        let n = Notice::of([Key::article(ArticleId(7)), Key::section("world"), Key::lists()]);
        assert_eq!(Notice::from_line(&n.to_line()), n);
        let hard = n.clone().hard();
        assert_eq!(Notice::from_line(&hard.to_line()), hard);
        assert!(Notice::from_line("a7 <script>").is_everything());
        assert!(Notice::from_line("").is_everything());
    }
}
