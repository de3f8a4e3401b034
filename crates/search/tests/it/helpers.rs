//! Documents and indexes for the tests.

use stoa_search::{Change, Doc, Kind, Query, Results, SearchIndex};

/// A document in the space with slug `space` (id `sp-{space}`, name
/// `{Space} Hall`), untagged, updated at 1000.
pub fn doc(kind: Kind, id: &str, space: &str, title: &str, body: &str) -> Doc {
    Doc {
        kind,
        id: id.to_owned(),
        space_id: space_id(space),
        space_slug: space.to_owned(),
        space_name: format!("{space} hall"),
        title: title.to_owned(),
        body: body.to_owned(),
        tags: Vec::new(),
        url: format!("/s/{space}/{kind}/{id}"),
        updated_at: 1000,
    }
}

pub fn thread(id: &str, space: &str, title: &str, body: &str) -> Doc {
    doc(Kind::Thread, id, space, title, body)
}

pub fn space_id(space: &str) -> String {
    format!("sp-{space}")
}

pub fn tags(tags: &[&str]) -> Vec<String> {
    tags.iter().map(|tag| (*tag).to_owned()).collect()
}

/// An in-memory index holding `docs`, committed at cursor 1.
pub fn index_with(docs: Vec<Doc>) -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    index.apply(docs.into_iter().map(Change::Upsert).collect(), 1).unwrap();
    index
}

/// Searches `text` as a viewer who may read the spaces with these slugs.
pub fn search(index: &SearchIndex, text: &str, spaces: &[&str]) -> Results {
    let query = Query {
        text: text.to_owned(),
        readable_spaces: spaces.iter().map(|space| space_id(space)).collect(),
        offset: 0,
        limit: 100,
    };
    index.search(&query).unwrap()
}

/// The ids of the hits, in order.
pub fn ids(results: &Results) -> Vec<&str> {
    results.hits.iter().map(|hit| hit.id.as_str()).collect()
}

/// The ids of the hits, sorted, for checks that do not care about order.
pub fn sorted_ids(results: &Results) -> Vec<&str> {
    let mut ids = ids(results);
    ids.sort_unstable();
    ids
}
