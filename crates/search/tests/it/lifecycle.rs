//! Changes, commits, cursors and the on-disk index.

use std::thread;

use stoa_search::{Change, Kind, SearchIndex};

use crate::helpers::{doc, ids, index_with, search, sorted_ids, space_id, thread};

#[test]
fn a_fresh_index_has_no_cursor_and_no_documents() {
    let index = SearchIndex::in_memory().unwrap();
    assert_eq!(index.cursor(), None);
    assert_eq!(index.num_docs(), 0);
    assert_eq!(search(&index, "anything", &["guild"]).total, 0);
}

#[test]
fn a_search_right_after_apply_sees_the_change() {
    let index = SearchIndex::in_memory().unwrap();
    index.apply(vec![Change::Upsert(thread("t1", "guild", "Sourdough starter", "Feed it daily"))], 3).unwrap();
    assert_eq!(index.cursor(), Some(3));
    assert_eq!(index.num_docs(), 1);
    assert_eq!(ids(&search(&index, "sourdough", &["guild"])), ["t1"]);
}

#[test]
fn an_upsert_replaces_the_document_with_the_same_kind_and_id() {
    let index = index_with(vec![
        thread("t1", "guild", "Old title about kites", "kites"),
        // Same id, another kind: a different document.
        doc(Kind::Post, "t1", "guild", "A post about kites", "kites"),
    ]);
    index.apply(vec![Change::Upsert(thread("t1", "guild", "New title about gliders", "gliders"))], 2).unwrap();

    assert_eq!(index.num_docs(), 2);
    let kites = search(&index, "kites", &["guild"]);
    assert_eq!(kites.total, 1);
    assert_eq!(kites.hits[0].kind, Kind::Post);
    let gliders = search(&index, "gliders", &["guild"]);
    assert_eq!(gliders.total, 1);
    assert_eq!(gliders.hits[0].title, "New title about gliders");
}

#[test]
fn the_last_upsert_of_a_batch_wins() {
    let index = SearchIndex::in_memory().unwrap();
    let changes = vec![
        Change::Upsert(thread("t1", "guild", "First draft", "alpha")),
        Change::Upsert(thread("t1", "guild", "Second draft", "beta")),
    ];
    index.apply(changes, 1).unwrap();
    assert_eq!(index.num_docs(), 1);
    assert_eq!(search(&index, "alpha", &["guild"]).total, 0);
    assert_eq!(search(&index, "beta", &["guild"]).hits[0].title, "Second draft");
}

#[test]
fn delete_removes_one_document() {
    let index = index_with(vec![
        thread("t1", "guild", "Knitting patterns", "wool"),
        thread("t2", "guild", "Knitting needles", "wool"),
    ]);
    index.apply(vec![Change::Delete { kind: Kind::Thread, id: "t1".into() }], 2).unwrap();
    assert_eq!(ids(&search(&index, "knitting", &["guild"])), ["t2"]);
    // Deleting what is not there is not an error.
    index.apply(vec![Change::Delete { kind: Kind::Post, id: "t2".into() }], 3).unwrap();
    assert_eq!(index.num_docs(), 1);
}

#[test]
fn delete_space_removes_every_document_of_the_space() {
    let index = index_with(vec![
        thread("t1", "guild", "Pottery wheel", "clay"),
        doc(Kind::WikiPage, "w1", "guild", "Glazes", "clay"),
        thread("t2", "club", "Clay sourcing", "clay"),
    ]);
    index.apply(vec![Change::DeleteSpace { space_id: space_id("guild") }], 2).unwrap();
    assert_eq!(index.num_docs(), 1);
    assert_eq!(sorted_ids(&search(&index, "clay", &["guild", "club"])), ["t2"]);
}

#[test]
fn an_empty_batch_still_moves_the_cursor() {
    let index = index_with(vec![thread("t1", "guild", "Birds", "finches")]);
    index.apply(Vec::new(), 8).unwrap();
    assert_eq!(index.cursor(), Some(8));
    // Applying the same empty batch again changes nothing.
    index.apply(Vec::new(), 8).unwrap();
    assert_eq!(index.cursor(), Some(8));
    assert_eq!(index.num_docs(), 1);
}

#[test]
fn clear_removes_everything_and_forgets_the_cursor() {
    let index = index_with(vec![thread("t1", "guild", "Birds", "finches"), thread("t2", "club", "Bees", "hives")]);
    index.clear().unwrap();
    assert_eq!(index.cursor(), None);
    assert_eq!(index.num_docs(), 0);
    assert_eq!(search(&index, "birds", &["guild"]).total, 0);
    // The index is usable again afterwards.
    index.apply(vec![Change::Upsert(thread("t3", "guild", "Birds again", "robins"))], 1).unwrap();
    assert_eq!(ids(&search(&index, "birds", &["guild"])), ["t3"]);
}

#[test]
fn the_cursor_and_documents_survive_reopening_an_on_disk_index() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open(dir.path()).unwrap();
        assert_eq!(index.cursor(), None);
        index.apply(vec![Change::Upsert(thread("t1", "guild", "Telescope mirrors", "grinding"))], 7).unwrap();
        index.apply(vec![Change::Upsert(thread("t2", "guild", "Eyepieces", "focal length"))], 9).unwrap();
    }
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(index.cursor(), Some(9));
    assert_eq!(index.num_docs(), 2);
    assert_eq!(ids(&search(&index, "telescope", &["guild"])), ["t1"]);
}

#[test]
fn a_cleared_on_disk_index_reopens_without_a_cursor() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open(dir.path()).unwrap();
        index.apply(vec![Change::Upsert(thread("t1", "guild", "Telescope mirrors", "grinding"))], 7).unwrap();
        index.clear().unwrap();
    }
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(index.cursor(), None);
    assert_eq!(index.num_docs(), 0);
}

#[test]
fn a_directory_is_opened_by_one_index_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let first = SearchIndex::open(dir.path()).unwrap();
    assert!(SearchIndex::open(dir.path()).is_err());
    drop(first);
    assert!(SearchIndex::open(dir.path()).is_ok());
}

#[test]
fn searches_run_while_batches_are_applied() {
    let index = SearchIndex::in_memory().unwrap();
    index.apply(vec![Change::Upsert(thread("seed", "guild", "Common word", "common"))], 0).unwrap();
    let searchers: Vec<_> = (0..4)
        .map(|_| {
            let index = index.clone();
            thread::spawn(move || {
                for _ in 0..50 {
                    let results = search(&index, "common", &["guild"]);
                    assert!(results.total >= 1);
                    assert_eq!(results.total, results.facets.kinds.iter().map(|(_, n)| *n as usize).sum::<usize>());
                }
            })
        })
        .collect();
    for batch in 1..=20 {
        let docs = (0..10).map(|i| Change::Upsert(thread(&format!("t{batch}-{i}"), "guild", "Common", "common")));
        index.apply(docs.collect(), batch).unwrap();
    }
    for searcher in searchers {
        searcher.join().unwrap();
    }
    assert_eq!(index.cursor(), Some(20));
    assert_eq!(search(&index, "common", &["guild"]).total, 201);
}
