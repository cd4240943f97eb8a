//! Reads Markdown documents that open with YAML front matter (the Jekyll and
//! Hugo convention): splits the `---` block from the body, parses and
//! validates the fields Dateline understands, and reports every problem
//! with the line of the file it is on.
//!
//! This module is pure: it takes `&str` and must not read files, resolve
//! photo paths, render Markdown or touch the database.
//!
//! Decisions:
//! - Unknown keys are errors, so typos surface. Accepted and ignored,
//!   because static-site exports carry them and they mean nothing here:
//!   `layout`, `permalink`, `aliases`, `weight`, `toc`.
//! - Aliases: `author` for `authors`; `standfirst`, `description` and
//!   `excerpt` for `summary`; `image` for `photo`; `lastmod` and
//!   `last_modified_at` for `updated`.
//! - `draft: true` means `status: draft`; a `draft` flag that contradicts
//!   an explicit `status` is an error.
//! - Dates: RFC 3339 (`2022-02-20T21:30:00-05:00`, `T` or space), Jekyll's
//!   `2022-02-20 21:30:00 -0500`, and without an offset (taken as UTC)
//!   `2022-02-20 21:30[:00]`, `2022-02-20T21:30[:00]` or `2022-02-20`
//!   (midnight UTC).
//! - `tags` is a list or a comma-separated string; `authors` a list or one
//!   name (never split, since names can hold commas). Both are trimmed,
//!   emptied entries dropped, duplicates removed.
//! - `comments` is a boolean or `open`/`closed`.
//! - `status` is draft|published|scheduled (scheduled needs a `date`) and
//!   `kind` article|page, both case-insensitive and stored lower-case.
//! - Text values are trimmed; an empty optional value counts as absent.
//!   Numbers and booleans are read as text (`title: 1984`).

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;

/// Front matter fields Dateline understands, validated (see the module
/// documentation for aliases, ignored keys and accepted formats).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "RawFrontMatter")]
pub struct FrontMatter {
    /// Headline; never empty.
    pub title: String,
    /// URL slug as written, if any.
    pub slug: Option<String>,
    /// Publication time.
    pub date: Option<DateTime<FixedOffset>>,
    /// Time of the last substantive update.
    pub updated: Option<DateTime<FixedOffset>>,
    /// Place the story was filed from, e.g. `WASHINGTON`.
    pub dateline: Option<String>,
    /// Section name, e.g. `World`.
    pub section: Option<String>,
    /// Tags in document order, without duplicates.
    pub tags: Vec<String>,
    /// Bylines in document order, without duplicates.
    pub authors: Vec<String>,
    /// Lead photo path, relative to the Markdown file.
    pub photo: Option<String>,
    /// Photo caption.
    pub caption: Option<String>,
    /// Photo credit.
    pub credit: Option<String>,
    /// Photo alternative text.
    pub alt: Option<String>,
    /// Standfirst shown under the headline and used as description.
    pub summary: Option<String>,
    /// Whether comments are open; `None` leaves the site default.
    pub comments: Option<bool>,
    /// One of `draft`, `published`, `scheduled`.
    pub status: Option<String>,
    /// One of `article`, `page`.
    pub kind: Option<String>,
}

/// A front matter problem, located on a line of the whole file (the
/// opening `---` is line 1).
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct FrontMatterError {
    /// One-based line of the file the problem is on.
    pub line: usize,
    /// What is wrong, in words for the person who wrote the file.
    pub message: String,
}

/// Splits a document into front matter and Markdown body and parses the
/// front matter; line numbers in errors count from the first line of the
/// file (the opening `---` is line 1). Accepts a leading BOM and CRLF line
/// endings; the body is returned with LF line endings.
///
/// # Errors
///
/// Returns a [`FrontMatterError`] when the `---` lines are missing, the
/// YAML is malformed, a key is unknown or duplicated, a value has the wrong
/// type or format, or a validation rule (non-empty title, known status and
/// kind, consistent `draft`) fails.
pub fn parse(doc: &str) -> Result<(FrontMatter, String), FrontMatterError> {
    let text = doc.strip_prefix('\u{feff}').unwrap_or(doc).replace("\r\n", "\n");
    let (yaml, body) = split(&text)?;
    if yaml.trim().is_empty() {
        return Err(error_at(2, "the front matter is empty; it needs at least a `title`"));
    }
    let raw: RawFrontMatter = serde_yaml_ng::from_str(yaml).map_err(|e| yaml_error(yaml, &e))?;
    let front = validate(raw).map_err(|invalid| FrontMatterError {
        line: key_line(yaml, invalid.key).unwrap_or(1),
        message: invalid.message,
    })?;
    Ok((front, body.to_string()))
}

/// File line on which the YAML text starts (just after the opening `---`).
const YAML_FIRST_LINE: usize = 2;

fn error_at(line: usize, message: &str) -> FrontMatterError {
    FrontMatterError { line, message: message.to_string() }
}

/// Returns the YAML between the `---` lines and the body after them.
fn split(text: &str) -> Result<(&str, &str), FrontMatterError> {
    let mut lines = text.split_inclusive('\n');
    let opener = lines.next().unwrap_or("");
    if !is_delimiter(opener) {
        return Err(error_at(1, "expected a `---` line opening the front matter"));
    }
    let yaml_start = opener.len();
    let mut offset = yaml_start;
    for line in lines {
        if is_delimiter(line) {
            return Ok((&text[yaml_start..offset], &text[offset + line.len()..]));
        }
        offset += line.len();
    }
    Err(error_at(1, "the front matter opened here is never closed by a `---` line"))
}

fn is_delimiter(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Turns a YAML or field error into a file-located error with a plain
/// message (serde's "field" is called "key" here, as authors see keys).
fn yaml_error(yaml: &str, err: &serde_yaml_ng::Error) -> FrontMatterError {
    let full = err.to_string();
    let message = full
        .find(" at line ")
        .map_or(full.as_str(), |at| &full[..at])
        .replacen("unknown field", "unknown key", 1)
        .replacen("duplicate field", "duplicate key", 1);
    let line = err
        .location()
        .map(|loc| loc.line() + YAML_FIRST_LINE - 1)
        .or_else(|| backticked(&message).and_then(|key| key_line(yaml, key)))
        .unwrap_or(1);
    FrontMatterError { line, message }
}

/// Returns the first `backticked` word of a message, which serde uses for
/// key names.
fn backticked(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

/// Finds the file line of a top-level `key:` in the YAML text.
fn key_line(yaml: &str, key: &str) -> Option<usize> {
    yaml.lines()
        .position(|line| {
            let unquoted = line
                .strip_prefix(key)
                .or_else(|| line.strip_prefix(&format!("\"{key}\"")))
                .or_else(|| line.strip_prefix(&format!("'{key}'")));
            unquoted.is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|index| index + YAML_FIRST_LINE)
}

/// The front matter as written, before validation and normalisation.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a mapping of front matter keys")]
struct RawFrontMatter {
    #[serde(default, deserialize_with = "de_text")]
    title: Option<String>,
    #[serde(default, deserialize_with = "de_text")]
    slug: Option<String>,
    #[serde(default, deserialize_with = "de_date")]
    date: Option<DateTime<FixedOffset>>,
    #[serde(default, deserialize_with = "de_date", alias = "lastmod", alias = "last_modified_at")]
    updated: Option<DateTime<FixedOffset>>,
    #[serde(default, deserialize_with = "de_text")]
    dateline: Option<String>,
    #[serde(default, deserialize_with = "de_text")]
    section: Option<String>,
    #[serde(default, deserialize_with = "de_tags")]
    tags: Vec<String>,
    #[serde(default, deserialize_with = "de_names", alias = "author")]
    authors: Vec<String>,
    #[serde(default, deserialize_with = "de_text", alias = "image")]
    photo: Option<String>,
    #[serde(default, deserialize_with = "de_text")]
    caption: Option<String>,
    #[serde(default, deserialize_with = "de_text")]
    credit: Option<String>,
    #[serde(default, deserialize_with = "de_text")]
    alt: Option<String>,
    #[serde(default, deserialize_with = "de_text", alias = "standfirst", alias = "description", alias = "excerpt")]
    summary: Option<String>,
    #[serde(default, deserialize_with = "de_comments")]
    comments: Option<bool>,
    #[serde(default, deserialize_with = "de_text")]
    status: Option<String>,
    #[serde(default, deserialize_with = "de_text")]
    kind: Option<String>,
    #[serde(default)]
    draft: Option<bool>,
    // Accepted so site exports load, and deliberately never read.
    #[serde(default, rename = "layout")]
    _layout: Option<IgnoredAny>,
    #[serde(default, rename = "permalink")]
    _permalink: Option<IgnoredAny>,
    #[serde(default, rename = "aliases")]
    _aliases: Option<IgnoredAny>,
    #[serde(default, rename = "weight")]
    _weight: Option<IgnoredAny>,
    #[serde(default, rename = "toc")]
    _toc: Option<IgnoredAny>,
}

/// A validation failure tied to the key it concerns.
struct Invalid {
    key: &'static str,
    message: String,
}

impl Invalid {
    fn new(key: &'static str, message: impl Into<String>) -> Self {
        Self { key, message: message.into() }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl TryFrom<RawFrontMatter> for FrontMatter {
    type Error = Invalid;

    fn try_from(raw: RawFrontMatter) -> Result<Self, Self::Error> {
        validate(raw)
    }
}

fn validate(raw: RawFrontMatter) -> Result<FrontMatter, Invalid> {
    let title = raw.title.ok_or_else(|| Invalid::new("title", "`title` is required and must not be empty"))?;
    let status = resolve_status(raw.status, raw.draft)?;
    if status.as_deref() == Some("scheduled") && raw.date.is_none() {
        return Err(Invalid::new("status", "`status: scheduled` needs a `date`"));
    }
    Ok(FrontMatter {
        title,
        slug: raw.slug,
        date: raw.date,
        updated: raw.updated,
        dateline: raw.dateline,
        section: raw.section,
        tags: raw.tags,
        authors: raw.authors,
        photo: raw.photo,
        caption: raw.caption,
        credit: raw.credit,
        alt: raw.alt,
        summary: raw.summary,
        comments: raw.comments,
        status,
        kind: one_of("kind", raw.kind, &["article", "page"])?,
    })
}

/// Combines `status` with the `draft` flag, refusing contradictions.
fn resolve_status(status: Option<String>, draft: Option<bool>) -> Result<Option<String>, Invalid> {
    let status = one_of("status", status, &["draft", "published", "scheduled"])?;
    let is_draft = status.as_deref().map(|s| s == "draft");
    match (draft, is_draft) {
        (Some(flag), Some(stated)) if flag != stated => Err(Invalid::new(
            "draft",
            format!("`draft: {flag}` contradicts `status: {}`", status.as_deref().unwrap_or("")),
        )),
        (Some(true), None) => Ok(Some("draft".to_string())),
        _ => Ok(status),
    }
}

/// Lower-cases a value and checks it is one of `allowed`.
fn one_of(key: &'static str, value: Option<String>, allowed: &[&str]) -> Result<Option<String>, Invalid> {
    let Some(value) = value.map(|v| v.to_lowercase()) else {
        return Ok(None);
    };
    if allowed.contains(&value.as_str()) {
        Ok(Some(value))
    } else {
        let expected = allowed.join(", ");
        Err(Invalid::new(key, format!("`{key}` must be one of {expected}, not `{value}`")))
    }
}

/// Names the date formats in messages about dates.
const DATE_FORMATS: &str = "a date such as 2022-02-20T21:30:00-05:00, 2022-02-20 21:30 or 2022-02-20";

/// Parses a front matter date in one of the documented formats.
fn parse_date(text: &str) -> Option<DateTime<FixedOffset>> {
    const WITH_OFFSET: [&str; 4] =
        ["%Y-%m-%d %H:%M:%S%.f %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%d %H:%M%z"];
    const WITHOUT_OFFSET: [&str; 4] =
        ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M"];
    let text = text.trim();
    DateTime::parse_from_rfc3339(text)
        .ok()
        .or_else(|| WITH_OFFSET.iter().find_map(|f| DateTime::parse_from_str(text, f).ok()))
        .or_else(|| {
            let naive = WITHOUT_OFFSET
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
                .or_else(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?.and_hms_opt(0, 0, 0))?;
            Some(naive.and_utc().fixed_offset())
        })
}

fn de_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
    d.deserialize_any(DateVisitor)
}

fn de_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(TextVisitor)
}

fn de_tags<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    d.deserialize_any(ListVisitor { split_commas: true })
}

fn de_names<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    d.deserialize_any(ListVisitor { split_commas: false })
}

fn de_comments<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    d.deserialize_any(CommentsVisitor)
}

/// Trims text and treats an empty result as absent.
fn non_empty(text: &str) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// Reads a scalar (text, number or boolean) as optional trimmed text.
struct TextVisitor;

impl Visitor<'_> for TextVisitor {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("text")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(non_empty(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// Reads a date; failing inside the visitor lets the YAML parser attach
/// the line of the offending value.
struct DateVisitor;

impl Visitor<'_> for DateVisitor {
    type Value = Option<DateTime<FixedOffset>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(DATE_FORMATS)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.trim().is_empty() {
            return Ok(None);
        }
        parse_date(v)
            .map(Some)
            .ok_or_else(|| E::custom(format_args!("`{}` is not a date; expected {DATE_FORMATS}", v.trim())))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// One list entry, read with the same rules as any text value.
struct Entry(Option<String>);

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        de_text(d).map(Entry)
    }
}

/// Reads a YAML list, or a single string optionally split on commas.
struct ListVisitor {
    split_commas: bool,
}

impl<'de> Visitor<'de> for ListVisitor {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list or a text")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let parts: Vec<&str> = if self.split_commas { v.split(',').collect() } else { vec![v] };
        Ok(dedup(parts.into_iter().filter_map(non_empty)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(Entry(entry)) = seq.next_element()? {
            entries.extend(entry);
        }
        Ok(dedup(entries.into_iter()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
}

fn dedup(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// Reads `comments` as a boolean or as `open`/`closed`.
struct CommentsVisitor;

impl Visitor<'_> for CommentsVisitor {
    type Value = Option<bool>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("true, false, `open` or `closed`")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        match v.trim().to_lowercase().as_str() {
            "open" | "true" => Ok(Some(true)),
            "closed" | "false" => Ok(Some(false)),
            "" => Ok(None),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(date: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(date).expect("test date is valid")
    }

    fn front(yaml: &str) -> FrontMatter {
        match parse(&format!("---\n{yaml}\n---\nBody\n")) {
            Ok((front, _)) => front,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }

    fn failure(doc: &str) -> FrontMatterError {
        match parse(doc) {
            Ok(parsed) => panic!("expected an error, got {parsed:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn the_seed_article_parses_with_all_its_fields() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seed/article.md");
        let doc = std::fs::read_to_string(path).expect("seed article is readable");
        let (front, body) = parse(&doc).expect("seed article parses");
        assert!(front.title.starts_with("Biden Tentatively"), "{}", front.title);
        assert_eq!(front.date, Some(at("2022-02-20T21:30:00-05:00")));
        assert_eq!(front.dateline.as_deref(), Some("WASHINGTON"));
        assert_eq!(front.section.as_deref(), Some("World"));
        assert_eq!(front.tags.len(), 4);
        assert_eq!(front.authors, ["World Desk"]);
        assert_eq!(front.photo.as_deref(), Some("photo.jpg"));
        assert_eq!(front.comments, Some(true));
        let paragraphs = body.split("\n\n").filter(|p| !p.trim().is_empty()).count();
        assert_eq!(paragraphs, 14);
    }

    #[test]
    fn a_minimal_document_needs_only_a_title() {
        let (front, body) = parse("---\ntitle: Hello\n---\n\nText.\n").expect("parses");
        assert_eq!(front.title, "Hello");
        assert_eq!(front.tags, Vec::<String>::new());
        assert_eq!(front.status, None);
        assert_eq!(body, "\nText.\n");
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let (front, body) =
            parse("\u{feff}---\r\ntitle: Hi\r\ntags: a, b\r\n---\r\nLine one\r\nLine two\r\n").expect("parses");
        assert_eq!(front.title, "Hi");
        assert_eq!(front.tags, ["a", "b"]);
        assert_eq!(body, "Line one\nLine two\n");
    }

    #[test]
    fn a_missing_opening_delimiter_is_reported_on_line_one() {
        let err = failure("title: Hi\n---\nBody");
        assert_eq!(err.line, 1);
        assert!(err.message.contains("`---`"), "{err}");
        assert_eq!(failure("").line, 1);
    }

    #[test]
    fn a_missing_closing_delimiter_is_reported() {
        let err = failure("---\ntitle: Hi\nBody text\n");
        assert_eq!(err.line, 1);
        assert!(err.message.contains("never closed"), "{err}");
    }

    #[test]
    fn an_empty_or_missing_title_is_refused() {
        let err = failure("---\nslug: x\ntitle: \"  \"\n---\n");
        assert_eq!((err.line, err.message.contains("title")), (3, true), "{err}");
        let err = failure("---\nslug: x\n---\n");
        assert!(err.message.contains("title"), "{err}");
        assert_eq!(failure("---\n---\nBody").line, 2);
    }

    #[test]
    fn yaml_syntax_errors_point_at_the_file_line() {
        let err = failure("---\ntitle: Hi\ntags: [a, b\nslug: x\n---\n");
        assert!(err.line >= 3 && err.line <= 5, "{err}");
        let err = failure("---\ntitle: Hi\nslug: a: b\n---\n");
        assert_eq!(err.line, 3, "{err}");
        assert!(!err.message.contains("at line"), "{err}");
    }

    #[test]
    fn an_unknown_key_is_named_with_its_line() {
        let err = failure("---\ntitle: Hi\nsection: World\ntilte: Oops\n---\n");
        assert_eq!(err.line, 4, "{err}");
        assert!(err.message.starts_with("unknown key `tilte`"), "{err}");
    }

    #[test]
    fn wrong_types_are_reported_with_their_line() {
        let err = failure("---\ntitle: Hi\ncomments: maybe\n---\n");
        assert_eq!(err.line, 3, "{err}");
        assert!(err.message.contains("maybe"), "{err}");
        let err = failure("---\ntitle: Hi\ndraft: [1]\n---\n");
        assert_eq!(err.line, 3, "{err}");
        let err = failure("---\ntitle: [a, b]\n---\n");
        assert_eq!(err.line, 2, "{err}");
        let err = failure("---\n- just\n- a list\n---\n");
        assert!(err.message.contains("mapping"), "{err}");
    }

    #[test]
    fn dates_accept_rfc3339_jekyll_and_offsetless_forms() {
        let cases = [
            ("2022-02-20T21:30:00-05:00", "2022-02-20T21:30:00-05:00"),
            ("2022-02-20 21:30:00 -0500", "2022-02-20T21:30:00-05:00"),
            ("2022-02-20T21:30-05:00", "2022-02-20T21:30:00-05:00"),
            ("2022-02-20T21:30:00Z", "2022-02-20T21:30:00Z"),
            ("2022-02-20 21:30", "2022-02-20T21:30:00Z"),
            ("2022-02-20 21:30:15", "2022-02-20T21:30:15Z"),
            ("\"2022-02-20T21:30\"", "2022-02-20T21:30:00Z"),
            ("2022-02-20", "2022-02-20T00:00:00Z"),
        ];
        for (written, expected) in cases {
            assert_eq!(front(&format!("title: T\ndate: {written}")).date, Some(at(expected)), "{written}");
        }
    }

    #[test]
    fn an_invalid_date_is_reported_on_its_line() {
        let err = failure("---\ntitle: T\n\ndate: 20 Feb 2022\n---\n");
        assert_eq!(err.line, 4, "{err}");
        assert!(err.message.contains("20 Feb 2022"), "{err}");
        assert!(failure("---\ntitle: T\ndate: 2022-02-30\n---\n").message.contains("not a date"));
    }

    #[test]
    fn tags_accept_a_list_or_a_comma_separated_string() {
        assert_eq!(front("title: T\ntags: [a, b, 2022]").tags, ["a", "b", "2022"]);
        assert_eq!(front("title: T\ntags: ' a , b,,a '").tags, ["a", "b"]);
        assert_eq!(front("title: T\ntags:\n  - x\n  - y").tags, ["x", "y"]);
        assert!(front("title: T\ntags:").tags.is_empty());
    }

    #[test]
    fn authors_accept_a_list_a_single_name_or_the_author_key() {
        assert_eq!(front("title: T\nauthors: [A, B]").authors, ["A", "B"]);
        assert_eq!(front("title: T\nauthors: Smith, Jr.").authors, ["Smith, Jr."]);
        assert_eq!(front("title: T\nauthor: Jane Roe").authors, ["Jane Roe"]);
    }

    #[test]
    fn summary_photo_and_updated_accept_their_aliases() {
        assert_eq!(front("title: T\nstandfirst: S").summary.as_deref(), Some("S"));
        assert_eq!(front("title: T\ndescription: D").summary.as_deref(), Some("D"));
        assert_eq!(front("title: T\nimage: a.jpg").photo.as_deref(), Some("a.jpg"));
        assert_eq!(front("title: T\nlastmod: 2022-02-21").updated, Some(at("2022-02-21T00:00:00Z")));
    }

    #[test]
    fn comments_accept_open_closed_and_booleans() {
        assert_eq!(front("title: T\ncomments: open").comments, Some(true));
        assert_eq!(front("title: T\ncomments: Closed").comments, Some(false));
        assert_eq!(front("title: T\ncomments: false").comments, Some(false));
        assert_eq!(front("title: T").comments, None);
    }

    #[test]
    fn status_and_kind_are_validated_and_lower_cased() {
        assert_eq!(front("title: T\nstatus: Published").status.as_deref(), Some("published"));
        assert_eq!(front("title: T\nkind: page").kind.as_deref(), Some("page"));
        let err = failure("---\ntitle: T\nstatus: live\n---\n");
        assert_eq!(err.line, 3, "{err}");
        assert!(err.message.contains("draft, published, scheduled"), "{err}");
        assert_eq!(failure("---\ntitle: T\n\nkind: post\n---\n").line, 4);
    }

    #[test]
    fn scheduled_status_needs_a_date() {
        assert!(failure("---\ntitle: T\nstatus: scheduled\n---\n").message.contains("date"));
        let scheduled = front("title: T\nstatus: scheduled\ndate: 2030-01-01");
        assert_eq!(scheduled.status.as_deref(), Some("scheduled"));
    }

    #[test]
    fn draft_flag_maps_to_status_and_refuses_contradictions() {
        assert_eq!(front("title: T\ndraft: true").status.as_deref(), Some("draft"));
        assert_eq!(front("title: T\ndraft: false").status, None);
        let err = failure("---\ntitle: T\nstatus: published\ndraft: true\n---\n");
        assert_eq!(err.line, 4, "{err}");
    }

    #[test]
    fn harmless_site_generator_keys_are_ignored() {
        let parsed = front("title: T\nlayout: post\npermalink: /x/\naliases: [/y/]\nweight: 3\ntoc: true");
        assert_eq!(parsed.title, "T");
    }

    #[test]
    fn text_values_are_trimmed_and_numbers_read_as_text() {
        let parsed = front("title: 1984\ncaption: '  '\ncredit: ' AP '");
        assert_eq!(parsed.title, "1984");
        assert_eq!(parsed.caption, None);
        assert_eq!(parsed.credit.as_deref(), Some("AP"));
    }

    #[test]
    fn front_matter_deserialises_directly_with_the_same_validation() {
        let parsed: FrontMatter = serde_yaml_ng::from_str("title: T\ncomments: closed").expect("deserialises");
        assert_eq!(parsed.comments, Some(false));
        assert!(serde_yaml_ng::from_str::<FrontMatter>("title: ''").is_err());
    }
}
