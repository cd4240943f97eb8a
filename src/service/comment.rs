//! Comment use cases shared by the public form, the admin and the API:
//! screening a new comment, moderating, editing, deleting at the author's
//! request. Each write commits, in its own transaction, the mail it causes
//! and, when readers' pages change, its change notice.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::mailbox::{ComposeError, Mailbox};
use super::writer::CommentWriter;
use crate::changes::Changes;
use crate::config::CommentsConfig;
use crate::domain::change::{Key, Notice};
use crate::domain::{self, spam, Article, ArticleId, Comment, CommentId, CommentInput, CommentStatus, User};
use crate::store::{CommentPost, CommentWrite, Effects, NewComment, NewMail, PostOutcome, Store, StoreError};

/// Why a comment use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum CommentError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    BadRequest(String),
    /// Over a rate limit: try again after this long.
    #[error("too many requests")]
    Limited(Duration),
    #[error(transparent)]
    Compose(#[from] ComposeError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the form handler knows about the poster.
pub struct Poster<'a> {
    pub visitor: Option<&'a str>,
    pub ip: &'a str,
    /// The rate-limit keys the comment counts against (address, email).
    pub limits: Vec<String>,
}

/// What became of a reader's comment.
pub enum Posted {
    /// Stored and committed (approved, held or marked as spam).
    Stored(Box<Comment>),
    /// Over a rate limit: nothing was stored; the poster may try again after this long.
    Limited(Duration),
}

/// The comment use cases, with what they need.
#[derive(Clone)]
pub struct Comments {
    store: Arc<dyn Store>,
    changes: Changes,
    writer: CommentWriter,
    mailbox: Mailbox,
    cfg: Arc<CommentsConfig>,
    tz: chrono_tz::Tz,
}

/// The notice of a change to an article's public comments: its page and every list showing its count.
fn article_notice(id: ArticleId) -> Notice {
    Notice::of([Key::article(id)])
}

impl Comments {
    /// Makes the service; `writer` batches readers' comments into group commits.
    pub fn new(
        store: Arc<dyn Store>,
        changes: Changes,
        writer: CommentWriter,
        mailbox: Mailbox,
        cfg: CommentsConfig,
        tz: chrono_tz::Tz,
    ) -> Comments {
        Comments { store, changes, writer, mailbox, cfg: Arc::new(cfg), tz }
    }

    /// The comment settings.
    pub fn config(&self) -> &CommentsConfig {
        &self.cfg
    }

    /// Scores a comment text with the site's learned spam model.
    pub async fn spam_score(&self, text: &str) -> Result<Option<spam::SpamScore>, StoreError> {
        let tokens = spam::tokens(text);
        let list: Vec<String> = tokens.iter().cloned().collect();
        let totals = self.store.spam_totals().await?;
        // An untrained model scores nothing: its token counts are not worth a query.
        if !spam::trained(totals) {
            return Ok(None);
        }
        let counts = self.store.spam_counts(&list).await?;
        Ok(spam::score(&tokens, &counts, totals))
    }

    /// Screens a new reader comment, then counts it against its rate limits
    /// and stores it, with the mails it causes and (when it is public at once)
    /// its change notice, through the batching writer; answers once committed.
    pub async fn post(
        &self,
        article: &Article,
        input: CommentInput,
        who: Poster<'_>,
        now: DateTime<Utc>,
    ) -> Result<Posted, CommentError> {
        let rules = self.cfg.rules();
        let trusted = match who.visitor {
            Some(v) => self.store.is_trusted_browser(v, &input.email).await?,
            None => false,
        };
        let text = format!("{} {} {}", input.name, input.url.as_deref().unwrap_or(""), input.body);
        let score = self.spam_score(&text).await?;
        let decision = domain::screen(&domain::Screening {
            input: &input,
            trusted_browser: trusted,
            spam_probability: score.as_ref().map(|s| s.probability),
            rules: &rules,
        });
        tracing::info!(article = article.id.0, status = decision.status.as_str(), reason = %decision.reason, "comment screened");
        let mut mails = Vec::new();
        let headline = smart_headline(article);
        if self.mailbox.enabled() {
            if decision.status == CommentStatus::Pending {
                mails.extend(self.moderator_mails(&headline, &input.name, &input.body, now).await?);
            }
            if input.notify
                && !self.store.notify_allowed(&input.email).await?
                && !self.store.is_unsubscribed(&input.email).await?
            {
                mails.push(self.confirm_mail(&input.email, &headline, now)?);
            }
            if decision.status == CommentStatus::Approved {
                let reply = Reply {
                    parent: input.parent_id,
                    anchor: None,
                    email: &input.email,
                    name: &input.name,
                    body: &input.body,
                };
                mails.extend(self.reply_mail(article, reply, now).await?);
            }
        }
        let approved = decision.status == CommentStatus::Approved;
        let mut effects = Effects::default().with_mails(&mails);
        effects.notice = approved.then(|| article_notice(article.id));
        let new = NewComment {
            article_id: article.id,
            parent_id: input.parent_id,
            author_name: input.name.clone(),
            author_email: input.email.clone(),
            author_url: input.url.clone(),
            body: input.body.clone(),
            status: decision.status,
            visitor: who.visitor.map(str::to_owned),
            ip: who.ip.to_owned(),
            spam_score: score.map(|s| s.probability),
            notify: input.notify,
            staff: false,
        };
        let post = CommentPost {
            limits: who.limits,
            window: Duration::seconds(i64::from(self.cfg.rate_window_secs)),
            burst: self.cfg.rate_burst,
            write: CommentWrite { comment: new, effects, at: now },
        };
        let comment = match self.writer.post(post).await? {
            PostOutcome::Stored(c) => *c,
            PostOutcome::Limited(wait) => return Ok(Posted::Limited(wait)),
        };
        if approved {
            self.changes.apply(&article_notice(article.id));
        }
        Ok(Posted::Stored(Box::new(comment)))
    }

    fn confirm_mail(&self, email: &str, headline: &str, now: DateTime<Utc>) -> Result<NewMail, ComposeError> {
        let t = self.mailbox.token("notify", &email.to_lowercase(), Duration::days(7), now);
        let ctx = minijinja::context! {
            site => self.mailbox.site().to_owned(),
            headline => headline.to_owned(),
            confirm => format!("{}/comments/notify?t={t}", self.mailbox.base_url()),
            unsubscribe => self.mailbox.unsubscribe_link(email, now),
        };
        let subject = format!("Confirm reply notifications from {}", self.mailbox.site());
        self.mailbox.compose(email, subject, "mail/confirm.txt", ctx)
    }

    async fn moderator_mails(
        &self,
        headline: &str,
        name: &str,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<NewMail>, CommentError> {
        let mut out = Vec::new();
        for u in self.store.list_users().await? {
            if !u.role.can_publish() || self.store.is_unsubscribed(&u.email).await? {
                continue;
            }
            let ctx = minijinja::context! {
                site => self.mailbox.site().to_owned(),
                base => self.mailbox.base_url().to_owned(),
                headline => headline.to_owned(),
                name => name.to_owned(),
                body => body.to_owned(),
                unsubscribe => self.mailbox.unsubscribe_link(&u.email, now),
            };
            let subject = format!("Comment to moderate on “{headline}”");
            out.push(self.mailbox.compose(&u.email, subject, "mail/pending.txt", ctx)?);
        }
        Ok(out)
    }

    /// The reply notification a newly public comment owes its parent's author, if any.
    async fn reply_mail(
        &self,
        article: &Article,
        r: Reply<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<NewMail>, CommentError> {
        let Reply { parent, anchor, email, name, body } = r;
        if !self.mailbox.enabled() {
            return Ok(None);
        }
        let Some(parent_id) = parent else { return Ok(None) };
        let Some(parent) = self.store.get_comment(parent_id).await? else { return Ok(None) };
        if !parent.notify
            || parent.author_email.eq_ignore_ascii_case(email)
            || !self.store.notify_allowed(&parent.author_email).await?
        {
            return Ok(None);
        }
        // A reply not yet stored has no id: its link names the parent, under which it sits.
        let url = format!(
            "{}{}#comment-{}",
            self.mailbox.base_url(),
            article.permalink(self.tz),
            anchor.unwrap_or(parent_id).0
        );
        let headline = smart_headline(article);
        let ctx = minijinja::context! {
            site => self.mailbox.site().to_owned(),
            headline => headline.clone(),
            name => name.to_owned(),
            body => body.to_owned(),
            url,
            unsubscribe => self.mailbox.unsubscribe_link(&parent.author_email, now),
        };
        let subject = format!("New reply on “{headline}”");
        Ok(Some(self.mailbox.compose(&parent.author_email, subject, "mail/reply.txt", ctx)?))
    }

    /// Moves a comment to another status, with the reply notification an
    /// approval owes and the change notice in the same transaction; then
    /// teaches the spam model and trusts the commenter's browser on approval.
    pub async fn moderate(
        &self,
        id: CommentId,
        status: CommentStatus,
        now: DateTime<Utc>,
    ) -> Result<Comment, CommentError> {
        let before = self.store.get_comment(id).await?.ok_or(CommentError::NotFound)?;
        let article = self.store.get_article(before.article_id).await?.ok_or(CommentError::NotFound)?;
        let mut effects = Effects::default();
        if status == CommentStatus::Approved {
            let reply = self
                .reply_mail(
                    &article,
                    Reply {
                        parent: before.parent_id,
                        anchor: Some(before.id),
                        email: &before.author_email,
                        name: &before.author_name,
                        body: &before.body,
                    },
                    now,
                )
                .await?;
            effects = effects.with_mails(&reply.into_iter().collect::<Vec<_>>());
        }
        let public = status == CommentStatus::Approved || before.status == CommentStatus::Approved;
        effects.notice = public.then(|| article_notice(article.id));
        let (c, changed) = self.store.set_comment_status(id, status, &effects, now).await?;
        if !changed {
            return Ok(c);
        }
        if let Some(n) = &effects.notice {
            self.changes.apply(n);
        }
        let text = format!("{} {} {}", c.author_name, c.author_url.as_deref().unwrap_or(""), c.body);
        let tokens: Vec<String> = spam::tokens(&text).into_iter().collect();
        let label = match status {
            CommentStatus::Spam => Some(true),
            CommentStatus::Approved => Some(false),
            _ => None,
        };
        if !c.staff {
            self.store.train_spam(c.id, &tokens, label).await?;
        }
        if status == CommentStatus::Approved {
            if let Some(v) = &c.visitor {
                self.store.trust_browser(v, &c.author_email, now).await?;
            }
        }
        Ok(c)
    }

    /// Posts a staff reply from the admin: published at once, marked as staff.
    pub async fn staff_reply(
        &self,
        parent: &Comment,
        user: &User,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<Comment, CommentError> {
        let body = domain::check_body(body, self.cfg.max_chars).map_err(CommentError::BadRequest)?;
        let article = self.store.get_article(parent.article_id).await?.ok_or(CommentError::NotFound)?;
        let r = Reply { parent: Some(parent.id), anchor: None, email: &user.email, name: &user.name, body };
        let reply = self.reply_mail(&article, r, now).await?;
        let effects = Effects::notice(article_notice(article.id)).with_mails(&reply.into_iter().collect::<Vec<_>>());
        let new = NewComment {
            article_id: parent.article_id,
            parent_id: Some(parent.id),
            author_name: user.name.clone(),
            author_email: user.email.clone(),
            author_url: None,
            body: body.to_owned(),
            status: CommentStatus::Approved,
            visitor: None,
            ip: "staff".into(),
            spam_score: None,
            notify: false,
            staff: true,
        };
        let c = self.store.create_comment(&new, &effects, now).await?;
        self.changes.apply(&article_notice(article.id));
        Ok(c)
    }

    /// Replaces a comment's text as staff (the admin, the API).
    pub async fn edit_as_staff(&self, id: CommentId, body: &str, now: DateTime<Utc>) -> Result<Comment, CommentError> {
        let body = domain::check_body(body, self.cfg.max_chars).map_err(CommentError::BadRequest)?;
        let c = self.store.get_comment(id).await?.ok_or(CommentError::NotFound)?;
        let notice = (c.status == CommentStatus::Approved).then(|| article_notice(c.article_id));
        let effects = Effects { notice: notice.clone(), jobs: Vec::new() };
        let c = self.store.update_comment_body(id, body, None, &effects, now).await?;
        if let Some(n) = &notice {
            self.changes.apply(n);
        }
        Ok(c)
    }

    /// Finds a comment the browser `visitor` may still edit (it posted it, a
    /// few minutes ago, and moderation did not throw it out) and its article.
    pub async fn own_comment(
        &self,
        visitor: Option<&str>,
        id: CommentId,
        now: DateTime<Utc>,
    ) -> Result<(Comment, Article), CommentError> {
        let c = self.store.get_comment(id).await?.ok_or(CommentError::NotFound)?;
        let mine = visitor.is_some_and(|v| c.visitor.as_deref() == Some(v));
        let fresh = now - c.created_at < Duration::minutes(i64::from(self.cfg.edit_minutes));
        if !mine || !fresh || matches!(c.status, CommentStatus::Spam | CommentStatus::Trash) {
            return Err(CommentError::Forbidden(format!(
                "A comment can be edited only from the browser that posted it, within {} minutes.",
                self.cfg.edit_minutes
            )));
        }
        let a = self.store.get_article(c.article_id).await?.ok_or(CommentError::NotFound)?;
        Ok((c, a))
    }

    /// Replaces a reader's own comment. The edit is screened like a new comment
    /// (the browser is trusted: it posted the original); anything moderation
    /// would hold leaves the page again. `Err(Ok(message))` is a problem with
    /// the text, for the form.
    pub async fn edit_own(
        &self,
        c: &Comment,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<Result<Comment, String>, CommentError> {
        let rules = self.cfg.rules();
        let check = CommentInput {
            name: c.author_name.clone(),
            email: c.author_email.clone(),
            url: c.author_url.clone(),
            body: body.to_owned(),
            parent_id: None,
            notify: false,
        };
        let input = match check.normalize(&rules) {
            Ok(i) => i,
            Err(e) => return Ok(Err(e.0.get("body").cloned().unwrap_or_else(|| "Please check the text.".into()))),
        };
        let mut status = None;
        if c.status == CommentStatus::Approved {
            let text = format!("{} {} {}", input.name, input.url.as_deref().unwrap_or(""), input.body);
            let score = self.spam_score(&text).await?;
            let decision = domain::screen(&domain::Screening {
                input: &input,
                trusted_browser: true,
                spam_probability: score.map(|s| s.probability),
                rules: &rules,
            });
            status = (decision.status != CommentStatus::Approved).then_some(decision.status);
        }
        let notice = (c.status == CommentStatus::Approved).then(|| article_notice(c.article_id));
        let effects = Effects { notice: notice.clone(), jobs: Vec::new() };
        let updated = self.store.update_comment_body(c.id, &input.body, status, &effects, now).await?;
        if let Some(n) = &notice {
            self.changes.apply(n);
        }
        Ok(Ok(updated))
    }

    /// Sends the link that deletes every comment written with an address,
    /// at most five times an hour from one network address. Answers the same
    /// whether or not the address wrote anything.
    pub async fn send_forget_link(&self, email: &str, ip: &str, now: DateTime<Utc>) -> Result<(), CommentError> {
        let email = domain::parse_email(email).map_err(CommentError::BadRequest)?.to_lowercase();
        if let Some(wait) = self.store.hit_rate(&format!("forget:{ip}"), now, Duration::hours(1), 5).await? {
            return Err(CommentError::Limited(wait));
        }
        if self.mailbox.enabled() && !self.store.is_unsubscribed(&email).await? {
            let t = self.mailbox.token("forget", &email, Duration::days(2), now);
            let ctx = minijinja::context! {
                site => self.mailbox.site().to_owned(),
                link => format!("{}/comments/forget/confirm?t={t}", self.mailbox.base_url()),
                unsubscribe => self.mailbox.unsubscribe_link(&email, now),
            };
            let subject = format!("Delete your comments on {}", self.mailbox.site());
            let m = self.mailbox.compose(&email, subject, "mail/forget.txt", ctx)?;
            self.store.enqueue(&[m.job()], now).await?;
        }
        Ok(())
    }

    /// Deletes every comment written with an address (its author asked, through a signed link).
    pub async fn delete_by_email(&self, email: &str) -> Result<u64, CommentError> {
        // Comments on any number of articles go: every page may show one.
        let notice = Notice::everything();
        let n = self.store.delete_comments_by_email(email, &Effects::notice(notice.clone())).await?;
        if n > 0 {
            self.changes.apply(&notice);
        }
        tracing::info!(count = n, "comments deleted at their author's request");
        Ok(n)
    }
}

/// A comment that may owe its parent's author a reply notification.
struct Reply<'a> {
    parent: Option<CommentId>,
    /// Where the link points (the reply itself, once it has an id; else its parent).
    anchor: Option<CommentId>,
    email: &'a str,
    name: &'a str,
    body: &'a str,
}

fn smart_headline(a: &Article) -> String {
    crate::render::markdown::smarten(&a.headline)
}
