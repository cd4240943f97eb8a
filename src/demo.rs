//! The demo site shown on first start of an empty site: original articles and
//! pages from `demo/`, with pictures the project draws itself. Dates are moved
//! so the newest story is from today, and the front page looks alive.

use std::path::Path;

use chrono::{Duration, Utc};

use crate::import::markdown::{prepare, write, Target};
use crate::store::ArticleQuery;

#[derive(rust_embed::Embed)]
#[folder = "demo/"]
#[include = "*.md"]
#[exclude = "README.md"]
struct DemoFiles;

const SEEDED: &str = "demo_seeded";

/// Loads the demo content when the site has no articles and was never seeded.
pub async fn seed_if_empty(to: &Target<'_>) -> anyhow::Result<()> {
    let store = to.store;
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
    // Move every story's date by the same whole number of days so the newest
    // is from today (pages, which carry no date, are dated now and do not count).
    let newest = prepared
        .iter()
        .filter(|p| p.input.kind == crate::domain::Kind::Article)
        .filter_map(|p| p.input.published_at)
        .max()
        .unwrap_or(now);
    let behind = now - newest;
    let days = behind.num_days() + i64::from(behind > Duration::days(behind.num_days()));
    let shift = Duration::days(days.max(0));
    for mut p in prepared {
        p.input.published_at = p.input.published_at.map(|t| (t + shift).min(now));
        write(to, p, now).await?;
    }
    store.set_setting(SEEDED, &now.to_rfc3339()).await?;
    tracing::info!(files = names.len(), "demo site created");
    Ok(())
}
