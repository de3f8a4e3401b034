//! The permission policy: the one place that decides who may do what in a space.
//!
//! Every read and write in `core` asks [`can`] before it touches the store, and
//! every list query is filtered with the same facts. The policy is deny by
//! default: an action is allowed only by a rule below that names it.
//!
//! Vocabulary:
//! - A **viewer** is whoever is asking: anonymous, a signed-in person, or an
//!   instance admin, with their own role in the space if they are a member.
//! - The **effective role** adds what a viewer inherits: the owner or a
//!   facilitator of a community has the same role in the teams inside it.
//! - A **denial** says how to refuse. A viewer who may not know the space
//!   exists gets [`Denial::NotFound`], never a hint that it does.

use crate::space::{JoinPolicy, Role, Visibility};

/// Who is asking, as far as one space is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    /// Whether the request carries a signed-in person at all.
    pub signed_in: bool,
    /// Instance admins may see and run every space, but post only where they belong.
    pub is_admin: bool,
    /// The viewer's own membership role in this space, if any.
    pub role: Option<Role>,
}

impl Viewer {
    /// Someone who is not signed in.
    pub const ANONYMOUS: Viewer = Viewer { signed_in: false, is_admin: false, role: None };
}

/// What the policy needs to know about a team's community.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParentFacts {
    pub visibility: Visibility,
    /// The viewer's role in the community.
    pub viewer_role: Option<Role>,
}

/// What the policy needs to know about a space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpaceFacts {
    pub visibility: Visibility,
    pub join_policy: JoinPolicy,
    /// Present for a team inside a community.
    pub parent: Option<ParentFacts>,
}

/// Something a viewer may want to do in a space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Know that the space exists: its name, description and member count.
    View,
    /// Read its threads, posts and member list.
    ReadContent,
    /// Join at once (join policy `open`).
    Join,
    /// Ask to join (join policy `request`).
    RequestJoin,
    /// Give up one's own membership.
    Leave,
    /// Start threads and reply; edit and delete one's own posts.
    Post,
    /// Delete anyone's posts; hide and restore them, decide on flags and
    /// warn their authors.
    ModeratePosts,
    /// Invite people by username or through invite links.
    InviteMembers,
    /// Approve or deny requests to join.
    ReviewJoinRequests,
    /// Change members' roles and remove members.
    ManageMembers,
    /// Change the space's name, description, visibility and join policy.
    EditSettings,
    /// Create a team inside this community.
    CreateTeam,
    /// Look after the knowledge repository: protect wiki pages, mark library
    /// items and collections as suggested, edit or remove anyone's items.
    Curate,
    /// Run the space's discussions and learning activities: pin, lock, close,
    /// move, split and merge threads, set slow and post-first modes, schedule
    /// prompts, endorse answers, see who wrote anonymous posts.
    Facilitate,
}

impl Action {
    /// Every action, in the order the matrix test lists them.
    pub const ALL: [Action; 14] = [
        Action::View,
        Action::ReadContent,
        Action::Join,
        Action::RequestJoin,
        Action::Leave,
        Action::Post,
        Action::ModeratePosts,
        Action::InviteMembers,
        Action::ReviewJoinRequests,
        Action::ManageMembers,
        Action::EditSettings,
        Action::CreateTeam,
        Action::Curate,
        Action::Facilitate,
    ];
}

/// Why an action was refused, which decides what the refused viewer is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    /// The viewer may not know the space exists: answer exactly as for a space
    /// that does not exist.
    NotFound,
    /// The viewer may see the space and might be allowed after signing in.
    SignInRequired,
    /// The viewer may see the space but not do this.
    Forbidden,
}

/// The policy's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny(Denial),
}

impl Decision {
    pub fn is_allowed(self) -> bool {
        self == Decision::Allow
    }

    /// `Ok(())` when allowed, the denial otherwise, for use with `?`.
    pub fn into_result(self) -> Result<(), Denial> {
        match self {
            Decision::Allow => Ok(()),
            Decision::Deny(d) => Err(d),
        }
    }
}

/// The viewer's role including what they inherit from the team's community.
pub fn effective_role(viewer: &Viewer, space: &SpaceFacts) -> Option<Role> {
    let inherited = space.parent.and_then(|p| p.viewer_role).filter(|r| r.at_least(Role::Facilitator));
    match (viewer.role, inherited) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

fn can_view(viewer: &Viewer, space: &SpaceFacts) -> bool {
    if viewer.is_admin || effective_role(viewer, space).is_some() {
        return true;
    }
    if let Some(parent) = space.parent {
        // A team is never more visible than its community.
        let parent_visible = parent.viewer_role.is_some() || parent.visibility != Visibility::Secret;
        if !parent_visible {
            return false;
        }
    }
    space.visibility != Visibility::Secret
}

fn can_read(viewer: &Viewer, space: &SpaceFacts) -> bool {
    if viewer.is_admin || effective_role(viewer, space).is_some() {
        return true;
    }
    let parent_readable = space.parent.is_none_or(|p| p.viewer_role.is_some() || p.visibility == Visibility::Public);
    space.visibility == Visibility::Public && parent_readable
}

/// Decides whether `viewer` may do `action` in the space described by `space`.
pub fn can(viewer: &Viewer, space: &SpaceFacts, action: Action) -> Decision {
    let visible = can_view(viewer, space);
    let refuse = || {
        if !visible {
            Decision::Deny(Denial::NotFound)
        } else if !viewer.signed_in {
            Decision::Deny(Denial::SignInRequired)
        } else {
            Decision::Deny(Denial::Forbidden)
        }
    };
    let allow_if = |ok: bool| if ok { Decision::Allow } else { refuse() };
    let role = effective_role(viewer, space);
    let at_least = |wanted: Role| role.is_some_and(|r| r.at_least(wanted));
    // Joining a team inside a community requires belonging to the community.
    let may_belong = space.parent.is_none_or(|p| p.viewer_role.is_some());
    let outsider = viewer.signed_in && viewer.role.is_none();

    match action {
        Action::View => allow_if(visible),
        Action::ReadContent => allow_if(can_read(viewer, space)),
        Action::Join => allow_if(visible && outsider && may_belong && space.join_policy == JoinPolicy::Open),
        Action::RequestJoin => allow_if(visible && outsider && may_belong && space.join_policy == JoinPolicy::Request),
        Action::Leave => allow_if(viewer.role.is_some()),
        Action::Post => allow_if(role.is_some()),
        Action::ModeratePosts
        | Action::InviteMembers
        | Action::ReviewJoinRequests
        | Action::CreateTeam
        | Action::Curate
        | Action::Facilitate => allow_if(viewer.is_admin || at_least(Role::Facilitator)),
        Action::ManageMembers | Action::EditSettings => allow_if(viewer.is_admin || at_least(Role::Owner)),
    }
}

/// Whether `viewer` may create a space of their own (a community, or a team
/// not inside any community). Any signed-in person may.
pub fn can_create_space(viewer: &Viewer) -> bool {
    viewer.signed_in
}

/// Whether `viewer` may run the instance: users, sign-up policy, settings.
pub fn can_administer_instance(viewer: &Viewer) -> bool {
    viewer.signed_in && viewer.is_admin
}

#[cfg(test)]
mod tests {
    //! The policy matrix. Each row is written out by hand from the product
    //! rules, not computed, so a change to the policy that alters who may do
    //! what fails here and has to be made on purpose.
    //!
    //! Columns follow [`Action::ALL`]:
    //! View, Read, Join, Request, Leave, Post, Moderate, Invite, Review, Manage, Settings, Team, Curate, Facilitate.
    //! Letters: `A` allow, `F` forbidden, `N` not found, `S` sign in required.

    use super::*;
    use JoinPolicy::*;
    use Visibility::*;

    #[derive(Debug, Clone, Copy)]
    enum Who {
        Anonymous,
        Outsider,
        Member,
        Facilitator,
        Owner,
        Admin,
    }

    fn viewer(who: Who) -> Viewer {
        let signed = |role| Viewer { signed_in: true, is_admin: false, role };
        match who {
            Who::Anonymous => Viewer::ANONYMOUS,
            Who::Outsider => signed(None),
            Who::Member => signed(Some(Role::Member)),
            Who::Facilitator => signed(Some(Role::Facilitator)),
            Who::Owner => signed(Some(Role::Owner)),
            Who::Admin => Viewer { signed_in: true, is_admin: true, role: None },
        }
    }

    fn letter(d: Decision) -> char {
        match d {
            Decision::Allow => 'A',
            Decision::Deny(Denial::Forbidden) => 'F',
            Decision::Deny(Denial::NotFound) => 'N',
            Decision::Deny(Denial::SignInRequired) => 'S',
        }
    }

    fn row(viewer: &Viewer, space: &SpaceFacts) -> String {
        Action::ALL.iter().map(|a| letter(can(viewer, space, *a))).collect()
    }

    const MATRIX: &[(Visibility, JoinPolicy, Who, &str)] = &[
        //                                   VRJQLPMIRMSTCF
        (Public, Open, Who::Anonymous, "AASSSSSSSSSSSS"),
        (Public, Open, Who::Outsider, "AAAFFFFFFFFFFF"),
        (Public, Open, Who::Member, "AAFFAAFFFFFFFF"),
        (Public, Open, Who::Facilitator, "AAFFAAAAAFFAAA"),
        (Public, Open, Who::Owner, "AAFFAAAAAAAAAA"),
        (Public, Open, Who::Admin, "AAAFFFAAAAAAAA"),
        (Public, Request, Who::Anonymous, "AASSSSSSSSSSSS"),
        (Public, Request, Who::Outsider, "AAFAFFFFFFFFFF"),
        (Public, Request, Who::Member, "AAFFAAFFFFFFFF"),
        (Public, Request, Who::Facilitator, "AAFFAAAAAFFAAA"),
        (Public, Request, Who::Owner, "AAFFAAAAAAAAAA"),
        (Public, Request, Who::Admin, "AAFAFFAAAAAAAA"),
        (Public, Invite, Who::Anonymous, "AASSSSSSSSSSSS"),
        (Public, Invite, Who::Outsider, "AAFFFFFFFFFFFF"),
        (Public, Invite, Who::Member, "AAFFAAFFFFFFFF"),
        (Public, Invite, Who::Facilitator, "AAFFAAAAAFFAAA"),
        (Public, Invite, Who::Owner, "AAFFAAAAAAAAAA"),
        (Public, Invite, Who::Admin, "AAFFFFAAAAAAAA"),
        (Members, Open, Who::Anonymous, "ASSSSSSSSSSSSS"),
        (Members, Open, Who::Outsider, "AFAFFFFFFFFFFF"),
        (Members, Open, Who::Member, "AAFFAAFFFFFFFF"),
        (Members, Open, Who::Facilitator, "AAFFAAAAAFFAAA"),
        (Members, Open, Who::Owner, "AAFFAAAAAAAAAA"),
        (Members, Open, Who::Admin, "AAAFFFAAAAAAAA"),
        (Members, Request, Who::Anonymous, "ASSSSSSSSSSSSS"),
        (Members, Request, Who::Outsider, "AFFAFFFFFFFFFF"),
        (Members, Request, Who::Member, "AAFFAAFFFFFFFF"),
        (Members, Request, Who::Facilitator, "AAFFAAAAAFFAAA"),
        (Members, Request, Who::Owner, "AAFFAAAAAAAAAA"),
        (Members, Request, Who::Admin, "AAFAFFAAAAAAAA"),
        (Members, Invite, Who::Anonymous, "ASSSSSSSSSSSSS"),
        (Members, Invite, Who::Outsider, "AFFFFFFFFFFFFF"),
        (Members, Invite, Who::Member, "AAFFAAFFFFFFFF"),
        (Members, Invite, Who::Facilitator, "AAFFAAAAAFFAAA"),
        (Members, Invite, Who::Owner, "AAFFAAAAAAAAAA"),
        (Members, Invite, Who::Admin, "AAFFFFAAAAAAAA"),
        (Secret, Open, Who::Anonymous, "NNNNNNNNNNNNNN"),
        (Secret, Open, Who::Outsider, "NNNNNNNNNNNNNN"),
        (Secret, Open, Who::Member, "AAFFAAFFFFFFFF"),
        (Secret, Open, Who::Facilitator, "AAFFAAAAAFFAAA"),
        (Secret, Open, Who::Owner, "AAFFAAAAAAAAAA"),
        (Secret, Open, Who::Admin, "AAAFFFAAAAAAAA"),
        (Secret, Request, Who::Anonymous, "NNNNNNNNNNNNNN"),
        (Secret, Request, Who::Outsider, "NNNNNNNNNNNNNN"),
        (Secret, Request, Who::Member, "AAFFAAFFFFFFFF"),
        (Secret, Request, Who::Facilitator, "AAFFAAAAAFFAAA"),
        (Secret, Request, Who::Owner, "AAFFAAAAAAAAAA"),
        (Secret, Request, Who::Admin, "AAFAFFAAAAAAAA"),
        (Secret, Invite, Who::Anonymous, "NNNNNNNNNNNNNN"),
        (Secret, Invite, Who::Outsider, "NNNNNNNNNNNNNN"),
        (Secret, Invite, Who::Member, "AAFFAAFFFFFFFF"),
        (Secret, Invite, Who::Facilitator, "AAFFAAAAAFFAAA"),
        (Secret, Invite, Who::Owner, "AAFFAAAAAAAAAA"),
        (Secret, Invite, Who::Admin, "AAFFFFAAAAAAAA"),
    ];

    #[test]
    fn the_matrix_of_visibility_join_policy_role_and_action_holds() {
        let mut failures = Vec::new();
        for (visibility, join_policy, who, expected) in MATRIX {
            let space = SpaceFacts { visibility: *visibility, join_policy: *join_policy, parent: None };
            let got = row(&viewer(*who), &space);
            if got != *expected {
                failures.push(format!("{visibility} {join_policy} {who:?}: expected {expected}, got {got}"));
            }
        }
        assert!(failures.is_empty(), "policy matrix mismatches:\n{}", failures.join("\n"));
    }

    #[test]
    fn the_matrix_covers_every_combination() {
        assert_eq!(MATRIX.len(), Visibility::ALL.len() * JoinPolicy::ALL.len() * 6);
    }

    fn team(
        visibility: Visibility,
        join_policy: JoinPolicy,
        parent: Visibility,
        parent_role: Option<Role>,
    ) -> SpaceFacts {
        SpaceFacts {
            visibility,
            join_policy,
            parent: Some(ParentFacts { visibility: parent, viewer_role: parent_role }),
        }
    }

    #[test]
    fn a_member_of_one_team_cannot_read_another_team() {
        // A community member who belongs to team A, looking at team B.
        let community_member = Viewer { signed_in: true, is_admin: false, role: None };
        let members_team = team(Members, Request, Members, Some(Role::Member));
        assert_eq!(row(&community_member, &members_team), "AFFAFFFFFFFFFF");
        let secret_team = team(Secret, Invite, Members, Some(Role::Member));
        assert_eq!(row(&community_member, &secret_team), "NNNNNNNNNNNNNN");
    }

    #[test]
    fn community_facilitators_and_owners_run_the_teams_inside() {
        let outsider_to_team = Viewer { signed_in: true, is_admin: false, role: None };
        let facilitated = team(Secret, Invite, Members, Some(Role::Facilitator));
        // Inherited roles do not make one a member: no leaving, no joining.
        assert_eq!(row(&outsider_to_team, &facilitated), "AAFFFAAAAFFAAA");
        let owned = team(Secret, Invite, Members, Some(Role::Owner));
        assert_eq!(row(&outsider_to_team, &owned), "AAFFFAAAAAAAAA");
    }

    #[test]
    fn a_team_is_never_more_open_than_its_community() {
        let stranger = Viewer { signed_in: true, is_admin: false, role: None };
        // A public team inside a secret community stays invisible to strangers.
        assert_eq!(row(&stranger, &team(Public, Open, Secret, None)), "NNNNNNNNNNNNNN");
        // Inside a members-only community it is listed, but not readable or joinable.
        assert_eq!(row(&stranger, &team(Public, Open, Members, None)), "AFFFFFFFFFFFFF");
        // Inside a public community a public team reads like any public space,
        // but joining it takes joining the community first.
        assert_eq!(row(&stranger, &team(Public, Open, Public, None)), "AAFFFFFFFFFFFF");
        assert_eq!(row(&stranger, &team(Public, Open, Public, Some(Role::Member))), "AAAFFFFFFFFFFF");
    }

    #[test]
    fn only_signed_in_people_create_spaces_and_only_admins_run_the_instance() {
        assert!(!can_create_space(&Viewer::ANONYMOUS));
        assert!(can_create_space(&viewer(Who::Outsider)));
        assert!(!can_administer_instance(&viewer(Who::Owner)));
        assert!(can_administer_instance(&viewer(Who::Admin)));
    }
}
