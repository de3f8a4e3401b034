//! Spaces and membership: creating and configuring spaces, the directory,
//! joining, leaving, requests to join, invitations, roles and removals.
//!
//! Every function loads the space as the actor sees it ([`SpaceView`]) and
//! asks the policy before doing anything. A space the actor may not know
//! about answers [`CoreError::NotFound`], exactly like one that does not exist.

use serde::Serialize;
use stoa_domain::policy::{self, ParentFacts};
use stoa_domain::{
    Action, JoinPolicy, Role, Slug, SpaceDescription, SpaceFacts, SpaceKind, SpaceName, Username, Visibility, markdown,
};
use stoa_store::events::{self, NewEvent, kind};
use stoa_store::spaces::{self as store, InviteRow, JoinRequestRow, MemberRow, NewInvite, NewSpace, SpaceView};
use stoa_store::{Conn, StoreError, Tx, new_id, users};

use crate::{Actor, CoreError, FieldError, Result, Stoa, field, secrets};

/// The policy's facts about a space as `view` shows it.
pub(crate) fn facts(view: &SpaceView) -> SpaceFacts {
    SpaceFacts {
        visibility: view.space.visibility,
        join_policy: view.space.join_policy,
        parent: view
            .parent_visibility()
            .map(|visibility| ParentFacts { visibility, viewer_role: view.parent_viewer_role() }),
    }
}

/// Whether `actor` may do `action` in the space `view` shows.
pub(crate) fn allowed(actor: &Actor, view: &SpaceView, action: Action) -> bool {
    policy::can(&actor.viewer(view.viewer_role()), &facts(view), action).is_allowed()
}

/// `Ok` when `actor` may do `action` in the space, the matching refusal otherwise.
pub(crate) fn check(actor: &Actor, view: &SpaceView, action: Action) -> Result<()> {
    policy::can(&actor.viewer(view.viewer_role()), &facts(view), action).into_result().map_err(CoreError::from)
}

/// Loads a space by slug as `actor` sees it, refusing unless they may `action`.
pub(crate) async fn load(conn: &mut Conn, actor: &Actor, slug: &str, action: Action) -> Result<SpaceView> {
    let view = store::view_by_slug(conn, slug, actor.id()).await?.ok_or(CoreError::NotFound)?;
    check(actor, &view, action)?;
    Ok(view)
}

pub(crate) async fn load_by_id(conn: &mut Conn, actor: &Actor, id: &str, action: Action) -> Result<SpaceView> {
    let view = store::view_by_id(conn, id, actor.id()).await?.ok_or(CoreError::NotFound)?;
    check(actor, &view, action)?;
    Ok(view)
}

/// What a list or a header shows about a space.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpaceSummary {
    pub id: String,
    pub kind: SpaceKind,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub description_html: String,
    pub visibility: Visibility,
    pub join_policy: JoinPolicy,
    pub parent_slug: Option<String>,
    pub parent_name: Option<String>,
    pub member_count: i64,
    pub thread_count: i64,
    pub last_activity_at: i64,
    pub created_at: i64,
    /// The viewer's own role, if they are a member.
    pub viewer_role: Option<Role>,
    /// How its discussions run, as its facilitators set it.
    pub rules: DiscussionRules,
}

/// A space's discussion rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct DiscussionRules {
    /// Members may post anonymously to their peers (facilitators still see who).
    pub allow_anonymous: bool,
    /// Seconds a member waits between two posts anywhere in the space; 0: off.
    pub slow_mode_secs: i64,
    /// New threads start in post-first mode.
    pub post_first: bool,
}

impl DiscussionRules {
    pub(crate) fn of(space: &stoa_store::spaces::SpaceRow) -> Self {
        Self {
            allow_anonymous: space.allow_anonymous != 0,
            slow_mode_secs: space.slow_mode_secs,
            post_first: space.post_first != 0,
        }
    }
}

impl SpaceSummary {
    pub(crate) fn of(view: &SpaceView) -> Self {
        let s = &view.space;
        Self {
            id: s.id.clone(),
            kind: s.kind,
            slug: s.slug.clone(),
            name: s.name.clone(),
            description: s.description.clone(),
            description_html: s.description_html.clone(),
            visibility: s.visibility,
            join_policy: s.join_policy,
            parent_slug: view.parent_slug.clone(),
            parent_name: view.parent_name.clone(),
            member_count: s.member_count,
            thread_count: s.thread_count,
            last_activity_at: s.last_activity_at,
            created_at: s.created_at,
            viewer_role: view.viewer_role(),
            rules: DiscussionRules::of(s),
        }
    }
}

/// What the actor may do in a space, for deciding which buttons to show.
/// The actions themselves check again; this is only a hint to the UI.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Permissions {
    pub read: bool,
    pub post: bool,
    pub join: bool,
    pub request_to_join: bool,
    pub leave: bool,
    pub moderate: bool,
    pub invite: bool,
    pub review_requests: bool,
    pub manage_members: bool,
    pub edit_settings: bool,
    pub create_team: bool,
    pub curate: bool,
    pub facilitate: bool,
}

impl Permissions {
    pub(crate) fn of(actor: &Actor, view: &SpaceView) -> Self {
        let may = |a| allowed(actor, view, a);
        let community = view.space.kind == SpaceKind::Community;
        Self {
            read: may(Action::ReadContent),
            post: may(Action::Post),
            join: may(Action::Join),
            request_to_join: may(Action::RequestJoin),
            leave: may(Action::Leave),
            moderate: may(Action::ModeratePosts),
            invite: may(Action::InviteMembers),
            review_requests: may(Action::ReviewJoinRequests),
            manage_members: may(Action::ManageMembers),
            edit_settings: may(Action::EditSettings),
            create_team: community && may(Action::CreateTeam),
            curate: may(Action::Curate),
            facilitate: may(Action::Facilitate),
        }
    }
}

/// A space page's frame: the space, what the actor may do, its teams, and the
/// actor's pending request or invitation.
#[derive(Debug, Clone, Serialize)]
pub struct SpaceDetail {
    pub space: SpaceSummary,
    pub may: Permissions,
    pub teams: Vec<SpaceSummary>,
    pub pending_request: bool,
    pub pending_invite: Option<InviteSummary>,
    /// Whether the viewer follows the space.
    pub following: bool,
}

/// An invitation as shown to people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InviteSummary {
    pub id: String,
    pub space_slug: String,
    pub space_name: String,
    /// `None` for an invite link.
    pub invitee_username: Option<String>,
    pub role: Role,
    pub created_by_name: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub max_uses: Option<i64>,
    pub use_count: i64,
    pub is_link: bool,
}

impl InviteSummary {
    fn of(row: &InviteRow) -> Self {
        Self {
            id: row.id.clone(),
            space_slug: row.space_slug.clone(),
            space_name: row.space_name.clone(),
            invitee_username: row.invitee_username.clone(),
            role: row.role,
            created_by_name: row.created_by_name.clone(),
            created_at: row.created_at,
            expires_at: row.expires_at,
            max_uses: row.max_uses,
            use_count: row.use_count,
            is_link: row.token_hash.is_some(),
        }
    }
}

/// A new space as typed in the form.
#[derive(Debug, Clone, Default)]
pub struct NewSpaceInput {
    pub kind: String,
    pub name: String,
    /// Empty to derive one from the name.
    pub slug: String,
    pub description: String,
    pub visibility: String,
    pub join_policy: String,
    /// The community a team belongs to, by slug; empty for none.
    pub parent: String,
}

async fn append(
    tx: &mut Tx,
    app: &Stoa,
    kind: &str,
    actor: &Actor,
    space: &str,
    subject: Option<&str>,
    data: serde_json::Value,
) -> Result<()> {
    events::append(
        tx,
        NewEvent { kind, actor_id: actor.id(), space_id: Some(space), subject_id: subject, data },
        app.now(),
    )
    .await?;
    Ok(())
}

/// Creates a community or a team; the creator becomes its owner.
pub async fn create_space(app: &Stoa, actor: &Actor, input: NewSpaceInput) -> Result<SpaceSummary> {
    let me = actor.require()?;
    if !policy::can_create_space(&actor.viewer(None)) {
        return Err(CoreError::Forbidden);
    }
    let mut errors = Vec::new();
    let kind = field(&mut errors, "kind", SpaceKind::parse(&input.kind));
    let name = field(&mut errors, "name", SpaceName::parse(&input.name));
    let explicit_slug = !input.slug.trim().is_empty();
    let slug = if explicit_slug {
        field(&mut errors, "slug", Slug::parse(&input.slug))
    } else {
        match name.as_ref().and_then(|n| Slug::suggest(n.as_str())) {
            Some(s) => Some(s),
            None if name.is_some() => {
                errors.push(FieldError::new("slug", "slug-needed"));
                None
            }
            None => None,
        }
    };
    let description = field(&mut errors, "description", SpaceDescription::parse(&input.description));
    let visibility = field(&mut errors, "visibility", Visibility::parse(&input.visibility));
    let join_policy = field(&mut errors, "join_policy", JoinPolicy::parse(&input.join_policy));
    let (Some(kind), Some(name), Some(slug), Some(description), Some(visibility), Some(join_policy)) =
        (kind, name, slug, description, visibility, join_policy)
    else {
        return Err(CoreError::Invalid(errors));
    };
    let parent_slug = input.parent.trim();
    let now = app.now();
    let id = new_id();
    let description_html = markdown::render(description.as_str());
    let mut tx = app.store.begin().await?;
    let parent = if parent_slug.is_empty() {
        None
    } else {
        if kind != SpaceKind::Team {
            return Err(CoreError::field("parent", "parent-only-for-teams"));
        }
        let parent = load(&mut tx, actor, parent_slug, Action::CreateTeam).await?;
        if parent.space.kind != SpaceKind::Community {
            return Err(CoreError::field("parent", "parent-must-be-community"));
        }
        Some(parent)
    };
    // A derived slug that is taken gets a number; a slug the person chose is theirs to change.
    let mut candidate = slug.as_str().to_owned();
    for n in 2.. {
        let taken = store::view_by_slug(&mut tx, &candidate, None).await?.is_some();
        if !taken {
            break;
        }
        if explicit_slug || n > 50 {
            return Err(CoreError::Invalid(vec![FieldError::taken("slug", "slug-taken")]));
        }
        let base: String = slug.as_str().chars().take(Slug::MAX - 4).collect();
        candidate = format!("{base}-{n}");
    }
    let inserted = store::insert(
        &mut tx,
        &NewSpace {
            id: &id,
            kind,
            slug: &candidate,
            name: name.as_str(),
            description: description.as_str(),
            description_html: &description_html,
            visibility,
            join_policy,
            parent_id: parent.as_ref().map(|p| p.space.id.as_str()),
            created_by: &me.id,
            created_at: now,
        },
    )
    .await;
    match inserted {
        Err(StoreError::Conflict { .. }) => {
            return Err(CoreError::Invalid(vec![FieldError::taken("slug", "slug-taken")]));
        }
        other => other?,
    }
    store::add_member(&mut tx, &id, &me.id, Role::Owner, now).await?;
    let data = serde_json::json!({"name": name.as_str(), "slug": candidate, "kind": kind.as_str()});
    append(&mut tx, app, kind::SPACE_CREATED, actor, &id, Some(&id), data).await?;
    stoa_store::commit(tx).await?;
    let mut conn = app.store.read().await?;
    let view = store::view_by_id(&mut conn, &id, actor.id()).await?.ok_or(CoreError::NotFound)?;
    Ok(SpaceSummary::of(&view))
}

/// Settings an owner edits, as typed; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct SpaceSettingsInput {
    pub name: Option<String>,
    pub description: Option<String>,
    pub visibility: Option<String>,
    pub join_policy: Option<String>,
}

pub async fn update_space(app: &Stoa, actor: &Actor, slug: &str, input: SpaceSettingsInput) -> Result<SpaceSummary> {
    actor.require()?;
    let mut tx = app.store.begin().await?;
    let view = load(&mut tx, actor, slug, Action::EditSettings).await?;
    let s = &view.space;
    let mut errors = Vec::new();
    let name = match &input.name {
        Some(raw) => field(&mut errors, "name", SpaceName::parse(raw)).map(SpaceName::into_inner),
        None => Some(s.name.clone()),
    };
    let description = match &input.description {
        Some(raw) => field(&mut errors, "description", SpaceDescription::parse(raw)).map(SpaceDescription::into_inner),
        None => Some(s.description.clone()),
    };
    let visibility = match &input.visibility {
        Some(raw) => field(&mut errors, "visibility", Visibility::parse(raw)),
        None => Some(s.visibility),
    };
    let join_policy = match &input.join_policy {
        Some(raw) => field(&mut errors, "join_policy", JoinPolicy::parse(raw)),
        None => Some(s.join_policy),
    };
    let (Some(name), Some(description), Some(visibility), Some(join_policy)) =
        (name, description, visibility, join_policy)
    else {
        return Err(CoreError::Invalid(errors));
    };
    let description_html =
        if description == s.description { s.description_html.clone() } else { markdown::render(&description) };
    store::update(
        &mut tx,
        &s.id,
        &store::SpaceUpdate {
            name: &name,
            description: &description,
            description_html: &description_html,
            visibility,
            join_policy,
        },
    )
    .await?;
    let data =
        serde_json::json!({"name": name, "visibility": visibility.as_str(), "join_policy": join_policy.as_str()});
    append(&mut tx, app, kind::SPACE_UPDATED, actor, &s.id, Some(&s.id), data).await?;
    stoa_store::commit(tx).await?;
    let mut conn = app.store.read().await?;
    let view = store::view_by_id(&mut conn, &view.space.id, actor.id()).await?.ok_or(CoreError::NotFound)?;
    Ok(SpaceSummary::of(&view))
}

/// Narrows the directory.
#[derive(Debug, Clone, Default)]
pub struct DirectoryFilter {
    /// Words matched against name, address and description.
    pub query: Option<String>,
    pub kind: Option<SpaceKind>,
}

/// Every space the actor may know about, most recently active first.
pub async fn directory(app: &Stoa, actor: &Actor, filter: &DirectoryFilter) -> Result<Vec<SpaceSummary>> {
    let mut conn = app.store.read().await?;
    let all = store::all_views(&mut conn, actor.id()).await?;
    let needle = filter.query.as_deref().map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
    Ok(all
        .iter()
        .filter(|v| allowed(actor, v, Action::View))
        .filter(|v| filter.kind.is_none_or(|k| v.space.kind == k))
        .filter(|v| {
            needle.as_deref().is_none_or(|n| {
                v.space.name.to_lowercase().contains(n)
                    || v.space.slug.contains(n)
                    || v.space.description.to_lowercase().contains(n)
            })
        })
        .map(SpaceSummary::of)
        .collect())
}

/// The spaces the actor belongs to, most recently active first.
/// The spaces `actor` belongs to and facilitates (where they may move threads).
pub async fn facilitated(app: &Stoa, actor: &Actor) -> Result<Vec<SpaceSummary>> {
    let Some(me) = actor.user.as_ref() else { return Ok(Vec::new()) };
    let mut conn = app.store.read().await?;
    let views = store::views_of_member(&mut conn, &me.id).await?;
    Ok(views.iter().filter(|v| allowed(actor, v, Action::Facilitate)).map(SpaceSummary::of).collect())
}

pub async fn my_spaces(app: &Stoa, actor: &Actor) -> Result<Vec<SpaceSummary>> {
    let Some(me) = &actor.user else {
        return Ok(Vec::new());
    };
    let mut conn = app.store.read().await?;
    Ok(store::views_of_member(&mut conn, &me.id).await?.iter().map(SpaceSummary::of).collect())
}

/// A space as the actor may see it: summary, permissions, teams, and their
/// own pending request or invitation.
pub async fn space(app: &Stoa, actor: &Actor, slug: &str) -> Result<SpaceDetail> {
    let mut conn = app.store.read().await?;
    let view = load(&mut conn, actor, slug, Action::View).await?;
    let teams = if view.space.kind == SpaceKind::Community {
        store::team_views(&mut conn, &view.space.id, actor.id())
            .await?
            .iter()
            .filter(|t| allowed(actor, t, Action::View))
            .map(SpaceSummary::of)
            .collect()
    } else {
        Vec::new()
    };
    let (pending_request, pending_invite) = match actor.id() {
        Some(me) if view.viewer_role().is_none() => {
            let request = store::pending_request_of(&mut conn, &view.space.id, me).await?.is_some();
            let invite = store::pending_invite_for(&mut conn, &view.space.id, me).await?;
            (request, invite.as_ref().map(InviteSummary::of))
        }
        _ => (false, None),
    };
    let following = match actor.id() {
        Some(me) => stoa_store::social::is_following(&mut conn, me, crate::social::SPACE, &view.space.id).await?,
        None => false,
    };
    Ok(SpaceDetail {
        following,
        space: SpaceSummary::of(&view),
        may: Permissions::of(actor, &view),
        teams,
        pending_request,
        pending_invite,
    })
}

/// A page of members; only for those who may read the space.
pub async fn members(app: &Stoa, actor: &Actor, slug: &str, limit: i64, offset: i64) -> Result<Vec<MemberRow>> {
    let mut conn = app.store.read().await?;
    let view = load(&mut conn, actor, slug, Action::ReadContent).await?;
    Ok(store::members(&mut conn, &view.space.id, limit.clamp(1, 500), offset.max(0)).await?)
}

/// Joins a space whose join policy is `open`. Joining twice changes nothing.
pub async fn join(app: &Stoa, actor: &Actor, slug: &str) -> Result<SpaceSummary> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let view = store::view_by_slug(&mut tx, slug, Some(&me.id)).await?.ok_or(CoreError::NotFound)?;
    if view.viewer_role().is_some() {
        check(actor, &view, Action::View)?;
        return Ok(SpaceSummary::of(&view));
    }
    check(actor, &view, Action::Join)?;
    add_member_in_tx(&mut tx, app, actor, &view, &me.id, Role::Member, "joined").await?;
    stoa_store::commit(tx).await?;
    reload(app, actor, &view.space.id).await
}

async fn reload(app: &Stoa, actor: &Actor, id: &str) -> Result<SpaceSummary> {
    let mut conn = app.store.read().await?;
    let view = store::view_by_id(&mut conn, id, actor.id()).await?.ok_or(CoreError::NotFound)?;
    Ok(SpaceSummary::of(&view))
}

async fn add_member_in_tx(
    tx: &mut Tx,
    app: &Stoa,
    actor: &Actor,
    view: &SpaceView,
    user_id: &str,
    role: Role,
    how: &str,
) -> Result<()> {
    if store::add_member(tx, &view.space.id, user_id, role, app.now()).await? {
        let data = serde_json::json!({"role": role.as_str(), "how": how, "space_name": view.space.name});
        append(tx, app, kind::MEMBER_JOINED, actor, &view.space.id, Some(user_id), data).await?;
        store::touch_activity(tx, &view.space.id, app.now()).await?;
    }
    Ok(())
}

/// Leaves a space (and, for a community, every team inside it). The last
/// owner cannot leave: they must hand the space to someone first.
pub async fn leave(app: &Stoa, actor: &Actor, slug: &str) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let view = load(&mut tx, actor, slug, Action::Leave).await?;
    lock_owners(&mut tx, &view.space.id).await?;
    if view.viewer_role() == Some(Role::Owner) && store::count_owners(&mut tx, &view.space.id).await? <= 1 {
        return Err(CoreError::Conflict("last-owner"));
    }
    remove_in_tx(&mut tx, app, actor, &view.space.id, &me.id, kind::MEMBER_LEFT).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// Removes `user_id` from a space and from the teams inside it, and closes
/// their pending requests and invitations there, so none of them can bring
/// the person back in unseen.
async fn remove_in_tx(
    tx: &mut Tx,
    app: &Stoa,
    actor: &Actor,
    space_id: &str,
    user_id: &str,
    event: &str,
) -> Result<()> {
    store::close_pending_of_user(tx, space_id, user_id, app.now()).await?;
    for team in store::member_teams_in(tx, space_id, user_id).await? {
        store::remove_member(tx, &team, user_id).await?;
        append(tx, app, event, actor, &team, Some(user_id), serde_json::json!({"with_community": space_id})).await?;
    }
    if store::remove_member(tx, space_id, user_id).await? {
        append(tx, app, event, actor, space_id, Some(user_id), serde_json::json!({})).await?;
    }
    Ok(())
}

/// Asks to join a space whose join policy is `request`. Asking again while a
/// request is pending changes nothing.
pub async fn request_to_join(app: &Stoa, actor: &Actor, slug: &str, message: &str) -> Result<()> {
    let me = actor.require()?;
    let message: String = message.trim().chars().filter(|c| !c.is_control() || *c == '\n').take(1000).collect();
    let mut tx = app.store.begin().await?;
    let view = load(&mut tx, actor, slug, Action::RequestJoin).await?;
    if store::pending_request_of(&mut tx, &view.space.id, &me.id).await?.is_some() {
        return Ok(());
    }
    let id = new_id();
    store::insert_join_request(&mut tx, &id, &view.space.id, &me.id, &message, app.now()).await?;
    append(&mut tx, app, kind::JOIN_REQUESTED, actor, &view.space.id, Some(&id), serde_json::json!({"user_id": me.id}))
        .await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// Withdraws the actor's own pending request.
pub async fn withdraw_request(app: &Stoa, actor: &Actor, slug: &str) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let view = load(&mut tx, actor, slug, Action::View).await?;
    let request = store::pending_request_of(&mut tx, &view.space.id, &me.id).await?.ok_or(CoreError::NotFound)?;
    store::decide_join_request(&mut tx, &request.id, "withdrawn", &me.id, app.now()).await?;
    let data = serde_json::json!({"status": "withdrawn"});
    append(&mut tx, app, kind::JOIN_REQUEST_DECIDED, actor, &view.space.id, Some(&request.id), data).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// Pending requests, for those who review them.
pub async fn join_requests(app: &Stoa, actor: &Actor, slug: &str) -> Result<Vec<JoinRequestRow>> {
    let mut conn = app.store.read().await?;
    let view = load(&mut conn, actor, slug, Action::ReviewJoinRequests).await?;
    Ok(store::pending_requests(&mut conn, &view.space.id).await?)
}

/// Approves or denies a pending request.
pub async fn decide_request(app: &Stoa, actor: &Actor, slug: &str, request_id: &str, approve: bool) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let view = load(&mut tx, actor, slug, Action::ReviewJoinRequests).await?;
    let request = store::join_request(&mut tx, request_id).await?.ok_or(CoreError::NotFound)?;
    if request.space_id != view.space.id {
        return Err(CoreError::NotFound);
    }
    // Belonging to a team takes belonging to its community, then as at the
    // time the request was made.
    if approve
        && let Some(parent) = &view.space.parent_id
        && store::role_of(&mut tx, parent, &request.user_id).await?.is_none()
    {
        return Err(CoreError::Conflict("join-community-first"));
    }
    let status = if approve { "approved" } else { "denied" };
    if !store::decide_join_request(&mut tx, request_id, status, &me.id, app.now()).await? {
        return Err(CoreError::Conflict("request-already-decided"));
    }
    let data = serde_json::json!({"status": status, "user_id": request.user_id});
    append(&mut tx, app, kind::JOIN_REQUEST_DECIDED, actor, &view.space.id, Some(request_id), data).await?;
    if approve {
        add_member_in_tx(&mut tx, app, actor, &view, &request.user_id, Role::Member, "request").await?;
    }
    stoa_store::commit(tx).await?;
    Ok(())
}

/// Checks that whoever invites may give the role they offer: facilitators
/// invite members; owners (and admins) may also invite facilitators.
fn check_invite_role(actor: &Actor, view: &SpaceView, role: Role) -> Result<()> {
    match role {
        Role::Member => Ok(()),
        Role::Facilitator if allowed(actor, view, Action::ManageMembers) => Ok(()),
        Role::Facilitator => Err(CoreError::Forbidden),
        Role::Owner => Err(CoreError::field("role", "invalid-option")),
    }
}

/// Invites a person by username. Inviting someone already invited returns
/// the pending invitation.
pub async fn invite_person(app: &Stoa, actor: &Actor, slug: &str, username: &str, role: Role) -> Result<InviteSummary> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let view = load(&mut tx, actor, slug, Action::InviteMembers).await?;
    check_invite_role(actor, &view, role)?;
    let username =
        Username::parse(username).map_err(|e| CoreError::Invalid(vec![FieldError::invalid("username", &e)]))?;
    let invitee = users::by_username(&mut tx, username.as_str())
        .await?
        .ok_or_else(|| CoreError::field("username", "user-unknown"))?;
    if store::role_of(&mut tx, &view.space.id, &invitee.id).await?.is_some() {
        return Err(CoreError::field("username", "already-member"));
    }
    if let Some(parent_id) = &view.space.parent_id
        && store::role_of(&mut tx, parent_id, &invitee.id).await?.is_none()
    {
        return Err(CoreError::field("username", "invitee-not-in-community"));
    }
    if let Some(existing) = store::pending_invite_for(&mut tx, &view.space.id, &invitee.id).await? {
        return Ok(InviteSummary::of(&existing));
    }
    let id = new_id();
    store::insert_invite(
        &mut tx,
        &NewInvite {
            id: &id,
            space_id: &view.space.id,
            invitee_id: Some(&invitee.id),
            token_hash: None,
            role,
            created_by: &me.id,
            created_at: app.now(),
            expires_at: None,
            max_uses: None,
        },
    )
    .await?;
    let data = serde_json::json!({"invitee_id": invitee.id, "role": role.as_str()});
    append(&mut tx, app, kind::INVITE_CREATED, actor, &view.space.id, Some(&id), data).await?;
    let row = store::invite(&mut tx, &id).await?.ok_or(CoreError::NotFound)?;
    stoa_store::commit(tx).await?;
    Ok(InviteSummary::of(&row))
}

/// A new invite link; `url_token` goes into the link and is shown only now.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedInviteLink {
    pub invite: InviteSummary,
    pub token: String,
}

/// Creates an invite link that expires after `expires_in_days` (1 to 90) and
/// may be used `max_uses` times (unlimited when `None`).
pub async fn create_invite_link(
    app: &Stoa,
    actor: &Actor,
    slug: &str,
    expires_in_days: u32,
    max_uses: Option<u32>,
    role: Role,
) -> Result<CreatedInviteLink> {
    let me = actor.require()?;
    if !(1..=90).contains(&expires_in_days) {
        return Err(CoreError::field("expires_in_days", "invalid-option"));
    }
    if max_uses == Some(0) || max_uses.is_some_and(|m| m > 10_000) {
        return Err(CoreError::field("max_uses", "invalid-option"));
    }
    let mut tx = app.store.begin().await?;
    let view = load(&mut tx, actor, slug, Action::InviteMembers).await?;
    check_invite_role(actor, &view, role)?;
    let token = secrets::generate("")?;
    let id = new_id();
    let now = app.now();
    store::insert_invite(
        &mut tx,
        &NewInvite {
            id: &id,
            space_id: &view.space.id,
            invitee_id: None,
            token_hash: Some(&secrets::hash(&token)),
            role,
            created_by: &me.id,
            created_at: now,
            expires_at: Some(now + i64::from(expires_in_days) * 86_400_000),
            max_uses: max_uses.map(i64::from),
        },
    )
    .await?;
    append(&mut tx, app, kind::INVITE_CREATED, actor, &view.space.id, Some(&id), serde_json::json!({"link": true}))
        .await?;
    let row = store::invite(&mut tx, &id).await?.ok_or(CoreError::NotFound)?;
    stoa_store::commit(tx).await?;
    Ok(CreatedInviteLink { invite: InviteSummary::of(&row), token })
}

/// A space's pending invitations and live links, for those who invite.
pub async fn invites(app: &Stoa, actor: &Actor, slug: &str) -> Result<Vec<InviteSummary>> {
    let mut conn = app.store.read().await?;
    let view = load(&mut conn, actor, slug, Action::InviteMembers).await?;
    let now = app.now();
    Ok(store::pending_invites_of_space(&mut conn, &view.space.id)
        .await?
        .iter()
        .filter(|i| i.expires_at.is_none_or(|e| e > now))
        .map(InviteSummary::of)
        .collect())
}

/// Revokes a pending invitation or link.
pub async fn revoke_invite(app: &Stoa, actor: &Actor, slug: &str, invite_id: &str) -> Result<()> {
    actor.require()?;
    let mut tx = app.store.begin().await?;
    let view = load(&mut tx, actor, slug, Action::InviteMembers).await?;
    let invite = store::invite(&mut tx, invite_id).await?.ok_or(CoreError::NotFound)?;
    if invite.space_id != view.space.id {
        return Err(CoreError::NotFound);
    }
    if !store::set_invite_status(&mut tx, invite_id, "revoked", app.now()).await? {
        return Err(CoreError::Conflict("invite-already-decided"));
    }
    append(&mut tx, app, kind::INVITE_REVOKED, actor, &view.space.id, Some(invite_id), serde_json::json!({})).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// The actor's pending invitations.
pub async fn my_invites(app: &Stoa, actor: &Actor) -> Result<Vec<InviteSummary>> {
    let me = actor.require()?;
    let mut conn = app.store.read().await?;
    Ok(store::pending_invites_of_user(&mut conn, &me.id).await?.iter().map(InviteSummary::of).collect())
}

/// Accepts or declines an invitation addressed to the actor.
pub async fn answer_invite(app: &Stoa, actor: &Actor, invite_id: &str, accept: bool) -> Result<SpaceSummary> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let invite = store::invite(&mut tx, invite_id).await?.ok_or(CoreError::NotFound)?;
    // Someone else's invitation is none of the actor's business.
    if invite.invitee_id.as_deref() != Some(me.id.as_str()) {
        return Err(CoreError::NotFound);
    }
    let now = app.now();
    let status = if accept { "accepted" } else { "declined" };
    if !store::set_invite_status(&mut tx, invite_id, status, now).await? {
        return Err(CoreError::Gone("invite-no-longer-valid"));
    }
    let view = store::view_by_id(&mut tx, &invite.space_id, Some(&me.id)).await?.ok_or(CoreError::NotFound)?;
    if accept {
        join_by_invite(&mut tx, app, actor, &view, &me.id, invite.role).await?;
    } else {
        append(&mut tx, app, kind::INVITE_DECLINED, actor, &invite.space_id, Some(invite_id), serde_json::json!({}))
            .await?;
    }
    stoa_store::commit(tx).await?;
    Ok(SpaceSummary::of(&view))
}

async fn join_by_invite(
    tx: &mut Tx,
    app: &Stoa,
    actor: &Actor,
    view: &SpaceView,
    user_id: &str,
    role: Role,
) -> Result<()> {
    if view.space.parent_id.is_some() && view.parent_viewer_role().is_none() {
        return Err(CoreError::Conflict("join-community-first"));
    }
    match view.viewer_role() {
        Some(current) if current >= role => Ok(()),
        Some(current) => {
            store::set_role(tx, &view.space.id, user_id, role).await?;
            let data = serde_json::json!({"from": current.as_str(), "to": role.as_str(), "how": "invite"});
            append(tx, app, kind::MEMBER_ROLE_CHANGED, actor, &view.space.id, Some(user_id), data).await
        }
        None => add_member_in_tx(tx, app, actor, view, user_id, role, "invite").await,
    }
}

/// What an invite link shows before it is accepted.
#[derive(Debug, Clone, Serialize)]
pub struct InvitePreview {
    pub space_slug: String,
    pub space_name: String,
    pub space_description_html: String,
    pub created_by_name: String,
    pub role: Role,
}

/// The live invite link with this hash, or why it no longer works.
pub(crate) async fn usable_invite_link(conn: &mut Conn, hash: &str, now: i64) -> Result<InviteRow> {
    let invite = store::invite_by_token_hash(conn, hash).await?.ok_or(CoreError::NotFound)?;
    if invite.status != "pending" {
        return Err(CoreError::Gone("invite-no-longer-valid"));
    }
    if invite.expires_at.is_some_and(|e| e <= now) {
        return Err(CoreError::Gone("invite-expired"));
    }
    if invite.max_uses.is_some_and(|m| invite.use_count >= m) {
        return Err(CoreError::Gone("invite-used-up"));
    }
    Ok(invite)
}

/// Shows what an invite link leads to. Holding the link is what allows
/// seeing a secret space's name and description.
pub async fn preview_invite_link(app: &Stoa, token: &str) -> Result<InvitePreview> {
    let mut conn = app.store.read().await?;
    let invite = usable_invite_link(&mut conn, &secrets::hash(token.trim()), app.now()).await?;
    let view = store::view_by_id(&mut conn, &invite.space_id, None).await?.ok_or(CoreError::NotFound)?;
    Ok(InvitePreview {
        space_slug: view.space.slug,
        space_name: view.space.name,
        space_description_html: view.space.description_html,
        created_by_name: invite.created_by_name,
        role: invite.role,
    })
}

/// Joins through an invite link.
pub async fn accept_invite_link(app: &Stoa, actor: &Actor, token: &str) -> Result<SpaceSummary> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let invite = usable_invite_link(&mut tx, &secrets::hash(token.trim()), app.now()).await?;
    accept_link_in_tx(&mut tx, &invite, &me.id, app.now()).await?;
    let view = store::view_by_id(&mut tx, &invite.space_id, Some(&me.id)).await?.ok_or(CoreError::NotFound)?;
    stoa_store::commit(tx).await?;
    Ok(SpaceSummary::of(&view))
}

/// Uses an invite link for `user_id` inside an open transaction (also used
/// by sign-up, so a new account joins in the same transaction).
pub(crate) async fn accept_link_in_tx(tx: &mut Tx, invite: &InviteRow, user_id: &str, now: i64) -> Result<()> {
    let view = store::view_by_id(tx, &invite.space_id, Some(user_id)).await?.ok_or(CoreError::NotFound)?;
    if view.viewer_role().is_some() {
        return Ok(());
    }
    if !store::use_invite_link(tx, &invite.id).await? {
        return Err(CoreError::Gone("invite-used-up"));
    }
    if view.space.parent_id.is_some() && view.parent_viewer_role().is_none() {
        return Err(CoreError::Conflict("join-community-first"));
    }
    if store::add_member(tx, &view.space.id, user_id, invite.role, now).await? {
        let data =
            serde_json::json!({"role": invite.role.as_str(), "how": "invite_link", "space_name": view.space.name});
        events::append(
            tx,
            NewEvent {
                kind: kind::MEMBER_JOINED,
                actor_id: Some(user_id),
                space_id: Some(&view.space.id),
                subject_id: Some(user_id),
                data,
            },
            now,
        )
        .await?;
    }
    Ok(())
}

/// Changes a member's role. The last owner cannot be demoted.
pub async fn change_role(app: &Stoa, actor: &Actor, slug: &str, username: &str, role: Role) -> Result<()> {
    actor.require()?;
    let mut tx = app.store.begin().await?;
    let view = load(&mut tx, actor, slug, Action::ManageMembers).await?;
    let target = member_by_username(&mut tx, &view, username).await?;
    lock_owners(&mut tx, &view.space.id).await?;
    let current = store::role_of(&mut tx, &view.space.id, &target).await?.ok_or(CoreError::NotFound)?;
    if current == Role::Owner && role != Role::Owner && store::count_owners(&mut tx, &view.space.id).await? <= 1 {
        return Err(CoreError::Conflict("last-owner"));
    }
    store::set_role(&mut tx, &view.space.id, &target, role).await?;
    let data = serde_json::json!({"from": current.as_str(), "to": role.as_str()});
    append(&mut tx, app, kind::MEMBER_ROLE_CHANGED, actor, &view.space.id, Some(&target), data).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// Serialises changes to a space's owners, so that two at once cannot leave it without one.
async fn lock_owners(tx: &mut Tx, space_id: &str) -> Result<()> {
    stoa_store::dialect::lock(tx, &format!("owners:{space_id}")).await?;
    Ok(())
}

async fn member_by_username(conn: &mut Conn, view: &SpaceView, username: &str) -> Result<String> {
    let username = Username::parse(username).map_err(|_| CoreError::NotFound)?;
    let user = users::by_username(conn, username.as_str()).await?.ok_or(CoreError::NotFound)?;
    store::role_of(conn, &view.space.id, &user.id).await?.ok_or(CoreError::NotFound)?;
    Ok(user.id)
}

/// Removes a member (and takes them out of the community's teams). The last
/// owner cannot be removed.
pub async fn remove_member(app: &Stoa, actor: &Actor, slug: &str, username: &str) -> Result<()> {
    actor.require()?;
    let mut tx = app.store.begin().await?;
    let view = load(&mut tx, actor, slug, Action::ManageMembers).await?;
    let target = member_by_username(&mut tx, &view, username).await?;
    lock_owners(&mut tx, &view.space.id).await?;
    let role = store::role_of(&mut tx, &view.space.id, &target).await?;
    if role == Some(Role::Owner) && store::count_owners(&mut tx, &view.space.id).await? <= 1 {
        return Err(CoreError::Conflict("last-owner"));
    }
    remove_in_tx(&mut tx, app, actor, &view.space.id, &target, kind::MEMBER_REMOVED).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}
