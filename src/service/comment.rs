//! Comment use cases shared by the public form, the admin and the API:
//! screening a new comment, moderating, and the mail each step causes.

use chrono::{DateTime, Duration, Utc};

use crate::app::AppState;
use crate::domain::{self, spam, Article, Comment, CommentId, CommentInput, CommentStatus};
use crate::error::AppError;
use crate::store::{CommentPost, CommentWrite, NewComment, NewMail, PostOutcome};

/// How long an unsubscribe link works.
const UNSUBSCRIBE_DAYS: i64 = 366;

/// Makes the signed unsubscribe link for an address.
pub fn unsubscribe_link(state: &AppState, email: &str, now: DateTime<Utc>) -> String {
    let t =
        state.signer.token("unsubscribe", &email.to_lowercase(), (now + Duration::days(UNSUBSCRIBE_DAYS)).timestamp());
    format!("{}/comments/unsubscribe?t={t}", state.cfg.base_url())
}

fn mail(
    state: &AppState,
    to: &str,
    subject: String,
    template: &str,
    ctx: minijinja::Value,
) -> Result<NewMail, AppError> {
    let body = state.renderer.render(template, ctx).map_err(AppError::internal)?;
    Ok(NewMail { to: to.to_owned(), subject, body })
}

/// Scores a comment text with the site's learned spam model.
pub async fn spam_score(state: &AppState, text: &str) -> Result<Option<spam::SpamScore>, AppError> {
    let tokens = spam::tokens(text);
    let list: Vec<String> = tokens.iter().cloned().collect();
    let (counts, totals) = state.store.spam_counts(&list).await?;
    Ok(spam::score(&tokens, &counts, totals))
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

/// Screens a new reader comment, then counts it against its rate limits and
/// stores it with the mails it causes through the batching writer; answers
/// once the comment is committed.
pub async fn post(
    state: &AppState,
    article: &Article,
    input: CommentInput,
    who: Poster<'_>,
    now: DateTime<Utc>,
) -> Result<Posted, AppError> {
    let rules = state.cfg.comments.rules();
    let trusted = match who.visitor {
        Some(v) => state.store.is_trusted_browser(v, &input.email).await?,
        None => false,
    };
    let text = format!("{} {} {}", input.name, input.url.as_deref().unwrap_or(""), input.body);
    let score = spam_score(state, &text).await?;
    let decision = domain::screen(&domain::Screening {
        input: &input,
        trusted_browser: trusted,
        spam_probability: score.as_ref().map(|s| s.probability),
        rules: &rules,
    });
    tracing::info!(article = article.id.0, status = decision.status.as_str(), reason = %decision.reason, "comment screened");
    let mut mails = Vec::new();
    let headline = smart_headline(article);
    if state.cfg.mail.enabled {
        if decision.status == CommentStatus::Pending {
            mails.extend(moderator_mails(state, &headline, &input.name, &input.body, now).await?);
        }
        if input.notify
            && !state.store.notify_allowed(&input.email).await?
            && !state.store.is_unsubscribed(&input.email).await?
        {
            let t = state.signer.token("notify", &input.email.to_lowercase(), (now + Duration::days(7)).timestamp());
            let ctx = minijinja::context! {
                site => state.cfg.site.title.clone(),
                headline => headline.clone(),
                confirm => format!("{}/comments/notify?t={t}", state.cfg.base_url()),
                unsubscribe => unsubscribe_link(state, &input.email, now),
            };
            let subject = format!("Confirm reply notifications from {}", state.cfg.site.title);
            mails.push(mail(state, &input.email, subject, "mail/confirm.txt", ctx)?);
        }
    }
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
        window: Duration::seconds(i64::from(state.cfg.comments.rate_window_secs)),
        burst: state.cfg.comments.rate_burst,
        write: CommentWrite { comment: new, mails, at: now },
    };
    let comment = match state.comments.post(post).await? {
        PostOutcome::Stored(c) => *c,
        PostOutcome::Limited(wait) => return Ok(Posted::Limited(wait)),
    };
    if comment.status == CommentStatus::Approved {
        after_approval(state, article, &comment, now).await?;
        state.changes.changed();
    }
    Ok(Posted::Stored(Box::new(comment)))
}

fn smart_headline(a: &Article) -> String {
    crate::render::markdown::smarten(&a.headline)
}

async fn moderator_mails(
    state: &AppState,
    headline: &str,
    name: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<Vec<NewMail>, AppError> {
    let mut out = Vec::new();
    for u in state.store.list_users().await? {
        if !u.role.can_publish() || state.store.is_unsubscribed(&u.email).await? {
            continue;
        }
        let ctx = minijinja::context! {
            site => state.cfg.site.title.clone(),
            base => state.cfg.base_url().to_owned(),
            headline => headline.to_owned(),
            name => name.to_owned(),
            body => body.to_owned(),
            unsubscribe => unsubscribe_link(state, &u.email, now),
        };
        out.push(mail(state, &u.email, format!("Comment to moderate on “{headline}”"), "mail/pending.txt", ctx)?);
    }
    Ok(out)
}

/// Queues the reply notification a newly public comment owes its parent's author.
async fn after_approval(state: &AppState, article: &Article, c: &Comment, now: DateTime<Utc>) -> Result<(), AppError> {
    if !state.cfg.mail.enabled {
        return Ok(());
    }
    let Some(parent_id) = c.parent_id else { return Ok(()) };
    let Some(parent) = state.store.get_comment(parent_id).await? else { return Ok(()) };
    if !parent.notify
        || parent.author_email.eq_ignore_ascii_case(&c.author_email)
        || !state.store.notify_allowed(&parent.author_email).await?
    {
        return Ok(());
    }
    let url = format!("{}{}#comment-{}", state.cfg.base_url(), article.permalink(state.cfg.tz()), c.id.0);
    let headline = smart_headline(article);
    let ctx = minijinja::context! {
        site => state.cfg.site.title.clone(),
        headline => headline.clone(),
        name => c.author_name.clone(),
        body => c.body.clone(),
        url,
        unsubscribe => unsubscribe_link(state, &parent.author_email, now),
    };
    let m = mail(state, &parent.author_email, format!("New reply on “{headline}”"), "mail/reply.txt", ctx)?;
    state.store.enqueue_mails(&[m], now).await?;
    Ok(())
}

/// Moves a comment to another status, teaching the spam model and trusting
/// the commenter's browser when a moderator approves.
pub async fn moderate(
    state: &AppState,
    id: CommentId,
    status: CommentStatus,
    now: DateTime<Utc>,
) -> Result<Comment, AppError> {
    let (c, changed) = state.store.set_comment_status(id, status, &[], now).await?;
    if !changed {
        return Ok(c);
    }
    let text = format!("{} {} {}", c.author_name, c.author_url.as_deref().unwrap_or(""), c.body);
    let tokens: Vec<String> = spam::tokens(&text).into_iter().collect();
    let label = match status {
        CommentStatus::Spam => Some(true),
        CommentStatus::Approved => Some(false),
        _ => None,
    };
    if !c.staff {
        state.store.train_spam(c.id, &tokens, label).await?;
    }
    if status == CommentStatus::Approved {
        if let Some(v) = &c.visitor {
            state.store.trust_browser(v, &c.author_email, now).await?;
        }
        if let Some(article) = state.store.get_article(c.article_id).await? {
            after_approval(state, &article, &c, now).await?;
        }
    }
    state.changes.changed();
    Ok(c)
}

/// Posts a staff reply from the admin: published at once, marked as staff.
pub async fn staff_reply(
    state: &AppState,
    parent: &Comment,
    user: &domain::User,
    body: &str,
    now: DateTime<Utc>,
) -> Result<Comment, AppError> {
    let body = domain::check_body(body, state.cfg.comments.max_chars).map_err(AppError::BadRequest)?;
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
    let c = state.store.create_comment(&new, &[], now).await?;
    if let Some(article) = state.store.get_article(c.article_id).await? {
        after_approval(state, &article, &c, now).await?;
    }
    state.changes.changed();
    Ok(c)
}
