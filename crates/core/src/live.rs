//! Live updates: what a `/live` connection may follow and what it is sent,
//! read from the event log as the person would read the pages.
//!
//! A topic is checked by the permission policy when it is subscribed to,
//! and again each time it is read, so someone removed from a space stops
//! receiving at once. Only kinds and ids go out, never content: the page
//! reads a new reply through the usual, permission-checked routes.

use stoa_domain::Action;
use stoa_store::events::{self, kind};
use stoa_store::signals::{self, Heard};

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
                if !crate::chat::on_signal(app, &payload) && !crate::coedit::on_signal(app, &payload) {
                    tracing::debug!(%payload, "ignored an unknown signal");
                }
            }
            Heard::Missed => {
                caught_up(app).await;
                crate::chat::on_missed(app);
                crate::coedit::on_missed(app);
            }
        }
    }
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
