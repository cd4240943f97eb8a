//! Moving house: `dateline migrate-db` from SQLite into PostgreSQL, and
//! `dateline backup` / `dateline restore` while the site serves.

use std::process::Command;
use std::time::{Duration, Instant};

use dateline::domain::Role;
use serde_json::json;

use crate::common::{attrs, posted_id, spawn_app, spawn_with, story_dir, texts, TestApp};
use crate::pg::TestDb;

fn dateline(app: &TestApp) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dateline"));
    c.env_remove("DATABASE_URL").arg("--data").arg(&app.cfg.data_dir);
    c
}

fn run(mut c: Command) -> String {
    let out = c.output().unwrap();
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What a reader sees of an article page, without the parts that differ per
/// server (form tokens, absolute addresses).
fn reading(html: &str) -> Vec<Vec<String>> {
    [".article-header", ".article-body", "figure figcaption", "#comments .comment-body", "#comments .comment-author"]
        .iter()
        .map(|css| texts(html, css))
        .chain([attrs(html, "figure img", "srcset")])
        .collect()
}

async fn approve(app: &TestApp, token: &str, id: i64) {
    let r = app
        .http
        .patch(app.url(&format!("/api/v1/comments/{id}")))
        .bearer_auth(token)
        .json(&json!({"status": "approved"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test]
async fn migrate_db_moves_a_site_to_postgres_and_its_pages_read_the_same() {
    let Some(db) = TestDb::create().await else { return };
    let old = spawn_app().await;
    let path = old.import(&story_dir().join("article.md")).await.permalink(old.cfg.tz());
    let editor = old.add_user("ed@example.org", Role::Editor).await;
    let token = old.token(&editor).await;
    for (i, body) in ["A first reply to the story.", "A second, later reply."].iter().enumerate() {
        let typed = [("name", "Ann Reader"), ("email", "ann@example.org"), ("body", *body)];
        let r = old.comment_with(&old.browser(), &path, &typed).await;
        assert_eq!(r.status().as_u16(), 303, "comment {i}");
        approve(&old, &token, posted_id(&r)).await;
    }
    let (_, before) = old.get(&path).await;
    assert_eq!(texts(&before, "#comments .comment-body").len(), 2);

    // The site keeps serving while it is copied.
    let printed = run({
        let mut c = dateline(&old);
        c.args(["migrate-db", "--to", &db.url]);
        c
    });
    assert!(printed.contains("comments") && printed.contains("2 rows"), "{printed}");

    let media = old.cfg.media_dir();
    let new = spawn_with(false, |c| {
        c.database.url = db.url.clone();
        c.media.dir = media;
    })
    .await;
    let (status, after) = new.get(&path).await;
    assert_eq!(status, 200);
    assert_eq!(reading(&after), reading(&before));
    let (_, found) = new.get("/search?q=Pettersen+foundry").await;
    assert_eq!(
        attrs(&found, ".search-results h2 a", "href"),
        std::slice::from_ref(&path),
        "the search index was built in PostgreSQL"
    );
    let img = attrs(&after, "figure img", "src").remove(0);
    assert_eq!(new.http.get(new.url(&img)).send().await.unwrap().status().as_u16(), 200);
    // Accounts, tokens and their roles came along.
    let r = new.http.get(new.url("/api/v1/comments?status=approved")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // New rows get ids after the copied ones.
    let typed = [("name", "Bo Reader"), ("email", "bo@example.org"), ("body", "Posted after the move.")];
    let r = new.comment_with(&new.browser(), &path, &typed).await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(posted_id(&r) > 2);

    // A second run refuses to copy into a database that is no longer empty.
    let out = dateline(&old).args(["migrate-db", "--to", &db.url]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
}

#[tokio::test]
async fn backup_while_serving_then_restore_brings_the_site_back() {
    let app = spawn_app().await;
    let path = app.import(&story_dir().join("article.md")).await.permalink(app.cfg.tz());
    let editor = app.add_user("ed@example.org", Role::Editor).await;
    let token = app.token(&editor).await;
    let file = app.cfg.data_dir.join("backup.db");
    let printed = run({
        let mut c = dateline(&app);
        c.arg("backup").arg(&file);
        c
    });
    assert!(printed.contains("integrity check"), "{printed}");
    let again = dateline(&app).arg("backup").arg(&file).output().unwrap();
    assert!(!again.status.success(), "an existing file is never overwritten");

    // After the backup: a new story is published.
    let r = app
        .http
        .post(app.url("/api/v1/articles"))
        .bearer_auth(&token)
        .json(
            &json!({"headline": "Written After The Backup", "body": "Gone after the restore.", "status": "published"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let (_, front) = app.get("/").await;
    assert!(front.contains("/written-after-the-backup/"));

    let printed = run({
        let mut c = dateline(&app);
        c.arg("restore").arg(&file);
        c
    });
    assert!(printed.contains("Restored") && printed.contains("before-restore"), "{printed}");
    // The running server follows without a restart.
    let start = Instant::now();
    loop {
        let (_, front) = app.get("/").await;
        if !front.contains("/written-after-the-backup/") {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(2), "the server still shows the replaced content");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(app.get(&path).await.0, 200);
    let (_, found) = app.get("/search?q=backup").await;
    assert!(!found.contains("/written-after-the-backup/"), "the search index was restored too");
    let (_, found) = app.get("/search?q=Pettersen").await;
    assert_eq!(attrs(&found, ".search-results h2 a", "href"), std::slice::from_ref(&path));
    // The token made before the backup still works; the content before the restore was kept.
    let r = app.http.get(app.url("/api/v1/articles")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let kept = std::fs::read_dir(&app.cfg.data_dir)
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().contains("before-restore"));
    assert!(kept);
}
