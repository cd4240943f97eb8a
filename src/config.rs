//! Site configuration: defaults, then `dateline.toml` in the data folder, then
//! `DATELINE_*` variables and `DATABASE_URL`, then command-line flags.
//!
//! Loading writes nothing; secrets are created by `App::build`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

/// Everything an operator can set.
#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Folder holding the database, media and secrets.
    pub data_dir: PathBuf,
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub media: MediaConfig,
    pub site: SiteConfig,
    pub cache: CacheConfig,
    pub feeds: FeedConfig,
    pub comments: CommentsConfig,
    pub mail: MailConfig,
    pub backup: BackupConfig,
}

/// Backups that run by themselves (`[backup]`): on SQLite, a checked copy of
/// the database every `every` and the photos added since the last one; the
/// newest `keep` copies are kept. On PostgreSQL the database is `pg_dump`'s
/// job (docs/DEPLOY.md); the photos are still copied.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BackupConfig {
    /// How often: `30m`, `6h`, `1d` (also `s`); `off` or empty turns them off.
    pub every: String,
    /// How many database copies to keep.
    pub keep: u32,
    /// Where; empty means `backups` in the data folder.
    pub dir: PathBuf,
}

impl Default for BackupConfig {
    fn default() -> Self {
        BackupConfig { every: "6h".into(), keep: 28, dir: PathBuf::new() }
    }
}

/// Reads `30m`, `6h`, `1d` or `45s`; `None` for `off`, empty or anything else.
pub fn parse_every(s: &str) -> Option<std::time::Duration> {
    let s = s.trim();
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit())?);
    let n: u64 = n.parse().ok().filter(|n| *n > 0)?;
    let secs = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return None,
    };
    Some(std::time::Duration::from_secs(secs))
}

/// Where uploaded photos and their variants are kept.
///
/// Media are files, not database rows: photos are large and never change once
/// written, so keeping them out of the database keeps its replication and
/// backups small and fast, and lets operators copy them with the tools they
/// use for files. Several nodes on one PostgreSQL database name one shared
/// folder here (an NFS or similar mount); each node serves from it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MediaConfig {
    /// Folder for media; empty means `media` in the data folder.
    pub dir: PathBuf,
}

/// Discussion settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CommentsConfig {
    /// Longest comment, in characters (longer ones are refused, never cut).
    pub max_chars: usize,
    /// Comments with more links than this are held for moderation.
    pub max_links: usize,
    /// Deepest reply level shown nested.
    pub max_depth: usize,
    /// Top-level threads per page under an article.
    pub per_page: usize,
    /// Comments containing any of these words are held.
    pub moderation_words: Vec<String>,
    /// Comments containing any of these words go to spam.
    pub blocklist_words: Vec<String>,
    /// Close comments on articles older than this many days (0: never).
    pub close_after_days: u32,
    /// Seconds a person needs at least between seeing the form and posting.
    pub min_seconds: u32,
    /// Comments allowed per address and per email within `rate_window_secs`.
    pub rate_burst: u32,
    pub rate_window_secs: u32,
    /// Minutes a commenter may edit their comment from the browser that posted it.
    pub edit_minutes: u32,
}

impl Default for CommentsConfig {
    fn default() -> Self {
        CommentsConfig {
            max_chars: 10_000,
            max_links: 2,
            max_depth: 5,
            per_page: 50,
            moderation_words: Vec::new(),
            blocklist_words: Vec::new(),
            close_after_days: 0,
            min_seconds: 3,
            rate_burst: 5,
            rate_window_secs: 600,
            edit_minutes: 10,
        }
    }
}

impl CommentsConfig {
    /// Returns the domain's view of these settings.
    pub fn rules(&self) -> crate::domain::DiscussionRules {
        crate::domain::DiscussionRules {
            max_chars: self.max_chars,
            max_links: self.max_links,
            max_depth: self.max_depth,
            moderation_words: self.moderation_words.clone(),
            blocklist_words: self.blocklist_words.clone(),
            close_after_days: (self.close_after_days > 0).then_some(self.close_after_days),
        }
    }
}

/// Outgoing mail (off by default).
#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    pub enabled: bool,
    pub smtp_host: String,
    pub smtp_port: u16,
    /// `none` (plain, for a local relay), `starttls` or `tls`.
    pub security: String,
    pub username: String,
    pub password: String,
    pub from: String,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            enabled: false,
            smtp_host: "127.0.0.1".into(),
            smtp_port: 25,
            security: "none".into(),
            username: String::new(),
            password: String::new(),
            from: "Dateline <newsroom@localhost>".into(),
        }
    }
}

impl std::fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailConfig")
            .field("enabled", &self.enabled)
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &if self.password.is_empty() { "" } else { "***" })
            .field("from", &self.from)
            .finish()
    }
}

/// What feeds carry.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FeedConfig {
    /// Whole articles in feeds (true) or summaries only (false).
    pub full_text: bool,
}

impl Default for FeedConfig {
    fn default() -> Self {
        FeedConfig { full_text: true }
    }
}

/// How the HTTP server listens.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    /// Seconds a request may take before it is answered 408/503.
    pub request_timeout_secs: u64,
    /// Seconds a client has to send a request's headers before the connection is closed.
    pub header_timeout_secs: u64,
    /// Connections served at once; more wait to be accepted. Every reader
    /// following a live story holds one (and a file descriptor: raise
    /// `ulimit -n` above this).
    pub max_connections: usize,
    /// Live-story streams held open at once; more are answered 503 (the page
    /// still works, a reload shows new entries). Keep it below `max_connections`.
    pub max_streams: usize,
    /// Largest request body outside uploads, in bytes.
    pub max_body_bytes: usize,
    /// Largest photo upload, in bytes.
    pub max_upload_bytes: usize,
    /// Proxies whose `X-Forwarded-For` is believed (addresses like 127.0.0.1);
    /// from anyone else the connection's own address is used.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Addresses allowed to read `/metrics` besides the machine itself.
    pub metrics_from: Vec<std::net::IpAddr>,
}

/// Which database to use, and how to hold PostgreSQL connections.
#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://…` or `postgres://…`; empty means `dateline.db` in the data folder.
    pub url: String,
    /// PostgreSQL connections per node.
    pub pool_size: u32,
    /// How long a request waits for a PostgreSQL connection before it is answered 503.
    pub connect_timeout_ms: u64,
    /// Longest any one PostgreSQL statement may run.
    pub statement_timeout_ms: u64,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        let pool = PoolConfig::default();
        DatabaseConfig {
            url: String::new(),
            pool_size: pool.pool_size,
            connect_timeout_ms: pool.connect_timeout_ms,
            statement_timeout_ms: pool.statement_timeout_ms,
        }
    }
}

impl DatabaseConfig {
    /// The PostgreSQL pool settings.
    pub fn pool(&self) -> PoolConfig {
        PoolConfig {
            pool_size: self.pool_size,
            connect_timeout_ms: self.connect_timeout_ms,
            statement_timeout_ms: self.statement_timeout_ms,
        }
    }
}

/// What readers see.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    pub tagline: String,
    /// Public address (scheme, host, optional port), used for absolute links.
    pub base_url: String,
    /// IANA time zone the dates and permalinks are shown in.
    pub timezone: String,
    pub language: String,
    /// Articles per list page.
    pub per_page: u32,
}

/// The in-memory page cache.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CacheConfig {
    pub enabled: bool,
    /// Largest number of cached pages kept at once.
    pub max_entries: usize,
    /// Memory the cached pages may take, all three encodings counted, in MB.
    /// When full, the pages stored longest ago make room. The default holds
    /// about a hundred long article pages (front, sections, the latest
    /// stories): a site's hot pages, within the 100 MB a small server allows.
    pub max_megabytes: usize,
    /// Seconds an edge cache in front may keep a page (a purge ends it sooner).
    pub s_maxage_secs: u32,
    /// Seconds an edge may answer a stale page while it fetches a fresh one.
    pub stale_while_revalidate_secs: u32,
    /// Seconds an edge may answer a stale page when this site fails.
    pub stale_if_error_secs: u32,
    /// Edge caches to purge on every change (`http://varnish:6081/`), through
    /// the job queue: the keys a change touched, as Varnish's xkey module takes them.
    pub purge: Vec<String>,
    /// Edges that say they speak ESI (`Surrogate-Capability`) get the
    /// breaking-news banner as `<esi:include src="/_fragments/banner"/>`
    /// and fill it in themselves (docs/EDGE.md).
    pub esi: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("dateline-data"),
            server: ServerConfig::default(),
            database: DatabaseConfig::default(),
            media: MediaConfig::default(),
            site: SiteConfig::default(),
            cache: CacheConfig::default(),
            feeds: FeedConfig::default(),
            comments: CommentsConfig::default(),
            mail: MailConfig::default(),
            backup: BackupConfig::default(),
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            request_timeout_secs: 30,
            header_timeout_secs: 10,
            max_connections: 16_384,
            max_streams: 12_000,
            max_body_bytes: 1024 * 1024,
            max_upload_bytes: 20 * 1024 * 1024,
            trusted_proxies: Vec::new(),
            metrics_from: Vec::new(),
        }
    }
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "The Dateline Gazette".into(),
            tagline: "News from Port Alder and the Alder Valley".into(),
            base_url: "http://127.0.0.1:8080".into(),
            timezone: "Europe/Berlin".into(),
            language: "en".into(),
            per_page: 12,
        }
    }
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            enabled: true,
            max_entries: 5_000,
            max_megabytes: 8,
            s_maxage_secs: 300,
            stale_while_revalidate_secs: 60,
            stale_if_error_secs: 86_400,
            purge: Vec::new(),
            esi: false,
        }
    }
}

impl std::fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseConfig")
            .field("url", &redact_url(&self.url))
            .field("pool_size", &self.pool_size)
            .field("connect_timeout_ms", &self.connect_timeout_ms)
            .field("statement_timeout_ms", &self.statement_timeout_ms)
            .finish()
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("server", &self.server)
            .field("database", &self.database)
            .field("media", &self.media)
            .field("site", &self.site)
            .field("cache", &self.cache)
            .field("feeds", &self.feeds)
            .field("comments", &self.comments)
            .field("mail", &self.mail)
            .finish()
    }
}

/// Hides the password of a database URL.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s && url[s + 3..at].contains(':') => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..s + 3], user, &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// Explains why a configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Load(#[from] Box<figment::Error>),
    #[error("configuration: {0}")]
    Invalid(String),
}

impl Config {
    /// Loads the layers for a data folder: defaults, `DIR/dateline.toml`, environment.
    pub fn load(data_dir: Option<&Path>) -> Result<Config, ConfigError> {
        let dir = data_dir
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("DATELINE_DATA_DIR").map(PathBuf::from))
            .unwrap_or_else(|| Config::default().data_dir);
        let mut fig = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(dir.join("dateline.toml")))
            .merge(Env::prefixed("DATELINE_").split("__").ignore(&["data_dir", "log", "log_format"]));
        if let Some(url) = std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()) {
            fig = fig.merge(Serialized::default("database.url", url));
        }
        let mut cfg: Config = fig.extract().map_err(Box::new)?;
        cfg.data_dir = dir;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Parses a TOML document on top of the defaults (for tests and tools).
    pub fn from_toml_str(s: &str) -> Result<Config, ConfigError> {
        let cfg: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::string(s))
            .extract()
            .map_err(Box::new)?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Names every bad value so start-up stops with all of them listed.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut bad = Vec::new();
        if self.site.timezone.parse::<chrono_tz::Tz>().is_err() {
            bad.push(format!("site.timezone: {:?} is not an IANA time zone (like Europe/Berlin)", self.site.timezone));
        }
        if !(self.site.base_url.starts_with("http://") || self.site.base_url.starts_with("https://")) {
            bad.push(format!("site.base_url: {:?} must start with http:// or https://", self.site.base_url));
        }
        if self.site.per_page == 0 || self.site.per_page > 100 {
            bad.push("site.per_page: must be between 1 and 100".into());
        }
        if self.site.title.trim().is_empty() {
            bad.push("site.title: must not be empty".into());
        }
        if !["none", "starttls", "tls"].contains(&self.mail.security.as_str()) {
            bad.push(format!("mail.security: {:?} must be none, starttls or tls", self.mail.security));
        }
        let every = self.backup.every.trim();
        if !(every.is_empty() || every == "off" || parse_every(every).is_some()) {
            bad.push(format!("backup.every: {:?} must be like 30m, 6h or 1d, or off", self.backup.every));
        }
        if self.comments.max_chars == 0 || self.comments.rate_burst == 0 || self.comments.per_page == 0 {
            bad.push("comments: max_chars, rate_burst and per_page must be above 0".into());
        }
        if bad.is_empty() {
            Ok(())
        } else {
            Err(ConfigError::Invalid(bad.join("; ")))
        }
    }

    /// Returns the site's time zone (validated at load).
    pub fn tz(&self) -> chrono_tz::Tz {
        self.site.timezone.parse().unwrap_or(chrono_tz::UTC)
    }

    /// Returns the database URL, defaulting to SQLite in the data folder.
    pub fn database_url(&self) -> String {
        if self.database.url.is_empty() {
            format!("sqlite://{}", self.data_dir.join("dateline.db").display())
        } else {
            self.database.url.clone()
        }
    }

    /// Returns the media folder.
    pub fn backup_dir(&self) -> PathBuf {
        if self.backup.dir.as_os_str().is_empty() {
            self.data_dir.join("backups")
        } else {
            self.backup.dir.clone()
        }
    }

    pub fn media_dir(&self) -> PathBuf {
        if self.media.dir.as_os_str().is_empty() {
            self.data_dir.join("media")
        } else {
            self.media.dir.clone()
        }
    }

    /// Returns the base URL without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.site.base_url.trim_end_matches('/')
    }
}

/// Connection pool settings (`[database]` in `dateline.toml`).
#[derive(Debug, Clone)]
pub struct PoolConfig {
    /// Connections per node.
    pub pool_size: u32,
    /// How long a request waits for a connection (or for a new one to be made)
    /// before it is answered 503.
    pub connect_timeout_ms: u64,
    /// Longest any one statement may run.
    pub statement_timeout_ms: u64,
}

impl Default for PoolConfig {
    fn default() -> Self {
        PoolConfig { pool_size: 10, connect_timeout_ms: 3_000, statement_timeout_ms: 10_000 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_serve_sqlite_in_the_data_folder() {
        let c = Config::default();
        assert_eq!(c.database_url(), "sqlite://dateline-data/dateline.db");
        assert_eq!(c.server.listen.port(), 8080);
    }

    #[test]
    fn unknown_keys_are_refused() {
        let e = Config::from_toml_str("[site]\ntitel = \"x\"\n").unwrap_err();
        assert!(e.to_string().contains("titel"), "{e}");
    }

    #[test]
    fn validate_names_every_bad_value() {
        let e = Config::from_toml_str("[site]\ntimezone = \"Mars/Base\"\nbase_url = \"ftp://x\"\n").unwrap_err();
        let s = e.to_string();
        assert!(s.contains("site.timezone") && s.contains("site.base_url"), "{s}");
    }

    #[test]
    fn database_passwords_are_redacted() {
        assert_eq!(redact_url("postgres://ed:secret@db/news"), "postgres://ed:***@db/news");
        assert_eq!(redact_url("postgres://ed@db/news"), "postgres://ed@db/news");
        let mut c = Config::default();
        c.database.url = "postgres://ed:secret@db/news".into();
        assert!(!format!("{c:?}").contains("secret"));
    }
}
