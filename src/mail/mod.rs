//! Outgoing mail: messages wait in the database's outbox (so a crash loses
//! none) and a sender delivers them over SMTP with retries.

use std::time::Duration;

use chrono::Utc;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::MailConfig;
use crate::store::{QueuedMail, Store};

/// Sends queued mail through one SMTP server.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
}

impl Mailer {
    /// Builds the SMTP transport from the configuration.
    pub fn new(cfg: &MailConfig) -> anyhow::Result<Mailer> {
        let builder = match cfg.security.as_str() {
            "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&cfg.smtp_host)?,
            "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&cfg.smtp_host)?,
            _ => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&cfg.smtp_host),
        };
        let mut builder = builder.port(cfg.smtp_port).timeout(Some(Duration::from_secs(20)));
        if !cfg.username.is_empty() {
            builder = builder.credentials(Credentials::new(cfg.username.clone(), cfg.password.clone()));
        }
        Ok(Mailer { transport: builder.build(), from: cfg.from.parse()? })
    }

    async fn send(&self, m: &QueuedMail) -> anyhow::Result<()> {
        let msg = Message::builder()
            .from(self.from.clone())
            .to(m.to.parse()?)
            .subject(&m.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(m.body.clone())?;
        self.transport.send(msg).await?;
        Ok(())
    }

    /// Sends every due message once; returns how many went out.
    pub async fn drain_once(&self, store: &dyn Store) -> anyhow::Result<usize> {
        let now = Utc::now();
        let due = store.claim_mails(now, 50).await?;
        let mut sent = 0;
        for m in &due {
            match self.send(m).await {
                Ok(()) => {
                    store.finish_mail(m.id, Ok(()), Utc::now()).await?;
                    sent += 1;
                }
                Err(e) => {
                    // Back off: 1, 2, 4 … minutes, at most a day.
                    let wait = chrono::Duration::minutes(1i64 << m.attempts.min(10)).min(chrono::Duration::days(1));
                    tracing::warn!(mail = m.id, error = %e, "sending mail failed; will retry");
                    store.finish_mail(m.id, Err((e.to_string(), Utc::now() + wait)), Utc::now()).await?;
                }
            }
        }
        Ok(sent)
    }
}

/// Delivers the outbox every few seconds until the process ends.
pub async fn run(mailer: Mailer, store: std::sync::Arc<dyn Store>) {
    let mut tick = tokio::time::interval(Duration::from_secs(2));
    loop {
        tick.tick().await;
        if let Err(e) = mailer.drain_once(store.as_ref()).await {
            tracing::warn!(error = %e, "mail outbox");
        }
    }
}
