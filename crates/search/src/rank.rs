//! Ordering matches: by score, newest first among equals; or newest first
//! when there is nothing to score.
//!
//! tantivy can sort by `(score, updated_at)` directly ([`by_score_then_newest`]),
//! but that generic path costs about a third more per match than its
//! specialised score-only heap, and a search visits every match anyway (the
//! facets count them all). So [`best_first`] takes the top by score alone,
//! a margin beyond the page, and orders equal scores itself; only when a run
//! of equal scores at the end of the page outlasts the margin does it run the
//! generic sort.

use std::collections::HashMap;

use tantivy::collector::TopDocs;
use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::columnar::Column;
use tantivy::query::Query;
use tantivy::{DocAddress, Order, Score, Searcher};

use crate::facets::{Counts, FacetCollector};
use crate::schema::names::UPDATED_AT;

/// How many matches beyond the page are fetched to settle ties at its end.
const TIE_MARGIN: usize = 32;

/// A page of matches, in order, with their scores.
pub(crate) type Page = Vec<(Score, DocAddress)>;

/// The page of `query`'s matches from `offset`, best first and newest first
/// among equal scores, and the counts over all matches. `limit` is at least 1.
pub(crate) fn best_first(
    searcher: &Searcher,
    query: &dyn Query,
    offset: usize,
    limit: usize,
) -> tantivy::Result<(Page, Counts)> {
    let wanted = offset + limit;
    // A margin beyond the page lets ties at its end be settled from what was
    // fetched: every match left out scores below the last one fetched.
    let fetched = wanted + TIE_MARGIN;
    let (top, counts) = searcher.search(query, &(TopDocs::with_limit(fetched).order_by_score(), FacetCollector))?;
    if top.len() == fetched && top[wanted - 1].0 == top[fetched - 1].0 {
        return Ok((by_score_then_newest(searcher, query, offset, limit)?, counts));
    }

    // Which documents are on the page is settled; their order among equal
    // scores is not (tantivy breaks ties by document address).
    let mut columns: HashMap<u32, Column<i64>> = HashMap::new();
    let mut ranked = Vec::with_capacity(top.len());
    for (score, address) in top {
        let column = match columns.get(&address.segment_ord) {
            Some(column) => column,
            None => {
                let column = searcher.segment_reader(address.segment_ord).fast_fields().i64(UPDATED_AT)?;
                columns.entry(address.segment_ord).or_insert(column)
            }
        };
        ranked.push((score, column.first(address.doc_id), address));
    }
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| b.1.cmp(&a.1)));
    let page = ranked.into_iter().skip(offset).take(limit).map(|(score, _, address)| (score, address)).collect();
    Ok((page, counts))
}

/// The page of `query`'s matches from `offset`, newest first, and the counts
/// over all matches; for queries of filters only, whose scores are all equal.
/// The score reported is 0. `limit` is at least 1.
pub(crate) fn newest_first(
    searcher: &Searcher,
    query: &dyn Query,
    offset: usize,
    limit: usize,
) -> tantivy::Result<(Page, Counts)> {
    let newest = TopDocs::with_limit(limit).and_offset(offset).order_by_fast_field::<i64>(UPDATED_AT, Order::Desc);
    let (top, counts) = searcher.search(query, &(newest, FacetCollector))?;
    Ok((top.into_iter().map(|(_, address)| (0.0, address)).collect(), counts))
}

/// The top `limit` of `query`'s matches after `offset` by score, then newest
/// first, sorted by tantivy in one pass. `limit` is at least 1 (tantivy
/// panics on 0).
pub(crate) fn by_score_then_newest(
    searcher: &Searcher,
    query: &dyn Query,
    offset: usize,
    limit: usize,
) -> tantivy::Result<Page> {
    let by = ((SortBySimilarityScore, Order::Desc), (SortByStaticFastValue::<i64>::for_field(UPDATED_AT), Order::Desc));
    let top = searcher.search(query, &TopDocs::with_limit(limit).and_offset(offset).order_by(by))?;
    Ok(top.into_iter().map(|((score, _), address)| (score, address)).collect())
}
