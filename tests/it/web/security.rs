//! Issue #8, proven through the real server: who may call what (every admin
//! and API route, as every role and as a stranger), what the shared page cache
//! may keep, how large a body each route takes, how login resists guessing,
//! and the headers every answer carries.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use dateline::domain::Role;
use dateline::secret::{hash_secret, random_token};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::{attrs, jpeg, posted_id, spawn_app, spawn_with, story_dir, TestApp};

// ---------------------------------------------------------------------------
// 1. The role matrix
// ---------------------------------------------------------------------------

/// What a caller gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    /// Let through: not 401/403, no login redirect, no server error.
    Pass,
    /// A browser without a session is sent to the login page (303).
    Login,
    /// An API call without a valid token: 401.
    Unauth,
    /// Logged in, but the role may not: 403.
    Deny,
    /// Logged in, but someone else's draft, which the role may not see: 404 (as if it did not exist).
    Hidden,
}
use Want::{Deny, Hidden, Login, Pass, Unauth};

/// The policy at a glance: every route of `src/web/admin/mod.rs` (under `/admin`)
/// and of `src/web/api/mod.rs` (under `/api/v1`), spelled as in the router.
/// `{id}` is an article, a comment, a photo or a token by the path it is in;
/// the article is an editor's draft, the token an admin's.
const MATRIX: &[(&str, &str, [Want; 4])] = &[
    // method   path                                    stranger author  editor  admin
    ("GET", "/admin", [Login, Pass, Pass, Pass]),
    ("GET", "/admin/login", [Pass, Pass, Pass, Pass]),
    ("POST", "/admin/login", [Pass, Pass, Pass, Pass]),
    ("POST", "/admin/logout", [Login, Pass, Pass, Pass]),
    ("POST", "/admin/logout-everywhere", [Login, Pass, Pass, Pass]),
    ("GET", "/admin/articles/new", [Login, Pass, Pass, Pass]),
    ("POST", "/admin/articles/new", [Login, Pass, Pass, Pass]),
    ("GET", "/admin/articles/{id}", [Login, Hidden, Pass, Pass]),
    ("POST", "/admin/articles/{id}", [Login, Hidden, Pass, Pass]),
    ("POST", "/admin/articles/{id}/corrections", [Login, Deny, Pass, Pass]),
    ("GET", "/admin/articles/{id}/revisions", [Login, Hidden, Pass, Pass]),
    ("GET", "/admin/articles/{id}/entities", [Login, Deny, Pass, Pass]),
    ("POST", "/admin/articles/{id}/entities", [Login, Deny, Pass, Pass]),
    ("GET", "/admin/articles/{id}/live", [Login, Hidden, Pass, Pass]),
    ("POST", "/admin/articles/{id}/live/state", [Login, Hidden, Pass, Pass]),
    ("POST", "/admin/articles/{id}/live/entries", [Login, Hidden, Pass, Pass]),
    ("POST", "/admin/articles/{id}/live/entries/{entry}/{action}", [Login, Hidden, Pass, Pass]),
    ("GET", "/admin/users", [Login, Deny, Deny, Pass]),
    ("POST", "/admin/users", [Login, Deny, Deny, Pass]),
    ("GET", "/admin/settings", [Login, Deny, Pass, Pass]),
    ("POST", "/admin/settings", [Login, Deny, Pass, Pass]),
    ("POST", "/admin/banner", [Login, Deny, Pass, Pass]),
    ("GET", "/admin/comments", [Login, Deny, Pass, Pass]),
    ("POST", "/admin/comments/bulk", [Login, Deny, Pass, Pass]),
    ("POST", "/admin/comments/{id}/status", [Login, Deny, Pass, Pass]),
    ("GET", "/admin/comments/{id}/edit", [Login, Deny, Pass, Pass]),
    ("POST", "/admin/comments/{id}/edit", [Login, Deny, Pass, Pass]),
    ("POST", "/admin/comments/{id}/reply", [Login, Deny, Pass, Pass]),
    // The API: a bearer token acts with its user's role.
    ("GET", "/api/v1/openapi.json", [Pass, Pass, Pass, Pass]),
    ("GET", "/api/v1/articles", [Unauth, Pass, Pass, Pass]),
    ("POST", "/api/v1/articles", [Unauth, Pass, Pass, Pass]),
    ("GET", "/api/v1/articles/{id}", [Unauth, Hidden, Pass, Pass]),
    ("PATCH", "/api/v1/articles/{id}", [Unauth, Hidden, Pass, Pass]),
    ("POST", "/api/v1/articles/{id}/corrections", [Unauth, Deny, Pass, Pass]),
    ("GET", "/api/v1/articles/{id}/revisions", [Unauth, Hidden, Pass, Pass]),
    ("GET", "/api/v1/articles/{id}/entities", [Unauth, Hidden, Pass, Pass]),
    ("GET", "/api/v1/articles/{id}/entries", [Unauth, Hidden, Pass, Pass]),
    ("POST", "/api/v1/articles/{id}/entries", [Unauth, Hidden, Pass, Pass]),
    ("PATCH", "/api/v1/articles/{id}/entries/{entry}", [Unauth, Hidden, Pass, Pass]),
    ("DELETE", "/api/v1/articles/{id}/entries/{entry}", [Unauth, Hidden, Pass, Pass]),
    ("PUT", "/api/v1/articles/{id}/live", [Unauth, Hidden, Pass, Pass]),
    ("GET", "/api/v1/banner", [Unauth, Pass, Pass, Pass]),
    ("PUT", "/api/v1/banner", [Unauth, Deny, Pass, Pass]),
    ("DELETE", "/api/v1/banner", [Unauth, Deny, Pass, Pass]),
    ("GET", "/api/v1/entities", [Unauth, Pass, Pass, Pass]),
    ("GET", "/api/v1/timeline", [Unauth, Pass, Pass, Pass]),
    ("POST", "/api/v1/media", [Unauth, Pass, Pass, Pass]),
    ("GET", "/api/v1/media/{id}", [Unauth, Pass, Pass, Pass]),
    ("GET", "/api/v1/search", [Unauth, Pass, Pass, Pass]),
    ("GET", "/api/v1/comments", [Unauth, Deny, Pass, Pass]),
    ("PATCH", "/api/v1/comments/{id}", [Unauth, Deny, Pass, Pass]),
    ("GET", "/api/v1/me", [Unauth, Pass, Pass, Pass]),
    ("GET", "/api/v1/users", [Unauth, Deny, Deny, Pass]),
    ("POST", "/api/v1/users", [Unauth, Deny, Deny, Pass]),
    ("GET", "/api/v1/tokens", [Unauth, Pass, Pass, Pass]),
    ("DELETE", "/api/v1/tokens/{id}", [Unauth, Hidden, Hidden, Pass]),
];

const ROLES: [Option<Role>; 4] = [None, Some(Role::Author), Some(Role::Editor), Some(Role::Admin)];

/// Reads `(METHOD, path)` of every route a router function declares, from its source.
fn declared_routes(file: &str, prefix: &str) -> BTreeSet<(String, String)> {
    let src = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
    let start = src.find("pub fn routes(").expect("a routes function");
    let body = &src[start..start + src[start..].find("\n}\n").expect("its end")];
    let mut out = BTreeSet::new();
    for chunk in body.split(".route(").skip(1) {
        let path = chunk.split('"').nth(1).expect("a path literal");
        for method in ["get", "post", "patch", "put", "delete"] {
            let call = format!("{method}(");
            let found = chunk.match_indices(&call).any(|(i, _)| {
                let before = chunk[..i].chars().next_back().unwrap_or(' ');
                !(before.is_alphanumeric() || before == '_')
            });
            if found {
                let full = if path == "/" { prefix.to_owned() } else { format!("{prefix}{path}") };
                out.insert((method.to_uppercase(), full));
            }
        }
    }
    assert!(out.len() > 5, "parsed too few routes from {file}: {out:?}");
    out
}

#[test]
fn the_role_matrix_names_every_admin_and_api_route() {
    let mut declared = declared_routes("src/web/admin/mod.rs", "/admin");
    declared.extend(declared_routes("src/web/api/mod.rs", "/api/v1"));
    let listed: BTreeSet<(String, String)> =
        MATRIX.iter().map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned())).collect();
    assert_eq!(listed.len(), MATRIX.len(), "a route is listed twice");
    let missing: Vec<_> = declared.difference(&listed).collect();
    assert!(missing.is_empty(), "routes without an expectation in MATRIX: {missing:?}");
    let stale: Vec<_> = listed.difference(&declared).collect();
    assert!(stale.is_empty(), "MATRIX lists routes the routers no longer have: {stale:?}");
}

/// Everything the matrix's requests point at.
struct Fixtures {
    article: i64,
    comment: i64,
    media: i64,
    admin_email: String,
}

/// A caller: no credentials, or a fresh session and a token of a user with the role.
struct Caller {
    cookie: Option<String>,
    csrf: String,
    token: Option<String>,
}

async fn caller(app: &TestApp, role: Option<Role>) -> Caller {
    let Some(role) = role else { return Caller { cookie: None, csrf: String::new(), token: None } };
    let email = format!("{}@example.org", role.as_str());
    let user = app.store.get_user_by_email(&email).await.unwrap().unwrap();
    let (session, csrf) = (random_token(), random_token());
    let now = chrono::Utc::now();
    app.store
        .create_session(&hash_secret(&session), user.id, &csrf, now, now + chrono::Duration::hours(1))
        .await
        .unwrap();
    Caller { cookie: Some(format!("dl_session={session}")), csrf, token: Some(app.token(&email).await) }
}

fn editor_form(csrf: &str, headline: &str) -> reqwest::multipart::Form {
    let mut f = reqwest::multipart::Form::new();
    for (k, v) in [
        ("csrf", csrf),
        ("kind", "article"),
        ("headline", headline),
        ("slug", ""),
        ("standfirst", "A summary."),
        ("dateline", "Port Alder"),
        ("section", "City"),
        ("tags", ""),
        ("authors", "Test User"),
        ("body", "A body."),
        ("published_at", ""),
        ("action", "save"),
    ] {
        f = f.text(k, v.to_owned());
    }
    f
}

/// Sends one matrix request as `who`; returns the status, the Location and the Cache-Control.
async fn call_as(app: &TestApp, fx: &Fixtures, who: &Caller, method: &str, route: &str, n: usize) -> reqwest::Response {
    let id = if route.contains("/comments/") {
        fx.comment
    } else if route.contains("/media/") {
        fx.media
    } else if route.contains("/tokens/") {
        // A fresh token of the admin each time: deleting it must not disturb the others.
        let admin_token = app.token(&fx.admin_email).await;
        let who_is = app.http.get(app.url("/api/v1/tokens")).bearer_auth(&admin_token).send().await.unwrap();
        let list: Value = who_is.json().await.unwrap();
        list["tokens"].as_array().unwrap().iter().filter_map(|t| t["id"].as_i64()).max().unwrap()
    } else {
        fx.article
    };
    // The draft has no live entry: the entry routes answer 404 to whoever may reach them.
    let path = route.replace("{id}", &id.to_string()).replace("{entry}", "1").replace("{action}", "pin");
    let path = match path.as_str() {
        "/api/v1/search" => "/api/v1/search?q=harbour".to_owned(),
        "/api/v1/timeline" => "/api/v1/timeline?entity=nobody".to_owned(),
        _ => path,
    };
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut req = http.request(method.parse().unwrap(), app.url(&path));
    if let Some(c) = &who.cookie {
        req = req.header("cookie", c);
    }
    if let (Some(t), true) = (&who.token, path.starts_with("/api/")) {
        req = req.bearer_auth(t);
    }
    let csrf = who.csrf.clone();
    let unique = format!("new{n}@example.org");
    let form = |fields: &[(&str, &str)]| {
        let mut v: Vec<(String, String)> = vec![("csrf".into(), csrf.clone())];
        v.extend(fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
        v
    };
    let comment = fx.comment.to_string();
    req = match (method, route) {
        ("POST", "/admin/login") => {
            req.form(&[("email", fx.admin_email.as_str()), ("password", "a long enough password"), ("next", "/admin")])
        }
        ("POST", "/admin/articles/new" | "/admin/articles/{id}") => {
            req.multipart(editor_form(&csrf, &format!("Role check {n}")))
        }
        ("POST", "/admin/articles/{id}/corrections") => req.form(&form(&[("body", "A correction.")])),
        ("POST", "/admin/articles/{id}/entities") => req.form(&form(&[("entity", "1"), ("action", "accept")])),
        // "off" leaves the draft as it was for the routes after it.
        ("POST", "/admin/articles/{id}/live/state") => req.form(&form(&[("state", "off")])),
        ("POST", "/admin/articles/{id}/live/entries") => req.multipart(
            reqwest::multipart::Form::new().text("csrf", csrf.clone()).text("entry", "").text("body", "An update."),
        ),
        ("POST", "/admin/articles/{id}/live/entries/{entry}/{action}") => req.form(&form(&[])),
        ("POST", "/api/v1/articles/{id}/entries") => req.json(&json!({"body": "An update."})),
        ("PATCH", "/api/v1/articles/{id}/entries/{entry}") => req.json(&json!({"body": "An update."})),
        ("PUT", "/api/v1/articles/{id}/live") => req.json(&json!({"state": "off"})),
        ("POST", "/admin/users") => req.form(&form(&[
            ("email", &unique),
            ("name", "New"),
            ("role", "author"),
            ("password", "a long enough password"),
        ])),
        ("POST", "/admin/settings") => req.form(&form(&[("share", "email")])),
        ("POST", "/admin/banner") => req.form(&form(&[("action", "clear")])),
        ("PUT", "/api/v1/banner") => req.json(&json!({"text": "Role check banner."})),
        ("POST", "/admin/comments/bulk") => {
            req.form(&form(&[("action", "approved"), ("ids", &comment), ("back", "/admin/comments")]))
        }
        ("POST", "/admin/comments/{id}/status") => req.form(&form(&[("status", "approved")])),
        ("POST", "/admin/comments/{id}/edit" | "/admin/comments/{id}/reply") => {
            req.form(&form(&[("body", "Thank you for reading.")]))
        }
        ("POST", "/admin/logout" | "/admin/logout-everywhere") => req.form(&form(&[])),
        ("POST", "/api/v1/articles") => req.json(&json!({"headline": format!("Role check {n}"), "body": "Text."})),
        ("PATCH", "/api/v1/articles/{id}") => req.json(&json!({"standfirst": "Checked."})),
        ("POST", "/api/v1/articles/{id}/corrections") => req.json(&json!({"body": "A correction."})),
        ("POST", "/api/v1/media") => req.header("content-type", "image/jpeg").body(jpeg(64, 48)),
        ("PATCH", "/api/v1/comments/{id}") => req.json(&json!({"status": "approved"})),
        ("POST", "/api/v1/users") => req.json(&json!({"email": unique, "name": "New", "role": "author"})),
        ("GET" | "DELETE", _) => req,
        other => panic!("no request body written for {other:?}"),
    };
    req.send().await.unwrap()
}

#[tokio::test]
async fn every_admin_and_api_route_checks_the_role_of_every_caller() {
    let app = spawn_app().await;
    for role in [Role::Author, Role::Editor, Role::Admin] {
        app.add_user(&format!("{}@example.org", role.as_str()), role).await;
    }
    let story = app.import(&story_dir().join("article.md")).await;
    let editor = app.token("editor@example.org").await;
    let draft: Value = app
        .http
        .post(app.url("/api/v1/articles"))
        .bearer_auth(&editor)
        .json(&json!({"headline": "An editor's embargoed draft", "body": "Not yet."}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let media: Value = app
        .http
        .post(app.url("/api/v1/media"))
        .bearer_auth(&editor)
        .header("content-type", "image/jpeg")
        .body(jpeg(64, 48))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let posted = app
        .comment_with(
            &app.browser(),
            &story.permalink(app.cfg.tz()),
            &[("name", "Ann"), ("email", "ann@example.org"), ("body", "A reader's comment.")],
        )
        .await;
    let fx = Fixtures {
        article: draft["id"].as_i64().unwrap(),
        comment: posted_id(&posted),
        media: media["id"].as_i64().unwrap(),
        admin_email: "admin@example.org".into(),
    };

    let mut failures = Vec::new();
    let mut n = 0;
    for (method, route, wants) in MATRIX {
        for (role, want) in ROLES.iter().zip(wants) {
            n += 1;
            let who = caller(&app, *role).await;
            let r = call_as(&app, &fx, &who, method, route, n).await;
            let status = r.status().as_u16();
            let location = r.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
            let cache = r.headers().get("cache-control").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
            // Sent to log in (with where to come back); a logout's own redirect is its success.
            let to_login = status == 303 && location.starts_with("/admin/login?next=");
            let got_right = match want {
                Pass => ![401, 403].contains(&status) && status < 500 && !to_login,
                Login => to_login,
                Unauth => status == 401,
                Deny => status == 403,
                Hidden => status == 404,
            };
            let who_name = role.map_or("stranger", Role::as_str);
            if !got_right {
                let body = r.text().await.unwrap_or_default();
                let body: String = body.chars().take(200).collect();
                failures
                    .push(format!("{method} {route} as {who_name}: wanted {want:?}, got {status} {location} {body}"));
            } else if !cache.contains("no-store") {
                // Personal answers, refusals included, are never kept by a shared cache.
                failures.push(format!("{method} {route} as {who_name}: {status} without no-store ({cache:?})"));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {n} checks failed:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn api_tokens_are_stored_hashed_and_revocable_from_the_command_line() {
    let app = spawn_app().await;
    app.add_user("ed@example.org", Role::Editor).await;
    let data = app.cfg.data_dir.to_str().unwrap().to_owned();
    let cli = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_dateline"))
            .args(["--data", &data])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    let token = cli(&["token", "create", "--email", "ed@example.org"]);
    assert!(token.starts_with("dl_"), "{token}");
    let me = app.http.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(me.status().as_u16(), 200);

    // No byte of the database (main file and write-ahead log) holds the token; its SHA-256 is there.
    let mut stored = Vec::new();
    for file in ["dateline.db", "dateline.db-wal"] {
        if let Ok(b) = std::fs::read(app.cfg.data_dir.join(file)) {
            stored.extend(b);
        }
    }
    let has = |needle: &str| stored.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(has(&hash_secret(&token)), "the token's hash is stored");
    assert!(!has(&token) && !has(token.trim_start_matches("dl_")), "the raw token is in the database");
    // Nor does any answer show it again.
    let list = app.http.get(app.url("/api/v1/tokens")).bearer_auth(&token).send().await.unwrap().text().await.unwrap();
    assert!(!list.contains(token.trim_start_matches("dl_")), "{list}");

    let id = serde_json::from_str::<Value>(&list).unwrap()["tokens"][0]["id"].as_i64().unwrap();
    cli(&["token", "revoke", &id.to_string()]);
    let r = app.http.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401, "a revoked token stops at once");
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
}

// ---------------------------------------------------------------------------
// 3. Body limits per route
// ---------------------------------------------------------------------------

/// How a raw request's body is sent.
enum Send {
    /// Only the headers, declaring a length (the body never follows).
    Declared(usize),
    /// `Transfer-Encoding: chunked`, this many bytes in 16 KB chunks, no length declared.
    Chunked(usize),
}

/// Sends a request over a bare connection and returns the status, the headers (lower case) and the body.
async fn raw(app: &TestApp, method: &str, path: &str, headers: &[(&str, &str)], send: Send) -> (u16, String, String) {
    let addr = app.base_url.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).await.unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    match send {
        Send::Declared(n) => {
            head.push_str(&format!("Content-Length: {n}\r\n\r\n"));
            s.write_all(head.as_bytes()).await.unwrap();
        }
        Send::Chunked(total) => {
            head.push_str("Transfer-Encoding: chunked\r\n\r\n");
            s.write_all(head.as_bytes()).await.unwrap();
            let chunk = vec![b'a'; 16 * 1024];
            let mut sent = 0;
            while sent < total {
                let n = chunk.len().min(total - sent);
                let frame = [format!("{n:x}\r\n").as_bytes(), &chunk[..n], b"\r\n"].concat();
                if s.write_all(&frame).await.is_err() {
                    break; // the server answered and closed: read what it said
                }
                sent += n;
            }
            s.write_all(b"0\r\n\r\n").await.ok();
        }
    }
    // Read the answer's head, then as much body as it declares (the connection may stay open).
    let mut buf = Vec::new();
    let read = async {
        let mut chunk = [0u8; 8192];
        loop {
            let text = String::from_utf8_lossy(&buf).into_owned();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let len = head
                    .lines()
                    .find_map(|l| {
                        l.to_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0))
                    })
                    .unwrap_or(0usize);
                if body.len() >= len {
                    break;
                }
            }
            match s.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), read).await.expect("an answer");
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head.to_lowercase(), body.to_owned())
}

#[tokio::test]
async fn every_route_that_takes_a_body_has_its_own_limit_and_answers_413() {
    let app = spawn_app().await;
    app.add_user("ed@example.org", Role::Editor).await;
    let token = app.token("ed@example.org").await;
    let story = app.import(&story_dir().join("article.md")).await;
    let limits = dateline::web::limits::BodyLimits::new(&app.cfg);
    // The session cookie, read the way a browser would send it.
    let jar_cookie = {
        let r = app
            .browser()
            .post(app.url("/admin/login"))
            .form(&[("email", "ed@example.org"), ("password", "a long enough password")])
            .send()
            .await
            .unwrap();
        r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned()
    };
    let bearer = format!("Bearer {token}");
    let form = ("Content-Type", "application/x-www-form-urlencoded");
    let json = ("Content-Type", "application/json");
    // method, path, its limit, headers, the content type of its 413
    type Case<'a> = (&'a str, String, usize, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case<'_>> = vec![
        ("POST", "/admin/login".into(), limits.login, vec![form], "text/html"),
        ("POST", "/comments".into(), limits.comment, vec![form], "text/html"),
        (
            "POST",
            format!("/admin/articles/{}/corrections", story.id.0),
            limits.form,
            vec![form, ("Cookie", &jar_cookie)],
            "text/html",
        ),
        ("POST", "/admin/comments/1/reply".into(), limits.comment, vec![form, ("Cookie", &jar_cookie)], "text/html"),
        (
            "POST",
            "/admin/articles/new".into(),
            limits.editor,
            vec![("Content-Type", "multipart/form-data; boundary=x"), ("Cookie", &jar_cookie)],
            "text/html",
        ),
        (
            "POST",
            "/api/v1/articles".into(),
            limits.api_json,
            vec![json, ("Authorization", &bearer)],
            "application/json",
        ),
        (
            "PATCH",
            format!("/api/v1/articles/{}", story.id.0),
            limits.api_json,
            vec![json, ("Authorization", &bearer)],
            "application/json",
        ),
        (
            "POST",
            "/api/v1/media".into(),
            limits.api_upload,
            vec![("Content-Type", "image/jpeg"), ("Authorization", &bearer)],
            "application/json",
        ),
    ];
    for (method, path, limit, headers, kind) in &cases {
        // Declared too large: refused at once, before any of the body is sent.
        let start = Instant::now();
        let (status, head, body) = raw(&app, method, path, headers, Send::Declared(limit + 1)).await;
        assert_eq!(status, 413, "{method} {path} declaring {} bytes: {head}\n{body}", limit + 1);
        assert!(start.elapsed() < Duration::from_secs(2), "{method} {path}: {:?}", start.elapsed());
        assert!(head.contains(&format!("content-type: {kind}")), "{method} {path}: {head}");
        assert!(body.contains("larger than this site accepts"), "{method} {path}: {body}");
        // Streamed, with no length: read only up to the limit, then 413.
        let (status, head, body) = raw(&app, method, path, headers, Send::Chunked(limit + 64 * 1024)).await;
        assert_eq!(status, 413, "{method} {path} chunked: {head}\n{body}");
        assert!(head.contains(&format!("content-type: {kind}")), "{method} {path}: {head}");
        // Just under the limit: past the limit check (the handler may still refuse the content).
        let (status, head, _) = raw(&app, method, path, headers, Send::Chunked(limit - 16)).await;
        assert_ne!(status, 413, "{method} {path} just under its limit: {head}");
        assert_ne!(status, 0, "{method} {path} just under its limit: no answer");
    }
}

#[tokio::test]
async fn the_longest_valid_inputs_fit_their_limits() {
    let app = spawn_app().await;
    let story = app.import(&story_dir().join("article.md")).await;
    let path = story.permalink(app.cfg.tz());
    // A comment of the most characters allowed, each three bytes and percent-encoded to nine.
    let longest: String = "中".repeat(app.cfg.comments.max_chars);
    let r = app
        .comment_with(&app.browser(), &path, &[("name", "Ann"), ("email", "ann@example.org"), ("body", &longest)])
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    // An article body of the most characters allowed, four bytes each, through the API.
    app.add_user("ed@example.org", Role::Editor).await;
    let token = app.token("ed@example.org").await;
    let body: String = "𝄞".repeat(dateline::domain::limits::BODY);
    let r = app
        .http
        .post(app.url("/api/v1/articles"))
        .bearer_auth(&token)
        .json(&json!({"headline": "The longest story", "body": body}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201, "{}", r.text().await.unwrap());
}

// ---------------------------------------------------------------------------
// 2. The page cache and forwarding headers
// ---------------------------------------------------------------------------

async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut req = http.get(app.url(path));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap()
}

fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

/// Waits until `path` stays cached for a second and returns it. Any commit (a login, the
/// demo being read in the background after start-up) makes every cached page stale.
async fn quiet(app: &TestApp, path: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let original = get_with(app, path, &[]).await.text().await.unwrap();
        tokio::time::sleep(Duration::from_millis(1000)).await;
        let warm = get_with(app, path, &[]).await;
        if header(&warm, "x-cache") == "hit" && warm.text().await.unwrap() == original {
            return original;
        }
        assert!(Instant::now() < deadline, "{path} never stays cached");
    }
}

#[tokio::test]
async fn nothing_outside_the_cache_key_changes_a_cached_page() {
    let app = spawn_with(true, |_| {}).await;
    app.add_user("ed@example.org", Role::Editor).await;
    let editor_session = {
        let r = app
            .browser()
            .post(app.url("/admin/login"))
            .form(&[("email", "ed@example.org"), ("password", "a long enough password")])
            .send()
            .await
            .unwrap();
        header(&r, "set-cookie").split(';').next().unwrap().to_owned()
    };
    let bearer = format!("Bearer {}", app.token("ed@example.org").await);
    let front = get_with(&app, "/", &[]).await.text().await.unwrap();
    let article = attrs(&front, "main a", "href")
        .into_iter()
        .find(|h| h.starts_with("/20"))
        .expect("an article link on the front page");
    for path in ["/".to_owned(), article.clone()] {
        let original = quiet(&app, &path).await;
        let variations: Vec<(String, Vec<(&str, &str)>)> = vec![
            (path.clone(), vec![("X-Forwarded-Host", "evil.example")]),
            (path.clone(), vec![("X-Forwarded-Proto", "https")]),
            (path.clone(), vec![("X-Forwarded-For", "203.0.113.9")]),
            (path.clone(), vec![("Forwarded", "host=evil.example;proto=https")]),
            (path.clone(), vec![("X-Original-URL", "/admin")]),
            (path.clone(), vec![("X-Rewrite-URL", "/admin")]),
            (path.clone(), vec![("X-Host", "evil.example")]),
            (path.clone(), vec![("Host", "evil.example")]),
            (path.clone(), vec![("Accept-Language", "fr-FR")]),
            (path.clone(), vec![("User-Agent", "Googlebot/2.1")]),
            (path.clone(), vec![("Accept", "application/json")]),
            (path.clone(), vec![("Cookie", editor_session.as_str())]),
            (path.clone(), vec![("Cookie", "dl_commenter=abc; theme=dark")]),
            (path.clone(), vec![("Cookie", "dl_pending=1")]),
            (path.clone(), vec![("Authorization", bearer.as_str())]),
            (format!("{path}?preview=1"), vec![]),
            (format!("{path}?utm_source=news&utm_medium=x"), vec![]),
            (format!("{path}?page=1"), vec![]),
            (format!("{path}?PAGE=2"), vec![]),
            (format!("{path}?fbclid=x&preview=true"), vec![("Cookie", editor_session.as_str())]),
        ];
        for (url, headers) in &variations {
            let r = get_with(&app, url, headers).await;
            let status = r.status().as_u16();
            let cc = header(&r, "cache-control");
            let body = r.text().await.unwrap();
            let private = cc.contains("private") && cc.contains("no-store");
            assert!(
                status == 200 && (body == original || private),
                "{url} with {headers:?} changed the page ({status}, {cc})"
            );
            // Whatever that request got, the next reader gets the page everyone gets.
            let next = get_with(&app, &path, &[]).await;
            assert_eq!(header(&next, "x-cache"), "hit", "after {url} with {headers:?}");
            assert_eq!(next.text().await.unwrap(), original, "after {url} with {headers:?}");
        }
    }
}

#[tokio::test]
async fn a_page_first_rendered_for_a_hostile_request_is_stored_clean() {
    let app = spawn_with(true, |_| {}).await;
    app.add_user("ed@example.org", Role::Editor).await;
    let browser = app.browser();
    browser
        .post(app.url("/admin/login"))
        .form(&[("email", "ed@example.org"), ("password", "a long enough password")])
        .send()
        .await
        .unwrap();
    quiet(&app, "/").await;
    // The first request for the page (a miss) carries everything an attacker or an editor might send.
    let first = browser
        .get(app.url("/section/city/?utm_source=x&preview=1"))
        .header("Host", "evil.example")
        .header("X-Forwarded-Host", "evil.example")
        .header("X-Forwarded-Proto", "https")
        .header("Accept-Language", "fr")
        .send()
        .await
        .unwrap();
    assert_eq!(first.status().as_u16(), 200);
    let stored = get_with(&app, "/section/city/", &[]).await;
    assert_eq!(header(&stored, "x-cache"), "hit");
    let html = stored.text().await.unwrap();
    for trace in ["evil.example", "utm_source", "preview", "staffbar", "Test User", "csrf"] {
        assert!(!html.contains(trace), "the cached page holds {trace:?}");
    }
    let canonical = attrs(&html, "link[rel=canonical]", "href");
    assert_eq!(canonical, [format!("{}/section/city/", app.cfg.base_url())]);
}

#[tokio::test]
async fn staff_answers_are_never_stored_by_any_cache() {
    let app = spawn_app().await;
    app.add_user("ed@example.org", Role::Editor).await;
    app.login("ed@example.org").await;
    let csrf = app.csrf().await;
    // A preview of an unpublished draft, as the editor's preview button sends it.
    let form = editor_form(&csrf, "Embargoed preview").text("action", "preview");
    let r = app.http.post(app.url("/admin/articles/new")).multipart(form).send().await.unwrap();
    let cc = header(&r, "cache-control");
    let html = r.text().await.unwrap();
    assert!(html.contains("Embargoed preview"), "the preview shows the draft");
    assert!(cc.contains("private") && cc.contains("no-store"), "{cc}");
    // Nothing of the draft reaches a public (cached) page; every staff page is personal.
    assert!(!app.get("/").await.1.contains("Embargoed preview"));
    for path in ["/admin", "/admin/articles/new", "/admin/settings", "/admin/comments", "/admin/login"] {
        let r = app.http.get(app.url(path)).send().await.unwrap();
        let cc = header(&r, "cache-control");
        assert!(cc.contains("private") && cc.contains("no-store"), "{path}: {cc}");
    }
}

#[tokio::test]
async fn forwarding_headers_count_only_from_configured_proxies() {
    // From an address that is no proxy of ours: X-Forwarded-Proto brings no HSTS.
    let direct = spawn_app().await;
    let r = get_with(&direct, "/admin/login", &[("X-Forwarded-Proto", "https")]).await;
    assert!(r.headers().get("strict-transport-security").is_none());
    // From a configured proxy it does, on pages, cached pages, admin pages and API answers alike.
    let proxied = spawn_with(false, |c| c.server.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    for path in ["/", "/", "/admin/login", "/api/v1/me"] {
        let r = get_with(&proxied, path, &[("X-Forwarded-Proto", "https")]).await;
        assert_eq!(header(&r, "strict-transport-security"), "max-age=31536000", "{path}");
        let r = get_with(&proxied, path, &[]).await;
        assert!(r.headers().get("strict-transport-security").is_none(), "{path} over plain HTTP");
    }
}

// ---------------------------------------------------------------------------
// 4. Login
// ---------------------------------------------------------------------------

/// Posts the login form from a browser behind our proxy at `ip`; returns status, Retry-After and body.
async fn try_login(app: &TestApp, ip: &str, email: &str, password: &str) -> (u16, String, String) {
    let r = app
        .browser()
        .post(app.url("/admin/login"))
        .header("X-Forwarded-For", ip)
        .form(&[("email", email), ("password", password), ("next", "/admin")])
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let retry = header(&r, "retry-after");
    (status, retry, r.text().await.unwrap())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::test]
async fn unknown_emails_and_wrong_passwords_get_the_same_answer_in_the_same_time() {
    let app = spawn_app().await;
    app.add_user("ed@example.org", Role::Editor).await;
    // An account without a password (API only) answers like the others too.
    app.store.create_user("bot@example.org", "Bot", Role::Author, None, chrono::Utc::now()).await.unwrap();
    let answer = |email: &'static str| {
        let app = &app;
        async move {
            let (status, _, body) = try_login(app, "127.0.0.1", email, "not the password at all").await;
            (status, body.replace(email, "EMAIL"))
        }
    };
    let wrong = answer("ed@example.org").await;
    assert_eq!(wrong.0, 401);
    assert!(wrong.1.contains("That email and password do not match an account."));
    assert_eq!(answer("nobody@example.org").await, wrong, "an unknown email is told apart");
    assert_eq!(answer("bot@example.org").await, wrong, "a passwordless account is told apart");

    // Timing: argon2 runs for unknown emails too (against a dummy hash).
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for i in 0..8 {
        let ip = format!("10.0.0.{i}");
        let start = Instant::now();
        try_login(&app, &ip, "ed@example.org", "wrong password here").await;
        known.push(start.elapsed());
        let start = Instant::now();
        try_login(&app, &ip, &format!("nobody{i}@example.org"), "wrong password here").await;
        unknown.push(start.elapsed());
    }
    let ratio = median(unknown.clone()).as_secs_f64() / median(known.clone()).as_secs_f64();
    assert!((0.5..2.0).contains(&ratio), "unknown {unknown:?} vs wrong password {known:?}");
}

#[tokio::test]
async fn repeated_failures_are_answered_429_per_account_and_per_address() {
    let app = spawn_with(false, |c| c.server.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    app.add_user("ed@example.org", Role::Editor).await;
    app.add_user("au@example.org", Role::Author).await;
    // Per account: ten failures from ten addresses, then even the right password waits.
    for i in 0..10 {
        let (status, _, _) = try_login(&app, &format!("198.51.100.{i}"), "ed@example.org", "guess guess guess").await;
        assert_eq!(status, 401, "attempt {i}");
    }
    let (status, retry, body) = try_login(&app, "198.51.100.77", "ed@example.org", "a long enough password").await;
    assert_eq!(status, 429, "{body}");
    assert!(retry.parse::<u64>().is_ok_and(|s| s > 0 && s <= 900), "Retry-After: {retry}");
    assert!(body.contains("Too many attempts"));
    // Another account, from another address, is not held up.
    assert_eq!(try_login(&app, "198.51.100.78", "au@example.org", "a long enough password").await.0, 303);

    // Per address: thirty failures across thirty accounts, then that address waits; another does not.
    for i in 0..30 {
        let (status, _, _) = try_login(&app, "203.0.113.5", &format!("n{i}@example.org"), "guess guess guess").await;
        assert_eq!(status, 401, "attempt {i}");
    }
    assert_eq!(try_login(&app, "203.0.113.5", "au@example.org", "a long enough password").await.0, 429);
    assert_eq!(try_login(&app, "203.0.113.6", "au@example.org", "a long enough password").await.0, 303);
}

#[tokio::test]
async fn x_forwarded_for_from_a_stranger_does_not_escape_the_per_address_limit() {
    let app = spawn_app().await; // no trusted proxy: the connection's own address counts
    let mut last = 0;
    for i in 0..31 {
        last = try_login(&app, &format!("192.0.2.{i}"), &format!("n{i}@example.org"), "guess guess guess").await.0;
    }
    assert_eq!(last, 429, "a forged X-Forwarded-For gave each guess a fresh address");
}

#[tokio::test]
async fn logging_in_rotates_the_session_and_logging_out_everywhere_ends_them_all() {
    let app = spawn_app().await;
    app.add_user("ed@example.org", Role::Editor).await;
    app.add_user("au@example.org", Role::Author).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let login = |cookie: Option<String>, email: &'static str| {
        let http = http.clone();
        let url = app.url("/admin/login");
        async move {
            let mut req = http.post(url).form(&[("email", email), ("password", "a long enough password")]);
            if let Some(c) = cookie {
                req = req.header("cookie", c);
            }
            let r = req.send().await.unwrap();
            assert_eq!(r.status().as_u16(), 303);
            header(&r, "set-cookie").split(';').next().unwrap().to_owned()
        }
    };
    let page = |cookie: String, path: &'static str| {
        let http = http.clone();
        let url = app.url(path);
        async move { http.get(url).header("cookie", cookie).send().await.unwrap() }
    };
    // A session id planted before login is never adopted.
    let planted = "dl_session=planted-by-someone-else".to_owned();
    let first = login(Some(planted.clone()), "ed@example.org").await;
    assert_ne!(first, planted);
    // Logging in again gives a new id and ends the old one.
    let second = login(Some(first.clone()), "ed@example.org").await;
    assert_ne!(second, first);
    assert_eq!(page(first.clone(), "/admin").await.status().as_u16(), 303, "the old session still works");
    let r = page(second.clone(), "/admin").await;
    assert_eq!(r.status().as_u16(), 200);
    // Every staff page offers "log out everywhere", to every role.
    let author = login(None, "au@example.org").await;
    let html = page(author.clone(), "/admin").await.text().await.unwrap();
    assert_eq!(attrs(&html, "form[action='/admin/logout-everywhere']", "method"), ["post"]);

    // Two devices of the editor; logging out everywhere from one ends both, and nobody else's.
    let laptop = second;
    let phone = login(None, "ed@example.org").await;
    let html = page(phone.clone(), "/admin").await.text().await.unwrap();
    let csrf = attrs(&html, "form[action='/admin/logout-everywhere'] input[name=csrf]", "value").remove(0);
    let r = http
        .post(app.url("/admin/logout-everywhere"))
        .header("cookie", &phone)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    for (who, cookie) in [("laptop", laptop), ("phone", phone)] {
        assert_eq!(page(cookie, "/admin").await.status().as_u16(), 303, "the {who} is still logged in");
    }
    assert_eq!(page(author, "/admin").await.status().as_u16(), 200, "another user was logged out");
}

// ---------------------------------------------------------------------------
// 5. Security headers and inline scripts
// ---------------------------------------------------------------------------

const CSP: &str = "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

fn check_headers(r: &reqwest::Response, what: &str, https: bool) {
    let csp = header(r, "content-security-policy");
    assert_eq!(csp, CSP, "{what}");
    let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
    for d in ["script-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'"] {
        assert!(directives.contains(&d), "{what}: {d} missing");
    }
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{what}");
    assert_eq!(header(r, "x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header(r, "referrer-policy"), "strict-origin-when-cross-origin", "{what}");
    let hsts = header(r, "strict-transport-security");
    assert_eq!(hsts, if https { "max-age=31536000" } else { "" }, "{what}");
}

#[tokio::test]
async fn every_kind_of_answer_carries_the_security_headers_and_hsts_only_over_https() {
    for https in [false, true] {
        let app = spawn_with(true, |c| {
            if https {
                c.site.base_url = "https://news.example".into();
            }
        })
        .await;
        app.add_user("ed@example.org", Role::Editor).await;
        let token = app.token("ed@example.org").await;
        for path in ["/", "/", "/section/city/", "/admin/login", "/admin", "/no-such-page/", "/feed.xml"] {
            check_headers(&get_with(&app, path, &[]).await, path, https);
        }
        let api = app.http.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
        check_headers(&api, "/api/v1/me", https);
        let denied = app.http.get(app.url("/api/v1/me")).send().await.unwrap();
        check_headers(&denied, "/api/v1/me without a token", https);
    }
}

#[tokio::test]
async fn no_page_runs_an_inline_script_or_handler() {
    let app = spawn_with(true, |_| {}).await;
    app.add_user("ed@example.org", Role::Editor).await;
    let front = app.get("/").await.1;
    let article = attrs(&front, "main a", "href").into_iter().find(|h| h.starts_with("/20")).unwrap();
    let mut pages: Vec<(String, String)> = Vec::new();
    for path in ["/", article.as_str(), "/section/city/", "/search?q=harbour", "/admin/login", "/no-such-page/"] {
        pages.push((path.to_owned(), app.get(path).await.1));
    }
    app.login("ed@example.org").await;
    let first_id = app.store.list_articles(&Default::default()).await.unwrap().items[0].id.0;
    for path in [
        "/admin".to_owned(),
        "/admin/articles/new".to_owned(),
        format!("/admin/articles/{first_id}"),
        "/admin/comments".to_owned(),
        "/admin/settings".to_owned(),
    ] {
        let (status, html) = app.get(&path).await;
        assert_eq!(status, 200, "{path}");
        pages.push((path, html));
    }
    let mut json_ld = 0;
    for (path, html) in &pages {
        let doc = scraper::Html::parse_document(html);
        for script in doc.select(&scraper::Selector::parse("script").unwrap()) {
            let el = script.value();
            if el.attr("src").is_some() {
                assert!(el.attr("src").unwrap().starts_with("/static/"), "{path}: {:?}", el.attr("src"));
                continue;
            }
            assert_eq!(el.attr("type"), Some("application/ld+json"), "{path} has an inline script: {}", script.html());
            json_ld += 1;
        }
        for el in doc.select(&scraper::Selector::parse("*").unwrap()) {
            for (name, value) in el.value().attrs() {
                assert!(!name.starts_with("on"), "{path}: handler {name}={value}");
                assert!(!value.trim_start().to_lowercase().starts_with("javascript:"), "{path}: {name}={value}");
            }
        }
    }
    assert!(json_ld > 0, "the article page's JSON-LD was seen");
}
