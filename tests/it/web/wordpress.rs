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

/// WordPress's theme test export is test data beside the clone, not in it:
/// the tests that read it say they skipped when it is absent.
fn have_export() -> bool {
    let there = export_file().exists();
    if !there {
        eprintln!("skipped: needs ../shared/testdata/wordpress/ beside the clone");
    }
    there
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
    if !have_export() {
        return;
    }
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

    // Every published post answers at its old permalink (itself or a 301) with its title
    // (a password-protected one too: its headline and a form).
    let public = |i: &&String| field(i, "wp:status") == "publish";
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
    if !have_export() {
        return;
    }
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
    if !have_export() {
        return;
    }
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
    if !have_export() {
        return;
    }
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
        // A WordPress category and tag of one slug ("Edge Case", "edge case") are one term here,
        // named by whichever came first: the order differs between the two sites.
        let mut tags: Vec<String> = a.tags.iter().map(|t| t.name.to_lowercase()).collect();
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
    if !have_export() {
        return;
    }
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
    if !have_export() {
        return;
    }
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

/// Writes a small WXR file of one site: `items` are `<item>` bodies.
fn wxr(dir: &Path, name: &str, site: &str, items: &[String]) -> PathBuf {
    let head = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:wp=\"http://wordpress.org/export/1.2/\">\n<channel>\n<title>A Harbour Town Blog</title>\n<link>{site}</link>\n\
         <description>News &amp;amp; views from the quay</description>\n<wp:wxr_version>1.2</wp:wxr_version>\n\
         <wp:base_site_url>{site}</wp:base_site_url>\n<wp:base_blog_url>{site}</wp:base_blog_url>\n"
    );
    let body: String = items.iter().map(|i| format!("<item>\n{i}\n</item>\n")).collect();
    let path = dir.join(name);
    std::fs::write(&path, format!("{head}{body}</channel>\n</rss>\n")).unwrap();
    path
}

/// One published post's `<item>` body.
fn post(id: Option<i64>, site: &str, slug: &str, title: &str, day: &str, extra: &str) -> String {
    let id = id.map(|i| format!("<wp:post_id>{i}</wp:post_id>")).unwrap_or_default();
    format!(
        "<title>{title}</title><link>{site}/{}/{slug}/</link><guid isPermaLink=\"false\">{site}/?guid={slug}</guid>\
         <content:encoded><![CDATA[<p>The ferry to the outer islands runs on its summer timetable from {day}.</p>]]></content:encoded>\
         <excerpt:encoded><![CDATA[]]></excerpt:encoded>{id}<wp:post_date>{day} 09:00:00</wp:post_date>\
         <wp:post_date_gmt>{day} 13:00:00</wp:post_date_gmt><wp:comment_status>open</wp:comment_status>\
         <wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>\
         <wp:post_password></wp:post_password>{extra}",
        day.replace('-', "/")
    )
}

fn comment(id: i64, author: &str, text: &str) -> String {
    format!(
        "<wp:comment><wp:comment_id>{id}</wp:comment_id><wp:comment_author>{author}</wp:comment_author>\
         <wp:comment_author_email>{}@example.org</wp:comment_author_email><wp:comment_date_gmt>2024-05-03 10:00:00</wp:comment_date_gmt>\
         <wp:comment_content><![CDATA[{text}]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved>\
         <wp:comment_type>comment</wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment>",
        author.to_lowercase()
    )
}

#[tokio::test]
async fn two_sites_with_the_same_ids_are_both_kept_and_slugs_made_unique() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = ("https://quay.example", "https://valley.example");
    let first = wxr(
        dir.path(),
        "a.xml",
        a,
        &[post(Some(10), a, "ferry-times", "Ferry Times", "2024-05-02", &comment(1, "Ann", "Good to know."))],
    );
    let second = wxr(
        dir.path(),
        "b.xml",
        b,
        &[post(Some(10), b, "ferry-times", "Valley Ferry Times", "2024-06-09", &comment(1, "Bo", "Finally."))],
    );
    let r1 = run(&app, &first).await.unwrap();
    let r2 = run(&app, &second).await.unwrap();
    assert_eq!((r1.imported["posts"], r2.imported["posts"]), (1, 1), "{r2:?}");
    assert_eq!((r1.imported["comments"], r2.imported["comments"]), (1, 1));
    // The second site's post keeps its address through a redirect to its unique slug.
    let r = app.http.get(app.url("/2024/06/09/ferry-times/")).send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (301, "/2024/06/09/ferry-times-2/"));
    let (status, html) = app.get("/2024/06/09/ferry-times-2/").await;
    assert_eq!(status, 200);
    assert_eq!(texts(&html, "h1"), ["Valley Ferry Times"]);
    assert!(html.contains("Finally."));
    assert!(app.get("/2024/05/02/ferry-times/").await.1.contains("Good to know."));
    // Each file again adds nothing.
    let again = run(&app, &second).await.unwrap();
    assert!(again.imported.is_empty() && again.already["posts"] == 1, "{again:?}");
    assert_eq!(count(&app, dateline::domain::Kind::Article).await, 2);
}

#[tokio::test]
async fn a_file_without_ids_keeps_every_post_by_its_guid() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let site = "https://quay.example";
    let items: Vec<String> = ["tide-tables", "market-day", "lantern-walk"]
        .iter()
        .enumerate()
        .map(|(i, s)| post(None, site, s, &format!("Story {i}"), &format!("2024-05-0{}", i + 1), ""))
        .collect();
    let file = wxr(dir.path(), "no-ids.xml", site, &items);
    let r = run(&app, &file).await.unwrap();
    assert_eq!(r.imported["posts"], 3, "{r:?}");
    assert!(run(&app, &file).await.unwrap().imported.is_empty(), "a second run finds them by GUID");
}

#[tokio::test]
async fn titles_excerpts_and_term_names_are_decoded_once() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let site = "https://quay.example";
    let terms = "<category domain=\"category\" nicename=\"news-views\"><![CDATA[News &amp; Views]]></category>";
    let file = wxr(
        dir.path(),
        "t.xml",
        site,
        &[post(Some(3), site, "media-text", "Media &amp;amp; Text", "2024-05-02", terms)],
    );
    let r = run(&app, &file).await.unwrap();
    assert!(r.site.tagline == "News & views from the quay", "{:?}", r.site);
    let (_, html) = app.get("/2024/05/02/media-text/").await;
    assert_eq!(texts(&html, "h1"), ["Media & Text"]);
    assert!(html.contains("Media &amp; Text") && !html.contains("&amp;amp;"), "escaped once in the page");
    assert!(html.contains(">News &amp; Views</a>"), "the section's name is text");
}

#[tokio::test]
async fn a_newer_export_updates_what_changed_there_and_keeps_what_editors_changed() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let site = "https://quay.example";
    let before = [
        post(Some(1), site, "tide-tables", "Tide Tables", "2024-05-01", ""),
        post(Some(2), site, "market-day", "Market Day", "2024-05-02", ""),
    ];
    run(&app, &wxr(dir.path(), "monday.xml", site, &before)).await.unwrap();
    // An editor here changes the market story.
    let market = app.store.get_article_by_slug(dateline::domain::Kind::Article, "market-day").await.unwrap().unwrap();
    let mut i = market.to_input();
    i.headline = "Market Day Moves Indoors".into();
    app.articles.save(None, Some(market.id), i, chrono::Utc::now()).await.unwrap();
    // On cut-over day the old site changed both stories, and has a new one.
    let after = [
        post(Some(1), site, "tide-tables", "Tide Tables for June", "2024-05-01", &comment(7, "Cy", "Spring tides!")),
        post(Some(2), site, "market-day", "Market Day Is Saturday", "2024-05-02", ""),
        post(Some(3), site, "lantern-walk", "Lantern Walk", "2024-05-03", ""),
    ];
    let r = run(&app, &wxr(dir.path(), "friday.xml", site, &after)).await.unwrap();
    assert_eq!((r.imported["posts"], r.updated["posts"], r.conflicts.len()), (1, 1, 1), "{r:?}");
    assert!(r.conflicts[0].contains("Market Day Is Saturday"), "{:?}", r.conflicts);
    assert_eq!(texts(&app.get("/2024/05/01/tide-tables/").await.1, "h1"), ["Tide Tables for June"]);
    assert!(app.get("/2024/05/01/tide-tables/").await.1.contains("Spring tides!"), "new comments arrive");
    assert_eq!(texts(&app.get("/2024/05/02/market-day/").await.1, "h1"), ["Market Day Moves Indoors"]);
    // Nothing changed since: nothing to do.
    let quiet = run(&app, &wxr(dir.path(), "friday.xml", site, &after)).await.unwrap();
    assert!(quiet.updated.is_empty() && quiet.conflicts.is_empty() && quiet.imported.is_empty(), "{quiet:?}");
}

#[tokio::test]
async fn a_password_protected_post_shows_its_headline_and_the_rest_only_to_who_gives_the_password() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let site = "https://quay.example";
    let item = post(
        Some(5),
        site,
        "board-minutes",
        "Harbour Board Minutes",
        "2024-05-02",
        &comment(9, "Di", "Thanks for posting."),
    )
    .replace("<wp:post_password></wp:post_password>", "<wp:post_password>quay-2024</wp:post_password>");
    run(&app, &wxr(dir.path(), "pw.xml", site, &[item])).await.unwrap();
    let path = "/2024/05/02/board-minutes/";
    let secret = "summer timetable";
    // Everyone: the headline and a form, the same cacheable page for all.
    let r = app.http.get(app.url(path)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    assert_eq!(texts(&html, "h1"), ["Harbour Board Minutes"]);
    assert!(!html.contains(secret) && !html.contains("Thanks for posting."), "no text, no comments");
    assert!(!html.contains("application/ld+json") || !html.contains(secret));
    let action = crate::common::attrs(&html, "form.protected-form", "action").remove(0);
    // Nowhere else either: feeds, search, the comments feed, oEmbed.
    for feed in ["/feed.xml", "/atom.xml", "/feed.json", "/sitemap.xml"] {
        let (_, body) = app.get(feed).await;
        assert!(!body.contains(secret), "{feed}");
    }
    let (_, found) = app.get("/search?q=timetable").await;
    assert!(!found.contains("Harbour Board Minutes"), "the text is not searchable");
    assert_eq!(app.get(&format!("{path}comments.xml")).await.0, 404);
    // A wrong password: refused, with the form again.
    let browser = app.browser();
    let wrong = browser.post(app.url(&action)).form(&[("password", "guess")]).send().await.unwrap();
    assert_eq!(wrong.status().as_u16(), 403);
    assert!(wrong.text().await.unwrap().contains("not the password"));
    // The right one: a cookie for this story's address, and the whole story for this browser alone.
    let right = browser.post(app.url(&action)).form(&[("password", "quay-2024")]).send().await.unwrap();
    assert_eq!(right.status().as_u16(), 303);
    let cookie = right.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains(&format!("Path={path}")) && cookie.contains("HttpOnly"), "{cookie}");
    let r = browser.get(app.url(path)).send().await.unwrap();
    assert_eq!(r.headers()["cache-control"], "private, no-store");
    let html = r.text().await.unwrap();
    assert!(html.contains(secret) && html.contains("Thanks for posting."));
    // Others still get the locked page, from the cache.
    assert!(!app.get(path).await.1.contains(secret));
    // The export gives WordPress the password back.
    let out = dir.path().join("out.xml");
    let mut file = std::fs::File::create(&out).unwrap();
    dateline::import::wordpress::export::export(&app.store, &app.cfg, &mut file).await.unwrap();
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains("<wp:post_password><![CDATA[quay-2024]]></wp:post_password>"));
}
