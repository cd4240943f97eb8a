//! `spawn_app()`: the real application on 127.0.0.1:0 with a temporary data
//! folder, plus helpers for the endpoints the tests use.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use dateline::app::App;
use dateline::config::Config;
use dateline::store::{ArticleWrite, Effects, Store};
use tokio::sync::oneshot;

/// A running server and a client that keeps cookies and does not follow redirects.
pub struct TestApp {
    pub base_url: String,
    pub http: reqwest::Client,
    pub store: Arc<dyn Store>,
    pub cfg: Config,
    /// The server's own article service, reading each save at once (as imports do).
    pub articles: dateline::service::Articles,
    /// The server's page cache (for counting renders).
    pub cache: Arc<dateline::web::cache::PageCache>,
    _dir: tempfile::TempDir,
    _shutdown: oneshot::Sender<()>,
}

/// Creates an article straight in the store (no service, no notice), as the
/// conformance cases and test fixtures do.
pub async fn create(
    s: impl AsRef<dyn Store>,
    i: &dateline::domain::ArticleInput,
    at: chrono::DateTime<chrono::Utc>,
) -> dateline::store::StoreResult<dateline::domain::Article> {
    let search = dateline::render::search_doc(i);
    let w = ArticleWrite { input: i, search: &search, by: None, at, old_path: None, if_status: None };
    s.as_ref().create_article(&w, &Effects::default()).await
}

/// Replaces an article straight in the store, keeping `old_path` as a redirect.
pub async fn update(
    s: impl AsRef<dyn Store>,
    id: dateline::domain::ArticleId,
    i: &dateline::domain::ArticleInput,
    at: chrono::DateTime<chrono::Utc>,
    old_path: Option<&str>,
) -> dateline::store::StoreResult<dateline::domain::Article> {
    let search = dateline::render::search_doc(i);
    let w = ArticleWrite { input: i, search: &search, by: None, at, old_path, if_status: None };
    s.as_ref().update_article(id, &w, &Effects::default()).await
}

/// Returns the folder of the fixture story (`tests/fixtures/story`): the team's
/// own article with a photo, dateline, section, tags, byline and comments open.
pub fn story_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/story")
}

/// Returns the folder of the shared seed article when it is beside the clone;
/// otherwise says so on stderr and returns `None`, for a test about the seed
/// itself to skip: `let Some(seed) = seed_or_skip() else { return };`.
pub fn seed_or_skip() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed");
    if dir.join("article.md").exists() {
        Some(dir)
    } else {
        eprintln!("skipped: needs ../shared/seed (the seed article) beside the clone");
        None
    }
}

/// Makes a configuration for a fresh site in `dir`.
pub fn test_config(dir: &Path) -> Config {
    let mut cfg = Config { data_dir: dir.to_path_buf(), ..Config::default() };
    cfg.server.listen = "127.0.0.1:0".parse().unwrap();
    cfg.site.timezone = "America/New_York".into();
    // Tests post at machine speed; the tests of these limits set them back.
    cfg.comments.min_seconds = 0;
    cfg.comments.rate_burst = 1000;
    cfg
}

/// Starts the app without demo content.
pub async fn spawn_app() -> TestApp {
    spawn_with(false, |_| {}).await
}

/// Starts the app, optionally with the demo, after letting the test adjust the configuration.
pub async fn spawn_with(demo: bool, adjust: impl FnOnce(&mut Config)) -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        tracing_subscriber::fmt().with_env_filter("info").try_init().ok();
    }
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = test_config(dir.path());
    adjust(&mut cfg);
    let app = App::build(cfg.clone(), demo).await.expect("app builds");
    let addr = app.local_addr();
    let store = app.state().store.clone();
    let cfg = (*app.state().cfg).clone();
    let articles = dateline::service::Articles::new(
        store.clone(),
        app.state().changes.clone(),
        cfg.tz(),
        dateline::service::Enrich::Inline,
    );
    let cache = app.state().cache.clone();
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(app.run(async move {
        let _ = rx.await;
    }));
    let http =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    TestApp { base_url: format!("http://{addr}"), http, store, cfg, articles, cache, _dir: dir, _shutdown: tx }
}

impl TestApp {
    /// Counts the pages the server rendered for its cache so far.
    pub fn state_cache_misses(&self) -> u64 {
        self.cache.stats().1
    }

    /// Returns an absolute URL on the app.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// GETs a path and returns status and body.
    pub async fn get(&self, path: &str) -> (u16, String) {
        let r = self.http.get(self.url(path)).send().await.unwrap();
        let s = r.status().as_u16();
        (s, r.text().await.unwrap())
    }

    /// Imports a Markdown file as the import command does.
    pub async fn import(&self, file: &Path) -> dateline::domain::Article {
        let root = self.cfg.media_dir();
        let to = dateline::import::markdown::Target { store: &self.store, articles: &self.articles, media_root: &root };
        dateline::import::markdown::import_file(&to, file).await.expect("import")
    }

    /// Creates a user with a password and returns its email.
    pub async fn add_user(&self, email: &str, role: dateline::domain::Role) -> String {
        let hash = dateline::secret::hash_password("a long enough password").unwrap();
        self.store.create_user(email, "Test User", role, Some(&hash), chrono::Utc::now()).await.unwrap();
        email.to_owned()
    }

    /// Logs the client in through the login form.
    pub async fn login(&self, email: &str) {
        let r = self
            .http
            .post(self.url("/admin/login"))
            .form(&[("email", email), ("password", "a long enough password"), ("next", "/admin")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 303, "login redirects");
    }

    /// Returns the CSRF token shown in an admin page.
    pub async fn csrf(&self) -> String {
        let (_, body) = self.get("/admin/articles/new").await;
        let doc = scraper::Html::parse_document(&body);
        let sel = scraper::Selector::parse("input[name=csrf]").unwrap();
        doc.select(&sel).next().expect("csrf field").value().attr("value").unwrap().to_owned()
    }

    /// Creates an API token for a user.
    pub async fn token(&self, email: &str) -> String {
        let u = self.store.get_user_by_email(email).await.unwrap().unwrap();
        let token = format!("dl_{}", dateline::secret::random_token());
        self.store
            .create_token(u.id, "test", &dateline::secret::hash_secret(&token), chrono::Utc::now())
            .await
            .unwrap();
        token
    }
}

/// Returns the text of every element matching `css`.
pub fn texts(html: &str, css: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(css).unwrap();
    doc.select(&sel).map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")).collect()
}

/// Returns an attribute of every element matching `css`.
pub fn attrs(html: &str, css: &str, attr: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(css).unwrap();
    doc.select(&sel).filter_map(|e| e.value().attr(attr).map(str::to_owned)).collect()
}

/// Encodes a small JPEG drawn in memory.
pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// Returns the raw inner text of every element matching `css` (no whitespace folding).
pub fn texts_raw(html: &str, css: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(css).unwrap();
    doc.select(&sel).map(|e| e.text().collect::<String>()).collect()
}

/// The comment form of a page: its hidden fields, ready to be sent with the typed ones.
pub fn comment_fields(html: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("#commentform input[type=hidden]").unwrap();
    doc.select(&sel)
        .map(|e| (e.value().attr("name").unwrap().to_owned(), e.value().attr("value").unwrap_or("").to_owned()))
        .collect()
}

impl TestApp {
    /// Posts a comment through the article page's form with `client`; returns the response.
    pub async fn comment_with(
        &self,
        client: &reqwest::Client,
        path: &str,
        typed: &[(&str, &str)],
    ) -> reqwest::Response {
        let html = client.get(self.url(path)).send().await.unwrap().text().await.unwrap();
        let mut fields = comment_fields(&html);
        assert!(!fields.is_empty(), "no comment form on {path}");
        for (k, v) in typed {
            fields.retain(|(n, _)| n != k);
            fields.push(((*k).to_owned(), (*v).to_owned()));
        }
        client.post(self.url("/comments")).form(&fields).send().await.unwrap()
    }

    /// Makes a fresh browser (its own cookies).
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
    }
}

/// Returns the comment id a 303 after posting points at.
pub fn posted_id(r: &reqwest::Response) -> i64 {
    let loc = r.headers()["location"].to_str().unwrap();
    loc.rsplit("#comment-").next().unwrap().parse().unwrap()
}

/// Calls the JSON API with a bearer token; the status and the JSON answer (null when none).
pub async fn api_call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let mut req = app.http.request(method, app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
}
