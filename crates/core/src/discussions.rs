//! Discussions: threads and posts.
//!
//! A thread's opening post is post number 1. Bodies are Markdown, rendered
//! and sanitized when written ([`stoa_domain::markdown`]); pages print the
//! stored HTML. Edits keep the earlier version; deletes are soft, so the
//! thread shows where a post was.

use std::sync::Arc;

use serde::Serialize;
use stoa_domain::{Action, PostBody, Title, markdown};
use stoa_store::events::{self, NewEvent, kind};
use stoa_store::threads::{self as store, NewPost, NewThread, PostVersion};
use stoa_store::{Conn, new_id};

use crate::spaces::{self, Permissions, SpaceSummary};
use crate::{Actor, CoreError, FieldError, Result, Stoa, field};

/// Threads per page in a space's list.
pub const THREADS_PER_PAGE: i64 = 25;
/// Posts per page in a thread.
pub const POSTS_PER_PAGE: i64 = 100;

/// A post as shown.
#[derive(Debug, Clone, Serialize)]
pub struct Post {
    pub id: String,
    pub thread_id: String,
    pub number: i64,
    pub author_username: String,
    pub author_display_name: String,
    pub reply_to_id: Option<String>,
    pub reply_to_number: Option<i64>,
    /// Empty for a deleted post.
    pub body: Arc<str>,
    /// Empty for a deleted post.
    pub body_html: Arc<str>,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub deleted: bool,
    pub version: i64,
    /// Whether it arrived after the viewer's last visit.
    pub is_new: bool,
    /// Whether the viewer may edit it (their own, not deleted).
    pub can_edit: bool,
    /// Whether the viewer may delete it (their own, or as a moderator).
    pub can_delete: bool,
}

/// A post as every viewer sees it, before the viewer's own flags are added;
/// what the posts cache holds. Bodies are shared, not copied, per request.
#[derive(Debug, Clone)]
pub(crate) struct SharedPost {
    id: String,
    thread_id: String,
    number: i64,
    author_id: String,
    author_username: String,
    author_display_name: String,
    reply_to_id: Option<String>,
    reply_to_number: Option<i64>,
    body: Arc<str>,
    body_html: Arc<str>,
    created_at: i64,
    edited_at: Option<i64>,
    deleted: bool,
    version: i64,
}

impl From<store::PostView> for SharedPost {
    fn from(row: store::PostView) -> Self {
        let deleted = row.deleted_at.is_some();
        Self {
            id: row.id,
            thread_id: row.thread_id,
            number: row.number,
            author_id: row.author_id,
            author_username: row.author_username,
            author_display_name: row.author_display_name,
            reply_to_id: row.reply_to_id,
            reply_to_number: row.reply_to_number,
            // A deleted post's words are not kept in memory or shown.
            body: if deleted { Arc::from("") } else { Arc::from(row.body) },
            body_html: if deleted { Arc::from("") } else { Arc::from(row.body_html) },
            created_at: row.created_at,
            edited_at: row.edited_at,
            deleted,
            version: row.version,
        }
    }
}

fn to_post(row: &SharedPost, actor: &Actor, may: &Permissions, last_read: Option<i64>) -> Post {
    let own = actor.id() == Some(row.author_id.as_str());
    Post {
        can_edit: own && may.post && !row.deleted,
        can_delete: !row.deleted && ((own && may.post) || may.moderate),
        is_new: last_read.is_some_and(|n| row.number > n),
        id: row.id.clone(),
        thread_id: row.thread_id.clone(),
        number: row.number,
        author_username: row.author_username.clone(),
        author_display_name: row.author_display_name.clone(),
        reply_to_id: row.reply_to_id.clone(),
        reply_to_number: row.reply_to_number,
        body: row.body.clone(),
        body_html: row.body_html.clone(),
        created_at: row.created_at,
        edited_at: row.edited_at,
        deleted: row.deleted,
        version: row.version,
    }
}

/// A thread as listed in its space.
#[derive(Debug, Clone, Serialize)]
pub struct ThreadSummary {
    pub id: String,
    pub title: String,
    pub author_username: String,
    pub author_display_name: String,
    pub created_at: i64,
    pub last_activity_at: i64,
    pub reply_count: i64,
    pub last_poster_display_name: Option<String>,
    /// Posts the viewer has not seen; `None` if they never opened the thread.
    pub unread: Option<i64>,
}

/// A page of a space's threads.
#[derive(Debug, Clone, Serialize)]
pub struct ThreadList {
    pub threads: Vec<ThreadSummary>,
    pub page: i64,
    pub has_more: bool,
    pub total: i64,
}

/// A page of threads, newest activity first; only for those who may read the space.
pub async fn threads(app: &Stoa, actor: &Actor, slug: &str, page: i64) -> Result<ThreadList> {
    let page = page.max(1);
    let mut conn = app.store.read().await?;
    let view = spaces::load(&mut conn, actor, slug, Action::ReadContent).await?;
    let offset = (page - 1).saturating_mul(THREADS_PER_PAGE);
    let rows = store::threads_in_space(&mut conn, &view.space.id, actor.id(), THREADS_PER_PAGE + 1, offset).await?;
    let has_more = rows.len() as i64 > THREADS_PER_PAGE;
    let threads = rows
        .into_iter()
        .take(THREADS_PER_PAGE as usize)
        .map(|item| {
            let last_read = actor.id().and_then(|me| app.visits.last_read(me, &item.thread.id, item.viewer_last_read));
            ThreadSummary {
                unread: last_read.map(|n| (item.thread.post_count - n).max(0)),
                id: item.thread.id,
                title: item.thread.title,
                author_username: item.author_username,
                author_display_name: item.author_display_name,
                created_at: item.thread.created_at,
                last_activity_at: item.thread.last_activity_at,
                reply_count: (item.thread.post_count - 1).max(0),
                last_poster_display_name: item.last_poster_display_name,
            }
        })
        .collect();
    Ok(ThreadList { threads, page, has_more, total: view.space.thread_count })
}

/// A thread page: the thread, a page of its posts, and where the viewer left off.
#[derive(Debug, Clone, Serialize)]
pub struct ThreadPage {
    pub space: SpaceSummary,
    pub may: Permissions,
    pub thread: ThreadInfo,
    pub posts: Vec<Post>,
    pub page: i64,
    pub pages: i64,
    /// The first post the viewer has not seen, if any are new since their last visit.
    pub first_new: Option<i64>,
    pub new_count: i64,
}

/// A thread's own fields as shown.
#[derive(Debug, Clone, Serialize)]
pub struct ThreadInfo {
    pub id: String,
    pub title: String,
    pub author_username: String,
    pub created_at: i64,
    pub last_activity_at: i64,
    pub post_count: i64,
    /// Whether the viewer may rename it (its author, or a moderator).
    pub can_rename: bool,
    /// For a wiki page's talk page: the page's address and title.
    pub talk_of: Option<(String, String)>,
}

async fn load_thread(conn: &mut Conn, actor: &Actor, thread_id: &str, action: Action) -> Result<store::ThreadInSpace> {
    let found = store::thread_in_space(conn, thread_id, actor.id()).await?.ok_or(CoreError::NotFound)?;
    spaces::check(actor, &found.space, action)?;
    Ok(found)
}

/// Reads a thread page and moves the viewer's reading position.
pub async fn thread_page(app: &Stoa, actor: &Actor, thread_id: &str, page: Option<i64>) -> Result<ThreadPage> {
    let mut conn = app.store.read().await?;
    let found = store::thread_in_space(&mut conn, thread_id, actor.id()).await?.ok_or(CoreError::NotFound)?;
    let view = &found.space;
    spaces::check(actor, view, Action::ReadContent)?;
    let may = Permissions::of(actor, view);
    let last_read = actor.id().and_then(|me| app.visits.last_read(me, &found.thread_id, found.viewer_last_read));
    let post_count = found.thread_post_count;
    let pages = ((post_count + POSTS_PER_PAGE - 1) / POSTS_PER_PAGE).max(1);
    // Without a page asked for, open where the viewer left off.
    let page = match page {
        Some(p) => p.clamp(1, pages),
        None => last_read.map_or(1, |n| ((n.min(post_count - 1).max(0)) / POSTS_PER_PAGE) + 1),
    };
    let from = (page - 1) * POSTS_PER_PAGE + 1;
    let rows = match app.posts.get(&found.thread_id, from, found.thread_revision) {
        Some(rows) => rows,
        None => {
            let rows = store::posts(&mut conn, &found.thread_id, from, POSTS_PER_PAGE).await?;
            let rows: Arc<Vec<SharedPost>> = Arc::new(rows.into_iter().map(SharedPost::from).collect());
            app.posts.put(&found.thread_id, from, found.thread_revision, rows.clone());
            rows
        }
    };
    let talk_of = if found.thread_kind == "talk" {
        stoa_store::wiki::page_of_talk_thread(&mut conn, &found.thread_id).await?.map(|p| (p.slug, p.title))
    } else {
        None
    };
    drop(conn);
    let posts: Vec<Post> = rows.iter().map(|r| to_post(r, actor, &may, last_read)).collect();
    let new_count = last_read.map_or(0, |n| (post_count - n).max(0));
    let first_new = last_read.filter(|_| new_count > 0).map(|n| n + 1);
    if let (Some(me), Some(last)) = (actor.id(), posts.last()) {
        app.visits.record(me, &found.thread_id, last.number, app.now());
    }
    let own = actor.id() == Some(found.thread_author_id.as_str());
    Ok(ThreadPage {
        space: SpaceSummary::of(view),
        thread: ThreadInfo {
            can_rename: (own && may.post) || may.moderate,
            id: found.thread_id,
            title: found.thread_title,
            author_username: found.thread_author_username,
            created_at: found.thread_created_at,
            last_activity_at: found.thread_last_activity_at,
            post_count,
            talk_of,
        },
        may,
        posts,
        page,
        pages,
        first_new,
        new_count,
    })
}

/// A new thread as typed.
#[derive(Debug, Clone, Default)]
pub struct NewThreadInput {
    pub title: String,
    pub body: String,
}

/// The result of a write: the thread and the post written.
#[derive(Debug, Clone, Serialize)]
pub struct Written {
    pub thread_id: String,
    pub space_slug: String,
    pub post: Post,
}

/// Starts a thread in a space.
pub async fn create_thread(app: &Stoa, actor: &Actor, slug: &str, input: NewThreadInput) -> Result<Written> {
    let me = actor.require()?;
    let mut errors = Vec::new();
    let title = field(&mut errors, "title", Title::parse(&input.title));
    let body = field(&mut errors, "body", PostBody::parse(&input.body));
    // The policy decides before the input does: an outsider learns nothing
    // from a validation message.
    let mut tx = app.store.begin().await?;
    let view = spaces::load(&mut tx, actor, slug, Action::Post).await?;
    let (Some(title), Some(body)) = (title, body) else {
        return Err(CoreError::Invalid(errors));
    };
    let now = app.now();
    let body_html = markdown::render(body.as_str());
    let (thread_id, post_id) =
        write_thread(&mut tx, &view.space.id, &me.id, "discussion", title.as_str(), body.as_str(), &body_html, now)
            .await?;
    stoa_store::commit(tx).await?;
    app.visits.record(&me.id, &thread_id, 1, now);
    written(app, actor, &post_id).await
}

/// Writes a thread of `kind` with its opening post and the `thread.created`
/// event in `tx`; returns the thread's and the post's ids.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn write_thread(
    tx: &mut Conn,
    space_id: &str,
    author_id: &str,
    kind: &str,
    title: &str,
    body: &str,
    body_html: &str,
    now: i64,
) -> Result<(String, String)> {
    let thread_id = new_id();
    let post_id = new_id();
    store::insert_thread(tx, &NewThread { id: &thread_id, space_id, author_id, kind, title, created_at: now }).await?;
    let post =
        NewPost { id: &post_id, thread_id: &thread_id, author_id, reply_to_id: None, body, body_html, created_at: now };
    store::insert_post(tx, &post).await?;
    events::append(
        tx,
        NewEvent {
            kind: kind::THREAD_CREATED,
            actor_id: Some(author_id),
            space_id: Some(space_id),
            subject_id: Some(&thread_id),
            data: serde_json::json!({"thread_id": thread_id, "post_id": post_id, "title": title}),
        },
        now,
    )
    .await?;
    Ok((thread_id, post_id))
}

/// Writes `post` as the thread's next post and the `post.created` event in
/// `tx`; returns its number.
pub(crate) async fn write_reply(tx: &mut Conn, space_id: &str, post: &NewPost<'_>) -> Result<i64> {
    let number = store::insert_post(tx, post).await?;
    events::append(
        tx,
        NewEvent {
            kind: kind::POST_CREATED,
            actor_id: Some(post.author_id),
            space_id: Some(space_id),
            subject_id: Some(post.id),
            data: serde_json::json!({"thread_id": post.thread_id, "number": number, "reply_to": post.reply_to_id}),
        },
        post.created_at,
    )
    .await?;
    Ok(number)
}

async fn written(app: &Stoa, actor: &Actor, post_id: &str) -> Result<Written> {
    let mut conn = app.store.read().await?;
    let row = store::post(&mut conn, post_id).await?.ok_or(CoreError::NotFound)?;
    let view = spaces::load_by_id(&mut conn, actor, &row.space_id, Action::ReadContent).await?;
    let may = Permissions::of(actor, &view);
    Ok(Written {
        thread_id: row.thread_id.clone(),
        space_slug: view.space.slug.clone(),
        post: to_post(&row.into(), actor, &may, None),
    })
}

/// A reply as typed.
#[derive(Debug, Clone, Default)]
pub struct ReplyInput {
    pub body: String,
    /// The post this one answers, which must be in the same thread.
    pub reply_to: Option<String>,
}

/// Replies in a thread.
pub async fn reply(app: &Stoa, actor: &Actor, thread_id: &str, input: ReplyInput) -> Result<Written> {
    let me = actor.require()?;
    // Parsing and rendering are pure work: done before the write lock is
    // taken, but reported only after the policy has had its say.
    let body = PostBody::parse(&input.body);
    let body_html = body.as_ref().map(|b| markdown::render(b.as_str())).unwrap_or_default();
    let mut tx = app.store.begin().await?;
    let found = load_thread(&mut tx, actor, thread_id, Action::Post).await?;
    let body = body.map_err(|e| CoreError::Invalid(vec![FieldError::invalid("body", &e)]))?;
    let reply_to = match input.reply_to.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(id) => match store::post(&mut tx, id).await? {
            Some(p) if p.thread_id == found.thread_id => Some((p.id, p.number)),
            _ => return Err(CoreError::field("reply_to", "reply-to-unknown")),
        },
        None => None,
    };
    let now = app.now();
    let post_id = new_id();
    let new_post = NewPost {
        id: &post_id,
        thread_id: &found.thread_id,
        author_id: &me.id,
        reply_to_id: reply_to.as_ref().map(|r| r.0.as_str()),
        body: body.as_str(),
        body_html: &body_html,
        created_at: now,
    };
    let number = write_reply(&mut tx, &found.space.space.id, &new_post).await?;
    stoa_store::commit(tx).await?;
    app.visits.record(&me.id, &found.thread_id, number, now);
    // Everything the answer shows is known already: no need to read it back.
    let may = Permissions::of(actor, &found.space);
    let post = Post {
        id: post_id,
        thread_id: found.thread_id.clone(),
        number,
        author_username: me.username.clone(),
        author_display_name: me.display_name.clone(),
        reply_to_id: reply_to.as_ref().map(|r| r.0.clone()),
        reply_to_number: reply_to.map(|r| r.1),
        body: Arc::from(body.into_inner()),
        body_html: Arc::from(body_html),
        created_at: now,
        edited_at: None,
        deleted: false,
        version: 1,
        is_new: false,
        can_edit: may.post,
        can_delete: may.post,
    };
    Ok(Written { thread_id: found.thread_id, space_slug: found.space.space.slug.clone(), post })
}

/// One post, for those who may read its space.
pub async fn post(app: &Stoa, actor: &Actor, post_id: &str) -> Result<Post> {
    let mut conn = app.store.read().await?;
    let row = store::post(&mut conn, post_id).await?.ok_or(CoreError::NotFound)?;
    let view = spaces::load_by_id(&mut conn, actor, &row.space_id, Action::ReadContent).await?;
    let may = Permissions::of(actor, &view);
    Ok(to_post(&row.into(), actor, &may, None))
}

/// Edits one's own post. `expected_version` (from the form the person edited)
/// guards against overwriting an edit made meanwhile in another tab.
pub async fn edit_post(
    app: &Stoa,
    actor: &Actor,
    post_id: &str,
    body: &str,
    expected_version: Option<i64>,
) -> Result<Post> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let row = store::post(&mut tx, post_id).await?.ok_or(CoreError::NotFound)?;
    spaces::load_by_id(&mut tx, actor, &row.space_id, Action::Post).await?;
    if row.author_id != me.id {
        return Err(CoreError::Forbidden);
    }
    if row.deleted_at.is_some() {
        return Err(CoreError::Conflict("post-deleted"));
    }
    let body = PostBody::parse(body).map_err(|e| CoreError::Invalid(vec![FieldError::invalid("body", &e)]))?;
    let version = expected_version.unwrap_or(row.version);
    let now = app.now();
    let html = markdown::render(body.as_str());
    if !store::edit_post(&mut tx, &row.id, version, body.as_str(), &html, now).await? {
        return Err(CoreError::Conflict("edit-conflict"));
    }
    events::append(
        &mut tx,
        NewEvent {
            kind: kind::POST_EDITED,
            actor_id: Some(&me.id),
            space_id: Some(&row.space_id),
            subject_id: Some(&row.id),
            data: serde_json::json!({"thread_id": row.thread_id, "version": version + 1}),
        },
        now,
    )
    .await?;
    stoa_store::commit(tx).await?;
    post(app, actor, post_id).await
}

/// Deletes a post: one's own, or anyone's as a moderator. The thread keeps
/// its place and shows that it was deleted.
pub async fn delete_post(app: &Stoa, actor: &Actor, post_id: &str) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let row = store::post(&mut tx, post_id).await?.ok_or(CoreError::NotFound)?;
    let view = spaces::load_by_id(&mut tx, actor, &row.space_id, Action::ReadContent).await?;
    let may = Permissions::of(actor, &view);
    let own = row.author_id == me.id;
    if !((own && may.post) || may.moderate) {
        return Err(CoreError::Forbidden);
    }
    if !store::soft_delete_post(&mut tx, &row.id, &me.id, app.now()).await? {
        return Ok(());
    }
    events::append(
        &mut tx,
        NewEvent {
            kind: kind::POST_DELETED,
            actor_id: Some(&me.id),
            space_id: Some(&row.space_id),
            subject_id: Some(&row.id),
            data: serde_json::json!({"thread_id": row.thread_id, "by_moderator": !own}),
        },
        app.now(),
    )
    .await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// Earlier versions of a post, newest first, for those who may read it.
/// A deleted post's versions are gone from view with it.
pub async fn post_versions(app: &Stoa, actor: &Actor, post_id: &str) -> Result<Vec<PostVersion>> {
    let mut conn = app.store.read().await?;
    let row = store::post(&mut conn, post_id).await?.ok_or(CoreError::NotFound)?;
    spaces::load_by_id(&mut conn, actor, &row.space_id, Action::ReadContent).await?;
    if row.deleted_at.is_some() {
        return Ok(Vec::new());
    }
    Ok(store::post_versions(&mut conn, post_id).await?)
}

/// Renames a thread: its author, or a moderator.
pub async fn rename_thread(app: &Stoa, actor: &Actor, thread_id: &str, title: &str) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let found = load_thread(&mut tx, actor, thread_id, Action::ReadContent).await?;
    let may = Permissions::of(actor, &found.space);
    if !((found.thread_author_id == me.id && may.post) || may.moderate) {
        return Err(CoreError::Forbidden);
    }
    let title = Title::parse(title).map_err(|e| CoreError::Invalid(vec![FieldError::invalid("title", &e)]))?;
    store::rename_thread(&mut tx, &found.thread_id, title.as_str()).await?;
    events::append(
        &mut tx,
        NewEvent {
            kind: kind::THREAD_RENAMED,
            actor_id: Some(&me.id),
            space_id: Some(&found.space.space.id),
            subject_id: Some(&found.thread_id),
            data: serde_json::json!({"title": title.as_str()}),
        },
        app.now(),
    )
    .await?;
    stoa_store::commit(tx).await?;
    Ok(())
}
