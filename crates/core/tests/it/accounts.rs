use std::time::Duration;

use stoa_core::accounts::{self, ProfileInput, SignUpInput};
use stoa_core::admin::{self, Authority};
use stoa_core::{Actor, CoreError};

use crate::{PASSWORD, app, person};

fn input(username: &str, password: &str) -> SignUpInput {
    SignUpInput { username: username.into(), password: password.into(), ..Default::default() }
}

#[tokio::test]
async fn the_first_account_becomes_admin_and_later_ones_do_not() {
    let app = app().await;
    let first = person(&app, "ana").await;
    let second = person(&app, "bob").await;
    assert!(first.is_admin());
    assert!(!second.is_admin());
}

#[tokio::test]
async fn sign_up_refuses_bad_input_with_every_field_named() {
    let app = app().await;
    let Err(CoreError::Invalid(errors)) =
        accounts::sign_up(&app, SignUpInput { email: "nope".into(), ..input("x", "short") }, "t").await
    else {
        panic!("bad input must be refused");
    };
    let fields: Vec<_> = errors.iter().map(|e| (e.field, e.message_id)).collect();
    assert_eq!(
        fields,
        [("username", "invalid-too-short"), ("email", "invalid-email"), ("password", "invalid-too-short")]
    );

    person(&app, "ana").await;
    let Err(CoreError::Invalid(errors)) = accounts::sign_up(&app, input("ANA", PASSWORD), "t").await else {
        panic!("a taken username must be refused");
    };
    assert_eq!((errors[0].field, errors[0].message_id, errors[0].taken), ("username", "username-taken", true));
}

#[tokio::test]
async fn invite_only_registration_needs_a_working_invite_link() {
    let app = app().await;
    let admin = person(&app, "ana").await;
    admin::update_settings(&app, &admin, Some("invite"), None).await.expect("settings");
    let err = accounts::sign_up(&app, input("bob", PASSWORD), "t").await.expect_err("closed");
    assert!(matches!(err, CoreError::Conflict("registration-invite-only")), "{err:?}");

    let space = stoa_core::spaces::create_space(
        &app,
        &admin,
        stoa_core::spaces::NewSpaceInput {
            kind: "community".into(),
            name: "Guild".into(),
            visibility: "secret".into(),
            join_policy: "invite".into(),
            ..Default::default()
        },
    )
    .await
    .expect("space");
    let link = stoa_core::spaces::create_invite_link(&app, &admin, &space.slug, 7, Some(1), stoa_domain::Role::Member)
        .await
        .expect("link");
    let bad =
        accounts::sign_up(&app, SignUpInput { invite_token: Some("forged".into()), ..input("bob", PASSWORD) }, "t")
            .await;
    assert!(matches!(bad, Err(CoreError::NotFound)), "{bad:?}");
    let bo =
        accounts::sign_up(&app, SignUpInput { invite_token: Some(link.token.clone()), ..input("bob", PASSWORD) }, "t")
            .await
            .expect("sign up with the link");
    let bo = Actor::signed_in(bo.user);
    let detail = stoa_core::spaces::space(&app, &bo, &space.slug).await.expect("bo is in");
    assert_eq!(detail.space.viewer_role, Some(stoa_domain::Role::Member));
    let used_up =
        accounts::sign_up(&app, SignUpInput { invite_token: Some(link.token), ..input("cyd", PASSWORD) }, "t").await;
    assert!(matches!(used_up, Err(CoreError::Gone("invite-used-up"))), "{used_up:?}");
}

/// Issue #7, finding 6: ten wrong passwords from anyone locked the real
/// owner (the admin included) out for minutes.
#[tokio::test]
async fn guessing_slows_the_guesser_down_and_never_locks_the_owner_out() {
    let app = app().await;
    person(&app, "ana").await;
    accounts::sign_in(&app, "Ana", PASSWORD, "10.0.0.1", "t").await.expect("by username");
    accounts::sign_in(&app, "ana@example.org", PASSWORD, "10.0.0.1", "t").await.expect("by email");
    let free = app.config.sign_in_per_pair.free;
    for _ in 0..free {
        let err = accounts::sign_in(&app, "ana", "wrong password", "10.0.0.2", "t").await.expect_err("wrong");
        assert!(matches!(err, CoreError::BadCredentials));
    }
    // The guesser waits, longer each time...
    let err = accounts::sign_in(&app, "ana", "wrong password", "10.0.0.2", "t").await.expect_err("throttled");
    let CoreError::RateLimited { retry_after_secs: first } = err else { panic!("expected a rate limit, got {err:?}") };
    app.clock.advance(Duration::from_secs(first));
    let err = accounts::sign_in(&app, "ana", "wrong password", "10.0.0.2", "t").await.expect_err("wrong");
    assert!(matches!(err, CoreError::BadCredentials), "one more guess after the wait: {err:?}");
    let err = accounts::sign_in(&app, "ana", "wrong password", "10.0.0.2", "t").await.expect_err("throttled");
    let CoreError::RateLimited { retry_after_secs: second } = err else { panic!("expected a rate limit, got {err:?}") };
    assert!(second >= 2 * first, "backs off exponentially: {first} s, then {second} s");
    // ...while the owner, elsewhere, signs in at once, as often as they like.
    for _ in 0..3 {
        accounts::sign_in(&app, "ana", PASSWORD, "10.0.0.3", "t").await.expect("never locked out");
    }
}

#[tokio::test]
async fn sign_in_is_throttled_per_address_across_accounts() {
    let app = app().await;
    let limit = app.config.sign_in_per_address.free;
    for i in 0..limit {
        let _ = accounts::sign_in(&app, &format!("nobody{i}"), "wrong password", "10.9.9.9", "t").await;
    }
    let err = accounts::sign_in(&app, "someone-else", "x", "10.9.9.9", "t").await.expect_err("throttled");
    assert!(matches!(err, CoreError::RateLimited { .. }), "{err:?}");
    let other =
        accounts::sign_in(&app, "someone-else", "x", "10.1.1.1", "t").await.expect_err("wrong but not throttled");
    assert!(matches!(other, CoreError::BadCredentials), "{other:?}");
}

#[tokio::test]
async fn sessions_authenticate_until_sign_out_or_expiry() {
    let app = app().await;
    person(&app, "ana").await;
    let session = accounts::sign_in(&app, "ana", PASSWORD, "a", "t").await.expect("sign in");
    let me = accounts::authenticate_session(&app, &session.secret).await.expect("q").expect("live");
    assert_eq!(me.username, "ana");
    assert!(accounts::authenticate_session(&app, "forged").await.expect("q").is_none());
    accounts::sign_out(&app, &session.secret).await.expect("sign out");
    assert!(accounts::authenticate_session(&app, &session.secret).await.expect("q").is_none());

    let session = accounts::sign_in(&app, "ana", PASSWORD, "a", "t").await.expect("sign in");
    app.clock.advance(app.config.session_idle + Duration::from_secs(1));
    assert!(accounts::authenticate_session(&app, &session.secret).await.expect("q").is_none(), "idle sessions expire");
}

#[tokio::test]
async fn changing_the_password_ends_every_other_session() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let here = accounts::sign_in(&app, "ana", PASSWORD, "a", "t").await.expect("here");
    let elsewhere = accounts::sign_in(&app, "ana", PASSWORD, "a", "t").await.expect("elsewhere");
    let wrong = accounts::change_password(&app, &ana, "not it", "a brand new password", Some(&here.secret)).await;
    assert!(matches!(wrong, Err(CoreError::Invalid(ref e)) if e[0].message_id == "password-wrong"), "{wrong:?}");
    accounts::change_password(&app, &ana, PASSWORD, "a brand new password", Some(&here.secret)).await.expect("change");
    assert!(accounts::authenticate_session(&app, &here.secret).await.expect("q").is_some());
    assert!(accounts::authenticate_session(&app, &elsewhere.secret).await.expect("q").is_none());
    accounts::sign_in(&app, "ana", "a brand new password", "a", "t").await.expect("new password works");
    assert!(accounts::sign_in(&app, "ana", PASSWORD, "a", "t").await.is_err(), "old password does not");
}

#[tokio::test]
async fn api_tokens_are_shown_once_and_stop_working_when_revoked() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let bo = person(&app, "bob").await;
    let created = accounts::create_token(&app, &ana, "laptop").await.expect("token");
    assert!(created.secret.starts_with(&created.token.prefix));
    let me = accounts::authenticate_token(&app, &created.secret).await.expect("q").expect("valid");
    assert_eq!(me.username, "ana");
    assert_eq!(accounts::tokens(&app, &ana).await.expect("list").len(), 1);
    assert!(matches!(accounts::revoke_token(&app, &bo, &created.token.id).await, Err(CoreError::NotFound)));
    accounts::revoke_token(&app, &ana, &created.token.id).await.expect("revoke");
    assert!(accounts::authenticate_token(&app, &created.secret).await.expect("q").is_none());
    assert!(matches!(accounts::create_token(&app, &ana, "  ").await, Err(CoreError::Invalid(_))));
}

#[tokio::test]
async fn profiles_update_and_usernames_stay_unique() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    person(&app, "bob").await;
    let updated = accounts::update_profile(
        &app,
        &ana,
        ProfileInput {
            display_name: Some("Ana Lima".into()),
            bio: Some("<script>x</script>\n\n**hi**".into()),
            ..Default::default()
        },
    )
    .await
    .expect("update");
    assert_eq!(updated.display_name, "Ana Lima");
    assert_eq!(updated.bio_html.trim(), "<p><strong>hi</strong></p>");
    let clash =
        accounts::update_profile(&app, &ana, ProfileInput { username: Some("bob".into()), ..Default::default() }).await;
    assert!(matches!(clash, Err(CoreError::Invalid(ref e)) if e[0].message_id == "username-taken"), "{clash:?}");
}

#[tokio::test]
async fn only_admins_run_the_instance_and_the_last_admin_stays() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let bo = person(&app, "bob").await;
    assert!(matches!(admin::users(&app, &bo, None, 1).await, Err(CoreError::Forbidden)));
    assert!(matches!(admin::users(&app, &Actor::ANONYMOUS, None, 1).await, Err(CoreError::SignInRequired)));
    assert_eq!(admin::users(&app, &ana, None, 1).await.expect("list").len(), 2);
    assert!(matches!(admin::set_admin(&app, &ana, "ana", false).await, Err(CoreError::Conflict("last-admin"))));
    let bo_session = accounts::sign_in(&app, "bob", PASSWORD, "a", "t").await.expect("bob");
    admin::set_suspended(&app, &ana, "bob", true).await.expect("suspend");
    assert!(accounts::authenticate_session(&app, &bo_session.secret).await.expect("q").is_none());
    assert!(matches!(accounts::sign_in(&app, "bob", PASSWORD, "a", "t").await, Err(CoreError::BadCredentials)));
    let created = accounts::create_user(
        &app,
        &bo,
        Authority::Request,
        SignUpInput { username: "cyd".into(), password: PASSWORD.into(), ..Default::default() },
        false,
    )
    .await;
    assert!(matches!(created, Err(CoreError::Forbidden)));
}

#[tokio::test]
async fn the_demo_loads_once() {
    let app = app().await;
    stoa_core::demo::load(&app).await.expect("demo");
    assert!(matches!(stoa_core::demo::load(&app).await, Err(CoreError::Conflict("demo-already-loaded"))));
    let diego = accounts::sign_in(&app, "diego", stoa_core::demo::DEMO_PASSWORD, "a", "t").await.expect("demo sign in");
    let diego = Actor::signed_in(diego.user);
    // A customer sees the public commons and the guild's listing, but not the guild's threads or teams' contents.
    let listed: Vec<String> = stoa_core::spaces::directory(&app, &diego, &Default::default())
        .await
        .expect("dir")
        .into_iter()
        .map(|s| s.slug)
        .collect();
    assert!(
        listed.contains(&"customer-commons".to_owned()) && listed.contains(&"platform-guild".to_owned()),
        "{listed:?}"
    );
    assert!(matches!(
        stoa_core::discussions::threads(&app, &diego, "platform-guild", Default::default(), 1).await,
        Err(CoreError::Forbidden)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_cannot_slip_under_the_limit_together() {
    let app = app().await;
    person(&app, "ana").await;
    let mut tasks = Vec::new();
    for _ in 0..30 {
        let app = app.app.clone();
        tasks.push(tokio::spawn(async move { accounts::sign_in(&app, "ana", "wrong guess", "10.0.0.7", "t").await }));
    }
    let mut checked = 0;
    for t in tasks {
        match t.await.expect("task") {
            Err(CoreError::BadCredentials) => checked += 1,
            Err(CoreError::RateLimited { .. }) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(checked, app.config.sign_in_per_pair.free, "exactly the allowed number of passwords were tried");
}

#[tokio::test]
async fn the_username_and_the_email_count_against_the_same_account() {
    let app = app().await;
    person(&app, "ana").await;
    for i in 0..app.config.sign_in_per_pair.free {
        let login = if i % 2 == 0 { "ana" } else { "ana@example.org" };
        let _ = accounts::sign_in(&app, login, "wrong", "10.1.0.1", "t").await;
    }
    let err = accounts::sign_in(&app, "ana@example.org", PASSWORD, "10.1.0.1", "t").await.expect_err("throttled");
    assert!(matches!(err, CoreError::RateLimited { .. }), "{err:?}");
}

#[tokio::test]
async fn sign_ups_from_one_address_back_off() {
    let app = app().await;
    let free = app.config.sign_ups_per_address.free;
    let sign_up = |n: i64, address: &str| {
        let input = SignUpInput {
            username: format!("new{n}"),
            password: PASSWORD.into(),
            address: address.into(),
            ..Default::default()
        };
        accounts::sign_up(&app, input, "t")
    };
    for n in 0..free {
        sign_up(n, "10.5.5.5").await.expect("within the free sign-ups");
    }
    let err = sign_up(free, "10.5.5.5").await.expect_err("throttled");
    assert!(matches!(err, CoreError::RateLimited { .. }), "{err:?}");
    sign_up(free + 1, "10.6.6.6").await.expect("another address is not slowed");
}

/// Issue #17, finding 2: whoever held a session could guess the current
/// password on the change form, unthrottled, and a token outlived a reset.
#[tokio::test]
async fn checking_the_current_password_is_throttled_and_a_new_password_ends_tokens() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let token = accounts::create_token(&app, &ana, "script").await.expect("token");
    for _ in 0..app.config.password_checks.free {
        let err = accounts::change_password(&app, &ana, "a wrong guess", "a brand new password", None).await;
        assert!(matches!(err, Err(CoreError::Invalid(_))), "{err:?}");
    }
    let err = accounts::change_password(&app, &ana, PASSWORD, "a brand new password", None).await;
    let Err(CoreError::RateLimited { retry_after_secs }) = err else { panic!("expected a rate limit, got {err:?}") };
    app.clock.advance(Duration::from_secs(retry_after_secs));
    accounts::change_password(&app, &ana, PASSWORD, "a brand new password", None).await.expect("after the wait");
    let by_token = accounts::authenticate_token(&app, &token.secret).await.expect("looked up");
    assert!(by_token.is_none(), "the token ended with the old password");
}
