//! Faults injected into the real binary: a full disk, a read-only data
//! folder, a damaged database file, and a backup taken during a flood of
//! writes. Each ends with the data intact and the site telling people what
//! happened; none loses an acknowledged write.
//!
//! The disk and read-only cases mount a small tmpfs or a read-only bind mount,
//! which needs root (as the test machines and CI run); without it they fail
//! and say so rather than pass without testing.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::{comment_fields, story_dir};

const STORY_PATH: &str = "/2025/03/15/breakwater-light-shines-again/";
const ENVS: [(&str, &str); 3] = [
    ("DATELINE_SITE__TIMEZONE", "America/New_York"),
    ("DATELINE_COMMENTS__MIN_SECONDS", "0"),
    ("DATELINE_COMMENTS__RATE_BURST", "1000000"),
];

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_dateline")
}

/// Runs a `dateline` command on a data folder; returns (success, stderr).
fn dateline(data: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(bin()).arg("--data").arg(data).args(args).envs(ENVS).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn import_story(data: &Path) {
    let story = story_dir().join("article.md");
    let (ok, err) = dateline(data, &["import", "markdown", story.to_str().unwrap()]);
    assert!(ok, "{err}");
}

/// A mount that is undone when dropped.
struct Mount(PathBuf);

impl Mount {
    fn run(args: &[&str], at: &Path) -> Mount {
        std::fs::create_dir_all(at).unwrap();
        let out = Command::new("mount").args(args).arg(at).output().expect("the mount command");
        assert!(
            out.status.success(),
            "this test mounts a filesystem and needs root: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Mount(at.to_owned())
    }

    fn tmpfs(at: &Path, size: &str) -> Mount {
        Mount::run(&["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"], at)
    }

    fn read_only_view(of: &Path, at: &Path) -> Mount {
        let m = Mount::run(&["--bind", of.to_str().unwrap()], at);
        let out = Command::new("mount").args(["-o", "remount,bind,ro"]).arg(at).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        m
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        Command::new("umount").arg("-l").arg(&self.0).status().ok();
    }
}

struct Server {
    child: Child,
    base: String,
    http: reqwest::Client,
}

impl Server {
    async fn start(data: &Path) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut child = Command::new(bin())
            .arg("--data")
            .arg(data)
            .args(["serve", "--no-demo", "--listen", &format!("127.0.0.1:{port}")])
            .envs(ENVS)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        for _ in 0..200 {
            if http.get(format!("{base}/healthz")).send().await.is_ok() {
                return Server { child, base, http };
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        child.kill().ok();
        child.wait().ok();
        panic!("the server did not start");
    }

    async fn page(&self, path: &str) -> (u16, String) {
        let r = self.http.get(format!("{}{path}", self.base)).send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// Posts a comment through the form: (status, Location, body).
    async fn comment(&self, fields: &[(String, String)], name: &str, body: &str) -> (u16, String, String) {
        let mut f = fields.to_vec();
        f.extend([
            ("name".into(), name.into()),
            ("email".into(), format!("{}@example.org", name.to_lowercase())),
            ("body".into(), body.into()),
        ]);
        let r = self.http.post(format!("{}/comments", self.base)).form(&f).send().await.unwrap();
        let status = r.status().as_u16();
        let loc = r.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        (status, loc, r.text().await.unwrap())
    }

    fn stop(mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// Runs a command that should stop by itself; a server that starts instead
/// is killed after 20 seconds and fails the test.
fn run_briefly(cmd: &mut Command) -> std::process::Output {
    let mut child = cmd.envs(ENVS).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    for _ in 0..200 {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.kill().ok();
    let out = child.wait_with_output().unwrap();
    panic!("it did not stop by itself: {}", String::from_utf8_lossy(&out.stderr));
}

fn comment_id(location: &str) -> i64 {
    location.rsplit("#comment-").next().unwrap().parse().unwrap()
}

async fn open_sqlite(data: &Path) -> std::sync::Arc<dyn dateline::store::Store> {
    dateline::store::open(&format!("sqlite://{}/dateline.db", data.display())).await.unwrap()
}

#[tokio::test]
async fn a_full_disk_answers_503_keeps_the_text_and_the_database_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let disk = dir.path().join("disk");
    let _mount = Mount::tmpfs(&disk, "24m");
    import_story(&disk);
    let server = Server::start(&disk).await;
    let (status, html) = server.page(STORY_PATH).await;
    assert_eq!(status, 200);
    let fields = comment_fields(&html);

    // Fill the disk to the last byte.
    {
        use std::io::Write;
        let mut filler = std::fs::File::create(disk.join("filler")).unwrap();
        let chunk = vec![0u8; 64 * 1024];
        while filler.write_all(&chunk).is_ok() {}
        while filler.write_all(&chunk[..512]).is_ok() {}
    }
    let mut acked = Vec::new();
    let mut refused = None;
    for n in 0..400 {
        let text = format!("Written while the disk was full, number {n}, with enough words to need a page.");
        let (status, loc, body) = server.comment(&fields, "Full", &text.repeat(20)).await;
        match status {
            303 => acked.push(comment_id(&loc)),
            503 => {
                refused = Some((text, body));
                break;
            }
            other => panic!("a full disk answered {other}: {body}"),
        }
    }
    let (text, body) = refused.expect("the disk never filled up");
    assert!(body.contains(&text), "the 503 page gives back what was typed");
    let (status, _) = server.page(STORY_PATH).await;
    assert_eq!(status, 200, "the site stays readable on a full disk");

    // Room again: the next comment goes through.
    std::fs::remove_file(disk.join("filler")).unwrap();
    let (status, loc, _) = server.comment(&fields, "Later", "Sent again once there was room.").await;
    assert_eq!(status, 303);
    acked.push(comment_id(&loc));
    server.stop();

    let store = open_sqlite(&disk).await;
    store.migrate().await.unwrap();
    for id in &acked {
        assert!(store.get_comment(dateline::domain::CommentId(*id)).await.unwrap().is_some(), "comment {id} lost");
    }
    let db =
        dateline::store::sqlite::SqliteStore::open(&format!("sqlite://{}/dateline.db", disk.display())).await.unwrap();
    db.check().await.expect("the database is intact after the disk filled up");
    println!("full disk: {} comments acknowledged, none lost, database intact", acked.len());
}

#[tokio::test]
async fn a_read_only_data_folder_stops_start_up_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    import_story(&data);
    let view = dir.path().join("read-only");
    let _mount = Mount::read_only_view(&data, &view);
    let out = run_briefly(Command::new(bin()).arg("--data").arg(&view).args([
        "serve",
        "--no-demo",
        "--listen",
        "127.0.0.1:0",
    ]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("is not writable") && err.contains("Read-only file system"), "{err}");
}

#[tokio::test]
async fn a_damaged_database_is_found_at_start_up_with_advice() {
    for (what, offset, len) in [("header", 0u64, 100usize), ("schema page", 100, 3996)] {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        import_story(&data);
        let db = data.join("dateline.db");
        // Everything into the main file first, as after a clean shutdown.
        {
            use sqlx::Connection;
            let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display())).await.unwrap();
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut c).await.unwrap();
            c.close().await.unwrap();
        }
        {
            use std::io::{Seek, SeekFrom, Write};
            let mut f = std::fs::OpenOptions::new().write(true).open(&db).unwrap();
            f.seek(SeekFrom::Start(offset)).unwrap();
            f.write_all(&vec![0xA5; len]).unwrap();
        }
        let out = run_briefly(Command::new(bin()).arg("--data").arg(&data).args([
            "serve",
            "--no-demo",
            "--listen",
            "127.0.0.1:0",
        ]));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{what}");
        assert!(!err.contains("panicked"), "{what}: {err}");
        assert!(err.contains("damaged") && err.contains("dateline restore"), "{what}: {err}");
    }
}

#[tokio::test]
async fn a_backup_taken_during_a_flood_of_comments_restores_a_consistent_site() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    import_story(&data);
    let server = Server::start(&data).await;
    let (_, html) = server.page(STORY_PATH).await;
    let fields = comment_fields(&html);
    let flood = {
        let (http, base, fields) = (server.http.clone(), server.base.clone(), fields.clone());
        tokio::spawn(async move {
            let mut acked = 0;
            for n in 0..3000 {
                let mut f = fields.clone();
                f.extend([
                    ("name".into(), "Flood".into()),
                    ("email".into(), "flood@example.org".into()),
                    ("body".into(), format!("Comment {n} during the backup")),
                ]);
                match http.post(format!("{base}/comments")).form(&f).send().await {
                    Ok(r) if r.status().as_u16() == 303 => acked += 1,
                    _ => break,
                }
            }
            acked
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let backup = dir.path().join("during-flood.db");
    let (ok, err) = dateline(&data, &["backup", backup.to_str().unwrap()]);
    assert!(ok, "{err}");
    let acked = flood.await.unwrap();
    server.stop();

    // Restore into a new site and read it back.
    let fresh = dir.path().join("fresh");
    import_story(&fresh);
    let (ok, err) = dateline(&fresh, &["restore", backup.to_str().unwrap()]);
    assert!(ok, "{err}");
    let store =
        dateline::store::sqlite::SqliteStore::open(&format!("sqlite://{}/dateline.db", fresh.display())).await.unwrap();
    store.check().await.expect("the restored database is intact");
    let restored = open_sqlite(&fresh).await;
    let article = restored
        .get_article_by_slug(dateline::domain::Kind::Article, "breakwater-light-shines-again")
        .await
        .unwrap()
        .expect("the article is there");
    let comments = restored.list_article_comments(article.id, &dateline::domain::CommentStatus::ALL).await.unwrap();
    assert!(!comments.is_empty() && comments.len() <= acked, "{} comments of {acked}", comments.len());
    // A consistent point in time: the comments present are a prefix of the flood.
    for (n, c) in comments.iter().enumerate() {
        assert_eq!(c.body, format!("Comment {n} during the backup"));
    }
    let server = Server::start(&fresh).await;
    let (status, html) = server.page(STORY_PATH).await;
    server.stop();
    assert_eq!(status, 200);
    assert!(html.contains("Breakwater Light"));
    println!(
        "backup during a flood: {} of {acked} acknowledged comments in the backup, a consistent prefix",
        comments.len()
    );
}
