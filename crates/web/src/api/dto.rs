//! The JSON shapes of the API, with their OpenAPI schemas.
//!
//! These are the API's contract, kept apart from `core`'s types so that a
//! change inside Stoa does not silently change what clients receive.

use serde::{Deserialize, Serialize};
use stoa_core::accounts::{Account, Profile};
use stoa_core::activity::ActivityItem;
use stoa_core::admin::{AdminUser, InstanceSettings};
use stoa_core::discussions::{Post, ThreadList, ThreadPage, ThreadSummary};
use stoa_core::rows::{JoinRequestRow, MemberRow, PostVersion, TokenRow};
use stoa_core::spaces::{InvitePreview, InviteSummary, Permissions, SpaceDetail, SpaceSummary};
use utoipa::{IntoParams, ToSchema};

/// The signed-in person's own account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    /// Markdown source.
    pub bio: String,
    /// The bio rendered and sanitized.
    pub bio_html: String,
    /// The chosen UI language, or null to follow the browser.
    pub locale: Option<String>,
    pub is_admin: bool,
    /// Unix time in milliseconds.
    pub created_at: i64,
}

impl From<Account> for Me {
    fn from(a: Account) -> Self {
        Self {
            id: a.id,
            username: a.username,
            display_name: a.display_name,
            email: a.email,
            bio: a.bio,
            bio_html: a.bio_html,
            locale: a.locale,
            is_admin: a.is_admin,
            created_at: a.created_at,
        }
    }
}

/// A person's public profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileDto {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub bio: String,
    pub bio_html: String,
    pub is_admin: bool,
    pub created_at: i64,
    /// Spaces this person belongs to that you may read.
    pub spaces: Vec<SpaceDto>,
    /// What they know about, and want to learn.
    pub skills: Vec<String>,
    pub interests: Vec<String>,
    /// Whether you follow them, and have blocked them.
    pub following: bool,
    pub blocked: bool,
    /// Threads they started and replies they wrote lately, that you may read.
    pub contributions: Vec<ActivityDto>,
    /// The space holding their own blog (`/spaces/{slug}/blog`), if they started one.
    pub blog_slug: Option<String>,
}

impl From<Profile> for ProfileDto {
    fn from(p: Profile) -> Self {
        Self {
            id: p.id,
            username: p.username,
            display_name: p.display_name,
            bio: p.bio,
            bio_html: p.bio_html,
            is_admin: p.is_admin,
            created_at: p.created_at,
            spaces: p.spaces.into_iter().map(SpaceDto::from).collect(),
            skills: p.skills,
            interests: p.interests,
            following: p.following,
            blocked: p.blocked,
            contributions: p.contributions.into_iter().map(ActivityDto::from).collect(),
            blog_slug: p.blog_slug,
        }
    }
}

/// A space.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpaceDto {
    pub id: String,
    /// `community` or `team`.
    pub kind: String,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub description_html: String,
    /// `public`, `members` or `secret`.
    pub visibility: String,
    /// `open`, `request` or `invite`.
    pub join_policy: String,
    /// The community a team belongs to.
    pub parent_slug: Option<String>,
    pub member_count: i64,
    pub thread_count: i64,
    pub last_activity_at: i64,
    pub created_at: i64,
    /// Your role here: `owner`, `facilitator`, `member`, or null.
    pub your_role: Option<String>,
    /// How its discussions run.
    pub rules: RulesDto,
}

impl From<SpaceSummary> for SpaceDto {
    fn from(s: SpaceSummary) -> Self {
        Self {
            id: s.id,
            kind: s.kind.as_str().into(),
            slug: s.slug,
            name: s.name,
            description: s.description,
            description_html: s.description_html,
            visibility: s.visibility.as_str().into(),
            join_policy: s.join_policy.as_str().into(),
            parent_slug: s.parent_slug,
            member_count: s.member_count,
            thread_count: s.thread_count,
            last_activity_at: s.last_activity_at,
            created_at: s.created_at,
            your_role: s.viewer_role.map(|r| r.as_str().into()),
            rules: RulesDto {
                allow_anonymous: s.rules.allow_anonymous,
                slow_mode_secs: s.rules.slow_mode_secs,
                post_first: s.rules.post_first,
            },
        }
    }
}

/// What you may do in a space.
#[derive(Debug, Serialize, ToSchema)]
pub struct PermissionsDto {
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
}

impl From<Permissions> for PermissionsDto {
    fn from(p: Permissions) -> Self {
        Self {
            read: p.read,
            post: p.post,
            join: p.join,
            request_to_join: p.request_to_join,
            leave: p.leave,
            moderate: p.moderate,
            invite: p.invite,
            review_requests: p.review_requests,
            manage_members: p.manage_members,
            edit_settings: p.edit_settings,
            create_team: p.create_team,
        }
    }
}

/// A space with what you may do there, its teams, and your pending request or invitation.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpaceDetailDto {
    pub space: SpaceDto,
    pub permissions: PermissionsDto,
    pub teams: Vec<SpaceDto>,
    pub pending_request: bool,
    pub pending_invite: Option<InviteDto>,
    /// Whether you follow the space.
    pub following: bool,
}

impl From<SpaceDetail> for SpaceDetailDto {
    fn from(d: SpaceDetail) -> Self {
        Self {
            space: d.space.into(),
            permissions: d.may.into(),
            teams: d.teams.into_iter().map(SpaceDto::from).collect(),
            pending_request: d.pending_request,
            pending_invite: d.pending_invite.map(InviteDto::from),
            following: d.following,
        }
    }
}

/// A member of a space.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberDto {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub joined_at: i64,
}

impl From<MemberRow> for MemberDto {
    fn from(m: MemberRow) -> Self {
        Self {
            username: m.username,
            display_name: m.display_name,
            role: m.role.as_str().into(),
            joined_at: m.joined_at,
        }
    }
}

/// A pending request to join.
#[derive(Debug, Serialize, ToSchema)]
pub struct JoinRequestDto {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub message: String,
    pub created_at: i64,
}

impl From<JoinRequestRow> for JoinRequestDto {
    fn from(r: JoinRequestRow) -> Self {
        Self {
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            message: r.message,
            created_at: r.created_at,
        }
    }
}

/// An invitation to a person, or an invite link.
#[derive(Debug, Serialize, ToSchema)]
pub struct InviteDto {
    pub id: String,
    pub space_slug: String,
    pub space_name: String,
    /// Null for an invite link.
    pub invitee_username: Option<String>,
    pub role: String,
    pub created_by_name: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub max_uses: Option<i64>,
    pub use_count: i64,
    pub is_link: bool,
}

impl From<InviteSummary> for InviteDto {
    fn from(i: InviteSummary) -> Self {
        Self {
            id: i.id,
            space_slug: i.space_slug,
            space_name: i.space_name,
            invitee_username: i.invitee_username,
            role: i.role.as_str().into(),
            created_by_name: i.created_by_name,
            created_at: i.created_at,
            expires_at: i.expires_at,
            max_uses: i.max_uses,
            use_count: i.use_count,
            is_link: i.is_link,
        }
    }
}

/// A new invite link. `token` is shown only now.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedInviteLinkDto {
    pub invite: InviteDto,
    pub token: String,
    /// The path to share: `/join/{token}`.
    pub path: String,
}

/// What an invite link leads to.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitePreviewDto {
    pub space_slug: String,
    pub space_name: String,
    pub space_description_html: String,
    pub created_by_name: String,
    pub role: String,
}

impl From<InvitePreview> for InvitePreviewDto {
    fn from(p: InvitePreview) -> Self {
        Self {
            space_slug: p.space_slug,
            space_name: p.space_name,
            space_description_html: p.space_description_html,
            created_by_name: p.created_by_name,
            role: p.role.as_str().into(),
        }
    }
}

/// A thread as listed in its space.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadSummaryDto {
    pub id: String,
    pub title: String,
    /// `discussion`, `question` or `talk`.
    pub kind: String,
    /// Null when the author posted anonymously and you may not know who it is.
    pub author_username: Option<String>,
    pub author_display_name: Option<String>,
    pub created_at: i64,
    pub last_activity_at: i64,
    pub reply_count: i64,
    /// Posts you have not seen; null if you never opened the thread.
    pub unread: Option<i64>,
    pub pinned: bool,
    pub locked: bool,
    pub closed: bool,
    /// Some reply is still there (for a question: it has an answer).
    pub answered: bool,
    /// A question with an accepted answer.
    pub accepted: bool,
    /// A scheduled prompt (listed only to facilitators): when it opens.
    pub opens_at: Option<i64>,
}

fn unless_hidden(hidden: bool, value: String) -> Option<String> {
    (!hidden).then_some(value)
}

impl From<ThreadSummary> for ThreadSummaryDto {
    fn from(t: ThreadSummary) -> Self {
        Self {
            id: t.id,
            title: t.title,
            kind: t.kind,
            author_username: unless_hidden(t.author_hidden, t.author_username),
            author_display_name: unless_hidden(t.author_hidden, t.author_display_name),
            created_at: t.created_at,
            last_activity_at: t.last_activity_at,
            reply_count: t.reply_count,
            unread: t.unread,
            pinned: t.pinned,
            locked: t.locked,
            closed: t.closed,
            answered: t.answered,
            accepted: t.accepted,
            opens_at: t.opens_at,
        }
    }
}

/// A page of threads, newest activity first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadListDto {
    pub threads: Vec<ThreadSummaryDto>,
    pub page: i64,
    pub has_more: bool,
    pub total: i64,
}

impl From<ThreadList> for ThreadListDto {
    fn from(l: ThreadList) -> Self {
        Self {
            threads: l.threads.into_iter().map(ThreadSummaryDto::from).collect(),
            page: l.page,
            has_more: l.has_more,
            total: l.total,
        }
    }
}

/// A post.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostDto {
    pub id: String,
    pub thread_id: String,
    /// 1 for the opening post.
    pub number: i64,
    /// Null when the author posted anonymously and you may not know who it is.
    pub author_username: Option<String>,
    pub author_display_name: Option<String>,
    /// Written anonymously to peers.
    pub anonymous: bool,
    pub reply_to_id: Option<String>,
    pub reply_to_number: Option<i64>,
    /// Markdown source; empty when deleted.
    pub body: String,
    /// Rendered and sanitized HTML; empty when deleted.
    pub body_html: String,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub deleted: bool,
    /// A moderator hid it: `body` and `body_html` are empty unless you wrote
    /// it or moderate its space.
    pub hidden: bool,
    /// Send it back when editing to avoid overwriting someone else's edit.
    pub version: i64,
    /// New since your last visit.
    pub is_new: bool,
    /// The sum of the votes on an answer.
    pub score: i64,
    /// Your vote: 1, -1 or 0.
    pub my_vote: i64,
    /// The facilitator who endorsed this answer.
    pub endorsed_by: Option<String>,
    /// The question's accepted answer.
    pub accepted: bool,
    /// Reactions given, with whether you gave each.
    pub reactions: Vec<ReactionDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReactionDto {
    /// `helpful`, `insightful`, `thanks`, `celebrate` or `curious`.
    pub kind: String,
    pub emoji: String,
    pub count: i64,
    pub mine: bool,
}

impl From<Post> for PostDto {
    fn from(p: Post) -> Self {
        Self {
            id: p.id,
            thread_id: p.thread_id,
            number: p.number,
            author_username: unless_hidden(p.author_hidden, p.author_username),
            author_display_name: unless_hidden(p.author_hidden, p.author_display_name),
            anonymous: p.anonymous,
            reply_to_id: p.reply_to_id,
            reply_to_number: p.reply_to_number,
            body: p.body.to_string(),
            body_html: p.body_html.to_string(),
            created_at: p.created_at,
            edited_at: p.edited_at,
            deleted: p.deleted,
            hidden: p.hidden,
            version: p.version,
            is_new: p.is_new,
            score: p.score,
            my_vote: p.my_vote,
            endorsed_by: p.endorsed_by,
            accepted: p.accepted,
            reactions: p
                .reactions
                .into_iter()
                .map(|r| ReactionDto { kind: r.kind.into(), emoji: r.emoji.into(), count: r.count, mine: r.mine })
                .collect(),
        }
    }
}

/// A thread with one page of its posts.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadDto {
    pub id: String,
    pub space_slug: String,
    pub title: String,
    /// `discussion`, `question` or `talk`.
    pub kind: String,
    /// Null when the author posted anonymously and you may not know who it is.
    pub author_username: Option<String>,
    pub pinned: bool,
    pub locked: bool,
    pub closed: bool,
    pub close_reason: Option<String>,
    /// Seconds a member waits between two posts in this thread; 0: off.
    pub slow_mode_secs: i64,
    /// You see other people's replies only once you have posted your own.
    pub post_first: bool,
    /// Replies hidden from you until you post (post-first mode).
    pub hidden_replies: i64,
    /// A scheduled prompt: when it opens.
    pub opens_at: Option<i64>,
    pub accepted_post_id: Option<String>,
    pub created_at: i64,
    pub last_activity_at: i64,
    pub post_count: i64,
    pub posts: Vec<PostDto>,
    pub page: i64,
    pub pages: i64,
    /// The number of the first post new since your last visit.
    pub first_new: Option<i64>,
    pub new_count: i64,
}

impl From<ThreadPage> for ThreadDto {
    fn from(t: ThreadPage) -> Self {
        Self {
            id: t.thread.id,
            space_slug: t.space.slug,
            title: t.thread.title,
            kind: t.thread.kind,
            author_username: unless_hidden(t.thread.author_hidden, t.thread.author_username),
            pinned: t.thread.pinned,
            locked: t.thread.locked,
            closed: t.thread.closed,
            close_reason: t.thread.close_reason,
            slow_mode_secs: t.thread.slow_mode_secs,
            post_first: t.thread.post_first,
            hidden_replies: t.thread.hidden_replies,
            opens_at: t.thread.opens_at,
            accepted_post_id: t.thread.accepted_post_id,
            created_at: t.thread.created_at,
            last_activity_at: t.thread.last_activity_at,
            post_count: t.thread.post_count,
            posts: t.posts.into_iter().map(PostDto::from).collect(),
            page: t.page,
            pages: t.pages,
            first_new: t.first_new,
            new_count: t.new_count,
        }
    }
}

/// A new post, and where it is.
#[derive(Debug, Serialize, ToSchema)]
pub struct WrittenDto {
    pub thread_id: String,
    pub space_slug: String,
    pub post: PostDto,
}

/// An earlier version of an edited post.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostVersionDto {
    pub version: i64,
    pub body: String,
    pub body_html: String,
    pub written_at: i64,
}

impl From<PostVersion> for PostVersionDto {
    fn from(v: PostVersion) -> Self {
        Self { version: v.version, body: v.body, body_html: v.body_html, written_at: v.written_at }
    }
}

/// A personal API token (the secret is not included).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenDto {
    pub id: String,
    pub name: String,
    /// The first characters of the token, to tell tokens apart.
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

impl From<TokenRow> for TokenDto {
    fn from(t: TokenRow) -> Self {
        Self { id: t.id, name: t.name, prefix: t.prefix, created_at: t.created_at, last_used_at: t.last_used_at }
    }
}

/// A new token; `secret` is shown only now.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedTokenDto {
    pub token: TokenDto,
    pub secret: String,
}

/// One line of recent activity.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityDto {
    pub seq: i64,
    /// `thread`, `reply` or `joined`.
    pub what: String,
    pub at: i64,
    /// Null for an anonymous post whose author you may not know.
    pub actor_username: Option<String>,
    pub actor_display_name: Option<String>,
    pub space_slug: String,
    pub space_name: String,
    pub thread_id: Option<String>,
    pub thread_title: Option<String>,
    pub post_number: Option<i64>,
}

impl From<ActivityItem> for ActivityDto {
    fn from(a: ActivityItem) -> Self {
        Self {
            seq: a.seq,
            what: a.what.into(),
            at: a.at,
            actor_username: unless_hidden(a.actor_hidden, a.actor_username),
            actor_display_name: unless_hidden(a.actor_hidden, a.actor_display_name),
            space_slug: a.space_slug,
            space_name: a.space_name,
            thread_id: a.thread_id,
            thread_title: a.thread_title,
            post_number: a.post_number,
        }
    }
}

/// An account as admins see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminUserDto {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub is_admin: bool,
    pub suspended: bool,
    pub created_at: i64,
}

impl From<AdminUser> for AdminUserDto {
    fn from(u: AdminUser) -> Self {
        Self {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            email: u.email,
            is_admin: u.is_admin,
            suspended: u.suspended,
            created_at: u.created_at,
        }
    }
}

/// Instance settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct InstanceSettingsDto {
    /// `open` or `invite`.
    pub registration: String,
    pub instance_name: String,
}

impl From<InstanceSettings> for InstanceSettingsDto {
    fn from(s: InstanceSettings) -> Self {
        Self { registration: s.registration.as_str().into(), instance_name: s.instance_name }
    }
}

// ---------------------------------------------------------------- request bodies

/// Changes to your profile; leave out what stays.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateMe {
    pub username: Option<String>,
    pub display_name: Option<String>,
    /// An empty string removes the address.
    pub email: Option<String>,
    pub bio: Option<String>,
    /// An empty string follows the browser again.
    pub locale: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateToken {
    pub name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateSpace {
    /// `community` or `team`.
    pub kind: String,
    pub name: String,
    /// Derived from the name when left out.
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// `public`, `members` or `secret`.
    pub visibility: String,
    /// `open`, `request` or `invite`.
    pub join_policy: String,
    /// For a team inside a community: the community's slug.
    #[serde(default)]
    pub parent: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateSpace {
    pub name: Option<String>,
    pub description: Option<String>,
    pub visibility: Option<String>,
    pub join_policy: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangeRole {
    /// `owner`, `facilitator` or `member`.
    pub role: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct JoinRequestBody {
    #[serde(default)]
    pub message: Option<String>,
}

/// Invite a person (`username`) or create an invite link (`link: true`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateInvite {
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub link: bool,
    /// For links: 1 to 90 days (default 7).
    #[serde(default)]
    pub expires_in_days: Option<u32>,
    /// For links: how many people may use it (unlimited when left out).
    #[serde(default)]
    pub max_uses: Option<u32>,
    /// `member` (default) or `facilitator` (owners only).
    #[serde(default)]
    pub role: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateThread {
    pub title: String,
    /// Markdown.
    pub body: String,
    /// `discussion` (default) or `question`.
    #[serde(default)]
    pub kind: Option<String>,
    /// Post anonymously to your peers (where the space allows it).
    #[serde(default)]
    pub anonymous: bool,
    /// Facilitators: schedule this thread as a prompt that opens at this time
    /// (milliseconds since 1970, UTC).
    #[serde(default)]
    pub opens_at: Option<i64>,
    /// Facilitators: post-first mode for this thread (default: the space's rule).
    #[serde(default)]
    pub post_first: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateThread {
    pub title: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreatePost {
    /// Markdown.
    pub body: String,
    /// The post this one answers (same thread).
    #[serde(default)]
    pub reply_to: Option<String>,
    /// Post anonymously to your peers (where the space allows it).
    #[serde(default)]
    pub anonymous: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdatePost {
    pub body: String,
    /// The version you edited; a newer one makes this a 409.
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateUser {
    pub username: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    pub password: String,
    #[serde(default)]
    pub admin: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateUser {
    pub is_admin: Option<bool>,
    pub suspended: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateSettings {
    pub registration: Option<String>,
    pub instance_name: Option<String>,
}

// ---------------------------------------------------------------- query parameters

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// 1-based page number.
    pub page: Option<i64>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ThreadListParams {
    /// 1-based page number.
    pub page: Option<i64>,
    /// `all` (default), `questions`, `unanswered` or `unaccepted`.
    #[param(value_type = Option<String>)]
    pub filter: Option<stoa_core::discussions::Filter>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// How many to return (1 to 500, default 100).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectoryParams {
    /// Words to look for in names and descriptions.
    pub q: Option<String>,
    /// `community` or `team`.
    pub kind: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserListParams {
    pub q: Option<String>,
    pub page: Option<i64>,
}

/// A vote on an answer.
#[derive(Debug, Deserialize, ToSchema)]
pub struct VoteBody {
    /// 1 (up), -1 (down) or 0 (take your vote back).
    pub value: i64,
}

/// An answer's votes after yours.
#[derive(Debug, Serialize, ToSchema)]
pub struct VotesDto {
    pub score: i64,
    pub my_vote: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AcceptBody {
    /// The answer to accept; null takes the acceptance back.
    pub post_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EndorseBody {
    pub endorsed: bool,
}

/// Changes to a thread's state; what is left out stays as it is.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ThreadStateBody {
    #[serde(default)]
    pub pinned: Option<bool>,
    #[serde(default)]
    pub locked: Option<bool>,
    /// Closing needs `close_reason`.
    #[serde(default)]
    pub closed: Option<bool>,
    #[serde(default)]
    pub close_reason: Option<String>,
    /// 0 turns slow mode off.
    #[serde(default)]
    pub slow_mode_secs: Option<i64>,
    #[serde(default)]
    pub post_first: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MoveBody {
    /// The address of a space you facilitate.
    pub space: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MovedDto {
    pub space_slug: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SplitBody {
    /// Replies to move; the first (in thread order) opens the new thread.
    pub post_ids: Vec<String>,
    pub title: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SplitDto {
    pub thread_id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MergeBody {
    /// The thread (id) that takes this one's posts.
    pub into: String,
}

/// A space's discussion rules.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RulesDto {
    /// Members may post anonymously to their peers; facilitators still see who.
    pub allow_anonymous: bool,
    /// Seconds a member waits between two posts anywhere in the space; 0: off.
    pub slow_mode_secs: i64,
    /// New threads start in post-first mode.
    pub post_first: bool,
}

// ---------------------------------------------------------------- team sets

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateTeamSet {
    pub name: String,
    /// `auto` (formed now, at random, balanced) or `choose` (members pick).
    pub mode: String,
    /// `auto`: people per team; `choose`: the most a team takes.
    pub size: i64,
    /// `choose`: how many teams to open.
    #[serde(default)]
    pub teams: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamMemberDto {
    pub username: String,
    pub display_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamDto {
    pub slug: String,
    pub name: String,
    /// Empty for a team you may not see into (sets members choose from list
    /// every team, but not who is in it).
    pub members: Vec<TeamMemberDto>,
    pub member_count: i64,
    /// You are in it.
    pub mine: bool,
    /// It still has room (sets members choose from).
    pub open: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamSetDto {
    pub id: String,
    pub name: String,
    pub mode: String,
    pub size: i64,
    pub created_at: i64,
    pub teams: Vec<TeamDto>,
    /// You may pick (or switch) a team in it.
    pub can_choose: bool,
}

impl From<stoa_core::teams::TeamSet> for TeamSetDto {
    fn from(s: stoa_core::teams::TeamSet) -> Self {
        Self {
            id: s.id,
            name: s.name,
            mode: s.mode,
            size: s.size,
            created_at: s.created_at,
            can_choose: s.can_choose,
            teams: s
                .teams
                .into_iter()
                .map(|t| TeamDto {
                    slug: t.slug,
                    name: t.name,
                    members: t
                        .members
                        .into_iter()
                        .map(|(username, display_name)| TeamMemberDto { username, display_name })
                        .collect(),
                    member_count: t.member_count,
                    mine: t.mine,
                    open: t.open,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedDto {
    pub id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChooseTeam {
    /// The team's address.
    pub team: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ScopeBody {
    /// The teams' addresses; empty lifts the scope.
    pub teams: Vec<String>,
}

// ---------------------------------------------------------------- assignments

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CriterionDto {
    pub name: String,
    /// Score levels, lowest first (2 to 10).
    pub levels: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateAssignment {
    pub title: String,
    /// Markdown instructions.
    pub body: String,
    /// When it opens (default: now).
    #[serde(default)]
    pub opens_at: Option<i64>,
    pub due_at: i64,
    /// `space`, `people` or `teams`.
    pub audience: String,
    /// For `people`: usernames.
    #[serde(default)]
    pub people: Vec<String>,
    /// For `teams`: the team set's id.
    #[serde(default)]
    pub team_set: Option<String>,
    /// For `teams`: one submission per team.
    #[serde(default)]
    pub per_team: bool,
    /// Peer reviewers per submission (0: no peer review).
    #[serde(default)]
    pub reviewers: i64,
    /// Authors do not see who reviewed them, reviewers do not see whom they review.
    #[serde(default)]
    pub anonymous_reviews: bool,
    #[serde(default)]
    pub rubric: Vec<CriterionDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionDto {
    pub id: String,
    /// Empty when you review anonymously.
    pub author_username: String,
    pub team_name: Option<String>,
    pub body: String,
    pub body_html: String,
    pub submitted_at: i64,
    pub updated_at: i64,
    pub late: bool,
}

impl From<stoa_core::assignments::Submission> for SubmissionDto {
    fn from(s: stoa_core::assignments::Submission) -> Self {
        Self {
            id: s.id,
            author_username: s.author_username,
            team_name: s.team_name,
            body: s.body,
            body_html: s.body_html,
            submitted_at: s.submitted_at,
            updated_at: s.updated_at,
            late: s.late,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ScoreDto {
    /// Index into the criterion's levels.
    pub level: usize,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewDto {
    pub id: String,
    pub submission_id: String,
    /// Empty when reviews are anonymous to you.
    pub reviewer_username: String,
    pub scores: Vec<ScoreDto>,
    pub comment: String,
    /// Null until the reviewer submits it.
    pub submitted_at: Option<i64>,
}

impl From<stoa_core::assignments::ReviewView> for ReviewDto {
    fn from(r: stoa_core::assignments::ReviewView) -> Self {
        Self {
            id: r.id,
            submission_id: r.submission_id,
            reviewer_username: r.reviewer_username,
            scores: r.scores.into_iter().map(|s| ScoreDto { level: s.level, comment: s.comment }).collect(),
            comment: r.comment,
            submitted_at: r.submitted_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackDto {
    pub author_username: String,
    pub body_html: String,
    pub created_at: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BoardRowDto {
    pub name: String,
    pub username: Option<String>,
    /// `submitted`, `late`, `missing` or `pending`.
    pub status: String,
    pub submission: Option<SubmissionDto>,
    pub reviews: Vec<ReviewDto>,
    pub feedback: Vec<FeedbackDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewTaskDto {
    pub review: ReviewDto,
    pub submission: SubmissionDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentDto {
    pub id: String,
    pub space_slug: String,
    pub title: String,
    pub body: String,
    pub body_html: String,
    pub opens_at: i64,
    pub due_at: i64,
    pub audience: String,
    pub per_team: bool,
    pub reviewers: i64,
    pub anonymous_reviews: bool,
    pub rubric: Vec<CriterionDto>,
    pub reviews_allocated: bool,
    /// You are asked to submit.
    pub assigned: bool,
    /// Your (or your team's) submission.
    pub mine: Option<SubmissionDto>,
    pub my_feedback: Vec<FeedbackDto>,
    /// Reviews of your work.
    pub reviews_of_mine: Vec<ReviewDto>,
    /// Reviews you are to write.
    pub to_review: Vec<ReviewTaskDto>,
    /// For facilitators: everyone's status.
    pub board: Vec<BoardRowDto>,
}

fn feedback(c: stoa_core::rows::CommentRow) -> FeedbackDto {
    FeedbackDto { author_username: c.author_username, body_html: c.body_html, created_at: c.created_at }
}

impl From<stoa_core::assignments::AssignmentPage> for AssignmentDto {
    fn from(a: stoa_core::assignments::AssignmentPage) -> Self {
        Self {
            id: a.id,
            space_slug: a.space.slug,
            title: a.title,
            body: a.body,
            body_html: a.body_html,
            opens_at: a.opens_at,
            due_at: a.due_at,
            audience: a.audience,
            per_team: a.per_team,
            reviewers: a.reviewers,
            anonymous_reviews: a.anonymous_reviews,
            rubric: a.rubric.into_iter().map(|c| CriterionDto { name: c.name, levels: c.levels }).collect(),
            reviews_allocated: a.reviews_allocated,
            assigned: a.assigned,
            mine: a.mine.map(SubmissionDto::from),
            my_feedback: a.my_comments.into_iter().map(feedback).collect(),
            reviews_of_mine: a.reviews_of_mine.into_iter().map(ReviewDto::from).collect(),
            to_review: a
                .to_review
                .into_iter()
                .map(|t| ReviewTaskDto { review: t.review.into(), submission: t.submission.into() })
                .collect(),
            board: a
                .board
                .into_iter()
                .map(|r| BoardRowDto {
                    name: r.name,
                    username: r.username,
                    status: r.status.into(),
                    submission: r.submission.map(SubmissionDto::from),
                    reviews: r.reviews.into_iter().map(ReviewDto::from).collect(),
                    feedback: r.comments.into_iter().map(feedback).collect(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentSummaryDto {
    pub id: String,
    pub title: String,
    pub opens_at: i64,
    pub due_at: i64,
    pub open: bool,
    pub assigned: bool,
    pub submitted_at: Option<i64>,
    pub reviews_to_write: usize,
}

impl From<stoa_core::assignments::AssignmentSummary> for AssignmentSummaryDto {
    fn from(a: stoa_core::assignments::AssignmentSummary) -> Self {
        Self {
            id: a.id,
            title: a.title,
            opens_at: a.opens_at,
            due_at: a.due_at,
            open: a.open,
            assigned: a.assigned,
            submitted_at: a.submitted_at,
            reviews_to_write: a.reviews_to_write,
        }
    }
}

/// Changes to an assignment; what is left out stays. The audience cannot
/// change; the rubric and reviewers cannot once reviews began.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UpdateAssignment {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub opens_at: Option<i64>,
    #[serde(default)]
    pub due_at: Option<i64>,
    #[serde(default)]
    pub reviewers: Option<i64>,
    #[serde(default)]
    pub anonymous_reviews: Option<bool>,
    #[serde(default)]
    pub rubric: Option<Vec<CriterionDto>>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SubmitWork {
    /// Markdown; attach files with the upload API and link them.
    pub body: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SubmitReview {
    /// One per rubric criterion, in order.
    pub scores: Vec<ScoreDto>,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReassignReview {
    pub username: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FeedbackBody {
    pub body: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AllocatedDto {
    pub reviews: usize,
}

// ---------------------------------------------------------------- quests

#[derive(Debug, Deserialize, ToSchema)]
pub struct SourceBody {
    /// `library` (give `library_item`), `link` (give `url`) or `angle`.
    pub kind: String,
    #[serde(default)]
    pub library_item: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub title: String,
}

impl From<SourceBody> for stoa_core::quests::SourceInput {
    fn from(s: SourceBody) -> Self {
        Self { kind: s.kind, library_item: s.library_item, url: s.url, title: s.title }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateQuest {
    pub question: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub sources: Vec<SourceBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestSummaryDto {
    pub id: String,
    pub question: String,
    pub created_at: i64,
    pub source_count: i64,
    pub finding_count: i64,
    /// The wiki page its findings were distilled into.
    pub wiki_slug: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SourceDto {
    pub id: String,
    /// `library`, `link` or `angle`.
    pub kind: String,
    pub title: String,
    pub href: Option<String>,
    pub claimed_by: Option<String>,
    pub finding_count: i64,
    pub covered: bool,
    pub mine: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FindingDto {
    pub id: String,
    pub source_id: Option<String>,
    pub author_username: String,
    pub body: String,
    pub body_html: String,
    pub created_at: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestDto {
    pub id: String,
    pub space_slug: String,
    pub question: String,
    pub body_html: String,
    pub created_at: i64,
    pub sources: Vec<SourceDto>,
    pub findings: Vec<FindingDto>,
    pub covered: usize,
    pub open: usize,
    pub wiki_slug: Option<String>,
}

impl From<stoa_core::quests::QuestPage> for QuestDto {
    fn from(q: stoa_core::quests::QuestPage) -> Self {
        Self {
            id: q.id,
            space_slug: q.space.slug,
            question: q.question,
            body_html: q.body_html,
            created_at: q.created_at,
            sources: q
                .sources
                .into_iter()
                .map(|s| SourceDto {
                    id: s.row.id,
                    kind: s.row.kind,
                    title: s.row.title,
                    href: s.href,
                    claimed_by: s.row.claimed_by_name,
                    finding_count: s.row.finding_count,
                    covered: s.covered,
                    mine: s.mine,
                })
                .collect(),
            findings: q
                .findings
                .into_iter()
                .map(|f| FindingDto {
                    id: f.id,
                    source_id: f.source_id,
                    author_username: f.author_username,
                    body: f.body,
                    body_html: f.body_html,
                    created_at: f.created_at,
                })
                .collect(),
            covered: q.covered,
            open: q.open,
            wiki_slug: q.wiki_slug,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ClaimBody {
    pub claimed: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FindingBody {
    /// The source or angle it is about; none for the quest as a whole.
    #[serde(default)]
    pub source_id: Option<String>,
    pub body: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DistillBody {
    /// The new wiki page's title.
    pub title: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PageAddressDto {
    pub slug: String,
}

// ---------------------------------------------------------------- health

#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipationDto {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub posts: i64,
    pub answers: i64,
    pub accepted: i64,
    pub submissions: i64,
    pub reviews_given: i64,
    pub last_post_at: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnansweredDto {
    pub thread_id: String,
    pub title: String,
    pub asked_at: i64,
    pub age_ms: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EdgeDto {
    pub from: String,
    pub to: String,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuietDto {
    pub username: String,
    pub display_name: String,
    pub last_post_at: Option<i64>,
}

/// A space's community health (see the health page for what each figure counts).
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthDto {
    pub unanswered: Vec<UnansweredDto>,
    pub answered_questions: usize,
    pub median_first_answer_ms: Option<i64>,
    pub mean_first_answer_ms: Option<i64>,
    pub participation: Vec<ParticipationDto>,
    pub reply_network: Vec<EdgeDto>,
    /// Posts per week over the last twelve weeks, oldest first.
    pub weekly_posts: Vec<i64>,
    pub gone_quiet: Vec<QuietDto>,
    pub never_posted: Vec<QuietDto>,
}

impl From<stoa_core::health::Health> for HealthDto {
    fn from(h: stoa_core::health::Health) -> Self {
        let quiet = |q: stoa_core::health::Quiet| QuietDto {
            username: q.username,
            display_name: q.display_name,
            last_post_at: q.last_post_at,
        };
        Self {
            unanswered: h
                .unanswered
                .into_iter()
                .map(|u| UnansweredDto {
                    thread_id: u.thread_id,
                    title: u.title,
                    asked_at: u.asked_at,
                    age_ms: u.age_ms,
                })
                .collect(),
            answered_questions: h.first_answer.answered,
            median_first_answer_ms: h.first_answer.median_ms,
            mean_first_answer_ms: h.first_answer.mean_ms,
            participation: h
                .participation
                .into_iter()
                .map(|p| ParticipationDto {
                    username: p.username,
                    display_name: p.display_name,
                    role: p.role.as_str().into(),
                    posts: p.posts,
                    answers: p.answers,
                    accepted: p.accepted,
                    submissions: p.submissions,
                    reviews_given: p.reviews_given,
                    last_post_at: p.last_post_at,
                })
                .collect(),
            reply_network: h.network.into_iter().map(|e| EdgeDto { from: e.from, to: e.to, count: e.count }).collect(),
            weekly_posts: h.activity,
            gone_quiet: h.gone_quiet.into_iter().map(quiet).collect(),
            never_posted: h.never_posted.into_iter().map(quiet).collect(),
        }
    }
}

/// Your skills and interests: up to ten tags each.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ExpertiseBody {
    #[serde(default)]
    pub skills: Vec<String>,
    #[serde(default)]
    pub interests: Vec<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleParams {
    /// People who know about this tag.
    pub skill: Option<String>,
    /// People who want to learn this tag.
    pub interest: Option<String>,
    /// Part of a name.
    pub q: Option<String>,
    pub page: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonDto {
    pub username: String,
    pub display_name: String,
    pub headline: String,
    pub skills: Vec<String>,
    pub interests: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PeopleDto {
    pub people: Vec<PersonDto>,
    pub has_more: bool,
}

/// A page of your home feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedDto {
    pub items: Vec<ActivityDto>,
    /// Pass as `before` for the next, older page; null at the end.
    pub next_before: Option<i64>,
}

impl From<stoa_core::feed::FeedPage> for FeedDto {
    fn from(f: stoa_core::feed::FeedPage) -> Self {
        Self { items: f.items.into_iter().map(ActivityDto::from).collect(), next_before: f.next_before }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BeforeParams {
    /// Only what is older than this position (from `next_before`).
    pub before: Option<i64>,
    /// How many to return (1 to 100, default 30).
    pub limit: Option<i64>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TagParams {
    pub page: Option<i64>,
}

/// Something carrying a tag.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaggedDto {
    /// `post` (a thread's opening post), `reply` or `wiki`.
    pub kind: String,
    pub title: String,
    /// Where it is on the site.
    pub path: String,
    pub space_slug: String,
    /// Null for an anonymous post whose author you may not know.
    pub author_username: Option<String>,
    pub at: i64,
}

/// A person who knows about a tag.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExpertDto {
    pub username: String,
    pub display_name: String,
    pub accepted_answers: i64,
    pub wiki_edits: i64,
}

/// A tag: what carries it that you may read, and who knows about it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TagDto {
    pub tag: String,
    pub items: Vec<TaggedDto>,
    pub has_more: bool,
    pub experts: Vec<ExpertDto>,
    pub following: bool,
}

impl From<stoa_core::feed::TagPage> for TagDto {
    fn from(t: stoa_core::feed::TagPage) -> Self {
        Self {
            tag: t.tag,
            items: t
                .items
                .into_iter()
                .map(|i| TaggedDto {
                    kind: i.kind,
                    title: i.title,
                    path: i.path,
                    space_slug: i.space_slug,
                    author_username: Some(i.author_username).filter(|u| !u.is_empty()),
                    at: i.at,
                })
                .collect(),
            has_more: t.has_more,
            experts: t
                .experts
                .into_iter()
                .map(|e| ExpertDto {
                    username: e.username,
                    display_name: e.display_name,
                    accepted_answers: e.accepted_answers,
                    wiki_edits: e.wiki_edits,
                })
                .collect(),
            following: t.following,
        }
    }
}

/// Something you follow.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowedDto {
    /// `person`, `space`, `thread` or `tag`.
    pub kind: String,
    /// A username, space slug, thread id or tag: what `PUT /me/follows/{kind}/{target}` takes.
    pub target: String,
    pub label: String,
    pub path: String,
}

impl From<stoa_core::social::Followed> for FollowedDto {
    fn from(f: stoa_core::social::Followed) -> Self {
        Self { kind: f.kind.into(), target: f.target, label: f.label, path: f.path }
    }
}

/// A person, briefly.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonRefDto {
    pub username: String,
    pub display_name: String,
}

/// A notification.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationDto {
    pub id: String,
    /// `mention`, `reply`, `accepted`, `review`, `invitation`, `join_request`,
    /// `thread` (a reply in a thread you follow) or `space` (something new in
    /// a space you follow).
    pub kind: String,
    /// Null when the person wrote anonymously.
    pub actor_username: Option<String>,
    pub title: String,
    pub space_name: String,
    pub at: i64,
    pub read: bool,
    /// Opens it (marks it read and redirects to what it is about).
    pub open_path: String,
}

/// A page of your notifications.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationsDto {
    pub items: Vec<NotificationDto>,
    pub unread: i64,
    /// Pass as `before` for older ones; null at the end.
    pub next_before: Option<i64>,
}

impl From<stoa_core::notifications::NotificationPage> for NotificationsDto {
    fn from(p: stoa_core::notifications::NotificationPage) -> Self {
        Self {
            items: p
                .items
                .into_iter()
                .map(|n| NotificationDto {
                    open_path: format!("/n/{}", n.id),
                    id: n.id,
                    kind: n.kind,
                    actor_username: Some(n.actor_username).filter(|u| !u.is_empty()),
                    title: n.title,
                    space_name: n.space_name,
                    at: n.at,
                    read: n.read,
                })
                .collect(),
            unread: p.unread,
            next_before: p.next_before,
        }
    }
}

/// Which notifications to mark read; all when `ids` is left out.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MarkReadBody {
    pub ids: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MarkedDto {
    pub marked: u64,
}

/// How each kind of notification reaches you, and how often the digest comes.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NotificationSettingsDto {
    /// Kind → `app`, `email`, `digest` or `off`. On update, kinds left out keep theirs.
    pub kinds: std::collections::BTreeMap<String, String>,
    /// `daily`, `weekly` or `never`; on update, left out keeps it.
    pub digest: Option<String>,
    /// Whether email can be sent at all (you have an address and mail is set up). Ignored on update.
    #[serde(default)]
    pub email_possible: bool,
}

impl From<stoa_core::notifications::Preferences> for NotificationSettingsDto {
    fn from(p: stoa_core::notifications::Preferences) -> Self {
        Self { kinds: p.kinds.into_iter().collect(), digest: Some(p.digest), email_possible: p.email_possible }
    }
}

/// A blog post.
#[derive(Debug, Serialize, ToSchema)]
pub struct BlogPostDto {
    pub id: String,
    pub slug: String,
    pub title: String,
    /// Markdown, and the HTML made from it.
    pub body: String,
    pub body_html: String,
    pub author_display_name: String,
    /// Null for a draft.
    pub published_at: Option<i64>,
    pub updated_at: i64,
    pub cover_file_id: Option<String>,
    /// The sound file of a podcast episode, and where it is served.
    pub audio_file_id: Option<String>,
    pub audio_url: Option<String>,
    pub audio_type: Option<String>,
    pub audio_bytes: Option<i64>,
    /// The comments thread (once published).
    pub comments_url: Option<String>,
}

impl From<stoa_core::blogs::BlogPost> for BlogPostDto {
    fn from(p: stoa_core::blogs::BlogPost) -> Self {
        Self {
            id: p.id,
            slug: p.slug,
            title: p.title,
            body: p.body,
            body_html: p.body_html,
            author_display_name: p.author_display_name,
            published_at: p.published_at,
            updated_at: p.updated_at,
            cover_file_id: p.cover_file_id,
            audio_file_id: p.audio.as_ref().map(|a| a.file_id.clone()),
            audio_url: p.audio.as_ref().map(|a| a.path.clone()),
            audio_type: p.audio.as_ref().map(|a| a.content_type.clone()),
            audio_bytes: p.audio.as_ref().map(|a| a.size),
            comments_url: p.comments_path,
        }
    }
}

/// A space's blog: drafts are listed only for its writers.
#[derive(Debug, Serialize, ToSchema)]
pub struct BlogDto {
    pub posts: Vec<BlogPostDto>,
    pub may_write: bool,
}

/// A blog post as written. Files are uploaded first (`POST /spaces/{slug}/files`)
/// and named by id.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BlogPostBody {
    pub title: String,
    pub body: String,
    /// Publish now (or keep published); otherwise a draft.
    #[serde(default)]
    pub publish: bool,
    pub cover_file_id: Option<String>,
    pub audio_file_id: Option<String>,
    /// On update: take the cover or the sound file off.
    #[serde(default)]
    pub remove_cover: bool,
    #[serde(default)]
    pub remove_audio: bool,
}

impl From<BlogPostBody> for stoa_core::blogs::BlogInput {
    fn from(b: BlogPostBody) -> Self {
        Self {
            title: b.title,
            body: b.body,
            publish: b.publish,
            cover_file_id: b.cover_file_id,
            audio_file_id: b.audio_file_id,
            remove_cover: b.remove_cover,
            remove_audio: b.remove_audio,
        }
    }
}

/// Someone in a conversation.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberRefDto {
    pub username: String,
    pub display_name: String,
}

/// A conversation in your inbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationSummaryDto {
    pub id: String,
    /// Everyone but you.
    pub others: Vec<MemberRefDto>,
    pub last_message_at: i64,
    pub last_message: String,
    pub unread: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageDto {
    pub id: String,
    pub author_username: String,
    pub body_html: String,
    pub created_at: i64,
}

/// A conversation and its latest messages (oldest first).
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationDto {
    pub id: String,
    pub others: Vec<MemberRefDto>,
    pub messages: Vec<MessageDto>,
    /// Pass as `before` for older messages; null when there are none.
    pub older_before: Option<i64>,
    /// False when a block stands between you and someone here.
    pub may_write: bool,
}

fn member_refs(members: Vec<stoa_core::messages::Member>) -> Vec<MemberRefDto> {
    members.into_iter().map(|m| MemberRefDto { username: m.username, display_name: m.display_name }).collect()
}

impl From<stoa_core::messages::ConversationSummary> for ConversationSummaryDto {
    fn from(c: stoa_core::messages::ConversationSummary) -> Self {
        Self {
            id: c.id,
            others: member_refs(c.others),
            last_message_at: c.last_message_at,
            last_message: c.last_message,
            unread: c.unread,
        }
    }
}

impl From<stoa_core::messages::Conversation> for ConversationDto {
    fn from(c: stoa_core::messages::Conversation) -> Self {
        Self {
            id: c.id,
            others: member_refs(c.others),
            messages: c
                .messages
                .into_iter()
                .map(|m| MessageDto {
                    id: m.id,
                    author_username: m.author_username,
                    body_html: m.body_html,
                    created_at: m.created_at,
                })
                .collect(),
            older_before: c.older_before,
            may_write: c.may_write,
        }
    }
}

/// A first message to one or more people (by username).
#[derive(Debug, Deserialize, ToSchema)]
pub struct StartConversation {
    pub to: Vec<String>,
    pub body: String,
}

/// A message in a conversation.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MessageBody {
    pub body: String,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OlderParams {
    /// Messages written before this time (from `older_before`).
    pub before: Option<i64>,
}

// ---------------------------------------------------------------- moderation

/// A flag on a post.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FlagBody {
    /// `spam`, `abuse`, `off_topic`, `inappropriate` or `other`.
    pub reason: String,
    /// For the moderators; needed when the reason is `other` (at most 1,000 characters).
    #[serde(default)]
    pub note: String,
}

/// A moderator's decision on a post.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionBody {
    /// `hide`, `restore` or `dismiss` (close the flags, leave the post).
    pub decision: String,
    /// Kept in the audit log (at most 1,000 characters).
    #[serde(default)]
    pub note: String,
}

/// A warning to a post's author.
#[derive(Debug, Deserialize, ToSchema)]
pub struct WarnBody {
    /// What the author reads in their notifications (at most 2,000 characters).
    pub message: String,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// Only this space (its slug); by default every space you moderate.
    pub space: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only entries older than this position (from `next_before`).
    pub before: Option<i64>,
}

/// A post as moderators see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModeratedPostDto {
    pub id: String,
    pub thread_id: String,
    pub thread_title: String,
    pub space_slug: String,
    pub number: i64,
    pub author_username: String,
    pub author_display_name: String,
    pub anonymous: bool,
    /// The first words, as plain text.
    pub excerpt: String,
    pub created_at: i64,
    pub deleted: bool,
    pub hidden_at: Option<i64>,
    pub hidden_by: Option<String>,
}

impl From<stoa_core::moderation::ModeratedPost> for ModeratedPostDto {
    fn from(p: stoa_core::moderation::ModeratedPost) -> Self {
        Self {
            id: p.id,
            thread_id: p.thread_id,
            thread_title: p.thread_title,
            space_slug: p.space_slug,
            number: p.number,
            author_username: p.author_username,
            author_display_name: p.author_display_name,
            anonymous: p.anonymous,
            excerpt: p.excerpt,
            created_at: p.created_at,
            deleted: p.deleted,
            hidden_at: p.hidden_at,
            hidden_by: p.hidden_by,
        }
    }
}

/// An open flag.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlagDto {
    pub flagger_username: String,
    pub reason: String,
    pub note: String,
    pub at: i64,
}

/// A post waiting for a decision, with its open flags.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlaggedPostDto {
    pub post: ModeratedPostDto,
    pub flags: Vec<FlagDto>,
}

/// One moderator's or admin's action.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryDto {
    pub seq: i64,
    pub at: i64,
    /// What was done, such as `post.hidden` or `member.removed`.
    pub action: String,
    /// Null when an operator did it at the command line.
    pub actor_username: Option<String>,
    pub space_slug: Option<String>,
    /// `post`, `thread` or `person`.
    pub target_kind: Option<String>,
    /// Where the target is, such as `/p/{id}`.
    pub target_path: Option<String>,
    /// What the action said: a reason, a note, a role, a setting.
    pub details: std::collections::BTreeMap<String, String>,
}

impl From<stoa_core::moderation::AuditEntry> for AuditEntryDto {
    fn from(e: stoa_core::moderation::AuditEntry) -> Self {
        Self {
            seq: e.seq,
            at: e.at,
            action: e.action,
            actor_username: Some(e.actor_username).filter(|u| !u.is_empty()),
            space_slug: e.space_slug,
            target_kind: e.target.as_ref().map(|t| t.kind.to_owned()),
            target_path: e.target.map(|t| t.path),
            details: e.details.into_iter().collect(),
        }
    }
}

/// The moderation queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueDto {
    /// Posts with open flags, the longest-waiting first.
    pub flagged: Vec<FlaggedPostDto>,
    /// Posts hidden now.
    pub hidden: Vec<ModeratedPostDto>,
    /// The newest flags and decisions.
    pub history: Vec<AuditEntryDto>,
}

impl From<stoa_core::moderation::Queue> for QueueDto {
    fn from(q: stoa_core::moderation::Queue) -> Self {
        Self {
            flagged: q
                .flagged
                .into_iter()
                .map(|f| FlaggedPostDto {
                    post: f.post.into(),
                    flags: f
                        .flags
                        .into_iter()
                        .map(|g| FlagDto {
                            flagger_username: g.flagger_username,
                            reason: g.reason,
                            note: g.note,
                            at: g.at,
                        })
                        .collect(),
                })
                .collect(),
            hidden: q.hidden.into_iter().map(ModeratedPostDto::from).collect(),
            history: q.history.into_iter().map(AuditEntryDto::from).collect(),
        }
    }
}

/// A page of the audit log, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPageDto {
    pub entries: Vec<AuditEntryDto>,
    /// Pass as `before` for older entries; null at the end.
    pub next_before: Option<i64>,
}

/// A person's own blog.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StartBlogBody {
    /// Its name; by default "<your display name>'s blog".
    #[serde(default)]
    pub name: Option<String>,
}

/// Where a blog lives.
#[derive(Debug, Serialize, ToSchema)]
pub struct BlogSpaceDto {
    /// The space whose blog it is: `/spaces/{slug}/blog`.
    pub slug: String,
}

// ---------------------------------------------------------------- chat

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChatPageParams {
    /// Messages written before this one (from `older_before`).
    pub before: Option<String>,
}

/// A chat message.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChatBodyDto {
    /// Markdown, 1 to 4,000 characters.
    pub body: String,
}

/// A chat message as you see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChatMessageDto {
    pub id: String,
    pub author_username: String,
    pub author_display_name: String,
    /// The Markdown source; empty once deleted.
    pub body: String,
    /// Sanitized HTML; empty once deleted.
    pub body_html: String,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub deleted: bool,
    /// You wrote it (and may edit it).
    pub mine: bool,
    /// You may delete it.
    pub may_delete: bool,
}

impl From<stoa_core::chat::Message> for ChatMessageDto {
    fn from(m: stoa_core::chat::Message) -> Self {
        Self {
            id: m.id,
            author_username: m.author_username,
            author_display_name: m.author_display_name,
            body: m.body,
            body_html: m.body_html,
            created_at: m.created_at,
            edited_at: m.edited_at,
            deleted: m.deleted,
            mine: m.mine,
            may_delete: m.may_delete,
        }
    }
}

/// A page of a space's chat.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChatDto {
    /// Oldest first.
    pub messages: Vec<ChatMessageDto>,
    /// Pass as `before` for the page before; null at the start.
    pub older_before: Option<String>,
    /// The `/live` topic that carries what comes next.
    pub topic: String,
    /// Subscribe to `topic` with this as `since` to miss nothing.
    pub seq: i64,
}

impl From<stoa_core::chat::Chat> for ChatDto {
    fn from(c: stoa_core::chat::Chat) -> Self {
        Self {
            messages: c.messages.into_iter().map(ChatMessageDto::from).collect(),
            older_before: c.older_before,
            topic: c.topic,
            seq: c.seq,
        }
    }
}

/// Who has a chat open now.
#[derive(Debug, Serialize, ToSchema)]
pub struct PresenceDto {
    /// The first few, longest present first.
    pub people: Vec<MemberRefDto>,
    /// How many in all.
    pub count: i64,
}

impl From<stoa_core::chat::Presence> for PresenceDto {
    fn from(p: stoa_core::chat::Presence) -> Self {
        Self {
            people: p
                .people
                .into_iter()
                .map(|p| MemberRefDto { username: p.username, display_name: p.display_name })
                .collect(),
            count: p.count,
        }
    }
}

// ---------------------------------------------------------------- co-editing

/// A page's live text.
#[derive(Debug, Serialize, ToSchema)]
pub struct LiveTextDto {
    /// Null when nobody has opened the page live yet.
    pub text: Option<String>,
}

/// Saving the live text as a revision.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LiveVersion {
    /// What changed, for the history (may be empty).
    #[serde(default)]
    pub summary: String,
}

// ---------------------------------------------------------------- events

/// An event (a scheduled live session) in a space.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventDto {
    pub id: String,
    pub space_slug: String,
    pub title: String,
    /// Markdown as written, and rendered (sanitized).
    pub description: String,
    pub description_html: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub duration_minutes: i64,
    pub place: Option<String>,
    pub link: Option<String>,
    /// `upcoming`, `live` (from 15 minutes before the start to the end),
    /// `ended` or `cancelled`.
    pub status: String,
    /// The username of whoever scheduled it.
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// Raised by every change (the iCalendar `SEQUENCE`).
    pub revision: i64,
    pub cancelled_at: Option<i64>,
    /// How many said `yes`, and `maybe`.
    pub going: i64,
    pub maybe: i64,
    /// Your answer: `yes`, `maybe`, `no`, or none.
    pub my_answer: Option<String>,
    /// The wiki page the notes became, if they did.
    pub notes_page_slug: Option<String>,
}

impl EventDto {
    pub fn of(e: stoa_core::calendar::EventSummary, space_slug: &str) -> Self {
        let r = e.row;
        Self {
            id: r.id,
            space_slug: space_slug.to_owned(),
            title: r.title,
            description: r.description,
            description_html: r.description_html,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            duration_minutes: (r.ends_at - r.starts_at) / 60_000,
            place: r.place,
            link: r.link,
            status: e.status.as_str().to_owned(),
            created_by: r.creator_username,
            created_at: r.created_at,
            updated_at: r.updated_at,
            revision: r.revision,
            cancelled_at: r.cancelled_at,
            going: r.going,
            maybe: r.maybe,
            my_answer: e.my_answer,
            notes_page_slug: r.notes_page_slug,
        }
    }
}

/// A space's events: all to come (and under way), and a page of past ones.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventListDto {
    pub upcoming: Vec<EventDto>,
    pub past: Vec<EventDto>,
    pub past_page: i64,
    pub more_past: bool,
}

impl From<stoa_core::calendar::EventList> for EventListDto {
    fn from(l: stoa_core::calendar::EventList) -> Self {
        let slug = l.space.slug.clone();
        Self {
            upcoming: l.upcoming.into_iter().map(|e| EventDto::of(e, &slug)).collect(),
            past: l.past.into_iter().map(|e| EventDto::of(e, &slug)).collect(),
            past_page: l.past_page,
            more_past: l.more_past,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttendeeDto {
    pub username: String,
    pub display_name: String,
    /// `yes`, `maybe` or `no`.
    pub answer: String,
}

/// An event with who answered and its shared notes.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventDetailDto {
    pub event: EventDto,
    pub attendees: Vec<AttendeeDto>,
    /// The shared notes as they stand (Markdown), and rendered.
    pub notes: String,
    pub notes_html: String,
}

impl From<stoa_core::calendar::EventPage> for EventDetailDto {
    fn from(p: stoa_core::calendar::EventPage) -> Self {
        Self {
            event: EventDto::of(p.event, &p.space.slug),
            attendees: p
                .attendees
                .into_iter()
                .map(|a| AttendeeDto { username: a.username, display_name: a.display_name, answer: a.answer })
                .collect(),
            notes: p.notes,
            notes_html: p.notes_html,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventListParams {
    /// The page of past events (from 1).
    pub past_page: Option<i64>,
}

/// An event to schedule. Times are Unix milliseconds.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateEvent {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub starts_at: Option<i64>,
    /// 1 to 10,080 (a week).
    pub duration_minutes: Option<i64>,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub link: String,
}

/// Changes to an event; what is left out stays as it is (an empty `place`
/// or `link` removes it).
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateEvent {
    pub title: Option<String>,
    pub description: Option<String>,
    pub starts_at: Option<i64>,
    pub duration_minutes: Option<i64>,
    pub place: Option<String>,
    pub link: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AnswerBody {
    /// `yes`, `maybe` or `no`.
    pub answer: String,
}

/// An event's shared notes (Markdown), and rendered.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotesDto {
    pub text: String,
    pub html: String,
}

/// New notes, written from `base` (the text they were read as): what others
/// wrote meanwhile is merged in; overlapping changes are refused with 409.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NotesBody {
    pub base: String,
    pub text: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PublishNotesBody {
    /// The wiki page's title; "Notes: {event title}" when empty.
    #[serde(default)]
    pub title: String,
}

/// A wiki page that was written.
#[derive(Debug, Serialize, ToSchema)]
pub struct WikiPageRefDto {
    pub space_slug: String,
    pub slug: String,
}

/// Your calendar's address: it reads your events without signing in, so
/// keep it private.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarAddressDto {
    /// The key in the address (also accepted as `?key=` on a space's feed).
    pub key: String,
    /// The address on this site: `/calendar/{key}.ics`.
    pub path: String,
}
