//! "Does this already exist?" suggestions for a draft title.

use stoa_search::{Kind, SearchIndex};

use crate::helpers::{doc, index_with, space_id, thread};

fn forum() -> SearchIndex {
    index_with(vec![
        thread("exact", "guild", "How do I borrow a mutable reference twice?", "The compiler says no."),
        thread("books", "guild", "Borrowing books from the library", "Opening hours and cards."),
        thread("statics", "guild", "Mutable statics in Rust", "Why they need unsafe."),
        doc(Kind::WikiPage, "wiki", "guild", "The borrow checker", "References, mutable and shared, explained."),
        doc(
            Kind::Post,
            "post",
            "guild",
            "Re: borrow a mutable reference twice",
            "Same question here: how do I borrow a mutable reference twice?",
        ),
    ])
}

fn suggest(index: &SearchIndex, draft: &str, kinds: &[Kind]) -> Vec<String> {
    let hits = index.suggest(draft, &[space_id("guild")], kinds, 5).unwrap();
    hits.into_iter().map(|hit| hit.id).collect()
}

#[test]
fn the_closest_title_comes_first() {
    let index = forum();
    let ids = suggest(&index, "Borrowing a mutable reference two times", &[Kind::Thread, Kind::WikiPage]);
    assert_eq!(ids.first().map(String::as_str), Some("exact"), "{ids:?}");
    // Any shared word is enough to be suggested.
    assert!(ids.contains(&"books".to_owned()) && ids.contains(&"statics".to_owned()), "{ids:?}");
    assert!(!ids.contains(&"post".to_owned()), "{ids:?}");

    let ids = suggest(&index, "library cards", &[Kind::Thread, Kind::WikiPage]);
    assert_eq!(ids, ["books"]);
}

#[test]
fn no_kinds_means_every_kind() {
    let index = forum();
    let ids = suggest(&index, "borrow a mutable reference twice", &[]);
    assert!(ids.contains(&"post".to_owned()), "{ids:?}");
}

#[test]
fn suggestions_are_highlighted() {
    let index = forum();
    let hits = index.suggest("library", &[space_id("guild")], &[Kind::Thread], 5).unwrap();
    assert_eq!(hits[0].title_html, "Borrowing books from the <mark>library</mark>");
}

#[test]
fn nothing_to_match_suggests_nothing() {
    let index = forum();
    assert!(suggest(&index, "", &[]).is_empty());
    assert!(suggest(&index, "?!… 🦀", &[]).is_empty());
    assert!(suggest(&index, "zeppelin", &[]).is_empty());
    assert!(index.suggest("borrow", &[space_id("guild")], &[], 0).unwrap().is_empty());
}
