//! Reads that SQLite answers on the caller's own thread.
//!
//! sqlx runs every SQLite connection on a thread of its own: a statement is
//! a message to that thread and its rows come back as messages. On a busy
//! two-core server, waking that thread and being woken by it costs more than
//! SQLite's work: a thread page that read its thread in one query spent
//! about half its processor time on that one round trip (B1 went from 20%
//! to 37% of `/healthz` when the query was left out).
//!
//! So the hottest point reads (an indexed lookup of one row, tens of
//! microseconds) go through [`Reads`]: on a SQLite [`ReadConn`] they run
//! right here through rusqlite, on a read-only connection of the same
//! reader slot; anywhere else (PostgreSQL, a transaction, an in-memory
//! database, a busy file) through sqlx as always. The SQL text is the same
//! string, and a row is decoded by one [`FromColumns`] implementation that
//! reads either kind of row, so the two paths cannot drift apart.
//!
//! Only short lookups belong here: they hold the async worker while they
//! run. A direct connection never waits for a lock (`busy_timeout = 0`);
//! when SQLite is busy the read goes the usual way instead.

use std::future::Future;

use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::Result;
use crate::readers::ReadConn;

/// One bound parameter: `$1` is the first.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Text(Option<&'a str>),
    Int(Option<i64>),
}

/// The columns of one result row, by name, whichever driver read it.
pub trait Columns {
    fn text(&self, name: &str) -> Result<String, sqlx::Error>;
    fn opt_text(&self, name: &str) -> Result<Option<String>, sqlx::Error>;
    fn int(&self, name: &str) -> Result<i64, sqlx::Error>;
    fn opt_int(&self, name: &str) -> Result<Option<i64>, sqlx::Error>;

    /// A text column parsed into a domain type (a kind, a visibility).
    fn parsed<T>(&self, name: &str) -> Result<T, sqlx::Error>
    where
        T: TryFrom<String>,
        T::Error: std::error::Error + Send + Sync + 'static,
    {
        T::try_from(self.text(name)?)
            .map_err(|e| sqlx::Error::ColumnDecode { index: name.to_owned(), source: Box::new(e) })
    }
}

impl Columns for AnyRow {
    fn text(&self, name: &str) -> Result<String, sqlx::Error> {
        sqlx::Row::try_get(self, name)
    }

    fn opt_text(&self, name: &str) -> Result<Option<String>, sqlx::Error> {
        sqlx::Row::try_get(self, name)
    }

    fn int(&self, name: &str) -> Result<i64, sqlx::Error> {
        sqlx::Row::try_get(self, name)
    }

    fn opt_int(&self, name: &str) -> Result<Option<i64>, sqlx::Error> {
        sqlx::Row::try_get(self, name)
    }
}

fn column_error(name: &str, e: rusqlite::Error) -> sqlx::Error {
    match e {
        rusqlite::Error::InvalidColumnName(_) => sqlx::Error::ColumnNotFound(name.to_owned()),
        e => sqlx::Error::ColumnDecode { index: name.to_owned(), source: Box::new(e) },
    }
}

/// A rusqlite row with its statement's columns by name. rusqlite finds a
/// column by name by comparing it with each column's name in turn, without
/// regard to case; a row of forty columns read by name so made forty
/// squared comparisons, 6% of a thread page's processor time in B1's
/// profile. The names of a statement's columns are looked up once per
/// thread and SQL text ([`column_index`]).
struct Indexed<'a, 'r> {
    row: &'a rusqlite::Row<'r>,
    columns: &'a ColumnIndex,
}

/// A statement's columns: each name (the first of two alike, as rusqlite
/// reads) and its position.
type ColumnIndex = rustc_hash::FxHashMap<Box<str>, usize>;

impl Indexed<'_, '_> {
    fn get<T: rusqlite::types::FromSql>(&self, name: &str) -> Result<T, sqlx::Error> {
        match self.columns.get(name) {
            Some(&i) => self.row.get(i),
            // Not spelt as SQLite reports it: rusqlite's own search, which ignores case.
            None => self.row.get(name),
        }
        .map_err(|e| column_error(name, e))
    }
}

impl Columns for Indexed<'_, '_> {
    fn text(&self, name: &str) -> Result<String, sqlx::Error> {
        self.get(name)
    }

    fn opt_text(&self, name: &str) -> Result<Option<String>, sqlx::Error> {
        self.get(name)
    }

    fn int(&self, name: &str) -> Result<i64, sqlx::Error> {
        self.get(name)
    }

    fn opt_int(&self, name: &str) -> Result<Option<i64>, sqlx::Error> {
        self.get(name)
    }
}

thread_local! {
    /// The columns of each direct query's statement, by its SQL text's
    /// address (every direct query is a `&'static str`).
    static COLUMNS: std::cell::RefCell<rustc_hash::FxHashMap<(usize, usize), std::rc::Rc<ColumnIndex>>> =
        std::cell::RefCell::default();
}

/// The columns of `statement`, prepared from the static text `sql`.
fn column_index(sql: &'static str, statement: &rusqlite::Statement<'_>) -> std::rc::Rc<ColumnIndex> {
    let key = (sql.as_ptr() as usize, sql.len());
    COLUMNS.with(|cache| {
        if let Some(found) = cache.borrow().get(&key) {
            return found.clone();
        }
        let mut columns = ColumnIndex::default();
        for (i, name) in statement.column_names().into_iter().enumerate() {
            columns.entry(name.into()).or_insert(i);
        }
        let columns = std::rc::Rc::new(columns);
        cache.borrow_mut().insert(key, columns.clone());
        columns
    })
}

/// A row type decoded the same way from sqlx's and rusqlite's rows.
pub trait FromColumns: Sized {
    fn from_columns(row: &impl Columns) -> Result<Self, sqlx::Error>;
}

/// Lets sqlx's `query_as` (and `#[sqlx(flatten)]`) decode a [`FromColumns`] type.
macro_rules! from_row_by_columns {
    ($t:ty) => {
        impl<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> for $t {
            fn from_row(row: &'r sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
                <$t as $crate::direct::FromColumns>::from_columns(row)
            }
        }
    };
}
pub(crate) use from_row_by_columns;

/// Where a [`Reads`] query can run: any connection, and on SQLite's readers
/// without leaving the caller's thread.
pub trait Reads: Send {
    fn fetch_optional_as<T: FromColumns + Send>(
        &mut self,
        sql: &'static str,
        args: &[Arg<'_>],
    ) -> impl Future<Output = Result<Option<T>>> + Send;
}

impl Reads for AnyConnection {
    async fn fetch_optional_as<T: FromColumns + Send>(
        &mut self,
        sql: &'static str,
        args: &[Arg<'_>],
    ) -> Result<Option<T>> {
        let mut query = sqlx::query(sql);
        for arg in args {
            query = match *arg {
                Arg::Text(v) => query.bind(v),
                Arg::Int(v) => query.bind(v),
            };
        }
        match query.fetch_optional(self).await? {
            Some(row) => Ok(Some(T::from_columns(&row)?)),
            None => Ok(None),
        }
    }
}

impl Reads for ReadConn {
    async fn fetch_optional_as<T: FromColumns + Send>(
        &mut self,
        sql: &'static str,
        args: &[Arg<'_>],
    ) -> Result<Option<T>> {
        if let Some(direct) = self.direct() {
            match run(direct, sql, args) {
                Ok(found) => return Ok(found),
                // Decoding failed: the usual way would decode the same row the same way.
                Err(Failure::Decode(e)) => return Err(e.into()),
                Err(Failure::Sqlite(e)) => {
                    tracing::debug!(error = %e, "direct read fell back to the connection's thread");
                }
            }
        }
        (**self).fetch_optional_as(sql, args).await
    }
}

enum Failure {
    Sqlite(rusqlite::Error),
    Decode(sqlx::Error),
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sqlite(e)
    }
}

/// `$1` to `$16`, as SQLite names the parameters of our portable SQL.
const NAMES: [&str; 16] =
    ["$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$9", "$10", "$11", "$12", "$13", "$14", "$15", "$16"];

fn run<T: FromColumns>(conn: &rusqlite::Connection, sql: &'static str, args: &[Arg<'_>]) -> Result<Option<T>, Failure> {
    if args.len() > NAMES.len() {
        return Err(Failure::Sqlite(rusqlite::Error::InvalidParameterCount(args.len(), NAMES.len())));
    }
    let mut statement = conn.prepare_cached(sql)?;
    // Of two columns named alike, rusqlite reads the first and sqlx the
    // last: a query for both paths must name its columns apart.
    #[cfg(debug_assertions)]
    {
        let names = statement.column_names();
        if let Some(twice) = names.iter().enumerate().find(|(i, n)| names[..*i].contains(n)).map(|(_, n)| *n) {
            return Err(Failure::Decode(sqlx::Error::ColumnDecode {
                index: twice.to_owned(),
                source: "the query names two columns alike".into(),
            }));
        }
    }
    for (arg, name) in args.iter().zip(NAMES) {
        // A parameter the statement does not use is not bound; `$1` may
        // appear anywhere, so each is found by its name, not its position.
        let Some(index) = statement.parameter_index(name)? else { continue };
        match *arg {
            Arg::Text(v) => statement.raw_bind_parameter(index, v)?,
            Arg::Int(v) => statement.raw_bind_parameter(index, v)?,
        }
    }
    let columns = column_index(sql, &statement);
    // Dropping the rows resets the statement, which ends its read.
    let mut rows = statement.raw_query();
    match rows.next()? {
        Some(row) => T::from_columns(&Indexed { row, columns: &columns }).map(Some).map_err(Failure::Decode),
        None => Ok(None),
    }
}

/// A transaction reads through its own connection: what it wrote is part of what it reads.
impl Reads for crate::Tx {
    fn fetch_optional_as<T: FromColumns + Send>(
        &mut self,
        sql: &'static str,
        args: &[Arg<'_>],
    ) -> impl Future<Output = Result<Option<T>>> + Send {
        (**self).fetch_optional_as(sql, args)
    }
}
