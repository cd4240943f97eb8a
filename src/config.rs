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
    pub site: SiteConfig,
    pub cache: CacheConfig,
    pub feeds: FeedConfig,
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
    /// Largest request body outside uploads, in bytes.
    pub max_body_bytes: usize,
    /// Largest photo upload, in bytes.
    pub max_upload_bytes: usize,
}

/// Which database to use.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://…` or `postgres://…`; empty means `dateline.db` in the data folder.
    pub url: String,
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
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("dateline-data"),
            server: ServerConfig::default(),
            database: DatabaseConfig::default(),
            site: SiteConfig::default(),
            cache: CacheConfig::default(),
            feeds: FeedConfig::default(),
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            request_timeout_secs: 30,
            max_body_bytes: 1024 * 1024,
            max_upload_bytes: 20 * 1024 * 1024,
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
        CacheConfig { enabled: true, max_entries: 5_000 }
    }
}

impl std::fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseConfig").field("url", &redact_url(&self.url)).finish()
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("server", &self.server)
            .field("database", &self.database)
            .field("site", &self.site)
            .field("cache", &self.cache)
            .field("feeds", &self.feeds)
            .finish()
    }
}

/// Hides the password of a database URL.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
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
            .merge(Env::prefixed("DATELINE_").split("__").ignore(&["data_dir"]));
        if let Ok(url) = std::env::var("DATABASE_URL") {
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

    /// Returns the base URL without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.site.base_url.trim_end_matches('/')
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
        let mut c = Config::default();
        c.database.url = "postgres://ed:secret@db/news".into();
        assert!(!format!("{c:?}").contains("secret"));
    }
}
