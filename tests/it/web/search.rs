//! Search through the real server: the reader's page, the editors' search in
//! the admin and the API, the structured data that advertises it.

use dateline::domain::Role;
use serde_json::json;

use crate::common::{attrs, spawn_app, story_dir, texts, TestApp};

async fn with_story(app: &TestApp) -> String {
    app.import(&story_dir().join("article.md")).await.permalink(app.cfg.tz())
}

async fn draft(app: &TestApp, token: &str, headline: &str, body: &str) {
    let r = app
        .http
        .post(app.url("/api/v1/articles"))
        .bearer_auth(token)
        .json(&json!({"headline": headline, "body": body, "status": "draft"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
}

#[tokio::test]
async fn readers_find_the_story_with_marked_words_and_no_drafts() {
    let app = spawn_app().await;
    let path = with_story(&app).await;
    let editor = app.add_user("ed@example.org", Role::Editor).await;
    let token = app.token(&editor).await;
    draft(&app, &token, "Unpublished Lens Plans", "Fresnel lens notes for the conservators, not for readers.").await;

    let r = app.http.get(app.url("/search?q=Fresnel+lens+conservators")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["x-robots-tag"], "noindex");
    assert_ne!(r.headers().get("x-cache").map(|v| v.to_str().unwrap()), Some("hit"));
    let html = r.text().await.unwrap();
    assert_eq!(attrs(&html, "meta[name=robots]", "content"), ["noindex"]);
    assert_eq!(attrs(&html, ".search-results h2 a", "href"), std::slice::from_ref(&path));
    let marked = texts(&html, ".search-results .snippet mark");
    assert!(
        !marked.is_empty()
            && marked.iter().all(|m| ["fresnel", "lens", "conservators"].contains(&m.to_lowercase().as_str())),
        "{marked:?}"
    );
    assert!(!html.contains("Unpublished Lens Plans"));
    assert_eq!(texts(&html, ".search-count"), ["1 result for “Fresnel lens conservators”"]);
    // The form in every page's header sends here, without JavaScript.
    assert_eq!(attrs(&html, "header form.site-search", "action"), ["/search"]);
    let (_, other) = app.get("/search?q=Fresnel&section=city&from=2025-03-01&to=2025-03-31").await;
    assert_eq!(attrs(&other, ".search-results h2 a", "href"), std::slice::from_ref(&path));
    let (_, none) = app.get("/search?q=Fresnel&from=2025-04-01").await;
    assert!(texts(&none, ".search-results h2").is_empty());
    let (_, noted) = app.get("/search?q=Fresnel&from=last+week").await;
    assert!(texts(&noted, ".notice")[0].contains("not a date"), "a bad filter is explained, not fatal");
}

#[tokio::test]
async fn a_misspelling_gets_a_suggestion_and_hostile_queries_get_pages() {
    let app = spawn_app().await;
    with_story(&app).await;
    let (status, html) = app.get("/search?q=Fresnl").await;
    assert_eq!(status, 200);
    assert_eq!(texts(&html, ".empty a")[0], "fresnel");
    assert_eq!(attrs(&html, ".empty a", "href")[0], "/search?q=fresnel");
    let long = "x".repeat(10_000);
    for q in [
        "%22",
        "*",
        "(",
        ")",
        "NEAR",
        "NEAR%28a+b%29",
        "-",
        "OR",
        "%22%22",
        "%27",
        "%5C",
        "%25",
        "a:b",
        "%3Cscript%3Ealert(1)%3C/script%3E",
        &long,
    ] {
        let r = app.http.get(app.url(&format!("/search?q={q}&page=x&from=%00"))).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{q:.40}");
        let html = r.text().await.unwrap();
        assert!(!html.contains("<script>alert"), "the query is escaped where it is shown back");
    }
}

#[tokio::test]
async fn pages_of_results_keep_the_query_and_the_filters() {
    let app = spawn_app().await;
    let editor = app.add_user("ed@example.org", Role::Editor).await;
    let token = app.token(&editor).await;
    for i in 0..12 {
        let r = app
            .http
            .post(app.url("/api/v1/articles"))
            .bearer_auth(&token)
            .json(&json!({"headline": format!("Harbour Notes {i}"), "body": "The harbour again.", "status": "published", "section": "City"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 201);
    }
    let (_, first) = app.get("/search?q=harbour&section=city").await;
    assert_eq!(texts(&first, ".search-results li h2").len(), 10);
    let next = attrs(&first, ".pager a[rel=next]", "href").remove(0);
    assert_eq!(next, "/search?q=harbour&section=city&page=2");
    let (_, second) = app.get(&next).await;
    assert_eq!(texts(&second, ".search-results li h2").len(), 2);
}

#[tokio::test]
async fn editors_search_drafts_in_the_admin_and_the_api() {
    let app = spawn_app().await;
    with_story(&app).await;
    let editor = app.add_user("ed@example.org", Role::Editor).await;
    let token = app.token(&editor).await;
    draft(&app, &token, "Embargoed Harbour Plan", "The harbour plan is not public yet.").await;
    app.login(&editor).await;
    let (_, list) = app.get("/admin?q=harbour+plan").await;
    assert_eq!(texts(&list, "table td a").iter().filter(|t| t.contains("Embargoed Harbour Plan")).count(), 1);
    let (_, list) = app.get("/admin?q=Pettersen").await;
    assert!(list.contains("Breakwater Light Shines Again"), "words in the body are found, not only the headline");

    let r = app.http.get(app.url("/api/v1/search?q=harbour")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["total"], 1);
    assert_eq!(body["hits"][0]["article"]["status"], "draft");
    assert!(body["hits"][0]["snippet"].as_str().unwrap().to_lowercase().contains("<mark>harbour</mark>"));
    // An author sees only their own work.
    let author = app.add_user("au@example.org", Role::Author).await;
    let author_token = app.token(&author).await;
    let r = app.http.get(app.url("/api/v1/search?q=harbour")).bearer_auth(&author_token).send().await.unwrap();
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["total"], 0);
    let r = app.http.get(app.url("/api/v1/search?q=harbour")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
}

#[tokio::test]
async fn the_site_advertises_its_search_to_engines_and_browsers() {
    let app = spawn_app().await;
    with_story(&app).await;
    let (_, front) = app.get("/").await;
    let ld: serde_json::Value = serde_json::from_str(&texts(&front, "script[type='application/ld+json']")[0]).unwrap();
    assert_eq!(ld["potentialAction"]["@type"], "SearchAction");
    assert_eq!(
        ld["potentialAction"]["target"]["urlTemplate"],
        format!("{}/search?q={{search_term_string}}", app.base_url)
    );
    assert_eq!(ld["potentialAction"]["query-input"], "required name=search_term_string");
    assert_eq!(attrs(&front, "link[rel=search]", "href"), ["/opensearch.xml"]);
    let r = app.http.get(app.url("/opensearch.xml")).send().await.unwrap();
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/opensearchdescription+xml"));
    let xml = r.text().await.unwrap();
    assert!(xml.contains(&format!("template=\"{}/search?q={{searchTerms}}\"", app.base_url)), "{xml}");
}
