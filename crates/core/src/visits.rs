//! Reading positions, buffered in memory and written in batches.
//!
//! Every thread page view moves the reader's position. Writing it on each
//! view would turn reads into writes and queue them behind the single SQLite
//! writer, so positions are kept here and flushed every few seconds in one
//! transaction. A crash loses at most those seconds of "new since your last
//! visit" markers, never anything a person wrote.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::{CoreError, Result, Store};

/// Positions not yet written: (user, thread) to (post number, time).
#[derive(Debug, Default)]
pub(crate) struct VisitBuffer {
    pending: Mutex<HashMap<(String, String), (i64, i64)>>,
}

impl VisitBuffer {
    pub(crate) fn record(&self, user_id: &str, thread_id: &str, number: i64, at: i64) {
        let Ok(mut pending) = self.pending.lock() else {
            return;
        };
        let entry = pending.entry((user_id.to_owned(), thread_id.to_owned())).or_insert((number, at));
        entry.0 = entry.0.max(number);
        entry.1 = at;
    }

    /// How far `user_id` has read: the stored position or the buffered one,
    /// whichever is further.
    pub(crate) fn last_read(&self, user_id: &str, thread_id: &str, stored: Option<i64>) -> Option<i64> {
        let buffered = self.pending.lock().ok()?.get(&(user_id.to_owned(), thread_id.to_owned())).map(|v| v.0);
        stored.max(buffered)
    }

    pub(crate) async fn flush(&self, store: &Store) -> Result<()> {
        let batch: Vec<(String, String, i64, i64)> = {
            let mut pending = self.pending.lock().map_err(|_| CoreError::Internal("visit buffer poisoned".into()))?;
            if pending.is_empty() {
                return Ok(());
            }
            pending.drain().map(|((u, t), (n, at))| (u, t, n, at)).collect()
        };
        let written = async {
            let mut tx = store.begin().await?;
            stoa_store::threads::record_visits(&mut tx, &batch).await?;
            stoa_store::commit(tx).await
        }
        .await;
        if let Err(e) = written {
            // Keep them for the next flush rather than lose them.
            for (user, thread, number, at) in batch {
                self.record(&user, &thread, number, at);
            }
            return Err(e.into());
        }
        Ok(())
    }
}
