//! Feeds: everyone on this node following one thread or one space.
//!
//! The chat room's shape, for the other topics: one reader per node (run by
//! `core`) reads each new event from the log once, decides once who may be
//! told of it, serializes it once per feed, and publishes it to every
//! connection following that feed through one bounded broadcast channel. A
//! connection that falls more than [`CAPACITY`](crate::ROOM_CAPACITY)
//! frames behind is told so and reads on from its own cursor in the log. A
//! feed lives while a connection holds it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, Weak};

use tokio::sync::broadcast;

use crate::rooms::{CAPACITY, Frame};

/// What a feed is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FeedKind {
    /// A thread, by id.
    Thread(String),
    /// A space, by id.
    Space(String),
}

/// One topic followed on this node.
#[derive(Debug)]
pub struct Feed {
    /// The topic as clients name it (`thread:{id}`, `space:{slug}`).
    pub topic: String,
    pub kind: FeedKind,
    /// The space the topic is in now (a thread may move).
    space_id: Mutex<String>,
    frames: broadcast::Sender<Frame>,
}

impl Feed {
    pub fn subscribe(&self) -> broadcast::Receiver<Frame> {
        self.frames.subscribe()
    }

    pub fn publish(&self, frame: Frame) {
        // No connection following is not an error.
        let _ = self.frames.send(frame);
    }

    pub fn space_id(&self) -> String {
        self.space_id.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn set_space_id(&self, space_id: &str) {
        *self.space_id.lock().unwrap_or_else(|e| e.into_inner()) = space_id.to_owned();
    }
}

/// The feeds open on this node, by topic.
#[derive(Debug, Default)]
pub struct Feeds {
    feeds: Mutex<HashMap<String, Weak<Feed>>>,
    /// The last event the reader published (or passed over).
    routed: AtomicI64,
    /// Whether the node's reader runs.
    reading: AtomicBool,
}

impl Feeds {
    /// Claims the reader's place; true when the caller must start it.
    pub fn claim_reader(&self) -> bool {
        self.reading.compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst).is_ok()
    }

    /// The reader stops.
    pub fn release_reader(&self) {
        self.reading.store(false, Ordering::SeqCst);
    }

    pub fn routed(&self) -> i64 {
        self.routed.load(Ordering::SeqCst)
    }

    pub fn set_routed(&self, seq: i64) {
        self.routed.store(seq, Ordering::SeqCst);
    }

    /// The topic's feed, opened if nobody holds it.
    pub fn open(&self, topic: &str, kind: FeedKind, space_id: &str) -> Arc<Feed> {
        let mut feeds = self.feeds.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(feed) = feeds.get(topic).and_then(Weak::upgrade)
            && feed.kind == kind
        {
            feed.set_space_id(space_id);
            return feed;
        }
        feeds.retain(|_, f| f.strong_count() > 0);
        let feed = Arc::new(Feed {
            topic: topic.to_owned(),
            kind,
            space_id: Mutex::new(space_id.to_owned()),
            frames: broadcast::Sender::new(CAPACITY),
        });
        feeds.insert(topic.to_owned(), Arc::downgrade(&feed));
        feed
    }

    /// The feed of a topic, if someone follows it on this node.
    pub fn get(&self, topic: &str) -> Option<Arc<Feed>> {
        self.feeds.lock().unwrap_or_else(|e| e.into_inner()).get(topic).and_then(Weak::upgrade)
    }

    /// Every open feed in a space (the space's own and its threads').
    pub fn in_space(&self, space_id: &str) -> Vec<Arc<Feed>> {
        self.all().into_iter().filter(|f| f.space_id() == space_id).collect()
    }

    /// Every open feed.
    pub fn all(&self) -> Vec<Arc<Feed>> {
        self.feeds.lock().unwrap_or_else(|e| e.into_inner()).values().filter_map(Weak::upgrade).collect()
    }

    /// Whether nobody follows anything here.
    pub fn is_empty(&self) -> bool {
        self.feeds.lock().unwrap_or_else(|e| e.into_inner()).values().all(|f| f.strong_count() == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feed_lives_while_someone_follows_it() {
        let feeds = Feeds::default();
        let a = feeds.open("thread:t1", FeedKind::Thread("t1".into()), "s1");
        let b = feeds.open("thread:t1", FeedKind::Thread("t1".into()), "s1");
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(feeds.in_space("s1").len(), 1);
        assert!(feeds.in_space("s2").is_empty());
        b.set_space_id("s2");
        assert_eq!(feeds.in_space("s2").len(), 1, "a moved thread's feed follows it");
        drop((a, b));
        assert!(feeds.get("thread:t1").is_none() && feeds.is_empty());
    }

    #[tokio::test]
    async fn every_follower_gets_one_frame_serialized_once() {
        let feeds = Feeds::default();
        let feed = feeds.open("space:guild", FeedKind::Space("s1".into()), "s1");
        let (mut one, mut two) = (feed.subscribe(), feed.subscribe());
        let json: Arc<str> = Arc::from("{}");
        feed.publish(Frame::Text { seq: 7, json: json.clone() });
        for rx in [&mut one, &mut two] {
            match rx.recv().await {
                Ok(Frame::Text { seq: 7, json: got }) => assert!(Arc::ptr_eq(&got, &json)),
                other => panic!("{other:?}"),
            }
        }
    }
}
