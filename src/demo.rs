//! The demo site shown on first start of an empty site: original articles and
//! pages from `demo/`, with pictures the project draws itself. Dates are moved
//! so the newest story is from today, and the front page looks alive.

use std::path::Path;
use std::sync::Arc;

use chrono::{Duration, Utc};

use crate::config::Config;
use crate::import::markdown::{prepare, write};
use crate::store::{ArticleQuery, Store};

#[derive(rust_embed::Embed)]
#[folder = "demo/"]
#[include = "*.md"]
#[exclude = "README.md"]
struct DemoFiles;

const SEEDED: &str = "demo_seeded";

/// Loads the demo content when the site has no articles and was never seeded.
pub async fn seed_if_empty(store: &Arc<dyn Store>, cfg: &Config) -> anyhow::Result<()> {
    if store.get_setting(SEEDED).await?.is_some() {
        return Ok(());
    }
    let any = store.list_articles(&ArticleQuery { limit: 1, ..Default::default() }).await?;
    if any.total > 0 {
        return Ok(());
    }
    let now = Utc::now();
    let mut prepared = Vec::new();
    let mut names: Vec<String> = DemoFiles::iter().map(|n| n.into_owned()).collect();
    names.sort();
    for name in &names {
        let Some(file) = DemoFiles::get(name) else {
            continue;
        };
        let text = String::from_utf8_lossy(&file.data).into_owned();
        let p = prepare(Path::new(name), &text, now, |photo| {
            let n: u32 = photo.strip_prefix("demo:").and_then(|n| n.parse().ok()).ok_or("not a demo picture")?;
            Ok(crate::media::demo::draw(n, 1600, 900))
        })?;
        prepared.push(p);
    }
    // Move every date by the same amount so the newest story is from today.
    let newest = prepared.iter().filter_map(|p| p.input.published_at).max().unwrap_or(now);
    let shift = Duration::days((now - newest).num_days().max(0));
    let root = cfg.media_dir();
    for mut p in prepared {
        p.input.published_at = p.input.published_at.map(|t| (t + shift).min(now));
        write(store, &root, cfg.tz(), p, now).await?;
    }
    store.set_setting(SEEDED, &now.to_rfc3339()).await?;
    tracing::info!(files = names.len(), "demo site created");
    Ok(())
}
