//! Several `dateline serve` processes on one PostgreSQL database, and that
//! database going away and coming back while the site serves.

use std::time::{Duration, Instant};

use dateline::domain::Role;
use serde_json::json;

use crate::common::{posted_id, spawn_with, story_dir, texts, TestApp};
use crate::pg::TestDb;

/// Starts a node on `db`, with the media folder the nodes share.
async fn node(db: &TestDb, media: &std::path::Path, adjust: impl FnOnce(&mut dateline::config::Config)) -> TestApp {
    let (url, media) = (db.url.clone(), media.to_path_buf());
    spawn_with(false, move |c| {
        c.database.url = url;
        c.media.dir = media;
        adjust(c);
    })
    .await
}

/// GETs `path` with a cookie-less client until `done` holds, for at most `limit`.
async fn eventually(app: &TestApp, path: &str, limit: Duration, done: impl Fn(u16, &str) -> bool) -> Duration {
    let reader = app.browser();
    let start = Instant::now();
    loop {
        let r = reader.get(app.url(path)).send().await.unwrap();
        let status = r.status().as_u16();
        if done(status, &r.text().await.unwrap()) {
            return start.elapsed();
        }
        assert!(start.elapsed() < limit, "{path} on {} did not change within {limit:?}", app.base_url);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn two_nodes_on_one_database_behave_as_one_site() {
    let Some(db) = TestDb::create().await else { return };
    let media = tempfile::tempdir().unwrap();
    let a = node(&db, media.path(), |_| {}).await;
    let b = node(&db, media.path(), |_| {}).await;

    // An article imported through A, photo included, is served by B.
    let story = a.import(&story_dir().join("article.md")).await;
    let path = story.permalink(a.cfg.tz());
    let (status, html) = b.get(&path).await;
    assert_eq!(status, 200);
    assert_eq!(texts(&html, "h1"), std::slice::from_ref(&story.headline));
    let img = crate::common::attrs(&html, "figure img", "src");
    let photo = b.http.get(b.url(&img[0])).send().await.unwrap();
    assert_eq!((photo.status().as_u16(), photo.headers()["content-type"].to_str().unwrap()), (200, "image/jpeg"));

    // B's cached front page drops a story published through A's API.
    let editor = a.add_user("ed@example.org", Role::Editor).await;
    let token = a.token(&editor).await;
    let (_, before) = b.get("/").await;
    assert!(!before.contains("/night-ferry-returns/"));
    let r = a
        .http
        .post(a.url("/api/v1/articles"))
        .bearer_auth(&token)
        .json(&json!({"headline": "Night Ferry Returns", "body": "It is back.", "status": "published"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let took = eventually(&b, "/", Duration::from_secs(2), |_, html| html.contains("/night-ferry-returns/")).await;
    eprintln!("front page on B changed {took:?} after the publish on A");

    // A comment posted on A waits; its writer sees it pending on B with A's cookies.
    let commenter = a.browser();
    let typed = [("name", "Ann Reader"), ("email", "ann@example.org"), ("body", "Posted on node A.")];
    let r = a.comment_with(&commenter, &path, &typed).await;
    assert_eq!(r.status().as_u16(), 303);
    let id = posted_id(&r);
    let mine = commenter.get(b.url(&path)).send().await.unwrap().text().await.unwrap();
    assert_eq!(texts(&mine, &format!("#comment-{id} .awaiting")), ["Your comment is awaiting moderation."]);
    let (_, public) = a.get(&path).await;
    assert!(!public.contains("Posted on node A."), "A caches the page without the pending comment");

    // Approved through B's API, it is on A's public page within 2 s.
    let r = b
        .http
        .patch(b.url(&format!("/api/v1/comments/{id}")))
        .bearer_auth(&token)
        .json(&json!({"status": "approved"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let took = eventually(&a, &path, Duration::from_secs(2), |_, html| html.contains("Posted on node A.")).await;
    eprintln!("article page on A showed the approval on B after {took:?}");

    // A login on A works on B, and so does its CSRF token.
    let ed = a.browser();
    let r = ed
        .post(a.url("/admin/login"))
        .form(&[("email", "ed@example.org"), ("password", "a long enough password"), ("next", "/admin")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let page = ed.get(b.url("/admin/articles/new")).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let csrf = crate::common::attrs(&page.text().await.unwrap(), "input[name=csrf]", "value").remove(0);
    let r = ed
        .post(b.url(&format!("/admin/comments/{id}/status")))
        .form(&[("csrf", csrf.as_str()), ("status", "pending"), ("back", "/admin/comments")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303, "B accepts A's session and CSRF token");
    eventually(&a, &path, Duration::from_secs(2), |_, html| !html.contains("Posted on node A.")).await;
}

#[tokio::test]
async fn a_database_outage_answers_503_keeps_cached_pages_and_loses_nothing_acknowledged() {
    let Some(db) = TestDb::create().await else { return };
    let media = tempfile::tempdir().unwrap();
    let app = node(&db, media.path(), |c| c.database.connect_timeout_ms = 300).await;
    let story = app.import(&story_dir().join("article.md")).await;
    let path = story.permalink(app.cfg.tz());
    assert_eq!(app.get(&path).await.0, 200, "the page is rendered and cached");

    // Commenters keep posting through the outage, each from a browser of their own.
    let writer = {
        let (base, path) = (app.base_url.clone(), path.clone());
        tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            let mut refused = 0;
            for i in 0..60 {
                let browser =
                    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build();
                let browser = browser.unwrap();
                let page = browser.get(format!("{base}{path}")).send().await.unwrap().text().await.unwrap();
                let mut fields = crate::common::comment_fields(&page);
                let body = format!("Comment number {i} through the outage.");
                fields.push(("name".into(), format!("Reader {i}")));
                fields.push(("email".into(), format!("reader{i}@example.org")));
                fields.push(("body".into(), body.clone()));
                let r = browser.post(format!("{base}/comments")).form(&fields).send().await.unwrap();
                match r.status().as_u16() {
                    303 => acknowledged.push((posted_id(&r), body)),
                    503 => refused += 1,
                    other => panic!("unexpected {other}: {}", r.text().await.unwrap()),
                }
                tokio::time::sleep(Duration::from_millis(40)).await;
            }
            (acknowledged, refused)
        })
    };

    tokio::time::sleep(Duration::from_millis(500)).await;
    db.cut().await;
    // During the gap: the cached page is served, writes get 503 with
    // Retry-After and the text given back, and the health check says so.
    let reader = app.browser();
    let r = reader.get(app.url(&path)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200, "cached pages keep being served");
    let served = r.headers()["x-cache"].to_str().unwrap().to_owned();
    assert!(served == "hit" || served == "stale", "{served}");
    let fields = crate::common::comment_fields(&r.text().await.unwrap());
    let mut form = fields.clone();
    form.extend([
        ("name".to_owned(), "Ann Reader".to_owned()),
        ("email".to_owned(), "ann@example.org".to_owned()),
        ("body".to_owned(), "Typed while the database was away.".to_owned()),
    ]);
    let r = reader.post(app.url("/comments")).form(&form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 503);
    assert_eq!(r.headers()["retry-after"], "5");
    let html = r.text().await.unwrap();
    assert_eq!(texts(&html, "form.resend textarea[name=body]"), ["Typed while the database was away."]);
    assert_eq!(crate::common::attrs(&html, "form.resend", "action"), ["/comments"]);
    assert_eq!(app.get("/healthz").await.0, 503);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    db.restore().await;

    let (acknowledged, refused) = writer.await.unwrap();
    eprintln!("outage: {} comments acknowledged, {refused} answered 503", acknowledged.len());
    assert!(refused > 0, "the outage was seen as 503s");
    let after_gap = acknowledged.iter().filter(|(id, _)| *id > 0).count();
    assert!(after_gap > refused, "posting recovered after the gap: {after_gap} acknowledged, {refused} refused");
    // The pool reconnected by itself, and every acknowledged comment is stored as sent.
    assert_eq!(app.get("/healthz").await.0, 200);
    for (id, body) in &acknowledged {
        let c = app.store.get_comment(dateline::domain::CommentId(*id)).await.unwrap().expect("acknowledged is kept");
        assert_eq!(&c.body, body);
    }
    // The form given back during the gap sends once the database is back.
    let r = reader.post(app.url("/comments")).form(&form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
}

#[tokio::test]
async fn an_import_beside_a_sqlite_server_reaches_its_cached_pages() {
    let app = crate::common::spawn_app().await;
    let (_, before) = app.get("/").await;
    assert!(!before.contains("Breakwater Light"));
    // Another process: its own connections to the same file, as `dateline import` has.
    let other = dateline::store::open(&app.cfg.database_url()).await.unwrap();
    let articles = dateline::app::articles(&other, &app.cfg, dateline::service::Enrich::Off);
    let root = app.cfg.media_dir();
    let to = dateline::import::markdown::Target { store: &other, articles: &articles, media_root: &root };
    dateline::import::markdown::import_file(&to, &story_dir().join("article.md")).await.unwrap();
    let took = eventually(&app, "/", Duration::from_secs(2), |_, html| html.contains("Breakwater Light")).await;
    eprintln!("front page changed {took:?} after an import by another process");
}
