//! Live coverage through the real server: entries posted through the API and
//! the desk, the story's page, feeds and JSON-LD, the event stream (ids,
//! replay from `Last-Event-ID`, the story ending), the roles, and the cache
//! staying warm for every page an entry does not touch.

use std::time::{Duration, Instant};

use dateline::domain::Role;
use serde_json::{json, Value};

use crate::common::{attrs, spawn_app, spawn_with, texts, TestApp};
use crate::pg::TestDb;

async fn api(app: &TestApp, token: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    crate::common::api_call(app, reqwest::Method::from_bytes(method.as_bytes()).unwrap(), path, token, body).await
}

/// Publishes a story and switches it to live; returns its id and path.
async fn live_story(app: &TestApp, token: &str, headline: &str) -> (i64, String) {
    let (s, a) = api(
        app,
        token,
        "POST",
        "/api/v1/articles",
        Some(json!({"headline": headline, "body": "Ferries are held at the quay as the storm nears.", "section": "City", "status": "published"})),
    )
    .await;
    assert_eq!(s, 201, "{a}");
    let id = a["id"].as_i64().unwrap();
    let (s, live) =
        api(app, token, "PUT", &format!("/api/v1/articles/{id}/live"), Some(json!({"state": "live"}))).await;
    assert_eq!((s, live["state"].as_str()), (200, Some("live")), "{live}");
    assert_eq!(live["stream"], format!("/live/{id}/events"));
    (id, a["url"].as_str().unwrap().replace(&app.base_url, ""))
}

async fn post_entry(app: &TestApp, token: &str, id: i64, body: Value) -> Value {
    let (s, e) = api(app, token, "POST", &format!("/api/v1/articles/{id}/entries"), Some(body)).await;
    assert_eq!(s, 201, "{e}");
    e
}

#[tokio::test]
async fn a_live_story_shows_its_entries_newest_first_with_its_key_events() {
    let app = spawn_app().await;
    let token = app.token(&app.add_user("ed@example.org", Role::Editor).await).await;
    let (id, path) = live_story(&app, &token, "Storm Reaches the Coast").await;
    let first = post_entry(&app, &token, id, json!({"body": "Wind gusts reach 90 km/h at the harbour."})).await;
    let second = post_entry(
        &app,
        &token,
        id,
        json!({"headline": "Ferries cancelled", "body": "All evening crossings are **cancelled**.", "pinned": true}),
    )
    .await;
    let third =
        post_entry(&app, &token, id, json!({"body": "Power is out in the old town <script>alert(1)</script>."})).await;

    let (status, html) = app.get(&path).await;
    assert_eq!(status, 200);
    let order: Vec<String> = attrs(&html, ".live-entries .entry", "id");
    let want: Vec<String> = [&third, &second, &first].iter().map(|e| format!("entry-{}", e["id"])).collect();
    assert_eq!(order, want, "newest first, each at its own anchor");
    let key_events = texts(&html, ".key-events li a");
    assert_eq!(key_events.len(), 1);
    assert!(key_events[0].ends_with("Ferries cancelled"), "{key_events:?}");
    assert_eq!(attrs(&html, ".key-events li a", "href"), [format!("#entry-{}", second["id"])]);
    assert!(html.contains("<strong>cancelled</strong>"), "Markdown is rendered");
    assert!(!html.contains("<script>alert"), "entries are sanitised like articles");
    assert_eq!(texts(&html, &format!("#entry-{} .entry-author", first["id"])), ["Test User"]);
    assert_eq!(attrs(&html, ".live", "data-stream"), [format!("/live/{id}/events")]);
    assert!(html.contains("/static/live.js"));

    // JSON-LD: a LiveBlogPosting with its coverage start and updates.
    let ld = texts(&html, "script[type='application/ld+json']").join("");
    let ld: Value = serde_json::from_str(&ld).unwrap();
    let posting = &ld[0];
    assert_eq!(posting["@type"], "LiveBlogPosting");
    assert!(posting["coverageStartTime"].is_string());
    assert!(posting.get("coverageEndTime").is_none());
    let updates = posting["liveBlogUpdate"].as_array().unwrap();
    assert_eq!(updates.len(), 3);
    assert_eq!(updates[1]["headline"], "Ferries cancelled");
    assert!(updates[0]["url"].as_str().unwrap().ends_with(&format!("#entry-{}", third["id"])));

    // An edit shows "Updated"; a deletion removes the entry.
    let (s, edited) = api(
        &app,
        &token,
        "PATCH",
        &format!("/api/v1/articles/{id}/entries/{}", first["id"]),
        Some(json!({"body": "Gusts reach 110 km/h."})),
    )
    .await;
    assert_eq!(s, 200, "{edited}");
    let (s, _) = api(&app, &token, "DELETE", &format!("/api/v1/articles/{id}/entries/{}", third["id"]), None).await;
    assert_eq!(s, 204);
    let (_, html) = app.get(&path).await;
    assert_eq!(texts(&html, &format!("#entry-{} .entry-updated", first["id"])).len(), 1, "edited entries say so");
    assert!(html.contains("110 km/h"));
    assert!(!html.contains(&format!("entry-{}", third["id"])), "a deleted entry is gone at once");

    // The feeds carry the entries, newest first.
    let (s, rss) = app.get(&format!("{path}live/feed.xml")).await;
    assert_eq!(s, 200);
    let links: Vec<&str> = rss.match_indices("#entry-").map(|(i, _)| &rss[i..i + 12]).collect();
    assert!(links[0].starts_with(&format!("#entry-{}", second["id"])), "{links:?}");
    let (s, feed) = app.get(&format!("{path}live/feed.json")).await;
    assert_eq!(s, 200);
    let feed: Value = serde_json::from_str(&feed).unwrap();
    assert_eq!(feed["items"].as_array().unwrap().len(), 2);
    assert_eq!(app.get(&format!("{path}live/atom.xml")).await.0, 200);
    assert_eq!(app.get(&format!("{path}live/nope.xml")).await.0, 404);

    // Ending the coverage: the page says so, the JSON-LD gets its end, the stream is over.
    let (s, _) =
        api(&app, &token, "PUT", &format!("/api/v1/articles/{id}/live"), Some(json!({"state": "ended"}))).await;
    assert_eq!(s, 200);
    let (_, html) = app.get(&path).await;
    assert_eq!(texts(&html, "#live-title"), ["Live coverage has ended"]);
    assert!(attrs(&html, ".live", "data-stream").is_empty());
    assert!(html.contains("coverageEndTime"));
    let r = app.http.get(app.url(&format!("/live/{id}/events"))).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 204, "an ended story's stream tells the browser to stop");
}

#[tokio::test]
async fn older_entries_are_paged_and_key_events_link_to_their_page() {
    let app = spawn_app().await;
    let token = app.token(&app.add_user("ed@example.org", Role::Editor).await).await;
    let (id, path) = live_story(&app, &token, "Count Goes On").await;
    let pinned = post_entry(&app, &token, id, json!({"body": "Polls close.", "pinned": true})).await;
    for n in 0..24 {
        post_entry(&app, &token, id, json!({"body": format!("Ward {n} declared.")})).await;
    }
    let (_, html) = app.get(&path).await;
    assert_eq!(attrs(&html, ".live-entries .entry", "id").len(), 20);
    assert_eq!(attrs(&html, ".live-older a", "href"), [format!("{path}live/?page=2")]);
    assert_eq!(attrs(&html, ".key-events a", "href"), [format!("{path}live/?page=2#entry-{}", pinned["id"])]);
    let (s, page2) = app.get(&format!("{path}live/?page=2")).await;
    assert_eq!(s, 200);
    assert_eq!(attrs(&page2, ".live-entries .entry", "id").len(), 5);
    assert!(page2.contains(&format!("id=\"entry-{}\"", pinned["id"])));
    assert_eq!(app.get(&format!("{path}live/?page=3")).await.0, 404);
}

#[tokio::test]
async fn roles_and_bad_input_on_entries() {
    let app = spawn_app().await;
    let ed = app.token(&app.add_user("ed@example.org", Role::Editor).await).await;
    let au = app.token(&app.add_user("au@example.org", Role::Author).await).await;
    let (id, _) = live_story(&app, &ed, "Bridge Closed").await;

    // Any reporter posts to a live story; only editors pin.
    let mine = post_entry(&app, &au, id, json!({"body": "Traffic backs up to the ring road.", "pinned": true})).await;
    assert_eq!(mine["pinned"], false);
    let theirs = post_entry(&app, &ed, id, json!({"body": "Police divert lorries."})).await;
    let (s, e) = api(&app, &au, "DELETE", &format!("/api/v1/articles/{id}/entries/{}", theirs["id"]), None).await;
    assert_eq!(s, 403, "{e}");
    let (s, _) = api(
        &app,
        &au,
        "PATCH",
        &format!("/api/v1/articles/{id}/entries/{}", mine["id"]),
        Some(json!({"body": "Backs up further."})),
    )
    .await;
    assert_eq!(s, 200, "authors change their own entries");
    let (s, _) = api(&app, &au, "PUT", &format!("/api/v1/articles/{id}/live"), Some(json!({"state": "ended"}))).await;
    assert_eq!(s, 403, "only editors and the story's author end coverage");

    // Bad input: every problem named.
    let (s, e) = api(&app, &ed, "POST", &format!("/api/v1/articles/{id}/entries"), Some(json!({"body": "  "}))).await;
    assert_eq!(s, 422);
    assert!(e["fields"]["body"].is_string(), "{e}");
    let (s, e) =
        api(&app, &ed, "POST", &format!("/api/v1/articles/{id}/entries"), Some(json!({"body": "x".repeat(20_001)})))
            .await;
    assert_eq!(s, 422, "{e}");
    let (s, e) = api(
        &app,
        &ed,
        "POST",
        &format!("/api/v1/articles/{id}/entries"),
        Some(json!({"body": "A photo.", "photo": {"media_id": 999, "alt": "x"}})),
    )
    .await;
    assert_eq!((s, e["fields"]["photo"].is_string()), (422, true), "{e}");
    let (s, _) = api(
        &app,
        &ed,
        "PATCH",
        &format!("/api/v1/articles/{}/entries/{}", id + 100, mine["id"]),
        Some(json!({"body": "x"})),
    )
    .await;
    assert_eq!(s, 404);

    // A story that is not live takes no entries and has no stream.
    let (_, plain) = api(
        &app,
        &ed,
        "POST",
        "/api/v1/articles",
        Some(json!({"headline": "Quiet Day", "body": "Nothing.", "status": "published"})),
    )
    .await;
    let (s, e) =
        api(&app, &ed, "POST", &format!("/api/v1/articles/{}/entries", plain["id"]), Some(json!({"body": "x"}))).await;
    assert_eq!(s, 409, "{e}");
    let r = app.http.get(app.url(&format!("/live/{}/events", plain["id"]))).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert!(r.text().await.unwrap().contains("not covered live"));
    assert_eq!(app.http.get(app.url("/live/abc/events")).send().await.unwrap().status().as_u16(), 404);
    let r =
        app.http.get(app.url(&format!("/live/{id}/events"))).header("last-event-id", "yesterday").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let r =
        app.http.get(app.url(&format!("/live/{id}/events"))).header("last-event-id", "99999999").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400, "an id from the future is no place to resume from");
}

/// Reads a stream until `want` events arrived (or `limit` passed); returns them as (id, event, data).
async fn read_events(r: &mut reqwest::Response, want: usize, limit: Duration) -> Vec<(Option<i64>, String, Value)> {
    let mut buf = String::new();
    let mut out = Vec::new();
    let start = Instant::now();
    while out.len() < want && start.elapsed() < limit {
        let Ok(chunk) = tokio::time::timeout(limit.saturating_sub(start.elapsed()), r.chunk()).await else { break };
        let Some(chunk) = chunk.unwrap() else { break };
        buf.push_str(std::str::from_utf8(&chunk).unwrap());
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            let (mut id, mut event, mut data) = (None, String::new(), Value::Null);
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("id: ") {
                    id = v.parse().ok();
                } else if let Some(v) = line.strip_prefix("event: ") {
                    event = v.to_owned();
                } else if let Some(v) = line.strip_prefix("data: ") {
                    data = serde_json::from_str(v).unwrap();
                }
            }
            if !event.is_empty() {
                out.push((id, event, data));
            }
        }
    }
    out
}

async fn open_stream(app: &TestApp, id: i64, last: Option<i64>) -> reqwest::Response {
    let mut req = app.http.get(app.url(&format!("/live/{id}/events")));
    if let Some(l) = last {
        req = req.header("last-event-id", l.to_string());
    }
    let r = req.send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "text/event-stream");
    assert_eq!(r.headers()["x-accel-buffering"], "no");
    assert!(r.headers()["cache-control"].to_str().unwrap().contains("no-store"));
    r
}

#[tokio::test]
async fn an_open_page_hears_each_entry_and_a_reconnect_gets_what_it_missed() {
    let app = spawn_app().await;
    let token = app.token(&app.add_user("ed@example.org", Role::Editor).await).await;
    let (id, path) = live_story(&app, &token, "Flood Warning Issued").await;
    let mut stream = open_stream(&app, id, None).await;
    let (_, metrics) = app.get("/metrics").await;
    assert!(metrics.contains("dateline_live_streams 1"), "operators see the open streams");
    assert!(metrics.contains("dateline_jobs{kind=\"purge\",state=\"waiting\"}"), "and the queue");
    let posted = Instant::now();
    let e1 = post_entry(&app, &token, id, json!({"body": "The river is rising."})).await;
    let got = read_events(&mut stream, 1, Duration::from_secs(5)).await;
    eprintln!("entry heard on the stream {:?} after the post was sent", posted.elapsed());
    assert_eq!(got.len(), 1, "{got:?}");
    let (eid, event, data) = &got[0];
    assert_eq!((event.as_str(), data["id"].as_i64()), ("entry", e1["id"].as_i64()));
    assert!(data["html"].as_str().unwrap().contains("The river is rising."));
    assert!(data["html"].as_str().unwrap().contains(&format!("id=\"entry-{}\"", e1["id"])));
    let first_id = eid.expect("every event has an id");
    drop(stream);

    // While this reader is away: a new entry, an edit of the first, a deletion.
    let e2 = post_entry(&app, &token, id, json!({"body": "Sandbags at the bridge."})).await;
    let e3 = post_entry(&app, &token, id, json!({"body": "Posted in error."})).await;
    api(
        &app,
        &token,
        "PATCH",
        &format!("/api/v1/articles/{id}/entries/{}", e1["id"]),
        Some(json!({"body": "The river is rising fast."})),
    )
    .await;
    api(&app, &token, "DELETE", &format!("/api/v1/articles/{id}/entries/{}", e3["id"]), None).await;
    let mut again = open_stream(&app, id, Some(first_id)).await;
    let got = read_events(&mut again, 3, Duration::from_secs(5)).await;
    let by_entry = |n: &Value| got.iter().find(|(_, _, d)| d["id"] == *n).map(|(_, e, d)| (e.clone(), d.clone()));
    assert!(by_entry(&e1["id"]).unwrap().1["html"].as_str().unwrap().contains("rising fast"), "the edit: {got:?}");
    assert_eq!(by_entry(&e2["id"]).unwrap().0, "entry");
    assert_eq!(by_entry(&e3["id"]).unwrap().0, "delete");
    assert!(got.iter().all(|(i, _, _)| i.unwrap() > first_id), "ids move on");

    // The page a reader loads says where its stream starts; ending the coverage ends the stream.
    let (_, html) = app.get(&path).await;
    let since: i64 = attrs(&html, ".live", "data-since")[0].parse().unwrap();
    assert!(since >= first_id, "the page names the change it was built after");
    api(&app, &token, "PUT", &format!("/api/v1/articles/{id}/live"), Some(json!({"state": "ended"}))).await;
    let got = read_events(&mut again, 8, Duration::from_secs(3)).await;
    assert_eq!(
        got.last().map(|(_, e, d)| (e.as_str(), d["state"].as_str())),
        Some(("state", Some("ended"))),
        "{got:?}"
    );
    let rest = tokio::time::timeout(Duration::from_secs(5), again.chunk()).await.expect("the stream ends");
    assert!(rest.unwrap().is_none(), "no more events after the end");
}

#[tokio::test]
async fn an_entry_stales_its_story_and_no_other_page() {
    let app = spawn_with(false, |_| {}).await;
    let token = app.token(&app.add_user("ed@example.org", Role::Editor).await).await;
    let (id, path) = live_story(&app, &token, "Election Night").await;
    let (_, other) = api(
        &app,
        &token,
        "POST",
        "/api/v1/articles",
        Some(
            json!({"headline": "Tide Tables", "body": "High water at six.", "section": "City", "status": "published"}),
        ),
    )
    .await;
    let other_path = other["url"].as_str().unwrap().replace(&app.base_url, "");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let x_cache = |p: String| {
        let app = &app;
        async move { app.http.get(app.url(&p)).send().await.unwrap().headers()["x-cache"].to_str().unwrap().to_owned() }
    };
    for p in [&path, &other_path, &"/".to_owned(), &"/section/city/".to_owned()] {
        app.get(p).await;
        app.get(p).await;
        assert_eq!(x_cache(p.clone()).await, "hit", "{p}");
    }
    post_entry(&app, &token, id, json!({"body": "First results are in."})).await;
    assert_eq!(x_cache(path.clone()).await, "miss", "the story's page renders the entry");
    assert!(app.get(&path).await.1.contains("First results are in."));
    for p in [&other_path, &"/".to_owned(), &"/section/city/".to_owned()] {
        assert_eq!(x_cache(p.clone()).await, "hit", "{p} stays cached while the story moves");
    }
    let keys = app.http.get(app.url(&path)).send().await.unwrap().headers()["xkey"].to_str().unwrap().to_owned();
    assert!(keys.split(' ').any(|k| k == format!("live{id}")), "{keys}");
}

#[tokio::test]
async fn the_desk_posts_with_one_box_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    let ed = app.add_user("ed@example.org", Role::Editor).await;
    let token = app.token(&ed).await;
    let (id, path) = live_story(&app, &token, "Harbour Fire").await;
    app.login(&ed).await;
    let csrf = app.csrf().await;
    let (s, desk) = app.get(&format!("/admin/articles/{id}/live")).await;
    assert_eq!(s, 200);
    assert_eq!(attrs(&desk, "#entry-body", "autofocus").len(), 1, "the box has the focus");
    assert!(desk.contains("/static/live-desk.js"));
    // A headline over the limit and a photo without its description: refused,
    // everything typed comes back, the photo stays attached.
    let long = "H".repeat(201);
    let desk_form = |headline: &str, alt: &str, photo: Option<Vec<u8>>, photo_id: &str| {
        let mut f = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("entry", "")
            .text("headline", headline.to_owned())
            .text("body", "Smoke over the docks.")
            .text("pinned", "on")
            .text("photo_id", photo_id.to_owned())
            .text("photo_alt", alt.to_owned());
        if let Some(bytes) = photo {
            f = f.part(
                "photo",
                reqwest::multipart::Part::bytes(bytes).file_name("docks.jpg").mime_str("image/jpeg").unwrap(),
            );
        }
        f
    };
    let r = app
        .http
        .post(app.url(&format!("/admin/articles/{id}/live/entries")))
        .multipart(desk_form(&long, "", Some(crate::common::jpeg(800, 600)), ""))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let back = r.text().await.unwrap();
    assert_eq!(texts(&back, "#entry-body"), ["Smoke over the docks."]);
    assert_eq!(attrs(&back, "#entry-headline", "value"), [long]);
    assert_eq!(texts(&back, "#headline-error").len(), 1);
    assert_eq!(texts(&back, "#photo_alt-error").len(), 1, "a photo needs its description");
    let photo_id = attrs(&back, "input[name=photo_id]", "value").remove(0);
    assert!(!photo_id.is_empty(), "the uploaded photo is kept");
    let r = app
        .http
        .post(app.url(&format!("/admin/articles/{id}/live/entries")))
        .multipart(desk_form("", "Smoke rising over the docks", None, &photo_id))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let (_, html) = app.browser().get(app.url(&path)).send().await.unwrap().text().await.map(|t| (0, t)).unwrap();
    assert!(html.contains("Smoke over the docks."));
    assert_eq!(texts(&html, ".key-events li").len(), 1);
    assert_eq!(attrs(&html, ".entry-photo img", "alt"), ["Smoke rising over the docks"]);
    // Promote: the entry becomes a draft of its own, linked from the desk.
    let entry: i64 = attrs(&html, ".live-entries .entry", "data-id")[0].parse().unwrap();
    let r = app
        .http
        .post(app.url(&format!("/admin/articles/{id}/live/entries/{entry}/promote")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    let (s, editor) = app.get(&to).await;
    assert_eq!(s, 200);
    assert!(editor.contains("Smoke over the docks."));
    // Without the CSRF token nothing is posted.
    let r = app
        .http
        .post(app.url(&format!("/admin/articles/{id}/live/entries")))
        .multipart(reqwest::multipart::Form::new().text("csrf", "forged").text("body", "Forged."))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
}

#[tokio::test]
async fn an_entry_posted_on_one_node_reaches_readers_on_another() {
    let Some(db) = TestDb::create().await else { return };
    let media = tempfile::tempdir().unwrap();
    let node = |m: std::path::PathBuf| {
        let url = db.url.clone();
        spawn_with(false, move |c| {
            c.database.url = url;
            c.media.dir = m;
        })
    };
    let a = node(media.path().to_path_buf()).await;
    let b = node(media.path().to_path_buf()).await;
    let token = a.token(&a.add_user("ed@example.org", Role::Editor).await).await;
    let (id, _) = live_story(&a, &token, "Port Strike").await;
    let mut on_b = open_stream(&b, id, None).await;
    let mut on_a = open_stream(&a, id, None).await;
    let sent = Instant::now();
    let e = post_entry(&a, &token, id, json!({"body": "Dockers walk out."})).await;
    let got_b = read_events(&mut on_b, 1, Duration::from_secs(5)).await;
    let took = sent.elapsed();
    let got_a = read_events(&mut on_a, 1, Duration::from_secs(5)).await;
    eprintln!("entry posted on A heard on B's stream after {took:?}");
    assert_eq!(got_b.len(), 1, "B pushes what A received");
    assert_eq!(got_b[0].2["id"], e["id"]);
    assert_eq!(got_a[0].0, got_b[0].0, "every node gives the same event id");
    assert!(took < Duration::from_secs(2));
    // A reader who reconnects to A with B's id misses nothing.
    let e2 = post_entry(&b, &token, id, json!({"body": "Cranes stop."})).await;
    let mut resumed = open_stream(&a, id, got_b[0].0).await;
    let got = read_events(&mut resumed, 8, Duration::from_secs(2)).await;
    assert!(got.iter().any(|(_, _, d)| d["id"] == e2["id"]), "{got:?}");
}

#[tokio::test]
async fn a_banner_reaches_every_page_and_stales_none() {
    let app = spawn_app().await;
    let token = app.token(&app.add_user("ed@example.org", Role::Editor).await).await;
    let au = app.token(&app.add_user("au@example.org", Role::Author).await).await;
    let (id, path) = live_story(&app, &token, "Storm Warning").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let reader = app.browser();
    let read = |p: String| {
        let reader = reader.clone();
        let url = app.url(&p);
        async move {
            let r = reader.get(url).send().await.unwrap();
            let x = r.headers().get("x-cache").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
            let etag = r.headers().get("etag").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
            (x, etag, r.text().await.unwrap())
        }
    };
    for p in ["/", path.as_str(), "/section/city/"] {
        read(p.to_owned()).await;
        assert_eq!(read(p.to_owned()).await.0, "hit", "{p}");
    }
    let (_, etag_before, _) = read("/".to_owned()).await;
    let mut stream = open_stream(&app, id, None).await;
    let rendered = app.state_cache_misses();

    // Bad banners are refused with the reason; authors may not set one.
    let (s, e) = api(&app, &token, "PUT", "/api/v1/banner", Some(json!({"text": " "}))).await;
    assert_eq!((s, e["fields"]["text"].is_string()), (422, true), "{e}");
    let (s, e) =
        api(&app, &token, "PUT", "/api/v1/banner", Some(json!({"text": "x", "url": "javascript:alert(1)"}))).await;
    assert_eq!((s, e["fields"]["url"].is_string()), (422, true), "{e}");
    let (s, _) = api(&app, &au, "PUT", "/api/v1/banner", Some(json!({"text": "Not mine to set"}))).await;
    assert_eq!(s, 403);

    let (s, b) =
        api(&app, &token, "PUT", "/api/v1/banner", Some(json!({"text": "Storm warning: stay <indoors>", "url": path})))
            .await;
    assert_eq!(s, 200, "{b}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    for p in ["/", path.as_str(), "/section/city/"] {
        let (x, _, html) = read(p.to_owned()).await;
        assert_eq!(x, "hit", "{p}: the banner changes no cached page");
        assert_eq!(texts(&html, ".breaking a"), ["Storm warning: stay <indoors>"], "{p}: escaped, on every page");
        assert_eq!(attrs(&html, ".breaking a", "href"), std::slice::from_ref(&path));
    }
    assert_eq!(app.state_cache_misses(), rendered, "nothing was rendered again");
    let (_, etag_with, _) = read("/".to_owned()).await;
    assert_ne!(etag_with, etag_before, "browsers holding the page without the banner get it");
    let (_, search) = app.get("/search?q=storm").await;
    assert!(search.contains("Storm warning: stay &lt;indoors&gt;"), "pages outside the cache get it too");
    // The open live page hears it.
    let got = read_events(&mut stream, 1, Duration::from_secs(5)).await;
    assert_eq!(got.first().map(|(_, e, _)| e.as_str()), Some("banner"), "{got:?}");
    assert!(got[0].2["html"].as_str().unwrap().contains("stay &lt;indoors&gt;"));

    let (s, _) = api(&app, &token, "DELETE", "/api/v1/banner", None).await;
    assert_eq!(s, 204);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (x, _, html) = read("/".to_owned()).await;
    assert_eq!(x, "hit");
    assert!(texts(&html, ".breaking").is_empty(), "cleared everywhere");
    assert_eq!(api(&app, &token, "GET", "/api/v1/banner", None).await.0, 404);
}

#[tokio::test]
async fn an_edge_that_speaks_esi_gets_the_banner_as_a_fragment() {
    let app = spawn_with(false, |c| c.cache.esi = true).await;
    let token = app.token(&app.add_user("ed@example.org", Role::Editor).await).await;
    api(&app, &token, "PUT", "/api/v1/banner", Some(json!({"text": "Polls have closed"}))).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let edge = app.http.get(app.url("/")).header("surrogate-capability", "varnish=\"ESI/1.0\"").send().await.unwrap();
    assert_eq!(edge.headers()["surrogate-control"], "content=\"ESI/1.0\"");
    let html = edge.text().await.unwrap();
    assert!(html.contains("<esi:include src=\"/_fragments/banner\"/>"), "the edge fills the slot itself");
    assert!(!html.contains("Polls have closed"));
    let (_, html) = app.get("/").await;
    assert!(html.contains("Polls have closed"), "a browser asking directly gets the banner");
    let r = app.http.get(app.url("/_fragments/banner")).send().await.unwrap();
    assert_eq!(r.headers()["xkey"], "banner");
    assert!(r.text().await.unwrap().contains("Polls have closed"));
}
