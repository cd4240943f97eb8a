//! The worker side of the durable queue: claims a kind's due jobs in batches,
//! hands them to that kind's handler, and records each outcome, with backoff
//! for a failure that may pass and a final mark for one that will not.
//!
//! Jobs are written by the store in the transaction of the change that caused
//! them (`store::Effects`); a claim leases them, so a process killed mid-run
//! leaves them to be claimed again after the lease. A job can therefore run
//! twice (the batch in flight when a process died), never zero times; each
//! carries a stable key for the receiver to drop a repeat.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use crate::store::{Job, QueueStore, StoreResult};

/// How one job ended.
#[derive(Debug)]
pub enum Outcome {
    Done,
    /// It may work later (the server was away): try again after a backoff.
    Retry(String),
    /// It will never work (the address does not exist): stop trying.
    Fail(String),
}

/// Runs the jobs of one kind.
#[async_trait::async_trait]
pub trait Handler: Send + Sync {
    /// The kind of job this handler runs.
    fn kind(&self) -> &'static str;
    /// Runs one job.
    async fn run(&self, job: &Job) -> Outcome;
}

/// Jobs claimed at once.
const BATCH: u32 = 50;
/// How long a claimed job is left to its worker before another may claim it.
const LEASE: chrono::Duration = chrono::Duration::minutes(5);
/// Attempts before a job that keeps failing is given up (about two weeks of backoff).
const MAX_ATTEMPTS: u32 = 20;

/// Waits before the next attempt: 1, 2, 4 … minutes, at most a day.
pub fn backoff(attempts: u32) -> chrono::Duration {
    chrono::Duration::minutes(1i64 << attempts.min(11)).min(chrono::Duration::days(1))
}

/// Runs every due job of the handler's kind once; returns how many succeeded.
pub async fn drain_once(store: &dyn QueueStore, handler: &dyn Handler) -> StoreResult<usize> {
    let jobs = store.claim_jobs(handler.kind(), Utc::now(), LEASE, BATCH).await?;
    let mut done = 0;
    for job in &jobs {
        let result = match handler.run(job).await {
            Outcome::Done => {
                done += 1;
                Ok(())
            }
            Outcome::Retry(e) if job.attempts < MAX_ATTEMPTS => {
                tracing::warn!(kind = handler.kind(), job = job.id, attempts = job.attempts, error = %e, "job failed; will retry");
                Err((e, Some(Utc::now() + backoff(job.attempts))))
            }
            Outcome::Retry(e) | Outcome::Fail(e) => {
                tracing::warn!(kind = handler.kind(), job = job.id, error = %e, "job failed for good");
                Err((e, None))
            }
        };
        store.finish_job(job.id, result, Utc::now()).await?;
    }
    Ok(done)
}

/// Drains the handler's jobs every `every` until the process ends.
pub async fn run(store: Arc<dyn QueueStore>, handler: Arc<dyn Handler>, every: Duration) {
    run_woken(store, handler, every, Arc::new(tokio::sync::Notify::new())).await;
}

/// Drains the handler's jobs every `every`, and at once whenever `wake` is
/// notified (this process just wrote such a job), until the process ends.
pub async fn run_woken(
    store: Arc<dyn QueueStore>,
    handler: Arc<dyn Handler>,
    every: Duration,
    wake: Arc<tokio::sync::Notify>,
) {
    loop {
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            () = wake.notified() => {}
        }
        loop {
            match drain_once(store.as_ref(), handler.as_ref()).await {
                // A full batch may have more behind it.
                Ok(n) if n as u32 >= BATCH => continue,
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!(kind = handler.kind(), error = %e, "job queue");
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_a_day() {
        assert_eq!(backoff(0), chrono::Duration::minutes(1));
        assert_eq!(backoff(3), chrono::Duration::minutes(8));
        assert_eq!(backoff(30), chrono::Duration::days(1));
    }
}
