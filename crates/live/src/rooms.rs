//! Rooms: everyone on this node following one space's chat.
//!
//! A room has one reader (run by `core`) that reads the room's events from
//! the log once and publishes each, already serialized, to every connection
//! in the room through one bounded broadcast channel. The channel is shared:
//! a connection that falls more than [`CAPACITY`] frames behind is told so
//! and is expected to go (the server drops it), so a slow reader never grows
//! the server's memory. A room lives while a connection holds it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use tokio::sync::{Notify, broadcast};

/// Frames a room keeps for connections that have not sent them yet.
pub const CAPACITY: usize = 256;

/// What a room sends to the connections in it.
#[derive(Debug, Clone)]
pub enum Frame {
    /// A message for the clients, serialized once for all of them; `seq`
    /// is its event's, or 0 for what the log does not hold (presence,
    /// typing).
    Text { seq: i64, json: Arc<str> },
    /// Who may be in the room may have changed (a member left or was
    /// removed, a role or the space's visibility changed): each connection
    /// asks the policy again before it sends anything more.
    Recheck { seq: i64 },
    /// A message only for those who may see the post it is about (the
    /// thread is hidden, scheduled, or in post-first mode): each connection
    /// asks the policy before it sends it.
    Guarded { seq: i64, post: Arc<str>, json: Arc<str> },
}

/// One space's room on this node.
#[derive(Debug)]
pub struct Room {
    pub space_id: String,
    /// The topic its messages carry (`chat:{slug}`).
    pub topic: String,
    frames: broadcast::Sender<Frame>,
    /// Open connections per person, on this node.
    people: Mutex<HashMap<String, usize>>,
    presence: Arc<Notify>,
}

impl Room {
    fn new(space_id: &str, topic: &str) -> Self {
        Self {
            space_id: space_id.to_owned(),
            topic: topic.to_owned(),
            frames: broadcast::Sender::new(CAPACITY),
            people: Mutex::new(HashMap::new()),
            presence: Arc::new(Notify::new()),
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Frame> {
        self.frames.subscribe()
    }

    pub fn publish(&self, frame: Frame) {
        // No connection in the room is not an error.
        let _ = self.frames.send(frame);
    }

    /// A connection of `user_id` joins; true when it is their first here.
    pub fn enter(&self, user_id: &str) -> bool {
        let mut people = self.people.lock().unwrap_or_else(|e| e.into_inner());
        let count = people.entry(user_id.to_owned()).or_insert(0);
        *count += 1;
        *count == 1
    }

    /// A connection of `user_id` goes; true when it was their last here.
    pub fn leave(&self, user_id: &str) -> bool {
        let mut people = self.people.lock().unwrap_or_else(|e| e.into_inner());
        match people.get_mut(user_id) {
            Some(count) if *count > 1 => {
                *count -= 1;
                false
            }
            Some(_) => {
                people.remove(user_id);
                true
            }
            None => false,
        }
    }

    /// Tells the room's reader that who is present may have changed.
    pub fn presence_changed(&self) {
        self.presence.notify_one();
    }

    /// What [`Room::presence_changed`] notifies (one permit: calls while
    /// nobody waits come together into one wake-up). The room's reader
    /// waits on it without holding the room open.
    pub fn presence_signal(&self) -> Arc<Notify> {
        self.presence.clone()
    }
}

/// The rooms open on this node, by space id.
#[derive(Debug, Default)]
pub struct Rooms {
    rooms: Mutex<HashMap<String, Weak<Room>>>,
}

impl Rooms {
    /// The space's room, opened if nobody holds it; the flag says it is new
    /// (its reader must be started).
    pub fn open(&self, space_id: &str, topic: &str) -> (Arc<Room>, bool) {
        let mut rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(room) = rooms.get(space_id).and_then(Weak::upgrade) {
            return (room, false);
        }
        rooms.retain(|_, r| r.strong_count() > 0);
        let room = Arc::new(Room::new(space_id, topic));
        rooms.insert(space_id.to_owned(), Arc::downgrade(&room));
        (room, true)
    }

    /// The space's room, if it is open on this node.
    pub fn get(&self, space_id: &str) -> Option<Arc<Room>> {
        self.rooms.lock().unwrap_or_else(|e| e.into_inner()).get(space_id).and_then(Weak::upgrade)
    }

    /// Every open room.
    pub fn all(&self) -> Vec<Arc<Room>> {
        self.rooms.lock().unwrap_or_else(|e| e.into_inner()).values().filter_map(Weak::upgrade).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_room_lives_while_someone_holds_it() {
        let rooms = Rooms::default();
        let (a, new) = rooms.open("s1", "chat:one");
        assert!(new);
        let (b, new) = rooms.open("s1", "chat:one");
        assert!(!new && Arc::ptr_eq(&a, &b));
        drop((a, b));
        assert!(rooms.get("s1").is_none());
        assert!(rooms.open("s1", "chat:one").1, "opened afresh once everyone left");
    }

    #[test]
    fn presence_counts_connections_per_person() {
        let room = Room::new("s1", "chat:one");
        assert!(room.enter("ana"));
        assert!(!room.enter("ana"), "a second tab");
        assert!(!room.leave("ana"));
        assert!(room.leave("ana"), "the last tab closed");
        assert!(!room.leave("ana"), "nobody left to go");
    }

    #[tokio::test]
    async fn a_reader_too_far_behind_is_told() {
        let room = Room::new("s1", "chat:one");
        let mut rx = room.subscribe();
        for seq in 0..(CAPACITY as i64 + 5) {
            room.publish(Frame::Recheck { seq });
        }
        assert!(matches!(rx.recv().await, Err(broadcast::error::RecvError::Lagged(5))));
    }
}
