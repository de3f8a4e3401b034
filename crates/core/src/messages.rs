//! Private messages between two or a few people.
//!
//! Blocks are respected both ways: nobody can start a conversation with, or
//! write into one shared with, someone who has blocked them or whom they
//! have blocked. Messages belong to no space, so no space's feed, search or
//! activity ever shows them; only the conversation's members read them.

use std::collections::HashMap;

use serde::Serialize;
use stoa_domain::{PostBody, markdown};
use stoa_store::events::kind;
use stoa_store::{Conn, messages as store, new_id, social, users};

use crate::{Actor, CoreError, FieldError, Result, Stoa};

/// The most people in one conversation, the writer included.
pub const MAX_MEMBERS: usize = 9;

/// A person in a conversation.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub username: String,
    pub display_name: String,
}

/// A conversation in the actor's list.
#[derive(Debug, Clone, Serialize)]
pub struct ConversationSummary {
    pub id: String,
    /// Everyone but the actor.
    pub others: Vec<Member>,
    pub last_message_at: i64,
    pub last_message: String,
    pub unread: bool,
}

/// A conversation with its latest messages.
#[derive(Debug, Clone, Serialize)]
pub struct Conversation {
    pub id: String,
    pub others: Vec<Member>,
    pub messages: Vec<Message>,
    /// Pass as `before` for older messages; `None` when there are none.
    pub older_before: Option<i64>,
    /// Whether the actor may write here (no block stands between them).
    pub may_write: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Message {
    pub id: String,
    pub author_username: String,
    pub author_display_name: String,
    pub body_html: String,
    pub created_at: i64,
    pub mine: bool,
}

/// Whether a block stands between `me` and any of `others`, either way.
async fn blocked_among(conn: &mut Conn, me: &str, others: &[String]) -> Result<bool> {
    for other in others {
        if social::blocked_between(conn, me, other).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn invalid(field: &'static str, message: &'static str) -> CoreError {
    CoreError::Invalid(vec![FieldError::new(field, message)])
}

/// Writes to people by username: into the existing conversation when it is
/// one other person, else a new one. Returns the conversation's id.
pub async fn start(app: &Stoa, actor: &Actor, usernames: &[String], body: &str) -> Result<String> {
    let me = actor.require()?;
    let body = PostBody::parse(body).map_err(|e| CoreError::Invalid(vec![FieldError::invalid("body", &e)]))?;
    let mut names: Vec<String> =
        usernames.iter().map(|u| u.trim().trim_start_matches('@').to_lowercase()).filter(|u| !u.is_empty()).collect();
    names.sort();
    names.dedup();
    names.retain(|n| *n != me.username);
    if names.is_empty() {
        return Err(invalid("to", "message-no-recipient"));
    }
    if names.len() + 1 > MAX_MEMBERS {
        return Err(invalid("to", "message-too-many"));
    }
    let mut tx = app.store.begin().await?;
    let mut others = Vec::new();
    for name in &names {
        match users::by_username(&mut tx, name).await? {
            Some(u) if !u.is_suspended() => others.push(u.id),
            _ => return Err(invalid("to", "message-unknown-recipient")),
        }
    }
    if blocked_among(&mut tx, &me.id, &others).await? {
        return Err(CoreError::Conflict("message-blocked"));
    }
    let now = app.now();
    let existing = match others.as_slice() {
        [one] => store::between_two(&mut tx, &me.id, one).await?,
        _ => None,
    };
    let id = match existing {
        Some(id) => id,
        None => {
            let id = new_id();
            let mut members = others.clone();
            members.push(me.id.clone());
            store::create(&mut tx, &id, &me.id, &members, now).await?;
            id
        }
    };
    write(&mut tx, &id, &me.id, body.as_str(), now).await?;
    stoa_store::commit(tx).await?;
    Ok(id)
}

/// Writes into a conversation the actor belongs to.
pub async fn send(app: &Stoa, actor: &Actor, conversation_id: &str, body: &str) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let members = store::members(&mut tx, conversation_id).await?;
    if !members.contains(&me.id) {
        return Err(CoreError::NotFound);
    }
    let body = PostBody::parse(body).map_err(|e| CoreError::Invalid(vec![FieldError::invalid("body", &e)]))?;
    let others: Vec<String> = members.into_iter().filter(|m| *m != me.id).collect();
    if blocked_among(&mut tx, &me.id, &others).await? {
        return Err(CoreError::Conflict("message-blocked"));
    }
    write(&mut tx, conversation_id, &me.id, body.as_str(), app.now()).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

async fn write(tx: &mut Conn, conversation_id: &str, author_id: &str, body: &str, now: i64) -> Result<()> {
    let id = new_id();
    let html = crate::discussions::render_post(tx, body, author_id).await?;
    store::insert_message(tx, &id, conversation_id, author_id, body, &html, now).await?;
    let data = serde_json::json!({"conversation_id": conversation_id});
    stoa_store::events::append(
        tx,
        stoa_store::events::NewEvent {
            kind: kind::MESSAGE_SENT,
            actor_id: Some(author_id),
            space_id: None,
            subject_id: Some(&id),
            data,
        },
        now,
    )
    .await?;
    Ok(())
}

/// Names of the members of conversations, everyone but `me`, by conversation.
async fn others_of(conn: &mut Conn, me: &str, ids: &[String]) -> Result<HashMap<String, Vec<Member>>> {
    let mut out: HashMap<String, Vec<Member>> = HashMap::new();
    for (conversation, user, username, display_name) in store::members_of(conn, ids).await? {
        if user != me {
            out.entry(conversation).or_default().push(Member { username, display_name });
        }
    }
    Ok(out)
}

/// The actor's conversations, most recent first.
pub async fn inbox(app: &Stoa, actor: &Actor) -> Result<Vec<ConversationSummary>> {
    let me = actor.require()?;
    let mut conn = app.store.read().await?;
    let rows = store::of_user(&mut conn, &me.id, 100).await?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut others = others_of(&mut conn, &me.id, &ids).await?;
    let last: HashMap<String, String> = store::last_bodies(&mut conn, &ids).await?.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|r| ConversationSummary {
            others: others.remove(&r.id).unwrap_or_default(),
            last_message: last.get(&r.id).map(|b| markdown::plain_text(b, 120)).unwrap_or_default(),
            unread: r.last_message_at > r.read_until,
            last_message_at: r.last_message_at,
            id: r.id,
        })
        .collect())
}

const PAGE: i64 = 50;

/// A conversation the actor belongs to (anyone else: not found); reading
/// it marks it read.
pub async fn conversation(app: &Stoa, actor: &Actor, id: &str, before: Option<i64>) -> Result<Conversation> {
    let me = actor.require()?;
    let (rows, others, may_write) = {
        let mut conn = app.store.read().await?;
        let members = store::members(&mut conn, id).await?;
        if !members.contains(&me.id) {
            return Err(CoreError::NotFound);
        }
        let rest: Vec<String> = members.into_iter().filter(|m| *m != me.id).collect();
        let may_write = !blocked_among(&mut conn, &me.id, &rest).await?;
        let rows = store::messages(&mut conn, id, before, PAGE + 1).await?;
        let others = others_of(&mut conn, &me.id, &[id.to_owned()]).await?.remove(id).unwrap_or_default();
        (rows, others, may_write)
    };
    let older = rows.len() as i64 > PAGE;
    let rows: Vec<_> = rows.into_iter().skip(usize::from(older)).collect();
    if let Some(newest) = rows.last().map(|r| r.created_at) {
        let mut tx = app.store.begin().await?;
        store::mark_read(&mut tx, id, &me.id, newest).await?;
        stoa_store::commit(tx).await?;
    }
    let older_before = if older { rows.first().map(|r| r.created_at) } else { None };
    Ok(Conversation {
        id: id.to_owned(),
        others,
        messages: rows
            .into_iter()
            .map(|r| Message {
                mine: r.author_id == me.id,
                id: r.id,
                author_username: r.author_username,
                author_display_name: r.author_display_name,
                body_html: r.body_html,
                created_at: r.created_at,
            })
            .collect(),
        older_before,
        may_write,
    })
}
