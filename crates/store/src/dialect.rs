//! Everything that differs between SQLite and PostgreSQL, in one place.
//!
//! The schema and the queries are shared; what remains here is connection
//! setup (SQLite's pragmas), the lock that keeps the event log in commit order
//! on PostgreSQL, and creating and dropping throwaway databases for tests.

use sqlx::{AnyConnection, Connection};

use crate::{Result, StoreError};

/// Which database a [`crate::Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Reads the backend from a database URL's scheme.
    pub fn from_url(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::Config(format!(
                "unsupported database URL {:?}: use sqlite://PATH or postgres://USER@HOST/DB",
                redact_url(url)
            )))
        }
    }

    /// The backend behind an open connection.
    pub fn of(conn: &AnyConnection) -> Self {
        // The names are the drivers' `Database::NAME` constants.
        if conn.backend_name() == "PostgreSQL" { Backend::Postgres } else { Backend::Sqlite }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// SQLite's `synchronous` pragma, the one durability choice an operator makes.
///
/// Stoa runs SQLite in WAL mode. With `Full`, each commit is flushed to disk
/// before it is acknowledged, so an acknowledged post survives a power cut.
/// With `Normal`, commits survive a crash of the process (including
/// `kill -9`) but the last ones may be lost when the machine loses power.
/// The default is `Full`: nothing a person writes is ever lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Synchronous {
    Full,
    Normal,
}

impl Synchronous {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "full" => Some(Synchronous::Full),
            "normal" => Some(Synchronous::Normal),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Synchronous::Full => "full",
            Synchronous::Normal => "normal",
        }
    }
}

/// The file behind a SQLite URL, for connections opened outside sqlx;
/// `None` for a database in memory (another connection could not see it).
pub(crate) fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    use std::str::FromStr;
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url).ok()?;
    let memory = url.contains(":memory:") || url.contains("mode=memory");
    (!memory).then(|| options.get_filename().to_path_buf())
}

/// How much of a SQLite file each connection reads through a memory map
/// rather than `read` calls into a page cache of its own: every reader
/// shares the kernel's pages, without a copy. Writes still go through
/// `write` (SQLite never writes through the map).
pub(crate) const MMAP_BYTES: u64 = 1 << 30;

/// Runs once on every new connection.
pub(crate) async fn prepare_connection(
    conn: &mut AnyConnection,
    backend: Backend,
    synchronous: Synchronous,
    read_only: bool,
) -> Result<(), sqlx::Error> {
    if backend != Backend::Sqlite {
        return Ok(());
    }
    let pragmas = format!(
        "PRAGMA journal_mode = WAL; \
         PRAGMA synchronous = {}; \
         PRAGMA foreign_keys = ON; \
         PRAGMA busy_timeout = 10000; \
         PRAGMA mmap_size = {MMAP_BYTES}; \
         PRAGMA query_only = {};",
        synchronous.as_str().to_uppercase(),
        if read_only { "ON" } else { "OFF" },
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(pragmas)).execute(conn).await?;
    Ok(())
}

/// Serialises event-log appends on PostgreSQL until the transaction ends.
///
/// PostgreSQL hands out sequence values in the order transactions ask for
/// them, not the order they commit: a consumer that read up to `seq` 10 could
/// later see 9 appear. Holding a transaction-scoped advisory lock from the
/// moment `seq` is taken until commit makes the two orders the same. Appends
/// come last in their transactions, so the lock is held only for the commit.
/// SQLite needs nothing: it has a single writer.
///
/// On PostgreSQL the same statement queues a `log` signal (see
/// [`crate::signals`]), which the database delivers to every node's
/// listener when, and only if, the transaction commits.
pub(crate) async fn lock_event_log(conn: &mut AnyConnection) -> Result<()> {
    if Backend::of(conn) == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(7357001), pg_notify('stoa', 'log')").execute(conn).await?;
    }
    Ok(())
}

/// Serialises, until the end of the transaction, every transaction that
/// locks the same `key`: for check-then-write rules such as "at least one
/// owner" or "at most ten failed sign-ins", which READ COMMITTED alone would
/// let two concurrent transactions break together. SQLite needs nothing: it
/// has a single writer.
pub async fn lock(conn: &mut AnyConnection, key: &str) -> Result<()> {
    if Backend::of(conn) == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))").bind(key).execute(conn).await?;
    }
    Ok(())
}

/// Serialises migrations when several nodes start at once on PostgreSQL.
pub(crate) async fn lock_migrations(conn: &mut AnyConnection, backend: Backend) -> Result<()> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(7357002)").execute(conn).await?;
    }
    Ok(())
}

/// Creates an empty PostgreSQL database next to the one `admin_url` points at
/// and returns its URL.
pub async fn create_postgres_database(admin_url: &str, name: &str) -> Result<String> {
    sqlx::any::install_default_drivers();
    let mut conn = AnyConnection::connect(admin_url).await?;
    let sql = format!("CREATE DATABASE \"{}\"", checked_identifier(name)?);
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await?;
    conn.close().await?;
    Ok(replace_database_name(admin_url, name))
}

/// Drops a database made by [`create_postgres_database`], disconnecting anyone still on it.
pub async fn drop_postgres_database(admin_url: &str, name: &str) -> Result<()> {
    sqlx::any::install_default_drivers();
    let mut conn = AnyConnection::connect(admin_url).await?;
    let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", checked_identifier(name)?);
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await?;
    conn.close().await?;
    Ok(())
}

fn checked_identifier(name: &str) -> Result<&str> {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(name)
    } else {
        Err(StoreError::Config(format!("unsafe database name {name:?}")))
    }
}

/// Swaps the database name in a PostgreSQL URL, keeping any query string.
pub fn replace_database_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_and_path = &base[scheme_end..];
    let host = host_and_path.split('/').next().unwrap_or(host_and_path);
    let mut out = format!("{}{}/{}", &base[..scheme_end], host, name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// A database URL with any password replaced by `***`, for logs and messages.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => {
                format!("{}{}:***@{}{}", &url[..scheme_end], user, host, &rest[authority_end..])
            }
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_are_swapped_in_urls() {
        assert_eq!(
            replace_database_name("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            replace_database_name("postgres://u@h/db?sslmode=disable", "t2"),
            "postgres://u@h/t2?sslmode=disable"
        );
        assert_eq!(replace_database_name("postgres://u@h", "t3"), "postgres://u@h/t3");
    }

    #[test]
    fn passwords_never_appear_in_printed_urls() {
        assert_eq!(redact_url("postgres://stoa:s3cret@db:5432/stoa"), "postgres://stoa:***@db:5432/stoa");
        assert_eq!(redact_url("sqlite://./stoa-data/stoa.db"), "sqlite://./stoa-data/stoa.db");
    }

    #[test]
    fn unknown_schemes_are_refused_with_a_hint() {
        let Err(StoreError::Config(message)) = Backend::from_url("mysql://x") else {
            panic!("mysql must be refused");
        };
        assert!(message.contains("sqlite://"), "{message}");
    }
}

/// A value bound to a query that [`explain`] explains.
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    Text(Option<&'a str>),
    Int(i64),
}

/// How the database would run `sql` with `params` bound, as text: SQLite's
/// `EXPLAIN QUERY PLAN` details one per line, or PostgreSQL's `EXPLAIN`.
/// For tests that check a query follows an index however big its tables.
pub(crate) async fn explain(
    conn: &mut AnyConnection,
    backend: Backend,
    sql: &str,
    params: &[Param<'_>],
) -> std::result::Result<String, sqlx::Error> {
    use sqlx::Row;
    let (prefix, column) = match backend {
        Backend::Sqlite => ("EXPLAIN QUERY PLAN ", 3),
        Backend::Postgres => ("EXPLAIN ", 0),
    };
    let text = format!("{prefix}{sql}");
    let mut query = sqlx::query(sqlx::AssertSqlSafe(text));
    for p in params {
        query = match *p {
            Param::Text(t) => query.bind(t),
            Param::Int(i) => query.bind(i),
        };
    }
    let rows = query.fetch_all(conn).await?;
    Ok(rows.iter().map(|r| r.try_get::<String, _>(column).unwrap_or_default()).collect::<Vec<_>>().join("\n"))
}
