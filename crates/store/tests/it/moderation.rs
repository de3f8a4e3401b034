//! Flags, hidden posts, the audit log's reading of the event log, and
//! people's pictures and blogs.

use stoa_store::events::{self, NewEvent};
use stoa_store::moderation::{self, NewFlag};
use stoa_store::testing::each_backend;
use stoa_store::{new_id, threads, users};

use crate::person;
use crate::threads::thread;

#[tokio::test]
async fn flags_open_once_per_person_and_close_with_a_decision() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let bo = person(&store, "bo").await;
        let cy = person(&store, "cy").await;
        let (space, thread_id) = thread(&store, &ana).await;
        let mut tx = store.begin().await.expect("begin");
        let post = threads::post_by_number(&mut tx, &thread_id, 1).await.expect("q").expect("post").id;
        fn flag<'a>(id: &'a str, post: &'a str, who: &'a str) -> NewFlag<'a> {
            NewFlag { id, post_id: post, flagger_id: who, reason: "spam", note: "", created_at: 100 }
        }
        assert!(moderation::insert_flag(&mut tx, &flag("f1", &post, &bo)).await.expect("flag"));
        assert!(!moderation::insert_flag(&mut tx, &flag("f2", &post, &bo)).await.expect("again"), "one open flag each");
        assert!(moderation::insert_flag(&mut tx, &flag("f3", &post, &cy)).await.expect("flag"));
        let spaces = vec![space.clone()];
        let flagged = moderation::flagged_posts(&mut tx, &spaces, 10).await.expect("queue");
        assert_eq!(flagged.iter().map(|p| p.post_id.as_str()).collect::<Vec<_>>(), [post.as_str()]);
        let open = moderation::open_flags(&mut tx, std::slice::from_ref(&post)).await.expect("flags");
        assert_eq!(open.iter().map(|f| f.flagger_username.as_str()).collect::<Vec<_>>(), ["bo", "cy"]);
        assert!(moderation::flagged_posts(&mut tx, &[new_id()], 10).await.expect("elsewhere").is_empty());

        // Hiding bumps the thread (so cached pages are not reused) and is done once.
        let before = threads::thread(&mut tx, &thread_id).await.expect("q").expect("thread").revision;
        assert!(moderation::hide_post(&mut tx, &post, &ana, 200).await.expect("hide"));
        assert!(!moderation::hide_post(&mut tx, &post, &ana, 201).await.expect("twice"));
        assert!(threads::thread(&mut tx, &thread_id).await.expect("q").expect("thread").revision > before);
        assert_eq!(moderation::resolve_flags(&mut tx, &post, &ana, "hidden", 200).await.expect("resolve"), 2);
        assert!(moderation::flagged_posts(&mut tx, &spaces, 10).await.expect("queue").is_empty());
        let hidden = moderation::hidden_posts(&mut tx, &spaces, 10).await.expect("hidden");
        assert_eq!((hidden.len(), hidden[0].hidden_by_name.as_deref()), (1, Some("ANA")));
        assert_eq!(threads::post(&mut tx, &post).await.expect("q").expect("post").hidden_at, Some(200));
        // A closed flag lets the same person flag again.
        assert!(moderation::insert_flag(&mut tx, &flag("f4", &post, &bo)).await.expect("anew"));
        assert!(moderation::restore_post(&mut tx, &post).await.expect("restore"));
        assert!(!moderation::restore_post(&mut tx, &post).await.expect("twice"));
        assert!(moderation::hidden_posts(&mut tx, &spaces, 10).await.expect("hidden").is_empty());
        tx.commit().await.expect("commit");
    })
    .await;
}

#[tokio::test]
async fn the_audit_log_reads_chosen_kinds_and_moderators_deletions() {
    each_backend(|store| async move {
        let space = new_id();
        let mut tx = store.begin().await.expect("begin");
        for (kind, data, space_id) in [
            ("post.hidden", serde_json::json!({"note": "x"}), Some(space.as_str())),
            ("post.deleted", serde_json::json!({"by_moderator": false}), Some(space.as_str())),
            ("post.deleted", serde_json::json!({"by_moderator": true}), Some(space.as_str())),
            ("post.created", serde_json::json!({}), Some(space.as_str())),
            ("admin.settings_changed", serde_json::json!({}), None),
        ] {
            let event = NewEvent { kind, actor_id: Some("someone"), space_id, subject_id: None, data };
            events::append(&mut tx, event, 1_000).await.expect("append");
        }
        let kinds = ["post.hidden", "admin.settings_changed"];
        let all = moderation::audit_events(&mut tx, &kinds, None, None, 10).await.expect("log");
        let seen: Vec<&str> = all.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(seen, ["admin.settings_changed", "post.deleted", "post.hidden"]);
        let spaced =
            moderation::audit_events(&mut tx, &kinds, Some(std::slice::from_ref(&space)), None, 10).await.expect("log");
        assert_eq!(spaced.len(), 2, "the instance-wide one is left out");
        let older = moderation::audit_events(&mut tx, &kinds, None, Some(all[1].seq), 10).await.expect("page");
        assert_eq!(older.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), ["post.hidden"]);
        assert!(moderation::audit_events(&mut tx, &kinds, Some(&[]), None, 10).await.expect("none").is_empty());
        let by_actor = events::latest_by_actor(&mut tx, "someone", std::slice::from_ref(&space), &["post.created"], 10)
            .await
            .expect("by actor");
        assert_eq!(by_actor.len(), 1);
        tx.commit().await.expect("commit");
    })
    .await;
}

#[tokio::test]
async fn a_person_has_one_picture_and_one_blog_at_a_time() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let (space, _) = thread(&store, &ana).await;
        let mut tx = store.begin().await.expect("begin");
        assert_eq!(users::set_avatar(&mut tx, &ana, Some(("k1", "image/png")), 5).await.expect("set"), None);
        assert_eq!(
            users::set_avatar(&mut tx, &ana, Some(("k2", "image/webp")), 6).await.expect("replace"),
            Some("k1".to_owned())
        );
        let row = users::avatar(&mut tx, "ana").await.expect("q").expect("row");
        assert_eq!(
            (row.avatar_key.as_deref(), row.avatar_type.as_deref(), row.avatar_updated_at),
            (Some("k2"), Some("image/webp"), Some(6))
        );
        assert_eq!(users::set_avatar(&mut tx, &ana, None, 7).await.expect("remove"), Some("k2".to_owned()));
        assert!(users::avatar(&mut tx, "nobody").await.expect("q").is_none());

        assert_eq!(users::blog_space(&mut tx, &ana).await.expect("q"), None);
        assert!(users::set_blog_space(&mut tx, &ana, &space).await.expect("set"));
        assert!(!users::set_blog_space(&mut tx, &ana, &new_id()).await.expect("again"), "the first one stands");
        assert_eq!(users::blog_space(&mut tx, &ana).await.expect("q"), Some(space));
        tx.commit().await.expect("commit");
    })
    .await;
}
