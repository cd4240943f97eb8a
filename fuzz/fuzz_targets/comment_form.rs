//! The reader comment form: the urlencoded body axum's `Form` reads into
//! `CommentForm`, then the checks, moderation screening, spam tokens and the
//! rendering of the comment's text.

#![no_main]

use std::collections::HashMap;

use dateline::domain::spam::{self, TokenCount, Totals};
use dateline::domain::{self, CommentId, CommentInput, DiscussionRules, Screening};
use dateline::web::comments::CommentForm;
use libfuzzer_sys::fuzz_target;

fn rules() -> DiscussionRules {
    DiscussionRules {
        moderation_words: vec!["casino".into(), " ".into(), "ÄÖÜ".into()],
        blocklist_words: vec!["viagra".into(), String::new()],
        ..DiscussionRules::default()
    }
}

fuzz_target!(|data: &[u8]| {
    // Exactly what axum's `Form` extractor does with the request body.
    let _ = serde_urlencoded::from_bytes::<CommentForm>(data);

    // The same fields, read as the handler reads them.
    let mut input = CommentInput { url: Some(String::new()), ..CommentInput::default() };
    for (key, value) in form_urlencoded::parse(data) {
        match key.as_ref() {
            "name" => input.name = value.into_owned(),
            "email" => input.email = value.into_owned(),
            "url" => input.url = Some(value.into_owned()),
            "body" => input.body = value.into_owned(),
            "parent_id" => input.parent_id = value.trim().parse().ok().map(CommentId),
            "notify" => input.notify = true,
            _ => {}
        }
    }

    let rules = rules();
    let _ = domain::parse_email(&input.email);
    let _ = domain::parse_website(input.url.as_deref().unwrap_or(""));
    let _ = domain::check_body(&input.body, rules.max_chars);
    let _ = domain::count_links(&input.body);
    let raw_html = domain::render_body(&input.body);
    assert!(!raw_html.to_ascii_lowercase().contains("<script"), "{raw_html:?}");

    let tokens = spam::tokens(&input.body);
    let counts = HashMap::from([
        ("casino".to_owned(), TokenCount { spam: 9, ham: 0 }),
        ("harbour".to_owned(), TokenCount { spam: 0, ham: 7 }),
    ]);
    if let Some(score) = spam::score(&tokens, &counts, Totals { spam: 10, ham: 10 }) {
        assert!((0.0..=1.0).contains(&score.probability), "{score:?}");
        let _ = score.explain();
    }

    if let Ok(checked) = input.normalize(&rules) {
        for (trusted_browser, spam_probability) in [(false, None), (true, Some(0.6))] {
            let _ = domain::screen(&Screening { input: &checked, trusted_browser, spam_probability, rules: &rules });
        }
        let html = domain::render_body(&checked.body);
        assert!(!html.to_ascii_lowercase().contains("<script"), "{html:?}");
    }
});
