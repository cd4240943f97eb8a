//! The editors' side in the browser, as a browser would drive it (forms, cookies, redirects).

use dateline::domain::Role;
use reqwest::multipart::{Form, Part};

use crate::common::{jpeg, spawn_app, texts, TestApp};

fn article_form(csrf: &str, action: &str, headline: &str, body: &str) -> Form {
    Form::new()
        .text("csrf", csrf.to_owned())
        .text("kind", "article")
        .text("headline", headline.to_owned())
        .text("slug", "")
        .text("standfirst", "A short summary.")
        .text("dateline", "Port Alder")
        .text("section", "City")
        .text("tags", "Transport, Harbour")
        .text("authors", "Mara Ellison")
        .text("body", body.to_owned())
        .text("comments_open", "1")
        .text("published_at", "")
        .text("action", action.to_owned())
}

async fn post_form(app: &TestApp, path: &str, form: Form) -> reqwest::Response {
    app.http.post(app.url(path)).multipart(form).send().await.unwrap()
}

#[tokio::test]
async fn admin_pages_need_a_login() {
    let app = spawn_app().await;
    for path in ["/admin", "/admin/articles/new", "/admin/users", "/admin/articles/1/revisions"] {
        let r = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 303, "{path}");
        let to = r.headers()["location"].to_str().unwrap().to_owned();
        assert_eq!(to, format!("/admin/login?next={}", dateline::web::auth::urlencode(path)), "{path}");
    }
}

#[tokio::test]
async fn a_wrong_password_is_refused_with_the_email_kept() {
    let app = spawn_app().await;
    app.add_user("ed@example.org", Role::Editor).await;
    let r = app
        .http
        .post(app.url("/admin/login"))
        .form(&[("email", "ed@example.org"), ("password", "wrong password!")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let html = r.text().await.unwrap();
    assert!(html.contains("value=\"ed@example.org\""));
    let r = app
        .http
        .post(app.url("/admin/login"))
        .form(&[("email", "nobody@example.org"), ("password", "wrong password!")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
}

#[tokio::test]
async fn an_editor_writes_previews_uploads_and_publishes() {
    let app = spawn_app().await;
    app.add_user("ed@example.org", Role::Editor).await;
    app.login("ed@example.org").await;
    let csrf = app.csrf().await;

    // Preview renders the Markdown without saving anything.
    let r = post_form(
        &app,
        "/admin/articles/new",
        article_form(&csrf, "preview", "Tram Line Approved", "The council \"voted\" -- at last."),
    )
    .await;
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    assert_eq!(texts(&html, ".preview .body p"), ["PORT ALDER — The council “voted” — at last."]);
    assert_eq!(app.store.list_articles(&Default::default()).await.unwrap().total, 0);

    // Save a draft with a photo.
    let form = article_form(&csrf, "save", "Tram Line Approved", "The council voted.")
        .text("photo_alt", "A tram at the harbour")
        .text("photo_caption", "The new line")
        .text("photo_credit", "Gazette")
        .part("photo", Part::bytes(jpeg(1200, 800)).file_name("tram.jpg").mime_str("image/jpeg").unwrap());
    let r = post_form(&app, "/admin/articles/new", form).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let edit = r.headers()["location"].to_str().unwrap().split('?').next().unwrap().to_owned();
    let id: i64 = edit.rsplit('/').next().unwrap().parse().unwrap();
    let a = app.store.get_article(dateline::domain::ArticleId(id)).await.unwrap().unwrap();
    assert_eq!(a.status, dateline::domain::Status::Draft);
    let photo = a.photo.clone().expect("photo stored");
    assert_eq!((photo.media.width, photo.media.height), (1200, 800));
    assert_eq!(app.get(&a.permalink(app.cfg.tz())).await.0, 404, "drafts are not public");

    // Publish: readers see it on the front page and its section page.
    let (_, page) = app.get(&edit).await;
    let media_id = crate::common::attrs(&page, "input[name=photo_media_id]", "value").remove(0);
    let form = article_form(&csrf, "publish", "Tram Line Approved", "The council voted.")
        .text("photo_media_id", media_id)
        .text("photo_alt", "A tram at the harbour");
    let r = post_form(&app, &edit, form).await;
    assert_eq!(r.status().as_u16(), 303);
    for path in ["/", "/section/city/"] {
        let (_, html) = app.get(path).await;
        assert!(texts(&html, ".card-title").iter().any(|t| t == "Tram Line Approved"), "{path}");
    }
    let a = app.store.get_article(dateline::domain::ArticleId(id)).await.unwrap().unwrap();
    let (status, html) = app.get(&a.permalink(app.cfg.tz())).await;
    assert_eq!(status, 200);
    assert_eq!(crate::common::attrs(&html, "figure img", "alt"), ["A tram at the harbour"]);
    assert_eq!(app.store.list_revisions(a.id).await.unwrap().len(), 2);
    let (status, revs) = app.get(&format!("{edit}/revisions")).await;
    assert_eq!(status, 200);
    assert_eq!(texts(&revs, ".revisions > li").len(), 2);
}

#[tokio::test]
async fn scheduling_in_the_future_keeps_the_article_hidden() {
    let app = spawn_app().await;
    app.add_user("ed@example.org", Role::Editor).await;
    app.login("ed@example.org").await;
    let csrf = app.csrf().await;
    let later = (chrono::Utc::now() + chrono::Duration::days(2))
        .with_timezone(&app.cfg.tz())
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let form = article_form(&csrf, "schedule", "Budget Vote Next Week", "Soon.").text("published_at", later);
    let r = post_form(&app, "/admin/articles/new", form).await;
    assert_eq!(r.status().as_u16(), 303);
    let all = app.store.list_articles(&Default::default()).await.unwrap();
    let a = &all.items[0];
    assert_eq!(a.status, dateline::domain::Status::Scheduled);
    assert_eq!(app.get(&a.permalink(app.cfg.tz())).await.0, 404);
    let (_, front) = app.get("/").await;
    assert!(!front.contains("Budget Vote Next Week"));
}

#[tokio::test]
async fn a_form_with_errors_answers_422_and_keeps_every_word() {
    let app = spawn_app().await;
    app.add_user("ed@example.org", Role::Editor).await;
    app.login("ed@example.org").await;
    let csrf = app.csrf().await;
    let body = "A long paragraph the editor must never lose.";
    let form = article_form(&csrf, "publish", "", body).text("published_at", "not a date");
    let r = post_form(&app, "/admin/articles/new", form).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert_eq!(texts(&html, "#body"), [body]);
    assert_eq!(texts(&html, "#headline-error"), ["Enter a headline."]);
    assert!(!texts(&html, "#published_at-error").is_empty());
    let form = article_form(&csrf, "save", "Fine", "Text")
        .part("photo", Part::bytes(b"<svg onload=alert(1)>".to_vec()).file_name("x.svg"));
    let r = post_form(&app, "/admin/articles/new", form).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(!texts(&html, "#photo-error").is_empty());
    assert_eq!(texts(&html, "#body"), ["Text"]);
}

#[tokio::test]
async fn authors_submit_but_cannot_publish() {
    let app = spawn_app().await;
    app.add_user("au@example.org", Role::Author).await;
    app.login("au@example.org").await;
    let csrf = app.csrf().await;
    let r = post_form(&app, "/admin/articles/new", article_form(&csrf, "publish", "My Scoop", "Words")).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Only editors can publish"), "{html}");
    assert_eq!(texts(&html, "#body"), ["Words"]);
    let r = post_form(&app, "/admin/articles/new", article_form(&csrf, "submit", "My Scoop", "Words")).await;
    assert_eq!(r.status().as_u16(), 303);
    let a = &app.store.list_articles(&Default::default()).await.unwrap().items[0];
    assert_eq!(a.status, dateline::domain::Status::Pending);
    assert_eq!(app.get("/admin/users").await.0, 403);
}

#[tokio::test]
async fn forms_without_the_csrf_token_or_from_another_site_are_refused() {
    let app = spawn_app().await;
    app.add_user("ed@example.org", Role::Editor).await;
    app.login("ed@example.org").await;
    let r = post_form(&app, "/admin/articles/new", article_form("forged", "save", "X", "Y")).await;
    assert_eq!(r.status().as_u16(), 403);
    let csrf = app.csrf().await;
    let r = app
        .http
        .post(app.url("/admin/articles/new"))
        .header("origin", "http://evil.example")
        .multipart(article_form(&csrf, "save", "X", "Y"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(app.store.list_articles(&Default::default()).await.unwrap().total, 0);
}

#[tokio::test]
async fn text_sent_after_the_login_expired_comes_back_after_logging_in() {
    let app = spawn_app().await;
    app.add_user("ed@example.org", Role::Editor).await;
    // A browser without a session (expired) submits the editor.
    let body = "Three paragraphs of reporting that must survive.";
    let r = app
        .http
        .post(app.url("/admin/articles/new"))
        .header("cookie", "dl_session=expired-long-ago")
        .multipart(article_form("stale", "save", "Late Night Story", body))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let to_login = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(to_login.starts_with("/admin/login?next="));
    let (_, login_page) = app.get(&to_login).await;
    let next = crate::common::attrs(&login_page, "input[name=next]", "value").remove(0);
    let r = app
        .http
        .post(app.url("/admin/login"))
        .form(&[("email", "ed@example.org"), ("password", "a long enough password"), ("next", next.as_str())])
        .send()
        .await
        .unwrap();
    let back = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.contains("restore="), "{back}");
    // The kept text is bound to this browser: another browser with the same link gets an empty editor.
    let other = app.browser();
    other
        .post(app.url("/admin/login"))
        .form(&[("email", "ed@example.org"), ("password", "a long enough password")])
        .send()
        .await
        .unwrap();
    let (_, html_other) = (0, other.get(app.url(&back)).send().await.unwrap().text().await.unwrap());
    assert!(!html_other.contains(body));
    let (status, html) = app.get(&back).await;
    assert_eq!(status, 200);
    assert_eq!(texts(&html, "#body"), [body]);
    assert_eq!(crate::common::attrs(&html, "#headline", "value"), ["Late Night Story"]);
    assert!(texts(&html, ".notice").iter().any(|t| t.contains("text was kept")));
}

#[tokio::test]
async fn editors_add_corrections_that_readers_see() {
    let app = spawn_app().await;
    app.add_user("ed@example.org", Role::Editor).await;
    app.login("ed@example.org").await;
    let a = app.import(&crate::common::story_dir().join("article.md")).await;
    let csrf = app.csrf().await;
    let r = app
        .http
        .post(app.url(&format!("/admin/articles/{}/corrections", a.id.0)))
        .form(&[("csrf", csrf.as_str()), ("body", "An earlier version misstated the year the lens was made.")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let (_, html) = app.get(&a.permalink(app.cfg.tz())).await;
    let c = texts(&html, ".corrections li");
    assert_eq!(c.len(), 1);
    assert!(c[0].ends_with("An earlier version misstated the year the lens was made."));
}

#[tokio::test]
async fn changing_a_slug_leaves_a_permanent_redirect() {
    let app = spawn_app().await;
    app.add_user("ed@example.org", Role::Editor).await;
    app.login("ed@example.org").await;
    let a = app.import(&crate::common::story_dir().join("article.md")).await;
    let old = a.permalink(app.cfg.tz());
    let csrf = app.csrf().await;
    let form = article_form(&csrf, "save", &a.headline, &a.body).text("slug", "breakwater-light-relit");
    let form = form.text(
        "published_at",
        a.published_at.unwrap().with_timezone(&app.cfg.tz()).format("%Y-%m-%dT%H:%M").to_string(),
    );
    let r = post_form(&app, &format!("/admin/articles/{}", a.id.0), form).await;
    assert_eq!(r.status().as_u16(), 303);
    let r = app.http.get(app.url(&old)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 301);
    assert_eq!(r.headers()["location"], "/2025/03/15/breakwater-light-relit/");
    assert_eq!(app.get("/2025/03/15/breakwater-light-relit/").await.0, 200);
}

#[tokio::test]
async fn the_admin_answers_with_and_without_its_trailing_slash() {
    let app = spawn_app().await;
    let r = app.http.get(app.url("/admin/")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 308);
    assert_eq!(r.headers()["location"], "/admin");
    let r = app.http.get(app.url("/admin")).send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (303, "/admin/login?next=/admin"));
}

#[tokio::test]
async fn the_first_admin_is_created_through_the_one_time_link() {
    let app = spawn_app().await;
    let link = dateline::service::account::new_setup_link(app.store.as_ref(), app.cfg.base_url())
        .await
        .unwrap()
        .expect("no user yet");
    let path = link.replace(app.cfg.base_url(), "");
    assert_eq!(app.get("/setup/not-the-token").await.0, 404);
    assert_eq!(app.get(&path).await.0, 200);
    let r = app
        .http
        .post(app.url(&path))
        .form(&[("email", "boss@example.org"), ("name", "Boss"), ("password", "short")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("value=\"boss@example.org\""));
    let r = app
        .http
        .post(app.url(&path))
        .form(&[("email", "boss@example.org"), ("name", "Boss"), ("password", "a long enough password")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(app.get("/admin").await.0, 200, "logged in as the new admin");
    assert_eq!(app.get(&path).await.0, 404, "the link works once");
    assert!(dateline::service::account::new_setup_link(app.store.as_ref(), app.cfg.base_url())
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn repeated_wrong_passwords_are_answered_429() {
    let app = spawn_app().await;
    app.add_user("ed@example.org", Role::Editor).await;
    let mut last = 0;
    for _ in 0..11 {
        let r = app
            .http
            .post(app.url("/admin/login"))
            .form(&[("email", "ed@example.org"), ("password", "guess guess guess")])
            .send()
            .await
            .unwrap();
        last = r.status().as_u16();
    }
    assert_eq!(last, 429);
}

#[tokio::test]
async fn authors_cannot_open_other_peoples_drafts() {
    let app = spawn_app().await;
    app.add_user("ed@example.org", Role::Editor).await;
    app.login("ed@example.org").await;
    let csrf = app.csrf().await;
    let r = post_form(
        &app,
        "/admin/articles/new",
        article_form(&csrf, "save", "Embargoed Budget Leak", "Secret until Monday."),
    )
    .await;
    let edit = r.headers()["location"].to_str().unwrap().split('?').next().unwrap().to_owned();
    let author = app.browser();
    app.add_user("au@example.org", Role::Author).await;
    author
        .post(app.url("/admin/login"))
        .form(&[("email", "au@example.org"), ("password", "a long enough password")])
        .send()
        .await
        .unwrap();
    assert_eq!(author.get(app.url(&edit)).send().await.unwrap().status().as_u16(), 404);
    assert_eq!(author.get(app.url(&format!("{edit}/revisions"))).send().await.unwrap().status().as_u16(), 404);
    let list = author.get(app.url("/admin")).send().await.unwrap().text().await.unwrap();
    assert!(!list.contains("Embargoed Budget Leak"));
}
