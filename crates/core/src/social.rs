//! Social learning: reactions on posts, follows and blocks (mentions and
//! `#tags` are linked when a post is written, in `discussions`).

use serde::Serialize;
use stoa_domain::Action;
use stoa_domain::reactions::Reaction;
use stoa_store::events::kind;
use stoa_store::facilitation as store;

use crate::discussions::visible_post;
use crate::facilitation::event;
use crate::spaces;
use crate::{Actor, CoreError, FieldError, Result, Stoa};

/// Gives (`on`) or takes back a reaction to a post the actor may read and
/// post in. Giving one twice changes nothing.
pub async fn react(app: &Stoa, actor: &Actor, post_id: &str, reaction: &str, on: bool) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let (row, found) = visible_post(&mut tx, actor, post_id).await?;
    spaces::check(actor, &found.space, Action::Post)?;
    let reaction = Reaction::parse(reaction).map_err(|e| CoreError::Invalid(vec![FieldError::invalid("kind", &e)]))?;
    if row.deleted_at.is_some() {
        return Err(CoreError::Conflict("post-deleted"));
    }
    let now = app.now();
    if store::react(&mut tx, &row.id, &me.id, reaction.as_str(), on, now).await? {
        let data = serde_json::json!({"thread_id": row.thread_id, "kind": reaction.as_str(), "on": on});
        event(&mut tx, kind::POST_REACTED, &me.id, &found.space.space.id, &row.id, data, now).await?;
    }
    stoa_store::commit(tx).await?;
    Ok(())
}

/// Something a person can follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowTarget {
    /// A person, by username.
    Person(String),
    /// A space, by slug.
    Space(String),
    /// A thread, by id.
    Thread(String),
    /// A tag, as written (with or without `#`).
    Tag(String),
}

impl FollowTarget {
    /// Parses `(kind, target)` as the API and forms send them.
    pub fn parse(kind: &str, target: &str) -> Result<Self> {
        let target = target.trim().to_owned();
        match kind {
            "person" => Ok(Self::Person(target)),
            "space" => Ok(Self::Space(target)),
            "thread" => Ok(Self::Thread(target)),
            "tag" => Ok(Self::Tag(target)),
            _ => Err(CoreError::Invalid(vec![FieldError::new("kind", "invalid-option")])),
        }
    }
}

/// Resolves a target to `(kind, stored target)` if the actor may see it;
/// what they may not see answers as not found.
async fn resolve(conn: &mut stoa_store::Conn, actor: &Actor, target: &FollowTarget) -> Result<(&'static str, String)> {
    match target {
        FollowTarget::Person(username) => {
            let row = stoa_store::users::by_username(conn, &username.to_lowercase())
                .await?
                .filter(|u| !u.is_suspended())
                .ok_or(CoreError::NotFound)?;
            Ok((PERSON, row.id))
        }
        FollowTarget::Space(slug) => {
            let view = spaces::load(conn, actor, slug, Action::ReadContent).await?;
            Ok((SPACE, view.space.id))
        }
        FollowTarget::Thread(id) => {
            let found = crate::discussions::load_thread(conn, actor, id, Action::ReadContent).await?;
            Ok((THREAD, found.thread_id))
        }
        FollowTarget::Tag(tag) => Ok((TAG, one_tag(tag)?)),
    }
}

pub(crate) const PERSON: &str = "person";
pub(crate) const SPACE: &str = "space";
pub(crate) const THREAD: &str = "thread";
pub(crate) const TAG: &str = "tag";

/// Parses exactly one tag.
pub(crate) fn one_tag(raw: &str) -> Result<String> {
    let invalid = |e: &stoa_domain::Invalid| CoreError::Invalid(vec![FieldError::invalid("tag", e)]);
    let mut tags = stoa_domain::wiki::parse_tags(raw).map_err(|e| invalid(&e))?;
    match (tags.pop(), tags.is_empty()) {
        (Some(tag), true) => Ok(tag),
        _ => Err(CoreError::Invalid(vec![FieldError::new("tag", "invalid-tag")])),
    }
}

/// Follows (`on`) or stops following something the actor may see. Following
/// oneself is refused.
pub async fn follow(app: &Stoa, actor: &Actor, target: &FollowTarget, on: bool) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let (kind, id) = resolve(&mut tx, actor, target).await?;
    if kind == PERSON && id == me.id {
        return Err(CoreError::Conflict("follow-self"));
    }
    if on {
        stoa_store::social::follow(&mut tx, &me.id, kind, &id, app.now()).await?;
    } else {
        stoa_store::social::unfollow(&mut tx, &me.id, kind, &id).await?;
    }
    stoa_store::commit(tx).await?;
    Ok(())
}

/// Whether the actor follows the target (false when signed out).
pub async fn is_following(app: &Stoa, actor: &Actor, target: &FollowTarget) -> Result<bool> {
    let Some(me) = actor.id() else {
        return Ok(false);
    };
    let mut conn = app.store.read().await?;
    let (kind, id) = resolve(&mut conn, actor, target).await?;
    Ok(stoa_store::social::is_following(&mut conn, me, kind, &id).await?)
}

/// One thing a person follows, labelled for a list.
#[derive(Debug, Clone, Serialize)]
pub struct Followed {
    /// `person`, `space`, `thread` or `tag`.
    pub kind: &'static str,
    /// What the API takes back: a username, a space slug, a thread id or a tag.
    pub target: String,
    pub label: String,
    /// Where it lives on the site.
    pub path: String,
}

/// What the actor follows and may still see, newest first.
pub async fn following(app: &Stoa, actor: &Actor) -> Result<Vec<Followed>> {
    let me = actor.require()?;
    let mut conn = app.store.read().await?;
    let rows = stoa_store::social::follows_of(&mut conn, &me.id).await?;
    let mut out = Vec::with_capacity(rows.len());
    for (kind, target) in rows {
        let item = match kind.as_str() {
            PERSON => stoa_store::users::by_id(&mut conn, &target).await?.filter(|u| !u.is_suspended()).map(|u| {
                Followed { kind: PERSON, path: format!("/u/{}", u.username), target: u.username, label: u.display_name }
            }),
            SPACE => match spaces::load_by_id(&mut conn, actor, &target, Action::ReadContent).await {
                Ok(v) => Some(Followed {
                    kind: SPACE,
                    path: format!("/s/{}", v.space.slug),
                    target: v.space.slug,
                    label: v.space.name,
                }),
                Err(CoreError::NotFound | CoreError::Forbidden) => None,
                Err(e) => return Err(e),
            },
            THREAD => match crate::discussions::load_thread(&mut conn, actor, &target, Action::ReadContent).await {
                Ok(t) => Some(Followed {
                    kind: THREAD,
                    path: format!("/s/{}/t/{}", t.space.space.slug, t.thread_id),
                    target: t.thread_id,
                    label: t.thread_title,
                }),
                Err(CoreError::NotFound | CoreError::Forbidden) => None,
                Err(e) => return Err(e),
            },
            _ => Some(Followed {
                kind: TAG,
                path: format!("/tags/{}", stoa_domain::markdown::percent_encode_path(&target)),
                label: format!("#{target}"),
                target,
            }),
        };
        out.extend(item);
    }
    Ok(out)
}

/// Blocks (`on`) or unblocks a person: nothing they write mentions,
/// messages or notifies the actor any more.
pub async fn block(app: &Stoa, actor: &Actor, username: &str, on: bool) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let other =
        stoa_store::users::by_username(&mut tx, &username.trim().to_lowercase()).await?.ok_or(CoreError::NotFound)?;
    if other.id == me.id {
        return Err(CoreError::Conflict("block-self"));
    }
    if on {
        stoa_store::social::block(&mut tx, &me.id, &other.id, app.now()).await?;
    } else {
        stoa_store::social::unblock(&mut tx, &me.id, &other.id).await?;
    }
    stoa_store::commit(tx).await?;
    Ok(())
}

/// A person in a short list.
#[derive(Debug, Clone, Serialize)]
pub struct PersonRef {
    pub username: String,
    pub display_name: String,
}

/// The people the actor has blocked.
pub async fn blocked(app: &Stoa, actor: &Actor) -> Result<Vec<PersonRef>> {
    let me = actor.require()?;
    let mut conn = app.store.read().await?;
    let ids = stoa_store::social::blocked_by(&mut conn, &me.id).await?;
    let names = stoa_store::users::names_by_ids(&mut conn, &ids).await?;
    Ok(ids
        .iter()
        .filter_map(|id| names.iter().find(|n| &n.0 == id))
        .map(|(_, username, display_name)| PersonRef { username: username.clone(), display_name: display_name.clone() })
        .collect())
}

/// Whether the actor has blocked `username` (false when signed out).
pub async fn has_blocked(app: &Stoa, actor: &Actor, username: &str) -> Result<bool> {
    let Some(me) = actor.id() else {
        return Ok(false);
    };
    let mut conn = app.store.read().await?;
    let Some(other) = stoa_store::users::by_username(&mut conn, username).await? else {
        return Ok(false);
    };
    Ok(stoa_store::social::blocking(&mut conn, &other.id, &[me.to_owned()]).await?.len() == 1)
}
