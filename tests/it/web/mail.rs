//! Notifications through a real SMTP server (aiosmtpd from PyPI, started here
//! and writing what it receives to a Maildir): moderators hear of new
//! comments, replies reach commenters who confirmed, unsubscribing stops them.

use dateline::store::Effects;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use dateline::domain::Role;
use serde_json::json;

use crate::common::{posted_id, spawn_with, story_dir, TestApp};

pub(crate) struct Smtp {
    child: Child,
    dir: tempfile::TempDir,
    pub(crate) port: u16,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Smtp {
    pub(crate) async fn start() -> Smtp {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (scripts/test installs it)");
        // Dropping the guard kills and reaps the server on every path, panics included.
        let smtp = Smtp { child, dir, port };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return smtp;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("aiosmtpd did not start: is it installed? (python3 -m pip install aiosmtpd)");
    }

    /// Returns every received message's text.
    pub(crate) fn messages(&self) -> Vec<String> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            let d: PathBuf = self.dir.path().join("mail").join(sub);
            if let Ok(rd) = std::fs::read_dir(&d) {
                for e in rd.flatten() {
                    out.push(decode(&std::fs::read_to_string(e.path()).unwrap_or_default()));
                }
            }
        }
        out
    }

    fn to(&self, addr: &str) -> Vec<String> {
        self.messages().into_iter().filter(|m| m.lines().any(|l| l.starts_with("To:") && l.contains(addr))).collect()
    }
}

/// Undoes quoted-printable soft line breaks and escapes, enough to read links.
fn decode(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "").replace("=\n", "");
    let mut out = String::new();
    let bytes = joined.as_bytes();
    let mut i = 0;
    let mut buf = Vec::new();
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            buf.push(u8::from_str_radix(&joined[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            buf.push(bytes[i]);
            i += 1;
        }
    }
    out.push_str(&String::from_utf8_lossy(&buf));
    out
}

fn link(message: &str, prefix: &str) -> String {
    let start = message.find(prefix).unwrap_or_else(|| panic!("no {prefix} in {message}"));
    message[start..].split_whitespace().next().unwrap().to_owned()
}

async fn drain(app: &TestApp) {
    let mailer = dateline::mail::Mailer::new(&app.cfg.mail).unwrap();
    dateline::queue::drain_once(app.store.as_ref(), &mailer).await.unwrap();
}

async fn follow(app: &TestApp, client: &reqwest::Client, url: &str) {
    let path = url.replace(&app.base_url, "");
    let page = client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200, "{path}");
    let html = page.text().await.unwrap();
    let action = crate::common::attrs(&html, "main form", "action").remove(0);
    let t = crate::common::attrs(&html, "main form input[name=t]", "value").remove(0);
    let r = client.post(app.url(&action)).form(&[("t", t.as_str())]).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200, "{action}");
}

#[tokio::test]
async fn notifications_reach_a_real_smtp_server_with_double_opt_in_and_unsubscribe() {
    let smtp = Smtp::start().await;
    let port = smtp.port;
    let app = spawn_with(false, move |c| {
        c.mail.enabled = true;
        c.mail.smtp_port = port;
        c.mail.from = "Gazette <news@example.org>".into();
    })
    .await;
    let path = app.import(&story_dir().join("article.md")).await.permalink(app.cfg.tz());
    let editor = app.add_user("ed@example.org", Role::Editor).await;
    let token = app.token(&editor).await;

    // Ann comments and asks for replies: moderators are told, Ann must confirm first.
    let ann = app.browser();
    let r = app
        .comment_with(
            &ann,
            &path,
            &[("name", "Ann"), ("email", "ann@example.org"), ("body", "When do the tours start?"), ("notify", "1")],
        )
        .await;
    let ann_id = posted_id(&r);
    drain(&app).await;
    let to_editor = smtp.to("ed@example.org");
    assert_eq!(to_editor.len(), 1, "{:?}", smtp.messages());
    assert!(to_editor[0].contains("When do the tours start?") && to_editor[0].contains("/admin/comments"));
    let confirm = smtp.to("ann@example.org");
    assert_eq!(confirm.len(), 1);
    assert!(confirm[0].contains("/comments/unsubscribe?t="), "every message can be stopped");
    follow(&app, &ann, &link(&confirm[0], &format!("{}/comments/notify?t=", app.base_url))).await;

    // Bob replies; once approved, Ann hears of it.
    app.http
        .patch(app.url(&format!("/api/v1/comments/{ann_id}")))
        .bearer_auth(&token)
        .json(&json!({"status": "approved"}))
        .send()
        .await
        .unwrap();
    let bob = app.browser();
    let r = app
        .comment_with(
            &bob,
            &path,
            &[
                ("parent_id", &ann_id.to_string()),
                ("name", "Bob"),
                ("email", "bob@example.org"),
                ("body", "In Geneva."),
            ],
        )
        .await;
    let bob_id = posted_id(&r);
    app.http
        .patch(app.url(&format!("/api/v1/comments/{bob_id}")))
        .bearer_auth(&token)
        .json(&json!({"status": "approved"}))
        .send()
        .await
        .unwrap();
    drain(&app).await;
    let to_ann = smtp.to("ann@example.org");
    assert_eq!(to_ann.len(), 2, "confirmation and the reply");
    let reply = to_ann.iter().find(|m| m.contains("In Geneva.")).expect("reply mail");
    assert!(reply.contains(&format!("#comment-{bob_id}")));
    assert!(!reply.contains("bob@example.org"), "the replier's email is not passed on");
    assert!(smtp.to("bob@example.org").is_empty(), "Bob did not ask for mail");

    // Ann unsubscribes: the next reply sends nothing.
    follow(&app, &ann, &link(reply, &format!("{}/comments/unsubscribe?t=", app.base_url))).await;
    let carol = app.browser();
    let r = app
        .comment_with(
            &carol,
            &path,
            &[
                ("parent_id", &ann_id.to_string()),
                ("name", "Carol"),
                ("email", "carol@example.org"),
                ("body", "Also Geneva."),
            ],
        )
        .await;
    let carol_id = posted_id(&r);
    app.http
        .patch(app.url(&format!("/api/v1/comments/{carol_id}")))
        .bearer_auth(&token)
        .json(&json!({"status": "approved"}))
        .send()
        .await
        .unwrap();
    drain(&app).await;
    assert_eq!(smtp.to("ann@example.org").len(), 2);
}

#[tokio::test]
async fn a_commenter_deletes_their_comments_through_a_signed_link() {
    let smtp = Smtp::start().await;
    let port = smtp.port;
    let app = spawn_with(false, move |c| {
        c.mail.enabled = true;
        c.mail.smtp_port = port;
    })
    .await;
    let path = app.import(&story_dir().join("article.md")).await.permalink(app.cfg.tz());
    let b = app.browser();
    app.comment_with(&b, &path, &[("name", "Dee"), ("email", "dee@example.org"), ("body", "Please forget me later")])
        .await;
    let r = b.post(app.url("/comments/forget")).form(&[("email", "dee@example.org")]).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // The same answer for an address that never commented: nothing is revealed.
    let r2 = b.post(app.url("/comments/forget")).form(&[("email", "nobody@example.org")]).send().await.unwrap();
    let (known, unknown) = (r.text().await.unwrap(), r2.text().await.unwrap());
    assert_eq!(crate::common::texts(&known, "main"), crate::common::texts(&unknown, "main"));
    drain(&app).await;
    let mail = smtp.to("dee@example.org");
    assert_eq!(mail.len(), 1);
    follow(&app, &b, &link(&mail[0], &format!("{}/comments/forget/confirm?t=", app.base_url))).await;
    let left =
        app.store.list_comments(&dateline::store::CommentQuery { limit: 10, ..Default::default() }).await.unwrap();
    assert_eq!(left.total, 0);
    // Nothing of the address is kept to trust a browser again.
    let visitor = dateline::secret::hash_secret("any");
    app.store.trust_browser(&visitor, "dee@example.org", chrono::Utc::now()).await.unwrap();
    app.store.delete_comments_by_email("dee@example.org", &Effects::default()).await.unwrap();
    assert!(!app.store.is_trusted_browser(&visitor, "dee@example.org").await.unwrap());
}
