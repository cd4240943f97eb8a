//! The page cache while the story moves: a change reaches only the pages
//! built from what it touched, one render serves every reader of a changed
//! page, edge caches get the keys, and each change purges them.

use std::sync::{Arc, Mutex};

use dateline::domain::Role;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::{spawn_app, spawn_with, TestApp};

async fn publish(app: &TestApp, token: &str, headline: &str, section: &str) -> serde_json::Value {
    let r = app
        .http
        .post(app.url("/api/v1/articles"))
        .bearer_auth(token)
        .json(&json!({"headline": headline, "body": "The quay reopens.", "section": section, "status": "published"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    r.json().await.unwrap()
}

/// Waits until story intelligence has read every story (it runs after a save,
/// in the background, and its change reaches the pages naming them).
async fn settle(app: &TestApp) {
    for _ in 0..200 {
        if app.store.list_unenriched(10).await.unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
}

async fn path_of(a: &serde_json::Value, app: &TestApp) -> String {
    a["url"].as_str().unwrap().replace(&app.base_url, "")
}

async fn x_cache(app: &TestApp, path: &str) -> String {
    let r = app.http.get(app.url(path)).send().await.unwrap();
    r.headers()["x-cache"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_edit_reaches_its_own_pages_and_no_other() {
    let app = spawn_app().await;
    let token = app.token(&app.add_user("ed@example.org", Role::Editor).await).await;
    let a = publish(&app, &token, "Quay Reopens", "City").await;
    let b = publish(&app, &token, "Ferry Strike Ends", "Business").await;
    let (pa, pb) = (path_of(&a, &app).await, path_of(&b, &app).await);
    settle(&app).await;
    for p in [&pa, &pb, &"/".to_owned(), &"/section/business/".to_owned()] {
        app.get(p).await;
        assert_eq!(x_cache(&app, p).await, "hit", "{p} cached");
    }
    // A text edit of one story: its page and the lists showing it change; the other story stays cached.
    let r = app
        .http
        .patch(app.url(&format!("/api/v1/articles/{}", a["id"])))
        .bearer_auth(&token)
        .json(&json!({"body": "The quay reopens on Monday."}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    settle(&app).await;
    assert_eq!(x_cache(&app, &pb).await, "hit", "another story's page is untouched");
    assert_eq!(x_cache(&app, "/section/business/").await, "hit", "a section it is not in is untouched");
    assert_eq!(x_cache(&app, &pa).await, "miss", "its own page renders again");
    assert!(app.get(&pa).await.1.contains("on Monday"));
    assert_eq!(x_cache(&app, "/").await, "miss", "the front page shows it");
    // Edge caches are told what each page is built from.
    let r = app.http.get(app.url(&pb)).send().await.unwrap();
    let keys = r.headers()["surrogate-key"].to_str().unwrap().to_owned();
    assert!(keys.split(' ').any(|k| k == format!("a{}", b["id"])), "{keys}");
    assert_eq!(r.headers()["xkey"].to_str().unwrap(), keys);
    let cc = r.headers()["cache-control"].to_str().unwrap();
    assert!(
        cc.contains("s-maxage=") && cc.contains("stale-while-revalidate=") && cc.contains("stale-if-error="),
        "{cc}"
    );
}

#[tokio::test]
async fn many_readers_of_a_changed_page_cause_one_render() {
    let app = spawn_app().await;
    let token = app.token(&app.add_user("ed@example.org", Role::Editor).await).await;
    let a = publish(&app, &token, "Storm Warning For The Coast", "City").await;
    let path = path_of(&a, &app).await;
    // Story intelligence's own change must not land among the readers below.
    settle(&app).await;
    app.get(&path).await;
    app.http
        .post(app.url(&format!("/api/v1/articles/{}/corrections", a["id"])))
        .bearer_auth(&token)
        .json(&json!({"body": "The warning covers the islands too."}))
        .send()
        .await
        .unwrap();
    // A correction purges hard: the page goes, 50 readers arrive at once.
    let before = app.state_cache_misses();
    let mut readers = Vec::new();
    for _ in 0..50 {
        let (http, url) = (app.http.clone(), app.url(&path));
        readers.push(tokio::spawn(async move { http.get(url).send().await.unwrap().text().await.unwrap() }));
    }
    for r in readers {
        assert!(r.await.unwrap().contains("islands too"), "nobody gets the page without its correction");
    }
    assert_eq!(app.state_cache_misses() - before, 1, "one render for fifty readers");
}

/// A stand-in for an edge cache: it records every request's head and answers 200.
async fn fake_edge() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else { return };
            let s = s.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let n = sock.read(&mut buf).await.unwrap_or(0);
                s.lock().unwrap().push(String::from_utf8_lossy(&buf[..n]).into_owned());
                sock.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").await.ok();
            });
        }
    });
    (format!("http://{addr}/"), seen)
}

#[tokio::test]
async fn each_change_purges_the_edge_caches_by_key() {
    let (edge, seen) = fake_edge().await;
    let app = spawn_with(false, |c| c.cache.purge = vec![edge.clone()]).await;
    let token = app.token(&app.add_user("ed@example.org", Role::Editor).await).await;
    let a = publish(&app, &token, "Harbour Lights Switched On", "City").await;
    // Story intelligence's own (soft) change comes after the publish; let it pass first.
    settle(&app).await;
    let wait = || async {
        for _ in 0..100 {
            if !seen.lock().unwrap().is_empty() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    };
    wait().await;
    let first = seen.lock().unwrap().drain(..).collect::<Vec<_>>().join("\n");
    assert!(first.starts_with("PURGE / HTTP/1.1"), "{first}");
    assert!(first.contains("xkey-softpurge:") && first.contains("lists") && first.contains("any"), "{first}");
    // Unpublishing purges hard: no stale copy may be served anywhere.
    app.http
        .patch(app.url(&format!("/api/v1/articles/{}", a["id"])))
        .bearer_auth(&token)
        .json(&json!({"status": "unpublished"}))
        .send()
        .await
        .unwrap();
    let mut second = String::new();
    for _ in 0..100 {
        second.push_str(&seen.lock().unwrap().drain(..).collect::<Vec<_>>().join("\n"));
        if second.contains("xkey-purge:") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(second.contains(&format!("xkey-purge: a{}", a["id"])) || second.contains("xkey-purge:"), "{second}");
    assert!(second.contains(&format!("a{}", a["id"])), "{second}");
}

/// The menus are held in memory between changes of content; a new section and
/// a renamed page still reach every page's menus at once.
#[tokio::test]
async fn the_menus_follow_sections_and_pages() {
    let app = spawn_app().await;
    let token = app.token(&app.add_user("ed@example.org", Role::Editor).await).await;
    let a = publish(&app, &token, "Quay Reopens", "City").await;
    let pa = path_of(&a, &app).await;
    let (_, html) = app.get(&pa).await;
    assert!(html.contains("/section/city/"), "its section is in the menu");
    assert!(!html.contains("/section/harbour-news/"));
    // A story in a new section: every page's menu gains it, this story's page included.
    publish(&app, &token, "Tide Tables Printed", "Harbour News").await;
    settle(&app).await;
    assert!(app.get(&pa).await.1.contains("/section/harbour-news/"), "a new section is in the menu");
    assert!(app.get("/").await.1.contains("/section/harbour-news/"));
    // A page, then the page renamed: the pages menu follows.
    let r = app
        .http
        .post(app.url("/api/v1/articles"))
        .bearer_auth(&token)
        .json(&json!({"headline": "Letters Policy", "body": "Write to us.", "kind": "page", "status": "published"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let page: serde_json::Value = r.json().await.unwrap();
    assert!(app.get(&pa).await.1.contains(">Letters Policy<"), "a new page is in the menu");
    let r = app
        .http
        .patch(app.url(&format!("/api/v1/articles/{}", page["id"])))
        .bearer_auth(&token)
        .json(&json!({"headline": "Letters to the Editor"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let html = app.get(&pa).await.1;
    assert!(
        html.contains(">Letters to the Editor<") && !html.contains(">Letters Policy<"),
        "a renamed page is renamed in the menu"
    );
}
