//! How one front matter value is read: text (numbers and booleans as text,
//! trimmed, empty meaning absent), dates in the documented formats, lists
//! given as YAML lists or comma-separated text, and `comments` as a boolean or
//! `open`/`closed`.
//!
//! A bad value fails inside its visitor so the YAML parser can attach the
//! value's line; the readers must not know which key they are reading.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;

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

/// Reads an optional date.
pub(super) fn de_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
    d.deserialize_any(DateVisitor)
}

/// Reads optional text.
pub(super) fn de_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(TextVisitor)
}

/// Reads tags: a list, or one text split on commas.
pub(super) fn de_tags<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    d.deserialize_any(ListVisitor { split_commas: true })
}

/// Reads names: a list, or one text kept whole (names can hold commas).
pub(super) fn de_names<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    d.deserialize_any(ListVisitor { split_commas: false })
}

/// Reads `comments`.
pub(super) fn de_comments<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
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

/// Drops repeated entries, keeping the first of each.
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
    use super::super::tests::{at, failure, front};

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
    fn comments_accept_open_closed_and_booleans() {
        assert_eq!(front("title: T\ncomments: open").comments, Some(true));
        assert_eq!(front("title: T\ncomments: Closed").comments, Some(false));
        assert_eq!(front("title: T\ncomments: false").comments, Some(false));
        assert_eq!(front("title: T").comments, None);
    }

    #[test]
    fn text_values_are_trimmed_and_numbers_read_as_text() {
        let parsed = front("title: 1984\ncaption: '  '\ncredit: ' AP '");
        assert_eq!(parsed.title, "1984");
        assert_eq!(parsed.caption, None);
        assert_eq!(parsed.credit.as_deref(), Some("AP"));
    }
}
