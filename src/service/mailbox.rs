//! Composing the site's mail from its templates (`templates/mail/`), with
//! the signed links every message carries. Messages are not sent here: they
//! become jobs committed with the change that causes them.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use crate::render::Renderer;
use crate::secret::Signer;
use crate::store::NewMail;

/// How long an unsubscribe link works.
const UNSUBSCRIBE_DAYS: i64 = 366;

/// What composing mail needs.
#[derive(Clone)]
pub struct Mailbox {
    renderer: Arc<Renderer>,
    signer: Arc<Signer>,
    site: String,
    base_url: String,
    enabled: bool,
}

/// A template failed to render.
#[derive(Debug, thiserror::Error)]
#[error("cannot compose the message: {0}")]
pub struct ComposeError(#[source] pub minijinja::Error);

impl Mailbox {
    /// Composes with `renderer`, signs links with `signer`; `enabled` false means the site sends no mail.
    pub fn new(renderer: Arc<Renderer>, signer: Arc<Signer>, site: String, base_url: String, enabled: bool) -> Mailbox {
        Mailbox { renderer, signer, site, base_url, enabled }
    }

    /// Tells whether the site sends mail at all.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The site's name, as messages sign off.
    pub fn site(&self) -> &str {
        &self.site
    }

    /// The site's public address, for links.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Makes a signed token for a link (`purpose` names what it may do).
    pub fn token(&self, purpose: &str, subject: &str, valid: Duration, now: DateTime<Utc>) -> String {
        self.signer.token(purpose, subject, (now + valid).timestamp())
    }

    /// Opens a token made by [`Mailbox::token`], if it is genuine and current.
    pub fn open(&self, purpose: &str, token: &str, now: DateTime<Utc>) -> Option<String> {
        self.signer.open(purpose, token, now.timestamp())
    }

    /// Makes the signed unsubscribe link for an address.
    pub fn unsubscribe_link(&self, email: &str, now: DateTime<Utc>) -> String {
        let t = self.token("unsubscribe", &email.to_lowercase(), Duration::days(UNSUBSCRIBE_DAYS), now);
        format!("{}/comments/unsubscribe?t={t}", self.base_url)
    }

    /// Renders a message from a template.
    pub fn compose(
        &self,
        to: &str,
        subject: String,
        template: &str,
        ctx: minijinja::Value,
    ) -> Result<NewMail, ComposeError> {
        let body = self.renderer.render(template, ctx).map_err(ComposeError)?;
        Ok(NewMail { to: to.to_owned(), subject, body })
    }
}
