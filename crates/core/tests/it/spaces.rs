use stoa_core::spaces::{self, NewSpaceInput, SpaceSettingsInput};
use stoa_core::{Actor, CoreError, Stoa, discussions};
use stoa_domain::Role;

use crate::{app, person};

async fn community(app: &Stoa, owner: &Actor, slug: &str, visibility: &str, join_policy: &str) -> String {
    spaces::create_space(
        app,
        owner,
        NewSpaceInput {
            kind: "community".into(),
            name: format!("The {slug}"),
            slug: slug.into(),
            visibility: visibility.into(),
            join_policy: join_policy.into(),
            ..Default::default()
        },
    )
    .await
    .expect("community")
    .slug
}

#[tokio::test]
async fn a_secret_space_is_invisible_to_outsiders_until_they_accept_an_invite() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let bo = person(&app, "bob").await;
    let cy = person(&app, "cyd").await;
    let slug = community(&app, &ana, "inner-circle", "secret", "invite").await;
    let thread = discussions::create_thread(
        &app,
        &ana,
        &slug,
        discussions::NewThreadInput { title: "Plans".into(), body: "Secret plans".into(), ..Default::default() },
    )
    .await
    .expect("thread");

    for who in [&bo, &cy, &Actor::ANONYMOUS] {
        assert!(matches!(spaces::space(&app, who, &slug).await, Err(CoreError::NotFound)));
        assert!(matches!(discussions::thread_page(&app, who, &thread.thread_id, None).await, Err(CoreError::NotFound)));
        assert!(!spaces::directory(&app, who, &Default::default()).await.expect("dir").iter().any(|s| s.slug == slug));
        assert!(matches!(
            spaces::request_to_join(&app, who, &slug, "").await,
            Err(CoreError::NotFound | CoreError::SignInRequired)
        ));
    }

    let invite = spaces::invite_person(&app, &ana, &slug, "bob", Role::Member).await.expect("invite");
    assert_eq!(spaces::my_invites(&app, &bo).await.expect("mine").len(), 1);
    assert!(
        matches!(spaces::answer_invite(&app, &cy, &invite.id, true).await, Err(CoreError::NotFound)),
        "not cy's invite"
    );
    spaces::answer_invite(&app, &bo, &invite.id, true).await.expect("accept");
    let page = discussions::thread_page(&app, &bo, &thread.thread_id, None).await.expect("bo reads");
    assert_eq!(page.posts[0].body.as_ref(), "Secret plans");
    assert!(matches!(spaces::answer_invite(&app, &bo, &invite.id, true).await, Err(CoreError::Gone(_))));
    assert!(matches!(discussions::thread_page(&app, &cy, &thread.thread_id, None).await, Err(CoreError::NotFound)));
}

#[tokio::test]
async fn a_members_only_space_is_listed_and_joinable_by_request_but_unreadable() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let cy = person(&app, "cyd").await;
    let slug = community(&app, &ana, "guild", "members", "request").await;
    discussions::create_thread(
        &app,
        &ana,
        &slug,
        discussions::NewThreadInput { title: "Hello".into(), body: "Inside".into(), ..Default::default() },
    )
    .await
    .expect("thread");
    assert!(spaces::directory(&app, &cy, &Default::default()).await.expect("dir").iter().any(|s| s.slug == slug));
    let detail = spaces::space(&app, &cy, &slug).await.expect("visible");
    assert!(detail.may.request_to_join && !detail.may.read && !detail.may.join);
    assert!(matches!(discussions::threads(&app, &cy, &slug, Default::default(), 1).await, Err(CoreError::Forbidden)));
    assert!(matches!(spaces::members(&app, &cy, &slug, 10, 0).await, Err(CoreError::Forbidden)));
    assert!(matches!(spaces::join(&app, &cy, &slug).await, Err(CoreError::Forbidden)));

    spaces::request_to_join(&app, &cy, &slug, "I run the build farm").await.expect("request");
    spaces::request_to_join(&app, &cy, &slug, "again").await.expect("idempotent");
    assert!(spaces::space(&app, &cy, &slug).await.expect("visible").pending_request);
    assert!(matches!(spaces::join_requests(&app, &cy, &slug).await, Err(CoreError::Forbidden)));
    let requests = spaces::join_requests(&app, &ana, &slug).await.expect("requests");
    assert_eq!((requests.len(), requests[0].message.as_str()), (1, "I run the build farm"));
    spaces::decide_request(&app, &ana, &slug, &requests[0].id, true).await.expect("approve");
    assert!(matches!(
        spaces::decide_request(&app, &ana, &slug, &requests[0].id, false).await,
        Err(CoreError::Conflict(_))
    ));
    assert_eq!(
        discussions::threads(&app, &cy, &slug, Default::default(), 1).await.expect("cy reads now").threads.len(),
        1
    );
}

#[tokio::test]
async fn members_cannot_do_a_facilitators_work_and_facilitators_cannot_do_an_owners() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let bo = person(&app, "bob").await;
    let cy = person(&app, "cyd").await;
    let slug = community(&app, &ana, "guild", "public", "open").await;
    spaces::join(&app, &bo, &slug).await.expect("bo joins");
    spaces::join(&app, &cy, &slug).await.expect("cy joins");
    assert!(matches!(spaces::invite_person(&app, &bo, &slug, "cyd", Role::Member).await, Err(CoreError::Forbidden)));
    assert!(matches!(spaces::join_requests(&app, &bo, &slug).await, Err(CoreError::Forbidden)));
    assert!(matches!(spaces::change_role(&app, &bo, &slug, "cyd", Role::Owner).await, Err(CoreError::Forbidden)));
    spaces::change_role(&app, &ana, &slug, "bob", Role::Facilitator).await.expect("promote");
    spaces::create_invite_link(&app, &bo, &slug, 7, None, Role::Member).await.expect("facilitators invite");
    assert!(matches!(
        spaces::create_invite_link(&app, &bo, &slug, 7, None, Role::Facilitator).await,
        Err(CoreError::Forbidden)
    ));
    assert!(matches!(spaces::remove_member(&app, &bo, &slug, "cyd").await, Err(CoreError::Forbidden)));
    assert!(matches!(
        spaces::update_space(&app, &bo, &slug, SpaceSettingsInput::default()).await,
        Err(CoreError::Forbidden)
    ));
    spaces::remove_member(&app, &ana, &slug, "cyd").await.expect("owner removes");
    assert!(spaces::space(&app, &cy, &slug).await.expect("public").space.viewer_role.is_none());
}

#[tokio::test]
async fn the_last_owner_can_neither_leave_nor_be_demoted() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let bo = person(&app, "bob").await;
    let slug = community(&app, &ana, "guild", "public", "open").await;
    assert!(matches!(spaces::leave(&app, &ana, &slug).await, Err(CoreError::Conflict("last-owner"))));
    assert!(matches!(
        spaces::change_role(&app, &ana, &slug, "ana", Role::Member).await,
        Err(CoreError::Conflict("last-owner"))
    ));
    spaces::join(&app, &bo, &slug).await.expect("join");
    spaces::change_role(&app, &ana, &slug, "bob", Role::Owner).await.expect("second owner");
    spaces::leave(&app, &ana, &slug).await.expect("now ana may leave");
}

#[tokio::test]
async fn teams_are_private_to_their_members_and_the_communitys_facilitators() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let bo = person(&app, "bob").await;
    let cy = person(&app, "cyd").await;
    let dee = person(&app, "dee").await;
    let guild = community(&app, &ana, "guild", "members", "invite").await;
    for who in ["bob", "cyd"] {
        spaces::invite_person(&app, &ana, &guild, who, Role::Member).await.expect("invite");
    }
    for who in [&bo, &cy] {
        let invite = spaces::my_invites(&app, who).await.expect("mine").remove(0);
        spaces::answer_invite(&app, who, &invite.id, true).await.expect("accept");
    }
    // A member may not create teams; the owner may.
    let team_input = |slug: &str, visibility: &str| NewSpaceInput {
        kind: "team".into(),
        name: slug.into(),
        slug: slug.into(),
        visibility: visibility.into(),
        join_policy: "invite".into(),
        parent: guild.clone(),
        ..Default::default()
    };
    assert!(matches!(
        spaces::create_space(&app, &bo, team_input("team-x", "members")).await,
        Err(CoreError::Forbidden)
    ));
    let team_a = spaces::create_space(&app, &ana, team_input("team-a", "members")).await.expect("team a").slug;
    let team_b = spaces::create_space(&app, &ana, team_input("team-b", "secret")).await.expect("team b").slug;
    spaces::invite_person(&app, &ana, &team_a, "bob", Role::Member).await.expect("invite bo to a");
    let invite = spaces::my_invites(&app, &bo).await.expect("mine").remove(0);
    spaces::answer_invite(&app, &bo, &invite.id, true).await.expect("bo joins a");
    let secret_thread = discussions::create_thread(
        &app,
        &ana,
        &team_b,
        discussions::NewThreadInput { title: "B only".into(), body: "b".into(), ..Default::default() },
    )
    .await
    .expect("thread in b");

    // Bo (team a) cannot read team b; cy (no team) cannot read team a.
    assert!(matches!(
        discussions::thread_page(&app, &bo, &secret_thread.thread_id, None).await,
        Err(CoreError::NotFound)
    ));
    assert!(matches!(discussions::threads(&app, &cy, &team_a, Default::default(), 1).await, Err(CoreError::Forbidden)));
    // Outsiders of the community cannot invite themselves in through a team.
    assert!(matches!(
        spaces::invite_person(&app, &ana, &team_a, "dee", Role::Member).await,
        Err(CoreError::Invalid(_))
    ));
    assert!(matches!(spaces::space(&app, &dee, &team_b).await, Err(CoreError::NotFound)));
    // The community owner reads every team without being a member.
    assert_eq!(
        discussions::thread_page(&app, &ana, &secret_thread.thread_id, None).await.expect("owner").posts.len(),
        1
    );
    // Leaving the community leaves its teams too.
    spaces::leave(&app, &bo, &guild).await.expect("bo leaves");
    assert!(spaces::my_spaces(&app, &bo).await.expect("mine").is_empty());
}

#[tokio::test]
async fn invite_links_expire_and_can_be_revoked() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let bo = person(&app, "bob").await;
    let cy = person(&app, "cyd").await;
    let slug = community(&app, &ana, "guild", "secret", "invite").await;
    let link = spaces::create_invite_link(&app, &ana, &slug, 1, None, Role::Member).await.expect("link");
    assert_eq!(spaces::preview_invite_link(&app, &link.token).await.expect("preview").space_name, "The guild");
    spaces::accept_invite_link(&app, &bo, &link.token).await.expect("bo joins");
    app.clock.advance(std::time::Duration::from_secs(86_401));
    assert!(matches!(spaces::accept_invite_link(&app, &cy, &link.token).await, Err(CoreError::Gone("invite-expired"))));
    let link = spaces::create_invite_link(&app, &ana, &slug, 7, None, Role::Member).await.expect("link");
    spaces::revoke_invite(&app, &ana, &slug, &link.invite.id).await.expect("revoke");
    assert!(matches!(spaces::accept_invite_link(&app, &cy, &link.token).await, Err(CoreError::Gone(_))));
    assert!(matches!(
        spaces::create_invite_link(&app, &ana, &slug, 0, None, Role::Member).await,
        Err(CoreError::Invalid(_))
    ));
}

#[tokio::test]
async fn space_input_is_validated_and_slugs_are_derived_or_refused() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let bad = spaces::create_space(
        &app,
        &ana,
        NewSpaceInput {
            kind: "club".into(),
            name: "".into(),
            visibility: "everyone".into(),
            join_policy: "open".into(),
            ..Default::default()
        },
    )
    .await;
    let Err(CoreError::Invalid(errors)) = bad else { panic!("must be refused: {bad:?}") };
    let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
    assert_eq!(fields, ["kind", "name", "visibility"]);
    let input = || NewSpaceInput {
        kind: "community".into(),
        name: "Rust Guild".into(),
        visibility: "public".into(),
        join_policy: "open".into(),
        ..Default::default()
    };
    assert_eq!(spaces::create_space(&app, &ana, input()).await.expect("first").slug, "rust-guild");
    assert_eq!(spaces::create_space(&app, &ana, input()).await.expect("second").slug, "rust-guild-2");
    let taken = spaces::create_space(&app, &ana, NewSpaceInput { slug: "rust-guild".into(), ..input() }).await;
    assert!(matches!(taken, Err(CoreError::Invalid(ref e)) if e[0].message_id == "slug-taken"), "{taken:?}");
    assert!(matches!(spaces::create_space(&app, &Actor::ANONYMOUS, input()).await, Err(CoreError::SignInRequired)));
}

#[tokio::test]
async fn leaving_a_community_closes_the_way_back_into_its_teams() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let bob = person(&app, "bob").await;
    let guild = community(&app, &ana, "guild", "members", "open").await;
    spaces::join(&app, &bob, &guild).await.expect("join guild");
    let team = spaces::create_space(
        &app,
        &ana,
        NewSpaceInput {
            kind: "team".into(),
            name: "Team".into(),
            slug: "team".into(),
            visibility: "members".into(),
            join_policy: "request".into(),
            parent: guild.clone(),
            ..Default::default()
        },
    )
    .await
    .expect("team")
    .slug;
    spaces::request_to_join(&app, &bob, &team, "me too").await.expect("request");
    let requests = spaces::join_requests(&app, &ana, &team).await.expect("requests");
    spaces::leave(&app, &bob, &guild).await.expect("bob leaves the guild");
    assert!(spaces::join_requests(&app, &ana, &team).await.expect("requests").is_empty(), "the request was withdrawn");
    let stale = spaces::decide_request(&app, &ana, &team, &requests[0].id, true).await;
    assert!(matches!(stale, Err(CoreError::Conflict(_))), "{stale:?}");
    assert!(matches!(discussions::threads(&app, &bob, &team, Default::default(), 1).await, Err(CoreError::Forbidden)));
}
