//! The facilitator's tools for discussions, and the Q&A around answers.
//!
//! Members vote on answers; the asker or a facilitator accepts one; a
//! facilitator endorses any. Facilitators (and owners, and admins) pin, lock
//! and close threads, set slow mode and post-first mode, move threads between
//! spaces they facilitate, split replies off into a thread of their own,
//! merge two threads, set a space's discussion rules, and schedule prompts
//! that open at a given time ([`open_due_prompts`] opens them).
//!
//! Every action here asks the policy for [`Action::Facilitate`] in the
//! thread's space (and in the other space, for a move or a merge), so a
//! member is refused and an outsider of a secret space is told nothing.

use serde::Serialize;
use stoa_domain::{Action, Title};
use stoa_store::events::{self, NewEvent, kind};
use stoa_store::facilitation as store;
use stoa_store::spaces::DiscussionRules as StoredRules;
use stoa_store::threads::{self as threads_store, NewThread, ThreadInSpace, ThreadState};
use stoa_store::{Conn, new_id};

use crate::discussions::{find_thread, load_thread};
use crate::spaces::{self, DiscussionRules, Permissions};
use crate::{Actor, CoreError, FieldError, Result, Stoa};

/// The longest slow-mode interval: a week.
pub const MAX_SLOW_MODE_SECS: i64 = 7 * 24 * 3600;
/// The longest reason for closing a thread, in characters.
pub const MAX_CLOSE_REASON: usize = 500;

/// Appends the event of an action by `actor_id` in `space_id` about `subject_id`.
pub(crate) async fn event(
    tx: &mut Conn,
    kind: &'static str,
    actor_id: &str,
    space_id: &str,
    subject_id: &str,
    data: serde_json::Value,
    now: i64,
) -> Result<()> {
    events::append(
        tx,
        NewEvent { kind, actor_id: Some(actor_id), space_id: Some(space_id), subject_id: Some(subject_id), data },
        now,
    )
    .await?;
    Ok(())
}

// ---------------------------------------------------------------- Q&A

/// An answer's votes after a vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Votes {
    pub score: i64,
    /// The voter's own vote now: +1, -1 or 0.
    pub my_vote: i64,
}

/// The answer of a question `post_id` is, with its thread, if it is one.
async fn answer(
    conn: &mut Conn,
    actor: &Actor,
    post_id: &str,
    action: Action,
) -> Result<(threads_store::PostView, ThreadInSpace)> {
    let row = threads_store::post(conn, post_id).await?.ok_or(CoreError::NotFound)?;
    let found = load_thread(conn, actor, &row.thread_id, action).await?;
    if found.thread_kind != "question" || row.number == 1 {
        return Err(CoreError::Conflict("not-an-answer"));
    }
    if row.deleted_at.is_some() {
        return Err(CoreError::Conflict("post-deleted"));
    }
    Ok((row, found))
}

/// Votes an answer up (+1) or down (-1), or takes the vote back (0). One
/// vote per person, changeable; nobody votes on their own answer.
pub async fn vote(app: &Stoa, actor: &Actor, post_id: &str, value: i64) -> Result<Votes> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let (row, found) = answer(&mut tx, actor, post_id, Action::Post).await?;
    if !(-1..=1).contains(&value) {
        return Err(CoreError::field("value", "vote-value"));
    }
    if row.author_id == me.id {
        return Err(CoreError::Conflict("vote-own-post"));
    }
    let now = app.now();
    let score = store::vote(&mut tx, &row.id, &me.id, value, now).await?;
    let data = serde_json::json!({"thread_id": row.thread_id, "score": score});
    event(&mut tx, kind::POST_VOTED, &me.id, &found.space.space.id, &row.id, data, now).await?;
    stoa_store::commit(tx).await?;
    Ok(Votes { score, my_vote: value })
}

/// Accepts an answer to a question (or, with `None`, takes the acceptance
/// back): the asker or a facilitator.
pub async fn accept(app: &Stoa, actor: &Actor, thread_id: &str, post_id: Option<&str>) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let found = load_thread(&mut tx, actor, thread_id, Action::ReadContent).await?;
    let may = Permissions::of(actor, &found.space);
    let asker = found.thread_author_id == me.id && may.post;
    if !(asker || may.facilitate) {
        return Err(CoreError::Forbidden);
    }
    if found.thread_kind != "question" {
        return Err(CoreError::Conflict("not-a-question"));
    }
    if let Some(post_id) = post_id {
        let (row, _) = answer(&mut tx, actor, post_id, Action::ReadContent).await?;
        if row.thread_id != found.thread_id {
            return Err(CoreError::field("post_id", "reply-to-unknown"));
        }
    }
    store::set_accepted(&mut tx, &found.thread_id, post_id).await?;
    let data = serde_json::json!({"thread_id": found.thread_id, "post_id": post_id});
    let now = app.now();
    event(&mut tx, kind::ANSWER_ACCEPTED, &me.id, &found.space.space.id, &found.thread_id, data, now).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// Endorses an answer (or takes the endorsement back): a facilitator's
/// mark that it is sound, whatever the votes say.
pub async fn endorse(app: &Stoa, actor: &Actor, post_id: &str, endorsed: bool) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let (row, found) = answer(&mut tx, actor, post_id, Action::Facilitate).await?;
    let now = app.now();
    store::set_endorsed(&mut tx, &row.id, endorsed.then_some(me.id.as_str()), now).await?;
    let data = serde_json::json!({"thread_id": row.thread_id, "endorsed": endorsed});
    event(&mut tx, kind::POST_ENDORSED, &me.id, &found.space.space.id, &row.id, data, now).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

// ---------------------------------------------------------------- thread state

/// Changes to a thread's state; what is `None` stays as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThreadChanges {
    pub pinned: Option<bool>,
    pub locked: Option<bool>,
    /// Close (with `close_reason`, required) or reopen.
    pub closed: Option<bool>,
    pub close_reason: Option<String>,
    pub slow_mode_secs: Option<i64>,
    pub post_first: Option<bool>,
}

fn slow_mode(secs: i64) -> Result<i64> {
    if (0..=MAX_SLOW_MODE_SECS).contains(&secs) {
        Ok(secs)
    } else {
        Err(CoreError::Invalid(vec![FieldError {
            limit: Some(MAX_SLOW_MODE_SECS as usize),
            ..FieldError::new("slow_mode_secs", "slow-mode-range")
        }]))
    }
}

/// Pins, locks, closes, sets slow mode or post-first mode on a thread.
pub async fn update_thread(app: &Stoa, actor: &Actor, thread_id: &str, changes: ThreadChanges) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let found = load_thread(&mut tx, actor, thread_id, Action::Facilitate).await?;
    let now = app.now();
    let mut state: ThreadState = found.state.clone();
    let set = |flag: Option<bool>, at: &mut Option<i64>| match flag {
        Some(true) if at.is_none() => *at = Some(now),
        Some(false) => *at = None,
        _ => {}
    };
    set(changes.pinned, &mut state.pinned_at);
    set(changes.locked, &mut state.locked_at);
    match changes.closed {
        Some(true) => {
            let reason = changes.close_reason.as_deref().map(str::trim).unwrap_or_default();
            if reason.is_empty() {
                return Err(CoreError::field("close_reason", "close-reason-required"));
            }
            if reason.chars().count() > MAX_CLOSE_REASON {
                return Err(CoreError::Invalid(vec![FieldError {
                    limit: Some(MAX_CLOSE_REASON),
                    ..FieldError::new("close_reason", "invalid-too-long")
                }]));
            }
            state.closed_at = state.closed_at.or(Some(now));
            state.close_reason = Some(reason.to_owned());
        }
        Some(false) => {
            state.closed_at = None;
            state.close_reason = None;
        }
        None => {}
    }
    if let Some(secs) = changes.slow_mode_secs {
        state.slow_mode_secs = slow_mode(secs)?;
    }
    if let Some(on) = changes.post_first {
        state.post_first = i64::from(on);
    }
    if state == found.state {
        return Ok(());
    }
    store::set_state(&mut tx, &found.thread_id, &state).await?;
    let data = serde_json::json!({
        "pinned": state.pinned_at.is_some(), "locked": state.locked_at.is_some(),
        "closed": state.closed_at.is_some(), "close_reason": state.close_reason,
        "slow_mode_secs": state.slow_mode_secs, "post_first": state.post_first != 0,
    });
    event(&mut tx, kind::THREAD_STATE_CHANGED, &me.id, &found.space.space.id, &found.thread_id, data, now).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// Sets a space's discussion rules: anonymous posting, slow mode, and
/// whether new threads start in post-first mode.
pub async fn set_rules(app: &Stoa, actor: &Actor, slug: &str, rules: DiscussionRules) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let view = spaces::load(&mut tx, actor, slug, Action::Facilitate).await?;
    let stored = StoredRules {
        allow_anonymous: rules.allow_anonymous,
        slow_mode_secs: slow_mode(rules.slow_mode_secs)?,
        post_first: rules.post_first,
    };
    stoa_store::spaces::set_discussion_rules(&mut tx, &view.space.id, stored).await?;
    let data = serde_json::json!({
        "allow_anonymous": rules.allow_anonymous, "slow_mode_secs": rules.slow_mode_secs, "post_first": rules.post_first,
    });
    event(&mut tx, kind::SPACE_RULES_CHANGED, &me.id, &view.space.id, &view.space.id, data, app.now()).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

// ---------------------------------------------------------------- move, split, merge

/// Moves a thread to another space the actor facilitates; returns the
/// space's address.
pub async fn move_thread(app: &Stoa, actor: &Actor, thread_id: &str, to_slug: &str) -> Result<String> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let found = load_thread(&mut tx, actor, thread_id, Action::Facilitate).await?;
    let to = spaces::load(&mut tx, actor, to_slug.trim(), Action::Facilitate).await.map_err(|e| match e {
        CoreError::NotFound | CoreError::Forbidden => CoreError::field("space", "move-space-unknown"),
        other => other,
    })?;
    if to.space.id == found.space.space.id {
        return Err(CoreError::field("space", "move-same-space"));
    }
    if found.thread_kind == "talk" {
        return Err(CoreError::Conflict("thread-is-talk"));
    }
    let from = &found.space.space.id;
    store::move_thread(&mut tx, &found.thread_id, from, &to.space.id, found.thread_opens_at.is_none()).await?;
    let data = serde_json::json!({"from_space": from, "title": found.thread_title});
    event(&mut tx, kind::THREAD_MOVED, &me.id, &to.space.id, &found.thread_id, data, app.now()).await?;
    stoa_store::commit(tx).await?;
    Ok(to.space.slug)
}

/// Splits replies off into a new thread in the same space, titled `title`;
/// the first of them (in thread order) becomes its opening post. Returns
/// the new thread's id.
pub async fn split(app: &Stoa, actor: &Actor, thread_id: &str, post_ids: &[String], title: &str) -> Result<String> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let found = load_thread(&mut tx, actor, thread_id, Action::Facilitate).await?;
    let title = Title::parse(title).map_err(|e| CoreError::Invalid(vec![FieldError::invalid("title", &e)]))?;
    let mut moving = Vec::new();
    for id in post_ids {
        match threads_store::post(&mut tx, id).await? {
            Some(p) if p.thread_id == found.thread_id && p.number > 1 && p.deleted_at.is_none() => moving.push(p),
            _ => return Err(CoreError::field("posts", "split-post-unknown")),
        }
    }
    moving.sort_by_key(|p| p.number);
    moving.dedup_by_key(|p| p.number);
    let Some(first) = moving.first() else {
        return Err(CoreError::field("posts", "split-nothing"));
    };
    let new_thread = new_id();
    let thread = NewThread {
        id: &new_thread,
        space_id: &found.space.space.id,
        author_id: &first.author_id,
        kind: "discussion",
        title: title.as_str(),
        created_at: first.created_at,
        anonymous: first.anonymous != 0,
        // Replies hidden until one posts stay hidden in their new thread.
        post_first: found.state.post_first != 0,
        opens_at: None,
    };
    threads_store::insert_thread(&mut tx, &thread).await?;
    let ids: Vec<String> = moving.iter().map(|p| p.id.clone()).collect();
    store::move_posts(&mut tx, &ids, &found.thread_id, &new_thread).await?;
    let data = serde_json::json!({
        "from": found.thread_id, "first_post_id": first.id, "posts": ids.len(), "title": title.as_str(),
    });
    event(&mut tx, kind::THREAD_SPLIT, &me.id, &found.space.space.id, &new_thread, data, app.now()).await?;
    stoa_store::commit(tx).await?;
    Ok(new_thread)
}

/// Merges a thread into another: its posts follow the other's, in their
/// order, and links to it lead to the other from now on. Both threads must
/// be in spaces the actor facilitates.
pub async fn merge(app: &Stoa, actor: &Actor, thread_id: &str, into_id: &str) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let source = load_thread(&mut tx, actor, thread_id, Action::Facilitate).await?;
    let into_id = into_id.trim().rsplit('/').next().unwrap_or_default();
    let target = match find_thread(&mut tx, actor, into_id).await {
        Ok(t) if spaces::allowed(actor, &t.space, Action::Facilitate) => t,
        Ok(_) | Err(CoreError::NotFound | CoreError::Forbidden) => {
            return Err(CoreError::field("into", "merge-thread-unknown"));
        }
        Err(e) => return Err(e),
    };
    if target.thread_id == source.thread_id {
        return Err(CoreError::field("into", "merge-same-thread"));
    }
    if source.thread_opens_at.is_some() || target.thread_opens_at.is_some() {
        return Err(CoreError::Conflict("thread-scheduled"));
    }
    // Moving replies between a post-first thread and an open one would show
    // them early, or count a post in one as posting in the other.
    if source.state.post_first != target.state.post_first {
        return Err(CoreError::Conflict("merge-post-first"));
    }
    let ids = store::post_ids(&mut tx, &source.thread_id).await?;
    store::move_posts(&mut tx, &ids, &source.thread_id, &target.thread_id).await?;
    store::mark_merged(&mut tx, &source.thread_id, &source.space.space.id, &target.thread_id).await?;
    let data = serde_json::json!({"from": source.thread_id, "from_space": source.space.space.id, "posts": ids.len()});
    event(&mut tx, kind::THREAD_MERGED, &me.id, &target.space.space.id, &target.thread_id, data, app.now()).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

// ---------------------------------------------------------------- prompts

/// Opens every scheduled prompt whose time has come; returns how many.
/// Safe to run on several nodes at once: a prompt opens once.
pub async fn open_due_prompts(app: &Stoa) -> Result<usize> {
    let now = app.now();
    let due = {
        let mut conn = app.store.read().await?;
        store::due_prompts(&mut conn, now, 100).await?
    };
    let mut opened = 0;
    for prompt in due {
        let mut tx = app.store.begin().await?;
        if open_prompt(&mut tx, &prompt, now).await? {
            opened += 1;
        }
        stoa_store::commit(tx).await?;
    }
    Ok(opened)
}

/// Opens a scheduled prompt now rather than at its time (facilitators).
pub async fn open_now(app: &Stoa, actor: &Actor, thread_id: &str) -> Result<()> {
    actor.require()?;
    let mut tx = app.store.begin().await?;
    let found = load_thread(&mut tx, actor, thread_id, Action::Facilitate).await?;
    let prompt =
        store::scheduled_prompt(&mut tx, &found.thread_id).await?.ok_or(CoreError::Conflict("thread-already-open"))?;
    open_prompt(&mut tx, &prompt, app.now()).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// Opens `prompt` and writes the `thread.created` that announces it, in
/// `tx`; false when it was open already.
async fn open_prompt(tx: &mut Conn, prompt: &store::DuePrompt, now: i64) -> Result<bool> {
    if !store::open_prompt(tx, &prompt.id, now).await? {
        return Ok(false);
    }
    let data = serde_json::json!({
        "thread_id": prompt.id, "post_id": prompt.first_post_id, "title": prompt.title, "scheduled": true,
        "anonymous": prompt.anonymous != 0,
    });
    event(tx, kind::THREAD_CREATED, &prompt.author_id, &prompt.space_id, &prompt.id, data, now).await?;
    Ok(true)
}
