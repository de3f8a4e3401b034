//! Offsets and limits.

use std::collections::HashSet;

use stoa_search::{Doc, Kind, MAX_LIMIT, MAX_OFFSET, Query, SearchIndex};

use crate::helpers::{doc, index_with, space_id};

fn numbered(count: i64) -> SearchIndex {
    let docs = (0..count)
        .map(|i| Doc { updated_at: i, ..doc(Kind::Post, &format!("p{i:03}"), "guild", "Page", "page") })
        .collect();
    index_with(docs)
}

fn page(index: &SearchIndex, offset: usize, limit: usize) -> stoa_search::Results {
    let query = Query { text: "page".into(), readable_spaces: vec![space_id("guild")], offset, limit };
    index.search(&query).unwrap()
}

#[test]
fn pages_do_not_overlap_and_cover_every_match() {
    let index = numbered(25);
    let mut seen = HashSet::new();
    let mut order = Vec::new();
    for offset in [0, 10, 20] {
        let results = page(&index, offset, 10);
        assert_eq!(results.total, 25);
        for hit in results.hits {
            assert!(seen.insert(hit.id.clone()), "{} appeared twice", hit.id);
            order.push(hit.updated_at);
        }
    }
    assert_eq!(seen.len(), 25);
    // Equal scores, so the whole listing is newest first across pages.
    assert!(order.windows(2).all(|pair| pair[0] > pair[1]));
    assert!(page(&index, 25, 10).hits.is_empty());
}

#[test]
fn the_limit_is_capped() {
    let index = numbered(150);
    let results = page(&index, 0, 10_000);
    assert_eq!(results.hits.len(), MAX_LIMIT);
    assert_eq!(results.total, 150);
}

#[test]
fn a_zero_limit_or_a_huge_offset_still_counts() {
    let index = numbered(5);
    for (offset, limit) in [(0, 0), (MAX_OFFSET + 1, 10), (usize::MAX, usize::MAX)] {
        let results = page(&index, offset, limit);
        assert!(results.hits.is_empty());
        assert_eq!(results.total, 5);
        assert_eq!(results.facets.kinds, vec![("post".to_owned(), 5)]);
    }
}
