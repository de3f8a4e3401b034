//! Notifications written many at a time.

use stoa_store::new_id;
use stoa_store::notifications::{NewNotification, insert_many};
use stoa_store::testing::each_backend;

use crate::person;

/// A reply notification for `user` about event `seq`.
fn reply<'a>(id: &'a str, user: &'a str, seq: i64) -> NewNotification<'a> {
    NewNotification {
        id,
        user_id: user,
        event_seq: seq,
        kind: "reply",
        actor_id: None,
        space_id: None,
        thread_id: Some("t"),
        post_id: Some("p"),
        data: "{}",
        created_at: 1_000 + seq,
        delivery: "app",
    }
}

#[tokio::test]
async fn many_notifications_are_written_at_once_and_a_repeat_for_the_same_event_is_left_out() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let bob = person(&store, "bob").await;
        // More rows than one statement carries, for two people.
        let mut planned: Vec<(String, String, i64)> = Vec::new();
        for seq in 0..250 {
            planned.push((new_id(), ana.clone(), seq));
            planned.push((new_id(), bob.clone(), seq));
        }
        let news: Vec<NewNotification<'_>> = planned.iter().map(|(id, user, seq)| reply(id, user, *seq)).collect();
        let mut tx = store.begin().await.expect("begin");
        let mut written = insert_many(&mut tx, &news).await.expect("insert");
        tx.commit().await.expect("commit");
        written.sort();
        let mut all: Vec<String> = planned.iter().map(|r| r.0.clone()).collect();
        all.sort();
        assert_eq!(written, all);

        // The same people and events again, under new ids, plus one new event:
        // only the new one is written.
        let again_ids: Vec<String> = (0..3).map(|_| new_id()).collect();
        let again = [(&again_ids[0], &ana, 7), (&again_ids[1], &bob, 249), (&again_ids[2], &ana, 250)];
        let news: Vec<NewNotification<'_>> = again
            .iter()
            .map(|(id, user, seq)| NewNotification {
                actor_id: Some(&bob),
                thread_id: None,
                post_id: None,
                data: "{\"n\":1}",
                created_at: 5,
                delivery: "email",
                ..reply(id, user, *seq)
            })
            .collect();
        let mut tx = store.begin().await.expect("begin");
        assert_eq!(insert_many(&mut tx, &news).await.expect("insert"), [again_ids[2].clone()]);
        assert!(insert_many(&mut tx, &[]).await.expect("nothing").is_empty());
        tx.commit().await.expect("commit");
        let mut c = store.read().await.expect("read");
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM notifications").fetch_one(&mut *c).await.expect("count");
        assert_eq!(count, 501);
        let (kind, delivery, data): (String, String, String) =
            sqlx::query_as("SELECT kind, delivery, data FROM notifications WHERE id = $1")
                .bind(&again_ids[2])
                .fetch_one(&mut *c)
                .await
                .expect("row");
        assert_eq!((kind.as_str(), delivery.as_str(), data.as_str()), ("reply", "email", "{\"n\":1}"));
    })
    .await;
}

/// The bell's query (a person's unread notifications, newest first) never
/// visits what was read: at 100,000 read notifications it follows
/// `notifications_unread` in order, on SQLite and PostgreSQL, and finds
/// the few unread ones.
#[tokio::test]
async fn unread_notifications_are_found_without_reading_100_000_read_ones() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let mut tx = store.begin().await.expect("begin");
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
             INSERT INTO notifications (id, user_id, event_seq, kind, data, created_at, read_at, delivery)
             SELECT 'n' || CAST(i AS TEXT), $1, i, 'reply', '{}', i,
                    CASE WHEN i IN (500, 70000) THEN NULL ELSE i + 1 END, 'app'
             FROM n",
        )
        .bind(&ana)
        .execute(&mut *tx)
        .await
        .expect("generate notifications");
        if store.backend() == stoa_store::Backend::Postgres {
            sqlx::query("ANALYZE notifications").execute(&mut *tx).await.expect("analyze");
        }
        tx.commit().await.expect("commit");
        let mut conn = store.read().await.expect("read");
        let plan = stoa_store::notifications::explain_unread(&mut conn, store.backend(), &ana).await.expect("explain");
        assert!(plan.contains("notifications_unread"), "{plan}");
        match store.backend() {
            stoa_store::Backend::Sqlite => assert!(!plan.contains("TEMP B-TREE"), "no sort: {plan}"),
            stoa_store::Backend::Postgres => assert!(!plan.contains("Sort"), "no sort: {plan}"),
        }
        let unread = stoa_store::notifications::unread(&mut conn, &ana, 10).await.expect("unread");
        assert_eq!(unread.iter().map(|n| n.event_seq).collect::<Vec<_>>(), [70000, 500]);
    })
    .await;
}
