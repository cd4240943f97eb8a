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
    /// Running it again adds nothing; a malformed file is reported with its
    /// line and column, and nothing of it is written.
    Wordpress {
        /// The export file.
        file: PathBuf,
        /// A copy of the old site's wp-content/uploads, for featured images.
        #[arg(long)]
        media: Option<PathBuf>,
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

async fn wordpress(cfg: Config, file: PathBuf, media: Option<PathBuf>) -> anyhow::Result<()> {
    use crate::import::wordpress::{import, Options};
    let store = crate::app::open_store(&cfg).await?;
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
    for (what, n) in &report.already {
        println!("  {what:<12} {n:>7} already imported before, left as they are");
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

pub async fn run(cfg: Config, c: ImportCommand) -> anyhow::Result<()> {
    let paths = match c {
        ImportCommand::Markdown { paths } => paths,
        ImportCommand::Wordpress { file, media } => return wordpress(cfg, file, media).await,
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
