//! Issue #8, proven through the real server: who may call what (every admin
//! and API route, as every role and as a stranger), what the shared page cache
//! may keep, how large a body each route takes, how login resists guessing,
//! and the headers every answer carries.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use dateline::domain::Role;
use dateline::web::auth::{hash_secret, random_token};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::{attrs, jpeg, posted_id, seed_dir, spawn_app, spawn_with, TestApp};

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
    ("GET", "/admin/users", [Login, Deny, Deny, Pass]),
    ("POST", "/admin/users", [Login, Deny, Deny, Pass]),
    ("GET", "/admin/settings", [Login, Deny, Pass, Pass]),
    ("POST", "/admin/settings", [Login, Deny, Pass, Pass]),
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
    let path = route.replace("{id}", &id.to_string());
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
        ("POST", "/admin/users") => req.form(&form(&[
            ("email", &unique),
            ("name", "New"),
            ("role", "author"),
            ("password", "a long enough password"),
        ])),
        ("POST", "/admin/settings") => req.form(&form(&[("share", "email")])),
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
    let seed = app.import(&seed_dir().join("article.md")).await;
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
            &seed.permalink(app.cfg.tz()),
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
