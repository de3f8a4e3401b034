//! Configuration: defaults, then an optional `stoa.toml`, then `STOA_*`
//! environment variables, then command-line flags, each overriding the last.
//!
//! Nested keys use a double underscore in the environment:
//! `STOA_DATABASE__URL=postgres://...` sets `database.url`. The defaults need
//! no file at all: data in `./stoa-data`, SQLite at `./stoa-data/stoa.db`,
//! listening on `127.0.0.1:8080`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};

/// The effective configuration.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct Settings {
    /// Address and port to serve on.
    pub listen: SocketAddr,
    /// Where Stoa keeps its SQLite database and other files.
    pub data_dir: PathBuf,
    /// The address people use to reach this instance, for links and Secure cookies.
    pub public_url: Option<String>,
    /// Trust `X-Forwarded-For` for client addresses (only behind your own proxy).
    pub trust_proxy_headers: bool,
    /// Send `Strict-Transport-Security` when `public_url` is https.
    pub hsts: bool,
    /// The largest file an upload may carry, in megabytes.
    pub max_upload_mb: u64,
    pub database: DatabaseSettings,
    pub log: LogSettings,
    pub mail: MailConfig,
    pub coedit: CoeditSettings,
    pub server: ServerSettings,
}

/// How the server guards its connections (see `stoa_web::ServerLimits`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct ServerSettings {
    /// Seconds a client has to send a request's headers; also how long an
    /// idle keep-alive connection stays open.
    pub header_timeout_secs: u64,
    /// Seconds a request's body may pause.
    pub body_timeout_secs: u64,
    /// Connections one address may hold (0: no limit; not applied with
    /// `trust_proxy_headers`, where the proxy holds them all).
    pub connections_per_address: usize,
    /// Seconds requests in flight get to finish after SIGTERM.
    pub shutdown_grace_secs: u64,
}

impl Default for ServerSettings {
    fn default() -> Self {
        let limits = stoa_web::ServerLimits::default();
        Self {
            header_timeout_secs: limits.header_timeout.as_secs(),
            body_timeout_secs: limits.body_timeout.as_secs(),
            connections_per_address: limits.connections_per_address,
            shutdown_grace_secs: limits.shutdown_grace.as_secs(),
        }
    }
}

impl ServerSettings {
    pub fn limits(&self) -> stoa_web::ServerLimits {
        stoa_web::ServerLimits {
            header_timeout: std::time::Duration::from_secs(self.header_timeout_secs),
            body_timeout: std::time::Duration::from_secs(self.body_timeout_secs),
            connections_per_address: self.connections_per_address,
            shutdown_grace: std::time::Duration::from_secs(self.shutdown_grace_secs),
        }
    }
}

/// Limits of live documents and of what a co-editing client may send
/// (a client past one is disconnected with a close code; see the README).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct CoeditSettings {
    /// The largest message (one update) a client may send, in KiB.
    pub max_update_kb: usize,
    /// The largest a live document may grow as stored, in MiB, and its
    /// longest text, in KiB.
    pub max_document_mb: usize,
    pub max_text_kb: u64,
    /// Messages one connection may send in a second.
    pub messages_per_second: u32,
}

impl Default for CoeditSettings {
    fn default() -> Self {
        let limits = stoa_core::coedit::Limits::default();
        Self {
            max_update_kb: limits.max_update_bytes / 1024,
            max_document_mb: limits.max_doc_bytes / (1024 * 1024),
            max_text_kb: limits.max_text_bytes / 1024,
            messages_per_second: limits.messages_per_second,
        }
    }
}

impl CoeditSettings {
    /// The limits these settings describe.
    pub fn limits(&self) -> stoa_core::coedit::Limits {
        stoa_core::coedit::Limits {
            max_update_bytes: self.max_update_kb.saturating_mul(1024),
            max_doc_bytes: self.max_document_mb.saturating_mul(1024 * 1024),
            max_text_bytes: self.max_text_kb.saturating_mul(1024),
            messages_per_second: self.messages_per_second,
            ..stoa_core::coedit::Limits::default()
        }
    }
}

/// Outgoing email. Without a `host`, Stoa sends no email at all.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct MailConfig {
    /// The SMTP server.
    pub host: Option<String>,
    pub port: u16,
    /// `starttls` (default), `tls` (TLS from the first byte, port 465) or
    /// `none` (plain; only for a relay on the same host or network).
    pub tls: String,
    pub username: Option<String>,
    #[serde(serialize_with = "hidden")]
    pub password: Option<SecretString>,
    /// The sender, as `Name <address>` or `address`.
    pub from: String,
    /// Seconds one SMTP exchange may take, and seconds a sender holds a job
    /// before another may take it over after a crash.
    pub timeout_secs: u64,
    pub lease_secs: u64,
    /// Seconds before a failed send is first tried again (then four times
    /// longer each time, up to a day).
    pub retry_secs: u64,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            host: None,
            port: 587,
            tls: "starttls".into(),
            username: None,
            password: None,
            from: "Stoa <stoa@localhost>".into(),
            timeout_secs: 30,
            lease_secs: 120,
            retry_secs: 30,
        }
    }
}

fn hidden<S: Serializer>(secret: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match secret {
        Some(_) => s.serialize_str("********"),
        None => s.serialize_none(),
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct DatabaseSettings {
    /// `sqlite://PATH` or `postgres://USER:PASSWORD@HOST/DB`; unset means the
    /// SQLite file in the data directory.
    #[serde(serialize_with = "redacted")]
    pub url: Option<SecretString>,
    /// SQLite's `synchronous`: `full` (default; acknowledged writes survive a
    /// power cut) or `normal` (faster; survives a crash of the process).
    pub sqlite_synchronous: String,
    /// Connections in the pool; unset: 16 on PostgreSQL, two per core
    /// (4 to 16) on SQLite.
    pub max_connections: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct LogSettings {
    /// `text` or `json`.
    pub format: String,
    /// A tracing filter such as `info` or `stoa_web=debug,info`; `RUST_LOG` wins.
    pub filter: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./stoa-data"),
            public_url: None,
            trust_proxy_headers: false,
            hsts: true,
            max_upload_mb: 25,
            database: DatabaseSettings::default(),
            log: LogSettings::default(),
            mail: MailConfig::default(),
            coedit: CoeditSettings::default(),
            server: ServerSettings::default(),
        }
    }
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self { url: None, sqlite_synchronous: "full".into(), max_connections: None }
    }
}

impl Default for LogSettings {
    fn default() -> Self {
        Self { format: "text".into(), filter: "info".into() }
    }
}

/// Prints a secret URL with its password hidden.
fn redacted<S: Serializer>(url: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match url {
        Some(url) => s.serialize_str(&stoa_store::dialect::redact_url(url.expose_secret())),
        None => s.serialize_none(),
    }
}

/// Overrides given on the command line.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub listen: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
}

impl Settings {
    /// Loads the layers. `file` is `--config`; without it, `./stoa.toml` is
    /// read when present.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Self> {
        let mut builder = config::Config::builder();
        match file {
            Some(path) => builder = builder.add_source(config::File::from(path).required(true)),
            None => {
                builder = builder
                    .add_source(config::File::with_name("stoa.toml").format(config::FileFormat::Toml).required(false))
            }
        }
        builder = builder.add_source(
            config::Environment::with_prefix("STOA").prefix_separator("_").separator("__").try_parsing(true),
        );
        let mut settings: Settings = builder
            .build()
            .context("reading the configuration")?
            .try_deserialize()
            .context("the configuration has a value of the wrong type")?;
        if let Some(listen) = overrides.listen {
            settings.listen = listen;
        }
        if let Some(dir) = &overrides.data_dir {
            settings.data_dir = dir.clone();
        }
        if let Some(url) = &overrides.database_url {
            settings.database.url = Some(SecretString::from(url.clone()));
        }
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<()> {
        if stoa_store::dialect::Synchronous::parse(&self.database.sqlite_synchronous).is_none() {
            anyhow::bail!(
                "database.sqlite_synchronous must be `full` or `normal`, not {:?}",
                self.database.sqlite_synchronous
            );
        }
        if !matches!(self.log.format.as_str(), "text" | "json") {
            anyhow::bail!("log.format must be `text` or `json`, not {:?}", self.log.format);
        }
        if let Some(url) = &self.public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            anyhow::bail!("public_url must start with http:// or https://, not {url:?}");
        }
        if self.server.header_timeout_secs == 0 || self.server.body_timeout_secs == 0 {
            anyhow::bail!("server.header_timeout_secs and server.body_timeout_secs must be above zero");
        }
        let c = &self.coedit;
        if c.max_update_kb == 0 || c.max_document_mb == 0 || c.max_text_kb == 0 || c.messages_per_second == 0 {
            anyhow::bail!("the coedit limits must all be above zero");
        }
        if !matches!(self.mail.tls.as_str(), "starttls" | "tls" | "none") {
            anyhow::bail!("mail.tls must be `starttls`, `tls` or `none`, not {:?}", self.mail.tls);
        }
        Ok(())
    }

    /// The address links in email point at: `public_url`, or the listening address.
    pub fn link_base(&self) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.listen))
    }

    /// The database URL: the configured one, or the SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database.url {
            Some(url) => url.expose_secret().to_owned(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("stoa.db").display()),
        }
    }

    /// The configuration as TOML, secrets hidden, with the derived database URL filled in.
    pub fn to_toml(&self) -> Result<String> {
        let mut shown = self.clone();
        if shown.database.url.is_none() {
            shown.database.url = Some(SecretString::from(self.database_url()));
        }
        toml_string(&shown)
    }
}

fn toml_string(settings: &Settings) -> Result<String> {
    let value = serde_json::to_value(settings)?;
    let mut out = String::new();
    let mut tables = Vec::new();
    if let Some(map) = value.as_object() {
        for (key, v) in map {
            match v {
                serde_json::Value::Object(inner) => tables.push((key.clone(), inner.clone())),
                serde_json::Value::Null => out.push_str(&format!("# {key} is not set\n")),
                other => out.push_str(&format!("{key} = {}\n", toml_value(other))),
            }
        }
        for (name, inner) in tables {
            out.push_str(&format!("\n[{name}]\n"));
            for (key, v) in inner {
                match v {
                    serde_json::Value::Null => out.push_str(&format!("# {key} is not set\n")),
                    other => out.push_str(&format!("{key} = {}\n", toml_value(&other))),
                }
            }
        }
    }
    Ok(out)
}

fn toml_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_need_no_file() {
        let s = Settings::default();
        assert_eq!(s.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(s.database_url(), "sqlite://./stoa-data/stoa.db?mode=rwc");
    }

    #[test]
    fn printed_configuration_hides_database_passwords() {
        let mut s = Settings::default();
        s.database.url = Some(SecretString::from("postgres://stoa:hunter2@db/stoa".to_owned()));
        let printed = s.to_toml().expect("toml");
        assert!(printed.contains("postgres://stoa:***@db/stoa"), "{printed}");
        assert!(!printed.contains("hunter2"), "{printed}");
    }

    #[test]
    fn bad_values_are_refused_with_the_key_named() {
        let mut s = Settings::default();
        s.database.sqlite_synchronous = "sometimes".into();
        let err = s.validate().expect_err("invalid").to_string();
        assert!(err.contains("sqlite_synchronous"), "{err}");
    }
}
