//! Story intelligence through the real server: entity pages, timelines,
//! related articles, JSON-LD, the sitemap, the API, and the editors' review.

use std::path::{Path, PathBuf};
use std::time::Duration;

use dateline::domain::Role;

use crate::common::{attrs, seed_or_skip, spawn_app, texts, TestApp};

/// A second story of ours naming the same people, and a draft.
fn write_stories(dir: &Path) -> (PathBuf, PathBuf) {
    let second = dir.join("second.md");
    std::fs::write(
        &second,
        "---\ntitle: Leaders Trade Calls Before the Summit\nslug: leaders-trade-calls\n\
         date: 2022-02-22T09:00:00-05:00\ndateline: PARIS\nsection: World\nauthors: [World Desk]\n---\n\n\
         Russian President Vladimir Putin spoke with French President Emmanuel Macron by telephone on February 21, \
         the Kremlin said.\n\n\
         \"We discussed every question openly,\" Putin said after the call.\n",
    )
    .unwrap();
    let draft = dir.join("draft.md");
    std::fs::write(
        &draft,
        "---\ntitle: Unpublished Profile\nslug: unpublished-profile\ndate: 2022-02-23T09:00:00-05:00\n\
         status: draft\n---\n\nForeign Minister Ayla Brennwood met Vladimir Putin on February 23.\n",
    )
    .unwrap();
    (second, draft)
}

struct Site {
    app: TestApp,
    seed_path: String,
    seed_id: i64,
    second_path: String,
    _dir: tempfile::TempDir,
}

/// The seed article and two stories of ours on a new site; `None` (the test
/// skips) when the seed is not beside the clone, for these tests are about
/// what story intelligence finds in it.
async fn site() -> Option<Site> {
    let seed_dir = seed_or_skip()?;
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let (second, draft) = write_stories(dir.path());
    let seed = app.import(&seed_dir.join("article.md")).await;
    let two = app.import(&second).await;
    app.import(&draft).await;
    let tz = app.cfg.tz();
    Some(Site { seed_path: seed.permalink(tz), seed_id: seed.id.0, second_path: two.permalink(tz), app, _dir: dir })
}

#[tokio::test]
async fn the_person_page_lists_articles_roles_and_quotes_of_public_stories() {
    let Some(s) = site().await else { return };
    let (status, html) = s.app.get("/people/vladimir-putin/").await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(texts(&html, "h1"), ["Vladimir Putin"]);
    let cards = attrs(&html, ".card-title a", "href");
    // Newest first; the draft never shows.
    assert_eq!(cards, [s.second_path.clone(), s.seed_path.clone()]);
    assert!(texts(&html, ".roles li").iter().any(|r| r.starts_with("Russian President")), "{html}");
    let quotes = texts(&html, ".quote blockquote");
    assert!(quotes.iter().any(|q| q.contains("We discussed every question openly")), "{quotes:?}");
    let quote_links = attrs(&html, ".quote figcaption a", "href");
    assert!(quote_links.iter().any(|l| l.starts_with(&s.second_path) && l.contains("#p-")), "{quote_links:?}");
    assert!(!html.contains("Brennwood"));
    // The draft's own names have no page.
    assert_eq!(s.app.get("/people/ayla-brennwood/").await.0, 404);
    assert_eq!(s.app.get("/places/geneva/").await.0, 200);
    assert_eq!(s.app.get("/organisations/nato/").await.0, 200);
    // The wrong kind of page moves to the right one.
    let r = s.app.http.get(s.app.url("/places/vladimir-putin/")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 301);
    assert_eq!(r.headers()["location"], "/people/vladimir-putin/");
}

#[tokio::test]
async fn the_timeline_orders_the_dated_events_and_links_to_their_paragraphs() {
    let Some(s) = site().await else { return };
    let (status, html) = s.app.get("/timeline/vladimir-putin/").await;
    assert_eq!(status, 200, "{html}");
    let dates = attrs(&html, ".timeline time", "datetime");
    assert!(dates.contains(&"2022-02-24".to_owned()), "{dates:?}");
    assert!(dates.contains(&"2022-02-21".to_owned()), "{dates:?}");
    assert!(!dates.contains(&"2022-02-23".to_owned()), "the draft's event shows: {dates:?}");
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "earliest first");
    assert!(texts(&html, ".timeline .when").iter().any(|w| w == "24 February 2022"));
    let links = attrs(&html, ".timeline .from a", "href");
    let anchored = links.iter().find(|l| l.starts_with(&s.seed_path) && l.contains("#p-")).expect("anchored link");
    // The anchor names a paragraph of the article that holds the event's words.
    let (_, article) = s.app.get(&s.seed_path).await;
    let id = anchored.rsplit('#').next().unwrap();
    assert_eq!(attrs(&article, &format!(".body p#{id}"), "id").len(), 1, "{anchored}");
}

#[tokio::test]
async fn article_pages_link_entities_related_stories_and_describe_them_in_json_ld() {
    let Some(s) = site().await else { return };
    let (_, html) = s.app.get(&s.seed_path).await;
    assert!(attrs(&html, ".in-story a", "href").contains(&"/people/vladimir-putin/".to_owned()));
    assert_eq!(attrs(&html, ".related a", "href"), vec![s.second_path.clone()], "related: public and not itself");
    let ld = texts(&html, "script[type='application/ld+json']").join("");
    let json: serde_json::Value = serde_json::from_str(&ld).unwrap();
    let article = &json[0];
    let things: Vec<serde_json::Value> =
        ["about", "mentions"].iter().flat_map(|k| article[*k].as_array().cloned().unwrap_or_default()).collect();
    let putin = things.iter().find(|t| t["name"] == "Vladimir Putin").expect("Putin in about/mentions");
    assert_eq!(putin["@type"], "Person");
    assert!(putin["url"].as_str().unwrap().ends_with("/people/vladimir-putin/"));
    assert!(things.iter().any(|t| t["@type"] == "Place" && t["name"] == "Geneva"));
    let (_, sitemap) = s.app.get("/sitemap.xml").await;
    assert!(sitemap.contains("/people/vladimir-putin/</loc>"), "{sitemap}");
    assert!(!sitemap.contains("ayla-brennwood"));
}

#[tokio::test]
async fn the_api_answers_entities_lists_and_timelines_with_a_token() {
    let Some(s) = site().await else { return };
    let email = s.app.add_user("desk@example.org", Role::Editor).await;
    let token = s.app.token(&email).await;
    let get = |path: String| {
        let req = s.app.http.get(s.app.url(&path)).bearer_auth(&token);
        async move {
            let r = req.send().await.unwrap();
            assert_eq!(r.status().as_u16(), 200, "{path}");
            r.json::<serde_json::Value>().await.unwrap()
        }
    };
    let mine = get(format!("/api/v1/articles/{}/entities", s.seed_id)).await;
    let putin = mine["entities"].as_array().unwrap().iter().find(|e| e["entity"]["slug"] == "vladimir-putin").unwrap();
    assert_eq!(putin["entity"]["type"], "person");
    assert_eq!(putin["status"], "found");
    assert!(putin["roles"].as_array().unwrap().iter().any(|r| r == "Russian President"));
    assert!(!putin["snippets"].as_array().unwrap().is_empty());
    let people = get("/api/v1/entities?type=person".into()).await;
    let listed: Vec<&str> =
        people["entities"].as_array().unwrap().iter().map(|e| e["slug"].as_str().unwrap()).collect();
    // Named by two public articles each, so ahead of the rest.
    assert_eq!(listed[..2], ["emmanuel-macron", "vladimir-putin"], "most named first: {listed:?}");
    assert!(!listed.contains(&"ayla-brennwood"));
    // The article's own list counts the same articles as the site-wide list.
    let counted = |list: &serde_json::Value, slug: &str| {
        let all = list.as_array().unwrap();
        let e = all.iter().find(|e| e["slug"] == slug || e["entity"]["slug"] == slug).unwrap();
        if e["entity"].is_object() {
            e["entity"]["articles"].as_u64()
        } else {
            e["articles"].as_u64()
        }
    };
    assert_eq!(counted(&mine["entities"], "vladimir-putin"), counted(&people["entities"], "vladimir-putin"));
    assert_eq!(counted(&mine["entities"], "vladimir-putin"), Some(2));
    let timeline = get("/api/v1/timeline?entity=vladimir-putin".into()).await;
    assert!(timeline["events"].as_array().unwrap().iter().any(|e| e["from"] == "2022-02-24"));
    let r = s.app.http.get(s.app.url("/api/v1/entities")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let bad = s.app.http.get(s.app.url("/api/v1/entities?type=city")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(bad.status().as_u16(), 400);
    let doc = get("/api/v1/openapi.json".into()).await;
    for p in ["/api/v1/articles/{id}/entities", "/api/v1/entities", "/api/v1/timeline"] {
        assert!(doc["paths"][p].is_object(), "{p} documented");
    }
}

/// Posts one review action as the logged-in client.
async fn review(app: &TestApp, id: i64, csrf: &str, fields: &[(&str, &str)]) -> u16 {
    let mut form = vec![("csrf", csrf)];
    form.extend_from_slice(fields);
    let r = app.http.post(app.url(&format!("/admin/articles/{id}/entities"))).form(&form).send().await.unwrap();
    r.status().as_u16()
}

async fn entity_id(app: &TestApp, article: i64, slug: &str) -> String {
    let links = app.store.list_article_entities(dateline::domain::ArticleId(article)).await.unwrap();
    links.iter().find(|l| l.entity.slug == slug).unwrap_or_else(|| panic!("{slug} not found")).entity.id.to_string()
}

fn enrich_with_the_binary(app: &TestApp) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dateline"))
        .args(["--data", app.cfg.data_dir.to_str().unwrap(), "enrich"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Read 3 articles"));
}

#[tokio::test]
async fn editors_decisions_survive_dateline_enrich() {
    let Some(s) = site().await else { return };
    let app = &s.app;
    app.login(&app.add_user("editor@example.org", Role::Editor).await).await;
    let csrf = app.csrf().await;
    let (status, page) = app.get(&format!("/admin/articles/{}/entities", s.seed_id)).await;
    assert_eq!(status, 200);
    assert!(page.contains("Jen Psaki"));
    let psaki = entity_id(app, s.seed_id, "jen-psaki").await;
    let kremlin = entity_id(app, s.seed_id, "kremlin").await;
    let russia = entity_id(app, s.seed_id, "russia").await;
    let g7 = entity_id(app, s.seed_id, "g7").await;
    assert_eq!(review(app, s.seed_id, &csrf, &[("entity", &psaki), ("action", "reject")]).await, 303);
    let merge = [("entity", kremlin.as_str()), ("action", "merge"), ("into", russia.as_str())];
    assert_eq!(review(app, s.seed_id, &csrf, &merge).await, 303);
    let rename = [("entity", g7.as_str()), ("action", "correct"), ("name", "Group of Seven"), ("kind", "organisation")];
    assert_eq!(review(app, s.seed_id, &csrf, &rename).await, 303);

    enrich_with_the_binary(app);

    assert_eq!(app.get("/people/jen-psaki/").await.0, 404, "rejected in its only article");
    assert_eq!(app.get("/organisations/kremlin/").await.0, 404, "merged away");
    let (_, russia_page) = app.get("/places/russia/").await;
    assert!(attrs(&russia_page, ".card-title a", "href").contains(&s.second_path), "the Kremlin's articles moved over");
    assert_eq!(app.get("/organisations/group-of-seven/").await.0, 200);
    assert_eq!(app.get("/organisations/g7/").await.0, 404);
    let links = app.store.list_article_entities(dateline::domain::ArticleId(s.seed_id)).await.unwrap();
    let status_of = |slug: &str| links.iter().find(|l| l.entity.slug == slug).map(|l| l.status.clone());
    assert_eq!(status_of("jen-psaki").as_deref(), Some("rejected"));
    assert_eq!(status_of("kremlin"), None);

    // Rejected everywhere: no page, whichever article names it.
    let putin = entity_id(app, s.seed_id, "vladimir-putin").await;
    let everywhere = [("entity", putin.as_str()), ("action", "reject-everywhere")];
    assert_eq!(review(app, s.seed_id, &csrf, &everywhere).await, 303);
    assert_eq!(app.get("/people/vladimir-putin/").await.0, 404);
    let (_, article) = app.get(&s.second_path).await;
    assert!(!attrs(&article, ".in-story a", "href").contains(&"/people/vladimir-putin/".to_owned()));
}

#[tokio::test]
async fn only_editors_reach_the_review() {
    let Some(s) = site().await else { return };
    let app = &s.app;
    let path = format!("/admin/articles/{}/entities", s.seed_id);
    let r = app.http.get(app.url(&path)).send().await.unwrap();
    assert!(matches!(r.status().as_u16(), 303 | 401), "anonymous: {}", r.status());
    app.login(&app.add_user("author@example.org", Role::Author).await).await;
    assert_eq!(app.get(&path).await.0, 403);
    let csrf = app.csrf().await;
    let putin = entity_id(app, s.seed_id, "vladimir-putin").await;
    assert_eq!(review(app, s.seed_id, &csrf, &[("entity", &putin), ("action", "reject-everywhere")]).await, 403);
    assert_eq!(app.get("/people/vladimir-putin/").await.0, 200);
}

#[tokio::test]
async fn a_save_through_the_api_is_read_in_the_background() {
    let app = spawn_app().await;
    let email = app.add_user("api@example.org", Role::Editor).await;
    let token = app.token(&email).await;
    let body = serde_json::json!({
        "headline": "Lavrov Flies to Geneva",
        "body": "Russian Foreign Minister Sergei Lavrov arrived in Geneva on Monday for talks.",
        "status": "published",
    });
    let r = app.http.post(app.url("/api/v1/articles")).bearer_auth(&token).json(&body).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let id = r.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
    let mut names = Vec::new();
    for _ in 0..100 {
        let r = app.http.get(app.url(&format!("/api/v1/articles/{id}/entities"))).bearer_auth(&token).send().await;
        let json: serde_json::Value = r.unwrap().json().await.unwrap();
        names = json["entities"].as_array().unwrap().iter().map(|e| e["entity"]["name"].to_string()).collect();
        if !names.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(names.iter().any(|n| n.contains("Sergei Lavrov")), "{names:?}");
    assert_eq!(app.get("/people/sergei-lavrov/").await.0, 200);
}
