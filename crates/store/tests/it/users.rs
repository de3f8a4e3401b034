use stoa_store::testing::each_backend;
use stoa_store::users::{self, NewUser, ProfileUpdate, ThrottleScope};
use stoa_store::{StoreError, new_id, settings};

use crate::person;

#[tokio::test]
async fn migrations_are_applied_once() {
    each_backend(|store| async move {
        assert_eq!(store.migrate().await.expect("second run"), 0);
    })
    .await;
}

#[tokio::test]
async fn usernames_and_emails_are_unique() {
    each_backend(|store| async move {
        person(&store, "ana").await;
        let mut tx = store.begin().await.expect("begin");
        let clash = NewUser {
            id: &new_id(),
            username: "ana",
            email: Some("other@example.org"),
            display_name: "Other",
            password_hash: "x",
            is_admin: false,
            locale: None,
            created_at: 1,
        };
        let err = users::insert(&mut tx, &clash).await.expect_err("duplicate username");
        assert!(matches!(err, StoreError::Conflict { column: Some(ref c) } if c == "username"), "{err:?}");
        drop(tx);

        let mut tx = store.begin().await.expect("begin");
        let clash = NewUser { username: "ana2", email: Some("ana@example.org"), ..clash };
        let err = users::insert(&mut tx, &clash).await.expect_err("duplicate email");
        assert!(matches!(err, StoreError::Conflict { column: Some(ref c) } if c == "email"), "{err:?}");
    })
    .await;
}

#[tokio::test]
async fn users_are_found_listed_and_updated() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        person(&store, "bo").await;
        let mut c = store.read().await.expect("read");
        assert_eq!(users::count(&mut c).await.expect("count"), 2);
        assert_eq!(users::by_username(&mut c, "ana").await.expect("q").expect("found").id, ana);
        assert!(users::by_email(&mut c, "bo@example.org").await.expect("q").is_some());
        assert!(users::by_id(&mut c, "nobody").await.expect("q").is_none());
        let listed: Vec<String> =
            users::list(&mut c, None, 10, 0).await.expect("list").into_iter().map(|u| u.username).collect();
        assert_eq!(listed, ["ana", "bo"]);
        let filtered = users::list(&mut c, Some("AN"), 10, 0).await.expect("list");
        assert_eq!(filtered.len(), 1);
        drop(c);

        let mut tx = store.begin().await.expect("begin");
        let update = ProfileUpdate {
            display_name: "Ana Lima",
            username: "analima",
            email: None,
            bio: "I *teach*",
            bio_html: "<p>I <em>teach</em></p>",
            locale: Some("pt"),
        };
        users::update_profile(&mut tx, &ana, &update).await.expect("update");
        users::set_password_hash(&mut tx, &ana, "new-hash").await.expect("password");
        users::set_admin(&mut tx, &ana, true).await.expect("admin");
        assert_eq!(users::count_admins(&mut tx).await.expect("admins"), 1);
        users::set_suspended(&mut tx, &ana, Some(5)).await.expect("suspend");
        assert_eq!(users::count_admins(&mut tx).await.expect("admins"), 0, "suspended admins do not count");
        assert!(matches!(users::update_profile(&mut tx, "nobody", &update).await, Err(StoreError::NotFound)));
        tx.commit().await.expect("commit");

        let mut c = store.read().await.expect("read");
        let row = users::by_id(&mut c, &ana).await.expect("q").expect("found");
        assert_eq!(
            (row.username.as_str(), row.display_name.as_str(), row.locale.as_deref()),
            ("analima", "Ana Lima", Some("pt"))
        );
        assert_eq!(row.password_hash, "new-hash");
        assert!(row.is_admin() && row.is_suspended());
    })
    .await;
}

#[tokio::test]
async fn sessions_expire_and_can_be_ended_for_everyone_but_one() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let mut tx = store.begin().await.expect("begin");
        users::insert_session(&mut tx, "h1", &ana, 100, 1_000, "ua").await.expect("s1");
        users::insert_session(&mut tx, "h2", &ana, 100, 1_000, "ua").await.expect("s2");
        users::insert_session(&mut tx, "h3", &ana, 100, 200, "ua").await.expect("s3");
        tx.commit().await.expect("commit");

        let mut c = store.read().await.expect("read");
        let found = users::session_user(&mut c, "h1", 150).await.expect("q").expect("live");
        assert_eq!(found.user.id, ana);
        assert!(users::session_user(&mut c, "h3", 250).await.expect("q").is_none(), "expired");
        drop(c);

        let mut tx = store.begin().await.expect("begin");
        users::touch_session(&mut tx, "h1", 300, 5_000).await.expect("touch");
        assert_eq!(users::delete_expired_sessions(&mut tx, 1_200).await.expect("prune"), 2);
        assert_eq!(users::count_sessions_of_user(&mut tx, &ana).await.expect("count"), 1);
        users::insert_session(&mut tx, "h4", &ana, 100, 9_000, "ua").await.expect("s4");
        assert_eq!(users::delete_sessions_of_user(&mut tx, &ana, Some("h1")).await.expect("others"), 1);
        assert!(users::session_user(&mut tx, "h1", 1_300).await.expect("q").is_some());
        users::delete_session(&mut tx, "h1").await.expect("sign out");
        assert_eq!(users::delete_sessions_of_user(&mut tx, &ana, None).await.expect("all"), 0);
        tx.commit().await.expect("commit");
    })
    .await;
}

#[tokio::test]
async fn api_tokens_are_listed_revoked_and_resolved_by_hash() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let bo = person(&store, "bo").await;
        let mut tx = store.begin().await.expect("begin");
        users::insert_token(&mut tx, "t1", &ana, "laptop", "hash1", "stoa_ab", 10).await.expect("t1");
        users::insert_token(&mut tx, "t2", &ana, "ci", "hash2", "stoa_cd", 20).await.expect("t2");
        assert!(!users::revoke_token(&mut tx, &bo, "t1", 30).await.expect("not hers"), "only the owner revokes");
        assert!(users::revoke_token(&mut tx, &ana, "t1", 30).await.expect("revoke"));
        assert!(!users::revoke_token(&mut tx, &ana, "t1", 31).await.expect("twice"));
        users::touch_token(&mut tx, "t2", 40).await.expect("touch");
        tx.commit().await.expect("commit");

        let mut c = store.read().await.expect("read");
        let names: Vec<String> =
            users::list_tokens(&mut c, &ana).await.expect("list").into_iter().map(|t| t.name).collect();
        assert_eq!(names, ["ci"]);
        assert!(users::token_user(&mut c, "hash1").await.expect("q").is_none(), "revoked tokens do not authenticate");
        let live = users::token_user(&mut c, "hash2").await.expect("q").expect("live");
        assert_eq!((live.user.id.as_str(), live.token_last_used_at), (ana.as_str(), Some(40)));
    })
    .await;
}

#[tokio::test]
async fn sign_in_failures_are_counted_in_a_window_per_scope() {
    each_backend(|store| async move {
        let mut tx = store.begin().await.expect("begin");
        for at in [100, 200, 300] {
            users::record_sign_in_failure(&mut tx, ThrottleScope::Pair, "ana", at).await.expect("record");
        }
        users::record_sign_in_failure(&mut tx, ThrottleScope::Address, "10.0.0.1", 250).await.expect("record");
        let (count, last) = users::sign_in_failures_since(&mut tx, ThrottleScope::Pair, "ana", 150).await.expect("q");
        assert_eq!((count, last), (2, Some(300)));
        let (count, _) = users::sign_in_failures_since(&mut tx, ThrottleScope::Address, "ana", 0).await.expect("q");
        assert_eq!(count, 0, "scopes are counted apart");
        users::clear_sign_in_failures(&mut tx, ThrottleScope::Pair, "ana").await.expect("clear");
        assert_eq!(users::sign_in_failures_since(&mut tx, ThrottleScope::Pair, "ana", 0).await.expect("q").0, 0);
        assert_eq!(users::prune_sign_in_failures(&mut tx, 300).await.expect("prune"), 1);
        tx.commit().await.expect("commit");
    })
    .await;
}

#[tokio::test]
async fn instance_settings_are_upserted() {
    each_backend(|store| async move {
        let mut tx = store.begin().await.expect("begin");
        assert_eq!(settings::get(&mut tx, settings::key::REGISTRATION).await.expect("get"), None);
        settings::set(&mut tx, settings::key::REGISTRATION, "open").await.expect("set");
        settings::set(&mut tx, settings::key::REGISTRATION, "invite").await.expect("set again");
        settings::set(&mut tx, settings::key::INSTANCE_NAME, "Acme").await.expect("set");
        tx.commit().await.expect("commit");
        let mut c = store.read().await.expect("read");
        assert_eq!(settings::get(&mut c, settings::key::REGISTRATION).await.expect("get").as_deref(), Some("invite"));
        assert_eq!(settings::all(&mut c).await.expect("all").len(), 2);
    })
    .await;
}
