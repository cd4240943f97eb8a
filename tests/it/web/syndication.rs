//! Sharing, cards, structured data, feeds, sitemaps and oEmbed.

use serde_json::Value;

use crate::common::{attrs, spawn_app, spawn_with, story_dir, texts, TestApp};

async fn story(app: &TestApp) -> (String, String) {
    let a = app.import(&story_dir().join("article.md")).await;
    let path = a.permalink(app.cfg.tz());
    (path.clone(), app.url(&path))
}

fn meta(html: &str, attr: &str, key: &str) -> Vec<String> {
    attrs(html, &format!("meta[{attr}=\"{key}\"]"), "content")
}

#[tokio::test]
async fn article_pages_carry_open_graph_and_twitter_cards() {
    let app = spawn_app().await;
    let (path, url) = story(&app).await;
    let (_, html) = app.get(&path).await;
    assert_eq!(attrs(&html, "link[rel=canonical]", "href"), vec![url.clone()]);
    assert_eq!(meta(&html, "property", "og:type"), ["article"]);
    assert_eq!(meta(&html, "property", "og:url"), vec![url.clone()]);
    assert!(meta(&html, "property", "og:title")[0].starts_with("Breakwater Light Shines Again"));
    assert!(
        meta(&html, "property", "og:description")[0].starts_with("The Breakwater Light at the end of the North Mole")
    );
    assert_eq!(meta(&html, "property", "og:site_name"), vec![app.cfg.site.title.clone()]);
    let image = meta(&html, "property", "og:image").remove(0);
    assert!(image.starts_with(&app.base_url) && image.ends_with("/card.jpg"), "{image}");
    assert_eq!(meta(&html, "property", "og:image:width"), ["1200"]);
    assert_eq!(meta(&html, "property", "og:image:height"), ["630"]);
    assert_eq!(
        meta(&html, "property", "og:image:alt"),
        ["A white lighthouse with a red band on a breakwater, its beam crossing the sky at sunset"]
    );
    assert_eq!(meta(&html, "property", "article:published_time"), ["2025-03-15T17:40:00Z"]);
    assert_eq!(meta(&html, "property", "article:modified_time").len(), 1);
    assert_eq!(meta(&html, "property", "article:section"), ["City"]);
    assert_eq!(meta(&html, "property", "article:tag"), ["Lighthouse", "Heritage", "Waterfront"]);
    assert_eq!(meta(&html, "property", "article:author"), [app.url("/author/nell-ashdown/")]);
    assert_eq!(meta(&html, "name", "twitter:card"), ["summary_large_image"]);

    let card = app.http.get(&image).send().await.unwrap().bytes().await.unwrap();
    let img = image::load_from_memory(&card).unwrap();
    assert_eq!((img.width(), img.height()), (1200, 630));
}

#[tokio::test]
async fn article_pages_carry_news_article_json_ld() {
    let app = spawn_app().await;
    let (path, url) = story(&app).await;
    let (_, html) = app.get(&path).await;
    let blocks: Vec<Value> = crate::common::texts_raw(&html, "script[type=\"application/ld+json\"]")
        .iter()
        .map(|s| serde_json::from_str(s).unwrap())
        .collect();
    assert_eq!(blocks.len(), 1);
    let items = blocks[0].as_array().unwrap();
    let article = items.iter().find(|v| v["@type"] == "NewsArticle").expect("NewsArticle");
    assert!(article["headline"].as_str().unwrap().starts_with("Breakwater Light Shines Again"));
    assert_eq!(article["url"], url.as_str());
    assert_eq!(article["datePublished"], "2025-03-15T17:40:00Z");
    assert!(article["dateModified"].is_string());
    assert_eq!(article["dateline"], "PORT ALDER");
    assert_eq!(article["articleSection"], "City");
    assert_eq!(article["keywords"], "Lighthouse, Heritage, Waterfront");
    assert_eq!(article["isAccessibleForFree"], true);
    assert_eq!(article["author"][0]["@type"], "Person");
    assert_eq!(article["author"][0]["url"], app.url("/author/nell-ashdown/"));
    assert_eq!(article["publisher"]["logo"]["url"], app.url("/static/logo.png"));
    assert!(article["image"][0].as_str().unwrap().ends_with("/card.jpg"));
    let crumbs = items.iter().find(|v| v["@type"] == "BreadcrumbList").expect("BreadcrumbList");
    assert_eq!(crumbs["itemListElement"].as_array().unwrap().len(), 3);
    assert_eq!(app.http.get(app.url("/static/logo.png")).send().await.unwrap().status().as_u16(), 200);

    let (_, front) = app.get("/").await;
    let site: Value =
        serde_json::from_str(&crate::common::texts_raw(&front, "script[type=\"application/ld+json\"]")[0]).unwrap();
    assert_eq!(site["@type"], "WebSite");
}

#[tokio::test]
async fn article_text_cannot_close_the_json_ld_script() {
    let app = spawn_app().await;
    let email = app.add_user("ed@example.org", dateline::domain::Role::Editor).await;
    let token = app.token(&email).await;
    let hostile = "</script><script>alert(1)</script>";
    let r = app
        .http
        .post(app.url("/api/v1/articles"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"headline": format!("Headline {hostile}"), "body": "x", "tags": [hostile], "status": "published"}))
        .send()
        .await
        .unwrap();
    let a: Value = r.json().await.unwrap();
    let path = a["url"].as_str().unwrap().replace(&app.base_url, "");
    let (_, html) = app.get(&path).await;
    // Every script element is the JSON-LD block or one of the site's own files.
    let doc = scraper::Html::parse_document(&html);
    let scripts: Vec<_> = doc.select(&scraper::Selector::parse("script").unwrap()).collect();
    assert_eq!(html.matches("<script").count(), scripts.len(), "no script element hides in text: {html}");
    for s in &scripts {
        let ld = s.value().attr("type") == Some("application/ld+json");
        let own = s.value().attr("src").is_some_and(|src| src.starts_with("/static/"));
        assert!(ld || own, "unexpected script: {}", s.html());
    }
    let json = crate::common::texts_raw(&html, "script[type=\"application/ld+json\"]").remove(0);
    let v: Value = serde_json::from_str(&json).unwrap();
    assert!(v[0]["headline"].as_str().unwrap().ends_with(hostile));
}

#[tokio::test]
async fn feeds_list_articles_for_the_site_and_each_section_tag_and_byline() {
    let app = spawn_app().await;
    let (_, url) = story(&app).await;
    for base in ["/", "/section/city/", "/tag/heritage/", "/author/nell-ashdown/"] {
        let r = app.http.get(app.url(&format!("{base}feed.xml"))).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{base}");
        assert_eq!(r.headers()["content-type"], "application/rss+xml; charset=utf-8");
        let rss = r.text().await.unwrap();
        assert!(rss.contains(&format!("<link>{url}</link>")), "{rss}");
        assert!(rss.contains("<content:encoded>"));
        assert!(rss.contains("<media:content url=\""));
        let atom = app.get(&format!("{base}atom.xml")).await.1;
        assert!(atom.contains(&format!("href=\"{url}\"")));
        let json: Value = serde_json::from_str(&app.get(&format!("{base}feed.json")).await.1).unwrap();
        assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
        assert_eq!(json["items"][0]["url"], url.as_str());
    }
    assert_eq!(app.get("/section/nope/feed.xml").await.0, 404);
    assert_eq!(app.get("/section/city/feed.txt").await.0, 404);

    let first = app.http.get(app.url("/feed.xml")).send().await.unwrap();
    let etag = first.headers()["etag"].clone();
    let again = app.http.get(app.url("/feed.xml")).header("if-none-match", etag).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 304);
    assert!(first.headers().contains_key("last-modified"));
}

#[tokio::test]
async fn every_page_advertises_the_three_site_feeds() {
    let app = spawn_app().await;
    let (path, _) = story(&app).await;
    for p in ["/", path.as_str(), "/section/city/", "/no-such-page/"] {
        let html = app.http.get(app.url(p)).send().await.unwrap().text().await.unwrap();
        let types = attrs(&html, "link[rel=alternate]", "type");
        for t in ["application/rss+xml", "application/atom+xml", "application/feed+json"] {
            assert!(types.iter().any(|x| x == t), "{p}: {types:?}");
        }
    }
    let (_, section) = app.get("/section/city/").await;
    assert!(attrs(&section, "link[rel=alternate]", "href").contains(&app.url("/section/city/feed.xml")));
}

#[tokio::test]
async fn sitemaps_and_robots_name_every_article() {
    let app = spawn_app().await;
    let (_, url) = story(&app).await;
    let (status, sm) = app.get("/sitemap.xml").await;
    assert_eq!(status, 200);
    assert!(sm.contains(&format!("<loc>{url}</loc><lastmod>")), "{sm}");
    assert!(sm.contains("<image:loc>"));
    assert!(sm.contains(&format!("<loc>{}</loc>", app.url("/section/city/"))));
    // The story is from 2025: not news any more.
    let (_, news) = app.get("/news-sitemap.xml").await;
    assert!(!news.contains(&url));
    let email = app.add_user("ed@example.org", dateline::domain::Role::Editor).await;
    let token = app.token(&email).await;
    app.http
        .post(app.url("/api/v1/articles"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"headline": "Breaking Now", "body": "x", "status": "published"}))
        .send()
        .await
        .unwrap();
    let (_, news) = app.get("/news-sitemap.xml").await;
    assert!(news.contains("<news:title>Breaking Now</news:title>"), "{news}");
    let (_, robots) = app.get("/robots.txt").await;
    assert!(robots.contains(&format!("Sitemap: {}", app.url("/sitemap.xml"))));
    assert!(robots.contains("Disallow: /admin"));
}

#[tokio::test]
async fn oembed_answers_a_card_for_an_article_url() {
    let app = spawn_app().await;
    let (path, url) = story(&app).await;
    let (_, html) = app.get(&path).await;
    let discovery = attrs(&html, "link[type=\"application/json+oembed\"]", "href").remove(0);
    let r = app.http.get(&discovery).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let o: Value = r.json().await.unwrap();
    assert_eq!(o["version"], "1.0");
    assert_eq!(o["type"], "rich");
    assert!(o["title"].as_str().unwrap().starts_with("Breakwater"));
    assert!(o["html"].as_str().unwrap().contains(&format!("href=\"{url}\"")));
    assert!(!o["html"].as_str().unwrap().contains("<script") && !o["html"].as_str().unwrap().contains("<iframe"));
    assert_eq!(o["thumbnail_width"], 1200);
    let other = app.url("/oembed?url=https%3A%2F%2Felsewhere.example%2F&format=json");
    assert_eq!(app.http.get(other).send().await.unwrap().status().as_u16(), 404);
    let xml = app.url(&format!("/oembed?url={}&format=xml", dateline::web::auth::urlencode(&url)));
    assert_eq!(app.http.get(xml).send().await.unwrap().status().as_u16(), 501);
}

#[tokio::test]
async fn the_share_block_links_every_chosen_service_with_the_canonical_url() {
    let app = spawn_app().await;
    let (path, url) = story(&app).await;
    let (_, html) = app.get(&path).await;
    assert_eq!(texts(&html, "#share-title"), ["Share"]);
    let hrefs = attrs(&html, ".share-links a", "href");
    assert_eq!(hrefs.len(), 9);
    let encoded = dateline::web::auth::urlencode(&url);
    for h in &hrefs {
        assert!(h.contains(&encoded), "{h}");
    }
    assert!(hrefs.iter().any(|h| h.starts_with("mailto:")));
    assert!(hrefs.iter().any(|h| h.starts_with("/share/mastodon?")));
    assert_eq!(attrs(&html, "button.copy-link", "data-url"), vec![url.clone()]);

    // The Mastodon hop asks for the server and forwards there.
    let masto = hrefs.iter().find(|h| h.starts_with("/share/mastodon")).unwrap();
    assert_eq!(app.get(masto).await.0, 200);
    let r = app.http.get(app.url(&format!("{masto}&instance=mastodon.social"))).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("https://mastodon.social/share?text="));
    let r = app.http.get(app.url(&format!("{masto}&instance=evil.example%2Fx%3F"))).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 422);

    // Editors choose the services.
    app.add_user("ed@example.org", dateline::domain::Role::Editor).await;
    app.login("ed@example.org").await;
    let csrf = app.csrf().await;
    let r = app
        .http
        .post(app.url("/admin/settings"))
        .form(&[("csrf", csrf.as_str()), ("share", "email"), ("share", "mastodon")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let (_, html) = app.get(&path).await;
    assert_eq!(texts(&html, ".share-links a"), ["Mastodon", "Email"]);
}

#[tokio::test]
async fn no_public_page_loads_anything_from_another_origin() {
    let app = spawn_with(true, |_| {}).await;
    story(&app).await;
    let mut queue = vec!["/".to_owned(), "/no-such-page/".to_owned()];
    let mut seen = std::collections::HashSet::new();
    while let Some(path) = queue.pop() {
        if !seen.insert(path.clone()) || seen.len() > 80 {
            continue;
        }
        let r = app.http.get(app.url(&path)).send().await.unwrap();
        let csp = r.headers().get("content-security-policy").map(|v| v.to_str().unwrap().to_owned());
        let html = r.text().await.unwrap();
        assert!(csp.as_deref().unwrap_or("").contains("default-src 'self'"), "{path}");
        for (css, attr) in [
            ("script[src]", "src"),
            ("link[rel=stylesheet]", "href"),
            ("link[rel=icon]", "href"),
            ("img", "src"),
            ("img[srcset]", "srcset"),
            ("iframe", "src"),
            ("source", "src"),
            ("video", "src"),
            ("audio", "src"),
            ("object", "data"),
            ("embed", "src"),
        ] {
            for v in attrs(&html, css, attr) {
                for part in v.split(',') {
                    let u = part.split_whitespace().next().unwrap_or("");
                    assert!(u.starts_with('/') && !u.starts_with("//"), "{path}: {css} loads {u}");
                }
            }
        }
        assert!(!html.contains("@import") && !html.contains("url(http"), "{path}");
        for href in attrs(&html, "a[href]", "href") {
            let local = href.strip_prefix(&app.base_url).unwrap_or(&href).to_owned();
            if local.starts_with('/')
                && !local.starts_with("//")
                && !local.starts_with("/media/")
                && !local.contains("feed")
                && !local.contains("sitemap")
                && !local.starts_with("/share/")
            {
                queue.push(local);
            }
        }
    }
    assert!(seen.len() > 15, "crawled {} pages", seen.len());
}

#[tokio::test]
async fn feeds_carry_summaries_only_when_the_site_says_so() {
    let app = spawn_with(false, |c| c.feeds.full_text = false).await;
    story(&app).await;
    let (_, rss) = app.get("/feed.xml").await;
    assert!(!rss.contains("<content:encoded>"), "{rss}");
    assert!(rss.contains("<description>The Breakwater Light at the end of the North Mole"), "{rss}");
    let json: Value = serde_json::from_str(&app.get("/feed.json").await.1).unwrap();
    assert!(json["items"][0].get("content_html").is_none());
    assert!(json["items"][0]["content_text"].is_string());
}

#[tokio::test]
async fn a_large_site_gets_a_sitemap_index() {
    let app = spawn_app().await;
    let now = chrono::Utc::now();
    for n in 0..1001 {
        let input = dateline::domain::ArticleInput {
            kind: dateline::domain::Kind::Article,
            slug: Some(format!("story-{n}")),
            headline: format!("Story {n}"),
            standfirst: None,
            body: "Text.".into(),
            body_format: Default::default(),
            dateline: None,
            section: None,
            tags: vec![],
            authors: vec![],
            photo: None,
            status: dateline::domain::Status::Published,
            published_at: Some(now - chrono::Duration::minutes(n)),
            comments_open: true,
            password: None,
        };
        crate::common::create(&app.store, &input, now).await.unwrap();
    }
    let (_, index) = app.get("/sitemap.xml").await;
    assert!(index.contains("<sitemapindex"), "{index}");
    for part in ["/sitemaps/pages.xml", "/sitemaps/1.xml", "/sitemaps/2.xml"] {
        assert!(index.contains(&app.url(part)), "{part}");
        let (status, body) = app.get(part).await;
        assert_eq!(status, 200, "{part}");
        assert!(body.contains("<urlset"));
    }
    let (_, second) = app.get("/sitemaps/2.xml").await;
    assert_eq!(second.matches("<url>").count(), 1);
    assert_eq!(app.get("/sitemaps/3.xml").await.0, 404);
}
