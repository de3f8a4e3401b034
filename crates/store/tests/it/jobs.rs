//! The job queue's leases and the event-log cursor that only moves forward
//! from where it was read.

use stoa_store::testing::each_backend;
use stoa_store::{events, jobs};

#[tokio::test]
async fn a_job_is_held_by_one_worker_until_its_lease_runs_out() {
    each_backend(|store| async move {
        let mut tx = store.begin().await.expect("begin");
        jobs::enqueue(&mut tx, "j1", "mail.notice", "{}", 1_000, 1_000).await.expect("enqueue");
        jobs::enqueue(&mut tx, "j2", "mail.notice", "{}", 1_000, 5_000).await.expect("enqueue later");
        tx.commit().await.expect("commit");

        let mut c = store.begin().await.expect("begin");
        let first = jobs::claim(&mut c, 2_000, 60_000, "worker-a").await.expect("claim").expect("a due job");
        assert_eq!((first.id.as_str(), first.attempts), ("j1", 1));
        assert!(
            jobs::claim(&mut c, 2_000, 60_000, "worker-b").await.expect("claim").is_none(),
            "j1 is leased, j2 not due"
        );
        // Worker A dies; once the lease has run out, B takes the job over.
        let taken = jobs::claim(&mut c, 70_000, 60_000, "worker-b").await.expect("claim").expect("taken over");
        assert_eq!((taken.id.as_str(), taken.attempts), ("j1", 2));
        assert!(!jobs::complete(&mut c, "j1", "worker-a", 70_001).await.expect("late"), "A's lease is gone");
        assert!(jobs::complete(&mut c, "j1", "worker-b", 70_002).await.expect("complete"));
        assert!(!jobs::complete(&mut c, "j1", "worker-b", 70_003).await.expect("twice"), "done once");

        let next = jobs::claim(&mut c, 70_000, 60_000, "worker-c").await.expect("claim").expect("j2 is due");
        assert!(jobs::retry(&mut c, &next.id, "worker-c", 200_000, "421 try later").await.expect("retry"));
        assert!(jobs::claim(&mut c, 100_000, 60_000, "worker-c").await.expect("claim").is_none(), "backing off");
        let again = jobs::claim(&mut c, 200_000, 60_000, "worker-c").await.expect("claim").expect("due again");
        assert_eq!((again.attempts, again.last_error.as_deref()), (2, Some("421 try later")));
        assert!(jobs::fail(&mut c, "j2", "worker-c", 200_001, "550 no such user").await.expect("fail"));
        assert_eq!(jobs::pending(&mut c).await.expect("pending"), 0);
        assert!(jobs::by_id(&mut c, "j2").await.expect("get").expect("row").failed_at.is_some());
        assert_eq!(jobs::prune(&mut c, 1_000_000).await.expect("prune"), 2);
        c.commit().await.expect("commit");
    })
    .await;
}

#[tokio::test]
async fn a_cursor_moves_only_from_where_it_was_read() {
    each_backend(|store| async move {
        let mut c = store.begin().await.expect("begin");
        assert!(events::advance_cursor(&mut c, "notifications", 0, 5).await.expect("first"));
        assert!(!events::advance_cursor(&mut c, "notifications", 0, 7).await.expect("stale start"));
        assert!(!events::advance_cursor(&mut c, "notifications", 3, 7).await.expect("stale"));
        assert!(events::advance_cursor(&mut c, "notifications", 5, 9).await.expect("forward"));
        assert_eq!(events::cursor(&mut c, "notifications").await.expect("read"), 9);
        c.commit().await.expect("commit");
    })
    .await;
}
