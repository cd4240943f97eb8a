//! Story intelligence: people, places, organisations, dated events and quotes
//! read from an article's text, its publication date and its dateline.

#![no_main]

use chrono::{Days, NaiveDate};
use dateline::intel::{self, Input};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Two bytes pick the publication date (1900 to about 2079), one whether the
    // first line is the dateline; the rest is the article's text.
    let [d0, d1, flags, rest @ ..] = data else { return };
    let days = u64::from(u16::from_le_bytes([*d0, *d1]));
    let published = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap().checked_add_days(Days::new(days)).unwrap();
    let text = String::from_utf8_lossy(rest);
    let (dateline, body) = match text.split_once('\n') {
        Some((first, body)) if flags & 1 == 1 => (Some(first), body),
        _ => (None, text.as_ref()),
    };
    let found = intel::extract(&Input { text: body, published, dateline });
    // The documented promises: offsets are byte offsets of the text itself.
    for e in &found.events {
        assert_eq!(body.get(e.start..e.end), Some(e.expression.as_str()), "{e:?}");
        let _ = e.when.label();
        let _ = e.when.sort_key();
    }
    for e in &found.entities {
        for m in &e.mentions {
            assert_eq!(body.get(m.start..m.end), Some(m.text.as_str()), "{m:?}");
        }
        let _ = intel::slugify(&e.name);
    }
    for q in &found.quotes {
        assert!(body.get(q.start..q.end).is_some(), "{q:?}");
    }
});
