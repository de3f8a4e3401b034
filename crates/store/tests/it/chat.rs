//! Chat messages, presence across nodes, and signals between processes.

use std::time::Duration;

use stoa_store::chat;
use stoa_store::signals::{self, Heard};
use stoa_store::testing::each_backend;

use crate::person;
use crate::threads::thread;

#[tokio::test]
async fn a_rooms_history_pages_backwards_and_keeps_deleted_messages_in_place() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let bo = person(&store, "bo").await;
        let (space, _) = thread(&store, &ana).await;
        let other = crate::spaces::space(&store, "elsewhere", None, &bo).await;
        let mut tx = store.begin().await.expect("begin");
        let mut ids = Vec::new();
        for i in 0..5 {
            let id = stoa_store::new_id();
            let author = if i % 2 == 0 { &ana } else { &bo };
            chat::insert(&mut tx, &id, &space, author, &format!("m{i}"), &format!("<p>m{i}</p>"), 100 + i)
                .await
                .expect("insert");
            ids.push(id);
            // ULIDs made in the same millisecond still sort, but make sure.
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        chat::insert(&mut tx, &stoa_store::new_id(), &other, &bo, "elsewhere", "<p>elsewhere</p>", 200)
            .await
            .expect("insert");
        let newest = chat::page(&mut tx, &space, None, 3).await.expect("page");
        assert_eq!(newest.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), ["m4", "m3", "m2"]);
        assert_eq!(newest[1].author_username, "bo");
        let older = chat::page(&mut tx, &space, Some(&newest[2].id), 3).await.expect("page");
        assert_eq!(older.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), ["m1", "m0"]);

        assert!(chat::edit(&mut tx, &ids[0], "m0!", "<p>m0!</p>", 300).await.expect("edit"));
        assert!(chat::delete(&mut tx, &ids[1], &ana, 301).await.expect("delete"));
        assert!(!chat::delete(&mut tx, &ids[1], &ana, 302).await.expect("twice"), "deleted once");
        assert!(!chat::edit(&mut tx, &ids[1], "back", "<p>back</p>", 303).await.expect("edit"), "not once deleted");
        let rows = chat::by_ids(&mut tx, &ids[..2]).await.expect("rows");
        let first = rows.iter().find(|r| r.id == ids[0]).expect("first");
        let second = rows.iter().find(|r| r.id == ids[1]).expect("second");
        assert_eq!((first.body.as_str(), first.edited_at), ("m0!", Some(300)));
        assert_eq!((second.body.as_str(), second.body_html.as_str(), second.deleted_at), ("", "", Some(301)));
        assert_eq!(
            chat::page(&mut tx, &space, None, 10).await.expect("page").len(),
            5,
            "a deleted message keeps its place"
        );
        tx.commit().await.expect("commit");
    })
    .await;
}

#[tokio::test]
async fn presence_counts_only_people_on_living_nodes() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let bo = person(&store, "bo").await;
        let (space, _) = thread(&store, &ana).await;
        let mut tx = store.begin().await.expect("begin");
        chat::renew_node(&mut tx, "node-a", 1_000 + 30_000, 1_000).await.expect("renew");
        chat::renew_node(&mut tx, "node-b", 1_000 + 30_000, 1_000).await.expect("renew");
        chat::arrive(&mut tx, &space, &ana, "node-a", 1_000).await.expect("arrive");
        chat::arrive(&mut tx, &space, &ana, "node-b", 1_001).await.expect("on a second node too");
        chat::arrive(&mut tx, &space, &bo, "node-b", 1_002).await.expect("arrive");
        chat::arrive(&mut tx, &space, &bo, "node-b", 1_003).await.expect("twice is once");
        let (people, count) = chat::present(&mut tx, &space, 2_000, 10).await.expect("present");
        assert_eq!(people.iter().map(|p| p.1.as_str()).collect::<Vec<_>>(), ["ana", "bo"]);
        assert_eq!(count, 2, "a person on two nodes counts once");
        let (shown, count) = chat::present(&mut tx, &space, 2_000, 1).await.expect("present");
        assert_eq!((shown.len(), count), (1, 2), "the first few, and how many in all");

        // Node B stops renewing itself: its people are not counted, then swept.
        chat::renew_node(&mut tx, "node-a", 40_000 + 30_000, 40_000).await.expect("renew");
        let (people, _) = chat::present(&mut tx, &space, 40_000, 10).await.expect("present");
        assert_eq!(people.iter().map(|p| p.1.as_str()).collect::<Vec<_>>(), ["ana"]);
        chat::depart(&mut tx, &space, &ana, "node-a").await.expect("depart");
        assert_eq!(chat::present(&mut tx, &space, 40_000, 10).await.expect("present").1, 0);
        chat::arrive(&mut tx, &space, &ana, "node-a", 41_000).await.expect("arrive");
        chat::forget_node(&mut tx, "node-a").await.expect("forget");
        assert_eq!(
            chat::present(&mut tx, &space, 41_000, 10).await.expect("present").1,
            0,
            "a node that stops takes its people"
        );
        tx.commit().await.expect("commit");
    })
    .await;
}

/// The next signal heard within two seconds.
async fn heard(ear: &mut signals::Listener) -> Option<Heard> {
    tokio::time::timeout(Duration::from_secs(2), ear.recv()).await.ok()
}

#[tokio::test]
async fn signals_reach_every_listener_and_a_commit_says_the_log_grew() {
    each_backend(|store| async move {
        let mut one = store.listen().await.expect("listen");
        let mut two = store.listen().await.expect("listen");
        store.signal("hello").await.expect("signal");
        for ear in [&mut one, &mut two] {
            assert_eq!(heard(ear).await, Some(Heard::Signal("hello".into())));
        }
        assert!(store.signal(&"x".repeat(signals::MAX_BYTES + 1)).await.is_err(), "too long for PostgreSQL");

        // An event appended in a transaction that rolls back says nothing;
        // one that commits says `log`.
        let ana = person(&store, "ana").await;
        while tokio::time::timeout(Duration::from_millis(200), one.recv()).await.is_ok() {}
        let event = |kind| stoa_store::events::NewEvent {
            kind,
            actor_id: Some(ana.as_str()),
            space_id: None,
            subject_id: None,
            data: serde_json::json!({}),
        };
        let mut tx = store.begin().await.expect("begin");
        stoa_store::events::append(&mut tx, event("test.rolled_back"), 1).await.expect("append");
        drop(tx);
        assert!(tokio::time::timeout(Duration::from_millis(300), one.recv()).await.is_err(), "nothing committed");
        let mut tx = store.begin().await.expect("begin");
        stoa_store::events::append(&mut tx, event("test.committed"), 1).await.expect("append");
        tx.commit().await.expect("commit");
        assert_eq!(heard(&mut one).await, Some(Heard::Signal(signals::LOG.into())));
    })
    .await;
}
