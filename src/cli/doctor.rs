//! `dateline doctor`: checks what operators get wrong — the data and media
//! folders, the database, `base_url` and the proxy settings, the SMTP server,
//! the clock — and prints each finding with what to do. Nothing is changed
//! and no mail is sent. The exit code is 1 when anything is wrong.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::time::Duration;

use chrono::Utc;

use crate::config::Config;
use crate::store::{is_postgres, DbFacts, StoreError};

/// How long each network check may take.
const WAIT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Ok,
    Warn,
    Fault,
}

struct Report {
    findings: Vec<(Level, String, Option<String>)>,
}

impl Report {
    fn ok(&mut self, what: impl Into<String>) {
        self.findings.push((Level::Ok, what.into(), None));
    }
    fn warn(&mut self, what: impl Into<String>, fix: impl Into<String>) {
        self.findings.push((Level::Warn, what.into(), Some(fix.into())));
    }
    fn fault(&mut self, what: impl Into<String>, fix: impl Into<String>) {
        self.findings.push((Level::Fault, what.into(), Some(fix.into())));
    }
}

/// Runs every check; `Err` (exit code 1) when any found a fault.
pub async fn run(cfg: Config) -> anyhow::Result<()> {
    let mut r = Report { findings: Vec::new() };
    folder(&mut r, "data folder", &cfg.data_dir);
    folder(&mut r, "media folder", &cfg.media_dir());
    let url = cfg.database_url();
    if is_postgres(&url) {
        r.warn(
            format!("media folder {}: on PostgreSQL every node serves the photos from it", cfg.media_dir().display()),
            "make sure every node mounts the same folder (NFS or similar), or photos uploaded on one node are missing on the others",
        );
    }
    database(&mut r, &url).await;
    backups(&mut r, &cfg, is_postgres(&url));
    base_url(&mut r, &cfg).await;
    smtp(&mut r, &cfg).await;
    let faults = r.findings.iter().filter(|f| f.0 == Level::Fault).count();
    let warnings = r.findings.iter().filter(|f| f.0 == Level::Warn).count();
    for (level, what, fix) in &r.findings {
        let tag = match level {
            Level::Ok => "ok   ",
            Level::Warn => "WARN ",
            Level::Fault => "FAULT",
        };
        println!("{tag} {what}");
        if let Some(fix) = fix {
            println!("      → {fix}");
        }
    }
    println!("\n{faults} fault(s), {warnings} warning(s).");
    anyhow::ensure!(faults == 0, "dateline doctor found {faults} fault(s)");
    Ok(())
}

/// A folder the service writes: it exists, its owner may write it, and it takes a new file now.
fn folder(r: &mut Report, name: &str, dir: &Path) {
    let shown = dir.display();
    let Ok(meta) = std::fs::metadata(dir) else {
        let parent_writable = dir.parent().is_some_and(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.permissions().mode() & 0o200 != 0 && !m.permissions().readonly())
        });
        if name == "media folder" && parent_writable {
            r.ok(format!("{name} {shown}: not made yet (the first photo makes it)"));
            return;
        }
        r.fault(
            format!("{name} {shown} does not exist"),
            format!("create it for the service's user: install -d -o dateline -g dateline -m 0750 {shown}"),
        );
        return;
    };
    let mode = meta.permissions().mode() & 0o7777;
    let me = rustix::process::geteuid().as_raw();
    if mode & 0o200 == 0 {
        r.fault(
            format!("{name} {shown} is mode {mode:04o}: its owner cannot write to it"),
            format!("chmod u+w {shown} (Dateline writes the database, photos and backups here)"),
        );
        return;
    }
    if meta.uid() != me && me != 0 {
        r.fault(
            format!("{name} {shown} belongs to user {} and Dateline runs as user {me}", meta.uid()),
            format!("chown -R the service's user {shown}, or run Dateline as its owner"),
        );
        return;
    }
    let probe = dir.join(format!(".doctor-{}", std::process::id()));
    match std::fs::write(&probe, b"") {
        Ok(()) => {
            std::fs::remove_file(&probe).ok();
        }
        Err(e) => {
            r.fault(
                format!("{name} {shown} takes no new file: {e}"),
                "a read-only mount or a full disk: give the service a writable folder (systemd: ReadWritePaths=)",
            );
            return;
        }
    }
    if mode & 0o002 != 0 {
        r.warn(
            format!("{name} {shown} is mode {mode:04o}: anyone on the machine may write to it"),
            format!("chmod o-w {shown}"),
        );
    } else {
        r.ok(format!("{name} {shown}: writable, mode {mode:04o}"));
    }
    if name == "data folder" {
        free_space(r, dir);
    }
}

fn free_space(r: &mut Report, dir: &Path) {
    let Ok(st) = rustix::fs::statvfs(dir) else { return };
    let free = st.f_bavail.saturating_mul(st.f_frsize);
    let total = st.f_blocks.saturating_mul(st.f_frsize).max(1);
    let mb = free / (1024 * 1024);
    let share = free as f64 / total as f64 * 100.0;
    if mb < 256 {
        r.fault(
            format!("free space beside the data folder: {mb} MB"),
            "free some space: with a full disk Dateline answers 503 to every change and keeps only reading",
        );
    } else if share < 10.0 {
        r.warn(
            format!("free space beside the data folder: {mb} MB ({share:.0}%)"),
            "free some space before the disk fills",
        );
    } else {
        r.ok(format!("free space beside the data folder: {mb} MB ({share:.0}%)"));
    }
}

async fn database(r: &mut Report, url: &str) {
    let facts = match crate::store::inspect(url, WAIT).await {
        Ok(f) => f,
        Err(StoreError::NotFound) => {
            r.warn(
                format!("database {url}: no database file yet"),
                "the first `dateline serve` creates it (and, without --no-demo, a demo site)",
            );
            return;
        }
        Err(e) if is_postgres(url) => {
            r.fault(
                format!("PostgreSQL at {}: {e}", crate::config::redact_url(url)),
                "is PostgreSQL running and does it accept this user? check [database] url (or DATABASE_URL)",
            );
            return;
        }
        Err(e) => {
            r.fault(
                format!("database {url}: {e}"),
                "the file may be damaged: `dateline restore` the latest backup (the current file is kept beside it)",
            );
            return;
        }
    };
    schema(r, &facts);
    if let Some(verdict) = &facts.integrity {
        if verdict == "ok" {
            r.ok(format!("{}: integrity check passed", facts.server));
        } else {
            r.fault(
                format!("{}: the integrity check found damage: {verdict}", facts.server),
                "stop the service and `dateline restore` the latest backup",
            );
        }
    }
    if let Some(wal) = facts.wal_bytes {
        let mb = wal / (1024 * 1024);
        if mb > 512 {
            r.warn(
                format!("write-ahead log {mb} MB"),
                "a long-running reader keeps SQLite from checkpointing: look for a stuck backup or an external reader",
            );
        } else {
            r.ok(format!("write-ahead log {mb} MB"));
        }
    }
    if let Some(clock) = facts.clock {
        let skew = (Utc::now() - clock).num_milliseconds().abs();
        if skew > 2_000 {
            r.fault(
                format!("this machine's clock and PostgreSQL's differ by {:.1} s", skew as f64 / 1000.0),
                "run NTP (systemd-timesyncd or chrony) on every node: embargoes, scheduled stories and sessions go by the clock",
            );
        } else {
            r.ok(format!("clock: within {skew} ms of PostgreSQL's"));
        }
    }
}

fn schema(r: &mut Report, facts: &DbFacts) {
    match &facts.schema {
        Some((v, name)) if *v > facts.known => r.fault(
            format!("{}: schema version {v} ({name}) is newer than this binary knows ({})", facts.server, facts.known),
            "run the release that upgraded the database (or a newer one), or restore a backup taken before the upgrade",
        ),
        Some((v, _)) if *v < facts.known => r.warn(
            format!("{}: schema version {v}; this binary brings {}", facts.server, facts.known),
            "the next `dateline serve` upgrades it: take a backup first",
        ),
        Some((v, _)) => r.ok(format!("{}: schema version {v}, as this binary expects", facts.server)),
        None => r.warn(format!("{}: no schema yet", facts.server), "the first `dateline serve` creates it"),
    }
}

fn backups(r: &mut Report, cfg: &Config, postgres: bool) {
    let Some(every) = crate::config::parse_every(&cfg.backup.every) else {
        r.warn("backups: off ([backup] every)", "set [backup] every = \"6h\" (or back up by hand: docs/DEPLOY.md)");
        return;
    };
    let dir = cfg.backup_dir();
    if postgres {
        r.warn(
            format!("backups: photos are mirrored to {}; the database is not copied on PostgreSQL", dir.display()),
            "run pg_dump from a timer (docs/DEPLOY.md)",
        );
    }
    let shown = dir.display();
    match std::fs::metadata(&dir) {
        Ok(m) if m.permissions().mode() & 0o200 == 0 => {
            r.fault(
                format!("backup folder {shown} is mode {:04o}", m.permissions().mode() & 0o7777),
                format!("chmod u+w {shown}"),
            );
            return;
        }
        Ok(_) => {}
        Err(_) => {
            r.ok(format!("backups: every {} s into {shown} (not made yet)", every.as_secs()));
            return;
        }
    }
    match crate::service::backup::newest_copy(&dir) {
        Some(t) if postgres => r.ok(format!("backups: last photo mirror beside a copy of {t}")),
        Some(t) if Utc::now() - t > chrono::Duration::from_std(every * 2).unwrap_or_default() => r.warn(
            format!("backups: the newest copy in {shown} is from {t}, more than two periods ago"),
            "is the service running? /healthz?detail shows the last attempt and its error",
        ),
        Some(t) => r.ok(format!("backups: newest copy {t} in {shown}")),
        None if !postgres => r.ok(format!("backups: every {} s into {shown} (no copy yet)", every.as_secs())),
        None => {}
    }
}

/// `base_url` as readers reach the site, and the proxy settings that go with it.
async fn base_url(r: &mut Report, cfg: &Config) {
    let base = cfg.base_url();
    let https = base.starts_with("https://");
    let rest = base.trim_start_matches("https://").trim_start_matches("http://");
    let authority = rest.split('/').next().unwrap_or("");
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if p.parse::<u16>().is_ok() => (h.to_owned(), p.parse().unwrap_or(80)),
        _ => (authority.to_owned(), if https { 443 } else { 80 }),
    };
    let local = matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]");
    if !https && !local {
        r.warn(
            format!("base_url {base} is plain http://"),
            "readers' cookies are not Secure and no HSTS is sent: put HTTPS in front (docs/DEPLOY.md) and set base_url to https://",
        );
    }
    if https && cfg.server.trusted_proxies.is_empty() {
        r.warn(
            format!("base_url is {base} but [server] trusted_proxies is empty"),
            "behind a TLS proxy every reader then has the proxy's address (one rate limit for all): list the proxy's address",
        );
    }
    if !https {
        match tokio::time::timeout(WAIT, crate::purge::request("GET", &host, port, "/healthz", &[])).await {
            Ok(Ok((200, body))) if body.as_ref() == b"ok\n" => r.ok(format!("base_url {base}: Dateline answers there")),
            Ok(Ok((status, _))) => r.fault(
                format!("base_url {base}: /healthz answered {status}, not Dateline's \"ok\""),
                "base_url must be the address readers use for this site: check [site] base_url and the proxy in front",
            ),
            Ok(Err(e)) => r.fault(
                format!("base_url {base}: {e}"),
                "is the site serving? base_url must be the address readers use: check [site] base_url and [server] listen",
            ),
            Err(_) => r.fault(format!("base_url {base}: no answer within {} s", WAIT.as_secs()), "check the address and any firewall"),
        }
        return;
    }
    match tokio::time::timeout(WAIT, https_health(&host, port)).await {
        Ok(Ok((200, body, hsts))) if body.as_ref() == b"ok\n" => {
            r.ok(format!("base_url {base}: Dateline answers there over HTTPS, with a certificate this machine trusts"));
            if !hsts {
                r.warn(
                    format!("base_url {base}: the answer carries no Strict-Transport-Security"),
                    "the proxy may be dropping Dateline's headers: pass them on (docs/DEPLOY.md)",
                );
            }
        }
        Ok(Ok((status, _, _))) => r.fault(
            format!("base_url {base}: /healthz answered {status}, not Dateline's \"ok\""),
            "the proxy must pass requests on to Dateline ([server] listen): check its configuration",
        ),
        Ok(Err(e)) => r.fault(
            format!("base_url {base}: {e}"),
            "the name must point at this site's proxy, which needs a valid certificate for it (docs/DEPLOY.md)",
        ),
        Err(_) => r.fault(
            format!("base_url {base}: no answer within {} s", WAIT.as_secs()),
            "check the address and any firewall",
        ),
    }
}

/// Asks `https://host:port/healthz` with the web's usual certificate roots:
/// the status, the body and whether HSTS came with it.
async fn https_health(host: &str, port: u16) -> Result<(u16, hyper::body::Bytes, bool), String> {
    use tokio_rustls::rustls;
    let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    let config =
        rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from(host.trim_matches(['[', ']']).to_owned())
        .map_err(|e| format!("{host} is not a name a certificate can carry: {e}"))?;
    let tcp = tokio::net::TcpStream::connect((host, port)).await.map_err(|e| format!("cannot connect: {e}"))?;
    let tls = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|e| format!("the HTTPS handshake failed: {e}"))?;
    let authority = if port == 443 { host.to_owned() } else { format!("{host}:{port}") };
    let res = crate::purge::exchange(tls, "GET", &authority, "/healthz", &[]).await?;
    let hsts = res.headers().contains_key("strict-transport-security");
    Ok((res.status().as_u16(), res.into_body(), hsts))
}

async fn smtp(r: &mut Report, cfg: &Config) {
    if !cfg.mail.enabled {
        r.ok("mail: off ([mail] enabled = false); reply notifications and moderator mail are not sent");
        return;
    }
    let server = format!("{}:{}", cfg.mail.smtp_host, cfg.mail.smtp_port);
    let mailer = match crate::mail::Mailer::new(&cfg.mail) {
        Ok(m) => m,
        Err(e) => {
            r.fault(format!("mail: the [mail] settings are unusable: {e}"), "check smtp_host, security and from");
            return;
        }
    };
    match tokio::time::timeout(WAIT, mailer.check()).await {
        Ok(Ok(())) => r.ok(format!("SMTP server {server}: connected and said hello (no mail sent)")),
        Ok(Err(e)) => r.fault(
            format!("SMTP server {server}: {e}"),
            "check [mail] smtp_host, smtp_port and security; mail waits in the outbox and is retried meanwhile",
        ),
        Err(_) => r.fault(
            format!("SMTP server {server}: no answer within {} s", WAIT.as_secs()),
            "check the address and any firewall",
        ),
    }
}
