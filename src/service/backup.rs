//! Backups that run by themselves (`[backup]`): every `every`, a checked
//! copy of the database (on SQLite; PostgreSQL is `pg_dump`'s) named by its
//! time, and the photos added since the last backup copied into one mirror
//! of the media folder (photos never change once written, so a file already
//! there is not copied again). The newest `keep` database copies are kept.
//! The last result is held for `/healthz?detail` and `/metrics`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::store::Store;

/// How one backup went.
#[derive(Debug, Clone, Serialize)]
pub struct BackupResult {
    pub at: DateTime<Utc>,
    pub ok: bool,
    /// The database copy (none on PostgreSQL).
    pub file: Option<PathBuf>,
    pub bytes: u64,
    /// Photos copied this time.
    pub media_copied: u64,
    pub error: Option<String>,
}

/// The backups of this node.
#[derive(Clone)]
pub struct Backups {
    store: Arc<dyn Store>,
    dir: PathBuf,
    media: PathBuf,
    every: Option<Duration>,
    keep: usize,
    last: Arc<RwLock<Option<BackupResult>>>,
    last_ok: Arc<RwLock<Option<DateTime<Utc>>>>,
}

const PREFIX: &str = "dateline-";

impl Backups {
    pub fn new(store: Arc<dyn Store>, dir: PathBuf, media: PathBuf, every: Option<Duration>, keep: u32) -> Backups {
        Backups {
            store,
            dir,
            media,
            every,
            keep: keep.max(1) as usize,
            last: Arc::new(RwLock::new(None)),
            last_ok: Arc::new(RwLock::new(None)),
        }
    }

    /// The last backup's result, since this process started.
    pub fn last(&self) -> Option<BackupResult> {
        self.last.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// When the last backup that succeeded was made (this process's, or the newest copy on disk).
    pub fn last_success(&self) -> Option<DateTime<Utc>> {
        *self.last_ok.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Makes backups every `every` until the process ends. The first is due
    /// `every` after the newest copy on disk, or after a minute (at most
    /// `every`) on a site that has none.
    pub async fn run(self) {
        let Some(every) = self.every else { return };
        let newest = newest_copy(&self.dir);
        *self.last_ok.write().unwrap_or_else(std::sync::PoisonError::into_inner) = newest;
        let first = match newest {
            Some(t) => (t + chrono::Duration::from_std(every).unwrap_or_default() - Utc::now())
                .to_std()
                .unwrap_or(Duration::ZERO),
            None => every.min(Duration::from_secs(60)),
        };
        tokio::time::sleep(first).await;
        loop {
            let r = self.run_once(Utc::now()).await;
            if r.ok {
                tracing::info!(file = ?r.file, bytes = r.bytes, photos = r.media_copied, "backup made");
            } else {
                tracing::error!(error = r.error.as_deref().unwrap_or(""), "backup failed");
            }
            tokio::time::sleep(every).await;
        }
    }

    /// Makes one backup now.
    pub async fn run_once(&self, now: DateTime<Utc>) -> BackupResult {
        let mut r = BackupResult { at: now, ok: false, file: None, bytes: 0, media_copied: 0, error: None };
        match self.make(now, &mut r).await {
            Ok(()) => {
                r.ok = true;
                *self.last_ok.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(now);
            }
            Err(e) => r.error = Some(e),
        }
        *self.last.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(r.clone());
        r
    }

    async fn make(&self, now: DateTime<Utc>, r: &mut BackupResult) -> Result<(), String> {
        tokio::fs::create_dir_all(&self.dir).await.map_err(|e| format!("cannot make {}: {e}", self.dir.display()))?;
        let file = self.dir.join(format!("{PREFIX}{}.db", now.format("%Y%m%dT%H%M%SZ")));
        let written = self.store.backup_database(&file).await;
        match written {
            Ok(true) => {
                r.bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
                r.file = Some(file);
            }
            Ok(false) => {}
            Err(e) => {
                std::fs::remove_file(&file).ok();
                return Err(format!("the database copy failed: {e}"));
            }
        }
        let (media, mirror) = (self.media.clone(), self.dir.join("media"));
        r.media_copied = tokio::task::spawn_blocking(move || copy_new_files(&media, &mirror))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| format!("copying the photos failed: {e}"))?;
        prune(&self.dir, self.keep).map_err(|e| format!("cannot remove old copies: {e}"))?;
        Ok(())
    }
}

/// The database copies in `dir`, oldest first (their names sort by time).
fn copies(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(".db"))
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// When the newest database copy in `dir` was made (from its name).
pub fn newest_copy(dir: &Path) -> Option<DateTime<Utc>> {
    let name = copies(dir).pop()?;
    let stamp = name.file_name()?.to_str()?.strip_prefix(PREFIX)?.strip_suffix(".db")?.to_owned();
    chrono::NaiveDateTime::parse_from_str(&stamp, "%Y%m%dT%H%M%SZ").ok().map(|t| t.and_utc())
}

fn prune(dir: &Path, keep: usize) -> std::io::Result<()> {
    let all = copies(dir);
    for old in all.iter().take(all.len().saturating_sub(keep)) {
        std::fs::remove_file(old)?;
    }
    Ok(())
}

/// Copies every file under `from` that `to` does not hold yet; returns how many.
fn copy_new_files(from: &Path, to: &Path) -> std::io::Result<u64> {
    let Ok(entries) = std::fs::read_dir(from) else { return Ok(0) };
    let mut n = 0;
    for e in entries.flatten() {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        let kind = e.file_type()?;
        if kind.is_dir() {
            n += copy_new_files(&src, &dst)?;
        } else if kind.is_file() && !dst.exists() {
            std::fs::create_dir_all(to)?;
            // Written under another name first: a copy cut short is never taken for a whole one.
            let part = to.join(format!(".{}.part", e.file_name().to_string_lossy()));
            std::fs::copy(&src, &part)?;
            std::fs::rename(&part, &dst)?;
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_copies_go_and_photos_are_copied_once() {
        let dir = tempfile::tempdir().unwrap();
        for stamp in ["20260101T000000Z", "20260102T000000Z", "20260103T000000Z"] {
            std::fs::write(dir.path().join(format!("{PREFIX}{stamp}.db")), b"x").unwrap();
        }
        std::fs::write(dir.path().join("notes.txt"), b"kept").unwrap();
        prune(dir.path(), 2).unwrap();
        let left: Vec<_> = copies(dir.path()).iter().map(|p| p.file_name().unwrap().to_owned()).collect();
        assert_eq!(left, ["dateline-20260102T000000Z.db", "dateline-20260103T000000Z.db"]);
        assert!(dir.path().join("notes.txt").exists(), "only database copies are pruned");
        assert_eq!(newest_copy(dir.path()).unwrap().to_rfc3339(), "2026-01-03T00:00:00+00:00");

        let media = dir.path().join("media-src");
        std::fs::create_dir_all(media.join("7")).unwrap();
        std::fs::write(media.join("7").join("original.jpg"), b"photo").unwrap();
        let mirror = dir.path().join("mirror");
        assert_eq!(copy_new_files(&media, &mirror).unwrap(), 1);
        assert_eq!(copy_new_files(&media, &mirror).unwrap(), 0, "a photo already copied is not copied again");
        assert_eq!(std::fs::read(mirror.join("7").join("original.jpg")).unwrap(), b"photo");
    }
}
