//! Discussions: threads and posts.
//!
//! A thread's opening post is post number 1. Bodies are Markdown, rendered
//! and sanitized when written ([`stoa_domain::markdown`]); pages print the
//! stored HTML. Edits keep the earlier version; deletes are soft, so the
//! thread shows where a post was.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use stoa_domain::reactions::Reaction;
use stoa_domain::{Action, PostBody, Title, markdown};
use stoa_store::direct::Reads;
use stoa_store::events::{self, NewEvent, kind};
use stoa_store::facilitation as facil_store;
use stoa_store::threads::{self as store, NewPost, NewThread, PostVersion, ThreadFilter};
use stoa_store::{Conn, new_id};

use crate::spaces::{self, DiscussionRules, Permissions, SpaceSummary};
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
    /// Empty when the author is hidden from the viewer.
    pub author_username: String,
    /// Empty when the author is hidden from the viewer.
    pub author_display_name: String,
    /// Written anonymously to peers.
    pub anonymous: bool,
    /// The viewer may not know who wrote it: pages say "Anonymous".
    pub author_hidden: bool,
    pub reply_to_id: Option<String>,
    pub reply_to_number: Option<i64>,
    /// Empty for a deleted post.
    pub body: Arc<str>,
    /// Empty for a deleted post.
    pub body_html: Arc<str>,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub deleted: bool,
    /// A moderator hid it. Only its author and the space's moderators still
    /// get its words; for everyone else `body` and `body_html` are empty.
    pub hidden: bool,
    pub version: i64,
    /// Whether it arrived after the viewer's last visit.
    pub is_new: bool,
    /// Whether the viewer may edit it (their own, not deleted).
    pub can_edit: bool,
    /// Whether the viewer may delete it (their own, or as a moderator).
    pub can_delete: bool,
    /// Whether the viewer may flag it for the moderators (someone else's).
    pub can_flag: bool,
    /// Whether the viewer may hide or restore it (a moderator).
    pub can_hide: bool,
    /// The sum of its votes (answers to questions).
    pub score: i64,
    /// The viewer's own vote: +1, -1 or 0.
    pub my_vote: i64,
    /// The facilitator who endorsed it.
    pub endorsed_by: Option<String>,
    /// The accepted answer of its question.
    pub accepted: bool,
    /// Whether the viewer may vote on it (an answer by someone else).
    pub can_vote: bool,
    /// Whether the viewer may accept it (the asker or a facilitator).
    pub can_accept: bool,
    /// Whether the viewer may endorse it (a facilitator).
    pub can_endorse: bool,
    /// Reactions it got, in the fixed order of [`Reaction::ALL`], with
    /// whether the viewer gave each; only kinds someone gave.
    pub reactions: Vec<ReactionCount>,
    /// Whether the viewer may react to it.
    pub can_react: bool,
}

/// How many gave one reaction to a post, and whether the viewer did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReactionCount {
    pub kind: &'static str,
    pub emoji: &'static str,
    pub count: i64,
    pub mine: bool,
}

/// Every reaction in a thread: per post, each kind given (in the order of
/// [`Reaction::ALL`]) with who gave it. The same for every viewer, so thread
/// pages keep it per thread revision.
#[derive(Debug, Default)]
pub(crate) struct ThreadReactions(HashMap<String, Vec<(Reaction, Vec<String>)>>);

impl ThreadReactions {
    fn of(rows: Vec<(String, String, String)>) -> Self {
        let mut out: HashMap<String, Vec<(Reaction, Vec<String>)>> = HashMap::new();
        for (post, kind, user) in rows {
            let Ok(r) = Reaction::parse(&kind) else { continue };
            let kinds = out.entry(post).or_default();
            match kinds.iter_mut().find(|(k, _)| *k == r) {
                Some((_, who)) => who.push(user),
                None => kinds.push((r, vec![user])),
            }
        }
        for kinds in out.values_mut() {
            kinds.sort_by_key(|(r, _)| Reaction::ALL.iter().position(|x| x == r));
        }
        Self(out)
    }

    /// The counts on one post, with whether `viewer` gave each.
    fn counts(&self, post_id: &str, viewer: Option<&str>) -> Vec<ReactionCount> {
        self.0.get(post_id).map_or_else(Vec::new, |kinds| {
            kinds
                .iter()
                .map(|(r, who)| ReactionCount {
                    kind: r.as_str(),
                    emoji: r.emoji(),
                    count: who.len() as i64,
                    mine: viewer.is_some_and(|me| who.iter().any(|w| w == me)),
                })
                .collect()
        })
    }
}

/// The reactions of a thread read at `revision`, from the cache when it has them.
async fn thread_reactions(app: &Stoa, conn: &mut Conn, thread_id: &str, revision: i64) -> Result<Arc<ThreadReactions>> {
    let key = thread_id.to_owned();
    if let Some(cached) = app.reactions.get(&key, revision) {
        return Ok(cached);
    }
    let reactions = Arc::new(ThreadReactions::of(facil_store::reactions(conn, thread_id).await?));
    app.reactions.put(key, revision, reactions.clone());
    Ok(reactions)
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
    hidden: bool,
    version: i64,
    anonymous: bool,
    score: i64,
    endorsed_by: Option<String>,
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
            hidden: row.hidden_at.is_some(),
            version: row.version,
            anonymous: row.anonymous != 0,
            score: row.score,
            endorsed_by: row.endorsed_by_name,
        }
    }
}

/// What decides how one viewer sees a thread's posts.
struct Reading<'a> {
    may: &'a Permissions,
    last_read: Option<i64>,
    /// For a question: answers can be voted on and accepted.
    question: bool,
    accepted: Option<&'a str>,
    /// The viewer asked the question (or facilitates): they may accept.
    may_accept: bool,
    /// The viewer's votes in the thread.
    votes: &'a HashMap<String, i64>,
    reactions: Option<&'a ThreadReactions>,
}

impl<'a> Reading<'a> {
    fn plain(may: &'a Permissions, votes: &'a HashMap<String, i64>) -> Self {
        Self { may, last_read: None, question: false, accepted: None, may_accept: false, votes, reactions: None }
    }
}

/// Whether someone may know who wrote a post: they wrote it, or they
/// facilitate its space (admins included).
fn author_visible(anonymous: bool, own: bool, may: &Permissions) -> bool {
    !anonymous || own || may.facilitate
}

fn to_post(row: &SharedPost, actor: &Actor, r: &Reading<'_>) -> Post {
    let may = r.may;
    let own = actor.id() == Some(row.author_id.as_str());
    let shown = author_visible(row.anonymous, own, may);
    let answer = r.question && row.number > 1 && !row.deleted;
    // A hidden post's words reach only its author and the moderators.
    let masked = row.hidden && !own && !may.moderate;
    Post {
        can_edit: own && may.post && !row.deleted,
        can_delete: !row.deleted && ((own && may.post) || may.moderate),
        can_flag: !row.deleted && !own && actor.id().is_some() && may.read,
        can_hide: !row.deleted && may.moderate,
        is_new: r.last_read.is_some_and(|n| row.number > n),
        id: row.id.clone(),
        thread_id: row.thread_id.clone(),
        number: row.number,
        author_username: if shown { row.author_username.clone() } else { String::new() },
        author_display_name: if shown { row.author_display_name.clone() } else { String::new() },
        anonymous: row.anonymous,
        author_hidden: !shown,
        score: row.score,
        my_vote: r.votes.get(&row.id).copied().unwrap_or(0),
        endorsed_by: row.endorsed_by.clone(),
        accepted: r.accepted == Some(row.id.as_str()),
        can_vote: answer && may.post && !own,
        can_accept: answer && r.may_accept,
        can_endorse: answer && may.facilitate,
        reactions: r.reactions.map(|all| all.counts(&row.id, actor.id())).unwrap_or_default(),
        can_react: may.post && !row.deleted && !masked,
        reply_to_id: row.reply_to_id.clone(),
        reply_to_number: row.reply_to_number,
        body: if masked { Arc::from("") } else { row.body.clone() },
        body_html: if masked { Arc::from("") } else { row.body_html.clone() },
        created_at: row.created_at,
        edited_at: row.edited_at,
        deleted: row.deleted,
        hidden: row.hidden,
        version: row.version,
    }
}

/// A thread as listed in its space.
#[derive(Debug, Clone, Serialize)]
pub struct ThreadSummary {
    pub id: String,
    pub title: String,
    /// `discussion`, `question` or `talk`.
    pub kind: String,
    /// Empty when the author is hidden from the viewer.
    pub author_username: String,
    pub author_display_name: String,
    pub author_hidden: bool,
    pub created_at: i64,
    pub last_activity_at: i64,
    pub reply_count: i64,
    /// `None` when nobody replied yet or the last poster is hidden.
    pub last_poster_display_name: Option<String>,
    /// Posts the viewer has not seen; `None` if they never opened the thread.
    pub unread: Option<i64>,
    pub pinned: bool,
    pub locked: bool,
    pub closed: bool,
    /// Some reply is still there (for a question: it has an answer).
    pub answered: bool,
    /// A question whose answer has been accepted.
    pub accepted: bool,
    /// A scheduled prompt (shown only to facilitators): when it opens.
    pub opens_at: Option<i64>,
}

/// A page of a space's threads.
#[derive(Debug, Clone, Serialize)]
pub struct ThreadList {
    pub threads: Vec<ThreadSummary>,
    pub page: i64,
    pub has_more: bool,
    pub total: i64,
    pub filter: Filter,
}

/// Which threads a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Filter {
    #[default]
    All,
    Questions,
    Unanswered,
    Unaccepted,
}

impl Filter {
    pub const ALL: [Filter; 4] = [Filter::All, Filter::Questions, Filter::Unanswered, Filter::Unaccepted];

    pub fn as_str(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Questions => "questions",
            Filter::Unanswered => "unanswered",
            Filter::Unaccepted => "unaccepted",
        }
    }

    fn store(self) -> ThreadFilter {
        match self {
            Filter::All => ThreadFilter::All,
            Filter::Questions => ThreadFilter::Questions,
            Filter::Unanswered => ThreadFilter::Unanswered,
            Filter::Unaccepted => ThreadFilter::Unaccepted,
        }
    }
}

/// A page of threads, pinned first, then newest activity first; only for
/// those who may read the space. Facilitators also see scheduled prompts.
pub async fn threads(app: &Stoa, actor: &Actor, slug: &str, filter: Filter, page: i64) -> Result<ThreadList> {
    let page = page.max(1);
    let mut conn = app.store.read().await?;
    let view = spaces::load(&mut conn, actor, slug, Action::ReadContent).await?;
    let may = Permissions::of(actor, &view);
    let offset = crate::offset(page, THREADS_PER_PAGE);
    let mut rows = store::threads_in_space(
        &mut conn,
        &view.space.id,
        actor.id(),
        filter.store(),
        false,
        THREADS_PER_PAGE + 1,
        offset,
    )
    .await?;
    let has_more = rows.len() as i64 > THREADS_PER_PAGE;
    rows.truncate(THREADS_PER_PAGE as usize);
    // Facilitators see their scheduled prompts above the first page.
    if may.facilitate && page == 1 && filter == Filter::All {
        let scheduled =
            store::threads_in_space(&mut conn, &view.space.id, actor.id(), ThreadFilter::Scheduled, true, 100, 0)
                .await?;
        rows.splice(0..0, scheduled);
    }
    let total = match filter {
        Filter::All => view.space.thread_count,
        other => store::count_threads(&mut conn, &view.space.id, other.store()).await?,
    };
    let threads = rows
        .into_iter()
        .map(|item| {
            let last_read = actor.id().and_then(|me| app.visits.last_read(me, &item.thread.id, item.viewer_last_read));
            let own = actor.id() == Some(item.thread.author_id.as_str());
            let shown = author_visible(item.thread.anonymous != 0, own, &may);
            let last_shown = item.last_post_anonymous.unwrap_or(0) == 0
                || may.facilitate
                || actor.id().is_some() && actor.id() == item.thread.last_poster_id.as_deref();
            let t = item.thread;
            ThreadSummary {
                unread: last_read.map(|n| (t.post_count - n).max(0)),
                title: t.title,
                kind: t.kind,
                author_username: if shown { item.author_username } else { String::new() },
                author_display_name: if shown { item.author_display_name } else { String::new() },
                author_hidden: !shown,
                created_at: t.created_at,
                last_activity_at: t.last_activity_at,
                reply_count: (t.post_count - 1).max(0),
                last_poster_display_name: item.last_poster_display_name.filter(|_| last_shown),
                pinned: t.state.pinned_at.is_some(),
                locked: t.state.locked_at.is_some(),
                closed: t.state.closed_at.is_some(),
                answered: item.answered != 0,
                accepted: t.accepted_post_id.is_some(),
                opens_at: t.opens_at,
                id: t.id,
            }
        })
        .collect();
    Ok(ThreadList { threads, page, has_more, total, filter })
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
    /// Whether the viewer follows the thread.
    pub following: bool,
    /// The thread's revision when it was read: the page's posts, and
    /// everything they show, are the same for any page read at it.
    #[serde(skip)]
    pub revision: i64,
}

/// A thread's own fields as shown.
#[derive(Debug, Clone, Serialize)]
pub struct ThreadInfo {
    pub id: String,
    pub title: String,
    /// `discussion`, `question` or `talk`.
    pub kind: String,
    /// Empty when the author is hidden from the viewer.
    pub author_username: String,
    pub author_hidden: bool,
    pub created_at: i64,
    pub last_activity_at: i64,
    pub post_count: i64,
    /// Whether the viewer may rename it (its author, or a moderator).
    pub can_rename: bool,
    /// For a wiki page's talk page: the page's address and title.
    pub talk_of: Option<(String, String)>,
    pub pinned: bool,
    pub locked: bool,
    pub closed: bool,
    pub close_reason: Option<String>,
    /// Seconds a member waits between two posts here; 0: off.
    pub slow_mode_secs: i64,
    /// The space's own slow mode, which applies too.
    pub space_slow_mode_secs: i64,
    pub post_first: bool,
    /// A scheduled prompt: when it opens.
    pub opens_at: Option<i64>,
    /// Hidden by a moderator (then only its author and the moderators see it).
    pub hidden: bool,
    pub accepted_post_id: Option<String>,
    /// Replies the viewer does not see yet (post-first mode, before they posted).
    pub hidden_replies: i64,
    /// Whether the viewer may reply now (locked and closed threads take
    /// replies only from facilitators).
    pub can_reply: bool,
    /// Whether the viewer may post anonymously to peers here.
    pub can_post_anonymously: bool,
}

/// Finds a thread as `actor` sees it, following merges to the thread that
/// took its posts; a scheduled prompt is found only by its facilitators,
/// and a thread a moderator hid only by its author and the moderators.
pub(crate) async fn find_thread<C: Reads + ?Sized>(
    conn: &mut C,
    actor: &Actor,
    thread_id: &str,
) -> Result<store::ThreadInSpace> {
    let mut id = thread_id.to_owned();
    for _ in 0..8 {
        let found = store::thread_in_space(conn, &id, actor.id()).await?.ok_or(CoreError::NotFound)?;
        match &found.thread_merged_into {
            Some(into) => id = into.clone(),
            None => {
                if found.thread_opens_at.is_some() && !spaces::allowed(actor, &found.space, Action::Facilitate) {
                    spaces::check(actor, &found.space, Action::ReadContent)?;
                    return Err(CoreError::NotFound);
                }
                if found.thread_hidden_at.is_some()
                    && actor.id() != Some(found.thread_author_id.as_str())
                    && !spaces::allowed(actor, &found.space, Action::ModeratePosts)
                {
                    spaces::check(actor, &found.space, Action::ReadContent)?;
                    return Err(CoreError::NotFound);
                }
                return Ok(found);
            }
        }
    }
    Err(CoreError::NotFound)
}

pub(crate) async fn load_thread<C: Reads + ?Sized>(
    conn: &mut C,
    actor: &Actor,
    thread_id: &str,
    action: Action,
) -> Result<store::ThreadInSpace> {
    let found = find_thread(conn, actor, thread_id).await?;
    spaces::check(actor, &found.space, action)?;
    Ok(found)
}

/// Whether post-first mode hides other people's replies from `actor`: the
/// thread is in that mode, they do not facilitate, and they have not posted.
async fn replies_hidden(
    conn: &mut Conn,
    actor: &Actor,
    found: &store::ThreadInSpace,
    may: &Permissions,
) -> Result<bool> {
    if found.state.post_first == 0 || may.facilitate {
        return Ok(false);
    }
    match actor.id() {
        Some(me) => Ok(!facil_store::has_posted(conn, me, &found.thread_id).await?),
        None => Ok(true),
    }
}

/// Reads a thread page and moves the viewer's reading position.
pub async fn thread_page(app: &Stoa, actor: &Actor, thread_id: &str, page: Option<i64>) -> Result<ThreadPage> {
    let mut conn = app.store.read().await?;
    let found = find_thread(&mut conn, actor, thread_id).await?;
    let view = &found.space;
    spaces::check(actor, view, Action::ReadContent)?;
    let may = Permissions::of(actor, view);
    let last_read = actor.id().and_then(|me| app.visits.last_read(me, &found.thread_id, found.viewer_last_read));
    let post_count = found.thread_post_count;
    let question = found.thread_kind == "question";
    let hide = replies_hidden(&mut conn, actor, &found, &may).await?;
    let (rows, page, pages): (Arc<Vec<SharedPost>>, i64, i64) = if question {
        // Answers sort by votes, so a page is not a range of numbers.
        let pages = ((post_count - 1 + POSTS_PER_PAGE - 1) / POSTS_PER_PAGE).max(1);
        let page = page.unwrap_or(1).clamp(1, pages);
        let mut rows = Vec::new();
        if page == 1 {
            rows.extend(store::posts(&mut conn, &found.thread_id, 1, 1).await?);
        }
        let offset = crate::offset(page, POSTS_PER_PAGE);
        let accepted = found.thread_accepted_post_id.as_deref();
        rows.extend(facil_store::answers(&mut conn, &found.thread_id, accepted, POSTS_PER_PAGE, offset).await?);
        (Arc::new(rows.into_iter().map(SharedPost::from).collect()), page, pages)
    } else {
        let pages = ((post_count + POSTS_PER_PAGE - 1) / POSTS_PER_PAGE).max(1);
        let page = match page {
            Some(p) => p.clamp(1, pages),
            // Without a page asked for, open where the viewer left off.
            None => last_read.map_or(1, |n| ((n.min(post_count - 1).max(0)) / POSTS_PER_PAGE) + 1),
        };
        let from = crate::offset(page, POSTS_PER_PAGE) + 1;
        let key = (found.thread_id.clone(), from);
        let rows = match app.posts.get(&key, found.thread_revision) {
            Some(rows) => rows,
            None => {
                let rows = store::posts(&mut conn, &found.thread_id, from, POSTS_PER_PAGE).await?;
                let rows: Arc<Vec<SharedPost>> = Arc::new(rows.into_iter().map(SharedPost::from).collect());
                app.posts.put(key, found.thread_revision, rows.clone());
                rows
            }
        };
        (rows, page, pages)
    };
    let votes: HashMap<String, i64> = match actor.id() {
        Some(me) if question => facil_store::votes_of(&mut conn, &found.thread_id, me).await?.into_iter().collect(),
        _ => HashMap::new(),
    };
    let talk_of = if found.thread_kind == "talk" {
        stoa_store::wiki::page_of_talk_thread(&mut conn, &found.thread_id).await?.map(|p| (p.slug, p.title))
    } else {
        None
    };
    let reactions = thread_reactions(app, &mut conn, &found.thread_id, found.thread_revision).await?;
    let following = found.viewer_follows != 0;
    drop(conn);
    let own_thread = actor.id() == Some(found.thread_author_id.as_str());
    let reading = Reading {
        may: &may,
        last_read,
        question,
        accepted: found.thread_accepted_post_id.as_deref(),
        may_accept: (own_thread && may.post) || may.facilitate,
        votes: &votes,
        reactions: Some(&reactions),
    };
    let me = actor.id();
    let mut hidden_replies = 0;
    let posts: Vec<Post> = rows
        .iter()
        .filter(|r| {
            let visible = !hide || r.number == 1 || me == Some(r.author_id.as_str());
            hidden_replies += i64::from(!visible);
            visible
        })
        .map(|r| to_post(r, actor, &reading))
        .collect();
    let new_count = if hide { 0 } else { last_read.map_or(0, |n| (post_count - n).max(0)) };
    let first_new = last_read.filter(|_| new_count > 0).map(|n| n + 1);
    if let (Some(me), Some(last)) = (actor.id(), rows.iter().map(|r| r.number).max())
        && !hide
    {
        app.visits.record(me, &found.thread_id, last, app.now());
    }
    let shown = author_visible(found.thread_anonymous != 0, own_thread, &may);
    let open = found.state.locked_at.is_none() && found.state.closed_at.is_none();
    let rules = DiscussionRules::of(&view.space);
    Ok(ThreadPage {
        following,
        revision: found.thread_revision,
        space: SpaceSummary::of(view),
        thread: ThreadInfo {
            can_rename: (own_thread && may.post) || may.moderate,
            kind: found.thread_kind,
            id: found.thread_id,
            title: found.thread_title,
            author_username: if shown { found.thread_author_username } else { String::new() },
            author_hidden: !shown,
            created_at: found.thread_created_at,
            last_activity_at: found.thread_last_activity_at,
            post_count,
            talk_of,
            pinned: found.state.pinned_at.is_some(),
            locked: found.state.locked_at.is_some(),
            closed: found.state.closed_at.is_some(),
            close_reason: found.state.close_reason,
            slow_mode_secs: found.state.slow_mode_secs,
            space_slow_mode_secs: rules.slow_mode_secs,
            post_first: found.state.post_first != 0,
            opens_at: found.thread_opens_at,
            hidden: found.thread_hidden_at.is_some(),
            accepted_post_id: found.thread_accepted_post_id,
            hidden_replies,
            can_reply: may.post && (open || may.facilitate) && found.thread_opens_at.is_none(),
            can_post_anonymously: may.post && rules.allow_anonymous,
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
    /// `discussion` (the default) or `question`.
    pub kind: Option<String>,
    /// Post anonymously to peers (where the space allows it).
    pub anonymous: bool,
    /// A facilitator's scheduled prompt: when it opens (milliseconds since 1970).
    pub opens_at: Option<i64>,
    /// A facilitator's choice of post-first mode; by default the space's.
    pub post_first: Option<bool>,
}

/// Renders a post's Markdown, linking `#tags` and the `@mentions` of people
/// who exist and have not blocked the author.
pub(crate) async fn render_post(conn: &mut Conn, body: &str, author_id: &str) -> Result<String> {
    render_mentioning(conn, body, author_id, &markdown::mention_candidates(body)).await
}

/// [`render_post`] outside any transaction: a reader is taken only when the
/// text mentions someone, and a long text is rendered off the async workers
/// (see `render`).
pub(crate) async fn render_post_unlocked(app: &Stoa, body: &str, author_id: &str) -> Result<String> {
    let candidates = markdown::mention_candidates(body);
    let known: std::collections::HashMap<String, String> = if candidates.is_empty() {
        Default::default()
    } else {
        let mut conn = app.store.read().await?;
        stoa_store::users::mentionable(&mut conn, &candidates, author_id)
            .await?
            .into_iter()
            .map(|(id, name)| (name, id))
            .collect()
    };
    let body = body.to_owned();
    crate::render::off_workers(app, body.len(), move || {
        markdown::render_social(&body, &|name| known.get(name).cloned())
    })
    .await
}

async fn render_mentioning(conn: &mut Conn, body: &str, author_id: &str, candidates: &[String]) -> Result<String> {
    let known: std::collections::HashMap<String, String> = stoa_store::users::mentionable(conn, candidates, author_id)
        .await?
        .into_iter()
        .map(|(id, name)| (name, id))
        .collect();
    Ok(markdown::render_social(body, &|name| known.get(name).cloned()))
}

/// The result of a write: the thread and the post written.
#[derive(Debug, Clone, Serialize)]
pub struct Written {
    pub thread_id: String,
    pub space_slug: String,
    pub post: Post,
}

/// Refuses a member's post while slow mode asks them to wait: the space's
/// interval since their last post anywhere in it, and the thread's since
/// their last post there. Facilitators are never slowed down.
async fn check_slow_mode(
    conn: &mut Conn,
    me: &str,
    view: &stoa_store::spaces::SpaceView,
    thread: Option<(&str, i64)>,
    now: i64,
) -> Result<()> {
    let mut until = 0;
    if view.space.slow_mode_secs > 0
        && let Some(last) = facil_store::last_post_in_space(conn, me, &view.space.id).await?
    {
        until = until.max(last + view.space.slow_mode_secs * 1000);
    }
    if let Some((thread_id, secs)) = thread
        && secs > 0
        && let Some(last) = facil_store::last_post_in_thread(conn, me, thread_id).await?
    {
        until = until.max(last + secs * 1000);
    }
    if until > now {
        let retry_after_secs = u64::try_from((until - now + 999) / 1000).unwrap_or(1);
        return Err(CoreError::SlowMode { retry_after_secs });
    }
    Ok(())
}

/// Starts a thread in a space: a discussion or a question, and for a
/// facilitator possibly a prompt scheduled to open later.
pub async fn create_thread(app: &Stoa, actor: &Actor, slug: &str, input: NewThreadInput) -> Result<Written> {
    let me = actor.require()?;
    let mut errors = Vec::new();
    let title = field(&mut errors, "title", Title::parse(&input.title));
    let body = field(&mut errors, "body", PostBody::parse(&input.body));
    let kind = match input.kind.as_deref().map(str::trim) {
        None | Some("") | Some("discussion") => "discussion",
        Some("question") => "question",
        Some(_) => {
            errors.push(FieldError::new("kind", "invalid-option"));
            "discussion"
        }
    };
    let now = app.now();
    // Rendered before the writer is taken (see `reply`).
    let body_html = match &body {
        Some(body) => Some(render_post_unlocked(app, body.as_str(), &me.id).await?),
        None => None,
    };
    // The policy decides before the input does: an outsider learns nothing
    // from a validation message.
    let mut tx = app.store.begin().await?;
    let view = spaces::load(&mut tx, actor, slug, Action::Post).await?;
    let may = Permissions::of(actor, &view);
    let rules = DiscussionRules::of(&view.space);
    if (input.opens_at.is_some() || input.post_first.is_some()) && !may.facilitate {
        return Err(CoreError::Forbidden);
    }
    if input.opens_at.is_some_and(|t| t <= now) {
        errors.push(FieldError::new("opens_at", "opens-at-past"));
    }
    if input.anonymous && !rules.allow_anonymous {
        errors.push(FieldError::new("anonymous", "anonymous-not-allowed"));
    }
    let (Some(title), Some(body), Some(body_html)) = (title, body, body_html) else {
        return Err(CoreError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(CoreError::Invalid(errors));
    }
    if !may.facilitate {
        check_slow_mode(&mut tx, &me.id, &view, None, now).await?;
    }
    let thread = NewThread {
        id: &new_id(),
        space_id: &view.space.id,
        author_id: &me.id,
        kind,
        title: title.as_str(),
        created_at: now,
        anonymous: input.anonymous,
        post_first: input.post_first.unwrap_or(rules.post_first),
        opens_at: input.opens_at,
    };
    let (thread_id, post_id) = write_thread(&mut tx, &thread, body.as_str(), &body_html).await?;
    stoa_store::commit(tx).await?;
    app.visits.record(&me.id, &thread_id, 1, now);
    written(app, actor, &post_id).await
}

/// Writes a thread with its opening post and its event in `tx`: the
/// `thread.created` event, or for a scheduled prompt `thread.scheduled`
/// (its `thread.created` comes when it opens, so nothing downstream sees it
/// early). Returns the thread's and the post's ids.
pub(crate) async fn write_thread(
    tx: &mut Conn,
    thread: &NewThread<'_>,
    body: &str,
    body_html: &str,
) -> Result<(String, String)> {
    let post_id = new_id();
    store::insert_thread(tx, thread).await?;
    let post = NewPost {
        id: &post_id,
        thread_id: thread.id,
        author_id: thread.author_id,
        reply_to_id: None,
        body,
        body_html,
        created_at: thread.created_at,
        anonymous: thread.anonymous,
    };
    store::insert_post(tx, &post).await?;
    stoa_store::social::set_content_tags(tx, "post", &post_id, &markdown::hashtags(body)).await?;
    let event_kind = if thread.opens_at.is_some() { kind::THREAD_SCHEDULED } else { kind::THREAD_CREATED };
    events::append(
        tx,
        NewEvent {
            kind: event_kind,
            actor_id: Some(thread.author_id),
            space_id: Some(thread.space_id),
            subject_id: Some(thread.id),
            data: serde_json::json!({
                "thread_id": thread.id, "post_id": post_id, "title": thread.title,
                "anonymous": thread.anonymous, "opens_at": thread.opens_at,
            }),
        },
        thread.created_at,
    )
    .await?;
    Ok((thread.id.to_owned(), post_id))
}

/// Writes `post` as the thread's next post and the `post.created` event in
/// `tx`; returns its number.
pub(crate) async fn write_reply(tx: &mut Conn, space_id: &str, post: &NewPost<'_>) -> Result<i64> {
    let number = store::insert_post(tx, post).await?;
    stoa_store::social::add_content_tags(tx, "post", post.id, &markdown::hashtags(post.body)).await?;
    events::append(
        tx,
        NewEvent {
            kind: kind::POST_CREATED,
            actor_id: Some(post.author_id),
            space_id: Some(space_id),
            subject_id: Some(post.id),
            data: serde_json::json!({
                "thread_id": post.thread_id, "number": number, "reply_to": post.reply_to_id,
                "anonymous": post.anonymous,
            }),
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
    let votes = HashMap::new();
    Ok(Written {
        thread_id: row.thread_id.clone(),
        space_slug: view.space.slug.clone(),
        post: to_post(&row.into(), actor, &Reading::plain(&may, &votes)),
    })
}

/// A reply as typed.
#[derive(Debug, Clone, Default)]
pub struct ReplyInput {
    pub body: String,
    /// The post this one answers, which must be in the same thread.
    pub reply_to: Option<String>,
    /// Post anonymously to peers (where the space allows it).
    pub anonymous: bool,
}

/// Replies in a thread (for a question: answers it). Locked and closed
/// threads take replies only from facilitators; slow mode may ask a member
/// to wait.
pub async fn reply(app: &Stoa, actor: &Actor, thread_id: &str, input: ReplyInput) -> Result<Written> {
    let me = actor.require()?;
    // Parsing and rendering are work that needs no write lock (rendering
    // reads who may be mentioned from a reader): done before the lock is
    // taken, so writers queue only for their rows, but an invalid body is
    // reported only after the policy has had its say.
    let rendered = match PostBody::parse(&input.body) {
        Ok(body) => {
            let html = render_post_unlocked(app, body.as_str(), &me.id).await?;
            Ok((body, html))
        }
        Err(e) => Err(e),
    };
    let mut tx = app.store.begin().await?;
    let found = load_thread(&mut tx, actor, thread_id, Action::Post).await?;
    let may = Permissions::of(actor, &found.space);
    // Replies would announce a prompt before its time (activity shows them).
    if found.thread_opens_at.is_some() {
        return Err(CoreError::Conflict("thread-not-open"));
    }
    if !may.facilitate {
        if found.state.closed_at.is_some() {
            return Err(CoreError::Conflict("thread-is-closed"));
        }
        if found.state.locked_at.is_some() {
            return Err(CoreError::Conflict("thread-is-locked"));
        }
    }
    let (body, body_html) = rendered.map_err(|e| CoreError::Invalid(vec![FieldError::invalid("body", &e)]))?;
    if input.anonymous && found.space.space.allow_anonymous == 0 {
        return Err(CoreError::field("anonymous", "anonymous-not-allowed"));
    }
    let reply_to = match input.reply_to.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(id) => match store::post(&mut tx, id).await? {
            Some(p) if p.thread_id == found.thread_id => Some((p.id, p.number)),
            _ => return Err(CoreError::field("reply_to", "reply-to-unknown")),
        },
        None => None,
    };
    let now = app.now();
    if !may.facilitate {
        let thread = Some((found.thread_id.as_str(), found.state.slow_mode_secs));
        check_slow_mode(&mut tx, &me.id, &found.space, thread, now).await?;
    }
    let post_id = new_id();
    let new_post = NewPost {
        id: &post_id,
        thread_id: &found.thread_id,
        author_id: &me.id,
        reply_to_id: reply_to.as_ref().map(|r| r.0.as_str()),
        body: body.as_str(),
        body_html: &body_html,
        created_at: now,
        anonymous: input.anonymous,
    };
    let number = write_reply(&mut tx, &found.space.space.id, &new_post).await?;
    stoa_store::commit(tx).await?;
    app.visits.record(&me.id, &found.thread_id, number, now);
    // Everything the answer shows is known already: no need to read it back.
    let question = found.thread_kind == "question";
    let post = Post {
        id: post_id,
        thread_id: found.thread_id.clone(),
        number,
        author_username: me.username.clone(),
        author_display_name: me.display_name.clone(),
        anonymous: input.anonymous,
        author_hidden: false,
        reply_to_id: reply_to.as_ref().map(|r| r.0.clone()),
        reply_to_number: reply_to.map(|r| r.1),
        body: Arc::from(body.into_inner()),
        body_html: Arc::from(body_html),
        created_at: now,
        edited_at: None,
        deleted: false,
        hidden: false,
        version: 1,
        is_new: false,
        can_edit: may.post,
        can_delete: may.post,
        can_flag: false,
        can_hide: may.moderate,
        score: 0,
        my_vote: 0,
        endorsed_by: None,
        accepted: false,
        can_vote: false,
        can_accept: question && (found.thread_author_id == me.id || may.facilitate),
        can_endorse: question && may.facilitate,
        reactions: Vec::new(),
        can_react: true,
    };
    Ok(Written { thread_id: found.thread_id, space_slug: found.space.space.slug.clone(), post })
}

/// A post as `actor` may see it: refused as not found in a scheduled prompt
/// they do not facilitate, or when post-first mode still hides it from them.
/// A post a moderator hid comes with its words blanked unless `actor` wrote
/// it or moderates its space, so no reader built on this (feeds, emails,
/// notifications) can pass them on.
pub(crate) async fn visible_post(
    conn: &mut Conn,
    actor: &Actor,
    post_id: &str,
) -> Result<(store::PostView, store::ThreadInSpace)> {
    let mut row = store::post(conn, post_id).await?.ok_or(CoreError::NotFound)?;
    let found = load_thread(conn, actor, &row.thread_id, Action::ReadContent).await?;
    let may = Permissions::of(actor, &found.space);
    let own = actor.id() == Some(row.author_id.as_str());
    if row.number > 1 && !own && replies_hidden(conn, actor, &found, &may).await? {
        return Err(CoreError::NotFound);
    }
    if row.hidden_at.is_some() && !own && !may.moderate {
        row.body.clear();
        row.body_html.clear();
    }
    Ok((row, found))
}

/// The space a thread is in now, if it exists.
pub(crate) async fn store_thread(conn: &mut Conn, thread_id: &str) -> Result<Option<String>> {
    Ok(store::thread_in_space(conn, thread_id, None).await?.map(|t| t.space.space.id))
}

/// Whether everyone who may read a post's space may see it: its thread is
/// not hidden, not a scheduled prompt, not merged away, and not in
/// post-first mode. `None` when the post is gone. The live feeds decide
/// this once per event instead of once per follower.
pub(crate) async fn open_to_readers(conn: &mut Conn, post_id: &str) -> Result<Option<bool>> {
    let Some(post) = store::post(conn, post_id).await? else {
        return Ok(None);
    };
    let Some(t) = store::thread_in_space(conn, &post.thread_id, None).await? else {
        return Ok(None);
    };
    Ok(Some(
        t.thread_merged_into.is_none()
            && t.thread_opens_at.is_none()
            && t.thread_hidden_at.is_none()
            && t.state.post_first == 0,
    ))
}

/// One post, for those who may read it.
pub async fn post(app: &Stoa, actor: &Actor, post_id: &str) -> Result<Post> {
    let mut conn = app.store.read().await?;
    let (row, found) = visible_post(&mut conn, actor, post_id).await?;
    let may = Permissions::of(actor, &found.space);
    let question = found.thread_kind == "question";
    let votes: HashMap<String, i64> = match actor.id() {
        Some(me) if question => facil_store::votes_of(&mut conn, &found.thread_id, me).await?.into_iter().collect(),
        _ => HashMap::new(),
    };
    let reactions = thread_reactions(app, &mut conn, &found.thread_id, found.thread_revision).await?;
    let reading = Reading {
        may: &may,
        last_read: None,
        question,
        accepted: found.thread_accepted_post_id.as_deref(),
        may_accept: (actor.id() == Some(found.thread_author_id.as_str()) && may.post) || may.facilitate,
        votes: &votes,
        reactions: Some(&reactions),
    };
    Ok(to_post(&row.into(), actor, &reading))
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
    // Rendered before the writer is taken (see `reply`); refused after the policy.
    let parsed = PostBody::parse(body);
    let html = match &parsed {
        Ok(body) => render_post_unlocked(app, body.as_str(), &me.id).await?,
        Err(_) => String::new(),
    };
    let mut tx = app.store.begin().await?;
    let row = store::post(&mut tx, post_id).await?.ok_or(CoreError::NotFound)?;
    spaces::load_by_id(&mut tx, actor, &row.space_id, Action::Post).await?;
    if row.author_id != me.id {
        return Err(CoreError::Forbidden);
    }
    if row.deleted_at.is_some() {
        return Err(CoreError::Conflict("post-deleted"));
    }
    let body = parsed.map_err(|e| CoreError::Invalid(vec![FieldError::invalid("body", &e)]))?;
    let version = expected_version.unwrap_or(row.version);
    let now = app.now();
    if !store::edit_post(&mut tx, &row.id, version, body.as_str(), &html, now).await? {
        return Err(CoreError::Conflict("edit-conflict"));
    }
    stoa_store::social::set_content_tags(&mut tx, "post", &row.id, &markdown::hashtags(body.as_str())).await?;
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
    stoa_store::social::set_content_tags(&mut tx, "post", &row.id, &[]).await?;
    // Nothing is left for the moderators to decide.
    stoa_store::moderation::resolve_flags(&mut tx, &row.id, &me.id, "deleted", app.now()).await?;
    // A moderator deleting a thread's opening post deletes what the thread
    // was about: its title goes with it, from every list and search.
    if !own && row.number == 1 {
        crate::moderation::hide_thread_in(&mut tx, &me.id, &row.space_id, &row.thread_id, "", app.now()).await?;
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
/// A deleted post's versions are gone from view with it, and a hidden one's
/// from all but its author and the moderators.
pub async fn post_versions(app: &Stoa, actor: &Actor, post_id: &str) -> Result<Vec<PostVersion>> {
    let mut conn = app.store.read().await?;
    let (row, found) = visible_post(&mut conn, actor, post_id).await?;
    let moderator = Permissions::of(actor, &found.space).moderate;
    let own = actor.id() == Some(row.author_id.as_str());
    if row.deleted_at.is_some() || (row.hidden_at.is_some() && !own && !moderator) {
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
