//! Group commit on SQLite's single writer (plain transactions on PostgreSQL):
//! concurrent writers share commits without sharing failures.

use std::time::Duration;

use stoa_domain::Role;
use stoa_store::events::{self, NewEvent};
use stoa_store::testing::each_backend;
use stoa_store::{Store, settings};

async fn set(store: &Store, key: &str, value: &str) -> stoa_store::Result<()> {
    let mut tx = store.begin().await?;
    settings::set(&mut tx, key, value).await?;
    tx.commit().await
}

async fn get(store: &Store, key: &str) -> Option<String> {
    let mut c = store.read().await.expect("read");
    settings::get(&mut c, key).await.expect("get")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_concurrent_writers_all_commit_and_are_visible_when_told() {
    each_backend(|store| async move {
        let mut tasks = Vec::new();
        for i in 0..40 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let key = format!("k{i}");
                set(&store, &key, "v").await.expect("commit");
                // Once commit returns, the write is durable and visible to readers.
                assert_eq!(get(&store, &key).await.as_deref(), Some("v"));
            }));
        }
        for t in tasks {
            t.await.expect("writer");
        }
        let mut c = store.read().await.expect("read");
        assert_eq!(settings::all(&mut c).await.expect("all").len(), 40);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failed_or_dropped_writer_takes_nothing_else_with_it() {
    each_backend(|store| async move {
        let mut tasks = Vec::new();
        for i in 0..30 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let mut tx = store.begin().await.expect("begin");
                settings::set(&mut tx, &format!("k{i}"), "v").await.expect("set");
                events::append(
                    &mut tx,
                    NewEvent {
                        kind: "test",
                        actor_id: None,
                        space_id: None,
                        subject_id: None,
                        data: serde_json::json!({}),
                    },
                    1,
                )
                .await
                .expect("append");
                match i % 3 {
                    // Dropped after writing: rolled back.
                    0 => drop(tx),
                    // A failing statement, then dropped: rolled back.
                    1 => {
                        let bad =
                            stoa_store::spaces::add_member(&mut tx, "no-such-space", "no-such-user", Role::Member, 1)
                                .await;
                        assert!(bad.is_err(), "a foreign key refuses the membership");
                        drop(tx);
                    }
                    _ => tx.commit().await.expect("commit"),
                }
            }));
        }
        for t in tasks {
            t.await.expect("writer");
        }
        // Give dropped transactions' clean-up a moment to run, then look.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut c = store.read().await.expect("read");
        let kept: Vec<String> = settings::all(&mut c).await.expect("all").into_iter().map(|(k, _)| k).collect();
        assert_eq!(kept.len(), 10, "only the committed writers' rows remain: {kept:?}");
        assert!(kept.iter().all(|k| k[1..].parse::<usize>().is_ok_and(|i| i % 3 == 2)), "{kept:?}");
        let seqs: Vec<i64> = events::after(&mut c, 0, 100).await.expect("events").into_iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (1..=10).collect::<Vec<_>>(), "event numbers stay dense after rollbacks");
        drop(c);
        // And the writer is still usable.
        set(&store, "after", "ok").await.expect("write after failures");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_commit_waiting_for_its_batch_is_not_stranded_by_a_dropped_neighbour() {
    each_backend(|store| async move {
        // A holds the writer; B queues behind it, so A's commit defers to B.
        let mut a = store.begin().await.expect("begin a");
        settings::set(&mut a, "a", "1").await.expect("set a");
        let b_store = store.clone();
        let b = tokio::spawn(async move {
            let mut b = b_store.begin().await.expect("begin b");
            settings::set(&mut b, "b", "1").await.expect("set b");
            tokio::time::sleep(Duration::from_millis(30)).await;
            drop(b);
        });
        tokio::time::sleep(Duration::from_millis(30)).await;
        tokio::time::timeout(Duration::from_secs(5), a.commit())
            .await
            .expect("a's commit completes")
            .expect("commit a");
        b.await.expect("b");
        assert_eq!(get(&store, "a").await.as_deref(), Some("1"));
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(get(&store, "b").await, None);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_waiter_that_gives_up_does_not_strand_later_commits() {
    each_backend(|store| async move {
        let mut a = store.begin().await.expect("begin a");
        settings::set(&mut a, "a", "1").await.expect("set a");
        // B queues for the writer while A holds it, then its caller gives up
        // (a client that left) before its turn comes.
        let b_store = store.clone();
        let gave_up = tokio::time::timeout(Duration::from_millis(30), b_store.begin()).await;
        assert!(gave_up.is_err() || store.backend() == stoa_store::Backend::Postgres, "B was still waiting");
        drop(gave_up);
        // Nobody is waiting now; A's commit must not wait for anyone.
        tokio::time::timeout(Duration::from_secs(5), a.commit())
            .await
            .expect("a's commit completes")
            .expect("commit a");
        assert_eq!(get(&store, "a").await.as_deref(), Some("1"));
        tokio::time::timeout(Duration::from_secs(5), set(&store, "after", "ok"))
            .await
            .expect("in time")
            .expect("the writer still works");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_writer_cancelled_halfway_leaves_nothing_behind() {
    each_backend(|store| async move {
        for i in 0..20 {
            let store2 = store.clone();
            // Cancel a transaction at varying points of its life.
            let _ = tokio::time::timeout(Duration::from_micros(50 * i), async move {
                let mut tx = store2.begin().await.expect("begin");
                settings::set(&mut tx, &format!("cancelled{i}"), "x").await.expect("set");
                tokio::time::sleep(Duration::from_millis(5)).await;
                drop(tx);
            })
            .await;
        }
        set(&store, "survivor", "ok").await.expect("the writer still works");
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut c = store.read().await.expect("read");
        let keys: Vec<String> = settings::all(&mut c).await.expect("all").into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["survivor"]);
    })
    .await;
}
