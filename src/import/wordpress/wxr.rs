//! A streaming reader of WordPress eXtended RSS (WXR 1.0–1.2): one author,
//! term or item at a time, so memory stays bounded however large the file.
//!
//! Entities are never expanded beyond XML's five and numeric references: a
//! DOCTYPE's own entities (external ones, or the nested ones of an "entity
//! bomb") are refused, so the file cannot make us fetch or grow anything.

use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// An author of the old site.
#[derive(Debug, Clone, Default)]
pub struct WpAuthor {
    pub login: String,
    pub email: String,
    pub display_name: String,
}

/// A category or a tag.
#[derive(Debug, Clone, Default)]
pub struct WpTerm {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// The parent category's slug.
    pub parent: String,
}

/// A comment on an item.
#[derive(Debug, Clone, Default)]
pub struct WpComment {
    pub id: i64,
    pub author: String,
    pub email: String,
    pub url: String,
    pub ip: String,
    /// `YYYY-MM-DD HH:MM:SS` in UTC (or all zeros).
    pub date_gmt: String,
    pub date: String,
    pub content: String,
    /// `1`, `0`, `spam` or `trash`.
    pub approved: String,
    /// Empty for a comment; `pingback` or `trackback` otherwise.
    pub kind: String,
    pub parent: i64,
}

/// A post, page, attachment or anything else WordPress stores as a post.
#[derive(Debug, Clone, Default)]
pub struct WpItem {
    pub title: String,
    pub link: String,
    pub creator: String,
    pub guid: String,
    pub content: String,
    pub excerpt: String,
    pub id: i64,
    pub date: String,
    pub date_gmt: String,
    pub comment_status: String,
    pub name: String,
    pub status: String,
    pub parent: i64,
    pub menu_order: i64,
    pub post_type: String,
    pub password: String,
    pub sticky: bool,
    pub attachment_url: String,
    /// `(domain, nicename, name)`: domain is `category` or `post_tag`.
    pub terms: Vec<(String, String, String)>,
    pub meta: Vec<(String, String)>,
    pub comments: Vec<WpComment>,
}

impl WpItem {
    /// The value of a post meta key.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// One thing read from the file.
#[derive(Debug, Clone)]
pub enum Entry {
    Author(WpAuthor),
    Category(WpTerm),
    Tag(WpTerm),
    Item(Box<WpItem>),
}

/// Why a file cannot be read, and where (in bytes; see `locate`).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct WxrError {
    pub offset: u64,
    pub message: String,
}

/// The streaming reader.
pub struct WxrReader<R: BufRead> {
    reader: Reader<R>,
    buf: Vec<u8>,
    /// Open elements, by qualified name.
    path: Vec<String>,
    text: String,
    author: WpAuthor,
    term: WpTerm,
    item: WpItem,
    comment: WpComment,
    meta_key: String,
    /// The category element's attributes (domain, nicename) inside an item.
    item_term: (String, String),
    /// The old site's address (`wp:base_blog_url`).
    pub base_url: String,
    /// The old site's own address (`wp:base_site_url`; a network's main site for a sub-site).
    pub base_site_url: String,
    /// The site's name and tagline (the channel's title and description).
    pub title: String,
    pub description: String,
    /// The site's time zone, when the file names it (Dateline's exports do).
    pub timezone: String,
    pub version: String,
    seen_rss: bool,
}

fn parse_i64(s: &str) -> i64 {
    s.trim().parse().unwrap_or(0)
}

impl<R: BufRead> WxrReader<R> {
    pub fn new(input: R) -> WxrReader<R> {
        let mut reader = Reader::from_reader(input);
        reader.config_mut().check_end_names = true;
        WxrReader {
            reader,
            buf: Vec::new(),
            path: Vec::new(),
            text: String::new(),
            author: WpAuthor::default(),
            term: WpTerm::default(),
            item: WpItem::default(),
            comment: WpComment::default(),
            meta_key: String::new(),
            item_term: (String::new(), String::new()),
            base_url: String::new(),
            base_site_url: String::new(),
            title: String::new(),
            description: String::new(),
            timezone: String::new(),
            version: String::new(),
            seen_rss: false,
        }
    }

    fn error(&self, message: impl Into<String>) -> WxrError {
        WxrError { offset: self.reader.buffer_position(), message: message.into() }
    }

    fn in_item(&self) -> bool {
        self.path.iter().any(|p| p == "item")
    }

    fn start(&mut self, e: &BytesStart<'_>) -> Result<(), WxrError> {
        let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        if self.path.is_empty() {
            if name != "rss" {
                return Err(self.error(format!("this is not a WordPress export: it starts with <{name}>, not <rss>")));
            }
            self.seen_rss = true;
        }
        match name.as_str() {
            "item" => self.item = WpItem::default(),
            "wp:author" => self.author = WpAuthor::default(),
            "wp:category" | "wp:tag" => self.term = WpTerm::default(),
            "wp:comment" => self.comment = WpComment::default(),
            "category" if self.in_item() => {
                let mut domain = String::new();
                let mut nicename = String::new();
                for a in e.attributes().flatten() {
                    let v = a.unescape_value().map(|v| v.into_owned()).unwrap_or_default();
                    match a.key.as_ref() {
                        b"domain" => domain = v,
                        b"nicename" => nicename = v,
                        _ => {}
                    }
                }
                self.item_term = (domain, nicename);
            }
            _ => {}
        }
        self.path.push(name);
        self.text.clear();
        Ok(())
    }

    /// Ends the innermost element; returns an entry when one is complete.
    fn end(&mut self) -> Option<Entry> {
        let name = self.path.pop().unwrap_or_default();
        let parent = self.path.last().map(String::as_str).unwrap_or("");
        let text = std::mem::take(&mut self.text);
        let t = text.trim().to_owned();
        match (parent, name.as_str()) {
            ("channel", "wp:wxr_version") => self.version = t,
            ("channel", "wp:base_blog_url") => self.base_url = t,
            ("channel", "wp:base_site_url") => self.base_site_url = t,
            ("channel", "title") => self.title = t,
            ("channel", "description") => self.description = t,
            ("channel", "dateline:timezone") => self.timezone = t,
            ("channel", "wp:author") => return Some(Entry::Author(std::mem::take(&mut self.author))),
            ("channel", "wp:category") => return Some(Entry::Category(std::mem::take(&mut self.term))),
            ("channel", "wp:tag") => return Some(Entry::Tag(std::mem::take(&mut self.term))),
            ("channel", "item") => return Some(Entry::Item(Box::new(std::mem::take(&mut self.item)))),
            ("wp:author", n) => match n {
                "wp:author_login" => self.author.login = t,
                "wp:author_email" => self.author.email = t,
                "wp:author_display_name" => self.author.display_name = t,
                _ => {}
            },
            ("wp:category" | "wp:tag", n) => match n {
                "wp:term_id" => self.term.id = parse_i64(&t),
                "wp:category_nicename" | "wp:tag_slug" => self.term.slug = t,
                "wp:cat_name" | "wp:tag_name" => self.term.name = t,
                "wp:category_parent" => self.term.parent = t,
                _ => {}
            },
            ("item", n) => {
                let i = &mut self.item;
                match n {
                    "title" => i.title = t,
                    "link" => i.link = t,
                    "dc:creator" => i.creator = t,
                    "guid" => i.guid = t,
                    "content:encoded" => i.content = text,
                    "excerpt:encoded" => i.excerpt = t,
                    "wp:post_id" => i.id = parse_i64(&t),
                    "wp:post_date" => i.date = t,
                    "wp:post_date_gmt" => i.date_gmt = t,
                    "wp:comment_status" => i.comment_status = t,
                    "wp:post_name" => i.name = t,
                    "wp:status" => i.status = t,
                    "wp:post_parent" => i.parent = parse_i64(&t),
                    "wp:menu_order" => i.menu_order = parse_i64(&t),
                    "wp:post_type" => i.post_type = t,
                    "wp:post_password" => i.password = t,
                    "wp:is_sticky" => i.sticky = t == "1",
                    "wp:attachment_url" => i.attachment_url = t,
                    "category" => {
                        let (domain, nicename) = std::mem::take(&mut self.item_term);
                        i.terms.push((domain, nicename, t));
                    }
                    "wp:comment" => i.comments.push(std::mem::take(&mut self.comment)),
                    _ => {}
                }
            }
            ("wp:postmeta", "wp:meta_key") => self.meta_key = t,
            ("wp:postmeta", "wp:meta_value") => {
                let key = std::mem::take(&mut self.meta_key);
                self.item.meta.push((key, text));
            }
            ("wp:comment", n) => {
                let c = &mut self.comment;
                match n {
                    "wp:comment_id" => c.id = parse_i64(&t),
                    "wp:comment_author" => c.author = t,
                    "wp:comment_author_email" => c.email = t,
                    "wp:comment_author_url" => c.url = t,
                    "wp:comment_author_IP" => c.ip = t,
                    "wp:comment_date" => c.date = t,
                    "wp:comment_date_gmt" => c.date_gmt = t,
                    "wp:comment_content" => c.content = text,
                    "wp:comment_approved" => c.approved = t,
                    "wp:comment_type" => c.kind = t,
                    "wp:comment_parent" => c.parent = parse_i64(&t),
                    _ => {}
                }
            }
            _ => {}
        }
        None
    }

    /// Reads the next author, term or item; `None` at the end of a complete file.
    pub fn next_entry(&mut self) -> Result<Option<Entry>, WxrError> {
        loop {
            self.buf.clear();
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(e) => e.into_owned(),
                Err(e) => {
                    let cut = if e.to_string().contains("end of input") { ": the file was cut short" } else { "" };
                    return Err(self.error(format!("the XML is broken: {e}{cut}")));
                }
            };
            match event {
                Event::Start(e) => self.start(&e)?,
                Event::Empty(e) => {
                    self.start(&e)?;
                    if let Some(entry) = self.end() {
                        return Ok(Some(entry));
                    }
                }
                Event::End(_) => {
                    if let Some(entry) = self.end() {
                        return Ok(Some(entry));
                    }
                }
                Event::Text(t) => {
                    let s = t.decode().map_err(|e| self.error(format!("text is not UTF-8: {e}")))?;
                    self.text.push_str(&s);
                }
                Event::CData(c) => {
                    let s = std::str::from_utf8(&c).map_err(|e| self.error(format!("text is not UTF-8: {e}")))?;
                    self.text.push_str(s);
                }
                Event::GeneralRef(r) => {
                    if let Ok(Some(ch)) = r.resolve_char_ref() {
                        self.text.push(ch);
                        continue;
                    }
                    let name = String::from_utf8_lossy(&r).into_owned();
                    match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(s) => self.text.push_str(s),
                        None => {
                            return Err(self.error(format!(
                            "the entity &{name}; is not one of XML's own; entities a file declares are never expanded"
                        )))
                        }
                    }
                }
                Event::DocType(_) => {
                    return Err(self.error(
                        "the file declares a DOCTYPE; WordPress exports have none, and its entities are never expanded",
                    ));
                }
                Event::Eof => {
                    if !self.seen_rss {
                        return Err(self.error("the file is empty or is not XML"));
                    }
                    if let Some(open) = self.path.last() {
                        return Err(self.error(format!("the file ends inside <{open}>: it was cut short")));
                    }
                    return Ok(None);
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            }
        }
    }
}

/// Turns a byte offset into a line and column (both from 1) by reading the file again.
pub fn locate(mut input: impl std::io::Read, offset: u64) -> (u64, u64) {
    let mut line = 1;
    let mut col = 1;
    let mut seen = 0u64;
    let mut chunk = [0u8; 64 * 1024];
    while seen < offset {
        let Ok(n) = input.read(&mut chunk) else { break };
        if n == 0 {
            break;
        }
        for &b in &chunk[..n] {
            if seen >= offset {
                break;
            }
            seen += 1;
            if b == b'\n' {
                line += 1;
                col = 1;
            } else if b & 0xC0 != 0x80 {
                col += 1;
            }
        }
    }
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(xml: &str) -> Result<Vec<Entry>, WxrError> {
        let mut r = WxrReader::new(xml.as_bytes());
        let mut out = Vec::new();
        while let Some(e) = r.next_entry()? {
            out.push(e);
        }
        Ok(out)
    }

    const MINI: &str = r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>news</wp:category_nicename><wp:category_parent/><wp:cat_name><![CDATA[News & Views]]></wp:cat_name></wp:category>
<item>
<title>Fish &amp; Chips &#8211; A Story</title>
<content:encoded><![CDATA[<p>Hello</p>]]></content:encoded>
<wp:post_id>7</wp:post_id>
<category domain="category" nicename="news"><![CDATA[News & Views]]></category>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value><![CDATA[9]]></wp:meta_value></wp:postmeta>
<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_content><![CDATA[Nice]]></wp:comment_content><wp:comment_parent>0</wp:comment_parent></wp:comment>
</item>
</channel>
</rss>"#;

    #[test]
    fn items_terms_meta_and_comments_are_read() {
        let entries = read_all(MINI).unwrap();
        assert_eq!(entries.len(), 2);
        let Entry::Category(c) = &entries[0] else { panic!() };
        assert_eq!((c.id, c.slug.as_str(), c.name.as_str()), (3, "news", "News & Views"));
        let Entry::Item(i) = &entries[1] else { panic!() };
        assert_eq!(i.title, "Fish & Chips \u{2013} A Story");
        assert_eq!(i.content, "<p>Hello</p>");
        assert_eq!(i.terms, [("category".into(), "news".into(), "News & Views".into())]);
        assert_eq!(i.meta("_thumbnail_id"), Some("9"));
        assert_eq!((i.comments.len(), i.comments[0].content.as_str()), (1, "Nice"));
    }

    #[test]
    fn a_cut_file_says_where() {
        let cut = &MINI[..MINI.find("<wp:comment>").unwrap()];
        let err = read_all(cut).unwrap_err();
        assert!(err.message.contains("cut short"), "{}", err.message);
        let (line, _) = locate(cut.as_bytes(), err.offset);
        assert!(line >= 10, "{line}");
    }

    #[test]
    fn declared_entities_are_refused() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><rss><channel><title>&b;</title></channel></rss>"#;
        assert!(read_all(bomb).unwrap_err().message.contains("DOCTYPE"));
        let xxe = r#"<rss><channel><item><title>&xxe;</title></item></channel></rss>"#;
        assert!(read_all(xxe).unwrap_err().message.contains("never expanded"));
    }
}
