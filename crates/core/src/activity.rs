//! Recent activity: what happened lately in the spaces a person reads, read
//! from the event log.

use std::collections::HashMap;

use serde::Serialize;
use stoa_domain::Action;
use stoa_store::events::{self, kind};
use stoa_store::{spaces as store_spaces, threads, users};

use crate::spaces::allowed;
use crate::{Actor, Result, Stoa};

/// One line of the activity list.
#[derive(Debug, Clone, Serialize)]
pub struct ActivityItem {
    pub seq: i64,
    /// `thread` (started a thread), `reply` or `joined`.
    pub what: &'static str,
    pub at: i64,
    /// Empty when the post was anonymous and the viewer may not know who wrote it.
    pub actor_username: String,
    pub actor_display_name: String,
    pub actor_hidden: bool,
    pub space_slug: String,
    pub space_name: String,
    pub thread_id: Option<String>,
    pub thread_title: Option<String>,
    pub post_number: Option<i64>,
}

/// The newest activity in the spaces the actor belongs to (or, signed out,
/// in public spaces), newest first.
pub async fn recent(app: &Stoa, actor: &Actor, limit: i64) -> Result<Vec<ActivityItem>> {
    let mut conn = app.store.read().await?;
    let views = match actor.id() {
        Some(me) => store_spaces::views_of_member(&mut conn, me).await?,
        None => store_spaces::all_views(&mut conn, None).await?,
    };
    let readable: Readable = views
        .iter()
        .filter(|v| allowed(actor, v, Action::ReadContent))
        .map(|v| {
            (v.space.id.clone(), (v.space.slug.clone(), v.space.name.clone(), allowed(actor, v, Action::Facilitate)))
        })
        .collect();
    let ids: Vec<String> = readable.keys().cloned().collect();
    let kinds = [kind::THREAD_CREATED, kind::POST_CREATED, kind::MEMBER_JOINED];
    let events = events::latest_in_spaces(&mut conn, &ids, &kinds, None, limit.clamp(1, 200)).await?;
    describe(&mut conn, actor, &readable, events).await
}

/// What `person_id` wrote lately (threads started and replies) in the spaces
/// `actor` may read, newest first. Anonymous posts are left out (listing
/// them here would name their author), and so are posts since deleted or
/// hidden by a moderator.
pub async fn contributions(
    conn: &mut stoa_store::Conn,
    actor: &Actor,
    person_id: &str,
    limit: i64,
) -> Result<Vec<ActivityItem>> {
    let readable: Readable = store_spaces::all_views(conn, actor.id())
        .await?
        .iter()
        .filter(|v| allowed(actor, v, Action::ReadContent))
        .map(|v| {
            (v.space.id.clone(), (v.space.slug.clone(), v.space.name.clone(), allowed(actor, v, Action::Facilitate)))
        })
        .collect();
    let ids: Vec<String> = readable.keys().cloned().collect();
    let kinds = [kind::THREAD_CREATED, kind::POST_CREATED];
    // Read a few more than shown, as some fall out below.
    let events = events::latest_by_actor(conn, person_id, &ids, &kinds, limit * 3).await?;
    let mut kept = Vec::new();
    for e in events {
        let data: serde_json::Value = serde_json::from_str(&e.data).unwrap_or_default();
        if data.get("anonymous").and_then(serde_json::Value::as_bool).unwrap_or(false) {
            continue;
        }
        let post_id = if e.kind == kind::POST_CREATED {
            e.subject_id.clone()
        } else {
            data.get("post_id").and_then(|p| p.as_str()).map(str::to_owned)
        };
        let Some(post_id) = post_id else { continue };
        // Read as the viewer would: a post-first thread or a scheduled
        // prompt keeps what it hides.
        match crate::discussions::visible_post(conn, actor, &post_id).await {
            Ok((post, _)) if post.deleted_at.is_none() && post.hidden_at.is_none() => kept.push(e),
            Ok(_)
            | Err(crate::CoreError::NotFound | crate::CoreError::Forbidden | crate::CoreError::SignInRequired) => {}
            Err(e) => return Err(e),
        }
        if kept.len() as i64 >= limit {
            break;
        }
    }
    describe(conn, actor, &readable, kept).await
}

/// The spaces `actor` may read, by id: `(slug, name, whether they facilitate it)`.
pub(crate) type Readable = HashMap<String, (String, String, bool)>;

/// Labels events for a list: each thread as it is now, only in spaces the
/// viewer may read now, anonymous authors hidden from all but the author
/// and the space's facilitators.
pub(crate) async fn describe(
    conn: &mut stoa_store::Conn,
    actor: &Actor,
    readable: &Readable,
    events: Vec<events::Event>,
) -> Result<Vec<ActivityItem>> {
    let mut thread_ids = Vec::new();
    let mut actor_ids = Vec::new();
    let parsed: Vec<(events::Event, serde_json::Value)> = events
        .into_iter()
        .map(|e| {
            let data: serde_json::Value = serde_json::from_str(&e.data).unwrap_or_default();
            if let Some(t) = data.get("thread_id").and_then(|t| t.as_str()) {
                thread_ids.push(t.to_owned());
            }
            if let Some(a) = &e.actor_id {
                actor_ids.push(a.clone());
            }
            (e, data)
        })
        .collect();
    thread_ids.sort();
    thread_ids.dedup();
    actor_ids.sort();
    actor_ids.dedup();
    // A thread is labelled as it is now, and only if the viewer may still
    // read the space it is in now (it may have moved somewhere private).
    let titles: HashMap<String, String> = threads::titles_by_ids(conn, &thread_ids)
        .await?
        .into_iter()
        .filter(|(_, _, space)| readable.contains_key(space))
        .map(|(id, title, _)| (id, title))
        .collect();
    let names: HashMap<String, (String, String)> =
        users::names_by_ids(conn, &actor_ids).await?.into_iter().map(|(id, u, d)| (id, (u, d))).collect();

    Ok(parsed
        .into_iter()
        .filter_map(|(e, data)| {
            let (space_slug, space_name, facilitates) = readable.get(e.space_id.as_deref()?)?.clone();
            let (actor_username, actor_display_name) = names.get(e.actor_id.as_deref()?)?.clone();
            // Anonymous posts stay anonymous here too.
            let anonymous = data.get("anonymous").and_then(serde_json::Value::as_bool).unwrap_or(false);
            let hidden = anonymous && !facilitates && actor.id() != e.actor_id.as_deref();
            let (actor_username, actor_display_name) =
                if hidden { (String::new(), String::new()) } else { (actor_username, actor_display_name) };
            let thread_id = data.get("thread_id").and_then(|t| t.as_str()).map(str::to_owned);
            if thread_id.as_ref().is_some_and(|t| !titles.contains_key(t)) {
                return None;
            }
            let what = match e.kind.as_str() {
                kind::THREAD_CREATED => "thread",
                kind::POST_CREATED => "reply",
                _ => "joined",
            };
            Some(ActivityItem {
                seq: e.seq,
                what,
                at: e.occurred_at,
                actor_username,
                actor_display_name,
                actor_hidden: hidden,
                space_slug,
                space_name,
                thread_title: thread_id.as_ref().and_then(|t| titles.get(t).cloned()),
                thread_id,
                post_number: data.get("number").and_then(serde_json::Value::as_i64),
            })
        })
        .collect())
}
