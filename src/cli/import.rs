//! `dateline import markdown PATH...` and `dateline import wordpress FILE.xml`.

use std::path::PathBuf;

use clap::Subcommand;

use crate::config::Config;
use crate::service::Enrich;

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Import Markdown files with YAML front matter (title, slug, date, dateline,
    /// section, tags, authors, photo, caption, credit, alt, summary, comments).
    /// Photo paths are relative to the file. A file with an error is reported
    /// with its line and nothing of it is written.
    Markdown {
        /// Files to import.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Import a WordPress export (WXR 1.0–1.2, from Tools → Export): authors,
    /// categories, tags, posts, pages and comments. Old links keep working.
    /// Items are known by the site they came from and their id there, so
    /// several sites can be merged; running it again adds nothing, and a newer
    /// export of the same site updates what changed there (keeping what
    /// editors changed here). A malformed file is reported with its line and
    /// column, and nothing of it is written.
    Wordpress {
        /// The export file.
        file: PathBuf,
        /// A copy of the old site's wp-content/uploads, for featured images.
        #[arg(long)]
        media: Option<PathBuf>,
        /// Take the export's site title, tagline and time zone (written to
        /// dateline.toml in the data folder).
        #[arg(long)]
        site_settings: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// Write the whole site (posts, pages, comments, authors, sections as
    /// categories, tags, lead photos) as WXR 1.2, for WordPress's importer.
    Wordpress {
        /// The file to write (replaced only once complete).
        file: PathBuf,
    },
}

pub async fn export(cfg: Config, c: ExportCommand) -> anyhow::Result<()> {
    use anyhow::Context;
    let ExportCommand::Wordpress { file } = c;
    let store = crate::app::open_store(&cfg).await?;
    let partial = file.with_extension("xml.partial");
    let f = std::fs::File::create(&partial).with_context(|| format!("cannot write {}", partial.display()))?;
    let mut out = std::io::BufWriter::new(f);
    let done = crate::import::wordpress::export::export(&store, &cfg, &mut out).await?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(&partial, &file).with_context(|| format!("cannot write {}", file.display()))?;
    println!(
        "Wrote {}: {} posts, {} pages, {} comments, {} photos.",
        file.display(),
        done.posts,
        done.pages,
        done.comments,
        done.attachments
    );
    Ok(())
}

/// A progress bar over the items of an export (hidden when not on a terminal).
struct Bar(indicatif::ProgressBar);

impl crate::import::wordpress::Progress for Bar {
    fn start(&self, items: u64) {
        self.0.set_length(items);
    }
    fn item(&self) {
        self.0.inc(1);
    }
}

async fn wordpress(mut cfg: Config, file: PathBuf, media: Option<PathBuf>, site_settings: bool) -> anyhow::Result<()> {
    use crate::import::wordpress::{import, site_facts, Options};
    let store = crate::app::open_store(&cfg).await?;
    let empty = store.list_articles(&crate::store::ArticleQuery { limit: 1, ..Default::default() }).await?.total == 0;
    if site_settings {
        // The site's own zone from the start, so dates and addresses come out as the old site had them.
        let facts = site_facts(&file)?;
        site(&cfg, &facts, empty, true)?;
        if let Some(tz) = facts.timezone {
            cfg.site.timezone = tz;
        }
    }
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) = indicatif::ProgressStyle::with_template("importing [{bar:40}] {pos}/{len} items {elapsed}") {
        bar.set_style(style.progress_chars("=> "));
    }
    let articles = crate::app::articles(&store, &cfg, Enrich::Inline);
    let opts = Options { media, media_root: cfg.media_dir(), tz: cfg.tz(), articles };
    let report = import(&store, &file, &opts, &Bar(bar.clone())).await;
    bar.finish_and_clear();
    let report = report?;
    println!("Imported from {}:", file.display());
    for (what, n) in &report.imported {
        println!("  {what:<12} {n:>7}");
    }
    for (what, n) in &report.updated {
        println!("  {what:<12} {n:>7} changed on the old site since the last import, updated here");
    }
    for (what, n) in &report.already {
        println!("  {what:<12} {n:>7} already imported before, unchanged");
    }
    if !report.conflicts.is_empty() {
        println!(
            "Changed on both sides since the last import; the version here was kept ({}):",
            report.conflicts.len()
        );
        for c in &report.conflicts {
            println!("  {c}");
        }
    }
    if !site_settings {
        site(&cfg, &report.site, empty, false)?;
    }
    for (kind, n) in &report.other_types {
        println!("  {n} {kind} items were not imported (menus and custom post types are not content here)");
    }
    if !report.skipped.is_empty() {
        println!("Skipped ({}):", report.skipped.len());
        for (what, why) in &report.skipped {
            println!("  {what}: {why}");
        }
    }
    if !report.not_understood.is_empty() {
        println!("Not understood ({}):", report.not_understood.len());
        for n in &report.not_understood {
            println!("  {n}");
        }
    }
    if !report.external_media.is_empty() {
        println!(
            "Featured images left at their old address ({}); to bring them, import into an empty site with --media DIR (a copy of wp-content/uploads):",
            report.external_media.len()
        );
        for url in &report.external_media {
            println!("  {url}");
        }
    }
    Ok(())
}

/// Prints the export's site facts for an empty site, and with `apply` writes
/// them into `dateline.toml` (kept as it is otherwise).
fn site(cfg: &Config, facts: &crate::import::wordpress::SiteFacts, empty: bool, apply: bool) -> anyhow::Result<()> {
    let tz = facts.timezone.as_deref().unwrap_or("");
    if empty || apply {
        println!(
            "The export's site: \"{}\" ({}), {}",
            facts.title,
            facts.url,
            if facts.tagline.is_empty() { "no tagline" } else { &facts.tagline }
        );
        if !tz.is_empty() {
            let how = if facts.timezone_guessed { " (worked out from the posts' dates)" } else { "" };
            println!("  time zone {tz}{how}");
        }
    }
    if !apply {
        if empty {
            println!("  Run again with --site-settings to make these this site's title, tagline and time zone.");
        }
        return Ok(());
    }
    let path = cfg.data_dir.join("dateline.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    if !doc.contains_table("site") {
        doc["site"] = toml_edit::table();
    }
    if !facts.title.trim().is_empty() {
        doc["site"]["title"] = toml_edit::value(facts.title.trim());
    }
    doc["site"]["tagline"] = toml_edit::value(facts.tagline.trim());
    if !tz.is_empty() {
        doc["site"]["timezone"] = toml_edit::value(tz);
    }
    std::fs::write(&path, doc.to_string())?;
    println!("Wrote the site's title, tagline and time zone to {}; restart the server to use them.", path.display());
    Ok(())
}

pub async fn run(cfg: Config, c: ImportCommand) -> anyhow::Result<()> {
    let paths = match c {
        ImportCommand::Markdown { paths } => paths,
        ImportCommand::Wordpress { file, media, site_settings } => {
            return wordpress(cfg, file, media, site_settings).await
        }
    };
    let store = crate::app::open_store(&cfg).await?;
    let root = cfg.media_dir();
    let articles = crate::app::articles(&store, &cfg, Enrich::Inline);
    // Every article saved logs its change: running servers follow the log.
    let to = crate::import::markdown::Target { store: &store, articles: &articles, media_root: &root };
    let mut failed = 0;
    for p in &paths {
        match crate::import::markdown::import_file(&to, p).await {
            Ok(a) => println!("imported {} -> {} ({})", p.display(), a.permalink(cfg.tz()), a.status.as_str()),
            Err(e) => {
                failed += 1;
                eprintln!("error: {e}");
            }
        }
    }
    if failed > 0 {
        anyhow::bail!("{failed} of {} files were not imported", paths.len());
    }
    Ok(())
}
