//! Social learning: reactions on posts (mentions are linked when a post is
//! written, in `discussions`).

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
