//! `dateline import wordpress` with WordPress's own theme test export: what
//! it holds arrives, old links keep working, and bad files write nothing.

use std::path::{Path, PathBuf};

use dateline::domain::CommentStatus;
use dateline::import::wordpress::{import, Options, Progress, Report, WpImportError};
use dateline::store::ArticleQuery;
use regex::Regex;

use crate::common::{spawn_app, texts, TestApp};

fn export_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/testdata/wordpress/themeunittestdata.wordpress.xml")
}

struct Quiet;
impl Progress for Quiet {
    fn start(&self, _: u64) {}
    fn item(&self) {}
}

async fn run(app: &TestApp, file: &Path) -> Result<Report, WpImportError> {
    let opts =
        Options { media: None, media_root: app.cfg.media_dir(), tz: app.cfg.tz(), articles: app.articles.clone() };
    import(&app.store, file, &opts, &Quiet).await
}

/// Reads a field of an item or comment, CDATA or not.
fn field(block: &str, name: &str) -> String {
    let re = Regex::new(&format!(r"(?s)<{name}>(?:<!\[CDATA\[(.*?)\]\]>|([^<]*))</{name}>")).unwrap();
    re.captures(block).map(|c| c.get(1).or(c.get(2)).unwrap().as_str().to_owned()).unwrap_or_default()
}

/// The file's items and comments, read with regular expressions (independently of the importer).
fn file_facts() -> (Vec<String>, Vec<String>) {
    let xml = std::fs::read_to_string(export_file()).unwrap();
    let items = Regex::new(r"(?s)<item>.*?</item>").unwrap().find_iter(&xml).map(|m| m.as_str().to_owned()).collect();
    let comments = Regex::new(r"(?s)<wp:comment>.*?</wp:comment>")
        .unwrap()
        .find_iter(&xml)
        .map(|m| m.as_str().to_owned())
        .collect();
    (items, comments)
}

async fn count(app: &TestApp, kind: dateline::domain::Kind) -> u64 {
    app.store.list_articles(&ArticleQuery { kind: Some(kind), limit: 1, ..Default::default() }).await.unwrap().total
}

#[tokio::test]
async fn the_theme_unit_test_export_arrives_whole() {
    let app = spawn_app().await;
    let report = run(&app, &export_file()).await.unwrap();
    let (items, comments) = file_facts();
    let of_type = |t: &str| items.iter().filter(|i| field(i, "wp:post_type") == t).count() as u64;
    assert_eq!(count(&app, dateline::domain::Kind::Article).await, of_type("post"));
    assert_eq!(count(&app, dateline::domain::Kind::Page).await, of_type("page"));
    assert_eq!(report.imported["posts"], of_type("post"));
    let xml = std::fs::read_to_string(export_file()).unwrap();
    assert_eq!(report.imported["categories"], xml.matches("<wp:category>").count() as u64);
    assert_eq!(report.imported["tags"], xml.matches("<wp:tag>").count() as u64);
    assert_eq!(report.imported["authors"], xml.matches("<wp:author>").count() as u64);

    // Comments by status, pingbacks and trackbacks aside.
    let real: Vec<&String> =
        comments.iter().filter(|c| matches!(field(c, "wp:comment_type").as_str(), "" | "comment")).collect();
    let by = |v: &str| real.iter().filter(|c| field(c, "wp:comment_approved") == v).count() as u64;
    let stored = app.store.count_comments_by_status().await.unwrap();
    assert!(stored.contains(&(CommentStatus::Approved, by("1"))), "{stored:?}");
    assert!(stored.contains(&(CommentStatus::Pending, by("0"))), "{stored:?}");
    assert_eq!(report.skipped.len(), comments.len() - real.len(), "{:?}", report.skipped);

    // Every published post answers at its old permalink (itself or a 301) with its title.
    // (A password-protected post is imported unpublished: its text was never public.)
    let public = |i: &&String| field(i, "wp:status") == "publish" && field(i, "wp:post_password").is_empty();
    for item in items.iter().filter(|i| field(i, "wp:post_type") == "post").filter(public) {
        let link = field(item, "link");
        let path = &link[link.find(".com").unwrap() + 4..];
        let (status, html) = visit(&app, path).await;
        assert_eq!(status, 200, "{path}");
        let h1 = texts(&html, "h1").join(" ");
        let words = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
        let title = field(item, "title");
        assert!(title.is_empty() || words(&h1) == words(&html_unescape(&title)), "{path}: {h1:?} vs {title:?}");
    }

    // Threads: every reply sits under the comment it answered.
    let (_, page) = visit(&app, "/2012/01/03/template-comments/").await;
    assert!(!texts(&page, "ol.children li.comment").is_empty(), "replies are nested");
    // And no commenter's email appears on any public page.
    let emails: Vec<String> =
        comments.iter().map(|c| field(c, "wp:comment_author_email")).filter(|e| e.contains('@')).collect();
    for item in items.iter().filter(public) {
        let link = field(item, "link");
        let path = &link[link.find(".com").unwrap() + 4..];
        let (_, html) = visit(&app, path).await;
        for e in &emails {
            assert!(!html.contains(e.as_str()), "{e} shown on {path}");
        }
    }
}

fn html_unescape(s: &str) -> String {
    s.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#039;", "'")
}

/// GETs a path as a reader would, following one redirect.
async fn visit(app: &TestApp, path: &str) -> (u16, String) {
    let r = app.http.get(app.url(path)).send().await.unwrap();
    let r = if r.status().as_u16() == 301 {
        let to = r.headers()["location"].to_str().unwrap().to_owned();
        app.http.get(app.url(&to)).send().await.unwrap()
    } else {
        r
    };
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn old_wordpress_links_answer_with_301s() {
    let app = spawn_app().await;
    run(&app, &export_file()).await.unwrap();
    let (items, _) = file_facts();
    let post = items.iter().find(|i| field(i, "title") == "Markup: HTML Tags and Formatting").unwrap();
    let id = field(post, "wp:post_id");
    let r = app.http.get(app.url(&format!("/?p={id}"))).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 301, "a permanent redirect");
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.ends_with("/markup-html-tags-and-formatting/"), "{to}");
    let page = items.iter().find(|i| field(i, "wp:post_type") == "page" && field(i, "wp:status") == "publish").unwrap();
    let r = app.http.get(app.url(&format!("/?page_id={}", field(page, "wp:post_id")))).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 301);
    assert_eq!(app.get("/?p=99999999").await.0, 404);
    // Category archives move to the section, or to the tag a post's further categories became.
    for (old, new) in [("/category/markup/", "/tag/markup/"), ("/category/parent/child-1/", "/tag/child-1/")] {
        let r = app.http.get(app.url(old)).send().await.unwrap();
        assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (301, new), "{old}");
        assert_eq!(app.get(new).await.0, 200);
    }
    let first = Regex::new(r#"domain="category" nicename="([^"]+)""#).unwrap().captures(post).unwrap()[1].to_owned();
    let r = app.http.get(app.url(&format!("/category/{first}/"))).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 301);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.starts_with("/section/"), "{to}");
    assert_eq!(app.get(&to).await.0, 200);
    // The front page is still the front page.
    assert_eq!(app.get("/").await.0, 200);
}

#[tokio::test]
async fn a_second_import_adds_nothing() {
    let app = spawn_app().await;
    run(&app, &export_file()).await.unwrap();
    let before =
        (count(&app, dateline::domain::Kind::Article).await, app.store.count_comments_by_status().await.unwrap());
    let again = run(&app, &export_file()).await.unwrap();
    let after =
        (count(&app, dateline::domain::Kind::Article).await, app.store.count_comments_by_status().await.unwrap());
    assert_eq!(before, after);
    assert!(!again.imported.contains_key("posts") && again.already["posts"] > 0, "{again:?}");
    assert_eq!(app.store.count_users().await.unwrap(), 2);
}

#[tokio::test]
async fn a_cut_file_or_an_entity_attack_stops_with_its_place_and_writes_nothing() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let xml = std::fs::read_to_string(export_file()).unwrap();
    let cut = dir.path().join("cut.xml");
    std::fs::write(&cut, &xml[..xml.len() * 2 / 3]).unwrap();
    match run(&app, &cut).await {
        Err(WpImportError::Malformed { line, column, message, .. }) => {
            assert!(line > 1000 && column >= 1, "{line}:{column}");
            assert!(message.contains("cut short"), "{message}");
            assert!(!message.contains("nothing was imported"), "said once, by the error's own text");
        }
        other => panic!("{other:?}"),
    }
    let bomb = dir.path().join("bomb.xml");
    let lol = (1..10)
        .map(|i| format!("<!ENTITY l{i} \"&l{0};&l{0};&l{0};&l{0};&l{0};&l{0};&l{0};&l{0};&l{0};&l{0};\">", i - 1))
        .collect::<String>();
    std::fs::write(&bomb, format!("<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY l0 \"lol\">{lol}]>\n<rss><channel><title>&l9;</title></channel></rss>")).unwrap();
    let err = run(&app, &bomb).await.unwrap_err().to_string();
    assert!(err.contains("bomb.xml:2:") && err.contains("DOCTYPE"), "{err}");
    let xxe = dir.path().join("xxe.xml");
    std::fs::write(&xxe, xml.replacen("<title>Theme Unit Test Data</title>", "<title>&xxe;</title>", 1)).unwrap();
    let err = run(&app, &xxe).await.unwrap_err().to_string();
    assert!(err.contains("never expanded"), "{err}");
    assert_eq!(count(&app, dateline::domain::Kind::Article).await, 0, "nothing was written");
    assert_eq!(app.store.count_users().await.unwrap(), 0);
}

/// What an article is, for comparing two sites.
async fn site_facts(
    app: &TestApp,
) -> Vec<(String, String, String, String, Vec<String>, String, Vec<(String, String)>)> {
    let all = app.store.list_articles(&ArticleQuery { limit: 500, ..Default::default() }).await.unwrap();
    let mut out = Vec::new();
    for a in all.items {
        let a = app.store.get_article(a.id).await.unwrap().unwrap();
        let body = match a.body_format {
            dateline::domain::BodyFormat::Html => dateline::render::markdown::html_text(&a.body),
            dateline::domain::BodyFormat::Markdown => dateline::render::markdown::plain_text(&a.body),
        };
        let mut comments: Vec<(String, String)> = app
            .store
            .list_article_comments(a.id, &CommentStatus::ALL)
            .await
            .unwrap()
            .into_iter()
            .map(|c| (c.status.as_str().to_owned(), c.body))
            .collect();
        comments.sort();
        let mut tags: Vec<String> = a.tags.iter().map(|t| t.name.clone()).collect();
        tags.sort();
        out.push((
            a.permalink(app.cfg.tz()),
            a.headline.clone(),
            a.status.as_str().to_owned(),
            a.section.map(|s| s.name).unwrap_or_default(),
            tags,
            body.split_whitespace().collect::<Vec<_>>().join(" "),
            comments,
        ));
    }
    out.sort();
    out
}

#[tokio::test]
async fn export_then_import_into_an_empty_site_gives_the_same_site() {
    let first = spawn_app().await;
    run(&first, &export_file()).await.unwrap();
    let out = first.cfg.data_dir.join("export.xml");
    // The command reads the site's settings from its folder, as an operator's would.
    std::fs::write(first.cfg.data_dir.join("dateline.toml"), "[site]\ntimezone = \"America/New_York\"\n").unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_dateline"))
        .env_remove("DATABASE_URL")
        .arg("--data")
        .arg(&first.cfg.data_dir)
        .args(["export", "wordpress"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let printed = String::from_utf8_lossy(&status.stdout);
    assert!(printed.contains("58 posts, 21 pages, 29 comments"), "{printed}");

    let second = spawn_app().await;
    let report = run(&second, &out).await.unwrap();
    assert_eq!(report.imported["posts"], 58, "{report:?}");
    let (a, b) = (site_facts(&first).await, site_facts(&second).await);
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y);
    }
    // The export names each post by its address on this site.
    let xml = std::fs::read_to_string(&out).unwrap();
    assert!(xml.contains("/2013/01/11/markup-html-tags-and-formatting/</link>"));
}

#[tokio::test]
async fn featured_images_come_from_a_copy_of_the_uploads_folder() {
    let first = spawn_app().await;
    let without = run(&first, &export_file()).await.unwrap();
    assert!(!without.external_media.is_empty(), "without --media the old addresses are listed");
    // A copy of wp-content/uploads holding those files.
    let uploads = tempfile::tempdir().unwrap();
    for url in &without.external_media {
        let rel = &url[url.find(".com/").unwrap() + 5..];
        let file = uploads.path().join(rel);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, crate::common::jpeg(640, 400)).unwrap();
    }
    let second = spawn_app().await;
    let opts = Options {
        media: Some(uploads.path().to_owned()),
        media_root: second.cfg.media_dir(),
        tz: second.cfg.tz(),
        articles: second.articles.clone(),
    };
    let with = import(&second.store, &export_file(), &opts, &Quiet).await.unwrap();
    assert!(with.external_media.is_empty(), "{:?}", with.external_media);
    assert_eq!(with.imported["images"], without.external_media.len() as u64);
    let all = second.store.list_articles(&ArticleQuery { limit: 500, ..Default::default() }).await.unwrap();
    let with_photo: Vec<_> = all.items.iter().filter(|a| a.photo.is_some()).collect();
    assert_eq!(with_photo.len(), without.external_media.len());
    let a = with_photo[0];
    let (status, html) = second.get(&a.permalink(second.cfg.tz())).await;
    assert_eq!(status, 200);
    let src = crate::common::attrs(&html, "figure img", "src").remove(0);
    assert_eq!(second.http.get(second.url(&src)).send().await.unwrap().status().as_u16(), 200);
}
