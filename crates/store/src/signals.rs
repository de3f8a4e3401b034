//! Signals: short, fleeting messages between every process that shares the
//! database ("the log grew", "someone is typing in this room").
//!
//! On PostgreSQL they travel by `NOTIFY` on the channel `stoa`, so every
//! node hears every node, itself included; a signal sent inside a
//! transaction is delivered when, and only if, it commits. On SQLite there
//! is one process, and they travel through a channel in memory; a committed
//! write transaction signals `log` itself.
//!
//! Signals may be lost (a listener reconnecting, a full channel): they are
//! wake-ups, never the truth. Whatever must not be lost is in the database,
//! and listeners are told when they may have missed something.

use std::sync::Arc;

use sqlx::postgres::PgListener;
use tokio::sync::broadcast;

use crate::{Backend, Result, Store};

/// The channel every node listens on.
pub const CHANNEL: &str = "stoa";

/// The signal a committed write sends: the event log may have grown.
pub const LOG: &str = "log";

/// The longest signal PostgreSQL carries (its limit is 8000 bytes).
pub const MAX_BYTES: usize = 7900;

/// Signals in memory waiting for slow listeners, at most (SQLite).
const LOCAL_CAPACITY: usize = 1024;

/// The in-memory channel used on SQLite.
#[derive(Debug, Clone)]
pub(crate) struct Local(broadcast::Sender<Arc<str>>);

impl Local {
    pub(crate) fn new() -> Self {
        Self(broadcast::Sender::new(LOCAL_CAPACITY))
    }

    pub(crate) fn send(&self, payload: &str) {
        // Nobody listening is not an error: there is nobody to wake.
        let _ = self.0.send(Arc::from(payload));
    }
}

/// What a listener hears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    Signal(Arc<str>),
    /// Signals may have been lost: re-read whatever the listener follows.
    Missed,
}

/// One node's ear.
pub struct Listener(Ear);

enum Ear {
    Postgres { listener: Box<PgListener>, reconnected: bool },
    Local(broadcast::Receiver<Arc<str>>),
}

impl Listener {
    /// The next signal. Waits; returns `Missed` after a reconnection or when
    /// the listener fell behind.
    pub async fn recv(&mut self) -> Heard {
        match &mut self.0 {
            Ear::Postgres { listener, reconnected } => loop {
                if std::mem::take(reconnected) {
                    return Heard::Missed;
                }
                // `try_recv` says `None` when the connection was lost (and
                // reconnects on the next call): what was sent meanwhile is gone.
                match listener.try_recv().await {
                    Ok(Some(n)) => return Heard::Signal(Arc::from(n.payload())),
                    Ok(None) => *reconnected = true,
                    Err(e) => {
                        tracing::warn!(error = %e, "lost the signal listener's connection; retrying");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                        *reconnected = true;
                    }
                }
            },
            Ear::Local(rx) => match rx.recv().await {
                Ok(payload) => Heard::Signal(payload),
                Err(broadcast::error::RecvError::Lagged(_)) => Heard::Missed,
                // The store was dropped; nothing will ever be said again.
                Err(broadcast::error::RecvError::Closed) => std::future::pending().await,
            },
        }
    }
}

impl Store {
    /// Sends a signal to every node (this one included). Longer payloads
    /// than [`MAX_BYTES`] are refused.
    pub async fn signal(&self, payload: &str) -> Result<()> {
        if payload.len() > MAX_BYTES {
            return Err(crate::StoreError::Config("signal too long".into()));
        }
        match self.backend {
            Backend::Postgres => {
                let mut conn = self.read().await?;
                sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(payload).execute(&mut *conn).await?;
            }
            Backend::Sqlite => self.local.send(payload),
        }
        Ok(())
    }

    /// Starts listening to every node's signals.
    pub async fn listen(&self) -> Result<Listener> {
        match self.backend {
            Backend::Postgres => {
                let mut listener = PgListener::connect(&self.url).await?;
                listener.listen(CHANNEL).await?;
                Ok(Listener(Ear::Postgres { listener: Box::new(listener), reconnected: false }))
            }
            Backend::Sqlite => Ok(Listener(Ear::Local(self.local.0.subscribe()))),
        }
    }
}
