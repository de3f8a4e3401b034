//! Facet counts over the whole filtered result set.

use stoa_search::{Doc, Kind, MAX_TAG_FACETS, Query};

use crate::helpers::{doc, index_with, search, space_id, tags};

#[test]
fn facets_count_every_match_not_just_the_page() {
    let mut docs = Vec::new();
    for i in 0..12 {
        docs.push(Doc {
            tags: tags(&["baking", "bread"]),
            ..doc(Kind::Thread, &format!("t{i}"), "guild", "Bread", "")
        });
    }
    for i in 0..5 {
        docs.push(Doc {
            tags: tags(&["baking"]),
            ..doc(Kind::Post, &format!("p{i}"), "club", "Bread crumbs", "bread crumbs")
        });
    }
    docs.push(doc(Kind::WikiPage, "w", "club", "Bread history", ""));
    docs.push(doc(Kind::WikiPage, "other", "club", "Cheese", ""));
    let index = index_with(docs);

    let query =
        Query { text: "bread".into(), readable_spaces: vec![space_id("guild"), space_id("club")], offset: 0, limit: 3 };
    let results = index.search(&query).unwrap();
    assert_eq!(results.hits.len(), 3);
    assert_eq!(results.total, 18);
    assert_eq!(results.facets.kinds, vec![("thread".to_owned(), 12), ("post".to_owned(), 5), ("wiki".to_owned(), 1)]);
    assert_eq!(
        results.facets.spaces,
        vec![("guild".to_owned(), "guild hall".to_owned(), 12), ("club".to_owned(), "club hall".to_owned(), 6)]
    );
    assert_eq!(results.facets.tags, vec![("baking".to_owned(), 17), ("bread".to_owned(), 12)]);

    // Filters narrow the counts too.
    let narrowed = search(&index, "bread kind:post", &["guild", "club"]);
    assert_eq!(narrowed.facets.kinds, vec![("post".to_owned(), 5)]);
    assert_eq!(narrowed.facets.tags, vec![("baking".to_owned(), 5)]);
}

#[test]
fn tag_facets_are_capped_and_ordered_by_count() {
    let docs = (0..30)
        .map(|i| {
            // Tag `t{i}` is on documents 0..=i, so lower numbers are more frequent.
            let tags = (i..30).map(|j| format!("t{j:02}")).collect();
            Doc { tags, ..doc(Kind::Thread, &format!("d{i}"), "guild", "Tagged", "") }
        })
        .collect();
    let index = index_with(docs);
    let tags = search(&index, "tagged", &["guild"]).facets.tags;
    assert_eq!(tags.len(), MAX_TAG_FACETS);
    assert_eq!(tags[0], ("t29".to_owned(), 30));
    assert_eq!(tags[1], ("t28".to_owned(), 29));
    assert!(tags.windows(2).all(|pair| pair[0].1 >= pair[1].1));
}

#[test]
fn tags_are_counted_once_per_document_in_lowercase() {
    let index =
        index_with(vec![Doc { tags: tags(&["Rust", "rust", " rust "]), ..doc(Kind::Thread, "a", "guild", "x", "") }]);
    let results = search(&index, "tag:rust", &["guild"]);
    assert_eq!(results.facets.tags, vec![("rust".to_owned(), 1)]);
    assert_eq!(results.hits[0].tags, ["rust"]);
}
