//! Team formation inside a community: a facilitator creates a *team set*,
//! and its teams are formed at random (balanced sizes) or chosen by members
//! up to a cap. Each team is a space of its own, nested in the community,
//! secret and invite-only: its members and the community's facilitators see
//! it. An owner can scope a facilitator to some teams only.

use std::collections::HashSet;

use rand::seq::SliceRandom;
use serde::Serialize;
use stoa_domain::{Action, JoinPolicy, Role, Slug, SpaceKind, SpaceName, Visibility};
use stoa_store::events::kind;
use stoa_store::learning::{self as store, TeamRow, TeamSetRow};
use stoa_store::new_id;
use stoa_store::spaces::{self as space_store, NewSpace};

use crate::facilitation::event;
use crate::spaces::{self, SpaceSummary};
use crate::{Actor, CoreError, FieldError, Result, Stoa};

/// The most teams one set may have.
pub const MAX_TEAMS: i64 = 200;

/// A new team set as typed.
#[derive(Debug, Clone, Default)]
pub struct NewTeamSet {
    pub name: String,
    /// `auto` (formed now, at random) or `choose` (members pick a team).
    pub mode: String,
    /// `auto`: people per team; `choose`: the most a team takes.
    pub size: i64,
    /// `choose`: how many teams to open.
    pub teams: i64,
}

/// A team of a set, with its members' names.
#[derive(Debug, Clone, Serialize)]
pub struct Team {
    pub id: String,
    pub slug: String,
    pub name: String,
    /// Empty when the viewer may not see the team itself (a team members
    /// choose from shows only how full it is).
    pub members: Vec<(String, String)>,
    pub member_count: i64,
    /// Whether the viewer is in it.
    pub mine: bool,
    /// For `choose` sets: whether it still has room.
    pub open: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamSet {
    pub id: String,
    pub name: String,
    pub mode: String,
    pub size: i64,
    pub created_at: i64,
    pub teams: Vec<Team>,
    /// Whether the viewer may pick (or switch) a team in it.
    pub can_choose: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamSets {
    pub space: SpaceSummary,
    pub sets: Vec<TeamSet>,
    pub can_create: bool,
}

/// Splits `people` into `teams` groups whose sizes differ by at most one,
/// in the order given (shuffle first for a random draw).
pub fn deal<T: Clone>(people: &[T], teams: usize) -> Vec<Vec<T>> {
    let mut out = vec![Vec::new(); teams.max(1)];
    let count = out.len();
    for (i, p) in people.iter().enumerate() {
        out[i % count].push(p.clone());
    }
    out
}

/// Creates a team set in a community and its teams. In `auto` mode the
/// community's members (not its facilitators or owners) are dealt at random
/// into teams of about `size`.
pub async fn create_set(app: &Stoa, actor: &Actor, slug: &str, input: NewTeamSet) -> Result<TeamSetRow> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let view = spaces::load(&mut tx, actor, slug, Action::Facilitate).await?;
    if view.space.kind != SpaceKind::Community {
        return Err(CoreError::Conflict("team-set-needs-community"));
    }
    let mut errors = Vec::new();
    let name = match SpaceName::parse(&input.name) {
        Ok(n) => Some(n),
        Err(e) => {
            errors.push(FieldError::invalid("name", &e));
            None
        }
    };
    let mode = input.mode.trim();
    if mode != "auto" && mode != "choose" {
        errors.push(FieldError::new("mode", "invalid-option"));
    }
    if !(1..=100).contains(&input.size) {
        errors.push(FieldError { limit: Some(100), ..FieldError::new("size", "team-size-range") });
    }
    if mode == "choose" && !(1..=MAX_TEAMS).contains(&input.teams) {
        errors.push(FieldError { limit: Some(MAX_TEAMS as usize), ..FieldError::new("teams", "team-count-range") });
    }
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        return Err(CoreError::Invalid(errors));
    };
    let now = app.now();
    let set = TeamSetRow {
        id: new_id(),
        space_id: view.space.id.clone(),
        name: name.as_str().to_owned(),
        mode: mode.to_owned(),
        size: input.size,
        created_by: me.id.clone(),
        created_at: now,
    };
    store::insert_team_set(&mut tx, &set).await?;
    let groups: Vec<Vec<String>> = if mode == "auto" {
        let mut people: Vec<String> = space_store::members(&mut tx, &view.space.id, i64::MAX, 0)
            .await?
            .into_iter()
            .filter(|m| m.role == Role::Member)
            .map(|m| m.user_id)
            .collect();
        people.shuffle(&mut rand::rng());
        let teams = people.len().div_ceil(input.size as usize).max(1).min(MAX_TEAMS as usize);
        deal(&people, teams)
    } else {
        vec![Vec::new(); input.teams as usize]
    };
    let base = Slug::suggest(&format!("{}-{}", view.space.slug, name.as_str()))
        .map(|s| s.as_str().chars().take(Slug::MAX - 5).collect::<String>())
        .unwrap_or_else(|| "team".to_owned());
    for (i, members) in groups.iter().enumerate() {
        let team_id = new_id();
        let mut candidate = format!("{base}-{}", i + 1);
        for n in 2..60 {
            if space_store::view_by_slug(&mut tx, &candidate, None).await?.is_none() {
                break;
            }
            candidate = format!("{base}-{}-{n}", i + 1);
        }
        let team_name: String = format!("{} {}", name.as_str(), i + 1).chars().take(SpaceName::MAX).collect();
        space_store::insert(
            &mut tx,
            &NewSpace {
                id: &team_id,
                kind: SpaceKind::Team,
                slug: &candidate,
                name: &team_name,
                description: "",
                description_html: "",
                visibility: Visibility::Secret,
                join_policy: JoinPolicy::Invite,
                parent_id: Some(&view.space.id),
                created_by: &me.id,
                created_at: now,
            },
        )
        .await?;
        store::mark_team_of_set(&mut tx, &team_id, &set.id).await?;
        for user in members {
            space_store::add_member(&mut tx, &team_id, user, Role::Member, now).await?;
        }
        let data = serde_json::json!({"name": team_name, "slug": candidate, "kind": "team", "team_set_id": set.id});
        event(&mut tx, kind::SPACE_CREATED, &me.id, &team_id, &team_id, data, now).await?;
    }
    let data = serde_json::json!({"name": set.name, "mode": set.mode, "size": set.size, "teams": groups.len()});
    event(&mut tx, kind::TEAM_SET_CREATED, &me.id, &view.space.id, &set.id, data, now).await?;
    stoa_store::commit(tx).await?;
    Ok(set)
}

/// A community's team sets with the teams the viewer may see: their own,
/// and all of them for the community's facilitators (a scoped facilitator's
/// only). The teams of a set members choose from are listed to every
/// member, by name and how full they are, without who is in them.
pub async fn sets(app: &Stoa, actor: &Actor, slug: &str) -> Result<TeamSets> {
    let mut conn = app.store.read().await?;
    let view = spaces::load(&mut conn, actor, slug, Action::ReadContent).await?;
    let may = spaces::Permissions::of(actor, &view);
    let member = view.viewer_role() == Some(Role::Member);
    let visible: HashSet<String> = space_store::team_views(&mut conn, &view.space.id, actor.id())
        .await?
        .into_iter()
        .filter(|t| spaces::allowed(actor, t, Action::ReadContent))
        .map(|t| t.space.id)
        .collect();
    let mut out = Vec::new();
    for set in store::team_sets(&mut conn, &view.space.id).await? {
        let teams = store::teams_of_set(&mut conn, &set.id).await?;
        let members = store::members_of_set(&mut conn, &set.id).await?;
        let teams: Vec<Team> = teams
            .into_iter()
            .filter(|t| visible.contains(&t.id) || (set.mode == "choose" && view.viewer_role().is_some()))
            .map(|t: TeamRow| {
                let names: Vec<(String, String)> = if visible.contains(&t.id) {
                    members.iter().filter(|m| m.0 == t.id).map(|m| (m.2.clone(), m.3.clone())).collect()
                } else {
                    Vec::new()
                };
                let mine = actor.id().is_some_and(|me| members.iter().any(|m| m.0 == t.id && m.1 == me));
                Team {
                    open: t.member_count < set.size,
                    id: t.id,
                    slug: t.slug,
                    name: t.name,
                    members: names,
                    member_count: t.member_count,
                    mine,
                }
            })
            .collect();
        out.push(TeamSet {
            can_choose: set.mode == "choose" && member,
            id: set.id,
            name: set.name,
            mode: set.mode,
            size: set.size,
            created_at: set.created_at,
            teams,
        });
    }
    Ok(TeamSets { space: SpaceSummary::of(&view), sets: out, can_create: may.facilitate })
}

/// The teams a facilitator scoped to some of the community's teams runs;
/// `None` for everyone else (owners, admins and unscoped facilitators run
/// them all).
pub(crate) async fn scope_of(
    conn: &mut stoa_store::Conn,
    actor: &Actor,
    community: &stoa_store::spaces::SpaceView,
) -> Result<Option<HashSet<String>>> {
    let Some(me) = actor.id() else { return Ok(None) };
    if actor.is_admin() || community.viewer_role() != Some(Role::Facilitator) {
        return Ok(None);
    }
    let teams: HashSet<String> =
        store::scopes(conn, &community.space.id).await?.into_iter().filter(|(u, _)| u == me).map(|(_, t)| t).collect();
    Ok((!teams.is_empty()).then_some(teams))
}

/// A member picks a team of a `choose` set (leaving the one they had in it).
pub async fn choose(app: &Stoa, actor: &Actor, set_id: &str, team_slug: &str) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let set = store::team_set(&mut tx, set_id).await?.ok_or(CoreError::NotFound)?;
    let community = spaces::load_by_id(&mut tx, actor, &set.space_id, Action::ReadContent).await?;
    if community.viewer_role() != Some(Role::Member) {
        return Err(CoreError::Forbidden);
    }
    if set.mode != "choose" {
        return Err(CoreError::Conflict("team-set-not-choosable"));
    }
    stoa_store::dialect::lock(&mut tx, &format!("team-set:{}", set.id)).await?;
    let teams = store::teams_of_set(&mut tx, &set.id).await?;
    let team =
        teams.iter().find(|t| t.slug == team_slug.trim()).ok_or_else(|| CoreError::field("team", "team-unknown"))?;
    let members = store::members_of_set(&mut tx, &set.id).await?;
    if members.iter().any(|m| m.0 == team.id && m.1 == me.id) {
        return Ok(());
    }
    if team.member_count >= set.size {
        return Err(CoreError::Conflict("team-full"));
    }
    let now = app.now();
    for (old, _, _, _) in members.iter().filter(|m| m.1 == me.id) {
        space_store::remove_member(&mut tx, old, &me.id).await?;
    }
    space_store::add_member(&mut tx, &team.id, &me.id, Role::Member, now).await?;
    let data = serde_json::json!({"team_set_id": set.id, "team": team.slug});
    event(&mut tx, kind::TEAM_CHOSEN, &me.id, &team.id, &team.id, data, now).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// Scopes a community facilitator to some of its teams (an empty list lifts
/// the scope): they then facilitate only those. Owners do this.
pub async fn scope_facilitator(
    app: &Stoa,
    actor: &Actor,
    slug: &str,
    username: &str,
    team_slugs: &[String],
) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let view = spaces::load(&mut tx, actor, slug, Action::ManageMembers).await?;
    let user = stoa_store::users::by_username(&mut tx, username.trim())
        .await?
        .ok_or_else(|| CoreError::field("username", "user-unknown"))?;
    if space_store::role_of(&mut tx, &view.space.id, &user.id).await? != Some(Role::Facilitator) {
        return Err(CoreError::field("username", "scope-needs-facilitator"));
    }
    let teams = space_store::team_views(&mut tx, &view.space.id, None).await?;
    let mut ids = Vec::new();
    for slug in team_slugs.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let team =
            teams.iter().find(|t| t.space.slug == slug).ok_or_else(|| CoreError::field("teams", "team-unknown"))?;
        ids.push(team.space.id.clone());
    }
    store::set_scopes(&mut tx, &view.space.id, &user.id, &ids).await?;
    let data = serde_json::json!({"user": user.username, "teams": team_slugs});
    event(&mut tx, kind::FACILITATOR_SCOPED, &me.id, &view.space.id, &user.id, data, app.now()).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::deal;

    #[test]
    fn dealt_teams_differ_by_at_most_one() {
        for people in 0..40 {
            for teams in 1..10 {
                let v: Vec<usize> = (0..people).collect();
                let sizes: Vec<usize> = deal(&v, teams).iter().map(Vec::len).collect();
                let (min, max) = (sizes.iter().min().copied().unwrap_or(0), sizes.iter().max().copied().unwrap_or(0));
                assert!(max - min <= 1, "{people} people in {teams} teams: {sizes:?}");
                assert_eq!(sizes.iter().sum::<usize>(), people);
            }
        }
    }
}
