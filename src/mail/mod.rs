//! Outgoing mail: each message is a `mail` job in the durable queue (written
//! with the change that caused it, so a crash loses none), and this handler
//! delivers it over SMTP. Its `Message-ID` comes from the job's stable key, so
//! a message sent again after a crash carries the same id.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::MailConfig;
use crate::queue::Outcome;
use crate::store::{Job, NewMail, MAIL};

/// Sends queued mail through one SMTP server.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
    /// The domain of our `Message-ID`s.
    domain: String,
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
        let from: lettre::message::Mailbox = cfg.from.parse()?;
        let domain = from.email.domain().to_owned();
        Ok(Mailer { transport: builder.build(), from, domain })
    }

    /// Connects to the SMTP server, says hello and leaves: no mail is sent.
    pub async fn check(&self) -> Result<(), String> {
        match self.transport.test_connection().await {
            Ok(true) => Ok(()),
            Ok(false) => Err("it did not answer as an SMTP server does".into()),
            Err(e) => Err(e.to_string()),
        }
    }

    async fn send(&self, key: &str, m: &NewMail) -> Result<(), Outcome> {
        let to = m.to.parse().map_err(|e| Outcome::Fail(format!("bad address {}: {e}", m.to)))?;
        let msg = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&m.subject)
            .message_id(Some(format!("<{key}@{}>", self.domain)))
            .header(ContentType::TEXT_PLAIN)
            .body(m.body.clone())
            .map_err(|e| Outcome::Fail(e.to_string()))?;
        match self.transport.send(msg).await {
            Ok(_) => Ok(()),
            // A permanent answer (5xx) will not change by asking again.
            Err(e) if e.is_permanent() => Err(Outcome::Fail(e.to_string())),
            Err(e) => Err(Outcome::Retry(e.to_string())),
        }
    }
}

#[async_trait::async_trait]
impl crate::queue::Handler for Mailer {
    fn kind(&self) -> &'static str {
        MAIL
    }

    async fn run(&self, job: &Job) -> Outcome {
        let m: NewMail = match serde_json::from_str(&job.payload) {
            Ok(m) => m,
            Err(e) => return Outcome::Fail(format!("unreadable mail job: {e}")),
        };
        match self.send(&job.key, &m).await {
            Ok(()) => Outcome::Done,
            Err(o) => o,
        }
    }
}
