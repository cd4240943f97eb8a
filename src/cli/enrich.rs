//! `dateline enrich`: runs story intelligence over the archive (every article,
//! or with `--missing` only those never read), keeping the editors' decisions.

use indicatif::{ProgressBar, ProgressStyle};

use crate::config::Config;
use crate::domain::{ArticleId, Kind};
use crate::store::ArticleQuery;

#[derive(clap::Args, Debug)]
pub struct EnrichArgs {
    /// Only articles the extractor has never read (after an import that was interrupted, say).
    #[arg(long)]
    missing: bool,
}

/// Articles read per batch.
const BATCH: u32 = 200;

pub async fn run(cfg: Config, args: EnrichArgs) -> anyhow::Result<()> {
    let store = crate::app::open_store(&cfg).await?;
    let ids: Vec<ArticleId> = if args.missing {
        store.list_unenriched(u32::MAX >> 1).await?
    } else {
        let mut ids = Vec::new();
        let mut q = ArticleQuery { kind: Some(Kind::Article), limit: BATCH, ..Default::default() };
        loop {
            let page = store.list_articles(&q).await?;
            ids.extend(page.items.iter().map(|a| a.id));
            if page.items.len() < BATCH as usize {
                break;
            }
            q.offset += BATCH;
        }
        ids
    };
    let bar = ProgressBar::new(ids.len() as u64);
    if let Ok(style) = ProgressStyle::with_template("enriching [{bar:40}] {pos}/{len} {per_sec} {eta}") {
        bar.set_style(style.progress_chars("=> "));
    }
    // Each article read logs its change: running servers follow the log.
    let intel = crate::service::intel::Intel::new(store.clone(), crate::changes::Changes::new(), cfg.tz());
    let mut failed = 0u64;
    for id in &ids {
        if let Err(e) = intel.enrich(*id).await {
            failed += 1;
            bar.suspend(|| eprintln!("article {}: {e}", id.0));
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    println!("Read {} articles ({failed} failed).", ids.len());
    if failed > 0 {
        anyhow::bail!("{failed} articles could not be read");
    }
    Ok(())
}
