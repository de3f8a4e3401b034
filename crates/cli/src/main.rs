//! `stoa`: the command that serves, migrates and administers a Stoa instance.
//!
//! This crate wires the others together and reads configuration; it holds no
//! business logic. Every command opens the configured database, applies
//! pending migrations, and calls `stoa_core`.

mod alloc;
mod config;

use std::io::BufRead;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use stoa_core::accounts::SignUpInput;
use stoa_core::admin::Authority;
use stoa_core::{Actor, Blobs, CoreConfig, CoreError, Stoa};
use stoa_search::SearchIndex;
use stoa_store::{Store, StoreOptions, dialect};
use stoa_web::{AppState, Server, WebConfig};

use crate::config::{Overrides, Settings};

/// Stoa: a place to learn together.
#[derive(Debug, Parser)]
#[command(name = "stoa", version, about, long_about = None)]
struct Cli {
    /// A TOML configuration file (default: ./stoa.toml when present).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Where Stoa keeps its data [default: ./stoa-data].
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// sqlite://PATH or postgres://USER@HOST/DB [default: the SQLite file in the data directory].
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web pages and the API.
    Serve {
        /// Address to listen on [default: 127.0.0.1:8080].
        #[arg(long, value_name = "ADDR")]
        listen: Option<std::net::SocketAddr>,
        /// Load the demo content first, unless it is already there.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Administer the instance.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Load the demo content into the configured database.
    Demo,
    /// Rebuild the search index from the database (stop `stoa serve` first).
    Reindex,
    /// Print the effective configuration (secrets hidden).
    Config,
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create an account (the first account on an instance is always an admin).
    CreateUser {
        /// The unique username (a-z, 0-9, _ and -).
        #[arg(long)]
        username: String,
        /// The name shown to others [default: the username].
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// The password; read from standard input when left out.
        #[arg(long, env = "STOA_NEW_USER_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// Make the account an instance admin.
        #[arg(long)]
        admin: bool,
    },
}

fn main() -> Result<()> {
    alloc::configure();
    let cli = Cli::parse();
    let overrides = Overrides {
        listen: match &cli.command {
            Command::Serve { listen, .. } => *listen,
            _ => None,
        },
        data_dir: cli.data_dir.clone(),
        database_url: cli.database_url.clone(),
    };
    let settings = Settings::load(cli.config.as_deref(), &overrides)?;
    if let Command::Config = cli.command {
        print!("{}", settings.to_toml()?);
        return Ok(());
    }
    init_logging(&settings);
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the async runtime")?;
    runtime.block_on(run(cli.command, settings))
}

fn init_logging(settings: &Settings) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.log.filter));
    let colours = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(colours);
    if settings.log.format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Whether a command needs the search index on disk (only one process may
/// hold it open).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Index {
    Open,
    Skip,
}

async fn open(settings: &Settings, index: Index) -> Result<Stoa> {
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("creating the data directory {}", settings.data_dir.display()))?;
    let url = settings.database_url();
    let mut options = StoreOptions::new(url.clone());
    options.max_connections = settings.database.max_connections;
    options.sqlite_synchronous =
        dialect::Synchronous::parse(&settings.database.sqlite_synchronous).unwrap_or(dialect::Synchronous::Full);
    let store = Store::connect(&options)
        .await
        .with_context(|| format!("opening the database {}", dialect::redact_url(&url)))?;
    let applied = store.migrate().await.context("migrating the database")?;
    if applied > 0 {
        tracing::info!(applied, "database migrated");
    }
    let config = CoreConfig {
        max_upload_bytes: settings.max_upload_mb.saturating_mul(1024 * 1024),
        coedit: settings.coedit.limits(),
        ..CoreConfig::default()
    };
    let files = settings.data_dir.join("files");
    let blobs = Blobs::local(&files).with_context(|| format!("opening the file store {}", files.display()))?;
    let mut app = Stoa::new(store, config).with_blobs(blobs);
    if let Some(host) = &settings.mail.host {
        let m = &settings.mail;
        let mut mail = stoa_core::mail::MailSettings::new(host, m.port, &m.from, &settings.link_base());
        mail.tls = match m.tls.as_str() {
            "tls" => stoa_core::mail::Tls::Wrapper,
            "none" => stoa_core::mail::Tls::None,
            _ => stoa_core::mail::Tls::StartTls,
        };
        mail.username.clone_from(&m.username);
        mail.password = m.password.as_ref().map(|p| secrecy::ExposeSecret::expose_secret(p).to_owned());
        mail.timeout = std::time::Duration::from_secs(m.timeout_secs.max(1));
        // A lease shorter than a send could hand a message still being sent to another sender.
        mail.lease = std::time::Duration::from_secs(m.lease_secs.max(m.timeout_secs + 1));
        mail.retry_after = std::time::Duration::from_secs(m.retry_secs.max(1));
        let site = stoa_core::admin::DEFAULT_INSTANCE_NAME.to_owned();
        let letters = std::sync::Arc::new(stoa_web::mail::CatalogLetters { site });
        let mailer = stoa_core::mail::Mailer::new(mail, letters).context("setting up mail")?;
        app = app.with_mail(mailer);
    }
    if index == Index::Open {
        let dir = settings.data_dir.join("search");
        let search = SearchIndex::open(&dir).with_context(|| {
            format!("opening the search index in {} (is another stoa process using it?)", dir.display())
        })?;
        app = app.with_search(search);
    }
    Ok(app)
}

async fn run(command: Command, settings: Settings) -> Result<()> {
    match command {
        Command::Config => Ok(()),
        Command::Migrate => {
            open(&settings, Index::Skip).await?;
            println!("The database is up to date.");
            Ok(())
        }
        Command::Reindex => {
            let app = open(&settings, Index::Open).await?;
            let bar = indicatif::ProgressBar::new(0).with_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} rows ({per_sec}, {eta} left)")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let started = std::time::Instant::now();
            let events = stoa_core::search::rebuild(&app, &|done, total| {
                bar.set_length(total);
                bar.set_position(done);
            })
            .await?;
            bar.finish_and_clear();
            let docs = app.search.num_docs();
            let seconds = started.elapsed().as_secs_f64();
            println!(
                "Rebuilt the search index: {docs} documents in {seconds:.1} s ({:.0} a second), up to event {events}.",
                docs as f64 / seconds.max(0.001)
            );
            Ok(())
        }
        Command::Demo => {
            let app = open(&settings, Index::Skip).await?;
            load_demo(&app).await?;
            print_demo_accounts();
            Ok(())
        }
        Command::Admin { command: AdminCommand::CreateUser { username, display_name, email, password, admin } } => {
            let app = open(&settings, Index::Skip).await?;
            let password = match password {
                Some(p) => p,
                None => read_password()?,
            };
            let input = SignUpInput {
                username,
                display_name: display_name.unwrap_or_default(),
                email: email.unwrap_or_default(),
                password,
                ..Default::default()
            };
            match stoa_core::accounts::create_user(&app, &Actor::ANONYMOUS, Authority::Operator, input, admin).await {
                Ok(user) => {
                    println!("Created @{}{}.", user.username, if user.is_admin { " (instance admin)" } else { "" });
                    Ok(())
                }
                Err(CoreError::Invalid(errors)) => {
                    for e in &errors {
                        eprintln!("{}: {}", e.field, stoa_web::html::field_error_text(&stoa_web::i18n::english(), e));
                    }
                    anyhow::bail!("the account was not created")
                }
                Err(e) => Err(e.into()),
            }
        }
        Command::Serve { demo, .. } => serve(settings, demo).await,
    }
}

fn read_password() -> Result<String> {
    eprintln!("Password (at least 10 characters), then Enter:");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("reading the password")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

async fn load_demo(app: &Stoa) -> Result<()> {
    match stoa_core::demo::load(app).await {
        Ok(()) => {
            println!("Loaded the demo content.");
            Ok(())
        }
        Err(CoreError::Conflict("demo-already-loaded")) => {
            println!("The demo content is already loaded.");
            Ok(())
        }
        Err(e) => Err(anyhow::anyhow!("loading the demo content: {e}")),
    }
}

fn print_demo_accounts() {
    println!("\nDemo accounts (password for all: {}):", stoa_core::demo::DEMO_PASSWORD);
    for account in stoa_core::demo::ACCOUNTS {
        println!("  {:<8} {:<16} {}", account.username, account.display_name, account.role);
    }
}

async fn serve(settings: Settings, demo: bool) -> Result<()> {
    let app = open(&settings, Index::Open).await?;
    if demo {
        load_demo(&app).await?;
    }
    let state = AppState::new(
        app.clone(),
        WebConfig {
            public_url: settings.public_url.clone(),
            trust_proxy_headers: settings.trust_proxy_headers,
            limits: settings.server.limits(),
            hsts: settings.hsts,
            listen: Some(settings.listen),
            ..WebConfig::default()
        },
    );
    let server =
        Server::bind(settings.listen, state).await.with_context(|| format!("listening on {}", settings.listen))?;
    let addr = server.local_addr()?;
    let background = app.run_background();
    if demo {
        print_demo_accounts();
    }
    println!("\nStoa is running at http://{addr}  (press Ctrl+C to stop)");
    if settings.public_url.is_none() && !addr.ip().is_loopback() {
        let warning = "public_url is not set: links in feeds, calendars and email point at the listening \
                       address, and WebSockets are accepted only from pages whose address is the one they reached; \
                       set public_url to the address people use";
        println!("Warning: {warning}");
        tracing::warn!("{warning}");
    }
    tracing::info!(%addr, database = dialect::redact_url(&settings.database_url()), "serving");
    server.run_until(shutdown_signal()).await.context("serving")?;
    tracing::info!("stopped accepting connections; requests in flight have finished");
    background.abort();
    if let Err(e) = app.flush().await {
        tracing::warn!(error = %e, "could not write the last reading positions");
    }
    app.store.close().await;
    Ok(())
}

/// Completes on Ctrl+C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
