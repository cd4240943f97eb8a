//! The `dateline` binary itself: import from the command line, then serve.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::{story_dir, texts};

fn dateline() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dateline"))
}

struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        // The server may already have exited; either way it is gone afterwards.
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

#[tokio::test]
async fn import_then_serve_shows_the_imported_story() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let out =
        dateline().args(["--data", data, "import", "markdown"]).arg(story_dir().join("article.md")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("/2025/03/15/breakwater-light-shines-again/"), "{printed}");

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let listen = format!("127.0.0.1:{port}");
    let _server = Child(
        dateline()
            .args(["--data", data, "serve", "--no-demo", "--listen", &listen])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let http = reqwest::Client::new();
    let base = format!("http://{listen}");
    let mut up = false;
    for _ in 0..100 {
        if http.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(up, "server did not start");
    let front = http.get(format!("{base}/")).send().await.unwrap().text().await.unwrap();
    let href = crate::common::attrs(&front, ".card-title a", "href");
    assert_eq!(href.len(), 1, "only the imported article, no demo");
    let html = http.get(format!("{base}{}", href[0])).send().await.unwrap().text().await.unwrap();
    assert!(texts(&html, "h1")[0].starts_with("Breakwater Light Shines Again"));
    assert_eq!(texts(&html, ".body p").len(), 6);
    assert!(texts(&html, "figcaption")[0].starts_with("The Breakwater Light at dusk"));
}

#[test]
fn a_malformed_front_matter_file_is_reported_with_its_line_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.md");
    std::fs::write(&file, "---\ntitle: Good\ndate: [not, a, date\n---\nBody\n").unwrap();
    let data = dir.path().join("data");
    let out = dateline().arg("--data").arg(&data).args(["import", "markdown"]).arg(&file).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.md:"), "{err}");
    assert!(err.contains(":3:") || err.contains(":4:"), "{err}");
    let out = dateline().arg("--data").arg(&data).args(["token", "list"]).output().unwrap();
    assert!(out.status.success());
}

#[test]
fn users_and_tokens_are_made_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let mut child = dateline()
        .args([
            "--data",
            data,
            "user",
            "add",
            "--email",
            "ed@example.org",
            "--name",
            "Ed",
            "--role",
            "admin",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"a long enough password\n").unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    let out = dateline().args(["--data", data, "token", "create", "--email", "ed@example.org"]).output().unwrap();
    assert!(out.status.success());
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(token.starts_with("dl_") && token.len() > 40, "{token}");
    let out = dateline().args(["--data", data, "token", "revoke", "1"]).output().unwrap();
    assert!(out.status.success());
    let out = dateline().args(["--data", data, "token", "list"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("revoked"));
    for sub in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["import", "markdown", "--help"],
        vec!["user", "add", "--help"],
        vec!["token", "create", "--help"],
    ] {
        assert!(dateline().args(&sub).output().unwrap().status.success(), "{sub:?}");
    }
}
