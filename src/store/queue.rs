//! The durable queue: everything that leaves the process after a commit
//! (mail today; newsletter sends, fediverse deliveries and edge purges next)
//! is a job row written in the same transaction as its cause, claimed in
//! batches (`FOR UPDATE SKIP LOCKED` on PostgreSQL, the single writer on
//! SQLite), retried with backoff, each with a stable key a receiver can use
//! to drop a repeat.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::StoreResult;
use crate::domain::change::Notice;

/// A job to run after the commit that wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    /// Which worker runs it (`mail`, …).
    pub kind: String,
    /// Stable and unique: the same job written twice is stored once, and a
    /// receiver sees the same id on a retry (a mail's `Message-ID`).
    pub key: String,
    /// What the worker needs, as JSON.
    pub payload: String,
}

/// A claimed job.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub key: String,
    pub payload: String,
    /// Attempts so far, this one included.
    pub attempts: u32,
}

/// A message for the mail queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl NewMail {
    /// Makes the job that sends this message, under a new stable key (its `Message-ID`).
    pub fn job(&self) -> NewJob {
        NewJob {
            kind: MAIL.into(),
            key: crate::secret::random_token(),
            payload: serde_json::to_string(self).unwrap_or_default(),
        }
    }
}

/// The kind of the jobs that send mail.
pub const MAIL: &str = "mail";

/// What a write commits together with its data: the notice of what it
/// changed (for every cache) and the jobs it causes.
#[derive(Debug, Clone, Default)]
pub struct Effects {
    pub notice: Option<Notice>,
    pub jobs: Vec<NewJob>,
}

impl Effects {
    /// Effects of a change to these keys, with no job.
    pub fn notice(n: Notice) -> Effects {
        Effects { notice: Some(n), jobs: Vec::new() }
    }
    /// Adds mails to send after the commit.
    #[must_use]
    pub fn with_mails(mut self, mails: &[NewMail]) -> Effects {
        self.jobs.extend(mails.iter().map(NewMail::job));
        self
    }
    /// Tells whether there is nothing to commit besides the write.
    pub fn is_empty(&self) -> bool {
        self.notice.is_none() && self.jobs.is_empty()
    }
}

/// How many jobs of a kind wait, run and failed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct QueueCounts {
    pub waiting: u64,
    pub done: u64,
    pub failed: u64,
}

/// The job table.
#[async_trait]
pub trait QueueStore: Send + Sync {
    /// Queues jobs on their own (a job with a key already queued is kept once).
    async fn enqueue(&self, jobs: &[NewJob], now: DateTime<Utc>) -> StoreResult<()>;
    /// Takes up to `limit` due jobs of a kind; they are not due again for
    /// `lease` (so a crash mid-run retries them instead of losing them).
    async fn claim_jobs(
        &self,
        kind: &str,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: u32,
    ) -> StoreResult<Vec<Job>>;
    /// Marks a job done, or failed with the time of its next attempt (None: give up).
    async fn finish_job(
        &self,
        id: i64,
        result: Result<(), (String, Option<DateTime<Utc>>)>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Counts a kind's jobs by state.
    async fn count_jobs(&self, kind: &str) -> StoreResult<QueueCounts>;
}
