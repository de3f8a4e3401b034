//! SQLite's single writer, with group commit.
//!
//! SQLite runs one write transaction at a time, and each commit in WAL mode
//! with `synchronous = full` pays for writing its pages and an fsync. When
//! several requests want to write at once, this writer lets them share one
//! physical transaction: each request runs in a savepoint of its own, and
//! the physical `COMMIT` happens when nobody else is waiting (or the batch is
//! full). A request's commit returns only after that physical commit is on
//! disk, so "saved" still means saved; a request that fails or is dropped
//! rolls back to its savepoint and takes nothing else with it.
//!
//! On PostgreSQL, transactions are the database's own (see [`crate::Tx`]).

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use sqlx::AnyConnection;
use tokio::sync::{Mutex, Notify, OwnedMutexGuard};

use crate::{Result, StoreError};

/// Logical transactions in one physical transaction, at most. Bounds how long
/// the first of them waits for its commit under sustained load.
const MAX_BATCH: usize = 64;

/// How one physical commit ended, for everyone whose work was in it.
#[derive(Debug, Default)]
struct BatchDone {
    result: OnceLock<Result<(), String>>,
    notify: Notify,
}

impl BatchDone {
    fn finish(&self, result: Result<(), String>) {
        let _ = self.result.set(result);
        self.notify.notify_waiters();
    }

    async fn wait(&self) -> Result<(), String> {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(result) = self.result.get() {
                return result.clone();
            }
            notified.await;
        }
    }
}

struct State {
    conn: AnyConnection,
    /// A physical transaction is open.
    open: bool,
    /// Logical transactions released into the open physical one.
    in_batch: usize,
    /// A logical transaction was dropped without committing; its savepoint
    /// must be rolled back before anything else runs.
    dirty: bool,
    done: Arc<BatchDone>,
}

/// The writer: one connection, shared in turn.
pub(crate) struct Writer {
    state: Arc<Mutex<State>>,
    waiting: AtomicUsize,
}

async fn exec(conn: &mut AnyConnection, sql: &'static str) -> Result<()> {
    sqlx::raw_sql(sql).execute(conn).await?;
    Ok(())
}

impl Writer {
    pub(crate) fn new(conn: AnyConnection) -> Arc<Self> {
        Arc::new(Self {
            state: Arc::new(Mutex::new(State { conn, open: false, in_batch: 0, dirty: false, done: Arc::default() })),
            waiting: AtomicUsize::new(0),
        })
    }

    /// Starts a logical write transaction (a savepoint in the open batch).
    pub(crate) async fn begin(self: &Arc<Self>) -> Result<BatchTx> {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let mut guard = self.state.clone().lock_owned().await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        clean(&mut guard).await?;
        if !guard.open {
            exec(&mut guard.conn, "BEGIN IMMEDIATE").await?;
            guard.open = true;
        }
        if let Err(e) = exec(&mut guard.conn, "SAVEPOINT stoa_tx").await {
            // Without a savepoint this request cannot be isolated; end the
            // batch so the work already released in it is not held up.
            let _ = physical_commit(&mut guard).await;
            return Err(e);
        }
        Ok(BatchTx { guard: Some(guard), writer: self.clone() })
    }

    /// Runs `f` on the writer's connection outside any transaction (for migrations).
    pub(crate) async fn with_connection<T>(
        self: &Arc<Self>,
        f: impl AsyncFnOnce(&mut AnyConnection) -> Result<T>,
    ) -> Result<T> {
        let mut guard = self.state.clone().lock_owned().await;
        clean(&mut guard).await?;
        if guard.open {
            physical_commit(&mut guard).await?;
        }
        f(&mut guard.conn).await
    }

    pub(crate) async fn close(self: &Arc<Self>) {
        let mut guard = self.state.lock().await;
        if guard.open {
            let _ = physical_commit(&mut guard).await;
        }
    }
}

/// Rolls back a savepoint left behind by a dropped logical transaction.
async fn clean(state: &mut State) -> Result<()> {
    if state.dirty {
        exec(&mut state.conn, "ROLLBACK TO SAVEPOINT stoa_tx").await?;
        exec(&mut state.conn, "RELEASE SAVEPOINT stoa_tx").await?;
        state.dirty = false;
    }
    Ok(())
}

/// Commits the open physical transaction and tells everyone in it.
async fn physical_commit(state: &mut State) -> Result<()> {
    let done = std::mem::take(&mut state.done);
    state.open = false;
    state.in_batch = 0;
    match exec(&mut state.conn, "COMMIT").await {
        Ok(()) => {
            done.finish(Ok(()));
            Ok(())
        }
        Err(e) => {
            let _ = exec(&mut state.conn, "ROLLBACK").await;
            done.finish(Err(e.to_string()));
            Err(e)
        }
    }
}

/// A logical write transaction on SQLite. Dereferences to the connection;
/// [`BatchTx::commit`] it, or drop it to roll back.
pub struct BatchTx {
    guard: Option<OwnedMutexGuard<State>>,
    writer: Arc<Writer>,
}

impl BatchTx {
    /// Commits: returns once the work is durable (its batch committed).
    pub async fn commit(mut self) -> Result<()> {
        let Some(mut guard) = self.guard.take() else {
            return Err(StoreError::Config("transaction already finished".into()));
        };
        if let Err(e) = exec(&mut guard.conn, "RELEASE SAVEPOINT stoa_tx").await {
            guard.dirty = true;
            drop(guard);
            spawn_cleanup(&self.writer);
            return Err(e);
        }
        guard.in_batch += 1;
        let others_waiting = self.writer.waiting.load(Ordering::SeqCst) > 0;
        if !others_waiting || guard.in_batch >= MAX_BATCH {
            return physical_commit(&mut guard).await;
        }
        // Someone else is about to write: let them join this batch, and
        // return when the batch is on disk.
        let done = guard.done.clone();
        drop(guard);
        done.wait().await.map_err(StoreError::Config)
    }
}

impl Deref for BatchTx {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        // The guard is present until `commit` or drop consumes it.
        &self.guard.as_ref().expect("a live transaction").conn
    }
}

impl DerefMut for BatchTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.guard.as_mut().expect("a live transaction").conn
    }
}

impl Drop for BatchTx {
    fn drop(&mut self) {
        let Some(mut guard) = self.guard.take() else {
            return;
        };
        guard.dirty = true;
        drop(guard);
        spawn_cleanup(&self.writer);
    }
}

/// After a dropped transaction: undo its savepoint and, when nobody else is
/// about to write, commit what others released into the batch, so they are
/// not left waiting.
fn spawn_cleanup(writer: &Arc<Writer>) {
    let writer = writer.clone();
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        tracing::error!("a write transaction was dropped outside the async runtime");
        return;
    };
    runtime.spawn(async move {
        let mut guard = writer.state.clone().lock_owned().await;
        if let Err(e) = clean(&mut guard).await {
            tracing::error!(error = %e, "rolling back a dropped write transaction failed");
        }
        if guard.open && writer.waiting.load(Ordering::SeqCst) == 0 {
            let _ = physical_commit(&mut guard).await;
        }
    });
}
