//! Spaces and everything about belonging to one: memberships, requests to
//! join and invitations.
//!
//! Reads that feed the permission policy return a [`SpaceView`]: the space
//! together with the viewer's role in it and, for a team inside a community,
//! the community's visibility and the viewer's role there. `core` turns that
//! into the policy's facts; this module never decides who may see what.

use serde::Serialize;
use sqlx::AnyConnection;
use stoa_domain::{JoinPolicy, Role, SpaceKind, Visibility};

use crate::direct::{Columns, FromColumns, from_row_by_columns};
use crate::{Result, StoreError};

/// A space as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpaceRow {
    pub id: String,
    pub kind: SpaceKind,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub description_html: String,
    pub visibility: Visibility,
    pub join_policy: JoinPolicy,
    pub parent_id: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    pub last_activity_at: i64,
    pub member_count: i64,
    pub thread_count: i64,
    /// 1: members may post anonymously to their peers.
    pub allow_anonymous: i64,
    /// Seconds a member waits between two posts in the space; 0: off.
    pub slow_mode_secs: i64,
    /// 1: new threads start in post-first mode.
    pub post_first: i64,
}

impl FromColumns for SpaceRow {
    fn from_columns(row: &impl Columns) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: row.text("id")?,
            kind: row.parsed("kind")?,
            slug: row.text("slug")?,
            name: row.text("name")?,
            description: row.text("description")?,
            description_html: row.text("description_html")?,
            visibility: row.parsed("visibility")?,
            join_policy: row.parsed("join_policy")?,
            parent_id: row.opt_text("parent_id")?,
            created_by: row.text("created_by")?,
            created_at: row.int("created_at")?,
            last_activity_at: row.int("last_activity_at")?,
            member_count: row.int("member_count")?,
            thread_count: row.int("thread_count")?,
            allow_anonymous: row.int("allow_anonymous")?,
            slow_mode_secs: row.int("slow_mode_secs")?,
            post_first: row.int("post_first")?,
        })
    }
}
from_row_by_columns!(SpaceRow);

/// A space's last activity is the later of its own (members joining) and its
/// busiest thread's; reading it from `threads_by_activity` keeps replies from
/// having to write to the space row as well.
const SPACE_COLUMNS: &str = "s.id, s.kind, s.slug, s.name, s.description, s.description_html, s.visibility, \
     s.join_policy, s.parent_id, s.created_by, s.created_at, \
     COALESCE((SELECT MAX(ta.last_activity_at) FROM threads ta \
               WHERE ta.space_id = s.id AND ta.last_activity_at > s.last_activity_at), s.last_activity_at) \
         AS last_activity_at, \
     s.member_count, s.thread_count, s.allow_anonymous, s.slow_mode_secs, s.post_first";

/// A space as one viewer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceView {
    pub space: SpaceRow,
    /// The viewer's own role, if they are a member.
    pub viewer_role: Option<String>,
    pub parent_slug: Option<String>,
    pub parent_name: Option<String>,
    pub parent_visibility: Option<String>,
    /// The viewer's role in the community this team belongs to.
    pub parent_viewer_role: Option<String>,
}

impl FromColumns for SpaceView {
    fn from_columns(row: &impl Columns) -> Result<Self, sqlx::Error> {
        Ok(Self {
            space: SpaceRow::from_columns(row)?,
            viewer_role: row.opt_text("viewer_role")?,
            parent_slug: row.opt_text("parent_slug")?,
            parent_name: row.opt_text("parent_name")?,
            parent_visibility: row.opt_text("parent_visibility")?,
            parent_viewer_role: row.opt_text("parent_viewer_role")?,
        })
    }
}
from_row_by_columns!(SpaceView);

impl SpaceView {
    pub fn viewer_role(&self) -> Option<Role> {
        self.viewer_role.as_deref().and_then(|r| Role::parse(r).ok())
    }

    pub fn parent_viewer_role(&self) -> Option<Role> {
        self.parent_viewer_role.as_deref().and_then(|r| Role::parse(r).ok())
    }

    /// The community's visibility; a team whose community row is missing is
    /// treated as inside a secret one, which hides rather than exposes.
    pub fn parent_visibility(&self) -> Option<Visibility> {
        self.space.parent_id.as_ref()?;
        Some(self.parent_visibility.as_deref().and_then(|v| Visibility::parse(v).ok()).unwrap_or(Visibility::Secret))
    }
}

/// The query behind every [`SpaceView`]: `$1` is the viewer's id (NULL for
/// anonymous). A community facilitator scoped to some teams (see
/// `facilitator_scopes`) inherits nothing in the others: there they read as
/// a plain community member. `tail` adds joins and conditions; `extra` adds columns.
pub(crate) fn view_select(tail: &str, extra: &str) -> String {
    let extra = if extra.is_empty() { String::new() } else { format!(", {extra}") };
    format!(
        "SELECT {SPACE_COLUMNS}, m.role AS viewer_role, p.slug AS parent_slug, p.name AS parent_name,
                p.visibility AS parent_visibility,
                CASE WHEN pm.role = 'facilitator'
                      AND EXISTS (SELECT 1 FROM facilitator_scopes fs WHERE fs.community_id = p.id AND fs.user_id = $1)
                      AND NOT EXISTS (SELECT 1 FROM facilitator_scopes fs
                                      WHERE fs.community_id = p.id AND fs.user_id = $1 AND fs.team_id = s.id)
                     THEN 'member' ELSE pm.role END AS parent_viewer_role{extra}
         FROM spaces s
         LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $1
         LEFT JOIN spaces p ON p.id = s.parent_id
         LEFT JOIN memberships pm ON pm.space_id = p.id AND pm.user_id = $1
         {tail}"
    )
}

/// A new space.
#[derive(Debug, Clone)]
pub struct NewSpace<'a> {
    pub id: &'a str,
    pub kind: SpaceKind,
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub description_html: &'a str,
    pub visibility: Visibility,
    pub join_policy: JoinPolicy,
    pub parent_id: Option<&'a str>,
    pub created_by: &'a str,
    pub created_at: i64,
}

/// Inserts a space. A taken slug is [`StoreError::Conflict`].
pub async fn insert(conn: &mut AnyConnection, space: &NewSpace<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO spaces (id, kind, slug, name, description, description_html, visibility, join_policy,
                             parent_id, created_by, created_at, last_activity_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
    )
    .bind(space.id)
    .bind(space.kind.as_str())
    .bind(space.slug)
    .bind(space.name)
    .bind(space.description)
    .bind(space.description_html)
    .bind(space.visibility.as_str())
    .bind(space.join_policy.as_str())
    .bind(space.parent_id)
    .bind(space.created_by)
    .bind(space.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The space with this slug as `viewer_id` sees it (`None` for anonymous).
pub async fn view_by_slug(conn: &mut AnyConnection, slug: &str, viewer_id: Option<&str>) -> Result<Option<SpaceView>> {
    let sql = view_select("WHERE s.slug = $2", "");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(viewer_id).bind(slug).fetch_optional(conn).await?)
}

pub async fn view_by_id(conn: &mut AnyConnection, id: &str, viewer_id: Option<&str>) -> Result<Option<SpaceView>> {
    let sql = view_select("WHERE s.id = $2", "");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(viewer_id).bind(id).fetch_optional(conn).await?)
}

/// Every space, as `viewer_id` sees it, most recently active first. The
/// caller filters with the policy; instances have hundreds of spaces, not
/// millions, so one pass over them is cheaper than a policy written twice.
pub async fn all_views(conn: &mut AnyConnection, viewer_id: Option<&str>) -> Result<Vec<SpaceView>> {
    let sql = view_select("ORDER BY last_activity_at DESC, s.id DESC", "");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(viewer_id).fetch_all(conn).await?)
}

/// The teams inside a community, as `viewer_id` sees them.
pub async fn team_views(conn: &mut AnyConnection, parent_id: &str, viewer_id: Option<&str>) -> Result<Vec<SpaceView>> {
    let sql = view_select("WHERE s.parent_id = $2 ORDER BY s.name", "");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(viewer_id).bind(parent_id).fetch_all(conn).await?)
}

/// The spaces `user_id` belongs to, as they see them, most recently active first.
pub async fn views_of_member(conn: &mut AnyConnection, user_id: &str) -> Result<Vec<SpaceView>> {
    let sql = view_select("WHERE m.user_id IS NOT NULL ORDER BY last_activity_at DESC, s.id DESC", "");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user_id).fetch_all(conn).await?)
}

/// The settings an owner edits.
#[derive(Debug, Clone)]
pub struct SpaceUpdate<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub description_html: &'a str,
    pub visibility: Visibility,
    pub join_policy: JoinPolicy,
}

pub async fn update(conn: &mut AnyConnection, id: &str, update: &SpaceUpdate<'_>) -> Result<()> {
    let done = sqlx::query(
        "UPDATE spaces SET name = $2, description = $3, description_html = $4, visibility = $5, join_policy = $6
         WHERE id = $1",
    )
    .bind(id)
    .bind(update.name)
    .bind(update.description)
    .bind(update.description_html)
    .bind(update.visibility.as_str())
    .bind(update.join_policy.as_str())
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// A space's discussion rules, set by its facilitators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiscussionRules {
    pub allow_anonymous: bool,
    pub slow_mode_secs: i64,
    pub post_first: bool,
}

pub async fn set_discussion_rules(conn: &mut AnyConnection, id: &str, rules: DiscussionRules) -> Result<()> {
    sqlx::query("UPDATE spaces SET allow_anonymous = $2, slow_mode_secs = $3, post_first = $4 WHERE id = $1")
        .bind(id)
        .bind(i64::from(rules.allow_anonymous))
        .bind(rules.slow_mode_secs)
        .bind(i64::from(rules.post_first))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn touch_activity(conn: &mut AnyConnection, id: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE spaces SET last_activity_at = $2 WHERE id = $1").bind(id).bind(now).execute(conn).await?;
    Ok(())
}

// ---------------------------------------------------------------- memberships

/// A member as listed on a space's member page.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct MemberRow {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub joined_at: i64,
}

/// Adds a member, or changes nothing when they already are one. Returns
/// whether a membership was created.
pub async fn add_member(conn: &mut AnyConnection, space_id: &str, user_id: &str, role: Role, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (space_id, user_id) DO NOTHING",
    )
    .bind(space_id)
    .bind(user_id)
    .bind(role.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let added = done.rows_affected() == 1;
    if added {
        sqlx::query("UPDATE spaces SET member_count = member_count + 1 WHERE id = $1")
            .bind(space_id)
            .execute(conn)
            .await?;
    }
    Ok(added)
}

/// Removes a membership; returns whether there was one.
pub async fn remove_member(conn: &mut AnyConnection, space_id: &str, user_id: &str) -> Result<bool> {
    let done = sqlx::query("DELETE FROM memberships WHERE space_id = $1 AND user_id = $2")
        .bind(space_id)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    let removed = done.rows_affected() == 1;
    if removed {
        sqlx::query("UPDATE spaces SET member_count = member_count - 1 WHERE id = $1")
            .bind(space_id)
            .execute(conn)
            .await?;
    }
    Ok(removed)
}

/// The teams inside `parent_id` that `user_id` belongs to (to leave them when
/// leaving the community).
pub async fn member_teams_in(conn: &mut AnyConnection, parent_id: &str, user_id: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT s.id FROM spaces s JOIN memberships m ON m.space_id = s.id
         WHERE s.parent_id = $1 AND m.user_id = $2",
    )
    .bind(parent_id)
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}

pub async fn set_role(conn: &mut AnyConnection, space_id: &str, user_id: &str, role: Role) -> Result<bool> {
    let done = sqlx::query("UPDATE memberships SET role = $3 WHERE space_id = $1 AND user_id = $2")
        .bind(space_id)
        .bind(user_id)
        .bind(role.as_str())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn role_of(conn: &mut AnyConnection, space_id: &str, user_id: &str) -> Result<Option<Role>> {
    let role: Option<String> = sqlx::query_scalar("SELECT role FROM memberships WHERE space_id = $1 AND user_id = $2")
        .bind(space_id)
        .bind(user_id)
        .fetch_optional(conn)
        .await?;
    Ok(role.and_then(|r| Role::parse(&r).ok()))
}

pub async fn count_owners(conn: &mut AnyConnection, space_id: &str) -> Result<i64> {
    Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM memberships WHERE space_id = $1 AND role = 'owner'")
        .bind(space_id)
        .fetch_one(conn)
        .await?)
}

/// A page of members: owners first, then facilitators, then members, each by name.
pub async fn members(conn: &mut AnyConnection, space_id: &str, limit: i64, offset: i64) -> Result<Vec<MemberRow>> {
    Ok(sqlx::query_as(
        "SELECT u.id AS user_id, u.username, u.display_name, m.role, m.joined_at
         FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.space_id = $1
         ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'facilitator' THEN 1 ELSE 2 END, LOWER(u.display_name), u.id
         LIMIT $2 OFFSET $3",
    )
    .bind(space_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?)
}

// ---------------------------------------------------------------- join requests

/// A request to join, with the requester's names for listing.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct JoinRequestRow {
    pub id: String,
    pub space_id: String,
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub message: String,
    pub status: String,
    pub created_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
}

const REQUEST_SELECT: &str = "SELECT r.id, r.space_id, r.user_id, u.username, u.display_name, r.message, r.status,
            r.created_at, r.decided_by, r.decided_at
     FROM join_requests r JOIN users u ON u.id = r.user_id";

pub async fn insert_join_request(
    conn: &mut AnyConnection,
    id: &str,
    space_id: &str,
    user_id: &str,
    message: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO join_requests (id, space_id, user_id, message, status, created_at)
         VALUES ($1, $2, $3, $4, 'pending', $5)",
    )
    .bind(id)
    .bind(space_id)
    .bind(user_id)
    .bind(message)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn pending_request_of(
    conn: &mut AnyConnection,
    space_id: &str,
    user_id: &str,
) -> Result<Option<JoinRequestRow>> {
    let sql = format!("{REQUEST_SELECT} WHERE r.space_id = $1 AND r.user_id = $2 AND r.status = 'pending'");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(space_id).bind(user_id).fetch_optional(conn).await?)
}

pub async fn join_request(conn: &mut AnyConnection, id: &str) -> Result<Option<JoinRequestRow>> {
    let sql = format!("{REQUEST_SELECT} WHERE r.id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

pub async fn pending_requests(conn: &mut AnyConnection, space_id: &str) -> Result<Vec<JoinRequestRow>> {
    let sql = format!("{REQUEST_SELECT} WHERE r.space_id = $1 AND r.status = 'pending' ORDER BY r.created_at, r.id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(space_id).fetch_all(conn).await?)
}

/// Moves a pending request to `status`; false when it was no longer pending.
pub async fn decide_join_request(
    conn: &mut AnyConnection,
    id: &str,
    status: &str,
    decided_by: &str,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE join_requests SET status = $2, decided_by = $3, decided_at = $4 WHERE id = $1 AND status = 'pending'",
    )
    .bind(id)
    .bind(status)
    .bind(decided_by)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

// ---------------------------------------------------------------- invites

/// An invitation, with the names needed to show it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct InviteRow {
    pub id: String,
    pub space_id: String,
    pub space_slug: String,
    pub space_name: String,
    pub invitee_id: Option<String>,
    pub invitee_username: Option<String>,
    #[serde(skip)]
    pub token_hash: Option<String>,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub created_by: String,
    pub created_by_name: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub max_uses: Option<i64>,
    pub use_count: i64,
    pub status: String,
    pub decided_at: Option<i64>,
}

const INVITE_SELECT: &str = "SELECT i.id, i.space_id, s.slug AS space_slug, s.name AS space_name, i.invitee_id,
            iu.username AS invitee_username, i.token_hash, i.role, i.created_by, cu.display_name AS created_by_name,
            i.created_at, i.expires_at, i.max_uses, i.use_count, i.status, i.decided_at
     FROM invites i
     JOIN spaces s ON s.id = i.space_id
     JOIN users cu ON cu.id = i.created_by
     LEFT JOIN users iu ON iu.id = i.invitee_id";

/// A new invitation: to a person (`invitee_id`) or a link (`token_hash`).
#[derive(Debug, Clone)]
pub struct NewInvite<'a> {
    pub id: &'a str,
    pub space_id: &'a str,
    pub invitee_id: Option<&'a str>,
    pub token_hash: Option<&'a str>,
    pub role: Role,
    pub created_by: &'a str,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub max_uses: Option<i64>,
}

pub async fn insert_invite(conn: &mut AnyConnection, invite: &NewInvite<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO invites (id, space_id, invitee_id, token_hash, role, created_by, created_at, expires_at,
                              max_uses, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending')",
    )
    .bind(invite.id)
    .bind(invite.space_id)
    .bind(invite.invitee_id)
    .bind(invite.token_hash)
    .bind(invite.role.as_str())
    .bind(invite.created_by)
    .bind(invite.created_at)
    .bind(invite.expires_at)
    .bind(invite.max_uses)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn invite(conn: &mut AnyConnection, id: &str) -> Result<Option<InviteRow>> {
    let sql = format!("{INVITE_SELECT} WHERE i.id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

pub async fn invite_by_token_hash(conn: &mut AnyConnection, token_hash: &str) -> Result<Option<InviteRow>> {
    let sql = format!("{INVITE_SELECT} WHERE i.token_hash = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(token_hash).fetch_optional(conn).await?)
}

/// The pending invitation of `user_id` to `space_id`, if any.
pub async fn pending_invite_for(conn: &mut AnyConnection, space_id: &str, user_id: &str) -> Result<Option<InviteRow>> {
    let sql = format!("{INVITE_SELECT} WHERE i.space_id = $1 AND i.invitee_id = $2 AND i.status = 'pending'");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(space_id).bind(user_id).fetch_optional(conn).await?)
}

/// A person's pending invitations, newest first.
pub async fn pending_invites_of_user(conn: &mut AnyConnection, user_id: &str) -> Result<Vec<InviteRow>> {
    let sql = format!("{INVITE_SELECT} WHERE i.invitee_id = $1 AND i.status = 'pending' ORDER BY i.created_at DESC");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user_id).fetch_all(conn).await?)
}

/// A space's pending invitations (people and links), newest first.
pub async fn pending_invites_of_space(conn: &mut AnyConnection, space_id: &str) -> Result<Vec<InviteRow>> {
    let sql = format!("{INVITE_SELECT} WHERE i.space_id = $1 AND i.status = 'pending' ORDER BY i.created_at DESC");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(space_id).fetch_all(conn).await?)
}

/// Moves a pending invitation to `status`; false when it was no longer pending.
pub async fn set_invite_status(conn: &mut AnyConnection, id: &str, status: &str, now: i64) -> Result<bool> {
    let done = sqlx::query("UPDATE invites SET status = $2, decided_at = $3 WHERE id = $1 AND status = 'pending'")
        .bind(id)
        .bind(status)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Counts one use of an invite link, unless it has run out; false when it has.
pub async fn use_invite_link(conn: &mut AnyConnection, id: &str) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE invites SET use_count = use_count + 1
         WHERE id = $1 AND status = 'pending' AND (max_uses IS NULL OR use_count < max_uses)",
    )
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Closes `user_id`'s pending requests (as withdrawn) and invitations (as
/// revoked) in a space and the teams inside it.
pub async fn close_pending_of_user(conn: &mut AnyConnection, space_id: &str, user_id: &str, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE join_requests SET status = 'withdrawn', decided_at = $3
         WHERE user_id = $2 AND status = 'pending'
           AND (space_id = $1 OR space_id IN (SELECT id FROM spaces WHERE parent_id = $1))",
    )
    .bind(space_id)
    .bind(user_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE invites SET status = 'revoked', decided_at = $3
         WHERE invitee_id = $2 AND status = 'pending'
           AND (space_id = $1 OR space_id IN (SELECT id FROM spaces WHERE parent_id = $1))",
    )
    .bind(space_id)
    .bind(user_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
