//! Backups that run by themselves, and the restore drill docs/DEPLOY.md
//! describes: a new machine gets the site back, photos included, from what
//! the backup folder holds.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::{spawn_with, story_dir};

struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[tokio::test]
async fn backups_run_by_themselves_and_a_restore_drill_brings_the_site_back_with_its_photos() {
    let app = spawn_with(false, |c| c.backup.every = "1s".into()).await;
    app.import(&story_dir().join("article.md")).await;
    let home = app.get("/").await.1;
    let path = regex::Regex::new(r#"href="(/\d{4}/\d\d/\d\d/breakwater-light-shines-again/)""#)
        .unwrap()
        .captures(&home)
        .unwrap()[1]
        .to_owned();
    let page = app.get(&path).await.1;
    let photo = regex::Regex::new(r#"src="(/media/[^"]+)""#).unwrap().captures(&page).unwrap()[1].to_owned();
    let photo_bytes = app.http.get(app.url(&photo)).send().await.unwrap().bytes().await.unwrap();

    // The first backup after the story and its photo were stored.
    let mut detail = serde_json::Value::Null;
    for _ in 0..100 {
        detail = app.http.get(app.url("/healthz?detail")).send().await.unwrap().json().await.unwrap();
        if detail["backup"]["last"]["ok"] == true && detail["backup"]["last"]["media_copied"].as_u64() >= Some(1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(detail["database"], "ok");
    assert_eq!(detail["backup"]["last"]["ok"], true, "{detail}");
    let file = std::path::PathBuf::from(detail["backup"]["last"]["file"].as_str().unwrap());
    assert!(file.starts_with(app.cfg.data_dir.join("backups")), "{}", file.display());
    assert_eq!(app.get("/healthz").await, (200, "ok\n".to_owned()), "the plain health check is unchanged");
    let metrics = app.get("/metrics").await.1;
    let stamp = regex::Regex::new(r"(?m)^dateline_backup_last_success_timestamp_seconds (\d+)").unwrap();
    assert!(stamp.captures(&metrics).is_some_and(|c| c[1].parse::<i64>().unwrap() > 0), "{metrics}");
    assert!(metrics.contains("dateline_backup_last_failed 0"), "{metrics}");

    // The drill: a new data folder, the database copy restored, the photos copied back.
    let fresh = tempfile::tempdir().unwrap();
    let data = fresh.path().to_str().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dateline"))
        .args(["--data", data, "restore"])
        .arg(&file)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    copy_tree(&app.cfg.data_dir.join("backups").join("media"), &fresh.path().join("media"));
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_dateline"))
            .args(["--data", data, "serve", "--no-demo", "--listen", &format!("127.0.0.1:{port}")])
            .env("DATELINE_SITE__TIMEZONE", &app.cfg.site.timezone)
            .env_remove("DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if reqwest::get(format!("{base}/healthz")).await.is_ok_and(|r| r.status() == 200) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let restored = reqwest::get(format!("{base}{path}")).await.unwrap();
    assert_eq!(restored.status(), 200);
    assert!(restored.text().await.unwrap().contains("Breakwater Light Shines Again"));
    let back = reqwest::get(format!("{base}{photo}")).await.unwrap();
    assert_eq!(back.status(), 200, "the photo is back");
    assert_eq!(back.bytes().await.unwrap(), photo_bytes, "byte for byte");
}
