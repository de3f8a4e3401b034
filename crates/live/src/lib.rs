//! Realtime: the hub that tells the node the event log has grown, the
//! feeds and rooms through which each new event reaches the connections
//! following it, and the messages spoken on the `/live` WebSocket.
//!
//! Nothing is queued per connection here. The hub holds one number, the
//! newest event's `seq`; one reader per node wakes when it changes, reads
//! the new events once and publishes each to the feeds or rooms that follow
//! it, already serialized, through bounded channels shared by their
//! connections. A connection that falls behind costs a cursor, not a
//! queue: it reads on from the log itself, and a reconnecting client
//! resumes from the last `seq` it saw.

mod feeds;
mod rooms;

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

pub use feeds::{Feed, FeedKind, Feeds};
pub use rooms::{CAPACITY as ROOM_CAPACITY, Frame, Room, Rooms};

/// The newest `seq` of the event log, as far as this node knows.
#[derive(Debug)]
pub struct Hub {
    latest: watch::Sender<i64>,
}

impl Default for Hub {
    fn default() -> Self {
        Self::new(0)
    }
}

impl Hub {
    pub fn new(seq: i64) -> Self {
        Self { latest: watch::Sender::new(seq) }
    }

    /// Records that the log reaches `seq`; wakes connections if it moved on.
    pub fn advance(&self, seq: i64) {
        self.latest.send_if_modified(|now| {
            let moved = seq > *now;
            if moved {
                *now = seq;
            }
            moved
        });
    }

    pub fn latest(&self) -> i64 {
        *self.latest.borrow()
    }

    /// A receiver that wakes whenever the log moves on.
    pub fn watch(&self) -> watch::Receiver<i64> {
        self.latest.subscribe()
    }
}

/// What a client sends.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// Start receiving a topic's events, after `since` (the last `seq` the
    /// client saw) or from now.
    Subscribe {
        topic: String,
        since: Option<i64>,
    },
    Unsubscribe {
        topic: String,
    },
    /// The person is typing in a chat room they follow.
    Typing {
        topic: String,
    },
}

/// What the server sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// The subscription stands; events after `seq` follow.
    Subscribed { topic: String, seq: i64 },
    /// The topic may not be followed (`not_found`, `forbidden`, ...).
    Refused { topic: String, error: String },
    /// Something happened: the event's kind and what it is about. Content
    /// is never sent; the page reads it through the usual routes.
    Event { topic: String, seq: i64, kind: String, subject_id: Option<String>, at: i64 },
    /// The reader's unread notifications.
    Unread { count: i64 },
    /// A chat message was written, edited or deleted (`action`); `message`
    /// is as it stands now (a deleted one has no words).
    Chat { topic: String, seq: i64, action: String, message: ChatMessage },
    /// Who has the room open now: the first few, and how many in all.
    Presence { topic: String, people: Vec<Person>, count: i64 },
    /// Someone is typing.
    Typing { topic: String, person: Person },
    /// Too much happened since `since` to replay: read the room afresh.
    Reset { topic: String, seq: i64 },
}

/// A person as a live message names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub username: String,
    pub display_name: String,
}

/// A chat message as a live message carries it. `body_html` was sanitized
/// when it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChatMessage {
    pub id: String,
    pub author: Person,
    pub body_html: String,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub deleted: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_hub_wakes_only_when_the_log_moves_on() {
        let hub = Hub::new(5);
        let mut rx = hub.watch();
        rx.borrow_and_update();
        hub.advance(3);
        assert!(!rx.has_changed().expect("open"), "an older seq is no news");
        hub.advance(9);
        assert!(rx.has_changed().expect("open"));
        assert_eq!((*rx.borrow_and_update(), hub.latest()), (9, 9));
    }
}
