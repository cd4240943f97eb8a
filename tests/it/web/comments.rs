//! Reader comments through the real server: posting, moderation, threading,
//! every kind of bad input, CSRF, rate limits and the spam model.

use dateline::domain::Role;
use serde_json::json;

use crate::common::{posted_id, spawn_app, spawn_with, story_dir, texts, TestApp};

async fn with_story(app: &TestApp) -> String {
    app.import(&story_dir().join("article.md")).await.permalink(app.cfg.tz())
}

fn ann(body: &str) -> Vec<(&'static str, String)> {
    vec![("name", "Ann Reader".into()), ("email", "ann@example.org".into()), ("body", body.into())]
}

async fn post(app: &TestApp, client: &reqwest::Client, path: &str, fields: &[(&str, String)]) -> reqwest::Response {
    let typed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.comment_with(client, path, &typed).await
}

async fn editor_token(app: &TestApp) -> String {
    let email = app.add_user("ed@example.org", Role::Editor).await;
    app.token(&email).await
}

async fn moderate(app: &TestApp, token: &str, id: i64, status: &str) {
    let r = app
        .http
        .patch(app.url(&format!("/api/v1/comments/{id}")))
        .bearer_auth(token)
        .json(&json!({ "status": status }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{}", r.text().await.unwrap());
}

#[tokio::test]
async fn the_form_has_labelled_fields_and_the_email_promise() {
    let app = spawn_app().await;
    let path = with_story(&app).await;
    let (_, html) = app.get(&path).await;
    assert_eq!(texts(&html, "#reply-title"), ["Leave a Reply"]);
    assert!(texts(&html, ".notice-line")[0]
        .starts_with("Your email address will not be published. Required fields are marked"));
    for (id, auto) in [("comment-name", "name"), ("comment-email", "email"), ("comment-url", "url")] {
        assert_eq!(crate::common::attrs(&html, &format!("#{id}"), "autocomplete"), [auto]);
        assert_eq!(crate::common::attrs(&html, &format!("label[for={id}]"), "for").len(), 1);
    }
    assert_eq!(crate::common::attrs(&html, "#comment-email", "type"), ["email"]);
    assert_eq!(crate::common::attrs(&html, "#comment-url", "type"), ["url"]);
    assert_eq!(texts(&html, "#commentform button[type=submit]"), ["Post Comment"]);
    assert!(texts(&html, "#commentform label.check")[0].contains("Notify me of replies by email"));
}

#[tokio::test]
async fn a_new_commenters_comment_waits_and_only_they_see_it() {
    let app = spawn_app().await;
    let path = with_story(&app).await;
    let r = post(&app, &app.http, &path, &ann("First!")).await;
    assert_eq!(r.status().as_u16(), 303);
    let id = posted_id(&r);
    assert!(r.headers()["location"].to_str().unwrap().starts_with(&path));

    let mine = app.http.get(app.url(&path)).send().await.unwrap();
    assert_eq!(mine.headers()["cache-control"], "private, no-store");
    assert_eq!(mine.headers()["x-robots-tag"], "noindex");
    let html = mine.text().await.unwrap();
    assert_eq!(texts(&html, &format!("#comment-{id} .awaiting")), ["Your comment is awaiting moderation."]);

    let stranger = app.browser();
    let html = stranger.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("First!") && !html.contains("awaiting moderation"));
    assert!(texts(&html, &format!("#comment-{id}")).is_empty());
}

#[tokio::test]
async fn approving_through_the_api_makes_a_comment_public_with_its_count() {
    let app = spawn_app().await;
    let path = with_story(&app).await;
    let token = editor_token(&app).await;
    let id = posted_id(&post(&app, &app.http, &path, &ann("Clear and useful reporting.")).await);

    let r = app.http.get(app.url("/api/v1/comments?status=pending")).bearer_auth(&token).send().await.unwrap();
    let list: serde_json::Value = r.json().await.unwrap();
    let item = &list["comments"][0];
    for key in
        ["id", "article_id", "parent_id", "author_name", "author_email", "author_url", "body", "status", "created_at"]
    {
        assert!(item.get(key).is_some(), "{key} missing: {item}");
    }
    assert_eq!(item["author_email"], "ann@example.org");

    moderate(&app, &token, id, "approved").await;
    let stranger = app.browser();
    let html = stranger.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    assert_eq!(texts(&html, &format!("#comment-{id} .comment-body")), ["Clear and useful reporting."]);
    assert_eq!(texts(&html, "#comments-title"), ["1 Comment"]);
    let (_, front) = app.get("/").await;
    assert!(texts(&front, ".card .meta a").contains(&"1 comment".to_owned()), "{front}");
    let (_, feed) = app.get(&format!("{path}comments.xml")).await;
    assert!(feed.contains("Clear and useful reporting.") && !feed.contains("ann@example.org"));
}

#[tokio::test]
async fn replies_nest_under_their_parent_through_the_reply_link() {
    let app = spawn_app().await;
    let path = with_story(&app).await;
    let token = editor_token(&app).await;
    let parent = posted_id(&post(&app, &app.http, &path, &ann("Top-level thought.")).await);
    moderate(&app, &token, parent, "approved").await;

    let bob = app.browser();
    let (_, html) = app.get(&path).await;
    let reply_href = crate::common::attrs(&html, &format!("#comment-{parent} a.reply-link"), "href").remove(0);
    let page = bob.get(app.url(&reply_href)).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let page = page.text().await.unwrap();
    let fields = crate::common::comment_fields(&page);
    assert!(fields.contains(&("parent_id".into(), parent.to_string())), "{fields:?}");
    let mut all = fields;
    all.extend([
        ("name".into(), "Bob".into()),
        ("email".into(), "bob@example.org".into()),
        ("body".into(), "A reply.".into()),
    ]);
    let r = bob.post(app.url("/comments")).form(&all).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let child = posted_id(&r);
    moderate(&app, &token, child, "approved").await;
    let (_, html) = app.get(&path).await;
    assert_eq!(
        texts(&html, &format!("#comment-{parent} > ol.children > #comment-{child} .comment-body")),
        ["A reply."]
    );
}

async fn refused(app: &TestApp, path: &str, fields: Vec<(&'static str, String)>, status: u16, field_or_message: &str) {
    let r = post(app, &app.browser(), path, &fields).await;
    assert_eq!(r.status().as_u16(), status, "{fields:?}");
    let html = r.text().await.unwrap();
    let body = fields.iter().find(|(k, _)| *k == "body").map(|(_, v)| v.clone()).unwrap_or_default();
    assert_eq!(
        texts(&html, "#comment-body").join(""),
        body.split_whitespace().collect::<Vec<_>>().join(" "),
        "typed text kept"
    );
    assert!(html.contains(field_or_message), "{field_or_message} not in answer");
}

#[tokio::test]
async fn bad_input_is_refused_with_a_message_and_the_text_kept() {
    let app = spawn_app().await;
    let path = with_story(&app).await;
    refused(
        &app,
        &path,
        vec![("name", "".into()), ("email", "a@example.org".into()), ("body", "Hello there".into())],
        422,
        "Enter your name.",
    )
    .await;
    refused(
        &app,
        &path,
        vec![("name", "A".into()), ("email", "not-an-email".into()), ("body", "Hello there".into())],
        422,
        "name@example.org",
    )
    .await;
    refused(
        &app,
        &path,
        vec![("name", "A".into()), ("email", "a@example.org".into()), ("body", "   ".into())],
        422,
        "Write a comment.",
    )
    .await;
    refused(
        &app,
        &path,
        vec![
            ("name", "A".into()),
            ("email", "a@example.org".into()),
            ("url", "javascript:alert(1)".into()),
            ("body", "Hi".into()),
        ],
        422,
        "http://",
    )
    .await;
    let long = "word ".repeat(2001);
    refused(
        &app,
        &path,
        vec![("name", "A".into()), ("email", "a@example.org".into()), ("body", long)],
        422,
        "at most 10000 characters",
    )
    .await;
    assert_eq!(
        app.store
            .list_comments(&dateline::store::CommentQuery { limit: 10, ..Default::default() })
            .await
            .unwrap()
            .total,
        0
    );
}

#[tokio::test]
async fn closed_articles_refuse_comments_but_keep_the_text() {
    let app = spawn_app().await;
    let path = with_story(&app).await;
    let html = app.browser().get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    let fields = crate::common::comment_fields(&html);
    let a = app.store.list_articles(&Default::default()).await.unwrap().items.remove(0);
    let mut i = a.to_input();
    i.comments_open = false;
    crate::common::update(&app.store, a.id, &i, chrono::Utc::now(), None).await.unwrap();
    let mut all = fields;
    all.extend([
        ("name".into(), "A".into()),
        ("email".into(), "a@example.org".into()),
        ("body".into(), "Too late".into()),
    ]);
    let r = app.http.post(app.url("/comments")).form(&all).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let html = r.text().await.unwrap();
    assert!(html.contains("Comments are closed"));
    assert!(html.contains("Too late"));
}

#[tokio::test]
async fn cross_site_and_forged_posts_are_refused() {
    let app = spawn_app().await;
    let path = with_story(&app).await;
    let html = app.get(&path).await.1;
    let mut fields = crate::common::comment_fields(&html);
    fields.extend([
        ("name".into(), "A".into()),
        ("email".into(), "a@example.org".into()),
        ("body".into(), "Forged".into()),
    ]);
    let r = app
        .http
        .post(app.url("/comments"))
        .header("origin", "https://evil.example")
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = app
        .http
        .post(app.url("/comments"))
        .header("referer", "https://evil.example/page")
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let forged: Vec<(String, String)> =
        fields.iter().map(|(k, v)| (k.clone(), if k == "sig" { "AAAA".into() } else { v.clone() })).collect();
    let r = app.http.post(app.url("/comments")).form(&forged).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(
        app.store
            .list_comments(&dateline::store::CommentQuery { limit: 10, ..Default::default() })
            .await
            .unwrap()
            .total,
        0
    );
}

#[tokio::test]
async fn bots_are_caught_by_the_honeypot_and_the_minimum_time() {
    let app = spawn_with(false, |c| c.comments.min_seconds = 3).await;
    let path = with_story(&app).await;
    let r = post(&app, &app.http, &path, &ann("Too fast")).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("Too fast"));
    let app = spawn_app().await;
    let path = with_story(&app).await;
    let mut f = ann("I am a bot");
    f.push(("subject", "buy now".into()));
    let r = post(&app, &app.http, &path, &f).await;
    assert_eq!(r.status().as_u16(), 400);
}

#[tokio::test]
async fn bursts_are_limited_with_retry_after_and_the_text_kept() {
    let app = spawn_with(false, |c| c.comments.rate_burst = 5).await;
    let path = with_story(&app).await;
    for n in 0..5 {
        let r = post(&app, &app.http, &path, &ann(&format!("Comment number {n}"))).await;
        assert_eq!(r.status().as_u16(), 303, "post {n}");
    }
    let r = post(&app, &app.http, &path, &ann("One too many")).await;
    assert_eq!(r.status().as_u16(), 429);
    assert!(r.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() > 0);
    assert!(r.text().await.unwrap().contains("One too many"));
}

#[tokio::test]
async fn the_same_comment_twice_is_refused() {
    let app = spawn_app().await;
    let path = with_story(&app).await;
    assert_eq!(post(&app, &app.http, &path, &ann("Same words")).await.status().as_u16(), 303);
    let r = post(&app, &app.http, &path, &ann("Same words")).await;
    assert_eq!(r.status().as_u16(), 409);
}

#[tokio::test]
async fn only_the_browser_of_an_approved_commenter_skips_the_queue() {
    let app = spawn_app().await;
    let path = with_story(&app).await;
    let token = editor_token(&app).await;
    let first = posted_id(&post(&app, &app.http, &path, &ann("My first comment")).await);
    moderate(&app, &token, first, "approved").await;
    let second = posted_id(&post(&app, &app.http, &path, &ann("My second comment")).await);
    let c = app.store.get_comment(dateline::domain::CommentId(second)).await.unwrap().unwrap();
    assert_eq!(c.status, dateline::domain::CommentStatus::Approved, "same browser, same email");
    // Someone else typing Ann's address proves nothing.
    let impostor = app.browser();
    let third = posted_id(&post(&app, &impostor, &path, &ann("Pretending to be Ann")).await);
    let c = app.store.get_comment(dateline::domain::CommentId(third)).await.unwrap().unwrap();
    assert_eq!(c.status, dateline::domain::CommentStatus::Pending);
}

#[tokio::test]
async fn the_spam_model_learns_from_moderation_and_explains_itself() {
    let app = spawn_app().await;
    let path = with_story(&app).await;
    let token = editor_token(&app).await;
    let spam =
        ["cheap pills casino bonus buy now", "buy cheap pills online casino now", "casino bonus cheap pills buy today"];
    let ham = [
        "the lighthouse matters for the bay",
        "good reporting on the lighthouse and the trust",
        "the bay and the trust need more coverage",
    ];
    for (i, body) in spam.iter().enumerate() {
        let b = app.browser();
        let f = vec![("name", format!("S{i}")), ("email", format!("s{i}@example.org")), ("body", (*body).to_owned())];
        let id = posted_id(&post(&app, &b, &path, &f).await);
        moderate(&app, &token, id, "spam").await;
    }
    for (i, body) in ham.iter().enumerate() {
        let b = app.browser();
        let f = vec![("name", format!("H{i}")), ("email", format!("h{i}@example.org")), ("body", (*body).to_owned())];
        let id = posted_id(&post(&app, &b, &path, &f).await);
        moderate(&app, &token, id, "approved").await;
    }
    let b = app.browser();
    let f = vec![
        ("name", "New".to_owned()),
        ("email", "new@example.org".to_owned()),
        ("body", "buy cheap pills at the casino now".to_owned()),
    ];
    let id = posted_id(&post(&app, &b, &path, &f).await);
    let c = app.store.get_comment(dateline::domain::CommentId(id)).await.unwrap().unwrap();
    assert_eq!(c.status, dateline::domain::CommentStatus::Spam, "score {:?}", c.spam_score);
    assert!(c.spam_score.unwrap() > 0.95);

    app.add_user("boss@example.org", Role::Admin).await;
    app.login("boss@example.org").await;
    let (_, queue) = app.get("/admin/comments?status=spam").await;
    assert!(queue.contains("Spam model:") && queue.contains("strongest words"), "{queue}");
}

#[tokio::test]
async fn commenters_edit_for_ten_minutes_from_their_own_browser() {
    let app = spawn_app().await;
    let path = with_story(&app).await;
    let id = posted_id(&post(&app, &app.http, &path, &ann("Typo hre")).await);
    let (status, _) = app.get(&format!("/comments/{id}/edit")).await;
    assert_eq!(status, 200);
    let r =
        app.http.post(app.url(&format!("/comments/{id}/edit"))).form(&[("body", "Typo here")]).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(app.store.get_comment(dateline::domain::CommentId(id)).await.unwrap().unwrap().body, "Typo here");
    let other = app.browser();
    let r = other.post(app.url(&format!("/comments/{id}/edit"))).form(&[("body", "Hijacked")]).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
}

#[tokio::test]
async fn moderators_approve_and_bulk_mark_spam_in_the_admin() {
    let app = spawn_app().await;
    let path = with_story(&app).await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let b = app.browser();
        let f =
            vec![("name", format!("R{i}")), ("email", format!("r{i}@example.org")), ("body", format!("Comment {i}"))];
        ids.push(posted_id(&post(&app, &b, &path, &f).await));
    }
    app.add_user("ed@example.org", Role::Editor).await;
    app.login("ed@example.org").await;
    let (_, queue) = app.get("/admin/comments").await;
    assert!(queue.contains("Pending (3)"), "{queue}");
    assert!(queue.contains("r0@example.org"), "staff see emails");
    let csrf = app.csrf().await;
    let r = app
        .http
        .post(app.url(&format!("/admin/comments/{}/status", ids[0])))
        .form(&[("csrf", csrf.as_str()), ("status", "approved"), ("back", "/admin/comments")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let form: Vec<(&str, String)> = vec![
        ("csrf", csrf.clone()),
        ("action", "spam".into()),
        ("back", "/admin/comments".into()),
        ("ids", ids[1].to_string()),
        ("ids", ids[2].to_string()),
    ];
    let r = app.http.post(app.url("/admin/comments/bulk")).form(&form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let counts = app.store.count_comments_by_status().await.unwrap();
    assert!(counts.contains(&(dateline::domain::CommentStatus::Approved, 1)));
    assert!(counts.contains(&(dateline::domain::CommentStatus::Spam, 2)));
    // Authors do not moderate.
    let author = app.browser();
    app.add_user("au@example.org", Role::Author).await;
    let r = author
        .post(app.url("/admin/login"))
        .form(&[("email", "au@example.org"), ("password", "a long enough password")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(author.get(app.url("/admin/comments")).send().await.unwrap().status().as_u16(), 403);
}

#[tokio::test]
async fn an_edit_is_screened_like_a_new_comment() {
    let app = spawn_with(false, |c| c.comments.blocklist_words = vec!["casino".into()]).await;
    let path = with_story(&app).await;
    let token = editor_token(&app).await;
    let id = posted_id(&post(&app, &app.http, &path, &ann("Honest remark")).await);
    moderate(&app, &token, id, "approved").await;
    let r = app
        .http
        .post(app.url(&format!("/comments/{id}/edit")))
        .form(&[("body", "Visit my casino")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let c = app.store.get_comment(dateline::domain::CommentId(id)).await.unwrap().unwrap();
    assert_eq!(c.status, dateline::domain::CommentStatus::Spam);
}
