//! Stoa's storage: every line of SQL, on SQLite and PostgreSQL through one code path.
//!
//! Vocabulary:
//! - [`Store`] owns the connection pools. On SQLite there is a pool of readers
//!   and a single writer connection, so write transactions never contend for
//!   the database lock; on PostgreSQL both are the same pool.
//! - A [`Conn`] is a connection or an open transaction; every query function
//!   takes one, so the caller decides what runs in which transaction.
//! - The **event log** ([`events`]) is appended to in the same transaction as
//!   the rows an event describes.
//!
//! The store knows nothing about HTTP or permissions: it answers the questions
//! `core` asks and stores what `core` decided. Dialect differences live in
//! [`dialect`] and nowhere else.

pub mod blobs;
pub mod blogs;
pub mod calendar;
pub mod chat;
pub mod dialect;
pub mod direct;
pub mod docs;
pub mod events;
pub mod facilitation;
pub mod files;
pub mod health;
pub mod indexing;
pub mod jobs;
pub mod learning;
pub mod library;
pub mod messages;
pub mod migrations;
pub mod moderation;
pub mod notifications;
mod readers;
pub mod settings;
pub mod signals;
pub mod social;
pub mod spaces;
pub mod threads;
pub mod users;
pub mod wiki;
mod writer;

pub use readers::ReadConn;

#[cfg(any(test, feature = "testing"))]
pub mod testing;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, ConnectOptions, Connection};

pub use dialect::Backend;

/// A connection or an open transaction (a transaction dereferences to one).
pub type Conn = AnyConnection;

/// An open write transaction. It dereferences to a connection; commit it, or
/// drop it to roll back.
///
/// On PostgreSQL it is a database transaction. On SQLite it is a logical
/// transaction in the single writer's group commit (see `writer.rs`): the
/// same guarantees, cheaper when several requests write at once.
pub struct Tx(TxInner);

enum TxInner {
    Pool(sqlx::Transaction<'static, sqlx::Any>),
    /// With the channel that tells this process's listeners of the commit.
    Batch(writer::BatchTx, signals::Local),
}

impl Tx {
    /// Commits. Returns once the work is durable. (On PostgreSQL, an
    /// appended event's `log` signal rides in the transaction itself.)
    pub async fn commit(self) -> Result<()> {
        match self.0 {
            TxInner::Pool(tx) => Ok(tx.commit().await?),
            TxInner::Batch(tx, local) => {
                tx.commit().await?;
                local.send(signals::LOG);
                Ok(())
            }
        }
    }
}

impl std::ops::Deref for Tx {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match &self.0 {
            TxInner::Pool(tx) => tx,
            TxInner::Batch(tx, _) => tx,
        }
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match &mut self.0 {
            TxInner::Pool(tx) => tx,
            TxInner::Batch(tx, _) => tx,
        }
    }
}

/// How writes reach the database.
#[derive(Clone)]
enum WritePath {
    /// PostgreSQL: a pool; each transaction is the database's own.
    Pool(AnyPool),
    /// SQLite: one connection, shared in turn with group commit.
    Single(std::sync::Arc<writer::Writer>),
}

impl std::fmt::Debug for WritePath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            WritePath::Pool(_) => "WritePath::Pool",
            WritePath::Single(_) => "WritePath::Single",
        })
    }
}

/// A failed store operation.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write; `column` names the column when
    /// the database said which one.
    #[error("a row with this {} already exists", column.as_deref().unwrap_or("value"))]
    Conflict { column: Option<String> },
    /// A row was expected and is not there.
    #[error("not found")]
    NotFound,
    /// The database said no for another reason, or could not be reached.
    #[error(transparent)]
    Database(sqlx::Error),
    /// Configuration that cannot work, such as an unknown database URL scheme.
    #[error("{0}")]
    Config(String),
    /// The database's storage is full: nothing can be written until space
    /// is freed (SQLite's `SQLITE_FULL`, PostgreSQL's `disk_full`).
    #[error("the database's storage is full")]
    StorageFull,
}

/// SQLite's `SQLITE_FULL` and PostgreSQL's `disk_full` (SQLSTATE 53100),
/// as sqlx gives their codes.
fn is_storage_full(code: &str) -> bool {
    matches!(code, "13" | "53100")
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &error {
            if db.is_unique_violation() {
                return StoreError::Conflict { column: conflicting_column(db.message(), db.constraint(), db.table()) };
            }
            // PostgreSQL refuses text holding a NUL character (SQLSTATE
            // 22021). Nothing stored can contain one, so whatever was looked
            // for with it does not exist.
            if db.code().as_deref() == Some("22021") {
                return StoreError::NotFound;
            }
            if db.code().as_deref().is_some_and(is_storage_full) {
                return StoreError::StorageFull;
            }
        }
        if let sqlx::Error::RowNotFound = error {
            return StoreError::NotFound;
        }
        StoreError::Database(error)
    }
}

/// Finds which column a unique violation was about. SQLite names it in the
/// message (`UNIQUE constraint failed: users.username`); PostgreSQL names the
/// constraint (`users_username_key`).
fn conflicting_column(message: &str, constraint: Option<&str>, table: Option<&str>) -> Option<String> {
    if let Some(rest) = message.split("UNIQUE constraint failed: ").nth(1) {
        let first = rest.split(',').next().unwrap_or(rest).trim();
        return first.split('.').nth(1).map(str::to_owned);
    }
    let constraint = constraint?;
    let trimmed = constraint.strip_suffix("_key").unwrap_or(constraint);
    match table {
        Some(table) => trimmed.strip_prefix(table)?.strip_prefix('_').map(str::to_owned),
        None => trimmed.split_once('_').map(|(_, column)| column.to_owned()),
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How to open the database.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// `sqlite://path/to/file.db` or `postgres://user@host/db`.
    pub url: String,
    /// SQLite's `synchronous` setting: `full` (every commit reaches the disk
    /// before it is acknowledged) or `normal` (a power cut may lose the last
    /// commits; a process crash loses nothing). Ignored on PostgreSQL.
    pub sqlite_synchronous: dialect::Synchronous,
    /// Connections in the read pool (and in the one pool on PostgreSQL);
    /// `None` leaves it to [`default_connections`].
    pub max_connections: Option<u32>,
}

impl StoreOptions {
    pub fn new(url: impl Into<String>) -> Self {
        Self { url: url.into(), sqlite_synchronous: dialect::Synchronous::Full, max_connections: None }
    }
}

/// How many connections a backend gets unless told otherwise.
///
/// A SQLite read runs on a processor of this machine, mostly against pages
/// the system already caches, so readers beyond a couple per core only
/// wait; each still costs a thread and a page cache of its own (in B6,
/// bench/README.md, 16 of them held 5 MiB more than 4).
/// A PostgreSQL connection mostly waits on the network and on a server
/// with processors of its own, so more of them pay.
pub fn default_connections(backend: Backend) -> u32 {
    match backend {
        Backend::Sqlite => {
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
            (2 * cores).clamp(4, 16) as u32
        }
        Backend::Postgres => 16,
    }
}

/// How long a request waits for a connection before giving up.
pub(crate) const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// The database, as the rest of Stoa sees it.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    read: readers::ReadPath,
    write: WritePath,
    synchronous: dialect::Synchronous,
    /// The database's address, for the signal listener's own connection.
    url: String,
    /// Signals within this process (SQLite; see [`signals`]).
    local: signals::Local,
    /// A write failed for want of space since the last write that worked
    /// (see [`Store::writable`]).
    storage_full: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Not the URL: it may hold a password.
        f.debug_struct("Store").field("backend", &self.backend).field("write", &self.write).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the pools. Nothing is created or migrated here; call [`Store::migrate`].
    pub async fn connect(options: &StoreOptions) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(&options.url)?;
        let connect_options = AnyConnectOptions::from_str(&options.url)
            .map_err(|e| StoreError::Config(format!("invalid database URL: {e}")))?
            .disable_statement_logging();
        let synchronous = options.sqlite_synchronous;
        let max_connections = options.max_connections.unwrap_or_else(|| default_connections(backend)).max(2);
        match backend {
            Backend::Sqlite => {
                // One writer: SQLite allows one write transaction at a time
                // anyway, and taking turns in-process is fairer and cheaper
                // than retrying on SQLITE_BUSY.
                let mut conn = sqlx::AnyConnection::connect_with(&connect_options).await?;
                dialect::prepare_connection(&mut conn, backend, synchronous, false).await?;
                let read = readers::Readers::new(
                    connect_options.clone(),
                    synchronous,
                    dialect::sqlite_file(&options.url),
                    max_connections as usize,
                );
                Ok(Self {
                    backend,
                    read: readers::ReadPath::Own(read),
                    write: WritePath::Single(writer::Writer::new(conn)),
                    synchronous,
                    url: options.url.clone(),
                    local: signals::Local::new(),
                    storage_full: std::sync::Arc::default(),
                })
            }
            Backend::Postgres => {
                let shared = AnyPoolOptions::new()
                    .max_connections(max_connections)
                    .min_connections(0)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(connect_options.clone())
                    .await?;
                Ok(Self {
                    backend,
                    read: readers::ReadPath::Pool(shared.clone()),
                    write: WritePath::Pool(shared),
                    synchronous,
                    url: options.url.clone(),
                    local: signals::Local::new(),
                    storage_full: std::sync::Arc::default(),
                })
            }
        }
    }

    /// Notes that a write failed for want of space (a database write, or a
    /// file's bytes): [`Store::writable`] answers from a write of its own
    /// until one succeeds.
    pub fn note_storage_full(&self) {
        self.storage_full.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Whether writes work: true unless one failed for want of space, in
    /// which case a small write of its own says whether space was freed
    /// since (and, if so, all is well again).
    pub async fn writable(&self) -> bool {
        if !self.storage_full.load(std::sync::atomic::Ordering::SeqCst) {
            return true;
        }
        let probe = async {
            let mut tx = self.begin().await?;
            sqlx::query(
                "INSERT INTO health_probe (id, at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET at = excluded.at",
            )
            .bind(events::now_ms())
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        };
        let works = probe.await.is_ok();
        if works {
            self.storage_full.store(false, std::sync::atomic::Ordering::SeqCst);
        }
        works
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn synchronous(&self) -> dialect::Synchronous {
        self.synchronous
    }

    /// Applies every migration that has not run yet.
    pub async fn migrate(&self) -> Result<usize> {
        let backend = self.backend;
        match &self.write {
            WritePath::Pool(pool) => {
                let mut conn = pool.acquire().await?;
                migrations::run(&mut conn, backend).await
            }
            WritePath::Single(writer) => {
                writer.with_connection(async |conn| migrations::run(conn, backend).await).await
            }
        }
    }

    /// A connection for reads that need no transaction.
    pub async fn read(&self) -> Result<ReadConn> {
        self.read.acquire().await
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so a transaction that reads and then writes cannot
    /// fail halfway with "database is locked".
    pub async fn begin(&self) -> Result<Tx> {
        Ok(Tx(match &self.write {
            WritePath::Pool(pool) => TxInner::Pool(pool.begin().await?),
            WritePath::Single(writer) => TxInner::Batch(writer.begin().await?, self.local.clone()),
        }))
    }

    /// Whether the database answers, for readiness checks.
    pub async fn ping(&self) -> Result<()> {
        let mut conn = self.read().await?;
        sqlx::query("SELECT 1").execute(&mut *conn).await?;
        Ok(())
    }

    /// Closes the pools, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.read.close().await;
        match &self.write {
            WritePath::Pool(pool) => pool.close().await,
            WritePath::Single(writer) => writer.close().await,
        }
    }
}

/// Commits a transaction; returns once the work is durable.
pub async fn commit(tx: Tx) -> Result<()> {
    tx.commit().await
}

/// A new id: a ULID, which sorts by creation time and reads well in URLs.
pub fn new_id() -> String {
    ulid::Ulid::new().to_string().to_lowercase()
}

/// Turns a comma-free list of `n` values into `$start, $start+1, ...` for an
/// `IN (...)` clause. The text contains only placeholders, never data.
pub(crate) fn placeholders(start: usize, n: usize) -> String {
    (start..start + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_violations_name_their_column_on_both_databases() {
        let sqlite = conflicting_column("UNIQUE constraint failed: users.username", None, None);
        assert_eq!(sqlite.as_deref(), Some("username"));
        let postgres = conflicting_column("duplicate key value", Some("users_email_key"), Some("users"));
        assert_eq!(postgres.as_deref(), Some("email"));
        let two_words = conflicting_column("duplicate key", Some("api_tokens_token_hash_key"), Some("api_tokens"));
        assert_eq!(two_words.as_deref(), Some("token_hash"));
    }

    #[test]
    fn placeholders_are_numbered_from_the_start_given() {
        assert_eq!(placeholders(3, 3), "$3, $4, $5");
        assert_eq!(placeholders(1, 0), "");
    }
}
