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
//! Requests may be cancelled at any await (a client goes away). Every step
//! that changes the writer's state (starting, releasing, committing, cleaning
//! up) therefore runs in a task of its own that owns the connection until the
//! step is complete, and a waiter that gives up wakes the clean-up so that
//! nobody's commit is left waiting for a batch that no one will close.
//!
//! On PostgreSQL, transactions are the database's own (see [`crate::Tx`]).

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use sqlx::AnyConnection;
use tokio::sync::{Mutex, Notify, OwnedMutexGuard, oneshot};

use crate::{Result, StoreError};

/// Logical transactions in one physical transaction, at most. Bounds how long
/// the first of them waits for its commit under sustained load.
const MAX_BATCH: usize = 64;

/// How long a committer waits for its batch before making sure someone will
/// close it (a safety net; normally the batch closes within milliseconds).
const NUDGE_AFTER: Duration = Duration::from_millis(500);

/// How one physical commit ended, for everyone whose work was in it.
#[derive(Debug, Default)]
struct BatchDone {
    result: OnceLock<Result<(), Failure>>,
    notify: Notify,
}

/// Why a batch did not commit, for everyone who was in it.
#[derive(Debug, Clone)]
struct Failure {
    message: String,
    full: bool,
}

impl Failure {
    fn other(message: &str) -> Self {
        Self { message: message.to_owned(), full: false }
    }

    fn of(error: &StoreError) -> Self {
        Self { message: error.to_string(), full: matches!(error, StoreError::StorageFull) }
    }
}

impl From<Failure> for StoreError {
    fn from(failure: Failure) -> Self {
        if failure.full { StoreError::StorageFull } else { StoreError::Config(failure.message) }
    }
}

impl BatchDone {
    fn finish(&self, result: Result<(), Failure>) {
        let _ = self.result.set(result);
        self.notify.notify_waiters();
    }

    async fn wait(&self, writer: &Arc<Writer>) -> Result<(), Failure> {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(result) = self.result.get() {
                return result.clone();
            }
            if tokio::time::timeout(NUDGE_AFTER, notified).await.is_err() {
                spawn_cleanup(writer);
            }
        }
    }
}

struct State {
    conn: AnyConnection,
    /// A physical transaction is open.
    open: bool,
    /// Logical transactions released into the open physical one.
    in_batch: usize,
    /// A logical transaction went away without committing; its savepoint
    /// must be rolled back before anything else runs.
    dirty: bool,
    done: Arc<BatchDone>,
}

impl Drop for State {
    fn drop(&mut self) {
        // Whoever still waits on the open batch learns that it never committed.
        self.done.finish(Err(Failure::other("the database writer closed before committing")));
    }
}

/// The writer: one connection, shared in turn.
pub(crate) struct Writer {
    state: Arc<Mutex<State>>,
    waiting: AtomicUsize,
}

/// Counts a request waiting for the writer, and uncounts it however the wait
/// ends. One that gives up before getting its turn nudges the clean-up, since
/// a committer may have left its batch open for it.
struct Waiting<'a> {
    writer: &'a Arc<Writer>,
    served: bool,
}

impl<'a> Waiting<'a> {
    fn new(writer: &'a Arc<Writer>) -> Self {
        writer.waiting.fetch_add(1, Ordering::SeqCst);
        Self { writer, served: false }
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.writer.waiting.fetch_sub(1, Ordering::SeqCst);
        if !self.served {
            spawn_cleanup(self.writer);
        }
    }
}

async fn exec(conn: &mut AnyConnection, sql: &'static str) -> Result<()> {
    sqlx::raw_sql(sql).execute(conn).await?;
    Ok(())
}

fn interrupted() -> StoreError {
    StoreError::Config("the database writer stopped while working".into())
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
        let guard = {
            let mut waiting = Waiting::new(self);
            let guard = self.state.clone().lock_owned().await;
            waiting.served = true;
            guard
        };
        let (send, receive) = oneshot::channel();
        let writer = self.clone();
        tokio::spawn(async move {
            let mut guard = guard;
            match start(&mut guard).await {
                Ok(()) => {
                    if let Err(Ok(mut guard)) = send.send(Ok(guard)) {
                        // The caller went away meanwhile: undo the savepoint.
                        guard.dirty = true;
                        drop(guard);
                        spawn_cleanup(&writer);
                    }
                }
                Err(e) => {
                    let _ = send.send(Err(e));
                }
            }
        });
        let guard = receive.await.map_err(|_| interrupted())??;
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
        let _ = clean(&mut guard).await;
        if guard.open {
            let _ = physical_commit(&mut guard).await;
        }
    }
}

/// Opens the batch if needed and a savepoint for one logical transaction.
///
/// This module serves SQLite only, so it sends related statements together
/// (`BEGIN IMMEDIATE; SAVEPOINT ...`): one round trip to the connection's
/// worker thread instead of two.
async fn start(state: &mut State) -> Result<()> {
    clean(state).await?;
    if state.open {
        if let Err(e) = exec(&mut state.conn, "SAVEPOINT stoa_tx").await {
            // Without a savepoint this request cannot be isolated; close the
            // batch so the work already released into it is not held up.
            let _ = physical_commit(state).await;
            return Err(e);
        }
        return Ok(());
    }
    if let Err(e) = exec(&mut state.conn, "BEGIN IMMEDIATE; SAVEPOINT stoa_tx").await {
        // Nothing of anyone's is in a transaction that failed to start.
        let _ = exec(&mut state.conn, "ROLLBACK").await;
        return Err(e);
    }
    state.open = true;
    Ok(())
}

/// Rolls back a savepoint left by a logical transaction that went away. If
/// even that fails (the disk is full, say), the whole batch is rolled back
/// and everyone in it is told.
async fn clean(state: &mut State) -> Result<()> {
    if !state.dirty {
        return Ok(());
    }
    let undone = exec(&mut state.conn, "ROLLBACK TO SAVEPOINT stoa_tx; RELEASE SAVEPOINT stoa_tx").await;
    state.dirty = false;
    if let Err(e) = undone {
        abort_batch(state, &e).await;
        return Err(e);
    }
    Ok(())
}

/// Gives up the open batch: rolls it back and tells everyone in it.
async fn abort_batch(state: &mut State, cause: &StoreError) {
    let _ = exec(&mut state.conn, "ROLLBACK").await;
    state.open = false;
    state.in_batch = 0;
    let failure = Failure { message: format!("the batch was rolled back: {cause}"), ..Failure::of(cause) };
    std::mem::take(&mut state.done).finish(Err(failure));
}

/// Commits the open physical transaction and tells everyone in it.
async fn physical_commit(state: &mut State) -> Result<()> {
    let committed = exec(&mut state.conn, "COMMIT").await;
    let done = std::mem::take(&mut state.done);
    state.in_batch = 0;
    match committed {
        Ok(()) => {
            state.open = false;
            done.finish(Ok(()));
            Ok(())
        }
        Err(e) => {
            let _ = exec(&mut state.conn, "ROLLBACK").await;
            state.open = false;
            done.finish(Err(Failure::of(&e)));
            Err(e)
        }
    }
}

/// What releasing a logical transaction led to.
enum Released {
    /// This release closed the batch; here is how the commit went.
    Committed(Result<()>),
    /// Someone else is about to write into the same batch; wait for it.
    Deferred(Arc<BatchDone>),
}

async fn release(mut guard: OwnedMutexGuard<State>, writer: Arc<Writer>) -> Released {
    guard.in_batch += 1;
    let others_waiting = writer.waiting.load(Ordering::SeqCst) > 0;
    if !others_waiting || guard.in_batch >= MAX_BATCH {
        // Release and commit in one round trip. If either fails the batch
        // is rolled back whole, and everyone in it hears so.
        let done = std::mem::take(&mut guard.done);
        guard.in_batch = 0;
        return match exec(&mut guard.conn, "RELEASE SAVEPOINT stoa_tx; COMMIT").await {
            Ok(()) => {
                guard.open = false;
                done.finish(Ok(()));
                Released::Committed(Ok(()))
            }
            Err(e) => {
                let _ = exec(&mut guard.conn, "ROLLBACK").await;
                guard.open = false;
                done.finish(Err(Failure::of(&e)));
                Released::Committed(Err(e))
            }
        };
    }
    if let Err(e) = exec(&mut guard.conn, "RELEASE SAVEPOINT stoa_tx").await {
        guard.in_batch -= 1;
        guard.dirty = true;
        let _ = clean(&mut guard).await;
        return Released::Committed(Err(e));
    }
    Released::Deferred(guard.done.clone())
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
        let Some(guard) = self.guard.take() else {
            return Err(StoreError::Config("transaction already finished".into()));
        };
        let writer = self.writer.clone();
        // Released in a task of its own, so a caller going away cannot leave
        // the release or the commit half done.
        let released = tokio::spawn(release(guard, writer)).await.map_err(|_| interrupted())?;
        match released {
            Released::Committed(result) => result,
            Released::Deferred(done) => done.wait(&self.writer).await.map_err(StoreError::from),
        }
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

/// Undoes a savepoint left behind and, when nobody is about to write, commits
/// what others released into the batch, so they are not left waiting.
fn spawn_cleanup(writer: &Arc<Writer>) {
    let writer = writer.clone();
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        tracing::error!("the database writer was left outside the async runtime");
        return;
    };
    runtime.spawn(async move {
        let mut guard = writer.state.clone().lock_owned().await;
        if let Err(e) = clean(&mut guard).await {
            tracing::error!(error = %e, "rolling back an abandoned write failed");
        }
        if guard.open && writer.waiting.load(Ordering::SeqCst) == 0 {
            let _ = physical_commit(&mut guard).await;
        }
    });
}
