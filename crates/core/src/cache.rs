//! What thread pages read often and rarely changes, kept in memory.
//!
//! A thread page is read far more often than it changes. Its posts and its
//! reactions are kept tagged with the thread's `revision`, which the store
//! bumps on every change that alters how the posts read (a reaction
//! included); a reader fetches the current revision with the thread (one
//! small query) and uses an entry only when it matches. Several nodes each
//! keep their own cache and stay correct, since the revision comes from the
//! shared database.
//!
//! The count on the notifications bell is kept per person for a few seconds
//! ([`UnreadCache`]).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::discussions::{SharedPost, ThreadReactions};

/// Entries kept at most; a full cache forgets half of them.
const CAPACITY: usize = 512;

/// Values read at a thread revision, by key.
#[derive(Debug)]
pub(crate) struct RevisionCache<K, V> {
    entries: Mutex<HashMap<K, (i64, Arc<V>)>>,
}

impl<K, V> Default for RevisionCache<K, V> {
    fn default() -> Self {
        Self { entries: Mutex::new(HashMap::new()) }
    }
}

impl<K: Hash + Eq + Clone, V> RevisionCache<K, V> {
    /// The value at `key`, if it was read at `revision`.
    pub(crate) fn get(&self, key: &K, revision: i64) -> Option<Arc<V>> {
        let entries = self.entries.lock().ok()?;
        match entries.get(key) {
            Some((r, value)) if *r == revision => Some(value.clone()),
            _ => None,
        }
    }

    pub(crate) fn put(&self, key: K, revision: i64, value: Arc<V>) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= CAPACITY {
            let forget: Vec<K> = entries.keys().take(CAPACITY / 2).cloned().collect();
            for key in forget {
                entries.remove(&key);
            }
        }
        entries.insert(key, (revision, value));
    }
}

/// The posts of one page of a thread: `(thread id, first post number)`.
pub(crate) type PostsCache = RevisionCache<(String, i64), Vec<SharedPost>>;

/// Every reaction in a thread, by thread id.
pub(crate) type ReactionsCache = RevisionCache<String, ThreadReactions>;

/// How many unread notifications each person has, as the bell shows it.
///
/// An entry is trusted for [`UnreadCache::TTL`]. A new notification or one
/// marked read forgets the person's entry on this node once it is committed;
/// on other nodes of a cluster the bell may lag by at most the TTL (the live
/// connection reads the count afresh, so an open tab does not lag).
#[derive(Debug, Default)]
pub(crate) struct UnreadCache {
    entries: Mutex<HashMap<String, (i64, Instant)>>,
    /// Bumped by every `forget`: a count read before a forget must not be
    /// put back after it.
    epoch: AtomicU64,
}

impl UnreadCache {
    const TTL: Duration = Duration::from_secs(5);
    const CAPACITY: usize = 10_000;

    pub(crate) fn get(&self, user_id: &str) -> Option<i64> {
        let entries = self.entries.lock().ok()?;
        let (count, fetched) = entries.get(user_id)?;
        (fetched.elapsed() < Self::TTL).then_some(*count)
    }

    /// Call before reading a count that [`UnreadCache::put`] will keep.
    pub(crate) fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::SeqCst)
    }

    /// Keeps a count read since `epoch`, unless something was forgotten
    /// meanwhile.
    pub(crate) fn put(&self, user_id: &str, count: i64, epoch: u64) {
        if let Ok(mut entries) = self.entries.lock() {
            if self.epoch() != epoch {
                return;
            }
            if entries.len() >= Self::CAPACITY {
                entries.retain(|_, (_, fetched)| fetched.elapsed() < Self::TTL);
            }
            entries.insert(user_id.to_owned(), (count, Instant::now()));
        }
    }

    pub(crate) fn forget<'a>(&self, user_ids: impl IntoIterator<Item = &'a str>) {
        if let Ok(mut entries) = self.entries.lock() {
            self.epoch.fetch_add(1, Ordering::SeqCst);
            for id in user_ids {
                entries.remove(id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revision_cache_answers_only_at_the_revision_it_was_given() {
        let cache: RevisionCache<String, &str> = RevisionCache::default();
        cache.put("t".into(), 3, Arc::new("three"));
        assert_eq!(cache.get(&"t".into(), 3).as_deref(), Some(&"three"));
        assert_eq!(cache.get(&"t".into(), 4), None);
        assert_eq!(cache.get(&"u".into(), 3), None);
        for i in 0..CAPACITY {
            cache.put(format!("k{i}"), 1, Arc::new("x"));
        }
        assert!(cache.entries.lock().expect("lock").len() <= CAPACITY, "a full cache forgets");
    }

    #[test]
    fn an_unread_count_read_before_a_forget_is_not_kept() {
        let cache = UnreadCache::default();
        let epoch = cache.epoch();
        cache.put("ana", 2, epoch);
        assert_eq!(cache.get("ana"), Some(2));
        let stale = cache.epoch();
        cache.forget(["ana"]);
        assert_eq!(cache.get("ana"), None);
        cache.put("ana", 2, stale);
        assert_eq!(cache.get("ana"), None, "a count read before the forget is dropped");
        cache.put("ana", 3, cache.epoch());
        assert_eq!(cache.get("ana"), Some(3));
    }
}
