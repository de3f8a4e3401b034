//! Live updates: what a `/live` connection may follow and what it is sent.
//!
//! One reader per node (`route`, started with the first feed) reads each new event from the log once
//! and publishes it to the feeds that follow its thread or space (see
//! `stoa_live::Feeds`), serialized once per feed: the work of an event does
//! not grow with the connections that are told of it. Who may be told is
//! decided by the permission policy when a connection follows a topic, and
//! again by each connection when the reader says it may have changed (a
//! member left or was removed, a role or the space changed, the thread
//! moved or was hidden), so someone removed from a space stops receiving at
//! once. A post only some readers may see (its thread hidden, scheduled or
//! in post-first mode) is checked by each connection. Only kinds and ids go
//! out, never content: the page reads a new reply through the usual,
//! permission-checked routes. A connection that resumes (`since`) or falls
//! behind its feed reads from the log itself ([`thread_events`],
//! [`space_events`]).

use std::sync::Arc;

use stoa_domain::Action;
use stoa_live::{Feed, FeedKind, Frame, ServerMessage};
use stoa_store::events::{self, Event, kind};
use stoa_store::signals::{self, Heard};
use tokio::sync::broadcast;

use crate::discussions::{load_thread, visible_post};
use crate::{Actor, CoreError, Result, Stoa};

/// Events read per topic per wake-up, at most.
pub const BATCH: i64 = 100;

/// Something a connection can follow.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Topic {
    /// A thread's new, edited, deleted, hidden and restored posts and its
    /// state (`thread:{id}`).
    Thread(String),
    /// New threads and replies in a space (`space:{slug}`).
    Space(String),
    /// The reader's unread notifications (`notifications`).
    Notifications,
}

impl Topic {
    pub fn parse(raw: &str) -> Result<Self> {
        match raw.split_once(':') {
            Some(("thread", id)) if !id.is_empty() && id.len() <= 64 => Ok(Topic::Thread(id.to_owned())),
            Some(("space", slug)) if !slug.is_empty() && slug.len() <= 64 => Ok(Topic::Space(slug.to_owned())),
            None if raw == "notifications" => Ok(Topic::Notifications),
            _ => Err(CoreError::NotFound),
        }
    }

    pub fn name(&self) -> String {
        match self {
            Topic::Thread(id) => format!("thread:{id}"),
            Topic::Space(slug) => format!("space:{slug}"),
            Topic::Notifications => "notifications".to_owned(),
        }
    }
}

/// One thing that happened, as a connection is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveEvent {
    pub seq: i64,
    pub kind: String,
    pub subject_id: Option<String>,
    pub at: i64,
}

/// Moves the hub to the end of the event log.
pub async fn watch_log(app: &Stoa) -> Result<()> {
    let mut conn = app.store.read().await?;
    let last = events::last_seq(&mut conn).await?;
    app.live.advance(last);
    Ok(())
}

/// Listens to every node's signals (this one's included) and acts on them:
/// the log grew (the hub moves on), someone came or went or is typing in a
/// chat room. Runs until aborted.
pub async fn listen(app: &Stoa) {
    let mut ear = loop {
        match app.store.listen().await {
            Ok(ear) => break ear,
            Err(e) => {
                tracing::warn!(error = %e, "could not listen for signals; retrying");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        }
    };
    let caught_up = |app: &Stoa| {
        let app = app.clone();
        async move {
            if let Err(e) = watch_log(&app).await {
                tracing::warn!(error = %e, "could not read the event log's end");
            }
        }
    };
    caught_up(app).await;
    loop {
        match ear.recv().await {
            Heard::Signal(payload) if &*payload == signals::LOG => caught_up(app).await,
            Heard::Signal(payload) => {
                if !crate::chat::on_signal(app, &payload)
                    && !crate::coedit::on_signal(app, &payload)
                    && !crate::notifications::on_signal(app, &payload)
                {
                    tracing::debug!(%payload, "ignored an unknown signal");
                }
            }
            Heard::Missed => {
                caught_up(app).await;
                crate::chat::on_missed(app);
                crate::coedit::on_missed(app);
                crate::notifications::on_missed(app);
            }
        }
    }
}

/// A topic a connection follows through its feed.
pub struct Following {
    pub feed: Arc<Feed>,
    pub frames: broadcast::Receiver<Frame>,
    /// Events up to here are not sent (they came before, or were read from
    /// the log already).
    pub cursor: i64,
}

/// Follows a thread or space topic (`raw` as the client named it), once
/// the policy allows it, from now on.
pub async fn follow(app: &Stoa, actor: &Actor, raw: &str, topic: &Topic) -> Result<Following> {
    let mut conn = app.store.read().await?;
    let (kind, space_id) = match topic {
        Topic::Thread(id) => {
            let found = load_thread(&mut conn, actor, id, Action::ReadContent).await?;
            (FeedKind::Thread(id.clone()), found.space.space.id)
        }
        Topic::Space(slug) => {
            let view = crate::spaces::load(&mut conn, actor, slug, Action::ReadContent).await?;
            (FeedKind::Space(view.space.id.clone()), view.space.id)
        }
        Topic::Notifications => return Err(CoreError::NotFound),
    };
    let feed = app.feeds.open(raw, kind, &space_id);
    // Subscribed before the cursor is read: what the reader publishes from
    // here on reaches this connection.
    let frames = feed.subscribe();
    if app.feeds.claim_reader() {
        // The node's reader starts with the first feed (and stops when the
        // last one is gone), from the log's end.
        match events::last_seq(&mut conn).await {
            Ok(last) => app.feeds.set_routed(last),
            Err(e) => {
                app.feeds.release_reader();
                return Err(e.into());
            }
        }
        let app = app.clone();
        tokio::spawn(async move { route(&app).await });
    }
    Ok(Following { feed, frames, cursor: app.feeds.routed() })
}

/// Whether `actor` may see a post a feed guarded (see `Frame::Guarded`).
pub async fn may_see_post(app: &Stoa, actor: &Actor, post_id: &str) -> Result<bool> {
    let mut conn = app.store.read().await?;
    match visible_post(&mut conn, actor, post_id).await {
        Ok(_) => Ok(true),
        Err(CoreError::NotFound | CoreError::Forbidden | CoreError::SignInRequired) => Ok(false),
        Err(err) => Err(err),
    }
}

/// Publishes each new event to the feeds that follow it, from where the
/// feeds say it was; wakes when the hub moves on, and returns once no feed
/// is open on this node (the next to open starts it again).
async fn route(app: &Stoa) {
    let mut wake = app.live.watch();
    let mut cursor = app.feeds.routed();
    loop {
        loop {
            match route_batch(app, cursor).await {
                Ok(next) => {
                    let done = next - cursor < BATCH;
                    cursor = next;
                    if done {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "could not read new events for live connections");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    break;
                }
            }
        }
        if app.feeds.is_empty() {
            app.feeds.release_reader();
            // A feed opened meanwhile found the reader still running, so it
            // started none: go on for it.
            if app.feeds.is_empty() || !app.feeds.claim_reader() {
                return;
            }
        }
        if wake.changed().await.is_err() {
            app.feeds.release_reader();
            return;
        }
    }
}

/// Routes the events after `after` (a batch at most); returns the new cursor.
async fn route_batch(app: &Stoa, after: i64) -> Result<i64> {
    let mut conn = app.store.read().await?;
    let batch = events::after(&mut conn, after, BATCH).await?;
    let Some(last) = batch.last().map(|e| e.seq) else {
        return Ok(after);
    };
    for e in &batch {
        // Marked routed before it is published: a connection that follows
        // the feed meanwhile gets it at most once.
        app.feeds.set_routed(e.seq);
        if !app.feeds.is_empty() {
            route_event(app, &mut conn, e).await?;
        }
        if matches!(e.kind.as_str(), kind::MEMBER_LEFT | kind::MEMBER_REMOVED | kind::ADMIN_USER_CHANGED)
            && let Some(user) = &e.subject_id
        {
            // Their notifications from that space no longer count.
            app.unread.forget([user.as_str()]);
        }
    }
    Ok(last)
}

/// Kinds after which whoever follows a space's topics is asked again.
const RECHECK_HERE: [&str; 5] =
    [kind::MEMBER_LEFT, kind::MEMBER_REMOVED, kind::MEMBER_ROLE_CHANGED, kind::SPACE_UPDATED, kind::FACILITATOR_SCOPED];
/// Kinds after which whoever follows a thread is asked again.
const RECHECK_THREAD: [&str; 6] = [
    kind::THREAD_MOVED,
    kind::THREAD_MERGED,
    kind::THREAD_SPLIT,
    kind::THREAD_HIDDEN,
    kind::THREAD_RESTORED,
    kind::THREAD_SCHEDULED,
];

fn thread_of(e: &Event) -> Option<String> {
    let data: serde_json::Value = serde_json::from_str(&e.data).ok()?;
    data.get("thread_id").and_then(|t| t.as_str()).map(str::to_owned)
}

async fn route_event(app: &Stoa, conn: &mut stoa_store::Conn, e: &Event) -> Result<()> {
    let feeds = &app.feeds;
    let recheck = || Frame::Recheck { seq: e.seq };
    if e.kind == kind::ADMIN_USER_CHANGED {
        feeds.all().iter().for_each(|f| f.publish(recheck()));
        return Ok(());
    }
    if RECHECK_HERE.contains(&e.kind.as_str()) {
        if let Some(space) = &e.space_id {
            feeds.in_space(space).iter().for_each(|f| f.publish(recheck()));
        }
        return Ok(());
    }
    if RECHECK_THREAD.contains(&e.kind.as_str()) {
        let threads = [e.subject_id.clone(), thread_of(e)];
        for thread in threads.into_iter().flatten() {
            if let Some(feed) = feeds.get(&format!("thread:{thread}")) {
                if let Some(found) = crate::discussions::store_thread(conn, &thread).await? {
                    feed.set_space_id(&found);
                }
                feed.publish(recheck());
            }
        }
        return Ok(());
    }
    let mut targets: Vec<Arc<Feed>> = Vec::new();
    let in_thread = match e.kind.as_str() {
        kind::THREAD_STATE_CHANGED => e.subject_id.clone(),
        k if LIVE_KINDS.contains(&k) => thread_of(e),
        _ => None,
    };
    if let Some(thread) = in_thread
        && let Some(feed) = feeds.get(&format!("thread:{thread}"))
    {
        targets.push(feed);
    }
    if matches!(e.kind.as_str(), kind::POST_CREATED | kind::THREAD_CREATED)
        && let Some(space) = &e.space_id
    {
        let space_kind = FeedKind::Space(space.clone());
        targets.extend(feeds.in_space(space).into_iter().filter(|f| f.kind == space_kind));
    }
    if targets.is_empty() {
        return Ok(());
    }
    let post = match e.kind.as_str() {
        kind::THREAD_STATE_CHANGED => None,
        kind::THREAD_CREATED => serde_json::from_str::<serde_json::Value>(&e.data)
            .ok()
            .and_then(|d| d.get("post_id").and_then(|p| p.as_str()).map(str::to_owned)),
        _ => e.subject_id.clone(),
    };
    let guard: Option<Arc<str>> = match &post {
        Some(post) => match crate::discussions::open_to_readers(conn, post).await? {
            None => return Ok(()),
            Some(true) => None,
            Some(false) => Some(Arc::from(post.as_str())),
        },
        None if e.kind == kind::THREAD_STATE_CHANGED => None,
        None => return Ok(()),
    };
    for feed in targets {
        let message = ServerMessage::Event {
            topic: feed.topic.clone(),
            seq: e.seq,
            kind: e.kind.clone(),
            subject_id: e.subject_id.clone(),
            at: e.occurred_at,
        };
        let Ok(json) = serde_json::to_string(&message) else { continue };
        let json: Arc<str> = Arc::from(json);
        feed.publish(match &guard {
            Some(post) => Frame::Guarded { seq: e.seq, post: post.clone(), json },
            None => Frame::Text { seq: e.seq, json },
        });
    }
    Ok(())
}

/// Whether `actor` may follow the topic now; refused as the pages would be.
pub async fn check(app: &Stoa, actor: &Actor, topic: &Topic) -> Result<()> {
    match topic {
        Topic::Thread(id) => {
            let mut conn = app.store.read().await?;
            load_thread(&mut conn, actor, id, Action::ReadContent).await.map(|_| ())
        }
        Topic::Space(slug) => {
            let mut conn = app.store.read().await?;
            crate::spaces::load(&mut conn, actor, slug, Action::ReadContent).await.map(|_| ())
        }
        Topic::Notifications => actor.require().map(|_| ()),
    }
}

/// What happened in a thread after `after`, as `actor` may know it now,
/// with the cursor to read from next time. Replies that post-first mode
/// still hides from them are left out.
pub async fn thread_events(app: &Stoa, actor: &Actor, thread_id: &str, after: i64) -> Result<(Vec<LiveEvent>, i64)> {
    let mut conn = app.store.read().await?;
    let found = load_thread(&mut conn, actor, thread_id, Action::ReadContent).await?;
    let batch = events::in_space_after(&mut conn, &found.space.space.id, after, BATCH).await?;
    let cursor = batch.last().map_or(after, |e| e.seq);
    let mut out = Vec::new();
    for e in batch {
        let data: serde_json::Value = serde_json::from_str(&e.data).unwrap_or_default();
        let in_thread = data.get("thread_id").and_then(|t| t.as_str()) == Some(thread_id)
            || (e.kind == kind::THREAD_STATE_CHANGED && e.subject_id.as_deref() == Some(thread_id));
        if !in_thread || !LIVE_KINDS.contains(&e.kind.as_str()) {
            continue;
        }
        if e.kind.starts_with("post.")
            && let Some(post) = &e.subject_id
        {
            match visible_post(&mut conn, actor, post).await {
                Ok(_) => {}
                Err(CoreError::NotFound | CoreError::Forbidden | CoreError::SignInRequired) => continue,
                Err(err) => return Err(err),
            }
        }
        out.push(LiveEvent { seq: e.seq, kind: e.kind, subject_id: e.subject_id, at: e.occurred_at });
    }
    Ok((out, cursor))
}

/// New threads and replies in a space after `after`, as `actor` may know
/// them now (a scheduled prompt or a reply post-first mode hides from them
/// is left out), with the cursor to read from next time.
pub async fn space_events(app: &Stoa, actor: &Actor, slug: &str, after: i64) -> Result<(Vec<LiveEvent>, i64)> {
    let mut conn = app.store.read().await?;
    let view = crate::spaces::load(&mut conn, actor, slug, Action::ReadContent).await?;
    let batch = events::in_space_after(&mut conn, &view.space.id, after, BATCH).await?;
    let cursor = batch.last().map_or(after, |e| e.seq);
    let mut out = Vec::new();
    for e in batch {
        let post = match e.kind.as_str() {
            kind::POST_CREATED => e.subject_id.clone(),
            kind::THREAD_CREATED => serde_json::from_str::<serde_json::Value>(&e.data)
                .ok()
                .and_then(|d| d.get("post_id").and_then(|p| p.as_str()).map(str::to_owned)),
            _ => continue,
        };
        let Some(post) = post else { continue };
        match visible_post(&mut conn, actor, &post).await {
            Ok(_) => out.push(LiveEvent { seq: e.seq, kind: e.kind, subject_id: e.subject_id, at: e.occurred_at }),
            Err(CoreError::NotFound | CoreError::Forbidden | CoreError::SignInRequired) => {}
            Err(err) => return Err(err),
        }
    }
    Ok((out, cursor))
}

/// The kinds a thread's followers are told of.
const LIVE_KINDS: [&str; 6] = [
    kind::POST_CREATED,
    kind::POST_EDITED,
    kind::POST_DELETED,
    kind::POST_HIDDEN,
    kind::POST_RESTORED,
    kind::THREAD_STATE_CHANGED,
];
