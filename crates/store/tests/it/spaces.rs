use stoa_domain::{JoinPolicy, Role, SpaceKind, Visibility};
use stoa_store::spaces::{self, NewInvite, NewSpace, SpaceUpdate};
use stoa_store::testing::each_backend;
use stoa_store::{Store, StoreError, new_id};

use crate::person;

pub async fn space(store: &Store, slug: &str, parent: Option<&str>, owner: &str) -> String {
    let id = new_id();
    let mut tx = store.begin().await.expect("begin");
    spaces::insert(
        &mut tx,
        &NewSpace {
            id: &id,
            kind: if parent.is_some() { SpaceKind::Team } else { SpaceKind::Community },
            slug,
            name: &slug.to_uppercase(),
            description: "about",
            description_html: "<p>about</p>",
            visibility: Visibility::Members,
            join_policy: JoinPolicy::Request,
            parent_id: parent,
            created_by: owner,
            created_at: 100,
        },
    )
    .await
    .expect("insert space");
    spaces::add_member(&mut tx, &id, owner, Role::Owner, 100).await.expect("owner");
    tx.commit().await.expect("commit");
    id
}

#[tokio::test]
async fn slugs_are_unique() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        space(&store, "guild", None, &ana).await;
        let mut tx = store.begin().await.expect("begin");
        let err = spaces::insert(
            &mut tx,
            &NewSpace {
                id: &new_id(),
                kind: SpaceKind::Community,
                slug: "guild",
                name: "Other",
                description: "",
                description_html: "",
                visibility: Visibility::Public,
                join_policy: JoinPolicy::Open,
                parent_id: None,
                created_by: &ana,
                created_at: 1,
            },
        )
        .await
        .expect_err("duplicate slug");
        assert!(matches!(err, StoreError::Conflict { column: Some(ref c) } if c == "slug"), "{err:?}");
    })
    .await;
}

#[tokio::test]
async fn a_space_view_carries_the_viewers_roles_here_and_in_the_community() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let bo = person(&store, "bo").await;
        let guild = space(&store, "guild", None, &ana).await;
        let team = space(&store, "team-a", Some(&guild), &ana).await;
        let mut tx = store.begin().await.expect("begin");
        assert!(spaces::add_member(&mut tx, &guild, &bo, Role::Member, 200).await.expect("join"));
        assert!(!spaces::add_member(&mut tx, &guild, &bo, Role::Member, 201).await.expect("again"), "idempotent");
        tx.commit().await.expect("commit");

        let mut c = store.read().await.expect("read");
        let as_bo = spaces::view_by_slug(&mut c, "team-a", Some(&bo)).await.expect("q").expect("found");
        assert_eq!(as_bo.space.id, team);
        assert_eq!(as_bo.viewer_role(), None);
        assert_eq!(as_bo.parent_viewer_role(), Some(Role::Member));
        assert_eq!(as_bo.parent_visibility(), Some(Visibility::Members));
        assert_eq!(as_bo.parent_slug.as_deref(), Some("guild"));
        let anonymous = spaces::view_by_id(&mut c, &guild, None).await.expect("q").expect("found");
        assert_eq!((anonymous.viewer_role(), anonymous.parent_visibility()), (None, None));
        assert_eq!(anonymous.space.member_count, 2);
        assert_eq!(anonymous.space.kind, SpaceKind::Community);
        assert!(spaces::view_by_slug(&mut c, "missing", None).await.expect("q").is_none());

        assert_eq!(spaces::all_views(&mut c, Some(&bo)).await.expect("all").len(), 2);
        let mine: Vec<String> =
            spaces::views_of_member(&mut c, &bo).await.expect("mine").into_iter().map(|v| v.space.slug).collect();
        assert_eq!(mine, ["guild"]);
        assert_eq!(spaces::team_views(&mut c, &guild, None).await.expect("teams").len(), 1);
        assert_eq!(spaces::member_teams_in(&mut c, &guild, &ana).await.expect("teams"), [team]);
    })
    .await;
}

#[tokio::test]
async fn settings_roles_and_removal_keep_counts_right() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let bo = person(&store, "bo").await;
        let guild = space(&store, "guild", None, &ana).await;
        let mut tx = store.begin().await.expect("begin");
        spaces::add_member(&mut tx, &guild, &bo, Role::Member, 200).await.expect("join");
        assert!(spaces::set_role(&mut tx, &guild, &bo, Role::Facilitator).await.expect("role"));
        assert_eq!(spaces::role_of(&mut tx, &guild, &bo).await.expect("role"), Some(Role::Facilitator));
        assert_eq!(spaces::count_owners(&mut tx, &guild).await.expect("owners"), 1);
        let update = SpaceUpdate {
            name: "Guild",
            description: "new",
            description_html: "<p>new</p>",
            visibility: Visibility::Secret,
            join_policy: JoinPolicy::Invite,
        };
        spaces::update(&mut tx, &guild, &update).await.expect("update");
        assert!(matches!(spaces::update(&mut tx, "nope", &update).await, Err(StoreError::NotFound)));
        spaces::touch_activity(&mut tx, &guild, 999).await.expect("touch");
        let listed = spaces::members(&mut tx, &guild, 10, 0).await.expect("members");
        assert_eq!(listed.iter().map(|m| m.role).collect::<Vec<_>>(), [Role::Owner, Role::Facilitator]);
        assert!(spaces::remove_member(&mut tx, &guild, &bo).await.expect("remove"));
        assert!(!spaces::remove_member(&mut tx, &guild, &bo).await.expect("again"));
        assert!(!spaces::set_role(&mut tx, &guild, &bo, Role::Member).await.expect("gone"));
        tx.commit().await.expect("commit");
        let mut c = store.read().await.expect("read");
        let row = spaces::view_by_id(&mut c, &guild, None).await.expect("q").expect("found").space;
        assert_eq!(
            (row.visibility, row.join_policy, row.member_count, row.last_activity_at),
            (Visibility::Secret, JoinPolicy::Invite, 1, 999)
        );
    })
    .await;
}

#[tokio::test]
async fn join_requests_are_decided_once() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let bo = person(&store, "bo").await;
        let guild = space(&store, "guild", None, &ana).await;
        let mut tx = store.begin().await.expect("begin");
        spaces::insert_join_request(&mut tx, "r1", &guild, &bo, "let me in", 300).await.expect("request");
        let pending = spaces::pending_request_of(&mut tx, &guild, &bo).await.expect("q").expect("pending");
        assert_eq!((pending.username.as_str(), pending.message.as_str()), ("bo", "let me in"));
        assert_eq!(spaces::pending_requests(&mut tx, &guild).await.expect("list").len(), 1);
        assert!(spaces::decide_join_request(&mut tx, "r1", "approved", &ana, 400).await.expect("decide"));
        assert!(!spaces::decide_join_request(&mut tx, "r1", "denied", &ana, 401).await.expect("twice"));
        let decided = spaces::join_request(&mut tx, "r1").await.expect("q").expect("found");
        assert_eq!((decided.status.as_str(), decided.decided_by.as_deref()), ("approved", Some(ana.as_str())));
        assert!(spaces::pending_request_of(&mut tx, &guild, &bo).await.expect("q").is_none());
        tx.commit().await.expect("commit");
    })
    .await;
}

#[tokio::test]
async fn invites_to_people_and_links_with_limited_uses() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let bo = person(&store, "bo").await;
        let guild = space(&store, "guild", None, &ana).await;
        let mut tx = store.begin().await.expect("begin");
        let base = NewInvite {
            id: "i1",
            space_id: &guild,
            invitee_id: Some(&bo),
            token_hash: None,
            role: Role::Member,
            created_by: &ana,
            created_at: 500,
            expires_at: None,
            max_uses: None,
        };
        spaces::insert_invite(&mut tx, &base).await.expect("person invite");
        spaces::insert_invite(
            &mut tx,
            &NewInvite {
                id: "i2",
                invitee_id: None,
                token_hash: Some("th"),
                expires_at: Some(900),
                max_uses: Some(1),
                ..base
            },
        )
        .await
        .expect("link invite");
        let mine = spaces::pending_invites_of_user(&mut tx, &bo).await.expect("mine");
        assert_eq!((mine.len(), mine[0].space_slug.as_str(), mine[0].created_by_name.as_str()), (1, "guild", "ANA"));
        assert_eq!(spaces::pending_invites_of_space(&mut tx, &guild).await.expect("space").len(), 2);
        assert!(spaces::pending_invite_for(&mut tx, &guild, &bo).await.expect("q").is_some());
        let link = spaces::invite_by_token_hash(&mut tx, "th").await.expect("q").expect("link");
        assert_eq!((link.id.as_str(), link.expires_at, link.max_uses), ("i2", Some(900), Some(1)));
        assert!(spaces::use_invite_link(&mut tx, "i2").await.expect("use"));
        assert!(!spaces::use_invite_link(&mut tx, "i2").await.expect("used up"));
        assert!(spaces::set_invite_status(&mut tx, "i1", "accepted", 600).await.expect("accept"));
        assert!(!spaces::set_invite_status(&mut tx, "i1", "declined", 601).await.expect("decided"));
        let accepted = spaces::invite(&mut tx, "i1").await.expect("q").expect("found");
        assert_eq!(
            (accepted.status.as_str(), accepted.decided_at, accepted.invitee_username.as_deref()),
            ("accepted", Some(600), Some("bo"))
        );
        tx.commit().await.expect("commit");
    })
    .await;
}
