//! `dateline import wordpress`: the streaming WXR reader, then the content
//! conversion (block comments, shortcodes, autop, sanitising) of every item
//! and the plain text of every comment.

#![no_main]

use std::collections::HashMap;

use dateline::import::wordpress::content::{self, Notes};
use dateline::import::wordpress::wxr::{self, Entry, WxrReader};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut reader = WxrReader::new(data);
    let mut items = Vec::new();
    loop {
        match reader.next_entry() {
            Ok(Some(Entry::Item(item))) => items.push(item),
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                let (line, column) = wxr::locate(data, e.offset);
                assert!(line >= 1 && column >= 1);
                break;
            }
        }
    }
    let attachments: HashMap<i64, String> =
        items.iter().filter(|i| i.post_type == "attachment").map(|i| (i.id, i.attachment_url.clone())).collect();
    let mut notes = Notes::default();
    for item in &items {
        let _ = item.meta("_thumbnail_id");
        let _ = content::to_html(&item.content, &attachments, &mut notes);
        let _ = content::autop(&item.excerpt);
        for c in &item.comments {
            let _ = content::comment_text(&c.content);
        }
    }
    // The conversion on its own, for inputs that are not a whole WXR file.
    let text = String::from_utf8_lossy(data);
    let _ = content::to_html(&text, &attachments, &mut notes);
    let _ = content::comment_text(&text);
});
