//! The permission filter: nothing from a space the viewer may not read shows
//! up anywhere in the results.

use stoa_search::{Doc, Kind, Query, SearchIndex};

use crate::helpers::{doc, ids, index_with, search, sorted_ids, space_id, tags, thread};

fn two_spaces() -> SearchIndex {
    index_with(vec![
        Doc {
            tags: tags(&["classified"]),
            ..thread("s1", "secret", "Quarterly meeting zanzibarite", "The zanzibarite plan for the meeting")
        },
        Doc { tags: tags(&["open"]), ..thread("p1", "public", "Weekly meeting", "Agenda for the meeting") },
    ])
}

#[test]
fn an_outsider_cannot_read_a_secret_space() {
    let index = two_spaces();

    let unique = search(&index, "zanzibarite", &["public"]);
    assert_eq!(unique.total, 0);
    assert!(unique.hits.is_empty());
    assert!(unique.facets.kinds.is_empty() && unique.facets.spaces.is_empty() && unique.facets.tags.is_empty());

    for filter_only in ["tag:classified", "space:secret", "kind:thread space:secret"] {
        assert_eq!(search(&index, filter_only, &["public"]).total, 0, "{filter_only}");
    }

    // A word both spaces use finds only the readable document, and the facets
    // and snippets say nothing of the other.
    let shared = search(&index, "meeting", &["public"]);
    assert_eq!(shared.total, 1);
    assert_eq!(ids(&shared), ["p1"]);
    assert_eq!(shared.facets.spaces, vec![("public".to_owned(), "public hall".to_owned(), 1)]);
    assert_eq!(shared.facets.tags, vec![("open".to_owned(), 1)]);
    assert_eq!(shared.facets.kinds, vec![("thread".to_owned(), 1)]);
    assert!(shared.hits.iter().all(|hit| !hit.snippet_html.contains("zanzibarite")));
}

#[test]
fn a_member_of_the_secret_space_finds_it() {
    let index = two_spaces();
    let unique = search(&index, "zanzibarite", &["public", "secret"]);
    assert_eq!(ids(&unique), ["s1"]);
    assert_eq!(unique.facets.tags, vec![("classified".to_owned(), 1)]);
    assert!(unique.hits[0].snippet_html.contains("<mark>zanzibarite</mark>"));

    let shared = search(&index, "meeting", &["public", "secret"]);
    assert_eq!(sorted_ids(&shared), ["p1", "s1"]);
    assert_eq!(shared.facets.spaces.len(), 2);
}

#[test]
fn no_readable_spaces_means_no_results() {
    let index = two_spaces();
    for text in ["meeting", "tag:open", "kind:thread", "-nothing"] {
        let results = index.search(&Query { text: text.into(), ..Query::default() }).unwrap();
        assert_eq!(results.total, 0, "{text}");
        assert!(results.hits.is_empty());
    }
}

#[test]
fn query_syntax_cannot_reach_around_the_filter() {
    let index = two_spaces();
    // Field syntax and match-all tricks are plain text here, and would still
    // be inside the permission filter if they were not.
    let tricks = [
        "*",
        "space_id:sp-secret",
        "zanzibarite OR meeting",
        "-nothing",
        "title:zanzibarite",
        "meeting space:secret",
        "(zanzibarite)",
    ];
    for trick in tricks {
        let results = search(&index, trick, &["public"]);
        assert!(results.hits.iter().all(|hit| hit.space_id == space_id("public")), "{trick}");
        assert!(results.facets.spaces.iter().all(|(slug, _, _)| slug == "public"), "{trick}");
        assert!(results.facets.tags.iter().all(|(tag, _)| tag != "classified"), "{trick}");
    }
}

#[test]
fn suggestions_respect_the_readable_spaces() {
    let index = index_with(vec![
        thread("s1", "secret", "Migrating the billing database", ""),
        doc(Kind::WikiPage, "p1", "public", "Database backups", ""),
    ]);
    let spaces = [space_id("public")];
    let hits = index.suggest("Migrating the billing database", &spaces, &[], 10).unwrap();
    assert_eq!(hits.iter().map(|hit| hit.id.as_str()).collect::<Vec<_>>(), ["p1"]);
    assert!(index.suggest("Migrating the billing database", &[], &[], 10).unwrap().is_empty());
}
