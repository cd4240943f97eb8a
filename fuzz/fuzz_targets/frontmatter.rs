//! `dateline import markdown`: YAML front matter, the checks of the article
//! it describes, and the rendering of its body.

#![no_main]

use std::path::Path;

use chrono::{TimeZone, Utc};
use dateline::import::{frontmatter, markdown};
use dateline::render::markdown::{plain_text, render_markdown};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = frontmatter::parse(&text) {
        assert!(e.line >= 1, "{e}");
        let _ = e.to_string();
    }
    let now = Utc.with_ymd_and_hms(2024, 2, 29, 12, 0, 0).unwrap();
    // Photos are not read here: decoding images is the image crate's business.
    let prepared = markdown::prepare(Path::new("fuzz.md"), &text, now, |_| Err("not read while fuzzing".into()));
    match prepared {
        Ok(p) => {
            let _ = render_markdown(&p.input.body);
            let _ = plain_text(&p.input.body);
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
