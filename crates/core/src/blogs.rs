//! A space's blog: posts its facilitators write for the people the space
//! serves, kept as drafts until published, with a cover picture, an
//! optional sound file (a post with one is a podcast episode) and a thread
//! for comments, made when the post is first published.

use serde::Serialize;
use stoa_domain::{Action, PostBody, Title, markdown};
use stoa_store::blogs::{self as store, BlogPostRow, BlogPostWrite};
use stoa_store::events::kind;
use stoa_store::threads::NewThread;
use stoa_store::{Conn, new_id};

use crate::discussions::write_thread;
use crate::facilitation::event;
use crate::feed::{SyndicatedItem, Syndication};
use crate::spaces::{self, SpaceSummary, allowed};
use crate::{Actor, CoreError, FieldError, Result, Stoa, field};

/// A sound file attached to a post.
#[derive(Debug, Clone, Serialize)]
pub struct Audio {
    pub file_id: String,
    /// Where it is served (with Range requests).
    pub path: String,
    pub content_type: String,
    /// Bytes, as a podcast enclosure states them.
    pub size: i64,
}

/// A blog post as its reader sees it.
#[derive(Debug, Clone, Serialize)]
pub struct BlogPost {
    pub id: String,
    pub space_slug: String,
    pub slug: String,
    pub title: String,
    pub body: String,
    pub body_html: String,
    pub author_display_name: String,
    pub cover_path: Option<String>,
    pub cover_file_id: Option<String>,
    pub audio: Option<Audio>,
    /// `None` for a draft.
    pub published_at: Option<i64>,
    pub updated_at: i64,
    /// The comments thread, once published.
    pub comments_path: Option<String>,
}

impl BlogPost {
    fn of(row: BlogPostRow, space_slug: &str) -> Self {
        let audio = match (&row.audio_file_id, &row.audio_type, row.audio_size) {
            (Some(id), Some(t), Some(size)) => Some(Audio {
                path: format!(
                    "/files/{id}/{}",
                    markdown::percent_encode_path(row.audio_name.as_deref().unwrap_or("audio"))
                ),
                file_id: id.clone(),
                content_type: t.clone(),
                size,
            }),
            _ => None,
        };
        Self {
            comments_path: row.comments_thread_id.as_ref().map(|t| format!("/s/{space_slug}/t/{t}")),
            cover_path: row.cover_file_id.as_ref().map(|f| format!("/files/{f}")),
            cover_file_id: row.cover_file_id,
            audio,
            id: row.id,
            space_slug: space_slug.to_owned(),
            slug: row.slug,
            title: row.title,
            body: row.body,
            body_html: row.body_html,
            author_display_name: row.author_display_name,
            published_at: row.published_at,
            updated_at: row.updated_at,
        }
    }
}

/// A space's blog as the actor may see it.
#[derive(Debug, Clone, Serialize)]
pub struct Blog {
    pub space: SpaceSummary,
    pub posts: Vec<BlogPost>,
    /// Whether the actor writes here (and sees drafts).
    pub may_write: bool,
}

/// The posts of a space's blog, newest first; drafts only for its writers.
pub async fn blog(app: &Stoa, actor: &Actor, slug: &str) -> Result<Blog> {
    let mut conn = app.store.read().await?;
    let view = spaces::load(&mut conn, actor, slug, Action::ReadContent).await?;
    let may_write = allowed(actor, &view, Action::Facilitate);
    let posts = store::of_space(&mut conn, &view.space.id, may_write, 100)
        .await?
        .into_iter()
        .map(|r| BlogPost::of(r, &view.space.slug))
        .collect();
    Ok(Blog { space: SpaceSummary::of(&view), posts, may_write })
}

/// One post with its space, as its reader sees it.
#[derive(Debug, Clone, Serialize)]
pub struct PostView {
    pub space: SpaceSummary,
    pub post: BlogPost,
    /// Whether the actor writes in this blog.
    pub may_write: bool,
}

/// One post; a draft is found only by the blog's writers.
pub async fn post(app: &Stoa, actor: &Actor, slug: &str, post_slug: &str) -> Result<PostView> {
    let mut conn = app.store.read().await?;
    let view = spaces::load(&mut conn, actor, slug, Action::ReadContent).await?;
    let may_write = allowed(actor, &view, Action::Facilitate);
    let row = store::by_slug(&mut conn, &view.space.id, post_slug).await?.ok_or(CoreError::NotFound)?;
    if row.published_at.is_none() && !may_write {
        return Err(CoreError::NotFound);
    }
    Ok(PostView { post: BlogPost::of(row, &view.space.slug), space: SpaceSummary::of(&view), may_write })
}

/// A post as written in the form or the API.
#[derive(Debug, Clone, Default)]
pub struct BlogInput {
    pub title: String,
    pub body: String,
    /// Publish now (or keep published); otherwise a draft.
    pub publish: bool,
    /// Files uploaded to the same space; `None` keeps (on edit) or leaves out.
    pub cover_file_id: Option<String>,
    pub audio_file_id: Option<String>,
    /// Take the cover or the sound file off.
    pub remove_cover: bool,
    pub remove_audio: bool,
}

/// Checks that a file was uploaded to the space and is of the right kind.
async fn check_file(
    conn: &mut Conn,
    space_id: &str,
    id: &str,
    prefix: &str,
    name: &'static str,
    errors: &mut Vec<FieldError>,
) -> Result<()> {
    let ok = stoa_store::files::get(conn, id)
        .await?
        .is_some_and(|f| f.space_id == space_id && f.content_type.starts_with(prefix));
    if !ok {
        errors
            .push(FieldError::new(name, if prefix == "image/" { "blog-cover-invalid" } else { "blog-audio-invalid" }));
    }
    Ok(())
}

/// Writes a new post (facilitators and owners of the space).
pub async fn create(app: &Stoa, actor: &Actor, slug: &str, input: BlogInput) -> Result<BlogPost> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let view = spaces::load(&mut tx, actor, slug, Action::Facilitate).await?;
    let (title, body) = validate(&mut tx, &view.space.id, &input).await?;
    let now = app.now();
    let base = stoa_domain::wiki::page_slug(title.as_str());
    let base = if base.is_empty() { "post".to_owned() } else { base };
    let mut post_slug = base.clone();
    let mut n = 2;
    while store::by_slug(&mut tx, &view.space.id, &post_slug).await?.is_some() {
        post_slug = format!("{base}-{n}");
        n += 1;
    }
    let id = new_id();
    let body_html = crate::discussions::render_post(&mut tx, body.as_str(), &me.id).await?;
    store::insert(
        &mut tx,
        &BlogPostWrite {
            id: &id,
            space_id: &view.space.id,
            author_id: &me.id,
            slug: &post_slug,
            title: title.as_str(),
            body: body.as_str(),
            body_html: &body_html,
            cover_file_id: input.cover_file_id.as_deref(),
            audio_file_id: input.audio_file_id.as_deref(),
            published_at: input.publish.then_some(now),
            now,
        },
    )
    .await?;
    stoa_store::social::set_content_tags(&mut tx, "blog", &id, &markdown::hashtags(body.as_str())).await?;
    if input.publish {
        publish(&mut tx, &view.space.id, &view.space.slug, &id, &post_slug, title.as_str(), &me.id, now).await?;
    }
    stoa_store::commit(tx).await?;
    Ok(post(app, actor, slug, &post_slug).await?.post)
}

/// Changes a post: its words, files, and whether it is published.
pub async fn update(app: &Stoa, actor: &Actor, slug: &str, post_slug: &str, input: BlogInput) -> Result<BlogPost> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let view = spaces::load(&mut tx, actor, slug, Action::Facilitate).await?;
    let row = store::by_slug(&mut tx, &view.space.id, post_slug).await?.ok_or(CoreError::NotFound)?;
    let (title, body) = validate(&mut tx, &view.space.id, &input).await?;
    let now = app.now();
    let body_html = crate::discussions::render_post(&mut tx, body.as_str(), &me.id).await?;
    let cover = if input.remove_cover { None } else { input.cover_file_id.clone().or(row.cover_file_id.clone()) };
    let audio = if input.remove_audio { None } else { input.audio_file_id.clone().or(row.audio_file_id.clone()) };
    let published_at = if input.publish { Some(row.published_at.unwrap_or(now)) } else { None };
    store::update(
        &mut tx,
        &BlogPostWrite {
            id: &row.id,
            space_id: &view.space.id,
            author_id: &row.author_id,
            slug: &row.slug,
            title: title.as_str(),
            body: body.as_str(),
            body_html: &body_html,
            cover_file_id: cover.as_deref(),
            audio_file_id: audio.as_deref(),
            published_at,
            now,
        },
    )
    .await?;
    stoa_store::social::set_content_tags(&mut tx, "blog", &row.id, &markdown::hashtags(body.as_str())).await?;
    if input.publish && row.published_at.is_none() {
        publish(&mut tx, &view.space.id, &view.space.slug, &row.id, &row.slug, title.as_str(), &me.id, now).await?;
    }
    stoa_store::commit(tx).await?;
    Ok(post(app, actor, slug, post_slug).await?.post)
}

async fn validate(conn: &mut Conn, space_id: &str, input: &BlogInput) -> Result<(Title, PostBody)> {
    let mut errors = Vec::new();
    let title = field(&mut errors, "title", Title::parse(&input.title));
    let body = field(&mut errors, "body", PostBody::parse(&input.body));
    if let Some(id) = input.cover_file_id.as_deref() {
        check_file(conn, space_id, id, "image/", "cover", &mut errors).await?;
    }
    if let Some(id) = input.audio_file_id.as_deref() {
        check_file(conn, space_id, id, "audio/", "audio", &mut errors).await?;
    }
    match (title, body) {
        (Some(t), Some(b)) if errors.is_empty() => Ok((t, b)),
        _ => Err(CoreError::Invalid(errors)),
    }
}

/// On first publication: the comments thread and the `blog.published` event.
#[allow(clippy::too_many_arguments)]
async fn publish(
    tx: &mut Conn,
    space_id: &str,
    space_slug: &str,
    id: &str,
    post_slug: &str,
    title: &str,
    author_id: &str,
    now: i64,
) -> Result<()> {
    let thread = NewThread {
        id: &new_id(),
        space_id,
        author_id,
        kind: "discussion",
        title,
        created_at: now,
        anonymous: false,
        post_first: false,
        opens_at: None,
    };
    let body = format!("Comments on the blog post [{title}](/s/{space_slug}/blog/{post_slug}).");
    let (thread_id, _) = write_thread(tx, &thread, &body, &markdown::render(&body)).await?;
    store::set_comments_thread(tx, id, &thread_id).await?;
    let data = serde_json::json!({"slug": post_slug, "title": title});
    event(tx, kind::BLOG_PUBLISHED, author_id, space_id, id, data, now).await
}

/// A public space's published posts for its blog feed, newest first, as a
/// signed-out visitor may read them; with their sound files, for podcast apps.
pub async fn syndicate(app: &Stoa, slug: &str) -> Result<(Syndication, Vec<Option<Audio>>, Option<String>)> {
    let outsider = Actor::ANONYMOUS;
    let mut conn = app.store.read().await?;
    let view = spaces::load(&mut conn, &outsider, slug, Action::ReadContent).await.map_err(|e| match e {
        CoreError::Forbidden | CoreError::SignInRequired => CoreError::NotFound,
        e => e,
    })?;
    let rows = store::of_space(&mut conn, &view.space.id, false, 50).await?;
    let mut items = Vec::new();
    let mut audio = Vec::new();
    let mut cover = None;
    for r in rows {
        let p = BlogPost::of(r, &view.space.slug);
        cover = cover.or(p.cover_path.clone());
        audio.push(p.audio.clone());
        items.push(SyndicatedItem {
            id: p.id,
            title: p.title,
            path: format!("/s/{}/blog/{}", view.space.slug, p.slug),
            author: p.author_display_name,
            published: p.published_at.unwrap_or(p.updated_at),
            updated: p.updated_at,
            summary: markdown::plain_text(&p.body, 400),
            html: p.body_html,
        });
    }
    let syndication = Syndication {
        title: view.space.name.clone(),
        description: markdown::plain_text(&view.space.description, 300),
        path: format!("/s/{}/blog", view.space.slug),
        items,
    };
    Ok((syndication, audio, cover))
}

/// The address of `user_id`'s own blog space, if they started one and the
/// actor may read it.
pub(crate) async fn personal_slug(conn: &mut Conn, actor: &Actor, user_id: &str) -> Result<Option<String>> {
    let Some(space_id) = stoa_store::users::blog_space(conn, user_id).await? else {
        return Ok(None);
    };
    match spaces::load_by_id(conn, actor, &space_id, Action::ReadContent).await {
        Ok(view) => Ok(Some(view.space.slug)),
        Err(CoreError::NotFound | CoreError::Forbidden | CoreError::SignInRequired) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Starts the actor's own blog, or finds the one they have: a public
/// community they own, open to anyone who wants to comment, named `name`
/// (the adapter words it, as "Ana's blog"). Returns its address.
///
/// A person's blog is a space like any other, so everything a space's blog
/// has comes with it: drafts, covers and sound files uploaded to it,
/// comment threads, followers told of new posts, its Atom and RSS feeds.
pub async fn start_personal(app: &Stoa, actor: &Actor, name: &str) -> Result<String> {
    let me = actor.require()?;
    {
        let mut conn = app.store.read().await?;
        if let Some(slug) = personal_slug(&mut conn, actor, &me.id).await? {
            return Ok(slug);
        }
    }
    let space = spaces::create_space(
        app,
        actor,
        spaces::NewSpaceInput {
            kind: "community".into(),
            name: name.into(),
            slug: String::new(),
            description: String::new(),
            visibility: "public".into(),
            join_policy: "open".into(),
            parent: String::new(),
        },
    )
    .await?;
    let mut tx = app.store.begin().await?;
    let claimed = stoa_store::users::set_blog_space(&mut tx, &me.id, &space.id).await?;
    stoa_store::commit(tx).await?;
    if claimed {
        return Ok(space.slug);
    }
    // Started twice at once: the other one stands (this space stays an
    // ordinary community of theirs).
    let mut conn = app.store.read().await?;
    personal_slug(&mut conn, actor, &me.id).await?.ok_or(CoreError::NotFound)
}
