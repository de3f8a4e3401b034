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
//! out at a time, and opens one only when none is idle.

use std::ops::{Deref, DerefMut};
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
    idle: Mutex<Vec<AnyConnection>>,
    slots: Arc<Semaphore>,
    options: AnyConnectOptions,
    synchronous: Synchronous,
    closed: AtomicBool,
}

impl Readers {
    pub(crate) fn new(options: AnyConnectOptions, synchronous: Synchronous, max: usize) -> Arc<Self> {
        Arc::new(Self {
            idle: Mutex::new(Vec::new()),
            slots: Arc::new(Semaphore::new(max)),
            options,
            synchronous,
            closed: AtomicBool::new(false),
        })
    }

    async fn acquire(self: &Arc<Self>) -> Result<ReadConn> {
        let permit = tokio::time::timeout(crate::ACQUIRE_TIMEOUT, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| StoreError::Config("timed out waiting for a database connection".into()))?
            .map_err(|_| closed())?;
        let idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => {
                let mut conn = self.options.connect().await?;
                dialect::prepare_connection(&mut conn, Backend::Sqlite, self.synchronous, true).await?;
                conn
            }
        };
        Ok(ReadConn(Inner::Own { conn: Some(conn), readers: self.clone(), _permit: permit }))
    }

    /// Refuses new reads, waits for those out to come back, and closes every connection.
    async fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.slots.close();
        // Connections still out are dropped, not kept, when they come back.
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(PoisonError::into_inner));
        for conn in idle {
            let _ = conn.close().await;
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
    Own { conn: Option<AnyConnection>, readers: Arc<Readers>, _permit: OwnedSemaphorePermit },
}

impl Deref for ReadConn {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match &self.0 {
            Inner::Pool(conn) => conn,
            Inner::Own { conn, .. } => conn.as_ref().expect("a reader holds its connection until dropped"),
        }
    }
}

impl DerefMut for ReadConn {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match &mut self.0 {
            Inner::Pool(conn) => conn,
            Inner::Own { conn, .. } => conn.as_mut().expect("a reader holds its connection until dropped"),
        }
    }
}

impl Drop for ReadConn {
    fn drop(&mut self) {
        if let Inner::Own { conn, readers, .. } = &mut self.0
            && let Some(conn) = conn.take()
            && !readers.closed.load(Ordering::SeqCst)
        {
            // The permit is released after this, so the connection is idle
            // before anyone waiting for a slot looks for it.
            readers.idle.lock().unwrap_or_else(PoisonError::into_inner).push(conn);
        }
    }
}
