use stoa_domain::{JoinPolicy, Role, SpaceKind, Visibility};
use stoa_store::spaces::{self, NewSpace};
use stoa_store::testing::each_backend;
use stoa_store::threads::{self, NewPost, NewThread};
use stoa_store::{Store, StoreError, new_id};

use crate::person;

/// A space with one thread whose opening post is written by `author`.
pub async fn thread(store: &Store, author: &str) -> (String, String) {
    let space = new_id();
    let thread = new_id();
    let mut tx = store.begin().await.expect("begin");
    spaces::insert(
        &mut tx,
        &NewSpace {
            id: &space,
            kind: SpaceKind::Community,
            slug: "guild",
            name: "Guild",
            description: "",
            description_html: "",
            visibility: Visibility::Public,
            join_policy: JoinPolicy::Open,
            parent_id: None,
            created_by: author,
            created_at: 1,
        },
    )
    .await
    .expect("space");
    spaces::add_member(&mut tx, &space, author, Role::Owner, 1).await.expect("owner");
    threads::insert_thread(
        &mut tx,
        &NewThread {
            id: &thread,
            space_id: &space,
            author_id: author,
            kind: "discussion",
            title: "Hello",
            created_at: 10,
            anonymous: false,
            post_first: false,
            opens_at: None,
        },
    )
    .await
    .expect("thread");
    let opening = NewPost {
        id: &new_id(),
        thread_id: &thread,
        author_id: author,
        reply_to_id: None,
        body: "first",
        body_html: "<p>first</p>",
        created_at: 10,
        anonymous: false,
    };
    assert_eq!(threads::insert_post(&mut tx, &opening).await.expect("post"), 1);
    tx.commit().await.expect("commit");
    (space, thread)
}

#[tokio::test]
async fn posts_are_numbered_in_order_and_bump_the_thread() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let bo = person(&store, "bo").await;
        let (space, thread_id) = thread(&store, &ana).await;
        let mut tx = store.begin().await.expect("begin");
        let first = threads::posts(&mut tx, &thread_id, 1, 1).await.expect("posts").remove(0);
        let reply_id = new_id();
        let reply = NewPost {
            id: &reply_id,
            thread_id: &thread_id,
            author_id: &bo,
            reply_to_id: Some(&first.id),
            body: "second",
            body_html: "<p>second</p>",
            created_at: 20,
            anonymous: false,
        };
        assert_eq!(threads::insert_post(&mut tx, &reply).await.expect("reply"), 2);
        let missing = NewPost { thread_id: "nope", id: &new_id(), ..reply.clone() };
        assert!(matches!(threads::insert_post(&mut tx, &missing).await, Err(StoreError::NotFound)));
        tx.commit().await.expect("commit");

        let mut c = store.read().await.expect("read");
        let row = threads::thread(&mut c, &thread_id).await.expect("q").expect("thread");
        assert_eq!((row.post_count, row.last_activity_at, row.last_poster_id.as_deref()), (2, 20, Some(bo.as_str())));
        let posts = threads::posts(&mut c, &thread_id, 1, 50).await.expect("posts");
        assert_eq!(posts.iter().map(|p| p.number).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(
            (posts[1].reply_to_number, posts[1].author_username.as_str(), posts[1].space_id.as_str()),
            (Some(1), "bo", space.as_str())
        );
        assert_eq!(threads::posts(&mut c, &thread_id, 2, 50).await.expect("from 2").len(), 1);
        assert_eq!(threads::post(&mut c, &reply_id).await.expect("q").expect("post").body, "second");
        assert_eq!(threads::count_threads(&mut c, &space, threads::ThreadFilter::All).await.expect("count"), 1);
        let view = spaces::view_by_id(&mut c, &space, None).await.expect("q").expect("space");
        assert_eq!(view.space.thread_count, 1);
    })
    .await;
}

#[tokio::test]
async fn threads_list_newest_activity_first_with_the_viewers_position() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let (space, first_thread) = thread(&store, &ana).await;
        let mut tx = store.begin().await.expect("begin");
        let second = new_id();
        threads::insert_thread(
            &mut tx,
            &NewThread {
                id: &second,
                space_id: &space,
                author_id: &ana,
                kind: "discussion",
                title: "Later",
                created_at: 50,
                anonymous: false,
                post_first: false,
                opens_at: None,
            },
        )
        .await
        .expect("thread");
        threads::rename_thread(&mut tx, &first_thread, "Renamed").await.expect("rename");
        threads::record_visits(&mut tx, &[(ana.clone(), first_thread.clone(), 1, 60)]).await.expect("visit");
        tx.commit().await.expect("commit");

        let mut c = store.read().await.expect("read");
        let listed = threads::threads_in_space(&mut c, &space, Some(&ana), threads::ThreadFilter::All, false, 10, 0)
            .await
            .expect("list");
        assert_eq!(listed.iter().map(|t| t.thread.title.as_str()).collect::<Vec<_>>(), ["Later", "Renamed"]);
        assert_eq!((listed[0].viewer_last_read, listed[1].viewer_last_read), (None, Some(1)));
        assert_eq!(listed[1].author_display_name, "ANA");
        let anonymous = threads::threads_in_space(&mut c, &space, None, threads::ThreadFilter::All, false, 1, 1)
            .await
            .expect("page 2");
        assert_eq!((anonymous.len(), anonymous[0].viewer_last_read), (1, None));
    })
    .await;
}

#[tokio::test]
async fn reading_positions_never_move_backwards() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let (_, thread_id) = thread(&store, &ana).await;
        let mut tx = store.begin().await.expect("begin");
        threads::record_visits(&mut tx, &[(ana.clone(), thread_id.clone(), 5, 1)]).await.expect("visit");
        threads::record_visits(&mut tx, &[(ana.clone(), thread_id.clone(), 3, 2)]).await.expect("older visit");
        assert_eq!(threads::last_read(&mut tx, &ana, &thread_id).await.expect("q"), Some(5));
        assert_eq!(threads::last_read(&mut tx, "nobody", &thread_id).await.expect("q"), None);
        tx.commit().await.expect("commit");
    })
    .await;
}

#[tokio::test]
async fn edits_keep_earlier_versions_and_refuse_a_stale_version() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let (_, thread_id) = thread(&store, &ana).await;
        let mut tx = store.begin().await.expect("begin");
        let post = threads::posts(&mut tx, &thread_id, 1, 1).await.expect("posts").remove(0);
        assert!(threads::edit_post(&mut tx, &post.id, 1, "edited", "<p>edited</p>", 30).await.expect("edit"));
        assert!(!threads::edit_post(&mut tx, &post.id, 1, "stale", "<p>stale</p>", 31).await.expect("stale"));
        assert!(threads::edit_post(&mut tx, &post.id, 2, "again", "<p>again</p>", 32).await.expect("edit 2"));
        let now = threads::post(&mut tx, &post.id).await.expect("q").expect("post");
        assert_eq!((now.body.as_str(), now.version, now.edited_at), ("again", 3, Some(32)));
        let versions = threads::post_versions(&mut tx, &post.id).await.expect("versions");
        assert_eq!(
            versions.iter().map(|v| (v.version, v.body.as_str(), v.written_at)).collect::<Vec<_>>(),
            [(2, "edited", 30), (1, "first", 10)]
        );

        assert!(threads::soft_delete_post(&mut tx, &post.id, &ana, 40).await.expect("delete"));
        assert!(!threads::soft_delete_post(&mut tx, &post.id, &ana, 41).await.expect("twice"));
        assert!(!threads::edit_post(&mut tx, &post.id, 3, "zombie", "<p>zombie</p>", 42).await.expect("deleted"));
        let deleted = threads::post(&mut tx, &post.id).await.expect("q").expect("still there");
        assert_eq!(deleted.deleted_at, Some(40));
        tx.commit().await.expect("commit");
    })
    .await;
}

#[tokio::test]
async fn a_thread_is_read_with_its_space_and_the_readers_position_in_one_go() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let bob = person(&store, "bob").await;
        let (space, thread_id) = thread(&store, &ana).await;
        let mut tx = store.begin().await.expect("begin");
        threads::record_visits(&mut tx, &[(bob.clone(), thread_id.clone(), 1, 5)]).await.expect("visit");
        tx.commit().await.expect("commit");
        let mut c = store.read().await.expect("read");
        let as_bob = threads::thread_in_space(&mut c, &thread_id, Some(&bob)).await.expect("q").expect("found");
        assert_eq!(
            (as_bob.thread_title.as_str(), as_bob.thread_author_username.as_str(), as_bob.thread_post_count),
            ("Hello", "ana", 1)
        );
        assert_eq!(
            (as_bob.viewer_last_read, as_bob.space.space.id.as_str(), as_bob.space.viewer_role()),
            (Some(1), space.as_str(), None)
        );
        let as_ana = threads::thread_in_space(&mut c, &thread_id, Some(&ana)).await.expect("q").expect("found");
        assert_eq!((as_ana.viewer_last_read, as_ana.space.viewer_role()), (None, Some(Role::Owner)));
        assert!(threads::thread_in_space(&mut c, "nope", None).await.expect("q").is_none());
        // On SQLite a reader runs this lookup on the caller's thread; through
        // the same reader's sqlx connection it must read exactly the same.
        assert_eq!(c.reads_directly(), store.backend() == stoa_store::Backend::Sqlite);
        // The thread's and the space's settings share names in their tables.
        let mut tx = store.begin().await.expect("begin");
        sqlx::query("UPDATE threads SET post_first = 1, slow_mode_secs = 30 WHERE id = $1")
            .bind(&thread_id)
            .execute(&mut *tx)
            .await
            .expect("thread settings");
        sqlx::query("UPDATE spaces SET post_first = 0, slow_mode_secs = 5 WHERE id = $1")
            .bind(&space)
            .execute(&mut *tx)
            .await
            .expect("space settings");
        tx.commit().await.expect("commit");
        let found = threads::thread_in_space(&mut c, &thread_id, Some(&bob)).await.expect("q").expect("found");
        assert_eq!((found.state.post_first, found.state.slow_mode_secs), (1, 30));
        assert_eq!((found.space.space.post_first, found.space.space.slow_mode_secs), (0, 5));
        for viewer in [Some(bob.as_str()), Some(ana.as_str()), None] {
            let direct = threads::thread_in_space(&mut c, &thread_id, viewer).await.expect("q");
            let through_sqlx = threads::thread_in_space(&mut *c, &thread_id, viewer).await.expect("q");
            assert_eq!(direct, through_sqlx);
            assert!(direct.is_some());
        }
        assert_eq!(
            threads::titles_by_ids(&mut c, &[thread_id.clone(), "nope".into()]).await.expect("titles"),
            [(thread_id.clone(), "Hello".to_owned(), space.clone())]
        );
        let names = stoa_store::users::names_by_ids(&mut c, std::slice::from_ref(&ana)).await.expect("names");
        assert_eq!(names, [(ana.clone(), "ana".to_owned(), "ANA".to_owned())]);
        assert!(threads::titles_by_ids(&mut c, &[]).await.expect("none").is_empty());
    })
    .await;
}

#[tokio::test]
async fn every_change_to_how_posts_read_bumps_the_thread_revision() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let (_, thread_id) = thread(&store, &ana).await;
        let revision = |store: Store| {
            let id = thread_id.clone();
            async move {
                let mut c = store.read().await.expect("read");
                threads::thread(&mut c, &id).await.expect("q").expect("thread").revision
            }
        };
        let start = revision(store.clone()).await;
        let mut tx = store.begin().await.expect("begin");
        let post = threads::posts(&mut tx, &thread_id, 1, 1).await.expect("posts").remove(0);
        threads::edit_post(&mut tx, &post.id, 1, "edited", "<p>edited</p>", 2).await.expect("edit");
        tx.commit().await.expect("commit");
        assert_eq!(revision(store.clone()).await, start + 1, "an edit");
        let mut tx = store.begin().await.expect("begin");
        threads::bump_revisions_of_author(&mut tx, &ana).await.expect("rename");
        tx.commit().await.expect("commit");
        assert_eq!(revision(store.clone()).await, start + 2, "the author's new name");
        let mut tx = store.begin().await.expect("begin");
        threads::soft_delete_post(&mut tx, &post.id, &ana, 3).await.expect("delete");
        tx.commit().await.expect("commit");
        assert_eq!(revision(store.clone()).await, start + 3, "a delete");
    })
    .await;
}

#[tokio::test]
async fn a_space_is_as_recently_active_as_its_busiest_thread() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let (space, thread_id) = thread(&store, &ana).await;
        let mut tx = store.begin().await.expect("begin");
        let reply = NewPost {
            id: &new_id(),
            thread_id: &thread_id,
            author_id: &ana,
            reply_to_id: None,
            body: "b",
            body_html: "<p>b</p>",
            created_at: 777,
            anonymous: false,
        };
        threads::insert_post(&mut tx, &reply).await.expect("reply");
        tx.commit().await.expect("commit");
        let mut c = store.read().await.expect("read");
        assert_eq!(
            spaces::view_by_id(&mut c, &space, None).await.expect("q").expect("space").space.last_activity_at,
            777
        );
    })
    .await;
}

/// A space's thread list reads its page through indexes whatever the
/// space's size: at 100,000 threads, the plan of each of its two queries
/// (pinned threads, then the others by activity) follows an index in order,
/// with no sort of the whole space, on SQLite and PostgreSQL; and the pages
/// are the right ones (pinned first, then newest activity, across pages).
#[tokio::test]
async fn a_thread_list_follows_its_indexes_at_100_000_threads() {
    each_backend(|store| async move {
        let author = person(&store, "ana").await;
        let (space, first) = thread(&store, &author).await;
        let mut tx = store.begin().await.expect("begin");
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
             INSERT INTO threads (id, space_id, author_id, title, created_at, last_activity_at, post_count)
             SELECT 'g' || CAST(i AS TEXT), $1, $2, 'Generated', i, 1000 + i, 1 FROM n",
        )
        .bind(&space)
        .bind(&author)
        .execute(&mut *tx)
        .await
        .expect("generate threads");
        sqlx::query("UPDATE threads SET pinned_at = CASE id WHEN 'g5' THEN 2 ELSE 1 END WHERE id IN ('g5', 'g7')")
            .execute(&mut *tx)
            .await
            .expect("pin two");
        if store.backend() == stoa_store::Backend::Postgres {
            // As autovacuum would after so many rows (Stoa never analyzes a SQLite file).
            sqlx::query("ANALYZE threads").execute(&mut *tx).await.expect("analyze");
        }
        tx.commit().await.expect("commit");
        let mut conn = store.read().await.expect("read");

        let plans = threads::explain_thread_list(&mut conn, store.backend(), &space).await.expect("explain");
        let (pinned, rest) = (&plans[0], &plans[1]);
        match store.backend() {
            stoa_store::Backend::Sqlite => {
                assert!(pinned.contains("threads_pinned"), "pinned threads by their index: {pinned}");
                assert!(rest.contains("threads_by_activity"), "the others by activity: {rest}");
                for plan in [pinned, rest] {
                    assert!(!plan.contains("TEMP B-TREE"), "no sort of the whole space: {plan}");
                }
            }
            stoa_store::Backend::Postgres => {
                assert!(pinned.contains("threads_pinned"), "pinned threads by their index: {pinned}");
                assert!(
                    rest.contains("Index Scan Backward using threads_by_activity"),
                    "the others by activity: {rest}"
                );
                let top = rest.lines().take(2).collect::<Vec<_>>().join("\n");
                assert!(!top.contains("Sort"), "no sort of the whole space: {rest}");
            }
        }

        let ids = |page: &[threads::ThreadListItem]| page.iter().map(|t| t.thread.id.clone()).collect::<Vec<_>>();
        let page = |limit, offset| {
            let (store, space) = (store.clone(), space.clone());
            async move {
                let mut conn = store.read().await.expect("read");
                threads::threads_in_space(&mut conn, &space, None, threads::ThreadFilter::All, false, limit, offset)
                    .await
                    .expect("page")
            }
        };
        let one = ids(&page(4, 0).await);
        assert_eq!(&one[..2], ["g5", "g7"], "pinned first, last pinned first");
        assert_eq!(&one[2..], ["g100000", "g99999"], "then newest activity");
        assert_eq!(ids(&page(3, 1).await), ["g7", "g100000", "g99999"], "a page starting among the pinned");
        assert_eq!(ids(&page(2, 4).await), ["g99998", "g99997"], "a page past them");
        let last = ids(&page(3, 99_999).await);
        assert_eq!(last, ["g1", first.as_str()].map(String::from).to_vec(), "the oldest at the end");
    })
    .await;
}
