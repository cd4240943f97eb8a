//! An acknowledged comment is never lost: the server is killed with SIGKILL
//! in the middle of a flood of comment posts, and every comment it answered
//! 303 for is in the database afterwards, on SQLite and on PostgreSQL.

use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{comment_fields, story_dir};
use crate::pg::TestDb;

#[tokio::test]
async fn kill_9_during_a_comment_flood_loses_no_acknowledged_comment() {
    flood_and_kill(None).await;
}

#[tokio::test]
async fn kill_9_during_a_comment_flood_loses_no_acknowledged_comment_on_postgres() {
    let Some(db) = TestDb::create().await else { return };
    flood_and_kill(Some(&db.url)).await;
}

async fn flood_and_kill(database: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let bin = env!("CARGO_BIN_EXE_dateline");
    let envs = [
        ("DATELINE_SITE__TIMEZONE", "America/New_York"),
        ("DATELINE_COMMENTS__MIN_SECONDS", "0"),
        ("DATELINE_COMMENTS__RATE_BURST", "1000000"),
        ("DATABASE_URL", database.unwrap_or("")),
    ];
    let ok = Command::new(bin)
        .args(["--data", &data, "import", "markdown"])
        .arg(story_dir().join("article.md"))
        .envs(envs)
        .output()
        .unwrap();
    assert!(ok.status.success());
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = Command::new(bin)
        .args(["--data", &data, "serve", "--no-demo", "--listen", &format!("127.0.0.1:{port}")])
        .envs(envs)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let path = "/2025/03/15/breakwater-light-shines-again/";
    let mut html = String::new();
    for _ in 0..200 {
        if let Ok(r) = http.get(format!("{base}{path}")).send().await {
            html = r.text().await.unwrap();
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let fields = comment_fields(&html);
    assert!(!fields.is_empty(), "server did not come up");

    let acked: Arc<Mutex<Vec<(i64, String)>>> = Arc::default();
    let mut tasks = Vec::new();
    for worker in 0..8 {
        let (http, base, fields, acked) = (http.clone(), base.clone(), fields.clone(), acked.clone());
        tasks.push(tokio::spawn(async move {
            for n in 0..2000 {
                let body = format!("Flood comment {worker}-{n}");
                let mut f = fields.clone();
                f.extend([
                    ("name".into(), format!("W{worker}")),
                    ("email".into(), format!("w{worker}@example.org")),
                    ("body".into(), body.clone()),
                ]);
                let Ok(r) = http.post(format!("{base}/comments")).form(&f).send().await else { return };
                if r.status().as_u16() != 303 {
                    return;
                }
                let loc = r.headers()["location"].to_str().unwrap().to_owned();
                let id: i64 = loc.rsplit("#comment-").next().unwrap().parse().unwrap();
                acked.lock().unwrap().push((id, body));
            }
        }));
    }
    // Kill once a good number of posts were answered, mid-flood.
    for _ in 0..400 {
        if acked.lock().unwrap().len() >= 150 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.kill().unwrap();
    server.wait().unwrap();
    for t in tasks {
        t.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 100, "only {} posts were acknowledged before the kill", acked.len());

    let url = database.map_or_else(|| format!("sqlite://{data}/dateline.db"), str::to_owned);
    let store = dateline::store::open(&url).await.unwrap();
    store.migrate().await.unwrap();
    let mut lost = Vec::new();
    for (id, body) in &acked {
        match store.get_comment(dateline::domain::CommentId(*id)).await.unwrap() {
            Some(c) if &c.body == body => {}
            other => lost.push((*id, other.map(|c| c.body))),
        }
    }
    let backend = if database.is_some() { "PostgreSQL" } else { "SQLite" };
    println!("{backend}: acknowledged before kill -9: {}, lost: {}", acked.len(), lost.len());
    assert!(lost.is_empty(), "lost acknowledged comments: {lost:?}");
}
