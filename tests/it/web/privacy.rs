//! The email promise: a crawler walks every public URL of a site with
//! comments and finds no commenter email, nor its MD5, SHA-1 or SHA-256.

use std::collections::HashSet;

use serde_json::json;
use sha2::Digest as _;

use crate::common::{attrs, posted_id, spawn_with, story_dir};

const EMAIL: &str = "Private.Reader@Example.ORG";

fn fingerprints() -> Vec<String> {
    let mut out = Vec::new();
    for e in [EMAIL.to_owned(), EMAIL.to_lowercase()] {
        out.push(e.clone());
        out.push(dateline::web::auth::urlencode(&e));
        let md5 = hex::encode(md5::Md5::digest(e.as_bytes()));
        let sha1 = hex::encode(sha1::Sha1::digest(e.as_bytes()));
        let sha256 = hex::encode(sha2::Sha256::digest(e.as_bytes()));
        for h in [md5, sha1, sha256] {
            out.push(h.to_uppercase());
            out.push(h);
        }
    }
    out
}

#[tokio::test]
async fn no_public_url_reveals_a_commenter_email_or_its_hash() {
    let app = spawn_with(true, |_| {}).await;
    let path = app.import(&story_dir().join("article.md")).await.permalink(app.cfg.tz());
    let email = app.add_user("ed@example.org", dateline::domain::Role::Editor).await;
    let token = app.token(&email).await;
    for (i, status) in ["approved", "pending", "spam"].iter().enumerate() {
        let b = app.browser();
        let r = app
            .comment_with(
                &b,
                &path,
                &[
                    ("name", "Private Reader"),
                    ("email", EMAIL),
                    ("url", "https://reader.example/"),
                    ("body", &format!("Comment {i} with a view")),
                ],
            )
            .await;
        let id = posted_id(&r);
        if *status != "pending" {
            app.http
                .patch(app.url(&format!("/api/v1/comments/{id}")))
                .bearer_auth(&token)
                .json(&json!({ "status": status }))
                .send()
                .await
                .unwrap();
        }
    }
    // A reply to the approved comment, approved too.
    let b = app.browser();
    let (_, html) = app.get(&path).await;
    let first = attrs(&html, ".comment", "id").remove(0);
    let parent = first.trim_start_matches("comment-").to_owned();
    let r = app
        .comment_with(
            &b,
            &path,
            &[("parent_id", &parent), ("name", "Other"), ("email", "other@example.org"), ("body", "Replying")],
        )
        .await;
    let reply = posted_id(&r);
    app.http
        .patch(app.url(&format!("/api/v1/comments/{reply}")))
        .bearer_auth(&token)
        .json(&json!({"status": "approved"}))
        .send()
        .await
        .unwrap();

    let needles = fingerprints();
    let stranger = app.browser();
    let mut queue: Vec<String> = vec![
        "/".into(),
        path.clone(),
        format!("{path}comments.xml"),
        "/feed.xml".into(),
        "/atom.xml".into(),
        "/feed.json".into(),
        "/sitemap.xml".into(),
        "/news-sitemap.xml".into(),
        "/robots.txt".into(),
        format!("/oembed?url={}", dateline::web::auth::urlencode(&app.url(&path))),
        format!("/comments/{parent}/reply"),
        "/no-such-page/".into(),
        "/api/v1/comments".into(),
        "/api/v1/articles".into(),
    ];
    let mut seen = HashSet::new();
    let mut pages = 0;
    while let Some(p) = queue.pop() {
        if !seen.insert(p.clone()) || seen.len() > 150 {
            continue;
        }
        let r = stranger.get(app.url(&p)).send().await.unwrap();
        let headers = format!("{:?}", r.headers());
        let body = r.text().await.unwrap();
        pages += 1;
        for n in &needles {
            assert!(!body.contains(n.as_str()) && !headers.contains(n.as_str()), "{p} reveals {n}");
        }
        if body.trim_start().starts_with('<') {
            for href in attrs(&body, "a[href]", "href").into_iter().chain(attrs(&body, "link[href]", "href")) {
                let local =
                    href.strip_prefix(&app.base_url).unwrap_or(&href).split('#').next().unwrap_or("").to_owned();
                if local.starts_with('/')
                    && !local.starts_with("//")
                    && !local.starts_with("/media/")
                    && !local.starts_with("/static/")
                {
                    queue.push(local);
                }
            }
        }
    }
    assert!(pages > 25, "crawled {pages} URLs");
    // The pending and spam comments were never public, the approved ones were.
    let (_, html) = stranger.get(app.url(&path)).send().await.unwrap().text().await.map(|t| (0, t)).unwrap();
    assert!(
        html.contains("Comment 0 with a view")
            && !html.contains("Comment 1 with a view")
            && !html.contains("Comment 2 with a view")
    );
}
