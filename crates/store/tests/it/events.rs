use std::time::Duration;

use stoa_store::events::{self, NewEvent, kind};
use stoa_store::testing::each_backend;

fn event<'a>(kind: &'a str, space: Option<&'a str>) -> NewEvent<'a> {
    NewEvent { kind, actor_id: None, space_id: space, subject_id: None, data: serde_json::json!({"n": 1}) }
}

#[tokio::test]
async fn events_get_dense_increasing_sequence_numbers() {
    each_backend(|store| async move {
        let mut tx = store.begin().await.expect("begin");
        let a = events::append(&mut tx, event(kind::THREAD_CREATED, Some("s1")), 10).await.expect("a");
        let b = events::append(&mut tx, event(kind::POST_CREATED, Some("s2")), 11).await.expect("b");
        tx.commit().await.expect("commit");
        assert_eq!((a, b), (1, 2));

        let mut c = store.read().await.expect("read");
        assert_eq!(events::last_seq(&mut c).await.expect("last"), 2);
        let all = events::after(&mut c, 0, 10).await.expect("after");
        assert_eq!(all.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(all[0].data, r#"{"n":1}"#);
        assert_eq!(events::after(&mut c, 1, 10).await.expect("after").len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_rolled_back_transaction_leaves_no_event() {
    each_backend(|store| async move {
        let mut tx = store.begin().await.expect("begin");
        events::append(&mut tx, event(kind::POST_CREATED, None), 10).await.expect("append");
        drop(tx);
        let mut c = store.read().await.expect("read");
        assert_eq!(events::last_seq(&mut c).await.expect("last"), 0);
    })
    .await;
}

#[tokio::test]
async fn space_activity_is_filtered_by_space_and_kind_and_pages_backwards() {
    each_backend(|store| async move {
        let mut tx = store.begin().await.expect("begin");
        for (k, s) in [
            (kind::THREAD_CREATED, "s1"),
            (kind::POST_CREATED, "s1"),
            (kind::POST_CREATED, "s2"),
            (kind::MEMBER_JOINED, "s1"),
            (kind::POST_CREATED, "s3"),
        ] {
            events::append(&mut tx, event(k, Some(s)), 10).await.expect("append");
        }
        tx.commit().await.expect("commit");
        let mut c = store.read().await.expect("read");
        let spaces = vec!["s1".to_owned(), "s2".to_owned()];
        let kinds = [kind::THREAD_CREATED, kind::POST_CREATED];
        let page = events::latest_in_spaces(&mut c, &spaces, &kinds, None, 2).await.expect("q");
        assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), [3, 2]);
        let older = events::latest_in_spaces(&mut c, &spaces, &kinds, Some(2), 10).await.expect("q");
        assert_eq!(older.iter().map(|e| e.seq).collect::<Vec<_>>(), [1]);
        assert!(events::latest_in_spaces(&mut c, &[], &kinds, None, 10).await.expect("q").is_empty());
    })
    .await;
}

#[tokio::test]
async fn consumer_cursors_are_kept() {
    each_backend(|store| async move {
        let mut tx = store.begin().await.expect("begin");
        assert_eq!(events::cursor(&mut tx, "search").await.expect("get"), 0);
        events::set_cursor(&mut tx, "search", 41).await.expect("set");
        events::set_cursor(&mut tx, "search", 42).await.expect("set again");
        tx.commit().await.expect("commit");
        let mut c = store.read().await.expect("read");
        assert_eq!(events::cursor(&mut c, "search").await.expect("get"), 42);
    })
    .await;
}

/// A consumer that follows the log never sees a gap that fills in later,
/// even when transactions commit in another order than they started. On
/// PostgreSQL this is what the event-log lock is for.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_consumer_never_skips_an_event_that_commits_late() {
    each_backend(|store| async move {
        const WRITERS: usize = 6;
        const EACH: usize = 15;
        let mut writers = Vec::new();
        for w in 0..WRITERS {
            let store = store.clone();
            writers.push(tokio::spawn(async move {
                for i in 0..EACH {
                    let mut tx = store.begin().await.expect("begin");
                    events::append(&mut tx, event(kind::POST_CREATED, None), 1).await.expect("append");
                    // Hold the transaction open a varying while after taking a
                    // sequence number, as a slow request would.
                    tokio::time::sleep(Duration::from_millis(((w * 7 + i * 3) % 5) as u64)).await;
                    tx.commit().await.expect("commit");
                }
            }));
        }
        let reader = {
            let store = store.clone();
            tokio::spawn(async move {
                let mut cursor = 0;
                while cursor < (WRITERS * EACH) as i64 {
                    let mut c = store.read().await.expect("read");
                    for e in events::after(&mut c, cursor, 1_000).await.expect("after") {
                        assert_eq!(e.seq, cursor + 1, "the consumer saw seq {} right after {cursor}", e.seq);
                        cursor = e.seq;
                    }
                    drop(c);
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                cursor
            })
        };
        for w in writers {
            w.await.expect("writer");
        }
        let seen =
            tokio::time::timeout(Duration::from_secs(30), reader).await.expect("reader finishes").expect("reader");
        assert_eq!(seen, (WRITERS * EACH) as i64);
    })
    .await;
}

/// A page of the newest events of some spaces (the home feed's and the
/// space pages' query) never sorts a space's history: at 100,000 events,
/// many spaces are read in the log's own order and a few each through
/// `events_by_space`, on SQLite and PostgreSQL; both find the same page.
#[tokio::test]
async fn the_newest_events_of_spaces_follow_the_log_at_100_000_events() {
    stoa_store::testing::each_backend(|store| async move {
        let mut tx = store.begin().await.expect("begin");
        // Space 0 is busy (nine events in ten), the others share the rest.
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
             INSERT INTO events (seq, occurred_at, kind, space_id, subject_id, data)
             SELECT i, i,
                    CASE WHEN i % 10 = 0 THEN 'thread.created' WHEN i % 7 = 0 THEN 'chat.posted' ELSE 'post.created' END,
                    CASE WHEN i % 10 = 3 THEN 'space-' || CAST(1 + i / 10 % 19 AS TEXT) ELSE 'space-0' END,
                    'p' || CAST(i AS TEXT), '{}'
             FROM n",
        )
        .execute(&mut *tx)
        .await
        .expect("generate events");
        if store.backend() == stoa_store::Backend::Postgres {
            sqlx::query("ANALYZE events").execute(&mut *tx).await.expect("analyze");
        }
        tx.commit().await.expect("commit");
        let mut conn = store.read().await.expect("read");
        let all: Vec<String> = (0..20).map(|i| format!("space-{i}")).collect();
        let few = ["space-0".to_owned(), "space-5".to_owned()];
        let kinds = ["thread.created", "post.created"];
        for (spaces, plans) in [(&all[..], 1), (&few[..], 2)] {
            let explained = stoa_store::events::explain_latest_in_spaces(&mut conn, store.backend(), spaces, &kinds)
                .await
                .expect("explain");
            assert_eq!(explained.len(), plans, "{explained:?}");
            for plan in explained {
                match store.backend() {
                    stoa_store::Backend::Sqlite => {
                        assert!(!plan.contains("TEMP B-TREE"), "no sort of the history: {plan}");
                        let by_space = plan.contains("events_by_space");
                        assert_eq!(by_space, plans > 1, "many spaces in the log's order, few by space: {plan}");
                    }
                    stoa_store::Backend::Postgres => {
                        let top = plan.lines().take(2).collect::<Vec<_>>().join("\n");
                        assert!(!top.contains("Sort"), "no sort of the history: {plan}");
                    }
                }
            }
        }
        let seqs = |page: Vec<stoa_store::events::Event>| page.iter().map(|e| e.seq).collect::<Vec<_>>();
        let page = stoa_store::events::latest_in_spaces(&mut conn, &all, &kinds, Some(99_990), 3).await.expect("page");
        assert_eq!(seqs(page), [99_989, 99_987, 99_986], "newest first, before the cursor, of those kinds");
        // 99,983 is in space-5 (1 + 9,998 % 19); the rest of the page in space-0.
        let page = stoa_store::events::latest_in_spaces(&mut conn, &few, &kinds, Some(99_985), 3).await.expect("page");
        assert_eq!(seqs(page), [99_984, 99_983, 99_982], "the spaces' pages merged in order");
    })
    .await;
}
