//! A real edge cache: Debian's Varnish with the xkey module, configured by
//! `docs/edge/dateline.vcl`, in front of two nodes on one PostgreSQL
//! database. Needs `varnishd` (the test command installs it); without it the
//! test says it skipped, unless `TEST_REQUIRE_VARNISH` is set.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dateline::domain::Role;
use serde_json::{json, Value};

use crate::common::{spawn_with, TestApp};
use crate::pg::TestDb;

const VARNISHD: &str = "/usr/sbin/varnishd";

fn varnish_present() -> bool {
    let here = Path::new(VARNISHD).exists()
        && [
            "/usr/lib/x86_64-linux-gnu/varnish/vmods",
            "/usr/lib/aarch64-linux-gnu/varnish/vmods",
            "/usr/lib/varnish/vmods",
        ]
        .iter()
        .any(|d| Path::new(d).join("libvmod_xkey.so").exists());
    if !here {
        assert!(
            std::env::var_os("TEST_REQUIRE_VARNISH").is_none(),
            "TEST_REQUIRE_VARNISH is set but varnishd or xkey is missing"
        );
        eprintln!("Varnish test NOT run: install varnish and varnish-modules");
    }
    here
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running varnishd; stopped when dropped.
struct Varnish {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Varnish {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Varnish {
    /// Starts Varnish on `port` with the documented VCL, its backends pointed at `nodes`.
    async fn start(port: u16, nodes: &[&TestApp]) -> Varnish {
        let doc =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/edge/dateline.vcl")).unwrap();
        let start = doc.find("# --- backends").expect("the backends block");
        let end = doc.find("# --- end of backends ---").expect("its end");
        let mut block = String::new();
        for (i, n) in nodes.iter().enumerate() {
            let p = n.base_url.rsplit(':').next().unwrap();
            block.push_str(&format!("backend node{i} {{ .host = \"127.0.0.1\"; .port = \"{p}\"; }}\n"));
        }
        block.push_str("sub vcl_init {\n    new nodes = directors.round_robin();\n");
        for i in 0..nodes.len() {
            block.push_str(&format!("    nodes.add_backend(node{i});\n"));
        }
        block.push_str("}\n");
        let vcl = format!("{}{block}{}", &doc[..start], &doc[end..]);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("dateline.vcl");
        std::fs::write(&file, vcl).unwrap();
        let child = Command::new(VARNISHD)
            .args(["-F", "-j", "none", "-a", &format!("127.0.0.1:{port}"), "-f"])
            .arg(&file)
            .arg("-n")
            .arg(dir.path().join("work"))
            .args(["-s", "malloc,64m", "-T", "127.0.0.1:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("varnishd starts");
        let v = Varnish { child, port, _dir: dir };
        let http = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(r) = http.get(v.url("/healthz")).send().await {
                if r.status().is_success() {
                    return v;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("Varnish did not come up");
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

/// Pages the nodes answered (from their caches or rendered), and pages they rendered.
fn origin_counts(nodes: &[&TestApp]) -> (u64, u64) {
    nodes.iter().fold((0, 0), |(served, rendered), n| {
        let (hits, misses, stale) = n.cache.stats();
        (served + hits + misses + stale, rendered + misses)
    })
}

/// Whether Varnish answered from its cache (a hit carries two transaction ids).
fn varnish_hit(r: &reqwest::Response) -> bool {
    r.headers().get("x-varnish").and_then(|v| v.to_str().ok()).is_some_and(|v| v.split(' ').count() == 2)
}

#[tokio::test]
async fn varnish_keeps_the_site_and_an_entry_shows_through_it_within_a_second() {
    if !varnish_present() {
        return;
    }
    let Some(db) = TestDb::create().await else { return };
    let media = tempfile::tempdir().unwrap();
    let vport = free_port();
    let node = |m: std::path::PathBuf| {
        let url = db.url.clone();
        spawn_with(false, move |c| {
            c.database.url = url;
            c.media.dir = m;
            c.cache.purge = vec![format!("http://127.0.0.1:{vport}/")];
            c.cache.esi = true;
        })
    };
    let a = node(media.path().to_path_buf()).await;
    let b = node(media.path().to_path_buf()).await;
    let token = a.token(&a.add_user("ed@example.org", Role::Editor).await).await;
    let api = |app: &TestApp, method: &str, path: &str, body: Value| {
        app.http.request(method.parse().unwrap(), app.url(path)).bearer_auth(&token).json(&body).send()
    };
    let story: Value = api(&a, "POST", "/api/v1/articles", json!({"headline": "Dam Gates Opened", "body": "The river authority opened the gates at dawn.", "section": "City", "status": "published"}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let other: Value = api(&a, "POST", "/api/v1/articles", json!({"headline": "Library Hours Extended", "body": "Open until nine.", "section": "Culture", "status": "published"}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = story["id"].as_i64().unwrap();
    let r = api(&a, "PUT", &format!("/api/v1/articles/{id}/live"), json!({"state": "live"})).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let path = story["url"].as_str().unwrap().replace(&a.base_url, "");
    let other_path = other["url"].as_str().unwrap().replace(&a.base_url, "");
    // Story intelligence's changes and their purges settle before the reading starts.
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let varnish = Varnish::start(vport, &[&a, &b]).await;
    let reader = reqwest::Client::new();
    let pages = [path.clone(), other_path.clone(), "/".to_owned(), "/section/culture/".to_owned()];
    for p in &pages {
        assert_eq!(reader.get(varnish.url(p)).send().await.unwrap().status().as_u16(), 200, "{p}");
    }
    for p in &pages {
        let r = reader.get(varnish.url(p)).send().await.unwrap();
        assert!(varnish_hit(&r), "{p} is answered by Varnish the second time");
    }

    // An entry posted through B: Varnish is purged by its keys; fifty readers
    // ask at once; the origin renders the story's page once.
    let (_, rendered_before) = origin_counts(&[&a, &b]);
    let sent = Instant::now();
    let r =
        api(&b, "POST", &format!("/api/v1/articles/{id}/entries"), json!({"body": "Water reaches the footbridge."}))
            .await
            .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let mut seen = None;
    while sent.elapsed() < Duration::from_secs(3) {
        let mut readers = Vec::new();
        for _ in 0..50 {
            let (c, u) = (reader.clone(), varnish.url(&path));
            readers.push(tokio::spawn(async move { c.get(u).send().await.unwrap().text().await.unwrap() }));
        }
        let mut any = false;
        for r in readers {
            any |= r.await.unwrap().contains("Water reaches the footbridge.");
        }
        if any {
            seen = Some(sent.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let seen = seen.expect("the entry shows through Varnish");
    eprintln!("entry visible through Varnish {seen:?} after the post was sent");
    assert!(seen < Duration::from_secs(1), "within a second: {seen:?}");
    // Once fresh, everyone gets it from Varnish.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (served_before, _) = origin_counts(&[&a, &b]);
    for p in &pages {
        for _ in 0..25 {
            let r = reader.get(varnish.url(p)).send().await.unwrap();
            assert!(varnish_hit(&r), "{p} answered by Varnish while the story moves");
        }
    }
    let (served_after, rendered_after) = origin_counts(&[&a, &b]);
    assert_eq!(served_after, served_before, "no reader reached a node");
    assert_eq!(rendered_after - rendered_before, 1, "the story's page rendered once for every reader");

    banner_through(&varnish, &a, &token, &pages).await;

    // Unpublishing purges hard: Varnish never serves the story again, not even stale.
    let r = api(&a, "PATCH", &format!("/api/v1/articles/{id}"), json!({"status": "unpublished"})).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let start = Instant::now();
    loop {
        let status = reader.get(varnish.url(&path)).send().await.unwrap().status().as_u16();
        if status == 404 || status == 410 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(2), "the unpublished story is still served ({status})");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    stream_through(&varnish, &a, &token, id).await;
}

async fn send(app: &TestApp, token: &str, method: &str, path: &str, body: Value) -> reqwest::Response {
    app.http.request(method.parse().unwrap(), app.url(path)).bearer_auth(token).json(&body).send().await.unwrap()
}

/// The event stream of a live story goes through Varnish unbuffered (piped).
async fn stream_through(varnish: &Varnish, a: &TestApp, token: &str, id: i64) {
    let r = send(a, token, "PATCH", &format!("/api/v1/articles/{id}"), json!({"status": "published"})).await;
    assert_eq!(r.status().as_u16(), 200);
    let reader = reqwest::Client::new();
    let mut stream = reader.get(varnish.url(&format!("/live/{id}/events"))).send().await.unwrap();
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    send(a, token, "POST", &format!("/api/v1/articles/{id}/entries"), json!({"body": "Gates closing."})).await;
    let mut got = String::new();
    let until = Instant::now() + Duration::from_secs(3);
    while !got.contains("Gates closing.") && Instant::now() < until {
        match tokio::time::timeout(Duration::from_secs(3), stream.chunk()).await {
            Ok(Ok(Some(c))) => got.push_str(&String::from_utf8_lossy(&c)),
            _ => break,
        }
    }
    assert!(got.contains("event: entry") && got.contains("Gates closing."), "{got}");
}

/// The banner reaches every page through Varnish (ESI) while every page
/// object stays in Varnish's cache: only the fragment is fetched again.
async fn banner_through(varnish: &Varnish, a: &TestApp, token: &str, pages: &[String]) {
    let reader = reqwest::Client::new();
    let sent = Instant::now();
    let r = send(a, token, "PUT", "/api/v1/banner", json!({"text": "Bridge closed to all traffic"})).await;
    assert_eq!(r.status().as_u16(), 200);
    for p in pages {
        loop {
            let r = reader.get(varnish.url(p)).send().await.unwrap();
            let hit = varnish_hit(&r);
            if r.text().await.unwrap().contains("Bridge closed to all traffic") {
                assert!(hit, "{p}: the page itself stayed in Varnish");
                break;
            }
            assert!(sent.elapsed() < Duration::from_secs(2), "{p} never showed the banner");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    eprintln!("banner on every page through Varnish {:?} after it was set", sent.elapsed());
}
