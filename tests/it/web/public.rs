//! Reader pages.

use std::path::Path;

use crate::common::{attrs, seed_or_skip, spawn_app, spawn_with, story_dir, texts, TestApp};

/// An article file's body paragraphs as plain text (straight from the Markdown file).
fn body_paragraphs(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let body = text.splitn(3, "---").nth(2).unwrap();
    body.split("\n\n").map(|p| p.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|p| !p.is_empty()).collect()
}

/// Imports `file`, checks that its page shows every paragraph (the first after
/// the dateline) and a photo that answers in every advertised size, and returns
/// the permalink and the page.
async fn renders_completely(app: &TestApp, file: &Path, dateline: &str) -> (String, String) {
    let a = app.import(file).await;
    let path = a.permalink(app.cfg.tz());
    let (status, html) = app.get(&path).await;
    assert_eq!(status, 200);

    let paras = texts(&html, ".body p");
    let expected = body_paragraphs(file);
    assert_eq!(paras.len(), expected.len(), "{paras:#?}");
    assert_eq!(paras[0], format!("{dateline} — {}", expected[0]));
    for (got, want) in paras.iter().zip(&expected).skip(1) {
        assert_eq!(got, want);
    }
    assert_eq!(texts(&html, ".body p .dateline"), [format!("{dateline} —")]);
    assert!(texts(&html, ".updated").is_empty(), "an imported story was not updated by its import");
    assert_eq!(texts(&html, "#reply-title"), ["Leave a Reply"]);

    // The photo answers in every advertised size.
    let src = attrs(&html, "figure img", "src").remove(0);
    let srcset = attrs(&html, "figure img", "srcset").remove(0);
    assert!(srcset.contains("480w") && srcset.contains("1600w"), "{srcset}");
    let r = app.http.get(app.url(&src)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    let img = image::load_from_memory(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(img.width().to_string(), attrs(&html, "figure img", "width")[0]);
    (path, html)
}

#[tokio::test]
async fn the_fixture_story_renders_completely() {
    let app = spawn_app().await;
    let (path, html) = renders_completely(&app, &story_dir().join("article.md"), "PORT ALDER").await;
    assert_eq!(path, "/2025/03/15/breakwater-light-shines-again/");
    assert_eq!(texts(&html, "h1"), ["Breakwater Light Shines Again After Three-Year Restoration"]);
    let caption = texts(&html, "figure figcaption");
    assert!(caption[0].contains("The Breakwater Light at dusk, drawn from the end of the North Mole"), "{caption:?}");
    assert!(caption[0].contains("Illustration"));
    assert_eq!(
        attrs(&html, "figure img", "alt"),
        ["A white lighthouse with a red band on a breakwater, its beam crossing the sky at sunset"]
    );
    // 18:40 in Port Alder (+01:00) is 13:40 on the site's New York clock.
    assert_eq!(attrs(&html, "time.published", "datetime")[0], "2025-03-15T13:40:00-04:00");
    assert_eq!(texts(&html, ".tags a"), ["Lighthouse", "Heritage", "Waterfront"]);
    assert_eq!(texts(&html, ".byline a"), ["Nell Ashdown"]);
}

#[tokio::test]
async fn the_seed_article_renders_completely() {
    let Some(seed) = seed_or_skip() else { return };
    let app = spawn_app().await;
    let (path, html) = renders_completely(&app, &seed.join("article.md"), "WASHINGTON").await;
    assert_eq!(path, "/2022/02/20/biden-tentatively-agrees-to-summit-with-putin/");
    let h1 = texts(&html, "h1");
    assert_eq!(h1.len(), 1);
    assert!(h1[0].starts_with("Biden Tentatively Agrees To Summit With Putin"), "{h1:?}");
    assert!(h1[0].ends_with("Could Come ‘Very Soon’"), "{h1:?}");
    let caption = texts(&html, "figure figcaption");
    assert!(caption[0].contains("U.S. President Joe Biden and Russian President Vladimir Putin"), "{caption:?}");
    assert!(caption[0].contains("Illustration"));
    assert_eq!(attrs(&html, "figure img", "alt"), ["Two stylised figures at podiums facing each other"]);
    assert_eq!(attrs(&html, "time.published", "datetime")[0], "2022-02-20T21:30:00-05:00");
    assert_eq!(texts(&html, ".tags a"), ["Russia", "Ukraine", "United States", "Diplomacy"]);
    assert_eq!(texts(&html, ".byline a"), ["World Desk"]);
}

#[tokio::test]
async fn lists_show_published_articles_on_front_section_tag_author_and_archive_pages() {
    let app = spawn_app().await;
    app.import(&story_dir().join("article.md")).await;
    let headline = "Breakwater Light Shines Again";
    for path in
        ["/", "/section/city/", "/tag/heritage/", "/author/nell-ashdown/", "/2025/", "/2025/03/", "/2025/03/15/"]
    {
        let (status, html) = app.get(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(texts(&html, ".card-title").iter().any(|t| t.starts_with(headline)), "{path}: {html}");
    }
    for path in ["/section/nope/", "/2025/03/16/", "/1999/", "/2025/13/", "/?page=2"] {
        assert_eq!(app.get(path).await.0, 404, "{path}");
    }
}

#[tokio::test]
async fn unknown_paths_answer_a_404_page() {
    let app = spawn_app().await;
    // A page may sit five levels deep: a slashless address that deep first gets its slash.
    let r = app.http.get(app.url("/no/such/page/here/ever")).send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (301, "/no/such/page/here/ever/"));
    let r = app.http.get(app.url("/no/such/page/here/ever/")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = r.text().await.unwrap();
    assert_eq!(texts(&html, "h1"), ["Page not found"]);
    assert_eq!(app.get("/2022/02/20/no-such-article/").await.0, 404);
    assert_eq!(app.get("/api/v1/nothing").await.0, 404);
}

#[tokio::test]
async fn cached_pages_revalidate_compress_and_drop_on_change() {
    let app = spawn_app().await;
    app.import(&story_dir().join("article.md")).await;
    let first = app.http.get(app.url("/")).send().await.unwrap();
    assert_eq!(first.headers()["x-cache"], "miss");
    let etag = first.headers()["etag"].clone();
    let body = first.text().await.unwrap();
    let second = app.http.get(app.url("/")).send().await.unwrap();
    assert_eq!(second.headers()["x-cache"], "hit");
    assert!(second.headers().contains_key("last-modified"));
    assert_eq!(second.text().await.unwrap(), body);

    let revalidate = app.http.get(app.url("/")).header("if-none-match", etag.clone()).send().await.unwrap();
    assert_eq!(revalidate.status().as_u16(), 304);
    // A quick gzip at once; brotli (made off the request path) moments later.
    let r = app.http.get(app.url("/")).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let mut coding = String::new();
    for _ in 0..100 {
        let r = app.http.get(app.url("/")).header("accept-encoding", "br").send().await.unwrap();
        coding = r.headers().get("content-encoding").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        if coding == "br" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(coding, "br");

    // An unkeyed query parameter or header does not make a different page.
    let other =
        app.http.get(app.url("/?utm_source=x")).header("x-forwarded-host", "evil.example").send().await.unwrap();
    assert_eq!(other.headers()["etag"], etag);

    // A change drops the cache: the new article appears at once.
    let tok_user = app.add_user("ed@example.org", dateline::domain::Role::Editor).await;
    let token = app.token(&tok_user).await;
    let r = app
        .http
        .post(app.url("/api/v1/articles"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"headline": "Harbour Festival Opens", "body": "Lanterns.", "section": "Culture", "status": "published"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let after = app.http.get(app.url("/")).send().await.unwrap();
    assert_eq!(after.headers()["x-cache"], "miss");
    let html = after.text().await.unwrap();
    assert!(texts(&html, ".card-title").contains(&"Harbour Festival Opens".to_owned()));
}

#[tokio::test]
async fn health_and_metrics_answer() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await, (200, "ok\n".to_owned()));
    app.get("/").await;
    app.get("/").await;
    let (status, text) = app.get("/metrics").await;
    assert_eq!(status, 200);
    assert!(text.contains("dateline_http_requests_total{method=\"GET\",route=\"/\",status=\"200\"}"), "{text}");
    assert!(text.contains("dateline_http_request_duration_seconds_bucket"));
    assert!(text.contains("dateline_page_cache_hits_total 1"), "{text}");
}

#[tokio::test]
async fn the_demo_site_fills_an_empty_site_once() {
    let app = spawn_with(true, |_| {}).await;
    let (status, html) = app.get("/").await;
    assert_eq!(status, 200);
    let cards = texts(&html, ".card-title");
    assert_eq!(cards.len(), 7, "{cards:?}");
    assert_eq!(attrs(&html, ".card img", "src").len(), 7);
    assert!(texts(&html, ".colophon .pages a").contains(&"About the Gazette".to_owned()));
    let (status, about) = app.get("/about/").await;
    assert_eq!(status, 200);
    assert_eq!(texts(&about, "h1"), ["About the Gazette"]);
    // Typography: straight quotes in the demo files come out curly.
    let first = attrs(&html, ".card-title a", "href").remove(0);
    // The newest story is from the day the site was made, in the site's zone.
    let today = chrono::Utc::now().with_timezone(&app.cfg.tz()).format("/%Y/%m/%d/").to_string();
    assert!(first.starts_with(&today), "{first} is not from {today}");
    let (_, story) = app.get(&first).await;
    let body = texts(&story, ".body").join(" ");
    assert!(body.contains('“') && body.contains('”') && !body.contains('"'), "{body}");
    assert!(body.contains('—'));
    // Seeding again (a restart) adds nothing.
    let root = app.cfg.media_dir();
    let to = dateline::import::markdown::Target { store: &app.store, articles: &app.articles, media_root: &root };
    dateline::demo::seed_if_empty(&to).await.unwrap();
    let all =
        app.store.list_articles(&dateline::store::ArticleQuery { limit: 100, ..Default::default() }).await.unwrap();
    assert_eq!(all.total, 9);
}

#[tokio::test]
async fn double_slash_paths_never_redirect_off_site() {
    let app = spawn_app().await;
    for p in ["//evil-example", "//1249767214", "//localhost"] {
        let r = app.http.get(app.url(p)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 404, "{p}");
        assert!(r.headers().get("location").is_none());
    }
}

#[tokio::test]
async fn security_headers_are_on_every_answer_and_hsts_over_https() {
    let app = spawn_app().await;
    for p in ["/", "/no-such-page/", "/admin/login", "/feed.xml"] {
        let r = app.http.get(app.url(p)).send().await.unwrap();
        let h = r.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{p}");
        assert!(h["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"), "{p}");
        assert!(h.contains_key("referrer-policy"), "{p}");
        assert!(!h.contains_key("strict-transport-security"), "no HSTS over plain HTTP: {p}");
    }
    let https = spawn_with(false, |c| c.site.base_url = "https://news.example".into()).await;
    let r = https.http.get(https.url("/")).send().await.unwrap();
    assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000");
}
