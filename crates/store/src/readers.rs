//! Read connections: the pool's on PostgreSQL, a small pool of our own on SQLite.
//!
//! sqlx's pool tests every connection as it comes back (a ping) in a task of
//! its own. For a SQLite connection that is a round trip to the thread that
//! runs it, and on a busy server about a twentieth of a page's processor
//! time. Our SQLite readers need no such test: a file does not drop the way
//! a server does, and they never hold a transaction open (reads take none).
//! A read whose request was cancelled leaves nothing behind either: its
//! connection's thread stops sending rows when nobody listens, and the next
//! statement waits behind it.
//!
//! So on SQLite, [`Readers`] keeps idle connections in a stack (the most
//! recently used, whose pages are warm, goes out first), lets at most `max`
//! out at a time, and opens one only when none is idle. Each slot also has,
//! opened when first asked for, a rusqlite connection to the same file for
//! the reads that run on the caller's thread ([`crate::direct`]).

use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use sqlx::any::AnyConnectOptions;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, ConnectOptions, Connection};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::dialect::{self, Backend, Synchronous};
use crate::{Result, StoreError};

/// Where reads come from.
#[derive(Clone)]
pub(crate) enum ReadPath {
    Pool(AnyPool),
    Own(Arc<Readers>),
}

impl ReadPath {
    pub(crate) async fn acquire(&self) -> Result<ReadConn> {
        match self {
            Self::Pool(pool) => Ok(ReadConn(Inner::Pool(pool.acquire().await?))),
            Self::Own(readers) => readers.acquire().await,
        }
    }

    pub(crate) async fn close(&self) {
        match self {
            Self::Pool(pool) => pool.close().await,
            Self::Own(readers) => readers.close().await,
        }
    }
}

/// SQLite's read-only connections.
pub(crate) struct Readers {
    idle: Mutex<Vec<Reader>>,
    slots: Arc<Semaphore>,
    options: AnyConnectOptions,
    synchronous: Synchronous,
    /// The database file, for direct connections; `None` for a database in memory.
    file: Option<PathBuf>,
    closed: AtomicBool,
}

/// One reader slot's connections.
struct Reader {
    conn: AnyConnection,
    direct: Direct,
}

enum Direct {
    Unopened,
    Open(rusqlite::Connection),
    /// Opening failed once; this slot reads through sqlx only.
    Unavailable,
}

impl Readers {
    pub(crate) fn new(
        options: AnyConnectOptions,
        synchronous: Synchronous,
        file: Option<PathBuf>,
        max: usize,
    ) -> Arc<Self> {
        Arc::new(Self {
            idle: Mutex::new(Vec::new()),
            slots: Arc::new(Semaphore::new(max)),
            options,
            synchronous,
            file,
            closed: AtomicBool::new(false),
        })
    }

    async fn acquire(self: &Arc<Self>) -> Result<ReadConn> {
        let permit = tokio::time::timeout(crate::ACQUIRE_TIMEOUT, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| StoreError::Config("timed out waiting for a database connection".into()))?
            .map_err(|_| closed())?;
        let idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let reader = match idle {
            Some(reader) => reader,
            None => {
                let mut conn = self.options.connect().await?;
                dialect::prepare_connection(&mut conn, Backend::Sqlite, self.synchronous, true).await?;
                Reader { conn, direct: Direct::Unopened }
            }
        };
        Ok(ReadConn(Inner::Own { reader: Some(reader), readers: self.clone(), _permit: permit }))
    }

    /// A read-only connection that never waits for a lock: a busy file sends
    /// the read through sqlx, whose connection waits on its own thread.
    fn open_direct(&self) -> Option<rusqlite::Connection> {
        use rusqlite::OpenFlags;
        let file = self.file.as_ref()?;
        let open = || {
            let conn = rusqlite::Connection::open_with_flags(
                file,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            conn.execute_batch(&format!(
                "PRAGMA query_only = ON; PRAGMA busy_timeout = 0; PRAGMA mmap_size = {};",
                dialect::MMAP_BYTES
            ))?;
            Ok::<_, rusqlite::Error>(conn)
        };
        match open() {
            Ok(conn) => Some(conn),
            Err(e) => {
                tracing::warn!(error = %e, "no direct SQLite reads on this connection");
                None
            }
        }
    }

    /// Refuses new reads, waits for those out to come back, and closes every connection.
    async fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.slots.close();
        // Connections still out are dropped, not kept, when they come back.
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(PoisonError::into_inner));
        for reader in idle {
            let _ = reader.conn.close().await;
        }
    }
}

fn closed() -> StoreError {
    StoreError::Config("the database's readers are closed".into())
}

/// A connection for reads; it goes back where it came from when dropped.
pub struct ReadConn(Inner);

enum Inner {
    Pool(PoolConnection<Any>),
    Own { reader: Option<Reader>, readers: Arc<Readers>, _permit: OwnedSemaphorePermit },
}

const HELD: &str = "a reader holds its connection until dropped";

impl ReadConn {
    /// This slot's direct SQLite connection, opened on first use; `None` on
    /// PostgreSQL and for a database in memory.
    pub(crate) fn direct(&mut self) -> Option<&rusqlite::Connection> {
        let Inner::Own { reader, readers, .. } = &mut self.0 else { return None };
        let reader = reader.as_mut().expect(HELD);
        if matches!(reader.direct, Direct::Unopened) {
            reader.direct = readers.open_direct().map_or(Direct::Unavailable, Direct::Open);
        }
        match &reader.direct {
            Direct::Open(conn) => Some(conn),
            _ => None,
        }
    }
}

impl ReadConn {
    /// Whether [`crate::direct::Reads`] queries on this connection run on the
    /// caller's thread (SQLite, from a file).
    pub fn reads_directly(&mut self) -> bool {
        self.direct().is_some()
    }
}

impl Deref for ReadConn {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match &self.0 {
            Inner::Pool(conn) => conn,
            Inner::Own { reader, .. } => &reader.as_ref().expect(HELD).conn,
        }
    }
}

impl DerefMut for ReadConn {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match &mut self.0 {
            Inner::Pool(conn) => conn,
            Inner::Own { reader, .. } => &mut reader.as_mut().expect(HELD).conn,
        }
    }
}

impl Drop for ReadConn {
    fn drop(&mut self) {
        if let Inner::Own { reader, readers, .. } = &mut self.0
            && let Some(reader) = reader.take()
            && !readers.closed.load(Ordering::SeqCst)
        {
            // The permit is released after this, so the connection is idle
            // before anyone waiting for a slot looks for it.
            readers.idle.lock().unwrap_or_else(PoisonError::into_inner).push(reader);
        }
    }
}
