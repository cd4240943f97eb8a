//! `dateline migrate-db`, `dateline backup` and `dateline restore`: moving a
//! site between databases and keeping copies of it.

use std::path::{Path, PathBuf};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::Config;
use crate::store::copy::{self, Progress};
use crate::store::postgres::PostgresStore;
use crate::store::sqlite::SqliteStore;
use crate::store::{is_postgres, ChangeStore, SystemStore};

#[derive(clap::Args, Debug)]
pub struct MigrateArgs {
    /// The empty PostgreSQL database to move the site into (postgres://user@host/db).
    #[arg(long)]
    to: String,
    /// Also copy the media files into this folder (the one the nodes will share).
    #[arg(long)]
    media_to: Option<PathBuf>,
}

/// One progress bar per table, on the terminal only.
struct Bars {
    bar: std::cell::RefCell<Option<ProgressBar>>,
}

impl Progress for Bars {
    fn table(&self, table: &str, rows: u64) {
        if let Some(done) = self.bar.borrow_mut().take() {
            done.finish();
        }
        let bar = ProgressBar::new(rows).with_message(table.to_owned());
        if let Ok(style) = ProgressStyle::with_template("{msg:>18} [{bar:40}] {pos:>8}/{len:8} {elapsed}") {
            bar.set_style(style.progress_chars("=> "));
        }
        *self.bar.borrow_mut() = Some(bar);
    }
    fn rows(&self, n: u64) {
        if let Some(bar) = &*self.bar.borrow() {
            bar.inc(n);
        }
    }
}

impl Bars {
    fn finish(&self) {
        if let Some(done) = self.bar.borrow_mut().take() {
            done.finish();
        }
    }
}

fn sqlite_path(cfg: &Config) -> anyhow::Result<String> {
    let url = cfg.database_url();
    anyhow::ensure!(!is_postgres(&url), "this site already runs on PostgreSQL; use pg_dump to copy it");
    Ok(url)
}

pub async fn migrate(cfg: Config, args: MigrateArgs) -> anyhow::Result<()> {
    anyhow::ensure!(is_postgres(&args.to), "--to must be a postgres:// URL");
    let from = SqliteStore::open(&sqlite_path(&cfg)?).await?;
    from.migrate().await.context("cannot bring the SQLite database up to date")?;
    let to = PostgresStore::open(&args.to, &cfg.database.pool()).await?;
    to.migrate().await.context("cannot create the tables in PostgreSQL")?;
    let bars = Bars { bar: std::cell::RefCell::new(None) };
    let copied = copy::sqlite_to_postgres(&from, &to, &bars).await;
    bars.finish();
    let copied = copied?;
    println!("Copied and counted on both sides:");
    for c in &copied {
        println!("  {:<18} {:>9} rows", c.table, c.rows);
    }
    let media = cfg.media_dir();
    match args.media_to {
        Some(dest) => {
            let n = copy_tree(&media, &dest).with_context(|| format!("cannot copy the media to {}", dest.display()))?;
            println!("Copied {n} media files to {}.", dest.display());
            println!("Set [media] dir = {:?} on every node.", dest.display().to_string());
        }
        None => println!("Media files stay in {}; nodes on PostgreSQL must share that folder.", media.display()),
    }
    println!(
        "To serve from PostgreSQL, set DATABASE_URL (or [database] url) to {}.",
        crate::config::redact_url(&args.to)
    );
    Ok(())
}

/// Copies a folder's files into another, keeping files already there. Returns files copied.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<u64> {
    let mut n = 0;
    if !from.is_dir() {
        return Ok(0);
    }
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            n += copy_tree(&entry.path(), &target)?;
        } else if !target.exists() {
            std::fs::copy(entry.path(), &target)?;
            n += 1;
        }
    }
    Ok(n)
}

pub async fn backup(cfg: Config, file: PathBuf) -> anyhow::Result<()> {
    let store = SqliteStore::open(&sqlite_path(&cfg)?).await?;
    let spinner = ProgressBar::new_spinner().with_message(format!("writing {}", file.display()));
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let written = store.backup_to(&file).await;
    spinner.finish_and_clear();
    written.with_context(|| format!("cannot write the backup {}", file.display()))?;
    let copy = SqliteStore::open(&file.to_string_lossy()).await?;
    let checked = copy.check().await;
    copy.close().await;
    checked.context("the backup did not pass its check")?;
    let bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    println!("Backed up the site to {} ({bytes} bytes); it passed SQLite's integrity check.", file.display());
    println!("Media files are not in it: copy {} as well.", cfg.media_dir().display());
    Ok(())
}

pub async fn restore(cfg: Config, file: PathBuf) -> anyhow::Result<()> {
    anyhow::ensure!(file.is_file(), "{} does not exist", file.display());
    let store = SqliteStore::open(&sqlite_path(&cfg)?).await?;
    store.migrate().await?;
    // Keep what is being replaced, so a restore of the wrong file loses nothing.
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let before = store.path().with_extension(format!("before-restore-{stamp}.db"));
    store.backup_to(&before).await.context("cannot keep a copy of the current site")?;
    let restored = store.restore_from(&file).await.with_context(|| format!("cannot restore {}", file.display()))?;
    // Every page a running server holds may show what was just replaced.
    if let Err(e) = store.log_change(&crate::domain::change::Notice::everything(), chrono::Utc::now()).await {
        eprintln!("warning: running servers were not told about the restore: {e}");
    }
    let rows: u64 = restored.iter().map(|(_, n)| n).sum();
    println!("Restored {rows} rows in {} tables from {}.", restored.len(), file.display());
    println!("The site as it was before is kept in {}.", before.display());
    Ok(())
}
