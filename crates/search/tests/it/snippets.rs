//! Highlighted, escaped titles and snippets.

use stoa_search::Doc;

use crate::helpers::{index_with, search, thread};

#[test]
fn a_snippet_escapes_markup_and_marks_matched_words() {
    let body = "Beware of <script>alert(1)</script> when parsing user HTML & attributes";
    let index = index_with(vec![thread("a", "guild", "Parsing notes", body)]);

    for text in ["parsing", "alert", "script", "beware attributes"] {
        let hit = &search(&index, text, &["guild"]).hits[0];
        assert!(!hit.snippet_html.contains("<script"), "{text}: {}", hit.snippet_html);
        assert!(hit.snippet_html.contains("&lt;"), "{text}: {}", hit.snippet_html);
        assert!(hit.snippet_html.contains("<mark>"), "{text}: {}", hit.snippet_html);
    }
    let hit = &search(&index, "parsing", &["guild"]).hits[0];
    assert_eq!(
        hit.snippet_html,
        "Beware of &lt;script&gt;alert(1)&lt;/script&gt; when <mark>parsing</mark> user HTML &amp; attributes"
    );
    let hit = &search(&index, "script", &["guild"]).hits[0];
    assert!(hit.snippet_html.contains("&lt;<mark>script</mark>&gt;"), "{}", hit.snippet_html);
}

#[test]
fn a_title_is_shown_whole_escaped_with_matches_marked() {
    let index = index_with(vec![thread("a", "guild", "Vec<T> borrowing rules?", "Some body")]);
    let hit = &search(&index, "borrow", &["guild"]).hits[0];
    assert_eq!(hit.title, "Vec<T> borrowing rules?");
    assert_eq!(hit.title_html, "Vec&lt;T&gt; <mark>borrowing</mark> rules?");
}

#[test]
fn a_body_without_a_match_shows_its_beginning() {
    let body = format!("<p> starts here. {}", "Filler words go on and on. ".repeat(20));
    let index = index_with(vec![thread("a", "guild", "Unique heading", &body)]);
    let hit = &search(&index, "unique", &["guild"]).hits[0];
    assert!(hit.snippet_html.starts_with("&lt;p&gt; starts here."), "{}", hit.snippet_html);
    assert!(hit.snippet_html.ends_with('…'));
    assert!(!hit.snippet_html.contains("<mark>"));
    assert!(hit.snippet_html.len() < 220, "{}", hit.snippet_html.len());
    assert_eq!(hit.title_html, "<mark>Unique</mark> heading");
}

#[test]
fn a_long_body_is_cut_around_the_match() {
    let body = format!("{} the needle is here. {}", "Hay and straw. ".repeat(40), "More hay. ".repeat(40));
    let index = index_with(vec![thread("a", "guild", "Haystack", &body)]);
    let hit = &search(&index, "needle", &["guild"]).hits[0];
    assert!(hit.snippet_html.contains("<mark>needle</mark>"), "{}", hit.snippet_html);
    assert!(hit.snippet_html.starts_with('…'), "{}", hit.snippet_html);
    assert!(hit.snippet_html.ends_with('…'), "{}", hit.snippet_html);
    assert!(hit.snippet_html.len() < 260, "{}", hit.snippet_html.len());
}

#[test]
fn phrases_and_stems_are_highlighted() {
    let index = index_with(vec![thread("a", "guild", "Notes", "She borrowed the red bicycle yesterday")]);
    let hit = &search(&index, r#""red bicycle" borrowing"#, &["guild"]).hits[0];
    assert_eq!(hit.snippet_html, "She <mark>borrowed</mark> the <mark>red</mark> <mark>bicycle</mark> yesterday");
}

#[test]
fn filter_only_hits_are_escaped_but_not_marked() {
    let index = index_with(vec![Doc {
        tags: vec!["html".into()],
        ..thread("a", "guild", "<b>Bold</b> claims", "Body with <i>tags</i>")
    }]);
    let hit = &search(&index, "tag:html", &["guild"]).hits[0];
    assert_eq!(hit.title_html, "&lt;b&gt;Bold&lt;/b&gt; claims");
    assert_eq!(hit.snippet_html, "Body with &lt;i&gt;tags&lt;/i&gt;");
    assert_eq!(hit.tags, ["html"]);
}
