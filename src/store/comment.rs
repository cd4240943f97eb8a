//! Reader comments, the spam model, rate limits and mail preferences.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Effects, Page, StoreError, StoreResult};
use crate::domain::spam::{TokenCount, Totals};
use crate::domain::{ArticleId, Comment, CommentId, CommentStatus};

/// A comment about to be stored.
#[derive(Debug, Clone)]
pub struct NewComment {
    pub article_id: ArticleId,
    pub parent_id: Option<CommentId>,
    pub author_name: String,
    pub author_email: String,
    pub author_url: Option<String>,
    pub body: String,
    pub status: CommentStatus,
    pub visitor: Option<String>,
    pub ip: String,
    pub spam_score: Option<f64>,
    pub notify: bool,
    pub staff: bool,
}

/// One comment to store, with what it causes (mails, a change notice when
/// it is public at once) and the time it was posted.
#[derive(Debug, Clone)]
pub struct CommentWrite {
    pub comment: NewComment,
    pub effects: Effects,
    pub at: DateTime<Utc>,
}

/// A reader's comment as the batching writer stores it: the rate-limit keys it
/// counts against (each allows `burst` within `window`), then the comment.
#[derive(Debug, Clone)]
pub struct CommentPost {
    pub limits: Vec<String>,
    pub window: chrono::Duration,
    pub burst: u32,
    pub write: CommentWrite,
}

/// What became of a [`CommentPost`].
#[derive(Debug, Clone)]
pub enum PostOutcome {
    Stored(Box<Comment>),
    /// A key was over its limit: nothing was stored; try again after this long.
    Limited(chrono::Duration),
}

/// Selects comments for the moderation queue.
#[derive(Debug, Clone, Default)]
pub struct CommentQuery {
    pub status: Option<CommentStatus>,
    pub article_id: Option<ArticleId>,
    pub limit: u32,
    pub offset: u32,
}

/// Stores comments and which browsers proved to be which commenter.
#[async_trait]
pub trait CommentStore: Send + Sync {
    /// Stores a comment and what it causes in one transaction.
    async fn create_comment(&self, c: &NewComment, effects: &Effects, now: DateTime<Utc>) -> StoreResult<Comment> {
        let write = CommentWrite { comment: c.clone(), effects: effects.clone(), at: now };
        self.create_comments(std::slice::from_ref(&write)).await?.pop().ok_or(StoreError::NotFound)
    }
    /// Stores several comments (each with its effects) in one transaction: one
    /// commit for the lot, which is how comment posting batches its writes.
    async fn create_comments(&self, batch: &[CommentWrite]) -> StoreResult<Vec<Comment>>;
    /// Counts each post against its rate limits and stores the ones within
    /// them, all in one transaction: the group commit behind comment posting.
    async fn post_comments(&self, posts: &[CommentPost]) -> StoreResult<Vec<PostOutcome>>;
    /// Fetches one comment.
    async fn get_comment(&self, id: CommentId) -> StoreResult<Option<Comment>>;
    /// Lists an article's comments with the given statuses, oldest first.
    async fn list_article_comments(&self, article: ArticleId, statuses: &[CommentStatus]) -> StoreResult<Vec<Comment>>;
    /// Whether this email already posted this very text on the article (any status).
    async fn is_duplicate_comment(&self, article: ArticleId, email: &str, body: &str) -> StoreResult<bool>;
    /// Lists the pending comments one browser posted on an article.
    async fn list_visitor_pending(&self, article: ArticleId, visitor: &str) -> StoreResult<Vec<Comment>>;
    /// Lists comments for moderators, newest first.
    async fn list_comments(&self, q: &CommentQuery) -> StoreResult<Page<Comment>>;
    /// Counts comments per status.
    async fn count_comments_by_status(&self) -> StoreResult<Vec<(CommentStatus, u64)>>;
    /// Counts approved comments of each of these articles.
    async fn count_approved(&self, articles: &[ArticleId]) -> StoreResult<HashMap<ArticleId, u64>>;
    /// Changes a comment's status, committing `effects` in the same transaction
    /// only if this call changed it; tells whether it did (so two moderators
    /// acting at once cause one set of side effects).
    async fn set_comment_status(
        &self,
        id: CommentId,
        status: CommentStatus,
        effects: &Effects,
        now: DateTime<Utc>,
    ) -> StoreResult<(Comment, bool)>;
    /// Replaces a comment's text (and, when given, its status), with its effects.
    async fn update_comment_body(
        &self,
        id: CommentId,
        body: &str,
        status: Option<CommentStatus>,
        effects: &Effects,
        now: DateTime<Utc>,
    ) -> StoreResult<Comment>;
    /// Deletes every comment written with this email, with its effects; returns how many.
    async fn delete_comments_by_email(&self, email: &str, effects: &Effects) -> StoreResult<u64>;
    /// Remembers that this browser proved to be the commenter with this email.
    async fn trust_browser(&self, visitor: &str, email: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Tells whether this browser proved to be the commenter with this email.
    async fn is_trusted_browser(&self, visitor: &str, email: &str) -> StoreResult<bool>;
}

/// Stores the spam model: token counts learned from moderators' decisions.
#[async_trait]
pub trait SpamStore: Send + Sync {
    /// Reads how many comments the spam model learned as spam and as ham.
    async fn spam_totals(&self) -> StoreResult<Totals>;
    /// Reads the spam model's counts for these tokens.
    async fn spam_counts(&self, tokens: &[String]) -> StoreResult<HashMap<String, TokenCount>>;
    /// Trains the model with a comment's tokens as spam or ham (undoing an earlier opposite label).
    async fn train_spam(&self, comment: CommentId, tokens: &[String], spam: Option<bool>) -> StoreResult<()>;
}

/// Stores rate-limit events, shared by every node.
#[async_trait]
pub trait RateStore: Send + Sync {
    /// Records an event under `key` and tells how long to wait when more than `max` happened within `window`.
    async fn hit_rate(
        &self,
        key: &str,
        now: DateTime<Utc>,
        window: chrono::Duration,
        max: u32,
    ) -> StoreResult<Option<chrono::Duration>>;
}

/// Stores what each email address asked of our mail: reply notifications confirmed, or no mail at all.
#[async_trait]
pub trait MailPrefStore: Send + Sync {
    /// Records that an email confirmed it wants reply notifications.
    async fn confirm_notify(&self, email: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Tells whether an email confirmed notifications and has not unsubscribed.
    async fn notify_allowed(&self, email: &str) -> StoreResult<bool>;
    /// Stops all mail to an email.
    async fn unsubscribe(&self, email: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Tells whether an email asked for no more mail.
    async fn is_unsubscribed(&self, email: &str) -> StoreResult<bool>;
}
