//! Real-time co-editing of wiki pages and of events' shared notes with Yjs
//! (the server side of the standard y-websocket sync and awareness
//! protocol, on `yrs`).
//!
//! A page's live text is a document (`wiki:{page id}`), and so are an
//! event's notes (`event:{event id}`); each has one shared text named
//! [`TEXT`]. What a document is the text of is its [`Subject`]. It is stored as a snapshot plus the updates written after
//! it; every update is on disk before anyone else is sent it, so whatever a
//! collaborator has seen survives a crash. Once the updates add up (see
//! [`COMPACT_AFTER`]) the document is folded back into one snapshot.
//!
//! On each node a document has one room ([`DocRoom`]) holding the merged
//! state and the awareness (who is here, where their cursor is) in memory.
//! Updates written on another node arrive by a `doc` signal and are read
//! from the database; awareness changes travel as signals. Taking part
//! needs the right to edit the page (for notes: to take part in the event's
//! space), asked again whenever membership in its space changes. Saving a version writes a normal wiki revision (three-way
//! merged if the page was saved through the plain form meanwhile), and a
//! revision saved through the form is brought into the live text.
//!
//! Nothing a client sends reaches yrs unchecked ([`wire`]): an update that
//! is not plain text continuing the document is refused, and so is one
//! past the [`Limits`]. A document whose stored state cannot be loaded is
//! *quarantined*: its room refuses connections, its page keeps its last
//! revision, and admins see it listed until they start it afresh.

#[cfg(feature = "testing")]
pub mod crafted;
pub mod wire;

use std::collections::{BTreeSet, HashMap};
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Weak};
use std::time::Duration;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use stoa_domain::Action;
use stoa_store::docs::{self as store, DocRow};
use stoa_store::events::{self, kind};
use stoa_store::wiki::PageRow;
use stoa_store::{Conn, spaces as store_spaces};
use tokio::sync::{Mutex, OwnedSemaphorePermit, Semaphore, broadcast, oneshot};
use yrs::sync::protocol::SyncMessage;
use yrs::sync::{Awareness, AwarenessUpdate, Message};
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::{Encode, Encoder, EncoderV1};
use yrs::{GetString, ReadTxn, StateVector, Text, Transact, Update};

pub use wire::{Limits, Refusal};

use crate::spaces::allowed;
use crate::{Actor, CoreError, Result, Stoa};

/// The shared text every client edits.
pub const TEXT: &str = "body";
/// Updates kept beside the snapshot at least before they are folded into
/// it. Folding encodes and writes the whole document, so it waits too
/// until the updates add up to as many bytes as the snapshot: its cost
/// per byte typed stays the same however long the text grows (B6: at 1,000
/// updates alone, a long text was folded 24 times a second).
pub const COMPACT_AFTER: i64 = 1000;
/// Updates kept beside the snapshot at most: replaying them when a room
/// opens stays quick, however long the snapshot.
const COMPACT_BEFORE: i64 = 20_000;
/// Frames a room keeps for connections that have not sent them yet: a few
/// seconds of many people typing fast; a connection further behind is
/// closed and its client resynchronises.
const CAPACITY: usize = 4096;

/// What a document room sends to the connections in it.
#[derive(Debug, Clone)]
pub enum DocFrame {
    /// A y-websocket message, from connection `from` (0: from the server or
    /// another node); not sent back to where it came from.
    Message { from: u64, bytes: Arc<[u8]> },
    /// Membership or the page's protection changed: ask the policy again.
    Recheck,
    /// The room could not write an update it had applied: memory and disk
    /// disagree, so every connection closes and its client resynchronises
    /// with a room opened afresh from the disk.
    Failed,
}

struct State {
    awareness: Awareness,
    /// Every update up to this `seq` is applied.
    applied: i64,
    /// Updates this node wrote past a gap (another node's update not yet
    /// read): applied and sent already.
    ahead: BTreeSet<i64>,
    snapshot_seq: i64,
    /// The size of the snapshot, and of the updates applied since.
    snapshot_bytes: usize,
    log_bytes: usize,
    /// A fold into the snapshot is under way.
    compacting: bool,
    /// The updates since the snapshot add up past the document's limit,
    /// though the document itself is within it: fold them in at once.
    oversize: bool,
}

impl State {
    /// Whether the updates since the snapshot are due to be folded in.
    fn due(&self) -> bool {
        let kept = self.applied - self.snapshot_seq;
        !self.compacting
            && self.ahead.is_empty()
            && kept > 0
            && (self.oversize
                || (kept > COMPACT_AFTER && (self.log_bytes >= self.snapshot_bytes || kept > COMPACT_BEFORE)))
    }
}

/// What a live document is the text of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A wiki page, by id: saved as versions of the page.
    Page(String),
    /// An event's shared notes, by the event's id: the document is all
    /// there is of them until they are turned into a wiki page.
    Notes(String),
}

impl Subject {
    /// The subject of a y-websocket room name: `wiki-{page id}` or
    /// `event-{event id}`.
    pub fn from_room(room: &str) -> Option<Self> {
        let valid = |id: &str| !id.is_empty() && id.len() <= 64;
        if let Some(id) = room.strip_prefix("wiki-").filter(|id| valid(id)) {
            return Some(Self::Page(id.to_owned()));
        }
        room.strip_prefix("event-").filter(|id| valid(id)).map(|id| Self::Notes(id.to_owned()))
    }

    /// The id the document is stored under.
    pub fn doc_id(&self) -> String {
        match self {
            Self::Page(id) => format!("wiki:{id}"),
            Self::Notes(id) => format!("event:{id}"),
        }
    }
}

/// One document's room on this node.
pub struct DocRoom {
    pub id: String,
    pub space_id: String,
    pub subject: Subject,
    parent_id: Option<String>,
    state: Mutex<State>,
    frames: broadcast::Sender<DocFrame>,
    /// Updates waiting to be written, which go to disk together.
    batch: std::sync::Mutex<Batch>,
}

/// Updates of one document waiting for the disk: while one batch is being
/// written, the updates that arrive meanwhile gather for the next, so people
/// typing at once share transactions.
#[derive(Default)]
struct Batch {
    pending: Vec<Pending>,
    /// A task is writing batches (it ends when none is left).
    writing: bool,
    /// A write failed: the room takes no more (see [`DocFrame::Failed`]).
    failed: bool,
}

struct Pending {
    bytes: Vec<u8>,
    user: Option<String>,
    /// The connection it came from (0: the server), not sent it back.
    from: u64,
    /// Held until the update is written: a connection with too much
    /// unwritten waits before reading more (see [`Peer`]).
    _unwritten: Option<OwnedSemaphorePermit>,
    /// Told once the update is on disk and sent, for a caller that waits.
    done: Option<oneshot::Sender<std::result::Result<(), String>>>,
}

/// The document rooms open on this node.
#[derive(Default)]
pub struct DocRooms {
    rooms: std::sync::Mutex<HashMap<String, Weak<DocRoom>>>,
    opening: Mutex<()>,
}

impl DocRooms {
    fn get(&self, id: &str) -> Option<Arc<DocRoom>> {
        self.rooms.lock().unwrap_or_else(|e| e.into_inner()).get(id).and_then(Weak::upgrade)
    }

    fn all(&self) -> Vec<Arc<DocRoom>> {
        self.rooms.lock().unwrap_or_else(|e| e.into_inner()).values().filter_map(Weak::upgrade).collect()
    }

    fn forget(&self, id: &str) {
        self.rooms.lock().unwrap_or_else(|e| e.into_inner()).remove(id);
    }
}

impl std::fmt::Debug for DocRooms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocRooms").finish_non_exhaustive()
    }
}

/// The document id of a wiki page's live text.
pub fn doc_id(page_id: &str) -> String {
    Subject::Page(page_id.to_owned()).doc_id()
}

fn encode(message: &Message) -> Arc<[u8]> {
    let mut encoder = EncoderV1::new();
    message.encode(&mut encoder);
    Arc::from(encoder.to_vec())
}

/// A page and its space, for someone who may edit it.
async fn load_page(conn: &mut Conn, actor: &Actor, page_id: &str) -> Result<(PageRow, store_spaces::SpaceView)> {
    let page = stoa_store::wiki::page_by_id(conn, page_id).await?.ok_or(CoreError::NotFound)?;
    let view = crate::spaces::load_by_id(conn, actor, &page.space_id, Action::Post).await?;
    if page.protected != 0 && !allowed(actor, &view, Action::Curate) {
        return Err(CoreError::Forbidden);
    }
    Ok((page, view))
}

/// What opening a document needs to know of its subject.
struct Loaded {
    space_id: String,
    parent_id: Option<String>,
    /// The page, for a page's text.
    page: Option<PageRow>,
}

/// The subject of a document and its space, for someone who may edit it:
/// a page as [`load_page`] says; an event's notes, anyone who may take part
/// in the event's space.
async fn load_subject(conn: &mut Conn, actor: &Actor, subject: &Subject) -> Result<Loaded> {
    match subject {
        Subject::Page(page_id) => {
            let (page, view) = load_page(conn, actor, page_id).await?;
            Ok(Loaded { space_id: page.space_id.clone(), parent_id: view.space.parent_id, page: Some(page) })
        }
        Subject::Notes(event_id) => {
            let event = stoa_store::calendar::by_id(conn, event_id).await?.ok_or(CoreError::NotFound)?;
            let view = crate::spaces::load_by_id(conn, actor, &event.space_id, Action::Post).await?;
            Ok(Loaded { space_id: event.space_id, parent_id: view.space.parent_id, page: None })
        }
    }
}

/// Whether `actor` may still edit the room's document.
pub async fn recheck(app: &Stoa, actor: &Actor, room: &DocRoom) -> Result<()> {
    let mut conn = app.store.read().await?;
    load_subject(&mut conn, actor, &room.subject).await.map(|_| ())
}

/// A connection's place in a document room.
pub struct Joined {
    pub room: Arc<DocRoom>,
    pub frames: broadcast::Receiver<DocFrame>,
    /// What the server says first: its state vector and the awareness.
    pub greeting: Vec<Arc<[u8]>>,
}

/// Opens a live document for someone who may edit it.
pub async fn join(app: &Stoa, actor: &Actor, subject: &Subject) -> Result<Joined> {
    let loaded = {
        let mut conn = app.store.read().await?;
        load_subject(&mut conn, actor, subject).await?
    };
    let id = subject.doc_id();
    let room = match app.docs.get(&id) {
        Some(room) => room,
        None => {
            let _opening = app.docs.opening.lock().await;
            match app.docs.get(&id) {
                Some(room) => room,
                None => open(app, subject, loaded).await?,
            }
        }
    };
    let frames = room.frames.subscribe();
    let state = room.state.lock().await;
    let sv = state.awareness.doc().transact().state_vector();
    let present = state.awareness.update().map_err(internal)?;
    drop(state);
    // One message a frame: the JavaScript client reads only the first
    // message of a frame, and would miss who is already here.
    let mut greeting = vec![encode(&Message::Sync(SyncMessage::SyncStep1(sv)))];
    if !present.clients.is_empty() {
        greeting.push(encode(&Message::Awareness(present)));
    }
    Ok(Joined { room, frames, greeting })
}

fn internal(e: impl std::fmt::Display) -> CoreError {
    CoreError::Internal(e.to_string())
}

/// Why a document did not take an update.
#[derive(Debug)]
enum Fault {
    /// The update was refused ([`wire`]); the document is untouched.
    Refused(Refusal),
    /// yrs failed or panicked while integrating an update it was given as
    /// valid: the document may be inconsistent and must be dropped.
    Broken(&'static str),
}

/// Checks `bytes` against `doc` ([`wire::check_update`]) and applies them.
///
/// yrs runs under `catch_unwind` as a last line of defence only: a panic
/// inside its transaction's drop, while unwinding from another, aborts the
/// process, so the check before it is what keeps the server up.
fn apply_checked(doc: &yrs::Doc, bytes: &[u8], limits: &Limits) -> std::result::Result<wire::Summary, Fault> {
    let text = doc.get_or_insert_text(TEXT);
    let (sv, len) = {
        let txn = doc.transact();
        (txn.state_vector(), text.len(&txn))
    };
    let known = |client: u64| sv.get(&yrs::block::ClientID::new(client));
    let summary = wire::check_update(bytes, &known, u64::from(len), limits).map_err(Fault::Refused)?;
    if summary.empty {
        return Ok(summary);
    }
    let applied = std::panic::catch_unwind(AssertUnwindSafe(|| {
        let update = Update::decode_v1(bytes).map_err(|_| "the update could not be decoded")?;
        let mut txn = doc.transact_mut();
        txn.apply_update(update).map_err(|_| "the update could not be applied")?;
        let missing = txn.has_missing_updates();
        drop(txn);
        if missing { Err("the update left parts waiting for others") } else { Ok(()) }
    }));
    match applied {
        Ok(Ok(())) => Ok(summary),
        Ok(Err(why)) => Err(Fault::Broken(why)),
        Err(_) => Err(Fault::Broken("yrs panicked while applying the update")),
    }
}

/// The limits that stored state is read with: only its shape is checked
/// (a document may have been written under larger limits).
fn stored_limits() -> Limits {
    Limits { max_update_bytes: usize::MAX, max_doc_bytes: usize::MAX, max_text_bytes: u64::MAX, ..Limits::default() }
}

/// A document that cannot be loaded: marks it quarantined (its rooms
/// refuse connections until an admin starts it afresh) and says so.
async fn quarantine(app: &Stoa, id: &str, fault: &Fault) -> CoreError {
    let reason = match fault {
        Fault::Refused(refusal) => refusal.reason(),
        Fault::Broken(why) => why,
    };
    tracing::error!(doc = %id, reason, "a live document could not be loaded: quarantined");
    let marked = async {
        let mut tx = app.store.begin().await?;
        store::quarantine(&mut tx, id, reason, app.now()).await?;
        stoa_store::commit(tx).await?;
        Ok::<_, CoreError>(())
    };
    if let Err(e) = marked.await {
        tracing::warn!(error = %e, doc = %id, "could not mark a document quarantined");
    }
    CoreError::Quarantined
}

/// Loads a stored document (its snapshot, then every update after it),
/// checking each as a client's would be. Returns the document and the
/// `seq` of the last update in it.
async fn load(app: &Stoa, row: &DocRow) -> Result<(yrs::Doc, i64)> {
    let limits = stored_limits();
    let mut conn = app.store.read().await?;
    let mut row = row.clone();
    loop {
        let doc = yrs::Doc::new();
        if let Err(fault) = apply_checked(&doc, &row.snapshot, &limits) {
            drop(conn);
            return Err(quarantine(app, &row.id, &fault).await);
        }
        let mut after = row.snapshot_seq;
        loop {
            let rows = store::updates_after(&mut conn, &row.id, after, 500).await?;
            let read = rows.len();
            for r in rows {
                if let Err(fault) = apply_checked(&doc, &r.body, &limits) {
                    drop(conn);
                    return Err(quarantine(app, &row.id, &fault).await);
                }
                after = r.seq;
            }
            if read < 500 {
                break;
            }
        }
        // Compacted meanwhile: updates read past may be gone; read again.
        let now = store::by_id(&mut conn, &row.id).await?.ok_or(CoreError::NotFound)?;
        if now.snapshot_seq == row.snapshot_seq {
            return Ok((doc, after));
        }
        row = now;
    }
}

/// Loads (or first creates) the document and opens its room here, bringing
/// a page's text in line with the page if it was saved through the form
/// since.
async fn open(app: &Stoa, subject: &Subject, loaded: Loaded) -> Result<Arc<DocRoom>> {
    let id = subject.doc_id();
    let Loaded { space_id, parent_id, page } = loaded;
    let row = {
        let mut conn = app.store.read().await?;
        store::by_id(&mut conn, &id).await?
    };
    let row = match row {
        Some(row) if row.quarantined_at.is_some() => return Err(CoreError::Quarantined),
        Some(row) => row,
        None => {
            // The first text is the page's (notes start empty); written
            // once, by whichever node gets there first, so the same words
            // are never inserted twice.
            let doc = yrs::Doc::new();
            let text = doc.get_or_insert_text(TEXT);
            if let Some(page) = &page {
                text.insert(&mut doc.transact_mut(), 0, &page.body);
            }
            let snapshot = doc.transact().encode_state_as_update_v1(&StateVector::default());
            let (page_id, revision) = page.as_ref().map_or((None, 0), |p| (Some(p.id.as_str()), p.revision));
            let mut tx = app.store.begin().await?;
            store::create(&mut tx, &id, &space_id, page_id, &snapshot, revision, app.now()).await?;
            let row = store::by_id(&mut tx, &id).await?.ok_or(CoreError::NotFound)?;
            stoa_store::commit(tx).await?;
            row
        }
    };
    let (doc, applied) = load(app, &row).await?;
    let room = Arc::new(DocRoom {
        id: id.clone(),
        space_id,
        subject: subject.clone(),
        parent_id,
        state: Mutex::new(State {
            awareness: Awareness::new(doc),
            applied,
            ahead: BTreeSet::new(),
            snapshot_seq: row.snapshot_seq,
            snapshot_bytes: row.snapshot.len(),
            log_bytes: 0,
            compacting: false,
            oversize: false,
        }),
        frames: broadcast::Sender::new(CAPACITY),
        batch: std::sync::Mutex::default(),
    });
    catch_up(app, &room).await?;
    if let Some(page) = &page
        && page.revision > row.base_revision
    {
        merge_revision(app, &room, page, row.base_revision).await?;
    }
    app.docs.rooms.lock().unwrap_or_else(|e| e.into_inner()).insert(id.clone(), Arc::downgrade(&room));
    tokio::spawn(watch(app.clone(), Arc::downgrade(&room), app.live.latest()));
    // People editing on other nodes: they say who they are.
    let query = Signal::AwareQuery { doc: id, node: app.node_id.to_string() };
    if let Err(e) = app.store.signal(&serde_json::to_string(&query).unwrap_or_default()).await {
        tracing::warn!(error = %e, "could not ask other nodes who is editing");
    }
    Ok(room)
}

/// Applies what other nodes wrote since this room's last update.
///
/// The updates are read before the snapshot: compaction replaces the
/// snapshot and deletes the updates it holds in one transaction, so any
/// update missing from the read is in the snapshot read after it.
async fn catch_up(app: &Stoa, room: &DocRoom) -> Result<()> {
    let limits = stored_limits();
    loop {
        let mut conn = app.store.read().await?;
        let mut state = room.state.lock().await;
        let rows = store::updates_after(&mut conn, &room.id, state.applied, 500).await?;
        let row = store::by_id(&mut conn, &room.id).await?.ok_or(CoreError::NotFound)?;
        if row.snapshot_seq > state.applied {
            // Folded by another node past what this one has read: the
            // snapshot holds it all (applying what is known is harmless).
            if let Err(fault) = apply_checked(state.awareness.doc(), &row.snapshot, &limits) {
                drop(state);
                fail(app, room, "its snapshot could not be read");
                return Err(quarantine(app, &room.id, &fault).await);
            }
            state.applied = row.snapshot_seq;
            state.ahead.retain(|s| *s > row.snapshot_seq);
            state.snapshot_bytes = row.snapshot.len();
            state.log_bytes = 0;
            room.publish(0, &Message::Sync(SyncMessage::Update(row.snapshot.clone())));
        }
        state.snapshot_seq = state.snapshot_seq.max(row.snapshot_seq);
        let read = rows.len();
        for r in rows {
            if r.seq <= state.applied {
                continue;
            }
            if !state.ahead.remove(&r.seq) {
                state.log_bytes += r.body.len();
                if let Err(fault) = apply_checked(state.awareness.doc(), &r.body, &limits) {
                    drop(state);
                    fail(app, room, "an update from another node could not be read");
                    return Err(quarantine(app, &room.id, &fault).await);
                }
                room.publish(0, &Message::Sync(SyncMessage::Update(r.body)));
            }
            state.applied = r.seq;
        }
        if read < 500 {
            return Ok(());
        }
    }
}

impl DocRoom {
    fn publish(&self, from: u64, message: &Message) {
        let _ = self.frames.send(DocFrame::Message { from, bytes: encode(message) });
    }

    /// The current text.
    pub async fn text(&self) -> String {
        let state = self.state.lock().await;
        let doc = state.awareness.doc();
        let text = doc.get_or_insert_text(TEXT);
        text.get_string(&doc.transact())
    }
}

/// What a connection's message asks for.
pub enum Handled {
    /// Send these back to the sender.
    Reply(Vec<Arc<[u8]>>),
    /// The message was refused, and nothing of it applied: the client is
    /// disconnected, with a close code that says why.
    Refused(Refusal),
}

/// Bytes of a connection's updates that may wait for the disk at once
/// (counted in KiB, each update at least one): past this its next message
/// is read only once some are written.
const UNWRITTEN_KIB: u32 = 2048;

/// What the room keeps of one connection.
pub struct Peer {
    /// Awareness client ids it has spoken for (removed when it goes).
    speaks: BTreeSet<yrs::block::ClientID>,
    /// Its share of updates waiting for the disk.
    unwritten: Arc<Semaphore>,
}

impl Default for Peer {
    fn default() -> Self {
        Self { speaks: BTreeSet::new(), unwritten: Arc::new(Semaphore::new(UNWRITTEN_KIB as usize)) }
    }
}

/// Handles one binary message from connection `from` of `actor`.
///
/// An update is applied and queued for the disk; it is sent to the others
/// once written, and meanwhile the connection's next message can be read
/// (within its share of [`UNWRITTEN_KIB`]).
pub async fn handle(
    app: &Stoa,
    room: &Arc<DocRoom>,
    from: u64,
    peer: &mut Peer,
    actor: &Actor,
    data: &[u8],
) -> Result<Handled> {
    let limits = &app.config.coedit;
    // Read without trusting it first; yrs decodes only what passed.
    let parts = match wire::parts(data, limits) {
        Ok(parts) => parts,
        Err(refusal) => return Ok(Handled::Refused(refusal)),
    };
    let mut replies = Vec::new();
    for part in parts {
        match part {
            wire::Part::SyncStep1(bytes) => {
                let sv = StateVector::decode_v1(bytes).map_err(internal)?;
                let state = room.state.lock().await;
                let update = state.awareness.doc().transact().encode_state_as_update_v1(&sv);
                replies.push(encode(&Message::Sync(SyncMessage::SyncStep2(update))));
            }
            wire::Part::Update(bytes) => {
                if let Err(refusal) = write(app, room, from, peer, actor, bytes.to_vec()).await? {
                    return Ok(Handled::Refused(refusal));
                }
            }
            wire::Part::Awareness(bytes) => {
                let update = AwarenessUpdate::decode_v1(bytes).map_err(internal)?;
                let speaks = update.clients.keys().filter(|id| !peer.speaks.contains(id)).count();
                if peer.speaks.len() + speaks > limits.max_aware_clients {
                    return Ok(Handled::Refused(Refusal::TooLarge("awareness for too many clients")));
                }
                peer.speaks.extend(update.clients.keys().copied());
                room.state.lock().await.awareness.apply_update(update.clone()).map_err(internal)?;
                room.publish(from, &Message::Awareness(update));
                signal_awareness(app, room, bytes).await;
            }
            wire::Part::AwarenessQuery => {
                let state = room.state.lock().await;
                replies.push(encode(&Message::Awareness(state.awareness.update().map_err(internal)?)));
            }
            wire::Part::Ignored => {}
        }
    }
    Ok(Handled::Reply(replies))
}

/// Checks an update, applies it and queues it for the disk; refused (with
/// nothing applied or written) when it is not something the editor sends
/// or it would take the document past its limits.
async fn write(
    app: &Stoa,
    room: &Arc<DocRoom>,
    from: u64,
    peer: &Peer,
    actor: &Actor,
    bytes: Vec<u8>,
) -> Result<std::result::Result<(), Refusal>> {
    let limits = &app.config.coedit;
    let kib = u32::try_from(bytes.len() / 1024 + 1).unwrap_or(UNWRITTEN_KIB).min(UNWRITTEN_KIB);
    let permit = peer.unwritten.clone().acquire_many_owned(kib).await.map_err(internal)?;
    let mut state = room.state.lock().await;
    if state.snapshot_bytes + state.log_bytes + bytes.len() > limits.max_doc_bytes {
        // The updates since the snapshot may be mostly text deleted since:
        // measure the document itself, and fold them in if it is small.
        let size = state.awareness.doc().transact().encode_state_as_update_v1(&StateVector::default()).len();
        if size + bytes.len() > limits.max_doc_bytes {
            return Ok(Err(Refusal::TooLarge("the document is at its largest")));
        }
        state.oversize = true;
    }
    match apply_checked(state.awareness.doc(), &bytes, limits) {
        Ok(summary) if summary.empty => return Ok(Ok(())),
        Ok(_) => {}
        Err(Fault::Refused(refusal)) => return Ok(Err(refusal)),
        Err(Fault::Broken(why)) => {
            // Nothing of it is written; the room starts afresh from the disk.
            let update = base64::engine::general_purpose::STANDARD.encode(&bytes);
            tracing::error!(doc = %room.id, why, update, "an update passed the checks but broke the document");
            drop(state);
            fail(app, room, why);
            return Ok(Err(Refusal::Invalid("the update could not be applied")));
        }
    }
    state.log_bytes += bytes.len();
    // Queued under the document's lock: updates reach the disk in the
    // order they were applied.
    let pending = Pending { bytes, user: actor.id().map(str::to_owned), from, _unwritten: Some(permit), done: None };
    enqueue(app, room, pending)?;
    drop(state);
    Ok(Ok(()))
}

/// Drops a room whose document in memory can no longer be trusted: every
/// connection closes and its client resynchronises with a room opened
/// afresh from the disk. Updates still waiting for the disk are abandoned.
fn fail(app: &Stoa, room: &DocRoom, why: &str) {
    tracing::warn!(doc = %room.id, why, "a document room was dropped");
    app.docs.forget(&room.id);
    let abandoned = {
        let mut batch = room.batch.lock().unwrap_or_else(|e| e.into_inner());
        batch.failed = true;
        batch.writing = false;
        std::mem::take(&mut batch.pending)
    };
    let _ = room.frames.send(DocFrame::Failed);
    for p in abandoned {
        if let Some(done) = p.done {
            let _ = done.send(Err(why.to_owned()));
        }
    }
}

/// Queues an update, already applied to the room's document, for the disk
/// (see [`Batch`]); refused when the room has failed.
fn enqueue(app: &Stoa, room: &Arc<DocRoom>, pending: Pending) -> Result<()> {
    let lead = {
        let mut batch = room.batch.lock().unwrap_or_else(|e| e.into_inner());
        if batch.failed {
            return Err(CoreError::Internal("the document could not be written".into()));
        }
        batch.pending.push(pending);
        !std::mem::replace(&mut batch.writing, true)
    };
    if lead {
        // A task of its own: a connection that goes while its updates wait
        // must not leave them unwritten.
        tokio::spawn(write_batches(app.clone(), room.clone()));
    }
    Ok(())
}

/// Writes an update of the server's own (a revision brought into the
/// text) and returns once it is on disk and sent.
async fn write_and_wait(app: &Stoa, room: &Arc<DocRoom>, bytes: Vec<u8>) -> Result<()> {
    let (done, written) = oneshot::channel();
    let pending = Pending { bytes, user: None, from: 0, _unwritten: None, done: Some(done) };
    enqueue(app, room, pending)?;
    match written.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(CoreError::Internal(e)),
        Err(_) => Err(CoreError::Internal("an update's write was abandoned".into())),
    }
}

/// Writes batches of a document's updates, one transaction each, until
/// none is waiting; each batch is sent to the room once it is durable.
async fn write_batches(app: Stoa, room: Arc<DocRoom>) {
    loop {
        let items: Vec<Pending> = {
            let mut batch = room.batch.lock().unwrap_or_else(|e| e.into_inner());
            if batch.pending.is_empty() || batch.failed {
                batch.writing = false;
                return;
            }
            let n = batch.pending.len().min(store::APPEND_MAX);
            batch.pending.drain(..n).collect()
        };
        let written = async {
            let rows: Vec<(&[u8], Option<&str>)> =
                items.iter().map(|p| (p.bytes.as_slice(), p.user.as_deref())).collect();
            let mut tx = app.store.begin().await?;
            let seqs = store::append_many(&mut tx, &room.id, &rows, app.now()).await?;
            stoa_store::commit(tx).await?;
            Ok::<_, CoreError>(seqs)
        };
        match written.await {
            Ok(seqs) => {
                let mut done = Vec::new();
                for p in items {
                    room.publish(p.from, &Message::Sync(SyncMessage::Update(p.bytes)));
                    done.extend(p.done);
                }
                after_write(&app, &room, &seqs).await;
                for d in done {
                    let _ = d.send(Ok(()));
                }
            }
            Err(e) => {
                // Memory holds what the disk does not: start afresh from the disk.
                tracing::warn!(error = %e, doc = %room.id, "could not write a document's updates");
                let message = e.to_string();
                for p in items {
                    if let Some(done) = p.done {
                        let _ = done.send(Err(message.clone()));
                    }
                }
                fail(&app, &room, &message);
                return;
            }
        }
    }
}

/// Bookkeeping after this node wrote a batch of updates (their `seq`s, in
/// order): tells the other nodes, and folds the
/// updates into the snapshot when they are due (see [`COMPACT_AFTER`]).
async fn after_write(app: &Stoa, room: &Arc<DocRoom>, seqs: &[i64]) {
    let compact = {
        let mut state = room.state.lock().await;
        for &seq in seqs {
            if seq == state.applied + 1 {
                state.applied = seq;
                loop {
                    let next = state.applied + 1;
                    if !state.ahead.remove(&next) {
                        break;
                    }
                    state.applied = next;
                }
            } else if seq > state.applied {
                state.ahead.insert(seq);
            }
        }
        state.due().then(|| {
            state.compacting = true;
            let snapshot = state.awareness.doc().transact().encode_state_as_update_v1(&StateVector::default());
            (snapshot, state.applied, state.log_bytes)
        })
    };
    let payload = serde_json::to_string(&Signal::Doc { doc: room.id.clone(), node: app.node_id.to_string() });
    if let Err(e) = app.store.signal(&payload.unwrap_or_default()).await {
        tracing::warn!(error = %e, "could not tell other nodes of a document update");
    }
    if let Some((snapshot, upto, folded)) = compact {
        // Beside the writes, which need not wait for it. The snapshot may
        // hold updates applied but not yet written (past `upto`): applying
        // them again when they are read is harmless.
        tokio::spawn(fold(app.clone(), room.clone(), snapshot, upto, folded));
    }
}

/// Replaces the snapshot with `snapshot`, which holds every update up to
/// `upto` (`folded` bytes of them since the last).
async fn fold(app: Stoa, room: Arc<DocRoom>, snapshot: Vec<u8>, upto: i64, folded: usize) {
    let written = async {
        let mut tx = app.store.begin().await?;
        let done = store::compact(&mut tx, &room.id, &snapshot, upto).await?;
        stoa_store::commit(tx).await?;
        Ok::<_, CoreError>(done)
    };
    let outcome = written.await;
    let mut state = room.state.lock().await;
    state.compacting = false;
    match outcome {
        Ok(true) => {
            state.snapshot_seq = state.snapshot_seq.max(upto);
            state.snapshot_bytes = snapshot.len();
            state.log_bytes = state.log_bytes.saturating_sub(folded);
            state.oversize = false;
        }
        Ok(false) => {}
        Err(e) => tracing::warn!(error = %e, "could not compact a document"),
    }
}

/// A connection goes: the awareness of the clients it spoke for goes too.
pub async fn leave(app: &Stoa, room: &DocRoom, peer: &Peer) {
    let speaks = &peer.speaks;
    if speaks.is_empty() {
        return;
    }
    let update = {
        let mut state = room.state.lock().await;
        for id in speaks {
            state.awareness.remove_state(*id);
        }
        state.awareness.update_with_clients(speaks.iter().copied())
    };
    if let Ok(update) = update {
        let bytes = update.encode_v1();
        room.publish(0, &Message::Awareness(update));
        signal_awareness(app, room, &bytes).await;
    }
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "s", rename_all = "snake_case")]
enum Signal {
    /// A document has new updates in the database.
    Doc { doc: String, node: String },
    /// An awareness update (base64), from `node`.
    Aware { doc: String, node: String, update: String },
    /// `node` opened the document: the others say who is there.
    AwareQuery { doc: String, node: String },
}

async fn signal_awareness(app: &Stoa, room: &DocRoom, bytes: &[u8]) {
    let update = base64::engine::general_purpose::STANDARD.encode(bytes);
    if update.len() > stoa_store::signals::MAX_BYTES - 200 {
        return;
    }
    let signal = Signal::Aware { doc: room.id.clone(), node: app.node_id.to_string(), update };
    if let Err(e) = app.store.signal(&serde_json::to_string(&signal).unwrap_or_default()).await {
        tracing::warn!(error = %e, "could not tell other nodes of an awareness change");
    }
}

/// Hands a signal from another node to the document room it is about, if
/// it is open here. Returns whether the payload was a document signal.
pub(crate) fn on_signal(app: &Stoa, payload: &str) -> bool {
    let Ok(signal) = serde_json::from_str::<Signal>(payload) else {
        return false;
    };
    match signal {
        Signal::Doc { doc, node } => {
            if node != *app.node_id
                && let Some(room) = app.docs.get(&doc)
            {
                let app = app.clone();
                tokio::spawn(async move {
                    if let Err(e) = catch_up(&app, &room).await {
                        tracing::warn!(error = %e, "could not read another node's document updates");
                    }
                });
            }
        }
        Signal::AwareQuery { doc, node } => {
            if node != *app.node_id
                && let Some(room) = app.docs.get(&doc)
            {
                let app = app.clone();
                tokio::spawn(async move {
                    let update = room.state.lock().await.awareness.update();
                    if let Ok(update) = update
                        && !update.clients.is_empty()
                    {
                        signal_awareness(&app, &room, &update.encode_v1()).await;
                    }
                });
            }
        }
        Signal::Aware { doc, node, update } => {
            if node != *app.node_id
                && let Some(room) = app.docs.get(&doc)
                && let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(update)
                && let Ok(update) = AwarenessUpdate::decode_v1(&bytes)
            {
                tokio::spawn(async move {
                    let applied = room.state.lock().await.awareness.apply_update(update.clone());
                    if applied.is_ok() {
                        room.publish(0, &Message::Awareness(update));
                    }
                });
            }
        }
    }
    true
}

/// Signals may have been lost: every open room reads the database again.
pub(crate) fn on_missed(app: &Stoa) {
    for room in app.docs.all() {
        let app = app.clone();
        tokio::spawn(async move {
            if let Err(e) = catch_up(&app, &room).await {
                tracing::warn!(error = %e, "could not catch a document up");
            }
        });
    }
}

/// Kinds after which the people in a room are asked again.
const RECHECK: [&str; 6] = [
    kind::MEMBER_LEFT,
    kind::MEMBER_REMOVED,
    kind::MEMBER_ROLE_CHANGED,
    kind::SPACE_UPDATED,
    kind::FACILITATOR_SCOPED,
    kind::WIKI_PAGE_CHANGED,
];

/// Follows the log for a room: membership changes (everyone is asked
/// again) and revisions of the page saved elsewhere (brought into the
/// text). Ends once nobody holds the room.
async fn watch(app: Stoa, room: Weak<DocRoom>, mut cursor: i64) {
    let mut wake = app.live.watch();
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    loop {
        {
            let Some(room) = room.upgrade() else { return };
            let mut spaces = vec![room.space_id.clone()];
            spaces.extend(room.parent_id.clone());
            let read = async {
                let mut conn = app.store.read().await?;
                Ok::<_, CoreError>(
                    events::in_spaces_or_kinds_after(&mut conn, &spaces, &[kind::ADMIN_USER_CHANGED], cursor, 200)
                        .await?,
                )
            };
            match read.await {
                Ok(batch) => {
                    let mut recheck = false;
                    let mut revised = false;
                    for e in &batch {
                        recheck |= RECHECK.contains(&e.kind.as_str()) || e.kind == kind::ADMIN_USER_CHANGED;
                        revised |= e.kind == kind::WIKI_PAGE_EDITED
                            && matches!(&room.subject, Subject::Page(id) if e.subject_id.as_deref() == Some(id));
                        cursor = e.seq;
                    }
                    if recheck {
                        let _ = room.frames.send(DocFrame::Recheck);
                    }
                    if revised && let Err(e) = follow_page(&app, &room).await {
                        tracing::warn!(error = %e, "could not bring a document in line with its page");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "a document room could not read the event log"),
            }
        }
        tokio::select! {
            changed = wake.changed() => if changed.is_err() { return },
            _ = tick.tick() => {}
        }
    }
}

/// A revision was saved: if it is newer than what the text is in step
/// with (someone used the form), bring its words into the text.
async fn follow_page(app: &Stoa, room: &Arc<DocRoom>) -> Result<()> {
    let Subject::Page(page_id) = &room.subject else { return Ok(()) };
    let (page, row) = {
        let mut conn = app.store.read().await?;
        let page = stoa_store::wiki::page_by_id(&mut conn, page_id).await?.ok_or(CoreError::NotFound)?;
        let row = store::by_id(&mut conn, &room.id).await?.ok_or(CoreError::NotFound)?;
        (page, row)
    };
    if page.revision > row.base_revision {
        merge_revision(app, room, &page, row.base_revision).await?;
    }
    Ok(())
}

/// Brings a revision saved through the form into the live text: merged
/// with what was written live since revision `base` when the two touch
/// different lines. When they overlap, the live text stays as it is (no
/// keystroke is thrown away) and still counts from `base`, so saving it
/// as a version meets the conflict and asks the saver to resolve it.
async fn merge_revision(app: &Stoa, room: &Arc<DocRoom>, page: &PageRow, base: i64) -> Result<()> {
    let base_text = {
        let mut conn = app.store.read().await?;
        stoa_store::wiki::revision(&mut conn, &page.id, base).await?.map(|r| r.body)
    };
    merge_text(app, room, base_text.as_deref(), &page.body, page.revision).await
}

/// Merges `theirs` (revision `revision`, made from `base`) into the live
/// text; see [`merge_revision`].
async fn merge_text(app: &Stoa, room: &Arc<DocRoom>, base: Option<&str>, theirs: &str, revision: i64) -> Result<()> {
    let live = room.text().await;
    let merged = match base {
        Some(base) => stoa_domain::wiki::merge(base, &live, theirs),
        None => stoa_domain::wiki::Merged::Clean(theirs.to_owned()),
    };
    match merged {
        stoa_domain::wiki::Merged::Clean(text) => bring_in_line(app, room, &text, revision).await,
        stoa_domain::wiki::Merged::Conflict => Ok(()),
    }
}

/// Changes the live text into `target` (line by line, as one update from
/// the server) and records that it is in step with `revision`.
async fn bring_in_line(app: &Stoa, room: &Arc<DocRoom>, target: &str, revision: i64) -> Result<()> {
    let bytes = {
        let mut state = room.state.lock().await;
        let doc = state.awareness.doc();
        let text = doc.get_or_insert_text(TEXT);
        let mut txn = doc.transact_mut();
        let current = text.get_string(&txn);
        if current != target {
            let diff = similar::TextDiff::from_lines(current.as_str(), target);
            let (old, new) = (diff.old_slices(), diff.new_slices());
            let mut offsets = Vec::with_capacity(old.len() + 1);
            offsets.push(0usize);
            for line in old {
                offsets.push(offsets.last().copied().unwrap_or(0) + line.len());
            }
            // From the end, so earlier byte offsets stay valid.
            for op in diff.ops().iter().rev() {
                let (tag, old_range, new_range) = op.as_tag_tuple();
                if tag == similar::DiffTag::Equal {
                    continue;
                }
                let at = offsets[old_range.start];
                let len = offsets[old_range.end] - at;
                if len > 0 {
                    text.remove_range(&mut txn, at as u32, len as u32);
                }
                let inserted: String = new[new_range].concat();
                if !inserted.is_empty() {
                    text.insert(&mut txn, at as u32, &inserted);
                }
            }
        }
        let bytes = txn.encode_update_v1();
        drop(txn);
        state.log_bytes += bytes.len();
        bytes
    };
    let update_is_empty = Update::decode_v1(&bytes).map(|u| u.is_empty()).unwrap_or(true);
    if !update_is_empty {
        write_and_wait(app, room, bytes).await?;
    }
    let mut tx = app.store.begin().await?;
    store::set_base_revision(&mut tx, &room.id, revision).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// Saves the live text as a new revision of the page (with a summary),
/// merged with any revision saved through the form since the text was last
/// in step with the page.
pub async fn save_version(app: &Stoa, actor: &Actor, page_id: &str, summary: &str) -> Result<crate::wiki::Saved> {
    let (page, view, text, base) = {
        let mut conn = app.store.read().await?;
        let (page, view) = load_page(&mut conn, actor, page_id).await?;
        let row = store::by_id(&mut conn, &doc_id(page_id)).await?;
        drop(conn);
        let (text, base) = match (app.docs.get(&doc_id(page_id)), row) {
            (Some(room), Some(row)) => (room.text().await, row.base_revision),
            (None, Some(row)) => (stored_text(app, &row).await?, row.base_revision),
            (_, None) => (page.body.clone(), page.revision),
        };
        (page, view, text, base)
    };
    let saved = crate::wiki::save(
        app,
        actor,
        &view.space.slug,
        &page.slug,
        base.clamp(1, page.revision),
        crate::wiki::PageInput {
            title: page.title.clone(),
            body: text.clone(),
            summary: summary.to_owned(),
            parent: None,
        },
    )
    .await?;
    if let crate::wiki::Saved::Saved { revision, .. } = &saved {
        let after = {
            let mut conn = app.store.read().await?;
            stoa_store::wiki::page_by_id(&mut conn, page_id).await?.ok_or(CoreError::NotFound)?
        };
        match app.docs.get(&doc_id(page_id)) {
            // Words typed while saving stay: merged, from what was saved.
            Some(room) => merge_text(app, &room, Some(&text), &after.body, *revision).await?,
            None => {
                let mut tx = app.store.begin().await?;
                store::set_base_revision(&mut tx, &doc_id(page_id), *revision).await?;
                stoa_store::commit(tx).await?;
            }
        }
    }
    Ok(saved)
}

/// The text of a stored document (snapshot and updates). Read again if
/// the document was compacted meanwhile (updates it read past may be gone).
async fn stored_text(app: &Stoa, row: &DocRow) -> Result<String> {
    if row.quarantined_at.is_some() {
        return Err(CoreError::Quarantined);
    }
    let (doc, _) = load(app, row).await?;
    let text = doc.get_or_insert_text(TEXT);
    Ok(text.get_string(&doc.transact()))
}

/// The live text of a page as stored, for someone who may edit it (`None`
/// when nobody has opened it live yet).
pub async fn live_text(app: &Stoa, actor: &Actor, page_id: &str) -> Result<Option<String>> {
    let row = {
        let mut conn = app.store.read().await?;
        load_page(&mut conn, actor, page_id).await?;
        store::by_id(&mut conn, &doc_id(page_id)).await?
    };
    match row {
        Some(row) => Ok(Some(stored_text(app, &row).await?)),
        None => Ok(None),
    }
}

/// The text of a document as it stands (in this node's room if it is open
/// here, else as stored), or `None` when nobody has written in it yet.
/// The caller has checked that the reader may see it.
pub(crate) async fn current_text(app: &Stoa, subject: &Subject) -> Result<Option<String>> {
    let id = subject.doc_id();
    if let Some(room) = app.docs.get(&id) {
        return Ok(Some(room.text().await));
    }
    let row = {
        let mut conn = app.store.read().await?;
        store::by_id(&mut conn, &id).await?
    };
    match row {
        Some(row) => Ok(Some(stored_text(app, &row).await?)),
        None => Ok(None),
    }
}

/// Writes `text` into a document from a form that was filled with `base`
/// (for those without the live editor): merged with what was written live
/// meanwhile. `Ok(false)`, with nothing written, when both changed the
/// same lines.
pub async fn write_text(app: &Stoa, actor: &Actor, subject: &Subject, base: &str, text: &str) -> Result<bool> {
    let Joined { room, .. } = join(app, actor, subject).await?;
    let live = room.text().await;
    let merged = match stoa_domain::wiki::merge(base, &live, text) {
        stoa_domain::wiki::Merged::Clean(merged) => merged,
        stoa_domain::wiki::Merged::Conflict => return Ok(false),
    };
    let revision = {
        let mut conn = app.store.read().await?;
        store::by_id(&mut conn, &room.id).await?.map_or(0, |row| row.base_revision)
    };
    bring_in_line(app, &room, &merged, revision).await?;
    Ok(true)
}

/// A live document set aside because it could not be loaded, as admins
/// see it listed.
#[derive(Debug, Clone, Serialize)]
pub struct Quarantined {
    /// The document's id (`wiki:{page id}` or `event:{event id}`).
    pub id: String,
    /// What it is the text of, and where that is.
    pub label: String,
    pub path: String,
    pub reason: String,
    pub at: i64,
}

/// Every quarantined document (instance admins only).
pub async fn quarantined(app: &Stoa, actor: &Actor) -> Result<Vec<Quarantined>> {
    crate::admin::require_admin(actor)?;
    let mut conn = app.store.read().await?;
    let rows = store::quarantined(&mut conn).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let (label, path) = match row.id.split_once(':') {
            Some(("wiki", page_id)) => match stoa_store::wiki::page_by_id(&mut conn, page_id).await? {
                Some(page) => {
                    let slug = store_spaces::view_by_id(&mut conn, &page.space_id, None)
                        .await?
                        .map(|v| v.space.slug)
                        .unwrap_or_default();
                    (page.title, format!("/s/{slug}/wiki/{}", page.slug))
                }
                None => (row.id.clone(), String::new()),
            },
            Some(("event", event_id)) => match stoa_store::calendar::by_id(&mut conn, event_id).await? {
                Some(event) => (event.title, format!("/events/{event_id}")),
                None => (row.id.clone(), String::new()),
            },
            _ => (row.id.clone(), String::new()),
        };
        out.push(Quarantined { id: row.id, label, path, reason: row.quarantine_reason, at: row.quarantined_at });
    }
    Ok(out)
}

/// Starts a quarantined document afresh (instance admins only): its stored
/// state is deleted, and the next person to open it gets the page's last
/// revision (an event's notes start empty). Recorded in the audit log.
pub async fn discard(app: &Stoa, actor: &Actor, doc_id: &str) -> Result<()> {
    crate::admin::require_admin(actor)?;
    let mut tx = app.store.begin().await?;
    let row = store::by_id(&mut tx, doc_id).await?.ok_or(CoreError::NotFound)?;
    if row.quarantined_at.is_none() {
        return Err(CoreError::Conflict("doc-not-quarantined"));
    }
    store::discard(&mut tx, doc_id).await?;
    events::append(
        &mut tx,
        events::NewEvent {
            kind: kind::DOC_DISCARDED,
            actor_id: actor.id(),
            space_id: Some(&row.space_id),
            subject_id: Some(doc_id),
            data: serde_json::json!({ "reason": row.quarantine_reason }),
        },
        app.now(),
    )
    .await?;
    stoa_store::commit(tx).await?;
    if let Some(room) = app.docs.get(doc_id) {
        fail(app, &room, "discarded by an admin");
    }
    Ok(())
}
