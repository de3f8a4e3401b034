//! Live documents: a snapshot, updates numbered densely after it, and
//! compaction that folds them in without losing later ones.

use stoa_store::docs;
use stoa_store::testing::each_backend;

use crate::person;
use crate::threads::thread;

#[tokio::test]
async fn updates_follow_the_snapshot_in_order_and_compaction_keeps_later_ones() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let (space, _) = thread(&store, &ana).await;
        let mut tx = store.begin().await.expect("begin");
        assert!(docs::create(&mut tx, "wiki:p1", &space, None, &[0, 0], 1, 10).await.expect("create"));
        assert!(!docs::create(&mut tx, "wiki:p1", &space, None, &[9, 9], 5, 11).await.expect("again"), "created once");
        let row = docs::by_id(&mut tx, "wiki:p1").await.expect("q").expect("doc");
        assert_eq!((row.snapshot.as_slice(), row.snapshot_seq, row.base_revision), (&[0u8, 0][..], 0, 1));

        let bytes: Vec<Vec<u8>> = (0u8..5).map(|i| vec![i, 255, 0, i]).collect();
        for (i, b) in bytes.iter().enumerate() {
            let seq = docs::append(&mut tx, "wiki:p1", b, Some(&ana), 20).await.expect("append");
            assert_eq!(seq, i as i64 + 1, "dense from 1");
        }
        let after = docs::updates_after(&mut tx, "wiki:p1", 2, 10).await.expect("after");
        assert_eq!(
            after.iter().map(|u| (u.seq, u.body.clone())).collect::<Vec<_>>(),
            vec![(3, bytes[2].clone()), (4, bytes[3].clone()), (5, bytes[4].clone())]
        );
        assert_eq!(docs::updates_after(&mut tx, "wiki:p1", 0, 2).await.expect("limit").len(), 2);

        // Fold in the first three; the last two stay, numbering goes on.
        assert!(docs::compact(&mut tx, "wiki:p1", &[7, 7, 7], 3).await.expect("compact"));
        assert!(!docs::compact(&mut tx, "wiki:p1", &[1], 2).await.expect("older"), "never back to an older snapshot");
        let row = docs::by_id(&mut tx, "wiki:p1").await.expect("q").expect("doc");
        assert_eq!((row.snapshot.as_slice(), row.snapshot_seq), (&[7u8, 7, 7][..], 3));
        let left: Vec<i64> =
            docs::updates_after(&mut tx, "wiki:p1", 0, 10).await.expect("left").iter().map(|u| u.seq).collect();
        assert_eq!(left, [4, 5]);
        assert!(docs::compact(&mut tx, "wiki:p1", &[8], 5).await.expect("all"));
        assert_eq!(docs::append(&mut tx, "wiki:p1", &[1], None, 30).await.expect("append"), 6, "after the snapshot");
        // Many at once: dense and in order, as the typists' batch came.
        let many: Vec<Vec<u8>> = (0..docs::APPEND_MAX).map(|i| vec![(i % 251) as u8, 1]).collect();
        let rows: Vec<(&[u8], Option<&str>)> =
            many.iter().enumerate().map(|(i, b)| (b.as_slice(), (i % 2 == 0).then_some(ana.as_str()))).collect();
        let seqs = docs::append_many(&mut tx, "wiki:p1", &rows, 40).await.expect("many");
        assert_eq!(seqs, (7..7 + docs::APPEND_MAX as i64).collect::<Vec<_>>());
        let stored = docs::updates_after(&mut tx, "wiki:p1", 6, 1000).await.expect("after");
        assert_eq!(stored.iter().map(|u| u.body.clone()).collect::<Vec<_>>(), many);
        assert!(docs::append_many(&mut tx, "wiki:p1", &[], 41).await.expect("none").is_empty());
        docs::set_base_revision(&mut tx, "wiki:p1", 4).await.expect("base");
        assert_eq!(docs::by_id(&mut tx, "wiki:p1").await.expect("q").expect("doc").base_revision, 4);
        assert!(docs::by_id(&mut tx, "wiki:nope").await.expect("q").is_none());
        tx.commit().await.expect("commit");
    })
    .await;
}
