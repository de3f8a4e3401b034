//! Posts of recently read thread pages, kept in memory.
//!
//! A thread page is read far more often than it changes. Each entry is tagged
//! with the thread's `revision`, which the store bumps on every change that
//! alters how the posts read; a reader fetches the current revision with the
//! thread (one small query) and uses the entry only when it matches. Several
//! nodes each keep their own cache and stay correct, since the revision comes
//! from the shared database.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::discussions::SharedPost as PostView;

/// Pages kept at most; a full cache forgets half its entries.
const CAPACITY: usize = 512;

type Key = (String, i64);

/// Posts of one page, and the thread revision they were read at.
type Entry = (i64, Arc<Vec<PostView>>);

#[derive(Debug, Default)]
pub(crate) struct PostsCache {
    entries: Mutex<HashMap<Key, Entry>>,
}

impl PostsCache {
    /// The posts of `thread_id` from post `from` on, if cached at `revision`.
    pub(crate) fn get(&self, thread_id: &str, from: i64, revision: i64) -> Option<Arc<Vec<PostView>>> {
        let entries = self.entries.lock().ok()?;
        match entries.get(&(thread_id.to_owned(), from)) {
            Some((r, posts)) if *r == revision => Some(posts.clone()),
            _ => None,
        }
    }

    pub(crate) fn put(&self, thread_id: &str, from: i64, revision: i64, posts: Arc<Vec<PostView>>) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= CAPACITY {
            let forget: Vec<Key> = entries.keys().take(CAPACITY / 2).cloned().collect();
            for key in forget {
                entries.remove(&key);
            }
        }
        entries.insert((thread_id.to_owned(), from), (revision, posts));
    }
}
