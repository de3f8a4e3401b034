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
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use tokio::sync::watch;

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
/// marked read forgets the person's entry once it is committed, on this
/// node at once and on the others by a signal (when signals may have been
/// lost, every entry is forgotten). Forgetting rings the person's *bell*:
/// each open live connection of theirs holds one and reads the count again
/// only then, so an open tab costs nothing while nothing changes.
#[derive(Debug, Default)]
pub(crate) struct UnreadCache {
    entries: Mutex<HashMap<String, (i64, Instant)>>,
    /// Bumped by every `forget`: a count read before a forget must not be
    /// put back after it.
    epoch: AtomicU64,
    /// The bells of people with a live connection on this node.
    bells: Mutex<HashMap<String, Weak<watch::Sender<u64>>>>,
}

/// What a live connection holds to hear that its person's unread count
/// may have changed.
#[derive(Debug)]
pub struct Bell {
    _held: Arc<watch::Sender<u64>>,
    rings: watch::Receiver<u64>,
}

impl Bell {
    /// Waits until the bell rings (at once if it rang since the last call).
    pub async fn rung(&mut self) {
        if self.rings.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
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
        let mut forgotten = Vec::new();
        if let Ok(mut entries) = self.entries.lock() {
            self.epoch.fetch_add(1, Ordering::SeqCst);
            for id in user_ids {
                entries.remove(id);
                forgotten.push(id);
            }
        }
        let bells = self.bells.lock().unwrap_or_else(|e| e.into_inner());
        for id in forgotten {
            if let Some(bell) = bells.get(id).and_then(Weak::upgrade) {
                bell.send_modify(|n| *n += 1);
            }
        }
    }

    /// Forgets every count and rings every bell.
    pub(crate) fn forget_all(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            self.epoch.fetch_add(1, Ordering::SeqCst);
            entries.clear();
        }
        for bell in self.bells.lock().unwrap_or_else(|e| e.into_inner()).values().filter_map(Weak::upgrade) {
            bell.send_modify(|n| *n += 1);
        }
    }

    /// A bell that rings when `user_id`'s count is forgotten.
    pub(crate) fn bell(&self, user_id: &str) -> Bell {
        let mut bells = self.bells.lock().unwrap_or_else(|e| e.into_inner());
        let sender = match bells.get(user_id).and_then(Weak::upgrade) {
            Some(sender) => sender,
            None => {
                bells.retain(|_, b| b.strong_count() > 0);
                let sender = Arc::new(watch::Sender::new(0));
                bells.insert(user_id.to_owned(), Arc::downgrade(&sender));
                sender
            }
        };
        let rings = sender.subscribe();
        Bell { _held: sender, rings }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn forgetting_a_count_rings_the_bells_of_that_person_only() {
        let cache = UnreadCache::default();
        let (mut ana, mut ana2, mut ben) = (cache.bell("ana"), cache.bell("ana"), cache.bell("ben"));
        cache.forget(["ana"]);
        let soon = std::time::Duration::from_millis(50);
        assert!(tokio::time::timeout(soon, ana.rung()).await.is_ok(), "ana's first tab");
        assert!(tokio::time::timeout(soon, ana2.rung()).await.is_ok(), "and her second");
        assert!(tokio::time::timeout(soon, ben.rung()).await.is_err(), "not ben's");
        assert!(tokio::time::timeout(soon, ana.rung()).await.is_err(), "a ring is heard once");
        cache.forget_all();
        assert!(tokio::time::timeout(soon, ben.rung()).await.is_ok(), "forgetting all rings all");
        drop((ana, ana2, ben));
        cache.forget(["ana"]);
        assert!(cache.bells.lock().expect("lock").values().all(|b| b.strong_count() == 0), "no bell outlives its tabs");
    }

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
