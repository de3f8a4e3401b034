//! The home feed (what followed people, spaces, threads and tags and the
//! spaces one belongs to produced) and the pages of tags.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use stoa_domain::Action;
use stoa_store::events::{self, kind};
use stoa_store::{social as store, spaces as store_spaces, users};

use crate::activity::{ActivityItem, Readable, describe};
use crate::social::{PERSON, SPACE, TAG, THREAD, one_tag};
use crate::spaces::allowed;
use crate::{Actor, CoreError, Result, Stoa};

/// One page of the home feed.
#[derive(Debug, Clone, Serialize)]
pub struct FeedPage {
    pub items: Vec<ActivityItem>,
    /// Pass as `before` for the next, older page; `None` at the end.
    pub next_before: Option<i64>,
}

/// How many events one page may look through before it stops, so a quiet
/// feed in a busy site costs a bounded amount of work.
const SCAN_BATCHES: usize = 20;
const BATCH: i64 = 200;

/// The spaces the actor may read, as [`describe`] labels them.
async fn readable_spaces(conn: &mut stoa_store::Conn, actor: &Actor) -> Result<Readable> {
    Ok(store_spaces::all_views(conn, actor.id())
        .await?
        .iter()
        .filter(|v| allowed(actor, v, Action::ReadContent))
        .map(|v| {
            (v.space.id.clone(), (v.space.slug.clone(), v.space.name.clone(), allowed(actor, v, Action::Facilitate)))
        })
        .collect())
}

/// The signed-in person's home feed, newest first: new threads and replies
/// in the spaces they belong to or follow, in threads they follow, carrying
/// tags they follow, or written by people they follow (never an anonymous
/// post: following its author must not reveal who wrote it). Everything is
/// in a space they may read now.
pub async fn home(app: &Stoa, actor: &Actor, before: Option<i64>, limit: i64) -> Result<FeedPage> {
    let me = actor.require()?;
    let limit = limit.clamp(1, 100);
    let mut conn = app.store.read().await?;
    let readable = readable_spaces(&mut conn, actor).await?;
    let mut spaces: HashSet<String> =
        store_spaces::views_of_member(&mut conn, &me.id).await?.into_iter().map(|v| v.space.id).collect();
    let (mut people, mut threads, mut tags) = (HashSet::new(), HashSet::new(), HashSet::new());
    for (kind, target) in store::follows_of(&mut conn, &me.id).await? {
        match kind.as_str() {
            PERSON => people.insert(target),
            SPACE => spaces.insert(target),
            THREAD => threads.insert(target),
            TAG => tags.insert(target),
            _ => false,
        };
    }
    let ids: Vec<String> = readable.keys().cloned().collect();
    let kinds = [kind::THREAD_CREATED, kind::POST_CREATED];
    let mut chosen = Vec::new();
    let mut cursor = before;
    let mut exhausted = false;
    for scan in 0..SCAN_BATCHES {
        // The first batch is a page and one more (most events of a busy
        // feed are wanted), the rest larger: a feed page costs what it shows.
        let size = if scan == 0 { limit + 1 } else { BATCH };
        let batch = events::latest_in_spaces(&mut conn, &ids, &kinds, cursor, size).await?;
        exhausted = (batch.len() as i64) < size;
        cursor = batch.last().map(|e| e.seq).or(cursor);
        // Each event with its data and the post it is about (for its tags).
        let parsed: Vec<(events::Event, serde_json::Value, Option<String>)> = batch
            .into_iter()
            .map(|e| {
                let data: serde_json::Value = serde_json::from_str(&e.data).unwrap_or_default();
                let post = post_of(&e, &data);
                (e, data, post)
            })
            .collect();
        let mut tagged: HashSet<String> = HashSet::new();
        if !tags.is_empty() {
            let post_ids: Vec<String> = parsed.iter().filter_map(|(_, _, p)| p.clone()).collect();
            for (post, tag) in store::tags_of_subjects(&mut conn, &post_ids).await? {
                if tags.contains(&tag) {
                    tagged.insert(post);
                }
            }
        }
        for (e, data, post) in parsed {
            let anonymous = data.get("anonymous").and_then(serde_json::Value::as_bool).unwrap_or(false);
            let thread = data.get("thread_id").and_then(|t| t.as_str()).unwrap_or_default();
            let by_followed_person = !anonymous && e.actor_id.as_ref().is_some_and(|a| people.contains(a));
            let wanted = e.space_id.as_ref().is_some_and(|s| spaces.contains(s))
                || threads.contains(thread)
                || by_followed_person
                || post.is_some_and(|p| tagged.contains(&p));
            if wanted {
                chosen.push(e);
            }
        }
        if chosen.len() as i64 > limit || exhausted {
            break;
        }
    }
    let next_before = if chosen.len() as i64 > limit {
        chosen.truncate(usize::try_from(limit).unwrap_or(0));
        chosen.last().map(|e| e.seq)
    } else if exhausted {
        None
    } else {
        // The scan budget ran out: the next page goes on from where it stopped.
        cursor
    };
    let items = describe(&mut conn, actor, &readable, chosen).await?;
    Ok(FeedPage { items, next_before })
}

/// The post an event is about: a reply, or a new thread's opening post.
fn post_of(e: &events::Event, data: &serde_json::Value) -> Option<String> {
    match e.kind.as_str() {
        kind::POST_CREATED => e.subject_id.clone(),
        _ => data.get("post_id").and_then(|p| p.as_str()).map(str::to_owned),
    }
}

/// Something carrying a tag.
#[derive(Debug, Clone, Serialize)]
pub struct TaggedItem {
    /// `post` (a thread's opening post), `reply`, `wiki` or `blog`.
    pub kind: String,
    pub title: String,
    pub path: String,
    pub space_slug: String,
    pub space_name: String,
    /// Empty when the post was anonymous.
    pub author_username: String,
    pub author_display_name: String,
    pub at: i64,
}

/// A person who knows about a tag.
#[derive(Debug, Clone, Serialize)]
pub struct Expert {
    pub username: String,
    pub display_name: String,
    pub accepted_answers: i64,
    pub wiki_edits: i64,
}

/// A tag's page: what carries it, who knows about it, who lists it as a
/// skill, and whether the viewer follows it.
#[derive(Debug, Clone, Serialize)]
pub struct TagPage {
    pub tag: String,
    pub items: Vec<TaggedItem>,
    pub has_more: bool,
    pub experts: Vec<Expert>,
    pub following: bool,
}

const TAG_PAGE: i64 = 30;

/// The page of a tag, with only what the actor may read.
pub async fn tag(app: &Stoa, actor: &Actor, raw: &str, page: i64) -> Result<TagPage> {
    let tag = one_tag(raw)?;
    let mut conn = app.store.read().await?;
    let readable = readable_spaces(&mut conn, actor).await?;
    let ids: Vec<String> = readable.keys().cloned().collect();
    let offset = crate::offset(page, TAG_PAGE);
    let mut rows = store::tagged(&mut conn, &tag, &ids, TAG_PAGE + 1, offset).await?;
    let has_more = rows.len() as i64 > TAG_PAGE;
    rows.truncate(usize::try_from(TAG_PAGE).unwrap_or(0));
    let experts = store::experts(&mut conn, &tag, &ids, 10).await?;
    let mut people: Vec<String> = rows.iter().map(|r| r.author_id.clone()).collect();
    people.extend(experts.iter().map(|e| e.user_id.clone()));
    people.sort();
    people.dedup();
    let names: HashMap<String, (String, String)> =
        users::names_by_ids(&mut conn, &people).await?.into_iter().map(|(id, u, d)| (id, (u, d))).collect();
    let items = rows
        .into_iter()
        .filter_map(|r| {
            let (slug, name, facilitates) = readable.get(&r.space_id)?.clone();
            let hidden = r.anonymous != 0 && !facilitates && actor.id() != Some(r.author_id.as_str());
            let (author_username, author_display_name) =
                if hidden { Default::default() } else { names.get(&r.author_id).cloned().unwrap_or_default() };
            // A reply is told apart from the thread it answers.
            let kind = if r.kind == "post" && r.number > 1 { "reply".to_owned() } else { r.kind };
            let path = match kind.as_str() {
                "wiki" => format!("/s/{slug}/wiki/{}", stoa_domain::markdown::percent_encode_path(&r.locator)),
                "blog" => format!("/s/{slug}/blog/{}", r.locator),
                _ => format!("/s/{slug}/t/{}#post-{}", r.locator, r.number),
            };
            Some(TaggedItem {
                kind,
                title: r.title,
                path,
                space_slug: slug,
                space_name: name,
                author_username,
                author_display_name,
                at: r.at,
            })
        })
        .collect();
    let experts = experts
        .into_iter()
        .filter_map(|e| {
            let (username, display_name) = names.get(&e.user_id)?.clone();
            Some(Expert { username, display_name, accepted_answers: e.accepted_answers, wiki_edits: e.wiki_edits })
        })
        .collect();
    let following = match actor.id() {
        Some(me) => store::is_following(&mut conn, me, TAG, &tag).await?,
        None => false,
    };
    Ok(TagPage { tag, items, has_more, experts, following })
}

/// What a public web feed (Atom or RSS) carries: only what someone who is
/// not signed in may read, as they would see it.
#[derive(Debug, Clone, Serialize)]
pub struct Syndication {
    pub title: String,
    pub description: String,
    /// The page the feed follows, on this site.
    pub path: String,
    pub items: Vec<SyndicatedItem>,
}

/// One entry of a web feed.
#[derive(Debug, Clone, Serialize)]
pub struct SyndicatedItem {
    /// Stable for the life of the thing (a post's or page's id).
    pub id: String,
    pub title: String,
    pub path: String,
    /// Empty for an anonymous post.
    pub author: String,
    pub published: i64,
    pub updated: i64,
    /// Sanitized HTML, as the page shows it.
    pub html: String,
    /// The first words as plain text.
    pub summary: String,
}

const FEED_ITEMS: i64 = 30;

/// The newest threads and replies of a public space, for its web feeds.
/// Anything a signed-out visitor may not read answers as not found.
pub async fn syndicate_space(app: &Stoa, slug: &str) -> Result<Syndication> {
    let outsider = Actor::ANONYMOUS;
    let mut conn = app.store.read().await?;
    let view = crate::spaces::load(&mut conn, &outsider, slug, Action::ReadContent).await.map_err(|e| match e {
        CoreError::Forbidden | CoreError::SignInRequired => CoreError::NotFound,
        e => e,
    })?;
    let kinds = [kind::THREAD_CREATED, kind::POST_CREATED];
    let events =
        events::latest_in_spaces(&mut conn, std::slice::from_ref(&view.space.id), &kinds, None, FEED_ITEMS).await?;
    let mut items = Vec::new();
    for e in events {
        let data: serde_json::Value = serde_json::from_str(&e.data).unwrap_or_default();
        let Some(post_id) = post_of(&e, &data) else { continue };
        if let Some(item) = public_post(&mut conn, &post_id).await? {
            items.push(item);
        }
    }
    Ok(Syndication {
        title: view.space.name.clone(),
        description: stoa_domain::markdown::plain_text(&view.space.description, 300),
        path: format!("/s/{}", view.space.slug),
        items,
    })
}

/// A post as a signed-out visitor sees it, if they may.
async fn public_post(conn: &mut stoa_store::Conn, post_id: &str) -> Result<Option<SyndicatedItem>> {
    let (post, found) = match crate::discussions::visible_post(conn, &Actor::ANONYMOUS, post_id).await {
        Ok(seen) => seen,
        Err(CoreError::NotFound | CoreError::Forbidden | CoreError::SignInRequired) => return Ok(None),
        Err(e) => return Err(e),
    };
    if post.deleted_at.is_some() || post.hidden_at.is_some() {
        return Ok(None);
    }
    let title = if post.number == 1 { found.thread_title.clone() } else { format!("Re: {}", found.thread_title) };
    Ok(Some(SyndicatedItem {
        id: post.id.clone(),
        title,
        path: format!("/s/{}/t/{}#post-{}", found.space.space.slug, found.thread_id, post.number),
        author: if post.anonymous != 0 { String::new() } else { post.author_display_name.clone() },
        published: post.created_at,
        updated: post.edited_at.unwrap_or(post.created_at),
        summary: stoa_domain::markdown::plain_text(&post.body, 400),
        html: post.body_html,
    }))
}

/// The newest public posts and wiki pages carrying a tag, for its web feeds.
pub async fn syndicate_tag(app: &Stoa, raw: &str) -> Result<Syndication> {
    let tag = one_tag(raw)?;
    let outsider = Actor::ANONYMOUS;
    let mut conn = app.store.read().await?;
    let readable = readable_spaces(&mut conn, &outsider).await?;
    let ids: Vec<String> = readable.keys().cloned().collect();
    let mut items = Vec::new();
    for row in store::tagged(&mut conn, &tag, &ids, FEED_ITEMS, 0).await? {
        if row.kind == "post" {
            items.extend(public_post(&mut conn, &row.id).await?);
        } else if row.kind == "blog" {
            if let Some(post) = stoa_store::blogs::by_id(&mut conn, &row.id).await?
                && let Some((slug, _, _)) = readable.get(&post.space_id)
                && let Some(published) = post.published_at
            {
                items.push(SyndicatedItem {
                    id: post.id.clone(),
                    title: post.title.clone(),
                    path: format!("/s/{slug}/blog/{}", post.slug),
                    author: post.author_display_name.clone(),
                    published,
                    updated: post.updated_at.max(published),
                    summary: stoa_domain::markdown::plain_text(&post.body, 400),
                    html: post.body_html,
                });
            }
        } else if let Some(page) = stoa_store::wiki::page_by_id(&mut conn, &row.id).await?
            && let Some((slug, _, _)) = readable.get(&page.space_id)
        {
            items.push(SyndicatedItem {
                id: page.id.clone(),
                title: page.title.clone(),
                path: format!("/s/{slug}/wiki/{}", stoa_domain::markdown::percent_encode_path(&page.slug)),
                author: String::new(),
                published: row.at,
                updated: row.at,
                summary: stoa_domain::markdown::plain_text(&page.body, 400),
                html: page.body_html,
            });
        }
    }
    Ok(Syndication { title: format!("#{tag}"), description: String::new(), path: format!("/tags/{tag}"), items })
}
