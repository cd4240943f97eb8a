//! `dateline import markdown PATH...`

use std::path::PathBuf;

use clap::Subcommand;

use crate::config::Config;

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
}

pub async fn run(cfg: Config, c: ImportCommand) -> anyhow::Result<()> {
    let ImportCommand::Markdown { paths } = c;
    let store = crate::app::open_store(&cfg).await?;
    let root = cfg.media_dir();
    let mut failed = 0;
    for p in &paths {
        match crate::import::markdown::import_file(&store, &root, cfg.tz(), p).await {
            Ok(a) => println!("imported {} -> {} ({})", p.display(), a.permalink(cfg.tz()), a.status.as_str()),
            Err(e) => {
                failed += 1;
                eprintln!("error: {e}");
            }
        }
    }
    if failed < paths.len() {
        // Running nodes drop their cached pages (SQLite servers notice by themselves).
        if let Err(e) = store.announce_change().await {
            eprintln!("warning: running servers were not told about the import: {e}");
        }
    }
    if failed > 0 {
        anyhow::bail!("{failed} of {} files were not imported", paths.len());
    }
    Ok(())
}
