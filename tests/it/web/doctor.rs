//! `dateline doctor` against a sound set-up (the real server, a real SMTP
//! server) and against a broken one: each fault is named with what to do.

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::web::mail::Smtp;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn doctor(data: &std::path::Path, env: &[(&str, String)]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dateline"))
        .args(["--data", data.to_str().unwrap(), "doctor"])
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
}

struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

#[tokio::test]
async fn doctor_passes_a_sound_set_up_and_names_each_fault_of_a_broken_one() {
    let smtp = Smtp::start().await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let port = free_port();
    let sound = vec![
        ("DATELINE_SITE__BASE_URL", format!("http://127.0.0.1:{port}")),
        ("DATELINE_MAIL__ENABLED", "true".into()),
        ("DATELINE_MAIL__SMTP_HOST", "127.0.0.1".into()),
        ("DATELINE_MAIL__SMTP_PORT", smtp.port.to_string()),
        ("DATELINE_MAIL__FROM", "Newsroom <news@example.org>".into()),
    ];
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_dateline"))
            .args(["--data", data.to_str().unwrap(), "serve", "--no-demo", "--listen", &format!("127.0.0.1:{port}")])
            .envs(sound.iter().map(|(k, v)| (*k, v.as_str())))
            .env_remove("DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    for _ in 0..200 {
        if reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await.is_ok_and(|r| r.status() == 200) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }

    let (passed, out) = doctor(&data, &sound);
    assert!(passed, "{out}");
    for finding in [
        "ok    data folder",
        "integrity check passed",
        "as this binary expects",
        "Dateline answers there",
        &format!("ok    SMTP server 127.0.0.1:{}: connected and said hello (no mail sent)", smtp.port),
        "0 fault(s)",
    ] {
        assert!(out.contains(finding), "{finding:?} missing from:\n{out}");
    }
    assert!(smtp.messages().is_empty(), "the doctor sends no mail");

    // Broken: a folder its owner cannot write, base_url where nothing listens,
    // an SMTP server that is gone, PostgreSQL stopped.
    let (nowhere, no_smtp, no_pg) = (free_port(), free_port(), free_port());
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o555)).unwrap();
    let broken = vec![
        ("DATELINE_SITE__BASE_URL", format!("http://127.0.0.1:{nowhere}")),
        ("DATELINE_MAIL__ENABLED", "true".into()),
        ("DATELINE_MAIL__SMTP_HOST", "127.0.0.1".into()),
        ("DATELINE_MAIL__SMTP_PORT", no_smtp.to_string()),
        ("DATELINE_MAIL__FROM", "Newsroom <news@example.org>".into()),
        ("DATELINE_DATABASE__URL", format!("postgres://dateline:secret@127.0.0.1:{no_pg}/news")),
    ];
    let (passed, out) = doctor(&data, &broken);
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(!passed, "a broken set-up must exit non-zero:\n{out}");
    for finding in [
        "FAULT data folder",
        "is mode 0555: its owner cannot write to it",
        &format!("FAULT PostgreSQL at postgres://dateline:***@127.0.0.1:{no_pg}/news"),
        "is PostgreSQL running",
        &format!("FAULT base_url http://127.0.0.1:{nowhere}: cannot connect"),
        &format!("FAULT SMTP server 127.0.0.1:{no_smtp}"),
        // The media folder cannot be made inside a folder nobody may write.
        "FAULT media folder",
        "5 fault(s)",
    ] {
        assert!(out.contains(finding), "{finding:?} missing from:\n{out}");
    }
    assert!(!out.contains("secret"), "the database password is never printed:\n{out}");
}
