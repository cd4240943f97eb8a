//! The comment writer: readers' comments are stored in batches, one
//! transaction and one commit for every comment that arrived while the last
//! batch was committing (group commit). A poster is answered only after the
//! commit that holds their comment, so an acknowledged comment is on disk.
//!
//! Under a trickle each batch holds one comment and nothing waits; under a
//! flood the batches grow and the commits per second stay what the disk
//! allows, while the comments per second grow with the batch.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot, Mutex};

use crate::store::{CommentPost, PostOutcome, Store, StoreError, StoreResult};

/// The most comments one transaction holds.
const MAX_BATCH: usize = 256;

type Job = (CommentPost, oneshot::Sender<StoreResult<PostOutcome>>);

/// The handle the request handlers post through.
#[derive(Clone)]
pub struct CommentWriter {
    jobs: mpsc::Sender<Job>,
}

impl CommentWriter {
    /// Starts `writers` batching tasks (one suits SQLite's single writer; a
    /// few let PostgreSQL commit batches side by side).
    pub fn start(store: Arc<dyn Store>, writers: usize) -> CommentWriter {
        let (jobs, rx) = mpsc::channel::<Job>(4 * MAX_BATCH);
        let rx = Arc::new(Mutex::new(rx));
        for _ in 0..writers.max(1) {
            tokio::spawn(run(store.clone(), rx.clone()));
        }
        CommentWriter { jobs }
    }

    /// Stores a post (or finds it over a rate limit) and answers once committed.
    pub async fn post(&self, post: CommentPost) -> StoreResult<PostOutcome> {
        let (tx, rx) = oneshot::channel();
        self.jobs.send((post, tx)).await.map_err(|_| StoreError::Unavailable("the comment writer stopped".into()))?;
        rx.await.map_err(|_| StoreError::Unavailable("the comment writer stopped".into()))?
    }
}

async fn run(store: Arc<dyn Store>, rx: Arc<Mutex<mpsc::Receiver<Job>>>) {
    loop {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        {
            // One writer at a time gathers: the first job, then whatever else is waiting.
            let mut rx = rx.lock().await;
            if rx.recv_many(&mut batch, MAX_BATCH).await == 0 {
                return;
            }
        }
        let (posts, replies): (Vec<CommentPost>, Vec<_>) = batch.into_iter().unzip();
        // A poster who went away meanwhile cannot be answered: `send` fails, and
        // that is fine, the comment stands.
        match store.post_comments(&posts).await {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    reply.send(Ok(outcome)).ok();
                }
            }
            // One bad post (its article deleted meanwhile) must not sink the
            // others: on a failed batch each post is tried on its own.
            Err(e) if posts.len() > 1 => {
                tracing::warn!(error = %e, batch = posts.len(), "a comment batch failed; storing one by one");
                for (post, reply) in posts.into_iter().zip(replies) {
                    let outcome = store.post_comments(std::slice::from_ref(&post)).await;
                    reply.send(outcome.and_then(|mut o| o.pop().ok_or(StoreError::NotFound))).ok();
                }
            }
            Err(e) => {
                if let Some(reply) = replies.into_iter().next() {
                    reply.send(Err(e)).ok();
                }
            }
        }
    }
}
